/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/plan-encode.c - the domctl plan as byte-exact struct xen_domctl
 * records (Xen public domctl.h), little-endian, written byte by byte (no
 * struct casts, so the host's ABI never leaks in), padding zeroed.
 *
 * struct xen_domctl: cmd u32 @0, interface_version u32 @4, domain u16 @8,
 * _pad[3] @10, union u @16 (128 bytes) - 144 bytes.  The payloads used:
 *   iomem_permission (20): first_mfn u64 @0, nr_mfns u64 @8,
 *                          allow_access u8 @16
 *   memory_mapping (39):   first_gfn u64 @0, first_mfn u64 @8,
 *                          nr_mfns u64 @16, add_mapping u32 @24, padding @28
 *   irq_permission (19):   pirq u32 @0, allow_access u8 @4, pad[3]
 *   bind_pt_irq (38):      machine_irq u32 @0, irq_type u32 @4
 *                          (PT_IRQ_TYPE_SPI = 4), u.spi.spi u16 @8
 *   assign_device (37):    dev u32 @0 (XEN_DOMCTL_DEV_DT = 1), flags u32 @4,
 *                          u.dt.size u32 @8, u.dt.path handle u64 @16
 *   viommu_alloc_vsid_range (91, PROPOSAL: the vSMMUv3 series' domctl.h):
 *                          first_psid u32 @0, nr_sids u16 @4, pad u16 @6
 *                          (Xen: -EINVAL unless 0), first_vsid u32 @8
 *                          (OUT: written 0)
 * Interface versions 0x15 (Xen 4.17), 0x16 (4.18), 0x17 (4.19 to 4.21) and
 * 0x18 (4.22) changed only other ops (getdomaininfo in 0x16, dt_overlay in
 * 0x17, the Arm createdomain config in 0x18; the ops' structs, command
 * numbers and PT_IRQ_TYPE_SPI are the same in every release's domctl.h;
 * 4.22's assign_device adds a pointer only under __XEN__), so these
 * layouts are the same for all; only interface_version differs.
 * tests/check_domctl_xen.c compares them with Xen's own headers.
 */
#include "plan-internal.h"

#define XEN_PT_IRQ_TYPE_SPI 4
#define XEN_DOMCTL_DEV_DT   1
#define XEN_DPCI_ADD_MAPPING 1

#define U 16  /* offset of the payload union in struct xen_domctl */

struct enc {
	uint32_t version;
	uint16_t domid;
	dtg_path_handle_fn handle_fn;
	void *opaque;
	uint8_t *buf;
};

static uint32_t op_cmd(enum dtg_op_kind kind)
{
	switch (kind) {
	case DTG_OP_IOMEM_PERMISSION: return DTG_DOMCTL_IOMEM_PERMISSION;
	case DTG_OP_MEMORY_MAPPING:   return DTG_DOMCTL_MEMORY_MAPPING;
	case DTG_OP_IRQ_PERMISSION:   return DTG_DOMCTL_IRQ_PERMISSION;
	case DTG_OP_BIND_PT_IRQ:      return DTG_DOMCTL_BIND_PT_IRQ;
	case DTG_OP_ASSIGN_DEVICE:    return DTG_DOMCTL_ASSIGN_DEVICE;
	case DTG_OP_VIOMMU_ALLOC_VSID_RANGE:
		return DTG_DOMCTL_VIOMMU_ALLOC_VSID_RANGE;
	}
	return 0;
}

static int encode_op(void *opaque, size_t index, const struct dtg_op *op)
{
	struct enc *e = opaque;
	uint8_t *p = e->buf + index * DTG_DOMCTL_SIZE;

	memset(p, 0, DTG_DOMCTL_SIZE);
	dtg_put_le32(p + 0, op_cmd(op->kind));
	dtg_put_le32(p + 4, e->version);
	dtg_put_le16(p + 8, e->domid);
	switch (op->kind) {
	case DTG_OP_IOMEM_PERMISSION:
		dtg_put_le64(p + U + 0, op->u.iomem.first_mfn);
		dtg_put_le64(p + U + 8, op->u.iomem.nr_mfns);
		p[U + 16] = op->u.iomem.allow ? 1 : 0;
		break;
	case DTG_OP_MEMORY_MAPPING:
		dtg_put_le64(p + U + 0, op->u.mapping.first_gfn);
		dtg_put_le64(p + U + 8, op->u.mapping.first_mfn);
		dtg_put_le64(p + U + 16, op->u.mapping.nr_mfns);
		dtg_put_le32(p + U + 24, op->u.mapping.add ? XEN_DPCI_ADD_MAPPING : 0);
		break;
	case DTG_OP_IRQ_PERMISSION:
		dtg_put_le32(p + U + 0, op->u.irq.pirq);
		p[U + 4] = op->u.irq.allow ? 1 : 0;
		break;
	case DTG_OP_BIND_PT_IRQ:
		dtg_put_le32(p + U + 0, op->u.bind.machine_irq);
		dtg_put_le32(p + U + 4, XEN_PT_IRQ_TYPE_SPI);
		dtg_put_le16(p + U + 8, op->u.bind.spi);
		break;
	case DTG_OP_ASSIGN_DEVICE:
		dtg_put_le32(p + U + 0, XEN_DOMCTL_DEV_DT);
		dtg_put_le32(p + U + 4, 0);
		/* xc_assign_dt_device passes strlen(path), no terminator. */
		dtg_put_le32(p + U + 8, (uint32_t)strlen(op->u.assign.path));
		dtg_put_le64(p + U + 16, e->handle_fn ?
		      e->handle_fn(e->opaque, op->u.assign.path) : 0);
		break;
	case DTG_OP_VIOMMU_ALLOC_VSID_RANGE:
		dtg_put_le32(p + U + 0, op->u.vsid.first_psid);
		dtg_put_le16(p + U + 4, op->u.vsid.nr_sids);
		break;
	}
	return 0;
}

int dtg_plan_encode(const dtg_domain *d, uint32_t interface_version,
		    uint16_t domid, dtg_path_handle_fn handle_fn,
		    void *opaque, void *buf, size_t size, size_t *needed)
{
	struct enc e = { interface_version, domid, handle_fn, opaque, buf };
	size_t n = 0;
	int err;

	if (!d)
		return -DTG_EINVAL;
	if (interface_version < DTG_XEN_4_17_DOMCTL_VERSION ||
	    interface_version > DTG_XEN_4_22_DOMCTL_VERSION)
		return dtg_error(d->ctx, DTG_EUNSUPPORTED,
				 "dtg_plan_encode: domctl interface version %#x is not supported (0x15 for Xen 4.17 to 0x18 for Xen 4.22)",
				 interface_version);
	err = dtg_plan_walk(d, "dtg_plan_encode", NULL, NULL, &n);
	if (err < 0)
		return err;
	if (needed)
		*needed = n * DTG_DOMCTL_SIZE;
	if (!buf || size < n * DTG_DOMCTL_SIZE)
		return n ? -DTG_ENOSPACE : 0;
	return dtg_plan_walk(d, "dtg_plan_encode", encode_op, &e, NULL);
}
