/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xendtgen/viommu.h - virtual IOMMUs, master-ID binding, grant-DMA virtio.
 *
 * A guest with a virtual IOMMU programs DMA translation for its
 * passed-through masters itself.  Each master's physical IDs (host
 * `iommus` specifiers or PCI `iommu-map` ranges) get virtual IDs that are
 * unique on the vIOMMU: physical IDs repeat across the 50+ SMMUs of large
 * systems, so they are allocated, not copied.  For an Arm vSMMUv3 guest
 * Xen itself allocates them (see "vSMMUv3 as the series does it" below):
 * the domain model and dtg_partial_complete follow Xen's allocator.  The
 * binder (dtg_vbind_*) is libdtgen's own allocator, for callers that want
 * a table of their own (it is not what the series does).
 *
 * PROPOSED INTERFACES.  None of the vIOMMU hypervisor interfaces is in a
 * released Xen: the Arm vSMMUv3 follows the series "Add SMMUv3 Stage 1
 * Support for XEN guests" (RFC 2022, v3 2026), the x86 vtd vIOMMU follows
 * the 2017 "x86: add vIOMMU" proposal (Lan Tianyu, Chao Gao).  Their domctl
 * encoders below are behind an explicitly chosen ABI profile and are never
 * emitted for a plain Xen 4.17/4.22 target (DTG_VIOMMU_ABI_NONE).  The one
 * exception is the domain plan (dtg_plan_ops): a domain described with
 * viommu = "smmuv3", which only a Xen with the series can run, gets the
 * series' alloc_vsid_range calls in its plan, for toolstacks that do not
 * hand the partial DT to libxl (libxl allocates too: see below).  The
 * grant-DMA virtio
 * devices are plain libxl/Xen behaviour (Xen >= 4.17).
 */
#ifndef XENDTGEN_VIOMMU_H
#define XENDTGEN_VIOMMU_H

#include <xendtgen/dtgen.h>
#include <xendtgen/host.h>
#include <xendtgen/domain.h>
#include <xendtgen/fdt.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- vIOMMU objects ---- */

enum dtg_viommu_type {
	DTG_VIOMMU_NONE = 0,
	DTG_VIOMMU_SMMUV3,   /* Arm, proposed: guest node iommu@4040000 */
	DTG_VIOMMU_VTD,      /* x86, proposed 2017: Intel VT-d model */
};

/* Capabilities (bit numbers of the 2017 proposal where it has them). */
#define DTG_VIOMMU_CAP_INTREMAP (1u << 0)  /* VIOMMU_CAP_IRQ_REMAPPING */
#define DTG_VIOMMU_CAP_X2APIC   (1u << 1)  /* EIM; libdtgen's bit, see viommu-abi.c */

/* Guest placement and ID width of the proposed vSMMUv3. */
#define DTG_VSMMUV3_BASE      0x04040000ULL
#define DTG_VSMMUV3_SIZE      0x00040000ULL
#define DTG_VSMMUV3_SPI       33u      /* INTID (as Xen numbers virtio SPIs 33..43); virtio moves to 34.. */
#define DTG_VSMMUV3_PHANDLE   65002u
#define DTG_VSMMUV3_ID_BITS   16u      /* default vSID width (libdtgen's choice) */
/* x86 vtd register window (the 2017 series' DMAR base is the guest's choice). */
#define DTG_VTD_BASE          0xfed90000ULL
#define DTG_VTD_SIZE          0x1000ULL

/* A vIOMMU as described (xl.cfg `viommu = ...`). */
struct dtg_viommu_config {
	enum dtg_viommu_type type;
	uint64_t base;        /* 0: the type's default */
	uint64_t size;        /* 0: the type's default */
	uint32_t caps;        /* DTG_VIOMMU_CAP_* (vtd) */
	unsigned id_bits;     /* 0: the type's default (smmuv3: 16, max 32) */
};

/* "smmuv3", "vtd", "none". */
const char *dtg_viommu_type_name(enum dtg_viommu_type type);

/* Capabilities a type supports (smmuv3: none; vtd: intremap|x2apic). */
uint32_t dtg_viommu_type_caps(enum dtg_viommu_type type);

/*
 * Parse an xl.cfg viommu value: "smmuv3", "vtd", or "type=vtd,intremap=1,
 * x2apic=1" (keys type, intremap, x2apic; booleans 0/1).  name names the
 * input in messages.  Returns 0 or -DTG_ECONFIG.
 */
int dtg_viommu_parse(dtg_ctx *ctx, const char *name, const char *value,
		     struct dtg_viommu_config *out);

/* Format a config back to its xl.cfg value (allocated, free with dtg_free). */
int dtg_viommu_format(dtg_ctx *ctx, const struct dtg_viommu_config *cfg,
		      char **out);

/*
 * Check a config for a guest with vcpus vCPUs: caps within the type's,
 * x2apic needs intremap, more than 255 vCPUs needs x2apic (vtd).  Fills
 * in the defaults.  Returns 0, -DTG_EUNSUPPORTED or -DTG_EINVAL.
 */
int dtg_viommu_check(dtg_ctx *ctx, const char *name,
		     struct dtg_viommu_config *cfg, unsigned vcpus);

/* ---- Master binding: physical IDs -> virtual IDs ---- */

/* Ask the binder to allocate the vID. */
#define DTG_VID_AUTO (-1LL)

/* One row of the vID -> pID table. */
struct dtg_vid_map {
	const char *master;   /* master node path (host or partial DT) */
	const char *piommu;   /* host IOMMU node path */
	uint32_t pid;         /* first physical ID (stream ID) */
	uint32_t count;       /* IDs in the range (1 for an iommus entry) */
	uint32_t mask;        /* SMMUv2 stream-match mask (2-cell iommus), else 0 */
	uint32_t vid;         /* first virtual ID on the vIOMMU */
	bool user;            /* the vID was given, not allocated */
	bool pci;             /* from an iommu-map entry */
};

typedef struct dtg_vbind dtg_vbind;

/*
 * A binder for one vIOMMU whose IDs are id_bits wide (1..32).  name (e.g.
 * the host DT's file name) starts every message.  Strings given to the
 * binder (master, piommu) are not copied: they must outlive it.
 */
int dtg_vbind_new(dtg_ctx *ctx, const char *name, unsigned id_bits,
		  dtg_vbind **out);
void dtg_vbind_free(dtg_vbind *b);

/*
 * Add pIDs pid..pid+count-1 of master on host IOMMU piommu.  vid is
 * DTG_VID_AUTO or the user's first vID (checked at allocation).  The same
 * (piommu, pid, count) added twice shares one vID.  Returns the row index.
 */
int dtg_vbind_add(dtg_vbind *b, const char *master, const char *piommu,
		  uint32_t pid, uint32_t count, uint32_t mask, int64_t vid);

/*
 * Add every ID of a resolved host device: each iommus entry (its first
 * cell is the stream ID; a second cell is the SMMUv2 mask) and each
 * iommu-map range.  vids (nvid entries, may be NULL/0) are the user's vIDs
 * in that order.  A device without iommus/iommu-map fails with
 * -DTG_EUNSUPPORTED ("not behind an IOMMU on the host"); #iommu-cells = 0
 * (no ID to translate) likewise.  Returns the number of rows added.
 */
int dtg_vbind_add_device(dtg_vbind *b, const struct dtg_device *dev,
			 const int64_t *vids, size_t nvid);

/*
 * Decide every vID, deterministically: user vIDs are checked (within the
 * ID width, no overlap); then each range whose pIDs collide with no other
 * physical range and no user vID keeps vID == pID; the rest get the next
 * free IDs, in the order they were added.  Returns 0, -DTG_ERANGE (too
 * wide, or the ID space is full) or -DTG_EDUPLICATE (user vIDs overlap).
 * O(n log n) in the number of rows.
 */
int dtg_vbind_allocate(dtg_vbind *b);

/* Number of rows, and row i (after dtg_vbind_allocate()). */
size_t dtg_vbind_count(const dtg_vbind *b);
int dtg_vbind_get(const dtg_vbind *b, size_t i, struct dtg_vid_map *out);

/*
 * The vID of physical ID pid of master on piommu (any row covering it),
 * or -DTG_ENOTFOUND.  O(log n).
 */
int64_t dtg_vbind_lookup(const dtg_vbind *b, const char *master,
			 const char *piommu, uint32_t pid);

/* The table as text, one row per line: "vID pID count piommu master". */
int dtg_vbind_text_alloc(const dtg_vbind *b, char **out, size_t *len);

/* ---- Domain model ---- */

/* Give the domain a vIOMMU (checked in dtg_domain_finalize()). */
int dtg_domain_set_viommu(dtg_domain *d, const struct dtg_viommu_config *cfg);

/* The domain's vIOMMU config (type NONE when it has none). */
int dtg_domain_get_viommu(const dtg_domain *d, struct dtg_viommu_config *cfg);

/*
 * Bind passthrough device dev to the domain's vIOMMU (IOMMU-protected
 * devices are bound by default when the domain has a vIOMMU); vids/nvid
 * are the user's vIDs for its IDs in host order (NULL/0: allocate).
 */
int dtg_pt_set_vids(dtg_domain *d, int dev, const int64_t *vids, size_t nvid);

/*
 * A virtio-mmio device (xl.cfg `virtio = [ "backend=DOMID,
 * type=virtio,deviceNN,transport=mmio,grant_usage=1" ]`, Xen >= 4.18).
 * type is "virtio,device22" (I2C), "virtio,device29" (GPIO), which get
 * the child node libxl writes, or any other "virtio,device..." (NULL is
 * "virtio,device"); libxl refuses others, and so does this
 * (-DTG_EINVAL).  Returns the virtio device index.
 */
int dtg_domain_add_virtio(dtg_domain *d, uint32_t backend_domid,
			  const char *type, bool grant_usage);

/*
 * A virtio disk (xl.cfg `disk = [ "...,specification=virtio" ]`).
 * grant_usage: 0, 1, or -1 for libxl's default (grants when the backend
 * is not dom0); only Xen >= 4.19's xl takes grant_usage= for a disk.
 * libxl places virtio disks before the `virtio` devices, whatever the
 * order they were added in.  Returns the virtio device index.
 */
int dtg_domain_add_virtio_disk(dtg_domain *d, uint32_t backend_domid,
			       int grant_usage);

/* A virtio-mmio device as finalized. */
struct dtg_virtio_info {
	uint32_t backend_domid;
	const char *type;     /* NULL for a disk */
	bool grant_usage;
	uint64_t base;        /* 0x02000000 + 0x200 * slot (disks first) */
	uint32_t intid;       /* GIC INTID (SPI 33.. or 34.. with a vSMMUv3) */
	bool disk;
};

/* Number of virtio devices; the finalized placement of device i. */
size_t dtg_domain_virtio_count(const dtg_domain *d);
int dtg_domain_virtio_info(const dtg_domain *d, size_t i,
			   struct dtg_virtio_info *info);

/*
 * The finalized vID -> pID table (rows of every bound master; strings
 * point into the domain).  Returns -DTG_ESTATE before finalize.
 */
size_t dtg_domain_vid_count(const dtg_domain *d);
int dtg_domain_vid_map(const dtg_domain *d, size_t i, struct dtg_vid_map *out);

/*
 * ---- vSMMUv3 as the series does it (PROPOSAL) ----
 *
 * With the xen-devel vSMMUv3 series Xen, not the toolstack, chooses the
 * vSIDs: libxl's viommu_get_stream and Xen's dom0less modify_pfdt_node
 * read each <phandle pSID> pair of a /passthrough node's `iommus` as the
 * physical stream ID and call vsmmuv3_allocate_free_vid (first free vSID
 * from 0, one per entry, in partial-DT order).  So for a domain with
 * viommu = "smmuv3":
 *   - the partial DT (dtg_fdt_partial) keeps <0 pSID> per entry and has
 *     no vSMMUv3 node (libxl's and Xen's make_vsmmuv3_node add it);
 *   - dtg_domain_vid_map() row k is the k-th entry in partial-DT order,
 *     count 1, vid = the vSID Xen will allocate (k for a fresh domain);
 *   - the plan (dtg_plan_ops) ends with one alloc_vsid_range op per row.
 *     These ops are for a toolstack that does NOT hand the partial DT to
 *     libxl (or Xen's dom0less builder): libxl's viommu_get_stream
 *     allocates a vSID for every entry of the partial DT itself, so
 *     running both would allocate each stream twice (the guest's vSIDs
 *     would then not be the predicted ones).  With xl and device_tree=,
 *     leave them out;
 *   - dtg_fdt_guest*(), dtg_fdt_overlay*() and dtg_fdt_write_nodes()
 *     show <65002 vSID> with the predicted vSIDs; the functions below take
 *     the vSIDs Xen returned (dtg_plan_execute_vsids) instead;
 *   - a passed-through IRQ at INTID 33 (the series' GUEST_VSMMU_SPI) is
 *     refused, as libxl__arch_domain_prepare_config refuses it.
 * User-chosen vIDs (dtg_pt_set_vids with IDs) are refused, as are masters
 * with iommu-map or #iommu-cells other than 1, which the series does not
 * read.
 */

/*
 * The complete guest DT (as dtg_fdt_guest_by_alloc) with vsid[k] as the
 * vSID of the k-th row of the vID table; nvsid must equal
 * dtg_domain_vid_count(d) and the vSIDs must be distinct.
 */
int dtg_fdt_guest_vsids_alloc(const dtg_domain *d,
			      enum dtg_guest_builder builder,
			      const uint32_t *vsid, size_t nvsid,
			      void **out, size_t *size);

/* The overlay (as dtg_fdt_overlay_alloc) with the vSIDs Xen returned. */
int dtg_fdt_overlay_vsids_alloc(const dtg_domain *d, const uint32_t *vsid,
				size_t nvsid, void **out, size_t *size);

/* ---- Completing a hand-written partial DT ---- */

struct dtg_complete_opts {
	enum dtg_viommu_type viommu;  /* DTG_VIOMMU_SMMUV3 (default when 0) */
	unsigned id_bits;             /* unused: Xen chooses the vSIDs */
};

/*
 * Complete a user's partial DT (name used in messages) for the vSMMUv3
 * series' consumers: for each child of /passthrough that carries
 * `iommus` (<0 or a host phandle, then the host's stream ID>, #iommu-cells
 * = <1>), xen,reg or xen,path, find its host device (by xen,path, else by
 * its reg translated through the partial DT's ranges matched against
 * every host device's MMIO), refuse it if its interrupts do not end at
 * the GIC, fill in missing xen,reg (1:1 when the user gave no guest
 * address) and xen,path, and write each `iommus` entry as <0 pSID>: libxl
 * (viommu_get_stream) and Xen's dom0less builder (modify_pfdt_node) read
 * that cell as the physical stream ID and allocate the vSID themselves,
 * and they add the vSMMUv3 node.  An entry <65002 ID> (a vSID) is an
 * error.  Every other property and node is copied untouched.  A node
 * that matches no host device is an error naming it; nothing is written
 * on error.  The output is allocated (free with dtg_free).
 */
int dtg_partial_complete(dtg_ctx *ctx, const dtg_host *host,
			 const void *partial, size_t size, const char *name,
			 const struct dtg_complete_opts *opts,
			 void **out, size_t *out_size);

/* ---- Proposed hypervisor ABI profiles (never for plain Xen) ---- */

enum dtg_viommu_abi {
	DTG_VIOMMU_ABI_NONE = 0,       /* plain Xen 4.17/4.22: nothing emitted */
	DTG_VIOMMU_ABI_SMMUV3_V3,      /* PROPOSAL: vSMMUv3 series v3 (2026) */
	DTG_VIOMMU_ABI_X86_2017,       /* PROPOSAL: x86 vIOMMU series (2017) */
};

/* PROPOSAL (vSMMUv3 v3): xen_arch_domainconfig.viommu_type values. */
#define DTG_XEN_DOMCTL_CONFIG_VIOMMU_NONE   0
#define DTG_XEN_DOMCTL_CONFIG_VIOMMU_SMMUV3 1
/* PROPOSAL (vSMMUv3 v3): domctl number and payload size. */
#define DTG_XEN_DOMCTL_VIOMMU_ALLOC_VSID_RANGE 91
#define DTG_XEN_DOMCTL_VIOMMU_ALLOC_VSID_RANGE_SIZE 12
/* PROPOSAL (x86 2017): domctl number, sub-commands, vtd type. */
#define DTG_XEN_DOMCTL_VIOMMU_OP 80
#define DTG_XEN_DOMCTL_CREATE_VIOMMU 0
#define DTG_XEN_DOMCTL_DESTROY_VIOMMU 1
#define DTG_XEN_DOMCTL_QUERY_VIOMMU_CAPS 2
#define DTG_XEN_VIOMMU_TYPE_INTEL_VTD 0

enum dtg_viommu_op_kind {
	DTG_VOP_SET_VIOMMU_TYPE,   /* createdomain: arch.viommu_type (no domctl) */
	DTG_VOP_ALLOC_VSID_RANGE,  /* smmuv3: domctl 91 */
	DTG_VOP_QUERY_CAPS,        /* x86: viommu_op query_caps */
	DTG_VOP_CREATE,            /* x86: viommu_op create */
	DTG_VOP_DESTROY,           /* x86: viommu_op destroy (teardown) */
};

/* One proposed-ABI operation. */
struct dtg_viommu_op {
	enum dtg_viommu_op_kind kind;
	union {
		struct { uint32_t viommu_type; } set_type;
		struct { uint32_t first_psid; uint16_t nr_sids;
			 uint32_t first_vsid; } vsid;  /* first_vsid: expected */
		struct { uint64_t viommu_type; } query;
		struct { uint64_t viommu_type, base_address, length,
			 capabilities; } create;
		struct { uint32_t viommu_id; } destroy;
	} u;
};

/* "alloc_vsid_range", "create", ... */
const char *dtg_viommu_op_name(enum dtg_viommu_op_kind kind);

/*
 * The proposed-ABI operations of a finalized domain under profile abi:
 * none for DTG_VIOMMU_ABI_NONE or a domain without vIOMMU; a profile that
 * does not fit the domain's vIOMMU type is -DTG_EUNSUPPORTED.  Fills up
 * to cap ops, *n is the total (-DTG_ENOSPACE if cap < *n).  The
 * alloc_vsid_range ops are for a toolstack that does not hand the partial
 * DT to libxl: libxl's viommu_get_stream allocates each vSID itself, and
 * running both would allocate every stream twice.
 */
int dtg_viommu_plan(const dtg_domain *d, enum dtg_viommu_abi abi,
		    struct dtg_viommu_op *ops, size_t cap, size_t *n);

/*
 * Encode one op as a 144-byte struct xen_domctl (little-endian) with the
 * given interface_version and domid.  DTG_VOP_SET_VIOMMU_TYPE is not a
 * domctl of its own (it rides in createdomain): -DTG_EUNSUPPORTED.
 * buf must hold 144 bytes.
 */
int dtg_viommu_op_encode(const struct dtg_viommu_op *op,
			 uint32_t interface_version, uint16_t domid,
			 void *buf, size_t size);

/*
 * Same for a whole table without a domain: one alloc_vsid_range op per
 * row of a binder (ranges of more than 65535 IDs are split).
 */
int dtg_vbind_plan(const dtg_vbind *b, struct dtg_viommu_op *ops,
		   size_t cap, size_t *n);

#ifdef __cplusplus
}
#endif
#endif /* XENDTGEN_VIOMMU_H */
