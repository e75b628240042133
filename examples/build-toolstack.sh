#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# examples/build-toolstack.sh - the example toolstack builds as its comment
# says, against the *installed* library found through pkg-config (make
# install into a staging directory), and runs: usage (exit 2), then, off
# Xen, libxenctrl's refusal (exit 1).  On real Xen: tests/e2e/xl.sh.
set -u
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
CC=${CC:-cc}
make -s -C "$top_builddir" install DESTDIR="$T/stage" >"$T/install.log" 2>&1 ||
    { cat "$T/install.log"; echo "FAIL: make install"; exit 1; }
pc=$(find "$T/stage" -name libdtgen.pc | head -n1)
[ -n "$pc" ] || { echo "FAIL: no libdtgen.pc installed"; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$T/stage"
flags=$(pkg-config --cflags --libs libdtgen) || { echo "FAIL: pkg-config"; exit 1; }
echo "pkg-config: $flags"
libdir=$(pkg-config --variable=libdir libdtgen)  # sysroot-prefixed
# xenctrl.h needs GNU C (anonymous unions).
if ! $CC -std=gnu11 -Wall -Wextra -Werror -o "$T/toolstack" \
        "$top_srcdir/examples/toolstack.c" $flags -Wl,-rpath,"$libdir" \
        -lxenctrl -lfdt; then
    echo "FAIL: the example does not build against the installed library"; exit 1
fi
echo "ok: built"
"$T/toolstack" > "$T/out" 2>&1
[ $? = 2 ] && grep -q usage "$T/out" && echo "ok: usage" || { echo "FAIL: usage"; exit 1; }
if [ -e /dev/xen/privcmd ]; then echo "SKIP: on Xen"; exit 77; fi
"$T/toolstack" "$top_srcdir/examples/qemu-virt-gicv3.dtb" 1 "$T/g.dtb" /pl031@9010000 > "$T/out" 2>&1
rc=$?
cat "$T/out"
[ $rc = 1 ] && grep -q xc_interface_open "$T/out" && [ ! -e "$T/g.dtb" ] &&
    echo "ok: off Xen it stops at xc_interface_open, no output" ||
    { echo "FAIL: exit $rc"; exit 1; }
