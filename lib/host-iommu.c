/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/host-iommu.c - IOMMU masters: iommus (split by the target's
 * #iommu-cells), PCI iommu-map/iommu-map-mask, and IOMMU kinds.
 */
#include <stdio.h>

#include "host-internal.h"

static const struct {
	const char *compat;
	bool prefix;
	enum dtg_iommu_kind kind;
} kinds[] = {
	{ "arm,smmu-v3", false, DTG_IOMMU_SMMUV3 },
	{ "arm,mmu-500", false, DTG_IOMMU_SMMUV2 },
	{ "arm,mmu-401", false, DTG_IOMMU_SMMUV2 },
	{ "arm,mmu-400", false, DTG_IOMMU_SMMUV2 },
	{ "arm,smmu-v1", false, DTG_IOMMU_SMMUV2 },
	{ "arm,smmu-v2", false, DTG_IOMMU_SMMUV2 },
	{ "qcom,smmu-500", false, DTG_IOMMU_SMMUV2 },
	{ "qcom,smmu-v2", false, DTG_IOMMU_SMMUV2 },
	{ "nvidia,smmu-500", false, DTG_IOMMU_SMMUV2 },
	{ "cavium,smmu-v2", false, DTG_IOMMU_SMMUV2 },
	{ "renesas,ipmmu-", true, DTG_IOMMU_IPMMU },
	{ "ti,omap2-iommu", false, DTG_IOMMU_OMAP },
	{ "ti,omap4-iommu", false, DTG_IOMMU_OMAP },
	{ "ti,dra7-iommu", false, DTG_IOMMU_OMAP },
	{ "ti,dra7-dsp-iommu", false, DTG_IOMMU_OMAP },
	{ "rockchip,iommu", false, DTG_IOMMU_ROCKCHIP },
	{ "rockchip,rk3568-iommu", false, DTG_IOMMU_ROCKCHIP },
	{ "virtio,pci-iommu", false, DTG_IOMMU_VIRTIO },
	{ "xen,grant-dma", false, DTG_IOMMU_XEN_GRANT },
};

const char *dtg_iommu_kind_name(enum dtg_iommu_kind kind)
{
	switch (kind) {
	case DTG_IOMMU_SMMUV3: return "smmu-v3";
	case DTG_IOMMU_SMMUV2: return "smmu-v2";
	case DTG_IOMMU_IPMMU: return "ipmmu";
	case DTG_IOMMU_OMAP: return "omap";
	case DTG_IOMMU_ROCKCHIP: return "rockchip";
	case DTG_IOMMU_VIRTIO: return "virtio";
	case DTG_IOMMU_XEN_GRANT: return "xen-grant";
	case DTG_IOMMU_OTHER: return "other";
	case DTG_IOMMU_UNKNOWN: break;
	}
	return "unknown";
}

enum dtg_iommu_kind dtg_host_iommu_kind(const dtg_host *host, int offset)
{
	int len;
	const char *s = fdt_getprop(host->fdt, offset, "compatible", &len);

	/* The first (most specific) compatible that is known decides. */
	if (s && len > 0 && s[len - 1] == '\0') {
		for (const char *c = s; c < s + len; c += strlen(c) + 1)
			for (size_t i = 0; i < DTG_ARRAY_SIZE(kinds); i++)
				if (kinds[i].prefix ?
				    !strncmp(c, kinds[i].compat, strlen(kinds[i].compat)) :
				    !strcmp(c, kinds[i].compat))
					return kinds[i].kind;
		/* qcom,<soc>-smmu-500 */
		for (const char *c = s; c < s + len; c += strlen(c) + 1) {
			size_t n = strlen(c);
			if (n > 9 && !strcmp(c + n - 9, "-smmu-500"))
				return DTG_IOMMU_SMMUV2;
		}
	}
	if (fdt_getprop(host->fdt, offset, "#iommu-cells", NULL))
		return DTG_IOMMU_OTHER;
	return DTG_IOMMU_UNKNOWN;
}

/*
 * Xen's iommu_add_dt_device() (xen/drivers/passthrough/device_tree.c)
 * walks iommus from index 0 and breaks at the first IOMMU that is not
 * dt_device_is_available(): at index 0 rc is still 1, add_device() is
 * never called and the device stays unprotected, so XEN_DOMCTL_assign_device
 * then fails in iommu_assign_dt_device() (-EINVAL).  A later unavailable
 * IOMMU only ends the walk with rc 0: the device is protected by the
 * entries before it.  The raw property is read (not dev->iommu[], which
 * skips entries it cannot keep) so that entry 0 is Xen's entry 0.
 */
bool dtg_host_iommu_usable(const dtg_host *host, const struct dtg_device *dev)
{
	const void *fdt = host->fdt;
	const char *st;
	const uint8_t *p;
	uint32_t n;
	int len, io;

	p = fdt_getprop(fdt, dev->offset, "iommus", &len);
	if (!p || len < 4)
		return false;
	io = dtg_host_phandle_offset(host, dtg_be32(p));
	/* dt_parse_phandle_with_args() fails: the loop never runs */
	if (io < 0 || dtg_host_get_u32(host, io, "#iommu-cells", &n) ||
	    (size_t)(len - 4) / 4 < n)
		return false;
	/* dt_device_is_available(): no status, or "okay" / "ok" */
	st = fdt_getprop(fdt, io, "status", &len);
	if (!st)
		return true;
	return len > 0 && memchr(st, '\0', (size_t)len) &&
	       (!strcmp(st, "okay") || !strcmp(st, "ok"));
}

static void resolve_iommus(struct dtg_host_devb *b)
{
	const dtg_host *h = b->h;
	const uint8_t *p, *end;
	char path[512];
	int len;

	p = dtg_host_devb_getprop(b, "iommus", &len);
	if (!p || len <= 0)
		return;
	if (len % 4) {
		dtg_host_devb_error(b, "iommus: %d bytes is not a whole number of cells", len);
		return;
	}
	end = p + len;
	for (int index = 0; p < end; index++) {
		struct dtg_iommu_ref ref;
		uint32_t ph = dtg_be32(p), n;
		int t = dtg_host_phandle_offset(h, ph);

		p += 4;
		if (t < 0) {
			dtg_host_devb_error(b, "iommus: entry %d: no node with phandle 0x%x",
					    index, ph);
			return;
		}
		if (dtg_host_get_u32(h, t, "#iommu-cells", &n)) {
			dtg_host_devb_error(b, "iommus: entry %d: %s has no #iommu-cells",
					    index, dtg_host_path(h, t, path, sizeof(path)));
			return;
		}
		if ((size_t)(end - p) < (size_t)n * 4) {
			dtg_host_devb_error(b, "iommus: entry %d: %zu cells left, %s needs %u",
					    index, (size_t)(end - p) / 4,
					    dtg_host_path(h, t, path, sizeof(path)), n);
			return;
		}
		if (n > DTG_MAX_CELLS) {
			dtg_host_devb_error(b, "iommus: entry %d: #iommu-cells %u of %s is more than %d",
					    index, n, dtg_host_path(h, t, path, sizeof(path)),
					    DTG_MAX_CELLS);
			p += (size_t)n * 4;
			continue;
		}
		memset(&ref, 0, sizeof(ref));
		ref.kind = dtg_host_iommu_kind(h, t);
		ref.phandle = ph;
		ref.ncells = n;
		for (uint32_t i = 0; i < n; i++)
			ref.ids[i] = dtg_be32(p + 4 * i);
		p += (size_t)n * 4;
		dtg_host_devb_iommu(b, &ref, t);
	}
}

static void resolve_iommu_map(struct dtg_host_devb *b)
{
	const dtg_host *h = b->h;
	const uint8_t *p;
	uint32_t mask = 0xffffffffu;
	int len;

	p = dtg_host_devb_getprop(b, "iommu-map", &len);
	if (!p || len <= 0)
		return;
	if (len % 16) {
		dtg_host_devb_error(b, "iommu-map: %d bytes is not a multiple of 16 (rid-base, phandle, iommu-base, length)",
				    len);
		return;
	}
	switch (dtg_host_get_u32(h, b->offset, "iommu-map-mask", &mask)) {
	case -DTG_ECELLS:
		dtg_host_devb_error(b, "iommu-map-mask: not one cell");
		mask = 0xffffffffu;
		break;
	case -DTG_ENOTFOUND:
		mask = 0xffffffffu;
		break;
	}
	for (int i = 0; i < len / 16; i++) {
		const uint8_t *e = p + 16 * i;
		struct dtg_iommu_map m;
		int t;

		memset(&m, 0, sizeof(m));
		m.rid_base = dtg_be32(e);
		m.phandle = dtg_be32(e + 4);
		m.iommu_base = dtg_be32(e + 8);
		m.length = dtg_be32(e + 12);
		m.mask = mask;
		t = dtg_host_phandle_offset(h, m.phandle);
		if (t < 0) {
			dtg_host_devb_error(b, "iommu-map: entry %d: no node with phandle 0x%x",
					    i, m.phandle);
			continue;
		}
		m.kind = dtg_host_iommu_kind(h, t);
		dtg_host_devb_iommu_map(b, &m, t);
	}
}

void dtg_host_resolve_iommus(struct dtg_host_devb *b)
{
	resolve_iommus(b);
	resolve_iommu_map(b);
}
