/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_fdt.c - the FDT emitters on real host trees, through
 * dtg_domain_finalize(): QEMU virt's PL031 forced without IOMMU (compared
 * with the partial DT that booted on real Xen, E2E.md), ZCU102's GEM
 * behind the SMMU with clock rates given, DRA7 devices (a translated
 * address, the DSP's three MMIO ranges).  Every DTB written is checked
 * with fdt_check_full + dtc, every partial DT with dtg_partial_check().
 */
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <libfdt.h>

#include <xendtgen/domain.h>
#include <xendtgen/fdt.h>
#include "testutil.h"

/* dtc checks for a partial DT: its interrupt-parent (0xfde8) is the guest's
 * GIC, which only the complete guest DT has, so interrupts_property is
 * checked on the complete guest DT only. */
#define PARTIAL_CHECKS "iommus_property clocks_property reg_format " \
	"unit_address_vs_reg"

struct fixture {
	dtg_ctx *ctx;
	dtg_host *host;
	dtg_domain *d;
};

static void fx_open(struct fixture *f, const char *dtb)
{
	f->ctx = tu_ctx_new();
	f->host = tu_load_host(f->ctx, dtb);
	ck_assert_int_eq(dtg_domain_new(f->ctx, f->host, &f->d), 0);
}

static int fx_add(struct fixture *f, const char *path)
{
	int idx = dtg_domain_add_passthrough(f->d, path);

	ck_assert_msg(idx >= 0, "add %s: %s", path, dtg_last_error(f->ctx));
	return idx;
}

static void fx_finalize(struct fixture *f)
{
	int r = dtg_domain_finalize(f->d);

	ck_assert_msg(r == 0, "finalize: %s", dtg_last_error(f->ctx));
}

static void fx_close(struct fixture *f)
{
	dtg_domain_free(f->d);
	dtg_host_free(f->host);
	tu_ctx_free(f->ctx);
}

/* The partial DT, validated: fdt_check_full, dtc, 0 checker issues. */
static void *partial_checked(struct fixture *f, size_t *size)
{
	void *blob = NULL;
	int r = dtg_fdt_partial_alloc(f->d, &blob, size);

	ck_assert_msg(r == 0, "partial: %s", dtg_last_error(f->ctx));
	free(tu_check_dtb(blob, *size, PARTIAL_CHECKS));
	r = dtg_partial_check(f->ctx, f->host, blob, *size, "partial.dtb",
			      NULL, NULL);
	ck_assert_msg(r == 0, "partial DT has %d issues", r);
	return blob;
}

static void *guest_checked(struct fixture *f, size_t *size)
{
	void *blob = NULL;
	int r = dtg_fdt_guest_alloc(f->d, &blob, size);

	ck_assert_msg(r == 0, "guest DT: %s", dtg_last_error(f->ctx));
	free(tu_check_dtb(blob, *size, NULL));
	return blob;
}

static int node(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	ck_assert_msg(off >= 0, "%s: %s", path, fdt_strerror(off));
	return off;
}

/* Property value equals the given bytes. */
static void prop_eq(const void *fdt, int off, const char *name,
		    const void *val, int len)
{
	int l;
	const void *p = fdt_getprop(fdt, off, name, &l);

	ck_assert_msg(p != NULL, "%s missing", name);
	ck_assert_msg(l == len, "%s: %d bytes, expected %d", name, l, len);
	ck_assert_msg(len == 0 || !memcmp(p, val, (size_t)len), "%s differs",
		      name);
}

static void prop_cells(const void *fdt, int off, const char *name, int n, ...)
{
	uint32_t v[32];
	va_list ap;

	ck_assert(n <= 32);
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		v[i] = cpu_to_fdt32(va_arg(ap, uint32_t));
	va_end(ap);
	prop_eq(fdt, off, name, v, n * 4);
}

static uint32_t prop_u32(const void *fdt, int off, const char *name)
{
	int l;
	const fdt32_t *p = fdt_getprop(fdt, off, name, &l);

	ck_assert_msg(p && l == 4, "%s: not one cell", name);
	return fdt32_to_cpu(*p);
}

static bool has_prop(const void *fdt, int off, const char *name)
{
	return fdt_getprop(fdt, off, name, NULL) != NULL;
}

/* A clocks phandle refers to a fixed-clock of the given rate. */
static void expect_fixed_clock(const void *fdt, uint32_t phandle,
			       uint32_t hz)
{
	int c = fdt_node_offset_by_phandle(fdt, phandle);

	ck_assert_msg(c >= 0, "clock phandle %u dangles", phandle);
	ck_assert_int_eq(fdt_node_check_compatible(fdt, c, "fixed-clock"), 0);
	ck_assert_uint_eq(prop_u32(fdt, c, "#clock-cells"), 0);
	ck_assert_uint_eq(prop_u32(fdt, c, "clock-frequency"), hz);
}

static void expect_no_xen_props(const void *fdt)
{
	int off = -1, depth = 0;

	while ((off = fdt_next_node(fdt, off, &depth)) >= 0) {
		ck_assert(!has_prop(fdt, off, "xen,reg"));
		ck_assert(!has_prop(fdt, off, "xen,path"));
		ck_assert(!has_prop(fdt, off, "xen,force-assign-without-iommu"));
	}
}

/* QEMU virt /pl031@9010000, forced: E2E.md's partial DT, property by
 * property (plus status = "okay"). */
START_TEST(test_virt_pl031_partial)
{
	static const char compat[] = "arm,pl031\0arm,primecell";
	struct fixture f;
	size_t size;
	void *p;
	int pt, dev, off, l;

	fx_open(&f, "virt.dtb");
	int i = fx_add(&f, "/pl031@9010000");
	ck_assert_int_eq(dtg_pt_set_iommu(f.d, i, DTG_IOMMU_MODE_OFF), 0);
	fx_finalize(&f);
	p = partial_checked(&f, &size);

	off = node(p, "/");
	ck_assert_uint_eq(prop_u32(p, off, "#address-cells"), 2);
	ck_assert_uint_eq(prop_u32(p, off, "#size-cells"), 2);
	pt = node(p, "/passthrough");
	prop_eq(p, pt, "compatible", "simple-bus", 11);
	prop_eq(p, pt, "ranges", NULL, 0);
	ck_assert_uint_eq(prop_u32(p, pt, "#address-cells"), 2);
	ck_assert_uint_eq(prop_u32(p, pt, "#size-cells"), 2);

	dev = node(p, "/passthrough/pl031@9010000");
	prop_eq(p, dev, "compatible", compat, sizeof(compat));
	prop_cells(p, dev, "reg", 4, 0, 0x9010000, 0, 0x1000);
	ck_assert_uint_eq(prop_u32(p, dev, "interrupt-parent"), 0xfde8);
	prop_cells(p, dev, "interrupts", 3, 0, 2, 4);
	expect_fixed_clock(p, prop_u32(p, dev, "clocks"), 24000000);
	prop_eq(p, dev, "clock-names", "apb_pclk", 9);
	prop_cells(p, dev, "xen,reg", 6, 0, 0x9010000, 0, 0x1000, 0, 0x9010000);
	prop_eq(p, dev, "xen,path", "/pl031@9010000", 15);
	prop_eq(p, dev, "xen,force-assign-without-iommu", NULL, 0);
	/* nothing else but status */
	fdt_for_each_property_offset(off, p, dev) {
		const char *name;
		const void *v = fdt_getprop_by_offset(p, off, &name, &l);
		static const char *known[] = { "compatible", "reg",
			"interrupt-parent", "interrupts", "clocks",
			"clock-names", "xen,reg", "xen,path",
			"xen,force-assign-without-iommu", "status" };
		bool ok = false;

		for (size_t k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			ok = ok || !strcmp(name, known[k]);
		ck_assert_msg(ok, "unexpected property %s", name);
		if (!strcmp(name, "status"))
			ck_assert_str_eq((const char *)v, "okay");
	}
	/* /passthrough holds exactly the clock and the device */
	l = 0;
	fdt_for_each_subnode(off, p, pt)
		l++;
	ck_assert_int_eq(l, 2);
	free(p);
	fx_close(&f);
}
END_TEST

/* -DTG_ENOSPACE with the exact size needed; same bytes in any buffer. */
START_TEST(test_enospace)
{
	struct fixture f;
	size_t size, need = 0;
	void *p, *buf;

	fx_open(&f, "virt.dtb");
	fx_add(&f, "/pl031@9010000");
	fx_finalize(&f);
	p = partial_checked(&f, &size);

	ck_assert_int_eq(dtg_fdt_partial(f.d, NULL, 0, &need), -DTG_ENOSPACE);
	ck_assert_uint_eq(need, size);
	buf = malloc(size + 100);
	need = 0;
	ck_assert_int_eq(dtg_fdt_partial(f.d, buf, size - 1, &need),
			 -DTG_ENOSPACE);
	ck_assert_uint_eq(need, size);
	memset(buf, 0xa5, size + 100);
	ck_assert_int_eq(dtg_fdt_partial(f.d, buf, size, &need), 0);
	ck_assert_int_eq(memcmp(buf, p, size), 0);
	memset(buf, 0x5a, size + 100);
	ck_assert_int_eq(dtg_fdt_partial(f.d, buf, size + 100, &need), 0);
	ck_assert_uint_eq(need, size);
	ck_assert_int_eq(memcmp(buf, p, size), 0);
	free(buf);
	free(p);

	p = guest_checked(&f, &size);
	ck_assert_int_eq(dtg_fdt_guest(f.d, NULL, 0, &need), -DTG_ENOSPACE);
	ck_assert_uint_eq(need, size);
	buf = malloc(size);
	ck_assert_int_eq(dtg_fdt_guest(f.d, buf, size, &need), 0);
	ck_assert_int_eq(memcmp(buf, p, size), 0);
	free(buf);
	free(p);
	fx_close(&f);
}
END_TEST

/* An unfinalized domain is refused. */
START_TEST(test_not_finalized)
{
	struct fixture f;
	size_t need;
	void *p = NULL;
	char buf[4096];

	fx_open(&f, "virt.dtb");
	fx_add(&f, "/pl031@9010000");
	ck_assert_int_eq(dtg_fdt_partial(f.d, buf, sizeof(buf), &need),
			 -DTG_ESTATE);
	ck_assert_int_eq(dtg_fdt_guest_alloc(f.d, &p, &need), -DTG_ESTATE);
	ck_assert_int_eq(dtg_fdt_write_nodes(f.d, buf), -DTG_ESTATE);
	fx_close(&f);
}
END_TEST

/* libxl's loop: build, run out of room, restart bigger, same bytes. */
static int libxl_like_build(const dtg_domain *d, void *buf, int size)
{
	int r = fdt_create(buf, size);

	if (!r) r = fdt_finish_reservemap(buf);
	if (!r) r = fdt_begin_node(buf, "");
	if (!r) r = fdt_property_u32(buf, "#address-cells", 2);
	if (!r) r = fdt_property_u32(buf, "#size-cells", 2);
	if (!r) r = fdt_begin_node(buf, "passthrough");
	if (!r) r = fdt_property_string(buf, "compatible", "simple-bus");
	if (!r) r = fdt_property(buf, "ranges", NULL, 0);
	if (!r) r = fdt_property_u32(buf, "#address-cells", 2);
	if (!r) r = fdt_property_u32(buf, "#size-cells", 2);
	if (r)
		return r == -FDT_ERR_NOSPACE ? -DTG_ENOSPACE : -DTG_EINVAL;
	r = dtg_fdt_write_nodes(d, buf);
	if (r)
		return r;
	r = fdt_end_node(buf);
	if (!r) r = fdt_end_node(buf);
	if (!r) r = fdt_finish(buf);
	return r == -FDT_ERR_NOSPACE ? -DTG_ENOSPACE : r ? -DTG_EINVAL : 0;
}

START_TEST(test_write_nodes_rerun)
{
	struct fixture f;
	char *a = malloc(65536), *b = malloc(65536);
	int size = 128, r;

	fx_open(&f, "zynqmp-zcu102-rev1.0.dtb");
	int i = fx_add(&f, "/axi/ethernet@ff0e0000");
	static const char *clk[] = { "pclk", "hclk", "tx_clk", "rx_clk",
				     "tsu_clk" };
	for (int k = 0; k < 5; k++)
		ck_assert_int_eq(dtg_pt_set_clock_rate(f.d, i, clk[k],
						       125000000), 0);
	fx_finalize(&f);

	memset(a, 0x11, 65536);
	ck_assert_int_eq(libxl_like_build(f.d, a, 65536), 0);
	/* start small and double, as libxl does */
	for (;;) {
		memset(b, 0x22, 65536);
		r = libxl_like_build(f.d, b, size);
		if (r != -DTG_ENOSPACE)
			break;
		size *= 2;
	}
	ck_assert_int_eq(r, 0);
	ck_assert_int_gt(size, 128);
	ck_assert_uint_eq(fdt_totalsize(a), fdt_totalsize(b));
	ck_assert_int_eq(memcmp(a, b, fdt_totalsize(a)), 0);
	expect_no_xen_props(a);
	free(tu_check_dtb(a, fdt_totalsize(a), PARTIAL_CHECKS));
	node(a, "/passthrough/ethernet@ff0e0000");
	free(a);
	free(b);
	fx_close(&f);
}
END_TEST

/* ZCU102 GEM behind the (disabled) SMMU: xen,path, force; clocks from rates. */
START_TEST(test_zcu102_gem)
{
	static const char *clk[] = { "pclk", "hclk", "tx_clk", "rx_clk",
				     "tsu_clk" };
	static const uint32_t hz[] = { 100000000, 100000000, 125000000,
				       125000000, 250000000 };
	struct fixture f;
	size_t size;
	void *p;
	int dev, l;

	fx_open(&f, "zynqmp-zcu102-rev1.0.dtb");
	int i = fx_add(&f, "/axi/ethernet@ff0e0000");
	for (int k = 0; k < 5; k++)
		ck_assert_int_eq(dtg_pt_set_clock_rate(f.d, i, clk[k], hz[k]),
				 0);
	fx_finalize(&f);
	p = partial_checked(&f, &size);
	dev = node(p, "/passthrough/ethernet@ff0e0000");
	prop_cells(p, dev, "xen,reg", 6, 0, 0xff0e0000, 0, 0x1000, 0,
		   0xff0e0000);
	prop_eq(p, dev, "xen,path", "/axi/ethernet@ff0e0000", 23);
	/*
	 * This DT disables the MMU-500: Xen's iommu_add_dt_device() stops
	 * at it, the GEM is unprotected and, without force,
	 * iommu_assign_dt_device() fails (4.22 dom0less panics).
	 */
	ck_assert(has_prop(p, dev, "xen,force-assign-without-iommu"));
	ck_assert_uint_eq(prop_u32(p, dev, "interrupt-parent"), 0xfde8);
	const fdt32_t *c = fdt_getprop(p, dev, "clocks", &l);
	ck_assert_int_eq(l, 5 * 4);
	for (int k = 0; k < 5; k++)
		expect_fixed_clock(p, fdt32_to_cpu(c[k]), hz[k]);
	/* the PHY child is copied */
	node(p, "/passthrough/ethernet@ff0e0000/ethernet-phy@c");
	free(p);

	p = guest_checked(&f, &size);
	expect_no_xen_props(p);
	node(p, "/passthrough/ethernet@ff0e0000/ethernet-phy@c");
	free(p);
	fx_close(&f);
}
END_TEST

/* The complete guest DT, node by node, as libxl_arm.c builds it. */
START_TEST(test_guest_dt_virt)
{
	static const char rootc[] = "xen,xenvm-4.17\0xen,xenvm";
	static const char gicv2[] = "arm,cortex-a15-gic\0arm,cortex-a9-gic";
	struct fixture f;
	size_t size;
	void *p;
	int off;

	fx_open(&f, "virt.dtb");
	fx_add(&f, "/pl031@9010000");
	ck_assert_int_eq(dtg_domain_set_vcpus(f.d, 18), 0);
	ck_assert_int_eq(dtg_domain_set_memory_mib(f.d, 4096), 0);
	ck_assert_int_eq(dtg_domain_set_vpl011(f.d, true), 0);
	ck_assert_int_eq(dtg_domain_set_gic_version(f.d, 2), 0);
	ck_assert_int_eq(dtg_domain_set_kernel(f.d, "Image", "console=hvc0"), 0);
	fx_finalize(&f);
	p = guest_checked(&f, &size);

	off = node(p, "/");
	prop_eq(p, off, "compatible", rootc, sizeof(rootc));
	ck_assert_uint_eq(prop_u32(p, off, "interrupt-parent"), 0xfde8);
	ck_assert_uint_eq(prop_u32(p, off, "#address-cells"), 2);
	ck_assert_uint_eq(prop_u32(p, off, "#size-cells"), 2);
	prop_eq(p, node(p, "/chosen"), "bootargs", "console=hvc0", 13);
	/* MPIDR affinity: 16 vCPUs per cluster */
	ck_assert_uint_eq(prop_u32(p, node(p, "/cpus/cpu@0"), "reg"), 0);
	ck_assert_uint_eq(prop_u32(p, node(p, "/cpus/cpu@f"), "reg"), 0xf);
	ck_assert_uint_eq(prop_u32(p, node(p, "/cpus/cpu@100"), "reg"), 0x100);
	ck_assert_uint_eq(prop_u32(p, node(p, "/cpus/cpu@101"), "reg"), 0x101);
	ck_assert_int_lt(fdt_path_offset(p, "/cpus/cpu@102"), 0);
	prop_eq(p, node(p, "/cpus/cpu@0"), "enable-method", "psci", 5);
	prop_eq(p, node(p, "/psci"), "method", "hvc", 4);
	/* 4 GiB: 3 GiB in bank 0, 1 GiB in bank 1 */
	prop_cells(p, node(p, "/memory@40000000"), "reg", 4, 0, 0x40000000,
		   0, 0xc0000000);
	prop_cells(p, node(p, "/memory@200000000"), "reg", 4, 2, 0, 0,
		   0x40000000);
	off = node(p, "/interrupt-controller@3001000");
	prop_eq(p, off, "compatible", gicv2, sizeof(gicv2));
	ck_assert_uint_eq(prop_u32(p, off, "phandle"), 65000);
	ck_assert_uint_eq(prop_u32(p, off, "#interrupt-cells"), 3);
	ck_assert_uint_eq(prop_u32(p, off, "#address-cells"), 0);
	prop_eq(p, off, "interrupt-controller", NULL, 0);
	prop_cells(p, off, "reg", 8, 0, 0x3001000, 0, 0x1000, 0, 0x3002000,
		   0, 0x2000);
	off = node(p, "/timer");
	prop_eq(p, off, "compatible", "arm,armv8-timer", 16);
	prop_cells(p, off, "interrupts", 9, 1, 13, 0xf08, 1, 14, 0xf08,
		   1, 11, 0xf08);
	off = node(p, "/hypervisor@38000000");
	prop_cells(p, off, "reg", 4, 0, 0x38000000, 0, 0x1000000);
	prop_cells(p, off, "interrupts", 3, 1, 15, 0xf08);
	off = node(p, "/sbsa-uart@22000000");
	prop_eq(p, off, "compatible", "arm,sbsa-uart", 14);
	prop_cells(p, off, "interrupts", 3, 0, 0, 0xf04);
	prop_cells(p, off, "reg", 4, 0, 0x22000000, 0, 0x1000);
	off = node(p, "/passthrough/pl031@9010000");
	prop_cells(p, off, "interrupts", 3, 0, 2, 4);
	expect_no_xen_props(p);
	free(p);
	fx_close(&f);
}
END_TEST

/*
 * Xen 4.17's dom0less builder (seen booted under QEMU by tests/e2e): no
 * root compatible, model or interrupt-parent; a hypervisor node only for
 * xen,enhanced guests; the rest as libxl.
 */
START_TEST(test_guest_dt_dom0less)
{
	struct fixture f;
	void *plain, *enh, *libxl;
	size_t sp, se, sl;
	int off;

	fx_open(&f, "virt.dtb");
	fx_add(&f, "/pl031@9010000");
	ck_assert_int_eq(dtg_domain_set_vpl011(f.d, true), 0);
	fx_finalize(&f);
	ck_assert_int_eq(dtg_fdt_guest_by_alloc(f.d, DTG_GUEST_BUILDER_DOM0LESS,
						&plain, &sp), 0);
	ck_assert_int_eq(dtg_fdt_guest_by_alloc(f.d,
			DTG_GUEST_BUILDER_DOM0LESS_ENHANCED, &enh, &se), 0);
	ck_assert_int_eq(dtg_fdt_guest_by_alloc(f.d, DTG_GUEST_BUILDER_LIBXL,
						&libxl, &sl), 0);
	free(tu_check_dtb(plain, sp, NULL));
	free(tu_check_dtb(enh, se, NULL));

	off = node(plain, "/");
	ck_assert_ptr_null(fdt_getprop(plain, off, "interrupt-parent", NULL));
	ck_assert_ptr_null(fdt_getprop(plain, off, "compatible", NULL));
	ck_assert_ptr_null(fdt_getprop(plain, off, "model", NULL));
	ck_assert_int_lt(fdt_path_offset(plain, "/hypervisor@38000000"), 0);
	ck_assert_int_ge(fdt_path_offset(enh, "/hypervisor@38000000"), 0);
	/* the device keeps its own interrupt-parent: it has no other */
	off = node(plain, "/passthrough/pl031@9010000");
	ck_assert_uint_eq(prop_u32(plain, off, "interrupt-parent"), 0xfde8);
	ck_assert_int_ge(fdt_path_offset(plain, "/sbsa-uart@22000000"), 0);
	/* libxl's is dtg_fdt_guest's */
	void *def;
	size_t sd;
	ck_assert_int_eq(dtg_fdt_guest_alloc(f.d, &def, &sd), 0);
	ck_assert_uint_eq(sd, sl);
	ck_assert_int_eq(memcmp(def, libxl, sl), 0);
	dtg_free(dtg_domain_ctx(f.d), def);
	ck_assert_int_eq(dtg_fdt_guest_by_alloc(f.d, 7, &def, &sd), -DTG_EINVAL);
	dtg_free(dtg_domain_ctx(f.d), plain);
	dtg_free(dtg_domain_ctx(f.d), enh);
	dtg_free(dtg_domain_ctx(f.d), libxl);
	fx_close(&f);
}
END_TEST

/*
 * The overlay merges into a guest DT built elsewhere: applied with dtc's
 * fdtoverlay to a base whose phandle 1 is taken, the library's clock is
 * renumbered and the device's clocks follow it; the GIC stays 0xfde8.
 */
START_TEST(test_overlay_fdtoverlay)
{
	struct fixture f;
	void *ovl, *base, *merged;
	size_t so, sb, sm;
	char cmd[1024], out[64];
	const char *fdtoverlay = getenv("FDTOVERLAY");
	int st;

	fx_open(&f, "virt.dtb");
	fx_add(&f, "/pl031@9010000");
	fx_finalize(&f);
	ck_assert_int_eq(dtg_fdt_overlay_alloc(f.d, &ovl, &so), 0);
	ck_assert_int_eq(fdt_check_full(ovl, so), 0);
	base = tu_dts_to_dtb(tu_overlay_base_dts, &sb);
	char *bpath = tu_write_temp(base, sb, ".dtb");
	char *opath = tu_write_temp(ovl, so, ".dtbo");
	snprintf(out, sizeof(out), "%s.out", bpath);
	snprintf(cmd, sizeof(cmd), "'%s' -i %s -o %s %s 2>&1",
		 fdtoverlay && *fdtoverlay && strcmp(fdtoverlay, "no") ?
		 fdtoverlay : "fdtoverlay", bpath,
		 out, opath);
	char *msg = tu_run(cmd, &st);
	ck_assert_msg(st == 0, "fdtoverlay failed: %s", msg);
	free(msg);
	{
		FILE *fp = fopen(out, "rb");
		ck_assert_ptr_nonnull(fp);
		fseek(fp, 0, SEEK_END);
		sm = (size_t)ftell(fp);
		fseek(fp, 0, SEEK_SET);
		merged = malloc(sm);
		ck_assert_uint_eq(fread(merged, 1, sm, fp), sm);
		fclose(fp);
	}
	free(tu_check_dtb(merged, sm, NULL));

	int clk = node(merged, "/passthrough/clk-apb-pclk");
	int dev = node(merged, "/passthrough/pl031@9010000");
	uint32_t ph = fdt_get_phandle(merged, clk);
	ck_assert_uint_ne(ph, 0);
	ck_assert_uint_ne(ph, 1);   /* renumbered clear of the base's */
	ck_assert_uint_eq(prop_u32(merged, dev, "clocks"), ph);
	ck_assert_uint_eq(prop_u32(merged, dev, "interrupt-parent"), 0xfde8);
	ck_assert_uint_eq(fdt_get_phandle(merged, node(merged, "/board-clock")), 1);
	ck_assert_ptr_null(fdt_getprop(merged, dev, "xen,reg", NULL));

	unlink(bpath);
	unlink(opath);
	unlink(out);
	free(bpath);
	free(opath);
	free(base);
	free(merged);
	dtg_free(dtg_domain_ctx(f.d), ovl);
	fx_close(&f);
}
END_TEST

/*
 * Host aliases that name a passed-through device name its guest node, in
 * the partial DT (Xen and libxl copy /aliases into the guest) and in the
 * complete guest DT; aliases of devices the guest does not get are not
 * there.
 */
START_TEST(test_aliases)
{
	struct fixture f;
	void *p;
	size_t size;
	int a;

	fx_open(&f, "zynqmp-zcu102-rev1.0.dtb");
	int gem = fx_add(&f, "/axi/ethernet@ff0e0000");
	int uart = fx_add(&f, "/axi/serial@ff000000");
	static const char *gem_clk[] = { "pclk", "hclk", "tx_clk", "rx_clk", "tsu_clk" };
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(dtg_pt_set_clock_rate(f.d, gem, gem_clk[i], 125000000), 0);
	ck_assert_int_eq(dtg_pt_set_clock_rate(f.d, uart, "uart_clk", 100000000), 0);
	/* the UART's pclk is the GEM's: the rate given there serves both */
	ck_assert_int_eq(dtg_pt_set_iommu(f.d, uart, DTG_IOMMU_MODE_OFF), 0);
	fx_finalize(&f);
	for (int k = 0; k < 2; k++) {
		p = k ? guest_checked(&f, &size) : partial_checked(&f, &size);
		a = node(p, "/aliases");
		ck_assert_str_eq(fdt_getprop(p, a, "ethernet0", NULL),
				 "/passthrough/ethernet@ff0e0000");
		ck_assert_str_eq(fdt_getprop(p, a, "serial0", NULL),
				 "/passthrough/serial@ff000000");
		ck_assert_ptr_null(fdt_getprop(p, a, "serial1", NULL));
		ck_assert_ptr_null(fdt_getprop(p, a, "i2c0", NULL));
		/* every alias resolves in the tree it is in */
		ck_assert_int_ge(fdt_path_offset(p, "ethernet0"), 0);
		ck_assert_int_ge(fdt_path_offset(p, "serial0"), 0);
		free(p);
	}
	fx_close(&f);

	/* QEMU virt has no /aliases: none in the guest either */
	fx_open(&f, "virt.dtb");
	fx_add(&f, "/pl031@9010000");
	fx_finalize(&f);
	ck_assert_int_eq(dtg_fdt_partial_alloc(f.d, &p, &size), 0);
	ck_assert_int_lt(fdt_path_offset(p, "/aliases"), 0);
	free(p);
	fx_close(&f);
}
END_TEST

START_TEST(test_guest_dt_gicv3_arm32)
{
	struct fixture f;
	size_t size;
	void *p;
	int off;

	fx_open(&f, "virt-el2-gicv3.dtb");
	fx_add(&f, "/pl031@9010000");
	ck_assert_int_eq(dtg_domain_set_arch(f.d, DTG_ARCH_ARM32), 0);
	fx_finalize(&f);
	p = guest_checked(&f, &size);
	off = node(p, "/interrupt-controller@3001000");
	prop_eq(p, off, "compatible", "arm,gic-v3", 11);
	prop_cells(p, off, "reg", 8, 0, 0x3001000, 0, 0x10000, 0, 0x3020000,
		   0, 0x1000000);
	prop_eq(p, node(p, "/timer"), "compatible", "arm,armv7-timer", 16);
	prop_eq(p, node(p, "/cpus/cpu@0"), "compatible", "arm,cortex-a15", 15);
	/* 128 MiB default: one bank */
	prop_cells(p, node(p, "/memory@40000000"), "reg", 4, 0, 0x40000000,
		   0, 0x8000000);
	ck_assert_int_lt(fdt_path_offset(p, "/memory@200000000"), 0);
	ck_assert_int_lt(fdt_path_offset(p, "/sbsa-uart@22000000"), 0);
	free(p);
	fx_close(&f);
}
END_TEST

/* DRA7: every device whose address is translated through ranges and
 * which finalize accepts gives a clean partial and guest DT; the DSP has
 * three MMIO ranges placed clear of guest RAM. */
START_TEST(test_dra7_dsp_multi_range)
{
	struct fixture f;
	size_t size;
	void *p;
	int dev, l;

	fx_open(&f, "dra7-evm.dtb");
	int i = fx_add(&f, "/ocp/dsp@40800000");
	ck_assert_int_eq(dtg_pt_set_placement(f.d, i, -1, DTG_PLACE_AUTO, 0), 0);
	ck_assert_int_eq(dtg_pt_set_clock_rate(f.d, i, "0", 600000000), 0);
	fx_finalize(&f);
	p = partial_checked(&f, &size);
	dev = fdt_subnode_offset(p, node(p, "/passthrough"), "dsp");
	if (dev < 0) {   /* renamed to its guest address */
		int off;
		fdt_for_each_subnode(off, p, node(p, "/passthrough"))
			if (!strncmp(fdt_get_name(p, off, NULL), "dsp@", 4))
				dev = off;
	}
	ck_assert_int_ge(dev, 0);
	const fdt32_t *x = fdt_getprop(p, dev, "xen,reg", &l);
	ck_assert_int_eq(l, 3 * 6 * 4);
	/* host side is the DSP's three regions */
	ck_assert_uint_eq(fdt32_to_cpu(x[1]), 0x40800000);
	ck_assert_uint_eq(fdt32_to_cpu(x[3]), 0x48000);
	ck_assert_uint_eq(fdt32_to_cpu(x[7]), 0x40e00000);
	ck_assert_uint_eq(fdt32_to_cpu(x[13]), 0x40f00000);
	/* names: reg-names kept with reg */
	prop_eq(p, dev, "reg-names", "l2ram\0l1pram\0l1dram", 20);
	free(p);
	p = guest_checked(&f, &size);
	free(p);
	fx_close(&f);
}
END_TEST

/* DRA7 USB2 PHY: reg 0x5000 translated through three levels of ranges to
 * 0x4a085000, placed clear of guest RAM; xen,reg maps the widened page. */
START_TEST(test_dra7_translated)
{
	static const char *path = "/ocp/interconnect@4a000000/segment@0/"
		"target-module@80000/ocp2scp@0/phy@5000";
	struct fixture f;
	size_t size;
	void *p;
	int pt, dev = -1, off, l;

	fx_open(&f, "dra7-evm.dtb");
	int i = fx_add(&f, path);
	ck_assert_int_eq(dtg_pt_set_placement(f.d, i, -1, DTG_PLACE_AUTO, 0), 0);
	ck_assert_int_eq(dtg_pt_set_clock_rate(f.d, i, "wkupclk", 32768), 0);
	ck_assert_int_eq(dtg_pt_set_clock_rate(f.d, i, "refclk", 960000000), 0);
	fx_finalize(&f);
	p = partial_checked(&f, &size);
	pt = node(p, "/passthrough");
	fdt_for_each_subnode(off, p, pt)
		if (!strncmp(fdt_get_name(p, off, NULL), "phy@", 4))
			dev = off;
	ck_assert_int_ge(dev, 0);
	const fdt32_t *x = fdt_getprop(p, dev, "xen,reg", &l);
	const fdt32_t *r = fdt_getprop(p, dev, "reg", NULL);
	ck_assert_int_eq(l, 6 * 4);
	ck_assert_uint_eq(fdt32_to_cpu(x[1]), 0x4a085000);
	ck_assert_uint_eq(fdt32_to_cpu(x[3]), 0x1000);
	/* the guest's reg is the guest side of xen,reg, size as the host's */
	ck_assert_uint_eq(fdt32_to_cpu(x[5]), fdt32_to_cpu(r[1]));
	ck_assert_uint_eq(fdt32_to_cpu(r[3]), 0x400);
	prop_eq(p, dev, "xen,path", path, (int)strlen(path) + 1);
	ck_assert(has_prop(p, dev, "xen,force-assign-without-iommu"));
	free(p);
	free(guest_checked(&f, &size));
	fx_close(&f);
}
END_TEST

/* ZCU102 multi-range multi-IRQ: PCIe (3 ranges, one above 4 GiB, 5 SPIs,
 * placed auto), DisplayPort (4 ranges), RTC (2 SPIs), all forced. */
START_TEST(test_zcu102_multi)
{
	static const char *paths[] = { "/axi/display@fd4a0000",
				       "/axi/rtc@ffa60000",
				       "/axi/pcie@fd0e0000" };
	struct fixture f;
	size_t size;
	void *p;
	int pt, off, l, seen = 0;

	fx_open(&f, "zynqmp-zcu102-rev1.0.dtb");
	for (int k = 0; k < 3; k++) {
		int i = fx_add(&f, paths[k]);
		ck_assert_int_eq(dtg_pt_set_iommu(f.d, i, DTG_IOMMU_MODE_OFF), 0);
		static const int nclk[] = { 3, 0, 1 };

		for (int c = 0; c < nclk[k]; c++) {
			char idx[12];
			snprintf(idx, sizeof(idx), "%d", c);
			ck_assert_int_eq(dtg_pt_set_clock_rate(f.d, i, idx,
							       100000000), 0);
		}
		if (k == 2)
			ck_assert_int_eq(dtg_pt_set_placement(f.d, i, -1,
						DTG_PLACE_AUTO, 0), 0);
	}
	fx_finalize(&f);
	p = partial_checked(&f, &size);
	pt = node(p, "/passthrough");
	fdt_for_each_subnode(off, p, pt) {
		const char *n = fdt_get_name(p, off, NULL);
		const fdt32_t *x = fdt_getprop(p, off, "xen,reg", &l);

		if (!strncmp(n, "display@", 8)) {
			ck_assert_int_eq(l, 4 * 24);
			seen |= 1;
		} else if (!strncmp(n, "rtc@", 4)) {
			prop_cells(p, off, "interrupts", 6, 0, 26, 4, 0, 27, 4);
			seen |= 2;
		} else if (!strncmp(n, "pcie@", 5)) {
			ck_assert_int_eq(l, 3 * 24);
			/* third range: host 0x80_0000_0000, 16 MiB */
			ck_assert_uint_eq(fdt32_to_cpu(x[12]), 0x80);
			ck_assert_uint_eq(fdt32_to_cpu(x[13]), 0);
			ck_assert_uint_eq(fdt32_to_cpu(x[15]), 0x1000000);
			fdt_getprop(p, off, "interrupts", &l);
			ck_assert_int_eq(l, 5 * 12);
			seen |= 4;
		}
	}
	ck_assert_int_eq(seen, 7);
	free(p);
	free(guest_checked(&f, &size));
	fx_close(&f);
}
END_TEST

static Suite *fdt_suite(void)
{
	Suite *s = suite_create("fdt");
	TCase *tc = tcase_create("emitters");

	tcase_add_test(tc, test_virt_pl031_partial);
	tcase_add_test(tc, test_enospace);
	tcase_add_test(tc, test_not_finalized);
	tcase_add_test(tc, test_write_nodes_rerun);
	tcase_add_test(tc, test_zcu102_gem);
	tcase_add_test(tc, test_guest_dt_virt);
	tcase_add_test(tc, test_guest_dt_dom0less);
	tcase_add_test(tc, test_overlay_fdtoverlay);
	tcase_add_test(tc, test_aliases);
	tcase_add_test(tc, test_guest_dt_gicv3_arm32);
	tcase_add_test(tc, test_dra7_dsp_multi_range);
	tcase_add_test(tc, test_dra7_translated);
	tcase_add_test(tc, test_zcu102_multi);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(fdt_suite());
}
