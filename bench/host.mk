# bench fragment: host (host model load/resolve figures; inspect vs fdtget)
noinst_PROGRAMS += bench/host-bench
bench_host_bench_SOURCES = bench/host-bench.c
bench_host_bench_LDADD = lib/libdtgen.la $(FDT_LIBS)
EXTRA_DIST += bench/inspect-vs-fdtget.sh
