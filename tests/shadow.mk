# tests for libdtgen-shadow: Check property tests against reference walkers,
# and the freestanding check of the engine objects.
check_PROGRAMS += tests/shadow/check_shadow
TESTS += tests/shadow/check_shadow tests/shadow/freestanding.sh
EXTRA_DIST += tests/shadow/freestanding.sh
tests_shadow_check_shadow_SOURCES = tests/shadow/check_shadow.c \
	tests/shadow/world.c tests/shadow/world.h
tests_shadow_check_shadow_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_shadow_check_shadow_LDADD = lib/shadow/libdtgen-shadow.la $(CHECK_LIBS)
# the work bound of one shadow call (issue 13): hostile p2m extents
check_PROGRAMS += tests/shadow/check_shadow_bound
TESTS += tests/shadow/check_shadow_bound
tests_shadow_check_shadow_bound_SOURCES = tests/shadow/check_shadow_bound.c \
	tests/shadow/world.c tests/shadow/world.h
tests_shadow_check_shadow_bound_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)
tests_shadow_check_shadow_bound_LDADD = lib/shadow/libdtgen-shadow.la $(CHECK_LIBS)
