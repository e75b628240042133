/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * examples/toolstack.c - what a third-party Xen toolstack does with
 * libdtgen on Arm, in one short file to copy:
 *
 *   1. load the host DTB and describe a guest (devices passed through);
 *   2. run the domctl plan on Xen through libxenctrl (with the inverse
 *      calls, so a failure leaves the domain as it was);
 *   3. write the guest's nodes into the toolstack's own libfdt tree,
 *      growing the buffer and starting again on -FDT_ERR_NOSPACE, as
 *      libxl's libxl__prepare_dtb (tools/libs/light/libxl_arm.c) does.
 *
 * Build:  cc toolstack.c $(pkg-config --cflags --libs libdtgen) -lxenctrl -lfdt
 * Run (dom0, root; domain DOMID created paused, e.g. `xl create -p`):
 *         toolstack HOST.dtb DOMID OUT.dtb /pl031@9010000 [PATH...]
 * OUT.dtb is the tree of step 3 (a real toolstack adds its own nodes and
 * hands it to xc_dom_devicetree_mem()).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>
#include <xenctrl.h>
#include <xendtgen/domain.h>
#include <xendtgen/domctl.h>
#include <xendtgen/fdt.h>
#include <xendtgen/host.h>

/* ---- 2. libxenctrl behind libdtgen's callbacks (opaque: xc_interface) */
static int x_iomem(void *xch, uint32_t dom, uint64_t mfn, uint64_t nr,
		   uint8_t allow)
{
	return xc_domain_iomem_permission(xch, dom, mfn, nr, allow) ? -errno : 0;
}

static int x_map(void *xch, uint32_t dom, uint64_t gfn, uint64_t mfn,
		 uint64_t nr, uint32_t add)
{
	return xc_domain_memory_mapping(xch, dom, gfn, mfn, nr, add) ? -errno : 0;
}

static int x_irq(void *xch, uint32_t dom, uint32_t pirq, bool allow)
{
	return xc_domain_irq_permission(xch, dom, pirq, allow) ? -errno : 0;
}

/* The guest's SPI, then the host's: libxenctrl's order, passed through. */
static int x_bind(void *xch, uint32_t dom, uint32_t vspi, uint16_t spi)
{
	return xc_domain_bind_pt_spi_irq(xch, dom, vspi, spi) ? -errno : 0;
}

static int x_unbind(void *xch, uint32_t dom, uint32_t vspi, uint16_t spi)
{
	return xc_domain_unbind_pt_spi_irq(xch, dom, vspi, spi) ? -errno : 0;
}

static int x_assign(void *xch, uint32_t dom, const char *path)
{
	return xc_assign_dt_device(xch, dom, (char *)path) ? -errno : 0;
}

static int x_deassign(void *xch, uint32_t dom, const char *path)
{
	return xc_deassign_dt_device(xch, dom, (char *)path) ? -errno : 0;
}

static const struct dtg_xc_ops xc_ops = {
	.iomem_permission = x_iomem,
	.memory_mapping = x_map,
	.irq_permission = x_irq,
	.bind_pt_spi_irq = x_bind,
	.assign_dt_device = x_assign,
	.deassign_dt_device = x_deassign,
	.unbind_pt_spi_irq = x_unbind,
};

/* ---- 3. the toolstack's own tree, libxl__prepare_dtb's loop */
#define FDT_MAX_SIZE (1 << 20)

/* A libdtgen error is a negative DTG_E* code, libfdt's -FDT_ERR_*. */
#define TRY(call) do {                                                  \
	int r_ = (call);                                                \
	if (r_ == -FDT_ERR_NOSPACE || r_ == -DTG_ENOSPACE)              \
		goto grow;                                              \
	if (r_ < 0) {                                                   \
		fprintf(stderr, "toolstack: %s: %d\n", #call, r_);      \
		goto fail;                                              \
	}                                                               \
} while (0)

static void *build_tree(const dtg_domain *d, size_t *out_size)
{
	size_t size = 0;
	void *fdt = NULL, *p;

	for (;;) {
		/* Start again from scratch: a failed call may leave a node open. */
		size = size ? size * 2 : 4096;
		if (size > FDT_MAX_SIZE || !(p = realloc(fdt, size)))
			goto fail;
		fdt = p;
		TRY(fdt_create(fdt, (int)size));
		TRY(fdt_finish_reservemap(fdt));
		TRY(fdt_begin_node(fdt, ""));
		TRY(fdt_property_u32(fdt, "#address-cells", 2));
		TRY(fdt_property_u32(fdt, "#size-cells", 2));
		/* ... the toolstack's root, chosen, cpus, memory, GIC nodes ... */
		TRY(fdt_begin_node(fdt, "passthrough"));
		TRY(fdt_property_string(fdt, "compatible", "simple-bus"));
		TRY(fdt_property(fdt, "ranges", NULL, 0));
		TRY(fdt_property_u32(fdt, "#address-cells", 2));
		TRY(fdt_property_u32(fdt, "#size-cells", 2));
		TRY(dtg_fdt_write_nodes(d, fdt));  /* safe to call again */
		TRY(fdt_end_node(fdt));
		TRY(fdt_end_node(fdt));
		TRY(fdt_finish(fdt));
		*out_size = fdt_totalsize(fdt);
		fprintf(stderr, "toolstack: guest tree %zu bytes (buffer %zu)\n",
			*out_size, size);
		return fdt;
grow:
		continue;
	}
fail:
	free(fdt);
	return NULL;
}

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long n;

	if (f && !fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET) && (buf = malloc((size_t)n)) &&
	    fread(buf, 1, (size_t)n, f) == (size_t)n)
		*size = (size_t)n;
	else {
		free(buf);
		buf = NULL;
	}
	if (f)
		fclose(f);
	return buf;
}

int main(int argc, char **argv)
{
	dtg_ctx *ctx = NULL;
	dtg_host *host = NULL;
	dtg_domain *d = NULL;
	xc_interface *xch = NULL;
	void *blob = NULL, *tree = NULL;
	size_t size, tsize;
	uint32_t domid;
	int status = 1;
	bool lib_failed = true;  /* whether dtg_last_error() says why */
	FILE *out = NULL;

	if (argc < 5) {
		fprintf(stderr, "usage: toolstack HOST.dtb DOMID OUT.dtb PATH...\n");
		return 2;
	}
	domid = (uint32_t)strtoul(argv[2], NULL, 0);
	/* ---- 1. host and guest */
	if (!(blob = read_file(argv[1], &size))) {
		fprintf(stderr, "toolstack: %s: cannot read\n", argv[1]);
		return 1;
	}
	if (dtg_ctx_new(&ctx, NULL) ||
	    dtg_host_load(ctx, blob, size, argv[1], &host) ||
	    dtg_domain_new(ctx, host, &d))
		goto out;
	for (int i = 4; i < argc; i++) {
		int dev = dtg_domain_add_passthrough(d, argv[i]);

		/* DEFAULT: through the IOMMU if the host DT puts one in front */
		if (dev < 0 || dtg_pt_set_iommu(d, dev, DTG_IOMMU_MODE_DEFAULT))
			goto out;
	}
	if (dtg_domain_finalize(d))
		goto out;
	/* ---- 2. the plan on Xen */
	if (!(xch = xc_interface_open(NULL, NULL, 0))) {
		perror("toolstack: xc_interface_open");
		lib_failed = false;
		goto out;
	}
	if (dtg_plan_execute(d, domid, &xc_ops, xch, NULL))
		goto out;
	fprintf(stderr, "toolstack: domain %u: plan done\n", (unsigned)domid);
	/* ---- 3. the guest's nodes in our own tree */
	if ((tree = build_tree(d, &tsize)) && (out = fopen(argv[3], "wb")) &&
	    fwrite(tree, 1, tsize, out) == tsize)
		status = 0;
	if (out && fclose(out))
		status = 1;
	if (status) {
		/* No guest DT, no guest: give the devices back, leave no file. */
		fprintf(stderr, "toolstack: %s: cannot write the guest tree\n", argv[3]);
		if (out)
			remove(argv[3]);
		dtg_plan_undo(d, domid, &xc_ops, xch, SIZE_MAX);
		lib_failed = false;
	}
out:
	if (status && lib_failed && dtg_last_error(ctx)[0])
		fprintf(stderr, "toolstack: %s\n", dtg_last_error(ctx));
	if (xch)
		xc_interface_close(xch);
	free(tree);
	dtg_domain_free(d);
	dtg_host_free(host);
	dtg_ctx_free(ctx);
	free(blob);
	return status;
}
