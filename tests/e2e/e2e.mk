# tests/e2e: rules for this area.
# The end-to-end boot of real Xen 4.17 under QEMU (./configure --enable-e2e):
# fetches Debian arm64 packages into ${DTGEN_E2E_CACHE:-~/.cache/dtgen-e2e},
# needs qemu-system-aarch64 (Debian: qemu-system-arm), dtc, fdtget, fdtput.
if E2E
TESTS += tests/e2e/dom0less.sh tests/e2e/negative.sh
TESTS += tests/e2e/hybrid.sh
TESTS += tests/e2e/xl.sh
endif
EXTRA_DIST += \
	tests/e2e/README \
	tests/e2e/boot.sh \
	tests/e2e/machine.sh \
	tests/e2e/common.sh \
	tests/e2e/compare_guest_dt.py \
	tests/e2e/cross-build.sh \
	tests/e2e/dom0less.sh \
	tests/e2e/fdt.py \
	tests/e2e/fetch.sh \
	tests/e2e/hybrid.sh \
	tests/e2e/mkinitramfs.py \
	tests/e2e/negative.sh \
	tests/e2e/xl.sh \
	tests/e2e/xl-dom0-init.sh \
	tests/e2e/mkdom0initramfs.py
clean-local: clean-local-e2e
clean-local-e2e:
	-rm -rf tests/e2e/work
.PHONY: clean-local-e2e
