# lib/shadow: libdtgen-shadow, the freestanding page-table shadowing engine.
# Built -ffreestanding -fno-builtin (and without loop-to-memcpy rewriting) so
# the objects call nothing outside themselves; tests/shadow/freestanding.sh
# checks that with nm.
lib_LTLIBRARIES += %reldir%/libdtgen-shadow.la
xendtgeninclude_HEADERS += include/xendtgen/shadow.h

SHADOW_SRCS = \
	%reldir%/internal.h \
	%reldir%/util.c \
	%reldir%/node.c \
	%reldir%/translate.c \
	%reldir%/engine.c \
	%reldir%/fmt-omap.c \
	%reldir%/fmt-lpae.c

SHADOW_FREESTANDING_CFLAGS = -ffreestanding -fno-builtin $(SHADOW_NOLOOP_CFLAGS)

%canon_reldir%_libdtgen_shadow_la_SOURCES = $(SHADOW_SRCS)
%canon_reldir%_libdtgen_shadow_la_CFLAGS = $(AM_CFLAGS) $(SHADOW_FREESTANDING_CFLAGS)
%canon_reldir%_libdtgen_shadow_la_LDFLAGS = $(AM_LDFLAGS) -version-info $(LIBDTGEN_SHADOW_LT_VERSION)
EXTRA_DIST += docs/shadow.md
