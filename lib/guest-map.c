/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/guest-map.c - the Arm guest physical memory map (Xen public
 * arch-arm.h) as data, for placing passthrough ranges and
 * checking that they collide with nothing Xen puts in the guest.
 */
#include <stdlib.h>

#include "finalize-internal.h"

/* Regions present in every Arm guest, whatever its settings. */
static const struct dtg_guest_region fixed_regions[] = {
	{ DTG_GUEST_VIRTIO_MMIO_BASE, DTG_GUEST_VIRTIO_MMIO_SIZE, "the virtio-mmio window" },
	{ DTG_GUEST_VSMMUV3_BASE, DTG_GUEST_VSMMUV3_SIZE, "the (proposed) vSMMUv3 window" },
	{ DTG_GUEST_VPCI_ECAM_BASE, DTG_GUEST_VPCI_ECAM_SIZE, "the vPCI ECAM window" },
	{ DTG_GUEST_ACPI_BASE, DTG_GUEST_ACPI_SIZE, "the ACPI tables window" },
	{ DTG_GUEST_VPCI_MEM_BASE, DTG_GUEST_VPCI_MEM_SIZE, "the vPCI memory window" },
	{ DTG_GUEST_GNTTAB_BASE, DTG_GUEST_GNTTAB_SIZE, "the grant table" },
	{ DTG_GUEST_MAGIC_BASE, DTG_GUEST_MAGIC_SIZE, "the magic pages" },
	{ DTG_GUEST_VPCI_PREF_BASE, DTG_GUEST_VPCI_PREF_SIZE, "the vPCI prefetchable memory window" },
};

/* Gaps of the map below RAM0 that hold nothing Xen places. */
const struct dtg_guest_window dtg_guest_auto_windows[] = {
	{ 0x04080000ULL, 0x10000000ULL },
	{ 0x33000000ULL, 0x38000000ULL },
	{ 0x3a000000ULL, 0x40000000ULL },
};
const size_t dtg_guest_auto_nwindows = DTG_ARRAY_SIZE(dtg_guest_auto_windows);

static int cmp_region(const void *a, const void *b)
{
	const struct dtg_guest_region *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

size_t dtg_guest_map(const struct dtg_domain *d, unsigned gic_version,
		     struct dtg_guest_region *out)
{
	uint64_t ram = d->memory_mib << 20, ram0, ram1;
	size_t n = 0;

	for (size_t i = 0; i < DTG_ARRAY_SIZE(fixed_regions); i++)
		out[n++] = fixed_regions[i];
	if (gic_version == 3) {
		out[n++] = (struct dtg_guest_region){ DTG_GUEST_GICD_BASE,
			DTG_GUEST_GICV3_DIST_SIZE, "the GICv3 distributor" };
		out[n++] = (struct dtg_guest_region){ DTG_GUEST_GICR_BASE,
			DTG_GUEST_GICR_SIZE, "the GICv3 redistributors" };
	} else {
		out[n++] = (struct dtg_guest_region){ DTG_GUEST_GICD_BASE,
			DTG_GUEST_GICV2_DIST_SIZE, "the GICv2 distributor" };
		out[n++] = (struct dtg_guest_region){ DTG_GUEST_GICC_BASE,
			DTG_GUEST_GICC_SIZE, "the GICv2 CPU interface" };
	}
	if (d->vpl011)
		out[n++] = (struct dtg_guest_region){ DTG_GUEST_PL011_BASE,
			DTG_GUEST_PL011_SIZE, "the vpl011 UART" };
	/* libxl fills RAM0 first (up to 3 GiB), then RAM1. */
	ram0 = ram < DTG_GUEST_RAM0_SIZE ? ram : DTG_GUEST_RAM0_SIZE;
	ram1 = ram - ram0;
	out[n++] = (struct dtg_guest_region){ DTG_GUEST_RAM0_BASE, ram0,
		"guest RAM (bank 0)" };
	if (ram1)
		out[n++] = (struct dtg_guest_region){ DTG_GUEST_RAM1_BASE, ram1,
			"guest RAM (bank 1)" };
	qsort(out, n, sizeof(*out), cmp_region);
	return n;
}

const struct dtg_guest_region *
dtg_guest_map_overlap(const struct dtg_guest_region *map, size_t n,
		      uint64_t base, uint64_t size)
{
	for (size_t i = 0; i < n; i++)
		if (dtg_ranges_overlap(map[i].base, map[i].size, base, size))
			return &map[i];
	return NULL;
}

bool dtg_guest_virtio_spis_reserved(const struct dtg_domain *d)
{
	/* No virtio devices in the domain model yet. */
	(void)d;
	return false;
}
