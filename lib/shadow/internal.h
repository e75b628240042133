/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/shadow/internal.h - engine state and the per-format ops table.
 * Freestanding: only <stdint.h>, <stddef.h>, <stdbool.h>.
 */
#ifndef DTG_SHADOW_INTERNAL_H
#define DTG_SHADOW_INTERNAL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include "xendtgen/shadow.h"

#define DTG_SHADOW_MAX_LEVELS 4
#define DTG_SHADOW_GROUP 16          /* replicated / contiguous group size */
#define DTG_SHADOW_PAGE_SHIFT 12
#define DTG_SHADOW_HASH_BITS 12
/* A leaf's machine frames are probed with at most this many p2m calls;
 * a leaf not proven contiguous within them is split one level down. */
#define DTG_SHADOW_PROBE 16
/* Worst cost of one unit of leaf work (a group check plus one leaf, or one
 * leaf and the split table it may need); a unit starts only if the rest of
 * the call's budget covers it.  The public minimum budget is this. */
#define DTG_SHADOW_UNIT_P2M (2 * DTG_SHADOW_PROBE)
#define DTG_SHADOW_UNIT_ALLOC 2

/* Table words may be read through a wider type than they were written. */
typedef uint64_t __attribute__((may_alias)) dtg_shadow_u64a;
typedef uint32_t __attribute__((may_alias)) dtg_shadow_u32a;

enum { DTG_SHADOW_PTE_INVALID, DTG_SHADOW_PTE_TABLE, DTG_SHADOW_PTE_LEAF };

/* One decoded entry.  For a leaf, addr is the address mapped at the start
 * of this entry's own slot (a replicated entry is read per slot, as a
 * walker would); attrs are format-defined and level-independent. */
struct dtg_shadow_pte {
	unsigned type;
	bool group;          /* leaf claims to be part of a 16-entry group */
	bool from_leaf;      /* encode: table replacing a split leaf */
	uint64_t addr;
	uint64_t attrs;
};

/* Set every field of *p, one by one: an initializer leaving fields to zero
 * becomes a memset call at clang -O0, which a freestanding build lacks. */
static inline void dtg_shadow_pte_set(struct dtg_shadow_pte *p, unsigned type,
				      uint64_t addr, uint64_t attrs)
{
	p->type = type;
	p->group = false;
	p->from_leaf = false;
	p->addr = addr;
	p->attrs = attrs;
}

/* Format ops (the io-pgtable / Jailhouse paging idea): geometry plus
 * per-level decode/encode and a fast relocation of plain leaf runs. */
struct dtg_shadow_format {
	const char *name;
	unsigned levels;
	unsigned esize;                          /* bytes per entry */
	unsigned shift[DTG_SHADOW_MAX_LEVELS];   /* log2 bytes per entry */
	unsigned nent[DTG_SHADOW_MAX_LEVELS];    /* entries per table */
	unsigned leaf_levels;                    /* bitmask: leaves allowed */
	unsigned group_levels;                   /* bitmask: groups allowed */
	unsigned oa_bits;                        /* output address width */
	unsigned arch_base;                      /* architectural first level */
	void (*decode)(const struct dtg_shadow_format *f, unsigned level,
		       const void *tbl, unsigned idx, struct dtg_shadow_pte *p);
	void (*encode)(const struct dtg_shadow_format *f, unsigned level,
		       void *tbl, unsigned idx, const struct dtg_shadow_pte *p);
	/* Copy entries [0, n) of g to s with their output address moved by
	 * delta, as long as each is a plain (non-group) leaf whose slot lies
	 * in [lo, hi); return how many were done. */
	unsigned (*relocate)(const struct dtg_shadow_format *f, unsigned level,
			     const void *g, void *s, unsigned n, uint64_t lo,
			     uint64_t hi, uint64_t delta);
	/* Write invalid shadow entries for the leading run of invalid entries
	 * of g[0, n); return its length. */
	unsigned (*skip_invalid)(const struct dtg_shadow_format *f, unsigned level,
				 const void *g, void *s, unsigned n);
};

enum { DTG_SHADOW_NODE_MIRROR, DTG_SHADOW_NODE_SPLIT };

/* A shadow table: either mirrors a guest table (snapshot, hashed by guest
 * address, shared by every entry that points at that guest table) or is
 * shadow-only, owned by the one entry whose leaf it splits. */
struct dtg_shadow_node {
	uint64_t gipa;                 /* guest table IPA (mirror) */
	struct dtg_shadow_node *hnext; /* hash chain */
	struct dtg_shadow_node *next, *prev; /* list of mirrors */
	struct dtg_shadow_node *znext; /* zombie list: freed after TLB flush */
	void *snap;                    /* guest snapshot (mirror) */
	void *shadow;                  /* shadow table */
	uint64_t sma;                  /* its machine address */
	uint64_t gen;                  /* op generation it was last compared */
	uint32_t refs;                 /* entries pointing here (0 = zombie) */
	uint32_t nent;
	uint32_t nchild;               /* 0 at the last level: leaves only */
	uint8_t level;
	uint8_t kind;
	bool zombie;
	bool queued;                   /* on the engine's pending list */
	uint32_t npending;             /* bits set in pend */
	struct dtg_shadow_node *pnext, *pprev; /* pending list */
	uint64_t *pend;                /* per entry: leaf work left for later */
	uint64_t attrs;                /* split: attributes of the split leaf */
	struct dtg_shadow_node *child[]; /* per entry: table it points to;
					    the pend bitmap follows */
};

struct dtg_shadow {
	const struct dtg_shadow_format *fmt;
	struct dtg_shadow_callbacks cb;
	void *opaque;
	struct dtg_shadow_node *root;
	struct dtg_shadow_node *mirrors;  /* all mirror nodes (not root) */
	struct dtg_shadow_node *zombies;
	struct dtg_shadow_node **hash;
	void *scratch;                    /* root-sized buffer when no map() */
	size_t scratch_size;
	uint64_t gen;
	bool check_shared;                /* compare reused mirrors in get_node */
	bool changed;                     /* shadow written in this op */
	int err;                          /* sticky error of this op */
	/* p2m cache: the last contiguous extent returned */
	uint64_t c_ipa, c_len, c_ma;
	/* work bound of one call: p2m callbacks and split-table allocations
	 * made so far in this call, against the budget */
	uint64_t p2m_used, alloc_used, p2m_budget, alloc_budget;
	/* nodes with deferred leaf work (npending > 0), oldest first */
	struct dtg_shadow_node *phead, *ptail;
	struct dtg_shadow_stats st;
};

/* util.c: freestanding helpers */
void dtg_shadow_memset(void *d, int c, size_t n);
void dtg_shadow_memcpy(void *d, const void *s, size_t n);
bool dtg_shadow_memeq(const void *a, const void *b, size_t n); /* n % 64 == 0 */

/* node.c: allocation, hashing, references */
static inline unsigned dtg_shadow_table_nent(const struct dtg_shadow *e, unsigned level)
{
	return e->fmt->nent[level];
}

static inline size_t dtg_shadow_table_size(const struct dtg_shadow *e, unsigned level)
{
	return (size_t)e->fmt->nent[level] * e->fmt->esize;
}
struct dtg_shadow_node *dtg_shadow_node_new(struct dtg_shadow *e, unsigned level,
					    unsigned kind, uint64_t gipa);
void dtg_shadow_node_free(struct dtg_shadow *e, struct dtg_shadow_node *n);
void dtg_shadow_node_hash(struct dtg_shadow *e, struct dtg_shadow_node *n);
struct dtg_shadow_node *dtg_shadow_node_find(struct dtg_shadow *e, uint64_t gipa,
					     unsigned level);
void dtg_shadow_node_put(struct dtg_shadow *e, struct dtg_shadow_node *n);
void dtg_shadow_reap(struct dtg_shadow *e);
void dtg_shadow_encode_invalid(struct dtg_shadow *e, struct dtg_shadow_node *n,
			       unsigned i);
void dtg_shadow_defer(struct dtg_shadow *e, struct dtg_shadow_node *n,
		      unsigned i0, unsigned i1);
void dtg_shadow_undefer(struct dtg_shadow *e, struct dtg_shadow_node *n,
			unsigned i0, unsigned i1);
void dtg_shadow_report(struct dtg_shadow *e, unsigned kind, unsigned level,
		       const struct dtg_shadow_node *n, unsigned idx, uint64_t ipa);

/* translate.c: filling shadow entries */
int dtg_shadow_get_mirror(struct dtg_shadow *e, uint64_t gipa, unsigned level,
			  struct dtg_shadow_node **out);
void dtg_shadow_xlate(struct dtg_shadow *e, struct dtg_shadow_node *n,
		      unsigned i0, unsigned i1);
void dtg_shadow_compare(struct dtg_shadow *e, struct dtg_shadow_node *n,
			unsigned i0, unsigned i1, bool force);
void dtg_shadow_p2m_flush(struct dtg_shadow *e);
void dtg_shadow_drain(struct dtg_shadow *e);

/* May one more unit of leaf work start within this call's budget?  Not
 * after an allocation failed in this call: the rest waits for a later one. */
static inline bool dtg_shadow_unit_ok(const struct dtg_shadow *e)
{
	return !e->err && e->p2m_used + DTG_SHADOW_UNIT_P2M <= e->p2m_budget &&
	       e->alloc_used + DTG_SHADOW_UNIT_ALLOC <= e->alloc_budget;
}

#endif
