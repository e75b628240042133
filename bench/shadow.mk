# bench fragment: shadow (figures for the README; never timed assertions)
noinst_PROGRAMS += bench/shadow-bench
bench_shadow_bench_SOURCES = bench/shadow-bench.c
bench_shadow_bench_LDADD = lib/shadow/libdtgen-shadow.la
