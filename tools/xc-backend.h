/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tools/xc-backend.h - libdtgen's domctl plan run on Xen through
 * libxenctrl: struct dtg_xc_ops callbacks onto xc_domain_iomem_permission,
 * xc_domain_memory_mapping, xc_domain_irq_permission,
 * xc_domain_bind_pt_spi_irq, xc_assign_dt_device and their inverses.
 * Built only when configure finds libxenctrl; loaded at run time.
 */
#ifndef DTGEN_XC_BACKEND_H
#define DTGEN_XC_BACKEND_H

#include <stdbool.h>
#include <stdio.h>

#include <xendtgen/domctl.h>

struct xc_backend {
	void *lib;              /* dlopen handle of libxenctrl */
	struct xc_fns *fn;      /* its functions dtgen calls */
	char load_error[256];   /* dlerror() when it could not be loaded */
	void *xch;              /* xc_interface * */
	FILE *trace;            /* each call and its result, or NULL */
	const char *failed_call; /* the first libxenctrl call that failed */
	int failed_errno;        /* and Xen's errno */
};

/*
 * Load libxenctrl (dlopen of XENCTRL_SONAME: only `dtgen apply` pays for
 * mapping it and its libraries) and open it (needs privcmd: dom0, root).
 * 0, or -1 with errno set (and load_error if it could not be loaded).
 */
int xc_backend_open(struct xc_backend *b, FILE *trace);
void xc_backend_close(struct xc_backend *b);

/* The callbacks; opaque is the struct xc_backend. */
extern const struct dtg_xc_ops xc_backend_ops;

#endif /* DTGEN_XC_BACKEND_H */
