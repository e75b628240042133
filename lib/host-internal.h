/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/host-internal.h - the layout of struct dtg_host and the helpers that
 * the host model shares with the rest of the library (domain model,
 * emitters).  Not installed.
 *
 * Every helper takes a const host: the host is immutable after
 * dtg_host_load() and holds no pointer into any dtg_ctx.  Node offsets are
 * libfdt offsets into dtg_host_fdt(host).
 */
#ifndef DTG_HOST_INTERNAL_H
#define DTG_HOST_INTERNAL_H

#include <libfdt.h>

#include <xendtgen/host.h>
#include "internal.h"

/* Structural limits checked at load (see dtg_host_load). */
#define DTG_HOST_MAX_ADDR_CELLS 4   /* Linux OF_MAX_ADDR_CELLS */
#define DTG_HOST_MAX_SIZE_CELLS 2   /* sizes are uint64_t */
#define DTG_HOST_MAX_DEPTH 64       /* deepest node accepted */
#define DTG_HOST_MAX_HOPS 64        /* longest interrupt/translation walk */

/* Node flags (struct dtg_host_node.flags), computed once at load. */
#define DTG_HOST_NODE_DEVICE 0x1    /* a dtg_host_next_device() node */
#define DTG_HOST_NODE_INTC   0x2    /* has #interrupt-cells */
#define DTG_HOST_NODE_GIC    0x4    /* an Arm GIC (dtg_host_is_gic) */
#define DTG_HOST_NODE_PCI    0x8    /* a PCI bus (dtg_host_is_pci_bus) */
#define DTG_HOST_NODE_IPARENT 0x10  /* has interrupt-parent */
#define DTG_HOST_NODE_IMAP   0x20   /* has interrupt-map (a nexus) */
#define DTG_HOST_NODE_ICTRL  0x40   /* has interrupt-controller */

struct dtg_host_node {
	int32_t offset;      /* libfdt offset */
	int32_t parent;      /* index of the parent node, -1 for the root */
	uint8_t flags;       /* DTG_HOST_NODE_* */
	uint8_t addr_cells;  /* own #address-cells (2 if absent, 255 if bad) */
	uint8_t size_cells;  /* own #size-cells (1 if absent, 255 if bad) */
};

struct dtg_host_phandle {
	uint32_t phandle;
	int32_t offset;
};

/* A node's full path, hashed (FNV-1a), for O(log n) lookups by path. */
struct dtg_host_pathkey {
	uint64_t hash;
	int32_t index;       /* into host->nodes */
};

struct dtg_host {
	struct dtg_alloc_ops mem;   /* copied from the loading ctx */
	void *fdt;                  /* validated copy of the blob */
	size_t size;
	char *name;
	size_t nnodes;
	struct dtg_host_node *nodes;        /* tree order, ascending offsets */
	size_t nphandles;
	struct dtg_host_phandle *phandles;  /* sorted by phandle */
	struct dtg_host_pathkey *pathkeys;  /* nnodes, sorted by hash */
};

/* Index in host->nodes of a node offset (binary search), or -1. */
int dtg_host_node_index(const dtg_host *host, int offset);

/* Parent node offset (O(log n)), or -DTG_ENOTFOUND for the root/bad offset. */
int dtg_host_parent_offset(const dtg_host *host, int offset);

/* Read a one-cell property: 0, -DTG_ENOTFOUND (absent), -DTG_ECELLS (not 4 bytes). */
int dtg_host_get_u32(const dtg_host *host, int offset, const char *prop,
		     uint32_t *val);

/* A node's own #address-cells (default 2) / #size-cells (default 1). */
uint32_t dtg_host_addr_cells(const dtg_host *host, int offset);
uint32_t dtg_host_size_cells(const dtg_host *host, int offset);

/* Append the full path of a node to b ("/" for the root). */
void dtg_host_path_buf(const dtg_host *host, int offset, struct dtg_buf *b);

/* Write the path of a node into buf (truncated, always terminated); returns buf. */
const char *dtg_host_path(const dtg_host *host, int offset, char *buf,
			  size_t size);

/* Node flags (DTG_HOST_NODE_*) of the node at offset, 0 if none. */
unsigned dtg_host_node_flags(const dtg_host *host, int offset);
/* True if a node is a PCI bus as Linux sees it (3 address cells + device_type pci/pciex, or named pcie). */
bool dtg_host_is_pci_bus(const dtg_host *host, int offset);

/* True if a node's compatible is "s" (fdt_node_check_compatible). */
bool dtg_host_is_compatible(const dtg_host *host, int offset, const char *s);

/*
 * Translate an address of na cells, in the address space of bus node `bus`
 * (i.e. a reg entry of one of bus's children), through every ancestor's
 * ranges to a CPU physical address.  Returns 0, or -DTG_ENOTFOUND /
 * -DTG_ECELLS / -DTG_ERANGE with a reason in why ("no ranges on /soc"), or
 * -DTG_EUNSUPPORTED when the address is bus-local (a bus without ranges
 * somewhere below a #size-cells = 0 bus: not MMIO, not an error).
 */
int dtg_host_translate(const dtg_host *host, int bus, const uint32_t *addr,
		       uint32_t na, uint64_t *out, char *why, size_t whylen);

/*
 * The interrupt parent of a node as Linux's of_irq_find_parent: follow
 * interrupt-parent, else the tree parent, until a node with
 * #interrupt-cells.  Returns its offset, or -DTG_ENOTFOUND (none, dangling
 * phandle) / -DTG_ELOOP, with a reason in why.
 */
int dtg_host_irq_parent(const dtg_host *host, int offset, char *why,
			size_t whylen);

/*
 * Resolve one interrupt specifier (spec, n cells) delivered to controller
 * or nexus `ipar` from a device whose unit address is addr (naddr cells,
 * may be 0) as Linux's of_irq_parse_raw: through interrupt-map nexus
 * nodes down to a controller, then GIC-decoded.  Fills out (controller is
 * NULL; *ctrl receives the final controller's offset).  Returns 0 or a
 * negative code with a reason in why.
 */
int dtg_host_irq_resolve(const dtg_host *host, int ipar, const uint32_t *spec,
			 uint32_t n, const uint32_t *addr, uint32_t naddr,
			 struct dtg_irq *out, int *ctrl, char *why,
			 size_t whylen);

/* True if a node is an Arm GIC with #interrupt-cells (flag set at load). */
bool dtg_host_is_gic(const dtg_host *host, int offset);
/* The same from the compatible list (what load uses to set the flag). */
bool dtg_host_compat_is_gic(const dtg_host *host, int offset);
/* True if a node has #interrupt-cells (flag set at load). */
bool dtg_host_has_irq_cells(const dtg_host *host, int offset);

/* IOMMU kind of a node from its compatible (OTHER if it merely has #iommu-cells). */
enum dtg_iommu_kind dtg_host_iommu_kind(const dtg_host *host, int offset);

/*
 * Does Xen protect the device through its `iommus`?  Only entry 0
 * decides (Xen's iommu_add_dt_device()): false when the device has no
 * iommus, or when entry 0's IOMMU is not available in the host DT.
 */
bool dtg_host_iommu_usable(const dtg_host *host, const struct dtg_device *dev);

/* Nth string of a stringlist property, or NULL (points into the blob). */
const char *dtg_host_string_index(const dtg_host *host, int offset,
				  const char *prop, int idx);

/*
 * Resolution of one device (host-device.c builds, the other host-*.c files
 * add resources).  Owned strings (paths, error messages) are kept as
 * offsets into strs until the device is packed into one allocation.
 */
/* A device node's properties, read in one pass (fdt_getprop scans them all). */
#define DTG_HOST_DEVB_PROPS 48
struct dtg_host_prop {
	const char *name;
	const void *val;
	int len;
};

struct dtg_host_devb {
	dtg_ctx *ctx;
	const dtg_host *h;
	int offset;            /* the device node */
	struct dtg_host_prop prop[DTG_HOST_DEVB_PROPS];
	size_t nprop;
	bool prop_overflow;    /* more than fit: look the rest up in the blob */
	int err;               /* sticky -DTG_ENOMEM */
	struct dtg_buf strs;
	const char **compat;  size_t ncompat, ccompat;
	struct dtg_mmio *mmio; size_t nmmio, cmmio;
	struct dtg_host_irq_b *irq; size_t nirq, cirq;
	struct dtg_host_iommu_b *iommu; size_t niommu, ciommu;
	struct dtg_host_map_b *map; size_t nmap, cmap;
	struct dtg_host_dep_b *dep; size_t ndep, cdep;
	size_t *errors; size_t nerror, cerror;
};

/* A property of the device node (NULL when absent), from the one-pass cache. */
const void *dtg_host_devb_getprop(const struct dtg_host_devb *b,
				  const char *name, int *len);
/* String idx of the device's string-list property, or NULL. */
const char *dtg_host_devb_string(const struct dtg_host_devb *b,
				 const char *prop, int idx);

/* Record a per-resource error; fmt starts with the property name. */
void dtg_host_devb_error(struct dtg_host_devb *b, const char *fmt, ...)
	DTG_PRINTF(2, 3);
/* Append resources; the *_off argument is the node whose path is recorded. */
void dtg_host_devb_mmio(struct dtg_host_devb *b, const struct dtg_mmio *m);
void dtg_host_devb_irq(struct dtg_host_devb *b, const struct dtg_irq *irq,
		       int ctrl_off);
void dtg_host_devb_iommu(struct dtg_host_devb *b,
			 const struct dtg_iommu_ref *ref, int iommu_off);
void dtg_host_devb_iommu_map(struct dtg_host_devb *b,
			     const struct dtg_iommu_map *map, int iommu_off);
void dtg_host_devb_dep(struct dtg_host_devb *b, const struct dtg_dep *dep,
		       int provider_off);

/* The resource passes: reg (host-reg.c), interrupts (host-irq.c), iommus and iommu-map (host-iommu.c), phandle deps (host-deps.c). */
void dtg_host_resolve_mmio(struct dtg_host_devb *b);
void dtg_host_resolve_irqs(struct dtg_host_devb *b);
void dtg_host_resolve_iommus(struct dtg_host_devb *b);
void dtg_host_resolve_deps(struct dtg_host_devb *b);

#endif /* DTG_HOST_INTERNAL_H */
