/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_host.c - the host model on small hand-written trees: reg and
 * ranges translation, PCI, interrupts (parent inheritance, extended, nexus
 * maps, GIC decoding), iommus, phandle dependencies, and the structural
 * errors that fail dtg_host_load().
 */
#include <check.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/host.h>
#include <xendtgen/domain.h>
#include "testutil.h"

static struct dtg_device *resolve(dtg_host *h, dtg_ctx *ctx, const char *path)
{
	struct dtg_device *d = NULL;
	int r = dtg_host_resolve_device(h, ctx, path, &d);

	ck_assert_msg(r == 0, "resolve %s: %s", path, dtg_last_error(ctx));
	ck_assert_str_eq(d->path, path);
	return d;
}

static bool has_error(const struct dtg_device *d, const char *needle)
{
	for (size_t i = 0; i < d->nerror; i++)
		if (strstr(d->errors[i], needle))
			return true;
	return false;
}

#define ASSERT_ERROR(d, needle) \
	ck_assert_msg(has_error(d, needle), "%s: no error with \"%s\" (%zu errors%s%s)", \
		      (d)->path, needle, (d)->nerror, (d)->nerror ? ": " : "", \
		      (d)->nerror ? (d)->errors[0] : "")

/* ---- reg and ranges ---- */

static const char ranges_dts[] =
	"/dts-v1/;\n"
	"/ {\n"
	"  #address-cells = <2>; #size-cells = <2>;\n"
	"  interrupt-parent = <&gic>;\n"
	"  gic: interrupt-controller@8000000 { compatible = \"arm,gic-400\";\n"
	"    reg = <0 0x8000000 0 0x1000>; #interrupt-cells = <3>;\n"
	"    interrupt-controller; #address-cells = <0>; };\n"
	/* 1-cell bus at 0x10_0000_0000 */
	"  soc@1000000000 { compatible = \"simple-bus\";\n"
	"    #address-cells = <1>; #size-cells = <1>;\n"
	"    ranges = <0x0 0x10 0x0 0x100000>;\n"
	"    sub@1000 { compatible = \"simple-bus\"; reg = <0x1000 0x800>;\n"
	"      #address-cells = <1>; #size-cells = <1>;\n"
	"      ranges = <0x0 0x1000 0x800>;\n"
	"      dev@20 { reg = <0x20 0x10 0x400 0x20>; reg-names = \"a\", \"b\";\n"
	"        interrupts = <0 5 4>; status = \"disabled\"; compatible = \"x,y\", \"x,z\"; };\n"
	"    };\n"
	"    nor@2000 { reg = <0x2000 0x100>; #address-cells = <1>; #size-cells = <1>;\n"
	"      part@0 { reg = <0x0 0x10>; }; };\n"
	"    i2c@3000 { reg = <0x3000 0x100>; #address-cells = <1>; #size-cells = <0>;\n"
	"      eeprom@50 { reg = <0x50>; #address-cells = <1>; #size-cells = <1>;\n"
	"        cell@4 { reg = <4 4>; }; }; };\n"
	"    out@200000 { reg = <0x200000 0x10>; };\n"
	"  };\n"
	/* 2-cell bus with identity ranges */
	"  ident { compatible = \"simple-bus\"; #address-cells = <2>; #size-cells = <2>; ranges;\n"
	"    dev@1,0 { reg = <1 0 0 0x1000>; }; };\n"
	/* 2-cell to 1-cell to 2-cell with offsets at both levels */
	"  outer@40000000 { compatible = \"simple-bus\"; #address-cells = <1>; #size-cells = <1>;\n"
	"    ranges = <0x100 0 0x40000000 0x10000>;\n"
	"    inner@200 { compatible = \"simple-bus\"; reg = <0x200 0x1000>;\n"
	"      #address-cells = <2>; #size-cells = <1>;\n"
	"      ranges = <0x5 0x0 0x300 0x100>;\n"
	"      leaf@5,10 { reg = <0x5 0x10 0x8>; }; }; };\n"
	"  noranges { #address-cells = <1>; #size-cells = <1>; dev@0 { reg = <0 0x10>; }; };\n"
	"};\n";

START_TEST(test_ranges)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host_dts(ctx, ranges_dts);
	struct dtg_device *d;

	/* dev@20: sub 0x20 -> soc 0x1020 -> 0x10_0000_1020; 0x400 -> 0x10_0000_1400 */
	d = resolve(h, ctx, "/soc@1000000000/sub@1000/dev@20");
	ck_assert_uint_eq(d->nmmio, 2);
	ck_assert_uint_eq(d->mmio[0].addr, 0x1000001020ULL);
	ck_assert_uint_eq(d->mmio[0].size, 0x10);
	ck_assert_str_eq(d->mmio[0].name, "a");
	ck_assert_uint_eq(d->mmio[1].addr, 0x1000001400ULL);
	ck_assert_uint_eq(d->mmio[1].size, 0x20);
	ck_assert_str_eq(d->mmio[1].name, "b");
	ck_assert_int_eq(d->mmio[1].index, 1);
	/* disabled nodes resolve like others; interrupt-parent from the root */
	ck_assert_str_eq(d->status, "disabled");
	ck_assert_uint_eq(d->ncompat, 2);
	ck_assert_str_eq(d->compat[1], "x,z");
	ck_assert_uint_eq(d->nirq, 1);
	ck_assert_int_eq(d->irq[0].kind, DTG_IRQ_SPI);
	ck_assert_uint_eq(d->irq[0].intid, 37);
	ck_assert_uint_eq(d->irq[0].flags, 4);
	ck_assert_str_eq(d->irq[0].controller, "/interrupt-controller@8000000");
	ck_assert_uint_eq(d->nerror, 0);
	dtg_device_free(ctx, d);

	/* a bus without ranges: an error for that entry, not for the device */
	d = resolve(h, ctx, "/soc@1000000000/nor@2000/part@0");
	ck_assert_uint_eq(d->nmmio, 0);
	ASSERT_ERROR(d, "reg: entry 0: no ranges on /soc@1000000000/nor@2000");
	ck_assert_str_eq(d->status, "okay");
	dtg_device_free(ctx, d);

	/* bus-local (#size-cells 0) and below it: no MMIO, no error */
	d = resolve(h, ctx, "/soc@1000000000/i2c@3000/eeprom@50");
	ck_assert_uint_eq(d->nmmio, 0);
	ck_assert_uint_eq(d->nerror, 0);
	dtg_device_free(ctx, d);
	d = resolve(h, ctx, "/soc@1000000000/i2c@3000/eeprom@50/cell@4");
	ck_assert_uint_eq(d->nmmio, 0);
	ck_assert_uint_eq(d->nerror, 0);
	dtg_device_free(ctx, d);

	d = resolve(h, ctx, "/soc@1000000000/out@200000");
	ck_assert_uint_eq(d->nmmio, 0);
	ASSERT_ERROR(d, "reg: entry 0: 0x200000 is outside the ranges of /soc@1000000000");
	dtg_device_free(ctx, d);

	d = resolve(h, ctx, "/ident/dev@1,0");
	ck_assert_uint_eq(d->nmmio, 1);
	ck_assert_uint_eq(d->mmio[0].addr, 0x100000000ULL);
	ck_assert_uint_eq(d->mmio[0].size, 0x1000);
	ck_assert_ptr_null(d->mmio[0].name);
	dtg_device_free(ctx, d);

	/* leaf <5 0x10> -> inner (5,0)->0x300: 0x310 -> outer 0x100->0x4000_0000: 0x4000_0210 */
	d = resolve(h, ctx, "/outer@40000000/inner@200/leaf@5,10");
	ck_assert_uint_eq(d->nmmio, 1);
	ck_assert_uint_eq(d->mmio[0].addr, 0x40000210ULL);
	ck_assert_uint_eq(d->mmio[0].size, 8);
	dtg_device_free(ctx, d);
	/* inner itself: 0x200 is below outer's range start 0x100+... inside */
	d = resolve(h, ctx, "/outer@40000000/inner@200");
	ck_assert_uint_eq(d->mmio[0].addr, 0x40000100ULL);
	dtg_device_free(ctx, d);

	d = resolve(h, ctx, "/noranges/dev@0");
	ASSERT_ERROR(d, "no ranges on /noranges");
	dtg_device_free(ctx, d);

	ck_assert_int_eq(dtg_host_resolve_device(h, ctx, "/nope", &d), -DTG_ENOTFOUND);
	ck_assert_ptr_null(d);
	ck_assert(strstr(dtg_last_error(ctx), "test.dts: /nope") != NULL);

	/* device iteration: nodes with reg/interrupts, in tree order */
	int off = dtg_host_next_device(h, -1), n = 0;
	for (; off >= 0; off = dtg_host_next_device(h, off))
		n++;
	ck_assert_int_eq(n, 13);

	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

/* ---- PCI ---- */

static const char pci_dts[] =
	"/dts-v1/;\n"
	"/ {\n"
	"  #address-cells = <2>; #size-cells = <2>;\n"
	"  gic: intc@8000000 { compatible = \"arm,gic-v3\"; reg = <0 0x8000000 0 0x10000>;\n"
	"    #interrupt-cells = <3>; interrupt-controller; #address-cells = <2>; #size-cells = <2>; };\n"
	"  smmu: iommu@9050000 { compatible = \"arm,smmu-v3\"; reg = <0 0x9050000 0 0x20000>;\n"
	"    #iommu-cells = <1>; interrupt-parent = <&gic>; interrupts = <0 74 1>; };\n"
	"  pcie@10000000 { compatible = \"pci-host-ecam-generic\"; device_type = \"pci\";\n"
	"    #address-cells = <3>; #size-cells = <2>; reg = <0x40 0x10000000 0 0x10000000>;\n"
	"    ranges = <0x01000000 0 0 0 0x3eff0000 0 0x10000\n"
	"              0x02000000 0 0x10000000 0 0x10000000 0 0x2eff0000\n"
	"              0x03000000 0x80 0 0x80 0 0x80 0>;\n"
	"    #interrupt-cells = <1>; interrupt-map-mask = <0x1800 0 0 7>;\n"
	"    interrupt-map = <0x0000 0 0 1 &gic 0 0 0 3 4\n"
	"                     0x0000 0 0 2 &gic 0 0 0 4 4\n"
	"                     0x0800 0 0 1 &gic 0 0 0 4 4\n"
	"                     0x0800 0 0 2 &gic 0 0 0 5 4>;\n"
	"    iommu-map = <0 &smmu 0 0x10000>; iommu-map-mask = <0xfff8>;\n"
	"    dev@1,0 { reg = <0x0800 0 0 0 0\n"
	"                     0x82000810 0 0x10100000 0 0x1000\n"
	"                     0x02000814 0 0 0 0x100\n"
	"                     0x81000818 0 0x100 0 0x10\n"
	"                     0x83000820 0x80 0x1000 0 0x2000>;\n"
	"      interrupts = <2>; };\n"
	"    dev@3,0 { reg = <0x1800 0 0 0 0>; interrupts = <1>; };\n"
	"  };\n"
	"  pcie@50000000 { #address-cells = <3>; #size-cells = <2>; ranges = <0x02000000 0 0 0 0x50000000 0 0x1000>;\n"
	"    ep@0 { reg = <0x82000000 0 0x10 0 0x10>; }; };\n"
	"};\n";

START_TEST(test_pci)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host_dts(ctx, pci_dts);
	struct dtg_device *d;

	d = resolve(h, ctx, "/pcie@10000000");
	ck_assert_uint_eq(d->nmmio, 1);
	ck_assert_uint_eq(d->mmio[0].addr, 0x4010000000ULL);
	ck_assert_uint_eq(d->niommu_map, 1);
	ck_assert_str_eq(d->iommu_map[0].iommu, "/iommu@9050000");
	ck_assert_int_eq(d->iommu_map[0].kind, DTG_IOMMU_SMMUV3);
	ck_assert_uint_eq(d->iommu_map[0].length, 0x10000);
	ck_assert_uint_eq(d->iommu_map[0].mask, 0xfff8);
	dtg_device_free(ctx, d);

	/* config space and relocatable entries are skipped silently;
	 * mem32 0x10100000 via the memory range (identity), I/O 0x100 via the
	 * I/O range -> 0x3eff0100, mem64 0x80_0000_1000 via the 64-bit range */
	d = resolve(h, ctx, "/pcie@10000000/dev@1,0");
	ck_assert_uint_eq(d->nerror, 0);
	ck_assert_uint_eq(d->nmmio, 3);
	ck_assert_uint_eq(d->mmio[0].addr, 0x10100000);
	ck_assert_uint_eq(d->mmio[0].size, 0x1000);
	ck_assert_int_eq(d->mmio[0].index, 1);
	ck_assert_uint_eq(d->mmio[1].addr, 0x3eff0100);
	ck_assert_uint_eq(d->mmio[1].size, 0x10);
	ck_assert_uint_eq(d->mmio[2].addr, 0x8000001000ULL);
	/* INTB of device 1: masked <0x800 0 0 2> -> GIC SPI 5 = INTID 37;
	 * the GIC's #address-cells (2) sizes the parent unit address */
	ck_assert_uint_eq(d->nirq, 1);
	ck_assert_int_eq(d->irq[0].kind, DTG_IRQ_SPI);
	ck_assert_uint_eq(d->irq[0].intid, 37);
	ck_assert_str_eq(d->irq[0].controller, "/intc@8000000");
	dtg_device_free(ctx, d);

	/* device 3 INTA: 0x1800 & 0x1800 matches nothing */
	d = resolve(h, ctx, "/pcie@10000000/dev@3,0");
	ck_assert_uint_eq(d->nirq, 0);
	ASSERT_ERROR(d, "interrupts: entry 0: no match in interrupt-map of /pcie@10000000");
	dtg_device_free(ctx, d);

	/* a node named pcie(@...) is a PCI bus whatever its device_type */
	d = resolve(h, ctx, "/pcie@50000000/ep@0");
	ck_assert_uint_eq(d->nmmio, 1);
	ck_assert_uint_eq(d->mmio[0].addr, 0x50000010);
	dtg_device_free(ctx, d);

	d = resolve(h, ctx, "/iommu@9050000");
	ck_assert_uint_eq(d->irq[0].intid, 106);
	ck_assert_uint_eq(d->irq[0].flags, 1);
	dtg_device_free(ctx, d);

	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

/* ---- interrupts ---- */

static const char irq_dts[] =
	"/dts-v1/;\n"
	"/ {\n"
	"  #address-cells = <1>; #size-cells = <1>; interrupt-parent = <&gic>;\n"
	"  gic: intc@1000 { compatible = \"arm,cortex-a15-gic\"; reg = <0x1000 0x1000>;\n"
	"    #interrupt-cells = <3>; interrupt-controller; };\n"
	"  gpio: gpio@2000 { reg = <0x2000 0x100>; #interrupt-cells = <2>;\n"
	"    interrupt-controller; interrupts = <1 9 0xf04>; };\n"
	"  a@3000 { reg = <0x3000 0x10>; interrupt-parent = <&gpio>;\n"
	"    interrupts = <5 8 6 2>; interrupt-names = \"x\", \"y\"; };\n"
	"  b@4000 { reg = <0x4000 0x10>; interrupts-extended = <&gic 0 10 1>, <&gpio 3 4>;\n"
	"    interrupts = <0 99 4>; };\n"
	"  pmic@5000 { reg = <0x5000 0x10>; #interrupt-cells = <1>; interrupt-controller;\n"
	"    interrupts = <0 11 4>; #address-cells = <1>; #size-cells = <0>;\n"
	"    rtc@1 { reg = <1>; interrupts = <7>; }; };\n"
	"  gic3: intc@e000 { compatible = \"arm,gic-v3\"; reg = <0xe000 0x1000>;\n"
	"    #interrupt-cells = <3>; interrupt-controller; };\n"
	"  espi@6000 { reg = <0x6000 0x10>; interrupt-parent = <&gic3>;\n"
	"    interrupts = <2 3 8 3 1 4>; };\n"
	/* types a GIC's translate refuses: ESPI on a GICv2, 5 on a GICv3 */
	"  t2@f000 { reg = <0xf000 0x10>; interrupts = <0 7 4 2 3 4>; };\n"
	"  t5@f100 { reg = <0xf100 0x10>; interrupts-extended = <&gic3 5 1 4>; };\n"
	"  bad@7000 { reg = <0x7000 0x10>; interrupts = <0 1 4 0>; };\n"
	"  dang@8000 { reg = <0x8000 0x10>; interrupts-extended = <&gic 0 1 4>, <0x999 1 2 3>; };\n"
	"  loopa: nexa { #interrupt-cells = <1>; #address-cells = <0>; interrupt-map = <1 &loopb 1>; };\n"
	"  loopb: nexb { #interrupt-cells = <1>; #address-cells = <0>; interrupt-map = <1 &loopa 1>; };\n"
	"  c@9000 { reg = <0x9000 0x10>; interrupt-parent = <&loopa>; interrupts = <1>; };\n"
	/* nexus keyed on the unit address (mask picks the low address cell) */
	"  nex: nexus@a000 { reg = <0xa000 0x1000>; #address-cells = <1>; #size-cells = <1>;\n"
	"    ranges; #interrupt-cells = <1>; interrupt-map-mask = <0xf00 0x3>;\n"
	"    interrupt-map = <0x100 1 &gic 0 20 4  0x200 1 &gpio 7 8  0x200 2 &nex2 2>;\n"
	"    x@a100 { reg = <0xa100 0x10>; interrupts = <5>; };\n"
	"    y@a200 { reg = <0xa200 0x10>; interrupts = <1 6>; };\n"
	"  };\n"
	"  nex2: nexus2 { #interrupt-cells = <1>; #address-cells = <0>;\n"
	"    interrupt-map = <2 &gic 0 30 1>; };\n"
	/* neither controller nor nexus: skipped to its own parent (Linux) */
	"  mid: mid { #interrupt-cells = <3>; interrupt-parent = <&gic>; };\n"
	"  m@b000 { reg = <0xb000 0x10>; interrupt-parent = <&mid>; interrupts = <1 2 4>; };\n"
	"};\n";

START_TEST(test_irqs)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host_dts(ctx, irq_dts);
	struct dtg_device *d;

	/* PPI 9 -> INTID 25; a PPI keeps its whole flags cell, CPU mask
	 * [15:8] too (Linux irq-gic.c gic_irq_domain_translate masks only
	 * the trigger it programs; the binding's cell is the guest's) */
	d = resolve(h, ctx, "/gpio@2000");
	ck_assert_int_eq(d->irq[0].kind, DTG_IRQ_PPI);
	ck_assert_uint_eq(d->irq[0].intid, 25);
	ck_assert_uint_eq(d->irq[0].flags, 0xf04);
	dtg_device_free(ctx, d);

	/* a non-GIC controller: kind OTHER, raw cells, no error */
	d = resolve(h, ctx, "/a@3000");
	ck_assert_uint_eq(d->nirq, 2);
	ck_assert_uint_eq(d->nerror, 0);
	ck_assert_int_eq(d->irq[1].kind, DTG_IRQ_OTHER);
	ck_assert_str_eq(d->irq[1].controller, "/gpio@2000");
	ck_assert_uint_eq(d->irq[1].ncells, 2);
	ck_assert_uint_eq(d->irq[1].cells[0], 6);
	ck_assert_uint_eq(d->irq[1].cells[1], 2);
	ck_assert_str_eq(d->irq[1].name, "y");
	dtg_device_free(ctx, d);

	/* interrupts-extended wins over interrupts */
	d = resolve(h, ctx, "/b@4000");
	ck_assert_uint_eq(d->nirq, 2);
	ck_assert_uint_eq(d->irq[0].intid, 42);
	ck_assert_uint_eq(d->irq[0].flags, 1);
	ck_assert_int_eq(d->irq[1].kind, DTG_IRQ_OTHER);
	ck_assert_uint_eq(d->irq[1].cells[0], 3);
	dtg_device_free(ctx, d);

	/* the tree parent with #interrupt-cells is the parent (a PMIC) */
	d = resolve(h, ctx, "/pmic@5000/rtc@1");
	ck_assert_uint_eq(d->nirq, 1);
	ck_assert_str_eq(d->irq[0].controller, "/pmic@5000");
	ck_assert_uint_eq(d->irq[0].ncells, 1);
	ck_assert_uint_eq(d->irq[0].cells[0], 7);
	dtg_device_free(ctx, d);

	/* ESPI 3 and EPPI 1 on a GICv3: Xen's gic_irq_xlate (xen/arch/arm/
	 * gic.c, 4.17 and 4.22) reads any type but 0 as a PPI, so it would
	 * route them as PPI 3 and PPI 1: each is an error of that entry,
	 * not an interrupt, and a passthrough of the device is refused. */
	d = resolve(h, ctx, "/espi@6000");
	ck_assert_uint_eq(d->nirq, 0);
	ck_assert_uint_eq(d->nerror, 2);
	ASSERT_ERROR(d, "interrupts: entry 0: GIC interrupt type 2 (ESPI) at /intc@e000: Xen's gic_irq_xlate knows only SPI (0) and PPI (1) and would route it as PPI 3");
	ASSERT_ERROR(d, "interrupts: entry 1: GIC interrupt type 3 (EPPI) at /intc@e000: Xen's gic_irq_xlate knows only SPI (0) and PPI (1) and would route it as PPI 1");
	dtg_device_free(ctx, d);
	{
		dtg_domain *dom;

		ck_assert_int_eq(dtg_domain_new(ctx, h, &dom), 0);
		ck_assert_int_ge(dtg_domain_add_passthrough(dom, "/espi@6000"), 0);
		ck_assert_int_eq(dtg_domain_finalize(dom), -DTG_EINVAL);
		ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx),
			"/espi@6000: interrupts: entry 0: GIC interrupt type 2 (ESPI)"));
		dtg_domain_free(dom);
	}

	/* Linux gic_irq_domain_translate: irq-gic.c knows types 0 and 1
	 * only, irq-gic-v3.c 0..3; anything else is -EINVAL (and Xen's
	 * gic_irq_xlate would read it as a PPI): an error, not "other" */
	d = resolve(h, ctx, "/t2@f000");
	ck_assert_uint_eq(d->nirq, 1);
	ck_assert_uint_eq(d->irq[0].intid, 39);
	ASSERT_ERROR(d, "interrupts: entry 1: GIC interrupt type 2 at /intc@1000 is neither SPI (0) nor PPI (1) (a GICv2 has no ESPI or EPPI)");
	dtg_device_free(ctx, d);
	d = resolve(h, ctx, "/t5@f100");
	ck_assert_uint_eq(d->nirq, 0);
	ASSERT_ERROR(d, "interrupts-extended: entry 0: GIC interrupt type 5 at /intc@e000 is neither SPI (0) nor PPI (1)");
	dtg_device_free(ctx, d);

	/* 4 cells with #interrupt-cells 3: the whole entry kept, an error */
	d = resolve(h, ctx, "/bad@7000");
	ck_assert_uint_eq(d->nirq, 1);
	ASSERT_ERROR(d, "interrupts: 4 cells is not a multiple of #interrupt-cells (3)");
	dtg_device_free(ctx, d);

	d = resolve(h, ctx, "/dang@8000");
	ck_assert_uint_eq(d->nirq, 1);
	ASSERT_ERROR(d, "interrupts-extended: entry 1: no node with phandle 0x999");
	dtg_device_free(ctx, d);

	d = resolve(h, ctx, "/c@9000");
	ck_assert_uint_eq(d->nirq, 0);
	ASSERT_ERROR(d, "interrupts: entry 0: interrupt-map loop");
	dtg_device_free(ctx, d);

	/* unit address 0xa100 & 0xf00 = 0x100, 5 & 3 = 1 -> GIC SPI 20 */
	d = resolve(h, ctx, "/nexus@a000/x@a100");
	ck_assert_uint_eq(d->nirq, 1);
	ck_assert_uint_eq(d->irq[0].intid, 52);
	dtg_device_free(ctx, d);
	/* 0x200/1 -> gpio <7 8>; 0x200/2 -> nexus2 <2> -> GIC SPI 30 */
	d = resolve(h, ctx, "/nexus@a000/y@a200");
	ck_assert_uint_eq(d->nirq, 2);
	ck_assert_int_eq(d->irq[0].kind, DTG_IRQ_OTHER);
	ck_assert_str_eq(d->irq[0].controller, "/gpio@2000");
	ck_assert_uint_eq(d->irq[0].cells[1], 8);
	ck_assert_uint_eq(d->irq[1].intid, 62);
	ck_assert_uint_eq(d->irq[1].flags, 1);
	ck_assert_uint_eq(d->nerror, 0);
	dtg_device_free(ctx, d);

	d = resolve(h, ctx, "/m@b000");
	ck_assert_uint_eq(d->nirq, 1);
	ck_assert_uint_eq(d->irq[0].intid, 18);
	dtg_device_free(ctx, d);

	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

/* ---- iommus and dependencies ---- */

static const char deps_dts[] =
	"/dts-v1/;\n"
	"/ {\n"
	"  #address-cells = <1>; #size-cells = <1>;\n"
	"  smmu0: iommu@1000 { compatible = \"arm,mmu-500\"; reg = <0x1000 0x100>; #iommu-cells = <1>; status = \"disabled\"; };\n"
	"  smmu2: iommu@2000 { compatible = \"qcom,sdm845-smmu-500\", \"arm,mmu-500\"; reg = <0x2000 0x100>; #iommu-cells = <2>; };\n"
	"  omap: mmu@3000 { compatible = \"ti,dra7-dsp-iommu\"; reg = <0x3000 0x100>; #iommu-cells = <0>; };\n"
	"  ipmmu: mmu@4000 { compatible = \"renesas,ipmmu-r8a774a1\"; reg = <0x4000 0x100>; #iommu-cells = <1>; };\n"
	"  odd: mmu@5000 { compatible = \"acme,mmu\"; reg = <0x5000 0x100>; #iommu-cells = <1>; };\n"
	"  osc: osc { compatible = \"fixed-clock\"; #clock-cells = <0>; clock-frequency = <24000000>; };\n"
	"  ccu: ccu@6000 { reg = <0x6000 0x100>; #clock-cells = <1>; #reset-cells = <1>; #power-domain-cells = <1>; };\n"
	"  dma: dma@7000 { reg = <0x7000 0x100>; #dma-cells = <2>; };\n"
	"  mbox: mbox@8000 { reg = <0x8000 0x100>; #mbox-cells = <1>; };\n"
	"  pins_a: pa { }; pins_b: pb { }; pins_c: pc { };\n"
	"  reserved-memory { #address-cells = <1>; #size-cells = <1>; ranges;\n"
	"    mem: buf@80000000 { reg = <0x80000000 0x100000>; no-map; }; };\n"
	"  m@9000 { reg = <0x9000 0x100>;\n"
	"    iommus = <&smmu0 0x10>, <&smmu2 0x20 0x3>, <&omap>, <&ipmmu 7>, <&odd 9>;\n"
	"    clocks = <&osc>, <&ccu 5>, <&ccu 6>; clock-names = \"ref\", \"bus\", \"core\";\n"
	"    assigned-clocks = <&ccu 6>; assigned-clock-rates = <100000000>;\n"
	"    resets = <&ccu 3>; reset-names = \"rst\";\n"
	"    power-domains = <&ccu 1>;\n"
	"    dmas = <&dma 1 2>, <&dma 3 4>; dma-names = \"tx\", \"rx\";\n"
	"    mboxes = <&mbox 9>;\n"
	"    pinctrl-names = \"default\", \"sleep\"; pinctrl-0 = <&pins_a &pins_b>; pinctrl-1 = <&pins_c>;\n"
	"    memory-region = <&mem>;\n"
	"  };\n"
	"  n@a000 { reg = <0xa000 0x100>; iommus = <&smmu0 1>, <0x777 5>;\n"
	"    clocks = <&ccu>; resets = <0x888 1>; };\n"
	"};\n";

static const struct dtg_dep *find_dep(const struct dtg_device *d,
				      enum dtg_dep_kind k, int nth)
{
	for (size_t i = 0; i < d->ndep; i++)
		if (d->dep[i].kind == k && nth-- == 0)
			return &d->dep[i];
	return NULL;
}

START_TEST(test_iommus_deps)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host_dts(ctx, deps_dts);
	struct dtg_device *d;
	const struct dtg_dep *p;

	d = resolve(h, ctx, "/m@9000");
	ck_assert_uint_eq(d->nerror, 0);
	ck_assert_uint_eq(d->niommu, 5);
	ck_assert_str_eq(d->iommu[0].iommu, "/iommu@1000");
	ck_assert_int_eq(d->iommu[0].kind, DTG_IOMMU_SMMUV2);
	ck_assert_uint_eq(d->iommu[0].ncells, 1);
	ck_assert_uint_eq(d->iommu[0].ids[0], 0x10);
	ck_assert_int_eq(d->iommu[1].kind, DTG_IOMMU_SMMUV2);
	ck_assert_uint_eq(d->iommu[1].ncells, 2);
	ck_assert_uint_eq(d->iommu[1].ids[0], 0x20);
	ck_assert_uint_eq(d->iommu[1].ids[1], 0x3);
	ck_assert_int_eq(d->iommu[2].kind, DTG_IOMMU_OMAP);
	ck_assert_uint_eq(d->iommu[2].ncells, 0);
	ck_assert_int_eq(d->iommu[3].kind, DTG_IOMMU_IPMMU);
	ck_assert_uint_eq(d->iommu[3].ids[0], 7);
	ck_assert_int_eq(d->iommu[4].kind, DTG_IOMMU_OTHER);
	ck_assert_str_eq(dtg_iommu_kind_name(d->iommu[2].kind), "omap");

	p = find_dep(d, DTG_DEP_CLOCK, 0);
	ck_assert_str_eq(p->provider, "/osc");
	ck_assert_str_eq(p->name, "ref");
	ck_assert_uint_eq(p->rate, 24000000);
	p = find_dep(d, DTG_DEP_CLOCK, 1);
	ck_assert_uint_eq(p->ncells, 1);
	ck_assert_uint_eq(p->cells[0], 5);
	ck_assert_uint_eq(p->rate, 0);
	p = find_dep(d, DTG_DEP_CLOCK, 2);
	ck_assert_str_eq(p->name, "core");
	ck_assert_uint_eq(p->rate, 100000000);
	p = find_dep(d, DTG_DEP_RESET, 0);
	ck_assert_str_eq(p->provider, "/ccu@6000");
	ck_assert_str_eq(p->name, "rst");
	ck_assert_uint_eq(p->cells[0], 3);
	ck_assert_ptr_nonnull(find_dep(d, DTG_DEP_POWER_DOMAIN, 0));
	p = find_dep(d, DTG_DEP_DMA, 1);
	ck_assert_str_eq(p->name, "rx");
	ck_assert_uint_eq(p->ncells, 2);
	ck_assert_uint_eq(p->cells[1], 4);
	p = find_dep(d, DTG_DEP_MBOX, 0);
	ck_assert_uint_eq(p->cells[0], 9);
	p = find_dep(d, DTG_DEP_PINCTRL, 1);
	ck_assert_str_eq(p->provider, "/pb");
	ck_assert_str_eq(p->prop, "pinctrl-0");
	ck_assert_str_eq(p->name, "default");
	ck_assert_uint_eq(p->ncells, 0);
	p = find_dep(d, DTG_DEP_PINCTRL, 2);
	ck_assert_str_eq(p->provider, "/pc");
	ck_assert_str_eq(p->name, "sleep");
	p = find_dep(d, DTG_DEP_MEMORY_REGION, 0);
	ck_assert_str_eq(p->provider, "/reserved-memory/buf@80000000");
	dtg_device_free(ctx, d);

	/* dangling phandles and missing #cells: per-resource errors */
	d = resolve(h, ctx, "/n@a000");
	ck_assert_uint_eq(d->niommu, 1);
	ASSERT_ERROR(d, "iommus: entry 1: no node with phandle 0x777");
	ASSERT_ERROR(d, "clocks: entry 0: 0 cells left, /ccu@6000 needs 1");
	ASSERT_ERROR(d, "resets: entry 0: no node with phandle 0x888");
	ck_assert_uint_eq(d->nmmio, 1);
	dtg_device_free(ctx, d);

	/* a disabled IOMMU resolves like any other node */
	d = resolve(h, ctx, "/iommu@1000");
	ck_assert_str_eq(d->status, "disabled");
	ck_assert_uint_eq(d->mmio[0].addr, 0x1000);
	dtg_device_free(ctx, d);

	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

/* ---- load failures ---- */

static int load_dts(dtg_ctx *ctx, const char *dts, dtg_host **h)
{
	size_t size;
	void *blob = tu_dts_to_dtb(dts, &size);
	int r = dtg_host_load(ctx, blob, size, "bad.dtb", h);

	free(blob);
	return r;
}

#define ASSERT_LOAD_FAILS(dts, code, msg) do { \
	dtg_ctx *c_ = tu_ctx_new(); \
	dtg_host *h_ = (dtg_host *)1; \
	ck_assert_int_eq(load_dts(c_, dts, &h_), code); \
	ck_assert_ptr_null(h_); \
	ck_assert_msg(strstr(dtg_last_error(c_), msg) != NULL, \
		      "message \"%s\" lacks \"%s\"", dtg_last_error(c_), msg); \
	tu_ctx_free(c_); \
} while (0)

START_TEST(test_load_errors)
{
	ASSERT_LOAD_FAILS("/dts-v1/; / { #address-cells = <1>; #size-cells = <1>;\n"
			  " bus { #address-cells = <5>; #size-cells = <1>; d@0 { reg = <0 0 0 0 0 1>; }; }; };",
			  -DTG_ECELLS, "bad.dtb: /bus: #address-cells: 5 is more than 4");
	ASSERT_LOAD_FAILS("/dts-v1/; / { #address-cells = <1>; #size-cells = <1>;\n"
			  " bus { #address-cells = <1>; #size-cells = <3>; ranges; }; };",
			  -DTG_ECELLS, "bad.dtb: /bus: #size-cells: 3 is more than 2");
	ASSERT_LOAD_FAILS("/dts-v1/; / { #address-cells = <1>; #size-cells = <1>;\n"
			  " a: a { interrupt-parent = <&b>; }; b: b { interrupt-parent = <&a>; };\n"
			  " d { interrupt-parent = <&a>; interrupts = <1>; }; };",
			  -DTG_ELOOP, ": interrupt-parent: cycle");
}
END_TEST

/* A reg of the wrong length is that node's error, not the tree's: Linux's
 * of_address_to_resource fails only that node (stm32mp15 ADC channels). */
START_TEST(test_reg_length_is_device_error)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = NULL;
	struct dtg_device *d;

	ck_assert_int_eq(load_dts(ctx, "/dts-v1/; / { #address-cells = <2>; #size-cells = <2>;\n"
				  " axi { #address-cells = <2>; #size-cells = <2>; ranges;\n"
				  "  ethernet@ff0e0000 { reg = <0 0xff0e0000 0x1000>; };\n"
				  "  ethernet@ff0f0000 { reg = <0 0xff0f0000 0 0x1000>; }; }; };",
				  &h), 0);
	d = resolve(h, ctx, "/axi/ethernet@ff0e0000");
	ck_assert_uint_eq(d->nmmio, 0);
	ck_assert_uint_eq(d->nerror, 1);
	ck_assert_str_eq(d->errors[0], "reg: 12 bytes is not a multiple of 16 (#address-cells 2 + #size-cells 2)");
	dtg_device_free(ctx, d);
	d = resolve(h, ctx, "/axi/ethernet@ff0f0000");
	ck_assert_uint_eq(d->nmmio, 1);
	ck_assert_uint_eq(d->nerror, 0);
	dtg_device_free(ctx, d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_load_bad_blob)
{
	dtg_ctx *ctx = tu_ctx_new();
	size_t size;
	void *blob = tu_dts_to_dtb("/dts-v1/; / { a { phandle = <1>; }; b { c = <1>; }; };", &size);
	dtg_host *h = NULL;
	char *big;
	int off;

	/* truncated */
	ck_assert_int_eq(dtg_host_load(ctx, blob, size - 8, "t.dtb", &h), -DTG_EBADDTB);
	ck_assert(strstr(dtg_last_error(ctx), "t.dtb: ") == dtg_last_error(ctx));
	ck_assert_int_eq(dtg_host_load(ctx, blob, 10, "t.dtb", &h), -DTG_EBADDTB);
	/* bad magic */
	big = malloc(size + 4096);
	memcpy(big, blob, size);
	big[0] ^= 0xff;
	ck_assert_int_eq(dtg_host_load(ctx, big, size, "m.dtb", &h), -DTG_EBADDTB);
	/* totalsize larger than the buffer */
	memcpy(big, blob, size);
	fdt_set_totalsize(big, (uint32_t)size + 64);
	ck_assert_int_eq(dtg_host_load(ctx, big, size, "s.dtb", &h), -DTG_EBADDTB);
	ck_assert_ptr_null(h);
	/* duplicate phandle: both nodes named */
	ck_assert_int_eq(fdt_open_into(blob, big, (int)size + 4096), 0);
	off = fdt_path_offset(big, "/b");
	ck_assert_int_eq(fdt_setprop_u32(big, off, "phandle", 1), 0);
	ck_assert_int_eq(dtg_host_load(ctx, big, size + 4096, "d.dtb", &h), -DTG_EDUPLICATE);
	ck_assert_str_eq(dtg_last_error(ctx), "d.dtb: /b: phandle: 0x1 is also the phandle of /a");
	/* the good one loads; the blob is copied */
	ck_assert_int_eq(dtg_host_load(ctx, blob, size, "ok.dtb", &h), 0);
	memset(blob, 0, size);
	ck_assert_int_eq(fdt_check_full(dtg_host_fdt(h), dtg_host_fdt_size(h)), 0);
	ck_assert_str_eq(dtg_host_name(h), "ok.dtb");
	ck_assert_int_eq(dtg_host_phandle_offset(h, 1), dtg_host_path_offset(h, "/a"));
	ck_assert_int_eq(dtg_host_phandle_offset(h, 2), -DTG_ENOTFOUND);
	dtg_host_free(h);
	free(big);
	free(blob);
	tu_ctx_free(ctx);
}
END_TEST

/* ---- JSON ---- */

START_TEST(test_json)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host_dts(ctx, irq_dts);
	const char *paths[] = { "/gpio@2000", "/a@3000" };
	char *out = NULL;
	size_t len;

	ck_assert_int_eq(dtg_host_inspect_json(h, ctx, paths, 2, &out, &len), 0);
	ck_assert_uint_eq(strlen(out), len);
	/* sorted by path: /a@3000 before /gpio@2000 */
	ck_assert_str_eq(out,
		"[{\"path\": \"/a@3000\", \"status\": \"okay\",\n"
		"  \"compatible\": [],\n"
		"  \"mmio\": [{\"addr\": \"0x3000\", \"size\": \"0x10\"}],\n"
		"  \"irqs\": [{\"controller\": \"/gpio@2000\", \"type\": \"other\", \"cells\": [5, 8]}, "
		"{\"controller\": \"/gpio@2000\", \"type\": \"other\", \"cells\": [6, 2]}],\n"
		"  \"iommus\": [],\n"
		"  \"errors\": []},\n"
		" {\"path\": \"/gpio@2000\", \"status\": \"okay\",\n"
		"  \"compatible\": [],\n"
		"  \"mmio\": [{\"addr\": \"0x2000\", \"size\": \"0x100\"}],\n"
		"  \"irqs\": [{\"controller\": \"/intc@1000\", \"type\": \"ppi\", \"intid\": 25, \"flags\": 3844}],\n"
		"  \"iommus\": [],\n"
		"  \"errors\": []}]\n");
	dtg_free(ctx, out);

	paths[1] = "/missing";
	ck_assert_int_eq(dtg_host_inspect_json(h, ctx, paths, 2, &out, &len), -DTG_ENOTFOUND);
	ck_assert_ptr_null(out);
	ck_assert_int_eq(dtg_host_inspect_text(h, ctx, NULL, 0, &out, &len), 0);
	ck_assert(strstr(out, "/espi@6000\n") != NULL);
	dtg_free(ctx, out);

	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("host");
	TCase *tc = tcase_create("host");

	tcase_add_test(tc, test_ranges);
	tcase_add_test(tc, test_pci);
	tcase_add_test(tc, test_irqs);
	tcase_add_test(tc, test_iommus_deps);
	tcase_add_test(tc, test_load_errors);
	tcase_add_test(tc, test_reg_length_is_device_error);
	tcase_add_test(tc, test_load_bad_blob);
	tcase_add_test(tc, test_json);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
