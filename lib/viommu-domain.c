/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/viommu-domain.c - a domain's vIOMMU: its description, the finalize
 * step that binds IOMMU-protected passthrough masters to it and rewrites
 * their guest `iommus`/`iommu-map`, the guest's vIOMMU node, and the
 * proposed-ABI plan.  Virtio devices live in virtio-mmio.c.
 *
 * Called from dtg_domain_finalize() after the guest nodes exist
 * (dtg_finalize_viommu); everything it decides goes to the domain arena.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <libfdt.h>

#include "domain-internal.h"
#include "viommu-internal.h"

static struct dtg_viommu_state *state(dtg_domain *d)
{
	if (!d->vstate)
		d->vstate = dtg_zalloc(d->ctx, sizeof(*d->vstate));
	return d->vstate;
}

void dtg_viommu_state_free(dtg_domain *d)
{
	struct dtg_viommu_state *vs = d ? d->vstate : NULL;

	if (!vs)
		return;
	for (size_t i = 0; i < vs->nptv; i++)
		dtg_free(d->ctx, vs->ptv[i].vid);
	dtg_free(d->ctx, vs->ptv);
	for (size_t i = 0; i < vs->nvirtio; i++)
		dtg_free(d->ctx, vs->virtio[i].type);
	dtg_free(d->ctx, vs->virtio);
	dtg_free(d->ctx, vs);
	d->vstate = NULL;
}

int dtg_domain_set_viommu(dtg_domain *d, const struct dtg_viommu_config *cfg)
{
	struct dtg_viommu_state *vs;

	if (!d || !cfg)
		return -DTG_EINVAL;
	if (d->finalized)
		return dtg_error(d->ctx, DTG_ESTATE, "domain: viommu: already finalized");
	if (cfg->type > DTG_VIOMMU_VTD)
		return dtg_error(d->ctx, DTG_EINVAL, "domain: viommu: unknown type %d",
				 (int)cfg->type);
	vs = state(d);
	if (!vs)
		return -DTG_ENOMEM;
	vs->cfg = *cfg;
	return 0;
}

int dtg_domain_get_viommu(const dtg_domain *d, struct dtg_viommu_config *cfg)
{
	if (!d || !cfg)
		return -DTG_EINVAL;
	memset(cfg, 0, sizeof(*cfg));
	if (d->vstate)
		*cfg = d->finalized ? d->vstate->fcfg : d->vstate->cfg;
	return 0;
}

int dtg_pt_set_vids(dtg_domain *d, int dev, const int64_t *vids, size_t nvid)
{
	struct dtg_viommu_state *vs;
	struct dtg_pt_vids *pv;

	if (!d || (nvid && !vids))
		return -DTG_EINVAL;
	if (d->finalized)
		return dtg_error(d->ctx, DTG_ESTATE, "domain: vids: already finalized");
	if (dev < 0 || (size_t)dev >= d->npt)
		return dtg_error(d->ctx, DTG_ENOTFOUND, "domain: vids: no device %d", dev);
	vs = state(d);
	if (!vs)
		return -DTG_ENOMEM;
	if ((size_t)dev >= vs->nptv) {
		size_t cap = vs->nptv;

		if (dtg_grow(d->ctx, (void **)&vs->ptv, &cap, (size_t)dev + 1,
			     sizeof(*vs->ptv)))
			return -DTG_ENOMEM;
		memset(vs->ptv + vs->nptv, 0, (cap - vs->nptv) * sizeof(*vs->ptv));
		vs->nptv = cap;
	}
	pv = &vs->ptv[dev];
	dtg_free(d->ctx, pv->vid);
	pv->vid = NULL;
	pv->nvid = 0;
	if (nvid) {
		pv->vid = dtg_alloc(d->ctx, nvid * sizeof(*pv->vid));
		if (!pv->vid)
			return -DTG_ENOMEM;
		memcpy(pv->vid, vids, nvid * sizeof(*vids));
	}
	pv->nvid = nvid;
	pv->set = true;
	return 0;
}

size_t dtg_domain_vid_count(const dtg_domain *d)
{
	return d && d->finalized && d->vstate ? d->vstate->nmap : 0;
}

int dtg_domain_vid_map(const dtg_domain *d, size_t i, struct dtg_vid_map *out)
{
	int r = dtg_domain_require_final(d, "vid_map");

	if (r)
		return r;
	if (!d->vstate || i >= d->vstate->nmap || !out)
		return -DTG_EINVAL;
	*out = d->vstate->map[i];
	return 0;
}

/* Replace (or add) properties of a finalized gnode, in the arena. */
static int gnode_set(dtg_domain *d, struct dtg_gnode *g, const char *name,
		     const void *val, uint32_t len)
{
	struct dtg_gprop *p;
	size_t n = 0;

	for (size_t i = 0; i < g->nprop; i++)
		if (!strcmp(g->prop[i].name, name)) {
			g->prop[i].val = val;
			g->prop[i].len = len;
			return 0;
		}
	p = dtg_arena_alloc(&d->arena, (g->nprop + 1) * sizeof(*p));
	if (!p)
		return -DTG_ENOMEM;
	for (size_t i = 0; i < g->nprop; i++)
		p[n++] = g->prop[i];
	p[n++] = DTG_GPROP(name, val, len);
	g->prop = p;
	g->nprop = n;
	return 0;
}

static uint32_t *cells(dtg_domain *d, size_t n)
{
	return dtg_arena_alloc(&d->arena, n ? n * 4 : 4);
}

/* The guest's vSMMUv3 node (libxl's make_vsmmuv3_node of the series). */
static int vsmmu_gnode(dtg_domain *d, struct dtg_gnode *g)
{
	static const char compat[] = "arm,smmu-v3";
	static const char names[] = "combined";
	uint32_t *reg = cells(d, 4), *irq = cells(d, 3), *one = cells(d, 1),
		 *ph = cells(d, 1), *gic = cells(d, 1);
	struct dtg_gprop *p = dtg_arena_alloc(&d->arena, 7 * sizeof(*p));
	const struct dtg_viommu_config *cfg = &d->vstate->fcfg;
	char *name = dtg_arena_alloc(&d->arena, 32);

	if (!reg || !irq || !one || !ph || !gic || !p || !name)
		return -DTG_ENOMEM;
	snprintf(name, 32, "iommu@%llx", (unsigned long long)cfg->base);
	reg[0] = cpu_to_fdt32((uint32_t)(cfg->base >> 32));
	reg[1] = cpu_to_fdt32((uint32_t)cfg->base);
	reg[2] = cpu_to_fdt32((uint32_t)(cfg->size >> 32));
	reg[3] = cpu_to_fdt32((uint32_t)cfg->size);
	irq[0] = cpu_to_fdt32(0);
	irq[1] = cpu_to_fdt32(DTG_VSMMUV3_SPI - 32);
	irq[2] = cpu_to_fdt32(4);   /* IRQ_TYPE_LEVEL_HIGH */
	*one = cpu_to_fdt32(1);
	*ph = cpu_to_fdt32(DTG_VSMMUV3_PHANDLE);
	*gic = cpu_to_fdt32(DTG_GUEST_PHANDLE_GIC);
	p[0] = DTG_GPROP("compatible", compat, sizeof(compat));
	p[1] = DTG_GPROP("reg", reg, 16);
	p[2] = DTG_GPROP("interrupt-parent", gic, 4);
	p[3] = DTG_GPROP("interrupts", irq, 12);
	p[4] = DTG_GPROP("interrupt-names", names, sizeof(names));
	p[5] = DTG_GPROP("#iommu-cells", one, 4);
	p[6] = DTG_GPROP("phandle", ph, 4);
	g->name = name;
	g->prop = p;
	g->nprop = 7;
	return 0;
}

/*
 * The vSIDs exactly as the vSMMUv3 series allocates them (xen-devel
 * 2026, "vIOMMU vSID->pSID mapping layer"): its consumers of a partial DT,
 * libxl's viommu_modify_partial_fdt/viommu_get_stream and Xen's dom0less
 * modify_pfdt_node, walk the /passthrough nodes in partial-DT order and,
 * for each <phandle pSID> pair of a node's `iommus` (proplen / 8 pairs),
 * take the first free vSID from 0 (vsmmuv3_allocate_free_vid), one per
 * entry: the same pSID on two host SMMUs, or twice on one, gets two
 * vSIDs.  A fresh domain has none allocated, so entry k of the walk gets
 * vSID k.  The rows are that walk; each is one alloc_vsid_range call.
 */
static int check_master(dtg_domain *d, const struct dtg_pt *pt)
{
	const struct dtg_device *h = pt->host;
	const char *hname = dtg_host_name(d->host);

	if (h->niommu_map)
		return dtg_error(d->ctx, DTG_EUNSUPPORTED,
				 "%s: %s: iommu-map: the vSMMUv3 series virtualizes only the `iommus` of /passthrough nodes (libxl viommu_get_stream, Xen modify_pfdt_node); a PCI host bridge's iommu-map would reach the guest with physical IDs",
				 hname, pt->host_path);
	if (!h->niommu)
		return dtg_error(d->ctx, DTG_EUNSUPPORTED,
				 "%s: %s: iommus: bound to the vSMMUv3 but the host DT gives it no stream ID",
				 hname, pt->host_path);
	if (h->niommu > DTG_VSMMUV3_MAX_ENTRIES)
		return dtg_error(d->ctx, DTG_EUNSUPPORTED,
				 "%s: %s: iommus: %zu entries, more than libdtgen's %d per master",
				 hname, pt->host_path, h->niommu, DTG_VSMMUV3_MAX_ENTRIES);
	for (size_t k = 0; k < h->niommu; k++)
		if (h->iommu[k].ncells != 1)
			return dtg_error(d->ctx, DTG_EUNSUPPORTED,
					 "%s: %s: iommus: entry %zu has %u ID cells at %s; the vSMMUv3 series reads <phandle stream-ID> pairs (#iommu-cells = <1>)",
					 hname, pt->host_path, k, h->iommu[k].ncells,
					 h->iommu[k].iommu);
	return 0;
}

/* A vSMMUv3 master: protected on the host, with a /passthrough node. */
static bool is_master(const struct dtg_pt *pt)
{
	return pt->iommu && pt->gnode;
}

static int bind_masters(dtg_domain *d)
{
	struct dtg_viommu_state *vs = d->vstate;
	const char *hname = dtg_host_name(d->host);
	size_t n = 0, k = 0;
	int rc;

	for (size_t p = 0; p < d->npt; p++) {
		struct dtg_pt *pt = &d->pt[p];
		const struct dtg_pt_vids *pv = p < vs->nptv ? &vs->ptv[p] : NULL;

		if (!pt->iommu) {
			if (pv && pv->set)
				return dtg_error(d->ctx, DTG_EUNSUPPORTED,
						 "%s: %s: iommus: bound to the vIOMMU but not IOMMU-protected on the host (an Arm vIOMMU only translates for masters behind a host SMMU)",
						 hname, pt->host_path);
			continue;
		}
		if (pv && pv->set && pv->nvid)
			return dtg_error(d->ctx, DTG_EUNSUPPORTED,
					 "%s: %s: iommus: vIDs cannot be chosen: with the vSMMUv3 series Xen allocates each vSID itself (vsmmuv3_allocate_free_vid, first free from 0)",
					 hname, pt->host_path);
	}
	/*
	 * Partial-DT order: the devices' gnodes follow d->pt's order
	 * (domain-internal.h), so the masters are the protected devices
	 * with a node, in d->pt order.
	 */
	for (size_t p = 0; p < d->npt; p++) {
		if (!is_master(&d->pt[p]))
			continue;
		rc = check_master(d, &d->pt[p]);
		if (rc)
			return rc;
		n += d->pt[p].host->niommu;
	}
	if (n > (1ull << vs->fcfg.id_bits))
		return dtg_error(d->ctx, DTG_ERANGE,
				 "%s: viommu: %zu stream IDs, more than the %u-bit vSID space holds",
				 hname, n, vs->fcfg.id_bits);
	vs->nmap = n;
	vs->map = dtg_arena_alloc(&d->arena, (n ? n : 1) * sizeof(*vs->map));
	vs->row_pt = dtg_arena_alloc(&d->arena, (n ? n : 1) * sizeof(*vs->row_pt));
	if (!vs->map || !vs->row_pt)
		return -DTG_ENOMEM;
	for (size_t p = 0; p < d->npt; p++) {
		struct dtg_pt *pt = &d->pt[p];
		const struct dtg_device *h = pt->host;
		uint32_t *c;

		if (!is_master(pt))
			continue;
		/* The guest's view: <65002 vSID>; the partial DT's is <0 pSID>. */
		c = cells(d, 2 * h->niommu);
		if (!c)
			return -DTG_ENOMEM;
		for (size_t e = 0; e < h->niommu; e++, k++) {
			struct dtg_vid_map *m = &vs->map[k];

			m->master = pt->host_path;
			m->piommu = h->iommu[e].iommu;
			m->pid = h->iommu[e].ids[0];
			m->count = 1;
			m->vid = (uint32_t)k;
			vs->row_pt[k] = p;
			c[2 * e] = cpu_to_fdt32(DTG_VSMMUV3_PHANDLE);
			c[2 * e + 1] = cpu_to_fdt32((uint32_t)k);
		}
		if (gnode_set(d, pt->gnode, "iommus", c, (uint32_t)(8 * h->niommu)))
			return -DTG_ENOMEM;
		dtg_log(d->ctx, DTG_LOG_NOTICE,
			"%s: %s: iommus: <0 pSID> in the partial DT, <%u vSID> in the guest's view (vSIDs %zu..%zu, as Xen's vsmmuv3_allocate_free_vid will give them)",
			hname, pt->host_path, DTG_VSMMUV3_PHANDLE,
			k - h->niommu, k - 1);
	}
	return 0;
}

int dtg_finalize_viommu(dtg_domain *d)
{
	struct dtg_viommu_state *vs = d->vstate;
	const char *hname = dtg_host_name(d->host);
	size_t nroot = 0;
	int rc;

	d->nrootnode = 0;
	d->rootnode = NULL;
	if (!vs)
		return 0;
	vs->map = NULL;
	vs->nmap = 0;
	vs->fcfg = vs->cfg;
	if (vs->fcfg.type != DTG_VIOMMU_NONE) {
		bool arm = d->arch != DTG_ARCH_X86;

		if (arm != (vs->fcfg.type == DTG_VIOMMU_SMMUV3))
			return dtg_error(d->ctx, DTG_EUNSUPPORTED,
					 "%s: viommu: a %s vIOMMU does not fit an %s guest",
					 hname, dtg_viommu_type_name(vs->fcfg.type),
					 arm ? "Arm" : "x86");
		rc = dtg_viommu_check(d->ctx, hname, &vs->fcfg, d->vcpus);
		if (rc)
			return rc;
	} else {
		for (size_t p = 0; p < vs->nptv && p < d->npt; p++)
			if (vs->ptv[p].set)
				return dtg_error(d->ctx, DTG_EINVAL,
						 "%s: %s: iommus: vIDs given but the domain has no vIOMMU (viommu = \"smmuv3\")",
						 hname, d->pt[p].host_path);
	}
	if (vs->fcfg.type == DTG_VIOMMU_SMMUV3) {
		/*
		 * The vSMMUv3's own SPI: libxl__arch_domain_prepare_config fails
		 * the create ("Physical IRQ %u conflicting with vSMMUv3 SPI") and
		 * Xen's vsmmuv3_init_single reserves it in the vGIC.
		 */
		for (size_t p = 0; p < d->npt; p++)
			for (size_t j = 0; j < d->pt[p].nirq; j++)
				if (d->pt[p].irq[j].intid == DTG_VSMMUV3_SPI)
					return dtg_error(d->ctx, DTG_EOVERLAP,
							 "%s: %s: interrupts: INTID %u is the vSMMUv3's SPI (GUEST_VSMMU_SPI in the series); libxl refuses a passed-through IRQ there",
							 hname, d->pt[p].host_path, DTG_VSMMUV3_SPI);
		rc = bind_masters(d);
		if (rc)
			return rc;
	}
	rc = dtg_finalize_virtio(d, &nroot);
	if (rc)
		return rc;
	if (vs->fcfg.type == DTG_VIOMMU_SMMUV3)
		nroot++;
	if (!nroot)
		return 0;
	d->rootnode = dtg_arena_alloc(&d->arena, nroot * sizeof(*d->rootnode));
	if (!d->rootnode)
		return -DTG_ENOMEM;
	if (vs->fcfg.type == DTG_VIOMMU_SMMUV3) {
		rc = vsmmu_gnode(d, &d->rootnode[d->nrootnode++]);
		if (rc)
			return rc;
	}
	return dtg_virtio_gnodes(d, d->rootnode, &d->nrootnode);
}

int dtg_viommu_row_device(const dtg_domain *d, size_t k)
{
	return d->vstate && k < d->vstate->nmap ? (int)d->vstate->row_pt[k] : -1;
}

size_t dtg_viommu_vsid_count(const dtg_domain *d)
{
	return d->vstate && d->vstate->fcfg.type == DTG_VIOMMU_SMMUV3 ?
	       d->vstate->nmap : 0;
}

int dtg_viommu_put_iommus(const dtg_domain *d, void *fdt, const char *bus,
			  const uint32_t *vsid, size_t nvsid)
{
	const struct dtg_viommu_state *vs = d->vstate;
	size_t k = 0;
	int bus_off;

	if (!dtg_viommu_vsid_count(d))
		return 0;
	if (vsid && nvsid != vs->nmap)
		return dtg_error(d->ctx, DTG_EINVAL,
				 "%s: vSIDs: %zu given, the guest's masters have %zu iommus entries",
				 d->name ? d->name : "domain", nvsid, vs->nmap);
	for (size_t i = 0; vsid && i < nvsid; i++)
		for (size_t j = 0; j < i; j++)
			if (vsid[i] == vsid[j])
				return dtg_error(d->ctx, DTG_EDUPLICATE,
						 "%s: vSIDs: %u given for entries %zu and %zu; Xen maps each vSID to one stream",
						 d->name ? d->name : "domain", vsid[i], j, i);
	bus_off = fdt_path_offset(fdt, bus);
	if (bus_off < 0)
		return dtg_error(d->ctx, DTG_EINVAL, "%s: %s: libfdt: %s",
				 d->name ? d->name : "domain", bus,
				 fdt_strerror(bus_off));
	for (size_t p = 0; p < d->npt; p++) {
		const struct dtg_pt *pt = &d->pt[p];
		size_t ne;
		fdt32_t c[2 * DTG_VSMMUV3_MAX_ENTRIES];
		int off, r;

		if (!is_master(pt))
			continue;
		ne = pt->host->niommu;   /* <= DTG_VSMMUV3_MAX_ENTRIES (check_master) */
		for (size_t e = 0; e < ne; e++, k++) {
			c[2 * e] = cpu_to_fdt32(vsid ? DTG_VSMMUV3_PHANDLE : 0);
			c[2 * e + 1] = cpu_to_fdt32(vsid ? vsid[k] : vs->map[k].pid);
		}
		off = fdt_subnode_offset(fdt, bus_off, pt->gnode->name);
		r = off < 0 ? off :
		    fdt_setprop_inplace(fdt, off, "iommus", c, (int)(8 * ne));
		if (r)
			return dtg_error(d->ctx, DTG_EINVAL,
					 "%s: %s/%s: iommus: libfdt: %s",
					 d->name ? d->name : "domain", bus,
					 pt->gnode->name, fdt_strerror(r));
	}
	return 0;
}

int dtg_viommu_plan(const dtg_domain *d, enum dtg_viommu_abi abi,
		    struct dtg_viommu_op *ops, size_t cap, size_t *n)
{
	const struct dtg_viommu_state *vs;
	struct dtg_viommu_config none;
	size_t k = 0;
	int rc = dtg_domain_require_final(d, "viommu_plan");

	if (rc)
		return rc;
	if (!n)
		return -DTG_EINVAL;
	vs = d->vstate;
	memset(&none, 0, sizeof(none));
	rc = dtg_viommu_profile_ops(d->ctx, dtg_host_name(d->host),
				    vs ? &vs->fcfg : &none, NULL, abi, ops, cap, n);
	if (rc && rc != -DTG_ENOSPACE)
		return rc;
	/* alloc_vsid_range per row (each names its own physical stream). */
	if (abi == DTG_VIOMMU_ABI_SMMUV3_V3 && vs)
		for (size_t i = 0; i < vs->nmap; i++) {
			const struct dtg_vid_map *m = &vs->map[i];

			for (uint64_t done = 0; done < m->count; ) {
				uint64_t c = m->count - done > 0xffff ? 0xffff : m->count - done;

				if (*n + k < cap && ops) {
					struct dtg_viommu_op *op = &ops[*n + k];

					memset(op, 0, sizeof(*op));
					op->kind = DTG_VOP_ALLOC_VSID_RANGE;
					op->u.vsid.first_psid = (uint32_t)(m->pid + done);
					op->u.vsid.nr_sids = (uint16_t)c;
					op->u.vsid.first_vsid = (uint32_t)(m->vid + done);
				}
				k++;
				done += c;
			}
		}
	*n += k;
	return *n > cap ? -DTG_ENOSPACE : 0;
}
