# lib/config*: domain descriptions in xl.cfg syntax (parser, key appliers).
lib_libdtgen_core_la_SOURCES += \
	%reldir%/config-internal.h \
	%reldir%/config-parse.c
lib_libdtgen_core_la_SOURCES += %reldir%/config-apply.c
