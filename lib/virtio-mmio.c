/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/virtio-mmio.c - virtio-mmio devices, generated ahead of time as
 * libxl writes them at run time (tools/libs/light/libxl_arm.c, Xen 4.17
 * to 4.22).
 *
 * Allocation (libxl__arch_domain_prepare_config, alloc_virtio_mmio_params):
 * the disks with specification=virtio first, in their order, then the
 * `virtio` devices with transport=mmio; each takes the next 0x200 bytes
 * from GUEST_VIRTIO_MMIO_BASE and the next SPI from
 * GUEST_VIRTIO_MMIO_SPI_FIRST (33) up to GUEST_VIRTIO_MMIO_SPI_LAST (43)
 * (34..44 when the proposed vSMMUv3 takes INTID 33).
 *
 * Nodes (libxl__prepare_dtb), each by make_virtio_mmio_node_common:
 *   virtio@BASE { compatible = "virtio,mmio"; reg = <BASE 0x200>;
 *                 interrupts = <0 SPI 0xf01>;   set_interrupt(irq, 0xf,
 *                                               DT_IRQ_TYPE_EDGE_RISING)
 *                 interrupt-parent = <65000>;   fdt_property_interrupts
 *                 dma-coherent;
 *                 iommus = <65001 backend>;     (grants only) }
 * plus, for a `virtio` device (make_virtio_mmio_node_device), an "i2c"
 * child for "virtio,device22", a "gpio" child for "virtio,device29";
 * other types must start with "virtio,device".  make_xen_iommu_node's
 *   xen_iommu { compatible = "xen,grant-dma"; #iommu-cells = <1>;
 *               phandle = <65001>; }
 * comes before the first disk that uses grants in 4.17 (which has only
 * disks, granting when the backend is not dom0), after every virtio
 * node from 4.18 on.
 */
#include <stdio.h>
#include <string.h>

#include <libfdt.h>

#include <xendtgen/domctl.h>

#include "domain-internal.h"
#include "viommu-internal.h"

#define VIRTIO_MMIO_DEV_SIZE 0x200u
#define IRQ_TYPE_EDGE_RISING 1u
/* set_interrupt()'s flags cell: the CPU mask 0xf over the trigger type. */
#define VIRTIO_IRQ_FLAGS ((0xfu << 8) | IRQ_TYPE_EDGE_RISING)

/* libxl_internal.h's VIRTIO_DEVICE_TYPE_* */
#define VIRTIO_TYPE_GENERIC "virtio,device"
#define VIRTIO_TYPE_I2C     "virtio,device22"
#define VIRTIO_TYPE_GPIO    "virtio,device29"

static int add_desc(dtg_domain *d, struct dtg_virtio_desc **out)
{
	struct dtg_viommu_state *vs;

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
	*out = &vs->virtio[vs->nvirtio];
	memset(*out, 0, sizeof(**out));
	return 0;
}

int dtg_domain_add_virtio(dtg_domain *d, uint32_t backend_domid,
			  const char *type, bool grant_usage)
{
	struct dtg_virtio_desc *v;
	int r;

	if (!type)
		type = VIRTIO_TYPE_GENERIC;
	/* make_virtio_mmio_node_device: "Invalid type for virtio device" */
	if (d && strncmp(type, VIRTIO_TYPE_GENERIC, strlen(VIRTIO_TYPE_GENERIC)))
		return dtg_error(d->ctx, DTG_EINVAL,
				 "domain: virtio: type '%s' is not virtio,device<ID> (libxl refuses it)",
				 type);
	if ((r = add_desc(d, &v)))
		return r;
	v->backend_domid = backend_domid;
	v->grant_usage = grant_usage;
	v->type = dtg_strdup(d->ctx, type);
	if (!v->type)
		return -DTG_ENOMEM;
	return (int)d->vstate->nvirtio++;
}

int dtg_domain_add_virtio_disk(dtg_domain *d, uint32_t backend_domid,
			       int grant_usage)
{
	struct dtg_virtio_desc *v;
	int r;

	if (d && (grant_usage < -1 || grant_usage > 1))
		return dtg_error(d->ctx, DTG_EINVAL,
				 "domain: virtio disk: grant_usage %d is not 0, 1 or -1",
				 grant_usage);
	if ((r = add_desc(d, &v)))
		return r;
	v->disk = true;
	v->backend_domid = backend_domid;
	v->grant_set = grant_usage >= 0;
	/* libxl__device_disk_setdefault: grants when the backend is not dom0 */
	v->grant_usage = v->grant_set ? grant_usage == 1 : backend_domid != 0;
	return (int)d->vstate->nvirtio++;
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

static unsigned release_of(const struct dtg_domain *d)
{
	return d->xen_release ? d->xen_release : DTG_XEN_RELEASE_LAST;
}

/* What the chosen release's xl and libxl take. */
static int check_release(struct dtg_domain *d, const char *hname)
{
	const struct dtg_viommu_state *vs = d->vstate;
	unsigned rel = release_of(d);

	for (size_t i = 0; i < vs->nvirtio; i++) {
		const struct dtg_virtio_desc *v = &vs->virtio[i];

		if (!v->disk && rel < DTG_XEN_RELEASE(4, 18))
			return dtg_error(d->ctx, DTG_EUNSUPPORTED,
					 "%s: virtio: %s: Xen %u.%u's xl has no virtio key (4.18 added it); a disk can be disk = [ \"...,specification=virtio\" ]",
					 hname, v->type, rel >> 8, rel & 0xff);
		if (v->disk && v->grant_set && rel < DTG_XEN_RELEASE(4, 19))
			return dtg_error(d->ctx, DTG_EUNSUPPORTED,
					 "%s: disk: grant_usage=: Xen %u.%u's xl has no such disk parameter (4.19 added it; the backend's domain decides: grants unless dom0)",
					 hname, rel >> 8, rel & 0xff);
	}
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
	size_t slot = 0;
	int r;

	vs->vinfo = NULL;
	if (vs->nvirtio && d->arch == DTG_ARCH_X86)
		return dtg_error(d->ctx, DTG_EUNSUPPORTED,
				 "%s: virtio: virtio-mmio devices need an Arm guest", hname);
	if ((r = check_release(d, hname)))
		return r;
	if (vs->nvirtio > last - first + 1)
		return dtg_error(d->ctx, DTG_ERANGE,
				 "%s: virtio: %zu virtio-mmio devices (disks included), the guest has INTIDs %u..%u for %u (libxl: \"Ran out of reserved range for Virtio MMIO IRQ\")",
				 hname, vs->nvirtio, first, last, last - first + 1);
	if (vs->nvirtio) {
		vs->vinfo = dtg_arena_alloc(&d->arena, vs->nvirtio * sizeof(*vs->vinfo));
		if (!vs->vinfo)
			return -DTG_ENOMEM;
	}
	/* Disks first, then the virtio devices: libxl's allocation order. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < vs->nvirtio; i++) {
			struct dtg_virtio_info *vi = &vs->vinfo[i];

			if (vs->virtio[i].disk != (pass == 0))
				continue;
			vi->backend_domid = vs->virtio[i].backend_domid;
			vi->type = vs->virtio[i].type;
			vi->grant_usage = vs->virtio[i].grant_usage;
			vi->disk = vs->virtio[i].disk;
			vi->base = DTG_GUEST_VIRTIO_MMIO_BASE + VIRTIO_MMIO_DEV_SIZE * slot;
			vi->intid = first + (uint32_t)slot++;
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
						 "%s: %s: interrupts: INTID %u is in the virtio-mmio range %u..%u (libxl: \"Physical IRQ conflicting with Virtio MMIO IRQ range\")",
						 hname, d->pt[p].host_path, v, first,
						 first + (uint32_t)vs->nvirtio - 1);
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

static int xen_iommu_gnode(struct dtg_domain *d, struct dtg_gnode *node)
{
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
	*node = (struct dtg_gnode){ "xen_iommu", 3, p, 0, NULL };
	return 0;
}

/* make_virtio_mmio_node_i2c / make_virtio_mmio_node_gpio */
static int device_child(struct dtg_domain *d, const char *type,
			struct dtg_gnode *node)
{
	static const char i2c[] = VIRTIO_TYPE_I2C, gpio[] = VIRTIO_TYPE_GPIO;
	struct dtg_gnode *ch;
	struct dtg_gprop *p;
	uint32_t *two;

	if (!type || (strcmp(type, i2c) && strcmp(type, gpio)))
		return 0;
	ch = dtg_arena_alloc(&d->arena, sizeof(*ch));
	p = dtg_arena_alloc(&d->arena, 5 * sizeof(*p));
	two = dtg_arena_alloc(&d->arena, 4);
	if (!ch || !p || !two)
		return -DTG_ENOMEM;
	*two = cpu_to_fdt32(2);
	if (!strcmp(type, i2c)) {
		p[0] = DTG_GPROP("compatible", i2c, sizeof(i2c));
		*ch = (struct dtg_gnode){ "i2c", 1, p, 0, NULL };
	} else {
		p[0] = DTG_GPROP("compatible", gpio, sizeof(gpio));
		p[1] = DTG_GPROP("gpio-controller", "", 0);
		p[2] = DTG_GPROP("#gpio-cells", two, 4);
		p[3] = DTG_GPROP("interrupt-controller", "", 0);
		p[4] = DTG_GPROP("#interrupt-cells", two, 4);
		*ch = (struct dtg_gnode){ "gpio", 5, p, 0, NULL };
	}
	node->nchild = 1;
	node->child = ch;
	return 0;
}

/* make_virtio_mmio_node_common (+ the device's child) */
static int virtio_gnode(struct dtg_domain *d, const struct dtg_virtio_info *vi,
			struct dtg_gnode *node)
{
	static const char compat[] = "virtio,mmio";
	struct dtg_gprop *p = dtg_arena_alloc(&d->arena, 6 * sizeof(*p));
	uint32_t *c = dtg_arena_alloc(&d->arena, 10 * 4);
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
	c[6] = cpu_to_fdt32(VIRTIO_IRQ_FLAGS);
	c[7] = cpu_to_fdt32(DTG_GUEST_PHANDLE_GIC);
	c[8] = cpu_to_fdt32(DTG_GUEST_PHANDLE_IOMMU);
	c[9] = cpu_to_fdt32(vi->backend_domid);
	p[np++] = DTG_GPROP("compatible", compat, sizeof(compat));
	p[np++] = DTG_GPROP("reg", &c[0], 16);
	p[np++] = DTG_GPROP("interrupts", &c[4], 12);
	p[np++] = DTG_GPROP("interrupt-parent", &c[7], 4);
	p[np++] = DTG_GPROP("dma-coherent", "", 0);
	if (vi->grant_usage)
		p[np++] = DTG_GPROP("iommus", &c[8], 8);
	*node = (struct dtg_gnode){ name, np, p, 0, NULL };
	return vi->disk ? 0 : device_child(d, vi->type, node);
}

int dtg_virtio_gnodes(struct dtg_domain *d, struct dtg_gnode *nodes, size_t *n)
{
	struct dtg_viommu_state *vs = d->vstate;
	bool iommu_first = release_of(d) < DTG_XEN_RELEASE(4, 18);
	bool iommu_needed = false;
	int r;

	/* libxl__prepare_dtb: disks, then virtio devices (by slot order) */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < vs->nvirtio; i++) {
			const struct dtg_virtio_info *vi = &vs->vinfo[i];

			if (vi->disk != (pass == 0))
				continue;
			if (vi->grant_usage && iommu_first && !iommu_needed) {
				if ((r = xen_iommu_gnode(d, &nodes[(*n)++])))
					return r;
			}
			iommu_needed |= vi->grant_usage;
			if ((r = virtio_gnode(d, vi, &nodes[(*n)++])))
				return r;
		}
	if (iommu_needed && !iommu_first)
		return xen_iommu_gnode(d, &nodes[(*n)++]);
	return 0;
}

/*
 * Xen's dom0less builder (4.17 domain_build.c, 4.22 dom0less-build.c)
 * writes no virtio-mmio or xen,grant-dma node and nothing sets up the
 * backend's IOREQ server or xenstore entries (libxl's job), so a boot-time
 * guest cannot have these devices: refused, never dropped.
 */
int dtg_dom0less_refuse_virtio(dtg_ctx *ctx, const dtg_domain *d)
{
	size_t n = dtg_domain_virtio_count(d);

	if (!n)
		return 0;
	return dtg_error(ctx, DTG_EUNSUPPORTED,
			 "%s: virtio: %zu virtio-mmio device%s (virtio or disk specification=virtio): Xen's dom0less builder (4.17 to 4.22) has no virtio-mmio support; create the guest with xl",
			 d->name ? d->name : dtg_host_name(d->host), n, n == 1 ? "" : "s");
}
