/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/virtio-mmio.c - grant-DMA virtio-mmio devices, generated ahead of
 * time as libxl writes them at run time (tools/libs/light/libxl_arm.c:
 * make_xen_iommu_node, make_virtio_mmio_node_common):
 *   xen_iommu { compatible = "xen,grant-dma"; #iommu-cells = <1>;
 *               phandle = <65001>; }
 *   virtio@BASE { compatible = "virtio,mmio"; reg = <BASE 0x200>;
 *                 interrupts = <0 SPI edge-rising>; dma-coherent;
 *                 iommus = <65001 backend-domid>;   (grant_usage only) }
 * Bases step by 0x200 from GUEST_VIRTIO_MMIO_BASE; INTIDs from 33
 * (GUEST_VIRTIO_MMIO_SPI_FIRST) to 43, or 34..44 when the proposed
 * vSMMUv3 takes INTID 33.  The guest root's interrupt-parent (65000)
 * applies, as in libxl.
 */
#include <stdio.h>

#include <libfdt.h>

#include "domain-internal.h"
#include "viommu-internal.h"

#define VIRTIO_MMIO_DEV_SIZE 0x200u
#define IRQ_TYPE_EDGE_RISING 1u

int dtg_domain_add_virtio(dtg_domain *d, uint32_t backend_domid,
			  const char *type, bool grant_usage)
{
	struct dtg_viommu_state *vs;
	struct dtg_virtio_desc *v;

	if (!d)
		return -DTG_EINVAL;
	if (d->finalized)
		return dtg_error(d->ctx, DTG_ESTATE, "domain: virtio: already finalized");
	if (!d->vstate && !(d->vstate = dtg_zalloc(d->ctx, sizeof(*d->vstate))))
		return -DTG_ENOMEM;
	vs = d->vstate;
	if (dtg_grow(d->ctx, (void **)&vs->virtio, &vs->cvirtio, vs->nvirtio + 1,
		     sizeof(*vs->virtio)))
		return -DTG_ENOMEM;
	v = &vs->virtio[vs->nvirtio];
	v->backend_domid = backend_domid;
	v->grant_usage = grant_usage;
	v->type = dtg_strdup(d->ctx, type ? type : "virtio,device");
	if (!v->type)
		return -DTG_ENOMEM;
	return (int)vs->nvirtio++;
}

size_t dtg_domain_virtio_count(const dtg_domain *d)
{
	return d && d->vstate ? d->vstate->nvirtio : 0;
}

int dtg_domain_virtio_info(const dtg_domain *d, size_t i,
			   struct dtg_virtio_info *info)
{
	int r = dtg_domain_require_final(d, "virtio_info");

	if (r)
		return r;
	if (!info || !d->vstate || i >= d->vstate->nvirtio)
		return -DTG_EINVAL;
	*info = d->vstate->vinfo[i];
	return 0;
}

int dtg_finalize_virtio(struct dtg_domain *d, size_t *nroot)
{
	struct dtg_viommu_state *vs = d->vstate;
	const char *hname = dtg_host_name(d->host);
	bool vsmmu = vs->fcfg.type == DTG_VIOMMU_SMMUV3;
	uint32_t first = DTG_GUEST_SPI_VIRTIO_FIRST + (vsmmu ? 1 : 0);
	uint32_t last = DTG_GUEST_SPI_VIRTIO_LAST + (vsmmu ? 1 : 0);
	uint32_t max_intid = vsmmu ? DTG_VSMMUV3_SPI : 0;
	bool grants = false;

	vs->vinfo = NULL;
	if (vs->nvirtio && d->arch == DTG_ARCH_X86)
		return dtg_error(d->ctx, DTG_EUNSUPPORTED,
				 "%s: virtio: virtio-mmio devices need an Arm guest", hname);
	if (vs->nvirtio > last - first + 1)
		return dtg_error(d->ctx, DTG_ERANGE,
				 "%s: virtio: %zu virtio-mmio devices, the guest has INTIDs %u..%u for %u",
				 hname, vs->nvirtio, first, last, last - first + 1);
	if (vs->nvirtio) {
		vs->vinfo = dtg_arena_alloc(&d->arena, vs->nvirtio * sizeof(*vs->vinfo));
		if (!vs->vinfo)
			return -DTG_ENOMEM;
	}
	for (size_t i = 0; i < vs->nvirtio; i++) {
		struct dtg_virtio_info *vi = &vs->vinfo[i];

		vi->backend_domid = vs->virtio[i].backend_domid;
		vi->type = vs->virtio[i].type;
		vi->grant_usage = vs->virtio[i].grant_usage;
		vi->base = DTG_GUEST_VIRTIO_MMIO_BASE + VIRTIO_MMIO_DEV_SIZE * i;
		vi->intid = first + (uint32_t)i;
		max_intid = vi->intid;
		grants |= vi->grant_usage;
	}
	/* Passthrough SPIs are 1:1 and may not land on ours. */
	for (size_t p = 0; p < d->npt; p++)
		for (size_t k = 0; k < d->pt[p].nirq; k++) {
			uint32_t v = d->pt[p].irq[k].virq;

			if (vsmmu && v == DTG_VSMMUV3_SPI)
				return dtg_error(d->ctx, DTG_EOVERLAP,
						 "%s: %s: interrupts: INTID %u is the vSMMUv3's interrupt",
						 hname, d->pt[p].host_path, v);
			if (vs->nvirtio && v >= first && v < first + vs->nvirtio)
				return dtg_error(d->ctx, DTG_EOVERLAP,
						 "%s: %s: interrupts: INTID %u is used by virtio-mmio device %u",
						 hname, d->pt[p].host_path, v, v - first);
		}
	/* The vGIC must offer our SPIs too. */
	if (max_intid >= 32) {
		unsigned need = max_intid - 32 + 1;

		if (d->nr_spis && d->nr_spis < need)
			return dtg_error(d->ctx, DTG_ERANGE,
					 "%s: nr_spis: %u is too few for INTID %u (vSMMUv3/virtio); need %u",
					 hname, d->nr_spis, max_intid, need);
		if (d->final_nr_spis < need)
			d->final_nr_spis = need;
	}
	*nroot += vs->nvirtio + (grants ? 1 : 0);
	return 0;
}

int dtg_virtio_gnodes(struct dtg_domain *d, struct dtg_gnode *nodes, size_t *n)
{
	struct dtg_viommu_state *vs = d->vstate;
	bool grant_node = false;

	for (size_t i = 0; i < vs->nvirtio; i++)
		grant_node |= vs->vinfo[i].grant_usage;
	if (grant_node) {
		static const char compat[] = "xen,grant-dma";
		struct dtg_gprop *p = dtg_arena_alloc(&d->arena, 3 * sizeof(*p));
		uint32_t *c = dtg_arena_alloc(&d->arena, 8);

		if (!p || !c)
			return -DTG_ENOMEM;
		c[0] = cpu_to_fdt32(1);
		c[1] = cpu_to_fdt32(DTG_GUEST_PHANDLE_IOMMU);
		p[0] = DTG_GPROP("compatible", compat, sizeof(compat));
		p[1] = DTG_GPROP("#iommu-cells", &c[0], 4);
		p[2] = DTG_GPROP("phandle", &c[1], 4);
		nodes[*n] = (struct dtg_gnode){ "xen_iommu", 3, p, 0, NULL };
		(*n)++;
	}
	for (size_t i = 0; i < vs->nvirtio; i++) {
		static const char compat[] = "virtio,mmio";
		const struct dtg_virtio_info *vi = &vs->vinfo[i];
		struct dtg_gprop *p = dtg_arena_alloc(&d->arena, 5 * sizeof(*p));
		uint32_t *c = dtg_arena_alloc(&d->arena, 9 * 4);
		char *name = dtg_arena_alloc(&d->arena, 32);
		uint32_t np = 0;

		if (!p || !c || !name)
			return -DTG_ENOMEM;
		snprintf(name, 32, "virtio@%llx", (unsigned long long)vi->base);
		c[0] = cpu_to_fdt32((uint32_t)(vi->base >> 32));
		c[1] = cpu_to_fdt32((uint32_t)vi->base);
		c[2] = cpu_to_fdt32(0);
		c[3] = cpu_to_fdt32(VIRTIO_MMIO_DEV_SIZE);
		c[4] = cpu_to_fdt32(0);
		c[5] = cpu_to_fdt32(vi->intid - 32);
		c[6] = cpu_to_fdt32(IRQ_TYPE_EDGE_RISING);
		c[7] = cpu_to_fdt32(DTG_GUEST_PHANDLE_IOMMU);
		c[8] = cpu_to_fdt32(vi->backend_domid);
		p[np++] = DTG_GPROP("compatible", compat, sizeof(compat));
		p[np++] = DTG_GPROP("reg", &c[0], 16);
		p[np++] = DTG_GPROP("interrupts", &c[4], 12);
		p[np++] = DTG_GPROP("dma-coherent", "", 0);
		if (vi->grant_usage)
			p[np++] = DTG_GPROP("iommus", &c[7], 8);
		nodes[*n] = (struct dtg_gnode){ name, np, p, 0, NULL };
		(*n)++;
	}
	return 0;
}
