/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/shadow/node.c - shadow tables and their bookkeeping.
 *
 * Mirror nodes are keyed by (guest table IPA, level) and shared: two guest
 * entries pointing at one table share one shadow table, as the hardware
 * would share the walk.  Since a child is always one level deeper, a table
 * pointing at itself or at its parent cannot loop.  Nodes whose last
 * reference goes are zombies: they stay hashed (and can be revived) until
 * the TLB has been flushed, then dtg_shadow_reap() frees them.
 */
#include "internal.h"

static void *mem_alloc(struct dtg_shadow *e, size_t size, size_t align,
		       unsigned flags, uint64_t *ma)
{
	void *p = e->cb.alloc(e->opaque, size, align, flags, ma);

	if (p)
		e->st.bytes += size;
	return p;
}

static void mem_free(struct dtg_shadow *e, void *p, size_t size, unsigned flags)
{
	if (!p)
		return;
	e->cb.free(e->opaque, p, size, flags);
	e->st.bytes -= size;
}

/* The node, its child pointers, then its pending bitmap (one bit per entry). */
static size_t node_bytes(unsigned nchild, unsigned nent)
{
	return sizeof(struct dtg_shadow_node) + nchild * sizeof(struct dtg_shadow_node *) +
	       (nent + 63u) / 64u * sizeof(uint64_t);
}

static unsigned table_flags(const struct dtg_shadow *e)
{
	return DTG_SHADOW_ALLOC_TABLE |
	       (e->fmt->oa_bits <= 32 ? DTG_SHADOW_ALLOC_BELOW_4G : 0);
}

/* Keyed by table address (tables are at least 64-byte aligned) and
 * level, so a written address finds its table with one probe per level. */
static unsigned hash_of(uint64_t gipa, unsigned level)
{
	uint64_t h = ((gipa >> 6) + level) * 0x9E3779B97F4A7C15ull;

	return (unsigned)(h >> (64 - DTG_SHADOW_HASH_BITS));
}

struct dtg_shadow_node *dtg_shadow_node_new(struct dtg_shadow *e, unsigned level,
					    unsigned kind, uint64_t gipa)
{
	unsigned nent = dtg_shadow_table_nent(e, level);
	unsigned nchild = level + 1u < e->fmt->levels ? nent : 0;
	size_t tsize = dtg_shadow_table_size(e, level);
	struct dtg_shadow_node *n;

	/* Split tables are the work a guest leaf can multiply: charged to the
	 * call's budget (mirrors are bounded by the guest's own tables). */
	if (kind == DTG_SHADOW_NODE_SPLIT)
		e->alloc_used += DTG_SHADOW_UNIT_ALLOC;
	n = mem_alloc(e, node_bytes(nchild, nent), 8, 0, NULL);
	if (!n)
		return NULL;
	dtg_shadow_memset(n, 0, node_bytes(nchild, nent));
	n->pend = (uint64_t *)(void *)&n->child[nchild];
	n->nent = nent;
	n->nchild = nchild;
	n->level = (uint8_t)level;
	n->kind = (uint8_t)kind;
	n->gipa = gipa;
	n->refs = 1;
	n->shadow = mem_alloc(e, tsize, tsize, table_flags(e), &n->sma);
	if (!n->shadow)
		goto fail;
	if (kind == DTG_SHADOW_NODE_MIRROR) {
		n->snap = mem_alloc(e, tsize, 64, 0, NULL);
		if (!n->snap)
			goto fail;
		e->st.guest_tables++;
		/* list head: a resync pass in progress does not visit it */
		n->next = e->mirrors;
		if (e->mirrors)
			e->mirrors->prev = n;
		e->mirrors = n;
	} else {
		e->st.split_tables++;
	}
	e->st.tables++;
	return n;
fail:
	mem_free(e, n->shadow, tsize, table_flags(e));
	mem_free(e, n, node_bytes(nchild, nent), 0);
	return NULL;
}

void dtg_shadow_node_hash(struct dtg_shadow *e, struct dtg_shadow_node *n)
{
	unsigned h = hash_of(n->gipa, n->level);

	n->hnext = e->hash[h];
	e->hash[h] = n;
}

static void unhash(struct dtg_shadow *e, struct dtg_shadow_node *n)
{
	struct dtg_shadow_node **pp = &e->hash[hash_of(n->gipa, n->level)];

	for (; *pp; pp = &(*pp)->hnext)
		if (*pp == n) {
			*pp = n->hnext;
			return;
		}
}

struct dtg_shadow_node *dtg_shadow_node_find(struct dtg_shadow *e, uint64_t gipa,
					     unsigned level)
{
	struct dtg_shadow_node *n = e->hash[hash_of(gipa, level)];

	for (; n; n = n->hnext)
		if (n->gipa == gipa && n->level == level)
			return n;
	return NULL;
}

static void unqueue(struct dtg_shadow *e, struct dtg_shadow_node *n)
{
	if (!n->queued)
		return;
	if (n->pprev)
		n->pprev->pnext = n->pnext;
	else
		e->phead = n->pnext;
	if (n->pnext)
		n->pnext->pprev = n->pprev;
	else
		e->ptail = n->pprev;
	n->pnext = n->pprev = NULL;
	n->queued = false;
}

/* Write shadow entry i of n invalid. */
void dtg_shadow_encode_invalid(struct dtg_shadow *e, struct dtg_shadow_node *n,
			       unsigned i)
{
	struct dtg_shadow_pte p;

	dtg_shadow_pte_set(&p, DTG_SHADOW_PTE_INVALID, 0, 0);
	e->fmt->encode(e->fmt, n->level, n->shadow, i, &p);
}

/* Entries [i0, i1) of n wait for the budget of a later call: their shadow
 * entries are invalid meanwhile (the MMU faults there, never maps wrong
 * memory), and n goes to the tail of the pending list. */
void dtg_shadow_defer(struct dtg_shadow *e, struct dtg_shadow_node *n,
		      unsigned i0, unsigned i1)
{
	for (unsigned i = i0; i < i1; i++) {
		uint64_t bit = (uint64_t)1 << (i % 64);

		dtg_shadow_encode_invalid(e, n, i);
		if (!(n->pend[i / 64] & bit)) {
			n->pend[i / 64] |= bit;
			n->npending++;
		}
	}
	if (n->npending && !n->queued) {
		n->queued = true;
		n->pnext = NULL;
		n->pprev = e->ptail;
		if (e->ptail)
			e->ptail->pnext = n;
		else
			e->phead = n;
		e->ptail = n;
	}
}

/* Entries [i0, i1) of n are being translated now. */
void dtg_shadow_undefer(struct dtg_shadow *e, struct dtg_shadow_node *n,
			unsigned i0, unsigned i1)
{
	if (!n->npending)
		return;
	for (unsigned i = i0; i < i1; i++) {
		uint64_t bit = (uint64_t)1 << (i % 64);

		if (n->pend[i / 64] & bit) {
			n->pend[i / 64] &= ~bit;
			n->npending--;
		}
	}
	if (!n->npending)
		unqueue(e, n);
}

void dtg_shadow_node_free(struct dtg_shadow *e, struct dtg_shadow_node *n)
{
	size_t tsize = dtg_shadow_table_size(e, n->level);

	unqueue(e, n);
	if (n->kind == DTG_SHADOW_NODE_MIRROR) {
		unhash(e, n);
		if (n->prev)
			n->prev->next = n->next;
		else if (e->mirrors == n)
			e->mirrors = n->next;
		if (n->next)
			n->next->prev = n->prev;
		mem_free(e, n->snap, tsize, 0);
		e->st.guest_tables--;
	} else {
		e->st.split_tables--;
	}
	e->st.tables--;
	mem_free(e, n->shadow, tsize, table_flags(e));
	mem_free(e, n, node_bytes(n->nchild, n->nent), 0);
}

void dtg_shadow_node_put(struct dtg_shadow *e, struct dtg_shadow_node *n)
{
	if (!n || !n->refs)
		return;
	if (--n->refs)
		return;
	if (!n->zombie) {
		n->zombie = true;
		n->znext = e->zombies;
		e->zombies = n;
	}
}

/* Free the nodes nobody points at any more.  Only call after flush_tlb. */
void dtg_shadow_reap(struct dtg_shadow *e)
{
	while (e->zombies) {
		struct dtg_shadow_node *n = e->zombies;

		e->zombies = n->znext;
		n->zombie = false;
		if (n->refs)
			continue;       /* revived meanwhile */
		for (unsigned i = 0; i < n->nchild; i++)
			dtg_shadow_node_put(e, n->child[i]);
		dtg_shadow_node_free(e, n);
	}
}

void dtg_shadow_report(struct dtg_shadow *e, unsigned kind, unsigned level,
		       const struct dtg_shadow_node *n, unsigned idx, uint64_t ipa)
{
	struct dtg_shadow_fault f;

	e->st.faults++;
	if (!e->cb.fault)
		return;
	f.kind = (enum dtg_shadow_fault_kind)kind;
	f.level = level;
	f.table_ipa = n && n->kind == DTG_SHADOW_NODE_MIRROR ? n->gipa : UINT64_MAX;
	f.index = idx;
	f.ipa = ipa;
	e->cb.fault(e->opaque, &f);
}
