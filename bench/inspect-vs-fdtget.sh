#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/inspect-vs-fdtget.sh - figures, not a test: whole-process
# `dtgen inspect --json` on the ZCU102 DTB (one device, and every device)
# against `fdtget` reading one property of the same file.
# Goal (issue 2): dtgen inspect within 2x of fdtget.
# Uses hyperfine when installed, else a timing loop of N runs each.
set -u
. "$(dirname "$0")/common.sh"

ONE="$DTGEN inspect --json $DTB /axi/ethernet@ff0e0000"
ALL="$DTGEN inspect --json $DTB"
GET="$FDTGET -t x $DTB /axi/ethernet@ff0e0000 reg"
$ONE > /dev/null || { echo "dtgen inspect failed"; exit 1; }
$GET > /dev/null || { echo "fdtget failed"; exit 1; }

if command -v hyperfine > /dev/null 2>&1; then
	hyperfine -N --warmup 20 --runs "$N" --export-json "$T/h.json" \
		"$ONE" "$ALL" "$GET" > "$T/h.txt" 2>&1 || { cat "$T/h.txt"; exit 1; }
	/usr/bin/python3 - "$T/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
o, a, g = (x["mean"] * 1e3 for x in r)
print("dtgen inspect --json (ZCU102 GEM): %.3f ms +- %.3f" % (o, r[0]["stddev"] * 1e3))
print("dtgen inspect --json (all 134):    %.3f ms +- %.3f" % (a, r[1]["stddev"] * 1e3))
print("fdtget (same file, reg):           %.3f ms +- %.3f" % (g, r[2]["stddev"] * 1e3))
print("ratio one/fdtget: %.2fx, all/fdtget: %.2fx (goal < 2x), hyperfine -N, %d runs"
      % (o / g, a / g, len(r[0]["times"])))
PY
else
	loop() {
		s=$(date +%s%N)
		i=0
		while [ $i -lt "$N" ]; do "$@" > /dev/null; i=$((i + 1)); done
		e=$(date +%s%N)
		echo $(( (e - s) / N ))
	}
	o=$(loop $ONE)
	a=$(loop $ALL)
	g=$(loop $GET)
	awk -v o="$o" -v a="$a" -v g="$g" -v n="$N" 'BEGIN {
		printf "dtgen inspect --json (ZCU102 GEM): %.3f ms\n", o / 1e6
		printf "dtgen inspect --json (all 134):    %.3f ms\n", a / 1e6
		printf "fdtget (same file, reg):           %.3f ms\n", g / 1e6
		printf "ratio one/fdtget: %.2fx, all/fdtget: %.2fx (goal < 2x), shell loop, %d runs\n", o / g, a / g, n }'
fi
