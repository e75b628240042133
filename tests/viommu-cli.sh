#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# dtgen complete: the ZCU102 GEM seed partial DT is completed and passes
# dtgen check-partial; a node matching no host device fails with a message
# naming it, and no output file is left.  The completed partial DT keeps
# <0 pSID>: the vSMMUv3 series' libxl viommu_get_stream and Xen dom0less
# modify_pfdt_node read that cell as the physical stream ID, allocate the
# vSID (vsmmuv3_allocate_free_vid) and add the vSMMUv3 node themselves;
# only the guest DT libdtgen completes (guest-dt) shows <65002 vSID>, with
# the vSID Xen will give (0 for the first entry).  Earlier expectations
# (<0xfdea 0x877> and a vSMMUv3 node in the partial DT) were libdtgen's own
# vIDs, which the series would have mapped as physical stream IDs.
set -u
DTGEN="$top_builddir/tools/dtgen"
HOST="$top_srcdir/tests/data/zynqmp-zcu102-rev1.0.dtb"
DTC=${DTC:-dtc}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat > "$T/gem.dts" <<'DTS'
/dts-v1/;
/ {
	#address-cells = <2>;
	#size-cells = <2>;
	passthrough {
		compatible = "simple-bus";
		ranges;
		#address-cells = <2>;
		#size-cells = <2>;
		ethernet@ff0e0000 {
			compatible = "cdns,zynqmp-gem", "cdns,gem";
			interrupt-parent = <0xfde8>;
			interrupts = <0x0 0x3f 0x4 0x0 0x3f 0x4>;
			reg = <0x0 0xff0e0000 0x0 0x1000>;
			iommus = <0x0 0x877>;
		};
	};
};
DTS
"$DTC" -q -I dts -O dtb -o "$T/gem.dtb" "$T/gem.dts" || fail "dtc"
"$DTGEN" complete "$HOST" "$T/gem.dtb" -o "$T/out.dtb" || fail "complete"
# No vSMMUv3 node in the partial DT (libxl's make_vsmmuv3_node adds it), so
# no reserved phandle for Xen 4.22's dom0less builder to refuse: clean.
"$DTGEN" check-partial "$HOST" "$T/out.dtb" || fail "check-partial rejects the completed DT"
"$DTC" -I dtb -O dts "$T/out.dtb" 2>/dev/null > "$T/out.dts"
grep -q 'iommus = <0x00 0x877>;' "$T/out.dts" || fail "iommus pSID not kept"
grep -q 'xen,path = "/axi/ethernet@ff0e0000";' "$T/out.dts" || fail "no xen,path"
grep -q 'compatible = "arm,smmu-v3";' "$T/out.dts" && fail "vSMMUv3 node in the partial DT"

# A node that matches nothing: error naming it, no output.
sed 's/0xff0e0000 0x0 0x1000/0xa0000000 0x0 0x1000/; s/ethernet@ff0e0000/dma@a0000000/' "$T/gem.dts" > "$T/bad.dts"
"$DTC" -q -I dts -O dtb -o "$T/bad.dtb" "$T/bad.dts" || fail "dtc bad"
msg=$("$DTGEN" complete "$HOST" "$T/bad.dtb" -o "$T/bad-out.dtb" 2>&1) && fail "bad input accepted"
echo "$msg" | grep -q '/passthrough/dma@a0000000: reg: no device' || fail "message: $msg"
[ -e "$T/bad-out.dtb" ] && fail "output written on error"
# Usage errors.
"$DTGEN" complete "$HOST" 2>/dev/null; [ $? -eq 2 ] || fail "usage status"
# --id-bits: accepted (the opts field stays), but the series' allocator
# (vsmmuv3_allocate_free_vid) ignores it: say so on stderr, same output.
"$DTGEN" complete "$HOST" "$T/gem.dtb" -o "$T/out-bits.dtb" --id-bits 8 2> "$T/bits.err" || fail "complete --id-bits"
grep -q 'warning: --id-bits has no effect' "$T/bits.err" || fail "no --id-bits warning: $(cat "$T/bits.err")"
cmp -s "$T/out.dtb" "$T/out-bits.dtb" || fail "--id-bits changed the output"
"$DTGEN" complete "$HOST" "$T/gem.dtb" -o "$T/out-nobits.dtb" 2> "$T/nobits.err" || fail "complete"
grep -q 'id-bits' "$T/nobits.err" && fail "--id-bits warning without --id-bits"
"$DTGEN" complete "$HOST" "$T/gem.dtb" -o "$T/x.dtb" --id-bits 0 2>/dev/null; [ $? -eq 2 ] || fail "--id-bits 0 accepted"

# xl.cfg: viommu + dt_passthrough + virtio -> guest DT, partial DT, xl.cfg.
# On the ZCU102 with its MMU-500 enabled (as Xen's DTs have it): disabled,
# Xen's iommu_add_dt_device() leaves the GEM unprotected, so it is no
# vSMMU master (finalize.c decide_iommu).
cp "$HOST" "$T/host-smmu.dtb"
fdtput -t s "$T/host-smmu.dtb" /axi/iommu@fd800000 status okay || fail "fdtput"
HOST="$T/host-smmu.dtb"
cat > "$T/g.cfg" <<'CFG'
name = "gem"
viommu = "smmuv3"
dt_passthrough = [ "path=/axi/ethernet@ff0e0000,clock-rate=pclk:125000000,clock-rate=hclk:125000000,clock-rate=tx_clk:125000000,clock-rate=rx_clk:125000000,clock-rate=tsu_clk:125000000" ]
virtio = [ "backend=1,type=virtio,device22,transport=mmio,grant_usage=1" ]
CFG
"$DTGEN" guest-dt "$HOST" "$T/g.cfg" -o "$T/g.dtb" 2>/dev/null || fail "guest-dt"
diag=$("$DTC" -I dtb -O dts -E iommus_property -E interrupts_property -E reg_format -o "$T/g.dts" "$T/g.dtb" 2>&1)
echo "$diag" | grep -E '\((iommus_property|interrupts_property|reg_format)\)' && fail "dtc: $diag"
grep -q 'iommus = <0xfdea 0x00>;' "$T/g.dts" || fail "guest iommus"
grep -q 'iommus = <0xfde9 0x01>;' "$T/g.dts" || fail "virtio iommus"
"$DTGEN" partial "$HOST" "$T/g.cfg" -o "$T/gp.dtb" 2>/dev/null || fail "partial"
"$DTGEN" check-partial "$HOST" "$T/gp.dtb" >/dev/null || fail "check-partial of generated partial"
"$DTC" -I dtb -O dts "$T/gp.dtb" 2>/dev/null | grep -q 'iommus = <0x00 0x877>;' || fail "generated partial lost the pSID"
"$DTGEN" xlcfg "$HOST" "$T/g.cfg" 2>/dev/null > "$T/xl.txt" || fail "xlcfg"
grep -q '^viommu = "smmuv3"$' "$T/xl.txt" || fail "xlcfg viommu"
grep -q '^virtio = \[ "backend=1,type=virtio,device22,transport=mmio,grant_usage=1" \]$' "$T/xl.txt" || fail "xlcfg virtio"
# vtd on Arm and a malformed viommu: errors, no output.
printf 'viommu = "type=vtd,intremap=0,x2apic=1"\n' > "$T/bad.cfg"
"$DTGEN" guest-dt "$HOST" "$T/bad.cfg" -o "$T/bad2.dtb" 2>/dev/null && fail "vtd accepted"
[ -e "$T/bad2.dtb" ] && fail "output written on error"
printf 'viommu = "smmuv9"\n' > "$T/bad.cfg"
msg=$("$DTGEN" guest-dt "$HOST" "$T/bad.cfg" -o "$T/bad2.dtb" 2>&1) && fail "smmuv9 accepted"
echo "$msg" | grep -q 'bad.cfg:1: viommu: unknown vIOMMU type "smmuv9"' || fail "message: $msg"
echo "PASS"
