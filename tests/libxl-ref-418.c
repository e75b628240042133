/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/libxl-ref-418.c - Xen 4.18 .. 4.22's libxl virtio-mmio code run
 * as a reference (see libxl-ref.h).  The node functions are the same text
 * in all five; the disks' grant decision differs: 4.18 grants when the
 * backend is not dom0, 4.19+ take the disk's grant_usage (defaulting to
 * the same, libxl__device_disk_setdefault).
 */
#include "libxl-ref-shim.h"
#include "libxl-ref.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-function"
#include "libxl/libxl_arm-virtio-4.18.inc"
#pragma GCC diagnostic pop

struct dev418 {
	enum ref_kind kind;
	uint32_t backend_domid;
	const char *type;
	bool grant_usage;   /* libxl_defbool_val() after setdefault */
	uint64_t base;
	uint32_t irq;
};

int libxl418_virtio_fdt(unsigned minor, const struct ref_dev *devs, size_t n,
			void *fdt, int size)
{
	libxl__gc gcs = { .n = 0 }, *gc = &gcs;
	struct dev418 d[16];
	uint64_t virtio_mmio_base = GUEST_VIRTIO_MMIO_BASE;
	uint32_t virtio_mmio_irq = GUEST_VIRTIO_MMIO_SPI_FIRST;
	bool iommu_needed = false;
	int rc = 0;

	if (n > 16)
		return -E2BIG;
	for (size_t i = 0; i < n; i++) {
		if (devs[i].kind != REF_VIRTIO && devs[i].grant >= 0 && minor < 19)
			return -EINVAL;    /* no disk grant_usage= before 4.19 */
		d[i] = (struct dev418){ devs[i].kind, devs[i].backend, devs[i].type,
			devs[i].grant >= 0 ? devs[i].grant == 1 :
			devs[i].backend != LIBXL_TOOLSTACK_DOMID, 0, 0 };
	}
	/* libxl__arch_domain_prepare_config: disks, then virtios */
	for (size_t i = 0; i < n; i++) {
		if (d[i].kind == REF_DISK_VIRTIO) {
			rc = alloc_virtio_mmio_params(gc, &d[i].base, &d[i].irq,
						      &virtio_mmio_base,
						      &virtio_mmio_irq);
			if (rc)
				goto out;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (d[i].kind != REF_VIRTIO)
			continue;
		rc = alloc_virtio_mmio_params(gc, &d[i].base, &d[i].irq,
					      &virtio_mmio_base, &virtio_mmio_irq);
		if (rc)
			goto out;
	}
#define FDT(call) do { int fdt_res = (call); if (fdt_res < 0) { rc = fdt_res; goto out; } } while (0)
	FDT(fdt_create(fdt, size));
	FDT(fdt_finish_reservemap(fdt));
	FDT(fdt_begin_node(fdt, ""));
	/* libxl__prepare_dtb */
	for (size_t i = 0; i < n; i++) {
		struct dev418 *disk = &d[i];
		/* 4.18: backend_domid != LIBXL_TOOLSTACK_DOMID; 4.19+: grant_usage */
		bool grant = minor < 19 ? disk->backend_domid != LIBXL_TOOLSTACK_DOMID
					: disk->grant_usage;

		if (disk->kind == REF_DISK_VIRTIO) {
			if (grant)
				iommu_needed = true;

			FDT( make_virtio_mmio_node(gc, fdt, disk->base, disk->irq,
						   disk->backend_domid, grant) );
		}
	}
	for (size_t i = 0; i < n; i++) {
		struct dev418 *virtio = &d[i];

		if (virtio->kind != REF_VIRTIO)
			continue;

		if (virtio->grant_usage)
			iommu_needed = true;

		FDT( make_virtio_mmio_node_device(gc, fdt, virtio->base,
						  virtio->irq, virtio->type,
						  virtio->backend_domid,
						  virtio->grant_usage) );
	}
	if (iommu_needed)
		FDT( make_xen_iommu_node(gc, fdt) );
	FDT(fdt_end_node(fdt));
	FDT(fdt_finish(fdt));
#undef FDT
out:
	libxl__gc_free(gc);
	return rc;
}
