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
