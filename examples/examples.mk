# examples/: the README's inputs
EXTRA_DIST += examples/README.md examples/rtc.cfg examples/qemu-virt-gicv3.dtb \
	examples/run
