/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/copro-finalize.c - the finalize step of shared coprocessor
 * instances: resolve each coprocessor on the host, select the named
 * ranges and IRQs, place every range (host base, explicit or automatic,
 * clear of the guest map - guest-map.c - of the passthrough ranges and of
 * the other instances), give every IRQ a virtual SPI clear of vpl011,
 * virtio, the vSMMUv3 and every passthrough SPI, and build the guest
 * node, appended to the domain's /passthrough children.
 *
 * Runs after the passthrough passes (finalize-mmio.c has placed every
 * passthrough range and finalize-irq.c decided every SPI).
 */
#include <stdio.h>
#include <stdlib.h>

#include <libfdt.h>

#include "host-internal.h"
#include "finalize-internal.h"
#include "viommu-internal.h"
#include "copro-internal.h"

#define HX(v) ((unsigned long long)(v))

/* First INTID allocated to instance IRQs: after 32 (vpl011) and 33..44. */
#define DTG_COPRO_FIRST_AUTO_VIRQ (DTG_GUEST_SPI_VIRTIO_LAST + 2)

/* An occupied guest range, for placement and messages. */
struct copro_occ {
	uint64_t base, size;
	const char *what;   /* region name or owner path */
};

struct copro_fin {
	struct dtg_fin *f;
	struct copro_occ *occ;
	size_t nocc, cocc;
	uint32_t *used;          /* guest INTIDs taken, unsorted */
	const char **used_by;
	size_t nused, cused, cused_by;
};

static int occ_add(struct copro_fin *cf, uint64_t base, uint64_t size,
		   const char *what)
{
	if (dtg_grow(cf->f->ctx, (void **)&cf->occ, &cf->cocc, cf->nocc + 1,
		     sizeof(*cf->occ)))
		return dtg_error(cf->f->ctx, DTG_ENOMEM, "finalize: out of memory");
	cf->occ[cf->nocc++] = (struct copro_occ){ base, size, what };
	return 0;
}

static const struct copro_occ *occ_hit(const struct copro_fin *cf,
				       uint64_t base, uint64_t size)
{
	for (size_t i = 0; i < cf->nocc; i++)
		if (dtg_ranges_overlap(cf->occ[i].base, cf->occ[i].size, base, size))
			return &cf->occ[i];
	return NULL;
}

static int used_add(struct copro_fin *cf, uint32_t intid, const char *by)
{
	size_t c2 = cf->cused_by;

	if (dtg_grow(cf->f->ctx, (void **)&cf->used, &cf->cused, cf->nused + 1,
		     sizeof(*cf->used)) ||
	    dtg_grow(cf->f->ctx, (void **)&cf->used_by, &c2, cf->nused + 1,
		     sizeof(*cf->used_by)))
		return dtg_error(cf->f->ctx, DTG_ENOMEM, "finalize: out of memory");
	cf->cused_by = c2;
	cf->used[cf->nused] = intid;
	cf->used_by[cf->nused++] = by;
	return 0;
}

static const char *used_find(const struct copro_fin *cf, uint32_t intid)
{
	for (size_t i = 0; i < cf->nused; i++)
		if (cf->used[i] == intid)
			return cf->used_by[i];
	return NULL;
}

/* Everything else in the guest: map regions, passthrough ranges, SPIs. */
static int collect_obstacles(struct copro_fin *cf)
{
	struct dtg_fin *f = cf->f;
	struct dtg_domain *d = f->d;
	const struct dtg_viommu_state *vs = d->vstate;
	int r = 0;

	/* dom0's map is the host's: a domU's guest map is not in it */
	for (size_t i = 0; i < f->nmap && !r && !d->dom0; i++)
		r = occ_add(cf, f->map[i].base, f->map[i].size, f->map[i].name);
	for (size_t p = 0; p < d->npt && !r; p++)
		for (size_t k = 0; k < d->pt[p].nrange && !r; k++)
			r = occ_add(cf, d->pt[p].range[k].map_guest,
				    d->pt[p].range[k].map_size, d->pt[p].host_path);
	if (d->dom0)
		return r;   /* dom0's INTIDs are the host's (place_irqs) */
	if (!r && d->vpl011)
		r = used_add(cf, DTG_GUEST_SPI_VPL011, "the vpl011 UART");
	/* virtio-mmio devices and the vSMMUv3 take INTIDs 33..44 (viommu-domain.c). */
	if (!r && vs && (vs->nvirtio || vs->cfg.type == DTG_VIOMMU_SMMUV3))
		for (uint32_t q = DTG_GUEST_SPI_VIRTIO_FIRST;
		     q <= DTG_GUEST_SPI_VIRTIO_LAST + 1 && !r; q++)
			r = used_add(cf, q, "the virtio-mmio devices / vSMMUv3");
	for (size_t p = 0; p < d->npt && !r; p++)
		for (size_t k = 0; k < d->pt[p].nirq && !r; k++)
			r = used_add(cf, d->pt[p].irq[k].virq, d->pt[p].host_path);
	return r;
}

/* Index of a reg-names / interrupt-names entry or a decimal index. */
static int lookup_name(const char *sel, size_t n, const char *(*name_at)(const void *, size_t),
		       const void *arr)
{
	char *end;
	unsigned long v;

	for (size_t i = 0; i < n; i++) {
		const char *nm = name_at(arr, i);

		if (nm && !strcmp(nm, sel))
			return (int)i;
	}
	v = strtoul(sel, &end, 10);
	if (*sel >= '0' && *sel <= '9' && !*end && v < n)
		return (int)v;
	return -1;
}

static const char *mmio_name(const void *arr, size_t i)
{
	return ((const struct dtg_mmio *)arr)[i].name;
}

static const char *irq_name(const void *arr, size_t i)
{
	return ((const struct dtg_irq *)arr)[i].name;
}

/* "l2ram, l1pram, l1dram" for messages. */
static void names_list(char *buf, size_t sz, size_t n,
		       const char *(*name_at)(const void *, size_t), const void *arr)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && len < sz; i++) {
		const char *nm = name_at(arr, i);
		int w = nm ? snprintf(buf + len, sz - len, "%s%s", i ? ", " : "", nm) :
			     snprintf(buf + len, sz - len, "%s%zu", i ? ", " : "", i);

		if (w < 0)
			break;
		len += (size_t)w;
	}
	if (!n)
		snprintf(buf, sz, "none");
}

/* Resolve the selection: indices into dev's mmio[] / irq[]. */
static int select_entries(struct dtg_fin *f, struct dtg_copro_inst *c,
			  char **sel, size_t nsel, bool all_none, size_t n,
			  const char *(*name_at)(const void *, size_t), const void *arr,
			  const char *prop, int **out, size_t *nout)
{
	size_t cnt = all_none ? 0 : nsel ? nsel : n;
	int *ix = cnt ? dtg_arena_alloc(f->a, cnt * sizeof(*ix)) : NULL;

	if (cnt && !ix)
		return -DTG_ENOMEM;
	for (size_t i = 0; i < cnt; i++) {
		if (!nsel) {
			ix[i] = (int)i;
			continue;
		}
		ix[i] = lookup_name(sel[i], n, name_at, arr);
		if (ix[i] < 0) {
			char have[256];

			names_list(have, sizeof(have), n, name_at, arr);
			return dtg_error(f->ctx, DTG_ENOTFOUND,
					 "%s: %s: %s: no entry \"%s\" (the node has: %s)",
					 f->hname, c->host_path, prop, sel[i], have);
		}
		for (size_t k = 0; k < i; k++)
			if (ix[k] == ix[i])
				return dtg_error(f->ctx, DTG_EDUPLICATE,
						 "%s: %s: %s: entry \"%s\" selected twice",
						 f->hname, c->host_path, prop, sel[i]);
	}
	*out = ix;
	*nout = cnt;
	return 0;
}

static uint64_t auto_align(uint64_t size)
{
	uint64_t a = DTG_PAGE_SIZE;

	while (a < size && a < DTG_AUTO_ALIGN_MAX)
		a <<= 1;
	return a;
}

/* First fit in the guest's free windows below RAM (guest-map.c). */
static bool auto_place(const struct copro_fin *cf, uint64_t size, uint64_t *out)
{
	uint64_t align = auto_align(size);

	for (size_t w = 0; w < dtg_guest_auto_nwindows; w++) {
		const struct dtg_guest_window *win = &dtg_guest_auto_windows[w];
		uint64_t cand = (win->base + align - 1) & ~(align - 1);
		const struct copro_occ *o;

		while (cand + size <= win->end && (o = occ_hit(cf, cand, size)))
			cand = (o->base + o->size + align - 1) & ~(align - 1);
		if (cand + size <= win->end) {
			*out = cand;
			return true;
		}
	}
	return false;
}

static enum dtg_placement place_of(const struct dtg_copro_inst *c, size_t r,
				   uint64_t *addr)
{
	if (r < c->nplace) {
		*addr = c->place_addr[r];
		return c->place[r];
	}
	*addr = c->place_default_addr;
	return c->place_default;
}

static int place_ranges(struct copro_fin *cf, struct dtg_copro_inst *c,
			const struct dtg_device *dev, const int *ix, size_t n)
{
	struct dtg_fin *f = cf->f;
	struct dtg_copro_range *rg = n ? dtg_arena_alloc(f->a, n * sizeof(*rg)) : NULL;

	if (n && !rg)
		return -DTG_ENOMEM;
	if (c->nplace > n)
		return dtg_error(f->ctx, DTG_ERANGE,
				 "%s: %s: reg: a guest base is given for range %zu but the instance has %zu",
				 f->hname, c->host_path, c->nplace - 1, n);
	/* Fixed and 1:1 first, so auto ranges go around them. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			const struct dtg_mmio *m = &dev->mmio[ix[i]];
			uint64_t fixed, guest, span;
			enum dtg_placement how = place_of(c, i, &fixed);
			const struct copro_occ *o;
			const struct dtg_guest_region *g;
			const char *label = m->name ? m->name : "";

			if (f->d->dom0) {
				/* dom0 sees the host's map 1:1 (Xen's
				 * handle_device maps dom0's MMIO there) */
				if (how == DTG_PLACE_FIXED && fixed != m->addr)
					return dtg_error(f->ctx, DTG_EINVAL,
							 "%s: %s: reg: range %d %s: dom0 sees the host's address map 1:1; its instance is at the host address 0x%llx, not 0x%llx",
							 f->hname, c->host_path, m->index, label,
							 HX(m->addr), HX(fixed));
				how = DTG_PLACE_IDENTITY;
			}
			if ((how == DTG_PLACE_AUTO) != (pass == 1))
				continue;
			if (!m->size || (m->addr & DTG_PAGE_MASK) ||
			    m->size > UINT64_MAX - DTG_PAGE_MASK)
				return dtg_error(f->ctx, DTG_EINVAL,
						 "%s: %s: reg: range %d %s(0x%llx+0x%llx) is not a page-aligned, non-empty range; Xen shares whole pages",
						 f->hname, c->host_path, m->index, label, HX(m->addr), HX(m->size));
			span = (m->size + DTG_PAGE_MASK) & ~DTG_PAGE_MASK;
			if (how == DTG_PLACE_AUTO) {
				if (!auto_place(cf, span, &guest))
					return dtg_error(f->ctx, DTG_ERANGE,
							 "%s: %s: reg: range %d %s(0x%llx bytes): no room left in the guest's free windows below RAM",
							 f->hname, c->host_path, m->index, label, HX(span));
			} else {
				guest = how == DTG_PLACE_FIXED ? fixed : m->addr;
				if ((guest & DTG_PAGE_MASK) || guest > UINT64_MAX - span)
					return dtg_error(f->ctx, DTG_ERANGE,
							 "%s: %s: reg: range %d %s: guest base 0x%llx is not page-aligned",
							 f->hname, c->host_path, m->index, label, HX(guest));
				g = f->d->dom0 ? NULL :
				    dtg_guest_map_overlap(f->map, f->nmap, guest, span);
				if (g)
					return dtg_error(f->ctx, DTG_EOVERLAP,
							 "%s: %s: reg: range %d %s at guest 0x%llx+0x%llx overlaps %s (0x%llx-0x%llx)",
							 f->hname, c->host_path, m->index, label, HX(guest),
							 HX(span), g->name, HX(g->base), HX(g->base + g->size - 1));
				o = occ_hit(cf, guest, span);
				if (o)
					return dtg_error(f->ctx, DTG_EOVERLAP,
							 "%s: %s: reg: range %d %s at guest 0x%llx+0x%llx overlaps a range of %s at guest 0x%llx+0x%llx",
							 f->hname, c->host_path, m->index, label, HX(guest),
							 HX(span), o->what, HX(o->base), HX(o->size));
			}
			rg[i].name = m->name ? dtg_arena_strdup(f->a, m->name) : NULL;
			rg[i].host_index = m->index;
			rg[i].host_addr = m->addr;
			rg[i].guest_addr = guest;
			rg[i].size = m->size;
			{
				int r = occ_add(cf, guest, span, c->host_path);

				if (r)
					return r;
			}
		}
	c->info.range = rg;
	c->info.nrange = n;
	return 0;
}

static int place_irqs(struct copro_fin *cf, struct dtg_copro_inst *c,
		      const struct dtg_device *dev, const int *ix, size_t n,
		      uint32_t *max_vintid)
{
	struct dtg_fin *f = cf->f;
	const char *prop = fdt_getprop(f->fdt, dev->offset, "interrupts-extended", NULL) ?
			   "interrupts-extended" : "interrupts";
	struct dtg_copro_irq *q = n ? dtg_arena_alloc(f->a, n * sizeof(*q)) : NULL;

	if (n && !q)
		return -DTG_ENOMEM;
	if (c->nvirq > n)
		return dtg_error(f->ctx, DTG_ERANGE,
				 "%s: %s: %s: a virtual IRQ is given for IRQ %zu but the instance has %zu",
				 f->hname, c->host_path, prop, c->nvirq - 1, n);
	/* Given virtual IRQs first, then allocate the rest. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++) {
			const struct dtg_irq *h = &dev->irq[ix[i]];
			uint32_t v = i < c->nvirq ? c->virq[i] : 0;
			const char *by;
			int r;

			if ((v == 0) != (pass == 1))
				continue;
			if (h->kind != DTG_IRQ_SPI)
				return dtg_error(f->ctx, DTG_EUNSUPPORTED,
						 "%s: %s: %s: interrupt %d does not end at a GIC SPI (%s); Xen cannot take it to inject a virtual one",
						 f->hname, c->host_path, prop, h->index,
						 h->controller ? h->controller : "unknown controller");
			if (f->d->dom0) {
				/* Xen routes dom0's IRQs 1:1 (map_irq_to_domain:
				 * route_irq_to_guest(d, irq, irq, ...)) */
				if (v && v != h->intid)
					return dtg_error(f->ctx, DTG_EINVAL,
							 "%s: %s: %s: interrupt %d: dom0's interrupts are the host's; its virtual INTID is %u, not %u",
							 f->hname, c->host_path, prop, h->index,
							 h->intid, v);
				v = h->intid;
				goto take;
			}
			if (v) {
				if (v > 1019)
					return dtg_error(f->ctx, DTG_ERANGE,
							 "%s: %s: %s: interrupt %d: virtual INTID %u is not a guest SPI (32..1019)",
							 f->hname, c->host_path, prop, h->index, v);
				by = used_find(cf, v);
				if (by)
					return dtg_error(f->ctx, DTG_EOVERLAP,
							 "%s: %s: %s: interrupt %d: virtual INTID %u is already used by %s",
							 f->hname, c->host_path, prop, h->index, v, by);
			} else {
				/* Above the SPIs Xen gives guests (vpl011, virtio,
				 * vSMMUv3), so enabling those never moves it. */
				for (v = DTG_COPRO_FIRST_AUTO_VIRQ; v <= 1019 && used_find(cf, v); v++)
					;
				if (v > 1019)
					return dtg_error(f->ctx, DTG_ERANGE,
							 "%s: %s: %s: interrupt %d: no free guest SPI left",
							 f->hname, c->host_path, prop, h->index);
			}
			r = used_add(cf, v, c->host_path);
			if (r)
				return r;
take:
			q[i].name = h->name ? dtg_arena_strdup(f->a, h->name) : NULL;
			q[i].host_index = h->index;
			q[i].pintid = h->intid;
			q[i].vintid = v;
			q[i].flags = h->flags;
			if (v > *max_vintid)
				*max_vintid = v;
		}
	c->info.irq = q;
	c->info.nirq = n;
	return 0;
}

/* Set one property of a guest node being built (arena memory). */
static int gprop(struct dtg_fin *f, struct dtg_gnode *g, size_t cap,
		 const char *name, const void *val, size_t len)
{
	void *copy = len ? dtg_arena_alloc(f->a, len) : NULL;

	if (g->nprop >= cap || (len && !copy))
		return -DTG_ENOMEM;
	if (len)
		memcpy(copy, val, len);
	g->prop[g->nprop++] = DTG_GPROP(name, copy, (uint32_t)len);
	return 0;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A string list "a\0b\0" of names, or 0 if any entry has none. */
static size_t strlist(char *buf, size_t sz, const char *const *names, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		size_t l;

		if (!names[i])
			return 0;
		l = strlen(names[i]) + 1;
		if (len + l > sz)
			return 0;
		memcpy(buf + len, names[i], l);
		len += l;
	}
	return len;
}

/*
 * The instance's clocks, as a passthrough device's (finalize-clock.c): a
 * rate from clock-rate=, else the host's (a fixed-clock or
 * assigned-clock-rates), else the rate a passed-through device sharing
 * the clock gave.  Where passthrough would refuse a clock with no known
 * rate, the instance leaves it out with a notice, so that coprocessors
 * with only a clkctrl clock (DRA7's DSP, OMAP5's IPU) still get their
 * instance.  dom0 keeps the host's clocks.
 */
static int select_clocks(struct dtg_fin *f, struct dtg_copro_inst *c,
			 const struct dtg_device *dev, size_t **clk_ix)
{
	struct dtg_copro_clock *out;
	bool *used;
	size_t n = 0;
	int r = 0;

	*clk_ix = NULL;
	if (f->d->dom0) {
		if (c->nrate)
			return dtg_error(f->ctx, DTG_EINVAL,
					 "%s: %s: clock-rate: dom0's instance uses the host's clocks",
					 f->hname, c->host_path);
		return 0;
	}
	out = dtg_arena_alloc(f->a, (dev->ndep ? dev->ndep : 1) * sizeof(*out));
	*clk_ix = dtg_arena_alloc(f->a, (dev->ndep ? dev->ndep : 1) * sizeof(**clk_ix));
	used = dtg_zalloc(f->ctx, (c->nrate ? c->nrate : 1) * sizeof(*used));
	if (!out || !*clk_ix || !used) {
		dtg_free(f->ctx, used);
		return -DTG_ENOMEM;
	}
	for (size_t i = 0; !r && i < dev->ndep; i++) {
		const struct dtg_dep *dep = &dev->dep[i];
		const struct dtg_fin_clock *shared;
		uint64_t rate = 0;
		char idx[16];

		if (dep->kind != DTG_DEP_CLOCK || strcmp(dep->prop, "clocks"))
			continue;
		snprintf(idx, sizeof(idx), "%d", dep->index);
		rate = dtg_clock_rate_of(c->rate, c->nrate, dep, used);
		shared = dtg_fin_clock_find(f, dep);
		if (!rate)
			rate = dep->rate ? dep->rate : shared ? shared->rate : 0;
		if (!rate) {
			dtg_log(f->ctx, DTG_LOG_NOTICE,
				"%s: %s: clocks: clock %d (%s) from %s has no known rate: left out of the coprocessor instance (give one with clock-rate=%s:HZ)",
				f->hname, c->host_path, dep->index,
				dep->name ? dep->name : "unnamed", dep->provider,
				dep->name ? dep->name : idx);
			continue;
		}
		{
			/* dev is freed after this instance: f->clk keeps copies */
			struct dtg_dep kept = *dep;

			kept.name = dep->name ? dtg_arena_strdup(f->a, dep->name) : NULL;
			kept.provider = dtg_arena_strdup(f->a, dep->provider ? dep->provider : "");
			if ((dep->name && !kept.name) || !kept.provider) {
				r = -DTG_ENOMEM;
				break;
			}
			r = dtg_fin_clock_for(f, c->host_path, &kept, rate, &(*clk_ix)[n]);
			if (!r)
				out[n++] = (struct dtg_copro_clock){ kept.name, dep->index, rate };
		}
	}
	for (size_t k = 0; !r && k < c->nrate; k++)
		if (!used[k])
			r = dtg_error(f->ctx, DTG_ENOTFOUND,
				      "%s: %s: clock-names: the description gives a rate for clock \"%s\", which the coprocessor does not have",
				      f->hname, c->host_path, c->rate[k].clock);
	dtg_free(f->ctx, used);
	c->info.nclock = n;
	c->info.clock = n ? out : NULL;
	return r;
}

/* Properties the guest gets copied verbatim (they hold no phandles). */
static const char *const copied_props[] = { "firmware-name", "dma-coherent" };

static int build_gnode(struct dtg_fin *f, struct dtg_copro_inst *c,
		       const struct dtg_device *dev, const size_t *clk_ix,
		       struct dtg_gnode *g)
{
	const struct dtg_copro_info *in = &c->info;
	const char *nm = fdt_get_name(f->fdt, dev->offset, NULL);
	size_t base_len = nm ? strcspn(nm, "@") : 0;
	size_t cap = 10 + DTG_ARRAY_SIZE(copied_props);
	const void *v;
	uint8_t *cells;
	char name[128], list[1024];
	const char *names[256];
	int len, r = 0;

	if (!nm)
		return dtg_error(f->ctx, DTG_EINVAL, "%s: %s: coprocessor: unnamed node",
				 f->hname, c->host_path);
	if (in->nrange)
		snprintf(name, sizeof(name), "%.*s@%llx", (int)base_len, nm,
			 HX(in->range[0].guest_addr));
	else
		snprintf(name, sizeof(name), "%.*s", (int)base_len, nm);
	g->name = dtg_arena_strdup(f->a, name);
	g->prop = dtg_arena_alloc(f->a, cap * sizeof(*g->prop));
	if (!g->name || !g->prop)
		return -DTG_ENOMEM;
	v = fdt_getprop(f->fdt, dev->offset, "compatible", &len);
	if (v && len > 0)
		r = gprop(f, g, cap, "compatible", v, (size_t)len);
	if (!r && in->nrange) {
		cells = dtg_arena_alloc(f->a, in->nrange * 16);
		if (!cells)
			return -DTG_ENOMEM;
		for (size_t i = 0; i < in->nrange; i++) {
			put_be32(cells + 16 * i, (uint32_t)(in->range[i].guest_addr >> 32));
			put_be32(cells + 16 * i + 4, (uint32_t)in->range[i].guest_addr);
			put_be32(cells + 16 * i + 8, (uint32_t)(in->range[i].size >> 32));
			put_be32(cells + 16 * i + 12, (uint32_t)in->range[i].size);
		}
		r = gprop(f, g, cap, "reg", cells, in->nrange * 16);
		if (!r && in->nrange <= DTG_ARRAY_SIZE(names)) {
			for (size_t i = 0; i < in->nrange; i++)
				names[i] = in->range[i].name;
			len = (int)strlist(list, sizeof(list), names, in->nrange);
			if (len)
				r = gprop(f, g, cap, "reg-names", list, (size_t)len);
		}
	}
	if (!r && in->nirq) {
		uint8_t ph[4];

		cells = dtg_arena_alloc(f->a, in->nirq * 12);
		if (!cells)
			return -DTG_ENOMEM;
		for (size_t i = 0; i < in->nirq; i++) {
			put_be32(cells + 12 * i, 0);   /* GIC_SPI */
			put_be32(cells + 12 * i + 4, in->irq[i].vintid - 32);
			put_be32(cells + 12 * i + 8, in->irq[i].flags);
		}
		put_be32(ph, DTG_GUEST_PHANDLE_GIC);
		r = gprop(f, g, cap, "interrupt-parent", ph, 4);
		if (!r)
			r = gprop(f, g, cap, "interrupts", cells, in->nirq * 12);
		if (!r && in->nirq <= DTG_ARRAY_SIZE(names)) {
			for (size_t i = 0; i < in->nirq; i++)
				names[i] = in->irq[i].name;
			len = (int)strlist(list, sizeof(list), names, in->nirq);
			if (len)
				r = gprop(f, g, cap, "interrupt-names", list, (size_t)len);
		}
	}
	if (!r && in->nclock) {
		/* each a fixed-clock with #clock-cells 0: one phandle per entry,
		 * all local (an overlay renumbers them) */
		uint32_t *local = dtg_arena_alloc(f->a, in->nclock * sizeof(*local));

		cells = dtg_arena_alloc(f->a, in->nclock * 4);
		if (!cells || !local)
			return -DTG_ENOMEM;
		for (size_t i = 0; i < in->nclock; i++) {
			put_be32(cells + 4 * i, f->clk[clk_ix[i]].guest_phandle);
			local[i] = (uint32_t)i;
		}
		r = gprop(f, g, cap, "clocks", cells, in->nclock * 4);
		if (!r) {
			g->prop[g->nprop - 1].local_ph = local;
			g->prop[g->nprop - 1].nlocal_ph = (uint32_t)in->nclock;
		}
		if (!r && in->nclock <= DTG_ARRAY_SIZE(names)) {
			for (size_t i = 0; i < in->nclock; i++)
				names[i] = in->clock[i].name;
			len = (int)strlist(list, sizeof(list), names, in->nclock);
			if (len)
				r = gprop(f, g, cap, "clock-names", list, (size_t)len);
		}
	}
	for (size_t i = 0; !r && i < DTG_ARRAY_SIZE(copied_props); i++) {
		v = fdt_getprop(f->fdt, dev->offset, copied_props[i], &len);
		if (v && len >= 0)
			r = gprop(f, g, cap, copied_props[i], v, (size_t)len);
	}
	if (!r)
		r = gprop(f, g, cap, "status", "okay", 5);
	if (r)
		return r;
	/* dom0's DT is the host's: the instance is the host node itself */
	if (f->d->dom0)
		snprintf(list, sizeof(list), "%s", c->host_path);
	else
		snprintf(list, sizeof(list), "/passthrough/%s", g->name);
	c->info.guest_path = dtg_arena_strdup(f->a, list);
	return c->info.guest_path ? 0 : -DTG_ENOMEM;
}

static int finalize_inst(struct copro_fin *cf, struct dtg_copro_inst *c,
			 size_t id, struct dtg_gnode *g, uint32_t *max_vintid)
{
	struct dtg_fin *f = cf->f;
	struct dtg_domain *d = f->d;
	struct dtg_device *dev = NULL;
	int *rix = NULL, *iix = NULL;
	size_t nr = 0, ni = 0, *clk_ix = NULL;
	int r;

	memset(&c->info, 0, sizeof(c->info));
	if (dtg_host_is_gic(f->host, c->host_offset))
		return dtg_error(f->ctx, DTG_EUNSUPPORTED,
				 "%s: %s: compatible: the host's interrupt controller belongs to Xen and cannot be shared",
				 f->hname, c->host_path);
	for (size_t p = 0; p < d->npt; p++)
		if (d->pt[p].host_offset == c->host_offset)
			return dtg_error(f->ctx, DTG_EINVAL,
					 "%s: %s: coprocessor: the node is both passed through and shared in this domain; give it one way",
					 f->hname, c->host_path);
	r = dtg_host_resolve_offset(f->host, f->ctx, c->host_offset, &dev);
	if (r)
		return r;
	r = select_entries(f, c, c->rsel, c->nrsel, false, dev->nmmio, mmio_name,
			   dev->mmio, "reg-names", &rix, &nr);
	if (!r)
		r = select_entries(f, c, c->isel, c->nisel, c->no_irqs, dev->nirq,
				   irq_name, dev->irq, "interrupt-names", &iix, &ni);
	if (!r)
		r = place_ranges(cf, c, dev, rix, nr);
	if (!r)
		r = place_irqs(cf, c, dev, iix, ni, max_vintid);
	if (!r)
		r = select_clocks(f, c, dev, &clk_ix);
	if (!r) {
		c->info.host_path = dtg_arena_strdup(f->a, c->host_path);
		c->info.id = (uint32_t)id;
		c->info.mode = c->mode;
		r = c->info.host_path ? build_gnode(f, c, dev, clk_ix, g) : -DTG_ENOMEM;
	}
	dtg_device_free(f->ctx, dev);
	return r;
}

int dtg_finalize_copro(struct dtg_fin *f)
{
	struct dtg_domain *d = f->d;
	struct dtg_copro_state *cs = d->cstate;
	struct copro_fin cf = { .f = f };
	struct dtg_gnode *all, *inst_g;
	size_t nclk0 = f->nclk, nnew;
	uint32_t max_vintid = 0;
	unsigned need;
	int r;

	if (!cs || !cs->n)
		return 0;
	if (d->arch == DTG_ARCH_X86)
		return dtg_error(f->ctx, DTG_EUNSUPPORTED,
				 "%s: %s: coprocessor: x86 guests have no device tree; only Arm is supported",
				 f->hname, cs->inst[0].host_path);
	/* After the passthrough nodes in gnode[]: the fixed clocks only
	 * instances use, then the instances' nodes. */
	inst_g = dtg_arena_alloc(f->a, cs->n * sizeof(*inst_g));
	if (!inst_g)
		return -DTG_ENOMEM;
	r = collect_obstacles(&cf);
	for (size_t i = 0; !r && i < cs->n; i++)
		r = finalize_inst(&cf, &cs->inst[i], i, &inst_g[i], &max_vintid);
	dtg_free(f->ctx, cf.occ);
	dtg_free(f->ctx, cf.used);
	dtg_free(f->ctx, cf.used_by);
	if (r)
		return r == -DTG_ENOMEM ? dtg_error(f->ctx, DTG_ENOMEM, "finalize: out of memory") : r;
	nnew = f->nclk - nclk0;
	all = dtg_arena_alloc(f->a, (d->ngnode + nnew + cs->n) * sizeof(*all));
	if (!all)
		return dtg_error(f->ctx, DTG_ENOMEM, "finalize: out of memory");
	if (d->ngnode)
		memcpy(all, d->gnode, d->ngnode * sizeof(*all));
	for (size_t i = 0; i < nnew; i++) {
		r = dtg_fin_clock_gnode(f, &f->clk[nclk0 + i], &all[d->ngnode + i]);
		if (r)
			return dtg_error(f->ctx, DTG_ENOMEM, "finalize: out of memory");
	}
	for (size_t i = 0; i < cs->n; i++) {
		cs->inst[i].gnode_ix = d->ngnode + nnew + i;
		all[cs->inst[i].gnode_ix] = inst_g[i];
	}
	for (size_t p = 0; p < d->npt; p++)
		if (d->pt[p].gnode)
			d->pt[p].gnode = all + (d->pt[p].gnode - d->gnode);
	d->gnode = all;
	d->ngnode += nnew + cs->n;
	for (size_t i = 0; i < cs->n; i++)
		cs->inst[i].gnode = &all[cs->inst[i].gnode_ix];
	need = max_vintid >= 32 ? max_vintid - 31 : 0;
	if (d->nr_spis && d->nr_spis < need)
		return dtg_error(f->ctx, DTG_ERANGE,
				 "%s: domain: nr_spis: %u is too few: a coprocessor instance IRQ is INTID %u, which needs nr_spis >= %u",
				 f->hname, d->nr_spis, max_vintid, need);
	if (d->final_nr_spis < need)
		d->final_nr_spis = need;
	return 0;
}
