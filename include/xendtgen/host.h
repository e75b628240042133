/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xendtgen/host.h - the host platform, read from the host DTB.
 *
 * A dtg_host is loaded once from an untrusted DTB (validated with
 * fdt_check_full and structural checks, phandles indexed) and is immutable
 * afterwards: threads may share one, each with its own dtg_ctx.  Any node
 * can then be resolved by path into its resources: MMIO ranges translated
 * to CPU physical addresses, interrupts decoded down to the GIC, IOMMU
 * master IDs, and phandle dependencies (clocks, resets, ...).
 *
 * Problems confined to one node (an untranslatable reg entry, a reg whose
 * length is not a multiple of its cells, a dangling phandle, a specifier
 * of the wrong length) do not fail the load nor resolution: they are listed
 * in dtg_device.errors, each message starting with the property name
 * ("reg: ..."), and refuse only a passthrough of that device.  Problems
 * that make the whole tree untrustworthy (bad header, #address-cells out
 * of range, a duplicate phandle, an interrupt-parent cycle) fail
 * dtg_host_load() with a message naming file, node and property.
 */
#ifndef XENDTGEN_HOST_H
#define XENDTGEN_HOST_H

#include <xendtgen/dtgen.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct dtg_host dtg_host;

/*
 * Load a host DTB.  The blob is copied; name (typically the file name) is
 * used in every message about this tree.  Returns 0, -DTG_EBADDTB,
 * -DTG_ECELLS, -DTG_EDUPLICATE (duplicate phandle), -DTG_ELOOP, -DTG_ENOMEM.
 */
int dtg_host_load(dtg_ctx *ctx, const void *blob, size_t size,
		  const char *name, dtg_host **out);

/* Free a host loaded with dtg_host_load(). */
void dtg_host_free(dtg_host *host);

/* The validated blob (read-only, libfdt format) and its size. */
const void *dtg_host_fdt(const dtg_host *host);
size_t dtg_host_fdt_size(const dtg_host *host);

/* The name given at load time. */
const char *dtg_host_name(const dtg_host *host);

/* Node offset of a phandle, or -DTG_ENOTFOUND.  O(log n). */
int dtg_host_phandle_offset(const dtg_host *host, uint32_t phandle);

/* Node offset of a path, or -DTG_ENOTFOUND. */
int dtg_host_path_offset(const dtg_host *host, const char *path);

/*
 * Iterate over device nodes: nodes with reg, interrupts or
 * interrupts-extended, except the root, /cpus and below, /memory* and
 * /chosen.  Start with offset -1; returns the next offset, or
 * -DTG_ENOTFOUND after the last.  Order is the tree's order.
 */
int dtg_host_next_device(const dtg_host *host, int offset);

/* What an IOMMU node is, from its compatible. */
enum dtg_iommu_kind {
	DTG_IOMMU_UNKNOWN = 0,
	DTG_IOMMU_SMMUV3,    /* arm,smmu-v3 */
	DTG_IOMMU_SMMUV2,    /* arm,mmu-500, arm,mmu-401, arm,smmu-v1/v2, qcom,*-smmu-500 */
	DTG_IOMMU_IPMMU,     /* renesas,ipmmu-* */
	DTG_IOMMU_OMAP,      /* ti,omap*-iommu, ti,dra7*-iommu */
	DTG_IOMMU_ROCKCHIP,  /* rockchip,iommu */
	DTG_IOMMU_VIRTIO,    /* virtio,pci-iommu */
	DTG_IOMMU_XEN_GRANT, /* xen,grant-dma */
	DTG_IOMMU_OTHER,     /* an IOMMU (#iommu-cells) of another kind */
};

/* "smmu-v3", "smmu-v2", "ipmmu", "omap", ... */
const char *dtg_iommu_kind_name(enum dtg_iommu_kind kind);

enum dtg_irq_kind {
	DTG_IRQ_SPI,    /* GIC SPI: intid = 32 + n */
	DTG_IRQ_PPI,    /* GIC PPI: intid = 16 + n */
	DTG_IRQ_ESPI,   /* GICv3 extended SPI: not produced (kept for the ABI).
			 * Xen's gic_irq_xlate cannot route one, so decoding
			 * reports it as an error; nothing handles this kind */
	DTG_IRQ_OTHER,  /* ends at a controller that is not a GIC */
};

#define DTG_MAX_CELLS 8  /* longest specifier kept (interrupts, iommus, deps) */

/* One reg entry, translated to a CPU physical address. */
struct dtg_mmio {
	uint64_t addr;
	uint64_t size;
	int index;          /* entry index in reg */
	const char *name;   /* the reg-names entry, or NULL */
};

/* One interrupt, resolved to the controller it ends at. */
struct dtg_irq {
	enum dtg_irq_kind kind;
	const char *controller;  /* path of the final controller */
	uint32_t intid;          /* GIC INTID (kinds SPI, PPI, ESPI) */
	uint32_t flags;          /* the flags cell: trigger IRQ_TYPE_* (1,2,4,8)
				    in [3:0]; a PPI keeps its CPU mask [15:8] */
	uint32_t ncells;         /* specifier at the final controller */
	uint32_t cells[DTG_MAX_CELLS];
	int index;               /* interrupt index in the device */
	const char *name;        /* the interrupt-names entry, or NULL */
};

/* One iommus entry: an IOMMU and the master's IDs on it. */
struct dtg_iommu_ref {
	const char *iommu;       /* IOMMU node path */
	enum dtg_iommu_kind kind;
	uint32_t phandle;
	uint32_t ncells;         /* #iommu-cells: 0, 1, 2 or more */
	uint32_t ids[DTG_MAX_CELLS];
};

/* One iommu-map entry of a PCI host bridge: RIDs rid_base..+length-1. */
struct dtg_iommu_map {
	uint32_t rid_base;
	const char *iommu;
	enum dtg_iommu_kind kind;
	uint32_t phandle;
	uint32_t iommu_base;     /* first ID on the IOMMU */
	uint32_t length;
	uint32_t mask;           /* iommu-map-mask, 0xffffffff when absent */
};

enum dtg_dep_kind {
	DTG_DEP_CLOCK,
	DTG_DEP_POWER_DOMAIN,
	DTG_DEP_RESET,
	DTG_DEP_PINCTRL,
	DTG_DEP_DMA,
	DTG_DEP_MBOX,
	DTG_DEP_MEMORY_REGION,
};

/* One phandle dependency: a specifier in clocks, resets, pinctrl-N, ... */
struct dtg_dep {
	enum dtg_dep_kind kind;
	const char *prop;        /* "clocks", "pinctrl-0", ... */
	int index;               /* specifier index within prop */
	const char *name;        /* the matching *-names entry, or NULL */
	const char *provider;    /* provider node path */
	uint32_t phandle;
	uint32_t ncells;
	uint32_t cells[DTG_MAX_CELLS];
	uint64_t rate;           /* clocks: Hz from a fixed-clock or
				    assigned-clock-rates; 0 when unknown */
};

/*
 * A resolved device.  Every pointer points into this allocation or into
 * the host's blob, so it stays valid while both live.
 */
struct dtg_device {
	const char *path;
	int offset;              /* node offset in dtg_host_fdt() */
	const char *status;      /* "okay" when absent */
	size_t ncompat;
	const char **compat;
	size_t nmmio;
	struct dtg_mmio *mmio;
	size_t nirq;
	struct dtg_irq *irq;
	size_t niommu;
	struct dtg_iommu_ref *iommu;
	size_t niommu_map;
	struct dtg_iommu_map *iommu_map;
	size_t ndep;
	struct dtg_dep *dep;
	size_t nerror;
	const char **errors;     /* "reg: ...", "interrupts: ...", ... */
};

/*
 * Resolve the node at path (or at a node offset) into a new dtg_device.
 * Errors go to ctx.  Returns 0, -DTG_ENOTFOUND (no such node) or
 * -DTG_ENOMEM; per-resource problems are in (*out)->errors.
 */
int dtg_host_resolve_device(const dtg_host *host, dtg_ctx *ctx,
			    const char *path, struct dtg_device **out);
int dtg_host_resolve_offset(const dtg_host *host, dtg_ctx *ctx, int offset,
			    struct dtg_device **out);

/* Free a device from dtg_host_resolve_*(). */
void dtg_device_free(dtg_ctx *ctx, struct dtg_device *dev);

/*
 * Describe devices for people (text) or as one JSON array sorted by path
 * (the `dtgen inspect --json` format).  paths == NULL (npaths 0) means
 * every dtg_host_next_device() node.  *out is allocated (free with
 * dtg_free); an unknown path fails with -DTG_ENOTFOUND.
 */
int dtg_host_inspect_json(const dtg_host *host, dtg_ctx *ctx,
			  const char *const *paths, size_t npaths,
			  char **out, size_t *len);
int dtg_host_inspect_text(const dtg_host *host, dtg_ctx *ctx,
			  const char *const *paths, size_t npaths,
			  char **out, size_t *len);

#ifdef __cplusplus
}
#endif
#endif /* XENDTGEN_HOST_H */
