#!/bin/bash
# tests/e2e/xl.sh: Debian's Xen 4.17 (arm64) with a Linux dom0 under QEMU
# (TCG); in dom0, Xen's own toolstack and libdtgen's consumers of the plan
# (see xl-dom0-init.sh and ../shared/E2E.md "With a Linux dom0"):
#   xl path:        `xl create` of a user's xl.cfg plus the lines
#                   `dtgen xlcfg` prints, device_tree= `dtgen partial`'s DT
#                   (libxl: libxl__prepare_dtb/copy_partial_fdt for the DT,
#                   libxl__arch_domain_create... xc_domain_* for iomem/irqs)
#   toolstack path: `xl create -p` without iomem/irqs, the plan run by the
#                   cross-built `dtgen apply` (RTC) and examples/toolstack.c
#                   (GPIO) through libxenctrl, then `xl unpause`
#   guest DT:       the DT libxl built (the guest's /sys/firmware/fdt) vs
#                   `dtgen guest-dt` (libxl builder), as dom0less.sh does
#   negative:       `dtgen apply` of devices another domain holds: Xen
#                   refuses (route_irq_to_guest: -EBUSY); the message names
#                   op and device; Xen's 'q' dump shows nothing left
# Each guest probes the PL031 RTC (its alarm interrupt must come) and the
# PL061 GPIO. E2E_GIC=2|3 picks the GIC (default 3). One QEMU boot.
if [ -z "${BASH_VERSION:-}" ]; then exec /bin/bash "$0" "$@"; fi
set -euo pipefail
TEST_NAME=xl
. "$(dirname "$0")/common.sh"

e2e_require_tools
command -v readelf >/dev/null || { say "FAIL: needs readelf (binutils)"; exit 1; }
T0=$(date +%s)
GIC=${E2E_GIC:-3}
case "$GIC" in 2|3) ;; *) say "FAIL: E2E_GIC=$GIC (2 or 3)"; exit 1 ;; esac
# Linux's name of the GIC in /proc/interrupts (irq-gic-v3.c, irq-gic.c).
CHIP=GICv3
[ "$GIC" = 3 ] || CHIP=GIC-0

# ---- dom0's dtgen and toolstack, cross-built (kept between runs)
t=$(date +%s)
CROSS=$E2E_WORKBASE/cross-aarch64
if ! ARM_DTGEN=$(/bin/bash "$E2E_DIR/cross-build.sh" "$top_srcdir" "$CROSS" 2> "$E2E_WORKBASE/cross.log" | tail -n1); then
    tail -n 30 "$E2E_WORKBASE/cross.log"; say "FAIL: cross build"; exit 1
fi
arch=$(readelf -h "$ARM_DTGEN" | sed -n 's/^ *Machine: *//p')
[ "$arch" = AArch64 ] || { say "FAIL: cross-built dtgen is for '$arch'"; exit 1; }
say "cross-built dtgen and the example toolstack for $arch in $(( $(date +%s) - t )) s"

e2e_setup xl
HOST=$WORK/host.dtb
ROOT=$(/bin/bash "$E2E_DIR/fetch.sh" --dom0 | tail -n1)/dom0/root
RTC=/pl031@9010000
GPIO=/pl061@9030000

# ---- guest configurations (on the build host, with the native dtgen)
user_cfg() {   # user_cfg NAME: a user's xl.cfg for the guest
    cat <<CFG
# a user's xl.cfg (libdtgen e2e)
name = "$1"
memory = 128
vcpus = 1
gic_version = "v$GIC"
kernel = "/e2e/Image"
ramdisk = "/e2e/guest.cpio.gz"
extra = "console=hvc0 rdinit=/init panic=-1 e2e=both"
on_poweroff = "destroy"
on_crash = "destroy"
CFG
}
PT="dt_passthrough = [ \"path=$RTC,iommu=no\", \"path=$GPIO,iommu=no\" ]"
{ user_cfg xlpath; echo "$PT"; } > "$WORK/desc.cfg"
"$DTGEN" partial "$HOST" "$WORK/desc.cfg" -o "$WORK/partial.dtb"
"$DTGEN" xlcfg "$HOST" "$WORK/desc.cfg" --partial /e2e/partial.dtb > "$WORK/xlcfg.txt"
say "dtgen xlcfg: $(grep -v '^#' "$WORK/xlcfg.txt" | paste -sd';')"
{ user_cfg xlpath; cat "$WORK/xlcfg.txt"; } > "$WORK/xlpath.cfg"
# The toolstack path: no iomem/irqs/dtdev for the devices (the plan does
# them); the guest still needs their nodes (device_tree) and its vGIC the
# SPIs.  Xen 4.17's xl has no nr_spis key (4.19 added it: dtgen xlcfg's
# line is for those): libxl__arch_domain_prepare_config sizes the vGIC from
# the highest `irqs` entry only.  So each of these guests gets an SPI above
# the devices' that nothing uses: an empty virtio-mmio transport's (hidden
# from dom0 below), which libxl routes itself.
SIZER_ts=/virtio_mmio@a000000 SIZER_neg=/virtio_mmio@a000200
for n in ts neg; do
    v=SIZER_$n
    spi=$(fdtget -t u "$HOST" "${!v}" interrupts | awk '{print $2 + 32}')
    { user_cfg $n; grep -E '^(device_tree|nr_spis) ' "$WORK/xlcfg.txt"
      echo "irqs = [ $spi ]   # sizes the vGIC on Xen 4.17 (${!v})"; } > "$WORK/$n.cfg"
done
printf 'name = "ts"\ndt_passthrough = [ "path=%s,iommu=no" ]\n' "$RTC" > "$WORK/rtc.dtgen.cfg"
cp "$WORK/desc.cfg" "$WORK/both.dtgen.cfg"

# ---- dom0 initramfs and the boot DTB (E2E.md's edits)
"$PY" "$E2E_DIR/mkdom0initramfs.py" "$WORK/dom0.cpio" "$ROOT" "$CACHE/busybox" \
    "$E2E_DIR/xl-dom0-init.sh" "$KERNEL=/e2e/Image" "$INITRD=/e2e/guest.cpio.gz" \
    "$HOST=/e2e/host.dtb" "$WORK/partial.dtb=/e2e/partial.dtb" \
    "$ARM_DTGEN=/e2e/dtgen" "$CROSS/toolstack=/e2e/toolstack" \
    "$WORK/xlpath.cfg=/e2e/xlpath.cfg" "$WORK/ts.cfg=/e2e/ts.cfg" \
    "$WORK/neg.cfg=/e2e/neg.cfg" "$WORK/rtc.dtgen.cfg=/e2e/rtc.dtgen.cfg" \
    "$WORK/both.dtgen.cfg=/e2e/both.dtgen.cfg"
BOOT=$WORK/boot
mkdir -p "$BOOT"
B=$BOOT/host.dtb
cp "$HOST" "$B"
fdtput -t x "$B" /chosen '#address-cells' 2
fdtput -t x "$B" /chosen '#size-cells' 2
fdtput -t s "$B" /chosen xen,xen-bootargs \
    "console=dtuart dtuart=/pl011@9000000 dom0_mem=512M loglvl=all guest_loglvl=all bootscrub=0 conring_size=256k"
fdtput -t s "$B" /chosen xen,dom0-bootargs "console=hvc0 earlycon=xen rdinit=/init"
module() {   # module ADDR FILE COMPATIBLE
    local n=/chosen/module@${1#0x} size
    size=$(stat -c %s "$2")
    fdtput -c "$B" "$n"
    fdtput -t s "$B" "$n" compatible "$3" multiboot,module
    fdtput -t x "$B" "$n" reg 0 "$1" 0 "$(printf %x "$size")"
    echo "-device loader,file=$2,addr=$1,force-raw=on" >> "$BOOT/qemu.args"
}
: > "$BOOT/qemu.args"
module 0x50000000 "$KERNEL" multiboot,kernel
module 0x53000000 "$WORK/dom0.cpio" multiboot,ramdisk
for n in "$RTC" "$GPIO" "$SIZER_ts" "$SIZER_neg"; do fdtput "$B" "$n" xen,passthrough; done

# ---- boot: dom0 runs every scenario, then powers off
LOG=$WORK/serial.log
E2E_TIMEOUT=${E2E_TIMEOUT:-1500} E2E_QUIET=${E2E_QUIET:-300} \
    /bin/bash "$E2E_DIR/boot.sh" "$XEN" "$BOOT" "$LOG" 3
read -r STATS < "$LOG.stats"

expect "$LOG" '^E2E-DOM0: tools up' "dom0 started xenstored, xen-init-dom0, xenconsoled"
reject "$LOG" '^E2E-DOM0: .*FAILED' "every dom0 step succeeded"
# guest_log DOMID OUT: that guest's relayed console, as Xen's dom0less
# console lines look (so common.sh's and compare_guest_dt.py's readers apply).
guest_log() {
    sed -n "s/^E2E-G$1: /(XEN) DOM$1: /p" "$LOG" > "$2"
}
# check_guest NAME DOMID: the guest probed both devices and got the IRQ.
check_guest() {
    local name=$1 id=$2 gl=$WORK/$1.log b a
    guest_log "$id" "$gl"
    expect "$gl" "^\(XEN\) DOM$id: E2E-BOOTED role=both" "$name: guest init ran (domain $id)"
    expect "$gl" "^\(XEN\) DOM$id: .*rtc-pl031 [0-9a-f]+\.pl031: registered as rtc0" "$name: RTC registered"
    expect "$gl" "^\(XEN\) DOM$id: E2E-IRQ-BEFORE: .*$CHIP +34 +Level +rtc-pl031" "$name: RTC IRQ is SPI 2 (INTID 34) on the GICv$GIC"
    b=$(irq_count "$gl" "DOM$id" BEFORE) a=$(irq_count "$gl" "DOM$id" AFTER)
    if [ -n "$b" ] && [ -n "$a" ] && [ "$b" != none ] && [ "$a" != none ] && [ "$a" -gt "$b" ]; then
        pass "$name: rtc-pl031 interrupt count rose after the alarm: $b -> $a"
    else
        fail "$name: rtc-pl031 interrupt count did not rise: before '$b' after '$a'"
    fi
    expect "$gl" "^\(XEN\) DOM$id: .*pl061_gpio [0-9a-f]+\.pl061: PL061 GPIO chip registered" "$name: GPIO chip registered"
    expect "$gl" "^\(XEN\) DOM$id: E2E-GPIO: gpiochip[0-9]+ label=9030000\.pl061 base=[0-9]+ ngpio=8" "$name: gpiochip in sysfs"
    expect "$gl" "^\(XEN\) DOM$id: E2E-DONE" "$name: guest finished"
    reject "$gl" "Kernel panic|Oops|Unhandled fault|Internal error" "$name: no guest crash"
}

# ---- xl path
X=$(sed -n 's/^E2E-DOM0: xlpath is domain \([0-9]*\)$/\1/p' "$LOG")
if [ -n "$X" ]; then
    pass "xl create with dtgen's xlcfg lines and partial DT: domain $X"
    check_guest xlpath "$X"
    # ---- the guest DT libxl built vs dtgen guest-dt
    if "$PY" "$E2E_DIR/compare_guest_dt.py" extract "$WORK/xlpath.log" both "$WORK/xlpath-libxl.dtb" >/dev/null; then
        "$DTGEN" guest-dt "$HOST" "$WORK/desc.cfg" -o "$WORK/xlpath-dtgen0.dtb"
        # libxl's make_hypervisor_node writes "hypervisor" (reg without a
        # unit address, which dtc flags); libdtgen deliberately writes
        # "hypervisor@38000000" (lib/fdt-guest.c): compare the contents.
        dtc -I dtb -O dts "$WORK/xlpath-dtgen0.dtb" 2>/dev/null |
            sed 's/^\(\s*\)hypervisor@38000000 {/\1hypervisor {/' |
            dtc -I dts -O dtb -o "$WORK/xlpath-dtgen.dtb" 2>/dev/null
        say "explained: /hypervisor is /hypervisor@38000000 in libdtgen's DT (dtc's unit-address check); compared as /hypervisor"
        # libxl's finalize_hypervisor_node appends to /hypervisor reg the
        # extended regions, from the guest's RAM and the host's IPA size
        # (libxl_domain_info gpaddr_bits): run-time facts, not in the DT.
        # Add them to libdtgen's DT by libxl's formula, so the comparison
        # checks the rest (region 0: the grant table) exactly.
        ipa=$(sed -n 's/^(XEN) P2M: \([0-9]*\)-bit IPA.*/\1/p' "$LOG" | head -n1)
        ext=$(awk -v mem=$((128 << 20)) -v ipa="${ipa:-40}" 'function hex(v) { return sprintf("0x%x 0x%x", int(v / 4294967296), v % 4294967296) }
            BEGIN { base[0] = 1073741824; size[0] = 3221225472; used[0] = mem
                    base[1] = 8589934592; size[1] = 1090921693184; used[1] = 0
                    top = 2 ^ ipa - 1
                    for (i = 0; i < 2; i++) {
                        b = base[i] + int((used[i] + 2097151) / 2097152) * 2097152
                        e = base[i] + size[i] - 1; if (top < e) e = top
                        if (e > b && e - b + 1 >= 67108864) printf " %s %s", hex(b), hex(e - b + 1)
                    } }')
        fdtput -t x "$WORK/xlpath-dtgen.dtb" /hypervisor reg 0 0x38000000 0 0x1000000 $ext
        say "explained: /hypervisor reg: libxl's extended regions for 128 MiB and a ${ipa:-40}-bit IPA added:$ext"
        dtc -I dtb -O dts -o "$WORK/xlpath-libxl.dts" "$WORK/xlpath-libxl.dtb" 2>/dev/null || true
        if "$PY" "$E2E_DIR/compare_guest_dt.py" compare "$WORK/xlpath-libxl.dtb" "$WORK/xlpath-dtgen.dtb"; then
            pass "the guest DT from dtgen guest-dt matches libxl's"
        else
            fail "the guest DT from dtgen guest-dt differs from libxl's (see above; $WORK/xlpath-libxl.dts)"
        fi
    else
        fail "xlpath: no guest DT in the log"
    fi
else
    fail "xl create of the xl path guest: $(grep -m3 -E '^(E2E-DOM0|libxl|xl)' "$LOG" | paste -sd' ')"
fi

# ---- toolstack path
S=$(sed -n 's/^E2E-DOM0: ts is domain \([0-9]*\) (paused)$/\1/p' "$LOG")
if [ -n "$S" ]; then
    pass "xl create -p without passthrough lines: domain $S"
    expect "$LOG" "^E2E-APPLY: xc_domain_bind_pt_spi_irq\($S, 34, 34\) = 0" "dtgen apply: RTC IRQ bound through libxenctrl"
    expect "$LOG" "^E2E-APPLY: dtgen: apply: domain $S: 4 op\(s\) done" "dtgen apply: the RTC's 4 ops done"
    expect "$LOG" "^E2E-TOOLSTACK: toolstack: domain $S: plan done" "example toolstack: the GPIO's plan done"
    expect "$LOG" "^E2E-TOOLSTACK: toolstack: guest tree [0-9]+ bytes" "example toolstack: its guest tree built"
    if sed -n '/^E2E-TREE-BEGIN$/,/^E2E-TREE-END$/p' "$LOG" | sed '1d;$d' | base64 -d > "$WORK/ts-tree.dtb" 2>/dev/null &&
       dtc -I dtb -O dts -o "$WORK/ts-tree.dts" "$WORK/ts-tree.dtb" 2> "$WORK/ts-tree.err" &&
       fdtget -t s "$WORK/ts-tree.dtb" /passthrough/pl061@9030000 compatible > "$WORK/ts-tree.compat"; then
        pass "example toolstack's tree: dtc reads it; /passthrough/pl061@9030000 is $(paste -sd' ' "$WORK/ts-tree.compat")"
    else
        fail "example toolstack's tree: $(cat "$WORK/ts-tree.err" 2>/dev/null)"
    fi
    t=$(sed -n "s/^E2E-Q-TS: *(XEN) *//p" "$LOG" | grep -E '^(Interrupts|I/O Memory)' | paste -sd' ')
    # (libxl's own `irqs` binds on Arm without an irq_permission: the
    # sizing SPI is routed but not in the rangeset.)
    [ "$t" = "Interrupts { 34, 39 } I/O Memory { 9010, 9030 }" ] &&
        pass "Xen's 'q' dump of domain $S: $t" || fail "Xen's 'q' dump of domain $S: '$t'"
    check_guest ts "$S"
else
    fail "xl create -p of the toolstack path guest"
fi

# ---- negative
N=$(sed -n 's/^E2E-DOM0: neg is domain \([0-9]*\) (paused)$/\1/p' "$LOG")
if [ -n "$N" ]; then
    expect "$LOG" "^E2E-NEG-RC: 1$" "negative: dtgen apply failed (exit 1)"
    expect "$LOG" "^E2E-NEG: dtgen: apply: domain $N: /pl031@9010000: op 3 \(bind_pt_irq machine_irq=34 spi=34\) failed: -16; the 3 op\(s\) before it were undone" \
        "negative: the message names op, device and arguments, and the undo"
    expect "$LOG" "^E2E-NEG: dtgen: apply: xc_domain_bind_pt_spi_irq: Device or resource busy \(errno 16\)" "negative: Xen's errno"
    expect "$LOG" "IRQ 34 is already used by domain $S" "negative: Xen's reason"
    # The failed bind is not undone (it did nothing); the 3 ops before it
    # are, last first.
    if sed -n "s/^E2E-NEG: \(xc_[a-z_]*([^)]*) = .*\)$/\1/p" "$LOG" | paste -sd'|' |
       grep -qxF "xc_domain_iomem_permission($N, 0x9010, 0x1, 1) = 0|xc_domain_memory_mapping($N, 0x9010, 0x9010, 0x1, ADD) = 0|xc_domain_irq_permission($N, 34, 1) = 0|xc_domain_bind_pt_spi_irq($N, 34, 34) = -1 Device or resource busy|xc_domain_irq_permission($N, 34, 0) = 0|xc_domain_memory_mapping($N, 0x9010, 0x9010, 0x1, REMOVE) = 0|xc_domain_iomem_permission($N, 0x9010, 0x1, 0) = 0"; then
        pass "negative: libxenctrl calls: 3 done, bind refused, the 3 undone in reverse order, the GPIO's not tried"
    else
        fail "negative: libxenctrl calls:"; grep '^E2E-NEG: xc_' "$LOG" | sed 's/^/    /'
    fi
    q() { sed -n "s/^E2E-Q-$1: *//p" "$LOG" | grep -E "$2" | head -n1; }
    for p in BEFORE AFTER; do
        say "Xen 'q' $p: $(sed -n "s/^E2E-Q-$p: *//p" "$LOG" | paste -sd'|' | tr -s ' ')"
    done
    im=$(q AFTER 'I/O Memory') ir=$(q AFTER 'Interrupts')
    [[ "$im" =~ \{\ *\} ]] && pass "negative: domain $N has no I/O memory permission left: $im" || fail "negative: I/O memory after: '$im'"
    [[ "$ir" =~ \{\ *\} ]] && pass "negative: domain $N has no IRQ permission left: $ir" || fail "negative: IRQs after: '$ir'"
    k0=$(q BEFORE '4K mappings') k1=$(q AFTER '4K mappings')
    [ -n "$k0" ] && [ "$k0" = "$k1" ] && pass "negative: p2m 4K mappings unchanged ($k0)" || fail "negative: p2m 4K mappings '$k0' -> '$k1'"
else
    fail "xl create -p of the negative guest"
fi
reject "$LOG" "Kernel panic" "no kernel panic (dom0 or guests)"

say "e2e stats: GICv$GIC; QEMU $STATS; whole test $(( $(date +%s) - T0 )) s"
e2e_finish
