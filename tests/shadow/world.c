/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/shadow/world.c - simulated guest, p2m and reference walkers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "world.h"

#define PG 4096ull
#define BYPTR_SIZE (1u << 21)

static size_t ptr_slot(struct world *w, void *p)
{
	size_t h = (size_t)(((uintptr_t)p >> 6) * 0x9E3779B97F4A7C15ull) & (BYPTR_SIZE - 1);

	while (w->byptr[h] && (w->byptr[h] == UINT32_MAX || w->recs[w->byptr[h] - 1].ptr != p))
		h = (h + 1) & (BYPTR_SIZE - 1);
	return h;
}

uint64_t w_rand(struct world *w)
{
	/* splitmix64: deterministic from the seed */
	uint64_t z = (w->rng += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static uint64_t rnd(struct world *w, uint64_t n)
{
	return n ? w_rand(w) % n : 0;
}

void w_init(struct world *w, int kind, uint64_t seed, bool use_map)
{
	memset(w, 0, sizeof(*w));
	w->kind = kind;
	w->rng = seed;
	w->use_map = use_map;
	if (kind == W_OMAP) {
		w->fmt = dtg_shadow_format_omap();
		w->gram_base = 0x40000000;
		w->gram_size = 16 << 20;
		w->ipa_pages = 1ull << 20;      /* 4 GiB IPA */
		w->ma_pages = 1ull << 20;       /* 4 GiB MA */
		w->ma_base = 0;
		w->ma_next = 0xF0000000;        /* shadow tables below 4 GiB */
		w->span = 1ull << 32;
	} else {
		w->fmt = kind == W_LPAE48 ? dtg_shadow_format_lpae48() : dtg_shadow_format_lpae();
		w->gram_base = 0x80000000;
		w->gram_size = 64 << 20;
		w->ipa_pages = 1ull << 22;      /* 16 GiB IPA */
		w->ma_pages = 1ull << 22;
		w->ma_base = 1ull << 40;        /* MA far above IPA */
		w->ma_next = 1ull << 44;
		w->span = 8ull << 30;
	}
	w->gram = calloc(1, w->gram_size);
	w->byptr = calloc(BYPTR_SIZE, sizeof(uint32_t));
	w->p2m = malloc(w->ipa_pages * sizeof(uint32_t));
	w->run = malloc(w->ipa_pages * sizeof(uint32_t));
	w->gram_next = w->gram_base;
}

void w_fini(struct world *w)
{
	for (size_t i = 0; i < w->nrec; i++)
		if (w->recs[i].live)
			free(w->recs[i].ptr);
	free(w->recs);
	free(w->byptr);
	free(w->gram);
	free(w->p2m);
	free(w->run);
	free(w->dirty);
}

/* ---- p2m ---- */

void w_p2m_rerun(struct world *w)
{
	for (uint64_t p = w->ipa_pages; p-- > 0;) {
		bool same = p + 1 < w->ipa_pages &&
			((w->p2m[p] == P2M_NONE && w->p2m[p + 1] == P2M_NONE) ||
			 (w->p2m[p] != P2M_NONE && w->p2m[p + 1] == w->p2m[p] + 1));
		w->run[p] = same ? w->run[p + 1] + 1 : 1;
	}
}

void w_p2m_layout(struct world *w, int layout)
{
	uint64_t n = w->ipa_pages;

	if (layout == P2M_CONTIG) {
		/* one offset, aligned to 16 MiB, wrapping once */
		uint64_t off = (rnd(w, n) & ~4095ull) ;
		for (uint64_t p = 0; p < n; p++)
			w->p2m[p] = (uint32_t)((p + off) % w->ma_pages);
	} else {
		/* chunks of random length, shuffled; HOLES drops some */
		uint64_t *starts = malloc((n + 1) * sizeof(*starts));
		uint64_t nch = 0, p = 0, ma = 0;

		while (p < n) {
			uint64_t r = rnd(w, 100), len;

			len = r < 50 ? 1 + rnd(w, 16) : r < 85 ? 16 + rnd(w, 512) : 512 * (1 + rnd(w, 8));
			if (p + len > n)
				len = n - p;
			starts[nch++] = p;
			p += len;
		}
		starts[nch] = n;
		uint64_t *order = malloc(nch * sizeof(*order));
		for (uint64_t i = 0; i < nch; i++)
			order[i] = i;
		for (uint64_t i = nch; i > 1; i--) {
			uint64_t j = rnd(w, i), t = order[i - 1];
			order[i - 1] = order[j];
			order[j] = t;
		}
		for (uint64_t k = 0; k < nch; k++) {
			uint64_t c = order[k];
			bool hole = layout == P2M_HOLES && rnd(w, 100) < 15;

			for (uint64_t q = starts[c]; q < starts[c + 1]; q++)
				{ w->p2m[q] = hole ? P2M_NONE : (uint32_t)ma; if (!hole) ma = (ma + 1) % w->ma_pages; }
			/* sometimes keep chunks machine-aligned, so that some
			 * blocks stay whole */
			if (rnd(w, 4) == 0)
				ma = (ma + 511) & ~511ull;
			ma %= w->ma_pages;
		}
		free(order);
		free(starts);
	}
	w_p2m_rerun(w);
}

/* Remap or unmap a random IPA range (tell the engine with invalidate). */
void w_p2m_change(struct world *w, uint64_t *ipa, uint64_t *size)
{
	uint64_t len = 1 + rnd(w, rnd(w, 2) ? 16 : 4096);
	uint64_t p = rnd(w, w->ipa_pages - len);
	uint64_t r = rnd(w, 3), ma = rnd(w, w->ma_pages - len);

	for (uint64_t q = p; q < p + len; q++)
		w->p2m[q] = r == 0 ? P2M_NONE : r == 1 ? (uint32_t)(ma + (q - p)) :
			    (uint32_t)rnd(w, w->ma_pages);
	w_p2m_rerun(w);
	*ipa = p * PG;
	*size = len * PG;
}

static int cb_p2m(void *o, uint64_t ipa, uint64_t *ma, uint64_t *len)
{
	struct world *w = o;
	uint64_t p = ipa / PG, off = ipa % PG;

	w->p2m_calls++;
	if (p >= w->ipa_pages)
		return -DTG_SHADOW_ENOENT;
	*len = (w->page_extents ? 1 : w->run[p]) * PG - off;
	if (w->p2m[p] == P2M_NONE)
		return -DTG_SHADOW_ENOENT;
	*ma = w->ma_base + w->p2m[p] * PG + off;
	return 0;
}

bool w_ref_p2m(struct world *w, uint64_t ipa, uint64_t *ma)
{
	uint64_t p = ipa / PG;

	if (p >= w->ipa_pages || w->p2m[p] == P2M_NONE)
		return false;
	*ma = w->ma_base + (uint64_t)w->p2m[p] * PG + ipa % PG;
	return true;
}

/* ---- guest memory ---- */

static bool in_gram(struct world *w, uint64_t ipa, size_t len)
{
	return ipa >= w->gram_base && ipa - w->gram_base <= w->gram_size &&
	       len <= w->gram_size - (ipa - w->gram_base);
}

static int cb_read(void *o, uint64_t ipa, void *buf, size_t len)
{
	struct world *w = o;

	if (!in_gram(w, ipa, len))
		return -DTG_SHADOW_EINVAL;
	memcpy(buf, w->gram + (ipa - w->gram_base), len);
	return 0;
}

static const void *cb_map(void *o, uint64_t ipa, size_t len)
{
	struct world *w = o;

	if (!w->use_map || !in_gram(w, ipa, len))
		return NULL;
	return w->gram + (ipa - w->gram_base);
}

uint64_t w_galloc(struct world *w, size_t size)
{
	uint64_t a = (w->gram_next + size - 1) & ~(uint64_t)(size - 1);

	if (a + size > w->gram_base + w->gram_size)
		return 0;
	w->gram_next = a + size;
	return a;
}

static void mark_dirty(struct world *w, uint64_t ipa)
{
	if (w->ndirty == w->capdirty) {
		w->capdirty = w->capdirty ? 2 * w->capdirty : 256;
		w->dirty = realloc(w->dirty, w->capdirty * sizeof(*w->dirty));
	}
	w->dirty[w->ndirty++] = ipa;
}

void w_put(struct world *w, uint64_t ipa, uint64_t val, unsigned size)
{
	uint8_t *p = w->gram + (ipa - w->gram_base);

	if (size == 4) {
		uint32_t v = (uint32_t)val;
		memcpy(p, &v, 4);
	} else {
		memcpy(p, &val, 8);
	}
	mark_dirty(w, ipa);
}

uint64_t w_get(struct world *w, uint64_t ipa, unsigned size)
{
	const uint8_t *p = w->gram + (ipa - w->gram_base);
	uint32_t v32;
	uint64_t v64;

	if (size == 4) {
		memcpy(&v32, p, 4);
		return v32;
	}
	memcpy(&v64, p, 8);
	return v64;
}

/* ---- shadow-table allocator with fake machine addresses ---- */

static void *cb_alloc(void *o, size_t size, size_t align, unsigned flags, uint64_t *ma)
{
	struct world *w = o;
	void *p;

	if (++w->allocs == w->fail_alloc)
		return NULL;
	if (!(flags & DTG_SHADOW_ALLOC_TABLE)) {
		w->live_allocs++;
		return malloc(size);
	}
	if (w->kind == W_OMAP && !(flags & DTG_SHADOW_ALLOC_BELOW_4G))
		w->bad_alloc_flags = true;
	p = aligned_alloc(align, (size + align - 1) / align * align);
	if (!p)
		return NULL;
	memset(p, 0xA5, size);   /* the engine must write every entry */
	w->ma_next = (w->ma_next + align - 1) & ~(uint64_t)(align - 1);
	if (w->nrec == w->caprec) {
		w->caprec = w->caprec ? 2 * w->caprec : 1024;
		w->recs = realloc(w->recs, w->caprec * sizeof(*w->recs));
	}
	w->recs[w->nrec++] = (struct rec){ w->ma_next, p, size, true };
	if (w->nrec >= BYPTR_SIZE / 2)
		abort();
	w->byptr[ptr_slot(w, p)] = (uint32_t)w->nrec;
	*ma = w->ma_next;
	w->ma_next += size;
	w->live_allocs++;
	w->live_tables++;
	return p;
}

static struct rec *find_rec(struct world *w, uint64_t ma)
{
	size_t lo = 0, hi = w->nrec;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (w->recs[mid].ma + w->recs[mid].size <= ma)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < w->nrec && ma >= w->recs[lo].ma && ma < w->recs[lo].ma + w->recs[lo].size)
		return &w->recs[lo];
	return NULL;
}

static void cb_free(void *o, void *ptr, size_t size, unsigned flags)
{
	struct world *w = o;

	w->live_allocs--;
	if (!(flags & DTG_SHADOW_ALLOC_TABLE)) {
		free(ptr);
		return;
	}
	size_t h = ptr_slot(w, ptr);

	if (!w->byptr[h] || !w->recs[w->byptr[h] - 1].live)
		abort();        /* freeing something never allocated */
	w->recs[w->byptr[h] - 1].live = false;
	w->byptr[h] = UINT32_MAX;       /* tombstone: keeps probe chains */
	w->live_tables--;
	w->table_frees++;
	(void)size;
	free(ptr);
}

static void cb_flush(void *o, uint64_t root)
{
	struct world *w = o;

	w->flushes++;
	w->flushed_root = root;
}

static void cb_fault(void *o, const struct dtg_shadow_fault *f)
{
	struct world *w = o;

	w->faults[f->kind & 7]++;
}

void w_callbacks(struct dtg_shadow_callbacks *cb)
{
	memset(cb, 0, sizeof(*cb));
	cb->read = cb_read;
	cb->map = cb_map;
	cb->p2m = cb_p2m;
	cb->alloc = cb_alloc;
	cb->free = cb_free;
	cb->flush_tlb = cb_flush;
	cb->fault = cb_fault;
}

/* ---- reference walkers ---- */

static int rd(struct world *w, bool shadow, uint64_t addr, unsigned size, uint64_t *v)
{
	if (!shadow) {
		if (!in_gram(w, addr, size))
			return WALK_FAULT;
		*v = w_get(w, addr, size);
		return WALK_OK;
	}
	struct rec *r = find_rec(w, addr);
	if (!r || !r->live || addr + size > r->ma + r->size)
		return WALK_BADPTR;
	if (size == 4) {
		uint32_t x;
		memcpy(&x, (uint8_t *)r->ptr + (addr - r->ma), 4);
		*v = x;
	} else {
		memcpy(v, (uint8_t *)r->ptr + (addr - r->ma), 8);
	}
	return WALK_OK;
}

#define F(v, lo, n) (((v) >> (lo)) & ((1ull << (n)) - 1))

/* OMAP attributes as named fields: B C XN AP TEX AP2 S nG. */
static uint64_t omap_fields(uint64_t b, uint64_t c, uint64_t xn, uint64_t ap,
			    uint64_t tex, uint64_t ap2, uint64_t s, uint64_t ng)
{
	return b | c << 1 | xn << 2 | ap << 3 | tex << 5 | ap2 << 8 | s << 9 | ng << 10;
}

static int walk_omap(struct world *w, bool sh, uint64_t root, uint64_t va,
		     uint64_t *pa, uint64_t *attrs)
{
	uint64_t d1, d2;
	int r;

	if (va >> 32)
		return WALK_FAULT;
	if ((r = rd(w, sh, root + (va >> 20) * 4, 4, &d1)))
		return r;
	switch (d1 & 3) {
	case 1:
		if ((r = rd(w, sh, (d1 & ~0x3FFull) + F(va, 12, 8) * 4, 4, &d2)))
			return r;
		if (d2 & 2) {
			*pa = (d2 & ~0xFFFull) | (va & 0xFFF);
			*attrs = omap_fields(F(d2, 2, 1), F(d2, 3, 1), F(d2, 0, 1), F(d2, 4, 2),
					     F(d2, 6, 3), F(d2, 9, 1), F(d2, 10, 1), F(d2, 11, 1));
			return WALK_OK;
		}
		if ((d2 & 3) == 1) {
			*pa = (d2 & 0xFFFF0000ull) | (va & 0xFFFF);
			*attrs = omap_fields(F(d2, 2, 1), F(d2, 3, 1), F(d2, 15, 1), F(d2, 4, 2),
					     F(d2, 12, 3), F(d2, 9, 1), F(d2, 10, 1), F(d2, 11, 1));
			return WALK_OK;
		}
		return WALK_FAULT;
	case 2:
		if (d1 & (1u << 18))
			*pa = (d1 & 0xFF000000ull) | (va & 0xFFFFFF);
		else
			*pa = (d1 & 0xFFF00000ull) | (va & 0xFFFFF);
		*attrs = omap_fields(F(d1, 2, 1), F(d1, 3, 1), F(d1, 4, 1), F(d1, 10, 2),
				     F(d1, 12, 3), F(d1, 15, 1), F(d1, 16, 1), F(d1, 17, 1));
		return WALK_OK;
	}
	return WALK_FAULT;
}

/* ARMv8 stage 1, 4 KiB granule, 39-bit VA: levels 1..3. */
static int walk_lpae(struct world *w, bool sh, uint64_t root, uint64_t va,
		     uint64_t *pa, uint64_t *attrs)
{
	uint64_t table = root, d;
	int r;

	int start = w->kind == W_LPAE48 ? 0 : 1;

	if (va >> (start ? 39 : 48))
		return WALK_FAULT;
	for (int lvl = start; lvl <= 3; lvl++) {
		unsigned shift = 39 - 9 * lvl;
		uint64_t oa;

		if ((r = rd(w, sh, table + F(va, shift, 9) * 8, 8, &d)))
			return r;
		if (!(d & 1))
			return WALK_FAULT;
		oa = d & 0x0000FFFFFFFFF000ull;
		if (lvl < 3 && (d & 2)) {
			table = oa;
			continue;
		}
		if ((lvl == 3 && !(d & 2)) || lvl == 0)
			return WALK_FAULT;
		*pa = (oa & ~((1ull << shift) - 1)) | (va & ((1ull << shift) - 1));
		*attrs = d & 0xFFE0000000000FFCull;
		return WALK_OK;
	}
	return WALK_FAULT;
}

int w_walk(struct world *w, bool shadow, uint64_t root, uint64_t va,
	   uint64_t *pa, uint64_t *attrs)
{
	return w->kind == W_OMAP ? walk_omap(w, shadow, root, va, pa, attrs)
				 : walk_lpae(w, shadow, root, va, pa, attrs);
}

/* One IOVA: the shadow (walked and looked up) maps what the guest maps
 * composed with the p2m, and nothing else.  true if it does. */
static bool check_va(struct world *w, struct dtg_shadow *e, uint64_t sroot, uint64_t va,
		     unsigned long bad, unsigned long *mapped)
{
	uint64_t ipa = 0, ga = 0, ma = 0, sa = 0, sma = 0, lma = 0;
	int g = w_walk(w, false, w->root, va, &ipa, &ga);
	bool want = g == WALK_OK && w_ref_p2m(w, ipa, &ma);
	int s = w_walk(w, true, sroot, va, &sma, &sa);
	int l = dtg_shadow_lookup(e, va, &lma, NULL);

	*mapped += want;
	if (s == WALK_BADPTR || want != (s == WALK_OK) ||
	    (want && (ma != sma || ga != sa)) || (l == 0) != (s == WALK_OK) ||
	    (l == 0 && lma != sma)) {
		if (bad < 5)
			fprintf(stderr, "%s va %#llx: guest %d ipa %#llx want %d ma %#llx "
				"attrs %#llx | shadow %d ma %#llx attrs %#llx | lookup %d %#llx\n",
				w->fmt == dtg_shadow_format_omap() ? "omap" : "lpae",
				(unsigned long long)va, g, (unsigned long long)ipa, want,
				(unsigned long long)ma, (unsigned long long)ga, s,
				(unsigned long long)sma, (unsigned long long)sa, l,
				(unsigned long long)lma);
		return false;
	}
	return true;
}

static unsigned long check_root(struct world *w, struct dtg_shadow *e)
{
	uint64_t sroot = dtg_shadow_root(e);

	if (w->flushed_root == sroot)
		return 0;
	fprintf(stderr, "MMU root %#llx not flushed to shadow root %#llx\n",
		(unsigned long long)w->flushed_root, (unsigned long long)sroot);
	return 1;
}

unsigned long w_check(struct world *w, struct dtg_shadow *e, unsigned long n,
		      unsigned long *mapped)
{
	unsigned long bad = check_root(w, e);
	uint64_t sroot = dtg_shadow_root(e);

	*mapped = 0;
	for (unsigned long k = 0; k < n; k++)
		bad += !check_va(w, e, sroot, rnd(w, w->span), bad, mapped);
	return bad;
}

unsigned long w_check_all(struct world *w, struct dtg_shadow *e, uint64_t step,
			  unsigned long *mapped)
{
	unsigned long bad = check_root(w, e);
	uint64_t sroot = dtg_shadow_root(e);

	*mapped = 0;
	for (uint64_t va = 0; va < w->span; va += step)
		bad += !check_va(w, e, sroot, va, bad, mapped);
	return bad;
}

/* ---- random guest tables ---- */

static uint64_t omap_attrs_sect(struct world *w)
{
	/* B C XN AP TEX AP2 S nG NS from random, domain/IMP random */
	return w_rand(w) & 0x000BFFFCull;
}

static uint32_t omap_l2_entry(struct world *w, unsigned idx, int kind, uint64_t base)
{
	uint32_t r = (uint32_t)w_rand(w);

	if (kind == 0)
		return r & ~3u;                        /* invalid, junk bits */
	if (kind == 1)                                  /* large page */
		return (uint32_t)(base & 0xFFFF0000u) | (r & 0xFFFCu & ~0x0C00u) | 1;
	(void)idx;
	return (uint32_t)(base & 0xFFFFF000u) | (r & 0xFFDu) | 2;
}

static uint64_t rand_ipa(struct world *w, uint64_t align)
{
	return rnd(w, w->ipa_pages * PG) & ~(align - 1);
}

static uint64_t new_omap_l2(struct world *w)
{
	uint64_t t = w_galloc(w, 1024);

	if (!t)
		return 0;
	for (unsigned g = 0; g < 256; g += 16) {
		uint64_t r = rnd(w, 100);
		if (r < 20) {
			for (unsigned j = 0; j < 16; j++)
				w_put(w, t + (g + j) * 4, 0, 4);
		} else if (r < 40) {
			uint32_t e = omap_l2_entry(w, g, 1, rand_ipa(w, 1 << 16));
			for (unsigned j = 0; j < 16; j++)
				w_put(w, t + (g + j) * 4, e, 4);
		} else {
			for (unsigned j = 0; j < 16; j++)
				w_put(w, t + (g + j) * 4, omap_l2_entry(w, g + j, rnd(w, 100) < 15 ? 0 : 2,
									rand_ipa(w, PG)), 4);
		}
	}
	return t;
}

static uint64_t last_l2;

static uint32_t omap_l1_entry(struct world *w)
{
	uint64_t r = rnd(w, 100);

	if (r < 30)
		return 0;
	if (r < 55)
		return (uint32_t)(rand_ipa(w, 1 << 20) | omap_attrs_sect(w) | 2);
	if (r < 60 && last_l2)      /* share a table */
		return (uint32_t)(last_l2 | 1);
	uint64_t t = new_omap_l2(w);
	if (!t)
		return 0;
	last_l2 = t;
	return (uint32_t)(t | (w_rand(w) & 0x1E8) | 1);
}

static void omap_l1_group(struct world *w, uint64_t tbl, unsigned g)
{
	uint64_t r = rnd(w, 100);

	if (r < 25) {
		for (unsigned j = 0; j < 16; j++)
			w_put(w, tbl + (g + j) * 4, 0, 4);
	} else if (r < 40) {
		uint32_t e = (uint32_t)(rand_ipa(w, 1 << 24) | (omap_attrs_sect(w) & ~0x1E0ull) |
					(1u << 18) | 2);
		for (unsigned j = 0; j < 16; j++)
			w_put(w, tbl + (g + j) * 4, e, 4);
		if (rnd(w, 100) < 5)        /* an inconsistent replica */
			w_put(w, tbl + (g + rnd(w, 16)) * 4, e ^ 0x01000000u, 4);
	} else {
		for (unsigned j = 0; j < 16; j++)
			w_put(w, tbl + (g + j) * 4, omap_l1_entry(w), 4);
	}
}

static uint64_t lpae_leaf_attrs(struct world *w)
{
	return (w_rand(w) & 0xFFE0000000000FFCull) | (1ull << 10);
}

static uint64_t new_lpae_table(struct world *w, int lvl);

static uint64_t lpae_entry(struct world *w, int lvl)
{
	uint64_t r = rnd(w, 100);
	unsigned shift = 39 - 9 * lvl;

	if (r < 30)
		return w_rand(w) & ~1ull;
	if (lvl == 3 || r < 50)
		return rand_ipa(w, 1ull << shift) | lpae_leaf_attrs(w) | (lvl == 3 ? 3 : 1);
	uint64_t t = new_lpae_table(w, lvl + 1);
	return t ? t | 3 : 0;
}

static void lpae_group(struct world *w, uint64_t tbl, int lvl, unsigned g)
{
	uint64_t r = rnd(w, 100);
	unsigned shift = 39 - 9 * lvl;

	if (lvl > 1 && r < 20) {
		/* a contiguous-hint group */
		uint64_t base = rand_ipa(w, 16ull << shift), a = lpae_leaf_attrs(w);
		for (unsigned j = 0; j < 16; j++)
			w_put(w, tbl + (g + j) * 8, (base + ((uint64_t)j << shift)) | a |
			      (1ull << 52) | (lvl == 3 ? 3 : 1), 8);
		if (rnd(w, 100) < 5)
			w_put(w, tbl + (g + rnd(w, 16)) * 8, w_get(w, tbl + g * 8, 8) ^ (1ull << 7), 8);
		return;
	}
	for (unsigned j = 0; j < 16; j++)
		w_put(w, tbl + (g + j) * 8, lpae_entry(w, lvl), 8);
}

static uint64_t new_lpae_table(struct world *w, int lvl)
{
	uint64_t t = w_galloc(w, 4096);

	if (!t)
		return 0;
	/* keep the tree size bounded: deeper tables are sparser */
	for (unsigned g = 0; g < 512; g += 16) {
		if (lvl == 2 && rnd(w, 100) < 60) {
			for (unsigned j = 0; j < 16; j++)
				w_put(w, t + (g + j) * 8, 0, 8);
			continue;
		}
		lpae_group(w, t, lvl, g);
	}
	return t;
}

void w_gen_tables(struct world *w)
{
	last_l2 = 0;
	if (w->kind == W_OMAP) {
		w->root = w_galloc(w, 16384);
		for (unsigned g = 0; g < 4096; g += 16)
			omap_l1_group(w, w->root, g);
	} else {
		w->root = w->l1root = w_galloc(w, 4096);
		if (w->kind == W_LPAE48) {
			w->l1root = w_galloc(w, 4096);
			for (unsigned i = 0; i < 512; i++)
				w_put(w, w->root + i * 8, i == 0 || i == 5 ? w->l1root | 3 : 0, 8);
		}
		for (unsigned i = 0; i < 512; i++)
			w_put(w, w->l1root + i * 8, i < w->span >> 30 ? lpae_entry(w, 1) : 0, 8);
	}
	w->ndirty = 0;
}

/* Rewrite n random groups somewhere in the live guest tree. */
void w_random_edits(struct world *w, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		uint64_t va = rnd(w, w->span);

		if (w->kind == W_OMAP) {
			uint64_t d1 = w_get(w, w->root + (va >> 20) * 4, 4);
			unsigned g1 = (unsigned)(va >> 20) & ~15u;

			if ((d1 & 3) == 1 && rnd(w, 3) && in_gram(w, d1 & ~0x3FFull, 1024)) {
				uint64_t t = d1 & ~0x3FFull;
				unsigned i = F(va, 12, 8);
				if (rnd(w, 4) == 0) {
					uint32_t e = omap_l2_entry(w, 0, 1, rand_ipa(w, 1 << 16));
					for (unsigned j = 0; j < 16; j++)
						w_put(w, t + ((i & ~15u) + j) * 4, e, 4);
				} else {
					w_put(w, t + i * 4, omap_l2_entry(w, i, rnd(w, 5) ? 2 : 0,
									 rand_ipa(w, PG)), 4);
				}
			} else if (rnd(w, 3) == 0) {
				omap_l1_group(w, w->root, g1);
			} else {
				w_put(w, w->root + (va >> 20) * 4, omap_l1_entry(w), 4);
			}
		} else {
			uint64_t t = w->l1root, d;
			int lvl = 1;
			for (;;) {
				unsigned shift = 39 - 9 * lvl;
				d = w_get(w, t + F(va, shift, 9) * 8, 8);
				if (lvl < 3 && (d & 3) == 3 && in_gram(w, d & 0xFFFFFFFFF000ull, 4096) &&
				    rnd(w, 4)) {
					t = d & 0xFFFFFFFFF000ull;
					lvl++;
					continue;
				}
				unsigned i = F(va, shift, 9);
				if (lvl > 1 && rnd(w, 4) == 0)
					lpae_group(w, t, lvl, i & ~15u);
				else
					w_put(w, t + i * 8, lpae_entry(w, lvl), 8);
				break;
			}
		}
	}
}
