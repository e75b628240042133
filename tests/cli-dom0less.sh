#!/usr/bin/env bash
# `dtgen dom0less`: outputs for two guests, all-or-nothing on bad input.
set -euo pipefail
dtgen="$top_builddir/tools/dtgen"
data="$top_srcdir/tests/data"
DTC=${DTC:-dtc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

head -c 3000000 /dev/urandom > Image
head -c 500000 /dev/urandom > initrd
for g in rtc:/pl031@9010000 gpio:/pl061@9030000; do
	cat > "${g%%:*}.cfg" <<CFG
# a guest as xl would read it
name = "${g%%:*}"
memory = 64
vcpus = 1
vpl011 = 1
kernel = "$work/Image"
ramdisk = "$work/initrd"
cmdline = "console=ttyAMA0 rdinit=/init"
dt_passthrough = [ "path=${g#*:},iommu=no" ]
CFG
done

"$dtgen" dom0less "$data/virt-el2-gicv3.dtb" rtc.cfg gpio.cfg -o out \
	--xen-bootargs "console=dtuart dtuart=/pl011@9000000"
for f in host.dtb rtc-partial.dtb gpio-partial.dtb load.txt boot.cmd qemu.args; do
	[ -s "out/$f" ] || { echo "FAIL: out/$f missing"; exit 1; }
done
for f in out/*.dtb; do
	"$DTC" -q -I dtb -O dts -o /dev/null "$f"
done
# load.txt: the shared kernel and ramdisk once, a partial DT per guest, at
# the addresses the module nodes name
"$DTC" -I dtb -O dts out/host.dtb 2>/dev/null > host.dts
[ "$(wc -l < out/load.txt)" = 4 ]
[ "$(grep -c "$work/Image\$" out/load.txt)" = 1 ]
[ "$(grep -c 'multiboot,kernel' host.dts)" = 2 ]
while read -r addr size path; do
	[ -e "$path" ] || { echo "FAIL: load.txt names missing $path"; exit 1; }
	[ "$(stat -c %s "$path")" = "$((size))" ] || { echo "FAIL: size of $path"; exit 1; }
	grep -q "module@${addr#0x}" host.dts ||
		{ echo "FAIL: module@${addr#0x} not in host.dtb"; exit 1; }
done < out/load.txt
grep -q -- "-device loader,file=$work/Image,addr=0x" out/qemu.args
grep -q "^booti 0x" out/boot.cmd
grep -q 'xen,passthrough' host.dts
before=$(md5sum out/host.dtb)

# a guest's own partial DT (device_tree=, no device described) is used as
# it is, with a warning for each of Xen's rules it breaks
cp out/rtc-partial.dtb mine.dtb
sed '/dt_passthrough/d; s|"rtc"|"mine"|' rtc.cfg > mine.cfg
echo "device_tree = \"$work/mine.dtb\"" >> mine.cfg
"$dtgen" dom0less "$data/virt-el2-gicv3.dtb" mine.cfg -o own 2> err.txt
cmp own/mine-partial.dtb mine.dtb
[ ! -s err.txt ] || { cat err.txt; echo "FAIL: warnings on a good partial"; exit 1; }
# with devices described, the partial DT is generated and device_tree= is
# only where xl would read it
echo "device_tree = \"$work/nonexistent.dtb\"" >> rtc.cfg
"$dtgen" dom0less "$data/virt-el2-gicv3.dtb" rtc.cfg -o gen 2> err.txt
grep -q "notice: rtc.cfg:.*device_tree: the partial DT is generated" err.txt
cmp gen/rtc-partial.dtb out/rtc-partial.dtb

# dom0less memory keys: static banks with direct-map, kept off by modules
sed '/dt_passthrough/d; /device_tree/d; s|"rtc"|"rt"|; s|memory = 64|memory = 96|' rtc.cfg > rt.cfg
cat >> rt.cfg <<CFG
static_mem = [ "0x50000000,0x4000000", "0x58000000,0x2000000" ]
direct_map = 1
CFG
"$dtgen" dom0less "$data/virt-el2-gicv3.dtb" rt.cfg -o sm
"$DTC" -I dtb -O dts sm/host.dtb 2>/dev/null > sm.dts
grep -q 'direct-map;' sm.dts
grep -q 'xen,static-mem = <0x00 0x50000000 0x00 0x4000000 0x00 0x58000000 0x00 0x2000000>;' sm.dts
while read -r addr size path; do
	for bank in 0x50000000:0x4000000 0x58000000:0x2000000; do
		b=$((${bank%:*})) e=$((${bank%:*} + ${bank#*:}))
		[ $((addr + size)) -le $b ] || [ $((addr)) -ge $e ] ||
			{ echo "FAIL: module at $addr on static memory $bank"; exit 1; }
	done
done < sm/load.txt
echo 'static_mem = [ "0x50000000" ]' >> rt.cfg
if "$dtgen" dom0less "$data/virt-el2-gicv3.dtb" rt.cfg -o sm2 2> err.txt; then
	echo "FAIL: a malformed static_mem was accepted"; exit 1
fi
grep -q 'rt.cfg:[0-9]*: static_mem: "0x50000000": expected BASE,SIZE' err.txt
[ ! -e sm2 ]

# bad input: no output at all, and an earlier output stays as it was
expect_fail() {
	if "$dtgen" dom0less "$@" 2> err.txt; then
		echo "FAIL: dtgen dom0less $* succeeded"; exit 1
	fi
	cat err.txt
}
sed 's|kernel = .*|kernel = "/nonexistent/Image"|' rtc.cfg > nokernel.cfg
expect_fail "$data/virt-el2-gicv3.dtb" nokernel.cfg -o out2
grep -q "nokernel.cfg: kernel: /nonexistent/Image" err.txt
[ ! -e out2 ]
sed 's|/pl061@9030000|/pl031@9010000|; s|"gpio"|"gpio2"|' gpio.cfg > same.cfg
expect_fail "$data/virt-el2-gicv3.dtb" rtc.cfg same.cfg -o out
grep -q "/pl031@9010000: guests 'rtc' and 'gpio2' both claim" err.txt
[ "$(md5sum out/host.dtb)" = "$before" ]
sed 's|memory = 64|memory = 4096|' rtc.cfg > big.cfg
expect_fail "$data/virt-el2-gicv3.dtb" big.cfg -o out3
grep -q "memory" err.txt
[ ! -e out3 ]
expect_fail "$data/virt-el2-gicv3.dtb" rtc.cfg -o out4 --load-base 0x1000
[ ! -e out4 ]
ls -a | grep -q tmp && { echo "FAIL: temporary left behind"; ls -a; exit 1; }
echo "cli-dom0less: ok"
