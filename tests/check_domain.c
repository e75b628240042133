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

/* ---- ZCU102: GEM behind the SMMU, firmware clocks, a PHY child ---- */

static const char *const gem_clk[] = { "pclk", "hclk", "tx_clk", "rx_clk", "tsu_clk" };
static const uint64_t gem_hz[] = { 100000000, 100000000, 125000000, 125000000,
				   250000000 };

static dtg_domain *zcu_gem_domain(dtg_ctx *ctx, dtg_host *host, bool rates)
{
	dtg_domain *d;

	ck_assert_int_eq(dtg_domain_new(ctx, host, &d), 0);
	ck_assert_int_eq(dtg_domain_add_passthrough(d, "/axi/ethernet@ff0e0000"), 0);
	if (rates)
		for (int k = 0; k < 5; k++)
			ck_assert_int_eq(dtg_pt_set_clock_rate(d, 0, gem_clk[k], gem_hz[k]), 0);
	return d;
}

START_TEST(test_zcu102_gem_needs_rates)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "zynqmp-zcu102-rev1.0.dtb");
	dtg_domain *d = zcu_gem_domain(ctx, host, false);

	/* The firmware clock controller gives no rate: name the clock. */
	ck_assert_int_eq(dtg_domain_finalize(d), -DTG_EINVAL);
	ck_assert_str_eq(dtg_last_error(ctx),
			 "zynqmp-zcu102-rev1.0.dtb: /axi/ethernet@ff0e0000: clocks: clock 0 (pclk) from /firmware/zynqmp-firmware/clock-controller has no known rate; give one (clock-rate=pclk:HZ)");
	ck_assert(!dtg_domain_is_finalized(d));
	ck_assert_uint_eq(d->ngnode, 0);
	/* Rates by name and by index; the domain is still mutable. */
	for (int k = 0; k < 4; k++)
		ck_assert_int_eq(dtg_pt_set_clock_rate(d, 0, gem_clk[k], gem_hz[k]), 0);
	ck_assert_int_eq(dtg_domain_finalize(d), -DTG_EINVAL);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "clocks: clock 4 (tsu_clk)"));
	ck_assert_int_eq(dtg_pt_set_clock_rate(d, 0, "4", 250000000), 0);
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	dtg_domain_free(d);

	/* A rate for a clock the device does not have is an error too. */
	d = zcu_gem_domain(ctx, host, true);
	ck_assert_int_eq(dtg_pt_set_clock_rate(d, 0, "ref_clk", 1000), 0);
	ck_assert_int_eq(dtg_domain_finalize(d), -DTG_ENOTFOUND);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx),
				     "/axi/ethernet@ff0e0000: clock-names: the description gives a rate for clock \"ref_clk\""));
	dtg_domain_free(d);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_zcu102_gem)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "zynqmp-zcu102-rev1.0.dtb");
	dtg_domain *d = zcu_gem_domain(ctx, host, true);
	const struct dtg_gnode *g, *phy;
	struct dtg_pt_info pi;
	struct dtg_domain_info di;
	const char *log;
	char *dts;

	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_eq(dtg_domain_pt_info(d, 0, &pi), 0);
	/*
	 * iommus = <&smmu 0x877>, but this DT disables the MMU-500: Xen's
	 * iommu_add_dt_device() stops at entry 0 and iommu_assign_dt_device()
	 * would refuse the unprotected GEM, so it is assigned without IOMMU
	 * (this asserted pi.iommu before: the bug).
	 */
	ck_assert(!pi.iommu);
	ck_assert_uint_eq(pi.nrange, 1);
	ck_assert_uint_eq(pi.range[0].guest_addr, 0xff0e0000);  /* 1:1 above RAM */
	ck_assert_uint_eq(pi.range[0].map_size, 0x1000);
	/* INTID 95 listed twice: routed once. */
	ck_assert_uint_eq(pi.nirq, 1);
	ck_assert_uint_eq(pi.irq[0].intid, 95);
	ck_assert_uint_eq(pi.irq[0].flags, 4);
	ck_assert_int_eq(dtg_domain_get_info(d, &di), 0);
	ck_assert_uint_eq(di.nr_spis, 64);
	ck_assert_uint_eq(di.gic_version, 2);

	/* Five distinct firmware clocks -> five fixed clocks, phandles 1..5. */
	ck_assert_uint_eq(d->ngnode, 6);
	ck_assert_str_eq(d->gnode[0].name, "clk-clock-controller-31");
	ck_assert_str_eq(d->gnode[1].name, "clk-clock-controller-107");
	for (int k = 0; k < 5; k++) {
		ck_assert_uint_eq(tu_gprop_u32(&d->gnode[k], "phandle", 0), k + 1);
		ck_assert_uint_eq(tu_gprop_u32(&d->gnode[k], "clock-frequency", 0),
				  gem_hz[k]);
	}
	g = d->pt[0].gnode;
	ck_assert_str_eq(g->name, "ethernet@ff0e0000");
	ck_assert_str_eq(pi.guest_path, "/passthrough/ethernet@ff0e0000");
	for (int k = 0; k < 5; k++)
		ck_assert_uint_eq(tu_gprop_u32(g, "clocks", k), k + 1);
	ck_assert_str_eq(tu_gprop_str(g, "status"), "okay");
	ck_assert_uint_eq(tu_gprop(g, "interrupts")->len, 24);   /* both specifiers */
	ck_assert_uint_eq(tu_gprop_u32(g, "interrupts", 1), 63);
	ck_assert_uint_eq(tu_gprop_u32(g, "interrupts", 4), 63);
	ck_assert_uint_eq(tu_gprop_u32(g, "interrupt-parent", 0), 65000);
	ck_assert_str_eq(tu_gprop_str(g, "phy-mode"), "rgmii-id");
	ck_assert_ptr_nonnull(tu_gprop(g, "clock-names"));
	ck_assert_ptr_nonnull(tu_gprop(g, "#address-cells"));
	/* Dropped: refer to nodes the guest does not get. */
	static const char *const gone[] = {
		"power-domains", "resets", "reset-names", "pinctrl-0",
		"pinctrl-names", "iommus", "phandle",
	};
	for (size_t k = 0; k < sizeof(gone) / sizeof(gone[0]); k++)
		ck_assert_msg(!tu_gprop(g, gone[k]), "%s kept", gone[k]);
	log = tu_log_text(ctx);
	ck_assert_ptr_nonnull(strstr(log, "/axi/ethernet@ff0e0000: power-domains: dropped: it refers to /firmware/zynqmp-firmware, which the guest does not get"));
	ck_assert_ptr_nonnull(strstr(log, "/axi/ethernet@ff0e0000: resets: dropped: it refers to"));
	ck_assert_ptr_nonnull(strstr(log, "/axi/ethernet@ff0e0000: reset-names: dropped with resets"));
	ck_assert_ptr_nonnull(strstr(log, "/axi/ethernet@ff0e0000: pinctrl-0: dropped"));
	ck_assert_ptr_nonnull(strstr(log, "/axi/ethernet@ff0e0000: pinctrl-names: dropped with pinctrl-0"));
	ck_assert_ptr_nonnull(strstr(log, "/axi/ethernet@ff0e0000: iommus: dropped: it refers to /axi/iommu@fd800000"));
	/* The SMMU is disabled in this DT: say Xen would refuse. */
	ck_assert_ptr_nonnull(strstr(log, "iommus: the IOMMU /axi/iommu@fd800000 is status \"disabled\""));

	/* The PHY child is copied; phy-handle follows its new phandle. */
	ck_assert_uint_eq(g->nchild, 1);
	phy = tu_gchild(g, "ethernet-phy@c");
	ck_assert_ptr_nonnull(phy);
	ck_assert_uint_eq(tu_gprop_u32(phy, "phandle", 0), 6);
	ck_assert_uint_eq(tu_gprop_u32(g, "phy-handle", 0), 6);
	ck_assert_uint_eq(tu_gprop_u32(phy, "reg", 0), 0xc);
	ck_assert_ptr_nonnull(tu_gprop(phy, "ti,dp83867-rxctrl-strap-quirk"));
	ck_assert_uint_eq(d->next_phandle, 7);

	dts = tu_check_domain_dt(d);
	ck_assert_ptr_nonnull(strstr(dts, "phy-handle = <0x06>;"));
	free(dts);
	dtg_domain_free(d);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/* keep= copies a property verbatim (logged); its partner stays. */
START_TEST(test_zcu102_keep)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "zynqmp-zcu102-rev1.0.dtb");
	dtg_domain *d = zcu_gem_domain(ctx, host, true);
	const struct dtg_gnode *g;

	ck_assert_int_eq(dtg_pt_keep_property(d, 0, "resets"), 0);
	ck_assert_int_eq(dtg_pt_keep_property(d, 0, "no-such-prop"), 0);
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	g = d->pt[0].gnode;
	ck_assert_uint_eq(tu_gprop_u32(g, "resets", 0), 0x0f);   /* host phandle */
	ck_assert_uint_eq(tu_gprop_u32(g, "resets", 1), 0x20);
	ck_assert_str_eq(tu_gprop_str(g, "reset-names"), "gem3_rst");
	ck_assert_ptr_null(tu_gprop(g, "power-domains"));
	ck_assert_ptr_nonnull(strstr(tu_log_text(ctx),
				     "/axi/ethernet@ff0e0000: resets: kept verbatim as the description asks"));
	ck_assert_ptr_nonnull(strstr(tu_log_text(ctx), "no-such-prop: asked to keep it"));
	dtg_domain_free(d);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * Two devices with the same host clock share one fixed clock; an
 * unaligned range alone in its page is widened (RTC, 0x100 bytes) and
 * keeps its in-page offset when placed automatically; several SPIs.
 */
START_TEST(test_zcu102_shared_clock_rtc)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "zynqmp-zcu102-rev1.0.dtb");
	dtg_domain *d = zcu_gem_domain(ctx, host, true);
	struct dtg_pt_info pi;
	struct dtg_domain_info di;
	int ttc, rtc;

	ttc = dtg_domain_add_passthrough(d, "/axi/timer@ff110000");
	rtc = dtg_domain_add_passthrough(d, "/axi/rtc@ffa60000");
	ck_assert_int_eq(ttc, 1);
	ck_assert_int_eq(rtc, 2);
	/* The TTC's clock is the GEM's pclk (<&zynqmp_clk 31>). */
	ck_assert_int_eq(dtg_pt_set_clock_rate(d, ttc, "0", 50000000), 0);
	ck_assert_int_eq(dtg_domain_finalize(d), -DTG_EINVAL);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx),
				     "/axi/timer@ff110000: clocks: clock 0 (unnamed) is /axi/ethernet@ff0e0000's clock 0 (pclk) too, at 100000000 Hz, not 50000000 Hz"));
	ck_assert_int_eq(dtg_pt_set_clock_rate(d, ttc, "0", 100000000), 0);
	ck_assert_int_eq(dtg_pt_set_placement(d, rtc, 0, DTG_PLACE_AUTO, 0), 0);
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	ck_assert_uint_eq(d->ngnode, 5 + 3);       /* still five clocks */
	ck_assert_uint_eq(tu_gprop_u32(d->pt[ttc].gnode, "clocks", 0),
			  tu_gprop_u32(d->pt[0].gnode, "clocks", 0));
	ck_assert_int_eq(dtg_domain_pt_info(d, ttc, &pi), 0);
	ck_assert(!pi.iommu);
	ck_assert_uint_eq(pi.nirq, 3);
	ck_assert_uint_eq(pi.irq[0].intid, 68);
	ck_assert_uint_eq(pi.irq[2].intid, 70);

	ck_assert_int_eq(dtg_domain_pt_info(d, rtc, &pi), 0);
	ck_assert_uint_eq(pi.range[0].host_addr, 0xffa60000);
	ck_assert_uint_eq(pi.range[0].size, 0x100);
	ck_assert_uint_eq(pi.range[0].map_host, 0xffa60000);
	ck_assert_uint_eq(pi.range[0].map_size, 0x1000);
	ck_assert_uint_eq(pi.range[0].map_guest, 0x04080000);
	ck_assert_uint_eq(pi.range[0].guest_addr, 0x04080000);
	ck_assert_str_eq(pi.guest_path, "/passthrough/rtc@4080000");
	ck_assert_uint_eq(tu_gprop_u32(d->pt[rtc].gnode, "reg", 3), 0x100);
	ck_assert_uint_eq(pi.nirq, 2);
	ck_assert_uint_eq(pi.irq[0].intid, 58);
	ck_assert_uint_eq(pi.irq[1].intid, 59);
	ck_assert_int_eq(dtg_domain_get_info(d, &di), 0);
	ck_assert_uint_eq(di.nr_spis, 95 - 32 + 1);
	ck_assert_ptr_nonnull(strstr(tu_log_text(ctx),
				     "/axi/rtc@ffa60000: reg: range 0 (0xffa60000+0x100) is not page-aligned; mapping whole pages"));
	free(tu_check_domain_dt(d));
	dtg_domain_free(d);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/* ---- DRA7 (arm32 board, GIC-400 class): translated and multi-range ---- */

START_TEST(test_dra7_translated)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "dra7-evm.dtb");
	dtg_domain *d;
	struct dtg_pt_info pi;
	struct dtg_domain_info di;
	const char *path = "/ocp/interconnect@4a000000/segment@0/target-module@f6000/spinlock@0";

	ck_assert_int_eq(dtg_domain_new(ctx, host, &d), 0);
	ck_assert_int_eq(dtg_domain_set_arch(d, DTG_ARCH_ARM32), 0);
	ck_assert_int_eq(dtg_domain_add_passthrough(d, path), 0);
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_eq(dtg_domain_pt_info(d, 0, &pi), 0);
	/* reg <0 0x1000> through three ranges: 0x4a000000 + 0xf6000. */
	ck_assert_uint_eq(pi.range[0].host_addr, 0x4a0f6000);
	ck_assert_uint_eq(pi.range[0].guest_addr, 0x4a0f6000);
	ck_assert_uint_eq(pi.range[0].size, 0x1000);
	ck_assert_str_eq(pi.guest_path, "/passthrough/spinlock@4a0f6000");
	ck_assert(!pi.iommu);
	ck_assert_uint_eq(pi.nirq, 0);
	ck_assert_int_eq(dtg_domain_get_info(d, &di), 0);
	ck_assert_uint_eq(di.nr_spis, 0);
	ck_assert_uint_eq(di.gic_version, 2);
	ck_assert_uint_eq(tu_gprop_u32(d->pt[0].gnode, "reg", 1), 0x4a0f6000);
	ck_assert_uint_eq(tu_gprop_u32(d->pt[0].gnode, "#hwlock-cells", 0), 1);
	free(tu_check_domain_dt(d));
	dtg_domain_free(d);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_dra7_dsp_auto)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "dra7-evm.dtb");
	dtg_domain *d;
	struct dtg_pt_info pi;
	const struct dtg_gnode *g;
	const char *log;

	ck_assert_int_eq(dtg_domain_new(ctx, host, &d), 0);
	ck_assert_int_eq(dtg_domain_set_arch(d, DTG_ARCH_ARM32), 0);
	ck_assert_int_eq(dtg_domain_add_passthrough(d, "/ocp/dsp@40800000"), 0);
	ck_assert_int_eq(dtg_pt_set_clock_rate(d, 0, "0", 600000000), 0);
	/* 1:1 the DSP's L2 RAM sits on guest RAM (0x40000000 + 128 MiB). */
	ck_assert_int_eq(dtg_domain_finalize(d), -DTG_EOVERLAP);
	ck_assert_str_eq(dtg_last_error(ctx),
			 "dra7-evm.dtb: /ocp/dsp@40800000: reg: range 0 at guest 0x40800000+0x48000 overlaps guest RAM (bank 0) (0x40000000-0x47ffffff); place it elsewhere (guest=ADDR or auto)");
	ck_assert_int_eq(dtg_pt_set_placement(d, 0, -1, DTG_PLACE_AUTO, 0), 0);
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_eq(dtg_domain_pt_info(d, 0, &pi), 0);
	ck_assert(pi.iommu);   /* two OMAP IOMMUs with #iommu-cells = <0> */
	ck_assert_uint_eq(pi.nrange, 3);
	/* First fit, each aligned to its size rounded to a power of two. */
	ck_assert_uint_eq(pi.range[0].host_addr, 0x40800000);
	ck_assert_uint_eq(pi.range[0].guest_addr, 0x04080000);
	ck_assert_uint_eq(pi.range[0].map_size, 0x48000);
	ck_assert_uint_eq(pi.range[1].host_addr, 0x40e00000);
	ck_assert_uint_eq(pi.range[1].guest_addr, 0x040c8000);
	ck_assert_uint_eq(pi.range[2].host_addr, 0x40f00000);
	ck_assert_uint_eq(pi.range[2].guest_addr, 0x040d0000);
	ck_assert_str_eq(pi.guest_path, "/passthrough/dsp@4080000");
	g = d->pt[0].gnode;
	ck_assert_uint_eq(tu_gprop(g, "reg")->len, 3 * 16);
	ck_assert_uint_eq(tu_gprop_u32(g, "reg", 5), 0x040c8000);
	ck_assert_uint_eq(tu_gprop_u32(g, "reg", 7), 0x8000);
	ck_assert_str_eq(tu_gprop_str(g, "firmware-name"), "dra7-dsp1-fw.xe66");
	ck_assert_ptr_nonnull(tu_gprop(g, "reg-names"));
	static const char *const gone[] = {
		"ti,bootreg", "iommus", "resets", "mboxes", "ti,timers",
		"ti,watchdog-timers", "memory-region",
	};
	log = tu_log_text(ctx);
	for (size_t k = 0; k < sizeof(gone) / sizeof(gone[0]); k++) {
		char want[128];

		ck_assert_msg(!tu_gprop(g, gone[k]), "%s kept", gone[k]);
		snprintf(want, sizeof(want), "/ocp/dsp@40800000: %s: dropped", gone[k]);
		ck_assert_msg(strstr(log, want), "no drop logged for %s", gone[k]);
	}
	ck_assert_uint_eq(tu_gprop_u32(d->gnode[0].prop ? &d->gnode[0] : g,
				       "clock-frequency", 0), 600000000);
	free(tu_check_domain_dt(d));
	dtg_domain_free(d);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/* ---- a hand-written board: phandles between guest nodes, children ---- */

static const char links_dts[] =
	"/dts-v1/;\n"
	"/ {\n"
	"  #address-cells = <2>; #size-cells = <2>;\n"
	"  interrupt-parent = <&gic>;\n"
	"  gic: interrupt-controller@8000000 {\n"
	"    compatible = \"arm,cortex-a15-gic\"; interrupt-controller;\n"
	"    #interrupt-cells = <3>; reg = <0 0x8000000 0 0x1000>, <0 0x8010000 0 0x2000>;\n"
	"  };\n"
	"  a { osc1: osc { compatible = \"fixed-clock\"; #clock-cells = <0>; clock-frequency = <10000000>; }; };\n"
	"  b { osc2: osc { compatible = \"fixed-clock\"; #clock-cells = <0>; clock-frequency = <20000000>; }; };\n"
	"  gpio: gpio@9400000 { compatible = \"v,gpio\"; reg = <0 0x9400000 0 0x1000>;\n"
	"    gpio-controller; #gpio-cells = <2>; };\n"
	"  eth@9100000 {\n"
	"    compatible = \"v,eth\"; reg = <0 0x9100000 0 0x1000>; interrupts = <0 20 4>;\n"
	"    clocks = <&osc1>, <&osc2>; clock-names = \"a\", \"b\";\n"
	"    assigned-clocks = <&osc1>; assigned-clock-rates = <10000000>;\n"
	"    phys = <&usbphy 0>; phy-names = \"usb\"; phy-handle = <&phy1>;\n"
	"    #address-cells = <1>; #size-cells = <0>;\n"
	"    xen,passthrough;\n"
	"    mdio { #address-cells = <1>; #size-cells = <0>;\n"
	"      phy1: phy@1 { reg = <1>; reset-gpios = <&gpio 3 0>; interrupt-parent = <&gic>; };\n"
	"    };\n"
	"  };\n"
	"  usbphy: phy@9200000 { compatible = \"v,phy\"; reg = <0 0x9200000 0 0x1000>; #phy-cells = <1>; };\n"
	"  bus@9300000 { compatible = \"v,bus\"; reg = <0 0x9300000 0 0x1000>;\n"
	"    #address-cells = <2>; #size-cells = <2>; ranges;\n"
	"    child@9301000 { reg = <0 0x9301000 0 0x1000>; };\n"
	"  };\n"
	"};\n";

START_TEST(test_links_and_children)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host_dts(ctx, links_dts);
	dtg_domain *d;
	const struct dtg_gnode *eth, *phy, *usb, *mdio, *bus;
	const char *log;
	char *dts;

	ck_assert_int_eq(dtg_domain_new(ctx, host, &d), 0);
	ck_assert_int_eq(dtg_domain_add_passthrough(d, "/eth@9100000"), 0);
	ck_assert_int_eq(dtg_domain_add_passthrough(d, "/phy@9200000"), 1);
	ck_assert_int_eq(dtg_domain_add_passthrough(d, "/bus@9300000"), 2);
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	log = tu_log_text(ctx);

	/* Two providers named "osc": distinct, deterministic names. */
	ck_assert_uint_eq(d->ngnode, 2 + 3);
	ck_assert_str_eq(d->gnode[0].name, "clk-osc");
	ck_assert_str_eq(d->gnode[1].name, "clk-osc-2");
	ck_assert_uint_eq(tu_gprop_u32(&d->gnode[0], "clock-frequency", 0), 10000000);
	ck_assert_uint_eq(tu_gprop_u32(&d->gnode[1], "clock-frequency", 0), 20000000);

	eth = d->pt[0].gnode;
	usb = d->pt[1].gnode;
	bus = d->pt[2].gnode;
	ck_assert_uint_eq(tu_gprop_u32(eth, "clocks", 0), 1);
	ck_assert_uint_eq(tu_gprop_u32(eth, "clocks", 1), 2);
	/* phys refers to another passed-through device: remapped, kept. */
	ck_assert_uint_eq(tu_gprop_u32(eth, "phys", 0), tu_gprop_u32(usb, "phandle", 0));
	ck_assert_uint_eq(tu_gprop_u32(eth, "phys", 1), 0);
	ck_assert_str_eq(tu_gprop_str(eth, "phy-names"), "usb");
	ck_assert_ptr_null(tu_gprop(eth, "assigned-clocks"));
	ck_assert_ptr_null(tu_gprop(eth, "assigned-clock-rates"));
	ck_assert_ptr_null(tu_gprop(eth, "xen,passthrough"));
	ck_assert_ptr_nonnull(strstr(log, "test.dts: /eth@9100000: assigned-clocks: dropped: it refers to /a/osc"));
	ck_assert_ptr_nonnull(strstr(log, "test.dts: /eth@9100000: assigned-clock-rates: dropped with assigned-clocks"));
	/* The MDIO bus and its PHY are copied; phy-handle follows. */
	mdio = tu_gchild(eth, "mdio");
	ck_assert_ptr_nonnull(mdio);
	phy = tu_gchild(mdio, "phy@1");
	ck_assert_ptr_nonnull(phy);
	ck_assert_uint_eq(tu_gprop_u32(eth, "phy-handle", 0), tu_gprop_u32(phy, "phandle", 0));
	ck_assert_ptr_null(tu_gprop(phy, "reset-gpios"));
	ck_assert_ptr_null(tu_gprop(phy, "interrupt-parent"));
	ck_assert_ptr_nonnull(strstr(log, "test.dts: /eth@9100000/mdio/phy@1: reset-gpios: dropped: it refers to /gpio@9400000"));
	/* A child with MMIO of its own is not copied; ranges is dropped. */
	ck_assert_uint_eq(bus->nchild, 0);
	ck_assert_ptr_null(tu_gprop(bus, "ranges"));
	ck_assert_ptr_nonnull(strstr(log, "test.dts: /bus@9300000/child@9301000: reg: child node not copied"));
	ck_assert_ptr_nonnull(strstr(log, "test.dts: /bus@9300000: ranges: dropped: it describes host bus addresses"));
	/* Phandles: clocks 1-2, then referenced nodes in output order. */
	ck_assert_uint_eq(tu_gprop_u32(phy, "phandle", 0), 3);
	ck_assert_uint_eq(tu_gprop_u32(usb, "phandle", 0), 4);
	ck_assert_uint_eq(d->next_phandle, 5);
	dts = tu_check_domain_dt(d);
	free(dts);
	dtg_domain_free(d);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/* ---- determinism: two domains, two contexts, the same decisions ---- */

static void gnode_eq(const struct dtg_gnode *a, const struct dtg_gnode *b)
{
	ck_assert_str_eq(a->name, b->name);
	ck_assert_uint_eq(a->nprop, b->nprop);
	for (size_t i = 0; i < a->nprop; i++) {
		ck_assert_str_eq(a->prop[i].name, b->prop[i].name);
		ck_assert_uint_eq(a->prop[i].len, b->prop[i].len);
		ck_assert_mem_eq(a->prop[i].val, b->prop[i].val, a->prop[i].len);
	}
	ck_assert_uint_eq(a->nchild, b->nchild);
	for (size_t i = 0; i < a->nchild; i++)
		gnode_eq(&a->child[i], &b->child[i]);
}

static dtg_domain *mixed_domain(dtg_ctx *ctx, dtg_host *host)
{
	dtg_domain *d = zcu_gem_domain(ctx, host, true);
	int rtc = dtg_domain_add_passthrough(d, "/axi/rtc@ffa60000");
	int usb = dtg_domain_add_passthrough(d, "/axi/usb@ff9d0000/usb@fe200000");

	ck_assert_int_eq(dtg_pt_set_placement(d, rtc, -1, DTG_PLACE_AUTO, 0), 0);
	ck_assert_int_eq(dtg_pt_set_placement(d, usb, 0, DTG_PLACE_FIXED, 0x0a000000), 0);
	ck_assert_int_eq(dtg_pt_set_clock_rate(d, usb, "bus_early", 250000000), 0);
	ck_assert_int_eq(dtg_pt_set_clock_rate(d, usb, "ref", 20000000), 0);
	ck_assert_int_eq(dtg_domain_set_memory_mib(d, 2048), 0);
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	return d;
}

START_TEST(test_determinism)
{
	dtg_ctx *c1 = tu_ctx_new(), *c2 = tu_ctx_new();
	dtg_host *h1 = tu_load_host(c1, "zynqmp-zcu102-rev1.0.dtb");
	dtg_host *h2 = tu_load_host(c2, "zynqmp-zcu102-rev1.0.dtb");
	dtg_domain *a = mixed_domain(c1, h1), *b = mixed_domain(c2, h2);
	struct dtg_domain_info ia, ib;

	ck_assert_uint_eq(dtg_domain_pt_count(a), dtg_domain_pt_count(b));
	for (size_t i = 0; i < dtg_domain_pt_count(a); i++) {
		struct dtg_pt_info pa, pb;

		ck_assert_int_eq(dtg_domain_pt_info(a, i, &pa), 0);
		ck_assert_int_eq(dtg_domain_pt_info(b, i, &pb), 0);
		ck_assert_str_eq(pa.guest_path, pb.guest_path);
		ck_assert_int_eq(pa.iommu, pb.iommu);
		ck_assert_uint_eq(pa.nrange, pb.nrange);
		ck_assert_mem_eq(pa.range, pb.range, pa.nrange * sizeof(*pa.range));
		ck_assert_uint_eq(pa.nirq, pb.nirq);
		ck_assert_mem_eq(pa.irq, pb.irq, pa.nirq * sizeof(*pa.irq));
	}
	ck_assert_uint_eq(a->ngnode, b->ngnode);
	for (size_t i = 0; i < a->ngnode; i++)
		gnode_eq(&a->gnode[i], &b->gnode[i]);
	dtg_domain_get_info(a, &ia);
	dtg_domain_get_info(b, &ib);
	ck_assert_uint_eq(ia.nr_spis, ib.nr_spis);
	/* The fixed USB window below RAM; the RTC auto-placed. */
	ck_assert_uint_eq(a->pt[2].range[0].guest_addr, 0x0a000000);
	free(tu_check_domain_dt(a));
	dtg_domain_free(a);
	dtg_domain_free(b);
	dtg_host_free(h1);
	dtg_host_free(h2);
	tu_ctx_free(c1);
	tu_ctx_free(c2);
}
END_TEST

static Suite *domain_suite(void)
{
	Suite *s = suite_create("domain");
	TCase *tc = tcase_create("virt");

	tcase_add_test(tc, test_virt_pl031);
	tcase_add_test(tc, test_virt_pl031_defaults);
	suite_add_tcase(s, tc);
	tc = tcase_create("zcu102");
	tcase_add_test(tc, test_zcu102_gem_needs_rates);
	tcase_add_test(tc, test_zcu102_gem);
	tcase_add_test(tc, test_zcu102_keep);
	tcase_add_test(tc, test_zcu102_shared_clock_rtc);
	suite_add_tcase(s, tc);
	tc = tcase_create("dra7");
	tcase_add_test(tc, test_dra7_translated);
	tcase_add_test(tc, test_dra7_dsp_auto);
	suite_add_tcase(s, tc);
	tc = tcase_create("links");
	tcase_add_test(tc, test_links_and_children);
	suite_add_tcase(s, tc);
	tc = tcase_create("determinism");
	tcase_add_test(tc, test_determinism);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(domain_suite());
}
