# tests/e2e: rules for this area
