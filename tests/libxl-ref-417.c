/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/libxl-ref-417.c - Xen 4.17's libxl virtio-mmio code run as a
 * reference (see libxl-ref.h).  4.17 has virtio disks only: xl 4.17 has
 * no `virtio` key and no disk grant_usage=.
 */
#include "libxl-ref-shim.h"
#include "libxl-ref.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-function"
#include "libxl/libxl_arm-virtio-4.17.inc"
#pragma GCC diagnostic pop

struct disk417 {
	bool virtio;
	uint32_t backend_domid;
	uint64_t base;
	uint32_t irq;
};

int libxl417_virtio_fdt(const struct ref_dev *devs, size_t n, void *fdt,
			int size)
{
	libxl__gc gcs = { .n = 0 }, *gc = &gcs;
	struct disk417 disks[16];
	uint64_t virtio_mmio_base = GUEST_VIRTIO_MMIO_BASE;
	uint32_t virtio_mmio_irq = GUEST_VIRTIO_MMIO_SPI_FIRST;
	size_t num_disks = 0;
	bool iommu_created;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		if (devs[i].kind == REF_VIRTIO || devs[i].grant >= 0)
			return -EINVAL;    /* xl 4.17 cannot say it */
		if (num_disks == 16)
			return -E2BIG;
		disks[num_disks++] = (struct disk417){
			devs[i].kind == REF_DISK_VIRTIO, devs[i].backend, 0, 0 };
	}
	/* libxl__arch_domain_prepare_config (4.17) */
	for (size_t i = 0; i < num_disks; i++) {
		struct disk417 *disk = &disks[i];

		if (disk->virtio) {
			disk->base = alloc_virtio_mmio_base(gc, &virtio_mmio_base);
			if (!disk->base)
				return ERROR_FAIL;

			disk->irq = alloc_virtio_mmio_irq(gc, &virtio_mmio_irq);
			if (!disk->irq)
				return ERROR_FAIL;
		}
	}
#define FDT(call) do { int fdt_res = (call); if (fdt_res < 0) { rc = fdt_res; goto out; } } while (0)
	FDT(fdt_create(fdt, size));
	FDT(fdt_finish_reservemap(fdt));
	FDT(fdt_begin_node(fdt, ""));
	/* libxl__prepare_dtb (4.17) */
	iommu_created = false;
	for (size_t i = 0; i < num_disks; i++) {
		struct disk417 *disk = &disks[i];

		if (disk->virtio) {
			if (disk->backend_domid != LIBXL_TOOLSTACK_DOMID &&
			    !iommu_created) {
				FDT( make_xen_iommu_node(gc, fdt) );
				iommu_created = true;
			}

			FDT( make_virtio_mmio_node(gc, fdt, disk->base, disk->irq,
						   disk->backend_domid) );
		}
	}
	FDT(fdt_end_node(fdt));
	FDT(fdt_finish(fdt));
#undef FDT
out:
	libxl__gc_free(gc);
	return rc;
}
