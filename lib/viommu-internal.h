/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/viommu-internal.h - what the vIOMMU files share (binder rows, the
 * domain's vIOMMU state).  Not installed.
 */
#ifndef DTG_VIOMMU_INTERNAL_H
#define DTG_VIOMMU_INTERNAL_H

#include <xendtgen/viommu.h>

#include "internal.h"

/* True if row i is the first of the rows naming the same physical IDs. */
bool dtg_vbind_row_is_first(const dtg_vbind *b, size_t i);

/*
 * The proposed-ABI operations of a vIOMMU config and its binder (b may be
 * NULL) under profile abi (viommu-abi.c); *n is the total.
 */
int dtg_viommu_profile_ops(dtg_ctx *ctx, const char *name,
			   const struct dtg_viommu_config *cfg,
			   const dtg_vbind *b, enum dtg_viommu_abi abi,
			   struct dtg_viommu_op *ops, size_t cap, size_t *n);

/* ---- a domain's vIOMMU and virtio devices (viommu-domain.c, virtio-mmio.c) ---- */

struct dtg_domain;
struct dtg_gnode;

/* User vIDs of one passthrough device (dtg_pt_set_vids). */
struct dtg_pt_vids {
	bool set;
	int64_t *vid;
	size_t nvid;
};

/* One virtio-mmio device as described. */
struct dtg_virtio_desc {
	uint32_t backend_domid;
	char *type;                /* NULL for a disk */
	bool grant_usage;
	bool disk;                 /* disk = [ "...,specification=virtio" ] */
	bool grant_set;            /* a disk's grant_usage= was given (xl >= 4.19) */
};

struct dtg_viommu_state {
	/* description (ctx memory) */
	struct dtg_viommu_config cfg;
	struct dtg_pt_vids *ptv;       /* indexed by device (nptv entries) */
	size_t nptv;
	struct dtg_virtio_desc *virtio;
	size_t nvirtio, cvirtio;
	/* decisions (arena memory, valid once finalized) */
	struct dtg_viommu_config fcfg; /* checked, defaults filled */
	struct dtg_vid_map *map;       /* the vID -> pID table */
	size_t nmap;
	size_t *row_pt;                /* map[i]'s device (pt index) */
	struct dtg_virtio_info *vinfo; /* nvirtio entries */
};

/* Place virtio devices, check their SPIs, count their root nodes. */
int dtg_finalize_virtio(struct dtg_domain *d, size_t *nroot);
/* -DTG_EUNSUPPORTED (with the reason) if d has virtio-mmio devices:
 * Xen's dom0less builder has no virtio support. */
int dtg_dom0less_refuse_virtio(dtg_ctx *ctx, const struct dtg_domain *d);
/* Append the xen,grant-dma and virtio@... nodes at nodes[*n]. */
int dtg_virtio_gnodes(struct dtg_domain *d, struct dtg_gnode *nodes, size_t *n);

/* iommus entries of one master the vSMMUv3 rewrite handles (stack buffer). */
#define DTG_VSMMUV3_MAX_ENTRIES 64

/* The device (pt index) of row k of the vSID table, or -1. */
int dtg_viommu_row_device(const struct dtg_domain *d, size_t k);

/* Number of vSMMUv3 iommus entries of a finalized domain (its vSID table). */
size_t dtg_viommu_vsid_count(const struct dtg_domain *d);

/*
 * Set, in place, the `iommus` of each vSMMUv3 master under the node at
 * path bus of the finished tree fdt: <0 pSID> per entry (the partial DT
 * the series' consumers read) when vsid is NULL, else <65002 vsid[k]>
 * (the guest's view; nvsid entries, one per entry in partial-DT order,
 * distinct).  Returns 0, a negative libfdt error or a DTG error.
 */
int dtg_viommu_put_iommus(const struct dtg_domain *d, void *fdt,
			  const char *bus, const uint32_t *vsid, size_t nvsid);

/* ---- xl.cfg (viommu-config.c) ---- */

struct dtg_cfg_entry;

/* Apply xl.cfg `viommu = ...` / `virtio = [ ... ]` (name: the file). */
int dtg_viommu_apply_cfg(struct dtg_domain *d, const char *name,
			 const struct dtg_cfg_entry *e);
int dtg_virtio_apply_cfg(struct dtg_domain *d, const char *name,
			 const struct dtg_cfg_entry *e);
/* Apply xl.cfg `disk = [ ... ]`: the specification=virtio disks. */
int dtg_virtio_disk_apply_cfg(struct dtg_domain *d, const char *name,
			      const struct dtg_cfg_entry *e);
/* Append `viommu = ...` and `virtio = [ ... ]` lines of a finalized domain. */
void dtg_viommu_xlcfg(const struct dtg_domain *d, struct dtg_buf *b);

#endif /* DTG_VIOMMU_INTERNAL_H */
