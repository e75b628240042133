/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/viommu-complete.c - completing a user's hand-written partial DT.
 *
 * Xen's developers agreed on this workflow for vIOMMU guests: the user
 * copies the host node with its `iommus` into the partial DT, replacing
 * the SMMU phandle with 0 (or keeping the host phandle), and the tools do
 * the rest.  We find each node's host device (xen,path, else the physical
 * address of xen,reg, else reg translated through /passthrough's ranges)
 * and fill in what is missing.  The `iommus` stay physical: the vSMMUv3
 * series' consumers (libxl viommu_get_stream, Xen dom0less
 * modify_pfdt_node) read the second cell of each <phandle ID> pair as the
 * pSID and allocate the vSID themselves (vsmmuv3_allocate_free_vid), so
 * each entry is normalised to <0 pSID> (the seed thread's form) and no
 * vSMMUv3 node is added (libxl's and Xen's make_vsmmuv3_node make it).
 * A device whose interrupts do not end at the GIC is refused, as
 * dtg_domain_finalize() refuses it: Xen cannot route them.  Edits are
 * planned first and applied to a copy, so nothing is produced unless
 * every node succeeded.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libfdt.h>

#include <xendtgen/viommu.h>

#include "viommu-internal.h"
#include "blob-check.h"
#include "host-internal.h"
#include "finalize-internal.h"

#define MAX_ENTRIES 64     /* iommus entries / reg entries per node */

/* One planned node edit. */
struct cnode {
	char *path;            /* partial DT path (ctx memory) */
	struct dtg_device *host;
	bool set_path, set_force;
	size_t nreg;           /* xen,reg triplets to write (0: keep) */
	uint64_t xreg[MAX_ENTRIES][3];
	size_t niommu;         /* iommus entries to rewrite (0: keep) */
	uint32_t psid[MAX_ENTRIES];  /* each entry's physical stream ID */
};

struct complete {
	dtg_ctx *ctx;
	const dtg_host *host;
	const void *fdt;
	const char *name;
	uint32_t pac, psc;     /* /passthrough #address-cells / #size-cells */
	int pt;                /* /passthrough offset */
	struct cnode *node;
	size_t nnode, cnode;
	/* host MMIO index: first reg address of every host device */
	struct hidx { uint64_t addr; int offset; } *idx;
	size_t nidx;
};

static int cmp_hidx(const void *a, const void *b)
{
	const struct hidx *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->offset - y->offset;
}

/* Every host device's MMIO ranges, sorted by address (built on demand). */
static int build_index(struct complete *c)
{
	size_t cap = 0;
	int off = -1;

	if (c->idx)
		return 0;
	while ((off = dtg_host_next_device(c->host, off)) >= 0) {
		struct dtg_device *dev;
		int err = dtg_host_resolve_offset(c->host, c->ctx, off, &dev);

		if (err)
			return err;
		for (size_t i = 0; i < dev->nmmio; i++) {
			if (dtg_grow(c->ctx, (void **)&c->idx, &cap, c->nidx + 1,
				     sizeof(*c->idx))) {
				dtg_device_free(c->ctx, dev);
				return -DTG_ENOMEM;
			}
			c->idx[c->nidx].addr = dev->mmio[i].addr;
			c->idx[c->nidx].offset = off;
			c->nidx++;
		}
		dtg_device_free(c->ctx, dev);
	}
	if (c->nidx)
		qsort(c->idx, c->nidx, sizeof(*c->idx), cmp_hidx);
	return 0;
}

/* Host device whose MMIO starts at addr: its offset, or -DTG_ENOTFOUND. */
static int find_by_addr(struct complete *c, uint64_t addr, int *second)
{
	size_t a = 0, z = c->nidx;

	while (a < z) {
		size_t m = a + (z - a) / 2;
		if (c->idx[m].addr < addr)
			a = m + 1;
		else
			z = m;
	}
	if (a >= c->nidx || c->idx[a].addr != addr)
		return -DTG_ENOTFOUND;
	*second = -1;
	for (size_t k = a + 1; k < c->nidx && c->idx[k].addr == addr; k++)
		if (c->idx[k].offset != c->idx[a].offset) {
			*second = c->idx[k].offset;
			break;
		}
	return c->idx[a].offset;
}

/* Translate an address of /passthrough's children through its ranges. */
static int translate_pt(struct complete *c, const char *npath, uint64_t a,
			uint64_t *out)
{
	int len;
	const uint8_t *r = fdt_getprop(c->fdt, c->pt, "ranges", &len);
	uint32_t pna = (uint32_t)fdt_address_cells(c->fdt, 0);
	uint32_t ent = (c->pac + pna + c->psc) * 4;

	if (!r || len == 0) {
		*out = a;   /* ranges; (or none, as Xen's partial DTs): identity */
		return 0;
	}
	if (len < 0 || len % ent || c->pac > 2 || c->psc > 2 || pna > 2)
		return dtg_error(c->ctx, DTG_ECELLS,
				 "%s: /passthrough: ranges: %d bytes do not fit <%u %u %u> cells",
				 c->name, len, c->pac, pna, c->psc);
	for (int i = 0; i < len / (int)ent; i++) {
		const uint8_t *e = r + (size_t)i * ent;
		uint64_t child = dtg_read_cells(e, (int)c->pac);
		uint64_t parent = dtg_read_cells(e + 4 * c->pac, (int)pna);
		uint64_t size = dtg_read_cells(e + 4 * (c->pac + pna), (int)c->psc);

		if (a >= child && a - child < size) {
			*out = parent + (a - child);
			return 0;
		}
	}
	return dtg_error(c->ctx, DTG_ENOTFOUND,
			 "%s: %s: reg: address 0x%llx is outside /passthrough's ranges",
			 c->name, npath, (unsigned long long)a);
}

static bool has_iommu(const struct dtg_device *dev)
{
	return dev->niommu || dev->niommu_map;
}

/* Find the host device of one partial node. */
static int match_host(struct complete *c, int off, const char *npath,
		      struct dtg_device **out)
{
	int len, hoff, second;
	const char *xpath = fdt_getprop(c->fdt, off, "xen,path", &len);
	const uint8_t *p;
	uint64_t addr = 0;
	const char *how;

	if (xpath) {
		if (len < 2 || xpath[len - 1])
			return dtg_error(c->ctx, DTG_EBADDTB,
					 "%s: %s: xen,path: not a string", c->name, npath);
		if (dtg_host_resolve_device(c->host, c->ctx, xpath, out))
			return dtg_error(c->ctx, DTG_ENOTFOUND,
					 "%s: %s: xen,path: %s is not in the host DT %s",
					 c->name, npath, xpath, dtg_host_name(c->host));
		return 0;
	}
	if ((p = fdt_getprop(c->fdt, off, "xen,reg", &len)) != NULL) {
		uint32_t ent = (2 * c->pac + c->psc) * 4;

		if (len < (int)ent)
			return dtg_error(c->ctx, DTG_ECELLS,
					 "%s: %s: xen,reg: %d bytes is not one <phys size guest> triplet",
					 c->name, npath, len);
		addr = dtg_read_cells(p, (int)c->pac);
		how = "xen,reg";
	} else if ((p = fdt_getprop(c->fdt, off, "reg", &len)) != NULL) {
		uint32_t ent = (c->pac + c->psc) * 4;
		int err;

		if (len < (int)ent || len % ent)
			return dtg_error(c->ctx, DTG_ECELLS,
					 "%s: %s: reg: %d bytes is not a multiple of <%u %u> cells",
					 c->name, npath, len, c->pac, c->psc);
		err = translate_pt(c, npath, dtg_read_cells(p, (int)c->pac), &addr);
		if (err)
			return err;
		how = "reg";
	} else {
		return dtg_error(c->ctx, DTG_ENOTFOUND,
				 "%s: %s: has none of xen,path, xen,reg and reg to find its host device",
				 c->name, npath);
	}
	hoff = build_index(c);
	if (hoff)
		return hoff;
	hoff = find_by_addr(c, addr, &second);
	if (hoff < 0)
		return dtg_error(c->ctx, DTG_ENOTFOUND,
				 "%s: %s: %s: no device of host DT %s has MMIO at 0x%llx",
				 c->name, npath, how, dtg_host_name(c->host),
				 (unsigned long long)addr);
	if (second >= 0) {
		char a[256], b[256];
		return dtg_error(c->ctx, DTG_EDUPLICATE,
				 "%s: %s: %s: 0x%llx is MMIO of both %s and %s in the host DT; add xen,path",
				 c->name, npath, how, (unsigned long long)addr,
				 fdt_get_path(dtg_host_fdt(c->host), hoff, a, sizeof(a)) ? "?" : a,
				 fdt_get_path(dtg_host_fdt(c->host), second, b, sizeof(b)) ? "?" : b);
	}
	return dtg_host_resolve_offset(c->host, c->ctx, hoff, out);
}

/* Plan xen,reg from the node's reg (guest addresses) and the host MMIO. */
static int plan_xen_reg(struct complete *c, int off, struct cnode *n)
{
	int len;
	const uint8_t *p = fdt_getprop(c->fdt, off, "reg", &len);
	uint32_t ent = (c->pac + c->psc) * 4;
	size_t nent = p ? (size_t)len / ent : n->host->nmmio;

	if (nent > MAX_ENTRIES || nent > n->host->nmmio)
		return dtg_error(c->ctx, DTG_ECELLS,
				 "%s: %s: reg: %zu entries, the host device %s has %zu MMIO ranges",
				 c->name, n->path, nent, n->host->path, n->host->nmmio);
	for (size_t i = 0; i < nent; i++) {
		const struct dtg_mmio *m = &n->host->mmio[i];
		uint64_t guest = p ? dtg_read_cells(p + i * ent, (int)c->pac) : m->addr;
		uint64_t phys = m->addr, size = m->size;

		/* Xen maps pages: widen when guest and host agree within the page. */
		if ((phys & DTG_PAGE_MASK) != (guest & DTG_PAGE_MASK))
			return dtg_error(c->ctx, DTG_ERANGE,
					 "%s: %s: reg: guest 0x%llx and host 0x%llx differ within a 4 KiB page",
					 c->name, n->path, (unsigned long long)guest,
					 (unsigned long long)phys);
		size = ((phys + size + DTG_PAGE_MASK) & ~DTG_PAGE_MASK) -
		       (phys & ~DTG_PAGE_MASK);
		n->xreg[i][0] = phys & ~DTG_PAGE_MASK;
		n->xreg[i][1] = size;
		n->xreg[i][2] = guest & ~DTG_PAGE_MASK;
	}
	n->nreg = nent;
	return 0;
}

/*
 * Plan the iommus normalisation: each entry, <0 or host phandle, pSID>,
 * must name one of the host device's stream IDs on an IOMMU with
 * #iommu-cells = <1> (the series reads pairs: proplen / 8).
 */
static int plan_iommus(struct complete *c, int off, struct cnode *n)
{
	int len;
	const uint8_t *p = fdt_getprop(c->fdt, off, "iommus", &len);
	const struct dtg_device *h = n->host;
	size_t k = 0;

	if (!p)
		return 0;
	if (len % 8)
		return dtg_error(c->ctx, DTG_ECELLS,
				 "%s: %s: iommus: %d bytes is not <phandle stream-ID> pairs, which the vSMMUv3 series reads (viommu_get_stream, modify_pfdt_node)",
				 c->name, n->path, len);
	if (!has_iommu(h))
		return dtg_error(c->ctx, DTG_EUNSUPPORTED,
				 "%s: %s: iommus: host device %s is not behind an IOMMU, so it cannot be bound to a vIOMMU",
				 c->name, n->path, h->path);
	for (size_t pos = 0; pos < (size_t)len / 4; pos += 2, k++) {
		uint32_t ph = dtg_be32(p + 4 * pos), id = dtg_be32(p + 4 * pos + 4);
		const struct dtg_iommu_ref *ref = NULL;

		if (k >= MAX_ENTRIES || k >= h->niommu)
			return dtg_error(c->ctx, DTG_ECELLS,
					 "%s: %s: iommus: more entries than the host's %zu for %s",
					 c->name, n->path, h->niommu, h->path);
		if (ph == DTG_VSMMUV3_PHANDLE)
			return dtg_error(c->ctx, DTG_EINVAL,
					 "%s: %s: iommus: entry %zu: <%u 0x%x> names a vSID, but the vSMMUv3 series reads this cell as the physical stream ID and allocates the vSID itself; write <0 pSID> with the host's stream ID",
					 c->name, n->path, k, ph, id);
		for (size_t i = 0; i < h->niommu; i++)
			if (h->iommu[i].ncells && h->iommu[i].ids[0] == id &&
			    (ph == 0 || ph == h->iommu[i].phandle)) {
				ref = &h->iommu[i];
				break;
			}
		if (!ref)
			return dtg_error(c->ctx, DTG_ENOTFOUND,
					 "%s: %s: iommus: entry %zu: ID 0x%x is not one of host %s's master IDs",
					 c->name, n->path, k, id, h->path);
		if (ref->ncells != 1)
			return dtg_error(c->ctx, DTG_EUNSUPPORTED,
					 "%s: %s: iommus: entry %zu: %s has #iommu-cells = <%u>; the vSMMUv3 series reads <phandle stream-ID> pairs",
					 c->name, n->path, k, ref->iommu, ref->ncells);
		n->psid[k] = id;
	}
	n->niommu = k;
	return 0;
}

/* Refuse a device Xen cannot route interrupts for (finalize-irq.c's rule). */
static int check_irqs(struct complete *c, const struct cnode *n)
{
	const struct dtg_device *h = n->host;
	char what[600];
	int r = 0;

	snprintf(what, sizeof(what), "host %s", h->path);
	for (size_t i = 0; !r && i < h->nirq; i++)
		r = dtg_irq_check_passable(c->ctx, &h->irq[i], c->name, n->path,
					   what);
	return r;
}

static int plan_node(struct complete *c, int off)
{
	struct cnode *n;
	char path[512];
	int err;

	if (fdt_get_path(c->fdt, off, path, sizeof(path)))
		return dtg_error(c->ctx, DTG_EBADDTB, "%s: a node path is too long", c->name);
	if (!fdt_getprop(c->fdt, off, "reg", NULL) &&
	    !fdt_getprop(c->fdt, off, "xen,reg", NULL) &&
	    !fdt_getprop(c->fdt, off, "xen,path", NULL) &&
	    !fdt_getprop(c->fdt, off, "iommus", NULL))
		return 0;   /* not a device (fixed clocks, ...): untouched */
	if (dtg_grow(c->ctx, (void **)&c->node, &c->cnode, c->nnode + 1, sizeof(*n)))
		return -DTG_ENOMEM;
	n = &c->node[c->nnode++];
	memset(n, 0, sizeof(*n));
	n->path = dtg_strdup(c->ctx, path);
	if (!n->path)
		return -DTG_ENOMEM;
	err = match_host(c, off, path, &n->host);
	if (!err)
		err = check_irqs(c, n);
	if (err)
		return err;
	if (!fdt_getprop(c->fdt, off, "xen,path", NULL) &&
	    !fdt_getprop(c->fdt, off, "xen,force-assign-without-iommu", NULL)) {
		if (has_iommu(n->host))
			n->set_path = true;
		else
			n->set_force = true;
	}
	/* A disabled host IOMMU protects nothing: Xen needs force (finalize.c). */
	if (n->set_path && n->host->niommu &&
	    !dtg_host_iommu_usable(c->host, n->host))
		n->set_force = true;
	if (!fdt_getprop(c->fdt, off, "xen,reg", NULL)) {
		err = plan_xen_reg(c, off, n);
		if (err)
			return err;
	}
	return plan_iommus(c, off, n);
}

static void put_cells(uint8_t *p, uint64_t v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t w = (uint32_t)(v >> (32 * (n - 1 - i)));
		p[4 * i] = (uint8_t)(w >> 24);
		p[4 * i + 1] = (uint8_t)(w >> 16);
		p[4 * i + 2] = (uint8_t)(w >> 8);
		p[4 * i + 3] = (uint8_t)w;
	}
}

/* Apply every planned edit to a copy of size `size`. */
static int apply(struct complete *c, void *fdt)
{
	for (size_t i = 0; i < c->nnode; i++) {
		struct cnode *n = &c->node[i];
		int off = fdt_path_offset(fdt, n->path), r = 0;

		if (off < 0)
			return dtg_error(c->ctx, DTG_EINVAL, "%s: %s: lost while editing",
					 c->name, n->path);
		if (n->nreg) {
			uint32_t ent = 2 * c->pac + c->psc;
			uint8_t buf[MAX_ENTRIES * 6 * 4];

			for (size_t k = 0; k < n->nreg; k++) {
				uint8_t *e = buf + k * ent * 4;
				put_cells(e, n->xreg[k][0], c->pac);
				put_cells(e + 4 * c->pac, n->xreg[k][1], c->psc);
				put_cells(e + 4 * (c->pac + c->psc), n->xreg[k][2], c->pac);
			}
			r |= fdt_setprop(fdt, off, "xen,reg", buf, (int)(n->nreg * ent * 4));
		}
		if (n->set_path)
			r |= fdt_setprop_string(fdt, off, "xen,path", n->host->path);
		if (n->set_force)
			r |= fdt_setprop_empty(fdt, off, "xen,force-assign-without-iommu");
		if (n->niommu) {
			uint8_t buf[MAX_ENTRIES * 8];

			for (size_t k = 0; k < n->niommu; k++) {
				put_cells(buf + 8 * k, 0, 1);
				put_cells(buf + 8 * k + 4, n->psid[k], 1);
			}
			r |= fdt_setprop(fdt, off, "iommus", buf, (int)(8 * n->niommu));
		}
		if (r)
			return r == -FDT_ERR_NOSPACE || r < 0 ? -DTG_ENOSPACE : -DTG_EINVAL;
	}
	return 0;
}

int dtg_partial_complete(dtg_ctx *ctx, const dtg_host *host,
			 const void *partial, size_t size, const char *name,
			 const struct dtg_complete_opts *opts,
			 void **out, size_t *out_size)
{
	struct complete c;
	int err, off;
	void *buf = NULL;
	size_t cap;

	if (!ctx || !host || !partial || !out || !out_size)
		return -DTG_EINVAL;
	if (!name)
		name = "partial.dtb";
	if (opts && opts->viommu != DTG_VIOMMU_NONE && opts->viommu != DTG_VIOMMU_SMMUV3)
		return dtg_error(ctx, DTG_EUNSUPPORTED,
				 "%s: only a smmuv3 vIOMMU can be added to an Arm partial DT",
				 name);
	err = dtg_blob_check(ctx, partial, size, name);
	if (err)
		return err;
	if (fdt_totalsize(partial) != size)
		return dtg_error(ctx, DTG_EBADDTB, "%s: header: totalsize: %u bytes but the file has %zu",
				 name, fdt_totalsize(partial), size);
	memset(&c, 0, sizeof(c));
	c.ctx = ctx;
	c.host = host;
	c.fdt = partial;
	c.name = name;
	c.pt = fdt_path_offset(partial, "/passthrough");
	if (c.pt < 0)
		return dtg_error(ctx, DTG_ENOTFOUND, "%s: /passthrough: missing", name);
	c.pac = (uint32_t)fdt_address_cells(partial, c.pt);
	c.psc = (uint32_t)fdt_size_cells(partial, c.pt);
	if (c.pac < 1 || c.pac > 2 || c.psc < 1 || c.psc > 2)
		return dtg_error(ctx, DTG_ECELLS,
				 "%s: /passthrough: #address-cells/#size-cells must be 1 or 2",
				 name);
	fdt_for_each_subnode(off, partial, c.pt) {
		err = plan_node(&c, off);
		if (err)
			goto out;
	}
	for (cap = size + 1024 + c.nnode * 256; ; cap *= 2) {
		dtg_free(ctx, buf);
		buf = dtg_alloc(ctx, cap);
		if (!buf) {
			err = -DTG_ENOMEM;
			goto out;
		}
		if (fdt_open_into(partial, buf, (int)cap)) {
			err = dtg_error(ctx, DTG_EBADDTB, "%s: cannot be opened for editing", name);
			goto out;
		}
		err = apply(&c, buf);
		if (err != -DTG_ENOSPACE)
			break;
	}
	if (err)
		goto out;
	fdt_pack(buf);
	*out_size = fdt_totalsize(buf);
	*out = buf;
	buf = NULL;
out:
	dtg_free(ctx, buf);
	for (size_t i = 0; i < c.nnode; i++) {
		dtg_free(ctx, c.node[i].path);
		dtg_device_free(ctx, c.node[i].host);
	}
	dtg_free(ctx, c.node);
	dtg_free(ctx, c.idx);
	return err;
}
