# tests for the domctl plan and xl.cfg output
check_PROGRAMS += tests/check_plan
TESTS += tests/check_plan
tests_check_plan_SOURCES = tests/check_plan.c
tests_check_plan_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_plan_LDADD = $(TEST_LDADD)

# Byte-for-byte comparison with records built from Xen's own public
# headers (Debian's libxen-dev); compiled only where they are installed.
if HAVE_XEN_HEADERS
check_PROGRAMS += tests/check_domctl_xen
TESTS += tests/check_domctl_xen
tests_check_domctl_xen_SOURCES = tests/check_domctl_xen.c
# Xen's public headers use anonymous unions (a GNU extension before C11
# in their eyes: hvm/save.h #errors under __STRICT_ANSI__).
tests_check_domctl_xen_CFLAGS = $(AM_CFLAGS) -std=gnu11 $(CHECK_CFLAGS)
tests_check_domctl_xen_LDADD = $(TEST_LDADD)
endif

TESTS += tests/cli-plan.sh
EXTRA_DIST += tests/cli-plan.sh

# Xen releases 4.17 .. 4.22: interface versions, xl.cfg keys per release
check_PROGRAMS += tests/check_release
TESTS += tests/check_release
tests_check_release_SOURCES = tests/check_release.c
tests_check_release_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_release_LDADD = $(TEST_LDADD)
TESTS += tests/release-cli.sh
EXTRA_DIST += tests/release-cli.sh

TESTS += tests/cli-apply.sh
EXTRA_DIST += tests/cli-apply.sh
