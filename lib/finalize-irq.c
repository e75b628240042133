/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/finalize-irq.c - the interrupts a guest gets.  On Arm Xen binds a
 * physical SPI to the same virtual SPI (bind_pt_irq needs virq == intid),
 * so only GIC SPIs can be passed through (an extended SPI is refused when
 * the host DT is read: Xen's gic_irq_xlate cannot route one), each to one
 * domain device, clear of the SPIs Xen itself gives the guest (vpl011,
 * virtio); the vGIC must then offer enough SPIs (nr_spis).
 */
#include <stdlib.h>

#include <libfdt.h>

#include "finalize-internal.h"

/* One routed interrupt, for the cross-device collision check. */
struct irq_use {
	uint32_t intid;
	size_t pt;
};

static int cmp_irq_use(const void *a, const void *b)
{
	const struct irq_use *x = a, *y = b;

	if (x->intid != y->intid)
		return x->intid < y->intid ? -1 : 1;
	return x->pt < y->pt ? -1 : x->pt > y->pt;
}

/* The property the device's interrupts come from, for messages. */
static const char *irq_prop(const struct dtg_fin *f, const struct dtg_device *dev)
{
	return fdt_getprop(f->fdt, dev->offset, "interrupts-extended", NULL) ?
	       "interrupts-extended" : "interrupts";
}

int dtg_irq_check_passable(dtg_ctx *ctx, const struct dtg_irq *q,
			   const char *file, const char *node, const char *what)
{
	switch (q->kind) {
	case DTG_IRQ_SPI:
		return 0;
	case DTG_IRQ_PPI:
		return dtg_error(ctx, DTG_EUNSUPPORTED,
				 "%s: %s: %s: interrupt %d is PPI %u (INTID %u), private to a CPU: Xen passes only SPIs through",
				 file, node, what, q->index, q->intid - 16, q->intid);
	default:   /* DTG_IRQ_ESPI is not produced (host-irq.c refuses one) */
		return dtg_error(ctx, DTG_EUNSUPPORTED,
				 "%s: %s: %s: interrupt %d ends at %s, which is not the GIC: Xen cannot route it",
				 file, node, what, q->index,
				 q->controller ? q->controller : "(unknown controller)");
	}
}

/* Decide the routed interrupts of one device (unique INTIDs, host order). */
static int device_irqs(struct dtg_fin *f, struct dtg_pt *pt, uint32_t *max_intid)
{
	const struct dtg_device *dev = pt->host;
	bool virtio = dtg_guest_virtio_spis_reserved(f->d);

	pt->nirq = 0;
	if (!dev->nirq)
		return 0;
	pt->irq = dtg_arena_alloc(f->a, dev->nirq * sizeof(*pt->irq));
	if (!pt->irq)
		return -DTG_ENOMEM;
	for (size_t i = 0; i < dev->nirq; i++) {
		const struct dtg_irq *q = &dev->irq[i];
		bool seen = false;
		int rc;

		rc = dtg_irq_check_passable(f->ctx, q, f->hname, pt->host_path,
					    irq_prop(f, dev));
		if (rc)
			return rc;
		if (f->d->vpl011 && q->intid == DTG_GUEST_SPI_VPL011)
			return dtg_error(f->ctx, DTG_EOVERLAP,
					 "%s: %s: %s: interrupt %d is SPI %u (INTID %u), which the guest's vpl011 UART uses; disable vpl011 or leave the device out",
					 f->hname, pt->host_path, irq_prop(f, dev), q->index,
					 q->intid - 32, q->intid);
		if (virtio && q->intid >= DTG_GUEST_SPI_VIRTIO_FIRST &&
		    q->intid <= DTG_GUEST_SPI_VIRTIO_LAST)
			return dtg_error(f->ctx, DTG_EOVERLAP,
					 "%s: %s: %s: interrupt %d is INTID %u, which the guest's virtio-mmio devices use (INTIDs %u..%u)",
					 f->hname, pt->host_path, irq_prop(f, dev), q->index,
					 q->intid, DTG_GUEST_SPI_VIRTIO_FIRST,
					 DTG_GUEST_SPI_VIRTIO_LAST);
		/* A device may list one SPI twice (ZCU102 GEM): route it once. */
		for (size_t k = 0; k < pt->nirq; k++)
			if (pt->irq[k].intid == q->intid) {
				seen = true;
				if (pt->irq[k].flags != q->flags)
					dtg_log(f->ctx, DTG_LOG_WARN,
						"%s: %s: %s: INTID %u listed twice with trigger flags %u and %u; routing it once with %u",
						f->hname, pt->host_path, irq_prop(f, dev), q->intid,
						pt->irq[k].flags, q->flags, pt->irq[k].flags);
			}
		if (seen)
			continue;
		pt->irq[pt->nirq].intid = q->intid;
		pt->irq[pt->nirq].virq = q->intid;
		pt->irq[pt->nirq].flags = q->flags;
		pt->nirq++;
		if (q->intid > *max_intid)
			*max_intid = q->intid;
	}
	return 0;
}

/* The SPIs the vGIC must offer for INTIDs up to max_intid (libxl's rule). */
static unsigned spis_needed(uint32_t max_intid)
{
	return max_intid >= 32 ? max_intid - 32 + 1 : 0;
}

int dtg_finalize_irqs(struct dtg_fin *f)
{
	struct dtg_domain *d = f->d;
	struct irq_use *use = NULL;
	size_t nuse = 0, total = 0;
	uint32_t max_intid = 0;
	unsigned need;
	int rc = 0;

	if (d->vpl011)
		max_intid = DTG_GUEST_SPI_VPL011;
	if (dtg_guest_virtio_spis_reserved(d))
		max_intid = DTG_GUEST_SPI_VIRTIO_LAST;
	for (size_t p = 0; p < d->npt; p++) {
		rc = device_irqs(f, &d->pt[p], &max_intid);
		if (rc)
			return rc;
		total += d->pt[p].nirq;
	}
	/* Two devices with one SPI: sort all uses and compare neighbours. */
	if (total) {
		use = dtg_alloc(f->ctx, total * sizeof(*use));
		if (!use)
			return dtg_error(f->ctx, DTG_ENOMEM, "finalize: out of memory");
		for (size_t p = 0; p < d->npt; p++)
			for (size_t i = 0; i < d->pt[p].nirq; i++)
				use[nuse++] = (struct irq_use){ d->pt[p].irq[i].intid, p };
		qsort(use, nuse, sizeof(*use), cmp_irq_use);
		for (size_t i = 1; i < nuse; i++)
			if (use[i].intid == use[i - 1].intid) {
				rc = dtg_error(f->ctx, DTG_EDUPLICATE,
					       "%s: %s: interrupts: INTID %u is also an interrupt of %s; an SPI can be routed to one device only",
					       f->hname, d->pt[use[i].pt].host_path,
					       use[i].intid, d->pt[use[i - 1].pt].host_path);
				break;
			}
		dtg_free(f->ctx, use);
		if (rc)
			return rc;
	}
	need = spis_needed(max_intid);
	if (d->nr_spis) {
		if (d->nr_spis < need)
			return dtg_error(f->ctx, DTG_ERANGE,
					 "%s: domain: nr_spis: %u is too few: INTID %u needs nr_spis >= %u",
					 f->hname, d->nr_spis, max_intid, need);
		d->final_nr_spis = d->nr_spis;
	} else {
		d->final_nr_spis = need;
	}
	return 0;
}
