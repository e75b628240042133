/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_domain.c - the domain model and dtg_domain_finalize() on
 * real host trees: placement, interrupts, clocks and guest nodes.
 *
 * The guest nodes are rendered here into a minimal complete guest DT
 * (root, a GIC with phandle 65000, /passthrough) with libfdt's
 * sequential writer and checked by dtc (tu_check_dtb), so the decisions
 * are validated independently of the library's own emitters.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <xendtgen/domain.h>
#include "domain-internal.h"
#include "finalize-internal.h"
#include "testutil.h"
#include "domain-testutil.h"

/* ---- QEMU virt: PL031 RTC, forced without IOMMU, 1:1 ---- */

START_TEST(test_virt_pl031)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt.dtb");
	dtg_domain *d;
	struct dtg_pt_info pi;
	struct dtg_domain_info di;
	const struct dtg_gnode *g, *clk;
	const struct dtg_gprop *p;
	int dev;

	ck_assert_int_eq(dtg_domain_new(ctx, host, &d), 0);
	dev = dtg_domain_add_passthrough(d, "/pl031@9010000");
	ck_assert_int_eq(dev, 0);
	ck_assert_int_eq(dtg_pt_set_iommu(d, dev, DTG_IOMMU_MODE_OFF), 0);
	ck_assert_int_eq(dtg_domain_pt_info(d, 0, &pi), -DTG_ESTATE);
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	ck_assert(dtg_domain_is_finalized(d));

	ck_assert_int_eq(dtg_domain_pt_info(d, 0, &pi), 0);
	ck_assert_str_eq(pi.host_path, "/pl031@9010000");
	ck_assert_str_eq(pi.guest_path, "/passthrough/pl031@9010000");
	ck_assert(!pi.iommu);
	ck_assert_uint_eq(pi.nrange, 1);
	ck_assert_uint_eq(pi.range[0].host_addr, 0x9010000);
	ck_assert_uint_eq(pi.range[0].guest_addr, 0x9010000);
	ck_assert_uint_eq(pi.range[0].size, 0x1000);
	ck_assert_uint_eq(pi.range[0].map_host, 0x9010000);
	ck_assert_uint_eq(pi.range[0].map_guest, 0x9010000);
	ck_assert_uint_eq(pi.range[0].map_size, 0x1000);
	ck_assert_uint_eq(pi.nirq, 1);
	ck_assert_uint_eq(pi.irq[0].intid, 34);
	ck_assert_uint_eq(pi.irq[0].virq, 34);
	ck_assert_uint_eq(pi.irq[0].flags, 4);
	ck_assert_int_eq(dtg_domain_get_info(d, &di), 0);
	ck_assert_uint_eq(di.nr_spis, 3);   /* INTID 34 - 32 + 1 */
	ck_assert_uint_eq(di.gic_version, 2);

	/* gnode[]: the fixed clock first, then the device. */
	ck_assert_uint_eq(d->ngnode, 2);
	clk = &d->gnode[0];
	ck_assert_str_eq(clk->name, "clk-apb-pclk");
	ck_assert_str_eq(tu_gprop_str(clk, "compatible"), "fixed-clock");
	ck_assert_uint_eq(tu_gprop_u32(clk, "#clock-cells", 0), 0);
	ck_assert_uint_eq(tu_gprop_u32(clk, "clock-frequency", 0), 24000000);
	ck_assert_str_eq(tu_gprop_str(clk, "clock-output-names"), "clk24mhz");
	ck_assert_uint_eq(tu_gprop_u32(clk, "phandle", 0), 1);

	g = d->pt[0].gnode;
	ck_assert_ptr_eq(g, &d->gnode[1]);
	ck_assert_str_eq(g->name, "pl031@9010000");
	/* Host order: clock-names, clocks, interrupts, reg, compatible. */
	ck_assert_uint_eq(g->nprop, 7);
	ck_assert_str_eq(g->prop[0].name, "clock-names");
	ck_assert_str_eq(g->prop[1].name, "clocks");
	ck_assert_str_eq(g->prop[2].name, "interrupt-parent");
	ck_assert_str_eq(g->prop[3].name, "interrupts");
	ck_assert_str_eq(g->prop[4].name, "reg");
	ck_assert_str_eq(g->prop[5].name, "compatible");
	ck_assert_str_eq(g->prop[6].name, "status");
	ck_assert_str_eq(tu_gprop_str(g, "clock-names"), "apb_pclk");
	ck_assert_uint_eq(tu_gprop_u32(g, "clocks", 0), 1);
	ck_assert_uint_eq(tu_gprop_u32(g, "interrupt-parent", 0), 65000);
	p = tu_gprop(g, "interrupts");
	ck_assert_uint_eq(p->len, 12);
	ck_assert_uint_eq(tu_gprop_u32(g, "interrupts", 0), 0);
	ck_assert_uint_eq(tu_gprop_u32(g, "interrupts", 1), 2);
	ck_assert_uint_eq(tu_gprop_u32(g, "interrupts", 2), 4);
	p = tu_gprop(g, "reg");
	ck_assert_uint_eq(p->len, 16);
	ck_assert_uint_eq(tu_gprop_u32(g, "reg", 0), 0);
	ck_assert_uint_eq(tu_gprop_u32(g, "reg", 1), 0x9010000);
	ck_assert_uint_eq(tu_gprop_u32(g, "reg", 2), 0);
	ck_assert_uint_eq(tu_gprop_u32(g, "reg", 3), 0x1000);
	p = tu_gprop(g, "compatible");
	ck_assert_uint_eq(p->len, sizeof("arm,pl031\0arm,primecell"));
	ck_assert_mem_eq(p->val, "arm,pl031\0arm,primecell", p->len);
	ck_assert_str_eq(tu_gprop_str(g, "status"), "okay");
	ck_assert_uint_eq(d->next_phandle, 2);

	free(tu_check_domain_dt(d));

	/* Immutable now. */
	ck_assert_int_eq(dtg_domain_set_vpl011(d, true), -DTG_ESTATE);
	ck_assert_int_eq(dtg_domain_add_passthrough(d, "/pl011@9000000"), -DTG_ESTATE);
	ck_assert_int_eq(dtg_pt_set_iommu(d, 0, DTG_IOMMU_MODE_ON), -DTG_ESTATE);
	ck_assert_int_eq(dtg_pt_set_placement(d, 0, 0, DTG_PLACE_AUTO, 0), -DTG_ESTATE);
	ck_assert_int_eq(dtg_pt_set_clock_rate(d, 0, "apb_pclk", 1), -DTG_ESTATE);
	ck_assert_int_eq(dtg_pt_keep_property(d, 0, "x"), -DTG_ESTATE);
	ck_assert_int_eq(dtg_domain_finalize(d), -DTG_ESTATE);

	dtg_domain_free(d);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/* The default IOMMU mode follows the host: virt's PL031 has none. */
START_TEST(test_virt_pl031_defaults)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt.dtb");
	dtg_domain *d;
	struct dtg_pt_info pi;
	struct dtg_domain_info di;

	ck_assert_int_eq(dtg_domain_new(ctx, host, &d), 0);
	ck_assert_int_eq(dtg_domain_add_passthrough(d, "/pl031@9010000"), 0);
	ck_assert_int_eq(dtg_domain_set_vpl011(d, true), 0);
	ck_assert_int_eq(dtg_pt_set_placement(d, 0, -1, DTG_PLACE_AUTO, 0), 0);
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_eq(dtg_domain_pt_info(d, 0, &pi), 0);
	ck_assert(!pi.iommu);
	/* Auto: the first free window, aligned to the range's size. */
	ck_assert_uint_eq(pi.range[0].guest_addr, 0x04080000);
	ck_assert_str_eq(pi.guest_path, "/passthrough/pl031@4080000");
	ck_assert_int_eq(dtg_domain_get_info(d, &di), 0);
	ck_assert_uint_eq(di.nr_spis, 3);
	free(tu_check_domain_dt(d));
	dtg_domain_free(d);

	/* iommu=yes without a host IOMMU is an error naming the device. */
	ck_assert_int_eq(dtg_domain_new(ctx, host, &d), 0);
	ck_assert_int_eq(dtg_domain_add_passthrough(d, "/pl031@9010000"), 0);
	ck_assert_int_eq(dtg_pt_set_iommu(d, 0, DTG_IOMMU_MODE_ON), 0);
	ck_assert_int_eq(dtg_domain_finalize(d), -DTG_EUNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "virt.dtb: /pl031@9010000: iommus:"));
	ck_assert(!dtg_domain_is_finalized(d));
	/* Still mutable after a failure; fixing the description works. */
	ck_assert_int_eq(dtg_pt_set_iommu(d, 0, DTG_IOMMU_MODE_DEFAULT), 0);
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	dtg_domain_free(d);

	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

static Suite *domain_suite(void)
{
	Suite *s = suite_create("domain");
	TCase *tc = tcase_create("virt");

	tcase_add_test(tc, test_virt_pl031);
	tcase_add_test(tc, test_virt_pl031_defaults);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(domain_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
