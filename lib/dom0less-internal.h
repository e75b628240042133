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
	enum dtg_xen_enhanced enhanced;
	char *cpupool;        /* pool name, or NULL */
};

/* A shared memory region as one domain maps it (dom0less-system.c). */
struct dtg_shm_ref {
	size_t dom;           /* guest index or DTG_DOM0LESS_DOM0 */
	char *id;
	bool has_host;
	uint64_t host, guest, size;
	enum dtg_shm_role role;   /* as written (borrowers made explicit) */
};

/* One end of a static event channel; peer resolved at finalize. */
struct dtg_evtchn_end {
	size_t dom;
	uint32_t port;
	char *peer_name;      /* as given; NULL for an end made here */
	size_t peer_dom;
	uint32_t peer_port;
	size_t peer;          /* index of the other end in b->evtchn */
	uint32_t phandle;     /* decided when the host DTB is written */
};

struct dtg_cpupool_def {
	char *name;
	char **cpus;          /* host paths of the CPU nodes */
	size_t ncpus;
	char *sched;
	uint32_t phandle;
};

struct dtg_dom0_state {
	bool present;
	char *kernel, *ramdisk, *cmdline;
	uint64_t kernel_size, ramdisk_size, memory_mib;
	unsigned vcpus;
};

struct dtg_dom0less {
	dtg_ctx *ctx;
	const dtg_host *host;
	char *xen_bootargs;
	uint64_t load_base;   /* 0 = default */
	bool finalized;
	bool failed;          /* a finalize failed half-way: no retry */

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

	unsigned xen_release;         /* DTG_XEN_RELEASE(), never 0 */
	struct dtg_dom0_state dom0;
	size_t nshm, capshm;
	struct dtg_shm_ref *shm;
	size_t nevtchn, capevtchn;
	struct dtg_evtchn_end *evtchn;
	size_t npool, cappool;
	struct dtg_cpupool_def *pool;
	char *final_bootargs;         /* xen,xen-bootargs as written */
};

/* Free the system-wide descriptions (dom0less-system.c). */
void dtg_dom0less_system_free(struct dtg_dom0less *b);
/*
 * Check dom0, xen,enhanced, shared memory, event channels, cpupools and
 * LLC colors against Xen's rules; pair event channel ends and build
 * final_bootargs (dom0less-system.c).
 */
int dtg_dom0less_check_system(struct dtg_dom0less *b, const char *args);
/* Xen's command line when the caller gives none: the console
 * (dom0less-host.c). */
void dtg_dom0less_default_bootargs(const struct dtg_dom0less *b, char *buf,
				   size_t size);
/* Name of a domain for messages: the guest's name or "dom0". */
const char *dtg_dom0less_dom_name(const struct dtg_dom0less *b, size_t dom);


/* Read /memory banks and reserved regions of the host (dom0less-place.c). */
int dtg_dom0less_read_memory(struct dtg_dom0less *b);
/* Choose every module's load address (dom0less-place.c). */
int dtg_dom0less_place_modules(struct dtg_dom0less *b);
/* The host's /chosen can take the new nodes (dom0less-host.c); checked
 * first, before anything is decided. */
int dtg_dom0less_check_chosen(const struct dtg_dom0less *b);
/* Write the edited host DTB into b->host_dtb (dom0less-host.c). */
int dtg_dom0less_edit_host(struct dtg_dom0less *b);

#endif
