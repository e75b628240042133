# tests for the FDT emitters and the partial checker
check_PROGRAMS += tests/check_fdt_check tests/check_fdt
TESTS += tests/check_fdt_check tests/check_fdt tests/cli-fdt.sh
# devices without MMIO (I2C/SPI slaves, partitions): refused or carried by their bus
check_PROGRAMS += tests/check_nommio
TESTS += tests/check_nommio
tests_check_nommio_SOURCES = tests/check_nommio.c
tests_check_nommio_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_nommio_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/cli-fdt.sh
tests_check_fdt_check_SOURCES = tests/check_fdt_check.c
tests_check_fdt_check_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_fdt_check_LDADD = $(TEST_LDADD)
tests_check_fdt_SOURCES = tests/check_fdt.c
tests_check_fdt_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_fdt_LDADD = $(TEST_LDADD)
