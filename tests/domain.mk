# tests for the domain model and its finalize passes (lib/domain.c,
# lib/finalize*.c, lib/guest-map.c); xl.cfg input tests may append below.
check_PROGRAMS += tests/check_domain
TESTS += tests/check_domain
tests_check_domain_SOURCES = tests/check_domain.c tests/domain-testutil.c \
	tests/domain-testutil.h
tests_check_domain_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_domain_LDADD = $(TEST_CORE_LDADD)
check_PROGRAMS += tests/check_domain_bad
TESTS += tests/check_domain_bad
tests_check_domain_bad_SOURCES = tests/check_domain_bad.c tests/domain-testutil.c \
	tests/domain-testutil.h
tests_check_domain_bad_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_domain_bad_LDADD = $(TEST_CORE_LDADD)
