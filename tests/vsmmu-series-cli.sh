#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# dtgen with viommu = "smmuv3", as the xen-devel vSMMUv3 series consumes it.
# libxl's viommu_get_stream and Xen's dom0less modify_pfdt_node read the
# second cell of each <phandle ID> pair of a /passthrough node's iommus as
# the PHYSICAL stream ID and allocate the vSID (vsmmuv3_allocate_free_vid:
# first free from 0, partial-DT order); make_vsmmuv3_node adds the guest's
# iommu@4040000.  So: `partial` keeps <0 pSID> and has no vSMMUv3 node;
# `guest-dt` and `overlay` show <65002 vSID> with those vSIDs; `plan`
# ends with one alloc_vsid_range per entry (cmd 91 in bin); Juno r2's two
# HDLCDs with stream ID 0 on two SMMUs get vSIDs 0 and 1.  The D05's SEC
# engines (pSID 0x600 on two SMMUv3s) are refused by partial and complete:
# their interrupts end at the mbigen, not the GIC.  No output on error.
set -u
DTGEN="$top_builddir/tools/dtgen"
JUNO="$top_srcdir/tests/data/juno-r2.dtb"
D05="$top_srcdir/tests/data/hip07-d05.dtb"
DTC=${DTC:-dtc}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat > "$T/j.cfg" <<'CFG'
name = "juno"
viommu = "smmuv3"
dt_passthrough = [ "path=/hdlcd@7ff50000,clock-rate=pxlclk:148500000", "path=/hdlcd@7ff60000,clock-rate=pxlclk:148500000" ]
CFG
"$DTGEN" partial "$JUNO" "$T/j.cfg" -o "$T/p.dtb" 2>/dev/null || fail "partial"
"$DTGEN" check-partial "$JUNO" "$T/p.dtb" >/dev/null || fail "check-partial"
"$DTC" -I dtb -O dts "$T/p.dtb" 2>/dev/null > "$T/p.dts"
[ "$(grep -c 'iommus = <0x00 0x00>;' "$T/p.dts")" -eq 2 ] || fail "partial: pSIDs not kept"
grep -q 'fdea\|smmu-v3' "$T/p.dts" && fail "partial: vSMMUv3 phandle or node"

"$DTGEN" guest-dt "$JUNO" "$T/j.cfg" -o "$T/g.dtb" 2>/dev/null || fail "guest-dt"
diag=$("$DTC" -I dtb -O dts -E iommus_property -o "$T/g.dts" "$T/g.dtb" 2>&1)
echo "$diag" | grep -q '(iommus_property)' && fail "dtc: $diag"
grep -A8 'hdlcd@7ff50000 {' "$T/g.dts" | grep -q 'iommus = <0xfdea 0x00>;' || fail "guest: hdlcd0 vSID"
grep -A8 'hdlcd@7ff60000 {' "$T/g.dts" | grep -q 'iommus = <0xfdea 0x01>;' || fail "guest: hdlcd1 vSID"
grep -q 'iommu@4040000 {' "$T/g.dts" || fail "guest: no vSMMUv3 node"

"$DTGEN" overlay "$JUNO" "$T/j.cfg" -o "$T/o.dtbo" 2>/dev/null || fail "overlay"
"$DTC" -I dtb -O dts "$T/o.dtbo" 2>/dev/null | grep -q 'iommus = <0xfdea 0x01>;' || fail "overlay vSID"
# fdtoverlay (libfdt's fdt_overlay_apply) onto a guest DT that has the
# vSMMUv3 node: every iommus phandle then resolves (dtc iommus_property).
FDTOVERLAY=${FDTOVERLAY:-fdtoverlay}
if command -v "$FDTOVERLAY" >/dev/null 2>&1; then
	printf 'name = "base"\nviommu = "smmuv3"\n' > "$T/base.cfg"
	"$DTGEN" guest-dt "$JUNO" "$T/base.cfg" -o "$T/base.dtb" 2>/dev/null || fail "base guest-dt"
	"$FDTOVERLAY" -i "$T/base.dtb" -o "$T/m.dtb" "$T/o.dtbo" || fail "fdtoverlay"
	diag=$("$DTC" -I dtb -O dts -E iommus_property -o "$T/m.dts" "$T/m.dtb" 2>&1)
	echo "$diag" | grep -q '(iommus_property)' && fail "merged: $diag"
	grep -A8 'hdlcd@7ff60000 {' "$T/m.dts" | grep -q 'iommus = <0xfdea 0x01>;' || fail "merged: hdlcd1 vSID"
fi

"$DTGEN" plan "$JUNO" "$T/j.cfg" > "$T/plan.txt" 2>/dev/null || fail "plan"
tail -n 2 "$T/plan.txt" > "$T/last2"
cat > "$T/want" <<'TXT'
alloc_vsid_range /hdlcd@7ff50000 first_psid=0x0 nr_sids=1 first_vsid=0 (proposed: vSMMUv3 series)
alloc_vsid_range /hdlcd@7ff60000 first_psid=0x0 nr_sids=1 first_vsid=1 (proposed: vSMMUv3 series)
TXT
cmp -s "$T/last2" "$T/want" || fail "plan text: $(cat "$T/last2")"
"$DTGEN" plan "$JUNO" "$T/j.cfg" --format json 2>/dev/null | grep -q '"op": "alloc_vsid_range", "device": "/hdlcd@7ff60000", "first_psid": "0x0", "nr_sids": 1, "first_vsid": 1' || fail "plan json"
"$DTGEN" plan "$JUNO" "$T/j.cfg" --format bin --domid 3 -o "$T/plan.bin" 2>/dev/null || fail "plan bin"
n=$(( $(wc -c < "$T/plan.bin") / 144 ))
# Last record: cmd 91, version 0x18, domain 3, first_psid 0, nr_sids 1, pad 0.
rec=$(od -An -tx1 -v -j $(( (n - 1) * 144 )) -N 28 "$T/plan.bin" | tr -s ' \n' ' ')
[ "$rec" = " 5b 00 00 00 18 00 00 00 03 00 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 " ] || fail "plan bin record: $rec"

# D05: SEC engines with pSID 0x600 on two SMMUv3s, interrupts at the mbigen.
cat > "$T/d.cfg" <<'CFG'
viommu = "smmuv3"
dt_passthrough = [ "path=/soc/crypto@d2000000", "path=/soc/crypto@8,d2000000" ]
CFG
msg=$("$DTGEN" partial "$D05" "$T/d.cfg" -o "$T/d.dtb" 2>&1) && fail "D05 partial accepted"
echo "$msg" | grep -q '/soc/crypto@d2000000: interrupts: interrupt 0 ends at /interrupt-controller@d0080000/intc_sec, which is not the GIC' || fail "D05 partial: $msg"
[ -e "$T/d.dtb" ] && fail "D05 partial: output written"
cat > "$T/dp.dts" <<'DTS'
/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	passthrough {
		compatible = "simple-bus";
		ranges;
		#address-cells = <2>;
		#size-cells = <2>;
		crypto@d2000000 {
			reg = <0x0 0xd0000000 0x0 0x10000>;
			iommus = <0x0 0x600>;
		};
		crypto@8d2000000 {
			reg = <0x8 0xd0000000 0x0 0x10000>;
			iommus = <0x0 0x600>;
		};
	};
};
DTS
"$DTC" -q -I dts -O dtb -o "$T/dp.dtb" "$T/dp.dts" || fail "dtc"
msg=$("$DTGEN" complete "$D05" "$T/dp.dtb" -o "$T/dc.dtb" 2>&1) && fail "D05 complete accepted"
echo "$msg" | grep -q '/passthrough/crypto@d2000000: host /soc/crypto@d2000000: interrupt 0 ends at /interrupt-controller@d0080000/intc_sec, which is not the GIC' || fail "D05 complete: $msg"
[ -e "$T/dc.dtb" ] && fail "D05 complete: output written"
echo "PASS"
