# docs/: the coprocessor DT binding and the shadow engine's notes, installed
# with the README.
dist_doc_DATA += README.md docs/shadow.md docs/bindings/xen-coprocessor.md
