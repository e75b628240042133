# tests for the host model (lib/host-*.c, dtgen inspect)
check_PROGRAMS += tests/check_host tests/check_host_real
TESTS += tests/check_host tests/check_host_real \
	tests/inspect-sweep.sh tests/inspect-bad.sh tests/hostile-dtb.sh
tests_check_host_SOURCES = tests/check_host.c
tests_check_host_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_host_LDADD = $(TEST_LDADD)
tests_check_host_real_SOURCES = tests/check_host_real.c
tests_check_host_real_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_host_real_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/inspect-sweep.sh tests/inspect-bad.sh tests/hostile-dtb.sh
# the one gate for untrusted DTBs (lib/blob-check.c; white-box)
check_PROGRAMS += tests/check_blob
TESTS += tests/check_blob
tests_check_blob_SOURCES = tests/check_blob.c
tests_check_blob_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_blob_LDADD = $(TEST_CORE_LDADD)
TESTS += tests/boards-stm32.sh
EXTRA_DIST += tests/boards-stm32.sh
TESTS += tests/boards-dra7-sysc.sh
EXTRA_DIST += tests/boards-dra7-sysc.sh
