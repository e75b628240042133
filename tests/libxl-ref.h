/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/libxl-ref.h - libxl's own virtio-mmio code (tests/libxl/ *.inc,
 * verbatim from Xen's tags) run as the reference libdtgen's guest nodes
 * are compared with.  Each driver follows, line for line, the loops of
 * that release's libxl__arch_domain_prepare_config (allocation) and
 * libxl__prepare_dtb (nodes), and the grant defaults of
 * libxl__device_disk_setdefault / libxl__device_virtio_setdefault.
 */
#ifndef TESTS_LIBXL_REF_H
#define TESTS_LIBXL_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ref_kind {
	REF_DISK_XEN,      /* disk = [ "...,specification=xen" ] (or none) */
	REF_DISK_VIRTIO,   /* disk = [ "...,specification=virtio" ] */
	REF_VIRTIO,        /* virtio = [ "...,transport=mmio" ] (4.18+) */
};

/* One device as xl hands it to libxl. */
struct ref_dev {
	enum ref_kind kind;
	uint32_t backend;
	const char *type;  /* REF_VIRTIO */
	int grant;         /* grant_usage: 0, 1, -1 = not given */
};

/*
 * A tree whose root holds what libxl 4.(minor) writes for the virtio
 * devices (and only that), into buf.  Returns 0, or libxl's failure
 * (< 0) where libxl fails the domain's creation.
 */
int libxl417_virtio_fdt(const struct ref_dev *devs, size_t n, void *buf,
			int size);
int libxl418_virtio_fdt(unsigned minor, const struct ref_dev *devs, size_t n,
			void *buf, int size);

#endif
