#!/bin/bash
# tests/e2e/hybrid.sh: boot real Xen 4.17 (Debian arm64) under QEMU with a
# hybrid system built by `dtgen dom0less --dom0`: a Linux dom0 (busybox
# initramfs; kernel and ramdisk modules directly under /chosen, dom0_mem and
# dom0_max_vcpus in xen,xen-bootargs, its command line in xen,dom0-bootargs,
# as docs/misc/arm/device-tree/booting.txt says and Xen's
# process_multiboot_node/boot_fdt_cmdline read it) and one domU given QEMU
# virt's PL031. Asserts from the serial log that Xen builds dom0 and the
# domU, dom0 reaches its init on hvc0 (through Xen's console) without the
# RTC (xen,passthrough hides it from dom0), and the domU registers rtc0 with
# its interrupt. See ../shared/E2E.md for the recipe.
if [ -z "${BASH_VERSION:-}" ]; then exec /bin/bash "$0" "$@"; fi
set -euo pipefail
TEST_NAME=hybrid
. "$(dirname "$0")/common.sh"

e2e_require_tools
T0=$(date +%s)
e2e_setup hybrid
HOST=$WORK/host.dtb
RTC=/pl031@9010000

cat > "$WORK/dom0.cfg" <<CFG
# dom0 of the hybrid e2e system
kernel = "$KERNEL"
ramdisk = "$INITRD"
cmdline = "console=hvc0 earlycon=xen rdinit=/init panic=-1 e2e=hybrid-dom0"
memory = 512
vcpus = 1
CFG
# The domU also gets Xen's PV interfaces without xenstore (xen,enhanced,
# read by construct_domU) and a static event channel to dom0 (read by
# alloc_static_evtchn, which panics on a link it cannot make).
write_cfg "$WORK/rtc.cfg" rtc rtc 256 "$RTC" 'xen_enhanced = "no-xenstore"' \
    'static_evtchn = [ "port=10,peer=dom0,peer_port=11" ]' 
OUT=$WORK/out
dom0less "$HOST" "$OUT" "$WORK/rtc.cfg" --dom0 "$WORK/dom0.cfg" \
    --xen-bootargs "$XEN_BOOTARGS" --xen-version 4.17

# ---- the builder's output, checked before boot ----
H=$OUT/host.dtb
if dtc -I dtb -O dts -E unit_address_vs_reg -E reg_format -o "$OUT/host.dts" "$H" 2>"$OUT/dtc.log"; then
    pass "dtc reads host.dtb"
else
    fail "dtc rejects host.dtb: $(cat "$OUT/dtc.log")"
fi
bootargs=$(fdtget -t s "$H" /chosen xen,xen-bootargs || true)
[ "$bootargs" = "$XEN_BOOTARGS dom0_mem=512M dom0_max_vcpus=1" ] &&
    pass "xen,xen-bootargs = \"$bootargs\"" || fail "xen,xen-bootargs '$bootargs'"
d0args=$(fdtget -t s "$H" /chosen xen,dom0-bootargs || true)
[[ "$d0args" == *"console=hvc0"*"e2e=hybrid-dom0" ]] &&
    pass "xen,dom0-bootargs = \"$d0args\"" || fail "xen,dom0-bootargs '$d0args'"
k=0 r=0
for n in $(fdtget -l "$H" /chosen); do
    c=$(fdtget -t s "$H" "/chosen/$n" compatible 2>/dev/null || true)
    case "$c" in
    "multiboot,kernel multiboot,module") k=$((k + 1)) ;;
    "multiboot,ramdisk multiboot,module") r=$((r + 1)) ;;
    esac
done
[ "$k$r" = 11 ] && pass "dom0 kernel and ramdisk modules under /chosen" ||
    fail "/chosen has $k kernel and $r ramdisk modules (want 1 and 1)"
e0=$(fdtget "$H" /chosen/dom0-evtchn-11 xen,evtchn 2>/dev/null || true)
e1=$(fdtget "$H" /chosen/rtc/evtchn-10 xen,evtchn 2>/dev/null || true)
p0=$(fdtget "$H" /chosen/dom0-evtchn-11 phandle 2>/dev/null || true)
p1=$(fdtget "$H" /chosen/rtc/evtchn-10 phandle 2>/dev/null || true)
[ -n "$p0" ] && [ -n "$p1" ] && [ "$e0" = "11 $p1" ] && [ "$e1" = "10 $p0" ] &&
    pass "static event channel ends point at each other: dom0 <$e0>, rtc <$e1>" ||
    fail "static event channel ends: dom0 <$e0> (phandle $p0), rtc <$e1> (phandle $p1)"
fdtget "$H" "$RTC" xen,passthrough >/dev/null 2>&1 && pass "$RTC has xen,passthrough" ||
    fail "$RTC lacks xen,passthrough"

# ---- boot: dom0 and the domU each print E2E-DONE ----
LOG=$WORK/serial.log
/bin/bash "$E2E_DIR/boot.sh" "$XEN" "$OUT" "$LOG" 2
read -r STATS < "$LOG.stats"
# dom0's hvc0 lines reach Xen's console unterminated until its next write:
# start each Xen console line on a line of its own before matching.
sed -i 's/\([^^]\)(XEN) /\1\n(XEN) /g' "$LOG"

expect "$LOG" '^\(XEN\) \*\*\* LOADING DOMAIN 0 \*\*\*' "Xen builds dom0"
expect "$LOG" '^\(XEN\) \*\*\* LOADING DOMU cpus=1 memory=40000KB \*\*\*' "Xen builds the domU"
reject "$LOG" 'Xen dom0less mode detected' "Xen is not in dom0less-only mode"
expect "$LOG" 'E2E-BOOTED role=hybrid-dom0' "dom0 runs its init (hvc0 through Xen's console)"
expect "$LOG" 'E2E-DOM0: rtc0 absent pl031 absent' "dom0 does not get the passed-through RTC"
DR=$(dom_of "$LOG" rtc)
[ -n "$DR" ] && pass "domU booted its init on $DR" || fail "domU init did not run"
DR=${DR:-DOMx}
expect "$LOG" "^\(XEN\) $DR: .*rtc-pl031 [0-9a-f]+\.pl031: registered as rtc0" "domU registered rtc0"
b=$(irq_count "$LOG" "$DR" BEFORE) a=$(irq_count "$LOG" "$DR" AFTER)
if [ -n "$b" ] && [ -n "$a" ] && [ "$b" != none ] && [ "$a" != none ] && [ "$a" -gt "$b" ]; then
    pass "domU rtc-pl031 interrupt count rose after the alarm: $b -> $a"
else
    fail "domU rtc-pl031 interrupt count did not rise: before '$b' after '$a'"
fi
expect "$LOG" "^\(XEN\) $DR: .*Xen 4\.17 support found" "domU sees Xen's PV interfaces (xen,enhanced)"
expect "$LOG" "^\(XEN\) $DR: E2E-DONE" "domU finished"
reject "$LOG" "Failed to assign|xen,reg or xen,path missing|Couldn't find node|Unable to (map|route|permit)|Kernel panic|Oops|Unhandled fault|Panic on CPU|evtchn" \
    "no passthrough or event channel error, panic or crash in the log"

say "e2e stats: QEMU $STATS; whole test $(( $(date +%s) - T0 )) s"
e2e_finish
