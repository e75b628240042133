#!/usr/bin/env bash
# `dtgen dom0less` for systems users build: a dom0 from --dom0 DOM0.cfg,
# cpupools from --cpupools, the guests' xen_enhanced, cpupool, shared_mem
# and static_evtchn keys; --xen-version; nothing written on bad input.
set -euo pipefail
dtgen="$top_builddir/tools/dtgen"
data="$top_srcdir/tests/data"
DTC=${DTC:-dtc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }

head -c 3000000 /dev/urandom > Image
head -c 500000 /dev/urandom > initrd
cat > dom0.cfg <<CFG
kernel = "$work/Image"
ramdisk = "$work/initrd"
extra = "console=hvc0 earlycon=xen rdinit=/init"
memory = 512
vcpus = 1
shared_mem = [ "id=d0-rtc,host=0x7e000000,guest=0x7e000000,size=0x200000,role=owner" ]
CFG
cat > rtc.cfg <<CFG
name = "rtc"
memory = 64
vcpus = 1
vpl011 = 1
kernel = "$work/Image"
cmdline = "console=ttyAMA0"
dt_passthrough = [ "path=/pl031@9010000,iommu=no" ]
xen_enhanced = "enabled"
cpupool = "rt"
shared_mem = [ "id=d0-rtc,host=0x7e000000,guest=0x3a000000,size=0x200000" ]
static_evtchn = [ "port=10,peer=dom0,peer_port=11" ]
CFG
"$dtgen" dom0less "$data/virt-el2-gicv3.dtb" rtc.cfg -o out --dom0 dom0.cfg \
	--cpupools "rt=cpu@0:credit2" --xen-bootargs "console=dtuart" 2> err.txt ||
	{ cat err.txt; fail "dom0less with dom0"; }
grep -q "notice: .*CONFIG_STATIC_SHM" err.txt || fail "no CONFIG_STATIC_SHM notice"
"$DTC" -I dtb -O dts -E reg_format -E unit_address_vs_reg -E phandle_references \
	-E duplicate_node_names -o host.dts out/host.dtb
grep -q 'xen,xen-bootargs = "console=dtuart dom0_mem=512M dom0_max_vcpus=1";' host.dts
grep -q 'xen,dom0-bootargs = "console=hvc0 earlycon=xen rdinit=/init";' host.dts
grep -q 'compatible = "xen,cpupool";' host.dts
grep -q 'cpupool-sched = "credit2";' host.dts
grep -q 'xen,enhanced = "enabled";' host.dts
grep -q 'role = "borrower";' host.dts
[ "$(grep -c 'compatible = "xen,evtchn-v1";' host.dts)" = 2 ] || fail "two evtchn ends"
# the dom0 kernel and the guest's are one file, loaded once
[ "$(wc -l < out/load.txt)" = 3 ] || fail "load.txt: $(cat out/load.txt)"

# nothing written on refusals; messages name the file, line and key
expect_fail() {
	local want=$1
	shift
	rm -rf bad
	if "$dtgen" dom0less "$data/virt-el2-gicv3.dtb" "$@" -o bad 2> err.txt; then
		fail "accepted: $*"
	fi
	[ ! -e bad ] || fail "output written for: $*"
	grep -q -- "$want" err.txt || { cat err.txt; fail "no '$want'"; }
}
expect_fail "xen_enhanced: \"enabled\" needs xenstore" rtc.cfg --cpupools "rt=cpu@0"
# Xen 4.17 takes this system as it is
"$dtgen" dom0less "$data/virt-el2-gicv3.dtb" rtc.cfg --dom0 dom0.cfg \
	--cpupools "rt=cpu@0" --xen-version 4.17 -o out417 2>/dev/null || fail "4.17"
sed 's/host=0x7e000000,//' rtc.cfg > nohost.cfg
expect_fail "rtc: shared_mem: 'd0-rtc' has another host address or size than in dom0" nohost.cfg \
	--dom0 dom0.cfg --cpupools "rt=cpu@0"
sed '/shared_mem/d' rtc.cfg > noshm.cfg
sed '/shared_mem/d' dom0.cfg > dom0-noshm.cfg
echo 'shared_mem = [ "id=solo,guest=0x3a000000,size=0x1000" ]' >> noshm.cfg
expect_fail "Xen 4.17 needs the host address" noshm.cfg --dom0 dom0-noshm.cfg \
	--cpupools "rt=cpu@0" --xen-version 4.17
"$dtgen" dom0less "$data/virt-el2-gicv3.dtb" noshm.cfg --dom0 dom0-noshm.cfg \
	--cpupools "rt=cpu@0" -o ok422 2>/dev/null || fail "4.22 host-less shared memory"
expect_fail "no cpupool 'rt'" rtc.cfg --dom0 dom0.cfg
expect_fail "cpupool 'rt': the CPU is in cpupool 'a' already" rtc.cfg --dom0 dom0.cfg \
	--cpupools "a=cpu@0 rt=cpu@0"
expect_fail "--xen-version: unsupported Xen version '4.9'" rtc.cfg --xen-version 4.9
# a point release is its release (dtg_xen_release_parse)
"$dtgen" dom0less "$data/virt-el2-gicv3.dtb" rtc.cfg --dom0 dom0.cfg \
	--cpupools "rt=cpu@0" --xen-version 4.17.2 -o out4172 2>/dev/null || fail "4.17.2"
# the guests' domains follow --xen-version too: 4.17's xl has no virtio key
sed '/dt_passthrough/d' rtc.cfg > virtio.cfg
printf 'virtio = [ "backend=0,type=virtio,device22,transport=mmio" ]\n' >> virtio.cfg
expect_fail "virtio: virtio,device22: Xen 4.17's xl has no virtio key" virtio.cfg \
	--dom0 dom0.cfg --cpupools "rt=cpu@0" --xen-version 4.17
printf 'static_evtchn = [ "port=10,peer=dom0" ]\n' >> noshm.cfg
expect_fail "noshm.cfg:[0-9]*: static_evtchn: \"port=10,peer=dom0\": peer_port= missing" \
	noshm.cfg --dom0 dom0-noshm.cfg --cpupools "rt=cpu@0"
printf 'kernel = "%s/nope"\n' "$work" > d0bad.cfg
expect_fail "d0bad.cfg: kernel: $work/nope" rtc.cfg --dom0 d0bad.cfg --cpupools "rt=cpu@0"
echo "cli-dom0less-system: ok"
