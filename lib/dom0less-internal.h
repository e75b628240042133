/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/dom0less-internal.h - the dom0less builder's layout.  Not installed. */
#ifndef DTG_DOM0LESS_INTERNAL_H
#define DTG_DOM0LESS_INTERNAL_H

#include <xendtgen/copro.h>
#include <xendtgen/dom0less.h>

#include "internal.h"

/* A [base, base + size) region of host physical memory. */
struct dtg_region {
	uint64_t base, size;
	const char *what;     /* "/reserved-memory/foo", "/memreserve/ 0", ... */
};

struct dtg_dom0less_gstate {
	struct dtg_dom0less_guest g;
	char *name;
	void *partial;        /* NULL when the guest passes nothing through */
	size_t partial_size;
	char *partial_name;   /* for messages: the file, or "guest 'N' device_tree" */
	bool user_partial;    /* partial is the user's, not generated */
	bool iommu;           /* some device is IOMMU-protected */
};

struct dtg_dom0less {
	dtg_ctx *ctx;
	const dtg_host *host;
	char *xen_bootargs;
	uint64_t load_base;   /* 0 = default */
	bool finalized;

	size_t nguest, capguest;
	struct dtg_dom0less_gstate *guest;

	/* decisions */
	size_t nbank, nreserved;
	struct dtg_region *bank;      /* host RAM, sorted */
	struct dtg_region *reserved;  /* sorted */
	size_t nmodule;
	struct dtg_dom0less_module *module;
	uint64_t xen_addr, dtb_addr;  /* where boot.cmd loads Xen and the DTB */
	void *host_dtb;
	size_t host_dtb_size;
	struct dtg_copro_marks marks; /* shared coprocessors to mark */
};

/* Read /memory banks and reserved regions of the host (dom0less-place.c). */
int dtg_dom0less_read_memory(struct dtg_dom0less *b);
/* Choose every module's load address (dom0less-place.c). */
int dtg_dom0less_place_modules(struct dtg_dom0less *b);
/* Write the edited host DTB into b->host_dtb (dom0less-host.c). */
int dtg_dom0less_edit_host(struct dtg_dom0less *b);

#endif
