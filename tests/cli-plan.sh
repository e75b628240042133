#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/cli-plan.sh - `dtgen plan` and `dtgen xlcfg` as a user runs them:
# formats, record sizes, versions, bad arguments (exit 2) and bad
# descriptions (exit 1, no output file).
set -u
DTGEN="$top_builddir/tools/dtgen"
DATA="$top_srcdir/tests/data"
PY="${PYTHON3:-python3}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

cat > "$T/pl031.cfg" <<'CFG'
name = "rtc"
memory = 128
dt_passthrough = [ "path=/pl031@9010000,iommu=no" ]
CFG
cat > "$T/gem.cfg" <<'CFG'
name = "net"   # the ZCU102 GEM behind the MMU-500

dt_passthrough = [ "path=/axi/ethernet@ff0e0000,iommu=yes,clock-rate=pclk:125000000,clock-rate=hclk:125000000,clock-rate=tx_clk:125000000,clock-rate=rx_clk:125000000,clock-rate=tsu_clk:125000000" ]
CFG
# The ZCU102's own DT disables the MMU-500; the DTs Xen boots with enable
# it (Xilinx's xen.dtsi): with it disabled Xen's iommu_add_dt_device()
# leaves the GEM unprotected and iommu_assign_dt_device() refuses it.
cp "$DATA/zynqmp-zcu102-rev1.0.dtb" "$T/zcu102-smmu.dtb"
fdtput -t s "$T/zcu102-smmu.dtb" /axi/iommu@fd800000 status okay || fail "fdtput"
sed 's/iommu=yes,//' "$T/gem.cfg" > "$T/gem-auto.cfg"
cat > "$T/bad.cfg" <<'CFG'
dt_passthrough = [ "path=/no-such-device@0" ]
CFG

# text: one line per op
if "$DTGEN" plan "$DATA/virt.dtb" "$T/pl031.cfg" > "$T/plan.txt"; then
	nops=$(wc -l < "$T/plan.txt")
	[ "$nops" -eq 4 ] && ok "text plan has 4 ops" || fail "text plan has $nops ops"
	grep -q '^iomem_permission /pl031@9010000 first_mfn=0x9010 nr_mfns=0x1 allow=1$' "$T/plan.txt" \
		&& ok "iomem_permission line" || fail "iomem_permission line: $(head -1 "$T/plan.txt")"
else
	fail "dtgen plan (text) failed"; nops=0
fi

# json: parses, same number of ops
if "$DTGEN" plan "$DATA/virt.dtb" "$T/pl031.cfg" --format json -o "$T/plan.json"; then
	n=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$T/plan.json")
	[ "$n" = "$nops" ] && ok "json has $n ops" || fail "json has $n ops, text $nops"
else
	fail "dtgen plan --format json failed"
fi

# bin: 144 bytes per op, for both interface versions; they differ only in
# interface_version (bytes 4..7 of each record)
for f in pl031:"$DATA/virt.dtb" gem:"$T/zcu102-smmu.dtb"; do
	cfg=${f%%:*}; dtb=${f#*:}
	n=$("$DTGEN" plan "$dtb" "$T/$cfg.cfg" | wc -l)
	if "$DTGEN" plan "$dtb" "$T/$cfg.cfg" --format bin --xen 4.17 --domid 5 -o "$T/$cfg-417.bin" &&
	   "$DTGEN" plan "$dtb" "$T/$cfg.cfg" --format bin --xen 4.22 --domid 5 -o "$T/$cfg-422.bin"; then
		size=$(wc -c < "$T/$cfg-417.bin")
		[ "$n" -gt 0 ] && [ "$size" -eq $((144 * n)) ] \
			&& ok "$cfg: bin is 144 x $n bytes" || fail "$cfg: bin is $size bytes for $n ops"
		"$PY" - "$T/$cfg-417.bin" "$T/$cfg-422.bin" <<'PYEOF' && ok "$cfg: 4.17/4.22 differ only in interface_version" || fail "$cfg: version diff"
import struct, sys
a = open(sys.argv[1], 'rb').read(); b = open(sys.argv[2], 'rb').read()
assert len(a) == len(b) and len(a) % 144 == 0
for i in range(0, len(a), 144):
    ra, rb = a[i:i+144], b[i:i+144]
    assert struct.unpack_from('<I', ra, 4)[0] == 0x15, 'v417'
    assert struct.unpack_from('<I', rb, 4)[0] == 0x18, 'v422'
    assert struct.unpack_from('<H', ra, 8)[0] == 5, 'domid'
    assert ra[:4] + ra[8:] == rb[:4] + rb[8:], 'payload'
PYEOF
	else
		fail "$cfg: dtgen plan --format bin failed"
	fi
done

# xlcfg
if "$DTGEN" xlcfg "$T/zcu102-smmu.dtb" "$T/gem.cfg" --partial /etc/xen/gem.dtb > "$T/xl.cfg"; then
	grep -q '^iomem = \[ "ff0e0,1@ff0e0" \]$' "$T/xl.cfg" && ok "xlcfg iomem" || fail "xlcfg iomem: $(cat "$T/xl.cfg")"
	grep -q '^dtdev = \[ "/axi/ethernet@ff0e0000" \]$' "$T/xl.cfg" && ok "xlcfg dtdev" || fail "xlcfg dtdev"
	grep -q '^irqs = \[ 95 \]$' "$T/xl.cfg" && ok "xlcfg irqs" || fail "xlcfg irqs"
	grep -q '^device_tree = "/etc/xen/gem.dtb"$' "$T/xl.cfg" && ok "xlcfg device_tree" || fail "xlcfg device_tree"
	grep -q '^nr_spis = [0-9]*$' "$T/xl.cfg" && ok "xlcfg nr_spis" || fail "xlcfg nr_spis"
else
	fail "dtgen xlcfg failed"
fi

# The MMU-500 disabled (the ZCU102's own DT): Xen's iommu_add_dt_device()
# stops at iommus entry 0, iommu_assign_dt_device() then returns -EINVAL:
# no dtdev, no assign_device; iommu=yes is refused (exit 1, no file).
if "$DTGEN" xlcfg "$DATA/zynqmp-zcu102-rev1.0.dtb" "$T/gem-auto.cfg" > "$T/xl-off.cfg" 2> "$T/err"; then
	grep -q '^iomem = \[ "ff0e0,1@ff0e0" \]$' "$T/xl-off.cfg" && ok "SMMU off: xlcfg iomem" || fail "SMMU off: xlcfg iomem"
	grep -q 'dtdev' "$T/xl-off.cfg" && fail "SMMU off: dtdev written" || ok "SMMU off: no dtdev"
	grep -q 'iommu@fd800000 is status "disabled"' "$T/err" && ok "SMMU off: warned" || fail "SMMU off: warning: $(cat "$T/err")"
else
	fail "SMMU off: dtgen xlcfg failed"
fi
if "$DTGEN" plan "$DATA/zynqmp-zcu102-rev1.0.dtb" "$T/gem-auto.cfg" > "$T/plan-off.txt" 2> /dev/null; then
	grep -q '^assign_device' "$T/plan-off.txt" && fail "SMMU off: assign_device in the plan" || ok "SMMU off: no assign_device"
else
	fail "SMMU off: dtgen plan failed"
fi
"$DTGEN" xlcfg "$DATA/zynqmp-zcu102-rev1.0.dtb" "$T/gem.cfg" -o "$T/on.cfg" 2> "$T/err"; st=$?
[ $st -eq 1 ] && [ ! -e "$T/on.cfg" ] && ok "SMMU off, iommu=yes: refused" || fail "SMMU off, iommu=yes: exit $st"
grep -q 'zynqmp-zcu102-rev1.0.dtb: /axi/ethernet@ff0e0000: iommus: iommu=yes but the IOMMU /axi/iommu@fd800000 is status "disabled"' "$T/err" \
	&& ok "SMMU off, iommu=yes: file, node, property" || fail "SMMU off, iommu=yes: $(cat "$T/err")"

# bad arguments: exit 2
expect_usage() {
	"$DTGEN" "$@" > /dev/null 2>&1; st=$?
	[ $st -eq 2 ] && ok "usage error: $*" || fail "exit $st (want 2): $*"
}
expect_usage plan
expect_usage plan "$DATA/virt.dtb"
expect_usage plan "$DATA/virt.dtb" "$T/pl031.cfg" --format xml
expect_usage plan "$DATA/virt.dtb" "$T/pl031.cfg" --domid abc
expect_usage plan "$DATA/virt.dtb" "$T/pl031.cfg" --domid 32752
expect_usage plan "$DATA/virt.dtb" "$T/pl031.cfg" --xen 4.1
expect_usage plan "$DATA/virt.dtb" "$T/pl031.cfg" --bogus
expect_usage plan "$DATA/virt.dtb" "$T/pl031.cfg" extra
expect_usage plan "$DATA/virt.dtb" "$T/pl031.cfg" -o
expect_usage xlcfg "$DATA/virt.dtb"
expect_usage xlcfg "$DATA/virt.dtb" "$T/pl031.cfg" --partial

# bad description: exit 1, a message naming the path, no output file
for fmt in text json bin; do
	"$DTGEN" plan "$DATA/virt.dtb" "$T/bad.cfg" --format $fmt -o "$T/bad.$fmt" 2> "$T/err"; st=$?
	[ $st -eq 1 ] && ok "bad description ($fmt): exit 1" || fail "bad description ($fmt): exit $st"
	[ ! -e "$T/bad.$fmt" ] && ok "no output file ($fmt)" || fail "output file left behind ($fmt)"
	grep -q 'no-such-device' "$T/err" && ok "error names the path" || fail "error: $(cat "$T/err")"
done
"$DTGEN" xlcfg "$DATA/virt.dtb" "$T/bad.cfg" -o "$T/bad.xl" 2> /dev/null; st=$?
[ $st -eq 1 ] && [ ! -e "$T/bad.xl" ] && ok "xlcfg bad description" || fail "xlcfg bad description: exit $st"
ls "$T" | grep -q 'tmp' && fail "temporary file left behind: $(ls "$T")"
"$DTGEN" plan "$DATA/virt.dtb" "$T/missing.cfg" > /dev/null 2>&1; st=$?
[ $st -eq 1 ] && ok "missing cfg: exit 1" || fail "missing cfg: exit $st"

[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
exit 0
