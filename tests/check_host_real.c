/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_host_real.c - the host model on real DTBs from tests/data.
 *
 * Expected values were derived by hand from `dtc -I dtb -O dts FILE`;
 * each test says how.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/host.h>
#include "testutil.h"

static struct dtg_device *resolve(dtg_host *h, dtg_ctx *ctx, const char *path)
{
	struct dtg_device *d = NULL;
	int r = dtg_host_resolve_device(h, ctx, path, &d);

	ck_assert_msg(r == 0, "resolve %s: %s", path, dtg_last_error(ctx));
	ck_assert_msg(d->nerror == 0, "%s: unexpected error %s", path,
		      d->nerror ? d->errors[0] : "");
	return d;
}

START_TEST(test_qemu_virt_pl031)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "virt.dtb");
	/* reg = <0x00 0x9010000 0x00 0x1000> at the root (2/2 cells);
	 * interrupts = <0x00 0x02 0x04> to the root's GIC: SPI 2 -> 34 */
	struct dtg_device *d = resolve(h, ctx, "/pl031@9010000");

	ck_assert_uint_eq(d->nmmio, 1);
	ck_assert_uint_eq(d->mmio[0].addr, 0x9010000);
	ck_assert_uint_eq(d->mmio[0].size, 0x1000);
	ck_assert_uint_eq(d->nirq, 1);
	ck_assert_int_eq(d->irq[0].kind, DTG_IRQ_SPI);
	ck_assert_uint_eq(d->irq[0].intid, 34);
	ck_assert_uint_eq(d->irq[0].flags, 4);
	ck_assert_str_eq(d->irq[0].controller, "/intc@8000000");
	dtg_device_free(ctx, d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_zcu102_ethernet)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "zynqmp-zcu102-rev1.0.dtb");
	/* /axi: 2/2 cells, empty ranges; gem3: reg = <0 0xff0e0000 0 0x1000>,
	 * interrupts = <0 63 4 0 63 4> (SPI 63 -> 95, twice),
	 * iommus = <&smmu 0x877>, smmu = /axi/iommu@fd800000 (#iommu-cells 1) */
	struct dtg_device *d = resolve(h, ctx, "/axi/ethernet@ff0e0000");

	ck_assert_uint_eq(d->nmmio, 1);
	ck_assert_uint_eq(d->mmio[0].addr, 0xff0e0000);
	ck_assert_uint_eq(d->mmio[0].size, 0x1000);
	ck_assert_uint_eq(d->nirq, 2);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(d->irq[i].kind, DTG_IRQ_SPI);
		ck_assert_uint_eq(d->irq[i].intid, 95);
		ck_assert_uint_eq(d->irq[i].flags, 4);
		ck_assert_str_eq(d->irq[i].controller, "/axi/interrupt-controller@f9010000");
	}
	ck_assert_uint_eq(d->niommu, 1);
	ck_assert_str_eq(d->iommu[0].iommu, "/axi/iommu@fd800000");
	ck_assert_int_eq(d->iommu[0].kind, DTG_IOMMU_SMMUV2);
	ck_assert_uint_eq(d->iommu[0].ncells, 1);
	ck_assert_uint_eq(d->iommu[0].ids[0], 0x877);
	ck_assert_str_eq(d->compat[0], "cdns,zynqmp-gem");
	dtg_device_free(ctx, d);

	/* the MMU-500 itself is disabled and still resolves */
	d = resolve(h, ctx, "/axi/iommu@fd800000");
	ck_assert_str_eq(d->status, "disabled");
	ck_assert_uint_eq(d->mmio[0].addr, 0xfd800000);
	dtg_device_free(ctx, d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_dra7_ocp)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "dra7-evm.dtb");
	struct dtg_device *d;

	/* UART1: serial@0 reg = <0x0 0x100>
	 *  -> target-module@6a000 ranges = <0x0 0x6a000 0x1000>   : 0x6a000
	 *  -> segment@0 ranges has <0x6a000 0x6a000 0x1000>        : 0x6a000
	 *  -> interconnect@48000000 ranges = <0x0 0x48000000 0x200000 ...>: 0x4806a000
	 *  -> /ocp ranges = <0x0 0x0 0x0 0xc0000000> (1 -> 2 cells)  : 0x4806a000
	 * interrupts-extended = <&crossbar 0 0x43 4 &pinmux 0x3e0>: both end at
	 * non-GIC controllers (the crossbar is a hierarchical irqchip) */
	d = resolve(h, ctx, "/ocp/interconnect@48000000/segment@0/target-module@6a000/serial@0");
	ck_assert_uint_eq(d->nmmio, 1);
	ck_assert_uint_eq(d->mmio[0].addr, 0x4806a000);
	ck_assert_uint_eq(d->mmio[0].size, 0x100);
	ck_assert_uint_eq(d->nirq, 2);
	ck_assert_int_eq(d->irq[0].kind, DTG_IRQ_OTHER);
	ck_assert_str_eq(d->irq[0].controller, "/ocp/crossbar@4a002a48");
	ck_assert_uint_eq(d->irq[0].ncells, 3);
	ck_assert_uint_eq(d->irq[0].cells[1], 0x43);
	dtg_device_free(ctx, d);

	/* DSP1 MMU: mmu@0 reg = <0x0 0x100> -> target-module@40d01000
	 * ranges = <0x0 0x40d01000 0x1000> -> /ocp -> 0x40d01000 */
	d = resolve(h, ctx, "/ocp/target-module@40d01000/mmu@0");
	ck_assert_uint_eq(d->mmio[0].addr, 0x40d01000);
	ck_assert_uint_eq(d->mmio[0].size, 0x100);
	dtg_device_free(ctx, d);

	/* DSP1: three named regions directly under /ocp, two MMUs (0 cells) */
	d = resolve(h, ctx, "/ocp/dsp@40800000");
	ck_assert_uint_eq(d->nmmio, 3);
	ck_assert_str_eq(d->mmio[1].name, "l1pram");
	ck_assert_uint_eq(d->mmio[1].addr, 0x40e00000);
	ck_assert_uint_eq(d->niommu, 2);
	ck_assert_int_eq(d->iommu[0].kind, DTG_IOMMU_OMAP);
	ck_assert_uint_eq(d->iommu[0].ncells, 0);
	ck_assert_str_eq(d->iommu[1].iommu, "/ocp/target-module@40d02000/mmu@0");
	dtg_device_free(ctx, d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_j721e)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "k3-j721e-common-proc-board.dtb");
	struct dtg_device *d;

	/* mdio@f00 reg = <0 0xf00 0 0x100>
	 *  -> ethernet@46000000 ranges = <0 0 0 0x46000000 0 0x200000>: 0x46000f00
	 *  -> bus@28380000 ranges has <0 0x46000000 0 0x46000000 0 0x200000>
	 *  -> bus@100000 (same entry) -> root */
	d = resolve(h, ctx, "/bus@100000/bus@28380000/ethernet@46000000/mdio@f00");
	ck_assert_uint_eq(d->mmio[0].addr, 0x46000f00);
	ck_assert_uint_eq(d->mmio[0].size, 0x100);
	dtg_device_free(ctx, d);

	/* cpts@3d000 reg = <0 0x3d000 0 0x400> -> 0x4603d000;
	 * interrupts-extended = <&gic500 0 0x35a 4>: SPI 858 -> INTID 890 */
	d = resolve(h, ctx, "/bus@100000/bus@28380000/ethernet@46000000/cpts@3d000");
	ck_assert_uint_eq(d->mmio[0].addr, 0x4603d000);
	ck_assert_uint_eq(d->nirq, 1);
	ck_assert_uint_eq(d->irq[0].intid, 890);
	ck_assert_str_eq(d->irq[0].controller, "/bus@100000/interrupt-controller@1800000");
	dtg_device_free(ctx, d);

	/* R5F core: 1-cell cluster bus, ranges = <0x41000000 0x0 0x41000000
	 * 0x20000 ...> (1 -> 2 cells): atcm 0x41000000, btcm 0x41010000 */
	d = resolve(h, ctx, "/bus@100000/bus@28380000/r5fss@41000000/r5f@41000000");
	ck_assert_uint_eq(d->nmmio, 2);
	ck_assert_str_eq(d->mmio[1].name, "btcm");
	ck_assert_uint_eq(d->mmio[1].addr, 0x41010000);
	ck_assert_uint_eq(d->mmio[1].size, 0x8000);
	dtg_device_free(ctx, d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_sdm845_iommus)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "sdm845-db845c.dtb");
	/* compute-cb@1: iommus = <&apps_smmu 0x1401 0x30>, #iommu-cells = <2> */
	struct dtg_device *d = resolve(h, ctx, "/remoteproc-cdsp/glink-edge/fastrpc/compute-cb@1");

	ck_assert_uint_eq(d->niommu, 1);
	ck_assert_uint_eq(d->iommu[0].ncells, 2);
	ck_assert_uint_eq(d->iommu[0].ids[0], 0x1401);
	ck_assert_uint_eq(d->iommu[0].ids[1], 0x30);
	ck_assert_int_eq(d->iommu[0].kind, DTG_IOMMU_SMMUV2);
	dtg_device_free(ctx, d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_pcie_iommu_map)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *h = tu_load_host(ctx, "virt-smmuv3.dtb");
	/* QEMU: iommu-map = <0x0 &smmuv3 0x0 0x10000> */
	struct dtg_device *d = resolve(h, ctx, "/pcie@10000000");

	ck_assert_uint_eq(d->niommu_map, 1);
	ck_assert_int_eq(d->iommu_map[0].kind, DTG_IOMMU_SMMUV3);
	ck_assert_uint_eq(d->iommu_map[0].length, 0x10000);
	ck_assert_str_eq(d->iommu_map[0].iommu, "/smmuv3@9050000");
	dtg_device_free(ctx, d);
	dtg_host_free(h);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * A PPI keeps its whole flags cell, the CPU mask in bits [15:8] too (the
 * GICv2 binding's third cell; Linux's irq-gic.c gic_irq_domain_translate
 * takes the trigger from bits [3:0] and Xen's gic_irq_xlate the same, but
 * the cell a guest is given is the whole one, as libxl's set_interrupt
 * writes (cpumask << 8) | level).  From `dtc -I dtb -O dts`:
 * arm32-virt /timer interrupts = <1 13 0x104 1 14 0x104 1 11 0x104 1 10 0x104>
 * (QEMU, 1 CPU); omap5-uevm and dra7-evm /timer <1 13 0x308 ...> (2 CPUs,
 * level-low).
 */
START_TEST(test_ppi_cpu_mask)
{
	static const struct { const char *file; uint32_t flags; } b[] = {
		{ "arm32-virt.dtb", 0x104 }, { "omap5-uevm.dtb", 0x308 },
		{ "dra7-evm.dtb", 0x308 },
	};
	static const uint32_t intid[] = { 29, 30, 27, 26 };

	for (size_t k = 0; k < sizeof(b) / sizeof(b[0]); k++) {
		dtg_ctx *ctx = tu_ctx_new();
		dtg_host *h = tu_load_host(ctx, b[k].file);
		struct dtg_device *d = resolve(h, ctx, "/timer");

		ck_assert_uint_eq(d->nirq, 4);
		for (size_t i = 0; i < 4; i++) {
			ck_assert_int_eq(d->irq[i].kind, DTG_IRQ_PPI);
			ck_assert_uint_eq(d->irq[i].intid, intid[i]);
			ck_assert_uint_eq(d->irq[i].flags, b[k].flags);
		}
		dtg_device_free(ctx, d);
		dtg_host_free(h);
		tu_ctx_free(ctx);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("host-real");
	TCase *tc = tcase_create("real");

	tcase_add_test(tc, test_qemu_virt_pl031);
	tcase_add_test(tc, test_zcu102_ethernet);
	tcase_add_test(tc, test_dra7_ocp);
	tcase_add_test(tc, test_j721e);
	tcase_add_test(tc, test_sdm845_iommus);
	tcase_add_test(tc, test_pcie_iommu_map);
	tcase_add_test(tc, test_ppi_cpu_mask);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
