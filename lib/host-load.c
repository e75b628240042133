/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/host-load.c - loading a host DTB: validation (dtg_blob_check plus
 * structural checks of the whole tree), the node index (parents, device
 * flags), the phandle index, and the basic node accessors.
 *
 * Structural checks (failing the load, naming file, node and property):
 *   #address-cells: 4 bytes, at most 4 (Linux OF_MAX_ADDR_CELLS), and
 *   #size-cells: 4 bytes, at most 2 (sizes are 64-bit), wherever they are
 *   used: on the parent of a node with reg or ranges, on a node with
 *   ranges or interrupt-map;
 *   phandle: unique;
 *   interrupt-parent: no cycle in the of_irq_find_parent walk;
 *   tree depth at most DTG_HOST_MAX_DEPTH.
 */
#include <stdio.h>
#include <stdlib.h>

#include "host-internal.h"
#include "blob-check.h"

#define FNV_SEED 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

/* FNV-1a over n bytes, continuing from h: paths hash piece by piece. */
static uint64_t fnv_update(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * FNV_PRIME;
	return h;
}

/* Hash of a node's path from its parent's: "/" + name below a non-root. */
static uint64_t path_hash(uint64_t parent, int depth, const char *name,
			  int len)
{
	if (depth == 0)
		return fnv_update(FNV_SEED, "/", 1);
	if (depth > 1)
		parent = fnv_update(parent, "/", 1);
	return fnv_update(parent, name, len > 0 ? (size_t)len : 0);
}


static void host_free_mem(const struct dtg_alloc_ops *m, void *p)
{
	if (p)
		m->free(m->opaque, p);
}

void dtg_host_free(dtg_host *host)
{
	struct dtg_alloc_ops m;

	if (!host)
		return;
	m = host->mem;
	host_free_mem(&m, host->fdt);
	host_free_mem(&m, host->name);
	host_free_mem(&m, host->nodes);
	host_free_mem(&m, host->phandles);
	host_free_mem(&m, host->pathkeys);
	host_free_mem(&m, host);
}

const void *dtg_host_fdt(const dtg_host *host)
{
	return host->fdt;
}

size_t dtg_host_fdt_size(const dtg_host *host)
{
	return host->size;
}

const char *dtg_host_name(const dtg_host *host)
{
	return host->name;
}

int dtg_host_node_index(const dtg_host *host, int offset)
{
	size_t lo = 0, hi = host->nnodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int o = host->nodes[mid].offset;

		if (o == offset)
			return (int)mid;
		if (o < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int dtg_host_parent_offset(const dtg_host *host, int offset)
{
	int i = dtg_host_node_index(host, offset);

	if (i < 0 || host->nodes[i].parent < 0)
		return -DTG_ENOTFOUND;
	return host->nodes[host->nodes[i].parent].offset;
}

int dtg_host_get_u32(const dtg_host *host, int offset, const char *prop,
		     uint32_t *val)
{
	int len;
	const void *p = fdt_getprop(host->fdt, offset, prop, &len);

	if (!p)
		return -DTG_ENOTFOUND;
	if (len != 4)
		return -DTG_ECELLS;
	*val = dtg_be32(p);
	return 0;
}

static uint8_t read_cells(const dtg_host *host, int offset, const char *prop,
			  uint8_t dflt)
{
	uint32_t v;
	int r = dtg_host_get_u32(host, offset, prop, &v);

	if (r == -DTG_ENOTFOUND)
		return dflt;
	return r || v > 254 ? 255 : (uint8_t)v;
}

uint32_t dtg_host_addr_cells(const dtg_host *host, int offset)
{
	int i = dtg_host_node_index(host, offset);

	return i < 0 ? read_cells(host, offset, "#address-cells", 2)
		     : host->nodes[i].addr_cells;
}

uint32_t dtg_host_size_cells(const dtg_host *host, int offset)
{
	int i = dtg_host_node_index(host, offset);

	return i < 0 ? read_cells(host, offset, "#size-cells", 1)
		     : host->nodes[i].size_cells;
}

/* Flags of a node, 0 for a bad offset. */
unsigned dtg_host_node_flags(const dtg_host *host, int offset)
{
	int i = dtg_host_node_index(host, offset);

	return i < 0 ? 0 : host->nodes[i].flags;
}

static void path_rec(const dtg_host *host, int idx, struct dtg_buf *b)
{
	const char *name;
	int len;

	if (host->nodes[idx].parent < 0)
		return;
	path_rec(host, host->nodes[idx].parent, b);
	name = fdt_get_name(host->fdt, host->nodes[idx].offset, &len);
	dtg_buf_put(b, "/", 1);
	if (name && len > 0)
		dtg_buf_put(b, name, (size_t)len);
}

void dtg_host_path_buf(const dtg_host *host, int offset, struct dtg_buf *b)
{
	int idx = dtg_host_node_index(host, offset);

	if (idx < 0) {
		dtg_buf_puts(b, "<bad offset>");
		return;
	}
	if (host->nodes[idx].parent < 0)
		dtg_buf_put(b, "/", 1);
	else
		path_rec(host, idx, b);
}

const char *dtg_host_path(const dtg_host *host, int offset, char *buf,
			  size_t size)
{
	int idx = dtg_host_node_index(host, offset);
	int chain[DTG_HOST_MAX_DEPTH + 1], n = 0;
	size_t len = 0;

	if (!size)
		return buf;
	buf[0] = '\0';
	if (idx < 0) {
		snprintf(buf, size, "<bad offset>");
		return buf;
	}
	for (; idx >= 0 && host->nodes[idx].parent >= 0 &&
	       n < DTG_HOST_MAX_DEPTH; idx = host->nodes[idx].parent)
		chain[n++] = idx;
	if (!n) {
		snprintf(buf, size, "/");
		return buf;
	}
	while (n--) {
		int nl;
		const char *name = fdt_get_name(host->fdt,
						host->nodes[chain[n]].offset, &nl);
		if (!name || nl < 0)
			nl = 0;
		if (len + 1 + (size_t)nl + 1 > size)
			break;
		buf[len++] = '/';
		memcpy(buf + len, name, (size_t)nl);
		len += (size_t)nl;
		buf[len] = '\0';
	}
	return buf;
}

bool dtg_host_is_compatible(const dtg_host *host, int offset, const char *s)
{
	return fdt_node_check_compatible(host->fdt, offset, s) == 0;
}

const char *dtg_host_string_index(const dtg_host *host, int offset,
				  const char *prop, int idx)
{
	int len;

	if (idx < 0)
		return NULL;
	return fdt_stringlist_get(host->fdt, offset, prop, idx, &len);
}

bool dtg_host_is_pci_bus(const dtg_host *host, int offset)
{
	return dtg_host_node_flags(host, offset) & DTG_HOST_NODE_PCI;
}

bool dtg_host_has_irq_cells(const dtg_host *host, int offset)
{
	return dtg_host_node_flags(host, offset) & DTG_HOST_NODE_INTC;
}

bool dtg_host_is_gic(const dtg_host *host, int offset)
{
	return dtg_host_node_flags(host, offset) & DTG_HOST_NODE_GIC;
}


int dtg_host_phandle_offset(const dtg_host *host, uint32_t phandle)
{
	size_t lo = 0, hi = host->nphandles;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint32_t p = host->phandles[mid].phandle;

		if (p == phandle)
			return host->phandles[mid].offset;
		if (p < phandle)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -DTG_ENOTFOUND;
}

int dtg_host_path_offset(const dtg_host *host, const char *path)
{
	uint64_t hash;
	size_t lo = 0, hi = host->nnodes;
	int off;

	if (!path || !*path)
		return -DTG_ENOTFOUND;
	/* a full path: O(log n) through the path hashes */
	hash = fnv_update(FNV_SEED, path, strlen(path));
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (host->pathkeys[mid].hash < hash)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < host->nnodes && host->pathkeys[lo].hash == hash; lo++) {
		char buf[1024];
		int o = host->nodes[host->pathkeys[lo].index].offset;

		if (!strcmp(dtg_host_path(host, o, buf, sizeof(buf)), path))
			return o;
	}
	/* aliases and names without unit address, as libfdt resolves them */
	off = fdt_path_offset(host->fdt, path);
	return off < 0 ? -DTG_ENOTFOUND : off;
}

int dtg_host_next_device(const dtg_host *host, int offset)
{
	size_t i = 0;

	if (offset >= 0) {
		int idx = dtg_host_node_index(host, offset);
		if (idx < 0)
			return -DTG_ENOTFOUND;
		i = (size_t)idx + 1;
	}
	for (; i < host->nnodes; i++)
		if (host->nodes[i].flags & DTG_HOST_NODE_DEVICE)
			return host->nodes[i].offset;
	return -DTG_ENOTFOUND;
}

/* ---- loading ---- */

static int cmp_phandle(const void *a, const void *b)
{
	const struct dtg_host_phandle *x = a, *y = b;

	if (x->phandle != y->phandle)
		return x->phandle < y->phandle ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int check_cells_prop(dtg_ctx *ctx, dtg_host *h, int off,
			    const char *prop, uint32_t max)
{
	int len;
	const void *p = fdt_getprop(h->fdt, off, prop, &len);
	char path[512];

	if (!p)
		return 0;
	if (len != 4)
		return dtg_error(ctx, DTG_ECELLS, "%s: %s: %s: %d bytes, expected 4",
				 h->name, dtg_host_path(h, off, path, sizeof(path)),
				 prop, len);
	if (dtg_be32(p) > max)
		return dtg_error(ctx, DTG_ECELLS, "%s: %s: %s: %u is more than %u",
				 h->name, dtg_host_path(h, off, path, sizeof(path)),
				 prop, dtg_be32(p), max);
	return 0;
}

static int check_cells(dtg_ctx *ctx, dtg_host *h, int off)
{
	int r = check_cells_prop(ctx, h, off, "#address-cells",
				 DTG_HOST_MAX_ADDR_CELLS);
	return r ? r : check_cells_prop(ctx, h, off, "#size-cells",
					DTG_HOST_MAX_SIZE_CELLS);
}

static int cmp_pathkey(const void *a, const void *b)
{
	const struct dtg_host_pathkey *x = a, *y = b;

	return x->hash < y->hash ? -1 : x->hash > y->hash;
}

/* Nodes visited in order; checks that only need the node and its parent. */
static int index_nodes(dtg_ctx *ctx, dtg_host *h)
{
	uint64_t hstack[DTG_HOST_MAX_DEPTH + 1];
	int stack[DTG_HOST_MAX_DEPTH + 1];
	size_t cap = 0, ncap = 0;
	int off, depth = 0, r;
	char path[512];

	for (off = 0; off >= 0; off = fdt_next_node(h->fdt, off, &depth)) {
		struct dtg_host_node *n;
		int idx = (int)h->nnodes, len;
		const void *p;
		uint32_t ph;

		if (depth < 0)
			break;
		if (depth > DTG_HOST_MAX_DEPTH)
			return dtg_error(ctx, DTG_EBADDTB,
					 "%s: %s: tree deeper than %d levels",
					 h->name, dtg_host_path(h,
					 h->nodes[stack[DTG_HOST_MAX_DEPTH]].offset,
					 path, sizeof(path)), DTG_HOST_MAX_DEPTH);
		{
			void *a = h->nodes;
			struct dtg_alloc_ops *m = &h->mem;
			if (h->nnodes + 1 > cap) {
				size_t nc = cap ? cap * 2 : 64;
				void *np = m->realloc(m->opaque, a, nc * sizeof(*h->nodes));
				if (!np)
					return dtg_error(ctx, DTG_ENOMEM, "%s: out of memory", h->name);
				h->nodes = np;
				np = m->realloc(m->opaque, h->pathkeys,
						nc * sizeof(*h->pathkeys));
				if (!np)
					return dtg_error(ctx, DTG_ENOMEM, "%s: out of memory", h->name);
				h->pathkeys = np;
				cap = nc;
			}
		}
		n = &h->nodes[h->nnodes++];
		n->offset = off;
		n->parent = depth ? stack[depth - 1] : -1;
		n->flags = 0;
		stack[depth] = idx;
		{
			int nl;
			const char *nm = fdt_get_name(h->fdt, off, &nl);

			hstack[depth] = path_hash(depth ? hstack[depth - 1] : 0,
						  depth, nm ? nm : "", nm ? nl : 0);
			h->pathkeys[idx].hash = hstack[depth];
			h->pathkeys[idx].index = idx;
		}

		/* One pass over the node's properties. */
		struct {
			const void *reg, *ac, *sc, *ph, *lph, *type;
			int reglen, aclen, sclen, phlen, lphlen, typelen;
			bool ranges, imap, icells, irqs, iparent, ictrl;
		} q;
		int prop;
		memset(&q, 0, sizeof(q));
		fdt_for_each_property_offset(prop, h->fdt, off) {
			const char *pn;
			int pl;
			const void *pv = fdt_getprop_by_offset(h->fdt, prop, &pn, &pl);

			if (!pv || !pn)
				continue;
			switch (pn[0]) {
			case '#':
				if (!strcmp(pn, "#address-cells")) { q.ac = pv; q.aclen = pl; }
				else if (!strcmp(pn, "#size-cells")) { q.sc = pv; q.sclen = pl; }
				else if (!strcmp(pn, "#interrupt-cells")) q.icells = true;
				break;
			case 'r':
				if (!strcmp(pn, "reg")) { q.reg = pv; q.reglen = pl; }
				else if (!strcmp(pn, "ranges")) q.ranges = true;
				break;
			case 'i':
				if (!strcmp(pn, "interrupts") || !strcmp(pn, "interrupts-extended"))
					q.irqs = true;
				else if (!strcmp(pn, "interrupt-map")) q.imap = true;
				else if (!strcmp(pn, "interrupt-parent")) q.iparent = true;
				else if (!strcmp(pn, "interrupt-controller")) q.ictrl = true;
				break;
			case 'p':
				if (!strcmp(pn, "phandle")) { q.ph = pv; q.phlen = pl; }
				break;
			case 'l':
				if (!strcmp(pn, "linux,phandle")) { q.lph = pv; q.lphlen = pl; }
				break;
			case 'd':
				if (!strcmp(pn, "device_type")) { q.type = pv; q.typelen = pl; }
				break;
			}
		}
		if (prop < 0 && prop != -FDT_ERR_NOTFOUND)
			return dtg_error(ctx, DTG_EBADDTB, "%s: %s: %s", h->name,
					 dtg_host_path(h, off, path, sizeof(path)),
					 fdt_strerror(prop));
		n->addr_cells = !q.ac ? 2 : q.aclen != 4 || dtg_be32(q.ac) > 254 ? 255 : (uint8_t)dtg_be32(q.ac);
		n->size_cells = !q.sc ? 1 : q.sclen != 4 || dtg_be32(q.sc) > 254 ? 255 : (uint8_t)dtg_be32(q.sc);
		if (q.icells) {
			n->flags |= DTG_HOST_NODE_INTC;
			if (dtg_host_compat_is_gic(h, off))
				n->flags |= DTG_HOST_NODE_GIC;
		}
		if (q.iparent)
			n->flags |= DTG_HOST_NODE_IPARENT;
		if (q.imap)
			n->flags |= DTG_HOST_NODE_IMAP;
		if (q.ictrl)
			n->flags |= DTG_HOST_NODE_ICTRL;
		{
			int nl;
			const char *nm = fdt_get_name(h->fdt, off, &nl);
			if ((nm && nl >= 4 && !strncmp(nm, "pcie", 4) && (nl == 4 || nm[4] == '@')) ||
			    (n->addr_cells == 3 && q.type && q.typelen > 0 &&
			     ((const char *)q.type)[q.typelen - 1] == '\0' &&
			     (!strcmp(q.type, "pci") || !strcmp(q.type, "pciex"))))
				n->flags |= DTG_HOST_NODE_PCI;
		}

		/* Cells are checked where they are used: a bus whose child
		 * has reg, a node with ranges or interrupt-map (real trees
		 * carry stray values elsewhere, e.g. gpio-keys with
		 * #address-cells = <7>). */
		p = q.reg;
		if (depth > 0 && (p || q.ranges)) {
			r = check_cells(ctx, h, h->nodes[n->parent].offset);
			if (r)
				return r;
		}
		if (q.ranges || q.imap) {
			r = check_cells(ctx, h, off);
			if (r)
				return r;
		}
		/* A reg of the wrong length is that device's error (in its
		 * errors, refusing only its passthrough): Linux's
		 * of_address_to_resource fails that one node and the board
		 * boots (stm32mp15 ADC channels carry reg = <0> under a node
		 * without #size-cells = <0>). */

		if (depth > 0 && (p || q.irqs)) {
			const char *top = fdt_get_name(h->fdt,
						       h->nodes[stack[1]].offset, &len);
			bool skip = top && ((len >= 4 && !strncmp(top, "cpus", 4) &&
					     (len == 4 || top[4] == '@')) ||
					    !strncmp(top, "memory", 6) ||
					    (len >= 6 && !strncmp(top, "chosen", 6) &&
					     (len == 6 || top[6] == '@')));
			if (!skip)
				n->flags |= DTG_HOST_NODE_DEVICE;
		}

		/* as fdt_get_phandle: "phandle", else "linux,phandle" */
		ph = 0;
		if (q.ph && q.phlen == 4)
			ph = dtg_be32(q.ph);
		else if (q.lph && q.lphlen == 4)
			ph = dtg_be32(q.lph);
		if (ph && ph != (uint32_t)-1) {
			if (h->nphandles + 1 > ncap) {
				size_t nc = ncap ? ncap * 2 : 32;
				void *np = h->mem.realloc(h->mem.opaque, h->phandles,
							  nc * sizeof(*h->phandles));
				if (!np)
					return dtg_error(ctx, DTG_ENOMEM, "%s: out of memory", h->name);
				h->phandles = np;
				ncap = nc;
			}
			h->phandles[h->nphandles].phandle = ph;
			h->phandles[h->nphandles].offset = off;
			h->nphandles++;
		}
	}
	if (off < 0 && off != -FDT_ERR_NOTFOUND)
		return dtg_error(ctx, DTG_EBADDTB, "%s: %s", h->name,
				 fdt_strerror(off));
	if (h->nnodes > 1)
		qsort(h->pathkeys, h->nnodes, sizeof(*h->pathkeys), cmp_pathkey);
	return 0;
}

static int check_phandles(dtg_ctx *ctx, dtg_host *h)
{
	char p1[512], p2[512];

	if (h->nphandles > 1)
		qsort(h->phandles, h->nphandles, sizeof(*h->phandles), cmp_phandle);
	for (size_t i = 1; i < h->nphandles; i++)
		if (h->phandles[i].phandle == h->phandles[i - 1].phandle)
			return dtg_error(ctx, DTG_EDUPLICATE,
					 "%s: %s: phandle: 0x%x is also the phandle of %s",
					 h->name,
					 dtg_host_path(h, h->phandles[i].offset, p1, sizeof(p1)),
					 h->phandles[i].phandle,
					 dtg_host_path(h, h->phandles[i - 1].offset, p2, sizeof(p2)));
	return 0;
}

/* An interrupt-parent chain that never reaches #interrupt-cells. */
static int check_irq_cycles(dtg_ctx *ctx, dtg_host *h)
{
	char path[512], why[256];

	for (size_t i = 0; i < h->nnodes; i++) {
		int off = h->nodes[i].offset;

		if (!(h->nodes[i].flags & DTG_HOST_NODE_IPARENT))
			continue;
		if (dtg_host_irq_parent(h, off, why, sizeof(why)) == -DTG_ELOOP)
			return dtg_error(ctx, DTG_ELOOP, "%s: %s: interrupt-parent: %s",
					 h->name, dtg_host_path(h, off, path, sizeof(path)),
					 why);
	}
	return 0;
}

int dtg_host_load(dtg_ctx *ctx, const void *blob, size_t size,
		  const char *name, dtg_host **out)
{
	dtg_host *h;
	int r;

	if (!out)
		return dtg_error(ctx, DTG_EINVAL, "dtg_host_load: no output");
	*out = NULL;
	if (!name)
		name = "host.dtb";
	if (!blob)
		return dtg_error(ctx, DTG_EINVAL, "%s: no blob", name);
	/* The one gate for untrusted blobs (lib/blob-check.c): header,
	 * then a bounded walk, before libfdt touches it. */
	r = dtg_blob_check(ctx, blob, size, name);
	if (r)
		return r;

	h = dtg_zalloc(ctx, sizeof(*h));
	if (!h)
		return dtg_error(ctx, DTG_ENOMEM, "%s: out of memory", name);
	if (ctx) {
		h->mem = ctx->mem;
	} else {
		dtg_ctx *tmp;
		/* no context: plain malloc, same as dtg_alloc(NULL, ...) */
		if (dtg_ctx_new(&tmp, NULL)) {
			free(h);
			return -DTG_ENOMEM;
		}
		h->mem = tmp->mem;
		dtg_ctx_free(tmp);
	}
	h->size = fdt_totalsize(blob);
	h->fdt = dtg_alloc(ctx, h->size);
	h->name = dtg_strdup(ctx, name);
	if (!h->fdt || !h->name) {
		dtg_host_free(h);
		return dtg_error(ctx, DTG_ENOMEM, "%s: out of memory", name);
	}
	memcpy(h->fdt, blob, h->size);

	r = index_nodes(ctx, h);
	if (!r)
		r = check_phandles(ctx, h);
	if (!r)
		r = check_irq_cycles(ctx, h);
	if (r) {
		dtg_host_free(h);
		return r;
	}
	/* Trim the index to its size (memory goal: model < 4x the DTB). */
	if (h->nnodes) {
		void *p = h->mem.realloc(h->mem.opaque, h->nodes,
					 h->nnodes * sizeof(*h->nodes));
		if (p)
			h->nodes = p;
	}
	*out = h;
	return 0;
}
