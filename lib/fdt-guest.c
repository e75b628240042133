/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/fdt-guest.c - a complete guest DT as libxl builds it on Arm
 * (tools/libs/light/libxl_arm.c, Xen 4.17): root properties, /chosen,
 * /cpus, /psci, memory banks, the vGIC (phandle 65000), the generic
 * timer, the hypervisor node, the vpl011 and the passthrough devices.
 *
 * Deliberate differences from libxl, each so that dtc's checks pass on
 * the result and a statically built guest gets usable values:
 *   - memory@ nodes carry the real bank sizes (libxl writes placeholders
 *     and fills them in later; an empty bank is omitted as libxl nops it);
 *   - the hypervisor node is "hypervisor@38000000" (libxl: "hypervisor",
 *     which dtc flags: reg without a unit address); Linux finds it by
 *     compatible;
 *   - the vpl011 is "sbsa-uart@22000000" (as newer libxl names it);
 *   - no linux,initrd-* placeholders: the loader that places the ramdisk
 *     adds them.
 */
#include <stdio.h>
#include <libfdt.h>

#include "fdt-internal.h"
#include "viommu-internal.h"

/* Xen public arch-arm.h: legacy PSCI function numbers Xen handles. */
#define PSCI_CPU_OFF 1
#define PSCI_CPU_ON  2

#define IRQ_TYPE_LEVEL_HIGH 4
#define IRQ_TYPE_LEVEL_LOW  8

/* One <type number flags> GIC specifier as libxl's set_interrupt(). */
static uint32_t *put_gic_irq(uint32_t *c, unsigned intid, unsigned level)
{
	unsigned ppi = intid < 32;

	c = dtg_fdt_put_cells(c, 1, ppi);
	c = dtg_fdt_put_cells(c, 1, intid - (ppi ? 16 : 32));
	return dtg_fdt_put_cells(c, 1, (0xfu << 8) | level);
}

static int prop_regs(void *fdt, unsigned n, const uint64_t *base_size)
{
	uint32_t cells[4 * 2];
	uint32_t *c = cells;

	for (unsigned i = 0; i < 2 * n; i++)
		c = dtg_fdt_put_cells(c, 2, base_size[i]);
	return fdt_property(fdt, "reg", cells, (int)(n * 16));
}

static int prop_irqs(void *fdt, const uint32_t *cells, unsigned n)
{
	int r = fdt_property(fdt, "interrupts", cells, (int)(n * 12));

	return r ? r : fdt_property_u32(fdt, "interrupt-parent",
					DTG_GUEST_PHANDLE_GIC);
}

static int begin_unit(void *fdt, const char *name, uint64_t unit)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%s@%llx", name, (unsigned long long)unit);
	return fdt_begin_node(fdt, buf);
}

static int root_props(const dtg_domain *d, void *fdt,
		      enum dtg_guest_builder builder)
{
	static const char compat[] = "xen,xenvm-4.17\0xen,xenvm";
	int r = 0;

	(void)d;
	/* Xen's dom0less builder leaves these to the devices themselves */
	if (builder == DTG_GUEST_BUILDER_LIBXL) {
		r = fdt_property_string(fdt, "model", "XENVM-4.17");
		if (!r) r = fdt_property(fdt, "compatible", compat,
					 sizeof(compat));
		if (!r) r = fdt_property_u32(fdt, "interrupt-parent",
					     DTG_GUEST_PHANDLE_GIC);
	}
	if (!r) r = fdt_property_u32(fdt, "#address-cells", 2);
	if (!r) r = fdt_property_u32(fdt, "#size-cells", 2);
	return r;
}

static int chosen_node(const dtg_domain *d, void *fdt)
{
	int r = fdt_begin_node(fdt, "chosen");

	if (!r && d->cmdline)
		r = fdt_property_string(fdt, "bootargs", d->cmdline);
	return r ? r : fdt_end_node(fdt);
}

/* Xen's vcpuid_to_vaffinity(): 16 vCPUs per AFF1 cluster. */
static uint32_t vcpu_mpidr(unsigned i)
{
	return (i & 0x0f) | (((i >> 4) & 0xff) << 8);
}

static int cpus_node(const dtg_domain *d, void *fdt)
{
	const char *compat = d->arch == DTG_ARCH_ARM32 ? "arm,cortex-a15"
						       : "arm,armv8";
	unsigned n = d->vcpus ? d->vcpus : 1;
	int r = fdt_begin_node(fdt, "cpus");

	if (!r) r = fdt_property_u32(fdt, "#address-cells", 1);
	if (!r) r = fdt_property_u32(fdt, "#size-cells", 0);
	for (unsigned i = 0; !r && i < n; i++) {
		uint32_t mpidr = vcpu_mpidr(i);

		r = begin_unit(fdt, "cpu", mpidr);
		if (!r) r = fdt_property_string(fdt, "device_type", "cpu");
		if (!r) r = fdt_property_string(fdt, "compatible", compat);
		if (!r) r = fdt_property_string(fdt, "enable-method", "psci");
		if (!r) r = fdt_property_u32(fdt, "reg", mpidr);
		if (!r) r = fdt_end_node(fdt);
	}
	return r ? r : fdt_end_node(fdt);
}

static int psci_node(void *fdt)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	int r = fdt_begin_node(fdt, "psci");

	if (!r) r = fdt_property(fdt, "compatible", compat, sizeof(compat));
	if (!r) r = fdt_property_string(fdt, "method", "hvc");
	if (!r) r = fdt_property_u32(fdt, "cpu_off", PSCI_CPU_OFF);
	if (!r) r = fdt_property_u32(fdt, "cpu_on", PSCI_CPU_ON);
	return r ? r : fdt_end_node(fdt);
}

/* RAM fills bank 0 (3 GiB at 1 GiB) first, then bank 1, as Xen does. */
static int memory_nodes(const dtg_domain *d, void *fdt)
{
	uint64_t left = d->memory_mib << 20;
	const uint64_t bank[2][2] = {
		{ DTG_GUEST_RAM0_BASE, DTG_GUEST_RAM0_SIZE },
		{ DTG_GUEST_RAM1_BASE, DTG_GUEST_RAM1_SIZE },
	};
	int r = 0;

	for (int i = 0; !r && i < 2 && left; i++) {
		uint64_t rs[2] = { bank[i][0],
				   left < bank[i][1] ? left : bank[i][1] };

		left -= rs[1];
		r = begin_unit(fdt, "memory", rs[0]);
		if (!r) r = fdt_property_string(fdt, "device_type", "memory");
		if (!r) r = prop_regs(fdt, 1, rs);
		if (!r) r = fdt_end_node(fdt);
	}
	return r;
}

static int gic_node(const dtg_domain *d, void *fdt)
{
	static const char v2[] = "arm,cortex-a15-gic\0arm,cortex-a9-gic";
	static const char v3[] = "arm,gic-v3";
	bool is_v3 = d->final_gic_version == 3;
	const uint64_t regs[4] = {
		DTG_GUEST_GICD_BASE,
		is_v3 ? DTG_GUEST_GICV3_DIST_SIZE : DTG_GUEST_GICV2_DIST_SIZE,
		is_v3 ? DTG_GUEST_GICR_BASE : DTG_GUEST_GICC_BASE,
		is_v3 ? DTG_GUEST_GICR_SIZE : DTG_GUEST_GICC_SIZE,
	};
	int r = begin_unit(fdt, "interrupt-controller", DTG_GUEST_GICD_BASE);

	if (!r) r = is_v3 ? fdt_property(fdt, "compatible", v3, sizeof(v3))
			  : fdt_property(fdt, "compatible", v2, sizeof(v2));
	if (!r) r = fdt_property_u32(fdt, "#interrupt-cells", 3);
	if (!r) r = fdt_property_u32(fdt, "#address-cells", 0);
	if (!r) r = fdt_property(fdt, "interrupt-controller", NULL, 0);
	if (!r) r = prop_regs(fdt, 2, regs);
	if (!r) r = fdt_property_u32(fdt, "linux,phandle",
				     DTG_GUEST_PHANDLE_GIC);
	if (!r) r = fdt_property_u32(fdt, "phandle", DTG_GUEST_PHANDLE_GIC);
	return r ? r : fdt_end_node(fdt);
}

static int timer_node(const dtg_domain *d, void *fdt)
{
	const char *compat = d->arch == DTG_ARCH_ARM32 ? "arm,armv7-timer"
						       : "arm,armv8-timer";
	uint32_t ints[9], *c = ints;
	int r = fdt_begin_node(fdt, "timer");

	c = put_gic_irq(c, DTG_GUEST_PPI_STIMER, IRQ_TYPE_LEVEL_LOW);
	c = put_gic_irq(c, DTG_GUEST_PPI_NSTIMER, IRQ_TYPE_LEVEL_LOW);
	put_gic_irq(c, DTG_GUEST_PPI_VTIMER, IRQ_TYPE_LEVEL_LOW);
	if (!r) r = fdt_property_string(fdt, "compatible", compat);
	if (!r) r = prop_irqs(fdt, ints, 3);
	return r ? r : fdt_end_node(fdt);
}

static int hypervisor_node(void *fdt)
{
	static const char compat[] = "xen,xen-4.17\0xen,xen";
	const uint64_t regs[2] = { DTG_GUEST_GNTTAB_BASE,
				   DTG_GUEST_GNTTAB_SIZE };
	uint32_t ints[3];
	int r = begin_unit(fdt, "hypervisor", DTG_GUEST_GNTTAB_BASE);

	put_gic_irq(ints, DTG_GUEST_PPI_EVTCHN, IRQ_TYPE_LEVEL_LOW);
	if (!r) r = fdt_property(fdt, "compatible", compat, sizeof(compat));
	if (!r) r = prop_regs(fdt, 1, regs);
	if (!r) r = prop_irqs(fdt, ints, 1);
	return r ? r : fdt_end_node(fdt);
}

static int vpl011_node(void *fdt)
{
	const uint64_t regs[2] = { DTG_GUEST_PL011_BASE, DTG_GUEST_PL011_SIZE };
	uint32_t ints[3];
	int r = begin_unit(fdt, "sbsa-uart", DTG_GUEST_PL011_BASE);

	put_gic_irq(ints, DTG_GUEST_SPI_VPL011, IRQ_TYPE_LEVEL_HIGH);
	if (!r) r = fdt_property_string(fdt, "compatible", "arm,sbsa-uart");
	if (!r) r = prop_regs(fdt, 1, regs);
	if (!r) r = prop_irqs(fdt, ints, 1);
	if (!r) r = fdt_property_u32(fdt, "current-speed", 115200);
	return r ? r : fdt_end_node(fdt);
}


static int guest_tree(const dtg_domain *d, void *buf, int size, void *opaque)
{
	enum dtg_guest_builder builder = *(const enum dtg_guest_builder *)opaque;
	int r = fdt_create(buf, size);

	if (!r) r = fdt_finish_reservemap(buf);
	if (!r) r = fdt_begin_node(buf, "");
	if (!r) r = root_props(d, buf, builder);
	if (!r) r = chosen_node(d, buf);
	if (!r) r = cpus_node(d, buf);
	if (!r) r = psci_node(buf);
	if (!r) r = memory_nodes(d, buf);
	if (!r) r = gic_node(d, buf);
	if (!r) r = timer_node(d, buf);
	if (!r && builder != DTG_GUEST_BUILDER_DOM0LESS)
		r = hypervisor_node(buf);
	if (!r && d->vpl011) r = vpl011_node(buf);
	for (size_t i = 0; !r && i < d->nrootnode; i++)   /* vSMMUv3, virtio */
		r = dtg_fdt_render_gnode(buf, &d->rootnode[i], NULL, NULL);
	/* /passthrough as libxl copies it from the partial DT, without xen,* */
	if (!r && d->ngnode) r = dtg_fdt_passthrough_node(d, buf, NULL, NULL);
	if (!r) r = dtg_fdt_aliases_node(d, buf);
	if (!r) r = fdt_end_node(buf);
	if (!r) r = fdt_finish(buf);
	return r;
}

static int guest_supported(const dtg_domain *d)
{
	int r = dtg_domain_require_final(d, "guest DT");

	if (r)
		return r;
	if (d->arch != DTG_ARCH_ARM64 && d->arch != DTG_ARCH_ARM32)
		return dtg_error(d->ctx, DTG_EUNSUPPORTED,
				 "%s: guest DT: only Arm guests have one",
				 d->name ? d->name : "domain");
	if (d->final_gic_version != 2 && d->final_gic_version != 3)
		return dtg_error(d->ctx, DTG_EUNSUPPORTED,
				 "%s: guest DT: GIC version %u",
				 d->name ? d->name : "domain",
				 d->final_gic_version);
	return 0;
}

int dtg_fdt_guest_by(const dtg_domain *d, enum dtg_guest_builder builder,
		     void *buf, size_t size, size_t *needed)
{
	int r;

	if (!d || builder > DTG_GUEST_BUILDER_DOM0LESS_ENHANCED)
		return -DTG_EINVAL;
	r = guest_supported(d);
	if (!r && builder != DTG_GUEST_BUILDER_LIBXL)
		r = dtg_dom0less_refuse_virtio(d->ctx, d);
	return r ? r : dtg_fdt_emit(d, guest_tree, &builder, "guest DT", buf,
				    size, needed);
}

int dtg_fdt_guest_by_alloc(const dtg_domain *d, enum dtg_guest_builder builder,
			   void **out, size_t *size)
{
	int r;

	if (!d || builder > DTG_GUEST_BUILDER_DOM0LESS_ENHANCED)
		return -DTG_EINVAL;
	r = guest_supported(d);
	if (!r && builder != DTG_GUEST_BUILDER_LIBXL)
		r = dtg_dom0less_refuse_virtio(d->ctx, d);
	return r ? r : dtg_fdt_emit_alloc(d, guest_tree, &builder, "guest DT",
					  out, size);
}

int dtg_fdt_guest(const dtg_domain *d, void *buf, size_t size,
		  size_t *needed)
{
	return dtg_fdt_guest_by(d, DTG_GUEST_BUILDER_LIBXL, buf, size, needed);
}

int dtg_fdt_guest_alloc(const dtg_domain *d, void **out, size_t *size)
{
	return dtg_fdt_guest_by_alloc(d, DTG_GUEST_BUILDER_LIBXL, out, size);
}
