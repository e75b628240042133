#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# tests/cli-config.sh - dtgen reads xl.cfg files: a user's config
# works (notices for keys it does not use), a bad one names file:line and
# leaves no output file.
set -u
DTGEN="$top_builddir/tools/dtgen"
DATA="$top_srcdir/tests/data"
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$DTGEN" partial "$DATA/virt.dtb" "$DATA/xl-pl031.cfg" -o "$TMP/ok.dtb" \
	2>"$TMP/err" || fail "good config: $(cat "$TMP/err")"
test -s "$TMP/ok.dtb" || fail "good config: no output"
grep -q "xl-pl031.cfg:16: key 'vif' is not used by libdtgen" "$TMP/err" ||
	fail "no notice for vif: $(cat "$TMP/err")"

# each bad config: exit 1, the message, no file
check_bad() {
	printf '%b' "$1" > "$TMP/bad.cfg"
	rm -f "$TMP/out.dtb"
	"$DTGEN" partial "$DATA/virt.dtb" "$TMP/bad.cfg" -o "$TMP/out.dtb" \
		2>"$TMP/err"
	rc=$?
	test $rc -eq 1 || fail "'$1': exit $rc"
	grep -qF "$2" "$TMP/err" || fail "'$1': got: $(cat "$TMP/err")"
	test ! -e "$TMP/out.dtb" || fail "'$1': output written"
}
check_bad 'name = "x"\nmemory 512\n' 'bad.cfg:2: expected '"'"'='"'"' after '"'"'memory'"'"''
check_bad 'dtdev = [ "/pl031@9010000",\n' 'bad.cfg:2: dtdev: unterminated list (opened on line 1)'
check_bad 'memory = "abc"\n' 'bad.cfg:1: memory: expected a number, got "abc"'
check_bad 'dt_passthrough = [ "path=/pl031@9010000,iommu=no,speed=9" ]\n' \
	"bad.cfg:1: dt_passthrough: unknown option 'speed'"
check_bad 'dt_passthrough = [ "path=/pl031@9010000,iommu=no" ]\nirqs = [ 35 ]\n' \
	'bad.cfg:2: irqs: 35 is not an interrupt of a device'
check_bad 'dt_passthrough = [ "path=/nosuch@0" ]\n' 'bad.cfg:1: dt_passthrough: '
# a key set twice: the last value wins, as in xl (libxlu_cfg.c,
# xlu__cfg_set_store() prepends and find() returns the newest setting),
# with a warning naming file, line, key and the earlier line
printf 'name = "rtc"\nmemory = 128\nmemory = 256\ndt_passthrough = [ "path=/pl031@9010000,iommu=no" ]\n' \
	> "$TMP/dup.cfg"
"$DTGEN" guest-dt "$DATA/virt.dtb" "$TMP/dup.cfg" -o "$TMP/dup.dtb" 2>"$TMP/err" ||
	fail "duplicate key: $(cat "$TMP/err")"
grep -qF "dup.cfg:3: memory: set again (before at line 2); the last value is used, as xl does" \
	"$TMP/err" || fail "duplicate key: no warning: $(cat "$TMP/err")"
test "$(fdtget -t x "$TMP/dup.dtb" /memory@40000000 reg)" = "0 40000000 0 10000000" ||
	fail "duplicate key: not the last value (256 MiB)"
echo "PASS: dtgen with xl.cfg input"
