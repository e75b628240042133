# tests/e2e/common.sh: shared by dom0less.sh and negative.sh (sourced, bash).
#
# Environment: top_srcdir, top_builddir (absolute; set by `make check`; when
# unset, the script's own tree is used and dtgen is looked for in ./tools).

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export E2E_DIR
if [ -n "${top_builddir:-}" ]; then
    E2E_WORKBASE=${E2E_WORKBASE:-$top_builddir/tests/e2e/work}
else    # run by hand: keep work files out of the source tree
    E2E_WORKBASE=${E2E_WORKBASE:-${TMPDIR:-/tmp}/dtgen-e2e-work-$(id -u)}
fi
top_srcdir=${top_srcdir:-$(cd "$E2E_DIR/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1   # no __pycache__ in the source tree
DTGEN=$top_builddir/tools/dtgen
QEMU=${QEMU:-qemu-system-aarch64}
export QEMU
. "$E2E_DIR/machine.sh"
# Guest kernel command line: the vpl011 console, its early console, our init.
GUEST_ARGS="console=ttyAMA0 earlycon=pl011,mmio32,0x22000000 rdinit=/init panic=-1"
FAILS=0

say()  { echo "$TEST_NAME: $*"; }
fail() { echo "$TEST_NAME: FAIL: $*"; FAILS=$((FAILS + 1)); }
pass() { echo "$TEST_NAME: ok: $*"; }

e2e_require_tools() {
    if ! command -v "$QEMU" >/dev/null 2>&1; then
        say "SKIP: $QEMU not found (apt-get install qemu-system-arm)"
        exit 77
    fi
    local t
    for t in dtc fdtget fdtput timeout base64 "$PY"; do
        command -v "$t" >/dev/null 2>&1 || { say "FAIL: needs $t"; exit 1; }
    done
}

# e2e_setup NAME: work dir, fetched files, host DTB, initramfs.
e2e_setup() {
    WORK=$E2E_WORKBASE/$1
    rm -rf "$WORK"
    mkdir -p "$WORK"
    WORK=$(cd "$WORK" && pwd)
    CACHE=$(/bin/bash "$E2E_DIR/fetch.sh" | tail -n1)
    XEN=$CACHE/xen
    KERNEL=$CACHE/Image
    say "packages: $(grep -h Version "$CACHE/VERSIONS" | paste -sd';')"
    "$QEMU" "${MACHINE[@]}" -nographic -M "dumpdtb=$WORK/host.dtb" \
        2> "$WORK/dumpdtb.err" || true
    [ -s "$WORK/host.dtb" ] ||
        { say "FAIL: QEMU did not dump the host DTB: $(cat "$WORK/dumpdtb.err")"; exit 1; }
    INITRD=$WORK/initrd.cpio.gz
    "$PY" "$E2E_DIR/mkinitramfs.py" "$CACHE/busybox" "$INITRD"
}

# Xen's command line for the boots: E2E.md's. bootscrub=0 matters: without
# it Xen scrubs all 2 GiB under emulation (QEMU peak RSS 2.2 GB, slower).
XEN_BOOTARGS="console=dtuart dtuart=/pl011@9000000 loglvl=all guest_loglvl=all bootscrub=0"

# dom0less HOST OUT ARG...: `dtgen dom0less HOST ARG... -o OUT` (ARGs: guest
# cfgs and options).
dom0less() {
    local host=$1 out=$2
    shift 2
    say "builder: $DTGEN dom0less"
    "$DTGEN" dom0less "$host" "$@" -o "$out"
}

# guest_dt HOST CFG OUT: libdtgen's complete guest DT as Xen's dom0less
# builder makes it.
guest_dt() {
    GUEST_DT_SRC="dtgen guest-dt --dom0less"
    "$DTGEN" guest-dt --dom0less "$1" "$2" -o "$3"
}

# write_cfg FILE NAME ROLE MEMORY PASSTHROUGH-PATH [EXTRA-LINE...]
write_cfg() {
    local f=$1 name=$2 role=$3 mem=$4 dev=$5
    shift 5
    {
        echo "# libdtgen e2e guest: $role"
        echo "name = \"$name\""
        echo "memory = $mem"
        echo "vcpus = 1"
        echo "vpl011 = 1"
        echo "kernel = \"$KERNEL\""
        echo "ramdisk = \"$INITRD\""
        echo "cmdline = \"$GUEST_ARGS e2e=$role\""
        [ -z "$dev" ] || echo "dt_passthrough = [ \"path=$dev,iommu=no\" ]"
        local l
        for l in "$@"; do echo "$l"; done
    } > "$f"
}

# dom_of LOG ROLE: the Xen console prefix (DOMn) of the guest with that role.
dom_of() {
    sed -n "s/^(XEN) \(DOM[0-9]*\): E2E-BOOTED role=$2\$/\1/p" "$1" | head -n1
}

# expect LOG REGEX WHAT / reject LOG REGEX WHAT
expect() {
    local line
    if line=$(grep -E -m1 -- "$2" "$1"); then
        pass "$3: $line"
    else
        fail "$3: no line matching /$2/ in $1"
    fi
}
reject() {
    local lines
    if lines=$(grep -E -- "$2" "$1"); then
        fail "$3:"
        printf '    %s\n' "$lines"
    else
        pass "$3"
    fi
}

# irq_count LOG DOM WHEN: the summed per-CPU counts of the rtc-pl031 line.
irq_count() {
    sed -n "s/^(XEN) $2: E2E-IRQ-$3: //p" "$1" | head -n1 |
        awk '$0 == "none" {print "none"; exit}
             {s = 0; for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i; print s}'
}

e2e_finish() {
    if [ "$FAILS" -ne 0 ]; then
        say "$FAILS check(s) failed; work files in $WORK"
        exit 1
    fi
    say "PASS"
    exit 0
}
