/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_viommu.c - vIOMMU configs and vMasterID binding on real host
 * DTs (QEMU virt-smmuv3, ZCU102, J721E, FVP, SDM845) and on the synthetic
 * 64-SMMU tree whose masters reuse the same stream IDs.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/viommu.h>
#include "testutil.h"

/* Every host device with translatable master IDs, bound to one binder. */
struct bound {
	dtg_ctx *ctx;
	dtg_host *host;
	dtg_vbind *b;
	struct dtg_device **dev;
	size_t ndev;
	size_t nrow;
	size_t nsmmu_kinds[DTG_IOMMU_OTHER + 1];
};

static bool bindable(const struct dtg_device *dev)
{
	if (dev->niommu == 0 && dev->niommu_map == 0)
		return false;
	for (size_t i = 0; i < dev->niommu; i++)
		if (dev->iommu[i].ncells == 0)
			return false;
	return true;
}

static void bind_host(struct bound *s, dtg_host *host, unsigned bits)
{
	int off = -1;

	memset(s, 0, sizeof(*s));
	s->ctx = tu_ctx_new();
	s->host = host;
	ck_assert_int_eq(dtg_vbind_new(s->ctx, dtg_host_name(host), bits, &s->b), 0);
	s->dev = calloc(100000, sizeof(*s->dev));
	while ((off = dtg_host_next_device(host, off)) >= 0) {
		struct dtg_device *dev;

		ck_assert_int_eq(dtg_host_resolve_offset(host, s->ctx, off, &dev), 0);
		if (!bindable(dev)) {
			dtg_device_free(s->ctx, dev);
			continue;
		}
		for (size_t i = 0; i < dev->niommu; i++)
			s->nsmmu_kinds[dev->iommu[i].kind]++;
		int n = dtg_vbind_add_device(s->b, dev, NULL, 0);
		ck_assert_msg(n > 0, "%s: %s", dev->path, dtg_last_error(s->ctx));
		s->nrow += (size_t)n;
		s->dev[s->ndev++] = dev;
	}
	ck_assert_msg(s->ndev > 0, "%s has IOMMU masters", dtg_host_name(host));
	ck_assert_int_eq(dtg_vbind_count(s->b), s->nrow);
	ck_assert_msg(dtg_vbind_allocate(s->b) == 0, "%s", dtg_last_error(s->ctx));
}

static void unbind(struct bound *s)
{
	for (size_t i = 0; i < s->ndev; i++)
		dtg_device_free(s->ctx, s->dev[i]);
	free(s->dev);
	dtg_vbind_free(s->b);
	dtg_host_free(s->host);
	tu_ctx_free(s->ctx);
}

struct vr { uint64_t lo, hi; const char *piommu; uint32_t pid; };

static int cmp_vr(const void *a, const void *b)
{
	const struct vr *x = a, *y = b;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/*
 * The invariants: vIDs within the width; two rows share vIDs only when
 * they are the same physical IDs; every row's pIDs are the host's; the
 * lookup agrees with the table.  Returns the number of identity rows.
 */
static size_t check_table(struct bound *s, unsigned bits)
{
	size_t n = dtg_vbind_count(s->b), same = 0;
	struct vr *v = calloc(n, sizeof(*v));
	uint64_t max = (1ULL << bits) - 1;

	for (size_t i = 0; i < n; i++) {
		struct dtg_vid_map m;
		struct dtg_device *dev = NULL;
		bool found = false;

		ck_assert_int_eq(dtg_vbind_get(s->b, i, &m), 0);
		ck_assert_msg((uint64_t)m.vid + m.count - 1 <= max,
			      "%s: vID 0x%x + %u exceeds %u bits", m.master,
			      m.vid, m.count, bits);
		v[i].lo = m.vid;
		v[i].hi = (uint64_t)m.vid + m.count - 1;
		v[i].piommu = m.piommu;
		v[i].pid = m.pid;
		same += m.vid == m.pid;
		/* The row's physical IDs are really the host's. */
		ck_assert_int_eq(dtg_host_resolve_device(s->host, s->ctx, m.master, &dev), 0);
		for (size_t k = 0; k < dev->niommu; k++)
			found |= !m.pci && !strcmp(dev->iommu[k].iommu, m.piommu) &&
				 dev->iommu[k].ids[0] == m.pid;
		for (size_t k = 0; k < dev->niommu_map; k++)
			found |= m.pci && !strcmp(dev->iommu_map[k].iommu, m.piommu) &&
				 dev->iommu_map[k].iommu_base == m.pid &&
				 dev->iommu_map[k].length == m.count;
		ck_assert_msg(found, "%s: pID 0x%x on %s is not in the host DT",
			      m.master, m.pid, m.piommu);
		dtg_device_free(s->ctx, dev);
		ck_assert_int_eq(dtg_vbind_lookup(s->b, m.master, m.piommu, m.pid),
				 (int64_t)m.vid);
	}
	qsort(v, n, sizeof(*v), cmp_vr);
	for (size_t i = 1; i < n; i++)
		if (v[i].lo <= v[i - 1].hi)
			ck_assert_msg(!strcmp(v[i].piommu, v[i - 1].piommu) &&
				      v[i].pid == v[i - 1].pid && v[i].lo == v[i - 1].lo &&
				      v[i].hi == v[i - 1].hi,
				      "vID 0x%llx given to %s 0x%x and %s 0x%x",
				      (unsigned long long)v[i].lo, v[i].piommu,
				      v[i].pid, v[i - 1].piommu, v[i - 1].pid);
	free(v);
	return same;
}

START_TEST(test_zcu102_mmu500)
{
	struct bound s;
	dtg_ctx *ctx = tu_ctx_new();

	bind_host(&s, tu_load_host(ctx, "zynqmp-zcu102-rev1.0.dtb"), 16);
	ck_assert_uint_gt(s.nsmmu_kinds[DTG_IOMMU_SMMUV2], 20);
	/* One SMMU, distinct stream IDs: every vID is the physical one. */
	ck_assert_uint_eq(check_table(&s, 16), dtg_vbind_count(s.b));
	ck_assert_int_eq(dtg_vbind_lookup(s.b, "/axi/ethernet@ff0e0000",
					  "/axi/iommu@fd800000", 0x877), 0x877);
	unbind(&s);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_qemu_pcie_iommu_map)
{
	struct bound s;
	struct dtg_vid_map m;
	dtg_ctx *ctx = tu_ctx_new();

	bind_host(&s, tu_load_host(ctx, "virt-smmuv3.dtb"), 16);
	ck_assert_uint_eq(dtg_vbind_count(s.b), 1);
	ck_assert_int_eq(dtg_vbind_get(s.b, 0, &m), 0);
	ck_assert(m.pci);
	ck_assert_str_eq(m.master, "/pcie@10000000");
	ck_assert_str_eq(m.piommu, "/smmuv3@9050000");
	ck_assert_uint_eq(m.pid, 0);
	ck_assert_uint_eq(m.count, 0x10000);
	ck_assert_uint_eq(m.vid, 0);
	check_table(&s, 16);
	ck_assert_int_eq(dtg_vbind_lookup(s.b, "/pcie@10000000", "/smmuv3@9050000", 0x808), 0x808);
	unbind(&s);
	tu_ctx_free(ctx);
	/* With 12-bit vIDs the 64Ki RIDs cannot fit: a clear error. */
	ctx = tu_ctx_new();
	{
		dtg_host *h = tu_load_host(ctx, "virt-smmuv3.dtb");
		dtg_vbind *b;
		struct dtg_device *dev;

		ck_assert_int_eq(dtg_host_resolve_device(h, ctx, "/pcie@10000000", &dev), 0);
		ck_assert_int_eq(dtg_vbind_new(ctx, "virt-smmuv3.dtb", 12, &b), 0);
		ck_assert_int_eq(dtg_vbind_add_device(b, dev, NULL, 0), 1);
		ck_assert_int_eq(dtg_vbind_allocate(b), -DTG_ERANGE);
		ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "/pcie@10000000"));
		dtg_vbind_free(b);
		dtg_device_free(ctx, dev);
		dtg_host_free(h);
	}
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_smmuv3_boards)
{
	struct bound s;
	struct dtg_vid_map m;
	dtg_ctx *ctx = tu_ctx_new();

	/* FVP: the PCIe host bridge's iommu-map onto the SMMUv3. */
	bind_host(&s, tu_load_host(ctx, "fvp-base-revc.dtb"), 32);
	check_table(&s, 32);
	ck_assert_uint_eq(dtg_vbind_count(s.b), 1);
	ck_assert_int_eq(dtg_vbind_get(s.b, 0, &m), 0);
	ck_assert(m.pci);
	ck_assert_uint_eq(m.vid, m.pid);
	unbind(&s);

	/*
	 * J721E: the SMMUv3 (iommu@36600000) has no DT masters in this tree,
	 * so binding one of its devices is refused with the reason.
	 */
	{
		dtg_host *h = tu_load_host(ctx, "k3-j721e-common-proc-board.dtb");
		int off = dtg_host_path_offset(h, "/bus@100000/bus@30000000/iommu@36600000");
		struct dtg_device *dev;
		dtg_vbind *b;

		ck_assert_int_ge(off, 0);
		ck_assert_int_eq(dtg_host_resolve_device(h, ctx, "/bus@100000/bus@28380000/ethernet@46000000", &dev), 0);
		ck_assert_int_eq(dtg_vbind_new(ctx, "j721e.dtb", 16, &b), 0);
		ck_assert_int_eq(dtg_vbind_add_device(b, dev, NULL, 0), -DTG_EUNSUPPORTED);
		ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "/bus@100000/bus@28380000/ethernet@46000000: iommus: not behind an IOMMU"));
		dtg_vbind_free(b);
		dtg_device_free(ctx, dev);
		dtg_host_free(h);
	}
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_sdm845_two_cells)
{
	struct bound s;
	dtg_ctx *ctx = tu_ctx_new();
	size_t masked = 0;

	bind_host(&s, tu_load_host(ctx, "sdm845-db845c.dtb"), 16);
	check_table(&s, 16);
	for (size_t i = 0; i < dtg_vbind_count(s.b); i++) {
		struct dtg_vid_map m;
		ck_assert_int_eq(dtg_vbind_get(s.b, i, &m), 0);
		masked += m.mask != 0;
	}
	/* #iommu-cells = <2>: the second cell (mask) is kept in the table. */
	ck_assert_uint_gt(masked, 0);
	unbind(&s);
	tu_ctx_free(ctx);
}
END_TEST

static dtg_host *load_smmu64(dtg_ctx *ctx)
{
	size_t size;
	char *dts = tu_read_data("smmu64.dts", &size);
	dtg_host *h = tu_load_host_dts(ctx, dts);

	free(dts);
	return h;
}

START_TEST(test_smmu64_unique_deterministic)
{
	struct bound s1, s2;
	dtg_ctx *ctx = tu_ctx_new();
	char *t1, *t2;
	size_t same;

	bind_host(&s1, load_smmu64(ctx), 16);
	/* 64 SMMUs x 9 platform masters + the PCIe bridge. */
	ck_assert_uint_eq(dtg_vbind_count(s1.b), 64 * 9 + 1);
	same = check_table(&s1, 16);
	/* The 64 unique stream IDs 0x1000+i keep vID == pID... */
	for (unsigned i = 0; i < 64; i++) {
		char master[64], smmu[64];
		snprintf(master, sizeof(master), "/soc/dma@%llx",
			 0x5000000000ULL + (i * 9ULL + 8) * 0x10000);
		snprintf(smmu, sizeof(smmu), "/soc/iommu@%llx",
			 0x4000000000ULL + i * 0x100000ULL);
		ck_assert_int_eq(dtg_vbind_lookup(s1.b, master, smmu, 0x1000 + i),
				 0x1000 + i);
	}
	/*
	 * ...the repeated ones 0..7 (and the PCIe range over them) cannot;
	 * they are packed from 0, so only a few land on vID == pID.
	 */
	ck_assert_uint_ge(same, 64);
	ck_assert_uint_lt(same, 64 + 9);
	ck_assert_int_eq(dtg_vbind_text_alloc(s1.b, &t1, NULL), 0);

	bind_host(&s2, load_smmu64(ctx), 16);
	ck_assert_int_eq(dtg_vbind_text_alloc(s2.b, &t2, NULL), 0);
	ck_assert_str_eq(t1, t2);
	dtg_free(s1.ctx, t1);
	dtg_free(s2.ctx, t2);
	unbind(&s1);
	unbind(&s2);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_user_vids)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_vbind *b;
	struct dtg_vid_map m;

	/* Valid: user vIDs kept, identity where free, the rest packed. */
	ck_assert_int_eq(dtg_vbind_new(ctx, "t", 8, &b), 0);
	ck_assert_int_eq(dtg_vbind_add(b, "/a", "/smmu0", 5, 1, 0, 0), 0);
	ck_assert_int_eq(dtg_vbind_add(b, "/b", "/smmu1", 5, 1, 0, DTG_VID_AUTO), 1);
	ck_assert_int_eq(dtg_vbind_add(b, "/c", "/smmu0", 9, 1, 0, DTG_VID_AUTO), 2);
	ck_assert_int_eq(dtg_vbind_add(b, "/d", "/smmu1", 0, 1, 0, DTG_VID_AUTO), 3);
	ck_assert_int_eq(dtg_vbind_allocate(b), 0);
	ck_assert_int_eq(dtg_vbind_get(b, 0, &m), 0);
	ck_assert(m.user);
	ck_assert_uint_eq(m.vid, 0);
	ck_assert_int_eq(dtg_vbind_get(b, 1, &m), 0);
	ck_assert_uint_eq(m.vid, 1);   /* pID 5 is ambiguous; 0 is the user's */
	ck_assert_int_eq(dtg_vbind_get(b, 2, &m), 0);
	ck_assert_uint_eq(m.vid, 9);   /* unique: identity */
	ck_assert_int_eq(dtg_vbind_get(b, 3, &m), 0);
	ck_assert_uint_eq(m.vid, 2);   /* pID 0 taken by the user's vID 0 */
	dtg_vbind_free(b);

	/* Duplicate user vIDs. */
	ck_assert_int_eq(dtg_vbind_new(ctx, "t", 16, &b), 0);
	dtg_vbind_add(b, "/a", "/smmu0", 1, 1, 0, 7);
	dtg_vbind_add(b, "/b", "/smmu1", 2, 1, 0, 7);
	ck_assert_int_eq(dtg_vbind_allocate(b), -DTG_EDUPLICATE);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "/b: iommus: vID 0x7 is already used by /a"));
	dtg_vbind_free(b);

	/* A vID wider than the vIOMMU allows. */
	ck_assert_int_eq(dtg_vbind_new(ctx, "t", 16, &b), 0);
	dtg_vbind_add(b, "/a", "/smmu0", 1, 1, 0, 0x10000);
	ck_assert_int_eq(dtg_vbind_allocate(b), -DTG_ERANGE);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "t: /a: iommus: vID 0x10000 is wider than the vIOMMU's 16-bit IDs"));
	dtg_vbind_free(b);

	/* The ID space runs out. */
	ck_assert_int_eq(dtg_vbind_new(ctx, "t", 1, &b), 0);
	for (int i = 0; i < 3; i++)
		dtg_vbind_add(b, "/a", i == 0 ? "/smmu0" : i == 1 ? "/smmu1" : "/smmu2", 0, 1, 0, DTG_VID_AUTO);
	ck_assert_int_eq(dtg_vbind_allocate(b), -DTG_ERANGE);
	dtg_vbind_free(b);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_master_without_iommu)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "zynqmp-zcu102-rev1.0.dtb");
	struct dtg_device *dev;
	dtg_vbind *b;

	ck_assert_int_eq(dtg_host_resolve_device(h, ctx, "/axi/serial@ff000000", &dev), 0);
	ck_assert_int_eq(dtg_vbind_new(ctx, "zcu102.dtb", 16, &b), 0);
	ck_assert_int_eq(dtg_vbind_add_device(b, dev, NULL, 0), -DTG_EUNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx),
		"zcu102.dtb: /axi/serial@ff000000: iommus: not behind an IOMMU on the host"));
	dtg_vbind_free(b);
	dtg_device_free(ctx, dev);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_viommu_config)
{
	dtg_ctx *ctx = tu_ctx_new();
	struct dtg_viommu_config c;
	char *s;

	ck_assert_int_eq(dtg_viommu_parse(ctx, "g.cfg", "smmuv3", &c), 0);
	ck_assert_int_eq(c.type, DTG_VIOMMU_SMMUV3);
	ck_assert_int_eq(dtg_viommu_check(ctx, "g.cfg", &c, 4), 0);
	ck_assert_uint_eq(c.base, 0x04040000);
	ck_assert_uint_eq(c.id_bits, 16);

	ck_assert_int_eq(dtg_viommu_parse(ctx, "g.cfg", "type=vtd,intremap=1,x2apic=1", &c), 0);
	ck_assert_int_eq(c.type, DTG_VIOMMU_VTD);
	ck_assert_uint_eq(c.caps, DTG_VIOMMU_CAP_INTREMAP | DTG_VIOMMU_CAP_X2APIC);
	ck_assert_int_eq(dtg_viommu_check(ctx, "g.cfg", &c, 288), 0);
	ck_assert_int_eq(dtg_viommu_format(ctx, &c, &s), 0);
	ck_assert_str_eq(s, "type=vtd,intremap=1,x2apic=1");
	dtg_free(ctx, s);

	/* x2apic without intremap. */
	ck_assert_int_eq(dtg_viommu_parse(ctx, "g.cfg", "type=vtd,intremap=0,x2apic=1", &c), 0);
	ck_assert_int_eq(dtg_viommu_check(ctx, "g.cfg", &c, 4), -DTG_EINVAL);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "g.cfg: viommu: x2apic=1 needs intremap=1"));
	/* 256 vCPUs without x2apic. */
	ck_assert_int_eq(dtg_viommu_parse(ctx, "g.cfg", "type=vtd,intremap=1", &c), 0);
	ck_assert_int_eq(dtg_viommu_check(ctx, "g.cfg", &c, 256), -DTG_EINVAL);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "256 vCPUs need x2apic=1"));
	/* Capabilities outside the type's. */
	c.type = DTG_VIOMMU_SMMUV3;
	c.caps = DTG_VIOMMU_CAP_INTREMAP;
	ck_assert_int_eq(dtg_viommu_check(ctx, "g.cfg", &c, 1), -DTG_EUNSUPPORTED);
	/* Malformed values. */
	ck_assert_int_eq(dtg_viommu_parse(ctx, "g.cfg", "smmuv4", &c), -DTG_ECONFIG);
	ck_assert_int_eq(dtg_viommu_parse(ctx, "g.cfg", "type=vtd,foo=1", &c), -DTG_ECONFIG);
	ck_assert_int_eq(dtg_viommu_parse(ctx, "g.cfg", "type=vtd,intremap=2", &c), -DTG_ECONFIG);
	ck_assert_int_eq(dtg_viommu_parse(ctx, "g.cfg", "intremap=1", &c), -DTG_ECONFIG);
	tu_ctx_free(ctx);
}
END_TEST

Suite *viommu_bind_suite(void);
Suite *viommu_bind_suite(void)
{
	Suite *s = suite_create("viommu");
	TCase *tc = tcase_create("bind");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_zcu102_mmu500);
	tcase_add_test(tc, test_qemu_pcie_iommu_map);
	tcase_add_test(tc, test_smmuv3_boards);
	tcase_add_test(tc, test_sdm845_two_cells);
	tcase_add_test(tc, test_smmu64_unique_deterministic);
	tcase_add_test(tc, test_user_vids);
	tcase_add_test(tc, test_master_without_iommu);
	tcase_add_test(tc, test_viommu_config);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(viommu_bind_suite());
}
