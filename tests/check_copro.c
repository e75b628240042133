/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_copro.c - shared coprocessors on real trees: DRA7's DSP,
 * OMAP5's IPU and J721E's C66 DSP shared by two domUs with auto
 * remapping (guest DTs and partial DTs valid, ranges clear of the guest
 * map, the /xen-coprocessors description round-trips through its
 * parser), J721E's DSS with named range/IRQ subsets and virtual SPIs,
 * host-DT marks and command-line marks giving the same model, dom0's
 * instances in the host DT, the xl.cfg key, and bad input.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libfdt.h>

#include <xendtgen/copro.h>
#include <xendtgen/config.h>
#include <xendtgen/fdt.h>
#include "testutil.h"

/* A partial DT has no GIC node to resolve interrupt-parent <0xfde8>. */
#define PARTIAL_CHECKS "iommus_property clocks_property reg_format unit_address_vs_reg"

/* Xen's guest map (public arch-arm.h): what an instance range may not touch. */
static const struct { uint64_t base, size; } xen_map[] = {
	{ 0x02000000, 0x00100000 }, { 0x03001000, 0x00010000 }, { 0x03020000, 0x01000000 },
	{ 0x04040000, 0x00040000 }, { 0x10000000, 0x10000000 }, { 0x20000000, 0x02000000 },
	{ 0x22000000, 0x00001000 }, { 0x23000000, 0x10000000 }, { 0x38000000, 0x01000000 },
	{ 0x39000000, 0x01000000 }, { 0x40000000, 0xc0000000 }, { 0x100000000, 0x100000000 },
	{ 0x200000000, 0xfe00000000 },
};

static bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

static dtg_domain *new_dom(dtg_ctx *ctx, dtg_host *h, const char *name)
{
	dtg_domain *d;

	ck_assert_int_eq(dtg_domain_new(ctx, h, &d), 0);
	ck_assert_int_eq(dtg_domain_set_name(d, name), 0);
	ck_assert_int_eq(dtg_domain_set_memory_mib(d, 512), 0);
	return d;
}

/* Every output of a finalized domain with instances: valid and consistent. */
static void check_outputs(dtg_ctx *ctx, dtg_host *h, dtg_domain *d)
{
	void *blob;
	size_t size;
	char *dts;
	struct dtg_copro_desc desc;

	for (size_t i = 0; i < dtg_domain_copro_count(d); i++) {
		struct dtg_copro_info in;

		ck_assert_int_eq(dtg_domain_copro_info(d, i, &in), 0);
		for (size_t r = 0; r < in.nrange; r++) {
			ck_assert_uint_eq(in.range[r].guest_addr & 0xfff, 0);
			for (size_t m = 0; m < sizeof(xen_map) / sizeof(xen_map[0]); m++)
				ck_assert_msg(!overlaps(in.range[r].guest_addr, in.range[r].size,
							xen_map[m].base, xen_map[m].size),
					      "%s range %zu at 0x%llx overlaps the guest map", in.host_path, r,
					      (unsigned long long)in.range[r].guest_addr);
			for (size_t j = 0; j < dtg_domain_copro_count(d); j++) {
				struct dtg_copro_info o;

				ck_assert_int_eq(dtg_domain_copro_info(d, j, &o), 0);
				for (size_t k = 0; k < o.nrange; k++)
					if (j != i || k != r)
						ck_assert(!overlaps(in.range[r].guest_addr, in.range[r].size,
								    o.range[k].guest_addr, o.range[k].size));
			}
		}
	}
	/* Complete guest DT: libfdt + dtc checks; the instance node is there. */
	ck_assert_int_eq(dtg_fdt_guest_alloc(d, &blob, &size), 0);
	dts = tu_check_dtb(blob, size, NULL);
	for (size_t i = 0; i < dtg_domain_copro_count(d); i++) {
		struct dtg_copro_info in;

		ck_assert_int_eq(dtg_domain_copro_info(d, i, &in), 0);
		ck_assert_int_ge(fdt_path_offset(blob, in.guest_path), 0);
	}
	free(dts);
	dtg_free(ctx, blob);
	/* Partial DT: valid, Xen's rules hold, and the description round-trips. */
	ck_assert_int_eq(dtg_fdt_partial_alloc(d, &blob, &size), 0);
	ck_assert_int_eq(fdt_check_full(blob, size), 0);
	dts = tu_check_dtb(blob, size, PARTIAL_CHECKS);
	free(dts);
	ck_assert_int_eq(dtg_partial_check(ctx, h, blob, size, "partial.dtb", NULL, NULL), 0);
	ck_assert_int_eq(dtg_copro_desc_parse(ctx, blob, size, "partial.dtb", "/xen-coprocessors", &desc), 0);
	ck_assert_uint_eq(desc.ninst, dtg_domain_copro_count(d));
	ck_assert_msg(dtg_copro_desc_compare(d, &desc) == 0, "%s", dtg_last_error(ctx));
	dtg_copro_desc_free(ctx, &desc);
	dtg_free(ctx, blob);
}

/* Host-DT marks and command-line marks parse back to the same model. */
static void check_marks(dtg_ctx *ctx, dtg_host *h, const dtg_domain *const *doms, size_t n,
			size_t expect)
{
	struct dtg_copro_marks m, from_host, from_cmd;
	dtg_host *marked;
	void *blob;
	size_t size;
	char *cmd, line[1024];

	ck_assert_int_eq(dtg_copro_marks_from_domains(ctx, doms, n, &m), 0);
	ck_assert_uint_eq(m.n, expect);
	ck_assert_int_eq(dtg_copro_mark_host(ctx, h, &m, NULL, &blob, &size), 0);
	ck_assert_int_eq(fdt_check_full(blob, size), 0);
	ck_assert_int_eq(dtg_host_load(ctx, blob, size, "marked.dtb", &marked), 0);
	ck_assert_int_eq(dtg_copro_marks_from_host(ctx, marked, &from_host), 0);
	ck_assert_int_eq(dtg_copro_marks_cmdline(ctx, &m, &cmd), 0);
	snprintf(line, sizeof(line), "console=dtuart dom0_mem=1G %s loglvl=all", cmd);
	ck_assert_int_eq(dtg_copro_marks_from_cmdline(ctx, h, line, &from_cmd), 0);
	ck_assert_msg(dtg_copro_marks_compare(ctx, &from_host, &from_cmd) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_eq(dtg_copro_marks_compare(ctx, &m, &from_host), 0);
	dtg_copro_marks_free(ctx, &from_cmd);
	dtg_copro_marks_free(ctx, &from_host);
	dtg_copro_marks_free(ctx, &m);
	dtg_free(ctx, cmd);
	dtg_host_free(marked);
	dtg_free(ctx, blob);
}

/* One coprocessor shared by two domUs, auto-placed; returns after checks. */
static void two_domus(const char *dtb, const char *path, size_t nrange)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, dtb);
	dtg_domain *d1 = new_dom(ctx, h, "domu1"), *d2 = new_dom(ctx, h, "domu2");
	const dtg_domain *doms[2] = { d1, d2 };
	struct dtg_copro_info a, b;

	ck_assert_int_eq(dtg_domain_add_coprocessor(d1, path), 0);
	ck_assert_int_eq(dtg_domain_add_coprocessor(d2, path), 0);
	ck_assert_int_eq(dtg_domain_set_vpl011(d2, true), 0);
	ck_assert_msg(dtg_domain_finalize(d1) == 0, "%s", dtg_last_error(ctx));
	ck_assert_msg(dtg_domain_finalize(d2) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_eq(dtg_domain_copro_info(d1, 0, &a), 0);
	ck_assert_int_eq(dtg_domain_copro_info(d2, 0, &b), 0);
	ck_assert_uint_eq(a.nrange, nrange);
	ck_assert_uint_eq(b.nrange, nrange);
	ck_assert_str_eq(a.host_path, path);
	for (size_t r = 0; r < nrange; r++) {
		ck_assert_uint_eq(a.range[r].host_addr, b.range[r].host_addr);
		ck_assert_uint_ne(a.range[r].guest_addr, a.range[r].host_addr);  /* remapped */
		ck_assert_ptr_nonnull(a.range[r].name);
	}
	check_outputs(ctx, h, d1);
	check_outputs(ctx, h, d2);
	ck_assert_int_eq(dtg_copro_check_system(ctx, doms, 2), 0);
	check_marks(ctx, h, doms, 2, 1);
	dtg_domain_free(d1);
	dtg_domain_free(d2);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}

START_TEST(test_dra7_dsp)
{
	two_domus("dra7-evm.dtb", "/ocp/dsp@40800000", 3);
}
END_TEST

START_TEST(test_omap5_ipu)
{
	two_domus("omap5-uevm.dtb", "/ocp/ipu@55020000", 1);
}
END_TEST

START_TEST(test_j721e_c66)
{
	two_domus("k3-j721e-common-proc-board.dtb", "/bus@100000/dsp@4d80800000", 3);
}
END_TEST

static const char dss[] = "/bus@100000/dss@4a00000";

/* J721E DSS: named subsets, virtual SPIs given and allocated. */
START_TEST(test_j721e_dss_subsets)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "k3-j721e-common-proc-board.dtb");
	dtg_domain *d1 = new_dom(ctx, h, "domu1"), *d2 = new_dom(ctx, h, "domu2");
	const dtg_domain *doms[2] = { d1, d2 };
	const char *r1[] = { "common_s0", "vidl1" }, *i1[] = { "common_s0" };
	const char *r2[] = { "common_s1", "vid1", "ovr1" }, *i2[] = { "common_s1", "common_s2" };
	struct dtg_copro_info a, b;
	void *blob;
	size_t size;
	char *dts;

	ck_assert_int_eq(dtg_domain_add_coprocessor(d1, dss), 0);
	ck_assert_int_eq(dtg_copro_select_ranges(d1, 0, r1, 2), 0);
	ck_assert_int_eq(dtg_copro_select_irqs(d1, 0, i1, 1, false), 0);
	ck_assert_int_eq(dtg_domain_add_coprocessor(d2, dss), 0);
	ck_assert_int_eq(dtg_copro_select_ranges(d2, 0, r2, 3), 0);
	ck_assert_int_eq(dtg_copro_select_irqs(d2, 0, i2, 2, false), 0);
	ck_assert_int_eq(dtg_copro_set_virq(d2, 0, 0, 100), 0);
	ck_assert_int_eq(dtg_copro_set_placement(d2, 0, 1, DTG_PLACE_FIXED, 0x05000000), 0);
	ck_assert_int_eq(dtg_domain_set_vpl011(d2, true), 0);
	ck_assert_msg(dtg_domain_finalize(d1) == 0, "%s", dtg_last_error(ctx));
	ck_assert_msg(dtg_domain_finalize(d2) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_eq(dtg_domain_copro_info(d1, 0, &a), 0);
	ck_assert_int_eq(dtg_domain_copro_info(d2, 0, &b), 0);
	ck_assert_uint_eq(a.nrange, 2);
	ck_assert_str_eq(a.range[1].name, "vidl1");
	ck_assert_int_eq(a.range[1].host_index, 4);
	ck_assert_uint_eq(a.nirq, 1);
	ck_assert_uint_eq(a.irq[0].pintid, 635);
	ck_assert_uint_eq(a.irq[0].vintid, 45);      /* first after Xen's SPIs 32..44 */
	ck_assert_uint_eq(b.nirq, 2);
	ck_assert_uint_eq(b.irq[0].pintid, 636);
	ck_assert_uint_eq(b.irq[0].vintid, 100);     /* as asked */
	ck_assert_uint_eq(b.irq[1].pintid, 637);
	ck_assert_uint_eq(b.irq[1].vintid, 45);
	ck_assert_uint_ne(b.irq[0].vintid, b.irq[1].vintid);
	ck_assert_uint_eq(b.range[1].guest_addr, 0x05000000);
	check_outputs(ctx, h, d1);
	check_outputs(ctx, h, d2);
	ck_assert_int_eq(dtg_fdt_guest_alloc(d2, &blob, &size), 0);
	dts = tu_check_dtb(blob, size, NULL);
	ck_assert_ptr_nonnull(strstr(dts, "interrupt-names = \"common_s1\\0common_s2\""));
	ck_assert_ptr_nonnull(strstr(dts, "interrupts = <0x00 0x44 0x04 0x00 0x0d 0x04>"));
	free(dts);
	dtg_free(ctx, blob);
	check_marks(ctx, h, doms, 2, 1);
	dtg_domain_free(d1);
	dtg_domain_free(d2);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

/* dom0's instances in the host DT, read back by the same parser. */
START_TEST(test_dom0_instances)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "dra7-evm.dtb");
	dtg_domain *d0 = new_dom(ctx, h, "Domain-0"), *d1 = new_dom(ctx, h, "domu1");
	const dtg_domain *doms[2] = { d0, d1 };
	struct dtg_copro_marks m;
	struct dtg_copro_desc desc;
	void *blob;
	size_t size;

	ck_assert_int_eq(dtg_domain_add_coprocessor(d0, "/ocp/dsp@40800000"), 0);
	ck_assert_int_eq(dtg_copro_set_placement(d0, 0, -1, DTG_PLACE_IDENTITY, 0), 0);
	ck_assert_int_eq(dtg_domain_add_coprocessor(d1, "/ocp/dsp@40800000"), 0);
	ck_assert_int_eq(dtg_domain_add_coprocessor(d1, "/ocp/ipu@55020000"), 1);
	/* 1:1 puts the DSP's 0x40800000 on guest RAM (0x40000000 + 16 MiB). */
	ck_assert_int_eq(dtg_domain_set_memory_mib(d0, 16), 0);
	ck_assert_int_ne(dtg_domain_finalize(d0), 0);   /* RAM at 0x40000000+ covers it */
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "guest RAM"));
	ck_assert_int_eq(dtg_copro_set_placement(d0, 0, -1, DTG_PLACE_AUTO, 0), 0);
	ck_assert_msg(dtg_domain_finalize(d0) == 0, "%s", dtg_last_error(ctx));
	ck_assert_msg(dtg_domain_finalize(d1) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_eq(dtg_copro_marks_from_domains(ctx, doms, 2, &m), 0);
	ck_assert_uint_eq(m.n, 2);
	ck_assert_int_eq(dtg_copro_mark_host(ctx, h, &m, d0, &blob, &size), 0);
	ck_assert_int_eq(fdt_check_full(blob, size), 0);
	ck_assert_int_eq(dtg_copro_desc_parse(ctx, blob, size, "marked.dtb", "/chosen/xen-coprocessors", &desc), 0);
	ck_assert_uint_eq(desc.ninst, 1);
	ck_assert_int_eq(dtg_copro_desc_compare(d0, &desc), 0);
	ck_assert_ptr_nonnull(fdt_getprop(blob, fdt_path_offset(blob, "/ocp/ipu@55020000"),
					  "xen,shared-coprocessor", NULL));
	dtg_copro_desc_free(ctx, &desc);
	dtg_copro_marks_free(ctx, &m);
	dtg_free(ctx, blob);
	dtg_domain_free(d0);
	dtg_domain_free(d1);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * dom0's instances are in dom0's address map, the host's 1:1: Xen's
 * handle_device (domain_build.c) maps a device's MMIO at its host address
 * for dom0 and map_irq_to_domain routes its SPIs 1:1 (route_irq_to_guest
 * with virq == irq); dom0's RAM is host RAM.  So "auto" and "1:1" are the
 * host address, a domU's guest map (its RAM at 0x40000000, which 1 GiB
 * covers the DRA7 DSP's 0x40800000 in) does not apply, and the instance's
 * guest node is the host node.  DRA7 DSP, OMAP5 IPU, J721E DSS (GIC SPIs).
 */
START_TEST(test_dom0_host_map)
{
	static const struct { const char *file, *path; } c[] = {
		{ "dra7-evm.dtb", "/ocp/dsp@40800000" },
		{ "omap5-uevm.dtb", "/ocp/ipu@55020000" },
		{ "k3-j721e-common-proc-board.dtb", "/bus@100000/dss@4a00000" },
	};

	for (size_t k = 0; k < sizeof(c) / sizeof(c[0]); k++) {
		dtg_ctx *ctx = tu_ctx_new();
		dtg_host *h = tu_load_host(ctx, c[k].file);
		dtg_domain *d0 = new_dom(ctx, h, "Domain-0");
		struct dtg_device *dev;
		struct dtg_copro_info in;
		struct dtg_copro_desc desc;
		void *blob;
		size_t size;
		struct dtg_copro_marks m;
		const dtg_domain *doms[1] = { d0 };

		ck_assert_int_eq(dtg_host_resolve_device(h, ctx, c[k].path, &dev), 0);
		ck_assert_int_eq(dtg_domain_set_memory_mib(d0, 1024), 0);
		ck_assert_int_eq(dtg_domain_set_dom0(d0, true), 0);
		ck_assert_int_eq(dtg_domain_add_coprocessor(d0, c[k].path), 0);
		ck_assert_msg(dtg_domain_finalize(d0) == 0, "%s", dtg_last_error(ctx));
		ck_assert_int_eq(dtg_domain_copro_info(d0, 0, &in), 0);
		ck_assert_str_eq(in.guest_path, c[k].path);
		ck_assert_uint_eq(in.nrange, dev->nmmio);
		for (size_t r = 0; r < in.nrange; r++) {
			ck_assert_uint_eq(in.range[r].host_addr, dev->mmio[r].addr);
			ck_assert_uint_eq(in.range[r].guest_addr, dev->mmio[r].addr);
		}
		for (size_t i = 0; i < in.nirq; i++)
			ck_assert_uint_eq(in.irq[i].vintid, in.irq[i].pintid);
		/* /chosen/xen-coprocessors in the host DT says the same */
		ck_assert_int_eq(dtg_copro_marks_from_domains(ctx, doms, 1, &m), 0);
		ck_assert_int_eq(dtg_copro_mark_host(ctx, h, &m, d0, &blob, &size), 0);
		ck_assert_int_eq(fdt_check_full(blob, size), 0);
		ck_assert_int_eq(dtg_copro_desc_parse(ctx, blob, size, "marked.dtb",
						      "/chosen/xen-coprocessors", &desc), 0);
		ck_assert_int_eq(dtg_copro_desc_compare(d0, &desc), 0);
		dtg_copro_desc_free(ctx, &desc);
		dtg_copro_marks_free(ctx, &m);
		dtg_free(ctx, blob);
		dtg_domain_free(d0);

		/* a fixed address other than the host's: an error */
		d0 = new_dom(ctx, h, "Domain-0");
		ck_assert_int_eq(dtg_domain_set_dom0(d0, true), 0);
		ck_assert_int_eq(dtg_domain_add_coprocessor(d0, c[k].path), 0);
		ck_assert_int_eq(dtg_copro_set_placement(d0, 0, 0, DTG_PLACE_FIXED, 0x10000000), 0);
		ck_assert_int_ne(dtg_domain_finalize(d0), 0);
		ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "dom0 sees the host's address map 1:1"));
		dtg_domain_free(d0);
		dtg_device_free(ctx, dev);
		dtg_host_free(h);
		tu_ctx_free(ctx);
	}
}
END_TEST

/* dom0's interrupts are the host's: another virtual INTID is an error. */
START_TEST(test_dom0_virq)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "k3-j721e-common-proc-board.dtb");
	dtg_domain *d0 = new_dom(ctx, h, "Domain-0");
	struct dtg_copro_info in;
	const char *irq[] = { "common_s0" };

	ck_assert_int_eq(dtg_domain_set_dom0(d0, true), 0);
	ck_assert_int_eq(dtg_domain_add_coprocessor(d0, "/bus@100000/dss@4a00000"), 0);
	ck_assert_int_eq(dtg_copro_select_irqs(d0, 0, irq, 1, false), 0);
	ck_assert_msg(dtg_domain_finalize(d0) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_eq(dtg_domain_copro_info(d0, 0, &in), 0);
	ck_assert_uint_eq(in.nirq, 1);
	ck_assert_uint_ge(in.irq[0].pintid, 32);
	ck_assert_uint_eq(in.irq[0].vintid, in.irq[0].pintid);
	dtg_domain_free(d0);
	d0 = new_dom(ctx, h, "Domain-0");
	ck_assert_int_eq(dtg_domain_set_dom0(d0, true), 0);
	ck_assert_int_eq(dtg_domain_add_coprocessor(d0, "/bus@100000/dss@4a00000"), 0);
	ck_assert_int_eq(dtg_copro_select_irqs(d0, 0, irq, 1, false), 0);
	ck_assert_int_eq(dtg_copro_set_virq(d0, 0, 0, 40), 0);
	ck_assert_int_ne(dtg_domain_finalize(d0), 0);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "dom0's interrupts are the host's"));
	dtg_domain_free(d0);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

/* The xl.cfg key, and the xl.cfg output read back to the same model. */
START_TEST(test_xlcfg_key)
{
	static const char cfg_text[] =
		"name = \"gfx\"\nmemory = 256\nvpl011 = 1\n"
		"coprocessors = [ \"path=/bus@100000/dss@4a00000,ranges=common_s0/vidl1,irqs=common_s0,guest=auto/0x6000000,virq=40\",\n"
		"                 \"path=/bus@100000/dsp@4d80800000,ranges=l2sram,mode=exclusive\" ]\n";
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "k3-j721e-common-proc-board.dtb");
	dtg_config *cfg, *cfg2;
	dtg_domain *d, *d2;
	char *text, *text2;
	size_t len, len2;
	struct dtg_copro_info a, b;

	ck_assert_int_eq(dtg_config_parse(ctx, cfg_text, strlen(cfg_text), "gfx.cfg", &cfg), 0);
	ck_assert_int_eq(dtg_domain_new(ctx, h, &d), 0);
	ck_assert_msg(dtg_domain_apply_config(d, cfg) == 0, "%s", dtg_last_error(ctx));
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_eq(dtg_domain_copro_info(d, 0, &a), 0);
	ck_assert_uint_eq(a.range[1].guest_addr, 0x6000000);
	ck_assert_uint_eq(a.irq[0].vintid, 40);
	ck_assert_int_eq(dtg_domain_copro_info(d, 1, &a), 0);
	ck_assert_int_eq(a.mode, DTG_COPRO_EXCLUSIVE);
	ck_assert_uint_eq(a.nrange, 1);
	ck_assert_int_eq(dtg_xlcfg_alloc(d, NULL, &text, &len), 0);
	ck_assert_ptr_nonnull(strstr(text, "coprocessors = [ \"path=/bus@100000/dss@4a00000,"));
	/* xl.cfg out -> in: the same decisions. */
	ck_assert_int_eq(dtg_config_parse(ctx, text, len, "out.cfg", &cfg2), 0);
	ck_assert_int_eq(dtg_domain_new(ctx, h, &d2), 0);
	ck_assert_int_eq(dtg_domain_set_vpl011(d2, true), 0);
	ck_assert_msg(dtg_domain_apply_config(d2, cfg2) == 0, "%s", dtg_last_error(ctx));
	ck_assert_msg(dtg_domain_finalize(d2) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_eq(dtg_xlcfg_alloc(d2, NULL, &text2, &len2), 0);
	for (size_t i = 0; i < 2; i++) {
		ck_assert_int_eq(dtg_domain_copro_info(d, i, &a), 0);
		ck_assert_int_eq(dtg_domain_copro_info(d2, i, &b), 0);
		ck_assert_uint_eq(a.nrange, b.nrange);
		for (size_t r = 0; r < a.nrange; r++)
			ck_assert_uint_eq(a.range[r].guest_addr, b.range[r].guest_addr);
		ck_assert_uint_eq(a.nirq, b.nirq);
		for (size_t r = 0; r < a.nirq; r++)
			ck_assert_uint_eq(a.irq[r].vintid, b.irq[r].vintid);
	}
	dtg_free(ctx, text);
	dtg_free(ctx, text2);
	dtg_config_free(cfg);
	dtg_config_free(cfg2);
	dtg_domain_free(d);
	dtg_domain_free(d2);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

/* ---- bad input ---- */

static void expect_fail(dtg_domain *d, const char *const *needles)
{
	dtg_ctx *ctx = dtg_domain_ctx(d);

	ck_assert_int_lt(dtg_domain_finalize(d), 0);
	ck_assert(!dtg_domain_is_finalized(d));
	for (size_t i = 0; needles[i]; i++)
		ck_assert_msg(strstr(dtg_last_error(ctx), needles[i]), "'%s' not in: %s",
			      needles[i], dtg_last_error(ctx));
}

START_TEST(test_bad_reg_name)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "dra7-evm.dtb");
	dtg_domain *d = new_dom(ctx, h, "bad");
	const char *sel[] = { "l2ram", "l3ram" };
	const char *need[] = { "dra7-evm.dtb", "/ocp/dsp@40800000", "reg-names", "\"l3ram\"", "l1pram", NULL };

	ck_assert_int_eq(dtg_domain_add_coprocessor(d, "/ocp/dsp@40800000"), 0);
	ck_assert_int_eq(dtg_copro_select_ranges(d, 0, sel, 2), 0);
	expect_fail(d, need);
	dtg_domain_free(d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_bad_base_on_ram)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "dra7-evm.dtb");
	dtg_domain *d = new_dom(ctx, h, "bad");
	const char *need[] = { "dra7-evm.dtb", "/ocp/dsp@40800000", "reg", "0x48000000", "guest RAM", NULL };

	ck_assert_int_eq(dtg_domain_add_coprocessor(d, "/ocp/dsp@40800000"), 0);
	ck_assert_int_eq(dtg_copro_set_placement(d, 0, 1, DTG_PLACE_FIXED, 0x48000000), 0);
	expect_fail(d, need);
	dtg_domain_free(d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_bad_shared_and_passed)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "k3-j721e-common-proc-board.dtb");
	dtg_domain *d = new_dom(ctx, h, "bad"), *d1 = new_dom(ctx, h, "gfx"), *d2 = new_dom(ctx, h, "io");
	const dtg_domain *doms[2] = { d1, d2 };
	const char *need[] = { "k3-j721e-common-proc-board.dtb", "/bus@100000/dsp@4d80800000",
			       "both passed through and shared", NULL };
	struct dtg_copro_marks m;
	int dev;

	/* In one domain. */
	ck_assert_int_eq(dtg_domain_add_coprocessor(d, "/bus@100000/dsp@4d80800000"), 0);
	ck_assert_int_ge(dtg_domain_add_passthrough(d, "/bus@100000/dsp@4d80800000"), 0);
	expect_fail(d, need);
	/* Across domains: each finalizes, the system check refuses. */
	ck_assert_int_eq(dtg_domain_add_coprocessor(d1, "/bus@100000/dsp@4d80800000"), 0);
	dev = dtg_domain_add_passthrough(d2, "/bus@100000/dsp@4d80800000");
	ck_assert_int_ge(dev, 0);
	ck_assert_int_eq(dtg_pt_set_placement(d2, dev, -1, DTG_PLACE_AUTO, 0), 0);
	ck_assert_msg(dtg_domain_finalize(d1) == 0, "%s", dtg_last_error(ctx));
	ck_assert_msg(dtg_domain_finalize(d2) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_lt(dtg_copro_check_system(ctx, doms, 2), 0);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "shared with gfx but passed through to io"));
	ck_assert_int_lt(dtg_copro_marks_from_domains(ctx, doms, 2, &m), 0);
	ck_assert_uint_eq(m.n, 0);
	dtg_domain_free(d);
	dtg_domain_free(d1);
	dtg_domain_free(d2);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_bad_exclusive)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "omap5-uevm.dtb");
	dtg_domain *d1 = new_dom(ctx, h, "a"), *d2 = new_dom(ctx, h, "b");
	const dtg_domain *doms[2] = { d1, d2 };

	ck_assert_int_eq(dtg_domain_add_coprocessor(d1, "/ocp/ipu@55020000"), 0);
	ck_assert_int_eq(dtg_copro_set_mode(d1, 0, DTG_COPRO_EXCLUSIVE), 0);
	ck_assert_int_eq(dtg_domain_add_coprocessor(d2, "/ocp/ipu@55020000"), 0);
	ck_assert_int_eq(dtg_domain_finalize(d1), 0);
	ck_assert_int_eq(dtg_domain_finalize(d2), 0);
	ck_assert_int_lt(dtg_copro_check_system(ctx, doms, 2), 0);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "a claims it exclusively"));
	dtg_domain_free(d1);
	dtg_domain_free(d2);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_bad_virq_on_passthrough_spi)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "k3-j721e-common-proc-board.dtb");
	dtg_domain *d = new_dom(ctx, h, "bad");
	const char *need[] = { "k3-j721e-common-proc-board.dtb", dss, "interrupts",
			       "virtual INTID 156", "/bus@100000/can@2701000", NULL };
	int dev = dtg_domain_add_passthrough(d, "/bus@100000/can@2701000");

	ck_assert_int_ge(dev, 0);
	ck_assert_int_eq(dtg_pt_set_placement(d, dev, -1, DTG_PLACE_AUTO, 0), 0);
	ck_assert_int_eq(dtg_pt_set_clock_rate(d, dev, "0", 40000000), 0);
	ck_assert_int_eq(dtg_pt_set_clock_rate(d, dev, "1", 40000000), 0);
	ck_assert_int_eq(dtg_domain_add_coprocessor(d, dss), 0);
	ck_assert_int_eq(dtg_copro_set_virq(d, 0, 0, 156), 0);   /* can's int0, 1:1 */
	expect_fail(d, need);
	/* Without the explicit virq it allocates around the passthrough SPIs. */
	ck_assert_int_eq(dtg_copro_set_virq(d, 0, 0, 0), 0);
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	dtg_domain_free(d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * Instances carry their clocks (SCF: "MMIO ranges, interrupt requests,
 * clocks"), each a fixed-clock as a passthrough device's: clock-rate=
 * gives the rate; a clock with no known rate is left out with a notice.
 * The guest node's clocks/clock-names pair is read as Linux's
 * of_clk_get_by_name (drivers/clk/clk.c) and dtc's clocks_property
 * check read it; the description carries name, index and rate.
 */
static uint32_t guest_clock_rate(const void *blob, const char *node, size_t i)
{
	int off = fdt_path_offset(blob, node), len, clk;
	const fdt32_t *ph, *hz;

	ck_assert_int_ge(off, 0);
	ph = fdt_getprop(blob, off, "clocks", &len);
	ck_assert_ptr_nonnull(ph);
	ck_assert_int_gt(len, (int)(4 * i));
	clk = fdt_node_offset_by_phandle(blob, fdt32_to_cpu(ph[i]));
	ck_assert_int_ge(clk, 0);
	ck_assert_int_eq(fdt_node_check_compatible(blob, clk, "fixed-clock"), 0);
	hz = fdt_getprop(blob, clk, "clock-frequency", &len);
	ck_assert_ptr_nonnull(hz);
	ck_assert_int_eq(len, 4);
	return fdt32_to_cpu(*hz);
}

/*
 * The overlay applied by dtc's fdtoverlay to a base whose phandle 1 is
 * taken: the instance's fixed clock is renumbered (its clocks entry is in
 * __local_fixups__) and the instance's clocks follow it.
 */
static void check_overlay_clock(dtg_domain *d, const char *guest_path, uint32_t hz)
{
	const char *fdtoverlay = getenv("FDTOVERLAY");
	void *ovl, *base, *merged;
	size_t so, sb, sm;
	char cmd[1024], out[512], *bpath, *opath, *msg;
	const fdt32_t *ph;
	FILE *fp;
	int st, off;

	ck_assert_int_eq(dtg_fdt_overlay_alloc(d, &ovl, &so), 0);
	ck_assert_int_eq(fdt_check_full(ovl, so), 0);
	base = tu_dts_to_dtb(tu_overlay_base_dts, &sb);
	bpath = tu_write_temp(base, sb, ".dtb");
	opath = tu_write_temp(ovl, so, ".dtbo");
	snprintf(out, sizeof(out), "%s.out", bpath);
	snprintf(cmd, sizeof(cmd), "'%s' -i %s -o %s %s 2>&1",
		 fdtoverlay && *fdtoverlay && strcmp(fdtoverlay, "no") ? fdtoverlay : "fdtoverlay",
		 bpath, out, opath);
	msg = tu_run(cmd, &st);
	ck_assert_msg(st == 0, "fdtoverlay failed: %s", msg);
	free(msg);
	fp = fopen(out, "rb");
	ck_assert_ptr_nonnull(fp);
	fseek(fp, 0, SEEK_END);
	sm = (size_t)ftell(fp);
	fseek(fp, 0, SEEK_SET);
	merged = malloc(sm);
	ck_assert_uint_eq(fread(merged, 1, sm, fp), sm);
	fclose(fp);
	free(tu_check_dtb(merged, sm, NULL));
	ck_assert_uint_eq(guest_clock_rate(merged, guest_path, 0), hz);
	off = fdt_path_offset(merged, guest_path);
	ph = fdt_getprop(merged, off, "clocks", NULL);
	ck_assert_uint_ne(fdt32_to_cpu(ph[0]), 1);   /* renumbered clear of the base's */
	unlink(bpath);
	unlink(opath);
	unlink(out);
	free(bpath);
	free(opath);
	free(base);
	free(merged);
	dtg_free(dtg_domain_ctx(d), ovl);
}

START_TEST(test_instance_clocks)
{
	static const char cfg_text[] =
		"name = \"dsp\"\nmemory = 512\n"
		"coprocessors = [ \"path=/ocp/dsp@40800000,clock-rate=0:600000000\" ]\n";
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "dra7-evm.dtb");
	dtg_config *cfg, *cfg2;
	dtg_domain *d, *d2;
	struct dtg_copro_info a, b;
	void *blob;
	size_t size, len;
	char *text, *dts;

	/* DRA7 DSP: one unnamed clkctrl clock, rate from clock-rate=0: */
	ck_assert_int_eq(dtg_config_parse(ctx, cfg_text, strlen(cfg_text), "dsp.cfg", &cfg), 0);
	ck_assert_int_eq(dtg_domain_new(ctx, h, &d), 0);
	ck_assert_msg(dtg_domain_apply_config(d, cfg) == 0, "%s", dtg_last_error(ctx));
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_eq(dtg_domain_copro_info(d, 0, &a), 0);
	ck_assert_uint_eq(a.nclock, 1);
	ck_assert_ptr_null(a.clock[0].name);
	ck_assert_int_eq(a.clock[0].host_index, 0);
	ck_assert_uint_eq(a.clock[0].rate, 600000000);
	ck_assert_int_eq(dtg_fdt_guest_alloc(d, &blob, &size), 0);
	dts = tu_check_dtb(blob, size, NULL);
	ck_assert_uint_eq(guest_clock_rate(blob, a.guest_path, 0), 600000000);
	ck_assert_ptr_null(fdt_getprop(blob, fdt_path_offset(blob, a.guest_path), "clock-names", NULL));
	free(dts);
	dtg_free(ctx, blob);
	check_outputs(ctx, h, d);
	check_overlay_clock(d, a.guest_path, 600000000);
	/* xl.cfg out -> in keeps the rate */
	ck_assert_int_eq(dtg_xlcfg_alloc(d, NULL, &text, &len), 0);
	ck_assert_ptr_nonnull(strstr(text, ",clock-rate=0:600000000,"));
	ck_assert_int_eq(dtg_config_parse(ctx, text, len, "out.cfg", &cfg2), 0);
	ck_assert_int_eq(dtg_domain_new(ctx, h, &d2), 0);
	ck_assert_msg(dtg_domain_apply_config(d2, cfg2) == 0, "%s", dtg_last_error(ctx));
	ck_assert_msg(dtg_domain_finalize(d2) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_eq(dtg_domain_copro_info(d2, 0, &b), 0);
	ck_assert_uint_eq(b.nclock, 1);
	ck_assert_uint_eq(b.clock[0].rate, 600000000);
	dtg_free(ctx, text);
	dtg_config_free(cfg);
	dtg_config_free(cfg2);
	dtg_domain_free(d);
	dtg_domain_free(d2);
	dtg_host_free(h);

	/*
	 * A passed-through device sharing the instance's clock, on a small
	 * tree: DRA7's DSP MMU target-module shares the DSP's clkctrl clock,
	 * but its MMU's interrupt ends at the crossbar, which Xen cannot
	 * route, so it cannot be passed through.  Its rate serves the instance and one
	 * fixed-clock serves both (as for two passthrough devices sharing a
	 * clock, finalize-clock.c); a different rate is refused, naming both.
	 */
	{
		static const char shared_dts[] =
			"/dts-v1/;\n/ {\n #address-cells = <1>; #size-cells = <1>;\n"
			" interrupt-parent = <&gic>;\n"
			" memory@80000000 { device_type = \"memory\"; reg = <0x80000000 0x10000000>; };\n"
			" gic: interrupt-controller@2c001000 { compatible = \"arm,cortex-a15-gic\";\n"
			"  #interrupt-cells = <3>; interrupt-controller;\n"
			"  reg = <0x2c001000 0x1000 0x2c002000 0x2000>; };\n"
			" cc: clock-controller@1c000000 { reg = <0x1c000000 0x1000>; #clock-cells = <1>; };\n"
			" serial@9000000 { compatible = \"arm,pl011\", \"arm,primecell\";\n"
			"  reg = <0x9000000 0x1000>; interrupts = <0 5 4>;\n"
			"  clocks = <&cc 7>; clock-names = \"uartclk\"; };\n"
			" dsp@a000000 { compatible = \"vendor,dsp\"; reg = <0xa000000 0x10000>;\n"
			"  reg-names = \"l2ram\"; interrupts = <0 9 4>;\n"
			"  clocks = <&cc 7>, <&cc 8>; clock-names = \"fck\", \"ick\"; };\n"
			"};\n";
		const char *need[] = { "/dsp@a000000", "clocks", "/serial@9000000",
				       "24000000 Hz, not 12000000 Hz", NULL };
		const fdt32_t *p1, *p2;
		int dev;

		h = tu_load_host_dts(ctx, shared_dts);
		d = new_dom(ctx, h, "dsp");
		dev = dtg_domain_add_passthrough(d, "/serial@9000000");
		ck_assert_int_ge(dev, 0);
		ck_assert_int_eq(dtg_pt_set_clock_rate(d, dev, "uartclk", 24000000), 0);
		ck_assert_int_eq(dtg_domain_add_coprocessor(d, "/dsp@a000000"), 0);
		ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
		ck_assert_int_eq(dtg_domain_copro_info(d, 0, &a), 0);
		ck_assert_uint_eq(a.nclock, 1);            /* ick: no rate, left out */
		ck_assert_str_eq(a.clock[0].name, "fck");
		ck_assert_uint_eq(a.clock[0].rate, 24000000);
		ck_assert_int_eq(dtg_fdt_guest_alloc(d, &blob, &size), 0);
		free(tu_check_dtb(blob, size, NULL));
		p1 = fdt_getprop(blob, fdt_path_offset(blob, a.guest_path), "clocks", NULL);
		p2 = fdt_getprop(blob, fdt_path_offset(blob, "/passthrough/serial@9000000"), "clocks", NULL);
		ck_assert_ptr_nonnull(p1);
		ck_assert_ptr_nonnull(p2);
		ck_assert_uint_eq(fdt32_to_cpu(p1[0]), fdt32_to_cpu(p2[0]));
		dtg_free(ctx, blob);
		check_outputs(ctx, h, d);
		dtg_domain_free(d);

		d = new_dom(ctx, h, "dsp");
		dev = dtg_domain_add_passthrough(d, "/serial@9000000");
		ck_assert_int_eq(dtg_pt_set_clock_rate(d, dev, "uartclk", 24000000), 0);
		ck_assert_int_eq(dtg_domain_add_coprocessor(d, "/dsp@a000000"), 0);
		ck_assert_int_eq(dtg_copro_set_clock_rate(d, 0, "fck", 12000000), 0);
		expect_fail(d, need);
		dtg_domain_free(d);
		dtg_host_free(h);
	}

	/* J721E DSS: five named TI-SCI clocks; two given, three left out */
	h = tu_load_host(ctx, "k3-j721e-common-proc-board.dtb");
	d = new_dom(ctx, h, "gfx");
	ck_assert_int_eq(dtg_domain_add_coprocessor(d, dss), 0);
	ck_assert_int_eq(dtg_copro_set_clock_rate(d, 0, "fck", 300000000), 0);
	ck_assert_int_eq(dtg_copro_set_clock_rate(d, 0, "vp1", 148500000), 0);
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_eq(dtg_domain_copro_info(d, 0, &a), 0);
	ck_assert_uint_eq(a.nclock, 2);
	ck_assert_str_eq(a.clock[0].name, "fck");
	ck_assert_str_eq(a.clock[1].name, "vp1");
	ck_assert_int_eq(a.clock[1].host_index, 1);
	ck_assert_ptr_nonnull(strstr(tu_log_text(ctx), "/bus@100000/dss@4a00000: clocks: clock 2 (vp2) from /"));
	ck_assert_ptr_nonnull(strstr(tu_log_text(ctx),
		"has no known rate: left out of the coprocessor instance (give one with clock-rate=vp2:HZ)"));
	ck_assert_int_eq(dtg_fdt_guest_alloc(d, &blob, &size), 0);
	dts = tu_check_dtb(blob, size, NULL);
	ck_assert_ptr_nonnull(strstr(dts, "clock-names = \"fck\\0vp1\""));
	ck_assert_uint_eq(guest_clock_rate(blob, a.guest_path, 0), 300000000);
	ck_assert_uint_eq(guest_clock_rate(blob, a.guest_path, 1), 148500000);
	free(dts);
	dtg_free(ctx, blob);
	check_outputs(ctx, h, d);
	dtg_domain_free(d);

	/* a rate for a clock the coprocessor does not have */
	d = new_dom(ctx, h, "gfx");
	ck_assert_int_eq(dtg_domain_add_coprocessor(d, dss), 0);
	ck_assert_int_eq(dtg_copro_set_clock_rate(d, 0, "pclk", 1000000), 0);
	{
		const char *need[] = { "k3-j721e-common-proc-board.dtb", dss, "clock-names", "\"pclk\"", NULL };

		expect_fail(d, need);
	}
	dtg_domain_free(d);
	dtg_host_free(h);

	/* OMAP5 IPU: its clkctrl clock has no known rate: left out, no clocks */
	h = tu_load_host(ctx, "omap5-uevm.dtb");
	d = new_dom(ctx, h, "ipu");
	ck_assert_int_eq(dtg_domain_add_coprocessor(d, "/ocp/ipu@55020000"), 0);
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_eq(dtg_domain_copro_info(d, 0, &a), 0);
	ck_assert_uint_eq(a.nclock, 0);
	ck_assert_ptr_nonnull(strstr(tu_log_text(ctx), "/ocp/ipu@55020000: clocks: clock 0 (unnamed)"));
	dtg_domain_free(d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_bad_marks_input)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "dra7-evm.dtb");
	struct dtg_copro_marks m;

	ck_assert_int_lt(dtg_copro_marks_from_cmdline(ctx, h, "xen-coprocessors=/ocp/nope@0", &m), 0);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "/ocp/nope@0"));
	ck_assert_int_lt(dtg_copro_marks_from_cmdline(ctx, h, "xen-coprocessors=/ocp/dsp@40800000:often", &m), 0);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "often"));
	ck_assert_int_eq(dtg_copro_marks_from_cmdline(ctx, h, "console=dtuart", &m), 0);
	ck_assert_uint_eq(m.n, 0);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

static Suite *copro_suite(void)
{
	Suite *s = suite_create("copro");
	TCase *tc = tcase_create("real");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_dra7_dsp);
	tcase_add_test(tc, test_omap5_ipu);
	tcase_add_test(tc, test_j721e_c66);
	tcase_add_test(tc, test_j721e_dss_subsets);
	tcase_add_test(tc, test_instance_clocks);
	tcase_add_test(tc, test_dom0_instances);
	tcase_add_test(tc, test_dom0_host_map);
	tcase_add_test(tc, test_dom0_virq);
	tcase_add_test(tc, test_xlcfg_key);
	tcase_add_test(tc, test_bad_reg_name);
	tcase_add_test(tc, test_bad_base_on_ram);
	tcase_add_test(tc, test_bad_shared_and_passed);
	tcase_add_test(tc, test_bad_exclusive);
	tcase_add_test(tc, test_bad_virq_on_passthrough_spi);
	tcase_add_test(tc, test_bad_marks_input);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(copro_suite());
}
