#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/boards-dra7-sysc.sh - a TI ti,sysc target-module and its own child
# given to one guest (DRA7 EVM, tests/data/dra7-evm.dtb): the module's
# rev/sysc/syss registers (4 bytes each) lie in the child's page, so both
# devices share one host page.  Xen maps whole pages: the page is mapped
# once, at one guest page, for both.
#
# Consumers followed:
# - Xen's dom0less handle_passthrough_prop (4.17 domain_build.c, 4.22
#   dom0less-build.c): each node's xen,reg is <host size guest>, mapped
#   with map_regions_p2mt; each node needs its own xen,reg (xen,path
#   without it is -EINVAL), so both nodes list the page, at the same guest
#   page (mapping it again maps the same frame).
# - libxl (libxl__domain_create ... xc_domain_iomem_permission and
#   xc_domain_memory_mapping per iomem= entry): one iomem entry.
# - the plan: one iomem_permission + memory_mapping for the page.
# Devices of another owner in those pages are still refused, as before.
set -u
DTGEN="$top_builddir/tools/dtgen"
DATA="$top_srcdir/tests/data"
DTC=${DTC:-dtc}
T=$(mktemp -d) || exit 99
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

H="$DATA/dra7-evm.dtb"
TM=/ocp/interconnect@4a000000/segment@0/target-module@f6000
CH=$TM/spinlock@0
# From `dtc -I dtb -O dts dra7-evm.dtb`: the module's reg is
# <0x0 0x4> <0x10 0x4> <0x14 0x4> and its child's <0x0 0x1000>, both
# under ranges <0x0 0xf6000 0x20000> of segment@0 of interconnect@4a000000:
# host page 0x4a0f6000.

# guest=1:1 (gfn = mfn = 0x4a0f6) and guest=auto (one window for both:
# the first free one, 0x04080000 as the plan shows without sharing)
for mode in "1:1 4a0f6 0x4a0f6000" "auto 4080 0x4080000"; do
	set -- $mode
	g=$1 gfn=$2 gaddr=$3
	cat > "$T/g.cfg" <<CFG
name = "hwspinlock"
dt_passthrough = [ "path=$TM,iommu=no,guest=$g,clock-rate=fck:266000000",
                   "path=$CH,iommu=no,guest=$g" ]
CFG
	if ! "$DTGEN" partial "$H" "$T/g.cfg" -o "$T/p.dtb" 2> "$T/err"; then
		fail "$g: partial refused: $(cat "$T/err")"
		continue
	fi
	"$DTC" -q -I dtb -O dts -o "$T/p.dts" "$T/p.dtb" || fail "$g: dtc cannot read the partial DT"
	# every xen,reg entry of both nodes: host page 0x4a0f6000 at the same guest page
	mod=$(fdtget -t x "$T/p.dtb" "/passthrough/target-module@${gaddr#0x}" xen,reg 2>&1)
	chl=$(fdtget -t x "$T/p.dtb" "/passthrough/spinlock@${gaddr#0x}" xen,reg 2>&1)
	[ "$mod" = "0 4a0f6000 0 1000 0 ${gaddr#0x} 0 4a0f6000 0 1000 0 ${gaddr#0x} 0 4a0f6000 0 1000 0 ${gaddr#0x}" ] &&
	[ "$chl" = "0 4a0f6000 0 1000 0 ${gaddr#0x}" ] &&
		ok "$g: xen,reg of both nodes: host 0x4a0f6000 at guest $gaddr" ||
		fail "$g: xen,reg: module '$mod', child '$chl'"
	# the guest's reg: registers at their page offsets in that page
	mreg=$(fdtget -t x "$T/p.dtb" "/passthrough/target-module@${gaddr#0x}" reg 2>&1)
	[ "$mreg" = "0 ${gaddr#0x} 0 4 0 $(printf %x $((gaddr + 0x10))) 0 4 0 $(printf %x $((gaddr + 0x14))) 0 4" ] &&
		ok "$g: module reg keeps the page offsets" || fail "$g: module reg '$mreg'"
	"$DTGEN" check-partial "$H" "$T/p.dtb" > "$T/ck" 2>&1 &&
		ok "$g: check-partial: $(cat "$T/ck")" || fail "$g: check-partial: $(cat "$T/ck")"
	# the plan maps the page once
	"$DTGEN" plan "$H" "$T/g.cfg" > "$T/plan" 2> "$T/err" || fail "$g: plan: $(cat "$T/err")"
	n=$(grep -c '^memory_mapping' "$T/plan")
	grep -q "^memory_mapping .* first_gfn=0x$gfn first_mfn=0x4a0f6 nr_mfns=0x1 add=1$" "$T/plan" &&
	[ "$n" -eq 1 ] && [ "$(grep -c '^iomem_permission' "$T/plan")" -eq 1 ] &&
		ok "$g: plan maps the page once" || fail "$g: plan: $(cat "$T/plan")"
	# xl.cfg: one iomem entry
	"$DTGEN" xlcfg "$H" "$T/g.cfg" > "$T/xl" 2> "$T/err" || fail "$g: xlcfg: $(cat "$T/err")"
	grep -qx "iomem = \[ \"4a0f6,1@$gfn\" \]" "$T/xl" &&
		ok "$g: one iomem entry" || fail "$g: xlcfg: $(cat "$T/xl")"
	# the full guest DT reads back
	"$DTGEN" guest-dt "$H" "$T/g.cfg" -o "$T/gd.dtb" 2> "$T/err" &&
	"$DTC" -q -I dtb -O dts -o /dev/null "$T/gd.dtb" &&
		ok "$g: guest DT" || fail "$g: guest-dt: $(cat "$T/err")"
done

# The module alone: its pages hold its child's MMIO, which this guest does
# not get: refused as before (file, node, property; no output).
cat > "$T/alone.cfg" <<CFG
dt_passthrough = [ "path=$TM,iommu=no,clock-rate=fck:266000000" ]
CFG
if "$DTGEN" partial "$H" "$T/alone.cfg" -o "$T/alone.dtb" 2> "$T/err"; then
	fail "module alone accepted"
elif [ -e "$T/alone.dtb" ]; then
	fail "module alone: output written"
elif grep -qF "dra7-evm.dtb: $TM: reg: range 0 (0x4a0f6000+0x4) is not page-aligned and its pages 0x4a0f6000-0x4a0f6fff also hold MMIO of $CH" "$T/err"; then
	ok "module alone refused"
else
	fail "module alone: $(cat "$T/err")"
fi

# Shared pages at two different guest places: refused (Xen would map one
# host page at two guest pages; the guest's two drivers would disagree).
cat > "$T/split.cfg" <<CFG
dt_passthrough = [ "path=$TM,iommu=no,guest=1:1,clock-rate=fck:266000000",
                   "path=$CH,iommu=no,guest=0x10000000" ]
CFG
if "$DTGEN" partial "$H" "$T/split.cfg" -o "$T/split.dtb" 2> "$T/err"; then
	fail "split placement accepted"
elif grep -qF "reg: range 0 shares host pages 0x4a0f6000-0x4a0f6fff with range 0 of $TM, which is placed elsewhere in the guest" "$T/err"; then
	ok "split placement refused"
else
	fail "split placement: $(cat "$T/err")"
fi

# An unrelated guest overlap is still an overlap: the child 1:1 and
# another device placed on its guest page.
cat > "$T/ovl.cfg" <<CFG
dt_passthrough = [ "path=$CH,iommu=no,guest=1:1",
                   "path=/ocp/interconnect@4ae00000/segment@0/target-module@c000/scm_conf@0,iommu=no,guest=0x4a0f6000" ]
CFG
if "$DTGEN" partial "$H" "$T/ovl.cfg" -o "$T/ovl.dtb" 2> "$T/err"; then
	fail "unrelated overlap accepted"
elif grep -qF "overlaps range 0 of $CH" "$T/err"; then
	ok "unrelated overlap refused"
else
	fail "unrelated overlap: $(cat "$T/err")"
fi

echo "$fails failed"
[ "$fails" -eq 0 ]
