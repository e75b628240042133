# examples/: the README's inputs
EXTRA_DIST += examples/README.md examples/rtc.cfg examples/qemu-virt-gicv3.dtb \
	examples/run
# The example toolstack (libxenctrl): built against the installed library.
EXTRA_DIST += examples/toolstack.c examples/build-toolstack.sh
if HAVE_XENCTRL
if !SANITIZERS
if !FUZZING
TESTS += examples/build-toolstack.sh
endif
endif
endif
