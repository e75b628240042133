/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_viommu_complete.c - the seed workflow: a hand-written
 * partial DT with `iommus = <0x0 0x877>` for the ZCU102 GEM becomes a
 * complete partial DT (xen,reg, xen,path) that passes dtg_partial_check();
 * everything else the user wrote is untouched.  Bad input gets an error
 * naming the node and no output.
 *
 * The consumers are the vSMMUv3 series' readers of a partial DT: libxl's
 * viommu_modify_partial_fdt/viommu_get_stream and Xen's dom0less
 * modify_pfdt_node take the second cell of each <phandle ID> pair of a
 * /passthrough child's `iommus` as the PHYSICAL stream ID, allocate the
 * vSID with vsmmuv3_allocate_free_vid and write <65002 vSID> into the
 * guest's copy; both add the vSMMUv3 node (make_vsmmuv3_node) themselves.
 * So the completed partial DT keeps <0 pSID> (the seed thread's form) and
 * has no vSMMUv3 node.  (Until this was fixed, complete wrote <65002 vID>
 * with its own vID, which the series would have mapped as a pSID.)
 * dtc's iommus_property check is not run on it: <0 pSID> is the
 * consumers' input format, not a DT binding (dtc reads the pSID after the
 * empty phandle 0 as a phandle).
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
	/* viommu_get_stream reads prop[i * 2 + 1] as the pSID: 0x877 stays. */
	p = fdt_getprop(out, off, "iommus", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(fdt32_ld(p), 0);
	ck_assert_uint_eq(fdt32_ld((const fdt32_t *)p + 1), 0x877);

	/* No vSMMUv3 node: libxl's/Xen's make_vsmmuv3_node add it. */
	ooff = fdt_node_offset_by_phandle(out, 65002);
	ck_assert_int_lt(ooff, 0);
	ck_assert_int_lt(fdt_path_offset(out, "/iommu@4040000"), 0);

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

	/* Xen's rules (the fdt engineer's checker) and dtc's checks. */
	ck_assert_int_eq(dtg_partial_check(ctx, h, out, osz, "gem-complete.dtb",
					   count_issue, &issues), 0);
	ck_assert_int_eq(issues, 0);
	dts = tu_check_dtb(out, osz, "reg_format unit_address_vs_reg");
	ck_assert_ptr_nonnull(strstr(dts, "iommus = <0x00 0x877>"));
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

START_TEST(test_host_phandle_and_vsid_refused)
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
	ck_assert_uint_eq(fdt32_ld(p), 0);      /* normalised to the seed form */
	ck_assert_uint_eq(fdt32_ld(p + 1), 0x877);
	dtg_free(ctx, out);
	free(in);

	/*
	 * <65002 5> would be read by viommu_get_stream/modify_pfdt_node as
	 * pSID 5: the series maps the wrong stream.  Refused, no output.
	 */
	in = make_partial("iommus = <0xfdea 0x5>;", "", &isz);
	out = NULL;
	ck_assert_int_eq(dtg_partial_complete(ctx, h, in, isz, "gem.dtb", NULL, &out, &osz),
			 -DTG_EINVAL);
	ck_assert_ptr_null(out);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx),
		"gem.dtb: /passthrough/ethernet@ff0e0000: iommus: entry 0: <65002 0x5> names a vSID, but the vSMMUv3 series reads this cell as the physical stream ID"));
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
	/* Not <phandle ID> pairs: the series reads proplen / 8 pairs. */
	expect_fail("iommus = <0x0 0x877 0x0>;", "", -DTG_ECELLS,
		    "/passthrough/ethernet@ff0e0000: iommus: 12 bytes is not <phandle stream-ID> pairs");
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
	tcase_add_test(tc, test_host_phandle_and_vsid_refused);
	tcase_add_test(tc, test_bad_input);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
