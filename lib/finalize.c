/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/finalize.c - dtg_domain_finalize(): resolve every passthrough
 * device on the host, decide IOMMU protection, then run the placement,
 * interrupt, clock and guest-node passes.  All decisions are allocated
 * from the domain's arena; on failure the arena is reset and the domain
 * stays mutable, so the caller can fix the description and retry.
 */
#include <stdlib.h>

#include <libfdt.h>

#include "host-internal.h"
#include "finalize-internal.h"
#include "viommu-internal.h"
#include "copro-internal.h"

uint32_t dtg_fin_new_phandle(struct dtg_fin *f)
{
	if (f->d->next_phandle >= DTG_GUEST_PHANDLE_LIMIT) {
		dtg_error(f->ctx, DTG_ERANGE,
			  "%s: guest: phandle: more than %u phandles needed",
			  f->hname, DTG_GUEST_PHANDLE_LIMIT - DTG_GUEST_PHANDLE_FIRST);
		return 0;
	}
	return f->d->next_phandle++;
}

/* Does a compatible list hold one of the n strings? */
static bool compat_has_any(const char *list, int len, const char *const *s,
			   size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fdt_stringlist_contains(list, len, s[i]))
			return true;
	return false;
}

/*
 * The GIC version of the host, from its interrupt controller's compatible:
 * 3 if any node is compatible with a GICv3/v4, else 2 if any node is with
 * a GICv2, else 0.  One pass over the node index reading each compatible
 * once (an fdt_node_offset_by_compatible per string walked the whole tree
 * three times on a GICv2 host: a third of `dtgen partial`'s instructions).
 */
static unsigned host_gic_version(const dtg_host *host)
{
	static const char *const v3[] = { "arm,gic-v3", "arm,gic-v4" };
	static const char *const v2[] = {
		"arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic",
		"arm,cortex-a7-gic", "arm,gic-v2", "arm,arm11mp-gic",
		"arm,cortex-a5-gic", "arm,pl390", "qcom,msm-qgic2",
	};
	const void *fdt = dtg_host_fdt(host);
	unsigned version = 0;

	for (size_t i = 0; i < host->nnodes; i++) {
		int len;
		const char *c = fdt_getprop(fdt, host->nodes[i].offset,
					    "compatible", &len);

		if (!c)
			continue;
		if (compat_has_any(c, len, v3, DTG_ARRAY_SIZE(v3)))
			return 3;
		if (!version && compat_has_any(c, len, v2, DTG_ARRAY_SIZE(v2)))
			version = 2;
	}
	return version;
}

/* True if an ancestor of the node (a PCI host bridge) has an iommu-map. */
static bool under_iommu_map(const dtg_host *host, int offset)
{
	const void *fdt = dtg_host_fdt(host);

	/* dtg_host_parent_offset is O(log n); libfdt's walk is O(n). */
	for (int anc = dtg_host_parent_offset(host, offset); anc > 0;
	     anc = dtg_host_parent_offset(host, anc))
		if (fdt_getprop(fdt, anc, "iommu-map", NULL))
			return true;
	return false;
}

/* Fail on resource errors the guest would inherit (reg, interrupts). */
static int check_device_errors(struct dtg_fin *f, struct dtg_pt *pt)
{
	static const char *const fatal[] = {
		"reg", "interrupts", "interrupts-extended", "interrupt-parent",
		"clocks",
	};
	const struct dtg_device *dev = pt->host;

	for (size_t i = 0; i < dev->nerror; i++) {
		const char *e = dev->errors[i];

		for (size_t k = 0; k < DTG_ARRAY_SIZE(fatal); k++) {
			size_t n = strlen(fatal[k]);

			if (!strncmp(e, fatal[k], n) && e[n] == ':')
				return dtg_error(f->ctx, DTG_EINVAL, "%s: %s: %s",
						 f->hname, dev->path, e);
		}
		dtg_log(f->ctx, DTG_LOG_WARN, "%s: %s: %s", f->hname, dev->path, e);
	}
	return 0;
}

/* The status of the device's first IOMMU, for messages. */
static const char *iommu0_status(struct dtg_fin *f, const struct dtg_device *dev)
{
	int io = dev->niommu ? dtg_host_path_offset(f->host, dev->iommu[0].iommu) : -1;
	const char *st = io >= 0 ? fdt_getprop(f->fdt, io, "status", NULL) : NULL;

	return st ? st : "unusable";
}

/*
 * Protected or not.  Behind an IOMMU the host DT disables (iommus entry
 * 0: dtg_host_iommu_usable()), Xen leaves the device unprotected and
 * XEN_DOMCTL_assign_device fails (iommu_assign_dt_device(): -EINVAL):
 * such a device is assigned without IOMMU (force, no dtdev, no
 * assign_device, no vIOMMU master), or refused when iommu=yes asks for
 * protection.
 */
static int decide_iommu(struct dtg_fin *f, struct dtg_pt *pt)
{
	const struct dtg_device *dev = pt->host;
	bool has = dev->niommu > 0 || dev->niommu_map > 0 ||
		   under_iommu_map(f->host, dev->offset);
	bool unusable = dev->niommu > 0 && !dtg_host_iommu_usable(f->host, dev);

	switch (pt->iommu_mode) {
	case DTG_IOMMU_MODE_ON:
		if (!has)
			return dtg_error(f->ctx, DTG_EUNSUPPORTED,
					 "%s: %s: iommus: iommu=yes but the host DT puts no IOMMU in front of the device",
					 f->hname, dev->path);
		if (unusable)
			return dtg_error(f->ctx, DTG_EUNSUPPORTED,
					 "%s: %s: iommus: iommu=yes but the IOMMU %s is status \"%s\" in the host DT: Xen cannot protect the device and refuses to assign it (use iommu=no)",
					 f->hname, dev->path, dev->iommu[0].iommu,
					 iommu0_status(f, dev));
		pt->iommu = true;
		break;
	case DTG_IOMMU_MODE_OFF:
		pt->iommu = false;
		break;
	default:
		pt->iommu = has && !unusable;
		if (unusable)
			dtg_log(f->ctx, DTG_LOG_WARN,
				"%s: %s: iommus: the IOMMU %s is status \"%s\" in the host DT: Xen cannot protect the device, so it is assigned without IOMMU (xen,force-assign-without-iommu, no dtdev)",
				f->hname, dev->path, dev->iommu[0].iommu,
				iommu0_status(f, dev));
		break;
	}
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

bool dtg_fin_in_domain(const struct dtg_fin *f, int offset)
{
	size_t lo = 0, hi = f->npt_offs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->pt_offs[mid] == offset)
			return true;
		if (f->pt_offs[mid] < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The host nodes this domain gets, sorted, for dtg_fin_in_domain(). */
static int index_devices(struct dtg_fin *f)
{
	struct dtg_domain *d = f->d;

	if (!d->npt)
		return 0;
	f->pt_offs = dtg_alloc(f->ctx, d->npt * sizeof(*f->pt_offs));
	if (!f->pt_offs)
		return dtg_error(f->ctx, DTG_ENOMEM, "finalize: out of memory");
	for (size_t p = 0; p < d->npt; p++)
		f->pt_offs[p] = d->pt[p].host_offset;
	f->npt_offs = d->npt;
	qsort(f->pt_offs, d->npt, sizeof(*f->pt_offs), cmp_int);
	return 0;
}

static int resolve_devices(struct dtg_fin *f)
{
	struct dtg_domain *d = f->d;
	int rc = index_devices(f);

	if (rc)
		return rc;

	for (size_t i = 0; i < d->npt; i++) {
		struct dtg_pt *pt = &d->pt[i];

		if (!pt->host) {
			rc = dtg_host_resolve_offset(f->host, f->ctx, pt->host_offset,
						     &pt->host);
			if (rc)
				return rc;
		}
		if (dtg_host_is_gic(f->host, pt->host_offset))
			return dtg_error(f->ctx, DTG_EUNSUPPORTED,
					 "%s: %s: compatible: the host's interrupt controller belongs to Xen and cannot be passed through",
					 f->hname, pt->host_path);
		rc = check_device_errors(f, pt);
		if (!rc)
			rc = dtg_fin_check_mmio(f, pt);
		if (rc)
			return rc;
		rc = decide_iommu(f, pt);
		if (rc)
			return rc;
	}
	return 0;
}

static void fin_release(struct dtg_fin *f)
{
	dtg_free(f->ctx, f->pt_offs);
	dtg_free(f->ctx, f->share);
	dtg_free(f->ctx, f->mix);
	dtg_free(f->ctx, f->clk);
	dtg_free(f->ctx, f->clk_by_spec);
	dtg_free(f->ctx, f->copy);
	dtg_free(f->ctx, f->copy_by_off);
}

/* Forget every decision: the domain is mutable again. */
static void reset_decisions(struct dtg_domain *d)
{
	dtg_arena_free_all(&d->arena);
	for (size_t i = 0; i < d->npt; i++) {
		struct dtg_pt *pt = &d->pt[i];

		if (pt->host)
			dtg_device_free(d->ctx, pt->host);
		pt->host = NULL;
		pt->iommu = false;
		pt->guest_path = NULL;
		pt->nrange = 0;
		pt->range = NULL;
		pt->share = NULL;
		pt->nmap = 0;
		pt->map = NULL;
		pt->nirq = 0;
		pt->irq = NULL;
		pt->gnode = NULL;
	}
	d->final_gic_version = 0;
	d->final_nr_spis = 0;
	d->ngnode = 0;
	d->gnode = NULL;
	d->nalias = 0;
	d->alias = NULL;
	d->next_phandle = DTG_GUEST_PHANDLE_FIRST;
}

/*
 * vCPUs: Arm guests and plain x86 HVM guests stop at 128 (GUEST_MAX_VCPUS,
 * HVM_MAX_VCPUS); the proposed x86 vIOMMU exists to go beyond, up to 288,
 * and dtg_viommu_check() then wants x2apic above 255.
 */
static int check_vcpus(const dtg_domain *d, const char *hname)
{
	bool vtd = d->vstate && d->vstate->cfg.type == DTG_VIOMMU_VTD;
	unsigned max = d->arch == DTG_ARCH_X86 && vtd ? DTG_X86_VIOMMU_MAX_VCPUS
						      : DTG_GUEST_MAX_VCPUS;

	if (d->vcpus <= max)
		return 0;
	return dtg_error(d->ctx, DTG_ERANGE,
			 "%s: %s: vcpus: %u is more than %u%s", hname,
			 d->name ? d->name : "domain", d->vcpus, max,
			 d->arch == DTG_ARCH_X86 && !vtd ?
			 " (more needs viommu = \"type=vtd,intremap=1,x2apic=1\")" : "");
}

/*
 * Static memory is the guest's memory (Xen: the banks' total must equal
 * "memory"), and direct-map needs it (Xen panics otherwise).
 */
static int check_static_mem(const dtg_domain *d, const char *hname)
{
	uint64_t total = 0;

	for (size_t i = 0; i < d->nstatic_mem; i++)
		total += d->static_mem[i][1];
	if (d->direct_map && !d->nstatic_mem)
		return dtg_error(d->ctx, DTG_EINVAL,
				 "%s: %s: direct_map: needs static_mem "
				 "(Xen refuses direct-map without xen,static-mem)",
				 hname, d->name ? d->name : "domain");
	if (d->nstatic_mem && total != d->memory_mib << 20)
		return dtg_error(d->ctx, DTG_EINVAL,
				 "%s: %s: static_mem: the banks hold %llu MiB, "
				 "memory is %llu MiB (Xen wants them equal)",
				 hname, d->name ? d->name : "domain",
				 (unsigned long long)(total >> 20),
				 (unsigned long long)d->memory_mib);
	return 0;
}

int dtg_domain_finalize(dtg_domain *d)
{
	struct dtg_fin f;
	int rc;

	if (!d)
		return -DTG_EINVAL;
	if (d->finalized)
		return dtg_error(d->ctx, DTG_ESTATE, "domain: finalize: already finalized");
	reset_decisions(d);
	memset(&f, 0, sizeof(f));
	f.d = d;
	f.ctx = d->ctx;
	f.host = d->host;
	f.fdt = dtg_host_fdt(d->host);
	f.hname = dtg_host_name(d->host);
	f.a = &d->arena;
	rc = check_vcpus(d, f.hname);
	if (!rc)
		rc = check_static_mem(d, f.hname);
	if (rc)
		return rc;

	f.gic_version = d->gic_version ? d->gic_version : host_gic_version(d->host);
	if (!f.gic_version) {
		if (d->arch != DTG_ARCH_X86 && d->npt)
			return dtg_error(d->ctx, DTG_EUNSUPPORTED,
					 "%s: /: compatible: no Arm GIC found in the host DT; set gic_version",
					 f.hname);
		f.gic_version = 2;
	}
	d->final_gic_version = f.gic_version;
	f.nmap = dtg_guest_map(d, f.gic_version, f.map);

	rc = resolve_devices(&f);
	if (!rc)
		rc = dtg_finalize_mmio(&f);
	if (!rc)
		rc = dtg_finalize_irqs(&f);
	if (!rc)
		rc = dtg_finalize_clocks(&f);
	if (!rc)
		rc = dtg_finalize_nodes(&f);
	if (!rc)
		rc = dtg_finalize_aliases(&f);
	if (!rc)
		rc = dtg_finalize_copro(&f);   /* shared coprocessor instances (copro-finalize.c) */
	if (!rc)
		rc = dtg_finalize_viommu(d);   /* vIOMMU binding, virtio (viommu-domain.c) */
	fin_release(&f);
	if (rc) {
		reset_decisions(d);
		return rc;
	}
	d->finalized = true;
	return 0;
}
