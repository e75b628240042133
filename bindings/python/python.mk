# bindings/python: the xendtgen module (ctypes over libdtgen).
if HAVE_PYTHON
python_PYTHON = bindings/python/xendtgen.py
endif
EXTRA_DIST += bindings/python/xendtgen.py bindings/python/test_xendtgen.py \
	tests/python-bindings.sh
# Python cannot load an ASan-instrumented library without preloading the
# runtime, so the bindings are tested in the plain build only.
if !SANITIZERS
TESTS += tests/python-bindings.sh
endif
