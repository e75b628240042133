/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_virtio_libxl.c - virtio-mmio nodes as libxl writes them.
 *
 * For each configuration and each Xen release 4.17 .. 4.22 whose xl can
 * say it, an xl.cfg text goes through libdtgen (parse, describe with the
 * release, finalize, complete guest DT of QEMU virt's host) and the same
 * devices go through libxl's own code of that release (tests/libxl/ *.inc,
 * verbatim libxl_arm.c: alloc_virtio_mmio_params, make_xen_iommu_node,
 * make_virtio_mmio_node*, driven by the loops of
 * libxl__arch_domain_prepare_config and libxl__prepare_dtb in
 * tests/libxl-ref-*.c).  The root's xen_iommu and virtio@ nodes must be
 * the same node for node: names, properties in order, values, children.
 * Where libxl fails the creation, libdtgen must refuse.  libdtgen's guest
 * DT is checked by fdt_check_full and by dtc with its checks as errors.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <xendtgen/config.h>
#include <xendtgen/dom0less.h>
#include <xendtgen/domctl.h>
#include <xendtgen/fdt.h>
#include <xendtgen/viommu.h>
#include "libxl-ref.h"
#include "testutil.h"

/*
 * dtc checks run as errors on every guest DT here.  Not
 * interrupt_provider: dtc 1.6.1 wants #address-cells in every interrupt
 * controller, and libxl's make_virtio_mmio_node_gpio (like Linux's
 * gpio-virtio.yaml example) writes none; the node is kept as libxl
 * writes it, so that check would only report libxl's own node.
 */
#define DTC_CHECKS "iommus_property interrupts_property reg_format " \
	"unit_address_vs_reg unit_address_format " \
	"i2c_bus_bridge gpios_property node_name_chars property_name_chars " \
	"duplicate_node_names duplicate_property_names phandle_references"

#define MAX_DEV 16

struct scenario {
	const char *what;
	size_t n;
	struct ref_dev dev[MAX_DEV];
};

/* The xl.cfg a user writes for the devices (disks and virtio lists). */
static char *xl_cfg(const struct scenario *s)
{
	static char buf[4096];
	size_t o = 0;
	int ndisk = 0, nvirtio = 0;

	o += (size_t)snprintf(buf + o, sizeof(buf) - o,
			      "name = \"vio\"\nmemory = 256\nvcpus = 1\n");
	for (size_t i = 0; i < s->n; i++) {
		const struct ref_dev *d = &s->dev[i];

		if (d->kind == REF_VIRTIO)
			continue;
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s",
				      ndisk++ ? ", " : "disk = [ ");
		if (d->kind == REF_DISK_XEN)
			o += (size_t)snprintf(buf + o, sizeof(buf) - o,
					      "'phy:/dev/vg/x%zu,xvd%c,w'", i, (char)('a' + i));
		else
			o += (size_t)snprintf(buf + o, sizeof(buf) - o,
					      "'vdev=xvd%c,backend=%u,specification=virtio%s%s,target=/dev/vg/v,%zu'",
					      (char)('a' + i), d->backend,
					      d->grant >= 0 ? ",grant_usage=" : "",
					      d->grant == 0 ? "0" : d->grant == 1 ? "1" : "", i);
	}
	if (ndisk)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, " ]\n");
	for (size_t i = 0; i < s->n; i++) {
		const struct ref_dev *d = &s->dev[i];

		if (d->kind != REF_VIRTIO)
			continue;
		o += (size_t)snprintf(buf + o, sizeof(buf) - o,
				      "%s\"backend=%u,type=%s,transport=mmio%s%s\"",
				      nvirtio++ ? ", " : "virtio = [ ", d->backend, d->type,
				      d->grant >= 0 ? ",grant_usage=" : "",
				      d->grant == 0 ? "0" : d->grant == 1 ? "1" : "");
	}
	if (nvirtio)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, " ]\n");
	ck_assert_uint_lt(o, sizeof(buf) - 1);
	return buf;
}

/* libdtgen: the complete guest DT for the cfg and release, or the error. */
static int dtgen_guest(dtg_ctx *ctx, dtg_host *host, const char *cfgtext,
		       unsigned release, void **dtb, size_t *size)
{
	int r;
	dtg_domain *d = tu_domain_cfg(ctx, host, cfgtext, "vio.cfg", release, &r);

	if (d)
		r = dtg_fdt_guest_alloc(d, dtb, size);
	dtg_domain_free(d);
	return r;
}

/* libxl's nodes: node a of tree A equals node b of tree B, recursively. */
static void same_node(const void *A, int a, const void *B, int b, const char *where)
{
	int pa, pb, ca, cb;

	ck_assert_msg(!strcmp(fdt_get_name(A, a, NULL), fdt_get_name(B, b, NULL)),
		      "%s: node %s, libxl writes %s", where,
		      fdt_get_name(A, a, NULL), fdt_get_name(B, b, NULL));
	pa = fdt_first_property_offset(A, a);
	pb = fdt_first_property_offset(B, b);
	while (pa >= 0 && pb >= 0) {
		const char *na, *nb;
		int la, lb;
		const void *va = fdt_getprop_by_offset(A, pa, &na, &la);
		const void *vb = fdt_getprop_by_offset(B, pb, &nb, &lb);

		ck_assert_msg(!strcmp(na, nb), "%s: %s: property %s where libxl has %s",
			      where, fdt_get_name(A, a, NULL), na, nb);
		ck_assert_msg(la == lb && !memcmp(va, vb, (size_t)la),
			      "%s: %s: %s differs from libxl's", where,
			      fdt_get_name(A, a, NULL), na);
		pa = fdt_next_property_offset(A, pa);
		pb = fdt_next_property_offset(B, pb);
	}
	ck_assert_msg(pa < 0 && pb < 0, "%s: %s: property count differs from libxl's",
		      where, fdt_get_name(A, a, NULL));
	ca = fdt_first_subnode(A, a);
	cb = fdt_first_subnode(B, b);
	while (ca >= 0 && cb >= 0) {
		same_node(A, ca, B, cb, where);
		ca = fdt_next_subnode(A, ca);
		cb = fdt_next_subnode(B, cb);
	}
	ck_assert_msg(ca < 0 && cb < 0, "%s: %s: children differ from libxl's",
		      where, fdt_get_name(A, a, NULL));
}

static bool virtio_node(const void *fdt, int off)
{
	const char *name = fdt_get_name(fdt, off, NULL);

	return !strcmp(name, "xen_iommu") || !strncmp(name, "virtio@", 7);
}

/* The root's xen_iommu/virtio@ nodes of ours, in order, are libxl's. */
static size_t compare_roots(const void *ours, const void *ref, const char *where)
{
	int o = fdt_first_subnode(ours, 0), r = fdt_first_subnode(ref, 0);
	size_t n = 0;

	for (; o >= 0; o = fdt_next_subnode(ours, o)) {
		if (!virtio_node(ours, o))
			continue;
		ck_assert_msg(r >= 0, "%s: %s is not in libxl's tree", where,
			      fdt_get_name(ours, o, NULL));
		same_node(ours, o, ref, r, where);
		r = fdt_next_subnode(ref, r);
		n++;
	}
	ck_assert_msg(r < 0, "%s: libxl also writes %s", where,
		      r >= 0 ? fdt_get_name(ref, r, NULL) : "");
	return n;
}

/* libxl's tree for the release, or its failure (< 0). */
static int libxl_tree(unsigned minor, const struct scenario *s, void *buf, int size)
{
	if (minor == 17)
		return libxl417_virtio_fdt(s->dev, s->n, buf, size);
	return libxl418_virtio_fdt(minor, s->dev, s->n, buf, size);
}

/*
 * Run one scenario for every release: where libxl (or that release's
 * xl) takes the devices, libdtgen's nodes are libxl's; where it fails,
 * libdtgen refuses.  Returns how many releases took it.
 */
static unsigned run(const struct scenario *s)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt.dtb");
	const char *cfg = xl_cfg(s);
	unsigned took = 0;

	for (unsigned minor = 17; minor <= 22; minor++) {
		static char ref[65536];
		char where[160];
		void *dtb = NULL;
		size_t size = 0;
		int rx = libxl_tree(minor, s, ref, sizeof(ref));
		int rd = dtgen_guest(ctx, host, cfg, DTG_XEN_RELEASE(4, minor), &dtb, &size);

		snprintf(where, sizeof(where), "%s, Xen 4.%u", s->what, minor);
		if (rx < 0) {
			ck_assert_msg(rd < 0, "%s: libxl fails (%d), libdtgen does not", where, rx);
			printf("%s: refused as libxl/xl refuse: %s\n", where, dtg_last_error(ctx));
			continue;
		}
		ck_assert_msg(rd == 0, "%s: %s", where, dtg_last_error(ctx));
		free(tu_check_dtb(dtb, size, DTC_CHECKS));
		printf("%s: %zu nodes as libxl writes them\n", where,
		       compare_roots(dtb, ref, where));
		dtg_free(ctx, dtb);
		took++;
	}
	dtg_host_free(host);
	tu_ctx_free(ctx);
	return took;
}

#define DISK_XEN           { REF_DISK_XEN, 0, NULL, -1 }
#define DISK(be)           { REF_DISK_VIRTIO, be, NULL, -1 }
#define DISK_G(be, g)      { REF_DISK_VIRTIO, be, NULL, g }
#define VIRTIO(be, t)      { REF_VIRTIO, be, t, -1 }
#define VIRTIO_G(be, t, g) { REF_VIRTIO, be, t, g }

/* Disks only: every release; 4.17 puts xen_iommu before the first granted disk. */
START_TEST(test_disks)
{
	static const struct scenario s = { "disks", 5, {
		DISK_XEN, DISK(0), DISK(1), DISK_XEN, DISK(2) } };

	ck_assert_uint_eq(run(&s), 6);
}
END_TEST

/* Disks and virtio devices (I2C, GPIO, generic): 4.18+; disks come first. */
START_TEST(test_mixed)
{
	static const struct scenario s = { "mixed", 7, {
		VIRTIO(1, "virtio,device22"), DISK(0), DISK_XEN,
		VIRTIO(0, "virtio,device29"), DISK(3),
		VIRTIO(2, "virtio,device1a"), VIRTIO(0, "virtio,device") } };

	ck_assert_uint_eq(run(&s), 5);
}
END_TEST

/* grant_usage given: devices from 4.18, disks from 4.19 (xl's disk parser). */
START_TEST(test_grant_usage)
{
	static const struct scenario dev = { "virtio grant_usage", 3, {
		VIRTIO_G(0, "virtio,device29", 1), VIRTIO_G(1, "virtio,device22", 0),
		DISK(1) } };
	static const struct scenario disk = { "disk grant_usage", 3, {
		DISK_G(1, 0), VIRTIO_G(0, "virtio,device22", 1), DISK_G(0, 1) } };

	ck_assert_uint_eq(run(&dev), 5);
	ck_assert_uint_eq(run(&disk), 4);
}
END_TEST

/* GUEST_VIRTIO_MMIO_SPI_FIRST..LAST: 11 devices fit, the 12th fails. */
START_TEST(test_out_of_spis)
{
	struct scenario s = { "11 devices", 11, { { 0 } } };

	for (size_t i = 0; i < 11; i++)
		s.dev[i] = (struct ref_dev)(i % 2 ? (struct ref_dev)DISK(1)
				 : (struct ref_dev)VIRTIO(2, "virtio,device22"));
	ck_assert_uint_eq(run(&s), 5);
	s.what = "12 devices";
	s.dev[s.n++] = (struct ref_dev)DISK(0);
	ck_assert_uint_eq(run(&s), 0);
}
END_TEST

/* make_virtio_mmio_node_device: "Invalid type for virtio device". */
START_TEST(test_unknown_type)
{
	static const struct scenario s = { "type virtio,blk", 2, {
		DISK(1), VIRTIO(1, "virtio,blk") } };
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt.dtb");
	dtg_domain *d;

	ck_assert_uint_eq(run(&s), 0);
	/* The API refuses it too, naming the type. */
	ck_assert_int_eq(dtg_domain_new(ctx, host, &d), 0);
	ck_assert_int_eq(dtg_domain_add_virtio(d, 1, "vhost,i2c", true), -DTG_EINVAL);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "'vhost,i2c'"));
	dtg_domain_free(d);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/* What libxl__arch_domain_prepare_config and xl refuse, libdtgen refuses. */
START_TEST(test_refusals)
{
	static const char *const bad[][2] = {
		/* "Physical IRQ %u conflicting with Virtio MMIO IRQ range" */
		{ "dt_passthrough = [ \"path=/pl031@9010000,iommu=no\" ]\n"
		  "virtio = [ \"backend=1,type=virtio,device22,transport=mmio\", "
		  "\"backend=1,type=virtio,device29,transport=mmio\" ]\n",
		  "conflicting with Virtio MMIO IRQ range" },
		/* libxl skips a device whose transport is not mmio: no node */
		{ "virtio = [ \"backend=1,type=virtio,device22\" ]\n", "no transport=mmio" },
		/* parse_virtio_config: "Unknown string ... in virtio spec" */
		{ "virtio = [ \"backend=1,type=virtio,device22,transport=mmio,irq=40\" ]\n",
		  "unknown key 'irq'" },
		/* libxlu_disk_l.l: unknown specification value */
		{ "disk = [ \"specification=vhost,target=/dev/vg/a\" ]\n",
		  "specification=vhost" },
		/* 4.22's nr_spis check: "Provided nr_spis value is too small" */
		{ "nr_spis = 2\ndisk = [ \"backend=1,specification=virtio,target=a\", "
		  "\"backend=1,specification=virtio,target=b\", "
		  "\"backend=1,specification=virtio,target=c\" ]\n",
		  "nr_spis: 2 is too few" },
	};
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt.dtb");

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		void *dtb = NULL;
		size_t size;
		int r = dtgen_guest(ctx, host, bad[i][0], 0, &dtb, &size);

		ck_assert_msg(r < 0, "accepted: %s", bad[i][0]);
		ck_assert_msg(strstr(dtg_last_error(ctx), bad[i][1]) != NULL,
			      "%s: %s", bad[i][1], dtg_last_error(ctx));
		ck_assert_ptr_null(dtb);
	}
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * Xen's dom0less builder (4.17 domain_build.c, 4.22 dom0less-build.c)
 * has no virtio-mmio support: a dom0less guest DT or system with virtio
 * devices is refused, never written without them.
 */
START_TEST(test_dom0less_refuses)
{
	static const char cfg[] =
		"name = \"vio\"\nmemory = 256\nkernel = \"/boot/Image\"\n"
		"disk = [ \"backend=0,specification=virtio,target=/dev/vg/a\" ]\n";
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt.dtb");
	dtg_config *c;
	dtg_domain *d;
	dtg_dom0less *b;
	struct dtg_dom0less_guest g = { 0 };
	void *dtb = NULL;
	size_t size;

	ck_assert_int_eq(dtg_config_parse(ctx, cfg, strlen(cfg), "vio.cfg", &c), 0);
	ck_assert_int_eq(dtg_domain_new(ctx, host, &d), 0);
	ck_assert_int_eq(dtg_domain_apply_config(d, c), 0);
	ck_assert_int_eq(dtg_domain_finalize(d), 0);
	ck_assert_int_eq(dtg_fdt_guest_by_alloc(d, DTG_GUEST_BUILDER_LIBXL, &dtb, &size), 0);
	dtg_free(ctx, dtb);
	dtb = NULL;
	for (int e = DTG_GUEST_BUILDER_DOM0LESS; e <= DTG_GUEST_BUILDER_DOM0LESS_ENHANCED; e++) {
		ck_assert_int_eq(dtg_fdt_guest_by_alloc(d, (enum dtg_guest_builder)e, &dtb, &size),
				 -DTG_EUNSUPPORTED);
		ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "dom0less builder"));
		ck_assert_ptr_null(dtb);
	}
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	g.domain = d;
	g.kernel_size = 0x100000;
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), -DTG_EUNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "virtio"));
	dtg_dom0less_free(b);
	dtg_domain_free(d);
	dtg_config_free(c);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("virtio_libxl");
	TCase *tc = tcase_create("libxl");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_disks);
	tcase_add_test(tc, test_mixed);
	tcase_add_test(tc, test_grant_usage);
	tcase_add_test(tc, test_out_of_spis);
	tcase_add_test(tc, test_unknown_type);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_dom0less_refuses);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
