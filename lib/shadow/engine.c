/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/shadow/engine.c - the public operations: create, sync, resync,
 * invalidate, lookup, statistics.
 *
 * Every operation runs as: bump the generation, update shadow entries,
 * continue deferred leaf work while the call's budget lasts, then (if
 * anything changed) flush the remote TLB, and only then free the tables
 * that nothing points at any more.
 */
#include "internal.h"

const char *dtg_shadow_format_name(const struct dtg_shadow_format *fmt)
{
	return fmt ? fmt->name : "";
}

int dtg_shadow_create(struct dtg_shadow **out, const struct dtg_shadow_format *fmt,
		      const struct dtg_shadow_callbacks *cb, void *opaque)
{
	struct dtg_shadow *e;
	size_t hsize = sizeof(struct dtg_shadow_node *) << DTG_SHADOW_HASH_BITS;

	if (!out || !fmt || !cb || !cb->read || !cb->p2m || !cb->alloc || !cb->free)
		return -DTG_SHADOW_EINVAL;
	*out = NULL;
	e = cb->alloc(opaque, sizeof(*e), 8, 0, NULL);
	if (!e)
		return -DTG_SHADOW_ENOMEM;
	dtg_shadow_memset(e, 0, sizeof(*e));
	e->fmt = fmt;
	dtg_shadow_memcpy(&e->cb, cb, sizeof(*cb));     /* no struct copy: no memcpy call */
	e->opaque = opaque;
	e->st.bytes = sizeof(*e);
	e->p2m_budget = DTG_SHADOW_DEFAULT_P2M_BUDGET;
	e->alloc_budget = DTG_SHADOW_DEFAULT_ALLOC_BUDGET;
	e->scratch_size = (size_t)fmt->nent[0] * fmt->esize;
	for (unsigned l = 1; l < fmt->levels; l++)
		if ((size_t)fmt->nent[l] * fmt->esize > e->scratch_size)
			e->scratch_size = (size_t)fmt->nent[l] * fmt->esize;
	e->hash = cb->alloc(opaque, hsize, 8, 0, NULL);
	e->scratch = cb->alloc(opaque, e->scratch_size, 64, 0, NULL);
	if (!e->hash || !e->scratch) {
		dtg_shadow_destroy(e);
		return -DTG_SHADOW_ENOMEM;
	}
	e->st.bytes += hsize + e->scratch_size;
	dtg_shadow_memset(e->hash, 0, hsize);
	*out = e;
	return 0;
}

void dtg_shadow_destroy(struct dtg_shadow *e)
{
	if (!e)
		return;
	if (e->root) {
		dtg_shadow_node_put(e, e->root);
		e->root = NULL;
	}
	dtg_shadow_reap(e);
	if (e->hash)
		e->cb.free(e->opaque, e->hash,
			   sizeof(struct dtg_shadow_node *) << DTG_SHADOW_HASH_BITS, 0);
	if (e->scratch)
		e->cb.free(e->opaque, e->scratch, e->scratch_size, 0);
	e->cb.free(e->opaque, e, sizeof(*e), 0);
}

static void begin(struct dtg_shadow *e, bool check_shared)
{
	e->gen++;
	e->changed = false;
	e->err = 0;
	e->check_shared = check_shared;
	e->p2m_used = 0;
	e->alloc_used = 0;
	dtg_shadow_p2m_flush(e);
}

static int end(struct dtg_shadow *e)
{
	dtg_shadow_drain(e);
	if ((e->changed || e->zombies) && e->cb.flush_tlb)
		e->cb.flush_tlb(e->opaque, dtg_shadow_root(e));
	dtg_shadow_reap(e);     /* zombies leave the pending list too */
	if (e->err)
		return e->err;
	return e->phead ? -DTG_SHADOW_EAGAIN : 0;
}

int dtg_shadow_set_budget(struct dtg_shadow *e, uint64_t p2m_calls, uint64_t allocs)
{
	if (!e || p2m_calls < DTG_SHADOW_MIN_P2M_BUDGET ||
	    allocs < DTG_SHADOW_MIN_ALLOC_BUDGET)
		return -DTG_SHADOW_EINVAL;
	e->p2m_budget = p2m_calls;
	e->alloc_budget = allocs;
	return 0;
}

int dtg_shadow_continue(struct dtg_shadow *e)
{
	if (!e)
		return -DTG_SHADOW_EINVAL;
	if (!e->root)
		return -DTG_SHADOW_ESTATE;
	begin(e, false);
	return end(e);
}

int dtg_shadow_sync(struct dtg_shadow *e, uint64_t base_ipa)
{
	size_t tsize;
	struct dtg_shadow_node *n;

	if (!e)
		return -DTG_SHADOW_EINVAL;
	tsize = dtg_shadow_table_size(e, 0);
	if (base_ipa & (tsize - 1))
		return -DTG_SHADOW_EINVAL;
	if (e->root && e->root->gipa == base_ipa)
		return dtg_shadow_resync(e);
	begin(e, true);
	/* read before allocating, as dtg_shadow_get_mirror() does */
	if (e->cb.read(e->opaque, base_ipa, e->scratch, tsize) < 0) {
		dtg_shadow_report(e, DTG_SHADOW_FAULT_BAD_TABLE, 0, NULL, 0, base_ipa);
		return -DTG_SHADOW_EINVAL;
	}
	n = dtg_shadow_node_new(e, 0, DTG_SHADOW_NODE_MIRROR, base_ipa);
	if (!n)
		return -DTG_SHADOW_ENOMEM;
	dtg_shadow_memcpy(n->snap, e->scratch, tsize);
	n->gen = e->gen;
	/* Mirrors of the old tree are reused (after a compare) until the old
	 * root is dropped below. */
	dtg_shadow_xlate(e, n, 0, n->nent);
	dtg_shadow_node_put(e, e->root);
	e->root = n;
	e->changed = true;
	return end(e);
}

int dtg_shadow_resync(struct dtg_shadow *e)
{
	struct dtg_shadow_node *n, *next;

	if (!e)
		return -DTG_SHADOW_EINVAL;
	if (!e->root)
		return -DTG_SHADOW_ESTATE;
	begin(e, true);
	/* Nodes created meanwhile go to the list head: not visited again. */
	for (n = e->mirrors; n; n = next) {
		next = n->next;
		if (n->refs && n->gen != e->gen)
			dtg_shadow_compare(e, n, 0, n->nent, false);
	}
	return end(e);
}

/* Compare the 16-entry groups of mirror n that overlap [a, a+len). */
static void compare_part(struct dtg_shadow *e, struct dtg_shadow_node *n,
			 uint64_t a, uint64_t len)
{
	uint64_t tsize = dtg_shadow_table_size(e, n->level), lo, hi;
	uint64_t gbytes = (uint64_t)DTG_SHADOW_GROUP * e->fmt->esize;

	if (a >= n->gipa + tsize || a + len <= n->gipa)
		return;
	lo = a > n->gipa ? a - n->gipa : 0;
	hi = a + len - n->gipa < tsize ? a + len - n->gipa : tsize;
	lo &= ~(gbytes - 1);
	hi = (hi + gbytes - 1) & ~(gbytes - 1);
	dtg_shadow_compare(e, n, (unsigned)(lo / e->fmt->esize),
			   (unsigned)(hi / e->fmt->esize), false);
}

static int resync_hinted(struct dtg_shadow *e, const uint64_t *addrs, size_t naddrs,
			 uint64_t len)
{
	if (!e || (naddrs && !addrs))
		return -DTG_SHADOW_EINVAL;
	if (!e->root)
		return -DTG_SHADOW_ESTATE;
	begin(e, false);
	for (size_t k = 0; k < naddrs; k++) {
		uint64_t a = addrs[k] & ~(len - 1);

		/* The root may span several pages and is not hashed. */
		compare_part(e, e->root, a, len);
		/* Every table of every level that can hold [a, a+len): tables
		 * are aligned to their size.  Zombies too: one may be revived
		 * later in this call, and without check_shared it is trusted. */
		for (unsigned l = 1; l < e->fmt->levels; l++) {
			uint64_t ts = dtg_shadow_table_size(e, l);

			for (uint64_t t = a & ~(ts - 1); t < a + len; t += ts) {
				struct dtg_shadow_node *n = dtg_shadow_node_find(e, t, l);

				if (n)
					compare_part(e, n, a, len);
			}
		}
	}
	return end(e);
}

int dtg_shadow_resync_pages(struct dtg_shadow *e, const uint64_t *pages, size_t npages)
{
	return resync_hinted(e, pages, npages, (uint64_t)1 << DTG_SHADOW_PAGE_SHIFT);
}

int dtg_shadow_resync_entries(struct dtg_shadow *e, const uint64_t *ipas, size_t n)
{
	return resync_hinted(e, ipas, n, e ? e->fmt->esize : 1);
}

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a - b < blen || b - a < alen;
}

int dtg_shadow_invalidate(struct dtg_shadow *e, uint64_t ipa, uint64_t size)
{
	const struct dtg_shadow_format *f;
	struct dtg_shadow_node *n, *next;

	if (!e)
		return -DTG_SHADOW_EINVAL;
	if (!e->root || !size)
		return 0;
	f = e->fmt;
	begin(e, false);
	for (n = e->mirrors; n; n = next) {
		uint64_t sz = (uint64_t)1 << f->shift[n->level];

		next = n->next;
		if (n->gen == e->gen)
			continue;
		if (overlaps(n->gipa, dtg_shadow_table_size(e, n->level), ipa, size)) {
			dtg_shadow_compare(e, n, 0, n->nent, true);
			continue;
		}
		for (unsigned c = 0; c < n->nent; c += DTG_SHADOW_GROUP) {
			bool hit = false;

			for (unsigned j = c; j < c + DTG_SHADOW_GROUP && !hit; j++) {
				struct dtg_shadow_pte p;

				f->decode(f, n->level, n->snap, j, &p);
				if (p.type == DTG_SHADOW_PTE_LEAF)
					hit = overlaps(p.addr, sz, ipa, size);
				else if (p.type == DTG_SHADOW_PTE_TABLE)
					hit = n->nchild && !n->child[j] &&
					      overlaps(p.addr, 1, ipa, size);
			}
			if (hit)
				dtg_shadow_compare(e, n, c, c + DTG_SHADOW_GROUP, true);
		}
	}
	return end(e);
}

uint64_t dtg_shadow_root(const struct dtg_shadow *e)
{
	return e && e->root ? e->root->sma : UINT64_MAX;
}

int dtg_shadow_lookup(const struct dtg_shadow *e, uint64_t iova, uint64_t *ma,
		      uint64_t *desc)
{
	const struct dtg_shadow_format *f;
	const struct dtg_shadow_node *n;
	uint64_t idx;

	if (!e || !ma)
		return -DTG_SHADOW_EINVAL;
	if (!e->root)
		return -DTG_SHADOW_ESTATE;
	f = e->fmt;
	n = e->root;
	idx = f->shift[0] >= 64 ? 0 : iova >> f->shift[0];
	if (idx >= n->nent)
		return -DTG_SHADOW_ENOENT;
	for (;;) {
		struct dtg_shadow_pte p;
		unsigned l = n->level;

		f->decode(f, l, n->shadow, (unsigned)idx, &p);
		if (p.type == DTG_SHADOW_PTE_LEAF) {
			*ma = p.addr + (iova & (((uint64_t)1 << f->shift[l]) - 1));
			if (desc)
				*desc = f->esize == 8 ?
					((const dtg_shadow_u64a *)n->shadow)[idx] :
					((const dtg_shadow_u32a *)n->shadow)[idx];
			return 0;
		}
		if (p.type != DTG_SHADOW_PTE_TABLE)
			return -DTG_SHADOW_ENOENT;
		if (idx >= n->nchild || !n->child[idx] || n->child[idx]->sma != p.addr)
			return -DTG_SHADOW_EINVAL;     /* engine bug: never expected */
		n = n->child[idx];
		idx = (iova >> f->shift[n->level]) & (n->nent - 1);
	}
}

void dtg_shadow_get_stats(const struct dtg_shadow *e, struct dtg_shadow_stats *st)
{
	if (e && st)
		dtg_shadow_memcpy(st, &e->st, sizeof(*st));
}

void dtg_shadow_for_each_table(const struct dtg_shadow *e,
			       void (*fn)(void *arg, uint64_t ipa, size_t len),
			       void *arg)
{
	if (!e || !fn)
		return;
	for (const struct dtg_shadow_node *n = e->mirrors; n; n = n->next)
		if (n->refs)
			fn(arg, n->gipa, dtg_shadow_table_size(e, n->level));
}
