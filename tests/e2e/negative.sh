#!/bin/bash
# tests/e2e/negative.sh: each defect of the table at the end of
# ../shared/E2E.md, in a deliberately broken partial DT (a good one from the
# dom0less builder, edited with fdtput), booted under real Xen 4.17: Xen 4.17
# does not stop on a bad partial DT, it logs and boots the guest, so the test
# reads the log. All four broken guests boot in ONE Xen boot (four xen,domain
# nodes sharing one kernel and one initramfs module). Then
# `dtgen check-partial HOST.dtb BROKEN.dtb` must report the same defect:
# non-zero exit and a message naming the node or property.
#
#   case          edit                          Xen 4.17 says
#   badpath       xen,path = "/pl031@9999000"   Couldn't find node ... in host_dt!
#                                               Failed to assign device to dN
#   unaligned     guest address 0x9010800       DomU passthrough config has not
#                                               page aligned addresses/sizes
#   nopath        no xen,path, no force         xen,reg or xen,path missing for dN
#                                               (handle_prop_pfdt -EINVAL, the
#                                               branch xen,path without xen,reg
#                                               takes too; 4.17's scan_pfdt_node
#                                               ignores it: the guest's kernel
#                                               starts, asserted)
#   noirqparent   no interrupt-parent           nothing; the guest probes the
#                                               RTC without its IRQ (asserted
#                                               from the guest's /proc/interrupts)
if [ -z "${BASH_VERSION:-}" ]; then exec /bin/bash "$0" "$@"; fi
set -euo pipefail
TEST_NAME=negative
. "$(dirname "$0")/common.sh"

e2e_require_tools
T0=$(date +%s)
e2e_setup negative
HOST=$WORK/host.dtb
RTC=/pl031@9010000
BAD=/pl031@9999000

# A good partial DT from the builder under test, for one RTC guest.
write_cfg "$WORK/good.cfg" good probe-good 128 "$RTC"
dom0less "$HOST" "$WORK/good" "$WORK/good.cfg" --xen-bootargs "$XEN_BOOTARGS"
GOOD=$WORK/good/good-partial.dtb
[ -s "$GOOD" ] || { fail "builder wrote no $GOOD"; e2e_finish; }
node=$(fdtget -l "$GOOD" /passthrough | grep '^pl031' | head -n1)
[ -n "$node" ] || { fail "no pl031 node under /passthrough in $GOOD"; e2e_finish; }
N=/passthrough/$node
say "good partial: $N, xen,reg = <$(fdtget -t x "$GOOD" "$N" xen,reg)>"

CASES="badpath unaligned nopath noirqparent"
for c in $CASES; do cp "$GOOD" "$WORK/$c.dtb"; done
fdtput -t s "$WORK/badpath.dtb" "$N" xen,path "$BAD"
read -ra XREG <<<"$(fdtget -t x "$GOOD" "$N" xen,reg)"
XREG[5]=$(printf '%x' $((0x${XREG[5]} + 0x800)))      # guest address off a page
fdtput -t x "$WORK/unaligned.dtb" "$N" xen,reg "${XREG[@]}"
fdtput -d "$WORK/nopath.dtb" "$N" xen,path
fdtput -d "$WORK/nopath.dtb" "$N" xen,force-assign-without-iommu
fdtput -d "$WORK/noirqparent.dtb" "$N" interrupt-parent
for c in $CASES; do
    dtc -I dtb -O dts -o "$WORK/$c.dts" "$WORK/$c.dtb" 2>/dev/null \
        || fail "dtc cannot read $c.dtb"
done

# ---- check-partial before boot ----
# case -> a word the checker's message must contain
declare -A WANTMSG=([badpath]="$BAD" [unaligned]="xen,reg" [nopath]="xen,path"
                    [noirqparent]="interrupt-parent")
if out=$("$DTGEN" check-partial "$HOST" "$GOOD" 2>&1); then
    pass "check-partial accepts the good partial"
else
    fail "check-partial rejects the good partial: $out"
fi
for c in $CASES; do
    rc=0
    out=$("$DTGEN" check-partial "$HOST" "$WORK/$c.dtb" 2>&1) || rc=$?
    if [ "$rc" -ne 0 ] && grep -qF -- "${WANTMSG[$c]}" <<<"$out" \
       && grep -qF -- "$node" <<<"$out"; then
        pass "check-partial reports $c (exit $rc): $(head -n1 <<<"$out")"
    else
        fail "check-partial on $c: exit $rc, want non-zero and a message naming $node and '${WANTMSG[$c]}'; got: $out"
    fi
done

# check-partial says what each consumer does (lib/partial-check.c): for
# handle_prop_pfdt's -EINVAL, 4.17 logs and boots (asserted below), 4.22 panics.
out=$("$DTGEN" check-partial "$HOST" "$WORK/nopath.dtb" 2>&1) || true
if grep -qF "4.17 dom0less: logged, the guest boots" <<<"$out" &&
   grep -qF "4.22 dom0less: panics (create_domUs)" <<<"$out"; then
    pass "check-partial says what Xen 4.17 and 4.22 do with nopath"
else
    fail "check-partial on nopath does not say what 4.17 and 4.22 do: $out"
fi

# ---- one Xen boot, four broken guests (d1..d4 in this order) ----
cfgs=()
for c in $CASES; do
    # Each guest boots its broken partial DT as it is (device_tree=, no
    # described device); dtgen warns about each defect and builds anyway.
    write_cfg "$WORK/$c.cfg" "$c" "probe-$c" 128 "" "device_tree = \"$WORK/$c.dtb\""
    cfgs+=("$WORK/$c.cfg")
done
# dtgen loads the kernel and initramfs once for all four guests.
"$DTGEN" dom0less "$HOST" "${cfgs[@]}" -o "$WORK/out" \
    --xen-bootargs "$XEN_BOOTARGS" 2> "$WORK/dom0less.err"
cat "$WORK/dom0less.err"
for c in $CASES; do
    if grep -qF "guest '$c': device_tree:" "$WORK/dom0less.err"; then
        pass "dtgen dom0less warns about $c's partial DT"
    else
        fail "dtgen dom0less did not warn about $c's partial DT"
    fi
done
LOG=$WORK/serial.log
/bin/bash "$E2E_DIR/boot.sh" "$XEN" "$WORK/out" "$LOG" 4
read -r STATS < "$LOG.stats"

expect "$LOG" '^\(XEN\) Xen dom0less mode detected' "Xen in dom0less mode"
d=0
declare -A DOM
for c in $CASES; do d=$((d + 1)); DOM[$c]=$d; done

# badpath
expect "$LOG" "^\(XEN\) .*Couldn't find node $BAD in host_dt" "badpath: Xen cannot find $BAD"
expect "$LOG" "^\(XEN\) .*Failed to assign device to d${DOM[badpath]}\$" "badpath: assignment to d${DOM[badpath]} failed"
# unaligned
expect "$LOG" "^\(XEN\) .*DomU passthrough config has not page aligned addresses/sizes" "unaligned: Xen rejects xen,reg"
expect "$LOG" "^\(XEN\) .*Failed to assign device to d${DOM[unaligned]}\$" "unaligned: assignment to d${DOM[unaligned]} failed"
# nopath
expect "$LOG" "^\(XEN\) .*xen,reg or xen,path missing for d${DOM[nopath]}\$" "nopath: Xen wants xen,path"
expect "$LOG" "^\(XEN\) DOM${DOM[nopath]}: .*Kernel command line" "nopath: Xen 4.17 built d${DOM[nopath]} and started its kernel anyway (no panic)"
# noirqparent: Xen is silent, the guest probes the RTC without its IRQ.
reject "$LOG" "^\(XEN\) .*(Failed to assign device|missing) .*d${DOM[noirqparent]}\$" \
    "noirqparent: Xen logs nothing for d${DOM[noirqparent]} (as E2E.md says)"
DN=DOM${DOM[noirqparent]}
expect "$LOG" "^\(XEN\) $DN: .*rtc-pl031 [0-9a-f]+\.pl031: registered as rtc0" "noirqparent: the guest registered the RTC"
if [ "$(irq_count "$LOG" "$DN" BEFORE)" = none ]; then
    pass "noirqparent: no rtc-pl031 interrupt in the guest's /proc/interrupts"
else
    fail "noirqparent: the guest has an rtc-pl031 interrupt: $(grep "$DN: E2E-IRQ-BEFORE" "$LOG" || echo '?')"
fi
# What the guests did (reported, not asserted: Xen's error is the contract).
for c in $CASES; do
    D=DOM${DOM[$c]}
    st=$(grep -E -m1 "^\(XEN\) $D: (E2E-DONE|.*Kernel panic.*)" "$LOG" | sed "s/^(XEN) $D: //" || true)
    say "guest $c ($D): ${st:-no end marker}; $(grep -E -m1 "^\(XEN\) $D: E2E-IRQ-BEFORE" "$LOG" | sed "s/^(XEN) $D: //" || echo 'no IRQ report')"
done

say "e2e stats: QEMU $STATS; whole test $(( $(date +%s) - T0 )) s"
e2e_finish
