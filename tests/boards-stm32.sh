#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/boards-stm32.sh - six Debian stm32mp15 boards whose ADC channels
# carry reg = <N> under a node with the default #address-cells = <2> /
# #size-cells = <1>.  Linux's of_address_to_resource fails for that one
# node and the board boots; so the DTB loads, the error is listed for the
# channel only (and "no ranges" for the efuse cells, which Linux's
# of_translate_one cannot translate either: an error for that entry, not an
# identity), a passthrough of a channel is refused with file, node and
# property, and another device of the same board passes through.
set -u
DTGEN="$top_builddir/tools/dtgen"
DATA="$top_srcdir/tests/data"
PY=${PYTHON3:-/usr/bin/python3}
[ -x "$PY" ] || PY=/usr/bin/python3
DTC=${DTC:-dtc}
T=$(mktemp -d) || exit 99
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

BOARDS="stm32mp153c-dhcom-drc02 stm32mp157a-avenger96 stm32mp157a-dhcor-avenger96
stm32mp157c-dhcom-pdk2 stm32mp157c-dhcom-picoitx stm32mp157c-emsbc-argon"

for b in $BOARDS; do
	if ! "$DTGEN" inspect --json "$DATA/$b.dtb" > "$T/$b.json" 2> "$T/$b.err"; then
		fail "$b: inspect refused the DTB: $(cat "$T/$b.err")"
		continue
	fi
	# Every error is a channel's reg length or an efuse cell's
	# untranslatable reg (channels under a #size-cells = <0> ADC, as on
	# the argon's adc@100, have none).
	if "$PY" - "$T/$b.json" "$DATA/$b.dtb" <<'PY'
import json, re, sys
devs = json.load(open(sys.argv[1]))
chan = re.compile(r"^/soc/adc@48003000/adc@[0-9a-f]+/channel@[0-9a-f]+$")
calib = re.compile(r"^/soc/efuse@5c005000/calib@[0-9a-f]+$")
bad, nchan = [], 0
for d in devs:
    for e in d["errors"]:
        if chan.match(d["path"]) and e == "reg: 4 bytes is not a multiple of 12 (#address-cells 2 + #size-cells 1)":
            nchan += 1
        elif calib.match(d["path"]) and e == "reg: entry 0: no ranges on /soc/efuse@5c005000":
            pass
        else:
            bad.append((d["path"], e))
    if d["path"] == "/soc/adc@48003000" and (d["errors"] or not d["mmio"]):
        bad.append((d["path"], "ADC core not resolved cleanly"))
if bad or not nchan:
    print(bad, nchan)
    sys.exit(1)
print("%d channel errors" % nchan)
PY
	then ok "$b: loads; errors only on the ADC channels and efuse cells"
	else fail "$b: unexpected errors"
	fi
done

# A passthrough of a channel: refused, naming file, node and property;
# no output file.
B=stm32mp157a-avenger96
cat > "$T/ch.cfg" <<'CFG'
name = "adc"
dt_passthrough = [ "path=/soc/adc@48003000/adc@0/channel@0,iommu=no" ]
CFG
if "$DTGEN" partial "$DATA/$B.dtb" "$T/ch.cfg" -o "$T/ch.dtb" 2> "$T/ch.err"; then
	fail "channel passthrough accepted"
elif [ -e "$T/ch.dtb" ]; then
	fail "channel passthrough left an output file"
elif grep -qF "$B.dtb: /soc/adc@48003000/adc@0/channel@0: reg: 4 bytes is not a multiple of 12" "$T/ch.err"; then
	ok "channel passthrough refused: $(head -1 "$T/ch.err")"
else
	fail "channel passthrough message: $(cat "$T/ch.err")"
fi

# Another device of the same boards: the ADC core (its clocks from the
# RCC given rates) passes through; the partial DT is read back by dtc and
# by Xen's rules (check-partial).
cat > "$T/adc.cfg" <<'CFG'
name = "adc"
dt_passthrough = [ "path=/soc/adc@48003000,iommu=no,clock-rate=bus:209000000,clock-rate=adc:24000000" ]
CFG
for b in $BOARDS; do
	if "$DTGEN" partial "$DATA/$b.dtb" "$T/adc.cfg" -o "$T/adc-$b.dtb" 2> "$T/adc.err" &&
	   "$DTC" -q -I dtb -O dts -o "$T/adc-$b.dts" "$T/adc-$b.dtb" &&
	   grep -q 'xen,path = "/soc/adc@48003000"' "$T/adc-$b.dts" &&
	   grep -q 'xen,reg = <0x00 0x48003000 0x00 0x1000 0x00 0x48003000>' "$T/adc-$b.dts" &&
	   "$DTGEN" check-partial "$DATA/$b.dtb" "$T/adc-$b.dtb" > "$T/ck.out" 2>&1; then
		ok "$b: ADC core passes through"
	else
		fail "$b: ADC core passthrough: $(cat "$T/adc.err" "$T/ck.out" 2>/dev/null)"
	fi
done

echo "$fails failed"
[ "$fails" -eq 0 ]
