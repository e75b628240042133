# lib/viommu-*, lib/virtio-mmio.c: virtual IOMMUs, vMasterID binding,
# partial-DT completion, proposed-ABI profiles, grant-DMA virtio.
lib_libdtgen_core_la_SOURCES += \
	%reldir%/viommu-model.c \
	%reldir%/viommu-internal.h \
	%reldir%/viommu-bind.c \
	%reldir%/viommu-abi.c \
	%reldir%/viommu-complete.c \
	%reldir%/viommu-domain.c \
	%reldir%/viommu-fdt.c \
	%reldir%/virtio-mmio.c \
	%reldir%/viommu-config.c
xendtgeninclude_HEADERS += include/xendtgen/viommu.h
