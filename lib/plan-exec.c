/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/plan-exec.c - run a domain's domctl plan through callbacks that
 * mirror libxenctrl, so libxl (or a test) passes thin wrappers around
 * xc_domain_iomem_permission() and friends.  Stops at the first failure;
 * with the inverse callbacks, undoes what was done, in reverse order, so
 * the domain is left as it was found.
 */
#include <stdio.h>

#include <xendtgen/viommu.h>

#include "plan-internal.h"

static bool can_undo(const struct dtg_xc_ops *xc)
{
	return xc->deassign_dt_device && xc->unbind_pt_spi_irq;
}

/* Run one op; an alloc_vsid_range stores the vSID Xen gave in *vsid. */
static int run_op(const struct dtg_xc_ops *xc, void *opaque, uint32_t domid,
		  const struct dtg_op *op, uint32_t *vsid)
{
	uint32_t first = 0;
	int rc;

	switch (op->kind) {
	case DTG_OP_IOMEM_PERMISSION:
		return xc->iomem_permission(opaque, domid,
					    op->u.iomem.first_mfn,
					    op->u.iomem.nr_mfns,
					    op->u.iomem.allow ? 1 : 0);
	case DTG_OP_MEMORY_MAPPING:
		return xc->memory_mapping(opaque, domid,
					  op->u.mapping.first_gfn,
					  op->u.mapping.first_mfn,
					  op->u.mapping.nr_mfns,
					  op->u.mapping.add ? 1 : 0);
	case DTG_OP_IRQ_PERMISSION:
		return xc->irq_permission(opaque, domid, op->u.irq.pirq,
					  op->u.irq.allow);
	case DTG_OP_BIND_PT_IRQ:
		return xc->bind_pt_spi_irq(opaque, domid,
					   op->u.bind.machine_irq,
					   op->u.bind.spi);
	case DTG_OP_ASSIGN_DEVICE:
		return xc->assign_dt_device(opaque, domid, op->u.assign.path);
	case DTG_OP_VIOMMU_ALLOC_VSID_RANGE:
		rc = xc->viommu_alloc_vsid_range(opaque, domid,
						 op->u.vsid.nr_sids,
						 op->u.vsid.first_psid, &first);
		if (rc >= 0 && vsid)
			*vsid = first;
		return rc;
	}
	return -1;
}

/* The inverse of op: what Xen needs to forget what op did. */
static int undo_op(const struct dtg_xc_ops *xc, void *opaque, uint32_t domid,
		   const struct dtg_op *op)
{
	struct dtg_op inv = *op;

	switch (op->kind) {
	case DTG_OP_IOMEM_PERMISSION:
		inv.u.iomem.allow = false;
		break;
	case DTG_OP_MEMORY_MAPPING:
		inv.u.mapping.add = false;
		break;
	case DTG_OP_IRQ_PERMISSION:
		inv.u.irq.allow = false;
		break;
	case DTG_OP_BIND_PT_IRQ:
		return xc->unbind_pt_spi_irq(opaque, domid,
					     op->u.bind.machine_irq,
					     op->u.bind.spi);
	case DTG_OP_ASSIGN_DEVICE:
		return xc->deassign_dt_device(opaque, domid, op->u.assign.path);
	case DTG_OP_VIOMMU_ALLOC_VSID_RANGE:
		/* The series has no free op: vSIDs go with the domain. */
		return 0;
	}
	return run_op(xc, opaque, domid, &inv, NULL);
}

/* The plan as an array (ctx memory), for walking it backwards. */
static int plan_array(const dtg_domain *d, const char *what,
		      struct dtg_op **ops, size_t *n)
{
	int err;

	*ops = NULL;
	if ((err = dtg_domain_require_final(d, what)) < 0)
		return err;
	err = dtg_plan_ops(d, NULL, 0, n);
	if (err < 0 && err != -DTG_ENOSPACE)
		return err;
	if (!*n)
		return 0;
	if (*n > SIZE_MAX / sizeof(**ops) ||
	    !(*ops = dtg_alloc(d->ctx, *n * sizeof(**ops))))
		return dtg_error(d->ctx, DTG_ENOMEM, "%s: out of memory", what);
	return dtg_plan_ops(d, *ops, *n, n);
}

/*
 * Undo ops[count-1] down to ops[0]; goes on past failures.  Returns 0 or
 * the index + 1 of the first (highest) op whose undo failed, its return
 * value in *rc.
 */
static size_t undo_range(const struct dtg_xc_ops *xc, void *opaque,
			 uint32_t domid, const struct dtg_op *ops,
			 size_t count, int *rc)
{
	size_t bad = 0;

	while (count--) {
		int r = undo_op(xc, opaque, domid, &ops[count]);

		if (r < 0 && !bad) {
			bad = count + 1;
			*rc = r;
		}
	}
	return bad;
}

static bool ops_complete(const struct dtg_xc_ops *ops)
{
	return ops && ops->iomem_permission && ops->memory_mapping &&
	       ops->irq_permission && ops->bind_pt_spi_irq &&
	       ops->assign_dt_device;
}

/* "bind_pt_irq machine_irq=34 spi=34" into b (released by the caller). */
static const char *describe(const dtg_domain *d, const struct dtg_op *op,
			    struct dtg_buf *b)
{
	dtg_buf_init(b, d->ctx);
	dtg_buf_printf(b, "%s ", dtg_op_name(op->kind));
	dtg_plan_op_args(b, op);
	return b->err ? dtg_op_name(op->kind) : b->data;
}

/* The vSMMUv3 part: its callback, and room for what Xen returns. */
static int require_vsids(const dtg_domain *d, const struct dtg_xc_ops *ops,
			 const uint32_t *vsid, size_t nvsid)
{
	size_t n = dtg_domain_vid_count(d);

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
	struct dtg_buf what, uwhat;
	struct dtg_op *plan;
	size_t n, i, bad, k = 0;
	int err, rc = 0, urc = 0;

	if (!d)
		return -DTG_EINVAL;
	if (!ops_complete(ops))
		return dtg_error(d->ctx, DTG_EINVAL,
				 "dtg_plan_execute: every callback of struct dtg_xc_ops is required");
	if ((err = plan_array(d, "dtg_plan_execute", &plan, &n)) < 0 ||
	    (err = require_vsids(d, ops, vsid, nvsid)) < 0) {
		dtg_free(d->ctx, plan);
		return err;
	}
	for (i = 0; i < n; i++) {
		uint32_t *out = NULL;

		if (plan[i].kind == DTG_OP_VIOMMU_ALLOC_VSID_RANGE &&
		    vsid && k < nvsid)
			out = &vsid[k++];
		if ((rc = run_op(ops, opaque, domid, &plan[i], out)) < 0)
			break;
	}
	if (i == n) {
		dtg_free(d->ctx, plan);
		return 0;
	}
	if (failed)
		*failed = i;
	if (!can_undo(ops)) {
		err = dtg_error(d->ctx, DTG_ECALLBACK,
				"domain %u: %s: op %zu (%s) failed: %d",
				(unsigned)domid, dtg_plan_op_device(d, &plan[i]),
				i, describe(d, &plan[i], &what), rc);
	} else if (!(bad = undo_range(ops, opaque, domid, plan, i, &urc))) {
		err = dtg_error(d->ctx, DTG_ECALLBACK,
				"domain %u: %s: op %zu (%s) failed: %d; "
				"the %zu op(s) before it were undone",
				(unsigned)domid, dtg_plan_op_device(d, &plan[i]),
				i, describe(d, &plan[i], &what), rc, i);
	} else {
		err = dtg_error(d->ctx, DTG_ECALLBACK,
				"domain %u: %s: op %zu (%s) failed: %d; "
				"undoing op %zu (%s) of %s failed too: %d",
				(unsigned)domid, dtg_plan_op_device(d, &plan[i]),
				i, describe(d, &plan[i], &what), rc, bad - 1,
				describe(d, &plan[bad - 1], &uwhat),
				dtg_plan_op_device(d, &plan[bad - 1]), urc);
		dtg_buf_release(&uwhat);
	}
	dtg_buf_release(&what);
	dtg_free(d->ctx, plan);
	return err;
}

int dtg_plan_undo(const dtg_domain *d, uint32_t domid,
		  const struct dtg_xc_ops *ops, void *opaque, size_t count)
{
	struct dtg_buf what;
	struct dtg_op *plan;
	size_t n, bad;
	int err, urc = 0;

	if (!d)
		return -DTG_EINVAL;
	if (!ops_complete(ops) || !can_undo(ops))
		return dtg_error(d->ctx, DTG_EINVAL,
				 "dtg_plan_undo: every callback of struct dtg_xc_ops is required");
	if ((err = plan_array(d, "dtg_plan_undo", &plan, &n)) < 0) {
		dtg_free(d->ctx, plan);
		return err;
	}
	if (count == SIZE_MAX)
		count = n;
	if (count > n) {
		dtg_free(d->ctx, plan);
		return dtg_error(d->ctx, DTG_EINVAL,
				 "dtg_plan_undo: %zu ops asked, the plan has %zu",
				 count, n);
	}
	bad = undo_range(ops, opaque, domid, plan, count, &urc);
	if (bad) {
		err = dtg_error(d->ctx, DTG_ECALLBACK,
				"domain %u: %s: undoing op %zu (%s) failed: %d",
				(unsigned)domid,
				dtg_plan_op_device(d, &plan[bad - 1]), bad - 1,
				describe(d, &plan[bad - 1], &what), urc);
		dtg_buf_release(&what);
	}
	dtg_free(d->ctx, plan);
	return err;
}
