/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/libxl-ref-shim.h - the little of libxl_internal.h and Xen's
 * public headers that libxl's virtio-mmio functions use, so that they
 * compile unchanged.  Values from xen/include/public/arch-arm.h (the
 * same in 4.17 and 4.22), xen/include/public/device_tree_defs.h and
 * tools/libs/light/libxl_internal.h.
 */
#ifndef TESTS_LIBXL_REF_SHIM_H
#define TESTS_LIBXL_REF_SHIM_H

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

#include <libfdt.h>

#define xen_mk_ullong(x) x##ULL
#define GUEST_VIRTIO_MMIO_BASE   xen_mk_ullong(0x02000000)
#define GUEST_VIRTIO_MMIO_SIZE   xen_mk_ullong(0x00100000)
#define GUEST_VIRTIO_MMIO_SPI_FIRST   33
#define GUEST_VIRTIO_MMIO_SPI_LAST    43
#define GUEST_ROOT_ADDRESS_CELLS 2
#define GUEST_ROOT_SIZE_CELLS 2
#define GUEST_PHANDLE_GIC (65000)
#define GUEST_PHANDLE_IOMMU (GUEST_PHANDLE_GIC + 1)
#define DT_IRQ_TYPE_EDGE_RISING 0x00000001
#define LIBXL_TOOLSTACK_DOMID 0
#define ERROR_FAIL -3
#define VIRTIO_DEVICE_TYPE_GENERIC   "virtio,device"
#define VIRTIO_DEVICE_TYPE_I2C       "virtio,device22"
#define VIRTIO_DEVICE_TYPE_GPIO      "virtio,device29"

/* A garbage collector that frees at the end of a driver. */
typedef struct {
	void *ptr[64];
	int n;
} libxl__gc;

static inline void *libxl__zalloc(libxl__gc *gc, size_t size)
{
	void *p = calloc(1, size ? size : 1);

	if (!p || gc->n == 64)
		abort();
	return gc->ptr[gc->n++] = p;
}

static inline char *libxl__sprintf(libxl__gc *gc, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	char *p;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	p = libxl__zalloc(gc, strlen(tmp) + 1);
	return strcpy(p, tmp);
}

static inline void libxl__gc_free(libxl__gc *gc)
{
	while (gc->n)
		free(gc->ptr[--gc->n]);
}

#define GCSPRINTF(fmt, ...) libxl__sprintf(gc, fmt, __VA_ARGS__)
/* libxl's errors to stderr, as xl shows them; DEBUG is dropped. */
#define LOG_ERROR(...) (fprintf(stderr, "libxl: error: " __VA_ARGS__), fputc('\n', stderr))
#define LOG_DEBUG(...) ((void)0)
#define LOG(level, ...) ((void)gc, LOG_##level(__VA_ARGS__))

#endif
