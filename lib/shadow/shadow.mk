# lib/shadow: rules for this area
