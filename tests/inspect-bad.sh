#!/bin/sh
# Bad input to `dtgen inspect`: a clear message naming file (and node and
# property where there is one), a non-zero exit, and nothing on stdout.
set -u
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
dtgen="$builddir/tools/dtgen"
dtc=${DTC:-dtc}
py=${PYTHON3:-/usr/bin/python3}
[ -x "$py" ] || py=/usr/bin/python3
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
good="$srcdir/tests/data/virt.dtb"

# expect NAME FILE MESSAGE [PATH...]
expect() {
	name=$1 file=$2 msg=$3
	shift 3
	"$dtgen" inspect --json "$file" "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$st" -eq 0 ]; then echo "FAIL: $name: exit 0"; fail=1; fi
	if [ "$st" -ge 128 ]; then echo "FAIL: $name: crashed ($st)"; fail=1; fi
	if [ -s "$tmp/out" ]; then echo "FAIL: $name: output on stdout"; fail=1; fi
	if ! grep -qF -- "$msg" "$tmp/err"; then
		echo "FAIL: $name: stderr lacks '$msg':"; cat "$tmp/err"; fail=1
	else
		echo "ok: $name: $(cat "$tmp/err")"
	fi
}

size=$(wc -c <"$good")
head -c $((size / 2)) "$good" >"$tmp/truncated.dtb"
expect truncated "$tmp/truncated.dtb" "truncated.dtb: header: totalsize: "

"$py" -c "import sys; b=bytearray(open(sys.argv[1],'rb').read()); b[0]^=0xff; open(sys.argv[2],'wb').write(b)" \
	"$good" "$tmp/magic.dtb"
expect bad-magic "$tmp/magic.dtb" "magic.dtb: header: magic: 0x"

"$py" -c "import sys,struct; b=bytearray(open(sys.argv[1],'rb').read()); b[4:8]=struct.pack('>I', len(b)+4096); open(sys.argv[2],'wb').write(b)" \
	"$good" "$tmp/totalsize.dtb"
expect totalsize "$tmp/totalsize.dtb" "totalsize.dtb: header: totalsize: "

compile() { "$dtc" -q -I dts -O dtb -o "$tmp/$1.dtb" - || { echo "dtc failed"; exit 99; }; }

compile cells5 <<'DTS'
/dts-v1/;
/ { #address-cells = <1>; #size-cells = <1>;
    bus { #address-cells = <5>; #size-cells = <1>; ranges;
        dev@0 { reg = <0 0 0 0 0 0x10>; }; }; };
DTS
expect address-cells-5 "$tmp/cells5.dtb" "cells5.dtb: /bus: #address-cells: 5 is more than 4"

compile cycle <<'DTS'
/dts-v1/;
/ { #address-cells = <1>; #size-cells = <1>;
    a: a { interrupt-parent = <&b>; };
    b: b { interrupt-parent = <&a>; };
    dev@1000 { reg = <0x1000 0x10>; interrupt-parent = <&a>; interrupts = <1>; }; };
DTS
expect irq-parent-cycle "$tmp/cycle.dtb" ": interrupt-parent: cycle through"

expect unknown-path "$good" "virt.dtb: /no/such/node: no such node" /pl031@9010000 /no/such/node
expect missing-file "$tmp/nonexistent.dtb" "nonexistent.dtb"
exit $fail
