/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/viommu-abi.c - PROPOSED hypervisor interfaces for vIOMMUs, encoded
 * behind an explicitly chosen profile.  Nothing here exists in a released
 * Xen; plain Xen 4.17/4.22 targets (DTG_VIOMMU_ABI_NONE) get no operation.
 *
 * Provenance:
 *
 * DTG_VIOMMU_ABI_SMMUV3_V3 - "Add SMMUv3 Stage 1 Support for XEN guests"
 *   (Rahul Singh, RFC 2022; v3 by Milan Djokic, xen-devel, March 2026):
 *   - public/arch-arm.h: xen_arch_domainconfig.viommu_type,
 *     XEN_DOMCTL_CONFIG_VIOMMU_NONE 0, XEN_DOMCTL_CONFIG_VIOMMU_SMMUV3 1,
 *     GUEST_VSMMUV3_BASE 0x04040000, GUEST_VSMMUV3_SIZE 0x00040000.
 *     The type rides in XEN_DOMCTL_createdomain, whose layout is the
 *     toolstack's; it is a plan record here, not an encoded domctl.
 *   - public/domctl.h: XEN_DOMCTL_viommu_alloc_vsid_range (91),
 *     struct xen_domctl_viommu_alloc_vsid_range { uint32_t first_psid;
 *     uint16_t nr_sids; [uint16_t pad, made explicit after review];
 *     uint32_t first_vsid (OUT) } - 12 bytes; libxc wrapper
 *     xc_domain_viommu_allocate_vsid_range().  Xen picks the vSIDs, so a
 *     toolstack must compare the returned first_vsid with the vID the
 *     guest DT uses (dtg_viommu_op.u.vsid.first_vsid, "expected").  The
 *     payload names no physical SMMU: Xen resolves pSIDs through the
 *     devices assigned to the domain.
 *
 * DTG_VIOMMU_ABI_X86_2017 - "x86: add vIOMMU" RFC series (Lan Tianyu,
 *   Intel, 2017; tools/libxc/xc_viommu.c): XEN_DOMCTL_viommu_op (80),
 *   struct xen_domctl_viommu_op { uint32_t cmd; union (8-aligned, at 8) {
 *     create_viommu { u64 viommu_type; u64 base_address; u64 length;
 *                     u64 capabilities; u32 viommu_id (OUT); }
 *     destroy_viommu { u32 viommu_id; }
 *     query_caps { u64 viommu_type; u64 caps (OUT); } } }
 *   with XEN_DOMCTL_create_viommu 0, destroy 1, query_viommu_caps 2,
 *   VIOMMU_TYPE_INTEL_VTD 0, VIOMMU_CAP_IRQ_REMAPPING (1 << 0).  The
 *   series has no x2APIC bit (x2APIC/EIM came with interrupt remapping in
 *   its vvtd); libdtgen encodes x2apic as bit 1, a proposal of its own.
 */
#include <stdio.h>

#include <xendtgen/viommu.h>
#include <xendtgen/domctl.h>

#include "viommu-internal.h"

const char *dtg_viommu_op_name(enum dtg_viommu_op_kind kind)
{
	switch (kind) {
	case DTG_VOP_SET_VIOMMU_TYPE: return "set_viommu_type";
	case DTG_VOP_ALLOC_VSID_RANGE: return "viommu_alloc_vsid_range";
	case DTG_VOP_QUERY_CAPS: return "viommu_query_caps";
	case DTG_VOP_CREATE: return "viommu_create";
	case DTG_VOP_DESTROY: return "viommu_destroy";
	}
	return "unknown";
}

int dtg_viommu_op_encode(const struct dtg_viommu_op *op,
			 uint32_t interface_version, uint16_t domid,
			 void *buf, size_t size)
{
	uint8_t *b = buf, *u = b + 16;

	if (!op || !buf)
		return -DTG_EINVAL;
	if (size < DTG_DOMCTL_SIZE)
		return -DTG_ENOSPACE;
	memset(b, 0, DTG_DOMCTL_SIZE);
	dtg_put_le32(b + 4, interface_version);
	dtg_put_le16(b + 8, domid);
	switch (op->kind) {
	case DTG_VOP_SET_VIOMMU_TYPE:
		return -DTG_EUNSUPPORTED;   /* part of createdomain */
	case DTG_VOP_ALLOC_VSID_RANGE:
		dtg_put_le32(b, DTG_XEN_DOMCTL_VIOMMU_ALLOC_VSID_RANGE);
		dtg_put_le32(u + 0, op->u.vsid.first_psid);
		dtg_put_le16(u + 4, op->u.vsid.nr_sids);
		/* u+6: explicit padding, zero; u+8: first_vsid is OUT */
		break;
	case DTG_VOP_QUERY_CAPS:
		dtg_put_le32(b, DTG_XEN_DOMCTL_VIOMMU_OP);
		dtg_put_le32(u + 0, DTG_XEN_DOMCTL_QUERY_VIOMMU_CAPS);
		dtg_put_le64(u + 8, op->u.query.viommu_type);
		break;
	case DTG_VOP_CREATE:
		dtg_put_le32(b, DTG_XEN_DOMCTL_VIOMMU_OP);
		dtg_put_le32(u + 0, DTG_XEN_DOMCTL_CREATE_VIOMMU);
		dtg_put_le64(u + 8, op->u.create.viommu_type);
		dtg_put_le64(u + 16, op->u.create.base_address);
		dtg_put_le64(u + 24, op->u.create.length);
		dtg_put_le64(u + 32, op->u.create.capabilities);
		break;
	case DTG_VOP_DESTROY:
		dtg_put_le32(b, DTG_XEN_DOMCTL_VIOMMU_OP);
		dtg_put_le32(u + 0, DTG_XEN_DOMCTL_DESTROY_VIOMMU);
		dtg_put_le32(u + 8, op->u.destroy.viommu_id);
		break;
	default:
		return -DTG_EINVAL;
	}
	return 0;
}

static int push(struct dtg_viommu_op *ops, size_t cap, size_t *n,
		const struct dtg_viommu_op *op)
{
	if (*n < cap && ops)
		ops[*n] = *op;
	(*n)++;
	return 0;
}

/* One alloc_vsid_range per distinct physical range, split at 65535 IDs. */
static void vsid_ops(const dtg_vbind *b, struct dtg_viommu_op *ops,
		     size_t cap, size_t *n)
{
	for (size_t i = 0; i < dtg_vbind_count(b); i++) {
		struct dtg_vid_map m;
		uint64_t done = 0;

		if (!dtg_vbind_row_is_first(b, i) || dtg_vbind_get(b, i, &m))
			continue;
		while (done < m.count) {
			struct dtg_viommu_op op;
			uint64_t k = m.count - done;

			if (k > 0xffff)
				k = 0xffff;
			memset(&op, 0, sizeof(op));
			op.kind = DTG_VOP_ALLOC_VSID_RANGE;
			op.u.vsid.first_psid = (uint32_t)(m.pid + done);
			op.u.vsid.nr_sids = (uint16_t)k;
			op.u.vsid.first_vsid = (uint32_t)(m.vid + done);
			push(ops, cap, n, &op);
			done += k;
		}
	}
}

int dtg_vbind_plan(const dtg_vbind *b, struct dtg_viommu_op *ops,
		   size_t cap, size_t *n)
{
	if (!b || !n)
		return -DTG_EINVAL;
	*n = 0;
	vsid_ops(b, ops, cap, n);
	return *n > cap ? -DTG_ENOSPACE : 0;
}

/*
 * The profile's operations for a vIOMMU config and its binder (either may
 * describe "none").  Shared with the domain's dtg_viommu_plan().
 */
int dtg_viommu_profile_ops(dtg_ctx *ctx, const char *name,
			   const struct dtg_viommu_config *cfg,
			   const dtg_vbind *b, enum dtg_viommu_abi abi,
			   struct dtg_viommu_op *ops, size_t cap, size_t *n)
{
	struct dtg_viommu_op op;

	*n = 0;
	if (abi == DTG_VIOMMU_ABI_NONE || cfg->type == DTG_VIOMMU_NONE)
		return 0;
	memset(&op, 0, sizeof(op));
	if (abi == DTG_VIOMMU_ABI_SMMUV3_V3) {
		if (cfg->type != DTG_VIOMMU_SMMUV3)
			return dtg_error(ctx, DTG_EUNSUPPORTED,
					 "%s: viommu: the smmuv3-v3 ABI profile cannot describe a %s vIOMMU",
					 name, dtg_viommu_type_name(cfg->type));
		op.kind = DTG_VOP_SET_VIOMMU_TYPE;
		op.u.set_type.viommu_type = DTG_XEN_DOMCTL_CONFIG_VIOMMU_SMMUV3;
		push(ops, cap, n, &op);
		if (b)
			vsid_ops(b, ops, cap, n);
	} else if (abi == DTG_VIOMMU_ABI_X86_2017) {
		if (cfg->type != DTG_VIOMMU_VTD)
			return dtg_error(ctx, DTG_EUNSUPPORTED,
					 "%s: viommu: the x86-2017 ABI profile cannot describe a %s vIOMMU",
					 name, dtg_viommu_type_name(cfg->type));
		op.kind = DTG_VOP_QUERY_CAPS;
		op.u.query.viommu_type = DTG_XEN_VIOMMU_TYPE_INTEL_VTD;
		push(ops, cap, n, &op);
		memset(&op, 0, sizeof(op));
		op.kind = DTG_VOP_CREATE;
		op.u.create.viommu_type = DTG_XEN_VIOMMU_TYPE_INTEL_VTD;
		op.u.create.base_address = cfg->base;
		op.u.create.length = cfg->size;
		op.u.create.capabilities = cfg->caps;
		push(ops, cap, n, &op);
	} else {
		return dtg_error(ctx, DTG_EINVAL, "%s: viommu: unknown ABI profile %d",
				 name, (int)abi);
	}
	return *n > cap ? -DTG_ENOSPACE : 0;
}
