# lib/host*: the host device-tree model (see lib/host-internal.h)
lib_libdtgen_core_la_SOURCES += \
	%reldir%/host-internal.h \
	%reldir%/blob-check.h \
	%reldir%/blob-check.c \
	%reldir%/host-load.c \
	%reldir%/host-reg.c \
	%reldir%/host-irq.c \
	%reldir%/host-iommu.c \
	%reldir%/host-deps.c \
	%reldir%/host-device.c \
	%reldir%/host-inspect.c
