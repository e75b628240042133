# lib/dom0less*: the dom0less boot builder (edited host DTB, module placement).
lib_libdtgen_core_la_SOURCES += \
	%reldir%/dom0less-internal.h \
	%reldir%/dom0less.c \
	%reldir%/dom0less-place.c \
	%reldir%/dom0less-host.c \
	%reldir%/dom0less-text.c \
	%reldir%/dom0less-system.c \
	%reldir%/dom0less-config.c
xendtgeninclude_HEADERS += include/xendtgen/dom0less.h
