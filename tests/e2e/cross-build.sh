#!/bin/bash
# tests/e2e/cross-build.sh: cross-build libdtgen and dtgen for aarch64 (what
# runs in the e2e test's dom0), against Debian 12's arm64 libfdt-dev and
# libxen-dev extracted by `fetch.sh --dom0` into a sysroot (they are not
# Multi-Arch: same, so installing them with dpkg would remove the native
# ones).  Needs gcc-aarch64-linux-gnu and libc6-dev-arm64-cross.
#
#   cross-build.sh SRCDIR BUILDDIR
#
# libdtgen is linked in statically (dom0 gets one binary besides the Debian
# libraries); the README says how to build the shared libraries.
# Reuses BUILDDIR (configure cache, make's own incrementality): only the
# first run pays for configure.  Builds BUILDDIR/tools/dtgen and
# BUILDDIR/toolstack (examples/toolstack.c); prints dtgen's path last.
if [ -z "${BASH_VERSION:-}" ]; then exec /bin/bash "$0" "$@"; fi
set -euo pipefail
SRC=$1 B=$2
HOSTT=aarch64-linux-gnu
command -v $HOSTT-gcc >/dev/null ||
    { echo "cross-build.sh: needs $HOSTT-gcc (gcc-aarch64-linux-gnu)" >&2; exit 1; }
CACHE=$(/bin/bash "$(dirname "$0")/fetch.sh" --dom0 | tail -n1)
R=$CACHE/dom0/root
mkdir -p "$B"
cd "$B"
args=(--host=$HOSTT --disable-shared --disable-tests -C
      "CPPFLAGS=-I$R/usr/include"
      "LDFLAGS=-L$R/usr/lib/$HOSTT -Wl,-rpath-link,$R/usr/lib/$HOSTT:$R/lib/$HOSTT"
      "PKG_CONFIG_LIBDIR=$R/usr/lib/$HOSTT/pkgconfig")
# Configure again only when the sysroot or configure changed.
stamp="$R ${args[*]} $(stat -c %Y "$SRC/configure")"
if [ ! -f Makefile ] || [ "$(cat .cross-stamp 2>/dev/null)" != "$stamp" ]; then
    echo "cross-build.sh: configure --host=$HOSTT (sysroot $R)" >&2
    "$SRC/configure" -q "${args[@]}" >&2
    echo "$stamp" > .cross-stamp
fi
grep -q '^#define HAVE_XENCTRL 1' config.h ||
    { echo "cross-build.sh: configure did not find arm64 libxenctrl in $R" >&2; exit 1; }
make -j2 >&2
# The example toolstack, built as its comment says: against the installed
# library (staged), found through pkg-config.
make -s install DESTDIR="$B/stage" >&2
pcdir=$(dirname "$(find "$B/stage" -name libdtgen.pc | head -n1)")
flags=$(PKG_CONFIG_LIBDIR=$pcdir PKG_CONFIG_SYSROOT_DIR=$B/stage \
        pkg-config --static --cflags --libs libdtgen)
$HOSTT-gcc -std=gnu11 -O2 -Wall -Wextra -o "$B/toolstack" "$SRC/examples/toolstack.c" \
    -I"$R/usr/include" $flags -L"$R/usr/lib/$HOSTT" \
    -Wl,-rpath-link,"$R/usr/lib/$HOSTT:$R/lib/$HOSTT" -lxenctrl -lfdt >&2
echo "$B/tools/dtgen"
