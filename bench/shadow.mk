# bench fragment: shadow
