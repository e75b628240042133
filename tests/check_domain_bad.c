/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_domain_bad.c - descriptions finalize must refuse, each with
 * a message naming the input, the device and the property at fault, and
 * the domain left mutable with no decision made.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/domain.h>
#include "domain-internal.h"
#include "testutil.h"
#include "domain-testutil.h"

/*
 * A small board: GIC-400, a GPIO controller, devices that share a page,
 * one routed through the GPIO controller, two with the same SPI, one
 * listing SPI 0 (INTID 32, the vpl011's).
 */
static const char board_dts[] =
	"/dts-v1/;\n"
	"/ {\n"
	"  #address-cells = <2>; #size-cells = <2>;\n"
	"  interrupt-parent = <&gic>;\n"
	"  gic: interrupt-controller@8000000 {\n"
	"    compatible = \"arm,gic-400\"; interrupt-controller;\n"
	"    #interrupt-cells = <3>; #address-cells = <0>;\n"
	"    reg = <0 0x8000000 0 0x1000>, <0 0x8010000 0 0x2000>;\n"
	"  };\n"
	"  gpio: gpio@9030000 {\n"
	"    compatible = \"arm,pl061\"; reg = <0 0x9030000 0 0x1000>;\n"
	"    interrupts = <0 7 4>; gpio-controller; #gpio-cells = <2>;\n"
	"    interrupt-controller; #interrupt-cells = <2>;\n"
	"  };\n"
	"  button@0 {\n"
	"    compatible = \"vendor,button\"; reg = <0 0x9040000 0 0x1000>;\n"
	"    interrupt-parent = <&gpio>; interrupts = <3 1>;\n"
	"  };\n"
	"  uart@9050000 {\n"
	"    compatible = \"vendor,uart\"; reg = <0 0x9050000 0 0x100>;\n"
	"    interrupts = <0 10 4>;\n"
	"  };\n"
	"  timer@9050100 {\n"
	"    compatible = \"vendor,timer\"; reg = <0 0x9050100 0 0x100>;\n"
	"    interrupts = <0 11 4>;\n"
	"  };\n"
	"  dma@9060000 {\n"
	"    compatible = \"vendor,dma\"; reg = <0 0x9060000 0 0x1000>;\n"
	"    interrupts = <0 10 4>;\n"
	"  };\n"
	"  spi0@9070000 {\n"
	"    compatible = \"vendor,dev\"; reg = <0 0x9070000 0 0x1000>;\n"
	"    interrupts = <0 0 4>;\n"
	"  };\n"
	"  pmu {\n"
	"    compatible = \"arm,armv8-pmuv3\"; interrupts = <1 7 4>;\n"
	"  };\n"
	"};\n";

struct bad {
	dtg_ctx *ctx;
	dtg_host *host;
	dtg_domain *d;
};

static void bad_open(struct bad *b, const char *dtb)
{
	b->ctx = tu_ctx_new();
	b->host = dtb ? tu_load_host(b->ctx, dtb) : tu_load_host_dts(b->ctx, board_dts);
	ck_assert_int_eq(dtg_domain_new(b->ctx, b->host, &b->d), 0);
}

static int bad_add(struct bad *b, const char *path)
{
	int i = dtg_domain_add_passthrough(b->d, path);

	ck_assert_msg(i >= 0, "%s", dtg_last_error(b->ctx));
	return i;
}

/* finalize fails with code, the message is exactly msg, nothing decided. */
static void expect_fail(struct bad *b, int code, const char *msg)
{
	int r = dtg_domain_finalize(b->d);

	ck_assert_msg(r == code, "finalize returned %d (%s), want %d", r,
		      dtg_last_error(b->ctx), code);
	ck_assert_str_eq(dtg_last_error(b->ctx), msg);
	ck_assert(!dtg_domain_is_finalized(b->d));
	ck_assert_uint_eq(b->d->ngnode, 0);
	ck_assert_ptr_null(b->d->arena.head);
	ck_assert_int_eq(dtg_domain_set_vcpus(b->d, 2), 0);   /* still mutable */
}

static void bad_close(struct bad *b)
{
	dtg_domain_free(b->d);
	dtg_host_free(b->host);
	tu_ctx_free(b->ctx);
}

START_TEST(test_unknown_path)
{
	struct bad b;

	bad_open(&b, "virt.dtb");
	ck_assert_int_eq(dtg_domain_add_passthrough(b.d, "/pl031@9999000"), -DTG_ENOTFOUND);
	ck_assert_str_eq(dtg_last_error(b.ctx),
			 "virt.dtb: /pl031@9999000: passthrough: no such node in the host DT");
	ck_assert_int_eq(dtg_domain_add_passthrough(b.d, "pl031@9010000"), -DTG_EINVAL);
	ck_assert_uint_eq(dtg_domain_pt_count(b.d), 0);
	bad_close(&b);
}
END_TEST

START_TEST(test_added_twice)
{
	struct bad b;

	bad_open(&b, "virt.dtb");
	bad_add(&b, "/pl031@9010000");
	ck_assert_int_eq(dtg_domain_add_passthrough(b.d, "/pl031@9010000"), -DTG_EDUPLICATE);
	ck_assert_str_eq(dtg_last_error(b.ctx),
			 "virt.dtb: /pl031@9010000: passthrough: already passed through (device 0, /pl031@9010000)");
	ck_assert_uint_eq(dtg_domain_pt_count(b.d), 1);
	bad_close(&b);
}
END_TEST

START_TEST(test_fixed_overlap)
{
	struct bad b;
	int rtc, gpio;

	bad_open(&b, "virt.dtb");
	rtc = bad_add(&b, "/pl031@9010000");
	gpio = bad_add(&b, "/pl061@9030000");
	ck_assert_int_eq(dtg_pt_set_placement(b.d, rtc, 0, DTG_PLACE_FIXED, 0x0a000000), 0);
	ck_assert_int_eq(dtg_pt_set_placement(b.d, gpio, 0, DTG_PLACE_FIXED, 0x0a000000), 0);
	expect_fail(&b, -DTG_EOVERLAP,
		    "virt.dtb: /pl061@9030000: reg: range 0 at guest 0xa000000+0x1000 overlaps range 0 of /pl031@9010000 at guest 0xa000000+0x1000");
	/* A fixed address must keep the page offset, and not wrap. */
	ck_assert_int_eq(dtg_pt_set_placement(b.d, gpio, 0, DTG_PLACE_FIXED, 0x0a001800), 0);
	expect_fail(&b, -DTG_ERANGE,
		    "virt.dtb: /pl061@9030000: reg: range 0: guest address 0xa001800 must have the host address's page offset 0x0");
	ck_assert_int_eq(dtg_pt_set_placement(b.d, gpio, 1, DTG_PLACE_AUTO, 0), 0);
	expect_fail(&b, -DTG_ERANGE,
		    "virt.dtb: /pl061@9030000: reg: a placement is given for range 1 but the device has 1");
	ck_assert_int_eq(dtg_pt_set_placement(b.d, gpio, -1, DTG_PLACE_FIXED, 0x0a001000), 0);
	ck_assert_msg(dtg_domain_finalize(b.d) == 0, "%s", dtg_last_error(b.ctx));
	bad_close(&b);
}
END_TEST

START_TEST(test_on_guest_ram)
{
	struct bad b;

	bad_open(&b, "virt.dtb");
	bad_add(&b, "/pl031@9010000");
	ck_assert_int_eq(dtg_domain_set_memory_mib(b.d, 512), 0);
	ck_assert_int_eq(dtg_pt_set_placement(b.d, 0, 0, DTG_PLACE_FIXED, 0x5ffff000), 0);
	expect_fail(&b, -DTG_EOVERLAP,
		    "virt.dtb: /pl031@9010000: reg: range 0 at guest 0x5ffff000+0x1000 overlaps guest RAM (bank 0) (0x40000000-0x5fffffff)");
	/* Just above the RAM actually given is fine. */
	ck_assert_int_eq(dtg_pt_set_placement(b.d, 0, 0, DTG_PLACE_FIXED, 0x60000000), 0);
	ck_assert_msg(dtg_domain_finalize(b.d) == 0, "%s", dtg_last_error(b.ctx));
	bad_close(&b);
}
END_TEST

START_TEST(test_on_gic_and_map)
{
	struct bad b;

	bad_open(&b, "virt.dtb");
	bad_add(&b, "/pl031@9010000");
	ck_assert_int_eq(dtg_pt_set_placement(b.d, 0, 0, DTG_PLACE_FIXED, 0x03002000), 0);
	expect_fail(&b, -DTG_EOVERLAP,
		    "virt.dtb: /pl031@9010000: reg: range 0 at guest 0x3002000+0x1000 overlaps the GICv2 CPU interface (0x3002000-0x3003fff)");
	/* GICv3: the redistributors. */
	ck_assert_int_eq(dtg_domain_set_gic_version(b.d, 3), 0);
	ck_assert_int_eq(dtg_pt_set_placement(b.d, 0, 0, DTG_PLACE_FIXED, 0x03ff0000), 0);
	expect_fail(&b, -DTG_EOVERLAP,
		    "virt.dtb: /pl031@9010000: reg: range 0 at guest 0x3ff0000+0x1000 overlaps the GICv3 redistributors (0x3020000-0x401ffff)");
	/* The vpl011 page only when vpl011 is on. */
	ck_assert_int_eq(dtg_pt_set_placement(b.d, 0, 0, DTG_PLACE_FIXED, 0x22000000), 0);
	ck_assert_int_eq(dtg_domain_set_vpl011(b.d, true), 0);
	expect_fail(&b, -DTG_EOVERLAP,
		    "virt.dtb: /pl031@9010000: reg: range 0 at guest 0x22000000+0x1000 overlaps the vpl011 UART (0x22000000-0x22000fff)");
	ck_assert_int_eq(dtg_domain_set_vpl011(b.d, false), 0);
	ck_assert_msg(dtg_domain_finalize(b.d) == 0, "%s", dtg_last_error(b.ctx));
	bad_close(&b);
}
END_TEST

START_TEST(test_grant_table)
{
	struct bad b;

	bad_open(&b, "virt.dtb");
	bad_add(&b, "/pl031@9010000");
	ck_assert_int_eq(dtg_pt_set_placement(b.d, 0, 0, DTG_PLACE_FIXED, 0x38800000), 0);
	expect_fail(&b, -DTG_EOVERLAP,
		    "virt.dtb: /pl031@9010000: reg: range 0 at guest 0x38800000+0x1000 overlaps the grant table (0x38000000-0x38ffffff)");
	bad_close(&b);
}
END_TEST

START_TEST(test_spi_vpl011)
{
	struct bad b;
	struct dtg_domain_info di;

	bad_open(&b, NULL);
	bad_add(&b, "/spi0@9070000");
	ck_assert_int_eq(dtg_domain_set_vpl011(b.d, true), 0);
	expect_fail(&b, -DTG_EOVERLAP,
		    "test.dts: /spi0@9070000: interrupts: interrupt 0 is SPI 0 (INTID 32), which the guest's vpl011 UART uses; disable vpl011 or leave the device out");
	ck_assert_int_eq(dtg_domain_set_vpl011(b.d, false), 0);
	ck_assert_msg(dtg_domain_finalize(b.d) == 0, "%s", dtg_last_error(b.ctx));
	ck_assert_int_eq(dtg_domain_get_info(b.d, &di), 0);
	ck_assert_uint_eq(di.nr_spis, 1);
	bad_close(&b);
}
END_TEST

START_TEST(test_irq_via_gpio)
{
	struct bad b;

	bad_open(&b, NULL);
	bad_add(&b, "/button@0");
	expect_fail(&b, -DTG_EUNSUPPORTED,
		    "test.dts: /button@0: interrupts: interrupt 0 ends at /gpio@9030000, which is not the GIC: Xen cannot route it");
	bad_close(&b);
}
END_TEST

/* DRA7's SPIs go through the IRQ crossbar: not routable by Xen. */
START_TEST(test_irq_via_crossbar)
{
	struct bad b;

	bad_open(&b, "dra7-evm.dtb");
	bad_add(&b, "/ocp/interconnect@48000000/segment@0/target-module@b2000/1w@0");
	expect_fail(&b, -DTG_EUNSUPPORTED,
		    "dra7-evm.dtb: /ocp/interconnect@48000000/segment@0/target-module@b2000/1w@0: interrupts: interrupt 0 ends at /ocp/crossbar@4a002a48, which is not the GIC: Xen cannot route it");
	bad_close(&b);
}
END_TEST

START_TEST(test_ppi)
{
	struct bad b;

	bad_open(&b, "virt.dtb");
	bad_add(&b, "/timer");
	expect_fail(&b, -DTG_EUNSUPPORTED,
		    "virt.dtb: /timer: interrupts: interrupt 0 is PPI 13 (INTID 29), private to a CPU: Xen passes only SPIs through");
	bad_close(&b);
}
END_TEST

START_TEST(test_same_spi_two_devices)
{
	struct bad b;

	bad_open(&b, NULL);
	bad_add(&b, "/uart@9050000");
	bad_add(&b, "/dma@9060000");
	/* The uart shares its page with the timer: drop that problem first. */
	expect_fail(&b, -DTG_EOVERLAP,
		    "test.dts: /uart@9050000: reg: range 0 (0x9050000+0x100) is not page-aligned and its pages 0x9050000-0x9050fff also hold MMIO of /timer@9050100; Xen maps whole pages, so the guest would get that device too");
	bad_close(&b);

	bad_open(&b, NULL);
	bad_add(&b, "/gpio@9030000");
	bad_add(&b, "/dma@9060000");
	bad_add(&b, "/spi0@9070000");
	ck_assert_msg(dtg_domain_finalize(b.d) == 0, "%s", dtg_last_error(b.ctx));
	bad_close(&b);
}
END_TEST

START_TEST(test_unaligned_shared_page)
{
	struct bad b;

	bad_open(&b, NULL);
	bad_add(&b, "/timer@9050100");
	expect_fail(&b, -DTG_EOVERLAP,
		    "test.dts: /timer@9050100: reg: range 0 (0x9050100+0x100) is not page-aligned and its pages 0x9050000-0x9050fff also hold MMIO of /uart@9050000; Xen maps whole pages, so the guest would get that device too");
	bad_close(&b);
}
END_TEST

/* Two devices with one SPI, both aligned. */
static const char same_spi_dts[] =
	"/dts-v1/;\n"
	"/ {\n"
	"  #address-cells = <1>; #size-cells = <1>;\n"
	"  interrupt-parent = <&gic>;\n"
	"  gic: interrupt-controller@8000000 {\n"
	"    compatible = \"arm,gic-v3\"; interrupt-controller;\n"
	"    #interrupt-cells = <3>; reg = <0x8000000 0x10000>, <0x80a0000 0xf60000>;\n"
	"  };\n"
	"  a@9000000 { compatible = \"v,a\"; reg = <0x9000000 0x1000>; interrupts = <0 5 4>; };\n"
	"  b@9001000 { compatible = \"v,b\"; reg = <0x9001000 0x1000>; interrupts = <0 6 4>, <0 5 4>; };\n"
	"};\n";

START_TEST(test_same_spi)
{
	struct bad b;

	b.ctx = tu_ctx_new();
	b.host = tu_load_host_dts(b.ctx, same_spi_dts);
	ck_assert_int_eq(dtg_domain_new(b.ctx, b.host, &b.d), 0);
	bad_add(&b, "/a@9000000");
	bad_add(&b, "/b@9001000");
	expect_fail(&b, -DTG_EDUPLICATE,
		    "test.dts: /b@9001000: interrupts: INTID 37 is also an interrupt of /a@9000000; an SPI can be routed to one device only");
	bad_close(&b);
}
END_TEST

START_TEST(test_clock_no_rate)
{
	struct bad b;

	bad_open(&b, "zynqmp-zcu102-rev1.0.dtb");
	bad_add(&b, "/axi/timer@ff110000");
	expect_fail(&b, -DTG_EINVAL,
		    "zynqmp-zcu102-rev1.0.dtb: /axi/timer@ff110000: clocks: clock 0 (unnamed) from /firmware/zynqmp-firmware/clock-controller has no known rate; give one (clock-rate=INDEX:HZ)");
	bad_close(&b);
}
END_TEST

START_TEST(test_nr_spis_too_few)
{
	struct bad b;
	struct dtg_domain_info di;

	bad_open(&b, "virt.dtb");
	bad_add(&b, "/pl031@9010000");
	ck_assert_int_eq(dtg_domain_set_nr_spis(b.d, 2), 0);
	expect_fail(&b, -DTG_ERANGE,
		    "virt.dtb: domain: nr_spis: 2 is too few: INTID 34 needs nr_spis >= 3");
	ck_assert_int_eq(dtg_domain_set_nr_spis(b.d, 64), 0);
	ck_assert_msg(dtg_domain_finalize(b.d) == 0, "%s", dtg_last_error(b.ctx));
	ck_assert_int_eq(dtg_domain_get_info(b.d, &di), 0);
	ck_assert_uint_eq(di.nr_spis, 64);
	bad_close(&b);
}
END_TEST

START_TEST(test_gic_not_passable)
{
	struct bad b;

	bad_open(&b, "virt.dtb");
	bad_add(&b, "/intc@8000000");
	expect_fail(&b, -DTG_EUNSUPPORTED,
		    "virt.dtb: /intc@8000000: compatible: the host's interrupt controller belongs to Xen and cannot be passed through");
	bad_close(&b);
}
END_TEST

START_TEST(test_setters_reject)
{
	struct bad b;

	bad_open(&b, "virt.dtb");
	ck_assert_int_eq(dtg_domain_set_vcpus(b.d, 0), -DTG_ERANGE);
	ck_assert_int_eq(dtg_domain_set_vcpus(b.d, 289), -DTG_ERANGE);
	/* an Arm guest stops at GUEST_MAX_VCPUS, checked when finalized */
	ck_assert_int_eq(dtg_domain_set_vcpus(b.d, 129), 0);
	ck_assert_int_eq(dtg_domain_finalize(b.d), -DTG_ERANGE);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(b.ctx), "vcpus: 129 is more than 128"));
	ck_assert_int_eq(dtg_domain_set_vcpus(b.d, 128), 0);
	ck_assert_int_eq(dtg_domain_set_gic_version(b.d, 4), -DTG_EINVAL);
	ck_assert_int_eq(dtg_domain_set_memory_mib(b.d, 0), -DTG_ERANGE);
	ck_assert_int_eq(dtg_pt_set_iommu(b.d, 0, DTG_IOMMU_MODE_ON), -DTG_EINVAL);
	bad_add(&b, "/pl031@9010000");
	ck_assert_int_eq(dtg_pt_set_clock_rate(b.d, 0, "apb_pclk", 0), -DTG_ERANGE);
	ck_assert_int_eq(dtg_pt_set_placement(b.d, 0, -2, DTG_PLACE_AUTO, 0), -DTG_ERANGE);
	ck_assert_int_eq(dtg_pt_set_placement(b.d, 1, 0, DTG_PLACE_AUTO, 0), -DTG_EINVAL);
	bad_close(&b);
}
END_TEST

static Suite *bad_suite(void)
{
	Suite *s = suite_create("domain-bad");
	TCase *tc = tcase_create("bad");

	tcase_add_test(tc, test_unknown_path);
	tcase_add_test(tc, test_added_twice);
	tcase_add_test(tc, test_fixed_overlap);
	tcase_add_test(tc, test_on_guest_ram);
	tcase_add_test(tc, test_on_gic_and_map);
	tcase_add_test(tc, test_grant_table);
	tcase_add_test(tc, test_spi_vpl011);
	tcase_add_test(tc, test_irq_via_gpio);
	tcase_add_test(tc, test_irq_via_crossbar);
	tcase_add_test(tc, test_ppi);
	tcase_add_test(tc, test_same_spi_two_devices);
	tcase_add_test(tc, test_unaligned_shared_page);
	tcase_add_test(tc, test_same_spi);
	tcase_add_test(tc, test_clock_no_rate);
	tcase_add_test(tc, test_nr_spis_too_few);
	tcase_add_test(tc, test_gic_not_passable);
	tcase_add_test(tc, test_setters_reject);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(bad_suite());
}
