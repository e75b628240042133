# lib/domain*, lib/finalize*, lib/guest-map.c: the domain model and its
# finalize passes (placement, interrupts, clocks, guest nodes).
lib_libdtgen_core_la_SOURCES += \
	%reldir%/domain.c \
	%reldir%/finalize-internal.h \
	%reldir%/finalize.c \
	%reldir%/finalize-mmio.c \
	%reldir%/finalize-irq.c \
	%reldir%/finalize-clock.c \
	%reldir%/finalize-phandle.c \
	%reldir%/finalize-node.c \
	%reldir%/finalize-alias.c \
	%reldir%/finalize-bus.c \
	%reldir%/guest-map.c
