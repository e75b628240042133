# lib/copro-*: shared coprocessors (SCF): instances, finalize step,
# hypervisor-side description, host-DT / command-line marks, xl.cfg key.
lib_libdtgen_core_la_SOURCES += \
	%reldir%/copro-internal.h \
	%reldir%/copro-model.c \
	%reldir%/copro-finalize.c \
	%reldir%/copro-desc.c \
	%reldir%/copro-mark.c \
	%reldir%/copro-config.c
xendtgeninclude_HEADERS += include/xendtgen/copro.h
