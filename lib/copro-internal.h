/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/copro-internal.h - shared coprocessor instances inside a
 * dtg_domain (lib/copro-*.c).  Not installed.
 */
#ifndef DTG_COPRO_INTERNAL_H
#define DTG_COPRO_INTERNAL_H

#include <xendtgen/copro.h>

#include "domain-internal.h"

/* The dedicated top-level node of the hypervisor-side description. */
#define DTG_COPRO_DESC_NODE "xen-coprocessors"
#define DTG_COPRO_DESC_COMPAT "xen,coprocessor-instance"
#define DTG_COPRO_MARK_PROP "xen,shared-coprocessor"
#define DTG_COPRO_CMDLINE_KEY "xen-coprocessors="

/* One instance: the description, then finalize's decisions. */
struct dtg_copro_inst {
	/* description (ctx memory) */
	char *host_path;
	int host_offset;
	char **rsel;                 /* selected ranges (names/indices) */
	size_t nrsel;
	char **isel;                 /* selected IRQs */
	size_t nisel;
	bool no_irqs;
	enum dtg_placement *place;   /* per selected range */
	uint64_t *place_addr;
	size_t nplace;
	enum dtg_placement place_default;
	uint64_t place_default_addr;
	uint32_t *virq;              /* per selected IRQ, 0 = allocate */
	size_t nvirq;
	enum dtg_copro_mode mode;
	struct dtg_pt_clock_rate *rate;   /* clock-rate= (dtg_clock_rate_set) */
	size_t nrate;

	/* decisions (arena memory, valid once finalized) */
	struct dtg_copro_info info;
	struct dtg_gnode *gnode;     /* index into d->gnode */
	size_t gnode_ix;
};

struct dtg_copro_state {
	size_t n, cap;
	struct dtg_copro_inst *inst;
};

struct dtg_fin;
/* Finalize step, after the passthrough guest nodes (copro-finalize.c). */
int dtg_finalize_copro(struct dtg_fin *f);

/* Render the /xen-coprocessors node of d at the current SW position. */
int dtg_copro_desc_render(const struct dtg_domain *d, void *fdt);

/* The xl.cfg `coprocessors` key (copro-config.c). */
struct dtg_cfg_entry;
int dtg_copro_apply_cfg(dtg_domain *d, const char *name,
			const struct dtg_cfg_entry *e);
struct dtg_buf;
void dtg_copro_xlcfg(const struct dtg_domain *d, struct dtg_buf *b);

/*
 * Put each mark's `xen,shared-coprocessor` into an open, writable FDT whose
 * paths are the host's; returns 0 or a libfdt error.
 */
int dtg_copro_write_marks(void *fdt, const struct dtg_copro_marks *m);

#endif /* DTG_COPRO_INTERNAL_H */
