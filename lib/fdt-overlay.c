/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/fdt-overlay.c - the domain's guest nodes as a DT overlay, for guest
 * DTs built elsewhere (a Zephyr board file, a Yocto recipe): one fragment
 * adds /passthrough with the clocks and devices, and __local_fixups__
 * lists every cell that holds one of the library's phandles, so that
 * fdtoverlay (libfdt's fdt_overlay_apply) renumbers them clear of the
 * base tree's.  References to Xen's fixed phandles (the GIC's 65000, the
 * IOMMUs' 65001/65002) stay as they are: the base tree defines them.
 */
#include <libfdt.h>

#include "fdt-internal.h"

static bool has_fixups(const struct dtg_gnode *n)
{
	for (size_t i = 0; i < n->nprop; i++)
		if (n->prop[i].nlocal_ph)
			return true;
	for (size_t i = 0; i < n->nchild; i++)
		if (has_fixups(&n->child[i]))
			return true;
	return false;
}

/* n's mirror under __local_fixups__: byte offsets of its local phandles. */
static int fixups_node(void *fdt, const struct dtg_gnode *n)
{
	int r;

	if (!has_fixups(n))
		return 0;
	r = fdt_begin_node(fdt, n->name);
	for (size_t i = 0; !r && i < n->nprop; i++) {
		const struct dtg_gprop *p = &n->prop[i];
		void *v;

		if (!p->nlocal_ph)
			continue;
		r = fdt_property_placeholder(fdt, p->name,
					     (int)(4 * p->nlocal_ph), &v);
		for (uint32_t k = 0; !r && k < p->nlocal_ph; k++) {
			fdt32_t off = cpu_to_fdt32(4 * p->local_ph[k]);

			memcpy((char *)v + 4 * k, &off, 4);
		}
	}
	for (size_t i = 0; !r && i < n->nchild; i++)
		r = fixups_node(fdt, &n->child[i]);
	return r ? r : fdt_end_node(fdt);
}

static int overlay_tree(const dtg_domain *d, void *buf, int size, void *opaque)
{
	bool fixups = false;
	int r = fdt_create(buf, size);

	(void)opaque;
	for (size_t i = 0; i < d->ngnode; i++)
		fixups = fixups || has_fixups(&d->gnode[i]);
	if (!r) r = fdt_finish_reservemap(buf);
	if (!r) r = fdt_begin_node(buf, "");
	if (!r) r = fdt_begin_node(buf, "fragment@0");
	if (!r) r = fdt_property_string(buf, "target-path", "/");
	if (!r) r = fdt_begin_node(buf, "__overlay__");
	if (!r) r = dtg_fdt_passthrough_node(d, buf, NULL, NULL);
	if (!r) r = fdt_end_node(buf);   /* __overlay__ */
	if (!r) r = fdt_end_node(buf);   /* fragment@0 */
	if (!r && fixups) {
		r = fdt_begin_node(buf, "__local_fixups__");
		if (!r) r = fdt_begin_node(buf, "fragment@0");
		if (!r) r = fdt_begin_node(buf, "__overlay__");
		if (!r) r = fdt_begin_node(buf, "passthrough");
		for (size_t i = 0; !r && i < d->ngnode; i++)
			r = fixups_node(buf, &d->gnode[i]);
		for (int k = 0; !r && k < 4; k++)
			r = fdt_end_node(buf);
	}
	if (!r) r = fdt_end_node(buf);   /* / */
	if (!r) r = fdt_finish(buf);
	return r;
}

int dtg_fdt_overlay(const dtg_domain *d, void *buf, size_t size,
		    size_t *needed)
{
	int r;

	if (!d)
		return -DTG_EINVAL;
	r = dtg_domain_require_final(d, "overlay");
	return r ? r : dtg_fdt_emit(d, overlay_tree, NULL, "overlay", buf,
				    size, needed);
}

int dtg_fdt_overlay_alloc(const dtg_domain *d, void **out, size_t *size)
{
	int r;

	if (!d)
		return -DTG_EINVAL;
	r = dtg_domain_require_final(d, "overlay");
	return r ? r : dtg_fdt_emit_alloc(d, overlay_tree, NULL, "overlay",
					  out, size);
}
