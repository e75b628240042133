#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/cli-fdt.sh - `dtgen partial`, `dtgen guest-dt`, `dtgen overlay`
# and `dtgen check-partial` as a user runs them: outputs exist and are valid
# DTBs (dtc), generated partials check clean, a hand-broken partial is
# reported with node and property (exit 1), a bad description exits
# non-zero and leaves no output file, bad arguments exit 2.
set -u
DTGEN="$top_builddir/tools/dtgen"
DATA="$top_srcdir/tests/data"
DTC="${DTC:-dtc}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

cat > "$T/pl031.cfg" <<'CFG'
name = "rtc"
memory = 128
vpl011 = 1
dt_passthrough = [ "path=/pl031@9010000,iommu=no" ]
CFG
cat > "$T/gem.cfg" <<'CFG'
name = "net"
dt_passthrough = [ "path=/axi/ethernet@ff0e0000,clock-rate=pclk:125000000,clock-rate=hclk:125000000,clock-rate=tx_clk:125000000,clock-rate=rx_clk:125000000,clock-rate=tsu_clk:125000000" ]
CFG
cat > "$T/bad.cfg" <<'CFG'
dt_passthrough = [ "path=/no-such-device@0" ]
CFG
cat > "$T/noclock.cfg" <<'CFG'
dt_passthrough = [ "path=/axi/ethernet@ff0e0000" ]
CFG

dtc_ok() { # FILE CHECKS...: decompiles with the named checks as errors
	f=$1; shift
	args=""
	for c in "$@"; do args="$args -E $c"; done
	out=$("$DTC" -I dtb -O dts $args -o "$T/out.dts" "$f" 2>&1) || { echo "$out"; return 1; }
	for c in "$@"; do
		case "$out" in *"($c)"*) echo "$out"; return 1;; esac
	done
	return 0
}

for c in pl031:virt.dtb gem:zynqmp-zcu102-rev1.0.dtb; do
	cfg=${c%%:*}; host=${c#*:}
	if "$DTGEN" partial "$DATA/$host" "$T/$cfg.cfg" -o "$T/$cfg-partial.dtb"; then
		[ -s "$T/$cfg-partial.dtb" ] && ok "$cfg partial written" || fail "$cfg partial empty"
		dtc_ok "$T/$cfg-partial.dtb" iommus_property clocks_property reg_format unit_address_vs_reg \
			&& ok "$cfg partial decompiles clean" || fail "$cfg partial: dtc"
		out=$("$DTGEN" check-partial "$DATA/$host" "$T/$cfg-partial.dtb"); st=$?
		[ $st -eq 0 ] && [ "$out" = "$T/$cfg-partial.dtb: ok" ] \
			&& ok "$cfg partial checks clean" || fail "$cfg check-partial: $st $out"
	else
		fail "dtgen partial $cfg"
	fi
	if "$DTGEN" guest-dt "$DATA/$host" "$T/$cfg.cfg" -o "$T/$cfg-guest.dtb"; then
		dtc_ok "$T/$cfg-guest.dtb" iommus_property interrupts_property clocks_property reg_format unit_address_vs_reg \
			&& ok "$cfg guest DT passes dtc" || fail "$cfg guest DT: dtc"
	else
		fail "dtgen guest-dt $cfg"
	fi
done
"$DTC" -I dtb -O dts "$T/pl031-partial.dtb" 2>/dev/null | grep -q 'xen,path = "/pl031@9010000"' \
	&& ok "pl031 partial has xen,path" || fail "pl031 partial lacks xen,path"

# the overlay applies with fdtoverlay onto the guest DT of the same guest
# without its device, giving the device and its clock under /passthrough
FDTOVERLAY=${FDTOVERLAY:-fdtoverlay}
[ "$FDTOVERLAY" != no ] || FDTOVERLAY=fdtoverlay
grep -v dt_passthrough "$T/pl031.cfg" > "$T/bare.cfg"
if "$DTGEN" overlay "$DATA/virt.dtb" "$T/pl031.cfg" -o "$T/pl031.dtbo" &&
   "$DTGEN" guest-dt "$DATA/virt.dtb" "$T/bare.cfg" -o "$T/bare.dtb" &&
   "$FDTOVERLAY" -i "$T/bare.dtb" -o "$T/merged.dtb" "$T/pl031.dtbo" &&
   "$DTC" -I dtb -O dts -E clocks_property -E interrupts_property \
	"$T/merged.dtb" > "$T/merged.dts" 2>/dev/null &&
   grep -q 'pl031@9010000 {' "$T/merged.dts" && grep -q 'clk-apb-pclk {' "$T/merged.dts"; then
	ok "overlay applies with fdtoverlay"
else
	fail "dtgen overlay + fdtoverlay"
fi

# a hand-broken partial (E2E.md: xen,path names no host node, no interrupt-parent)
cat > "$T/broken.dts" <<'DTS'
/dts-v1/;
/ {
	#address-cells = <2>; #size-cells = <2>;
	passthrough {
		compatible = "simple-bus"; ranges;
		#address-cells = <2>; #size-cells = <2>;
		pl031@9010000 {
			compatible = "arm,pl031", "arm,primecell";
			reg = <0 0x9010000 0 0x1000>;
			interrupts = <0 2 4>;
			xen,reg = <0 0x9010000 0 0x1000 0 0x9010000>;
			xen,path = "/pl031@9999000";
			xen,force-assign-without-iommu;
		};
	};
};
DTS
"$DTC" -q -I dts -O dtb -o "$T/broken.dtb" "$T/broken.dts"
out=$("$DTGEN" check-partial "$DATA/virt.dtb" "$T/broken.dtb"); st=$?
[ $st -eq 1 ] && ok "broken partial exits 1" || fail "broken partial exit $st"
echo "$out" | grep -q "^$T/broken.dtb: /passthrough/pl031@9010000: xen,path: Couldn't find node /pl031@9999000" \
	&& ok "bad xen,path reported" || fail "bad xen,path not reported: $out"
echo "$out" | grep -q "^$T/broken.dtb: /passthrough/pl031@9010000: interrupt-parent: missing" \
	&& ok "missing interrupt-parent reported" || fail "missing interrupt-parent not reported: $out"
[ "$(echo "$out" | wc -l)" -eq 2 ] && ok "exactly 2 issues" || fail "issues: $out"

# not a DTB: error, exit 1
echo garbage > "$T/garbage.dtb"
"$DTGEN" check-partial "$DATA/virt.dtb" "$T/garbage.dtb" > /dev/null 2>&1; st=$?
[ $st -eq 1 ] && ok "garbage partial exits 1" || fail "garbage partial exit $st"

# bad descriptions: non-zero, no output file
for cfg in bad noclock; do
	host=virt.dtb; [ $cfg = noclock ] && host=zynqmp-zcu102-rev1.0.dtb
	for cmd in partial guest-dt overlay; do
		rm -f "$T/x.dtb"
		"$DTGEN" $cmd "$DATA/$host" "$T/$cfg.cfg" -o "$T/x.dtb" 2> "$T/err"; st=$?
		if [ $st -ne 0 ] && [ ! -e "$T/x.dtb" ] && [ -s "$T/err" ]; then
			ok "$cmd $cfg fails cleanly ($(head -1 "$T/err"))"
		else
			fail "$cmd $cfg: exit $st, output $(ls "$T/x.dtb" 2>/dev/null)"
		fi
		ls "$T" | grep -q '\.tmp' && fail "$cmd $cfg left a temporary"
	done
done

# An I2C slave has no MMIO: Xen's handle_prop_pfdt() refuses xen,path
# without xen,reg (4.22's create_domUs panics), so `partial` refuses it,
# names the bus controller to pass instead and writes nothing.
cat > "$T/slave.cfg" <<'CFG'
dt_passthrough = [ "path=/axi/i2c@ff020000/gpio@20,iommu=no" ]
CFG
msg=$("$DTGEN" partial "$DATA/zynqmp-zcu102-rev1.0.dtb" "$T/slave.cfg" -o "$T/slave.dtb" 2>&1); st=$?
if [ $st -eq 1 ] && [ ! -e "$T/slave.dtb" ] &&
   echo "$msg" | grep -q '/axi/i2c@ff020000/gpio@20: reg: .*handle_prop_pfdt.*pass through its bus controller /axi/i2c@ff020000 instead'; then
	ok "partial refuses an I2C slave, naming its bus controller"
else
	fail "I2C slave: exit $st: $msg"
fi
# check-partial on a hand-written partial for that slave: what 4.17, 4.22
# and xl do with it (handle_prop_pfdt, scan_pfdt_node, copy_partial_fdt).
cat > "$T/slave.dts" <<'DTS'
/dts-v1/;
/ { #address-cells = <2>; #size-cells = <2>;
	passthrough { compatible = "simple-bus"; ranges;
		#address-cells = <2>; #size-cells = <2>;
		gpio { compatible = "ti,tca6416"; xen,path = "/axi/i2c@ff020000/gpio@20";
			xen,force-assign-without-iommu; };
	};
};
DTS
"$DTC" -q -I dts -O dtb -o "$T/slave-p.dtb" "$T/slave.dts"
out=$("$DTGEN" check-partial "$DATA/zynqmp-zcu102-rev1.0.dtb" "$T/slave-p.dtb"); st=$?
if [ $st -eq 1 ] && echo "$out" | grep -q '/passthrough/gpio: xen,reg: missing .*4.17 dom0less: logged, the guest boots.*4.22 dom0less: panics (create_domUs); xl: ignored'; then
	ok "check-partial says what 4.17, 4.22 and xl do with xen,path alone"
else
	fail "check-partial of xen,path alone: exit $st: $out"
fi

# a corrupted structure block: the first token (the root's FDT_BEGIN_NODE)
# turned into FDT_END passes libfdt 1.6.1's fdt_check_full(); the one gate
# for untrusted DTBs (lib/blob-check.c) says the structure is corrupt and
# where, not "/passthrough: missing"
if "$DTGEN" partial "$DATA/virt.dtb" "$T/pl031.cfg" -o "$T/corrupt.dtb"; then
	soff=$(od -An -tu1 -j8 -N4 "$T/corrupt.dtb" |
		awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
	printf '\011' | dd of="$T/corrupt.dtb" bs=1 seek=$((soff + 3)) conv=notrunc 2>/dev/null
	"$DTGEN" check-partial "$DATA/virt.dtb" "$T/corrupt.dtb" > "$T/out" 2> "$T/err"; st=$?
	if [ $st -eq 1 ] && grep -q 'corrupt.dtb: /: structure block offset 0x0: FDT_END before the root node' "$T/err" &&
	   ! grep -q missing "$T/out" "$T/err"; then
		ok "corrupt structure block: $(cat "$T/err")"
	else
		fail "corrupt structure block: exit $st: $(cat "$T/out" "$T/err")"
	fi
else
	fail "partial for the corruption test"
fi

# usage errors: exit 2
"$DTGEN" partial "$DATA/virt.dtb" "$T/pl031.cfg" > /dev/null 2>&1; st=$?
[ $st -eq 2 ] && ok "partial without -o exits 2" || fail "partial without -o: $st"
"$DTGEN" check-partial "$DATA/virt.dtb" > /dev/null 2>&1; st=$?
[ $st -eq 2 ] && ok "check-partial with one file exits 2" || fail "check-partial one file: $st"

[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
exit 0
