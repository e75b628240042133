/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_dom0less.c - the dom0less builder on real host DTs: the
 * edited host DTB (QEMU virt), module placement against real /memory banks
 * and /reserved-memory (J721E, ZCU102), and bad descriptions.
 *
 * Placement is verified against an independent reading of the host's
 * memory map done here with libfdt, not with the builder's own lists.
 */
#include <check.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/copro.h>
#include <xendtgen/dom0less.h>
#include <xendtgen/domain.h>
#include "testutil.h"

#define MIB (1024ULL * 1024)

struct region { uint64_t base, size; };

/* Read reg of a node as (addr, size) pairs with the given cells. */
static size_t read_regs(const void *fdt, int node, int ac, int sc,
			struct region *out, size_t max)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, "reg", &len);
	size_t n = 0;

	for (int i = 0; p && (i + ac + sc) * 4 <= len && n < max; i += ac + sc) {
		uint64_t a = 0, s = 0;
		for (int k = 0; k < ac; k++)
			a = (a << 32) | fdt32_to_cpu(p[i + k]);
		for (int k = 0; k < sc; k++)
			s = (s << 32) | fdt32_to_cpu(p[i + ac + k]);
		out[n++] = (struct region){ a, s };
	}
	return n;
}

/* RAM banks and reserved regions, read independently of the library. */
static void host_memory(const void *fdt, struct region *ram, size_t *nram,
			struct region *rsv, size_t *nrsv)
{
	int node;

	*nram = *nrsv = 0;
	fdt_for_each_subnode(node, fdt, 0) {
		const char *t = fdt_getprop(fdt, node, "device_type", NULL);
		if (t && !strcmp(t, "memory"))
			*nram += read_regs(fdt, node, 2, 2, ram + *nram, 16 - *nram);
	}
	node = fdt_path_offset(fdt, "/reserved-memory");
	if (node >= 0) {
		int child;
		fdt_for_each_subnode(child, fdt, node)
			*nrsv += read_regs(fdt, child, 2, 2, rsv + *nrsv,
					   64 - *nrsv);
	}
	for (int i = 0; i < fdt_num_mem_rsv(fdt) && *nrsv < 64; i++) {
		uint64_t a, s;
		fdt_get_mem_rsv(fdt, i, &a, &s);
		rsv[(*nrsv)++] = (struct region){ a, s };
	}
}

/* A 64-bit cell pair, wherever it sits (DTB properties are 4-aligned). */
static uint64_t be64_at(const void *p)
{
	fdt64_t v;

	memcpy(&v, p, sizeof(v));
	return fdt64_to_cpu(v);
}

static bool overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

/* A finalized guest with kernel and ramdisk files of its own. */
static dtg_domain *make_guest_files(dtg_ctx *ctx, const dtg_host *host,
				    const char *name, uint64_t mib,
				    const char *pt_path, const char *kernel,
				    const char *ramdisk)
{
	dtg_domain *d;

	ck_assert_int_eq(dtg_domain_new(ctx, host, &d), 0);
	ck_assert_int_eq(dtg_domain_set_name(d, name), 0);
	ck_assert_int_eq(dtg_domain_set_memory_mib(d, mib), 0);
	ck_assert_int_eq(dtg_domain_set_vpl011(d, true), 0);
	ck_assert_int_eq(dtg_domain_set_kernel(d, kernel, "console=ttyAMA0"), 0);
	ck_assert_int_eq(dtg_domain_set_ramdisk(d, ramdisk), 0);
	if (pt_path) {
		int dev = dtg_domain_add_passthrough(d, pt_path);
		ck_assert_msg(dev >= 0, "%s", dtg_last_error(ctx));
		ck_assert_int_eq(dtg_pt_set_iommu(d, dev, DTG_IOMMU_MODE_OFF), 0);
	}
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	return d;
}

/* A finalized guest booting the same kernel and ramdisk as the others. */
static dtg_domain *make_guest(dtg_ctx *ctx, const dtg_host *host,
			      const char *name, uint64_t mib,
			      const char *pt_path)
{
	return make_guest_files(ctx, host, name, mib, pt_path, "/boot/Image",
				"/boot/initrd");
}

/* Every module in one bank, aligned, clear of reserved memory and others. */
static void check_placement(const dtg_host *host, const dtg_dom0less *b,
			    uint64_t min_addr)
{
	struct region ram[16], rsv[64];
	size_t nram, nrsv, n = dtg_dom0less_module_count(b);

	host_memory(dtg_host_fdt(host), ram, &nram, rsv, &nrsv);
	ck_assert_uint_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		struct dtg_dom0less_module m, o;
		bool in_bank = false;

		ck_assert_int_eq(dtg_dom0less_module(b, i, &m), 0);
		ck_assert_uint_eq(m.addr % DTG_DOM0LESS_ALIGN, 0);
		ck_assert_uint_ge(m.addr, min_addr);
		for (size_t k = 0; k < nram; k++)
			if (m.addr >= ram[k].base &&
			    m.addr + m.size <= ram[k].base + ram[k].size)
				in_bank = true;
		ck_assert_msg(in_bank, "module %zu at 0x%llx is not in RAM", i,
			      (unsigned long long)m.addr);
		for (size_t k = 0; k < nrsv; k++)
			ck_assert_msg(!overlap(m.addr, m.size, rsv[k].base,
					       rsv[k].size),
				      "module %zu at 0x%llx overlaps reserved "
				      "0x%llx", i, (unsigned long long)m.addr,
				      (unsigned long long)rsv[k].base);
		for (size_t k = 0; k < i; k++) {
			ck_assert_int_eq(dtg_dom0less_module(b, k, &o), 0);
			/* a shared module is the earlier copy of the same file */
			if (m.shared && o.addr == m.addr) {
				ck_assert_int_eq(o.kind, m.kind);
				ck_assert_str_eq(o.path, m.path);
				continue;
			}
			ck_assert(!overlap(m.addr, m.size, o.addr, o.size));
		}
	}
}

START_TEST(test_virt_two_guests)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt-el2-gicv3.dtb");
	dtg_domain *g1 = make_guest(ctx, host, "rtc", 64, "/pl031@9010000");
	dtg_domain *g2 = make_guest(ctx, host, "gpio", 64, "/pl061@9030000");
	struct dtg_dom0less_opts opts = { .xen_bootargs = "console=dtuart" };
	struct dtg_dom0less_guest g = { .kernel_size = 33 * MIB,
					.ramdisk_size = 2 * MIB };
	dtg_dom0less *b;
	const void *dtb;
	size_t size;

	ck_assert_int_eq(dtg_dom0less_new(ctx, host, &opts, &b), 0);
	g.domain = g1;
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), 0);
	g.domain = g2;
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), 1);
	ck_assert_msg(dtg_dom0less_finalize(b) == 0, "%s", dtg_last_error(ctx));
	/* kernel, ramdisk, partial DT per guest, from RAM + 256 MiB up */
	ck_assert_uint_eq(dtg_dom0less_module_count(b), 6);
	check_placement(host, b, 0x50000000);

	ck_assert_int_eq(dtg_dom0less_host_dtb(b, &dtb, &size), 0);
	ck_assert_int_eq(fdt_check_full(dtb, size), 0);
	char *dts = tu_check_dtb(dtb, size, "reg_format");
	free(dts);

	int chosen = fdt_path_offset(dtb, "/chosen");
	ck_assert_int_ge(chosen, 0);
	ck_assert_str_eq(fdt_getprop(dtb, chosen, "xen,xen-bootargs", NULL),
			 "console=dtuart");
	int dom = fdt_subnode_offset(dtb, chosen, "rtc");
	ck_assert_int_ge(dom, 0);
	/* guests in the order given: Xen numbers them in /chosen's order */
	int first = -1, sub;
	fdt_for_each_subnode(sub, dtb, chosen) {
		if (!fdt_node_check_compatible(dtb, sub, "xen,domain")) {
			first = sub;
			break;
		}
	}
	ck_assert_str_eq(fdt_get_name(dtb, first, NULL), "rtc");
	ck_assert_int_eq(fdt_node_check_compatible(dtb, dom, "xen,domain"), 0);
	int len;
	const void *mem = fdt_getprop(dtb, dom, "memory", &len);
	ck_assert_int_eq(len, 8);
	ck_assert_uint_eq(be64_at(mem), 64 * 1024); /* KiB */
	const fdt32_t *cpus = fdt_getprop(dtb, dom, "cpus", &len);
	ck_assert_uint_eq(fdt32_to_cpu(*cpus), 1);
	ck_assert_ptr_nonnull(fdt_getprop(dtb, dom, "vpl011", NULL));
	/* forced devices need no IOMMU: no passthrough = "enabled" */
	ck_assert_ptr_null(fdt_getprop(dtb, dom, "passthrough", NULL));

	int kinds[3] = { 0, 0, 0 }, mod;
	uint64_t last_addr = 0;
	fdt_for_each_subnode(mod, dtb, dom) {
		const uint8_t *reg = fdt_getprop(dtb, mod, "reg", &len);
		char name[32];
		ck_assert_int_eq(len, 16);
		snprintf(name, sizeof(name), "module@%llx",
			 (unsigned long long)be64_at(reg));
		ck_assert_str_eq(fdt_get_name(dtb, mod, NULL), name);
		/* modules in load order */
		ck_assert_uint_gt(be64_at(reg), last_addr);
		last_addr = be64_at(reg);
		ck_assert_int_eq(fdt_node_check_compatible(dtb, mod,
							   "multiboot,module"), 0);
		if (!fdt_node_check_compatible(dtb, mod, "multiboot,kernel")) {
			kinds[0]++;
			ck_assert_str_eq(fdt_getprop(dtb, mod, "bootargs", NULL),
					 "console=ttyAMA0");
			ck_assert_uint_eq(be64_at(reg + 8), 33 * MIB);
		}
		if (!fdt_node_check_compatible(dtb, mod, "multiboot,ramdisk"))
			kinds[1]++;
		if (!fdt_node_check_compatible(dtb, mod, "multiboot,device-tree"))
			kinds[2]++;
	}
	ck_assert(kinds[0] == 1 && kinds[1] == 1 && kinds[2] == 1);
	ck_assert_ptr_nonnull(fdt_getprop(dtb, fdt_path_offset(dtb,
				"/pl031@9010000"), "xen,passthrough", NULL));
	ck_assert_ptr_nonnull(fdt_getprop(dtb, fdt_path_offset(dtb,
				"/pl061@9030000"), "xen,passthrough", NULL));
	ck_assert_ptr_null(fdt_getprop(dtb, fdt_path_offset(dtb,
				"/pl011@9000000"), "xen,passthrough", NULL));

	/* each guest's partial DT is the module's size */
	for (size_t i = 0; i < 2; i++) {
		const void *p;
		size_t psize;
		ck_assert_int_eq(dtg_dom0less_partial_dtb(b, i, &p, &psize), 0);
		ck_assert_ptr_nonnull(p);
		ck_assert_int_eq(fdt_check_full(p, psize), 0);
	}

	/*
	 * Both guests name the same kernel and ramdisk: loaded once, and the
	 * second guest's module nodes point at the first copy.
	 */
	struct dtg_dom0less_module k1, k2;
	dtg_dom0less_module(b, 0, &k1);
	dtg_dom0less_module(b, 3, &k2);
	ck_assert(!k1.shared && k2.shared);
	ck_assert_uint_eq(k1.addr, k2.addr);

	/* text outputs: one line per module loaded */
	const char *paths[6] = { "/k1", "/r1", "/d1", "/k2", "/r2", "/d2" };
	char *txt;
	size_t tlen;
	ck_assert_int_eq(dtg_dom0less_load_txt_alloc(b, paths, &txt, &tlen), 0);
	char *line = txt;
	size_t lines = 0;
	for (size_t i = 0; i < 6; i++) {
		struct dtg_dom0less_module m;
		unsigned long long a, s;
		char p[16];
		dtg_dom0less_module(b, i, &m);
		if (m.shared)
			continue;
		ck_assert_int_eq(sscanf(line, "%llx %llx %15s", &a, &s, p), 3);
		ck_assert_uint_eq(a, m.addr);
		ck_assert_uint_eq(s, m.size);
		ck_assert_str_eq(p, paths[i]);
		line = strchr(line, '\n') + 1;
		lines++;
	}
	ck_assert_uint_eq(lines, 4);
	ck_assert_str_eq(line, "");
	dtg_free(ctx, txt);
	ck_assert_int_eq(dtg_dom0less_qemu_args_alloc(b, paths, &txt, &tlen), 0);
	ck_assert_ptr_nonnull(strstr(txt, "-device loader,file=/k1,addr=0x"));
	ck_assert_ptr_nonnull(strstr(txt, ",force-raw=on\n"));
	dtg_free(ctx, txt);
	ck_assert_int_eq(dtg_dom0less_boot_cmd_alloc(b, paths, "xen", "host.dtb",
						     &txt, &tlen), 0);
	ck_assert_ptr_nonnull(strstr(txt, "booti 0x"));
	dtg_free(ctx, txt);

	dtg_dom0less_free(b);
	dtg_domain_free(g1);
	dtg_domain_free(g2);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/* J721E: 4 GiB in two banks, 26 reserved carve-outs from 0x9e800000 up. */
START_TEST(test_j721e_placement_skips_reserved)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "k3-j721e-common-proc-board.dtb");
	dtg_domain *d[3];
	struct dtg_dom0less_guest g = { .kernel_size = 100 * MIB,
					.ramdisk_size = 30 * MIB };
	dtg_dom0less *b;
	char name[8];

	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	char kernel[3][16], ramdisk[3][16];

	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "g%d", i);
		snprintf(kernel[i], sizeof(kernel[i]), "/boot/Image%d", i);
		snprintf(ramdisk[i], sizeof(ramdisk[i]), "/boot/initrd%d", i);
		d[i] = make_guest_files(ctx, host, name, 256, NULL, kernel[i],
					ramdisk[i]);
		g.domain = d[i];
		ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), i);
	}
	ck_assert_msg(dtg_dom0less_finalize(b) == 0, "%s", dtg_last_error(ctx));
	ck_assert_uint_eq(dtg_dom0less_module_count(b), 6);
	check_placement(host, b, 0x90000000);
	/* the modules do not fit below the carve-outs: some went above them */
	struct dtg_dom0less_module last;
	dtg_dom0less_module(b, 5, &last);
	ck_assert_uint_ge(last.addr, 0xabc00000);

	/* the edited DTB keeps the reserved memory and stays valid */
	const void *dtb;
	size_t size;
	ck_assert_int_eq(dtg_dom0less_host_dtb(b, &dtb, &size), 0);
	ck_assert_int_eq(fdt_check_full(dtb, size), 0);
	ck_assert_int_ge(fdt_path_offset(dtb, "/reserved-memory"), 0);
	dtg_dom0less_free(b);

	/* a base the user gives inside reserved memory is refused */
	struct dtg_dom0less_opts opts = { .load_base = 0x9e800000 };
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, &opts, &b), 0);
	g.domain = d[0];
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), 0);
	ck_assert_int_eq(dtg_dom0less_finalize(b), -DTG_EOVERLAP);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "optee@9e800000"));
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "k3-j721e"));
	dtg_dom0less_free(b);

	for (int i = 0; i < 3; i++)
		dtg_domain_free(d[i]);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/* ZCU102: 2 GiB at 0 and 2 GiB at 0x800000000; big modules spill over. */
START_TEST(test_zcu102_placement_two_banks)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "zynqmp-zcu102-rev1.0.dtb");
	dtg_domain *d[2];
	struct dtg_dom0less_guest g = { .kernel_size = 700 * MIB,
					.ramdisk_size = 200 * MIB };
	dtg_dom0less *b;

	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	d[0] = make_guest_files(ctx, host, "a", 512, NULL, "/a/Image", "/a/rd");
	d[1] = make_guest_files(ctx, host, "b", 512, NULL, "/b/Image", "/b/rd");
	for (int i = 0; i < 2; i++) {
		g.domain = d[i];
		ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), i);
	}
	ck_assert_msg(dtg_dom0less_finalize(b) == 0, "%s", dtg_last_error(ctx));
	check_placement(host, b, 0x10000000);
	struct dtg_dom0less_module m;
	dtg_dom0less_module(b, 3, &m);
	ck_assert_uint_ge(m.addr, 0x800000000ULL);
	dtg_dom0less_free(b);

	/* a guest bigger than what is left of host RAM */
	dtg_domain *huge = make_guest(ctx, host, "huge", 4096, NULL);
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	g.domain = huge;
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), 0);
	ck_assert_int_eq(dtg_dom0less_finalize(b), -DTG_ENOSPACE);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "guest 'huge'"));
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "memory"));
	dtg_dom0less_free(b);

	dtg_domain_free(huge);
	dtg_domain_free(d[0]);
	dtg_domain_free(d[1]);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_bad_descriptions)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt-el2-gicv3.dtb");
	dtg_domain *a = make_guest(ctx, host, "a", 64, "/pl031@9010000");
	dtg_domain *b2 = make_guest(ctx, host, "b", 64, "/pl031@9010000");
	dtg_domain *a2 = make_guest(ctx, host, "a", 64, NULL);
	struct dtg_dom0less_guest g = { .kernel_size = MIB, .ramdisk_size = MIB };
	dtg_dom0less *b;

	/* two guests claiming one device */
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	g.domain = a;
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), 0);
	g.domain = b2;
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), 1);
	ck_assert_int_eq(dtg_dom0less_finalize(b), -DTG_EDUPLICATE);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "/pl031@9010000"));
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "'a' and 'b'"));
	/* nothing is readable from a builder that failed */
	ck_assert_uint_eq(dtg_dom0less_module_count(b), 0);
	dtg_dom0less_free(b);

	/* two guests with one name */
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	g.domain = a;
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), 0);
	g.domain = a2;
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), -DTG_EDUPLICATE);
	/* empty kernel, missing ramdisk size */
	g.kernel_size = 0;
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), -DTG_EINVAL);
	g.kernel_size = MIB;
	g.ramdisk_size = 0;
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), -DTG_EINVAL);
	g.ramdisk_size = MIB;
	/* a load base outside RAM */
	dtg_dom0less_free(b);
	struct dtg_dom0less_opts opts = { .load_base = 0x1000 };
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, &opts, &b), 0);
	g.domain = a;
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), 0);
	ck_assert_int_eq(dtg_dom0less_finalize(b), -DTG_ERANGE);
	dtg_dom0less_free(b);

	dtg_domain_free(a);
	dtg_domain_free(a2);
	dtg_domain_free(b2);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * A guest's own partial DT (xl's device_tree=) is loaded as it is; each
 * violation of Xen's rules is a warning naming the guest, node and property.
 */
START_TEST(test_user_partial)
{
	static const char dts[] =
		"/dts-v1/;\n/ {\n #address-cells = <2>; #size-cells = <2>;\n"
		" passthrough {\n  compatible = \"simple-bus\"; ranges;\n"
		"  #address-cells = <2>; #size-cells = <2>;\n"
		"  pl031@9010000 {\n   compatible = \"arm,pl031\", \"arm,primecell\";\n"
		"   reg = <0 0x9010000 0 0x1000>;\n"
		"   interrupt-parent = <0xfde8>; interrupts = <0 2 4>;\n"
		"   xen,reg = <0 0x9010000 0 0x1000 0 0x9010800>;\n"
		"   xen,path = \"/pl031@9010000\";\n"
		"   xen,force-assign-without-iommu;\n  };\n };\n};\n";
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt-el2-gicv3.dtb");
	dtg_domain *d = make_guest(ctx, host, "mine", 64, NULL);
	struct dtg_dom0less_guest g = { .domain = d, .kernel_size = MIB,
					.ramdisk_size = MIB };
	size_t size, psize;
	void *blob = tu_dts_to_dtb(dts, &size);
	const void *p;
	dtg_dom0less *b;

	g.partial_dtb = blob;
	g.partial_dtb_size = size;
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), 0);
	memset(blob, 0, size);  /* the builder keeps its own copy */
	free(blob);
	ck_assert_msg(dtg_dom0less_finalize(b) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_eq(dtg_dom0less_partial_dtb(b, 0, &p, &psize), 0);
	ck_assert_uint_eq(psize, size);
	ck_assert_int_eq(fdt_check_full(p, psize), 0);
	ck_assert_ptr_nonnull(strstr(tu_log_text(ctx),
		"guest 'mine': device_tree: /passthrough/pl031@9010000: xen,reg:"));
	ck_assert_uint_eq(dtg_dom0less_module_count(b), 3);
	dtg_dom0less_free(b);

	/* not a DTB at all: refused when the guest is added (lib/blob-check.c) */
	char junk[64] = "not a device tree";
	g.partial_dtb = junk;
	g.partial_dtb_size = sizeof(junk);
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), -DTG_EBADDTB);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "guest 'mine' device_tree: header: magic"));
	/* named by its file when the caller gives one */
	g.partial_dtb_name = "mine.dtb";
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), -DTG_EBADDTB);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "mine.dtb: header: magic"));
	dtg_dom0less_free(b);

	dtg_domain_free(d);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * A guest's own partial DT is untrusted input: refused before the builder
 * allocates anything for the guest, and every allocation failure on the
 * way frees what add_guest took (one free path; counted by the ctx's
 * allocator hooks, so a leak shows without ASan too).
 */
struct counting { size_t allocs, frees, fail_at; };

static void *c_alloc(void *o, size_t n)
{
	struct counting *c = o;

	if (c->fail_at && c->allocs + 1 == c->fail_at)
		return NULL;
	c->allocs++;
	return malloc(n);
}

static void *c_realloc(void *o, void *p, size_t n)
{
	struct counting *c = o;

	if (!p && c->fail_at && c->allocs + 1 == c->fail_at)
		return NULL;
	if (!p)
		c->allocs++;
	return realloc(p, n);
}

static void c_free(void *o, void *p)
{
	if (p)
		((struct counting *)o)->frees++;
	free(p);
}

START_TEST(test_user_partial_alloc)
{
	struct counting c = { 0 };
	struct dtg_alloc_ops ops = { c_alloc, c_realloc, c_free, &c };
	char junk[64] = "not a device tree";
	dtg_ctx *ctx;
	dtg_host *host;
	dtg_domain *d;
	dtg_dom0less *b;
	size_t size, before;
	void *blob = tu_dts_to_dtb("/dts-v1/; / { passthrough { }; };", &size);
	struct dtg_dom0less_guest g = { .kernel_size = MIB, .ramdisk_size = MIB };
	int r = -1;

	ck_assert_int_eq(dtg_ctx_new(&ctx, &ops), 0);
	host = tu_load_host(ctx, "virt-el2-gicv3.dtb");
	d = make_guest(ctx, host, "mine", 64, NULL);
	g.domain = d;
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);

	g.partial_dtb = junk;
	g.partial_dtb_size = sizeof(junk);
	g.partial_dtb_name = "mine.dtb";
	before = c.allocs;
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), -DTG_EBADDTB);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "mine.dtb: header: magic"));
	ck_assert_uint_eq(c.allocs, before);

	/* each allocation of add_guest failing in turn, then none */
	g.partial_dtb = blob;
	g.partial_dtb_size = size;
	for (size_t k = 1; r < 0; k++) {
		ck_assert_uint_lt(k, 10);
		c.fail_at = c.allocs + k;
		r = dtg_dom0less_add_guest(b, &g);
		c.fail_at = 0;
		ck_assert(r == 0 || r == -DTG_ENOMEM);
	}
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), -DTG_EDUPLICATE);
	dtg_dom0less_free(b);
	dtg_domain_free(d);
	dtg_host_free(host);
	dtg_ctx_free(ctx);
	free(blob);
	ck_assert_uint_eq(c.allocs, c.frees);
}
END_TEST

/*
 * Two DRA7 guests share the DSP (several MMIO ranges, auto remapping): the
 * host DT marks it xen,shared-coprocessor and each guest's partial DT
 * carries its instance for Xen.
 */
START_TEST(test_dra7_shared_dsp)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "dra7-evm.dtb");
	struct dtg_dom0less_guest g = { .kernel_size = 8 * MIB };
	dtg_domain *d[2];
	dtg_dom0less *b;
	const void *dtb;
	size_t size;
	char name[8];

	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(dtg_domain_new(ctx, host, &d[i]), 0);
		snprintf(name, sizeof(name), "dsp%d", i);
		ck_assert_int_eq(dtg_domain_set_name(d[i], name), 0);
		ck_assert_int_eq(dtg_domain_set_arch(d[i], DTG_ARCH_ARM32), 0);
		ck_assert_int_eq(dtg_domain_set_memory_mib(d[i], 64), 0);
		ck_assert_int_eq(dtg_domain_set_kernel(d[i], "/boot/zImage", NULL), 0);
		ck_assert_int_eq(dtg_domain_add_coprocessor(d[i], "/ocp/dsp@40800000"), 0);
		ck_assert_int_eq(dtg_copro_set_placement(d[i], 0, -1, DTG_PLACE_AUTO, 0), 0);
		ck_assert_msg(dtg_domain_finalize(d[i]) == 0, "%s", dtg_last_error(ctx));
	}
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	for (int i = 0; i < 2; i++) {
		g.domain = d[i];
		ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), i);
	}
	ck_assert_msg(dtg_dom0less_finalize(b) == 0, "%s", dtg_last_error(ctx));
	check_placement(host, b, 0);
	ck_assert_int_eq(dtg_dom0less_host_dtb(b, &dtb, &size), 0);
	ck_assert_int_eq(fdt_check_full(dtb, size), 0);
	int dsp = fdt_path_offset(dtb, "/ocp/dsp@40800000");
	ck_assert_int_ge(dsp, 0);
	ck_assert_ptr_nonnull(fdt_getprop(dtb, dsp, "xen,shared-coprocessor", NULL));
	/* shared, not passed through: no xen,passthrough */
	ck_assert_ptr_null(fdt_getprop(dtb, dsp, "xen,passthrough", NULL));
	for (size_t i = 0; i < 2; i++) {
		const void *p;
		size_t psize;

		ck_assert_int_eq(dtg_dom0less_partial_dtb(b, i, &p, &psize), 0);
		ck_assert_ptr_nonnull(p);
		ck_assert_int_ge(fdt_path_offset(p, "/xen-coprocessors"), 0);
	}
	dtg_dom0less_free(b);
	dtg_domain_free(d[0]);
	dtg_domain_free(d[1]);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * Static memory (QEMU virt: 2 GiB of RAM at 0x40000000): the banks go into
 * xen,static-mem with direct-map, modules stay off them, and the rules Xen
 * enforces are refused before boot.
 */
START_TEST(test_static_mem)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt-el2-gicv3.dtb");
	struct dtg_dom0less_guest g = { .kernel_size = 200 * MIB };
	dtg_domain *d;
	dtg_dom0less *b;
	const void *dtb;
	size_t size;
	int len;

	ck_assert_int_eq(dtg_domain_new(ctx, host, &d), 0);
	ck_assert_int_eq(dtg_domain_set_name(d, "rt"), 0);
	ck_assert_int_eq(dtg_domain_set_kernel(d, "/boot/zephyr.bin", NULL), 0);
	ck_assert_int_eq(dtg_domain_set_memory_mib(d, 192), 0);
	/* where the default placement would put the kernel */
	ck_assert_int_eq(dtg_domain_add_static_mem(d, 0x50000000, 0x8000000), 0);
	ck_assert_int_eq(dtg_domain_add_static_mem(d, 0x60000000, 0x4000000), 0);
	ck_assert_int_eq(dtg_domain_add_static_mem(d, 0x61000000, 0x1000), -DTG_EOVERLAP);
	ck_assert_int_eq(dtg_domain_add_static_mem(d, 0x70000800, 0x1000), -DTG_ERANGE);
	/* direct-map needs static memory, whose total must be the memory */
	ck_assert_int_eq(dtg_domain_set_direct_map(d, true), 0);
	ck_assert_int_eq(dtg_domain_set_memory_mib(d, 256), 0);
	ck_assert_int_eq(dtg_domain_finalize(d), -DTG_EINVAL);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "static_mem: the banks hold 192 MiB"));
	ck_assert_int_eq(dtg_domain_set_memory_mib(d, 192), 0);
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));

	g.domain = d;
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), 0);
	ck_assert_msg(dtg_dom0less_finalize(b) == 0, "%s", dtg_last_error(ctx));
	check_placement(host, b, 0);
	struct dtg_dom0less_module m;
	ck_assert_int_eq(dtg_dom0less_module(b, 0, &m), 0);
	ck_assert(!overlap(m.addr, m.size, 0x50000000, 0x8000000));
	ck_assert(!overlap(m.addr, m.size, 0x60000000, 0x4000000));
	ck_assert_int_eq(dtg_dom0less_host_dtb(b, &dtb, &size), 0);
	int dom = fdt_path_offset(dtb, "/chosen/rt");
	ck_assert_int_ge(dom, 0);
	ck_assert_ptr_nonnull(fdt_getprop(dtb, dom, "direct-map", NULL));
	const uint8_t *sm = fdt_getprop(dtb, dom, "xen,static-mem", &len);
	ck_assert_int_eq(len, 32);
	ck_assert_uint_eq(be64_at(sm), 0x50000000);
	ck_assert_uint_eq(be64_at(sm + 8), 0x8000000);
	ck_assert_uint_eq(be64_at(sm + 16), 0x60000000);
	dtg_dom0less_free(b);
	dtg_domain_free(d);

	/* banks outside host RAM, or claimed by two guests */
	dtg_domain *d1, *d2;
	ck_assert_int_eq(dtg_domain_new(ctx, host, &d1), 0);
	ck_assert_int_eq(dtg_domain_set_name(d1, "one"), 0);
	ck_assert_int_eq(dtg_domain_set_kernel(d1, "/boot/a", NULL), 0);
	ck_assert_int_eq(dtg_domain_set_memory_mib(d1, 64), 0);
	ck_assert_int_eq(dtg_domain_add_static_mem(d1, 0x60000000, 0x4000000), 0);
	ck_assert_int_eq(dtg_domain_finalize(d1), 0);
	ck_assert_int_eq(dtg_domain_new(ctx, host, &d2), 0);
	ck_assert_int_eq(dtg_domain_set_name(d2, "two"), 0);
	ck_assert_int_eq(dtg_domain_set_kernel(d2, "/boot/b", NULL), 0);
	ck_assert_int_eq(dtg_domain_set_memory_mib(d2, 64), 0);
	ck_assert_int_eq(dtg_domain_add_static_mem(d2, 0x62000000, 0x4000000), 0);
	ck_assert_int_eq(dtg_domain_finalize(d2), 0);
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	g.kernel_size = MIB;
	g.domain = d1;
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), 0);
	g.domain = d2;
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), 1);
	ck_assert_int_eq(dtg_dom0less_finalize(b), -DTG_EOVERLAP);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "guest 'two': static_mem"));
	dtg_dom0less_free(b);
	dtg_domain_free(d2);
	ck_assert_int_eq(dtg_domain_new(ctx, host, &d2), 0);
	ck_assert_int_eq(dtg_domain_set_name(d2, "two"), 0);
	ck_assert_int_eq(dtg_domain_set_kernel(d2, "/boot/b", NULL), 0);
	ck_assert_int_eq(dtg_domain_set_memory_mib(d2, 64), 0);
	ck_assert_int_eq(dtg_domain_add_static_mem(d2, 0x10000000, 0x4000000), 0);
	ck_assert_int_eq(dtg_domain_finalize(d2), 0);
	ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &b), 0);
	g.domain = d2;
	ck_assert_int_eq(dtg_dom0less_add_guest(b, &g), 0);
	ck_assert_int_eq(dtg_dom0less_finalize(b), -DTG_ERANGE);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "not inside one RAM bank"));
	dtg_dom0less_free(b);
	dtg_domain_free(d1);
	dtg_domain_free(d2);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

static Suite *dom0less_suite(void)
{
	Suite *s = suite_create("dom0less");
	TCase *tc = tcase_create("builder");

	tcase_add_test(tc, test_virt_two_guests);
	tcase_add_test(tc, test_j721e_placement_skips_reserved);
	tcase_add_test(tc, test_zcu102_placement_two_banks);
	tcase_add_test(tc, test_bad_descriptions);
	tcase_add_test(tc, test_user_partial);
	tcase_add_test(tc, test_user_partial_alloc);
	tcase_add_test(tc, test_dra7_shared_dsp);
	tcase_add_test(tc, test_static_mem);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(dom0less_suite());
}
