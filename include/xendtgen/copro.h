/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xendtgen/copro.h - shared coprocessors (Xen's Shared Coprocessor
 * Framework): one physical GPU/DSP/IPU, an instance of it in each of
 * several domains, the hypervisor scheduling it between them.
 *
 * A shared coprocessor is a host node, resolved with the host model.  An
 * instance belongs to a domain and takes all of the coprocessor's MMIO
 * ranges and IRQs, or a subset named by `reg-names` / `interrupt-names`
 * entries (or decimal indices).  Each instance range appears in the guest
 * at its host base, at an explicit guest base or at an automatically
 * allocated one; each instance IRQ is virtual (Xen injects it) and gets a
 * guest SPI allocated clear of everything else the guest has, unless one
 * is given.  dtg_domain_finalize() makes these decisions; the model then
 * holds ranges, IRQs and IDs only (no DT nodes), so other firmware
 * formats can be rendered from it.
 *
 * Outputs (binding: docs/bindings/xen-coprocessor.md):
 *  - the guest's node under /passthrough (remapped reg, virtual
 *    interrupts), rendered by every guest-DT emitter of xendtgen/fdt.h;
 *  - the hypervisor-side description of a domain's instances, a
 *    /xen-coprocessors node in the partial DT (xl.cfg device_tree=,
 *    dom0less multiboot,device-tree), read back by dtg_copro_desc_parse();
 *  - which coprocessors Xen shares, as `xen,shared-coprocessor` on host
 *    nodes or as a `xen-coprocessors=` command-line fragment, both read
 *    back by dtg_copro_marks_from_*();
 *  - dom0's instances as /chosen/xen-coprocessors in the host DT.
 *
 * Instances are referred to by the index dtg_domain_add_coprocessor()
 * returned (libfdt manner).
 */
#ifndef XENDTGEN_COPRO_H
#define XENDTGEN_COPRO_H

#include <xendtgen/domain.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How a domain holds its instance. */
enum dtg_copro_mode {
	DTG_COPRO_SHARED = 0,   /* time-shared with other domains' instances */
	DTG_COPRO_EXCLUSIVE,    /* no other domain may have an instance */
};

/* ---- describing (mutable domain) ---- */

/*
 * Give the domain an instance of the coprocessor at host_path.  Returns
 * the instance index (>= 0), -DTG_ENOTFOUND for an unknown path,
 * -DTG_EDUPLICATE if the domain already has an instance of that node.
 * By default the instance has every range (auto-placed) and every IRQ
 * (auto-allocated virtual SPIs), shared mode.
 */
int dtg_domain_add_coprocessor(dtg_domain *d, const char *host_path);

/*
 * Restrict instance inst to the MMIO ranges named (reg-names entries or
 * decimal reg indices); n == 0 restores "all".  Names are checked
 * against the host at finalize.  Placements given later with
 * dtg_copro_set_placement() index this subset.
 */
int dtg_copro_select_ranges(dtg_domain *d, int inst,
			    const char *const *names, size_t n);

/*
 * Restrict instance inst to the IRQs named (interrupt-names entries or
 * decimal indices); n == 0 restores "all".  none == true: no IRQs.
 */
int dtg_copro_select_irqs(dtg_domain *d, int inst, const char *const *names,
			  size_t n, bool none);

/*
 * Place range `range` of the instance's selection (-1: every range):
 * DTG_PLACE_IDENTITY (host base), DTG_PLACE_FIXED (addr) or
 * DTG_PLACE_AUTO (the default).
 */
int dtg_copro_set_placement(dtg_domain *d, int inst, int range,
			    enum dtg_placement how, uint64_t addr);

/*
 * Give IRQ `irq` of the instance's selection the guest INTID virq
 * (>= 32); virq == 0 means allocate (the default).
 */
int dtg_copro_set_virq(dtg_domain *d, int inst, int irq, uint32_t virq);

/* Shared (default) or exclusive. */
int dtg_copro_set_mode(dtg_domain *d, int inst, enum dtg_copro_mode mode);

/*
 * The rate of the instance's clock `clock` (a clock-names entry or a
 * decimal index), as dtg_pt_set_clock_rate() for a passthrough device:
 * the guest gets a fixed-clock of that rate.  Checked at finalize.
 */
int dtg_copro_set_clock_rate(dtg_domain *d, int inst, const char *clock,
			     uint64_t hz);

/* ---- reading a finalized domain ---- */

/* One instance range: where the guest sees the host range. */
struct dtg_copro_range {
	const char *name;       /* reg-names entry, or NULL */
	int host_index;         /* index in the host node's reg */
	uint64_t host_addr;     /* CPU physical base */
	uint64_t guest_addr;    /* guest physical base */
	uint64_t size;
};

/* One instance IRQ: physical INTID -> virtual (guest) INTID. */
struct dtg_copro_irq {
	const char *name;       /* interrupt-names entry, or NULL */
	int host_index;         /* index in the host node's interrupts */
	uint32_t pintid;        /* physical GIC INTID */
	uint32_t vintid;        /* guest INTID Xen injects */
	uint32_t flags;         /* trigger flags (IRQ_TYPE_*) */
};

/*
 * One instance clock: the guest node's `clocks` entry is a fixed-clock of
 * this rate (as a passthrough device's; a clock with no known rate is
 * left out of the instance with a notice).
 */
struct dtg_copro_clock {
	const char *name;       /* clock-names entry, or NULL */
	int host_index;         /* index in the host node's clocks */
	uint64_t rate;          /* Hz */
};

/* An instance as finalized (arena memory, valid while d lives). */
struct dtg_copro_info {
	const char *host_path;
	const char *guest_path;        /* "/passthrough/dsp@4080000" */
	uint32_t id;                   /* instance number in the domain */
	enum dtg_copro_mode mode;
	size_t nrange;
	const struct dtg_copro_range *range;
	size_t nirq;
	const struct dtg_copro_irq *irq;
	size_t nclock;
	const struct dtg_copro_clock *clock;
};

/* Number of coprocessor instances of d (described). */
size_t dtg_domain_copro_count(const dtg_domain *d);

/* Decisions for instance i of a finalized domain (-DTG_ESTATE otherwise). */
int dtg_domain_copro_info(const dtg_domain *d, size_t i,
			  struct dtg_copro_info *info);

/*
 * System-level checks over several finalized domains (dom0 included):
 * no coprocessor is passed through to one domain and shared with
 * another, and no coprocessor claimed exclusively has instances in two
 * domains.  Returns 0 or an error naming both domains and the node.
 */
int dtg_copro_check_system(dtg_ctx *ctx, const dtg_domain *const *doms,
			   size_t ndom);

/* ---- the hypervisor-side description (/xen-coprocessors) ---- */

/*
 * An instance description read back from a partial DT: the same fields
 * as dtg_copro_info (ctx memory; free with dtg_copro_desc_free()).
 */
struct dtg_copro_desc {
	size_t ninst;
	struct dtg_copro_info *inst;
};

/*
 * Parse the /xen-coprocessors node of a (partial or host) DT blob.  path
 * is "/xen-coprocessors" for a domU partial DT or
 * "/chosen/xen-coprocessors" for dom0 in the host DT; name names the
 * input in messages.  A blob without the node gives zero instances.
 */
int dtg_copro_desc_parse(dtg_ctx *ctx, const void *blob, size_t size,
			 const char *name, const char *path,
			 struct dtg_copro_desc *out);

/* Free what dtg_copro_desc_parse() allocated. */
void dtg_copro_desc_free(dtg_ctx *ctx, struct dtg_copro_desc *desc);

/*
 * 0 if a finalized domain's instances equal desc (every field, in
 * order); else -DTG_EINVAL with a message naming the first difference.
 */
int dtg_copro_desc_compare(const dtg_domain *d,
			   const struct dtg_copro_desc *desc);

/* ---- which coprocessors Xen shares (host DT or command line) ---- */

/* One shared coprocessor, resolved on the host. */
struct dtg_copro_mark {
	char *host_path;
	enum dtg_copro_mode mode;
	size_t nrange;          /* the host node's MMIO ranges ... */
	uint64_t *range_addr;   /* ... base and size each */
	uint64_t *range_size;
	size_t nirq;            /* its GIC INTIDs */
	uint32_t *intid;
};

/* The set of shared coprocessors, sorted by host path. */
struct dtg_copro_marks {
	size_t n;
	struct dtg_copro_mark *mark;
};

/*
 * The coprocessors the given finalized domains share (their union,
 * exclusive when any instance is), after dtg_copro_check_system().
 */
int dtg_copro_marks_from_domains(dtg_ctx *ctx, const dtg_domain *const *doms,
				 size_t ndom, struct dtg_copro_marks *out);

/* Read the `xen,shared-coprocessor` marks of a host DT. */
int dtg_copro_marks_from_host(dtg_ctx *ctx, const dtg_host *host,
			      struct dtg_copro_marks *out);

/*
 * Parse a Xen command line (or just the fragment):
 * `xen-coprocessors=PATH[:exclusive][;PATH...]`, resolved on host.
 */
int dtg_copro_marks_from_cmdline(dtg_ctx *ctx, const dtg_host *host,
				 const char *cmdline,
				 struct dtg_copro_marks *out);

/* The command-line fragment for marks (malloc'd via ctx; dtg_free). */
int dtg_copro_marks_cmdline(dtg_ctx *ctx, const struct dtg_copro_marks *m,
			    char **out);

/*
 * A copy of the host DT with each mark's node carrying
 * `xen,shared-coprocessor` and, when dom0 is non-NULL (a finalized
 * domain for dom0), dom0's instances under /chosen/xen-coprocessors.
 * *out is ctx memory (dtg_free), *size its fdt_totalsize.
 */
int dtg_copro_mark_host(dtg_ctx *ctx, const dtg_host *host,
			const struct dtg_copro_marks *m, const dtg_domain *dom0,
			void **out, size_t *size);

/* 0 if a and b name the same coprocessors with the same resources. */
int dtg_copro_marks_compare(dtg_ctx *ctx, const struct dtg_copro_marks *a,
			    const struct dtg_copro_marks *b);

/* Free what the dtg_copro_marks_* functions allocated. */
void dtg_copro_marks_free(dtg_ctx *ctx, struct dtg_copro_marks *m);

#ifdef __cplusplus
}
#endif
#endif /* XENDTGEN_COPRO_H */
