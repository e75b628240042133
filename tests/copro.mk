# tests for shared coprocessors (lib/copro-*)
check_PROGRAMS += tests/check_copro
TESTS += tests/check_copro
tests_check_copro_SOURCES = tests/check_copro.c
tests_check_copro_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_copro_LDADD = $(TEST_LDADD)

TESTS += tests/cli-copro.sh
EXTRA_DIST += tests/cli-copro.sh
