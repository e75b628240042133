# docs: rules for this area
EXTRA_DIST += docs/bindings/xen-coprocessor.md
