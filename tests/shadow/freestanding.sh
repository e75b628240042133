#!/bin/sh
# tests/shadow/freestanding.sh - the shadow engine is freestanding:
#  1. its sources include only <stdint.h>, <stddef.h>, <stdbool.h> and its
#     own headers;
#  2. compiled -ffreestanding -nostdlib (no PIC, as a hypervisor would), the
#     objects link with a caller that supplies only the callbacks, with no
#     libc and no undefined symbol;
#  3. nm shows no writable data (.data, .bss, common) in the objects.
# Checked at -O2 and -O0 (clang -O0 turns a designated initializer into a
# memset call), with the configured compiler and with clang when present.
set -eu
: "${top_srcdir:?}" "${top_builddir:?}"
CC=${CC:-$(sed -n 's/^CC = //p' "$top_builddir/Makefile" 2>/dev/null)}
CC=${CC:-cc}
NM=${NM:-nm}
src=$top_srcdir/lib/shadow
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

bad=$(grep -h '^#[[:space:]]*include' "$src"/*.c "$src"/*.h "$top_srcdir/include/xendtgen/shadow.h" |
      grep -v -e '<stdint.h>' -e '<stddef.h>' -e '<stdbool.h>' \
              -e '"internal.h"' -e '"xendtgen/shadow.h"' || true)
if [ -n "$bad" ]; then
	echo "FAIL: non-freestanding includes: $bad"; fail=1
fi

# A caller providing only the callbacks, its own entry point, no libc.
cat > "$tmp/caller.c" <<'C'
#include <xendtgen/shadow.h>
static unsigned char arena[1 << 20] __attribute__((aligned(16384)));
static unsigned long used;
static int rd(void *o, uint64_t ipa, void *b, size_t n) { (void)o; (void)ipa; (void)b; (void)n; return -1; }
static int p2m(void *o, uint64_t ipa, uint64_t *ma, uint64_t *len) { (void)o; *ma = ipa; *len = 4096; return 0; }
static void *al(void *o, size_t n, size_t a, unsigned f, uint64_t *ma)
{
	(void)o; (void)f;
	used = (used + a - 1) & ~(unsigned long)(a - 1);
	if (used + n > sizeof(arena)) return 0;
	if (ma) *ma = used;
	used += n;
	return arena + used - n;
}
static void fr(void *o, void *p, size_t n, unsigned f) { (void)o; (void)p; (void)n; (void)f; }
int fs_entry(void);
int fs_entry(void)
{
	struct dtg_shadow_callbacks cb;
	struct dtg_shadow *e;
	struct dtg_shadow_stats st;
	uint64_t ma;
	/* field by field: an initializer may be a memset call at -O0 */
	cb.read = rd; cb.map = 0; cb.unmap = 0; cb.p2m = p2m; cb.alloc = al;
	cb.free = fr; cb.clean = 0; cb.flush_tlb = 0; cb.fault = 0;
	if (dtg_shadow_create(&e, dtg_shadow_format_omap(), &cb, 0)) return 1;
	dtg_shadow_sync(e, 0);
	dtg_shadow_resync(e);
	dtg_shadow_resync_pages(e, &ma, 0);
	dtg_shadow_resync_entries(e, &ma, 0);
	dtg_shadow_invalidate(e, 0, 4096);
	dtg_shadow_lookup(e, 0, &ma, 0);
	dtg_shadow_get_stats(e, &st);
	dtg_shadow_for_each_table(e, 0, 0);
	(void)dtg_shadow_root(e);
	(void)dtg_shadow_format_name(dtg_shadow_format_lpae());
	(void)dtg_shadow_format_lpae48();
	dtg_shadow_destroy(e);
	return 0;
}
C
# The compilers to try: the configured one, and clang if it is another.
ccs=$CC
if command -v clang >/dev/null 2>&1 && [ "$(basename "${CC%% *}")" != clang ]; then
	ccs="$CC
clang"
fi

# One compiler, one optimisation level: build, link, inspect.
check() {
	cc=$1 opt=$2 d=$tmp/$3
	mkdir -p "$d"
	# the flag check of lib/shadow/shadow.mk (configure.ac): GCC only
	noloop=
	if echo 'int x;' | $cc -Werror -fno-tree-loop-distribute-patterns -x c -c - \
		-o "$d/flag.o" 2>/dev/null; then
		noloop=-fno-tree-loop-distribute-patterns
	fi
	FLAGS="-std=c11 $opt -Wall -Wextra -ffreestanding -nostdlib -fno-builtin
	       $noloop -fno-pic -fno-stack-protector -I$top_srcdir/include -I$src"
	objs=
	for f in "$src"/*.c; do
		o=$d/$(basename "$f" .c).o
		$cc $FLAGS -c "$f" -o "$o"
		objs="$objs $o"
	done
	$cc $FLAGS -c "$tmp/caller.c" -o "$d/caller.o"
	if ! $cc $FLAGS -static -Wl,-e,fs_entry -o "$d/fs" "$d/caller.o" $objs 2> "$d/ld.err"; then
		echo "FAIL ($cc $opt): engine objects do not link without libc:"
		cat "$d/ld.err"; fail=1
	fi
	undef=$($NM -u $objs | grep -v -e '^$' -e ':$' | awk '{print $2}' | sort -u)
	for s in $undef; do
		$NM --defined-only $objs | awk '{print $3}' | grep -qx "$s" ||
			{ echo "FAIL ($cc $opt): undefined symbol $s"; fail=1; }
	done
	writable=$($NM $objs | awk 'NF == 3 && $2 ~ /^[DdBbCGgSsVv]$/')
	if [ -n "$writable" ]; then
		echo "FAIL ($cc $opt): writable global data:"; echo "$writable"; fail=1
	fi
	nobj=$(echo $objs | wc -w)
	tried="$tried, $cc $opt"
}

tried=
n=0
while IFS= read -r cc; do
	for opt in -O2 -O0; do
		n=$((n + 1))
		check "$cc" "$opt" "c$n"
	done
done <<EOF
$ccs
EOF
[ $fail -eq 0 ] && echo "PASS: shadow engine is freestanding ($nobj objects$tried)"
exit $fail
