/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_dom0less_system.c - dom0less systems as users build them
 * (Xen's docs/misc/arm/device-tree/booting.txt and cpupools.txt, 4.17 and
 * 4.22): a hybrid dom0, xen,enhanced, static shared memory, static event
 * channels, boot-time cpupools, LLC colors, on real host DTs (QEMU virt,
 * Arm Juno r2, TI J721E).
 *
 * Each output is read back here the way the Xen function named in the
 * test reads it (re-done with libfdt, not with the builder's own lists),
 * and checked with fdt_check_full and dtc with checks as errors.
 */
#include <check.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/config.h>
#include <xendtgen/dom0less.h>
#include <xendtgen/domain.h>
#include "testutil.h"

#define MIB (1024ULL * 1024)
#define DTC_CHECKS "reg_format unit_address_vs_reg phandle_references " \
	"node_name_chars property_name_chars duplicate_node_names"

static dtg_domain *guest(dtg_ctx *ctx, const dtg_host *host, const char *name,
			 uint64_t mib, const char *pt_path)
{
	dtg_domain *d;

	ck_assert_int_eq(dtg_domain_new(ctx, host, &d), 0);
	ck_assert_int_eq(dtg_domain_set_name(d, name), 0);
	ck_assert_int_eq(dtg_domain_set_memory_mib(d, mib), 0);
	ck_assert_int_eq(dtg_domain_set_vpl011(d, true), 0);
	ck_assert_int_eq(dtg_domain_set_kernel(d, "/boot/Image", "console=ttyAMA0"), 0);
	if (pt_path) {
		int dev = dtg_domain_add_passthrough(d, pt_path);
		ck_assert_msg(dev >= 0, "%s", dtg_last_error(ctx));
		ck_assert_int_eq(dtg_pt_set_iommu(d, dev, DTG_IOMMU_MODE_OFF), 0);
	}
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	return d;
}

static size_t add(dtg_dom0less *b, const dtg_domain *d)
{
	struct dtg_dom0less_guest g = { .domain = d, .kernel_size = 30 * MIB };
	int r = dtg_dom0less_add_guest(b, &g);

	ck_assert_int_ge(r, 0);
	return (size_t)r;
}

static const struct dtg_dom0less_dom0 dom0_linux = {
	.kernel = "/boot/Image", .kernel_size = 30 * MIB,
	.ramdisk = "/boot/dom0.cpio", .ramdisk_size = 3 * MIB,
	.cmdline = "console=hvc0 earlycon=xen rdinit=/init",
	.memory_mib = 512, .vcpus = 1,
};

/* The finalized host DTB, checked by its readers. */
static const void *final_dtb(dtg_ctx *ctx, dtg_dom0less *b)
{
	const void *dtb;
	size_t size;

	ck_assert_msg(dtg_dom0less_finalize(b) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_eq(dtg_dom0less_host_dtb(b, &dtb, &size), 0);
	free(tu_check_dtb(dtb, size, DTC_CHECKS));
	return dtb;
}

static void expect_fail(dtg_ctx *ctx, dtg_dom0less *b, int code,
			const char *text)
{
	ck_assert_int_eq(dtg_dom0less_finalize(b), code);
	ck_assert_msg(strstr(dtg_last_error(ctx), text), "'%s' lacks '%s'",
		      dtg_last_error(ctx), text);
}

static uint64_t cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

static int ncells(const void *fdt, int node, const char *name, int dflt)
{
	const fdt32_t *p = fdt_getprop(fdt, node, name, NULL);

	return p ? (int)fdt32_to_cpu(*p) : dflt;
}

/*
 * Hybrid dom0, read as Xen 4.17 bootfdt.c does: early_scan_node hands
 * every "multiboot,module" node at depth <= 3 to process_multiboot_node,
 * which takes its kind from the compatible and makes it a domU module iff
 * its parent is "xen,domain"; dom0's kernel is the kernel module that is
 * not a domU's; boot_fdt_cmdline takes xen,xen-bootargs for Xen and
 * xen,dom0-bootargs for dom0 (booting.txt "Command lines").
 */
START_TEST(test_hybrid_dom0)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt-el2-gicv3.dtb");
	dtg_domain *g = guest(ctx, host, "rtc", 64, "/pl031@9010000");
	struct dtg_dom0less_opts opts = { .xen_bootargs = "console=dtuart bootscrub=0" };
	dtg_dom0less *b;
	const void *dtb;
	int chosen, node, kernels = 0, ramdisks = 0;

	ck_assert_int_eq(dtg_dom0less_new(ctx, host, &opts, &b), 0);
	ck_assert_int_eq(dtg_dom0less_set_dom0(b, &dom0_linux), 0);
	ck_assert_int_eq(dtg_dom0less_set_dom0(b, &dom0_linux), -DTG_EDUPLICATE);
	add(b, g);
	dtb = final_dtb(ctx, b);
	chosen = fdt_path_offset(dtb, "/chosen");
	ck_assert_str_eq(fdt_getprop(dtb, chosen, "xen,xen-bootargs", NULL),
			 "console=dtuart bootscrub=0 dom0_mem=512M dom0_max_vcpus=1");
	ck_assert_str_eq(fdt_getprop(dtb, chosen, "xen,dom0-bootargs", NULL),
			 dom0_linux.cmdline);
	fdt_for_each_subnode(node, dtb, chosen) {
		const fdt32_t *reg;
		int len;

		if (fdt_node_check_compatible(dtb, node, "multiboot,module"))
			continue;
		/* depth 2, parent /chosen (not "xen,domain"): a dom0 module */
		reg = fdt_getprop(dtb, node, "reg", &len);
		ck_assert_int_eq(len, 4 * (2 + 2));   /* /chosen's cells */
		if (!fdt_node_check_compatible(dtb, node, "multiboot,kernel")) {
			kernels++;
			ck_assert_uint_eq(cells(reg + 2, 2), 30 * MIB);
			/* the bootargs of a dom0 kernel module would override
			 * xen,dom0-bootargs: there is none */
			ck_assert_ptr_null(fdt_getprop(dtb, node, "bootargs", NULL));
		} else if (!fdt_node_check_compatible(dtb, node, "multiboot,ramdisk")) {
			ramdisks++;
			ck_assert_uint_eq(cells(reg + 2, 2), 3 * MIB);
		}
	}
	ck_assert_int_eq(kernels, 1);
	ck_assert_int_eq(ramdisks, 1);
	/* the domU keeps its own modules and its device */
	node = fdt_path_offset(dtb, "/chosen/rtc");
	ck_assert_int_eq(fdt_node_check_compatible(dtb, node, "xen,domain"), 0);
	ck_assert_ptr_nonnull(fdt_getprop(dtb, fdt_path_offset(dtb, "/pl031@9010000"),
					  "xen,passthrough", NULL));
	/* dom0's modules come first and are in the module list */
	struct dtg_dom0less_module m;
	ck_assert_int_eq(dtg_dom0less_module(b, 0, &m), 0);
	ck_assert_uint_eq(m.guest, DTG_DOM0LESS_DOM0);
	ck_assert_int_eq(m.kind, DTG_MODULE_KERNEL);
	dtg_dom0less_free(b);

	/* dom0_mem given twice; dom0 larger than the host's 1 GiB */
	opts.xen_bootargs = "console=dtuart dom0_mem=256M";
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, &opts, &b), 0);
	ck_assert_int_eq(dtg_dom0less_set_dom0(b, &dom0_linux), 0);
	add(b, g);
	expect_fail(ctx, b, -DTG_EINVAL, "xen,xen-bootargs has a dom0_mem= already");
	dtg_dom0less_free(b);
	struct dtg_dom0less_dom0 big = dom0_linux;
	big.memory_mib = 2048;
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ck_assert_int_eq(dtg_dom0less_set_dom0(b, &big), 0);
	add(b, g);
	expect_fail(ctx, b, -DTG_ENOSPACE, "dom0: memory: 2048 MiB");
	dtg_dom0less_free(b);
	big.kernel = NULL;
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ck_assert_int_eq(dtg_dom0less_set_dom0(b, &big), -DTG_EINVAL);
	dtg_dom0less_free(b);
	/* "dom0" names dom0 (static_evtchn peers): no guest of that name */
	dtg_domain *d0name = guest(ctx, host, "dom0", 64, NULL);
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ck_assert_int_eq(dtg_dom0less_set_dom0(b, &dom0_linux), 0);
	add(b, d0name);
	expect_fail(ctx, b, -DTG_EDUPLICATE, "a guest is named 'dom0'");
	dtg_dom0less_free(b);
	dtg_domain_free(d0name);
	dtg_domain_free(g);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * dom0's shared memory and event channels before dtg_dom0less_set_dom0:
 * refused, as the system has no dom0 to write them for (its shm node
 * would be dropped; a guest's xen,evtchn would name a dom0 end that does
 * not exist, on which Xen's alloc_static_evtchn panics).
 */
START_TEST(test_dom0_items_need_dom0)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt-el2-gicv3.dtb");
	dtg_domain *g = guest(ctx, host, "pv", 64, NULL);
	struct dtg_dom0less_shm shm = { .id = "ring", .has_host = true,
		.host = 0x7e000000, .guest = 0x7e000000, .size = 0x200000 };
	struct dtg_dom0less_evtchn ev = { 11, "pv", 10 };
	static const char cfgtext[] =
		"static_evtchn = [ \"port=11,peer=pv,peer_port=10\" ]\n";
	dtg_config *cfg;
	dtg_dom0less *b;

	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	add(b, g);
	ck_assert_int_eq(dtg_dom0less_add_shm(b, DTG_DOM0LESS_DOM0, &shm),
			 -DTG_ESTATE);
	ck_assert_str_eq(dtg_last_error(ctx), "dom0less: dom0: not set "
			 "(call dtg_dom0less_set_dom0 first)");
	ck_assert_int_eq(dtg_dom0less_add_evtchn(b, DTG_DOM0LESS_DOM0, &ev),
			 -DTG_ESTATE);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "dom0: not set"));
	ck_assert_int_eq(dtg_config_parse(ctx, cfgtext, strlen(cfgtext),
					  "dom0.cfg", &cfg), 0);
	ck_assert_int_eq(dtg_dom0less_apply_config(b, DTG_DOM0LESS_DOM0, cfg),
			 -DTG_ESTATE);
	dtg_config_free(cfg);
	/* given a dom0, both are taken */
	ck_assert_int_eq(dtg_dom0less_set_dom0(b, &dom0_linux), 0);
	ck_assert_int_eq(dtg_dom0less_add_shm(b, DTG_DOM0LESS_DOM0, &shm), 0);
	ck_assert_int_eq(dtg_dom0less_add_evtchn(b, DTG_DOM0LESS_DOM0, &ev), 0);
	ck_assert_int_eq(dtg_dom0less_set_enhanced(b, 0, DTG_ENHANCED_NO_XENSTORE), 0);
	const void *dtb = final_dtb(ctx, b);
	ck_assert_int_ge(fdt_path_offset(dtb, "/chosen/dom0-shared-mem-0"), 0);
	ck_assert_int_ge(fdt_path_offset(dtb, "/chosen/dom0-evtchn-11"), 0);
	ck_assert_int_ge(fdt_path_offset(dtb, "/chosen/pv/evtchn-10"), 0);
	dtg_dom0less_free(b);
	dtg_domain_free(g);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * xen,xen-bootargs is the caller's command line whole, however long
 * (boot_fdt_cmdline hands it to Xen's cmdline_parse), plus the system's
 * options; without one, the console from /chosen stdout-path.
 */
START_TEST(test_bootargs_kept_whole)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt-el2-gicv3.dtb");
	dtg_domain *g = guest(ctx, host, "one", 64, NULL);
	struct dtg_dom0less_opts opts = { 0 };
	char args[1200], want[1300];
	const char *got;
	dtg_dom0less *b;
	const void *dtb;
	size_t n = 0;

	n += (size_t)snprintf(args, sizeof(args), "console=dtuart");
	while (n < 1000)
		n += (size_t)snprintf(args + n, sizeof(args) - n, " loglvl=all");
	opts.xen_bootargs = args;
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, &opts, &b), 0);
	ck_assert_int_eq(dtg_dom0less_set_dom0(b, &dom0_linux), 0);
	add(b, g);
	dtb = final_dtb(ctx, b);
	snprintf(want, sizeof(want), "%s dom0_mem=512M dom0_max_vcpus=1", args);
	got = fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen"),
			  "xen,xen-bootargs", NULL);
	ck_assert_uint_gt(strlen(got), 1000);
	ck_assert_str_eq(got, want);
	dtg_dom0less_free(b);

	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	add(b, g);
	dtb = final_dtb(ctx, b);
	/* virt's stdout-path is "/pl011@9000000" */
	ck_assert_str_eq(fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen"),
				     "xen,xen-bootargs", NULL),
			 "console=dtuart dtuart=/pl011@9000000");
	dtg_dom0less_free(b);
	dtg_domain_free(g);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/* A host DT that carries a dom0 boot module already would give Xen two
 * dom0 kernels (process_multiboot_node takes both): refused. */
START_TEST(test_host_with_module)
{
	static const char dts[] =
		"/dts-v1/; / { #address-cells = <2>; #size-cells = <2>;"
		" memory@40000000 { device_type = \"memory\"; reg = <0 0x40000000 0 0x40000000>; };"
		" chosen { #address-cells = <2>; #size-cells = <2>;"
		"  module@48000000 { compatible = \"multiboot,kernel\", \"multiboot,module\";"
		"   reg = <0 0x48000000 0 0x100000>; }; }; };";
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host_dts(ctx, dts);
	dtg_domain *g = guest(ctx, host, "one", 64, NULL);
	dtg_dom0less *b;

	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	add(b, g);
	expect_fail(ctx, b, -DTG_EDUPLICATE, "/chosen/module@48000000: the host DT has a boot module");
	dtg_dom0less_free(b);
	dtg_domain_free(g);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * A guest's or a cpupool's node would replace one the host's /chosen has
 * (Xen would read the host's node as the domain or pool): refused first,
 * before any other check, naming the node.
 */
START_TEST(test_chosen_names)
{
	static const char dts[] =
		"/dts-v1/; / { #address-cells = <2>; #size-cells = <2>;"
		" cpus { #address-cells = <1>; #size-cells = <0>;"
		"  cpu@0 { device_type = \"cpu\"; reg = <0>; }; };"
		" memory@40000000 { device_type = \"memory\"; reg = <0 0x40000000 0 0x40000000>; };"
		" chosen { g { }; p { }; }; };";
	static const char *const cpu0[] = { "cpu@0" };
	struct dtg_dom0less_cpupool pool = { "p", cpu0, 1, NULL };
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host_dts(ctx, dts);
	dtg_domain *g = guest(ctx, host, "g", 64, NULL);
	dtg_domain *h = guest(ctx, host, "h", 64, NULL);
	dtg_dom0less *b;

	/* xen_enhanced "enabled" without a dom0 would be refused too */
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ck_assert_int_eq(dtg_dom0less_set_enhanced(b, add(b, g), DTG_ENHANCED_ENABLED), 0);
	expect_fail(ctx, b, -DTG_EDUPLICATE, "/chosen/g: the host DT already has a node of that name");
	dtg_dom0less_free(b);
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ck_assert_int_eq(dtg_dom0less_add_cpupool(b, &pool), 0);
	ck_assert_int_eq(dtg_dom0less_set_enhanced(b, add(b, h), DTG_ENHANCED_ENABLED), 0);
	expect_fail(ctx, b, -DTG_EDUPLICATE, "/chosen/p: the host DT already has a node of that name");
	dtg_dom0less_free(b);
	/* without the clashes the system is built */
	pool.name = "q";
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ck_assert_int_eq(dtg_dom0less_add_cpupool(b, &pool), 0);
	ck_assert_int_eq(dtg_dom0less_set_cpupool(b, add(b, h), "q"), 0);
	final_dtb(ctx, b);
	dtg_dom0less_free(b);
	dtg_domain_free(g);
	dtg_domain_free(h);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * xen,enhanced as construct_domU reads it (4.17 domain_build.c, 4.22
 * dom0less-build.c): a string; "enabled" (and 4.22's "legacy") need
 * xenstore, so Xen panics without a dom0 ("Xenstore support requires dom0
 * to be present" / "xenstore requested, but xenstore domain not present").
 */
START_TEST(test_enhanced)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt-el2-gicv3.dtb");
	dtg_domain *g = guest(ctx, host, "pv", 64, NULL);
	struct dtg_dom0less_opts o17 = { .xen_release = DTG_XEN_RELEASE(4, 17) };
	dtg_dom0less *b;
	const void *dtb;
	size_t i;

	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	i = add(b, g);
	ck_assert_int_eq(dtg_dom0less_set_enhanced(b, i, DTG_ENHANCED_NO_XENSTORE), 0);
	dtb = final_dtb(ctx, b);
	ck_assert_str_eq(fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen/pv"),
				     "xen,enhanced", NULL), "no-xenstore");
	dtg_dom0less_free(b);

	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	i = add(b, g);
	ck_assert_int_eq(dtg_dom0less_set_enhanced(b, i, DTG_ENHANCED_ENABLED), 0);
	expect_fail(ctx, b, -DTG_EINVAL, "guest 'pv': xen_enhanced: \"enabled\" needs xenstore");
	dtg_dom0less_free(b);

	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ck_assert_int_eq(dtg_dom0less_set_dom0(b, &dom0_linux), 0);
	i = add(b, g);
	ck_assert_int_eq(dtg_dom0less_set_enhanced(b, i, DTG_ENHANCED_LEGACY), 0);
	dtb = final_dtb(ctx, b);
	ck_assert_str_eq(fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen/pv"),
				     "xen,enhanced", NULL), "legacy");
	dtg_dom0less_free(b);

	/* 4.17 knows no "legacy": its construct_domU would leave PV off */
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, &o17, &b), 0);
	ck_assert_int_eq(dtg_dom0less_set_dom0(b, &dom0_linux), 0);
	i = add(b, g);
	ck_assert_int_eq(dtg_dom0less_set_enhanced(b, i, DTG_ENHANCED_LEGACY), 0);
	expect_fail(ctx, b, -DTG_EUNSUPPORTED, "\"legacy\" is Xen 4.22's (4.17 ignores");
	dtg_dom0less_free(b);

	/*
	 * The release is DTG_XEN_RELEASE() as dtg_domain_set_xen_release
	 * takes it: another release, or a bare minor number, is refused.
	 */
	static const unsigned unknown[] = { DTG_XEN_RELEASE(4, 16),
		DTG_XEN_RELEASE(4, 23), 17, DTG_XEN_RELEASE(5, 0) };
	for (size_t k = 0; k < sizeof(unknown) / sizeof(unknown[0]); k++) {
		struct dtg_dom0less_opts bad = { .xen_release = unknown[k] };

		b = (dtg_dom0less *)&bad;
		ck_assert_int_eq(dtg_dom0less_new(ctx, host, &bad, &b),
				 -DTG_EUNSUPPORTED);
		ck_assert_ptr_null(b);
		ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "is not supported"));
	}
	/* a release between the two ends: 4.19 has no "legacy" either */
	o17.xen_release = DTG_XEN_RELEASE(4, 19);
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, &o17, &b), 0);
	ck_assert_int_eq(dtg_dom0less_set_dom0(b, &dom0_linux), 0);
	i = add(b, g);
	ck_assert_int_eq(dtg_dom0less_set_enhanced(b, i, DTG_ENHANCED_LEGACY), 0);
	expect_fail(ctx, b, -DTG_EUNSUPPORTED, "(4.19 ignores it");
	dtg_dom0less_free(b);
	dtg_domain_free(g);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * Shared memory nodes as Xen reads them: process_shm_node (4.17 bootfdt.c,
 * 4.22 static-shmem.c) with the parent's #address-cells/#size-cells:
 * xen,shared-mem is <paddr gaddr size> (2 ac + sc cells) or, 4.22 only,
 * <gaddr size>; xen,shm-id under 16 bytes; role owner|borrower; one id is
 * one region, other ids do not overlap it.  process_shm: no role means
 * owner DOMID_IO; one "owner", the others "borrower".
 */
struct shm_seen { char id[16]; uint64_t paddr, size; bool has_paddr; int owners; };

static size_t read_shm(const void *fdt, int parent, struct shm_seen *seen,
		       size_t n)
{
	int ac = ncells(fdt, parent, "#address-cells", 2);
	int sc = ncells(fdt, parent, "#size-cells", 1);
	int node;

	fdt_for_each_subnode(node, fdt, parent) {
		const fdt32_t *p;
		const char *id, *role;
		uint64_t paddr = 0, size;
		bool has = false;
		size_t k;
		int len;

		if (fdt_node_check_compatible(fdt, node, "xen,domain-shared-memory-v1"))
			continue;
		ck_assert(ac >= 1 && sc >= 1);
		id = fdt_getprop(fdt, node, "xen,shm-id", NULL);
		ck_assert_ptr_nonnull(id);
		ck_assert_uint_lt(strnlen(id, 16), 16);
		role = fdt_getprop(fdt, node, "role", NULL);
		ck_assert(!role || !strcmp(role, "owner") || !strcmp(role, "borrower"));
		p = fdt_getprop(fdt, node, "xen,shared-mem", &len);
		ck_assert_ptr_nonnull(p);
		if (len == 4 * (2 * ac + sc)) {
			paddr = cells(p, ac);
			size = cells(p + 2 * ac, sc);
			has = true;
		} else {
			ck_assert_int_eq(len, 4 * (ac + sc));   /* 4.22 only */
			size = cells(p + ac, sc);
		}
		ck_assert_uint_ne(size, 0);
		ck_assert_uint_eq(size % 4096, 0);
		for (k = 0; k < n; k++)
			if (!strcmp(seen[k].id, id))
				break;
		if (k == n)
			seen[n++] = (struct shm_seen){ .paddr = paddr, .size = size,
						       .has_paddr = has };
		snprintf(seen[k].id, sizeof(seen[k].id), "%s", id);
		ck_assert(seen[k].has_paddr == has && seen[k].paddr == paddr &&
			  seen[k].size == size);
		seen[k].owners += role && !strcmp(role, "owner");
	}
	return n;
}

START_TEST(test_shared_mem)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt-el2-gicv3.dtb");
	dtg_domain *a = guest(ctx, host, "a", 64, "/pl031@9010000");
	dtg_domain *c = guest(ctx, host, "c", 64, NULL);
	struct dtg_dom0less_shm ab = { .id = "a-c", .has_host = true,
		.host = 0x7e000000, .guest = 0x3a000000, .size = 0x200000 };
	struct dtg_dom0less_shm d0 = { .id = "dom0-a", .has_host = true,
		.host = 0x7c000000, .guest = 0x7c000000, .size = 0x100000,
		.role = DTG_SHM_ROLE_OWNER };
	struct shm_seen seen[8];
	dtg_dom0less *b;
	const void *dtb;
	size_t ia, ic, n = 0;
	int node;

	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ck_assert_int_eq(dtg_dom0less_set_dom0(b, &dom0_linux), 0);
	ia = add(b, a);
	ic = add(b, c);
	ck_assert_int_eq(dtg_dom0less_add_shm(b, ia, &ab), 0);
	ab.guest = 0x3b000000;
	ck_assert_int_eq(dtg_dom0less_add_shm(b, ic, &ab), 0);
	ck_assert_int_eq(dtg_dom0less_add_shm(b, DTG_DOM0LESS_DOM0, &d0), 0);
	d0.role = DTG_SHM_ROLE_NONE;    /* made "borrower" by the builder */
	d0.guest = 0x3c000000;
	ck_assert_int_eq(dtg_dom0less_add_shm(b, ia, &d0), 0);
	dtb = final_dtb(ctx, b);
	/* depth <= 3: /chosen's own nodes (dom0) and the domains' */
	node = fdt_path_offset(dtb, "/chosen");
	n = read_shm(dtb, node, seen, n);
	fdt_for_each_subnode(node, dtb, fdt_path_offset(dtb, "/chosen"))
		if (!fdt_node_check_compatible(dtb, node, "xen,domain"))
			n = read_shm(dtb, node, seen, n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(seen[0].id, "dom0-a");
	ck_assert_int_eq(seen[0].owners, 1);
	ck_assert_int_eq(seen[1].owners, 0);     /* DOMID_IO owns a-c */
	ck_assert(seen[0].paddr + seen[0].size <= seen[1].paddr ||
		  seen[1].paddr + seen[1].size <= seen[0].paddr);
	node = fdt_path_offset(dtb, "/chosen/a/shared-mem-1");
	ck_assert_str_eq(fdt_getprop(dtb, node, "role", NULL), "borrower");
	/* no module on a region Xen reserves */
	for (size_t i = 0; i < dtg_dom0less_module_count(b); i++) {
		struct dtg_dom0less_module m;

		dtg_dom0less_module(b, i, &m);
		for (size_t k = 0; k < n; k++)
			ck_assert(m.addr + m.size <= seen[k].paddr ||
				  seen[k].paddr + seen[k].size <= m.addr);
	}
	dtg_dom0less_free(b);

	/* what Xen refuses */
	struct { struct dtg_dom0less_shm s1, s2; unsigned minor; int code;
		 const char *text; } bad[] = {
		{ { "this-id-is-too-long", true, 0x7e000000, 0x3a000000, 0x1000, 0 },
		  { 0 }, 22, -DTG_EINVAL, "1 to 15 characters" },
		{ { "x", true, 0x7e000000, 0x3a000000, 0x1000, 0 },
		  { "x", true, 0x7e000000, 0x3a000000, 0x2000, 0 }, 22,
		  -DTG_EINVAL, "another host address or size" },
		{ { "x", true, 0x7e000000, 0x3a000000, 0x2000, 0 },
		  { "y", true, 0x7e001000, 0x3b000000, 0x2000, 0 }, 22,
		  -DTG_EOVERLAP, "'y' overlaps 'x'" },
		{ { "x", true, 0x7e000000, 0x3a000000, 0x2000, DTG_SHM_ROLE_OWNER },
		  { "x", true, 0x7e000000, 0x3a000000, 0x2000, DTG_SHM_ROLE_OWNER },
		  22, -DTG_EDUPLICATE, "2 owners" },
		{ { "x", true, 0x7e000000, 0x3a000000, 0x2000, DTG_SHM_ROLE_BORROWER },
		  { 0 }, 22, -DTG_EINVAL, "borrowers and no owner" },
		{ { "x", true, 0x7e000000, 0x40000000, 0x2000, 0 },
		  { 0 }, 22, -DTG_EOVERLAP, "overlaps guest RAM (bank 0)" },
		{ { "x", true, 0x7e000800, 0x3a000000, 0x2000, 0 },
		  { 0 }, 22, -DTG_ERANGE, "multiples of 4 KiB" },
		{ { "x", true, 0xfe000000, 0x3a000000, 0x2000, 0 },
		  { 0 }, 22, -DTG_ERANGE, "not inside one RAM bank" },
		{ { "x", false, 0, 0x3a000000, 0x2000, 0 },
		  { 0 }, 17, -DTG_EUNSUPPORTED, "Xen 4.17 needs the host address" },
	};
	for (size_t t = 0; t < sizeof(bad) / sizeof(bad[0]); t++) {
		struct dtg_dom0less_opts o = {
			.xen_release = DTG_XEN_RELEASE(4, bad[t].minor) };

		ck_assert_int_eq(dtg_dom0less_new(ctx, host, &o, &b), 0);
		ia = add(b, a);
		ic = add(b, c);
		ck_assert_int_eq(dtg_dom0less_add_shm(b, ia, &bad[t].s1), 0);
		if (bad[t].s2.id)
			ck_assert_int_eq(dtg_dom0less_add_shm(b, ic, &bad[t].s2), 0);
		expect_fail(ctx, b, bad[t].code, bad[t].text);
		dtg_dom0less_free(b);
	}
	/* dom0 is direct-mapped: 4.22's process_shm wants guest == host */
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ck_assert_int_eq(dtg_dom0less_set_dom0(b, &dom0_linux), 0);
	add(b, a);
	d0.guest = 0x3c000000;
	ck_assert_int_eq(dtg_dom0less_add_shm(b, DTG_DOM0LESS_DOM0, &d0), 0);
	expect_fail(ctx, b, -DTG_EINVAL, "dom0 is direct-mapped");
	dtg_dom0less_free(b);
	/* 4.22: no host address, Xen allocates; <gaddr size> is written */
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ia = add(b, a);
	ic = add(b, c);
	struct dtg_dom0less_shm heap = { "heap", false, 0, 0x3a000000, 0x200000,
					 DTG_SHM_ROLE_OWNER };
	ck_assert_int_eq(dtg_dom0less_add_shm(b, ia, &heap), 0);
	heap.role = DTG_SHM_ROLE_NONE;
	ck_assert_int_eq(dtg_dom0less_add_shm(b, ic, &heap), 0);
	dtb = final_dtb(ctx, b);
	n = read_shm(dtb, fdt_path_offset(dtb, "/chosen/a"), seen, 0);
	n = read_shm(dtb, fdt_path_offset(dtb, "/chosen/c"), seen, n);
	ck_assert_uint_eq(n, 1);
	ck_assert(!seen[0].has_paddr);
	dtg_dom0less_free(b);
	dtg_domain_free(a);
	dtg_domain_free(c);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/* Static shared memory is reserved memory: not on the host's own
 * /reserved-memory (TI J721E's carve-outs). */
START_TEST(test_shared_mem_reserved)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "k3-j721e-common-proc-board.dtb");
	const void *fdt = dtg_host_fdt(host);
	dtg_domain *a = guest(ctx, host, "a", 64, NULL);
	int rm = fdt_path_offset(fdt, "/reserved-memory"), child;
	const fdt32_t *reg = NULL;
	dtg_dom0less *b;

	ck_assert_int_ge(rm, 0);
	fdt_for_each_subnode(child, fdt, rm)
		if ((reg = fdt_getprop(fdt, child, "reg", NULL)))
			break;
	ck_assert_ptr_nonnull(reg);
	struct dtg_dom0less_shm s = { "rsv", true, cells(reg, 2), 0x3a000000,
				      0x1000, 0 };
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ck_assert_int_eq(dtg_dom0less_add_shm(b, add(b, a), &s), 0);
	expect_fail(ctx, b, -DTG_EOVERLAP, "shared_mem: 'rsv': host");
	dtg_dom0less_free(b);
	dtg_domain_free(a);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * Static event channels as alloc_static_evtchn reads them (4.17
 * domain_build.c, 4.22 static-evtchn.c): every "xen,evtchn-v1" child of a
 * domain node, and of /chosen itself for dom0; xen,evtchn = <port
 * phandle>; the node with that phandle must name this node's phandle
 * back ("xen,evtchn property is not setup correctly" panics otherwise);
 * the parents are the two domains.
 */
static int check_evtchn_node(const void *fdt, int node)
{
	const fdt32_t *p, *q;
	int len, remote;

	p = fdt_getprop(fdt, node, "xen,evtchn", &len);
	ck_assert_int_ge(len, 8);
	ck_assert_uint_ge(fdt32_to_cpu(p[0]), 1);
	remote = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(p[1]));
	ck_assert_int_ge(remote, 0);
	q = fdt_getprop(fdt, remote, "xen,evtchn", &len);
	ck_assert_int_ge(len, 8);
	ck_assert_uint_eq(fdt32_to_cpu(q[1]), fdt_get_phandle(fdt, node));
	ck_assert_int_ne(fdt_parent_offset(fdt, remote), fdt_parent_offset(fdt, node));
	return 1;
}

START_TEST(test_static_evtchn)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt-el2-gicv3.dtb");
	dtg_domain *a = guest(ctx, host, "a", 64, NULL);
	dtg_domain *c = guest(ctx, host, "c", 64, NULL);
	struct dtg_dom0less_evtchn e;
	dtg_dom0less *b;
	const void *dtb;
	size_t ia, ic;
	int chosen, node, sub, ends = 0;

	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ck_assert_int_eq(dtg_dom0less_set_dom0(b, &dom0_linux), 0);
	ia = add(b, a);
	ic = add(b, c);
	ck_assert_int_eq(dtg_dom0less_set_enhanced(b, ia, DTG_ENHANCED_NO_XENSTORE), 0);
	ck_assert_int_eq(dtg_dom0less_set_enhanced(b, ic, DTG_ENHANCED_ENABLED), 0);
	/* a <-> c given from both ends, a <-> dom0 and c <-> dom0 from one */
	e = (struct dtg_dom0less_evtchn){ 10, "c", 20 };
	ck_assert_int_eq(dtg_dom0less_add_evtchn(b, ia, &e), 0);
	e = (struct dtg_dom0less_evtchn){ 20, "a", 10 };
	ck_assert_int_eq(dtg_dom0less_add_evtchn(b, ic, &e), 0);
	e = (struct dtg_dom0less_evtchn){ 11, "dom0", 5 };
	ck_assert_int_eq(dtg_dom0less_add_evtchn(b, ia, &e), 0);
	e = (struct dtg_dom0less_evtchn){ 6, "c", 21 };
	ck_assert_int_eq(dtg_dom0less_add_evtchn(b, DTG_DOM0LESS_DOM0, &e), 0);
	dtb = final_dtb(ctx, b);
	chosen = fdt_path_offset(dtb, "/chosen");
	fdt_for_each_subnode(node, dtb, chosen) {
		if (!fdt_node_check_compatible(dtb, node, "xen,evtchn-v1"))
			ends += check_evtchn_node(dtb, node);   /* dom0's */
		fdt_for_each_subnode(sub, dtb, node)
			if (!fdt_node_check_compatible(dtb, sub, "xen,evtchn-v1"))
				ends += check_evtchn_node(dtb, sub);
	}
	ck_assert_int_eq(ends, 6);
	node = fdt_path_offset(dtb, "/chosen/c/evtchn-21");
	ck_assert_int_ge(node, 0);
	ck_assert_int_eq(fdt_node_offset_by_phandle(dtb,
		fdt32_to_cpu(((const fdt32_t *)fdt_getprop(dtb, node, "xen,evtchn", NULL))[1])),
		fdt_path_offset(dtb, "/chosen/dom0-evtchn-6"));
	dtg_dom0less_free(b);

	struct { size_t from; struct dtg_dom0less_evtchn e1, e2; bool two;
		 int code; const char *text; } bad[] = {
		{ 0, { 10, "c", 20 }, { 10, "c", 21 }, true, -DTG_EDUPLICATE,
		  "port 10 is used twice" },
		{ 0, { 10, "c", 20 }, { 30, "c", 20 }, true, -DTG_EINVAL,
		  "which links to" },
		{ 0, { 10, "nobody", 20 }, { 0 }, false, -DTG_ENOTFOUND,
		  "peer 'nobody' is no domain" },
		{ 0, { 10, "dom0", 20 }, { 0 }, false, -DTG_ENOTFOUND,
		  "peer 'dom0'" },
		{ 0, { 0, "c", 20 }, { 0 }, false, -DTG_ERANGE, "1 to 4095" },
		{ 0, { 10, "c", 4096 }, { 0 }, false, -DTG_ERANGE, "1 to 4095" },
		{ 0, { 10, "a", 20 }, { 0 }, false, -DTG_EINVAL, "the domain itself" },
	};
	for (size_t t = 0; t < sizeof(bad) / sizeof(bad[0]); t++) {
		ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
		ia = add(b, a);
		ic = add(b, c);
		dtg_dom0less_set_enhanced(b, ia, DTG_ENHANCED_NO_XENSTORE);
		dtg_dom0less_set_enhanced(b, ic, DTG_ENHANCED_NO_XENSTORE);
		ck_assert_int_eq(dtg_dom0less_add_evtchn(b, ia, &bad[t].e1), 0);
		if (bad[t].two)
			ck_assert_int_eq(dtg_dom0less_add_evtchn(b, ia, &bad[t].e2), 0);
		expect_fail(ctx, b, bad[t].code, bad[t].text);
		dtg_dom0less_free(b);
	}
	/*
	 * A finalize that fails after the event channel ends were paired
	 * (an end made here, peer_name NULL) then is called again: refused
	 * with -DTG_ESTATE, not run on the half-made state (ASan build).
	 */
	struct dtg_dom0less_opts o17 = { .xen_release = DTG_XEN_RELEASE(4, 17) };
	struct dtg_dom0less_shm nohost = { .id = "ring", .guest = 0x3a000000,
					   .size = 0x1000 };
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, &o17, &b), 0);
	ia = add(b, a);
	ic = add(b, c);
	dtg_dom0less_set_enhanced(b, ia, DTG_ENHANCED_NO_XENSTORE);
	dtg_dom0less_set_enhanced(b, ic, DTG_ENHANCED_NO_XENSTORE);
	e = (struct dtg_dom0less_evtchn){ 10, "c", 20 };
	ck_assert_int_eq(dtg_dom0less_add_evtchn(b, ia, &e), 0);
	ck_assert_int_eq(dtg_dom0less_add_shm(b, ia, &nohost), 0);
	expect_fail(ctx, b, -DTG_EUNSUPPORTED, "Xen 4.17 needs the host address");
	expect_fail(ctx, b, -DTG_ESTATE, "an earlier dtg_dom0less_finalize failed");
	ck_assert_int_eq(dtg_dom0less_module_count(b), 0);
	dtg_dom0less_free(b);
	/* before anything is decided, a finalize may be tried again */
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	expect_fail(ctx, b, -DTG_EINVAL, "no guest");
	add(b, c);
	final_dtb(ctx, b);
	dtg_dom0less_free(b);

	/* booting.txt: the domU needs xen,enhanced for its event channels */
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ia = add(b, a);
	add(b, c);
	e = (struct dtg_dom0less_evtchn){ 10, "c", 20 };
	ck_assert_int_eq(dtg_dom0less_add_evtchn(b, ia, &e), 0);
	expect_fail(ctx, b, -DTG_EINVAL, "no Xen PV interfaces");
	dtg_dom0less_free(b);
	dtg_domain_free(a);
	dtg_domain_free(c);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * Boot-time cpupools on Juno r2 (2 Cortex-A72 + 4 Cortex-A53), read as
 * btcpupools_dtb_parse does: "xen,cpupool" children of /chosen, each
 * cpupool-cpus phandle a CPU node whose reg (in /cpus' #address-cells)
 * is a CPU's MPIDR, no CPU in two pools, cpupool-sched a scheduler name;
 * a domain's domain-cpupool resolves to a pool node
 * (btcpupools_get_domain_pool_id).
 */
START_TEST(test_cpupools_juno)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "juno-r2.dtb");
	dtg_domain *g = guest(ctx, host, "rt", 64, NULL);
	static const char *const big[] = { "cpu@0", "cpu@1" };
	static const char *const little[] = { "cpu@100", "/cpus/cpu@101" };
	struct dtg_dom0less_cpupool pb = { "big", big, 2, "credit2" };
	struct dtg_dom0less_cpupool pl = { "little", little, 2, "null" };
	uint64_t seen[8];
	size_t nseen = 0, gi;
	dtg_dom0less *b;
	const void *dtb;
	int chosen, node, pools = 0;

	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ck_assert_int_eq(dtg_dom0less_add_cpupool(b, &pb), 0);
	ck_assert_int_eq(dtg_dom0less_add_cpupool(b, &pl), 0);
	ck_assert_int_eq(dtg_dom0less_add_cpupool(b, &pl), -DTG_EDUPLICATE);
	gi = add(b, g);
	ck_assert_int_eq(dtg_dom0less_set_cpupool(b, gi, "little"), 0);
	dtb = final_dtb(ctx, b);
	chosen = fdt_path_offset(dtb, "/chosen");
	int cpus_ac = ncells(dtb, fdt_path_offset(dtb, "/cpus"), "#address-cells", 2);
	fdt_for_each_subnode(node, dtb, chosen) {
		const fdt32_t *p;
		const char *sched;
		int len;

		if (fdt_node_check_compatible(dtb, node, "xen,cpupool"))
			continue;
		pools++;
		sched = fdt_getprop(dtb, node, "cpupool-sched", NULL);
		ck_assert(sched && (!strcmp(sched, "credit2") || !strcmp(sched, "null")));
		p = fdt_getprop(dtb, node, "cpupool-cpus", &len);
		ck_assert_int_gt(len, 0);
		for (int i = 0; i < len / 4; i++) {
			int cpu = fdt_node_offset_by_phandle(dtb, fdt32_to_cpu(p[i]));
			const fdt32_t *reg = fdt_getprop(dtb, cpu, "reg", NULL);

			ck_assert_int_ge(cpu, 0);
			ck_assert_str_eq(fdt_getprop(dtb, cpu, "device_type", NULL), "cpu");
			ck_assert_ptr_nonnull(reg);
			for (size_t k = 0; k < nseen; k++)
				ck_assert_uint_ne(seen[k], cells(reg, cpus_ac));
			seen[nseen++] = cells(reg, cpus_ac);
		}
	}
	ck_assert_int_eq(pools, 2);
	ck_assert_uint_eq(nseen, 4);
	/* the guest's pool, by phandle */
	const fdt32_t *dp = fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen/rt"),
					"domain-cpupool", NULL);
	ck_assert_ptr_nonnull(dp);
	node = fdt_node_offset_by_phandle(dtb, fdt32_to_cpu(*dp));
	ck_assert_str_eq(fdt_get_name(dtb, node, NULL), "little");
	ck_assert_int_eq(fdt_node_check_compatible(dtb, node, "xen,cpupool"), 0);
	dtg_dom0less_free(b);

	/* what btcpupools_dtb_parse panics on, and a pool nobody defined */
	static const char *const twice[] = { "cpu@1", "cpu@100" };
	static const char *const nocpu[] = { "cpu@7" };
	struct { struct dtg_dom0less_cpupool p2; const char *gpool; int code;
		 const char *text; } bad[] = {
		{ { "b2", twice, 2, NULL }, NULL, -DTG_EDUPLICATE, "in cpupool 'big' already" },
		{ { "b2", nocpu, 1, NULL }, NULL, -DTG_ENOTFOUND, "/cpus/cpu@7: cpupool 'b2': no such CPU" },
		{ { "b2", little, 2, "fifo" }, NULL, -DTG_EINVAL, "'fifo' is not a Xen scheduler" },
		{ { "b2", little, 2, NULL }, "b3", -DTG_ENOTFOUND, "no cpupool 'b3'" },
		{ { "rt", little, 2, NULL }, NULL, -DTG_EDUPLICATE, "a guest has that name" },
	};
	for (size_t t = 0; t < sizeof(bad) / sizeof(bad[0]); t++) {
		ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
		ck_assert_int_eq(dtg_dom0less_add_cpupool(b, &pb), 0);
		ck_assert_int_eq(dtg_dom0less_add_cpupool(b, &bad[t].p2), 0);
		gi = add(b, g);
		if (bad[t].gpool)
			ck_assert_int_eq(dtg_dom0less_set_cpupool(b, gi, bad[t].gpool), 0);
		expect_fail(ctx, b, bad[t].code, bad[t].text);
		dtg_dom0less_free(b);
	}
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	pb.ncpus = 0;
	ck_assert_int_eq(dtg_dom0less_add_cpupool(b, &pb), -DTG_EINVAL);
	dtg_dom0less_free(b);
	dtg_domain_free(g);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/* A CPU node without a phandle gets one (above the host's), so that
 * cpupool-cpus can name it. */
START_TEST(test_cpupool_cpu_phandle)
{
	static const char dts[] =
		"/dts-v1/; / { #address-cells = <2>; #size-cells = <2>;"
		" intc: intc { phandle = <0x10>; };"
		" cpus { #address-cells = <1>; #size-cells = <0>;"
		"  cpu@0 { device_type = \"cpu\"; reg = <0>; };"
		"  cpu@1 { device_type = \"cpu\"; reg = <1>; }; };"
		" memory@40000000 { device_type = \"memory\"; reg = <0 0x40000000 0 0x40000000>; };"
		" chosen { }; };";
	static const char *const one[] = { "cpu@1" };
	struct dtg_dom0less_cpupool p = { "pool1", one, 1, NULL };
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host_dts(ctx, dts);
	dtg_domain *g = guest(ctx, host, "g", 64, NULL);
	dtg_dom0less *b;
	const void *dtb;

	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ck_assert_int_eq(dtg_dom0less_add_cpupool(b, &p), 0);
	ck_assert_int_eq(dtg_dom0less_set_cpupool(b, add(b, g), "pool1"), 0);
	dtb = final_dtb(ctx, b);
	int cpu = fdt_path_offset(dtb, "/cpus/cpu@1");
	ck_assert_uint_gt(fdt_get_phandle(dtb, cpu), 0x10);
	ck_assert_uint_eq(fdt_get_phandle(dtb, fdt_path_offset(dtb, "/cpus/cpu@0")), 0);
	const fdt32_t *cc = fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen/pool1"),
					"cpupool-cpus", NULL);
	ck_assert_int_eq(fdt_node_offset_by_phandle(dtb, fdt32_to_cpu(*cc)), cpu);
	dtg_dom0less_free(b);
	dtg_domain_free(g);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * A CPU node's status does not keep Xen from bringing the CPU up: Xen's
 * dt_smp_init_cpus (arch/arm/smpboot.c, 4.17 and 4.22) takes every /cpus
 * child with device_type "cpu" and a reg, and never reads status; so
 * btcpupools_dtb_parse finds the CPU online and the pool is built.
 */
START_TEST(test_cpupool_cpu_status)
{
	static const char dts[] =
		"/dts-v1/; / { #address-cells = <2>; #size-cells = <2>;"
		" cpus { #address-cells = <1>; #size-cells = <0>;"
		"  cpu@0 { device_type = \"cpu\"; reg = <0>; };"
		"  cpu@1 { device_type = \"cpu\"; reg = <1>; status = \"disabled\"; }; };"
		" memory@40000000 { device_type = \"memory\"; reg = <0 0x40000000 0 0x40000000>; };"
		" chosen { }; };";
	static const char *const one[] = { "cpu@1" };
	struct dtg_dom0less_cpupool p = { "pool1", one, 1, "null" };
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host_dts(ctx, dts);
	dtg_domain *g = guest(ctx, host, "g", 64, NULL);
	dtg_dom0less *b;
	const void *dtb;

	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ck_assert_int_eq(dtg_dom0less_add_cpupool(b, &p), 0);
	ck_assert_int_eq(dtg_dom0less_set_cpupool(b, add(b, g), "pool1"), 0);
	dtb = final_dtb(ctx, b);
	const fdt32_t *cc = fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen/pool1"),
					"cpupool-cpus", NULL);
	ck_assert_ptr_nonnull(cc);
	ck_assert_int_eq(fdt_node_offset_by_phandle(dtb, fdt32_to_cpu(*cc)),
			 fdt_path_offset(dtb, "/cpus/cpu@1"));
	dtg_dom0less_free(b);
	dtg_domain_free(g);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * LLC colors (Xen 4.22): dom0less-bindings.c panics on "llc-colors" when
 * llc-coloring is off ("'llc-colors' found, but LLC coloring is
 * disabled") and, when it is on, on any domain with xen,static-mem ("LLC
 * coloring and static memory are incompatible"); llc-coloring.c's
 * boolean_param("llc-coloring") switches it on.  4.17 has no coloring.
 */
START_TEST(test_llc_colors)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt-el2-gicv3.dtb");
	struct dtg_dom0less_opts opts = { .xen_bootargs = "console=dtuart" };
	dtg_domain *col, *st;
	dtg_dom0less *b;
	const void *dtb;

	ck_assert_int_eq(dtg_domain_new(ctx, host, &col), 0);
	dtg_domain_set_name(col, "col");
	dtg_domain_set_memory_mib(col, 64);
	dtg_domain_set_kernel(col, "/boot/Image", NULL);
	ck_assert_int_eq(dtg_domain_set_llc_colors(col, "0-3"), 0);
	ck_assert_int_eq(dtg_domain_finalize(col), 0);
	ck_assert_int_eq(dtg_domain_new(ctx, host, &st), 0);
	dtg_domain_set_name(st, "st");
	dtg_domain_set_memory_mib(st, 64);
	dtg_domain_set_kernel(st, "/boot/Image", NULL);
	ck_assert_int_eq(dtg_domain_add_static_mem(st, 0x78000000, 0x4000000), 0);
	ck_assert_int_eq(dtg_domain_finalize(st), 0);

	ck_assert_int_eq(dtg_dom0less_new(ctx, host, &opts, &b), 0);
	add(b, col);
	dtb = final_dtb(ctx, b);
	ck_assert_str_eq(fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen"),
				     "xen,xen-bootargs", NULL),
			 "console=dtuart llc-coloring=on");
	ck_assert_str_eq(fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen/col"),
				     "llc-colors", NULL), "0-3");
	dtg_dom0less_free(b);

	/* switched on already: left as it is */
	opts.xen_bootargs = "console=dtuart llc-coloring=1";
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, &opts, &b), 0);
	add(b, col);
	dtb = final_dtb(ctx, b);
	ck_assert_str_eq(fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen"),
				     "xen,xen-bootargs", NULL),
			 "console=dtuart llc-coloring=1");
	dtg_dom0less_free(b);

	opts.xen_bootargs = "console=dtuart llc-coloring=off";
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, &opts, &b), 0);
	add(b, col);
	expect_fail(ctx, b, -DTG_EINVAL, "llc-coloring is off but guest 'col'");
	dtg_dom0less_free(b);

	/*
	 * As cmdline_parse (common/kernel.c) sets a boolean_param: the value
	 * through parse_bool, "no-" inverting it, the last one winning; a
	 * value parse_bool does not know leaves it unset (refused here).
	 */
	static const struct { const char *args; bool on; const char *err; } words[] = {
		{ "console=dtuart llc-coloring=off llc-coloring=yes", true, NULL },
		{ "console=dtuart no-llc-coloring=off", true, NULL },
		{ "console=dtuart llc-coloring=enable", true, NULL },
		{ "console=dtuart llc-coloring=", true, NULL },
		{ "console=dtuart llc-coloring=true no-llc-coloring", false, NULL },
		{ "console=dtuart llc-coloring=disable", false, NULL },
		{ "console=dtuart llc-coloring=false", false, NULL },
		{ "console=dtuart llc-coloring=no", false, NULL },
		{ "console=dtuart llc-coloring=0", false, NULL },
		{ "console=dtuart llc-coloring=maybe", false,
		  "xen,xen-bootargs: llc-coloring=maybe: not a boolean" },
		{ "console=dtuart no-llc-coloring=ON", false,
		  "no-llc-coloring=ON: not a boolean" },
	};
	for (size_t t = 0; t < sizeof(words) / sizeof(words[0]); t++) {
		opts.xen_bootargs = words[t].args;
		ck_assert_int_eq(dtg_dom0less_new(ctx, host, &opts, &b), 0);
		add(b, col);
		if (words[t].on) {
			dtb = final_dtb(ctx, b);
			ck_assert_str_eq(fdt_getprop(dtb, fdt_path_offset(dtb, "/chosen"),
						     "xen,xen-bootargs", NULL),
					 words[t].args);
		} else {
			expect_fail(ctx, b, -DTG_EINVAL, words[t].err ? words[t].err :
				    "llc-coloring is off but guest 'col'");
		}
		dtg_dom0less_free(b);
	}

	/* static memory in another guest of a colored system */
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	add(b, col);
	add(b, st);
	expect_fail(ctx, b, -DTG_EINVAL,
		    "guest 'st': static_mem: Xen refuses static memory when LLC coloring is on");
	dtg_dom0less_free(b);

	opts = (struct dtg_dom0less_opts){ .xen_release = DTG_XEN_RELEASE(4, 17) };
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, &opts, &b), 0);
	add(b, col);
	expect_fail(ctx, b, -DTG_EUNSUPPORTED, "Xen 4.17 has no LLC coloring");
	dtg_dom0less_free(b);
	dtg_domain_free(col);
	dtg_domain_free(st);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/* The dom0less keys of a guest's xl.cfg; errors name file, line, key. */
START_TEST(test_config_keys)
{
	static const char good[] =
		"xen_enhanced = \"no-xenstore\"\n"
		"cpupool = \"p\"\n"
		"shared_mem = [ \"id=m,host=0x7e000000,guest=0x3a000000,size=0x200000\" ]\n"
		"static_evtchn = [ \"port=7,peer=dom0,peer_port=8\" ]\n";
	static const char *const badcfg[][2] = {
		{ "xen_enhanced = \"on\"\n", "g.cfg:1: xen_enhanced: \"on\"" },
		{ "shared_mem = [ \"id=m,guest=0x3a000000\" ]\n", "g.cfg:1: shared_mem: \"id=m,guest=0x3a000000\": size= missing" },
		{ "shared_mem = [ \"id=m,host=0x1,guest=2,size=3,colour=red\" ]\n", "expected id=ID" },
		{ "static_evtchn = [ \"port=7,peer_port=8\" ]\n", "g.cfg:1: static_evtchn: \"port=7,peer_port=8\": peer= missing" },
		{ "shared_mem = \"id=m\"\n", "g.cfg:1: shared_mem: expected a list" },
	};
	static const char *const cpu0[] = { "cpu@0" };
	struct dtg_dom0less_cpupool p = { "p", cpu0, 1, NULL };
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt-el2-gicv3.dtb");
	dtg_domain *g = guest(ctx, host, "g", 64, NULL);
	dtg_config *cfg;
	dtg_dom0less *b;
	const void *dtb;
	size_t gi;

	ck_assert_int_eq(dtg_config_parse(ctx, good, strlen(good), "g.cfg", &cfg), 0);
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ck_assert_int_eq(dtg_dom0less_set_dom0(b, &dom0_linux), 0);
	ck_assert_int_eq(dtg_dom0less_add_cpupool(b, &p), 0);
	gi = add(b, g);
	ck_assert_msg(dtg_dom0less_apply_config(b, gi, cfg) == 0, "%s", dtg_last_error(ctx));
	/* dom0 cannot take the guest-only keys */
	ck_assert_int_eq(dtg_dom0less_apply_config(b, DTG_DOM0LESS_DOM0, cfg), -DTG_ECONFIG);
	dtg_config_free(cfg);
	dtb = final_dtb(ctx, b);
	int dom = fdt_path_offset(dtb, "/chosen/g");
	ck_assert_str_eq(fdt_getprop(dtb, dom, "xen,enhanced", NULL), "no-xenstore");
	ck_assert_ptr_nonnull(fdt_getprop(dtb, dom, "domain-cpupool", NULL));
	ck_assert_int_ge(fdt_path_offset(dtb, "/chosen/g/shared-mem-0"), 0);
	ck_assert_int_ge(fdt_path_offset(dtb, "/chosen/g/evtchn-7"), 0);
	ck_assert_int_ge(fdt_path_offset(dtb, "/chosen/dom0-evtchn-8"), 0);
	dtg_dom0less_free(b);

	for (size_t t = 0; t < sizeof(badcfg) / sizeof(badcfg[0]); t++) {
		ck_assert_int_eq(dtg_config_parse(ctx, badcfg[t][0], strlen(badcfg[t][0]),
						  "g.cfg", &cfg), 0);
		ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
		gi = add(b, g);
		ck_assert_int_eq(dtg_dom0less_apply_config(b, gi, cfg), -DTG_ECONFIG);
		ck_assert_msg(strstr(dtg_last_error(ctx), badcfg[t][1]), "'%s' lacks '%s'",
			      dtg_last_error(ctx), badcfg[t][1]);
		dtg_config_free(cfg);
		dtg_dom0less_free(b);
	}
	dtg_domain_free(g);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("dom0less-system");
	TCase *tc = tcase_create("system");

	tcase_add_test(tc, test_hybrid_dom0);
	tcase_add_test(tc, test_dom0_items_need_dom0);
	tcase_add_test(tc, test_bootargs_kept_whole);
	tcase_add_test(tc, test_host_with_module);
	tcase_add_test(tc, test_chosen_names);
	tcase_add_test(tc, test_enhanced);
	tcase_add_test(tc, test_shared_mem);
	tcase_add_test(tc, test_shared_mem_reserved);
	tcase_add_test(tc, test_static_evtchn);
	tcase_add_test(tc, test_cpupools_juno);
	tcase_add_test(tc, test_cpupool_cpu_phandle);
	tcase_add_test(tc, test_cpupool_cpu_status);
	tcase_add_test(tc, test_llc_colors);
	tcase_add_test(tc, test_config_keys);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(suite());
}
