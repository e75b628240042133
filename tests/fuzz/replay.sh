#!/bin/sh
# Each fuzz harness, built without libFuzzer, runs its seed corpus and its
# regression inputs (tests/fuzz/regress/NAME: every input a fuzzer once
# crashed or hung on) once: none may crash, and each must finish in time.
set -u
srcdir=${top_srcdir:-.}
builddir=${top_builddir:-.}
fail=0
for name in host xlcfg partial copro shadow; do
	dirs="$srcdir/tests/fuzz/corpus/$name"
	[ -d "$srcdir/tests/fuzz/regress/$name" ] && dirs="$dirs $srcdir/tests/fuzz/regress/$name"
	if out=$(timeout 120 "$builddir/tests/fuzz/fuzz-$name" $dirs 2>&1); then
		echo "ok: fuzz-$name: $out"
	else
		echo "FAIL: fuzz-$name (exit $?): $out" | tail -40
		fail=1
	fi
done
exit $fail
