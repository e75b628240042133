# tests for the FDT emitters and the partial checker
check_PROGRAMS += tests/check_fdt_check tests/check_fdt
TESTS += tests/check_fdt_check tests/check_fdt tests/cli-fdt.sh
EXTRA_DIST += tests/cli-fdt.sh
tests_check_fdt_check_SOURCES = tests/check_fdt_check.c
tests_check_fdt_check_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_fdt_check_LDADD = $(TEST_LDADD)
tests_check_fdt_SOURCES = tests/check_fdt.c
tests_check_fdt_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_fdt_LDADD = $(TEST_LDADD)
