/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/domain-internal.h - the layout of a dtg_domain, shared by the model
 * (domain*.c, finalize*.c) and the emitters (fdt-*.c, plan-*.c,
 * xlcfg-*.c).  Not installed.
 *
 * The contract between finalize and the emitters: finalize computes every
 * byte the guest will see - each guest node's name and the final value of
 * each of its properties - into `gnode` trees allocated from the domain's
 * arena.  An emitter only walks those trees and the pt[] decisions; it
 * never looks at the host DT to decide anything and never allocates guest
 * resources.
 */
#ifndef DTG_DOMAIN_INTERNAL_H
#define DTG_DOMAIN_INTERNAL_H

#include <xendtgen/domain.h>

#include "internal.h"

/* Guest phandles fixed by Xen (public arch-arm.h, libxl). */
#define DTG_GUEST_PHANDLE_GIC   65000u  /* 0xfde8 */
#define DTG_GUEST_PHANDLE_IOMMU 65001u  /* xen,grant-dma */
#define DTG_GUEST_PHANDLE_FIRST 1u      /* the library allocates from here */

/* Guest memory map (Xen public arch-arm.h, GUEST_*). */
#define DTG_GUEST_VIRTIO_MMIO_BASE 0x02000000ULL
#define DTG_GUEST_VIRTIO_MMIO_SIZE 0x00100000ULL
#define DTG_GUEST_GICD_BASE        0x03001000ULL
#define DTG_GUEST_GICC_BASE        0x03002000ULL  /* GICv2 */
#define DTG_GUEST_GICV2_DIST_SIZE  0x00001000ULL
#define DTG_GUEST_GICC_SIZE        0x00002000ULL
#define DTG_GUEST_GICV3_DIST_SIZE  0x00010000ULL
#define DTG_GUEST_GICR_BASE        0x03020000ULL  /* GICv3 redistributors */
#define DTG_GUEST_GICR_SIZE        0x01000000ULL
#define DTG_GUEST_VPCI_ECAM_BASE   0x10000000ULL
#define DTG_GUEST_VPCI_ECAM_SIZE   0x10000000ULL
#define DTG_GUEST_ACPI_BASE        0x20000000ULL
#define DTG_GUEST_ACPI_SIZE        0x02000000ULL
#define DTG_GUEST_PL011_BASE       0x22000000ULL
#define DTG_GUEST_PL011_SIZE       0x00001000ULL
#define DTG_GUEST_VPCI_MEM_BASE    0x23000000ULL
#define DTG_GUEST_VPCI_MEM_SIZE    0x10000000ULL
#define DTG_GUEST_GNTTAB_BASE      0x38000000ULL
#define DTG_GUEST_GNTTAB_SIZE      0x01000000ULL
#define DTG_GUEST_MAGIC_BASE       0x39000000ULL
#define DTG_GUEST_MAGIC_SIZE       0x01000000ULL
#define DTG_GUEST_RAM0_BASE        0x40000000ULL
#define DTG_GUEST_RAM0_SIZE        0xc0000000ULL
#define DTG_GUEST_VPCI_PREF_BASE   0x100000000ULL
#define DTG_GUEST_VPCI_PREF_SIZE   0x100000000ULL
#define DTG_GUEST_RAM1_BASE        0x0200000000ULL
#define DTG_GUEST_RAM1_SIZE        0xfe00000000ULL
#define DTG_GUEST_VSMMUV3_BASE     0x04040000ULL  /* proposed */
#define DTG_GUEST_VSMMUV3_SIZE     0x00040000ULL

/* Guest interrupts (INTIDs). */
#define DTG_GUEST_PPI_VTIMER   27
#define DTG_GUEST_PPI_STIMER   29
#define DTG_GUEST_PPI_NSTIMER  30
#define DTG_GUEST_PPI_EVTCHN   31
#define DTG_GUEST_SPI_VPL011   32
#define DTG_GUEST_SPI_VIRTIO_FIRST 33
#define DTG_GUEST_SPI_VIRTIO_LAST  43
#define DTG_GUEST_MAX_VCPUS    128  /* Arm GUEST_MAX_VCPUS, x86 HVM_MAX_VCPUS */
#define DTG_X86_VIOMMU_MAX_VCPUS 288 /* the 2017 vIOMMU series' HVM limit */

/* A bump allocator whose blocks are all freed with the domain. */
struct dtg_arena_block;
struct dtg_arena {
	dtg_ctx *ctx;
	struct dtg_arena_block *head;
};
void *dtg_arena_alloc(struct dtg_arena *a, size_t size);  /* zeroed, 8-aligned */
char *dtg_arena_strdup(struct dtg_arena *a, const char *s);
void dtg_arena_free_all(struct dtg_arena *a);

/* One property of a guest node, with its final value. */
struct dtg_gprop {
	const char *name;
	const void *val;   /* into the host blob or the arena */
	uint32_t len;
	/*
	 * Cells (indices) of val that hold the phandle of another node the
	 * library generated (a fixed clock, a copied child): an overlay lists
	 * them in __local_fixups__ so they can be renumbered.  Xen's fixed
	 * phandles (GIC 65000, IOMMUs 65001/65002) are not local.
	 */
	const uint32_t *local_ph;
	uint32_t nlocal_ph;
};

/* A property with no local phandle (the common case). */
#define DTG_GPROP(n, v, l) \
	((struct dtg_gprop){ .name = (n), .val = (v), .len = (l) })

/* One guest node: its final name, properties in output order, children. */
struct dtg_gnode {
	const char *name;          /* "pl031@9010000", "clock-apb_pclk" */
	size_t nprop;
	struct dtg_gprop *prop;
	size_t nchild;
	struct dtg_gnode *child;
};

/* A window of host pages a device maps that no earlier device of the
 * domain maps (the plan's memory_mapping, xl.cfg's iomem). */
struct dtg_pt_map {
	uint64_t host, guest, size;  /* page-aligned */
};

/*
 * A rate the description gives for one clock (clock-rate=NAME:HZ), of a
 * passthrough device or a coprocessor instance.
 */
struct dtg_pt_clock_rate {
	char *clock;             /* clock-names entry or decimal index */
	uint64_t hz;
};

/*
 * Set (or replace) the rate of clock in *rate[*n]; messages start with
 * "<who>: <what>: clock-rate:".
 */
int dtg_clock_rate_set(dtg_ctx *ctx, struct dtg_pt_clock_rate **rate,
		       size_t *n, const char *who, const char *what,
		       const char *clock, uint64_t hz);
/* The described rate of a host clock (by name or index), or 0; marks it used. */
uint64_t dtg_clock_rate_of(const struct dtg_pt_clock_rate *rate, size_t n,
			   const struct dtg_dep *dep, bool *used);
void dtg_clock_rates_free(dtg_ctx *ctx, struct dtg_pt_clock_rate *rate,
			  size_t n);

/* A passthrough device: the description, then finalize's decisions. */
struct dtg_pt {
	/* description */
	char *host_path;
	int host_offset;
	enum dtg_iommu_mode iommu_mode;
	enum dtg_placement *place;   /* per MMIO range (nplace entries) */
	uint64_t *place_addr;
	size_t nplace;
	/* placement of ranges >= nplace (set with range -1) */
	enum dtg_placement place_default;
	uint64_t place_default_addr;
	struct dtg_pt_clock_rate *rate;   /* clock-rate= (dtg_clock_rate_set) */
	size_t nrate;
	char **keep;                 /* properties to keep */
	size_t nkeep;

	/* decisions (valid once finalized; arena memory) */
	struct dtg_device *host;     /* resolved host device (ctx memory) */
	bool iommu;
	const char *guest_path;
	size_t nrange;
	struct dtg_pt_range *range;
	size_t *share;               /* per range: shared-page group + 1, or 0 (finalize-only: indexes its scratch groups) */
	size_t nmap;
	struct dtg_pt_map *map;      /* its ranges less pages mapped before */
	size_t nirq;
	struct dtg_pt_irq *irq;
	struct dtg_gnode *gnode;     /* its node in gnodes[] below */
};

struct dtg_domain {
	dtg_ctx *ctx;
	const dtg_host *host;
	bool finalized;

	/* settings */
	char *name;
	enum dtg_arch arch;
	unsigned gic_version;        /* 0 = host's */
	unsigned vcpus;
	uint64_t memory_mib;
	bool vpl011;
	unsigned nr_spis;            /* 0 = computed */
	unsigned xen_release;        /* DTG_XEN_RELEASE(); 0 = not chosen */
	char *kernel, *cmdline, *ramdisk;
	uint64_t (*static_mem)[2];   /* dom0less static memory banks */
	size_t nstatic_mem, capstatic_mem;
	bool direct_map;
	bool dom0;                   /* the host's address map 1:1 */
	char *llc_colors;

	size_t npt, cappt;
	struct dtg_pt *pt;
	uint8_t *claimed;            /* bitmap of host nodes passed through */

	/* decisions (valid once finalized) */
	struct dtg_arena arena;      /* everything finalize allocates */
	unsigned final_gic_version;
	unsigned final_nr_spis;
	/*
	 * Children of the guest's /passthrough node, in output order: the
	 * generated fixed clocks first, then one node per device (pt[i].gnode
	 * points into this array).
	 */
	size_t ngnode;
	struct dtg_gnode *gnode;
	uint32_t next_phandle;       /* first guest phandle not allocated */

	/*
	 * vIOMMU and virtio devices (lib/viommu-*.c, lib/virtio-mmio.c):
	 * their description and decisions (NULL when none was described),
	 * and the root-level guest nodes finalize makes for them (vSMMUv3,
	 * xen,grant-dma, virtio@...), which the complete guest DT renders.
	 */
	struct dtg_viommu_state *vstate;
	size_t nrootnode;
	struct dtg_gnode *rootnode;
	/* /aliases: name -> guest path of a node the guest gets (arena) */
	size_t nalias;
	struct dtg_gprop *alias;

	/*
	 * Shared coprocessor instances (lib/copro-*.c): description and
	 * decisions, NULL when none was described.  Their guest nodes are
	 * appended to gnode[] above (after the passthrough devices).
	 */
	struct dtg_copro_state *cstate;
};

/* vIOMMU/virtio finalize step (after the guest nodes) and cleanup (lib/viommu-domain.c). */
int dtg_finalize_viommu(struct dtg_domain *d);
void dtg_viommu_state_free(struct dtg_domain *d);

/* Free a domain's coprocessor instances (lib/copro-model.c). */
void dtg_copro_state_free(struct dtg_domain *d);

/* 0 if d is finalized, else -DTG_ESTATE with a message naming op. */
int dtg_domain_require_final(const dtg_domain *d, const char *op);

#endif /* DTG_DOMAIN_INTERNAL_H */
