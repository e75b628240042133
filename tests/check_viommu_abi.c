/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_viommu_abi.c - the PROPOSED vIOMMU domctl encodings, byte
 * for byte against the layouts the compiler gives the proposals' own
 * declarations (transcribed below from the series, see lib/viommu-abi.c),
 * and the rule that plain Xen targets get nothing.
 */
#include <check.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/viommu.h>
#include <xendtgen/domctl.h>
#include "testutil.h"

/* vSMMUv3 v3 series, public/domctl.h (padding explicit as reviewed). */
struct p_alloc_vsid_range {
	uint32_t first_psid;
	uint16_t nr_sids;
	uint16_t pad;
	uint32_t first_vsid;
};

/* x86 vIOMMU 2017 series, public/domctl.h. */
struct p_viommu_op {
	uint32_t cmd;
	union {
		struct {
			uint64_t viommu_type;
			uint64_t base_address;
			uint64_t length;
			uint64_t capabilities;
			uint32_t viommu_id;
		} create_viommu;
		struct { uint32_t viommu_id; } destroy_viommu;
		struct { uint64_t viommu_type; uint64_t caps; } query_caps;
	} u;
};

/* struct xen_domctl's head (public/domctl.h): u at 16, 128 bytes. */
struct p_domctl {
	uint32_t cmd;
	uint32_t interface_version;
	uint16_t domain;
	union {
		struct p_alloc_vsid_range vsid;
		struct p_viommu_op viommu_op;
		uint64_t align;
		uint8_t pad[128];
	} u;
};

_Static_assert(sizeof(struct p_domctl) == DTG_DOMCTL_SIZE, "xen_domctl is 144 bytes");
_Static_assert(offsetof(struct p_domctl, u) == 16, "u at 16");
_Static_assert(sizeof(struct p_alloc_vsid_range) == DTG_XEN_DOMCTL_VIOMMU_ALLOC_VSID_RANGE_SIZE, "12 bytes");

static int little_endian(void)
{
	const uint16_t one = 1;
	return *(const uint8_t *)&one == 1;
}

START_TEST(test_alloc_vsid_range)
{
	struct dtg_viommu_op op = { .kind = DTG_VOP_ALLOC_VSID_RANGE };
	struct p_domctl ref;
	uint8_t buf[DTG_DOMCTL_SIZE];

	if (!little_endian())
		return;   /* the reference struct is host-endian */
	op.u.vsid.first_psid = 0x877;
	op.u.vsid.nr_sids = 1;
	op.u.vsid.first_vsid = 0x877;
	memset(&ref, 0, sizeof(ref));
	ref.cmd = 91;
	ref.interface_version = 0x18;
	ref.domain = 7;
	ref.u.vsid.first_psid = 0x877;
	ref.u.vsid.nr_sids = 1;
	ck_assert_int_eq(dtg_viommu_op_encode(&op, 0x18, 7, buf, sizeof(buf)), 0);
	ck_assert_mem_eq(buf, &ref, sizeof(buf));
	ck_assert_int_eq(dtg_viommu_op_encode(&op, 0x18, 7, buf, 100), -DTG_ENOSPACE);
}
END_TEST

START_TEST(test_x86_viommu_op)
{
	struct dtg_viommu_op op = { .kind = DTG_VOP_CREATE };
	struct p_domctl ref;
	uint8_t buf[DTG_DOMCTL_SIZE];

	if (!little_endian())
		return;
	op.u.create.viommu_type = 0;
	op.u.create.base_address = 0xfed90000;
	op.u.create.length = 0x1000;
	op.u.create.capabilities = 3;
	memset(&ref, 0, sizeof(ref));
	ref.cmd = 80;
	ref.interface_version = 0x18;
	ref.domain = 3;
	ref.u.viommu_op.cmd = 0;
	ref.u.viommu_op.u.create_viommu.viommu_type = 0;
	ref.u.viommu_op.u.create_viommu.base_address = 0xfed90000;
	ref.u.viommu_op.u.create_viommu.length = 0x1000;
	ref.u.viommu_op.u.create_viommu.capabilities = 3;
	ck_assert_int_eq(dtg_viommu_op_encode(&op, 0x18, 3, buf, sizeof(buf)), 0);
	ck_assert_mem_eq(buf, &ref, sizeof(buf));

	memset(&op, 0, sizeof(op));
	op.kind = DTG_VOP_QUERY_CAPS;
	memset(&ref, 0, sizeof(ref));
	ref.cmd = 80;
	ref.interface_version = 0x18;
	ref.domain = 3;
	ref.u.viommu_op.cmd = 2;
	ck_assert_int_eq(dtg_viommu_op_encode(&op, 0x18, 3, buf, sizeof(buf)), 0);
	ck_assert_mem_eq(buf, &ref, sizeof(buf));

	memset(&op, 0, sizeof(op));
	op.kind = DTG_VOP_DESTROY;
	op.u.destroy.viommu_id = 5;
	memset(&ref, 0, sizeof(ref));
	ref.cmd = 80;
	ref.interface_version = 0x18;
	ref.domain = 3;
	ref.u.viommu_op.cmd = 1;
	ref.u.viommu_op.u.destroy_viommu.viommu_id = 5;
	ck_assert_int_eq(dtg_viommu_op_encode(&op, 0x18, 3, buf, sizeof(buf)), 0);
	ck_assert_mem_eq(buf, &ref, sizeof(buf));

	/* The domain-creation type is not a domctl of its own. */
	op.kind = DTG_VOP_SET_VIOMMU_TYPE;
	ck_assert_int_eq(dtg_viommu_op_encode(&op, 0x18, 3, buf, sizeof(buf)), -DTG_EUNSUPPORTED);
}
END_TEST

START_TEST(test_vbind_plan_splits)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_vbind *b;
	struct dtg_viommu_op ops[8];
	size_t n;

	ck_assert_int_eq(dtg_vbind_new(ctx, "t", 20, &b), 0);
	dtg_vbind_add(b, "/pcie", "/smmu0", 0, 0x10000, 0, DTG_VID_AUTO);
	dtg_vbind_add(b, "/a", "/smmu1", 0x877, 1, 0, DTG_VID_AUTO);
	dtg_vbind_add(b, "/a2", "/smmu1", 0x877, 1, 0, DTG_VID_AUTO);  /* same IDs */
	ck_assert_int_eq(dtg_vbind_allocate(b), 0);
	ck_assert_int_eq(dtg_vbind_plan(b, ops, 8, &n), 0);
	/* 0x10000 IDs need two calls (nr_sids is 16 bits); the alias none. */
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(ops[0].u.vsid.nr_sids, 0xffff);
	ck_assert_uint_eq(ops[1].u.vsid.first_psid, 0xffff);
	ck_assert_uint_eq(ops[1].u.vsid.nr_sids, 1);
	ck_assert_uint_eq(ops[1].u.vsid.first_vsid, ops[0].u.vsid.first_vsid + 0xffff);
	ck_assert_uint_eq(ops[2].u.vsid.first_psid, 0x877);
	ck_assert_int_eq(dtg_vbind_plan(b, ops, 1, &n), -DTG_ENOSPACE);
	ck_assert_uint_eq(n, 3);
	dtg_vbind_free(b);
	tu_ctx_free(ctx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("viommu-abi");
	TCase *tc = tcase_create("encode");

	tcase_add_test(tc, test_alloc_vsid_range);
	tcase_add_test(tc, test_x86_viommu_op);
	tcase_add_test(tc, test_vbind_plan_splits);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
