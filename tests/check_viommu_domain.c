/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_viommu_domain.c - a domain with a vSMMUv3 and grant-DMA
 * virtio: finalize binds the ZCU102 GEM to the vIOMMU, the complete guest
 * DT holds iommus = <65002 vSID>, the vSMMUv3 node, xen_iommu and
 * virtio@2000000 (INTID 34, after the vSMMUv3's 33) and passes dtc's
 * iommus/interrupts/reg checks; the proposed ABI plans; bad descriptions
 * fail with a message and the domain stays unfinalized.
 *
 * The vSIDs are the vSMMUv3 series' (xen-devel 2026): Xen allocates them
 * (vsmmuv3_allocate_free_vid: first free from 0, one per `iommus` entry
 * in partial-DT order), so the GEM's pSID 0x877 gets vSID 0, the partial
 * DT keeps <0 0x877> for libxl's viommu_get_stream / Xen's
 * modify_pfdt_node to read as the pSID, and user-chosen vIDs are refused.
 * (These expectations were vID == pID = 0x877 in both DTs and user vIDs
 * accepted: libdtgen's own allocator, which the series never sees.)
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <xendtgen/viommu.h>
#include <xendtgen/fdt.h>
#include "testutil.h"

static const char gem[] = "/axi/ethernet@ff0e0000";

static dtg_domain *gem_domain(dtg_ctx *ctx, dtg_host *h, int *dev)
{
	static const char *const clk[] = { "pclk", "hclk", "tx_clk", "rx_clk", "tsu_clk" };
	dtg_domain *d;

	ck_assert_int_eq(dtg_domain_new(ctx, h, &d), 0);
	*dev = dtg_domain_add_passthrough(d, gem);
	ck_assert_int_ge(*dev, 0);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(dtg_pt_set_clock_rate(d, *dev, clk[i], 125000000), 0);
	return d;
}

START_TEST(test_gem_vsmmu_virtio)
{
	dtg_ctx *ctx = tu_ctx_new();
	/* the MMU-500 enabled: disabled, the GEM is no master (finalize.c) */
	dtg_host *h = tu_load_host_enabled(ctx, "zynqmp-zcu102-rev1.0.dtb",
					   "/axi/iommu@fd800000");
	struct dtg_viommu_config cfg = { .type = DTG_VIOMMU_SMMUV3 };
	struct dtg_vid_map m;
	struct dtg_virtio_info vi;
	struct dtg_viommu_op ops[8];
	struct dtg_domain_info info;
	size_t n, size;
	void *dtb;
	char *dts;
	int dev;
	dtg_domain *d = gem_domain(ctx, h, &dev);

	ck_assert_int_eq(dtg_domain_set_viommu(d, &cfg), 0);
	ck_assert_int_eq(dtg_domain_add_virtio(d, 1, "virtio,device22", true), 0);
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));

	/* The vID -> pID table. */
	ck_assert_uint_eq(dtg_domain_vid_count(d), 1);
	ck_assert_int_eq(dtg_domain_vid_map(d, 0, &m), 0);
	ck_assert_str_eq(m.master, gem);
	ck_assert_str_eq(m.piommu, "/axi/iommu@fd800000");
	ck_assert_uint_eq(m.pid, 0x877);
	ck_assert_uint_eq(m.count, 1);
	ck_assert_uint_eq(m.vid, 0);      /* the first free vSID */

	/* virtio: first slot, INTID 34 because the vSMMUv3 has 33. */
	ck_assert_uint_eq(dtg_domain_virtio_count(d), 1);
	ck_assert_int_eq(dtg_domain_virtio_info(d, 0, &vi), 0);
	ck_assert_uint_eq(vi.base, 0x02000000);
	ck_assert_uint_eq(vi.intid, 34);
	ck_assert_int_eq(dtg_domain_get_info(d, &info), 0);
	ck_assert_uint_ge(info.nr_spis, 34 - 32 + 1);

	/* The complete guest DT: every phandle resolves, dtc is quiet. */
	ck_assert_msg(dtg_fdt_guest_alloc(d, &dtb, &size) == 0, "%s", dtg_last_error(ctx));
	dts = tu_check_dtb(dtb, size, NULL);
	ck_assert_ptr_nonnull(strstr(dts, "iommus = <0xfdea 0x00>;"));
	ck_assert_ptr_nonnull(strstr(dts, "iommu@4040000 {"));
	ck_assert_ptr_nonnull(strstr(dts, "compatible = \"arm,smmu-v3\";"));
	ck_assert_ptr_nonnull(strstr(dts, "interrupt-names = \"combined\";"));
	ck_assert_ptr_nonnull(strstr(dts, "xen_iommu {"));
	ck_assert_ptr_nonnull(strstr(dts, "compatible = \"xen,grant-dma\";"));
	ck_assert_ptr_nonnull(strstr(dts, "virtio@2000000 {"));
	/* libxl's set_interrupt(irq, 0xf, DT_IRQ_TYPE_EDGE_RISING) */
	ck_assert_ptr_nonnull(strstr(dts, "interrupts = <0x00 0x02 0xf01>;"));
	ck_assert_ptr_nonnull(strstr(dts, "iommus = <0xfde9 0x01>;"));
	free(dts);
	{
		int off = fdt_node_offset_by_phandle(dtb, 65002);
		ck_assert_int_ge(off, 0);
		ck_assert_int_eq(fdt_node_check_compatible(dtb, off, "arm,smmu-v3"), 0);
	}
	dtg_free(ctx, dtb);

	/* The partial DT keeps the pSID for the series' consumers, no vSMMU node. */
	ck_assert_int_eq(dtg_fdt_partial_alloc(d, &dtb, &size), 0);
	{
		int off = fdt_path_offset(dtb, "/passthrough/ethernet@ff0e0000");
		int len;
		const fdt32_t *p = fdt_getprop(dtb, off, "iommus", &len);

		ck_assert_int_eq(len, 8);
		ck_assert_uint_eq(fdt32_ld(p), 0);
		ck_assert_uint_eq(fdt32_ld(p + 1), 0x877);
		ck_assert_int_lt(fdt_node_offset_by_phandle(dtb, 65002), 0);
	}
	dtg_free(ctx, dtb);

	/* Proposed ABI: nothing for plain Xen, the v3 series when asked. */
	ck_assert_int_eq(dtg_viommu_plan(d, DTG_VIOMMU_ABI_NONE, ops, 8, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(dtg_viommu_plan(d, DTG_VIOMMU_ABI_SMMUV3_V3, ops, 8, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(ops[0].kind, DTG_VOP_SET_VIOMMU_TYPE);
	ck_assert_uint_eq(ops[0].u.set_type.viommu_type, 1);
	ck_assert_int_eq(ops[1].kind, DTG_VOP_ALLOC_VSID_RANGE);
	ck_assert_uint_eq(ops[1].u.vsid.first_psid, 0x877);
	ck_assert_uint_eq(ops[1].u.vsid.nr_sids, 1);
	ck_assert_uint_eq(ops[1].u.vsid.first_vsid, 0);
	ck_assert_int_eq(dtg_viommu_plan(d, DTG_VIOMMU_ABI_X86_2017, ops, 8, &n), -DTG_EUNSUPPORTED);

	dtg_domain_free(d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_user_vid_refused_and_virtio_only)
{
	dtg_ctx *ctx = tu_ctx_new();
	/* the MMU-500 enabled: disabled, the GEM is no master (finalize.c) */
	dtg_host *h = tu_load_host_enabled(ctx, "zynqmp-zcu102-rev1.0.dtb",
					   "/axi/iommu@fd800000");
	struct dtg_viommu_config cfg = { .type = DTG_VIOMMU_SMMUV3 };
	struct dtg_vid_map m;
	const int64_t vid = 0x10;
	struct dtg_virtio_info vi;
	int dev;
	dtg_domain *d = gem_domain(ctx, h, &dev);

	/* Xen chooses the vSID (vsmmuv3_allocate_free_vid): a user's is refused. */
	ck_assert_int_eq(dtg_domain_set_viommu(d, &cfg), 0);
	ck_assert_int_eq(dtg_pt_set_vids(d, dev, &vid, 1), 0);
	ck_assert_int_eq(dtg_domain_finalize(d), -DTG_EUNSUPPORTED);
	ck_assert(!dtg_domain_is_finalized(d));
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx),
		"/axi/ethernet@ff0e0000: iommus: vIDs cannot be chosen: with the vSMMUv3 series Xen allocates each vSID itself"));
	/* Bound without IDs: allowed, Xen's vSID. */
	ck_assert_int_eq(dtg_pt_set_vids(d, dev, NULL, 0), 0);
	ck_assert_int_eq(dtg_domain_finalize(d), 0);
	ck_assert_int_eq(dtg_domain_vid_map(d, 0, &m), 0);
	ck_assert_uint_eq(m.vid, 0);
	ck_assert(!m.user);
	dtg_domain_free(d);

	/* Virtio without a vIOMMU: INTIDs from 33. */
	ck_assert_int_eq(dtg_domain_new(ctx, h, &d), 0);
	ck_assert_int_eq(dtg_domain_add_virtio(d, 0, "virtio,device1a", false), 0);
	ck_assert_int_eq(dtg_domain_add_virtio(d, 1, "virtio,device22", true), 1);
	ck_assert_int_eq(dtg_domain_finalize(d), 0);
	ck_assert_int_eq(dtg_domain_virtio_info(d, 1, &vi), 0);
	ck_assert_uint_eq(vi.base, 0x02000200);
	ck_assert_uint_eq(vi.intid, 34);
	ck_assert_int_eq(dtg_domain_virtio_info(d, 0, &vi), 0);
	ck_assert_uint_eq(vi.intid, 33);
	{
		void *dtb;
		size_t size;
		char *dts;

		ck_assert_int_eq(dtg_fdt_guest_alloc(d, &dtb, &size), 0);
		dts = tu_check_dtb(dtb, size, NULL);
		ck_assert_ptr_nonnull(strstr(dts, "virtio@2000200 {"));
		ck_assert_ptr_null(strstr(dts, "iommu@4040000"));
		free(dts);
		dtg_free(ctx, dtb);
	}
	dtg_domain_free(d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_bad_descriptions)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "zynqmp-zcu102-rev1.0.dtb");
	struct dtg_viommu_config cfg = { .type = DTG_VIOMMU_SMMUV3 };
	const int64_t seven = 7;
	int dev;
	dtg_domain *d;

	/* A master forced without IOMMU, bound to the vIOMMU. */
	d = gem_domain(ctx, h, &dev);
	dtg_pt_set_iommu(d, dev, DTG_IOMMU_MODE_OFF);
	dtg_domain_set_viommu(d, &cfg);
	dtg_pt_set_vids(d, dev, &seven, 1);
	ck_assert_int_eq(dtg_domain_finalize(d), -DTG_EUNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx),
		"/axi/ethernet@ff0e0000: iommus: bound to the vIOMMU but not IOMMU-protected on the host"));
	dtg_domain_free(d);

	/* vIDs without a vIOMMU. */
	d = gem_domain(ctx, h, &dev);
	dtg_pt_set_vids(d, dev, &seven, 1);
	ck_assert_int_eq(dtg_domain_finalize(d), -DTG_EINVAL);
	dtg_domain_free(d);

	/* vtd on an Arm guest; x2apic without intremap on x86. */
	ck_assert_int_eq(dtg_domain_new(ctx, h, &d), 0);
	cfg.type = DTG_VIOMMU_VTD;
	cfg.caps = DTG_VIOMMU_CAP_INTREMAP;
	dtg_domain_set_viommu(d, &cfg);
	ck_assert_int_eq(dtg_domain_finalize(d), -DTG_EUNSUPPORTED);
	ck_assert_int_eq(dtg_domain_set_arch(d, DTG_ARCH_X86), 0);
	cfg.caps = DTG_VIOMMU_CAP_X2APIC;
	dtg_domain_set_viommu(d, &cfg);
	ck_assert_int_eq(dtg_domain_finalize(d), -DTG_EINVAL);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "x2apic=1 needs intremap=1"));
	/* 256 vCPUs: not without the vIOMMU, nor without x2apic */
	ck_assert_int_eq(dtg_domain_set_vcpus(d, 256), 0);
	cfg.caps = DTG_VIOMMU_CAP_INTREMAP;
	dtg_domain_set_viommu(d, &cfg);
	ck_assert_int_eq(dtg_domain_finalize(d), -DTG_EINVAL);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "256 vCPUs need x2apic=1"));
	cfg.type = DTG_VIOMMU_NONE;
	dtg_domain_set_viommu(d, &cfg);
	ck_assert_int_eq(dtg_domain_finalize(d), -DTG_ERANGE);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "vcpus: 256 is more than 128"));
	cfg.type = DTG_VIOMMU_VTD;
	cfg.caps = DTG_VIOMMU_CAP_X2APIC | DTG_VIOMMU_CAP_INTREMAP;
	dtg_domain_set_viommu(d, &cfg);
	ck_assert_int_eq(dtg_domain_finalize(d), 0);
	{
		struct dtg_viommu_op ops[4];
		uint8_t rec[144];
		size_t n;

		ck_assert_int_eq(dtg_viommu_plan(d, DTG_VIOMMU_ABI_X86_2017, ops, 4, &n), 0);
		ck_assert_uint_eq(n, 2);
		ck_assert_int_eq(ops[1].kind, DTG_VOP_CREATE);
		ck_assert_uint_eq(ops[1].u.create.base_address, DTG_VTD_BASE);
		ck_assert_uint_eq(ops[1].u.create.capabilities, 3);
		ck_assert_int_eq(dtg_viommu_op_encode(&ops[1], 0x18, 5, rec, sizeof(rec)), 0);
		ck_assert_uint_eq(rec[0], 80);
		ck_assert_int_eq(dtg_viommu_plan(d, DTG_VIOMMU_ABI_NONE, ops, 4, &n), 0);
		ck_assert_uint_eq(n, 0);
	}
	dtg_domain_free(d);

	/* Too many virtio devices for the SPI window (11, 10 with vSMMUv3). */
	ck_assert_int_eq(dtg_domain_new(ctx, h, &d), 0);
	for (int i = 0; i < 12; i++)
		dtg_domain_add_virtio(d, 1, "virtio,device22", true);
	ck_assert_int_eq(dtg_domain_finalize(d), -DTG_ERANGE);
	dtg_domain_free(d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("viommu-domain");
	TCase *tc = tcase_create("domain");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_gem_vsmmu_virtio);
	tcase_add_test(tc, test_user_vid_refused_and_virtio_only);
	tcase_add_test(tc, test_bad_descriptions);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
