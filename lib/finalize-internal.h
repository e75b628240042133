/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/finalize-internal.h - what the finalize passes share: the guest
 * memory map as data (guest-map.c) and the working state of one
 * dtg_domain_finalize() call.  Not installed.
 *
 * The passes run in this order (finalize.c): resolve + IOMMU, MMIO
 * (finalize-mmio.c), IRQs (finalize-irq.c), clocks (finalize-clock.c),
 * guest nodes (finalize-node.c).  Temporary state lives in struct
 * dtg_fin (ctx memory, freed at the end); decisions go to the arena.
 */
#ifndef DTG_FINALIZE_INTERNAL_H
#define DTG_FINALIZE_INTERNAL_H

#include "domain-internal.h"

#define DTG_MAX_PT_RANGES 4096        /* placement index limit */
#define DTG_GUEST_MAX_NR_SPIS (4096 + 1024 - 32)  /* up to the last extended SPI */
#define DTG_GUEST_PHANDLE_LIMIT DTG_GUEST_PHANDLE_GIC  /* allocate below */
#define DTG_AUTO_ALIGN_MAX 0x200000ULL                 /* 2 MiB */

/* ---- guest-map.c: the guest physical memory map (public arch-arm.h) ---- */

struct dtg_guest_region {
	uint64_t base, size;
	const char *name;       /* "GICv3 redistributors", "guest RAM0", ... */
};

#define DTG_GUEST_MAP_MAX 16

/*
 * The regions a passthrough range may not overlap, for a domain with
 * this GIC version: the GIC frames, vpl011 (when enabled), virtio-mmio,
 * vPCI windows, ACPI, grant table, magic pages, the proposed vSMMUv3,
 * and the actual guest RAM.  Sorted by base; returns the count.
 */
size_t dtg_guest_map(const struct dtg_domain *d, unsigned gic_version,
		     struct dtg_guest_region *out);

/* The first region overlapping [base, base+size), or NULL. */
const struct dtg_guest_region *
dtg_guest_map_overlap(const struct dtg_guest_region *map, size_t n,
		      uint64_t base, uint64_t size);

/* Where auto placement looks, in this order (all below guest RAM0). */
struct dtg_guest_window {
	uint64_t base, end;
};
extern const struct dtg_guest_window dtg_guest_auto_windows[];
extern const size_t dtg_guest_auto_nwindows;

/* True if [a, a+as) and [b, b+bs) share a byte (sizes may be 0). */
static inline bool dtg_ranges_overlap(uint64_t a, uint64_t as, uint64_t b,
				      uint64_t bs)
{
	return as && bs && a < b + bs && b < a + as;
}

/*
 * Virtio devices reserve SPIs 33..43 (DTG_GUEST_SPI_VIRTIO_*).  The domain
 * model has no virtio devices yet, so this says whether they must be
 * avoided; finalize-irq.c checks collisions when it returns true.
 */
bool dtg_guest_virtio_spis_reserved(const struct dtg_domain *d);

/* ---- finalize-phandle.c: properties that refer to nodes ---- */

enum dtg_phandle_layout {
	DTG_PH_LIST,      /* every cell is a phandle */
	DTG_PH_SPEC,      /* phandle + #cells arguments (from the target) */
	DTG_PH_SPEC_OPT,  /* same, #cells defaulting to 0 */
	DTG_PH_FIRST,     /* one phandle, then arguments of unknown meaning */
	DTG_PH_DROP,      /* never copied (layout too host-specific) */
};

struct dtg_phandle_prop {
	const char *name;
	enum dtg_phandle_layout layout;
	const char *cells;            /* "#clock-cells", ... */
	const char *partner[2];       /* dropped along with it */
};

/* The layout of a property that holds phandles, or NULL. */
const struct dtg_phandle_prop *dtg_phandle_prop_lookup(const char *name);

/* Visit each phandle cell; see finalize-phandle.c. */
int dtg_phandle_prop_walk(const dtg_host *host, const struct dtg_phandle_prop *t,
			  const void *val, int len,
			  int (*fn)(void *opaque, size_t cell, int target),
			  void *opaque, uint32_t *missing);

/* ---- the state of one finalize call ---- */

/* A host clock specifier that becomes one guest fixed-clock. */
struct dtg_fin_clock {
	uint32_t phandle;           /* host provider phandle */
	uint32_t ncells;
	uint32_t cells[DTG_MAX_CELLS];
	uint64_t rate;
	const char *provider;       /* provider path (for messages) */
	const char *output_name;    /* clock-output-names entry or NULL */
	const char *first_path;     /* host path of its first user (a device or a coprocessor) */
	const char *first_name;     /* its name there (messages) */
	int first_index;
	char *name;                 /* guest node name (arena) */
	uint32_t guest_phandle;
};

/* A host node the guest gets a copy of (a device or one of its children). */
#define DTG_FIN_MAX_DEPTH 64   /* deepest copied subtree */

struct dtg_fin_copy {
	int offset;                 /* host node offset */
	size_t pt;                  /* owning device */
	int parent;                 /* index of the parent copy, -1 for the device */
	bool referenced;            /* a copied property refers to it */
	size_t nchild, filled;      /* copied children; slots filled so far */
	uint32_t guest_phandle;     /* 0 unless referenced */
	struct dtg_gnode *gnode;
};

/* Ranges of several devices of the domain whose host pages overlap (a TI
 * ti,sysc target-module and its child): one window, one translation. */
struct dtg_fin_share {
	uint64_t start, end;        /* union of the members' host pages */
	bool placed;                /* delta known */
	uint64_t delta;             /* guest - host, for every member */
	size_t by_pt, by_range;     /* the member that set it */
};

/* One host MMIO window, in whole pages, for the page-sharing check. */
struct dtg_fin_mmio_ix {
	uint64_t start, end;        /* page-aligned [start, end) */
	uint64_t maxend;            /* max end of this and earlier entries */
	int offset;                 /* host device node */
};

struct dtg_fin {
	struct dtg_domain *d;
	dtg_ctx *ctx;
	const dtg_host *host;
	const void *fdt;
	const char *hname;          /* host input name for messages */
	struct dtg_arena *a;

	unsigned gic_version;
	struct dtg_guest_region map[DTG_GUEST_MAP_MAX];
	size_t nmap;

	/* host MMIO index, built on the first unaligned range */
	bool mix_built;
	struct dtg_fin_mmio_ix *mix;
	size_t nmix, cmix;

	/* host offsets of this domain's devices, sorted (page sharing) */
	int *pt_offs;
	size_t npt_offs;
	/* groups of ranges of several devices sharing host pages */
	struct dtg_fin_share *share;
	size_t nshare, cshare;

	struct dtg_fin_clock *clk;   /* in order of first use */
	size_t nclk, cclk;
	size_t *clk_by_spec;         /* indices into clk, sorted by specifier */
	size_t cclk_by_spec;

	struct dtg_fin_copy *copy;   /* in output order */
	size_t ncopy, ccopy;
	size_t *copy_by_off;         /* indices into copy, sorted by offset */
};

int dtg_finalize_mmio(struct dtg_fin *f);
/* True if host node `offset` is passed through to this domain (any pass
 * after the devices are resolved). */
bool dtg_fin_in_domain(const struct dtg_fin *f, int offset);
int dtg_finalize_irqs(struct dtg_fin *f);
int dtg_finalize_clocks(struct dtg_fin *f);
int dtg_finalize_nodes(struct dtg_fin *f);
/* Refuse a device without MMIO unless Xen can take it (finalize-bus.c). */
int dtg_fin_check_mmio(struct dtg_fin *f, const struct dtg_pt *pt);
/* The guest's /aliases from the host's (finalize-alias.c); after nodes. */
int dtg_finalize_aliases(struct dtg_fin *f);

/* The generated clock of a host clock specifier, or NULL. */
const struct dtg_fin_clock *dtg_fin_clock_find(const struct dtg_fin *f,
					       const struct dtg_dep *dep);
/* Fill a generated clock's guest node (arena memory). */
int dtg_fin_clock_gnode(struct dtg_fin *f, const struct dtg_fin_clock *c,
			struct dtg_gnode *g);

/* The copy entry of a host node offset, or NULL (finalize-node.c). */
struct dtg_fin_copy *dtg_fin_copy_find(const struct dtg_fin *f, int offset);

/* Allocate the next guest phandle, or 0 with an error past the limit. */
uint32_t dtg_fin_new_phandle(struct dtg_fin *f);

/*
 * A shared coprocessor's clock (copro-finalize.c): the index in f->clk of
 * the fixed clock of dep's specifier at `rate`, added (with a guest
 * phandle and a unique name) if no device has it.  user names the
 * coprocessor in messages.
 */
int dtg_fin_clock_for(struct dtg_fin *f, const char *user,
		      const struct dtg_dep *dep, uint64_t rate, size_t *idx);

/*
 * Can Xen pass interrupt q through?  Only a GIC SPI: bind_pt_irq routes
 * SPIs, a PPI is private to a CPU, another controller is not Xen's.  0,
 * or -DTG_EUNSUPPORTED with "<file>: <node>: <what>: interrupt N ...".
 * Finalize and dtgen complete (viommu-complete.c) share this rule.
 */
int dtg_irq_check_passable(dtg_ctx *ctx, const struct dtg_irq *q,
			   const char *file, const char *node, const char *what);

#endif /* DTG_FINALIZE_INTERNAL_H */
