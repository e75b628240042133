/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/shadow/world.h - a simulated guest for the shadow engine tests:
 * guest RAM holding the guest's tables, a page-granular p2m, a shadow-table
 * allocator that hands out fake machine addresses, and reference walkers
 * written from the architecture manuals, sharing no code with the engine.
 */
#ifndef SHADOW_WORLD_H
#define SHADOW_WORLD_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <xendtgen/shadow.h>

enum { W_OMAP, W_LPAE, W_LPAE48 };
enum { P2M_CONTIG, P2M_FRAG, P2M_HOLES };
enum { WALK_OK, WALK_FAULT, WALK_BADPTR };

#define P2M_NONE UINT32_MAX

struct rec { uint64_t ma; void *ptr; size_t size; bool live; };

struct world {
	int kind;
	const struct dtg_shadow_format *fmt;
	uint64_t rng;
	/* guest RAM, tables bump-allocated in it */
	uint64_t gram_base, gram_size, gram_next;
	uint8_t *gram;
	uint64_t root;          /* guest root table IPA */
	uint64_t l1root;        /* LPAE: the level-1 table edits start from */
	uint64_t span;          /* IOVA range the generator fills */
	/* p2m: IPA page -> MA page; run[p] = pages from p with the same state
	 * and contiguous MA (or unmapped) */
	uint64_t ipa_pages, ma_pages, ma_base;
	uint32_t *p2m, *run;
	/* shadow tables */
	struct rec *recs;
	size_t nrec, caprec;
	uint32_t *byptr;        /* open-addressing hash: ptr -> rec index + 1 */
	uint64_t ma_next;
	long live_allocs, live_tables;
	/* observations */
	unsigned long faults[8];
	unsigned long flushes;
	uint64_t flushed_root;
	bool use_map;
	bool bad_alloc_flags;
	/* p2m reports extents only to the end of each page (shadow.h allows
	 * it), however long the contiguous run is */
	bool page_extents;
	/* cumulative counts of callbacks, for the work-bound tests */
	unsigned long p2m_calls, allocs;
	unsigned long mark_p2m, mark_allocs;
	unsigned long table_frees, mark_table_frees;
	/* the allocation whose count (allocs) reaches fail_alloc fails once */
	unsigned long fail_alloc;
	/* pages written since the last resync (dirty hints) */
	uint64_t *dirty;
	size_t ndirty, capdirty;
};

uint64_t w_rand(struct world *w);
void w_init(struct world *w, int kind, uint64_t seed, bool use_map);
void w_fini(struct world *w);
void w_p2m_layout(struct world *w, int layout);
void w_p2m_rerun(struct world *w);
void w_callbacks(struct dtg_shadow_callbacks *cb);

uint64_t w_galloc(struct world *w, size_t size);
void w_put(struct world *w, uint64_t ipa, uint64_t val, unsigned size);
uint64_t w_get(struct world *w, uint64_t ipa, unsigned size);

void w_gen_tables(struct world *w);
void w_random_edits(struct world *w, unsigned n);
void w_p2m_change(struct world *w, uint64_t *ipa, uint64_t *size);

/* The p2m as the tests define it: false if ipa is unmapped. */
bool w_ref_p2m(struct world *w, uint64_t ipa, uint64_t *ma);

/* Reference walk in the guest (IPA tables) or the shadow (MA tables). */
int w_walk(struct world *w, bool shadow, uint64_t root, uint64_t va,
	   uint64_t *pa, uint64_t *attrs);
/* shadow(iova) == p2m(guest(iova)) on n random IOVAs; returns the number of
 * mismatches (and counts mapped samples in *mapped). */
unsigned long w_check(struct world *w, struct dtg_shadow *e, unsigned long n,
		      unsigned long *mapped);
/* The same for every IOVA in [0, span) at the given step (exhaustive). */
unsigned long w_check_all(struct world *w, struct dtg_shadow *e, uint64_t step,
			  unsigned long *mapped);

#endif
