#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/partial-vs-fdtget.sh - figures, not a test: whole-process
# `dtgen partial` on the ZCU102 DTB (the GEM, IOMMU-protected, clock rates
# given) against `fdtget` reading the same node of the same file.
# Goal (issue 3): dtgen partial within 2x of fdtget.
# Uses hyperfine when installed, else a timing loop of N runs each.
set -u
. "$(dirname "$0")/common.sh"

cat > "$T/gem.cfg" <<'CFG'
name = "net"
dt_passthrough = [ "path=/axi/ethernet@ff0e0000,iommu=yes,clock-rate=pclk:125000000,clock-rate=hclk:125000000,clock-rate=tx_clk:125000000,clock-rate=rx_clk:125000000,clock-rate=tsu_clk:125000000" ]
CFG

PARTIAL="$DTGEN partial $DTB $T/gem.cfg -o $T/out.dtb"
GET="$FDTGET -t x $DTB /axi/ethernet@ff0e0000 reg"
$PARTIAL || { echo "dtgen partial failed"; exit 1; }
$GET > /dev/null || { echo "fdtget failed"; exit 1; }

if command -v hyperfine > /dev/null 2>&1; then
	hyperfine -N --warmup 20 --runs "$N" --export-json "$T/h.json" \
		"$PARTIAL" "$GET" > "$T/h.txt" 2>&1 || { cat "$T/h.txt"; exit 1; }
	/usr/bin/python3 - "$T/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
p, g = r[0]["mean"] * 1e3, r[1]["mean"] * 1e3
print("dtgen partial (ZCU102 GEM): %.3f ms +- %.3f" % (p, r[0]["stddev"] * 1e3))
print("fdtget (same file, reg):    %.3f ms +- %.3f" % (g, r[1]["stddev"] * 1e3))
print("ratio dtgen/fdtget: %.2fx (goal < 2x), hyperfine -N, %d runs" % (p / g, len(r[0]["times"])))
PY
else
	loop() {
		s=$(date +%s%N)
		i=0
		while [ $i -lt "$N" ]; do "$@" > /dev/null; i=$((i + 1)); done
		e=$(date +%s%N)
		echo $(( (e - s) / N ))
	}
	p=$(loop $PARTIAL)
	g=$(loop $GET)
	awk -v p="$p" -v g="$g" -v n="$N" 'BEGIN {
		printf "dtgen partial (ZCU102 GEM): %.3f ms\n", p / 1e6
		printf "fdtget (same file, reg):    %.3f ms\n", g / 1e6
		printf "ratio dtgen/fdtget: %.2fx (goal < 2x), shell loop, %d runs\n", p / g, n }'
fi
