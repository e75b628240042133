/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xendtgen/domctl.h - the hypervisor plan of a finalized domain.
 *
 * The plan is the ordered list of operations the toolstack performs for
 * the domain's passthrough devices, in Xen's required order: per device,
 * iomem_permission then memory_mapping (at most 64 pages per call on
 * Arm), then per IRQ irq_permission and bind_pt_irq (SPI, virtual ==
 * physical), then assign_device for IOMMU-protected devices.  It is
 * available three ways: typed records, a callback executor mirroring
 * libxenctrl, and byte-exact struct xen_domctl encodings.
 */
#ifndef XENDTGEN_DOMCTL_H
#define XENDTGEN_DOMCTL_H

#include <xendtgen/domain.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Xen domctl command numbers (public domctl.h). */
#define DTG_DOMCTL_IRQ_PERMISSION    19
#define DTG_DOMCTL_IOMEM_PERMISSION  20
#define DTG_DOMCTL_ASSIGN_DEVICE     37
#define DTG_DOMCTL_BIND_PT_IRQ       38
#define DTG_DOMCTL_MEMORY_MAPPING    39
/* PROPOSAL: the xen-devel vSMMUv3 series (2026), not in a released Xen. */
#define DTG_DOMCTL_VIOMMU_ALLOC_VSID_RANGE 91

/*
 * XEN_DOMCTL_INTERFACE_VERSION of the releases the encoder targets, as
 * each release's xen/include/public/domctl.h defines it (RELEASE-4.x.0
 * tags).  The payloads the plan uses have the same layout in all of them.
 */
#define DTG_XEN_4_17_DOMCTL_VERSION 0x15
#define DTG_XEN_4_18_DOMCTL_VERSION 0x16
#define DTG_XEN_4_19_DOMCTL_VERSION 0x17
#define DTG_XEN_4_20_DOMCTL_VERSION 0x17
#define DTG_XEN_4_21_DOMCTL_VERSION 0x17
#define DTG_XEN_4_22_DOMCTL_VERSION 0x18

/*
 * Xen releases libdtgen follows (their libxl, xl and domctl.h), as
 * DTG_XEN_RELEASE(4, 17) = 0x0411; 0 means "not chosen" (the newest one,
 * and libdtgen's proposed interfaces on top).
 */
#define DTG_XEN_RELEASE(major, minor) (((major) << 8) | (minor))
#define DTG_XEN_RELEASE_FIRST DTG_XEN_RELEASE(4, 17)
#define DTG_XEN_RELEASE_LAST  DTG_XEN_RELEASE(4, 22)

/*
 * "4.17" .. "4.22" (a point release such as "4.19.2" is the same
 * interface) to a release; -DTG_EUNSUPPORTED for anything else.
 */
int dtg_xen_release_parse(const char *s, unsigned *release);

/* XEN_DOMCTL_INTERFACE_VERSION of a release; 0 if not supported. */
uint32_t dtg_xen_domctl_version(unsigned release);

/* Size of one encoded struct xen_domctl. */
#define DTG_DOMCTL_SIZE 144

/* Pages per memory_mapping call on Arm (more fails with -E2BIG). */
#define DTG_MEMORY_MAPPING_BATCH 64

enum dtg_op_kind {
	DTG_OP_IOMEM_PERMISSION,
	DTG_OP_MEMORY_MAPPING,
	DTG_OP_IRQ_PERMISSION,
	DTG_OP_BIND_PT_IRQ,
	DTG_OP_ASSIGN_DEVICE,
	/*
	 * PROPOSAL (vSMMUv3 series): map nr_sids guest vSIDs, which Xen
	 * chooses, to physical stream IDs first_psid..; one per `iommus` entry
	 * of each master in partial-DT order, as libxl's viommu_get_stream
	 * calls xc_domain_viommu_allocate_vsid_range(nr_sids = 1).  Only in
	 * the plan of a domain with viommu = "smmuv3".
	 */
	DTG_OP_VIOMMU_ALLOC_VSID_RANGE,
};

/* One operation of the plan. */
struct dtg_op {
	enum dtg_op_kind kind;
	int device;                       /* passthrough device index */
	union {
		struct { uint64_t first_mfn, nr_mfns; bool allow; } iomem;
		struct { uint64_t first_gfn, first_mfn, nr_mfns; bool add; } mapping;
		struct { uint32_t pirq; bool allow; } irq;
		/*
		 * xen_domctl_bind_pt_irq's fields, as Xen's Arm handler reads
		 * them: machine_irq the guest's vSPI, spi the host INTID (Xen
		 * requires them equal).
		 */
		struct { uint32_t machine_irq; uint16_t spi; } bind;
		struct { const char *path; } assign;   /* host DT path */
		struct { uint32_t first_psid; uint16_t nr_sids;
			 uint32_t first_vsid; } vsid;  /* first_vsid: predicted */
	} u;
};

/* Name of an op kind ("iomem_permission", ...). */
const char *dtg_op_name(enum dtg_op_kind kind);

/*
 * The plan as typed records: fills up to `cap` ops and sets *n to the
 * plan's length (-DTG_ENOSPACE if cap < *n).  Strings point into d.
 */
int dtg_plan_ops(const dtg_domain *d, struct dtg_op *ops, size_t cap,
		 size_t *n);

/*
 * Callbacks mirroring libxenctrl (xc_domain_iomem_permission,
 * xc_domain_memory_mapping, xc_domain_irq_permission,
 * xc_domain_bind_pt_spi_irq, xc_assign_dt_device), so libxl passes thin
 * wrappers.  Each returns 0 or a negative value (conventionally -errno),
 * which stops the plan.  bind_pt_spi_irq and unbind_pt_spi_irq take
 * libxenctrl's arguments in its order, xc_domain_bind_pt_spi_irq(xch,
 * domid, vspi, spi): the guest's vSPI, then the host's SPI (equal on
 * Arm).
 *
 * The last two are the inverses of bind_pt_spi_irq and assign_dt_device
 * (xc_domain_unbind_pt_spi_irq, xc_deassign_dt_device); the inverses of
 * the others are the same callbacks with allow_access/add_mapping 0.
 * They are optional: when both are set, a failed plan is undone.
 */
struct dtg_xc_ops {
	int (*iomem_permission)(void *opaque, uint32_t domid,
				uint64_t first_mfn, uint64_t nr_mfns,
				uint8_t allow_access);
	int (*memory_mapping)(void *opaque, uint32_t domid,
			      uint64_t first_gfn, uint64_t first_mfn,
			      uint64_t nr_mfns, uint32_t add_mapping);
	int (*irq_permission)(void *opaque, uint32_t domid, uint32_t pirq,
			      bool allow_access);
	int (*bind_pt_spi_irq)(void *opaque, uint32_t domid,
			       uint32_t vspi, uint16_t spi);
	int (*assign_dt_device)(void *opaque, uint32_t domid,
				const char *path);
	/*
	 * PROPOSAL (vSMMUv3 series): xc_domain_viommu_allocate_vsid_range();
	 * stores the first vSID Xen allocated.  Needed only by plans that
	 * have alloc_vsid_range ops (may be NULL otherwise).
	 */
	int (*viommu_alloc_vsid_range)(void *opaque, uint32_t domid,
				       uint16_t nr_sids, uint32_t first_psid,
				       uint32_t *first_vsid);
	int (*deassign_dt_device)(void *opaque, uint32_t domid,
				  const char *path);
	int (*unbind_pt_spi_irq)(void *opaque, uint32_t domid,
				 uint32_t vspi, uint16_t spi);
};

/*
 * Run the plan for domain domid through ops.  Stops at the first failing
 * callback: returns -DTG_ECALLBACK and *failed (if not NULL) is the index
 * of the op that failed; the error message names the domain, the device,
 * the op with its arguments and the callback's return value.  When ops
 * has both inverse callbacks, the ops done before the failing one are
 * then undone in reverse order (as dtg_plan_undo), so a failed plan
 * leaves the domain as it found it (but for vSIDs: the vSMMUv3 series has
 * no call to free them, they go with the domain); the message says how
 * many were undone, and which undo failed if one did.
 */
int dtg_plan_execute(const dtg_domain *d, uint32_t domid,
		     const struct dtg_xc_ops *ops, void *opaque,
		     size_t *failed);

/*
 * dtg_plan_execute(), and report the vSIDs Xen returned: vsid[k] is the
 * vSID of the k-th vSMMUv3 `iommus` entry in partial-DT order (the
 * first_vsid of the k-th alloc_vsid_range call); nvsid must be
 * dtg_domain_vid_count(d).  Give them to dtg_fdt_guest_vsids_alloc() or
 * dtg_fdt_overlay_vsids_alloc() so the guest sees what Xen mapped.
 */
int dtg_plan_execute_vsids(const dtg_domain *d, uint32_t domid,
			   const struct dtg_xc_ops *ops, void *opaque,
			   size_t *failed, uint32_t *vsid, size_t nvsid);

/*
 * Undo the first count ops of the plan (SIZE_MAX, or the plan's length,
 * undoes all of it, e.g. to release a domain's devices) in reverse order, each
 * through its inverse: deassign_dt_device, unbind_pt_spi_irq,
 * irq_permission deny, memory_mapping remove, iomem_permission deny.
 * Needs both inverse callbacks.  Goes on past a failing undo (to release
 * what it can); returns -DTG_ECALLBACK naming the first that failed.
 */
int dtg_plan_undo(const dtg_domain *d, uint32_t domid,
		  const struct dtg_xc_ops *ops, void *opaque, size_t count);

/*
 * Supplies the guest handle value (a pointer in the toolstack's address
 * space, as a 64-bit integer) for assign_device's DT path.
 */
typedef uint64_t (*dtg_path_handle_fn)(void *opaque, const char *path);

/*
 * Encode the plan as struct xen_domctl records (DTG_DOMCTL_SIZE bytes
 * each, back to back, little-endian) for the given interface version
 * (one of DTG_XEN_4_*_DOMCTL_VERSION: 0x15 to 0x18).
 * handle_fn may be NULL (handles are then 0).
 */
int dtg_plan_encode(const dtg_domain *d, uint32_t interface_version,
		    uint16_t domid, dtg_path_handle_fn handle_fn,
		    void *opaque, void *buf, size_t size, size_t *needed);

/* The plan as text (one op per line) or JSON (an array of objects). */
int dtg_plan_text_alloc(const dtg_domain *d, char **out, size_t *len);
int dtg_plan_json_alloc(const dtg_domain *d, char **out, size_t *len);

#ifdef __cplusplus
}
#endif
#endif /* XENDTGEN_DOMCTL_H */
