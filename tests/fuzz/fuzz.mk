# tests/fuzz: libFuzzer harnesses for hostile input (tests/fuzz/README.md).
# With --enable-fuzzing (clang) they are libFuzzer programs that
# tests/fuzz/run drives; otherwise each is linked with replay.c and runs
# its seed corpus and regression inputs once in `make check`.
FUZZ_PROGS = tests/fuzz/fuzz-host tests/fuzz/fuzz-xlcfg tests/fuzz/fuzz-partial \
	tests/fuzz/fuzz-copro tests/fuzz/fuzz-shadow
FUZZ_DEFS = $(AM_CPPFLAGS) -DFUZZ_DATA_DIR='"$(abs_top_srcdir)/tests/data"'
FUZZ_COMMON = tests/fuzz/fuzz.h tests/fuzz/fuzz-common.c
FUZZLINK_LIBS = lib/libdtgen-core.la $(FDT_LIBS)
EXTRA_DIST += tests/fuzz/run tests/fuzz/make-corpus tests/fuzz/README.md tests/fuzz/corpus \
	tests/fuzz/regress tests/fuzz/replay.sh

tests_fuzz_fuzz_host_SOURCES = tests/fuzz/fuzz-host.c $(FUZZ_COMMON)
tests_fuzz_fuzz_xlcfg_SOURCES = tests/fuzz/fuzz-xlcfg.c $(FUZZ_COMMON)
tests_fuzz_fuzz_partial_SOURCES = tests/fuzz/fuzz-partial.c $(FUZZ_COMMON)
tests_fuzz_fuzz_copro_SOURCES = tests/fuzz/fuzz-copro.c $(FUZZ_COMMON)
tests_fuzz_fuzz_shadow_SOURCES = tests/fuzz/fuzz-shadow.c $(FUZZ_COMMON)
if FUZZING
noinst_PROGRAMS += $(FUZZ_PROGS)
FUZZLINK_FLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
else
check_PROGRAMS += $(FUZZ_PROGS)
TESTS += tests/fuzz/replay.sh
FUZZLINK_FLAGS = $(AM_LDFLAGS)
tests_fuzz_fuzz_host_SOURCES += tests/fuzz/replay.c
tests_fuzz_fuzz_xlcfg_SOURCES += tests/fuzz/replay.c
tests_fuzz_fuzz_partial_SOURCES += tests/fuzz/replay.c
tests_fuzz_fuzz_copro_SOURCES += tests/fuzz/replay.c
tests_fuzz_fuzz_shadow_SOURCES += tests/fuzz/replay.c
endif
tests_fuzz_fuzz_host_CPPFLAGS = $(FUZZ_DEFS)
tests_fuzz_fuzz_host_LDFLAGS = $(FUZZLINK_FLAGS)
tests_fuzz_fuzz_host_LDADD = $(FUZZLINK_LIBS)
tests_fuzz_fuzz_xlcfg_CPPFLAGS = $(FUZZ_DEFS)
tests_fuzz_fuzz_xlcfg_LDFLAGS = $(FUZZLINK_FLAGS)
tests_fuzz_fuzz_xlcfg_LDADD = $(FUZZLINK_LIBS)
tests_fuzz_fuzz_partial_CPPFLAGS = $(FUZZ_DEFS)
tests_fuzz_fuzz_partial_LDFLAGS = $(FUZZLINK_FLAGS)
tests_fuzz_fuzz_partial_LDADD = $(FUZZLINK_LIBS)
tests_fuzz_fuzz_copro_CPPFLAGS = $(FUZZ_DEFS)
tests_fuzz_fuzz_copro_LDFLAGS = $(FUZZLINK_FLAGS)
tests_fuzz_fuzz_copro_LDADD = $(FUZZLINK_LIBS)
tests_fuzz_fuzz_shadow_CPPFLAGS = $(FUZZ_DEFS)
tests_fuzz_fuzz_shadow_LDFLAGS = $(FUZZLINK_FLAGS) -static
tests_fuzz_fuzz_shadow_LDADD = lib/shadow/libdtgen-shadow.la $(FUZZLINK_LIBS)
