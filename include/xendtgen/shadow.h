/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xendtgen/shadow.h - libdtgen-shadow, a freestanding page-table shadowing
 * engine for remote-processor MMUs (OMAP IPU/DSP, GPU MMUs).
 *
 * The guest fills its device's page tables with guest physical addresses
 * (IPAs).  The engine walks those tables, composes every mapping with the
 * p2m (IPA -> machine address, MA) and keeps a shadow table holding machine
 * addresses that the real MMU can walk.  It keeps a snapshot of every guest
 * table so that a later resync re-translates only the entries that changed.
 *
 * Freestanding: the engine calls no libc function, allocates nothing by
 * itself and has no mutable global state.  Everything goes through the
 * callback table below, so a hypervisor can compile the sources in.
 *
 * Functions return 0 on success or a negative DTG_SHADOW_E* code.
 *
 * Work bound.  One call of dtg_shadow_sync(), _resync(), _resync_pages(),
 * _resync_entries(), _invalidate() or _continue() makes, whatever the
 * guest tables hold and whatever extents the p2m callback reports:
 *  - at most P p2m callbacks;
 *  - at most A + 3 T allocations: A for split tables (2 per split table:
 *    its bookkeeping and the table), and 3 per guest table mirrored for the
 *    first time (T: at most one per (guest table, level) reachable from
 *    the base, so bounded by the guest's own tables; plus the one table
 *    whose allocation failed, in a call returning -DTG_SHADOW_ENOMEM: after
 *    a failure the call allocates nothing more);
 *  - otherwise, work linear in the entries of the guest tables it compares
 *    (each mirrored table at most once per call; only the listed groups for
 *    the hinted resyncs), plus one table's entries per split table made.
 * P and A are the call's budget (dtg_shadow_set_budget(); by default
 * DTG_SHADOW_DEFAULT_P2M_BUDGET and DTG_SHADOW_DEFAULT_ALLOC_BUDGET).  A
 * leaf is proven contiguous in machine memory with at most 16 p2m calls; a
 * leaf not proven so (short or fragmented extents) is split one level
 * down, never reported as a fault, so short extents give a finer shadow,
 * not more calls per entry.  Leaf work the budget does not cover is
 * deferred: its shadow entries are invalid meanwhile (the MMU faults there;
 * it never maps memory the guest did not map), and the call returns
 * -DTG_SHADOW_EAGAIN after doing all the rest.  Call dtg_shadow_continue()
 * (or any operation) until it returns 0; each call with a full budget makes
 * progress, so a finite table needs finitely many calls.
 */
#ifndef XENDTGEN_SHADOW_H
#define XENDTGEN_SHADOW_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Error codes, returned negated (-DTG_SHADOW_ENOMEM). */
enum dtg_shadow_error {
	DTG_SHADOW_OK = 0,
	DTG_SHADOW_ENOMEM,   /* the alloc callback failed; state stays valid:
				the entries concerned are deferred as for
				EAGAIN, dtg_shadow_continue() retries them */
	DTG_SHADOW_EINVAL,   /* bad argument (unaligned base, NULL callback) */
	DTG_SHADOW_ENOENT,   /* nothing mapped (lookup, p2m callback) */
	DTG_SHADOW_ESTATE,   /* no table base synced yet */
	DTG_SHADOW_EAGAIN,   /* the call's budget ran out: the shadow is valid
				but incomplete; call dtg_shadow_continue() */
};

/* Default budget of one call (see "Work bound" above) and the minimum
 * (the worst cost of one unit of leaf work: a 16-entry group check and one
 * leaf; one split table). */
#define DTG_SHADOW_DEFAULT_P2M_BUDGET 8192u
#define DTG_SHADOW_DEFAULT_ALLOC_BUDGET 256u
#define DTG_SHADOW_MIN_P2M_BUDGET 32u
#define DTG_SHADOW_MIN_ALLOC_BUDGET 2u

/*
 * Page-table formats.  Each is one file in lib/shadow/ (fmt-*.c) behind one
 * internal ops table; pass what one of these functions returns to
 * create() (functions, not data objects, so that the shared library
 * exports no data symbol).
 *  - omap:   ARMv7 short-descriptor / OMAP IOMMU, 32-bit IOVA and output:
 *            4096 x 4 B L1 (16 KiB), 256 x 4 B L2 (1 KiB); 16 MiB
 *            supersections, 1 MiB sections, 64 KiB large pages, 4 KiB pages.
 *  - lpae:   ARMv8 VMSA stage 1, 4 KiB granule, 39-bit IOVA (start at
 *            level 1, 3 levels), 48-bit output; 1 GiB / 2 MiB blocks,
 *            4 KiB pages, contiguous hint (bit 52, 16 entries).
 *  - lpae48: the same with a 48-bit IOVA (start at level 0, 4 levels).
 */
struct dtg_shadow_format;
const struct dtg_shadow_format *dtg_shadow_format_omap(void);
const struct dtg_shadow_format *dtg_shadow_format_lpae(void);
const struct dtg_shadow_format *dtg_shadow_format_lpae48(void);

/* Name of a format ("omap", "lpae", "lpae48"). */
const char *dtg_shadow_format_name(const struct dtg_shadow_format *fmt);

/* Flags passed to the alloc/free callbacks. */
#define DTG_SHADOW_ALLOC_TABLE  0x1u /* MMU-visible shadow table: set *ma */
#define DTG_SHADOW_ALLOC_BELOW_4G 0x2u /* table's MA must end below 4 GiB */

/* Why a fault was reported (struct dtg_shadow_fault.kind). */
enum dtg_shadow_fault_kind {
	DTG_SHADOW_FAULT_UNMAPPED = 1, /* leaf IPA not mapped by the p2m */
	DTG_SHADOW_FAULT_BAD_TABLE,    /* next-level table unreadable (outside
					  guest memory, misaligned) */
	DTG_SHADOW_FAULT_INCONSISTENT, /* replicated/contiguous group disagrees */
	DTG_SHADOW_FAULT_OA_RANGE,     /* MA not expressible in the format */
	DTG_SHADOW_FAULT_NOMEM,        /* alloc failed: entry left invalid */
};

/* A fault report: the guest entry at (table, index) could not be shadowed
 * as written; its shadow entry is invalid (or, for INCONSISTENT, each entry
 * is translated on its own).  ipa is the leaf or table address concerned. */
struct dtg_shadow_fault {
	enum dtg_shadow_fault_kind kind;
	unsigned level;      /* 0 = top level of the format */
	uint64_t table_ipa;  /* guest table holding the entry (~0: shadow-only) */
	unsigned index;      /* entry index in that table */
	uint64_t ipa;
};

/*
 * Callbacks; opaque is passed back unchanged.  Required: read, p2m, alloc,
 * free.  Optional (NULL): map/unmap, clean, flush_tlb, fault.
 */
struct dtg_shadow_callbacks {
	/* Copy len bytes of guest memory at ipa into buf; <0 if any byte is
	 * outside guest RAM (the entry pointing there then faults). */
	int (*read)(void *opaque, uint64_t ipa, void *buf, size_t len);
	/* Optional: a pointer to len bytes of guest memory at ipa (8-byte
	 * aligned), valid until unmap; NULL if not guest RAM.  Used by resync
	 * to compare without a copy.  At most one mapping is live at a time. */
	const void *(*map)(void *opaque, uint64_t ipa, size_t len);
	void (*unmap)(void *opaque, const void *ptr, size_t len);
	/* Translate ipa: set *ma and *len, the number of bytes from ipa over
	 * which the MA stays contiguous (e.g. to the end of the p2m block; at
	 * least to the end of the 4 KiB page).  If unmapped, return
	 * -DTG_SHADOW_ENOENT and optionally set *len to the hole's length. */
	int (*p2m)(void *opaque, uint64_t ipa, uint64_t *ma, uint64_t *len);
	/* Allocate size bytes aligned to align.  With DTG_SHADOW_ALLOC_TABLE
	 * the memory is a shadow table: set *ma to its machine address (below
	 * 4 GiB if DTG_SHADOW_ALLOC_BELOW_4G).  Otherwise it is engine
	 * bookkeeping (snapshots, state) and ma is NULL.  NULL on failure. */
	void *(*alloc)(void *opaque, size_t size, size_t align, unsigned flags,
		       uint64_t *ma);
	void (*free)(void *opaque, void *ptr, size_t size, unsigned flags);
	/* Clean len written bytes of a shadow table to the point of coherency
	 * (for a walker that does not snoop the data cache). */
	void (*clean)(void *opaque, const void *ptr, size_t len);
	/* Make the MMU use root_ma and drop its cached translations.  Called
	 * after shadow entries changed and before any table the MMU might
	 * still walk is freed. */
	void (*flush_tlb)(void *opaque, uint64_t root_ma);
	/* Report a fault (see struct dtg_shadow_fault). */
	void (*fault)(void *opaque, const struct dtg_shadow_fault *f);
};

/* Counters; the first three are cumulative, the rest are current. */
struct dtg_shadow_stats {
	uint64_t translated;   /* shadow leaf entries written */
	uint64_t splits;       /* guest leaves split into smaller shadow ones */
	uint64_t faults;       /* faults reported */
	uint64_t tables;       /* shadow tables owned (mirrored + split) */
	uint64_t split_tables; /* of those, tables the guest has none of */
	uint64_t guest_tables; /* guest tables mirrored (snapshots held) */
	uint64_t bytes;        /* memory held through the alloc callback */
};

struct dtg_shadow;

/* Create an engine for fmt; its state comes from cb->alloc.  The callback
 * table is copied.  No table is shadowed until dtg_shadow_sync(). */
int dtg_shadow_create(struct dtg_shadow **out, const struct dtg_shadow_format *fmt,
		      const struct dtg_shadow_callbacks *cb, void *opaque);

/* Set the budget of each later call: at most p2m_calls p2m callbacks and
 * allocs split-table allocations (see "Work bound").  -DTG_SHADOW_EINVAL
 * below the minimums.  UINT64_MAX for both removes the bound. */
int dtg_shadow_set_budget(struct dtg_shadow *e, uint64_t p2m_calls, uint64_t allocs);

/* Continue the leaf work deferred by an earlier call (which returned
 * -DTG_SHADOW_EAGAIN) with a new budget, without comparing guest tables:
 * 0 when none is left, -DTG_SHADOW_EAGAIN while some is. */
int dtg_shadow_continue(struct dtg_shadow *e);

/* Free every table and snapshot, then the engine.  NULL is allowed. */
void dtg_shadow_destroy(struct dtg_shadow *e);

/* Shadow the guest table whose top level is at base_ipa (aligned to the
 * top-level table size).  A new base builds a new shadow (guest tables
 * already mirrored are reused after a compare); the same base is resync(). */
int dtg_shadow_sync(struct dtg_shadow *e, uint64_t base_ipa);

/* Compare every mirrored guest table with its snapshot and re-translate
 * the 16-entry groups that differ. */
int dtg_shadow_resync(struct dtg_shadow *e);

/* Like resync, but only look at the guest pages listed (IPAs, any offset
 * within the 4 KiB page): the caller write-protects the tables and knows
 * which pages were written.  Cost is O(pages listed). */
int dtg_shadow_resync_pages(struct dtg_shadow *e, const uint64_t *pages, size_t n);

/* Like resync_pages, but each IPA is a written entry (a write trap knows
 * it): only the 16-entry group holding it is compared.  O(entries listed). */
int dtg_shadow_resync_entries(struct dtg_shadow *e, const uint64_t *ipas, size_t n);

/* The p2m changed for [ipa, ipa+size): re-translate every entry whose
 * leaf range or table lies there. */
int dtg_shadow_invalidate(struct dtg_shadow *e, uint64_t ipa, uint64_t size);

/* Machine address of the shadow's top-level table, or UINT64_MAX if none. */
uint64_t dtg_shadow_root(const struct dtg_shadow *e);

/* Walk the shadow for iova: set *ma and (if desc is not NULL) the raw leaf
 * descriptor.  -DTG_SHADOW_ENOENT if the shadow faults there. */
int dtg_shadow_lookup(const struct dtg_shadow *e, uint64_t iova, uint64_t *ma,
		      uint64_t *desc);

/* Copy the counters into *st. */
void dtg_shadow_get_stats(const struct dtg_shadow *e, struct dtg_shadow_stats *st);

/* Call fn for each guest table page currently mirrored (what a hypervisor
 * should write-protect); a page may be reported more than once. */
void dtg_shadow_for_each_table(const struct dtg_shadow *e,
			       void (*fn)(void *arg, uint64_t ipa, size_t len),
			       void *arg);

#ifdef __cplusplus
}
#endif

#endif /* XENDTGEN_SHADOW_H */
