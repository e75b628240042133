/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/host-device.c - resolving one node into a struct dtg_device: the
 * builder that the resource passes (host-reg.c, host-irq.c, host-iommu.c,
 * host-deps.c) append to, and the packing of the result into a single
 * allocation (freed with dtg_device_free).
 */
#include <stdio.h>

#include "host-internal.h"

struct dtg_host_irq_b { struct dtg_irq v; size_t s; };
struct dtg_host_iommu_b { struct dtg_iommu_ref v; size_t s; };
struct dtg_host_map_b { struct dtg_iommu_map v; size_t s; };
struct dtg_host_dep_b { struct dtg_dep v; size_t s; };

/* Append a NUL-terminated string to strs; returns its offset. */
static size_t put_str(struct dtg_host_devb *b, const char *s, size_t n)
{
	size_t off = b->strs.len;

	dtg_buf_put(&b->strs, s, n);
	dtg_buf_put(&b->strs, "", 1);
	if (b->strs.err && !b->err)
		b->err = b->strs.err;
	return off;
}

static size_t put_path(struct dtg_host_devb *b, int off)
{
	size_t start = b->strs.len;

	dtg_host_path_buf(b->h, off, &b->strs);
	dtg_buf_put(&b->strs, "", 1);
	if (b->strs.err && !b->err)
		b->err = b->strs.err;
	return start;
}

/* Grow arr to n+1 elements; false on failure (b->err set). */
static bool grow(struct dtg_host_devb *b, void *arrp, size_t *cap, size_t n,
		 size_t esz)
{
	void **arr = arrp;
	int r;

	if (b->err)
		return false;
	r = dtg_grow(b->ctx, arr, cap, n + 1, esz);
	if (r)
		b->err = r;
	return !r;
}

void dtg_host_devb_error(struct dtg_host_devb *b, const char *fmt, ...)
{
	char msg[DTG_ERRMSG_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	if (!grow(b, &b->errors, &b->cerror, b->nerror, sizeof(*b->errors)))
		return;
	b->errors[b->nerror++] = put_str(b, msg, (size_t)n);
}

void dtg_host_devb_mmio(struct dtg_host_devb *b, const struct dtg_mmio *m)
{
	if (grow(b, &b->mmio, &b->cmmio, b->nmmio, sizeof(*b->mmio)))
		b->mmio[b->nmmio++] = *m;
}

void dtg_host_devb_irq(struct dtg_host_devb *b, const struct dtg_irq *irq,
		       int ctrl_off)
{
	if (!grow(b, &b->irq, &b->cirq, b->nirq, sizeof(*b->irq)))
		return;
	b->irq[b->nirq].v = *irq;
	b->irq[b->nirq++].s = put_path(b, ctrl_off);
}

void dtg_host_devb_iommu(struct dtg_host_devb *b,
			 const struct dtg_iommu_ref *ref, int iommu_off)
{
	if (!grow(b, &b->iommu, &b->ciommu, b->niommu, sizeof(*b->iommu)))
		return;
	b->iommu[b->niommu].v = *ref;
	b->iommu[b->niommu++].s = put_path(b, iommu_off);
}

void dtg_host_devb_iommu_map(struct dtg_host_devb *b,
			     const struct dtg_iommu_map *map, int iommu_off)
{
	if (!grow(b, &b->map, &b->cmap, b->nmap, sizeof(*b->map)))
		return;
	b->map[b->nmap].v = *map;
	b->map[b->nmap++].s = put_path(b, iommu_off);
}

void dtg_host_devb_dep(struct dtg_host_devb *b, const struct dtg_dep *dep,
		       int provider_off)
{
	if (!grow(b, &b->dep, &b->cdep, b->ndep, sizeof(*b->dep)))
		return;
	b->dep[b->ndep].v = *dep;
	b->dep[b->ndep++].s = put_path(b, provider_off);
}

static void devb_release(struct dtg_host_devb *b)
{
	dtg_buf_release(&b->strs);
	dtg_free(b->ctx, b->compat);
	dtg_free(b->ctx, b->mmio);
	dtg_free(b->ctx, b->irq);
	dtg_free(b->ctx, b->iommu);
	dtg_free(b->ctx, b->map);
	dtg_free(b->ctx, b->dep);
	dtg_free(b->ctx, b->errors);
}

static void resolve_basic(struct dtg_host_devb *b)
{
	const char *s;
	int len;

	s = dtg_host_devb_getprop(b, "compatible", &len);
	if (s && len > 0) {
		const char *end = s + len;

		if (end[-1] != '\0') {
			dtg_host_devb_error(b, "compatible: not a NUL-terminated string list");
			return;
		}
		while (s < end) {
			if (!grow(b, &b->compat, &b->ccompat, b->ncompat,
				  sizeof(*b->compat)))
				return;
			b->compat[b->ncompat++] = s;
			s += strlen(s) + 1;
		}
	}
}

#define ALIGN8(x) (((x) + 7) & ~(size_t)7)

static int pack(struct dtg_host_devb *b, size_t path_off, const char *status,
		struct dtg_device **out)
{
	size_t total = ALIGN8(sizeof(struct dtg_device));
	size_t o_compat, o_mmio, o_irq, o_iommu, o_map, o_dep, o_err, o_str;
	struct dtg_device *d;
	char *base, *strs;

	o_compat = total; total = ALIGN8(total + b->ncompat * sizeof(char *));
	o_mmio = total;   total = ALIGN8(total + b->nmmio * sizeof(struct dtg_mmio));
	o_irq = total;    total = ALIGN8(total + b->nirq * sizeof(struct dtg_irq));
	o_iommu = total;  total = ALIGN8(total + b->niommu * sizeof(struct dtg_iommu_ref));
	o_map = total;    total = ALIGN8(total + b->nmap * sizeof(struct dtg_iommu_map));
	o_dep = total;    total = ALIGN8(total + b->ndep * sizeof(struct dtg_dep));
	o_err = total;    total = ALIGN8(total + b->nerror * sizeof(char *));
	o_str = total;    total += b->strs.len + 1;

	base = dtg_zalloc(b->ctx, total);
	if (!base)
		return dtg_error(b->ctx, DTG_ENOMEM, "%s: out of memory", b->h->name);
	d = (struct dtg_device *)base;
	strs = base + o_str;
	if (b->strs.len)
		memcpy(strs, b->strs.data, b->strs.len);

	d->path = strs + path_off;
	d->offset = b->offset;
	d->status = status;
	d->ncompat = b->ncompat;
	d->compat = (const char **)(base + o_compat);
	for (size_t i = 0; i < b->ncompat; i++)
		d->compat[i] = b->compat[i];
	d->nmmio = b->nmmio;
	d->mmio = (struct dtg_mmio *)(base + o_mmio);
	for (size_t i = 0; i < b->nmmio; i++)
		d->mmio[i] = b->mmio[i];
	d->nirq = b->nirq;
	d->irq = (struct dtg_irq *)(base + o_irq);
	for (size_t i = 0; i < b->nirq; i++) {
		d->irq[i] = b->irq[i].v;
		d->irq[i].controller = strs + b->irq[i].s;
	}
	d->niommu = b->niommu;
	d->iommu = (struct dtg_iommu_ref *)(base + o_iommu);
	for (size_t i = 0; i < b->niommu; i++) {
		d->iommu[i] = b->iommu[i].v;
		d->iommu[i].iommu = strs + b->iommu[i].s;
	}
	d->niommu_map = b->nmap;
	d->iommu_map = (struct dtg_iommu_map *)(base + o_map);
	for (size_t i = 0; i < b->nmap; i++) {
		d->iommu_map[i] = b->map[i].v;
		d->iommu_map[i].iommu = strs + b->map[i].s;
	}
	d->ndep = b->ndep;
	d->dep = (struct dtg_dep *)(base + o_dep);
	for (size_t i = 0; i < b->ndep; i++) {
		d->dep[i] = b->dep[i].v;
		d->dep[i].provider = strs + b->dep[i].s;
	}
	d->nerror = b->nerror;
	d->errors = (const char **)(base + o_err);
	for (size_t i = 0; i < b->nerror; i++)
		d->errors[i] = strs + b->errors[i];
	*out = d;
	return 0;
}

/* Read every property of the device node once; resolvers look them up here. */
static void read_props(struct dtg_host_devb *b)
{
	const void *fdt = b->h->fdt;
	int prop;

	fdt_for_each_property_offset(prop, fdt, b->offset) {
		struct dtg_host_prop *p;
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(fdt, prop, &name, &len);

		if (!val || !name)
			continue;
		if (b->nprop == DTG_HOST_DEVB_PROPS) {
			b->prop_overflow = true;
			return;
		}
		p = &b->prop[b->nprop++];
		p->name = name;
		p->val = val;
		p->len = len;
	}
}

const void *dtg_host_devb_getprop(const struct dtg_host_devb *b,
				  const char *name, int *len)
{
	for (size_t i = 0; i < b->nprop; i++) {
		if (!strcmp(b->prop[i].name, name)) {
			if (len)
				*len = b->prop[i].len;
			return b->prop[i].val;
		}
	}
	if (b->prop_overflow)
		return fdt_getprop(b->h->fdt, b->offset, name, len);
	if (len)
		*len = -FDT_ERR_NOTFOUND;
	return NULL;
}

const char *dtg_host_devb_string(const struct dtg_host_devb *b,
				 const char *prop, int idx)
{
	const char *s, *end;
	int len;

	if (idx < 0)
		return NULL;
	s = dtg_host_devb_getprop(b, prop, &len);
	if (!s || len <= 0 || s[len - 1] != '\0')
		return NULL;
	for (end = s + len; s < end; s += strlen(s) + 1)
		if (idx-- == 0)
			return s;
	return NULL;
}

int dtg_host_resolve_offset(const dtg_host *host, dtg_ctx *ctx, int offset,
			    struct dtg_device **out)
{
	struct dtg_host_devb b;
	const char *status;
	size_t path_off;
	int len, r;

	if (!out)
		return dtg_error(ctx, DTG_EINVAL, "dtg_host_resolve: no output");
	*out = NULL;
	if (!host || dtg_host_node_index(host, offset) < 0)
		return dtg_error(ctx, DTG_ENOTFOUND, "%s: no node at offset %d",
				 host ? host->name : "?", offset);
	memset(&b, 0, sizeof(b));
	b.ctx = ctx;
	b.h = host;
	b.offset = offset;
	dtg_buf_init(&b.strs, ctx);

	read_props(&b);
	path_off = put_path(&b, offset);
	status = dtg_host_devb_getprop(&b, "status", &len);
	if (!status || len <= 0 || status[len - 1] != '\0') {
		if (status)
			dtg_host_devb_error(&b, "status: not a string");
		status = "okay";
	}
	resolve_basic(&b);
	dtg_host_resolve_mmio(&b);
	dtg_host_resolve_irqs(&b);
	dtg_host_resolve_iommus(&b);
	dtg_host_resolve_deps(&b);

	if (b.err) {
		r = dtg_error(ctx, DTG_ENOMEM, "%s: out of memory", host->name);
		devb_release(&b);
		return r;
	}
	r = pack(&b, path_off, status, out);
	devb_release(&b);
	return r;
}

int dtg_host_resolve_device(const dtg_host *host, dtg_ctx *ctx,
			    const char *path, struct dtg_device **out)
{
	int off;

	if (out)
		*out = NULL;
	if (!host)
		return dtg_error(ctx, DTG_EINVAL, "dtg_host_resolve_device: no host");
	off = dtg_host_path_offset(host, path);
	if (off < 0)
		return dtg_error(ctx, DTG_ENOTFOUND, "%s: %s: no such node",
				 host->name, path ? path : "(null)");
	return dtg_host_resolve_offset(host, ctx, off, out);
}

void dtg_device_free(dtg_ctx *ctx, struct dtg_device *dev)
{
	dtg_free(ctx, dev);
}
