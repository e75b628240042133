/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/plan-exec.c - run a domain's domctl plan through callbacks that
 * mirror libxenctrl, so libxl (or a test) passes thin wrappers around
 * xc_domain_iomem_permission() and friends.  Stops at the first failure.
 */
#include <xendtgen/viommu.h>

#include "plan-internal.h"

struct exec {
	const dtg_domain *d;
	uint32_t domid;
	const struct dtg_xc_ops *xc;
	void *opaque;
	size_t failed;
	struct dtg_op failed_op;
	int rc;                 /* the failing callback's return value */
	uint32_t *vsid;         /* vSIDs Xen returned (nvsid entries) */
	size_t nvsid, kvsid;
};

/* The vSMMUv3 part: its callback, and room for what Xen returns. */
static int dtg_require_final_vsids(const dtg_domain *d,
				   const struct dtg_xc_ops *ops,
				   const uint32_t *vsid, size_t nvsid)
{
	size_t n;
	int err = dtg_domain_require_final(d, "dtg_plan_execute");

	if (err)
		return err;
	n = dtg_domain_vid_count(d);
	if (n && !ops->viommu_alloc_vsid_range)
		return dtg_error(d->ctx, DTG_EINVAL,
				 "dtg_plan_execute: the plan allocates %zu vSIDs (vSMMUv3 series): viommu_alloc_vsid_range is required",
				 n);
	if (vsid && nvsid != n)
		return dtg_error(d->ctx, DTG_EINVAL,
				 "dtg_plan_execute_vsids: room for %zu vSIDs, the plan allocates %zu",
				 nvsid, n);
	return 0;
}

static int exec_op(void *opaque, size_t index, const struct dtg_op *op)
{
	struct exec *e = opaque;
	const struct dtg_xc_ops *xc = e->xc;
	int rc;

	switch (op->kind) {
	case DTG_OP_IOMEM_PERMISSION:
		rc = xc->iomem_permission(e->opaque, e->domid,
					  op->u.iomem.first_mfn,
					  op->u.iomem.nr_mfns,
					  op->u.iomem.allow ? 1 : 0);
		break;
	case DTG_OP_MEMORY_MAPPING:
		rc = xc->memory_mapping(e->opaque, e->domid,
					op->u.mapping.first_gfn,
					op->u.mapping.first_mfn,
					op->u.mapping.nr_mfns,
					op->u.mapping.add ? 1 : 0);
		break;
	case DTG_OP_IRQ_PERMISSION:
		rc = xc->irq_permission(e->opaque, e->domid, op->u.irq.pirq,
					op->u.irq.allow);
		break;
	case DTG_OP_BIND_PT_IRQ:
		rc = xc->bind_pt_spi_irq(e->opaque, e->domid,
					 op->u.bind.machine_irq, op->u.bind.spi);
		break;
	case DTG_OP_ASSIGN_DEVICE:
		rc = xc->assign_dt_device(e->opaque, e->domid,
					  op->u.assign.path);
		break;
	case DTG_OP_VIOMMU_ALLOC_VSID_RANGE: {
		uint32_t first = 0;

		rc = xc->viommu_alloc_vsid_range(e->opaque, e->domid,
						 op->u.vsid.nr_sids,
						 op->u.vsid.first_psid, &first);
		if (rc >= 0 && e->vsid && e->kvsid < e->nvsid)
			e->vsid[e->kvsid] = first;
		e->kvsid++;
		break;
	}
	default:
		rc = -1;
		break;
	}
	if (rc < 0) {
		e->failed = index;
		e->failed_op = *op;
		e->rc = rc;
		return -DTG_ECALLBACK;
	}
	return 0;
}

int dtg_plan_execute(const dtg_domain *d, uint32_t domid,
		     const struct dtg_xc_ops *ops, void *opaque,
		     size_t *failed)
{
	return dtg_plan_execute_vsids(d, domid, ops, opaque, failed, NULL, 0);
}

int dtg_plan_execute_vsids(const dtg_domain *d, uint32_t domid,
			   const struct dtg_xc_ops *ops, void *opaque,
			   size_t *failed, uint32_t *vsid, size_t nvsid)
{
	struct exec e;
	int err;

	if (!d)
		return -DTG_EINVAL;
	memset(&e, 0, sizeof(e));
	e.d = d;
	e.domid = domid;
	e.xc = ops;
	e.opaque = opaque;
	e.vsid = vsid;
	e.nvsid = nvsid;
	if (!ops || !ops->iomem_permission || !ops->memory_mapping ||
	    !ops->irq_permission || !ops->bind_pt_spi_irq ||
	    !ops->assign_dt_device)
		return dtg_error(d->ctx, DTG_EINVAL,
				 "dtg_plan_execute: every callback of struct dtg_xc_ops is required");
	err = dtg_require_final_vsids(d, ops, vsid, nvsid);
	if (err)
		return err;
	err = dtg_plan_walk(d, "dtg_plan_execute", exec_op, &e, NULL);
	if (err == -DTG_ECALLBACK) {
		if (failed)
			*failed = e.failed;
		return dtg_error(d->ctx, DTG_ECALLBACK,
				 "domain %u: %s: op %zu (%s) failed: %d",
				 (unsigned)domid,
				 dtg_plan_op_device(d, &e.failed_op), e.failed,
				 dtg_op_name(e.failed_op.kind), e.rc);
	}
	return err;
}
