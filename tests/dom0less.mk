# tests for the dom0less builder
check_PROGRAMS += tests/check_dom0less
TESTS += tests/check_dom0less tests/cli-dom0less.sh
tests_check_dom0less_SOURCES = tests/check_dom0less.c
tests_check_dom0less_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_dom0less_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/cli-dom0less.sh
# dom0less systems: dom0, xen,enhanced, shared memory, event channels, cpupools
check_PROGRAMS += tests/check_dom0less_system
TESTS += tests/check_dom0less_system tests/cli-dom0less-system.sh
EXTRA_DIST += tests/cli-dom0less-system.sh
tests_check_dom0less_system_SOURCES = tests/check_dom0less_system.c
tests_check_dom0less_system_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_dom0less_system_LDADD = $(TEST_LDADD)
