#!/bin/bash
# tests/e2e/dom0less.sh: boot real Xen 4.17 (Debian arm64) under QEMU in
# dom0less mode with two guests built by `dtgen dom0less`: QEMU virt's PL031
# RTC passed through to the first, its PL061 GPIO to the second. Asserts from
# the serial log that both boot, the RTC registers and its interrupt count
# rises after an alarm, the GPIO chip registers, Xen logs no passthrough
# error; then compares each guest's /sys/firmware/fdt (the DT Xen built) with
# `dtgen guest-dt` node by node. See ../shared/E2E.md for the facts used.
if [ -z "${BASH_VERSION:-}" ]; then exec /bin/bash "$0" "$@"; fi
set -euo pipefail
TEST_NAME=dom0less
. "$(dirname "$0")/common.sh"

e2e_require_tools
T0=$(date +%s)
e2e_setup dom0less
HOST=$WORK/host.dtb

RTC=/pl031@9010000
GPIO=/pl061@9030000
for n in "$RTC" "$GPIO"; do
    c=$(fdtget -t s "$HOST" "$n" compatible 2>/dev/null) \
        || { fail "host DTB has no $n"; e2e_finish; }
    say "host $n: compatible $c, reg $(fdtget -t x "$HOST" "$n" reg), interrupts $(fdtget -t x "$HOST" "$n" interrupts)"
done

write_cfg "$WORK/rtc.cfg" rtc rtc 256 "$RTC"
write_cfg "$WORK/gpio.cfg" gpio gpio 256 "$GPIO"
OUT=$WORK/out
dom0less "$HOST" "$OUT" "$WORK/rtc.cfg" "$WORK/gpio.cfg" --xen-bootargs "$XEN_BOOTARGS"
# The default Xen command line names the console from the host's stdout-path.
dom0less "$HOST" "$WORK/out-default" "$WORK/rtc.cfg" "$WORK/gpio.cfg"
def=$(fdtget -t s "$WORK/out-default/host.dtb" /chosen xen,xen-bootargs || true)
if [[ " $def " == *" console=dtuart "* && " $def " == *" dtuart=/pl011@9000000 "* ]]; then
    pass "default xen,xen-bootargs = \"$def\""
else
    fail "default xen,xen-bootargs '$def' does not name dtuart=/pl011@9000000"
fi

# ---- the builder's output, checked before boot ----
for f in host.dtb rtc-partial.dtb gpio-partial.dtb load.txt boot.cmd qemu.args; do
    [ -s "$OUT/$f" ] && pass "wrote $f" || fail "no $OUT/$f"
done
for f in "$OUT"/*.dtb; do
    if dtc -I dtb -O dts -o "${f%.dtb}.dts" "$f" 2>"$f.dtc.log"; then
        pass "dtc reads $(basename "$f")"
    else
        fail "dtc rejects $(basename "$f"): $(cat "$f.dtc.log")"
    fi
done
H=$OUT/host.dtb
[ "$(fdtget "$H" /chosen '#address-cells')" = 2 ] && pass "/chosen #address-cells = 2" || fail "/chosen #address-cells"
bootargs=$(fdtget -t s "$H" /chosen xen,xen-bootargs || true)
[ "$bootargs" = "$XEN_BOOTARGS" ] && pass "xen,xen-bootargs = \"$bootargs\"" \
    || fail "xen,xen-bootargs '$bootargs' != --xen-bootargs '$XEN_BOOTARGS'"
for n in "$RTC" "$GPIO"; do
    fdtget "$H" "$n" xen,passthrough >/dev/null 2>&1 && pass "$n has xen,passthrough" \
        || fail "$n lacks xen,passthrough"
done
doms=$(for d in $(fdtget -l "$H" /chosen); do
    [ "$(fdtget -t s "$H" "/chosen/$d" compatible 2>/dev/null)" = xen,domain ] && echo "$d"
done | paste -sd' ')
[ "$(echo "$doms" | wc -w)" = 2 ] && pass "two xen,domain nodes: $doms" || fail "xen,domain nodes: '$doms'"
# Xen numbers dom0less domains in /chosen order: say so when that is not the
# order the guests were given in (not a failure: no rule requires it).
[ "$doms" = "rtc gpio" ] || say "NOTE: xen,domain nodes are in the order '$doms', guests were given as 'rtc gpio': Xen makes '${doms%% *}' d1"
for p in rtc:"$RTC" gpio:"$GPIO"; do
    name=${p%%:*} dev=${p#*:}
    x=$(fdtget -t s "$OUT/$name-partial.dtb" "/passthrough/${dev#/}" xen,path 2>/dev/null || true)
    [ "$x" = "$dev" ] && pass "$name-partial: xen,path = $x" || fail "$name-partial: xen,path '$x' != $dev"
done
# load.txt: sizes match the files; modules inside RAM and disjoint.
if "$PY" - "$OUT/load.txt" "$HOST" <<'EOF'
import os, sys
sys.path.insert(0, os.environ["E2E_DIR"])
import fdt
t = fdt.load(sys.argv[2])
mem = t.find("/memory@40000000").cells("reg")
lo, hi = (mem[0] << 32) | mem[1], ((mem[0] << 32) | mem[1]) + ((mem[2] << 32) | mem[3])
rows = []
for ln in open(sys.argv[1]):
    a, s, p = ln.split(None, 2)
    a, s, p = int(a, 16), int(s, 16), p.strip()
    assert os.path.getsize(p) == s, "%s: size %#x != file %#x" % (p, s, os.path.getsize(p))
    assert lo <= a and a + s <= hi, "%s at %#x outside RAM" % (p, a)
    rows.append((a, s, p))
rows.sort()
for (a, s, p), (b, _, q) in zip(rows, rows[1:]):
    assert a + s <= b, "%s overlaps %s" % (p, q)
print("%d modules, %#x..%#x" % (len(rows), rows[0][0], rows[-1][0] + rows[-1][1]))
EOF
then pass "load.txt consistent"; else fail "load.txt"; fi

# ---- boot ----
LOG=$WORK/serial.log
/bin/bash "$E2E_DIR/boot.sh" "$XEN" "$OUT" "$LOG" 2
read -r STATS < "$LOG.stats"

expect "$LOG" '^\(XEN\) Xen dom0less mode detected' "Xen in dom0less mode"
[ "$(grep -c 'LOADING DOMU' "$LOG")" = 2 ] && pass "Xen loaded 2 domUs" || fail "Xen did not load 2 domUs"
DR=$(dom_of "$LOG" rtc)
DG=$(dom_of "$LOG" gpio)
[ -n "$DR" ] && pass "RTC guest booted its init on $DR" || fail "RTC guest init did not run"
[ -n "$DG" ] && pass "GPIO guest booted its init on $DG" || fail "GPIO guest init did not run"
[ -n "$DR" ] && [ -n "$DG" ] && [ "$DR" != "$DG" ] || fail "guests not on two consoles ('$DR' '$DG')"
DR=${DR:-DOMx} DG=${DG:-DOMx}
expect "$LOG" "^\(XEN\) $DR: .*rtc-pl031 [0-9a-f]+\.pl031: registered as rtc0" "RTC registered"
b=$(irq_count "$LOG" "$DR" BEFORE) a=$(irq_count "$LOG" "$DR" AFTER)
expect "$LOG" "^\(XEN\) $DR: E2E-IRQ-BEFORE: .*GICv3 +34 +Level +rtc-pl031" "RTC IRQ is GIC SPI 2 (INTID 34)"
if [ -n "$b" ] && [ -n "$a" ] && [ "$b" != none ] && [ "$a" != none ] && [ "$a" -gt "$b" ]; then
    pass "rtc-pl031 interrupt count rose after the alarm: $b -> $a"
else
    fail "rtc-pl031 interrupt count did not rise: before '$b' after '$a'"
fi
expect "$LOG" "^\(XEN\) $DG: .*pl061_gpio [0-9a-f]+\.pl061: PL061 GPIO chip registered" "GPIO chip registered"
expect "$LOG" "^\(XEN\) $DG: E2E-GPIO: gpiochip[0-9]+ label=9030000\.pl061 base=[0-9]+ ngpio=8" "gpiochip in sysfs"
expect "$LOG" "^\(XEN\) $DR: E2E-DONE" "RTC guest finished"
expect "$LOG" "^\(XEN\) $DG: E2E-DONE" "GPIO guest finished"
reject "$LOG" "Failed to assign|not page aligned|xen,reg or xen,path missing|Couldn't find node|Unable to (map|route|permit)|Kernel panic|Oops|Unhandled fault" \
    "no passthrough error or guest crash in the log"

# ---- the guest DTs Xen built vs libdtgen's ----
for role in rtc gpio; do
    if "$PY" "$E2E_DIR/compare_guest_dt.py" extract "$LOG" "$role" "$WORK/$role-xen.dtb" >/dev/null; then
        guest_dt "$HOST" "$WORK/$role.cfg" "$WORK/$role-dtgen.dtb"
        dtc -I dtb -O dts -o "$WORK/$role-xen.dts" "$WORK/$role-xen.dtb" 2>/dev/null || true
        if "$PY" "$E2E_DIR/compare_guest_dt.py" compare "$WORK/$role-xen.dtb" "$WORK/$role-dtgen.dtb"; then
            pass "$role: the guest DT from $GUEST_DT_SRC matches Xen's"
        else
            fail "$role: the guest DT from $GUEST_DT_SRC differs from Xen's (see above; $WORK/$role-xen.dts)"
        fi
    else
        fail "$role: no guest DT in the log"
    fi
done

say "e2e stats: QEMU $STATS; whole test $(( $(date +%s) - T0 )) s"
e2e_finish
