/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/fdt-internal.h - what the FDT emitters (fdt-*.c) share: rendering
 * finalize's gnode trees with libfdt's sequential-write API and turning a
 * sequential-write writer into a "caller's buffer + -DTG_ENOSPACE +
 * needed" function.  Not installed.
 */
#ifndef DTG_FDT_INTERNAL_H
#define DTG_FDT_INTERNAL_H

#include <xendtgen/fdt.h>

#include "domain-internal.h"

/* Extra per-node properties a writer may append (partial DT: xen,*). */
typedef int (*dtg_fdt_extra_fn)(void *fdt, const struct dtg_gnode *n,
				void *opaque);

/*
 * Render gnode n and its children at the current position of the
 * sequential-write tree fdt; extra (may be NULL) is called after n's own
 * properties and before its children, for top-level nodes only.
 * Returns 0 or a negative libfdt error.
 */
int dtg_fdt_render_gnode(void *fdt, const struct dtg_gnode *n,
			 dtg_fdt_extra_fn extra, void *opaque);

/*
 * The /passthrough bus (simple-bus, ranges, 2/2 cells) holding the
 * domain's guest nodes, each rendered with extra (may be NULL).
 */
int dtg_fdt_passthrough_node(const dtg_domain *d, void *fdt,
			     dtg_fdt_extra_fn extra, void *opaque);

/* /aliases for the guest nodes that have a host alias (none: nothing). */
int dtg_fdt_aliases_node(const dtg_domain *d, void *fdt);

/* A whole-tree writer: fdt_create .. fdt_finish into (buf, size). */
typedef int (*dtg_fdt_tree_fn)(const dtg_domain *d, void *buf, int size,
			       void *opaque);

/*
 * Run a tree writer into the caller's buffer.  When it does not fit,
 * render into a scratch buffer to learn the exact size and return
 * -DTG_ENOSPACE with *needed set.  what names the output in messages.
 */
int dtg_fdt_emit(const dtg_domain *d, dtg_fdt_tree_fn fn, void *opaque,
		 const char *what, void *buf, size_t size, size_t *needed);

/* Same, into a buffer allocated from d's context (free with dtg_free). */
int dtg_fdt_emit_alloc(const dtg_domain *d, dtg_fdt_tree_fn fn,
		       void *opaque, const char *what, void **out,
		       size_t *size);

/* Map a libfdt error to a DTG error with a message naming the output. */
int dtg_fdt_error(const dtg_domain *d, const char *what, int fdt_err);

/* Store v as n big-endian cells (n = 1 or 2) at p; returns p + n. */
static inline uint32_t *dtg_fdt_put_cells(uint32_t *p, int n, uint64_t v)
{
	for (int i = n - 1; i >= 0; i--) {
		uint32_t c = (uint32_t)v;
		uint8_t *b = (uint8_t *)&p[i];

		b[0] = (uint8_t)(c >> 24);
		b[1] = (uint8_t)(c >> 16);
		b[2] = (uint8_t)(c >> 8);
		b[3] = (uint8_t)c;
		v >>= 32;
	}
	return p + n;
}

#endif /* DTG_FDT_INTERNAL_H */
