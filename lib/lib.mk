# lib/: libdtgen (model, planning, emitters; links libfdt).
lib_LTLIBRARIES += lib/libdtgen.la
lib_libdtgen_la_SOURCES = \
	%reldir%/internal.h \
	%reldir%/ctx.c \
	%reldir%/buf.c \
	%reldir%/domain-internal.h \
	%reldir%/arena.c
lib_libdtgen_la_LIBADD = $(FDT_LIBS)
lib_libdtgen_la_LDFLAGS = $(AM_LDFLAGS) -version-info $(LIBDTGEN_LT_VERSION) \
	-export-symbols-regex '^dtg_'
xendtgeninclude_HEADERS += \
	include/xendtgen/dtgen.h \
	include/xendtgen/host.h \
	include/xendtgen/domain.h \
	include/xendtgen/fdt.h \
	include/xendtgen/domctl.h \
	include/xendtgen/config.h

# Area fragments append to lib_libdtgen_la_SOURCES and xendtgeninclude_HEADERS.
include lib/host.mk
include lib/domain.mk
include lib/fdt.mk
include lib/plan.mk
include lib/config.mk
include lib/dom0less.mk
include lib/viommu.mk
include lib/copro.mk
