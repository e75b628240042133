/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/shadow/translate.c - filling shadow entries from guest entries.
 *
 * Entries are handled in aligned groups of 16 (a supersection, large page
 * or contiguous-hint group is exactly one such group).  A replicated entry
 * is read per slot, as a hardware walker reads it: entry i maps its own
 * slot.  A group is kept as a group in the shadow only if it is consistent
 * and its machine frames are contiguous and aligned; a leaf whose frames
 * are not is split into a shadow-only table one level down.
 *
 * Work bound: every p2m callback and every split table is charged to the
 * call's budget, and leaf work is done in units whose worst cost is known
 * (DTG_SHADOW_UNIT_*): a unit starts only if the budget left covers it,
 * otherwise its entries are deferred (invalid in the shadow, a bit in the
 * node's pend bitmap) and dtg_shadow_drain() of a later call does them.  A
 * new split table is always filled by the drain, so units never nest.
 *
 * An allocation failure is the same retry: the entry that needed the memory
 * is deferred, and so is every later unit of the call (unit_ok() is false
 * once e->err is set).  The snapshot always holds the guest's bytes, so a
 * deferred entry is redone from what the guest wrote.
 */
#include "internal.h"

enum { C_FULL, C_PARTIAL, C_HOLE, C_OA };

#define PAGE ((uint64_t)1 << DTG_SHADOW_PAGE_SHIFT)

void dtg_shadow_p2m_flush(struct dtg_shadow *e)
{
	e->c_len = 0;
}

/* p2m lookup through a one-extent cache: runs of pages in one p2m block
 * cost one callback.  0 with *ma, *len; -1 with *len = hole length. */
static int p2m(struct dtg_shadow *e, uint64_t ipa, uint64_t *ma, uint64_t *len)
{
	uint64_t m = 0, l = 0, pend = PAGE - (ipa & (PAGE - 1));

	if (ipa - e->c_ipa < e->c_len) {
		*ma = e->c_ma + (ipa - e->c_ipa);
		*len = e->c_len - (ipa - e->c_ipa);
		return 0;
	}
	e->p2m_used++;
	if (e->cb.p2m(e->opaque, ipa, &m, &l) < 0) {
		*len = l < pend ? pend : l;
		return -1;
	}
	if (l < pend)
		l = pend;
	if (ipa + l < ipa)
		l = 0 - ipa;
	e->c_ipa = ipa;
	e->c_len = l;
	e->c_ma = m;
	*ma = m;
	*len = l;
	return 0;
}

static uint64_t oa_limit(const struct dtg_shadow *e)
{
	return e->fmt->oa_bits >= 64 ? UINT64_MAX : (uint64_t)1 << e->fmt->oa_bits;
}

/* Is [ipa, ipa+size) mapped to contiguous machine frames?  *ma = start.
 * At most DTG_SHADOW_PROBE p2m calls: a range the p2m does not prove
 * contiguous within them (short extents) is C_PARTIAL, so the caller
 * splits it and proves smaller ranges; the cost per entry stays fixed
 * whatever extent lengths the p2m callback reports. */
static int contig(struct dtg_shadow *e, uint64_t ipa, uint64_t size, uint64_t *ma)
{
	uint64_t m, l, done;
	unsigned calls = 1;

	if (p2m(e, ipa, &m, &l) < 0)
		return l >= size ? C_HOLE : C_PARTIAL;
	*ma = m;
	if (m >= oa_limit(e) || oa_limit(e) - m < size)
		return C_OA;
	for (done = l; done < size; done += l) {
		uint64_t m2;

		if (++calls > DTG_SHADOW_PROBE)
			return C_PARTIAL;
		if (p2m(e, ipa + done, &m2, &l) < 0 || m2 != m + done)
			return C_PARTIAL;
	}
	return C_FULL;
}

static void encode(struct dtg_shadow *e, struct dtg_shadow_node *n, unsigned i,
		   const struct dtg_shadow_pte *p)
{
	e->fmt->encode(e->fmt, n->level, n->shadow, i, p);
}

static void clean(struct dtg_shadow *e, const struct dtg_shadow_node *n,
		  unsigned i0, unsigned i1)
{
	if (e->cb.clean)
		e->cb.clean(e->opaque, (const char *)n->shadow + (size_t)i0 * e->fmt->esize,
			    (size_t)(i1 - i0) * e->fmt->esize);
}

/* Write n group leaves at [i, i+G) mapping machine frames from ma. */
static void encode_group(struct dtg_shadow *e, struct dtg_shadow_node *n, unsigned i,
			 uint64_t ma, uint64_t attrs)
{
	uint64_t s = (uint64_t)1 << e->fmt->shift[n->level];
	struct dtg_shadow_pte p;

	dtg_shadow_pte_set(&p, DTG_SHADOW_PTE_LEAF, 0, attrs);
	p.group = true;
	for (unsigned j = 0; j < DTG_SHADOW_GROUP; j++) {
		p.addr = ma + j * s;
		encode(e, n, i + j, &p);
	}
	e->st.translated += DTG_SHADOW_GROUP;
}

static void map_leaf(struct dtg_shadow *e, struct dtg_shadow_node *n, unsigned i,
		     uint64_t ipa, uint64_t attrs);

/* Fill entries [i0, i1) of a shadow-only table standing for one guest leaf
 * (mapping s->gipa with s->attrs), one unit at a time while the budget
 * lasts; the rest is deferred. */
static void fill_split(struct dtg_shadow *e, struct dtg_shadow_node *s,
		       unsigned i0, unsigned i1)
{
	const struct dtg_shadow_format *f = e->fmt;
	uint64_t sz = (uint64_t)1 << f->shift[s->level];
	uint64_t gsz = sz * DTG_SHADOW_GROUP;
	bool grp = f->group_levels >> s->level & 1;

	if (s->npending)
		dtg_shadow_undefer(e, s, i0, i1);
	for (unsigned i = i0; i < i1;) {
		uint64_t a = s->gipa + i * sz, ma = 0;

		if (!dtg_shadow_unit_ok(e)) {
			dtg_shadow_defer(e, s, i, i1);
			break;
		}
		if (grp && !(i % DTG_SHADOW_GROUP) && i + DTG_SHADOW_GROUP <= i1) {
			int c = contig(e, a, gsz, &ma);

			if (c == C_FULL && !(ma & (gsz - 1))) {
				encode_group(e, s, i, ma, s->attrs);
				i += DTG_SHADOW_GROUP;
				continue;
			}
			if (c == C_HOLE) {
				for (unsigned j = 0; j < DTG_SHADOW_GROUP; j++)
					dtg_shadow_encode_invalid(e, s, i + j);
				dtg_shadow_report(e, DTG_SHADOW_FAULT_UNMAPPED, s->level, s, i, a);
				i += DTG_SHADOW_GROUP;
				continue;
			}
		}
		map_leaf(e, s, i, a, s->attrs);
		i++;
	}
	clean(e, s, i0, i1);
	e->changed = true;
}

/* Shadow one leaf slot of n (entry i) mapping ipa: a leaf if its frames are
 * contiguous and aligned, else a split table (filled later by the drain),
 * else (last level) invalid.  One unit: at most DTG_SHADOW_PROBE p2m calls
 * and one split table. */
static void map_leaf(struct dtg_shadow *e, struct dtg_shadow_node *n, unsigned i,
		     uint64_t ipa, uint64_t attrs)
{
	const struct dtg_shadow_format *f = e->fmt;
	unsigned level = n->level;
	uint64_t sz = (uint64_t)1 << f->shift[level], ma = 0;
	struct dtg_shadow_pte p;
	struct dtg_shadow_node *s;
	int c = contig(e, ipa, sz, &ma);

	dtg_shadow_pte_set(&p, DTG_SHADOW_PTE_LEAF, 0, attrs);
	if (c == C_FULL && !(ma & (sz - 1)) && (f->leaf_levels >> level & 1)) {
		p.addr = ma;
		encode(e, n, i, &p);
		e->st.translated++;
		return;
	}
	if (c == C_HOLE || level + 1 >= f->levels) {
		dtg_shadow_encode_invalid(e, n, i);
		dtg_shadow_report(e, c == C_OA ? DTG_SHADOW_FAULT_OA_RANGE :
				  DTG_SHADOW_FAULT_UNMAPPED, level, n, i, ipa);
		return;
	}
	s = dtg_shadow_node_new(e, level + 1, DTG_SHADOW_NODE_SPLIT, 0);
	if (!s) {
		e->err = -DTG_SHADOW_ENOMEM;
		dtg_shadow_report(e, DTG_SHADOW_FAULT_NOMEM, level, n, i, ipa);
		dtg_shadow_defer(e, n, i, i + 1);       /* retried by a later drain */
		return;
	}
	s->gipa = ipa;
	s->attrs = attrs;
	/* Every entry is written (invalid) before the table is reachable. */
	dtg_shadow_defer(e, s, 0, s->nent);
	clean(e, s, 0, s->nent);
	p.type = DTG_SHADOW_PTE_TABLE;
	p.from_leaf = true;
	p.addr = s->sma;
	encode(e, n, i, &p);
	n->child[i] = s;
	e->st.splits++;
}

static void xlate_one(struct dtg_shadow *e, struct dtg_shadow_node *n, unsigned i,
		      const struct dtg_shadow_pte *p)
{
	struct dtg_shadow_node *c;
	struct dtg_shadow_pte q;
	int rc;

	switch (p->type) {
	case DTG_SHADOW_PTE_TABLE:
		if (n->level + 1u >= e->fmt->levels)
			break;
		rc = dtg_shadow_get_mirror(e, p->addr, n->level + 1u, &c);
		if (rc == -DTG_SHADOW_ENOMEM || rc == -DTG_SHADOW_EAGAIN) {
			if (rc == -DTG_SHADOW_ENOMEM)   /* this entry's allocation failed */
				dtg_shadow_report(e, DTG_SHADOW_FAULT_NOMEM, n->level, n, i,
						  p->addr);
			dtg_shadow_defer(e, n, i, i + 1);       /* retried by a later drain */
			return;
		}
		if (rc < 0) {
			dtg_shadow_report(e, DTG_SHADOW_FAULT_BAD_TABLE, n->level, n, i, p->addr);
			break;
		}
		dtg_shadow_pte_set(&q, DTG_SHADOW_PTE_TABLE, c->sma, p->attrs);
		encode(e, n, i, &q);
		n->child[i] = c;
		return;
	case DTG_SHADOW_PTE_LEAF:
		if (p->group)   /* a group entry outside a consistent group */
			dtg_shadow_report(e, DTG_SHADOW_FAULT_INCONSISTENT, n->level, n, i,
					  p->addr);
		map_leaf(e, n, i, p->addr, p->attrs);
		return;
	}
	dtg_shadow_encode_invalid(e, n, i);
}

/* An aligned group of 16 starting with a group leaf: written as a group if
 * it is consistent, lies in [i, i1) and its machine frames allow; false if
 * its entries must be translated one by one (an inconsistent group is
 * reported here).  A group reaching past i1 is not written whole: the rest
 * of it is not this call's to write (deferred entries end inside a group
 * only before an entry that is no leaf, so such a group is inconsistent). */
static bool xlate_group(struct dtg_shadow *e, struct dtg_shadow_node *n, unsigned i,
			unsigned i1)
{
	const struct dtg_shadow_format *f = e->fmt;
	uint64_t sz = (uint64_t)1 << f->shift[n->level];
	uint64_t gsz = sz * DTG_SHADOW_GROUP, ma = 0;
	struct dtg_shadow_pte p[DTG_SHADOW_GROUP];
	bool ok = true;

	for (unsigned j = 0; j < DTG_SHADOW_GROUP; j++) {
		f->decode(f, n->level, n->snap, i + j, &p[j]);
		ok = ok && p[j].type == DTG_SHADOW_PTE_LEAF && p[j].group &&
		     p[j].attrs == p[0].attrs && p[j].addr == p[0].addr + j * sz;
	}
	ok = ok && !(p[0].addr & (gsz - 1));
	if (!ok) {
		dtg_shadow_report(e, DTG_SHADOW_FAULT_INCONSISTENT, n->level, n, i,
				  p[0].addr);
		return false;
	}
	if (i + DTG_SHADOW_GROUP > i1)
		return false;
	if (contig(e, p[0].addr, gsz, &ma) == C_FULL && !(ma & (gsz - 1))) {
		encode_group(e, n, i, ma, p[0].attrs);
		return true;
	}
	return false;
}

/* Re-translate entries [i0, i1) of mirror n from its snapshot.  Table
 * entries are always followed (a mirror per guest table is bounded by the
 * guest's own tables) unless an allocation failed; leaf work goes in
 * budgeted units. */
void dtg_shadow_xlate(struct dtg_shadow *e, struct dtg_shadow_node *n,
		      unsigned i0, unsigned i1)
{
	const struct dtg_shadow_format *f = e->fmt;
	unsigned level = n->level, esz = f->esize;
	uint64_t sz = (uint64_t)1 << f->shift[level];
	bool grp = f->group_levels >> level & 1;
	unsigned single_until = 0;      /* entries below: group refused */

	for (unsigned i = i0; i < i1 && n->nchild; i++) {
		dtg_shadow_node_put(e, n->child[i]);
		n->child[i] = NULL;
	}
	if (n->npending)        /* a call into node.c only when needed */
		dtg_shadow_undefer(e, n, i0, i1);
	if (grp && i0 % DTG_SHADOW_GROUP) {
		/* resuming inside a group whose head was already judged (the
		 * snapshot holds what the guest wrote, never a marker) */
		struct dtg_shadow_pte h;

		f->decode(f, level, n->snap, i0 & ~(DTG_SHADOW_GROUP - 1u), &h);
		if (h.type == DTG_SHADOW_PTE_LEAF && h.group)
			single_until = (i0 | (DTG_SHADOW_GROUP - 1u)) + 1;
	}
	for (unsigned i = i0; i < i1;) {
		struct dtg_shadow_pte p;
		uint64_t ma, len;

		f->decode(f, level, n->snap, i, &p);
		if (p.type == DTG_SHADOW_PTE_INVALID) {
			unsigned k = f->skip_invalid(f, level,
						     (const char *)n->snap + (size_t)i * esz,
						     (char *)n->shadow + (size_t)i * esz, i1 - i);

			if (!k) {       /* invalid by type/level, not by bit 0 */
				dtg_shadow_encode_invalid(e, n, i);
				k = 1;
			}
			i += k;
			continue;
		}
		if (p.type == DTG_SHADOW_PTE_TABLE) {
			xlate_one(e, n, i, &p);
			i++;
			continue;
		}
		if (i < single_until)
			p.group = false;        /* the group was judged (and reported) */
		if (!dtg_shadow_unit_ok(e)) {
			dtg_shadow_defer(e, n, i, i + 1);
			i++;
			continue;
		}
		if (p.group && grp && !(i % DTG_SHADOW_GROUP)) {
			if (xlate_group(e, n, i, i1)) {
				i += DTG_SHADOW_GROUP;
				continue;
			}
			/* The group check and its first entry are one unit: a
			 * call whose budget covers one unit makes progress. */
			single_until = i + DTG_SHADOW_GROUP;
			p.group = false;
			xlate_one(e, n, i, &p);
			i++;
			continue;
		}
		/* Fast path: a run of plain leaves inside one p2m extent is a
		 * copy with the address moved by a constant. */
		if (!p.group && p2m(e, p.addr, &ma, &len) == 0 &&
		    !((ma - p.addr) & (sz - 1)) && ma < oa_limit(e)) {
			unsigned k;

			if (oa_limit(e) - ma < len)
				len = oa_limit(e) - ma;
			k = f->relocate(f, level, (const char *)n->snap + (size_t)i * esz,
					(char *)n->shadow + (size_t)i * esz, i1 - i,
					p.addr, p.addr + len, ma - p.addr);
			if (k) {
				e->st.translated += k;
				i += k;
				continue;
			}
		}
		xlate_one(e, n, i, &p);
		i++;
	}
	clean(e, n, i0, i1);
	e->changed = true;
}

/* Do deferred leaf work, oldest first, while the budget lasts.  Each run of
 * deferred entries of a node is done once per call (what cannot be done
 * again is deferred again); split tables made here join the list's tail. */
void dtg_shadow_drain(struct dtg_shadow *e)
{
	struct dtg_shadow_node *n, *prev, *next;

	for (n = e->phead; n && !e->err && dtg_shadow_unit_ok(e); n = next) {
		prev = n->pprev;
		for (unsigned i = 0; n->refs && i < n->nent && !e->err &&
		     dtg_shadow_unit_ok(e);) {
			unsigned j;

			if (!n->pend[i / 64]) {
				i = (i | 63u) + 1;
				continue;
			}
			if (!(n->pend[i / 64] >> (i % 64) & 1)) {
				i++;
				continue;
			}
			for (j = i + 1; j < n->nent && (n->pend[j / 64] >> (j % 64) & 1); j++)
				;
			if (n->kind == DTG_SHADOW_NODE_MIRROR)
				dtg_shadow_xlate(e, n, i, j);
			else
				fill_split(e, n, i, j);
			i = j;
		}
		/* n leaves the list when nothing is left; zombies (refs 0)
		 * are skipped and leave it when reaped */
		next = n->queued ? n->pnext : prev ? prev->pnext : e->phead;
	}
}

/* The mirror for the guest table at gipa in *out, one reference taken;
 * built if new.  -DTG_SHADOW_EINVAL if the table is misaligned or not
 * readable, -DTG_SHADOW_ENOMEM if it cannot be allocated, -DTG_SHADOW_EAGAIN
 * if not tried (an allocation of this call failed already). */
int dtg_shadow_get_mirror(struct dtg_shadow *e, uint64_t gipa, unsigned level,
			  struct dtg_shadow_node **out)
{
	size_t tsize = dtg_shadow_table_size(e, level);
	struct dtg_shadow_node *n = dtg_shadow_node_find(e, gipa, level);

	*out = NULL;
	if (n) {
		n->refs++;      /* may revive a zombie */
		if (e->check_shared && n->gen != e->gen)
			dtg_shadow_compare(e, n, 0, n->nent, false);
		*out = n;
		return 0;
	}
	if (gipa & (tsize - 1))
		return -DTG_SHADOW_EINVAL;
	if (e->err)
		return -DTG_SHADOW_EAGAIN;
	/* Read first, allocate after: an unreadable table costs no allocation
	 * (the bound counts 3 per table mirrored).  The scratch buffer is free
	 * here: compare() is done with it before it translates. */
	if (e->cb.read(e->opaque, gipa, e->scratch, tsize) < 0)
		return -DTG_SHADOW_EINVAL;
	n = dtg_shadow_node_new(e, level, DTG_SHADOW_NODE_MIRROR, gipa);
	if (!n) {
		e->err = -DTG_SHADOW_ENOMEM;
		return e->err;
	}
	dtg_shadow_memcpy(n->snap, e->scratch, tsize);
	dtg_shadow_node_hash(e, n);
	n->gen = e->gen;
	dtg_shadow_xlate(e, n, 0, n->nent);
	*out = n;
	return 0;
}

/* Compare entries [i0, i1) (16-aligned) of mirror n with the guest and
 * re-translate the groups that differ (all of them if force).  The guest
 * view is released before translating, so nested compares of child tables
 * never hold two mappings or share the scratch buffer. */
void dtg_shadow_compare(struct dtg_shadow *e, struct dtg_shadow_node *n,
			unsigned i0, unsigned i1, bool force)
{
	unsigned esz = e->fmt->esize;
	size_t cbytes = (size_t)DTG_SHADOW_GROUP * esz;
	size_t off = (size_t)i0 * esz, len = (size_t)(i1 - i0) * esz;
	uint64_t bm[4096 / DTG_SHADOW_GROUP / 64];
	const char *g = NULL;
	char *snap = n->snap;
	bool mapped = false;

	dtg_shadow_memset(bm, 0, sizeof(bm));   /* no initializer: no memset call */
	n->gen = e->gen;
	if (e->cb.map) {
		g = e->cb.map(e->opaque, n->gipa + off, len);
		mapped = g != NULL;
	}
	if (!g) {
		g = e->scratch;
		if (e->cb.read(e->opaque, n->gipa + off, e->scratch, len) < 0) {
			/* The table left guest RAM: read it as empty. */
			dtg_shadow_memset(e->scratch, 0, len);
			dtg_shadow_report(e, DTG_SHADOW_FAULT_BAD_TABLE, n->level, n, i0,
					  n->gipa + off);
		}
	}
	if (!force && dtg_shadow_memeq(g, snap + off, len)) {
		if (mapped && e->cb.unmap)
			e->cb.unmap(e->opaque, g, len);
		return;
	}
	for (size_t o = 0; o < len; o += cbytes) {
		if (!force && dtg_shadow_memeq(g + o, snap + off + o, cbytes))
			continue;
		dtg_shadow_memcpy(snap + off + o, g + o, cbytes);
		size_t c = (off + o) / cbytes;
		bm[c / 64] |= (uint64_t)1 << (c % 64);
	}
	if (mapped && e->cb.unmap)
		e->cb.unmap(e->opaque, g, len);
	for (unsigned c = i0 / DTG_SHADOW_GROUP; c < i1 / DTG_SHADOW_GROUP; c++)
		if (bm[c / 64] >> (c % 64) & 1)
			dtg_shadow_xlate(e, n, c * DTG_SHADOW_GROUP, (c + 1) * DTG_SHADOW_GROUP);
}
