/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_nommio.c - devices without MMIO of their own, on real DTBs
 * (ZCU102's I2C and SPI slaves, DRA7's QSPI flash partition).
 *
 * The consumer followed is Xen's dom0less builder: handle_prop_pfdt()
 * (4.17 xen/arch/arm/domain_build.c, 4.22
 * xen/common/device-tree/dom0less-build.c) returns -EINVAL for a node
 * with xen,path and no xen,reg ("xen,reg or xen,path missing"); 4.22's
 * create_domUs() then panics.  For xl, libxl's copy_partial_fdt() copies
 * /passthrough as it is, children included.  So a bus slave is refused
 * with its bus controller named, and comes with that controller as a
 * plain child node (no xen,*), which both copy verbatim; an
 * interrupt-only node gets an empty xen,reg, for which
 * handle_passthrough_prop() maps nothing and routes its SPIs.
 */
#include <check.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <xendtgen/domain.h>
#include <xendtgen/fdt.h>
#include "testutil.h"

struct fx {
	dtg_ctx *ctx;
	dtg_host *host;
	dtg_domain *d;
};

static void fx_open(struct fx *f, const char *dtb)
{
	f->ctx = tu_ctx_new();
	f->host = tu_load_host(f->ctx, dtb);
	ck_assert_int_eq(dtg_domain_new(f->ctx, f->host, &f->d), 0);
}

static void fx_close(struct fx *f)
{
	dtg_domain_free(f->d);
	dtg_host_free(f->host);
	tu_ctx_free(f->ctx);
}

static int fx_add(struct fx *f, const char *path)
{
	int i = dtg_domain_add_passthrough(f->d, path);

	ck_assert_msg(i >= 0, "%s: %s", path, dtg_last_error(f->ctx));
	return i;
}

/* finalize fails with err and a message holding each of want[]. */
static void expect_refused(struct fx *f, int err, const char *const *want,
			   size_t nwant)
{
	void *p = NULL;
	size_t size = 0;

	ck_assert_int_eq(dtg_domain_finalize(f->d), -err);
	for (size_t i = 0; i < nwant; i++)
		ck_assert_msg(strstr(dtg_last_error(f->ctx), want[i]),
			      "no \"%s\" in: %s", want[i], dtg_last_error(f->ctx));
	/* and nothing can be written */
	ck_assert_int_lt(dtg_fdt_partial_alloc(f->d, &p, &size), 0);
	ck_assert_ptr_null(p);
}

static void refused_on(const char *dtb, const char *dev, const char *bus)
{
	struct fx f;
	const char *want[] = { dev, "reg: an address on its bus, not MMIO",
			       "handle_prop_pfdt", "xen,reg or xen,path missing",
			       bus };

	fx_open(&f, dtb);
	fx_add(&f, dev);
	expect_refused(&f, DTG_EUNSUPPORTED, want, 5);
	fx_close(&f);
}

/* An I2C slave (TCA6416 GPIO expander): handle_prop_pfdt would refuse. */
START_TEST(test_i2c_slave_refused)
{
	refused_on("zynqmp-zcu102-rev1.0.dtb", "/axi/i2c@ff020000/gpio@20",
		   "pass through its bus controller /axi/i2c@ff020000 instead");
}
END_TEST

/* An I2C slave behind a mux: the controller named is the one with MMIO. */
START_TEST(test_i2c_slave_behind_mux_refused)
{
	refused_on("zynqmp-zcu102-rev1.0.dtb",
		   "/axi/i2c@ff030000/i2c-mux@74/i2c@0/eeprom@54",
		   "pass through its bus controller /axi/i2c@ff030000 instead");
}
END_TEST

/* A SPI slave (the QSPI NOR flash). */
START_TEST(test_spi_slave_refused)
{
	refused_on("zynqmp-zcu102-rev1.0.dtb", "/axi/spi@ff0f0000/flash@0",
		   "pass through its bus controller /axi/spi@ff0f0000 instead");
}
END_TEST

/* A flash partition: its reg is an offset in the flash, on a SPI bus. */
START_TEST(test_flash_partition_refused)
{
	refused_on("dra7-evm.dtb",
		   "/ocp/target-module@4b300000/spi@0/flash@0/partition@0",
		   "pass through its bus controller "
		   "/ocp/target-module@4b300000/spi@0 instead");
}
END_TEST

/* The slave and its bus: the guest already gets the slave with the bus. */
START_TEST(test_slave_with_its_bus)
{
	struct fx f;
	const char *want[] = { "/axi/i2c@ff030000/i2c-mux@74/i2c@0/eeprom@54",
			       "already gets this node with its bus "
			       "controller /axi/i2c@ff030000" };
	int bus;

	fx_open(&f, "zynqmp-zcu102-rev1.0.dtb");
	bus = fx_add(&f, "/axi/i2c@ff030000");
	ck_assert_int_eq(dtg_pt_set_clock_rate(f.d, bus, "0", 100000000), 0);
	fx_add(&f, "/axi/i2c@ff030000/i2c-mux@74/i2c@0/eeprom@54");
	expect_refused(&f, DTG_EDUPLICATE, want, 2);
	fx_close(&f);
}
END_TEST

static bool has_xen_prop(const void *fdt, int off)
{
	return fdt_getprop(fdt, off, "xen,reg", NULL) ||
	       fdt_getprop(fdt, off, "xen,path", NULL) ||
	       fdt_getprop(fdt, off, "xen,force-assign-without-iommu", NULL);
}

/* Every node under top is without xen,*: Xen copies it, maps nothing. */
static void expect_plain_subtree(const void *fdt, int top)
{
	int depth = 0, off = fdt_next_node(fdt, top, &depth);

	for (; off >= 0 && depth > 0; off = fdt_next_node(fdt, off, &depth))
		ck_assert_msg(!has_xen_prop(fdt, off), "%s has xen,*",
			      fdt_get_name(fdt, off, NULL));
}

static void *finalize_partial(struct fx *f, size_t *size)
{
	void *p = NULL;

	ck_assert_msg(dtg_domain_finalize(f->d) == 0, "%s",
		      dtg_last_error(f->ctx));
	void *g = NULL;
	size_t gsize;

	ck_assert_int_eq(dtg_fdt_partial_alloc(f->d, &p, size), 0);
	/* fdt_check_full + dtc -E (interrupt-parent 0xfde8 is outside it) */
	free(tu_check_dtb(p, *size, "iommus_property clocks_property "
			  "reg_format unit_address_vs_reg"));
	ck_assert_int_eq(dtg_partial_check(f->ctx, f->host, p, *size,
					   "partial.dtb", NULL, NULL), 0);
	/* libxl's guest DT: /passthrough copied verbatim, with its GIC */
	ck_assert_int_eq(dtg_fdt_guest_alloc(f->d, &g, &gsize), 0);
	free(tu_check_dtb(g, gsize, NULL));
	free(g);
	return p;
}

/*
 * The I2C controller carries its slaves as plain children: the EEPROM
 * behind the mux, with its nvmem cells (reg <offset size>, not MMIO:
 * their parent has no ranges), and the GPIO expander's hogs, whose
 * gpios is <line flags>, no phandle.  Only the controller has xen,*.
 */
START_TEST(test_i2c_bus_carries_slaves)
{
	static const char eeprom[] =
		"/passthrough/i2c@ff030000/i2c-mux@74/i2c@0/eeprom@54";
	struct fx f;
	size_t size;
	void *p;
	const fdt32_t *c;
	int bus, off, len;

	fx_open(&f, "zynqmp-zcu102-rev1.0.dtb");
	bus = fx_add(&f, "/axi/i2c@ff030000");
	ck_assert_int_eq(dtg_pt_set_clock_rate(f.d, bus, "0", 100000000), 0);
	bus = fx_add(&f, "/axi/i2c@ff020000");
	ck_assert_int_eq(dtg_pt_set_clock_rate(f.d, bus, "0", 100000000), 0);
	p = finalize_partial(&f, &size);

	off = fdt_path_offset(p, "/passthrough/i2c@ff030000");
	ck_assert_int_ge(off, 0);
	ck_assert_str_eq(fdt_getprop(p, off, "xen,path", NULL), "/axi/i2c@ff030000");
	ck_assert_ptr_nonnull(fdt_getprop(p, off, "xen,reg", NULL));
	expect_plain_subtree(p, off);

	off = fdt_path_offset(p, eeprom);
	ck_assert_int_ge(off, 0);
	c = fdt_getprop(p, off, "reg", &len);
	ck_assert_int_eq(len, 4);
	ck_assert_uint_eq(fdt32_to_cpu(c[0]), 0x54);
	off = fdt_subnode_offset(p, off, "board-sn@0");
	ck_assert_int_ge(off, 0);
	c = fdt_getprop(p, off, "reg", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(fdt32_to_cpu(c[1]), 0x14);

	off = fdt_path_offset(p, "/passthrough/i2c@ff020000/gpio@20/gtr-sel1-hog");
	ck_assert_int_ge(off, 0);
	c = fdt_getprop(p, off, "gpios", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(fdt32_to_cpu(c[0]), 1);
	expect_plain_subtree(p, fdt_path_offset(p, "/passthrough/i2c@ff020000"));

	/* The alias of the EEPROM follows it into the guest. */
	off = fdt_path_offset(p, "/aliases");
	ck_assert_int_ge(off, 0);
	ck_assert_str_eq(fdt_getprop(p, off, "nvmem0", NULL), eeprom);
	free(p);
	fx_close(&f);
}
END_TEST

/* The QSPI controller carries its NOR flash as a plain child. */
START_TEST(test_spi_bus_carries_flash)
{
	struct fx f;
	size_t size;
	void *p;
	int bus, off;

	fx_open(&f, "zynqmp-zcu102-rev1.0.dtb");
	bus = fx_add(&f, "/axi/spi@ff0f0000");
	ck_assert_int_eq(dtg_pt_set_clock_rate(f.d, bus, "ref_clk", 100000000), 0);
	ck_assert_int_eq(dtg_pt_set_clock_rate(f.d, bus, "pclk", 100000000), 0);
	p = finalize_partial(&f, &size);
	off = fdt_path_offset(p, "/passthrough/spi@ff0f0000");
	ck_assert_int_ge(off, 0);
	ck_assert_ptr_nonnull(fdt_getprop(p, off, "xen,path", NULL));
	expect_plain_subtree(p, off);
	off = fdt_path_offset(p, "/passthrough/spi@ff0f0000/flash@0");
	ck_assert_int_ge(off, 0);
	ck_assert_int_eq(fdt_node_check_compatible(p, off, "jedec,spi-nor"), 0);
	free(p);
	fx_close(&f);
}
END_TEST

/*
 * An interrupt-only node (ZCU102's PMU: four SPIs, no reg): an empty
 * xen,reg, so handle_prop_pfdt() accepts it and handle_passthrough_prop()
 * maps nothing, then routes the SPIs of xen,path.
 */
START_TEST(test_interrupt_only_empty_xen_reg)
{
	struct fx f;
	size_t size;
	void *p;
	int dev, off, len;

	fx_open(&f, "zynqmp-zcu102-rev1.0.dtb");
	dev = fx_add(&f, "/pmu");
	ck_assert_int_eq(dtg_pt_set_iommu(f.d, dev, DTG_IOMMU_MODE_OFF), 0);
	p = finalize_partial(&f, &size);
	off = fdt_path_offset(p, "/passthrough/pmu");
	ck_assert_int_ge(off, 0);
	ck_assert_ptr_nonnull(fdt_getprop(p, off, "xen,reg", &len));
	ck_assert_int_eq(len, 0);
	ck_assert_str_eq(fdt_getprop(p, off, "xen,path", NULL), "/pmu");
	ck_assert_ptr_nonnull(fdt_getprop(p, off, "xen,force-assign-without-iommu", NULL));
	ck_assert_ptr_nonnull(fdt_getprop(p, off, "interrupts", &len));
	ck_assert_int_eq(len, 4 * 12);
	free(p);
	fx_close(&f);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("nommio");
	TCase *tc = tcase_create("nommio");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_i2c_slave_refused);
	tcase_add_test(tc, test_i2c_slave_behind_mux_refused);
	tcase_add_test(tc, test_spi_slave_refused);
	tcase_add_test(tc, test_flash_partition_refused);
	tcase_add_test(tc, test_slave_with_its_bus);
	tcase_add_test(tc, test_i2c_bus_carries_slaves);
	tcase_add_test(tc, test_spi_bus_carries_flash);
	tcase_add_test(tc, test_interrupt_only_empty_xen_reg);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
