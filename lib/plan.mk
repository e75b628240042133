# lib/plan-*, lib/xlcfg*: domctl plan and xl.cfg output
lib_libdtgen_core_la_SOURCES += \
	%reldir%/plan-internal.h \
	%reldir%/plan-ops.c \
	%reldir%/plan-exec.c \
	%reldir%/plan-encode.c \
	%reldir%/plan-format.c \
	%reldir%/xlcfg-write.c \
	%reldir%/xen-release.c
