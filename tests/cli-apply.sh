#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/cli-apply.sh - `dtgen apply` outside Xen: bad arguments (exit 2),
# a bad description (exit 1, named), and, where no privcmd device exists
# (not dom0), libxenctrl's own refusal reported (exit 1).  The plan on a
# real Xen is tests/e2e/xl.sh.
set -u
DTGEN="$top_builddir/tools/dtgen"
DATA="$top_srcdir/tests/data"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

cat > "$T/rtc.cfg" <<'CFG'
name = "rtc"
dt_passthrough = [ "path=/pl031@9010000,iommu=no" ]
CFG
cat > "$T/bad.cfg" <<'CFG'
dt_passthrough = [ "path=/no-such-device@0" ]
CFG
HOST="$DATA/virt-el2-gicv3.dtb"

"$DTGEN" apply "$HOST" "$T/rtc.cfg" > "$T/out" 2>&1
[ $? = 2 ] && grep -q -- '--domid N' "$T/out" && ok "no --domid: usage, exit 2" \
    || fail "no --domid: $(cat "$T/out")"
"$DTGEN" apply "$HOST" "$T/rtc.cfg" --domid 0x7ff0 > "$T/out" 2>&1
[ $? = 2 ] && grep -q "not a domain ID" "$T/out" && ok "reserved domid refused" \
    || fail "domid 0x7ff0: $(cat "$T/out")"
"$DTGEN" apply "$HOST" "$T/rtc.cfg" --domid -1 > "$T/out" 2>&1
[ $? = 2 ] && ok "negative domid refused" || fail "domid -1: $(cat "$T/out")"

if "$DTGEN" apply "$HOST" "$T/bad.cfg" --domid 1 > "$T/out" 2>&1; then
    fail "bad description accepted"
elif grep -q "built without libxenctrl" "$T/out"; then
    ok "built without libxenctrl: said so"
elif grep -q "/no-such-device@0" "$T/out"; then
    ok "bad description: $(head -n1 "$T/out")"
else
    fail "bad description: $(cat "$T/out")"
fi

if [ -e /dev/xen/privcmd ] || [ -e /proc/xen/privcmd ]; then
    echo "SKIP: this is a Xen domain with privcmd: not applying a plan here"
    exit 77
fi
"$DTGEN" apply "$HOST" "$T/rtc.cfg" --domid 1 > "$T/out" 2>&1
rc=$?
if grep -q "built without libxenctrl" "$T/out"; then
    [ $rc = 1 ] && ok "no libxenctrl: exit 1" || fail "no libxenctrl: exit $rc"
elif [ $rc = 1 ] && grep -q "cannot open libxenctrl" "$T/out"; then
    ok "outside dom0: $(grep 'cannot open' "$T/out")"
else
    fail "outside dom0: exit $rc: $(cat "$T/out")"
fi
[ "$fails" = 0 ]
