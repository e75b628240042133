/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/finalize-bus.c - devices without MMIO of their own.
 *
 * Xen passes a device through by its MMIO.  The dom0less builder's
 * handle_prop_pfdt() (4.17 xen/arch/arm/domain_build.c, 4.22
 * xen/common/device-tree/dom0less-build.c) returns -EINVAL for a node
 * with xen,path and no xen,reg ("xen,reg or xen,path missing"), which
 * 4.22's create_domUs() turns into a panic ("Could not set up domain");
 * xl has no iomem= line to give.  An I2C or SPI slave, a flash partition
 * or an nvmem cell has a reg that is an address on its bus (its parent
 * has no ranges, so it is no CPU address): it reaches a guest only with
 * its bus controller, as a plain child node of the controller's guest
 * node, which Xen and libxl copy as they are.  Such a device is refused,
 * naming the controller to pass through instead.
 *
 * A device with GIC SPIs and no reg at all (an interrupt-only node) is
 * kept: its partial-DT node gets an empty xen,reg, for which
 * handle_passthrough_prop() maps nothing, then routes the SPIs of the
 * xen,path node and assigns it.
 */
#include <stdio.h>

#include <libfdt.h>

#include "host-internal.h"
#include "finalize-internal.h"

static bool has_gic_spi(const struct dtg_device *dev)
{
	for (size_t i = 0; i < dev->nirq; i++)
		if (dev->irq[i].kind == DTG_IRQ_SPI)
			return true;
	return false;
}

/*
 * The nearest ancestor of off with MMIO of its own (the bus controller),
 * its path in buf; -1 when none.  *given: it is passed through here.
 */
static int mmio_ancestor(struct dtg_fin *f, int off, char *buf, size_t size,
			 bool *given, int *err)
{
	*given = false;
	*err = 0;
	for (int anc = dtg_host_parent_offset(f->host, off); anc > 0;
	     anc = dtg_host_parent_offset(f->host, anc)) {
		struct dtg_device *a;
		bool mmio;
		int rc = dtg_host_resolve_offset(f->host, f->ctx, anc, &a);

		if (rc) {
			*err = rc;
			return -1;
		}
		mmio = a->nmmio > 0;
		dtg_device_free(f->ctx, a);
		if (dtg_fin_in_domain(f, anc))
			*given = true;
		if (mmio) {
			dtg_host_path(f->host, anc, buf, size);
			return anc;
		}
	}
	return -1;
}

int dtg_fin_check_mmio(struct dtg_fin *f, const struct dtg_pt *pt)
{
	const struct dtg_device *dev = pt->host;
	char bus[512];
	bool given, has_reg;
	int anc, err;

	if (dev->nmmio)
		return 0;
	has_reg = fdt_getprop(f->fdt, dev->offset, "reg", NULL) != NULL;
	if (!has_reg && has_gic_spi(dev))
		return 0;   /* interrupt-only: an empty xen,reg (fdt-partial.c) */
	if (!has_reg && dev->nirq)
		return 0;   /* PPIs, non-GIC IRQs: the interrupt pass says why */
	anc = mmio_ancestor(f, dev->offset, bus, sizeof(bus), &given, &err);
	if (err)
		return err;
	if (anc >= 0 && given)
		return dtg_error(f->ctx, DTG_EDUPLICATE,
				 "%s: %s: reg: not MMIO, and the guest already gets this node with its bus controller %s (as a child of that device's node): remove it from the passthrough list",
				 f->hname, dev->path, bus);
	if (anc >= 0)
		return dtg_error(f->ctx, DTG_EUNSUPPORTED,
				 "%s: %s: reg: %s: Xen passes through MMIO, and Xen's dom0less builder refuses a device node without xen,reg (handle_prop_pfdt: \"xen,reg or xen,path missing\"; 4.22 panics); pass through its bus controller %s instead: this node comes with it, as a child of its node",
				 f->hname, dev->path,
				 has_reg ? "an address on its bus, not MMIO" : "none",
				 bus);
	return dtg_error(f->ctx, DTG_EUNSUPPORTED,
			 "%s: %s: reg: %s and no GIC SPI: Xen has nothing to map or route (handle_prop_pfdt refuses a device node without xen,reg); pass through the devices that hold its resources instead",
			 f->hname, dev->path,
			 has_reg ? "not MMIO (its parent has no ranges)" : "no MMIO");
}
