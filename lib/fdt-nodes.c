/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/fdt-nodes.c - the guest nodes (generated clocks, then devices, no
 * xen,* property) written into a caller's in-progress sequential-write
 * tree, for libxl's own guest DT builder.  libxl restarts its whole tree
 * when its buffer grows (-FDT_ERR_NOSPACE); this writer only reads the
 * finalized domain, so the rerun writes the same bytes.
 */
#include <libfdt.h>

#include "fdt-internal.h"

int dtg_fdt_write_nodes(const dtg_domain *d, void *sw_fdt)
{
	int r;

	if (!d || !sw_fdt)
		return -DTG_EINVAL;
	r = dtg_domain_require_final(d, "guest nodes");
	if (r)
		return r;
	for (size_t i = 0; i < d->ngnode; i++) {
		r = dtg_fdt_render_gnode(sw_fdt, &d->gnode[i], NULL, NULL);
		/* out of room is the caller's normal grow-and-retry case:
		 * no error message for it */
		if (r == -FDT_ERR_NOSPACE)
			return -DTG_ENOSPACE;
		if (r)
			return dtg_fdt_error(d, "guest nodes", r);
	}
	return 0;
}
