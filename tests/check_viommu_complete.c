/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_viommu_complete.c - the seed workflow: a hand-written
 * partial DT with `iommus = <0x0 0x877>` for the ZCU102 GEM becomes a
 * complete partial DT (xen,reg, xen,path, iommus = <65002 vID>, the vSMMUv3
 * node) that passes dtg_partial_check() and dtc's iommus_property check;
 * everything else the user wrote is untouched.  Bad input gets an error
 * naming the node and no output.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <xendtgen/viommu.h>
#include <xendtgen/fdt.h>
#include "testutil.h"

#define GEM_NODE \
	"		ethernet@ff0e0000 {\n" \
	"			compatible = \"cdns,zynqmp-gem\", \"cdns,gem\";\n" \
	"			status = \"okay\";\n" \
	"			interrupt-parent = <0xfde8>;\n" \
	"			interrupts = <0x0 0x3f 0x4 0x0 0x3f 0x4>;\n" \
	"			reg = <0x0 0xff0e0000 0x0 0x1000>;\n" \
	"			clock-names = \"pclk\", \"hclk\", \"tx_clk\", \"rx_clk\", \"tsu_clk\";\n" \
	"			clocks = <&clk125 &clk125 &clk125 &clk125 &clk125>;\n" \
	"			phy-mode = \"rgmii-id\";\n" \
	"			%s\n" \
	"		};\n"

static const char partial_fmt[] =
	"/dts-v1/;\n"
	"/ {\n"
	"	#address-cells = <2>;\n"
	"	#size-cells = <2>;\n"
	"	passthrough {\n"
	"		compatible = \"simple-bus\";\n"
	"		ranges;\n"
	"		#address-cells = <2>;\n"
	"		#size-cells = <2>;\n"
	"		clk125: clk125 {\n"
	"			compatible = \"fixed-clock\";\n"
	"			#clock-cells = <0>;\n"
	"			clock-frequency = <125000000>;\n"
	"		};\n"
	GEM_NODE
	"%s"
	"	};\n"
	"};\n";

static void *make_partial(const char *iommus, const char *extra, size_t *size)
{
	char dts[4096];

	snprintf(dts, sizeof(dts), partial_fmt, iommus, extra);
	return tu_dts_to_dtb(dts, size);
}

static int count_issue(void *opaque, const struct dtg_partial_issue *is)
{
	(void)is;
	(*(int *)opaque)++;
	return 0;
}

static const char gem[] = "/passthrough/ethernet@ff0e0000";

START_TEST(test_seed_workflow)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "zynqmp-zcu102-rev1.0.dtb");
	size_t isz, osz;
	void *in = make_partial("iommus = <0x0 0x877>;", "", &isz);
	void *out = NULL;
	const void *p;
	int len, off, ooff, issues = 0;
	char *dts;

	ck_assert_msg(dtg_partial_complete(ctx, h, in, isz, "gem.dtb", NULL, &out, &osz) == 0,
		      "%s", dtg_last_error(ctx));
	ck_assert_int_eq(fdt_check_full(out, osz), 0);
	off = fdt_path_offset(out, gem);
	ck_assert_int_ge(off, 0);
	p = fdt_getprop(out, off, "xen,path", &len);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p, "/axi/ethernet@ff0e0000");
	p = fdt_getprop(out, off, "xen,reg", &len);
	ck_assert_int_eq(len, 24);
	{
		static const uint32_t want[6] = { 0, 0xff0e0000, 0, 0x1000, 0, 0xff0e0000 };
		for (int i = 0; i < 6; i++)
			ck_assert_uint_eq(fdt32_ld((const fdt32_t *)p + i), want[i]);
	}
	p = fdt_getprop(out, off, "iommus", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(fdt32_ld(p), 65002);
	ck_assert_uint_eq(fdt32_ld((const fdt32_t *)p + 1), 0x877);  /* unique: vID == pID */

	/* The vSMMUv3 node, as the series' guest node. */
	ooff = fdt_node_offset_by_phandle(out, 65002);
	ck_assert_int_ge(ooff, 0);
	ck_assert_str_eq(fdt_get_name(out, ooff, NULL), "iommu@4040000");
	ck_assert_int_eq(fdt_node_check_compatible(out, ooff, "arm,smmu-v3"), 0);
	ck_assert_str_eq(fdt_getprop(out, ooff, "interrupt-names", NULL), "combined");

	/* Everything else the user wrote is byte-identical. */
	{
		int ioff = fdt_path_offset(in, gem), poff;
		fdt_for_each_property_offset(poff, in, ioff) {
			const char *name;
			int l1, l2;
			const void *v1 = fdt_getprop_by_offset(in, poff, &name, &l1);
			const void *v2;

			if (!strcmp(name, "iommus"))
				continue;
			v2 = fdt_getprop(out, off, name, &l2);
			ck_assert_msg(v2 && l1 == l2 && !memcmp(v1, v2, (size_t)l1),
				      "%s changed", name);
		}
		ioff = fdt_path_offset(in, "/passthrough/clk125");
		ck_assert_int_ge(ioff, 0);
		ck_assert_int_ge(fdt_path_offset(out, "/passthrough/clk125"), 0);
		ck_assert_ptr_null(fdt_getprop(out, fdt_path_offset(out, "/passthrough/clk125"),
					       "xen,reg", NULL));
	}

	/* Xen's rules (the fdt engineer's checker) and dtc's iommus check. */
	/*
	 * One truth about this output (lib/partial-check.c): the vSMMU
	 * node's phandle 0xfdea makes Xen 4.22's dom0less builder panic
	 * (domain_handle_dtb_boot_module: next phandle past 0xfde8).
	 */
	ck_assert_int_eq(dtg_partial_check(ctx, h, out, osz, "gem-complete.dtb",
					   count_issue, &issues), 1);
	ck_assert_int_eq(issues, 1);
	dts = tu_check_dtb(out, osz, "iommus_property reg_format unit_address_vs_reg");
	ck_assert_ptr_nonnull(strstr(dts, "iommus = <0xfdea 0x877>"));
	free(dts);

	/* Deterministic, and idempotent: completing the output changes nothing. */
	{
		void *again = NULL, *twice = NULL;
		size_t asz, tsz;

		ck_assert_int_eq(dtg_partial_complete(ctx, h, in, isz, "gem.dtb", NULL, &again, &asz), 0);
		ck_assert_uint_eq(asz, osz);
		ck_assert_mem_eq(again, out, osz);
		ck_assert_int_eq(dtg_partial_complete(ctx, h, out, osz, "gem2.dtb", NULL, &twice, &tsz), 0);
		ck_assert_uint_eq(tsz, osz);
		ck_assert_mem_eq(twice, out, osz);
		dtg_free(ctx, again);
		dtg_free(ctx, twice);
	}
	dtg_free(ctx, out);
	free(in);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_host_phandle_and_user_vid)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "zynqmp-zcu102-rev1.0.dtb");
	size_t isz, osz;
	void *in, *out = NULL;
	const fdt32_t *p;
	int len;
	/* The SMMU's host phandle kept. */
	int smmu = dtg_host_path_offset(h, "/axi/iommu@fd800000");
	uint32_t ph = fdt_get_phandle(dtg_host_fdt(h), smmu);
	char iommus[64];

	snprintf(iommus, sizeof(iommus), "iommus = <0x%x 0x877>;", ph);
	in = make_partial(iommus, "", &isz);
	ck_assert_int_eq(dtg_partial_complete(ctx, h, in, isz, "gem.dtb", NULL, &out, &osz), 0);
	p = fdt_getprop(out, fdt_path_offset(out, gem), "iommus", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(fdt32_ld(p), 65002);
	ck_assert_uint_eq(fdt32_ld(p + 1), 0x877);
	dtg_free(ctx, out);
	free(in);

	/* Already pointing at the vIOMMU: the cell is the user's vID. */
	in = make_partial("iommus = <0xfdea 0x5>;", "", &isz);
	ck_assert_int_eq(dtg_partial_complete(ctx, h, in, isz, "gem.dtb", NULL, &out, &osz), 0);
	p = fdt_getprop(out, fdt_path_offset(out, gem), "iommus", &len);
	ck_assert_uint_eq(fdt32_ld(p + 1), 5);
	dtg_free(ctx, out);
	free(in);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

static void expect_fail(const char *iommus, const char *extra, int code,
			const char *msg)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "zynqmp-zcu102-rev1.0.dtb");
	size_t isz, osz = 12345;
	void *in = make_partial(iommus, extra, &isz), *out = NULL;

	ck_assert_int_eq(dtg_partial_complete(ctx, h, in, isz, "bad.dtb", NULL, &out, &osz), code);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(osz, 12345);
	ck_assert_msg(strstr(dtg_last_error(ctx), msg), "message \"%s\" lacks \"%s\"",
		      dtg_last_error(ctx), msg);
	free(in);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}

START_TEST(test_bad_input)
{
	/* A node that matches no host device. */
	expect_fail("iommus = <0x0 0x877>;",
		    "		dma@a0000000 {\n"
		    "			reg = <0x0 0xa0000000 0x0 0x1000>;\n"
		    "			iommus = <0x0 0x10>;\n"
		    "		};\n",
		    -DTG_ENOTFOUND,
		    "bad.dtb: /passthrough/dma@a0000000: reg: no device of host DT zynqmp-zcu102-rev1.0.dtb has MMIO at 0xa0000000");
	/* An ID that is not the host's. */
	expect_fail("iommus = <0x0 0x999>;", "", -DTG_ENOTFOUND,
		    "bad.dtb: /passthrough/ethernet@ff0e0000: iommus: entry 0: ID 0x999 is not one of host /axi/ethernet@ff0e0000's master IDs");
	/* A master with no host IOMMU bound to the vIOMMU (UART0). */
	expect_fail("iommus = <0x0 0x877>;",
		    "		serial@ff000000 {\n"
		    "			reg = <0x0 0xff000000 0x0 0x1000>;\n"
		    "			iommus = <0x0 0x1>;\n"
		    "		};\n",
		    -DTG_EUNSUPPORTED,
		    "bad.dtb: /passthrough/serial@ff000000: iommus: host device /axi/serial@ff000000 is not behind an IOMMU");
	/* Duplicate user vIDs. */
	expect_fail("iommus = <0xfdea 0x7>;",
		    "		ethernet@ff0b0000 {\n"
		    "			reg = <0x0 0xff0b0000 0x0 0x1000>;\n"
		    "			iommus = <0xfdea 0x7>;\n"
		    "		};\n",
		    -DTG_EDUPLICATE, "iommus: vID 0x7 is already used by");
	/* A user vID wider than the vIOMMU allows. */
	expect_fail("iommus = <0xfdea 0x10000>;", "", -DTG_ERANGE,
		    "/passthrough/ethernet@ff0e0000: iommus: vID 0x10000 is wider than the vIOMMU's 16-bit IDs");
	/* xen,path that the host lacks. */
	expect_fail("xen,path = \"/axi/ethernet@ff0e1000\";", "", -DTG_ENOTFOUND,
		    "/passthrough/ethernet@ff0e0000: xen,path: /axi/ethernet@ff0e1000 is not in the host DT");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("viommu-complete");
	TCase *tc = tcase_create("complete");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_seed_workflow);
	tcase_add_test(tc, test_host_phandle_and_user_vid);
	tcase_add_test(tc, test_bad_input);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
