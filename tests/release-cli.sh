#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/release-cli.sh - `--xen 4.17 .. 4.22` as a user runs it: plan's
# records carry that release's XEN_DOMCTL_INTERFACE_VERSION (from each
# RELEASE-4.x.0 tag's xen/include/public/domctl.h), xlcfg writes only the
# keys that release's xl reads (tools/xl/xl_parse.c), guest-dt puts
# libxl's xen_iommu node where that release's libxl__prepare_dtb does,
# and virtio devices are refused where Xen's dom0less builder cannot
# give them (never dropped).
set -u
DTGEN="$top_builddir/tools/dtgen"
DATA="$top_srcdir/tests/data"
DTC=${DTC:-dtc}
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
cat > "$T/disks.cfg" <<'CFG'
name = "vio"
memory = 128
kernel = "/boot/Image"
disk = [ "vdev=xvda,backend=0,specification=virtio,target=/dev/vg/a",
         "vdev=xvdb,backend=1,specification=virtio,target=/dev/vg/b" ]
CFG

# plan: interface_version (bytes 4..7, little-endian) per release
for rv in 4.17:15 4.18:16 4.19:17 4.20:17 4.21:17 4.22:18 4.19.3:17; do
	rel=${rv%%:*} v=${rv#*:}
	if "$DTGEN" plan "$DATA/virt.dtb" "$T/pl031.cfg" --format bin --xen "$rel" -o "$T/p.bin"; then
		got=$(od -An -tx1 -j4 -N4 "$T/p.bin" | tr -d ' \n')
		[ "$got" = "${v}000000" ] && ok "plan --xen $rel: interface 0x$v" \
			|| fail "plan --xen $rel: interface bytes $got"
	else
		fail "plan --xen $rel failed"
	fi
done
for bad in 4.16 4.23 5.0 4.17x; do
	"$DTGEN" plan "$DATA/virt.dtb" "$T/pl031.cfg" --xen "$bad" > /dev/null 2> "$T/err"; st=$?
	[ $st -eq 2 ] && grep -q "unsupported Xen version '$bad'" "$T/err" \
		&& ok "plan --xen $bad: usage error" || fail "plan --xen $bad: exit $st $(cat "$T/err")"
done

# xlcfg: nr_spis only from 4.19 (xl_parse.c of 4.19 reads it first)
for rel in 4.17 4.18 4.19 4.22; do
	if "$DTGEN" xlcfg "$DATA/virt.dtb" "$T/pl031.cfg" --xen "$rel" -o "$T/x.cfg"; then
		case $rel in
		4.17|4.18) ! grep -q '^nr_spis' "$T/x.cfg" && ok "xlcfg --xen $rel: no nr_spis" \
				|| fail "xlcfg --xen $rel writes nr_spis" ;;
		*) grep -q '^nr_spis = 3$' "$T/x.cfg" && ok "xlcfg --xen $rel: nr_spis" \
				|| fail "xlcfg --xen $rel: $(cat "$T/x.cfg")" ;;
		esac
		grep -q '^irqs = \[ 34 \]$' "$T/x.cfg" && ok "xlcfg --xen $rel: irqs" || fail "xlcfg --xen $rel: irqs"
	else
		fail "xlcfg --xen $rel failed"
	fi
done
"$DTGEN" xlcfg "$DATA/virt.dtb" "$T/pl031.cfg" --xen 4.3 > /dev/null 2>&1; st=$?
[ $st -eq 2 ] && ok "xlcfg --xen 4.3: usage error" || fail "xlcfg --xen 4.3: exit $st"

# guest-dt: libxl 4.17 writes xen_iommu before the first granted disk,
# 4.18+ after every virtio node
for rel in 4.17 4.22; do
	if "$DTGEN" guest-dt "$DATA/virt.dtb" "$T/disks.cfg" --xen "$rel" -o "$T/g.dtb" &&
	   "$DTC" -q -I dtb -O dts -o "$T/g.dts" "$T/g.dtb"; then
		order=$(awk '/^\t(xen_iommu|virtio@[0-9a-f]+) \{/ { printf "%s ", $1 }' "$T/g.dts")
		case $rel in
		4.17) want="virtio@2000000 xen_iommu virtio@2000200 " ;;
		*) want="virtio@2000000 virtio@2000200 xen_iommu " ;;
		esac
		[ "$order" = "$want" ] && ok "guest-dt --xen $rel: $order" || fail "guest-dt --xen $rel: '$order'"
		grep -q 'interrupts = <0x00 0x01 0xf01>;' "$T/g.dts" && ok "guest-dt: interrupt flags 0xf01" \
			|| fail "guest-dt: interrupts"
	else
		fail "guest-dt --xen $rel failed"
	fi
done

# 4.17's xl has no virtio key: refused, naming the file's key
printf 'virtio = [ "backend=1,type=virtio,device22,transport=mmio" ]\n' > "$T/v.cfg"
"$DTGEN" guest-dt "$DATA/virt.dtb" "$T/v.cfg" --xen 4.17 -o "$T/v.dtb" 2> "$T/err"; st=$?
[ $st -eq 1 ] && [ ! -e "$T/v.dtb" ] && grep -q 'no virtio key' "$T/err" \
	&& ok "guest-dt --xen 4.17 refuses virtio" || fail "guest-dt --xen 4.17 virtio: exit $st $(cat "$T/err")"

# dom0less: Xen's builder has no virtio-mmio: refused, nothing written
head -c 4096 /dev/zero > "$T/Image"
sed "s|/boot/Image|$T/Image|" "$T/disks.cfg" > "$T/d0l.cfg"
"$DTGEN" dom0less "$DATA/virt-el2-gicv3.dtb" "$T/d0l.cfg" -o "$T/out" 2> "$T/err"; st=$?
[ $st -eq 1 ] && grep -q "dom0less builder .* has no virtio-mmio support" "$T/err" \
	&& ok "dom0less refuses virtio disks" || fail "dom0less virtio: exit $st $(cat "$T/err")"
[ ! -e "$T/out/host.dtb" ] && ok "dom0less: no host.dtb" || fail "dom0less wrote host.dtb"
"$DTGEN" guest-dt "$DATA/virt.dtb" "$T/disks.cfg" --dom0less -o "$T/g0.dtb" 2> "$T/err"; st=$?
[ $st -eq 1 ] && [ ! -e "$T/g0.dtb" ] && ok "guest-dt --dom0less refuses virtio" \
	|| fail "guest-dt --dom0less virtio: exit $st"

[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
exit 0
