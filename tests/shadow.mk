# tests fragment: shadow
