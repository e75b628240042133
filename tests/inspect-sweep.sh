#!/bin/sh
# Every DTB in tests/data: `dtgen inspect --json` (all devices) and the text
# output succeed without a crash or sanitizer report, and the JSON is valid.
set -u
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
dtgen="$builddir/tools/dtgen"
py=${PYTHON3:-/usr/bin/python3}
[ -x "$py" ] || py=/usr/bin/python3
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for f in "$srcdir"/tests/data/*.dtb; do
	n=$((n + 1))
	name=$(basename "$f")
	if ! "$dtgen" inspect --json "$f" >"$tmp/out.json" 2>"$tmp/err"; then
		echo "FAIL: $name: dtgen inspect --json exited non-zero"; cat "$tmp/err"; fail=1; continue
	fi
	if [ -s "$tmp/err" ]; then
		echo "FAIL: $name: unexpected stderr"; cat "$tmp/err"; fail=1
	fi
	if ! "$py" -m json.tool "$tmp/out.json" >/dev/null 2>"$tmp/err"; then
		echo "FAIL: $name: invalid JSON"; cat "$tmp/err"; fail=1; continue
	fi
	# sorted by path, at least one device
	"$py" - "$tmp/out.json" <<'PY' || { echo "FAIL: $name: JSON shape"; fail=1; }
import json, sys
d = json.load(open(sys.argv[1]))
assert d, "no devices"
paths = [x["path"] for x in d]
assert paths == sorted(paths), "not sorted"
for x in d:
    assert set(x) == {"path", "status", "compatible", "mmio", "irqs", "iommus", "errors"}, x
    for m in x["mmio"]:
        for k in ("addr", "size"):
            assert m[k].startswith("0x") and (m[k] == "0x0" or m[k][2] != "0"), m
            assert m[k] == m[k].lower()
    for e in x["errors"]:
        assert e.split(":")[0] in ("reg", "interrupts", "interrupts-extended", "iommus",
            "iommu-map", "iommu-map-mask", "clocks", "power-domains", "resets", "dmas",
            "mboxes", "memory-region", "status", "compatible") or e.startswith("pinctrl-"), e
PY
	if ! "$dtgen" inspect "$f" >"$tmp/out.txt" 2>"$tmp/err"; then
		echo "FAIL: $name: dtgen inspect (text) exited non-zero"; cat "$tmp/err"; fail=1
	fi
done
echo "inspect-sweep: $n DTBs"
[ "$n" -gt 0 ] || exit 99
exit $fail
