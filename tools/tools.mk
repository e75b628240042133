# tools/: the dtgen CLI (argument parsing and file I/O only).
bin_PROGRAMS += tools/dtgen
tools_dtgen_SOURCES = \
	%reldir%/cli.h \
	%reldir%/cli-util.c \
	%reldir%/dtgen.c \
	%reldir%/cmd-inspect.c \
	%reldir%/cli-domain.c \
	%reldir%/cmd-fdt.c \
	%reldir%/cmd-plan.c \
	%reldir%/cmd-dom0less.c
tools_dtgen_LDADD = lib/libdtgen.la $(FDT_LIBS)
tools_dtgen_SOURCES += %reldir%/cmd-complete.c
tools_dtgen_SOURCES += %reldir%/cmd-copro.c
# `dtgen apply`: the plan on Xen through libxenctrl, when configure found it.
tools_dtgen_SOURCES += %reldir%/cmd-apply.c
# xenctrl.h needs GNU C (anonymous unions): the backend is built apart.
if HAVE_XENCTRL
noinst_LTLIBRARIES += tools/libdtgen-xc.la
tools_libdtgen_xc_la_SOURCES = %reldir%/xc-backend.h %reldir%/xc-backend.c
tools_libdtgen_xc_la_CFLAGS = $(AM_CFLAGS) -std=gnu11
tools_dtgen_LDADD += tools/libdtgen-xc.la $(XENCTRL_LIBS)
endif
