/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/plan-ops.c - the domctl plan of a finalized domain as typed records.
 *
 * Order, per device (in the order the devices were added):
 *   for each MMIO range: iomem_permission for the whole page-aligned range,
 *     then memory_mapping in batches of at most 64 pages (Arm's limit, larger
 *     calls fail with -E2BIG); Xen requires the permission before the
 *     mapping, and libxl's domcreate_launch_dm does the same per range;
 *   for each distinct IRQ: irq_permission, then bind_pt_irq (SPI,
 *     virtual == physical, as libxl_arm.c's libxl__arch_domain_map_irq);
 *   assign_device (DT path) when the device is IOMMU-protected, last, as
 *     libxl assigns dtdevs after the memory and IRQ set-up.
 * Then, for a vSMMUv3 guest (proposed series), alloc_vsid_range for each
 * `iommus` entry of each master in partial-DT order, nr_sids = 1, as
 * libxl's viommu_get_stream does while it builds the guest DT (after the
 * devices are assigned); first_vsid is the vSID Xen will return
 * (vsmmuv3_allocate_free_vid: first free from 0).
 */
#include "plan-internal.h"
#include "viommu-internal.h"

static const char *const op_names[] = {
	[DTG_OP_IOMEM_PERMISSION] = "iomem_permission",
	[DTG_OP_MEMORY_MAPPING] = "memory_mapping",
	[DTG_OP_IRQ_PERMISSION] = "irq_permission",
	[DTG_OP_BIND_PT_IRQ] = "bind_pt_irq",
	[DTG_OP_ASSIGN_DEVICE] = "assign_device",
	[DTG_OP_VIOMMU_ALLOC_VSID_RANGE] = "alloc_vsid_range",
};

const char *dtg_op_name(enum dtg_op_kind kind)
{
	if ((unsigned)kind >= DTG_ARRAY_SIZE(op_names))
		return "unknown";
	return op_names[kind];
}

/* True if irq[j] repeats an earlier entry (a node may list an IRQ twice). */
static bool irq_seen_before(const struct dtg_pt *pt, size_t j)
{
	for (size_t k = 0; k < j; k++)
		if (pt->irq[k].intid == pt->irq[j].intid)
			return true;
	return false;
}

struct walk {
	dtg_plan_visit_fn fn;
	void *opaque;
	size_t n;
};

static int emit(struct walk *w, const struct dtg_op *op)
{
	if (w->fn) {
		int err = w->fn(w->opaque, w->n, op);
		if (err < 0)
			return err;
	}
	w->n++;
	return 0;
}

static int walk_device(struct walk *w, const struct dtg_pt *pt, int dev)
{
	struct dtg_op op;
	int err;

	/* pt->map: its ranges less host pages an earlier device of the
	 * domain maps (a ti,sysc target-module and its child): once each. */
	for (size_t r = 0; r < pt->nmap; r++) {
		const struct dtg_pt_map *rg = &pt->map[r];
		uint64_t mfn = rg->host >> 12, gfn = rg->guest >> 12;
		uint64_t pages = rg->size >> 12;

		if (!pages)
			continue;
		memset(&op, 0, sizeof(op));
		op.kind = DTG_OP_IOMEM_PERMISSION;
		op.device = dev;
		op.u.iomem.first_mfn = mfn;
		op.u.iomem.nr_mfns = pages;
		op.u.iomem.allow = true;
		if ((err = emit(w, &op)) < 0)
			return err;
		for (uint64_t done = 0; done < pages;) {
			uint64_t nr = pages - done;

			if (nr > DTG_MEMORY_MAPPING_BATCH)
				nr = DTG_MEMORY_MAPPING_BATCH;
			memset(&op, 0, sizeof(op));
			op.kind = DTG_OP_MEMORY_MAPPING;
			op.device = dev;
			op.u.mapping.first_gfn = gfn + done;
			op.u.mapping.first_mfn = mfn + done;
			op.u.mapping.nr_mfns = nr;
			op.u.mapping.add = true;
			if ((err = emit(w, &op)) < 0)
				return err;
			done += nr;
		}
	}
	for (size_t j = 0; j < pt->nirq; j++) {
		if (irq_seen_before(pt, j))
			continue;
		memset(&op, 0, sizeof(op));
		op.kind = DTG_OP_IRQ_PERMISSION;
		op.device = dev;
		op.u.irq.pirq = pt->irq[j].intid;
		op.u.irq.allow = true;
		if ((err = emit(w, &op)) < 0)
			return err;
		memset(&op, 0, sizeof(op));
		op.kind = DTG_OP_BIND_PT_IRQ;
		op.device = dev;
		/* as Xen's Arm XEN_DOMCTL_bind_pt_irq reads them (equal) */
		op.u.bind.machine_irq = pt->irq[j].virq;
		op.u.bind.spi = (uint16_t)pt->irq[j].intid;
		if ((err = emit(w, &op)) < 0)
			return err;
	}
	if (pt->iommu) {
		memset(&op, 0, sizeof(op));
		op.kind = DTG_OP_ASSIGN_DEVICE;
		op.device = dev;
		op.u.assign.path = pt->host_path;
		if ((err = emit(w, &op)) < 0)
			return err;
	}
	return 0;
}

/* The vSMMUv3 table's rows are the alloc_vsid_range calls, in order. */
static int walk_vsids(struct walk *w, const dtg_domain *d)
{
	size_t n = dtg_domain_vid_count(d);
	struct dtg_vid_map m;
	struct dtg_op op;
	int err;

	for (size_t k = 0; k < n; k++) {
		if ((err = dtg_domain_vid_map(d, k, &m)) < 0)
			return err;
		memset(&op, 0, sizeof(op));
		op.kind = DTG_OP_VIOMMU_ALLOC_VSID_RANGE;
		op.device = dtg_viommu_row_device(d, k);
		op.u.vsid.first_psid = m.pid;
		op.u.vsid.nr_sids = 1;
		op.u.vsid.first_vsid = m.vid;
		if ((err = emit(w, &op)) < 0)
			return err;
	}
	return 0;
}

int dtg_plan_walk(const dtg_domain *d, const char *what,
		  dtg_plan_visit_fn fn, void *opaque, size_t *count)
{
	struct walk w = { fn, opaque, 0 };
	int err;

	if (!d)
		return -DTG_EINVAL;
	if ((err = dtg_domain_require_final(d, what)) < 0)
		return err;
	for (size_t i = 0; i < d->npt; i++)
		if ((err = walk_device(&w, &d->pt[i], (int)i)) < 0)
			return err;
	if ((err = walk_vsids(&w, d)) < 0)
		return err;
	if (count)
		*count = w.n;
	return 0;
}

struct fill {
	struct dtg_op *ops;
	size_t cap;
};

static int fill_op(void *opaque, size_t index, const struct dtg_op *op)
{
	struct fill *f = opaque;

	if (index < f->cap)
		f->ops[index] = *op;
	return 0;
}

int dtg_plan_ops(const dtg_domain *d, struct dtg_op *ops, size_t cap,
		 size_t *n)
{
	struct fill f = { ops, ops ? cap : 0 };
	size_t count = 0;
	int err;

	if (!n)
		return -DTG_EINVAL;
	err = dtg_plan_walk(d, "dtg_plan_ops", fill_op, &f, &count);
	if (err < 0)
		return err;
	*n = count;
	return count > f.cap ? -DTG_ENOSPACE : 0;
}
