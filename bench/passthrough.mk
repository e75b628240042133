# bench/passthrough: finalize + all outputs on 1,000 / 10,000 devices
noinst_PROGRAMS += bench/passthrough-bench
bench_passthrough_bench_SOURCES = bench/passthrough-bench.c
bench_passthrough_bench_LDADD = lib/libdtgen.la $(FDT_LIBS)
EXTRA_DIST += bench/gen-host-dts.py bench/partial-vs-fdtget.sh bench/common.sh
