# lib/: libdtgen (model, planning, emitters; links libfdt).
# Everything is built into a convenience archive; the installed library
# exports only what the public headers declare (lib/libdtgen.sym, made from
# them), so internal helpers stay private.  White-box tests link the archive.
noinst_LTLIBRARIES += lib/libdtgen-core.la
lib_libdtgen_core_la_SOURCES = \
	%reldir%/internal.h \
	%reldir%/ctx.c \
	%reldir%/buf.c \
	%reldir%/domain-internal.h \
	%reldir%/arena.c

lib_LTLIBRARIES += lib/libdtgen.la
lib_libdtgen_la_SOURCES =
lib_libdtgen_la_LIBADD = lib/libdtgen-core.la $(FDT_LIBS)
lib_libdtgen_la_LDFLAGS = $(AM_LDFLAGS) -version-info $(LIBDTGEN_LT_VERSION) \
	-export-symbols lib/libdtgen.sym
EXTRA_lib_libdtgen_la_DEPENDENCIES = lib/libdtgen.sym
CLEANFILES += lib/libdtgen.sym

# Every function a public header declares, and nothing else.
lib/libdtgen.sym: $(xendtgeninclude_HEADERS)
	$(AM_V_GEN)$(MKDIR_P) lib && \
	cat $^ | grep -oE '\bdtg_[a-z0-9_]+ *\(' | sed 's/ *(//' | \
	grep -v '^dtg_shadow_' | LC_ALL=C sort -u > $@

xendtgeninclude_HEADERS += \
	include/xendtgen/dtgen.h \
	include/xendtgen/host.h \
	include/xendtgen/domain.h \
	include/xendtgen/fdt.h \
	include/xendtgen/domctl.h \
	include/xendtgen/config.h

# Area fragments append to lib_libdtgen_core_la_SOURCES and xendtgeninclude_HEADERS.
include lib/host.mk
include lib/domain.mk
include lib/fdt.mk
include lib/plan.mk
include lib/config.mk
include lib/dom0less.mk
include lib/viommu.mk
include lib/copro.mk
