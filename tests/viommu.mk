# tests for vIOMMUs, vMasterID binding, partial-DT completion, virtio
check_PROGRAMS += tests/check_viommu
TESTS += tests/check_viommu
tests_check_viommu_SOURCES = tests/check_viommu.c
tests_check_viommu_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_viommu_LDADD = $(TEST_LDADD)

check_PROGRAMS += tests/check_viommu_abi
TESTS += tests/check_viommu_abi
tests_check_viommu_abi_SOURCES = tests/check_viommu_abi.c
tests_check_viommu_abi_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_viommu_abi_LDADD = $(TEST_LDADD)

check_PROGRAMS += tests/check_viommu_complete
TESTS += tests/check_viommu_complete
tests_check_viommu_complete_SOURCES = tests/check_viommu_complete.c
tests_check_viommu_complete_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_viommu_complete_LDADD = $(TEST_LDADD)

TESTS += tests/viommu-cli.sh
EXTRA_DIST += tests/viommu-cli.sh

check_PROGRAMS += tests/check_viommu_domain
TESTS += tests/check_viommu_domain
tests_check_viommu_domain_SOURCES = tests/check_viommu_domain.c
tests_check_viommu_domain_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_viommu_domain_LDADD = $(TEST_LDADD)

# virtio-mmio nodes against libxl's own code of each release (tests/libxl/)
check_PROGRAMS += tests/check_virtio_libxl
TESTS += tests/check_virtio_libxl
tests_check_virtio_libxl_SOURCES = tests/check_virtio_libxl.c \
	tests/libxl-ref.h tests/libxl-ref-shim.h \
	tests/libxl-ref-417.c tests/libxl-ref-418.c
tests_check_virtio_libxl_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_virtio_libxl_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/libxl/libxl_arm-virtio-4.17.inc \
	tests/libxl/libxl_arm-virtio-4.18.inc

# vSMMUv3 as the xen-devel series builds it (Juno, D05)
check_PROGRAMS += tests/check_vsmmu_series
TESTS += tests/check_vsmmu_series
tests_check_vsmmu_series_SOURCES = tests/check_vsmmu_series.c
tests_check_vsmmu_series_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_vsmmu_series_LDADD = $(TEST_LDADD)

TESTS += tests/vsmmu-series-cli.sh
EXTRA_DIST += tests/vsmmu-series-cli.sh
