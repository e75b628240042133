#!/bin/sh
# Hostile DTBs (tests/data/hostile/, see its README) fed to every command
# that reads a DTB, as the host and as a user's partial DT, and to the
# Python API: each must fail within the timeout with exit 1 (never a
# signal, never a hang), name the file and what is wrong, and write no
# output.  Before dtg_blob_check, Debian 12's libfdt 1.6.1 fdt_check_full
# segfaulted on old-version.dtb (exit 139) and looped forever on
# prop-len-wrap.dtb.
set -u
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
dtgen="$builddir/tools/dtgen"
data="$srcdir/tests/data"
hostile="$data/hostile"
py=${PYTHON3:-/usr/bin/python3}
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
T=$(mktemp -d) || exit 99
trap 'rm -rf "$T"' EXIT
fail=0
limit=20   # seconds; a sound run takes milliseconds

head -c 4096 /dev/zero > "$T/Image"
printf '%s\n' 'name = "rtc"' 'memory = 128' "kernel = \"$T/Image\"" \
	'dt_passthrough = [ "path=/pl031@9010000,iommu=no" ]' > "$T/rtc.cfg"

# run NAME MESSAGE OUT COMMAND...: exit 1, MESSAGE on stderr, no OUT
run() {
	name=$1 msg=$2 out=$3
	shift 3
	rm -rf "$out"
	timeout $limit "$@" > "$T/stdout" 2> "$T/err"
	st=$?
	if [ $st -eq 124 ]; then
		echo "FAIL: $name: hung (killed after ${limit}s)"; fail=1
	elif [ $st -ne 1 ]; then
		echo "FAIL: $name: exit $st (expected 1): $(cat "$T/err")"; fail=1
	elif ! grep -qF -- "$msg" "$T/err"; then
		echo "FAIL: $name: stderr lacks '$msg': $(cat "$T/err")"; fail=1
	elif [ -e "$out" ]; then
		echo "FAIL: $name: wrote $out"; fail=1
	else
		echo "ok: $name: $(head -1 "$T/err")"
	fi
}

for blob in old-version prop-len-wrap; do
	f="$hostile/$blob.dtb"
	case $blob in
	old-version) msg="$blob.dtb: header: version: 15 is not supported" ;;
	prop-len-wrap) msg="$blob.dtb: /dev@1000: structure block offset 0x54: reg: property length 4294967284 runs past" ;;
	esac
	cp "$f" "$T/$blob.dtb"
	# as the host DT
	run "inspect $blob" "$msg" "$T/none" "$dtgen" inspect "$f"
	run "inspect --json $blob" "$msg" "$T/none" "$dtgen" inspect --json "$f"
	for cmd in partial guest-dt overlay; do
		run "$cmd $blob" "$msg" "$T/o.dtb" "$dtgen" $cmd "$f" "$T/rtc.cfg" -o "$T/o.dtb"
	done
	run "plan $blob" "$msg" "$T/none" "$dtgen" plan "$f" "$T/rtc.cfg"
	run "xlcfg $blob" "$msg" "$T/none" "$dtgen" xlcfg "$f" "$T/rtc.cfg"
	run "copro-read $blob" "$msg" "$T/none" "$dtgen" copro-read "$f"
	run "copro-read --cmdline $blob" "$msg" "$T/none" "$dtgen" copro-read "$f" --cmdline "xen-coprocessors=/x"
	run "copro-mark $blob" "$msg" "$T/o.dtb" "$dtgen" copro-mark "$f" "$T/rtc.cfg" -o "$T/o.dtb"
	run "dom0less $blob" "$msg" "$T/out" "$dtgen" dom0less "$f" "$T/rtc.cfg" -o "$T/out"
	run "check-partial host $blob" "$msg" "$T/none" "$dtgen" check-partial "$f" "$data/virt.dtb"
	run "complete host $blob" "$msg" "$T/o.dtb" "$dtgen" complete "$f" "$data/virt.dtb" -o "$T/o.dtb"
	# as the user's partial DT
	run "check-partial $blob" "$msg" "$T/none" "$dtgen" check-partial "$data/virt.dtb" "$f"
	run "complete $blob" "$msg" "$T/o.dtb" "$dtgen" complete "$data/virt-smmuv3.dtb" "$f" -o "$T/o.dtb"
	{ cat "$T/rtc.cfg" | sed '/dt_passthrough/d'; echo "device_tree = \"$T/$blob.dtb\""; } > "$T/own.cfg"
	run "dom0less device_tree= $blob" "$msg" "$T/out" "$dtgen" dom0less "$data/virt.dtb" "$T/own.cfg" -o "$T/out"
	# the Python API (ctypes on the library): a DtgenError, no crash.
	# Python cannot load a sanitized library (python.mk): plain build only.
	if ldd "$builddir/lib/.libs/libdtgen.so" 2>/dev/null | grep -q 'lib[at]san'; then
		echo "ok: python $blob: skipped (sanitized library)"
		continue
	fi
	run "python Host $blob" "$msg" "$T/none" env DTGEN_LIBRARY="$builddir/lib/.libs/libdtgen.so" \
		PYTHONPATH="$srcdir/bindings/python" "$py" -c '
import sys, xendtgen as x
blob = open(sys.argv[1], "rb").read()
try:
    x.Host(blob, name=sys.argv[1].rsplit("/", 1)[-1])
except x.DtgenError as e:
    sys.stderr.write("%s\n" % e); sys.exit(1)
sys.exit(0)' "$f"
	run "python check_partial $blob" "$msg" "$T/none" env DTGEN_LIBRARY="$builddir/lib/.libs/libdtgen.so" \
		PYTHONPATH="$srcdir/bindings/python" "$py" -c '
import sys, xendtgen as x
h = x.Host(open(sys.argv[2], "rb").read(), name="virt.dtb")
try:
    x.check_partial(h, open(sys.argv[1], "rb").read(), name=sys.argv[1].rsplit("/", 1)[-1])
except x.DtgenError as e:
    sys.stderr.write("%s\n" % e); sys.exit(1)
sys.exit(0)' "$f" "$data/virt.dtb"
done

# A sound blob with a device whose reg size is 0xff00000000000018 (found by
# fuzz-host): its plan was ~2^46 memory_mapping calls; now refused the way
# Xen's XEN_DOMCTL_memory_mapping would refuse it (MFN past paddr_bits).
huge="$srcdir/tests/fuzz/regress/host/huge-mmio-plan.dtb"
printf '%s\n' 'name = "fw"' 'memory = 128' \
	'dt_passthrough = [ "path=/fw-cfg@9020000,iommu=no" ]' > "$T/fw.cfg"
for cmd in plan xlcfg; do
	run "$cmd huge-mmio-plan" "huge-mmio-plan.dtb: /fw-cfg@9020000: reg: range 0 (0x20000f7fdffff+0xff00000000000018) ends above 2^48" \
		"$T/none" "$dtgen" $cmd "$huge" "$T/fw.cfg"
done
run "partial huge-mmio-plan" "ends above 2^48" "$T/o.dtb" "$dtgen" partial "$huge" "$T/fw.cfg" -o "$T/o.dtb"

# the unmodified tree of the same generator is read fine
timeout $limit "$dtgen" inspect "$hostile/control.dtb" > /dev/null 2> "$T/err" &&
	echo "ok: control.dtb is read" || { echo "FAIL: control.dtb: $(cat "$T/err")"; fail=1; }
exit $fail
