# bindings/python: rules for this area
