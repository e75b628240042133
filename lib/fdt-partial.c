/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/fdt-partial.c - the Xen partial device tree (xl.cfg device_tree=,
 * dom0less multiboot,device-tree): /passthrough holding the guest nodes,
 * each device node carrying what Xen consumes:
 *   xen,reg   <map_host map_size map_guest> per range, 2+2+2 cells
 *             (the /passthrough cells), page-aligned (Xen refuses
 *             anything else); empty for an interrupt-only device;
 *   xen,path  the host node, always: Xen routes the device's IRQs and
 *             finds its IOMMU from it (without it no IRQ is routed);
 *   xen,force-assign-without-iommu  when the device is not protected
 *             (!pt->iommu, which includes an IOMMU the host DT disables:
 *             finalize.c decide_iommu()), else Xen's assign step fails.
 * With a vSMMUv3 (proposed series), a master's `iommus` is <0 pSID> per
 * entry: libxl's viommu_get_stream and Xen's dom0less modify_pfdt_node
 * read the second cell as the physical stream ID, allocate the vSID
 * themselves and write <65002 vSID> into the guest's copy.  Neither needs
 * the vSMMUv3 node in the partial DT (libxl's and Xen's make_vsmmuv3_node
 * make it), so it is left out.
 */
#include <libfdt.h>

#include "fdt-internal.h"
#include "copro-internal.h"
#include "viommu-internal.h"

struct partial_state {
	const dtg_domain *d;
	const struct dtg_pt **owner;  /* per d->gnode[]: its device, or NULL */
};

static int put_xen_props(void *fdt, const struct dtg_gnode *n, void *opaque)
{
	const struct partial_state *st = opaque;
	const struct dtg_pt *pt = st->owner[n - st->d->gnode];
	void *val;
	int r;

	if (!pt)
		return 0;   /* a generated clock: no xen,* */
	/*
	 * Always a xen,reg, empty for an interrupt-only device
	 * (finalize-bus.c): handle_prop_pfdt() refuses xen,path alone.
	 */
	if (!pt->nrange) {
		r = fdt_property(fdt, "xen,reg", NULL, 0);
		if (r)
			return r;
	} else {
		uint32_t *c;

		r = fdt_property_placeholder(fdt, "xen,reg",
					     (int)(pt->nrange * 6 * 4), &val);
		if (r)
			return r;
		c = val;
		for (size_t i = 0; i < pt->nrange; i++) {
			c = dtg_fdt_put_cells(c, 2, pt->range[i].map_host);
			c = dtg_fdt_put_cells(c, 2, pt->range[i].map_size);
			c = dtg_fdt_put_cells(c, 2, pt->range[i].map_guest);
		}
	}
	r = fdt_property_string(fdt, "xen,path", pt->host_path);
	if (!r && !pt->iommu)   /* not protected: finalize.c decide_iommu() */
		r = fdt_property(fdt, "xen,force-assign-without-iommu", NULL, 0);
	return r;
}

static int partial_tree(const dtg_domain *d, void *buf, int size,
			void *opaque)
{
	int r = fdt_create(buf, size);

	if (!r) r = fdt_finish_reservemap(buf);
	if (!r) r = fdt_begin_node(buf, "");
	if (!r) r = fdt_property_u32(buf, "#address-cells", 2);
	if (!r) r = fdt_property_u32(buf, "#size-cells", 2);
	if (!r) r = dtg_fdt_passthrough_node(d, buf, put_xen_props, opaque);
	if (!r) r = dtg_fdt_aliases_node(d, buf);
	if (!r) r = dtg_copro_desc_render(d, buf);  /* /xen-coprocessors */
	if (!r) r = fdt_end_node(buf);   /* / */
	if (!r) r = fdt_finish(buf);
	return r;
}

/* Which device owns each top-level gnode (clocks own none). */
static int partial_state_init(const dtg_domain *d, struct partial_state *st)
{
	st->d = d;
	st->owner = NULL;
	if (!d || !d->ngnode)
		return 0;
	st->owner = dtg_zalloc(d->ctx, d->ngnode * sizeof(*st->owner));
	if (!st->owner)
		return dtg_error(d->ctx, DTG_ENOMEM, "partial DT: out of memory");
	for (size_t i = 0; i < d->npt; i++) {
		const struct dtg_gnode *g = d->pt[i].gnode;

		if (g && g >= d->gnode && g < d->gnode + d->ngnode)
			st->owner[g - d->gnode] = &d->pt[i];
	}
	return 0;
}

int dtg_fdt_partial(const dtg_domain *d, void *buf, size_t size,
		    size_t *needed)
{
	struct partial_state st;
	int r;

	if (!d)
		return -DTG_EINVAL;
	r = dtg_domain_require_final(d, "partial DT");
	if (r)
		return r;
	r = partial_state_init(d, &st);
	if (r)
		return r;
	r = dtg_fdt_emit(d, partial_tree, &st, "partial DT", buf, size,
			 needed);
	dtg_free(d->ctx, st.owner);
	if (!r)
		r = dtg_viommu_put_iommus(d, buf, "/passthrough", NULL, 0);
	return r;
}

int dtg_fdt_partial_alloc(const dtg_domain *d, void **out, size_t *size)
{
	struct partial_state st;
	int r;

	if (!d)
		return -DTG_EINVAL;
	r = dtg_domain_require_final(d, "partial DT");
	if (r)
		return r;
	r = partial_state_init(d, &st);
	if (r)
		return r;
	r = dtg_fdt_emit_alloc(d, partial_tree, &st, "partial DT", out, size);
	dtg_free(d->ctx, st.owner);
	if (!r) {
		r = dtg_viommu_put_iommus(d, *out, "/passthrough", NULL, 0);
		if (r) {
			dtg_free(d->ctx, *out);
			*out = NULL;
		}
	}
	return r;
}
