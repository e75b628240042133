/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/viommu-fdt.c - the guest's view of its vSMMUv3 masters with the
 * vSIDs Xen returned.  With the vSMMUv3 series Xen chooses each vSID
 * (XEN_DOMCTL_viommu_alloc_vsid_range); finalize predicts them as Xen's
 * vsmmuv3_allocate_free_vid does (first free from 0, one per `iommus`
 * entry in partial-DT order) and the plain emitters use that prediction.
 * A toolstack that ran the plan passes what Xen actually returned (from
 * dtg_plan_execute_vsids) to these: an input, so the emitters stay pure
 * functions of (domain, vSID table).  The tree is the plain emitter's,
 * each master's `iommus` then set in place (same length).
 */
#include <xendtgen/viommu.h>

#include "viommu-internal.h"
#include "domain-internal.h"

static int with_vsids(const dtg_domain *d, const char *bus,
		      const uint32_t *vsid, size_t nvsid, void **out,
		      size_t *size)
{
	int r = 0;

	if (vsid)
		r = dtg_viommu_put_iommus(d, *out, bus, vsid, nvsid);
	else if (nvsid || dtg_viommu_vsid_count(d))
		r = dtg_error(d->ctx, DTG_EINVAL,
			      "%s: vSIDs: none given, the guest's masters have %zu iommus entries",
			      d->name ? d->name : "domain", dtg_viommu_vsid_count(d));
	if (r) {
		dtg_free(d->ctx, *out);
		*out = NULL;
		if (size)
			*size = 0;
	}
	return r;
}

int dtg_fdt_guest_vsids_alloc(const dtg_domain *d,
			      enum dtg_guest_builder builder,
			      const uint32_t *vsid, size_t nvsid,
			      void **out, size_t *size)
{
	int r;

	if (!d || !out)
		return -DTG_EINVAL;
	r = dtg_fdt_guest_by_alloc(d, builder, out, size);
	return r ? r : with_vsids(d, "/passthrough", vsid, nvsid, out, size);
}

int dtg_fdt_overlay_vsids_alloc(const dtg_domain *d, const uint32_t *vsid,
				size_t nvsid, void **out, size_t *size)
{
	int r;

	if (!d || !out)
		return -DTG_EINVAL;
	r = dtg_fdt_overlay_alloc(d, out, size);
	return r ? r : with_vsids(d, "/fragment@0/__overlay__/passthrough",
				  vsid, nvsid, out, size);
}
