# tests for the dom0less builder
check_PROGRAMS += tests/check_dom0less
TESTS += tests/check_dom0less tests/cli-dom0less.sh
tests_check_dom0less_SOURCES = tests/check_dom0less.c
tests_check_dom0less_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_dom0less_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/cli-dom0less.sh
