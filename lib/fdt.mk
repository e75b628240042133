# lib/fdt-*: guest FDT emitters and the partial-DT checker
lib_libdtgen_core_la_SOURCES += \
	%reldir%/fdt-internal.h \
	%reldir%/fdt-gnode.c \
	%reldir%/fdt-partial.c \
	%reldir%/fdt-nodes.c \
	%reldir%/fdt-guest.c \
	%reldir%/fdt-overlay.c \
	%reldir%/partial-check.c
