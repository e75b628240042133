/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_vsmmu_series.c - vSMMUv3 guests as the xen-devel vSMMUv3
 * series (2026, "vIOMMU vSID->pSID mapping layer") builds them.
 *
 * The consumers, read in the series:
 *   - libxl viommu_modify_partial_fdt -> viommu_get_stream: for each child
 *     of the partial DT's /passthrough, in order, for i < proplen / 8:
 *     psid = prop[i * 2 + 1]; xc_domain_viommu_allocate_vsid_range(domid,
 *     1, psid, &vsid); the guest gets <GUEST_PHANDLE_VSMMUV3 vsid>;
 *   - Xen dom0less modify_pfdt_node: the same pairs, viommu_allocate_free_vid;
 *   - Xen vsmmuv3_allocate_free_vid: the first free vSID index from 0;
 *   - Xen arch_do_domctl XEN_DOMCTL_viommu_alloc_vsid_range (91):
 *     {u32 first_psid; u16 nr_sids; u16 pad (must be 0); u32 first_vsid};
 *   - libxl make_vsmmuv3_node / Xen dom0less make_vsmmuv3_node: the guest's
 *     iommu@4040000 node, made by the consumers (not from the partial DT).
 * consume() below is that walk, run on the partial DT libdtgen writes; the
 * guest DT libdtgen completes itself must show exactly what it yields.
 *
 * Boards: Juno r2 (real, Debian 12 arm64 kernel): two HDLCDs with stream
 * ID 0 on two MMU-401s, two USB controllers sharing stream ID 0 on a third,
 * the PL330 with nine stream IDs: the D05's case (equal pSIDs on different
 * SMMUs) with interrupts Xen can route.  HiSilicon D05 (real, Debian 12
 * arm64 kernel): its four SEC crypto engines all have pSID 0x600 on four
 * SMMUv3s, but their interrupts end at a HiSilicon mbigen, not the GIC:
 * both `partial` and `complete` refuse them, naming the controller.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <xendtgen/viommu.h>
#include <xendtgen/domctl.h>
#include <xendtgen/fdt.h>
#include "testutil.h"

#define MAXE 64

/* The juno guest, in the order the devices are added (= partial-DT order). */
static const char *const juno_dev[] = {
	"/dma-controller@7ff00000", "/hdlcd@7ff50000", "/hdlcd@7ff60000",
	"/usb@7ffb0000", "/usb@7ffc0000",
};
/* Their host iommus: (SMMU, pSID) per entry, from juno-r2.dtb. */
static const struct { const char *smmu; uint32_t psid; } juno_entry[] = {
	{ "/iommu@7fb00000", 0 }, { "/iommu@7fb00000", 1 }, { "/iommu@7fb00000", 2 },
	{ "/iommu@7fb00000", 3 }, { "/iommu@7fb00000", 4 }, { "/iommu@7fb00000", 5 },
	{ "/iommu@7fb00000", 6 }, { "/iommu@7fb00000", 7 }, { "/iommu@7fb00000", 8 },
	{ "/iommu@7fb10000", 0 }, { "/iommu@7fb20000", 0 },
	{ "/iommu@7fb30000", 0 }, { "/iommu@7fb30000", 0 },
};
#define NENTRY (sizeof(juno_entry) / sizeof(juno_entry[0]))

static dtg_domain *juno_domain(dtg_ctx *ctx, dtg_host *h)
{
	struct dtg_viommu_config cfg = { .type = DTG_VIOMMU_SMMUV3 };
	dtg_domain *d;

	ck_assert_int_eq(dtg_domain_new(ctx, h, &d), 0);
	ck_assert_int_eq(dtg_domain_set_name(d, "juno"), 0);
	for (size_t i = 0; i < 5; i++) {
		int dev = dtg_domain_add_passthrough(d, juno_dev[i]);

		ck_assert_int_ge(dev, 0);
		if (i == 1 || i == 2)
			ck_assert_int_eq(dtg_pt_set_clock_rate(d, dev, "pxlclk", 148500000), 0);
	}
	ck_assert_int_eq(dtg_domain_set_viommu(d, &cfg), 0);
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	return d;
}

/*
 * The series' consumer on a partial DT: Xen's dom0less scan_pfdt_node
 * recurses through /passthrough's subtree depth first (node, then its
 * children in order) and calls modify_pfdt_node on each node; each
 * <phandle pSID> pair gets the first free vSID (used[] is Xen's
 * vsids[].valid).  Fills psid[]/vsid[] per entry, returns the count.
 */
static size_t consume(const void *pfdt, bool *used, size_t nused,
		      uint32_t *psid, uint32_t *vsid)
{
	int bus = fdt_path_offset(pfdt, "/passthrough"), node, depth = 0;
	size_t k = 0;

	ck_assert_int_ge(bus, 0);
	/* fdt_next_node in preorder, within the subtree (depth > 0) */
	for (node = fdt_next_node(pfdt, bus, &depth); node >= 0 && depth > 0;
	     node = fdt_next_node(pfdt, node, &depth)) {
		int len;
		const fdt32_t *p = fdt_getprop(pfdt, node, "iommus", &len);

		if (!p)
			continue;
		for (int i = 0; i < len / 8; i++, k++) {
			size_t v = 0;

			while (v < nused && used[v])
				v++;
			ck_assert_uint_lt(v, nused);
			used[v] = true;
			ck_assert_uint_lt(k, MAXE);
			psid[k] = fdt32_ld(p + 2 * i + 1);
			vsid[k] = (uint32_t)v;
		}
	}
	return k;
}

/* consume() reaches a nested master as scan_pfdt_node does, in preorder. */
START_TEST(test_consume_recurses)
{
	static const char dts[] =
		"/dts-v1/;\n"
		"/ { passthrough {\n"
		"  a { iommus = <0 0x10>; b { iommus = <0 0x20>; }; };\n"
		"  c { d { iommus = <0 0x30 0 0x31>; }; };\n"
		"}; };\n";
	size_t size, n;
	void *pdt = tu_dts_to_dtb(dts, &size);
	uint32_t psid[MAXE], vsid[MAXE];
	bool used[MAXE] = { false };

	used[1] = true;   /* a vSID already taken: the next free one follows */
	n = consume(pdt, used, MAXE, psid, vsid);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(psid[0], 0x10);
	ck_assert_uint_eq(vsid[0], 0);
	ck_assert_uint_eq(psid[1], 0x20);
	ck_assert_uint_eq(vsid[1], 2);
	ck_assert_uint_eq(psid[2], 0x30);
	ck_assert_uint_eq(psid[3], 0x31);
	ck_assert_uint_eq(vsid[3], 4);
	free(pdt);
}
END_TEST

/* Every <65002 vSID> of a tree's bus, in order. */
static size_t guest_vsids(const void *fdt, const char *bus, uint32_t *vsid)
{
	int b = fdt_path_offset(fdt, bus), node;
	size_t k = 0;

	ck_assert_int_ge(b, 0);
	fdt_for_each_subnode(node, fdt, b) {
		int len;
		const fdt32_t *p = fdt_getprop(fdt, node, "iommus", &len);

		for (int i = 0; p && i < len / 8; i++) {
			ck_assert_uint_eq(fdt32_ld(p + 2 * i), 65002);
			vsid[k++] = fdt32_ld(p + 2 * i + 1);
		}
	}
	return k;
}

START_TEST(test_juno_partial_keeps_psids)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "juno-r2.dtb");
	dtg_domain *d = juno_domain(ctx, h);
	uint32_t psid[MAXE], vsid[MAXE], gv[MAXE];
	bool used[MAXE] = { false };
	struct dtg_vid_map m;
	void *pdt, *gdt, *odt;
	size_t psz, gsz, osz, n;
	char *dts;

	/* The table: one row per entry, partial-DT order, vSID k. */
	ck_assert_uint_eq(dtg_domain_vid_count(d), NENTRY);
	for (size_t k = 0; k < NENTRY; k++) {
		ck_assert_int_eq(dtg_domain_vid_map(d, k, &m), 0);
		ck_assert_str_eq(m.piommu, juno_entry[k].smmu);
		ck_assert_uint_eq(m.pid, juno_entry[k].psid);
		ck_assert_uint_eq(m.count, 1);
		ck_assert_uint_eq(m.vid, k);
	}

	/* Partial DT: <0 pSID> per entry, no vSMMUv3 node, Xen's rules hold. */
	ck_assert_int_eq(dtg_fdt_partial_alloc(d, &pdt, &psz), 0);
	ck_assert_int_eq(fdt_check_full(pdt, psz), 0);
	ck_assert_int_lt(fdt_node_offset_by_phandle(pdt, 65002), 0);
	ck_assert_int_eq(dtg_partial_check(ctx, h, pdt, psz, "juno-partial.dtb", NULL, NULL), 0);
	n = consume(pdt, used, MAXE, psid, vsid);
	ck_assert_uint_eq(n, NENTRY);
	for (size_t k = 0; k < NENTRY; k++) {
		ck_assert_uint_eq(psid[k], juno_entry[k].psid);   /* what Xen maps */
		ck_assert_uint_eq(vsid[k], k);
	}
	{
		const fdt32_t *p = fdt_getprop(pdt, fdt_path_offset(pdt, "/passthrough/hdlcd@7ff60000"),
					       "iommus", NULL);
		ck_assert_uint_eq(fdt32_ld(p), 0);   /* the seed thread's empty phandle */
	}

	/* Guest DT: exactly the vSIDs the consumer gives, the vSMMUv3 node. */
	ck_assert_int_eq(dtg_fdt_guest_alloc(d, &gdt, &gsz), 0);
	ck_assert_uint_eq(guest_vsids(gdt, "/passthrough", gv), NENTRY);
	for (size_t k = 0; k < NENTRY; k++)
		ck_assert_uint_eq(gv[k], vsid[k]);
	dts = tu_check_dtb(gdt, gsz, "iommus_property interrupts_property reg_format");
	ck_assert_ptr_nonnull(strstr(dts, "iommu@4040000 {"));
	ck_assert_ptr_nonnull(strstr(dts, "hdlcd@7ff50000 {"));
	free(dts);
	/* The dom0less builder's guest: the same view. */
	dtg_free(ctx, gdt);
	ck_assert_int_eq(dtg_fdt_guest_by_alloc(d, DTG_GUEST_BUILDER_DOM0LESS, &gdt, &gsz), 0);
	ck_assert_uint_eq(guest_vsids(gdt, "/passthrough", gv), NENTRY);
	for (size_t k = 0; k < NENTRY; k++)
		ck_assert_uint_eq(gv[k], vsid[k]);

	/* Overlay: the same view under its fragment. */
	ck_assert_int_eq(dtg_fdt_overlay_alloc(d, &odt, &osz), 0);
	ck_assert_int_eq(fdt_check_full(odt, osz), 0);
	ck_assert_uint_eq(guest_vsids(odt, "/fragment@0/__overlay__/passthrough", gv), NENTRY);
	for (size_t k = 0; k < NENTRY; k++)
		ck_assert_uint_eq(gv[k], vsid[k]);

	dtg_free(ctx, pdt);
	dtg_free(ctx, gdt);
	dtg_free(ctx, odt);
	dtg_domain_free(d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_juno_plan_ops_and_encoding)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "juno-r2.dtb");
	dtg_domain *d = juno_domain(ctx, h);
	struct dtg_op ops[256];
	size_t n, need, first;
	uint8_t *bin;
	char *txt;

	ck_assert_int_eq(dtg_plan_ops(d, ops, 256, &n), 0);
	ck_assert_uint_ge(n, NENTRY);
	first = n - NENTRY;
	for (size_t k = 0; k < first; k++)
		ck_assert_int_ne(ops[k].kind, DTG_OP_VIOMMU_ALLOC_VSID_RANGE);
	/* Last: one alloc_vsid_range per entry, nr_sids 1, as viommu_get_stream. */
	for (size_t k = 0; k < NENTRY; k++) {
		const struct dtg_op *op = &ops[first + k];

		ck_assert_int_eq(op->kind, DTG_OP_VIOMMU_ALLOC_VSID_RANGE);
		ck_assert_uint_eq(op->u.vsid.first_psid, juno_entry[k].psid);
		ck_assert_uint_eq(op->u.vsid.nr_sids, 1);
		ck_assert_uint_eq(op->u.vsid.first_vsid, k);
	}
	ck_assert_int_eq(ops[first + 10].device, 2);   /* /hdlcd@7ff60000 */
	ck_assert_str_eq(dtg_op_name(DTG_OP_VIOMMU_ALLOC_VSID_RANGE), "alloc_vsid_range");

	/* bin: the series' struct xen_domctl_viommu_alloc_vsid_range at u. */
	ck_assert_int_eq(dtg_plan_encode(d, DTG_XEN_4_22_DOMCTL_VERSION, 7, NULL, NULL,
					 NULL, 0, &need), -DTG_ENOSPACE);
	ck_assert_uint_eq(need, n * DTG_DOMCTL_SIZE);
	bin = malloc(need);
	ck_assert_int_eq(dtg_plan_encode(d, DTG_XEN_4_22_DOMCTL_VERSION, 7, NULL, NULL,
					 bin, need, &need), 0);
	{
		const uint8_t *r = bin + (first + 12) * DTG_DOMCTL_SIZE;  /* usb@7ffc0000 */
		static const uint8_t want[28] = {
			91, 0, 0, 0,  0x18, 0, 0, 0,  7, 0, 0, 0, 0, 0, 0, 0,
			0, 0, 0, 0,   /* first_psid 0 */
			1, 0,         /* nr_sids 1 */
			0, 0,         /* pad: Xen returns -EINVAL unless 0 */
			0, 0, 0, 0,   /* first_vsid: OUT */
		};
		ck_assert_mem_eq(r, want, sizeof(want));
		for (size_t i = sizeof(want); i < DTG_DOMCTL_SIZE; i++)
			ck_assert_uint_eq(r[i], 0);
		r = bin + (first + 8) * DTG_DOMCTL_SIZE;  /* PL330, pSID 8 */
		ck_assert_uint_eq(r[16], 8);
	}
	free(bin);

	ck_assert_int_eq(dtg_plan_text_alloc(d, &txt, NULL), 0);
	ck_assert_ptr_nonnull(strstr(txt,
		"alloc_vsid_range /hdlcd@7ff60000 first_psid=0x0 nr_sids=1 first_vsid=10 (proposed: vSMMUv3 series)\n"));
	dtg_free(ctx, txt);
	ck_assert_int_eq(dtg_plan_json_alloc(d, &txt, NULL), 0);
	ck_assert_ptr_nonnull(strstr(txt,
		"{\"op\": \"alloc_vsid_range\", \"device\": \"/usb@7ffc0000\", \"first_psid\": \"0x0\", \"nr_sids\": 1, \"first_vsid\": 12, \"proposal\": \"vSMMUv3 series\"}"));
	dtg_free(ctx, txt);

	dtg_domain_free(d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * The toolstack side of libxenctrl, for the executor: the ordinary ops
 * succeed, alloc_vsid_range runs vsmmuv3_allocate_free_vid's rule on a
 * domain where vSIDs 0 and 1 are taken already (as libxl's make_vpci_node
 * may have taken a range before), and records vSID -> pSID like Xen's
 * vsids[] table.
 */
struct fake_xen {
	bool used[MAXE];
	uint32_t psid_of[MAXE];
	size_t calls;
};

static int ok_iomem(void *o, uint32_t dom, uint64_t f, uint64_t n, uint8_t a)
{ (void)o; (void)dom; (void)f; (void)n; (void)a; return 0; }
static int ok_map(void *o, uint32_t dom, uint64_t g, uint64_t f, uint64_t n, uint32_t a)
{ (void)o; (void)dom; (void)g; (void)f; (void)n; (void)a; return 0; }
static int ok_irq(void *o, uint32_t dom, uint32_t p, bool a)
{ (void)o; (void)dom; (void)p; (void)a; return 0; }
static int ok_bind(void *o, uint32_t dom, uint32_t m, uint16_t s)
{ (void)o; (void)dom; (void)m; (void)s; return 0; }
static int ok_assign(void *o, uint32_t dom, const char *p)
{ (void)o; (void)dom; (void)p; return 0; }

static int alloc_vsid_range(void *o, uint32_t dom, uint16_t nr, uint32_t psid,
			    uint32_t *first)
{
	struct fake_xen *x = o;
	uint32_t v = 0;

	(void)dom;
	x->calls++;
	for (uint16_t i = 0; i < nr; i++) {
		v = 0;
		while (v < MAXE && x->used[v])
			v++;
		if (v == MAXE)
			return -1;
		x->used[v] = true;
		x->psid_of[v] = psid + i;
	}
	*first = v - nr + 1;   /* arch_do_domctl: vsid - nr_sids + 1 */
	return 0;
}

START_TEST(test_juno_execute_returns_vsids)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "juno-r2.dtb");
	dtg_domain *d = juno_domain(ctx, h);
	struct dtg_xc_ops xc = {
		.iomem_permission = ok_iomem, .memory_mapping = ok_map,
		.irq_permission = ok_irq, .bind_pt_spi_irq = ok_bind,
		.assign_dt_device = ok_assign,
		.viommu_alloc_vsid_range = alloc_vsid_range,
	};
	struct fake_xen x;
	uint32_t got[NENTRY], gv[MAXE], twice[NENTRY];
	void *gdt, *odt;
	size_t gsz, osz;
	char *dts;

	memset(&x, 0, sizeof(x));
	x.used[0] = x.used[1] = true;
	ck_assert_msg(dtg_plan_execute_vsids(d, 5, &xc, &x, NULL, got, NENTRY) == 0,
		      "%s", dtg_last_error(ctx));
	ck_assert_uint_eq(x.calls, NENTRY);
	for (size_t k = 0; k < NENTRY; k++) {
		ck_assert_uint_eq(got[k], k + 2);
		ck_assert_uint_eq(x.psid_of[got[k]], juno_entry[k].psid);
	}

	/* The guest gets what Xen returned, and Xen maps each to the right pSID. */
	ck_assert_int_eq(dtg_fdt_guest_vsids_alloc(d, DTG_GUEST_BUILDER_LIBXL, got, NENTRY,
						   &gdt, &gsz), 0);
	ck_assert_uint_eq(guest_vsids(gdt, "/passthrough", gv), NENTRY);
	for (size_t k = 0; k < NENTRY; k++) {
		ck_assert_uint_eq(gv[k], got[k]);
		ck_assert_uint_eq(x.psid_of[gv[k]], juno_entry[k].psid);
	}
	dts = tu_check_dtb(gdt, gsz, "iommus_property");
	ck_assert_ptr_nonnull(strstr(dts, "iommus = <0xfdea 0x0c>;"));   /* hdlcd@7ff60000 */
	free(dts);
	ck_assert_int_eq(dtg_fdt_overlay_vsids_alloc(d, got, NENTRY, &odt, &osz), 0);
	ck_assert_uint_eq(guest_vsids(odt, "/fragment@0/__overlay__/passthrough", gv), NENTRY);
	ck_assert_uint_eq(gv[NENTRY - 1], got[NENTRY - 1]);
	dtg_free(ctx, odt);
	dtg_free(ctx, gdt);

	/* The default emitters are unchanged: pure functions of the domain. */
	ck_assert_int_eq(dtg_fdt_guest_alloc(d, &gdt, &gsz), 0);
	ck_assert_uint_eq(guest_vsids(gdt, "/passthrough", gv), NENTRY);
	ck_assert_uint_eq(gv[0], 0);
	dtg_free(ctx, gdt);

	/* A table that cannot be Xen's: wrong length, a vSID twice. */
	ck_assert_int_eq(dtg_fdt_guest_vsids_alloc(d, DTG_GUEST_BUILDER_LIBXL, got, NENTRY - 1,
						   &gdt, &gsz), -DTG_EINVAL);
	ck_assert_ptr_null(gdt);
	memcpy(twice, got, sizeof(twice));
	twice[4] = twice[3];
	ck_assert_int_eq(dtg_fdt_guest_vsids_alloc(d, DTG_GUEST_BUILDER_LIBXL, twice, NENTRY,
						   &gdt, &gsz), -DTG_EDUPLICATE);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "vSIDs: 5 given for entries 3 and 4"));
	ck_assert_int_eq(dtg_fdt_overlay_vsids_alloc(d, NULL, 0, &odt, &osz), -DTG_EINVAL);

	/* The executor needs the callback for such a plan, and room for all. */
	xc.viommu_alloc_vsid_range = NULL;
	ck_assert_int_eq(dtg_plan_execute(d, 5, &xc, &x, NULL), -DTG_EINVAL);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "viommu_alloc_vsid_range is required"));
	xc.viommu_alloc_vsid_range = alloc_vsid_range;
	ck_assert_int_eq(dtg_plan_execute_vsids(d, 5, &xc, &x, NULL, got, 3), -DTG_EINVAL);

	dtg_domain_free(d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

/* A hand-written partial DT for two D05 SEC engines, pSID 0x600 each. */
static const char d05_partial[] =
	"/dts-v1/;\n"
	"/ {\n"
	"	#address-cells = <2>;\n"
	"	#size-cells = <2>;\n"
	"	passthrough {\n"
	"		compatible = \"simple-bus\";\n"
	"		ranges;\n"
	"		#address-cells = <2>;\n"
	"		#size-cells = <2>;\n"
	"		crypto@d2000000 {\n"
	"			compatible = \"hisilicon,hip07-sec\";\n"
	"			reg = <0x0 0xd0000000 0x0 0x10000>;\n"
	"			iommus = <0x0 0x600>;\n"
	"		};\n"
	"		crypto@8d2000000 {\n"
	"			compatible = \"hisilicon,hip07-sec\";\n"
	"			reg = <0x8 0xd0000000 0x0 0x10000>;\n"
	"			iommus = <0x0 0x600>;\n"
	"		};\n"
	"	};\n"
	"};\n";

START_TEST(test_d05_sec_engines_refused)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "hip07-d05.dtb");
	struct dtg_viommu_config cfg = { .type = DTG_VIOMMU_SMMUV3 };
	struct dtg_device *a, *b;
	size_t isz, osz = 77;
	void *in = tu_dts_to_dtb(d05_partial, &isz), *out = NULL;
	dtg_domain *d;

	/* The case: one pSID, two SMMUv3s (a vSID each under the series). */
	ck_assert_int_eq(dtg_host_resolve_device(h, ctx, "/soc/crypto@d2000000", &a), 0);
	ck_assert_int_eq(dtg_host_resolve_device(h, ctx, "/soc/crypto@8,d2000000", &b), 0);
	ck_assert_uint_eq(a->niommu, 1);
	ck_assert_uint_eq(b->niommu, 1);
	ck_assert_uint_eq(a->iommu[0].ids[0], 0x600);
	ck_assert_uint_eq(b->iommu[0].ids[0], 0x600);
	ck_assert_str_eq(a->iommu[0].iommu, "/iommu@d0040000");
	ck_assert_str_eq(b->iommu[0].iommu, "/iommu@8d0040000");
	ck_assert_int_eq(a->irq[0].kind, DTG_IRQ_OTHER);
	dtg_device_free(ctx, a);
	dtg_device_free(ctx, b);

	/*
	 * complete refuses them as finalize does: their interrupts end at the
	 * mbigen (Xen's handle_device_interrupts skips an IRQ not at the
	 * primary controller, so the guest would get none).  Before, complete
	 * wrote <65002 0> and <65002 1>, which the series reads as pSIDs 0, 1.
	 */
	ck_assert_int_eq(dtg_partial_complete(ctx, h, in, isz, "d05.dtb", NULL, &out, &osz),
			 -DTG_EUNSUPPORTED);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(osz, 77);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx),
		"d05.dtb: /passthrough/crypto@d2000000: host /soc/crypto@d2000000: interrupt 0 ends at /interrupt-controller@d0080000/intc_sec, which is not the GIC: Xen cannot route it"));

	ck_assert_int_eq(dtg_domain_new(ctx, h, &d), 0);
	ck_assert_int_ge(dtg_domain_add_passthrough(d, "/soc/crypto@d2000000"), 0);
	ck_assert_int_ge(dtg_domain_add_passthrough(d, "/soc/crypto@8,d2000000"), 0);
	ck_assert_int_eq(dtg_domain_set_viommu(d, &cfg), 0);
	ck_assert_int_eq(dtg_domain_finalize(d), -DTG_EUNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx),
		"/soc/crypto@d2000000: interrupts: interrupt 0 ends at /interrupt-controller@d0080000/intc_sec, which is not the GIC"));
	dtg_domain_free(d);
	free(in);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

/* Masters the series cannot read: refused with the reason. */
START_TEST(test_unreadable_masters_refused)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "sdm845-db845c.dtb");
	struct dtg_viommu_config cfg = { .type = DTG_VIOMMU_SMMUV3 };
	dtg_domain *d;
	int off = -1, dev = -1;

	/* A Qualcomm master: #iommu-cells = <2> (stream ID + mask). */
	ck_assert_int_eq(dtg_domain_new(ctx, h, &d), 0);
	while ((off = dtg_host_next_device(h, off)) >= 0 && dev < 0) {
		struct dtg_device *x;
		char path[256];

		if (dtg_host_resolve_offset(h, ctx, off, &x))
			continue;
		if (x->niommu && x->iommu[0].ncells == 2 && x->nmmio && x->nirq &&
		    x->irq[0].kind == DTG_IRQ_SPI && !x->nerror) {
			snprintf(path, sizeof(path), "%s", x->path);
			dev = dtg_domain_add_passthrough(d, path);
		}
		dtg_device_free(ctx, x);
	}
	ck_assert_int_ge(dev, 0);
	ck_assert_int_eq(dtg_domain_set_viommu(d, &cfg), 0);
	ck_assert_int_ne(dtg_domain_finalize(d), 0);
	ck_assert_msg(strstr(dtg_last_error(ctx),
		"has 2 ID cells at") &&
		strstr(dtg_last_error(ctx), "the vSMMUv3 series reads <phandle stream-ID> pairs"),
		"%s", dtg_last_error(ctx));
	dtg_domain_free(d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * QEMU virt's PL011 is INTID 33, the series' GUEST_VSMMU_SPI: libxl's
 * libxl__arch_domain_prepare_config fails such a create ("Physical IRQ 33
 * conflicting with vSMMUv3 SPI").
 */
START_TEST(test_vsmmu_spi_collision)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "virt-smmuv3.dtb");
	struct dtg_viommu_config cfg = { .type = DTG_VIOMMU_SMMUV3 };
	dtg_domain *d;
	int dev;

	ck_assert_int_eq(dtg_domain_new(ctx, h, &d), 0);
	dev = dtg_domain_add_passthrough(d, "/pl011@9000000");
	ck_assert_int_ge(dev, 0);
	ck_assert_int_eq(dtg_pt_set_iommu(d, dev, DTG_IOMMU_MODE_OFF), 0);
	ck_assert_int_eq(dtg_pt_set_clock_rate(d, dev, "uartclk", 24000000), 0);
	ck_assert_int_eq(dtg_pt_set_clock_rate(d, dev, "apb_pclk", 24000000), 0);
	ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
	ck_assert_int_eq(dtg_domain_set_viommu(d, &cfg), -DTG_ESTATE);
	dtg_domain_free(d);

	ck_assert_int_eq(dtg_domain_new(ctx, h, &d), 0);
	dev = dtg_domain_add_passthrough(d, "/pl011@9000000");
	ck_assert_int_eq(dtg_pt_set_iommu(d, dev, DTG_IOMMU_MODE_OFF), 0);
	ck_assert_int_eq(dtg_pt_set_clock_rate(d, dev, "uartclk", 24000000), 0);
	ck_assert_int_eq(dtg_pt_set_clock_rate(d, dev, "apb_pclk", 24000000), 0);
	ck_assert_int_eq(dtg_domain_set_viommu(d, &cfg), 0);
	ck_assert_int_eq(dtg_domain_finalize(d), -DTG_EOVERLAP);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx),
		"virt-smmuv3.dtb: /pl011@9000000: interrupts: INTID 33 is the vSMMUv3's SPI"));
	dtg_domain_free(d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("vsmmu-series");
	TCase *tc = tcase_create("series");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_consume_recurses);
	tcase_add_test(tc, test_juno_partial_keeps_psids);
	tcase_add_test(tc, test_juno_plan_ops_and_encoding);
	tcase_add_test(tc, test_juno_execute_returns_vsids);
	tcase_add_test(tc, test_d05_sec_engines_refused);
	tcase_add_test(tc, test_unreadable_masters_refused);
	tcase_add_test(tc, test_vsmmu_spi_collision);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
