# tests/: Check unit tests, golden files, real-DT sweeps.
# Each area adds its programs/scripts in its own fragment below.
TEST_EXTENSIONS = .sh .py
SH_LOG_COMPILER = $(SHELL)
PY_LOG_COMPILER = $(PYTHON3)
EXTRA_DIST += tests/data

check_LTLIBRARIES = tests/libdtgtest.la
tests_libdtgtest_la_SOURCES = tests/testutil.h tests/testutil.c
tests_libdtgtest_la_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)

# A Check test links libdtgen (as installed: public symbols only), libfdt,
# Check and the helpers; a white-box test links the internal archive.
TEST_LDADD = tests/libdtgtest.la lib/libdtgen.la $(FDT_LIBS) $(CHECK_LIBS)
TEST_CORE_LDADD = tests/libdtgtest.la lib/libdtgen-core.la $(FDT_LIBS) $(CHECK_LIBS)

check_PROGRAMS += tests/check_ctx
TESTS += tests/check_ctx
tests_check_ctx_SOURCES = tests/check_ctx.c
tests_check_ctx_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_check_ctx_LDADD = $(TEST_LDADD)

# where -o writes: atomic replace, symlinks followed, devices written in place
TESTS += tests/cli-output.sh
EXTRA_DIST += tests/cli-output.sh

include tests/host.mk
include tests/shadow.mk
include tests/domain.mk
include tests/fdt.mk
include tests/plan.mk
include tests/dom0less.mk
include tests/viommu.mk
include tests/config.mk
include tests/copro.mk
include tests/fuzz/fuzz.mk
include tests/threads.mk
