/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_fdt_check.c - dtg_partial_check() on hand-written partial
 * DTs (compiled with dtc) against QEMU virt's real host DTB: the partial
 * DT that booted on real Xen (E2E.md) passes, and each defect Xen logs
 * (E2E.md's table) and each further rule is reported with its node and
 * property.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/fdt.h>
#include "testutil.h"

#define MAX_ISSUES 32

struct issues {
	int n;
	char node[MAX_ISSUES][128];
	char prop[MAX_ISSUES][64];
	char msg[MAX_ISSUES][1024];
	enum dtg_partial_effect fx[MAX_ISSUES][3];   /* 4.17, 4.22, xl */
	int stop_after;   /* 0: never stop */
};

static int collect(void *opaque, const struct dtg_partial_issue *is)
{
	struct issues *c = opaque;

	ck_assert(is->node != NULL && is->message != NULL);
	if (c->n < MAX_ISSUES) {
		snprintf(c->node[c->n], sizeof(c->node[0]), "%s", is->node);
		snprintf(c->prop[c->n], sizeof(c->prop[0]), "%s",
			 is->property ? is->property : "");
		snprintf(c->msg[c->n], sizeof(c->msg[0]), "%s", is->message);
		c->fx[c->n][0] = is->xen417;
		c->fx[c->n][1] = is->xen422;
		c->fx[c->n][2] = is->xl;
	}
	c->n++;
	return c->stop_after && c->n >= c->stop_after;
}

/* The partial DT of E2E.md, with the pl031 node's xen,* and IRQ lines
 * replaced by `dev` and extra nodes under /passthrough by `extra`. */
#define PT_HEAD \
	"/dts-v1/;\n/ {\n #address-cells = <2>; #size-cells = <2>;\n" \
	" passthrough {\n  compatible = \"simple-bus\"; ranges;\n" \
	"  #address-cells = <2>; #size-cells = <2>;\n" \
	"  apb: clock-apb_pclk { compatible = \"fixed-clock\";" \
	" #clock-cells = <0>; clock-frequency = <24000000>; };\n" \
	"  pl031@9010000 { compatible = \"arm,pl031\", \"arm,primecell\";\n" \
	"   reg = <0 0x9010000 0 0x1000>; clocks = <&apb>;" \
	" clock-names = \"apb_pclk\";\n"
#define GOOD_DEV \
	"   interrupt-parent = <0xfde8>; interrupts = <0 2 4>;\n" \
	"   xen,reg = <0 0x9010000 0 0x1000 0 0x9010000>;\n" \
	"   xen,path = \"/pl031@9010000\"; xen,force-assign-without-iommu;\n"

static char *partial_dts(const char *dev, const char *extra, const char *top)
{
	static const char fmt[] = PT_HEAD "%s  };\n%s };\n%s};\n";
	size_t n = strlen(fmt) + strlen(dev) + strlen(extra) + strlen(top);
	char *s = malloc(n);

	ck_assert(s != NULL);
	snprintf(s, n, fmt, dev, extra, top);
	return s;
}

/* Check a partial DT made of (dev, extra, top) against virt.dtb. */
static int check3(const char *dev, const char *extra, const char *top,
		  struct issues *out)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt.dtb");
	char *dts = partial_dts(dev, extra, top);
	size_t size;
	void *blob = tu_dts_to_dtb(dts, &size);
	int r;

	memset(out, 0, sizeof(*out));
	r = dtg_partial_check(ctx, host, blob, size, "p.dtb", collect, out);
	free(blob);
	free(dts);
	dtg_host_free(host);
	tu_ctx_free(ctx);
	return r;
}

static int check_dev(const char *dev, struct issues *out)
{
	return check3(dev, "", "", out);
}

/* Assert that issue list holds (node, prop) with message containing text. */
static void expect(const struct issues *c, const char *node, const char *prop,
		   const char *text)
{
	for (int i = 0; i < c->n && i < MAX_ISSUES; i++)
		if (!strcmp(c->node[i], node) && !strcmp(c->prop[i], prop) &&
		    strstr(c->msg[i], text))
			return;
	char all[4096] = "";
	for (int i = 0; i < c->n && i < MAX_ISSUES; i++) {
		size_t l = strlen(all);
		snprintf(all + l, sizeof(all) - l, "  %s: %s: %s\n",
			 c->node[i], c->prop[i], c->msg[i]);
	}
	ck_abort_msg("no issue %s: %s: ...%s... among %d:\n%s", node, prop,
		     text, c->n, all);
}

#define PL031 "/passthrough/pl031@9010000"

#define OK DTG_PARTIAL_OK
#define GUEST DTG_PARTIAL_GUEST
#define LOGGED DTG_PARTIAL_LOGGED
#define FAILS DTG_PARTIAL_FAILS

/*
 * Like expect(), and the issue says what each consumer does: its effect
 * codes (Xen 4.17 dom0less, Xen 4.22 dom0less, xl) and the consumer
 * text in the message.
 */
static void expect_fx(const struct issues *c, const char *node,
		      const char *prop, const char *text,
		      enum dtg_partial_effect x417, enum dtg_partial_effect x422,
		      enum dtg_partial_effect xl, const char *consumer)
{
	expect(c, node, prop, text);
	for (int i = 0; i < c->n && i < MAX_ISSUES; i++) {
		if (strcmp(c->node[i], node) || strcmp(c->prop[i], prop) ||
		    !strstr(c->msg[i], text))
			continue;
		ck_assert_msg(c->fx[i][0] == x417 && c->fx[i][1] == x422 &&
			      c->fx[i][2] == xl,
			      "%s: %s: effects %d/%d/%d, want %d/%d/%d", node,
			      prop, c->fx[i][0], c->fx[i][1], c->fx[i][2],
			      x417, x422, xl);
		ck_assert_msg(strstr(c->msg[i], consumer), "no \"%s\" in: %s",
			      consumer, c->msg[i]);
		return;
	}
}

START_TEST(test_e2e_partial_is_clean)
{
	struct issues c;

	ck_assert_int_eq(check_dev(GOOD_DEV, &c), 0);
	ck_assert_int_eq(c.n, 0);
}
END_TEST

/* E2E.md: xen,path names no host node -> "Couldn't find node". */
START_TEST(test_e2e_bad_path)
{
	struct issues c;
	int r = check_dev("interrupt-parent = <0xfde8>; interrupts = <0 2 4>;"
			  "xen,reg = <0 0x9010000 0 0x1000 0 0x9010000>;"
			  "xen,path = \"/pl031@9999000\";"
			  "xen,force-assign-without-iommu;", &c);

	ck_assert_int_eq(r, c.n);
	ck_assert_int_eq(r, 1);
	expect(&c, PL031, "xen,path", "Couldn't find node /pl031@9999000");
}
END_TEST

/* E2E.md: unaligned guest address -> "not page aligned". */
START_TEST(test_e2e_unaligned)
{
	struct issues c;
	int r = check_dev("interrupt-parent = <0xfde8>; interrupts = <0 2 4>;"
			  "xen,reg = <0 0x9010000 0 0x1000 0 0x9010800>;"
			  "xen,path = \"/pl031@9010000\";"
			  "xen,force-assign-without-iommu;", &c);

	ck_assert_int_ge(r, 1);
	expect(&c, PL031, "xen,reg", "not page aligned");
	/* and the guest's reg is then outside what is mapped */
	expect(&c, PL031, "reg", "not mapped");
}
END_TEST

/* E2E.md: neither xen,path nor force -> "xen,reg or xen,path missing". */
START_TEST(test_e2e_no_path_no_force)
{
	struct issues c;
	int r = check_dev("interrupt-parent = <0xfde8>; interrupts = <0 2 4>;"
			  "xen,reg = <0 0x9010000 0 0x1000 0 0x9010000>;", &c);

	ck_assert_int_ge(r, 1);
	expect(&c, PL031, "xen,path", "xen,reg or xen,path missing");
	expect(&c, PL031, "interrupts", "not routed");
}
END_TEST

/* E2E.md: no force on a device without an IOMMU -> assign fails. */
START_TEST(test_e2e_no_force)
{
	struct issues c;
	int r = check_dev("interrupt-parent = <0xfde8>; interrupts = <0 2 4>;"
			  "xen,reg = <0 0x9010000 0 0x1000 0 0x9010000>;"
			  "xen,path = \"/pl031@9010000\";", &c);

	ck_assert_int_eq(r, 1);
	expect(&c, PL031, "xen,force-assign-without-iommu",
	       "not behind an IOMMU");
}
END_TEST

/* E2E.md: no interrupt-parent -> the device probes without its IRQ. */
START_TEST(test_e2e_no_interrupt_parent)
{
	struct issues c;
	int r = check_dev("interrupts = <0 2 4>;"
			  "xen,reg = <0 0x9010000 0 0x1000 0 0x9010000>;"
			  "xen,path = \"/pl031@9010000\";"
			  "xen,force-assign-without-iommu;", &c);

	ck_assert_int_eq(r, 1);
	expect(&c, PL031, "interrupt-parent", "missing");
}
END_TEST

/* interrupt-parent inherited from /passthrough reaches the guest too. */
START_TEST(test_inherited_interrupt_parent)
{
	static const char dts[] =
		"/dts-v1/;\n/ { #address-cells = <2>; #size-cells = <2>;\n"
		" passthrough { compatible = \"simple-bus\"; ranges;\n"
		"  #address-cells = <2>; #size-cells = <2>;\n"
		"  interrupt-parent = <0xfde8>;\n"
		"  pl031@9010000 { reg = <0 0x9010000 0 0x1000>;"
		"   interrupts = <0 2 4>;"
		"   xen,reg = <0 0x9010000 0 0x1000 0 0x9010000>;"
		"   xen,path = \"/pl031@9010000\";"
		"   xen,force-assign-without-iommu; }; }; };\n";
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt.dtb");
	struct issues c;
	size_t size;
	void *blob = tu_dts_to_dtb(dts, &size);

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(dtg_partial_check(ctx, host, blob, size, "p.dtb",
					   collect, &c), 0);
	free(blob);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_passthrough_shape)
{
	static const char *bad[][3] = {
		/* dts, property, message fragment */
		{ "/dts-v1/; / { foo { }; };", "", "missing" },
		{ "/dts-v1/; / { passthrough { ranges; #address-cells = <2>;"
		  " #size-cells = <2>; }; };", "compatible", "missing" },
		{ "/dts-v1/; / { passthrough { compatible = \"foo\"; ranges;"
		  " #address-cells = <2>; #size-cells = <2>; }; };",
		  "compatible", "simple-bus" },
		{ "/dts-v1/; / { passthrough { compatible = \"simple-bus\";"
		  " #address-cells = <2>; #size-cells = <2>; }; };",
		  "ranges", "missing" },
		{ "/dts-v1/; / { passthrough { compatible = \"simple-bus\";"
		  " ranges = <0 0 0 0 0 0x1000>; #address-cells = <2>;"
		  " #size-cells = <2>; }; };", "ranges", "not empty" },
		{ "/dts-v1/; / { passthrough { compatible = \"simple-bus\";"
		  " ranges; #address-cells = <3>; #size-cells = <2>; }; };",
		  "#address-cells", "must be 1 or 2" },
		{ "/dts-v1/; / { passthrough { compatible = \"simple-bus\";"
		  " ranges; #address-cells = <2>; }; };",
		  "#size-cells", "missing" },
		{ "/dts-v1/; / { passthrough { compatible = \"simple-bus\";"
		  " ranges; #address-cells = <2>; #size-cells = <2>; };"
		  " gic { }; };", "phandle", "0xfde8" },
	};
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt.dtb");

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct issues c;
		size_t size;
		void *blob = tu_dts_to_dtb(bad[i][0], &size);
		const char *node = i == 0 ? "/passthrough"
			: i == 7 ? "/gic" : "/passthrough";

		memset(&c, 0, sizeof(c));
		ck_assert_int_eq(dtg_partial_check(ctx, host, blob, size,
						   "p.dtb", collect, &c), 1);
		expect(&c, node, bad[i][1], bad[i][2]);
		free(blob);
	}
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_xen_reg_rules)
{
	struct issues c;

	/* not whole triplets */
	check_dev("interrupt-parent = <0xfde8>; interrupts = <0 2 4>;"
		  "xen,reg = <0 0x9010000 0 0x1000 0>;"
		  "xen,path = \"/pl031@9010000\";"
		  "xen,force-assign-without-iommu;", &c);
	expect(&c, PL031, "xen,reg", "not a multiple of 24 bytes");

	/* host range that is not the host device's MMIO (the pl011's) */
	check_dev("interrupt-parent = <0xfde8>; interrupts = <0 2 4>;"
		  "xen,reg = <0 0x9000000 0 0x1000 0 0x9010000>;"
		  "xen,path = \"/pl031@9010000\";"
		  "xen,force-assign-without-iommu;", &c);
	expect(&c, PL031, "xen,reg", "not MMIO of host node /pl031@9010000");

	/* guest range on the guest GIC */
	check_dev("interrupt-parent = <0xfde8>; interrupts = <0 2 4>;"
		  "xen,reg = <0 0x9010000 0 0x1000 0 0x3001000>;"
		  "xen,path = \"/pl031@9010000\";"
		  "xen,force-assign-without-iommu;", &c);
	expect(&c, PL031, "xen,reg", "GIC distributor");

	/* two nodes mapping the same guest page */
	check3(GOOD_DEV,
	       "  pl011@9000000 { reg = <0 0x9010000 0 0x1000>;"
	       " interrupt-parent = <0xfde8>; interrupts = <0 1 4>;"
	       " xen,reg = <0 0x9000000 0 0x1000 0 0x9010000>;"
	       " xen,path = \"/pl011@9000000\";"
	       " xen,force-assign-without-iommu; };\n", "", &c);
	ck_assert_int_eq(c.n, 1);
	expect(&c, "/passthrough/pl011@9000000", "xen,reg",
	       "overlaps " PL031);

	/* passthrough properties outside /passthrough are ignored by Xen */
	check3(GOOD_DEV, "", " misplaced@9000000 { xen,path = \"/pl011@9000000\";"
	       " xen,reg = <0 0x9000000 0 0x1000 0 0x9000000>; };\n", &c);
	ck_assert_int_eq(c.n, 1);
	expect(&c, "/misplaced@9000000", "", "ignored");
}
END_TEST

START_TEST(test_interrupt_rules)
{
	struct issues c;

	/* SPI the host node does not have (virtual must equal physical) */
	check_dev("interrupt-parent = <0xfde8>; interrupts = <0 5 4>;"
		  "xen,reg = <0 0x9010000 0 0x1000 0 0x9010000>;"
		  "xen,path = \"/pl031@9010000\";"
		  "xen,force-assign-without-iommu;", &c);
	ck_assert_int_eq(c.n, 1);
	expect(&c, PL031, "interrupts", "SPI 5 (INTID 37) is not an interrupt");

	/* a PPI, a 2-cell form, a level-low SPI, the vpl011 SPI */
	check_dev("interrupt-parent = <0xfde8>; interrupts = <1 2 4>;"
		  "xen,reg = <0 0x9010000 0 0x1000 0 0x9010000>;"
		  "xen,path = \"/pl031@9010000\";"
		  "xen,force-assign-without-iommu;", &c);
	expect(&c, PL031, "interrupts", "not an SPI");
	check_dev("interrupt-parent = <0xfde8>; interrupts = <2 4>;"
		  "xen,reg = <0 0x9010000 0 0x1000 0 0x9010000>;"
		  "xen,path = \"/pl031@9010000\";"
		  "xen,force-assign-without-iommu;", &c);
	expect(&c, PL031, "interrupts", "not a multiple of 12 bytes");
	check_dev("interrupt-parent = <0xfde8>; interrupts = <0 2 8>;"
		  "xen,reg = <0 0x9010000 0 0x1000 0 0x9010000>;"
		  "xen,path = \"/pl031@9010000\";"
		  "xen,force-assign-without-iommu;", &c);
	ck_assert_int_eq(c.n, 1);
	expect(&c, PL031, "interrupts", "trigger flags 0x8");
	check_dev("interrupt-parent = <0xfde8>; interrupts = <0 0 4>;"
		  "xen,reg = <0 0x9010000 0 0x1000 0 0x9010000>;"
		  "xen,path = \"/pl031@9010000\";"
		  "xen,force-assign-without-iommu;", &c);
	expect(&c, PL031, "interrupts", "vpl011");

	/* a parent other than the guest GIC */
	check_dev("interrupt-parent = <&apb>; interrupts = <0 2 4>;"
		  "xen,reg = <0 0x9010000 0 0x1000 0 0x9010000>;"
		  "xen,path = \"/pl031@9010000\";"
		  "xen,force-assign-without-iommu;", &c);
	expect(&c, PL031, "interrupt-parent", "not the guest GIC");

	/* the same SPI in two nodes */
	check3(GOOD_DEV,
	       "  pl011@9000000 { reg = <0 0x9000000 0 0x1000>;"
	       " interrupt-parent = <0xfde8>; interrupts = <0 2 4>;"
	       " xen,reg = <0 0x9000000 0 0x1000 0 0x9000000>;"
	       " xen,path = \"/pl011@9000000\";"
	       " xen,force-assign-without-iommu; };\n", "", &c);
	expect(&c, "/passthrough/pl011@9000000", "interrupts",
	       "also used by " PL031);
}
END_TEST

START_TEST(test_stop_and_bad_blob)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt.dtb");
	char *dts = partial_dts("interrupts = <1 2 3>; xen,reg = <0 1 0 1 0 1>;",
				"", "");
	size_t size;
	void *blob = tu_dts_to_dtb(dts, &size);
	struct issues c;

	/* a non-zero return from the callback stops the check */
	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	ck_assert_int_eq(dtg_partial_check(ctx, host, blob, size, "p.dtb",
					   collect, &c), 1);
	/* fn may be NULL: the count is still returned */
	ck_assert_int_gt(dtg_partial_check(ctx, host, blob, size, "p.dtb",
					   NULL, NULL), 1);

	/* a blob that is not a valid DTB is an error, not an issue */
	ck_assert_int_eq(dtg_partial_check(ctx, host, blob, 20, "p.dtb",
					   collect, &c), -DTG_EBADDTB);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "p.dtb"));
	/* a size smaller than the header's totalsize (truncated file) */
	ck_assert_int_eq(dtg_partial_check(ctx, host, blob, size - 8,
					   "p.dtb", collect, &c), -DTG_EBADDTB);
	free(blob);
	free(dts);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * handle_prop_pfdt() fails for a device node (here "Couldn't find node",
 * handle_passthrough_prop): Xen 4.17's scan_pfdt_node() ignores its
 * child's error (logged, E2E.md saw the guest boot), 4.22's returns it
 * and create_domUs() panics; libxl's copy_partial_fdt() copies xen,*
 * without reading them.
 */
START_TEST(test_effect_node_fails)
{
	struct issues c;

	check_dev("interrupt-parent = <0xfde8>; interrupts = <0 2 4>;"
		  "xen,reg = <0 0x9010000 0 0x1000 0 0x9010000>;"
		  "xen,path = \"/pl031@9999000\";"
		  "xen,force-assign-without-iommu;", &c);
	expect_fx(&c, PL031, "xen,path", "Couldn't find node", LOGGED, FAILS,
		  OK, "4.17 dom0less: logged, the guest boots");
	expect_fx(&c, PL031, "xen,path", "Couldn't find node", LOGGED, FAILS,
		  OK, "4.22 dom0less: panics (create_domUs)");
	/* the same class: unaligned xen,reg, xen,path without xen,reg */
	check_dev("xen,reg = <0 0x9010000 0 0x1000 0 0x9010800>;"
		  "xen,path = \"/pl031@9010000\";"
		  "xen,force-assign-without-iommu;", &c);
	expect_fx(&c, PL031, "xen,reg", "not page aligned", LOGGED, FAILS,
		  OK, "xl: ignored");
	check_dev("xen,path = \"/pl031@9010000\";", &c);
	expect_fx(&c, PL031, "xen,reg", "xen,reg or xen,path missing",
		  LOGGED, FAILS, OK, "pass its bus controller instead");
}
END_TEST

/*
 * No /passthrough: the dom0less builders scan nothing (the guest boots
 * without devices), libxl's copy_partial_fdt() fails the create.
 */
START_TEST(test_effect_no_passthrough)
{
	struct issues c;
	size_t size;
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt.dtb");
	void *blob = tu_dts_to_dtb("/dts-v1/; / { foo { }; };", &size);

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(dtg_partial_check(ctx, host, blob, size, "p.dtb",
					   collect, &c), 1);
	expect_fx(&c, "/passthrough", "", "missing", GUEST, GUEST, FAILS,
		  "copy_partial_fdt");
	free(blob);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * /gic: Xen 4.17 takes its phandle as the guest GIC's (0 without one),
 * 4.22 keeps 0xfde8 then (init_intc_phandle), and 4.22 panics on any
 * phandle >= 0xfde7 (domain_handle_dtb_boot_module, fdt_generate_phandle);
 * libxl never copies /gic, its GIC is 0xfde8.
 */
START_TEST(test_effect_gic)
{
	struct issues c;

	/* /gic with 0xfde8: fine for 4.17 and xl, a 4.22 panic */
	check3(GOOD_DEV, "", " gic { phandle = <0xfde8>; };\n", &c);
	ck_assert_int_eq(c.n, 1);
	expect_fx(&c, "/gic", "phandle", "0xfde8: the highest phandle",
		  OK, FAILS, OK, "Phandle allocation overlaps Xen reserved range");
	/* /gic without a phandle: the 4.17 guest GIC gets phandle 0 */
	check3(GOOD_DEV, "", " gic { };\n", &c);
	ck_assert_int_eq(c.n, 1);
	expect_fx(&c, "/gic", "phandle", "missing", GUEST, OK, OK,
		  "4.17 dom0less: the guest's GIC gets phandle 0");
	/* a custom /gic phandle used by the device: only xl dangles */
	check3("   interrupt-parent = <&g>; interrupts = <0 2 4>;\n"
	       "   xen,reg = <0 0x9010000 0 0x1000 0 0x9010000>;\n"
	       "   xen,path = \"/pl031@9010000\"; xen,force-assign-without-iommu;\n",
	       "", " g: gic { #interrupt-cells = <3>; interrupt-controller; };\n",
	       &c);
	ck_assert_int_eq(c.n, 1);
	expect_fx(&c, PL031, "interrupt-parent", "is /gic's phandle", OK, OK,
		  GUEST, "xl: dangles");
	/* ... and a device that uses 0xfde8 then dangles in dom0less */
	check3(GOOD_DEV, "   pl031-user { interrupt-parent = <&g>; };\n",
	       " g: gic { #interrupt-cells = <3>; interrupt-controller; };\n",
	       &c);
	expect_fx(&c, PL031, "interrupt-parent", "but /gic has phandle",
		  GUEST, GUEST, OK, "4.22 dom0less: dangles");
}
END_TEST

/* No interrupt-parent: only the dom0less guest root lacks one. */
START_TEST(test_effect_no_interrupt_parent)
{
	struct issues c;

	check_dev("interrupts = <0 2 4>;"
		  "xen,reg = <0 0x9010000 0 0x1000 0 0x9010000>;"
		  "xen,path = \"/pl031@9010000\";"
		  "xen,force-assign-without-iommu;", &c);
	expect_fx(&c, PL031, "interrupt-parent", "missing", GUEST, GUEST, OK,
		  "libxl's root has interrupt-parent");
}
END_TEST

/*
 * #address-cells 3: 4.17 misreads xen,reg, 4.22's handle_passthrough_prop
 * refuses it ("Invalid address_cells") and create_domUs panics.
 */
START_TEST(test_effect_cells)
{
	static const char dts[] =
		"/dts-v1/; / { passthrough { compatible = \"simple-bus\";"
		" ranges; #address-cells = <3>; #size-cells = <2>;"
		" d { xen,reg = <0 0 0x9010000 0 0x1000 0 0 0x9010000>;"
		" xen,path = \"/pl031@9010000\"; xen,force-assign-without-iommu; };"
		" }; };";
	struct issues c;
	size_t size;
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt.dtb");
	void *blob = tu_dts_to_dtb(dts, &size);

	memset(&c, 0, sizeof(c));
	ck_assert_int_ge(dtg_partial_check(ctx, host, blob, size, "p.dtb",
					   collect, &c), 1);
	expect_fx(&c, "/passthrough", "#address-cells", "is 3", GUEST, FAILS,
		  OK, "Invalid address_cells");
	free(blob);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * ZCU102: the GEM sits behind the MMU-500, which this DT disables.
 * Xen's iommu_add_dt_device() stops at the unavailable IOMMU, the GEM
 * stays unprotected, and without force iommu_assign_dt_device() fails:
 * logged by 4.17, a panic on 4.22.  With force both accept it.
 */
START_TEST(test_effect_iommu_disabled)
{
	static const char fmt[] =
		"/dts-v1/; / { #address-cells = <2>; #size-cells = <2>;"
		" passthrough { compatible = \"simple-bus\"; ranges;"
		" #address-cells = <2>; #size-cells = <2>;"
		" ethernet@ff0e0000 { reg = <0 0xff0e0000 0 0x1000>;"
		" interrupt-parent = <0xfde8>; interrupts = <0 0x3f 4>;"
		" xen,reg = <0 0xff0e0000 0 0x1000 0 0xff0e0000>;"
		" xen,path = \"/axi/ethernet@ff0e0000\"; %s }; }; };";
	const char *force[2] = { "", "xen,force-assign-without-iommu;" };
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "zynqmp-zcu102-rev1.0.dtb");

	for (int k = 0; k < 2; k++) {
		char dts[1024];
		struct issues c;
		size_t size;
		void *blob;

		snprintf(dts, sizeof(dts), fmt, force[k]);
		blob = tu_dts_to_dtb(dts, &size);
		memset(&c, 0, sizeof(c));
		ck_assert_int_eq(dtg_partial_check(ctx, host, blob, size,
						   "p.dtb", collect, &c), k ? 0 : 1);
		if (!k)
			expect_fx(&c, "/passthrough/ethernet@ff0e0000",
				  "xen,force-assign-without-iommu",
				  "/axi/iommu@fd800000 of host node "
				  "/axi/ethernet@ff0e0000 is disabled",
				  LOGGED, FAILS, OK, "4.22 dom0less: panics");
		free(blob);
	}
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * What Xen maps without checking (handle_passthrough_prop compares
 * xen,reg with nothing): accepted by both builders, ignored by xl.
 */
START_TEST(test_effect_unchecked)
{
	struct issues c;

	check_dev("interrupt-parent = <0xfde8>; interrupts = <0 2 4>;"
		  "xen,reg = <0 0x9020000 0 0x1000 0 0x9010000>;"
		  "xen,path = \"/pl031@9010000\";"
		  "xen,force-assign-without-iommu;", &c);
	expect_fx(&c, PL031, "xen,reg", "is not MMIO of host node", GUEST,
		  GUEST, OK, "does not check it");
	/* an empty xen,reg of a device with MMIO: nothing mapped */
	check_dev("interrupt-parent = <0xfde8>; interrupts = <0 2 4>;"
		  "xen,reg; xen,path = \"/pl031@9010000\";"
		  "xen,force-assign-without-iommu;", &c);
	expect_fx(&c, PL031, "xen,reg", "empty: the MMIO of host node",
		  GUEST, GUEST, OK, "xl: ignored");
}
END_TEST

static Suite *fdt_check_suite(void)
{
	Suite *s = suite_create("partial-check");
	TCase *e2e = tcase_create("e2e-defects");
	TCase *rules = tcase_create("rules");

	tcase_add_test(e2e, test_e2e_partial_is_clean);
	tcase_add_test(e2e, test_e2e_bad_path);
	tcase_add_test(e2e, test_e2e_unaligned);
	tcase_add_test(e2e, test_e2e_no_path_no_force);
	tcase_add_test(e2e, test_e2e_no_force);
	tcase_add_test(e2e, test_e2e_no_interrupt_parent);
	tcase_add_test(rules, test_inherited_interrupt_parent);
	tcase_add_test(rules, test_passthrough_shape);
	tcase_add_test(rules, test_xen_reg_rules);
	tcase_add_test(rules, test_interrupt_rules);
	tcase_add_test(rules, test_stop_and_bad_blob);
	tcase_add_test(rules, test_effect_node_fails);
	tcase_add_test(rules, test_effect_no_passthrough);
	tcase_add_test(rules, test_effect_gic);
	tcase_add_test(rules, test_effect_no_interrupt_parent);
	tcase_add_test(rules, test_effect_cells);
	tcase_add_test(rules, test_effect_iommu_disabled);
	tcase_add_test(rules, test_effect_unchecked);
	suite_add_tcase(s, e2e);
	suite_add_tcase(s, rules);
	return s;
}

int main(void)
{
	return tu_run_suite(fdt_check_suite());
}
