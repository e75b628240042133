/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/domain.c - the domain model while it is being described: creation,
 * settings, passthrough devices and their options, and the read-only
 * view of a finalized domain.  The decisions are made in finalize*.c.
 */
#include <stdio.h>

#include <libfdt.h>

#include "domain-internal.h"
#include "host-internal.h"
#include "finalize-internal.h"

#define DTG_DEFAULT_MEMORY_MIB 128
#define DTG_MAX_MEMORY_MIB (DTG_GUEST_RAM0_SIZE / 0x100000 + \
			    DTG_GUEST_RAM1_SIZE / 0x100000)

int dtg_domain_new(dtg_ctx *ctx, const dtg_host *host, dtg_domain **out)
{
	dtg_domain *d;

	if (!out)
		return dtg_error(ctx, DTG_EINVAL, "domain: no output pointer");
	*out = NULL;
	if (!ctx || !host)
		return dtg_error(ctx, DTG_EINVAL, "domain: no context or host");
	d = dtg_zalloc(ctx, sizeof(*d));
	if (!d)
		return dtg_error(ctx, DTG_ENOMEM, "domain: out of memory");
	d->ctx = ctx;
	d->host = host;
	d->arch = DTG_ARCH_ARM64;
	d->vcpus = 1;
	d->memory_mib = DTG_DEFAULT_MEMORY_MIB;
	d->arena.ctx = ctx;
	d->next_phandle = DTG_GUEST_PHANDLE_FIRST;
	*out = d;
	return 0;
}

static void pt_release(dtg_ctx *ctx, struct dtg_pt *pt)
{
	dtg_free(ctx, pt->host_path);
	dtg_free(ctx, pt->place);
	dtg_free(ctx, pt->place_addr);
	dtg_clock_rates_free(ctx, pt->rate, pt->nrate);
	for (size_t i = 0; i < pt->nkeep; i++)
		dtg_free(ctx, pt->keep[i]);
	dtg_free(ctx, pt->keep);
	if (pt->host)
		dtg_device_free(ctx, pt->host);
}

void dtg_domain_free(dtg_domain *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->npt; i++)
		pt_release(d->ctx, &d->pt[i]);
	dtg_free(d->ctx, d->pt);
	dtg_free(d->ctx, d->claimed);
	dtg_free(d->ctx, d->static_mem);
	dtg_free(d->ctx, d->llc_colors);
	dtg_arena_free_all(&d->arena);
	dtg_viommu_state_free(d);
	dtg_copro_state_free(d);
	dtg_free(d->ctx, d->name);
	dtg_free(d->ctx, d->kernel);
	dtg_free(d->ctx, d->cmdline);
	dtg_free(d->ctx, d->ramdisk);
	dtg_free(d->ctx, d);
}

dtg_ctx *dtg_domain_ctx(const dtg_domain *d)
{
	return d ? d->ctx : NULL;
}

const dtg_host *dtg_domain_host(const dtg_domain *d)
{
	return d ? d->host : NULL;
}

bool dtg_domain_is_finalized(const dtg_domain *d)
{
	return d && d->finalized;
}

int dtg_domain_require_final(const dtg_domain *d, const char *op)
{
	if (!d)
		return -DTG_EINVAL;
	if (!d->finalized)
		return dtg_error(d->ctx, DTG_ESTATE,
				 "%s: the domain is not finalized", op);
	return 0;
}

/* Settings are refused once the decisions are made. */
static int require_mutable(dtg_domain *d, const char *what)
{
	if (!d)
		return -DTG_EINVAL;
	if (d->finalized)
		return dtg_error(d->ctx, DTG_ESTATE,
				 "domain: %s: the domain is finalized (immutable)",
				 what);
	return 0;
}

static int set_string(dtg_domain *d, char **field, const char *s,
		      const char *what)
{
	char *copy = NULL;
	int rc = require_mutable(d, what);

	if (rc)
		return rc;
	if (s) {
		copy = dtg_strdup(d->ctx, s);
		if (!copy)
			return dtg_error(d->ctx, DTG_ENOMEM, "domain: %s: out of memory", what);
	}
	dtg_free(d->ctx, *field);
	*field = copy;
	return 0;
}

int dtg_domain_set_name(dtg_domain *d, const char *name)
{
	return set_string(d, &d->name, name, "name");
}

int dtg_domain_set_arch(dtg_domain *d, enum dtg_arch arch)
{
	int rc = require_mutable(d, "arch");

	if (rc)
		return rc;
	if (arch != DTG_ARCH_ARM64 && arch != DTG_ARCH_ARM32 &&
	    arch != DTG_ARCH_X86)
		return dtg_error(d->ctx, DTG_EINVAL, "domain: arch: unknown architecture %d",
				 (int)arch);
	d->arch = arch;
	return 0;
}

int dtg_domain_set_gic_version(dtg_domain *d, unsigned version)
{
	int rc = require_mutable(d, "gic_version");

	if (rc)
		return rc;
	if (version != 0 && version != 2 && version != 3)
		return dtg_error(d->ctx, DTG_EINVAL,
				 "domain: gic_version: %u is not 2 or 3", version);
	d->gic_version = version;
	return 0;
}

int dtg_domain_set_vcpus(dtg_domain *d, unsigned vcpus)
{
	int rc = require_mutable(d, "vcpus");

	if (rc)
		return rc;
	/* the limit depends on arch and vIOMMU: finalize checks it */
	if (vcpus < 1 || vcpus > DTG_X86_VIOMMU_MAX_VCPUS)
		return dtg_error(d->ctx, DTG_ERANGE,
				 "domain: vcpus: %u is not in 1..%u", vcpus,
				 DTG_X86_VIOMMU_MAX_VCPUS);
	d->vcpus = vcpus;
	return 0;
}

int dtg_domain_set_memory_mib(dtg_domain *d, uint64_t mib)
{
	int rc = require_mutable(d, "memory");

	if (rc)
		return rc;
	if (mib < 1 || mib > DTG_MAX_MEMORY_MIB)
		return dtg_error(d->ctx, DTG_ERANGE,
				 "domain: memory: %llu MiB is not in 1..%llu",
				 (unsigned long long)mib,
				 (unsigned long long)DTG_MAX_MEMORY_MIB);
	d->memory_mib = mib;
	return 0;
}

int dtg_domain_set_vpl011(dtg_domain *d, bool enable)
{
	int rc = require_mutable(d, "vpl011");

	if (rc)
		return rc;
	d->vpl011 = enable;
	return 0;
}

int dtg_domain_set_nr_spis(dtg_domain *d, unsigned nr_spis)
{
	int rc = require_mutable(d, "nr_spis");

	if (rc)
		return rc;
	/* Xen's vGIC: SPIs, then the 1024 extended SPIs from INTID 4096. */
	if (nr_spis > DTG_GUEST_MAX_NR_SPIS)
		return dtg_error(d->ctx, DTG_ERANGE,
				 "domain: nr_spis: %u is more than %u", nr_spis,
				 DTG_GUEST_MAX_NR_SPIS);
	d->nr_spis = nr_spis;
	return 0;
}

int dtg_domain_set_kernel(dtg_domain *d, const char *path, const char *cmdline)
{
	int rc = set_string(d, &d->kernel, path, "kernel");

	if (rc)
		return rc;
	return set_string(d, &d->cmdline, cmdline, "cmdline");
}

int dtg_domain_set_ramdisk(dtg_domain *d, const char *path)
{
	return set_string(d, &d->ramdisk, path, "ramdisk");
}

int dtg_domain_add_static_mem(dtg_domain *d, uint64_t base, uint64_t size)
{
	int rc = require_mutable(d, "static_mem");

	if (rc)
		return rc;
	if (!size || (base | size) & DTG_PAGE_MASK || base + size < base)
		return dtg_error(d->ctx, DTG_ERANGE,
				 "domain: static_mem: 0x%llx+0x%llx is not a "
				 "page-aligned range", (unsigned long long)base,
				 (unsigned long long)size);
	for (size_t i = 0; i < d->nstatic_mem; i++)
		if (base < d->static_mem[i][0] + d->static_mem[i][1] &&
		    d->static_mem[i][0] < base + size)
			return dtg_error(d->ctx, DTG_EOVERLAP,
					 "domain: static_mem: 0x%llx+0x%llx overlaps "
					 "bank %zu", (unsigned long long)base,
					 (unsigned long long)size, i);
	rc = dtg_grow(d->ctx, (void **)&d->static_mem, &d->capstatic_mem,
		      d->nstatic_mem + 1, sizeof(*d->static_mem));
	if (rc)
		return rc;
	d->static_mem[d->nstatic_mem][0] = base;
	d->static_mem[d->nstatic_mem][1] = size;
	d->nstatic_mem++;
	return 0;
}

int dtg_domain_set_direct_map(dtg_domain *d, bool enable)
{
	int rc = require_mutable(d, "direct_map");

	if (rc)
		return rc;
	d->direct_map = enable;
	return 0;
}

int dtg_domain_set_dom0(dtg_domain *d, bool dom0)
{
	int rc = require_mutable(d, "dom0");

	if (rc)
		return rc;
	d->dom0 = dom0;
	return 0;
}

int dtg_domain_set_llc_colors(dtg_domain *d, const char *colors)
{
	return set_string(d, &d->llc_colors, colors, "llc_colors");
}

/*
 * Mark the host node at off as passed through: 0 the first time, 1 if it
 * already was.  A bitmap over the host's nodes keeps adding N devices
 * O(N log N) (a 10,000-device guest is a benchmark case).
 */
static int claim_host_node(dtg_domain *d, int off)
{
	int idx = dtg_host_node_index(d->host, off);
	uint8_t bit;

	if (idx < 0)
		return dtg_error(d->ctx, DTG_ENOTFOUND, "domain: bad node offset");
	if (!d->claimed) {
		d->claimed = dtg_zalloc(d->ctx, d->host->nnodes / 8 + 1);
		if (!d->claimed)
			return dtg_error(d->ctx, DTG_ENOMEM, "domain: out of memory");
	}
	bit = (uint8_t)(1u << (idx % 8));
	if (d->claimed[idx / 8] & bit)
		return 1;
	d->claimed[idx / 8] |= bit;
	return 0;
}

int dtg_domain_add_passthrough(dtg_domain *d, const char *host_path)
{
	int r;
	const char *hname;
	struct dtg_pt *pt;
	int off, rc = require_mutable(d, "passthrough");

	if (rc)
		return rc;
	hname = dtg_host_name(d->host);
	if (!host_path || host_path[0] != '/')
		return dtg_error(d->ctx, DTG_EINVAL,
				 "%s: %s: passthrough: not an absolute node path",
				 hname, host_path ? host_path : "(null)");
	off = dtg_host_path_offset(d->host, host_path);
	if (off < 0)
		return dtg_error(d->ctx, DTG_ENOTFOUND,
				 "%s: %s: passthrough: no such node in the host DT",
				 hname, host_path);
	if (off == 0)
		return dtg_error(d->ctx, DTG_EINVAL,
				 "%s: %s: passthrough: the root node is not a device",
				 hname, host_path);
	r = claim_host_node(d, off);
	if (r < 0)
		return r;
	if (r > 0) {
		for (size_t i = 0; i < d->npt; i++)
			if (d->pt[i].host_offset == off)
				return dtg_error(d->ctx, DTG_EDUPLICATE,
						 "%s: %s: passthrough: already passed through (device %zu, %s)",
						 hname, host_path, i, d->pt[i].host_path);
	}
	if (d->npt >= (size_t)INT32_MAX)
		return dtg_error(d->ctx, DTG_ERANGE, "%s: %s: passthrough: too many devices",
				 hname, host_path);
	if (dtg_grow(d->ctx, (void **)&d->pt, &d->cappt, d->npt + 1, sizeof(*d->pt)))
		return dtg_error(d->ctx, DTG_ENOMEM, "domain: out of memory");
	pt = &d->pt[d->npt];
	memset(pt, 0, sizeof(*pt));
	pt->host_path = dtg_strdup(d->ctx, host_path);
	if (!pt->host_path)
		return dtg_error(d->ctx, DTG_ENOMEM, "domain: out of memory");
	pt->host_offset = off;
	return (int)d->npt++;
}

static struct dtg_pt *pt_get(dtg_domain *d, int dev, const char *what)
{
	if (require_mutable(d, what))
		return NULL;
	if (dev < 0 || (size_t)dev >= d->npt) {
		dtg_error(d->ctx, DTG_EINVAL, "domain: %s: no passthrough device %d",
			  what, dev);
		return NULL;
	}
	return &d->pt[dev];
}

/* The error pt_get() reported (ESTATE or EINVAL). */
static int pt_get_err(dtg_domain *d)
{
	return d && d->finalized ? -DTG_ESTATE : -DTG_EINVAL;
}

int dtg_pt_set_placement(dtg_domain *d, int dev, int range,
			 enum dtg_placement how, uint64_t addr)
{
	struct dtg_pt *pt = pt_get(d, dev, "placement");

	if (!pt)
		return pt_get_err(d);
	if (how != DTG_PLACE_IDENTITY && how != DTG_PLACE_AUTO &&
	    how != DTG_PLACE_FIXED)
		return dtg_error(d->ctx, DTG_EINVAL, "%s: %s: placement: unknown kind %d",
				 dtg_host_name(d->host), pt->host_path, (int)how);
	if (range < -1 || range > DTG_MAX_PT_RANGES)
		return dtg_error(d->ctx, DTG_ERANGE, "%s: %s: placement: no range %d",
				 dtg_host_name(d->host), pt->host_path, range);
	if (range == -1) {
		/* Every range: the default, overriding earlier per-range choices. */
		pt->place_default = how;
		pt->place_default_addr = addr;
		pt->nplace = 0;
		return 0;
	}
	if ((size_t)range >= pt->nplace) {
		enum dtg_placement *p;
		uint64_t *a;

		p = dtg_realloc(d->ctx, pt->place, (range + 1) * sizeof(*p));
		if (!p)
			return dtg_error(d->ctx, DTG_ENOMEM, "domain: out of memory");
		pt->place = p;
		a = dtg_realloc(d->ctx, pt->place_addr, (range + 1) * sizeof(*a));
		if (!a)
			return dtg_error(d->ctx, DTG_ENOMEM, "domain: out of memory");
		pt->place_addr = a;
		for (size_t i = pt->nplace; i <= (size_t)range; i++) {
			p[i] = pt->place_default;
			a[i] = pt->place_default_addr;
		}
		pt->nplace = range + 1;
	}
	pt->place[range] = how;
	pt->place_addr[range] = addr;
	return 0;
}

int dtg_pt_set_iommu(dtg_domain *d, int dev, enum dtg_iommu_mode mode)
{
	struct dtg_pt *pt = pt_get(d, dev, "iommu");

	if (!pt)
		return pt_get_err(d);
	if (mode != DTG_IOMMU_MODE_DEFAULT && mode != DTG_IOMMU_MODE_ON &&
	    mode != DTG_IOMMU_MODE_OFF)
		return dtg_error(d->ctx, DTG_EINVAL, "%s: %s: iommu: unknown mode %d",
				 dtg_host_name(d->host), pt->host_path, (int)mode);
	pt->iommu_mode = mode;
	return 0;
}

int dtg_clock_rate_set(dtg_ctx *ctx, struct dtg_pt_clock_rate **rate,
		       size_t *n, const char *who, const char *what,
		       const char *clock, uint64_t hz)
{
	struct dtg_pt_clock_rate *r;
	char *copy;

	if (!clock || !clock[0])
		return dtg_error(ctx, DTG_EINVAL, "%s: %s: clock-rate: no clock name",
				 who, what);
	if (hz == 0)
		return dtg_error(ctx, DTG_ERANGE, "%s: %s: clock-rate: %s: 0 Hz",
				 who, what, clock);
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*rate)[i].clock, clock)) {
			(*rate)[i].hz = hz;
			return 0;
		}
	copy = dtg_strdup(ctx, clock);
	r = copy ? dtg_realloc(ctx, *rate, (*n + 1) * sizeof(*r)) : NULL;
	if (!r) {
		dtg_free(ctx, copy);
		return dtg_error(ctx, DTG_ENOMEM, "domain: out of memory");
	}
	*rate = r;
	r[*n].clock = copy;
	r[*n].hz = hz;
	(*n)++;
	return 0;
}

uint64_t dtg_clock_rate_of(const struct dtg_pt_clock_rate *rate, size_t n,
			   const struct dtg_dep *dep, bool *used)
{
	char idx[16];

	snprintf(idx, sizeof(idx), "%d", dep->index);
	for (size_t i = 0; i < n; i++)
		if ((dep->name && !strcmp(rate[i].clock, dep->name)) ||
		    !strcmp(rate[i].clock, idx)) {
			used[i] = true;
			return rate[i].hz;
		}
	return 0;
}

void dtg_clock_rates_free(dtg_ctx *ctx, struct dtg_pt_clock_rate *rate,
			  size_t n)
{
	for (size_t i = 0; i < n; i++)
		dtg_free(ctx, rate[i].clock);
	dtg_free(ctx, rate);
}

int dtg_pt_set_clock_rate(dtg_domain *d, int dev, const char *clock,
			  uint64_t hz)
{
	struct dtg_pt *pt = pt_get(d, dev, "clock-rate");

	if (!pt)
		return pt_get_err(d);
	return dtg_clock_rate_set(d->ctx, &pt->rate, &pt->nrate,
				  dtg_host_name(d->host), pt->host_path, clock, hz);
}

int dtg_pt_keep_property(dtg_domain *d, int dev, const char *prop)
{
	struct dtg_pt *pt = pt_get(d, dev, "keep");
	char **k, *copy;

	if (!pt)
		return pt_get_err(d);
	if (!prop || !prop[0])
		return dtg_error(d->ctx, DTG_EINVAL, "%s: %s: keep: no property name",
				 dtg_host_name(d->host), pt->host_path);
	for (size_t i = 0; i < pt->nkeep; i++)
		if (!strcmp(pt->keep[i], prop))
			return 0;
	copy = dtg_strdup(d->ctx, prop);
	if (!copy)
		return dtg_error(d->ctx, DTG_ENOMEM, "domain: out of memory");
	k = dtg_realloc(d->ctx, pt->keep, (pt->nkeep + 1) * sizeof(*k));
	if (!k) {
		dtg_free(d->ctx, copy);
		return dtg_error(d->ctx, DTG_ENOMEM, "domain: out of memory");
	}
	pt->keep = k;
	pt->keep[pt->nkeep++] = copy;
	return 0;
}

int dtg_domain_get_info(const dtg_domain *d, struct dtg_domain_info *info)
{
	if (!d || !info)
		return -DTG_EINVAL;
	memset(info, 0, sizeof(*info));
	info->name = d->name;
	info->arch = d->arch;
	info->gic_version = d->finalized ? d->final_gic_version : d->gic_version;
	info->vcpus = d->vcpus;
	info->memory_mib = d->memory_mib;
	info->vpl011 = d->vpl011;
	info->nr_spis = d->finalized ? d->final_nr_spis : d->nr_spis;
	info->kernel = d->kernel;
	info->cmdline = d->cmdline;
	info->ramdisk = d->ramdisk;
	info->nstatic_mem = d->nstatic_mem;
	info->static_mem = (const uint64_t (*)[2])d->static_mem;
	info->direct_map = d->direct_map;
	info->llc_colors = d->llc_colors;
	return 0;
}

size_t dtg_domain_pt_count(const dtg_domain *d)
{
	return d ? d->npt : 0;
}

int dtg_domain_pt_info(const dtg_domain *d, size_t i, struct dtg_pt_info *info)
{
	const struct dtg_pt *pt;
	int rc;

	if (!d || !info)
		return -DTG_EINVAL;
	rc = dtg_domain_require_final(d, "pt_info");
	if (rc)
		return rc;
	if (i >= d->npt)
		return dtg_error(d->ctx, DTG_EINVAL, "pt_info: no passthrough device %zu", i);
	pt = &d->pt[i];
	info->host_path = pt->host_path;
	info->guest_path = pt->guest_path;
	info->iommu = pt->iommu;
	info->nrange = pt->nrange;
	info->range = pt->range;
	info->nirq = pt->nirq;
	info->irq = pt->irq;
	return 0;
}
