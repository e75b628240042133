#!/usr/bin/env bash
# Shared coprocessors through the CLI: two domUs share DRA7's DSP; partial,
# guest-dt, xlcfg and plan include them; copro-mark through the host DT
# and through the command line read back the same; bad input: an error
# and no output file.
set -euo pipefail
dtgen="$top_builddir/tools/dtgen"
data="$top_srcdir/tests/data"
DTC=${DTC:-dtc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
host="$data/dra7-evm.dtb"
fail() { echo "FAIL: $*"; exit 1; }

for g in 1 2; do
	cat > "dsp$g.cfg" <<CFG
name = "dsp$g"
memory = 256
coprocessors = [ "path=/ocp/dsp@40800000,ranges=all,guest=auto" ]
CFG
done
cat > dom0.cfg <<'CFG'
name = "Domain-0"
memory = 1024
coprocessors = [ "path=/ocp/ipu@55020000,guest=auto" ]
CFG

for g in 1 2; do
	"$dtgen" partial "$host" dsp$g.cfg -o p$g.dtb
	"$dtgen" check-partial "$host" p$g.dtb
	"$DTC" -I dtb -O dts -o p$g.dts p$g.dtb 2>/dev/null
	grep -q 'xen,path = "/ocp/dsp@40800000"' p$g.dts || fail "no /xen-coprocessors in p$g"
	"$dtgen" guest-dt "$host" dsp$g.cfg -o g$g.dtb
	"$DTC" -I dtb -O dts -E reg_format -E unit_address_vs_reg -E interrupts_property \
		-o g$g.dts g$g.dtb
	grep -q 'compatible = "ti,dra7-dsp"' g$g.dts || fail "no DSP in guest DT $g"
	"$dtgen" xlcfg "$host" dsp$g.cfg | grep -q '^coprocessors = \[ "path=/ocp/dsp@40800000' ||
		fail "xlcfg $g"
	"$dtgen" plan "$host" dsp$g.cfg > plan$g.txt
done

# Marks: host DT vs command line give the same model.
"$dtgen" copro-mark "$host" --dom0 dom0.cfg dsp1.cfg dsp2.cfg -o marked.dtb
"$dtgen" copro-mark "$host" --dom0 dom0.cfg dsp1.cfg dsp2.cfg --cmdline > cmdline.txt
grep -qx 'xen-coprocessors=/ocp/dsp@40800000;/ocp/ipu@55020000' cmdline.txt || fail "cmdline: $(cat cmdline.txt)"
"$dtgen" copro-read marked.dtb > from-dt.txt
"$dtgen" copro-read "$host" --cmdline "console=dtuart $(cat cmdline.txt)" > from-cmd.txt
[ "$(wc -l < from-dt.txt)" -eq 2 ] || fail "marks: $(cat from-dt.txt)"
cmp from-dt.txt from-cmd.txt || fail "host-DT and command-line marks differ"
fdtget marked.dtb /chosen/xen-coprocessors/instance-0 xen,path | grep -qx /ocp/ipu@55020000 ||
	fail "dom0 instance missing"

# Bad input: each an error naming the problem, and no file written.
bad() {  # NAME NEEDLE CFG-LINE...
	local name=$1 needle=$2; shift 2
	printf '%s\n' 'name = "bad"' 'memory = 256' "$@" > "$name.cfg"
	if "$dtgen" partial "$host" "$name.cfg" -o "$name.dtb" 2> "$name.err"; then
		fail "$name accepted"
	fi
	grep -q -- "$needle" "$name.err" || fail "$name: $(cat "$name.err")"
	[ ! -e "$name.dtb" ] || fail "$name: output written"
}
bad regname 'dsp@40800000: reg-names: no entry "l3ram"' \
	'coprocessors = [ "path=/ocp/dsp@40800000,ranges=l2ram/l3ram" ]'
bad onram 'overlaps guest RAM' \
	'coprocessors = [ "path=/ocp/dsp@40800000,guest=0x40000000/auto/auto" ]'
bad both 'both passed through and shared' \
	'coprocessors = [ "path=/ocp/dsp@40800000" ]' \
	'dt_passthrough = [ "path=/ocp/dsp@40800000,guest=auto" ]'
j7="$data/k3-j721e-common-proc-board.dtb"
printf '%s\n' 'name = "bad"' 'memory = 256' \
	'dt_passthrough = [ "path=/bus@100000/can@2701000,guest=auto,clock-rate=0:40000000,clock-rate=1:40000000" ]' \
	'coprocessors = [ "path=/bus@100000/dss@4a00000,ranges=common_s0,irqs=common_s0,virq=156" ]' > spi.cfg
if "$dtgen" partial "$j7" spi.cfg -o spi.dtb 2> spi.err; then fail "spi accepted"; fi
grep -q 'virtual INTID 156 is already used by /bus@100000/can@2701000' spi.err || fail "spi: $(cat spi.err)"
[ ! -e spi.dtb ] || fail "spi: output written"

# Across domains: shared with one, passed through to another: no marks.
printf '%s\n' 'name = "pt"' 'memory = 256' 'dt_passthrough = [ "path=/ocp/dsp@40800000,guest=auto,clock-rate=0:600000000" ]' > pt.cfg
if "$dtgen" copro-mark "$host" dsp1.cfg pt.cfg -o cross.dtb 2> cross.err; then fail "cross accepted"; fi
grep -q 'shared with dsp1 but passed through to pt' cross.err || fail "cross: $(cat cross.err)"
[ ! -e cross.dtb ] || fail "cross: output written"

# --help is an answer, as for every other subcommand (tools/dtgen.c): the
# usage on stdout, nothing on stderr, exit 0; a wrong call stays exit 2.
for c in copro-mark copro-read partial plan; do
	st=0; "$dtgen" "$c" --help > help.out 2> help.err || st=$?
	[ "$st" -eq 0 ] || fail "$c --help: exit $st"
	grep -q "usage: dtgen $c" help.out || fail "$c --help: stdout: $(cat help.out)"
	[ ! -s help.err ] || fail "$c --help: stderr: $(cat help.err)"
done
for c in copro-mark copro-read; do
	st=0; "$dtgen" "$c" > help.out 2> help.err || st=$?
	[ "$st" -eq 2 ] && grep -q "usage: dtgen $c" help.err || fail "$c without arguments: exit $st"
done
echo "ok"
