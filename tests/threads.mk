# reentrancy: 8 threads on one shared host (tests/check_threads.c); the
# suite also runs it built with ThreadSanitizer (--enable-tsan).
check_PROGRAMS += tests/check_threads
TESTS += tests/check_threads
tests_check_threads_SOURCES = tests/check_threads.c
tests_check_threads_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) -pthread
tests_check_threads_LDADD = $(TEST_LDADD) -lpthread
