# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/common.sh - sourced by the whole-process benchmarks: where the
# sources, the build and the real dtgen binary are, and a scratch folder.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-.}
DTGEN="$top_builddir/tools/dtgen"
# In a build tree tools/dtgen is libtool's wrapper script, whose start-up
# (a shell) would dominate: time the real binary against the built library.
if [ -x "$top_builddir/tools/.libs/dtgen" ]; then
	DTGEN="$top_builddir/tools/.libs/dtgen"
	LD_LIBRARY_PATH="$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	export LD_LIBRARY_PATH
fi
DTB="$top_srcdir/tests/data/zynqmp-zcu102-rev1.0.dtb"
FDTGET=${FDTGET:-fdtget}
N=${N:-300}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
