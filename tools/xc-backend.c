/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tools/xc-backend.c - the domctl plan through libxenctrl (Xen 4.17's
 * tools/libs/ctrl/xc_domain.c): each callback is one xc_* call, as libxl's
 * libxl__arch_domain_create/libxl_create.c make them for iomem, irqs and
 * dtdev.  A failure records the call and errno and returns -errno.
 */
#include <config.h>

#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <xenctrl.h>

#include "xc-backend.h"

/* The libxenctrl functions used, resolved from the dlopen handle. */
#define XC_FNS(X) \
	X(xc_interface_open) X(xc_interface_close) \
	X(xc_domain_iomem_permission) X(xc_domain_memory_mapping) \
	X(xc_domain_irq_permission) X(xc_domain_bind_pt_spi_irq) \
	X(xc_domain_unbind_pt_spi_irq) X(xc_assign_dt_device) \
	X(xc_deassign_dt_device)

struct xc_fns {
#define XC_FN_MEMBER(f) __typeof__(f) *f;
	XC_FNS(XC_FN_MEMBER)
#undef XC_FN_MEMBER
};

/* Trace the call; on failure remember it and Xen's errno. */
static int done(struct xc_backend *b, const char *call, int rc,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int done(struct xc_backend *b, const char *call, int rc,
		const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	if (b->trace) {
		fprintf(b->trace, "%s(", call);
		va_start(ap, fmt);
		vfprintf(b->trace, fmt, ap);
		va_end(ap);
		if (rc < 0)
			fprintf(b->trace, ") = -1 %s\n", strerror(err ? err : EIO));
		else
			fprintf(b->trace, ") = 0\n");
		fflush(b->trace);
	}
	if (rc >= 0)
		return 0;
	err = err ? err : EIO;
	/* the first failure is the cause; a failed undo after it is not */
	if (!b->failed_call) {
		b->failed_call = call;
		b->failed_errno = err;
	}
	return -err;
}

static int be_iomem(void *o, uint32_t domid, uint64_t first_mfn,
		    uint64_t nr_mfns, uint8_t allow)
{
	struct xc_backend *b = o;

	errno = 0;
	return done(b, "xc_domain_iomem_permission",
		    b->fn->xc_domain_iomem_permission(b->xch, domid, first_mfn,
					       nr_mfns, allow),
		    "%" PRIu32 ", 0x%" PRIx64 ", 0x%" PRIx64 ", %u",
		    domid, first_mfn, nr_mfns, allow);
}

static int be_map(void *o, uint32_t domid, uint64_t gfn, uint64_t mfn,
		  uint64_t nr, uint32_t add)
{
	struct xc_backend *b = o;

	/* On a failed add, libxenctrl itself removes the whole range. */
	errno = 0;
	return done(b, "xc_domain_memory_mapping",
		    b->fn->xc_domain_memory_mapping(b->xch, domid, gfn, mfn, nr,
					     add ? DPCI_ADD_MAPPING
						 : DPCI_REMOVE_MAPPING),
		    "%" PRIu32 ", 0x%" PRIx64 ", 0x%" PRIx64 ", 0x%" PRIx64 ", %s",
		    domid, gfn, mfn, nr, add ? "ADD" : "REMOVE");
}

static int be_irq(void *o, uint32_t domid, uint32_t pirq, bool allow)
{
	struct xc_backend *b = o;

	errno = 0;
	return done(b, "xc_domain_irq_permission",
		    b->fn->xc_domain_irq_permission(b->xch, domid, pirq, allow),
		    "%" PRIu32 ", %" PRIu32 ", %d", domid, pirq, allow);
}

/* (vspi, spi): the guest's SPI, then the host's, as libxenctrl takes them. */
static int be_bind(void *o, uint32_t domid, uint32_t vspi, uint16_t spi)
{
	struct xc_backend *b = o;

	errno = 0;
	return done(b, "xc_domain_bind_pt_spi_irq",
		    b->fn->xc_domain_bind_pt_spi_irq(b->xch, domid, (uint16_t)vspi, spi),
		    "%" PRIu32 ", %" PRIu32 ", %u", domid, vspi, spi);
}

static int be_unbind(void *o, uint32_t domid, uint32_t vspi, uint16_t spi)
{
	struct xc_backend *b = o;

	errno = 0;
	return done(b, "xc_domain_unbind_pt_spi_irq",
		    b->fn->xc_domain_unbind_pt_spi_irq(b->xch, domid, (uint16_t)vspi, spi),
		    "%" PRIu32 ", %" PRIu32 ", %u", domid, vspi, spi);
}

/* xc_*_dt_device take char *: they only copy the path to a bounce buffer. */
static int be_assign(void *o, uint32_t domid, const char *path)
{
	struct xc_backend *b = o;

	errno = 0;
	return done(b, "xc_assign_dt_device",
		    b->fn->xc_assign_dt_device(b->xch, domid, (char *)path),
		    "%" PRIu32 ", \"%s\"", domid, path);
}

static int be_deassign(void *o, uint32_t domid, const char *path)
{
	struct xc_backend *b = o;

	errno = 0;
	return done(b, "xc_deassign_dt_device",
		    b->fn->xc_deassign_dt_device(b->xch, domid, (char *)path),
		    "%" PRIu32 ", \"%s\"", domid, path);
}

const struct dtg_xc_ops xc_backend_ops = {
	.iomem_permission = be_iomem,
	.memory_mapping = be_map,
	.irq_permission = be_irq,
	.bind_pt_spi_irq = be_bind,
	.assign_dt_device = be_assign,
	.deassign_dt_device = be_deassign,
	.unbind_pt_spi_irq = be_unbind,
};

int xc_backend_open(struct xc_backend *b, FILE *trace)
{
	void *sym;

	memset(b, 0, sizeof(*b));
	b->trace = trace;
	b->lib = dlopen(XENCTRL_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!b->lib) {
		snprintf(b->load_error, sizeof(b->load_error), "%s", dlerror());
		errno = ENOENT;
		return -1;
	}
	b->fn = calloc(1, sizeof(*b->fn));
	if (!b->fn) {
		xc_backend_close(b);
		errno = ENOMEM;
		return -1;
	}
	/* POSIX: a dlsym result's bytes are the function pointer's */
#define XC_FN_LOAD(f) \
	if (!(sym = dlsym(b->lib, #f))) { \
		snprintf(b->load_error, sizeof(b->load_error), "%s", dlerror()); \
		xc_backend_close(b); \
		errno = ENOSYS; \
		return -1; \
	} \
	memcpy(&b->fn->f, &sym, sizeof(sym));
	XC_FNS(XC_FN_LOAD)
#undef XC_FN_LOAD
	b->xch = b->fn->xc_interface_open(NULL, NULL, 0);
	if (!b->xch) {
		xc_backend_close(b);  /* keeps errno */
		return -1;
	}
	return 0;
}

void xc_backend_close(struct xc_backend *b)
{
	int err = errno;

	if (b->xch)
		b->fn->xc_interface_close(b->xch);
	b->xch = NULL;
	free(b->fn);
	b->fn = NULL;
	if (b->lib)
		dlclose(b->lib);
	b->lib = NULL;
	errno = err;
}
