/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/finalize-mmio.c - guest placement of every passthrough MMIO range:
 * page alignment (Xen maps whole 4 KiB pages, so an unaligned range is
 * widened only when no device of another owner lives in those pages),
 * 1:1, fixed and automatic placement, and the overlap checks against the
 * guest memory map, guest RAM and each other.  Ranges whose host pages
 * overlap (a TI ti,sysc target-module and its child, given together)
 * share one translation, and each page is mapped once (pt->map).
 */
#include <stdio.h>
#include <stdlib.h>

#include <libfdt.h>

#include "host-internal.h"
#include "finalize-internal.h"

#define HX(v) ((unsigned long long)(v))

/* Xen on Arm64: PADDR_BITS 48 (arm32: 40), its paddr_bits. */
#define DTG_XEN_ARM_PADDR_BITS 48
#define DTG_XEN_ARM_PADDR_LIMIT (1ULL << DTG_XEN_ARM_PADDR_BITS)

static uint64_t page_down(uint64_t a) { return a & ~DTG_PAGE_MASK; }

/* Round up to a page; false on overflow. */
static bool page_up(uint64_t a, uint64_t *out)
{
	if (a > UINT64_MAX - DTG_PAGE_MASK)
		return false;
	*out = (a + DTG_PAGE_MASK) & ~DTG_PAGE_MASK;
	return true;
}

static int cmp_mix(const void *a, const void *b)
{
	const struct dtg_fin_mmio_ix *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Index every host device's MMIO by page, once, sorted by start. */
static int build_mmio_index(struct dtg_fin *f)
{
	size_t maxlen = 0;

	f->mix_built = true;
	for (int off = dtg_host_next_device(f->host, -1); off >= 0;
	     off = dtg_host_next_device(f->host, off)) {
		struct dtg_device *dev;
		int rc = dtg_host_resolve_offset(f->host, f->ctx, off, &dev);

		if (rc == -DTG_ENOMEM)
			return rc;
		if (rc)
			continue;
		for (size_t i = 0; i < dev->nmmio; i++) {
			uint64_t end;
			struct dtg_fin_mmio_ix *e;

			if (!dev->mmio[i].size ||
			    dev->mmio[i].addr > UINT64_MAX - dev->mmio[i].size ||
			    !page_up(dev->mmio[i].addr + dev->mmio[i].size, &end))
				continue;
			if (dtg_grow(f->ctx, (void **)&f->mix, &f->cmix, f->nmix + 1,
				     sizeof(*f->mix))) {
				dtg_device_free(f->ctx, dev);
				return dtg_error(f->ctx, DTG_ENOMEM, "finalize: out of memory");
			}
			e = &f->mix[f->nmix++];
			e->start = page_down(dev->mmio[i].addr);
			e->end = end;
			e->offset = off;
			if (end - e->start > maxlen)
				maxlen = end - e->start;
		}
		dtg_device_free(f->ctx, dev);
	}
	if (f->nmix)
		qsort(f->mix, f->nmix, sizeof(*f->mix), cmp_mix);
	/* A running maximum of ends bounds the backward scan below. */
	for (size_t i = 0; i < f->nmix; i++)
		f->mix[i].maxend = i && f->mix[i - 1].maxend > f->mix[i].end ?
				   f->mix[i - 1].maxend : f->mix[i].end;
	(void)maxlen;
	return 0;
}

/*
 * The nearest other host device with MMIO in [start, end) that is (mine)
 * or is not (!mine) passed through to this domain, or -1: binary search
 * for the entries starting before end, then scan back while the running
 * maximum of ends still reaches start.
 */
static int page_neighbour(const struct dtg_fin *f, uint64_t start, uint64_t end,
			  int self, bool mine)
{
	size_t lo = 0, hi = f->nmix;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->mix[mid].start < end)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Entries [0, lo) start before end; one of them may reach start. */
	for (size_t i = lo; i-- > 0 && f->mix[i].maxend > start;) {
		const struct dtg_fin_mmio_ix *e = &f->mix[i];

		if (e->end > start && e->offset != self &&
		    dtg_fin_in_domain(f, e->offset) == mine)
			return e->offset;
	}
	return -1;
}

/*
 * Widen an unaligned range to pages if no device of another owner lives
 * in them.  A device given to this same guest may (a TI ti,sysc
 * target-module and its child): the pages are then mapped once for both.
 */
static int check_page_sharing(struct dtg_fin *f, struct dtg_pt *pt, size_t r,
			      uint64_t start, uint64_t end)
{
	const struct dtg_mmio *m = &pt->host->mmio[r];
	char path[256];
	int other, rc;

	if (!f->mix_built) {
		rc = build_mmio_index(f);
		if (rc)
			return rc;
	}
	other = page_neighbour(f, start, end, pt->host_offset, false);
	if (other >= 0) {
		dtg_host_path(f->host, other, path, sizeof(path));
		return dtg_error(f->ctx, DTG_EOVERLAP,
				 "%s: %s: reg: range %d (0x%llx+0x%llx) is not page-aligned and its pages 0x%llx-0x%llx also hold MMIO of %s; Xen maps whole pages, so the guest would get that device too",
				 f->hname, pt->host_path, m->index, HX(m->addr),
				 HX(m->size), HX(start), HX(end - 1), path);
	}
	other = page_neighbour(f, start, end, pt->host_offset, true);
	if (other >= 0) {
		dtg_log(f->ctx, DTG_LOG_NOTICE,
			"%s: %s: reg: range %d (0x%llx+0x%llx) is not page-aligned; mapping whole pages 0x%llx-0x%llx, shared with %s, which this guest gets too",
			f->hname, pt->host_path, m->index, HX(m->addr), HX(m->size),
			HX(start), HX(end - 1),
			dtg_host_path(f->host, other, path, sizeof(path)));
		return 0;
	}
	dtg_log(f->ctx, DTG_LOG_NOTICE,
		"%s: %s: reg: range %d (0x%llx+0x%llx) is not page-aligned; mapping whole pages 0x%llx-0x%llx (no other device lives there)",
		f->hname, pt->host_path, m->index, HX(m->addr), HX(m->size),
		HX(start), HX(end - 1));
	return 0;
}

static enum dtg_placement place_of(const struct dtg_pt *pt, size_t r,
				   uint64_t *addr)
{
	if (r < pt->nplace) {
		*addr = pt->place_addr[r];
		return pt->place[r];
	}
	*addr = pt->place_default_addr;
	return pt->place_default;
}

/* Host side of every range, and the guest side of 1:1 and fixed ones. */
static int place_device(struct dtg_fin *f, struct dtg_pt *pt)
{
	const struct dtg_device *dev = pt->host;

	if (pt->nplace > dev->nmmio)
		return dtg_error(f->ctx, DTG_ERANGE,
				 "%s: %s: reg: a placement is given for range %zu but the device has %zu",
				 f->hname, pt->host_path, pt->nplace - 1, dev->nmmio);
	if (pt->place_default == DTG_PLACE_FIXED && dev->nmmio > pt->nplace + 1)
		return dtg_error(f->ctx, DTG_EINVAL,
				 "%s: %s: reg: one fixed guest address given for %zu ranges; give one per range",
				 f->hname, pt->host_path, dev->nmmio - pt->nplace);
	pt->nrange = dev->nmmio;
	if (!dev->nmmio)
		return 0;
	pt->range = dtg_arena_alloc(f->a, dev->nmmio * sizeof(*pt->range));
	if (!pt->range)
		return -DTG_ENOMEM;
	for (size_t r = 0; r < dev->nmmio; r++) {
		const struct dtg_mmio *m = &dev->mmio[r];
		struct dtg_pt_range *g = &pt->range[r];
		uint64_t end, fixed, off = m->addr & DTG_PAGE_MASK;
		enum dtg_placement how = place_of(pt, r, &fixed);
		int rc;

		if (!m->size)
			return dtg_error(f->ctx, DTG_EINVAL,
					 "%s: %s: reg: range %d has size 0", f->hname,
					 pt->host_path, m->index);
		if (m->addr > UINT64_MAX - m->size || !page_up(m->addr + m->size, &end))
			return dtg_error(f->ctx, DTG_ERANGE,
					 "%s: %s: reg: range %d (0x%llx+0x%llx) wraps around",
					 f->hname, pt->host_path, m->index, HX(m->addr), HX(m->size));
		/* Xen's XEN_DOMCTL_memory_mapping refuses any MFN at or above
		 * 2^(paddr_bits - PAGE_SHIFT) (common/domctl.c); the plan of
		 * such a range would be billions of 64-page calls (found by
		 * tests/fuzz/fuzz-host). */
		if (end > DTG_XEN_ARM_PADDR_LIMIT)
			return dtg_error(f->ctx, DTG_ERANGE,
					 "%s: %s: reg: range %d (0x%llx+0x%llx) ends above 2^%d, the highest machine address Xen on Arm maps (XEN_DOMCTL_memory_mapping: paddr_bits)",
					 f->hname, pt->host_path, m->index, HX(m->addr),
					 HX(m->size), DTG_XEN_ARM_PADDR_BITS);
		g->host_addr = m->addr;
		g->size = m->size;
		g->map_host = page_down(m->addr);
		g->map_size = end - g->map_host;
		if (off || (m->size & DTG_PAGE_MASK)) {
			rc = check_page_sharing(f, pt, r, g->map_host, end);
			if (rc)
				return rc;
		}
		switch (how) {
		case DTG_PLACE_FIXED:
			if ((fixed & DTG_PAGE_MASK) != off)
				return dtg_error(f->ctx, DTG_ERANGE,
						 "%s: %s: reg: range %d: guest address 0x%llx must have the host address's page offset 0x%llx",
						 f->hname, pt->host_path, m->index, HX(fixed), HX(off));
			if (page_down(fixed) > UINT64_MAX - g->map_size)
				return dtg_error(f->ctx, DTG_ERANGE,
						 "%s: %s: reg: range %d: guest address 0x%llx wraps around",
						 f->hname, pt->host_path, m->index, HX(fixed));
			if (page_down(fixed) + g->map_size > DTG_XEN_ARM_PADDR_LIMIT)
				return dtg_error(f->ctx, DTG_ERANGE,
						 "%s: %s: reg: range %d: guest address 0x%llx+0x%llx ends above 2^%d, the largest guest physical address space of Xen on Arm",
						 f->hname, pt->host_path, m->index, HX(fixed),
						 HX(g->map_size), DTG_XEN_ARM_PADDR_BITS);
			g->map_guest = page_down(fixed);
			break;
		case DTG_PLACE_AUTO:
			g->map_guest = 0;  /* allocated later */
			break;
		default:
			g->map_guest = g->map_host;
			break;
		}
		g->guest_addr = g->map_guest + off;
	}
	return 0;
}

/* ---- host pages shared by several devices of this domain ---- */

struct share_ent {
	size_t p, r;
	uint64_t start, end;
};

static int cmp_share_ent(const void *a, const void *b)
{
	const struct share_ent *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return x->r < y->r ? -1 : x->r > y->r;
}

static struct dtg_fin_share *share_of(const struct dtg_fin *f,
				      const struct dtg_pt *pt, size_t r)
{
	return pt->share && pt->share[r] ? &f->share[pt->share[r] - 1] : NULL;
}

/* A range whose guest address finalize still has to choose. */
static bool is_auto(const struct dtg_fin *f, const struct dtg_pt *pt, size_t r)
{
	const struct dtg_fin_share *sh = share_of(f, pt, r);
	uint64_t fixed;

	return place_of(pt, r, &fixed) == DTG_PLACE_AUTO && !(sh && sh->placed);
}

/* Give every member of a group the group's translation. */
static void share_apply(struct dtg_fin *f, size_t g)
{
	struct dtg_domain *d = f->d;

	for (size_t p = 0; p < d->npt; p++)
		for (size_t r = 0; r < d->pt[p].nrange; r++) {
			struct dtg_pt_range *rg = &d->pt[p].range[r];

			if (!d->pt[p].share || d->pt[p].share[r] != g + 1)
				continue;
			rg->map_guest = rg->map_host + f->share[g].delta;
			rg->guest_addr = rg->map_guest + (rg->host_addr & DTG_PAGE_MASK);
		}
}

/*
 * Group the ranges whose host pages overlap (a ti,sysc target-module's
 * registers and its child's, or two reg entries of one device in one
 * page): they share one translation (1:1, a fixed one, or one automatic
 * window for the whole group), so each host page is mapped once, at one
 * guest page.
 */
static int find_shared(struct dtg_fin *f)
{
	struct dtg_domain *d = f->d;
	struct share_ent *e;
	size_t n = 0, k = 0;
	int rc = 0;

	for (size_t p = 0; p < d->npt; p++)
		n += d->pt[p].nrange;
	if (n < 2)
		return 0;
	e = dtg_alloc(f->ctx, n * sizeof(*e));
	if (!e)
		return dtg_error(f->ctx, DTG_ENOMEM, "finalize: out of memory");
	for (size_t p = 0; p < d->npt; p++)
		for (size_t r = 0; r < d->pt[p].nrange; r++)
			e[k++] = (struct share_ent){ p, r, d->pt[p].range[r].map_host,
				d->pt[p].range[r].map_host + d->pt[p].range[r].map_size };
	qsort(e, n, sizeof(*e), cmp_share_ent);
	for (size_t i = 0, j; i < n && !rc; i = j) {
		uint64_t end = e[i].end;
		bool several = false;
		struct dtg_fin_share *sh;

		for (j = i + 1; j < n && e[j].start < end; j++) {
			several = true;
			if (e[j].end > end)
				end = e[j].end;
		}
		if (!several)
			continue;
		if (dtg_grow(f->ctx, (void **)&f->share, &f->cshare,
			     f->nshare + 1, sizeof(*f->share))) {
			rc = dtg_error(f->ctx, DTG_ENOMEM, "finalize: out of memory");
			break;
		}
		sh = &f->share[f->nshare++];
		*sh = (struct dtg_fin_share){ .start = e[i].start, .end = end };
		for (size_t m = i; m < j && !rc; m++) {
			struct dtg_pt *pt = &d->pt[e[m].p];
			const struct dtg_pt_range *rg = &pt->range[e[m].r];
			uint64_t fixed;

			if (!pt->share) {
				pt->share = dtg_arena_alloc(f->a, pt->nrange * sizeof(*pt->share));
				if (!pt->share) {
					rc = -DTG_ENOMEM;
					break;
				}
			}
			pt->share[e[m].r] = f->nshare;
			if (place_of(pt, e[m].r, &fixed) == DTG_PLACE_AUTO)
				continue;
			if (!sh->placed) {
				sh->placed = true;
				sh->delta = rg->map_guest - rg->map_host;
				sh->by_pt = e[m].p;
				sh->by_range = e[m].r;
			} else if (rg->map_guest - rg->map_host != sh->delta) {
				const struct dtg_pt *by = &d->pt[sh->by_pt];

				rc = dtg_error(f->ctx, DTG_EOVERLAP,
					       "%s: %s: reg: range %zu shares host pages 0x%llx-0x%llx with range %zu of %s, which is placed elsewhere in the guest; Xen maps a host page once per guest: place both alike",
					       f->hname, pt->host_path, e[m].r, HX(sh->start),
					       HX(sh->end - 1), sh->by_range, by->host_path);
			}
		}
		if (!rc && sh->placed)
			share_apply(f, f->nshare - 1);
	}
	dtg_free(f->ctx, e);
	return rc;
}

/* Remove [a, b) from the sorted disjoint windows w[0..*n). */
static void cut_window(struct dtg_pt_map *w, size_t *n, size_t cap,
		       uint64_t a, uint64_t b)
{
	for (size_t i = 0; i < *n; i++) {
		uint64_t s = w[i].host, e = w[i].host + w[i].size;

		if (b <= s || a >= e)
			continue;
		if (a > s && b < e && *n < cap) {   /* split in two */
			memmove(&w[i + 2], &w[i + 1], (*n - i - 1) * sizeof(*w));
			w[i + 1] = (struct dtg_pt_map){ b, w[i].guest + (b - s), e - b };
			w[i].size = a - s;
			(*n)++;
			i++;
		} else if (a <= s && b >= e) {       /* all of it */
			memmove(&w[i], &w[i + 1], (*n - i - 1) * sizeof(*w));
			(*n)--;
			i--;
		} else if (a <= s) {                 /* its head */
			w[i].guest += b - s;
			w[i].host = b;
			w[i].size = e - b;
		} else {                             /* its tail */
			w[i].size = a - s;
		}
	}
}

/* What each device maps: its ranges, less pages an earlier range maps. */
static int build_maps(struct dtg_fin *f)
{
	struct dtg_domain *d = f->d;

	for (size_t p = 0; p < d->npt; p++) {
		struct dtg_pt *pt = &d->pt[p];
		size_t cap = pt->nrange, n = 0;

		for (size_t r = 0; r < pt->nrange; r++)
			if (share_of(f, pt, r))
				for (size_t q = 0; q <= p; q++)
					cap += d->pt[q].nrange;
		pt->map = cap ? dtg_arena_alloc(f->a, cap * sizeof(*pt->map)) : NULL;
		if (cap && !pt->map)
			return -DTG_ENOMEM;
		for (size_t r = 0; r < pt->nrange; r++) {
			const struct dtg_pt_range *rg = &pt->range[r];
			struct dtg_pt_map *w = &pt->map[n];
			size_t nw = 1;

			w[0] = (struct dtg_pt_map){ rg->map_host, rg->map_guest,
						    rg->map_size };
			if (share_of(f, pt, r))
				for (size_t q = 0; q <= p; q++)
					for (size_t k = 0; k < (q < p ? d->pt[q].nrange : r); k++)
						if (d->pt[q].share &&
						    d->pt[q].share[k] == pt->share[r])
							cut_window(w, &nw, cap - n,
								   d->pt[q].range[k].map_host,
								   d->pt[q].range[k].map_host +
								   d->pt[q].range[k].map_size);
			n += nw;
		}
		pt->nmap = n;
	}
	return 0;
}

/* One guest range in the occupancy list. */
struct occ {
	uint64_t start, end;   /* [start, end) */
	size_t pt;             /* SIZE_MAX: not a device range */
	size_t range;
};

static int cmp_occ(const void *a, const void *b)
{
	const struct occ *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->pt != y->pt)
		return x->pt < y->pt ? -1 : 1;
	return x->range < y->range ? -1 : x->range > y->range;
}

/* Two ranges of one shared-page group: one translation, mapped once. */
static bool same_share(const struct dtg_fin *f, const struct occ *a,
		       const struct occ *b)
{
	const struct dtg_fin_share *x, *y;

	if (a->pt == SIZE_MAX || b->pt == SIZE_MAX)
		return false;
	x = share_of(f, &f->d->pt[a->pt], a->range);
	y = share_of(f, &f->d->pt[b->pt], b->range);
	return x && x == y;
}

static int overlap_error(struct dtg_fin *f, const struct occ *a,
			 const struct occ *b)
{
	const struct dtg_pt *pa = &f->d->pt[a->pt], *pb = &f->d->pt[b->pt];
	const struct dtg_pt_range *ra = &pa->range[a->range];
	const struct dtg_pt_range *rb = &pb->range[b->range];

	return dtg_error(f->ctx, DTG_EOVERLAP,
			 "%s: %s: reg: range %zu at guest 0x%llx+0x%llx overlaps range %zu of %s at guest 0x%llx+0x%llx",
			 f->hname, pb->host_path, b->range, HX(rb->map_guest),
			 HX(rb->map_size), a->range, pa->host_path,
			 HX(ra->map_guest), HX(ra->map_size));
}

static int map_overlap_error(struct dtg_fin *f, const struct dtg_pt *pt,
			     size_t r, const struct dtg_guest_region *g)
{
	const struct dtg_pt_range *rg = &pt->range[r];

	return dtg_error(f->ctx, DTG_EOVERLAP,
			 "%s: %s: reg: range %zu at guest 0x%llx+0x%llx overlaps %s (0x%llx-0x%llx)%s",
			 f->hname, pt->host_path, r, HX(rg->map_guest),
			 HX(rg->map_size), g->name, HX(g->base),
			 HX(g->base + g->size - 1),
			 pt->host->mmio && rg->map_guest == rg->map_host ?
			 "; place it elsewhere (guest=ADDR or auto)" : "");
}

/*
 * First fit for one auto range in the windows, clear of the sorted
 * occupancy list.  hint[w]: everything in window w below it is taken.
 */
static bool auto_fit(const struct occ *occ, size_t nocc, uint64_t *hint,
		     uint64_t size, uint64_t align, uint64_t *out)
{
	for (size_t w = 0; w < dtg_guest_auto_nwindows; w++) {
		const struct dtg_guest_window *win = &dtg_guest_auto_windows[w];
		uint64_t cand = (hint[w] + align - 1) & ~(align - 1);
		size_t lo = 0, hi = nocc;

		/* First occupied entry that ends after cand. */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (occ[mid].start < cand)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo > 0)
			lo--;  /* one starting before cand may still cover it */
		for (size_t i = lo; cand + size <= win->end; i++) {
			if (i >= nocc || occ[i].start >= cand + size) {
				*out = cand;
				return true;
			}
			if (occ[i].end > cand)
				cand = (occ[i].end + align - 1) & ~(align - 1);
		}
	}
	return false;
}

static uint64_t auto_align(uint64_t size)
{
	uint64_t a = DTG_PAGE_SIZE;

	while (a < size && a < DTG_AUTO_ALIGN_MAX)
		a <<= 1;
	return a;
}

static int occ_insert(struct dtg_fin *f, struct occ **occ, size_t *nocc,
		      size_t *cocc, const struct occ *e)
{
	size_t lo = 0, hi = *nocc;

	if (dtg_grow(f->ctx, (void **)occ, cocc, *nocc + 1, sizeof(**occ)))
		return dtg_error(f->ctx, DTG_ENOMEM, "finalize: out of memory");
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_occ(&(*occ)[mid], e) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(&(*occ)[lo + 1], &(*occ)[lo], (*nocc - lo) * sizeof(**occ));
	(*occ)[lo] = *e;
	(*nocc)++;
	return 0;
}

static int place_auto(struct dtg_fin *f, struct occ **occ, size_t *nocc,
		      size_t *cocc)
{
	struct dtg_domain *d = f->d;
	uint64_t hint[8];
	int rc;

	for (size_t w = 0; w < dtg_guest_auto_nwindows && w < DTG_ARRAY_SIZE(hint); w++)
		hint[w] = dtg_guest_auto_windows[w].base;
	/* The map's regions are obstacles too (they may reach into a window). */
	for (size_t i = 0; i < f->nmap; i++) {
		struct occ e = { f->map[i].base, f->map[i].base + f->map[i].size,
				 SIZE_MAX, i };

		rc = occ_insert(f, occ, nocc, cocc, &e);
		if (rc)
			return rc;
	}
	for (size_t p = 0; p < d->npt; p++) {
		struct dtg_pt *pt = &d->pt[p];

		for (size_t r = 0; r < pt->nrange; r++) {
			struct dtg_pt_range *g = &pt->range[r];
			struct dtg_fin_share *sh = share_of(f, pt, r);
			uint64_t at, size = sh ? sh->end - sh->start : g->map_size;
			struct occ e;

			if (!is_auto(f, pt, r))
				continue;
			if (!auto_fit(*occ, *nocc, hint, size, auto_align(size), &at))
				return dtg_error(f->ctx, DTG_ERANGE,
						 "%s: %s: reg: range %zu (0x%llx bytes): no room left in the guest's free windows below RAM",
						 f->hname, pt->host_path, r, HX(size));
			if (sh) {
				/* the group's window, once, for every member */
				sh->placed = true;
				sh->delta = at - sh->start;
				share_apply(f, (size_t)(sh - f->share));
			} else {
				g->map_guest = at;
				g->guest_addr = at + (g->host_addr & DTG_PAGE_MASK);
			}
			e = (struct occ){ at, at + size, p, r };
			rc = occ_insert(f, occ, nocc, cocc, &e);
			if (rc)
				return rc;
			for (size_t w = 0; w < dtg_guest_auto_nwindows; w++)
				if (hint[w] == at)
					hint[w] = at + size;
		}
	}
	return 0;
}

int dtg_finalize_mmio(struct dtg_fin *f)
{
	struct dtg_domain *d = f->d;
	struct occ *occ = NULL;
	size_t nocc = 0, cocc = 0;
	int rc = 0;

	for (size_t p = 0; p < d->npt && !rc; p++)
		rc = place_device(f, &d->pt[p]);
	if (!rc)
		rc = find_shared(f);
	/* 1:1 and fixed ranges: against the map, then against each other. */
	for (size_t p = 0; p < d->npt && !rc; p++) {
		struct dtg_pt *pt = &d->pt[p];

		for (size_t r = 0; r < pt->nrange && !rc; r++) {
			struct dtg_pt_range *g = &pt->range[r];
			const struct dtg_guest_region *hit;

			if (is_auto(f, pt, r))
				continue;
			hit = dtg_guest_map_overlap(f->map, f->nmap, g->map_guest,
						    g->map_size);
			if (hit) {
				rc = map_overlap_error(f, pt, r, hit);
				break;
			}
			if (dtg_grow(f->ctx, (void **)&occ, &cocc, nocc + 1, sizeof(*occ))) {
				rc = dtg_error(f->ctx, DTG_ENOMEM, "finalize: out of memory");
				break;
			}
			occ[nocc++] = (struct occ){ g->map_guest, g->map_guest + g->map_size,
						    p, r };
		}
	}
	if (!rc) {
		if (nocc)
			qsort(occ, nocc, sizeof(*occ), cmp_occ);
		/* Sorted by start: a collision shows with the running furthest end. */
		for (size_t i = 1, far = 0; i < nocc && !rc; i++) {
			if (occ[far].end > occ[i].start &&
			    !same_share(f, &occ[far], &occ[i]))
				rc = overlap_error(f, &occ[far], &occ[i]);
			if (occ[i].end > occ[far].end)
				far = i;
		}
	}
	if (!rc)
		rc = place_auto(f, &occ, &nocc, &cocc);
	if (!rc)
		rc = build_maps(f);
	dtg_free(f->ctx, occ);
	return rc;
}
