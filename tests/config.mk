# tests for xl.cfg input (lib/config-*.c)
check_PROGRAMS += tests/check_config
TESTS += tests/check_config
tests_check_config_SOURCES = tests/check_config.c
tests_check_config_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_config_LDADD = $(TEST_LDADD)
TESTS += tests/cli-config.sh
EXTRA_DIST += tests/cli-config.sh
