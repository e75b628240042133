#!/usr/bin/env bash
# The Python bindings' tests (pytest), against the library just built.
set -euo pipefail
py=${PYTHON3:-/usr/bin/python3}
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
if ! "$py" -c 'import pytest' 2>/dev/null; then
	echo "pytest is missing (Debian: python3-pytest)"; exit 1
fi
export DTGEN_LIBRARY="$top_builddir/lib/.libs/libdtgen.so"
export PYTHONPATH="$top_srcdir/bindings/python${PYTHONPATH:+:$PYTHONPATH}"
export top_srcdir
cd "$top_builddir"
exec "$py" -m pytest -q -p no:cacheprovider "$top_srcdir/bindings/python/test_xendtgen.py"
