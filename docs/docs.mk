# docs: rules for this area
