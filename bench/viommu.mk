# bench fragment: vMasterID binding (10,000 masters across 64 SMMUs)
noinst_PROGRAMS += bench/viommu-bench
bench_viommu_bench_SOURCES = bench/viommu-bench.c
bench_viommu_bench_LDADD = lib/libdtgen.la $(FDT_LIBS)
