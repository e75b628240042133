/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/host-inspect.c - describing resolved devices: text for people and
 * the `dtgen inspect --json` array (sorted by path, hex strings without
 * leading zeros, errors as strings).
 */
#include <stdio.h>
#include <stdlib.h>

#include "host-internal.h"

static void json_str(struct dtg_buf *b, const char *s)
{
	dtg_buf_put(b, "\"", 1);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			dtg_buf_put(b, e, 2);
		} else if (c < 0x20 || c >= 0x7f) {
			/* control and non-ASCII bytes: escaped, the JSON stays valid */
			dtg_buf_printf(b, "\\u%04x", c);
		} else {
			dtg_buf_put(b, (const char *)&c, 1);
		}
	}
	dtg_buf_put(b, "\"", 1);
}

static const char *irq_kind_name(enum dtg_irq_kind k)
{
	switch (k) {
	case DTG_IRQ_SPI: return "spi";
	case DTG_IRQ_PPI: return "ppi";
	case DTG_IRQ_ESPI: return "espi";
	case DTG_IRQ_OTHER: break;
	}
	return "other";
}

static void json_device(struct dtg_buf *b, const struct dtg_device *d)
{
	dtg_buf_puts(b, "{\"path\": ");
	json_str(b, d->path);
	dtg_buf_puts(b, ", \"status\": ");
	json_str(b, d->status);
	dtg_buf_puts(b, ",\n  \"compatible\": [");
	for (size_t i = 0; i < d->ncompat; i++) {
		if (i)
			dtg_buf_puts(b, ", ");
		json_str(b, d->compat[i]);
	}
	dtg_buf_puts(b, "],\n  \"mmio\": [");
	for (size_t i = 0; i < d->nmmio; i++)
		dtg_buf_printf(b, "%s{\"addr\": \"0x%llx\", \"size\": \"0x%llx\"}",
			       i ? ", " : "", (unsigned long long)d->mmio[i].addr,
			       (unsigned long long)d->mmio[i].size);
	dtg_buf_puts(b, "],\n  \"irqs\": [");
	for (size_t i = 0; i < d->nirq; i++) {
		const struct dtg_irq *q = &d->irq[i];

		dtg_buf_puts(b, i ? ", {\"controller\": " : "{\"controller\": ");
		json_str(b, q->controller);
		if (q->kind == DTG_IRQ_OTHER) {
			dtg_buf_puts(b, ", \"type\": \"other\", \"cells\": [");
			for (uint32_t c = 0; c < q->ncells; c++)
				dtg_buf_printf(b, "%s%u", c ? ", " : "", q->cells[c]);
			dtg_buf_puts(b, "]}");
		} else {
			dtg_buf_printf(b, ", \"type\": \"%s\", \"intid\": %u, \"flags\": %u}",
				       irq_kind_name(q->kind), q->intid, q->flags);
		}
	}
	dtg_buf_puts(b, "],\n  \"iommus\": [");
	for (size_t i = 0; i < d->niommu; i++) {
		dtg_buf_puts(b, i ? ", {\"iommu\": " : "{\"iommu\": ");
		json_str(b, d->iommu[i].iommu);
		dtg_buf_puts(b, ", \"ids\": [");
		for (uint32_t c = 0; c < d->iommu[i].ncells; c++)
			dtg_buf_printf(b, "%s%u", c ? ", " : "", d->iommu[i].ids[c]);
		dtg_buf_puts(b, "]}");
	}
	dtg_buf_puts(b, "],\n  \"errors\": [");
	for (size_t i = 0; i < d->nerror; i++) {
		if (i)
			dtg_buf_puts(b, ", ");
		json_str(b, d->errors[i]);
	}
	dtg_buf_puts(b, "]}");
}

static const char *dep_kind_name(enum dtg_dep_kind k)
{
	switch (k) {
	case DTG_DEP_CLOCK: return "clock";
	case DTG_DEP_POWER_DOMAIN: return "power-domain";
	case DTG_DEP_RESET: return "reset";
	case DTG_DEP_PINCTRL: return "pinctrl";
	case DTG_DEP_DMA: return "dma";
	case DTG_DEP_MBOX: return "mbox";
	case DTG_DEP_MEMORY_REGION: return "memory-region";
	}
	return "?";
}

static void text_cells(struct dtg_buf *b, const uint32_t *c, uint32_t n)
{
	dtg_buf_puts(b, "<");
	for (uint32_t i = 0; i < n; i++)
		dtg_buf_printf(b, "%s0x%x", i ? " " : "", c[i]);
	dtg_buf_puts(b, ">");
}

static void text_device(struct dtg_buf *b, const struct dtg_device *d)
{
	dtg_buf_printf(b, "%s", d->path);
	if (strcmp(d->status, "okay") && strcmp(d->status, "ok"))
		dtg_buf_printf(b, " [%s]", d->status);
	dtg_buf_puts(b, "\n");
	if (d->ncompat) {
		dtg_buf_puts(b, "  compatible:");
		for (size_t i = 0; i < d->ncompat; i++)
			dtg_buf_printf(b, " %s", d->compat[i]);
		dtg_buf_puts(b, "\n");
	}
	for (size_t i = 0; i < d->nmmio; i++) {
		const struct dtg_mmio *m = &d->mmio[i];
		dtg_buf_printf(b, "  mmio %d: 0x%llx..0x%llx (0x%llx bytes)%s%s\n",
			       m->index, (unsigned long long)m->addr,
			       (unsigned long long)(m->addr + m->size - (m->size ? 1 : 0)),
			       (unsigned long long)m->size, m->name ? " " : "",
			       m->name ? m->name : "");
	}
	for (size_t i = 0; i < d->nirq; i++) {
		const struct dtg_irq *q = &d->irq[i];
		dtg_buf_printf(b, "  irq %d: ", q->index);
		if (q->kind == DTG_IRQ_OTHER) {
			dtg_buf_puts(b, "not a GIC: ");
			text_cells(b, q->cells, q->ncells);
		} else {
			dtg_buf_printf(b, "%s intid %u flags 0x%x", irq_kind_name(q->kind),
				       q->intid, q->flags);
		}
		dtg_buf_printf(b, " at %s%s%s\n", q->controller, q->name ? " " : "",
			       q->name ? q->name : "");
	}
	for (size_t i = 0; i < d->niommu; i++) {
		const struct dtg_iommu_ref *r = &d->iommu[i];
		dtg_buf_printf(b, "  iommu: %s (%s) ids ", r->iommu,
			       dtg_iommu_kind_name(r->kind));
		text_cells(b, r->ids, r->ncells);
		dtg_buf_puts(b, "\n");
	}
	for (size_t i = 0; i < d->niommu_map; i++) {
		const struct dtg_iommu_map *m = &d->iommu_map[i];
		dtg_buf_printf(b, "  iommu-map: rid 0x%x..0x%x -> %s (%s) id 0x%x, mask 0x%x\n",
			       m->rid_base, m->rid_base + m->length - (m->length ? 1 : 0),
			       m->iommu, dtg_iommu_kind_name(m->kind), m->iommu_base,
			       m->mask);
	}
	for (size_t i = 0; i < d->ndep; i++) {
		const struct dtg_dep *p = &d->dep[i];
		dtg_buf_printf(b, "  %s: %s", dep_kind_name(p->kind), p->provider);
		if (p->ncells) {
			dtg_buf_puts(b, " ");
			text_cells(b, p->cells, p->ncells);
		}
		if (p->name)
			dtg_buf_printf(b, " \"%s\"", p->name);
		if (p->rate)
			dtg_buf_printf(b, " %llu Hz", (unsigned long long)p->rate);
		dtg_buf_printf(b, " (%s)\n", p->prop);
	}
	for (size_t i = 0; i < d->nerror; i++)
		dtg_buf_printf(b, "  error: %s\n", d->errors[i]);
}

static int cmp_dev(const void *a, const void *b)
{
	const struct dtg_device *x = *(const struct dtg_device *const *)a;
	const struct dtg_device *y = *(const struct dtg_device *const *)b;
	int r = strcmp(x->path, y->path);

	return r ? r : (x->offset > y->offset) - (x->offset < y->offset);
}

static int inspect(const dtg_host *host, dtg_ctx *ctx,
		   const char *const *paths, size_t npaths, bool json,
		   char **out, size_t *len)
{
	struct dtg_device **devs = NULL;
	size_t ndev = 0, cap = 0;
	struct dtg_buf b;
	int r = 0;

	if (!out)
		return dtg_error(ctx, DTG_EINVAL, "dtg_host_inspect: no output");
	*out = NULL;
	if (len)
		*len = 0;
	if (paths && npaths) {
		for (size_t i = 0; i < npaths && !r; i++) {
			if ((r = dtg_grow(ctx, (void **)&devs, &cap, ndev + 1, sizeof(*devs))))
				break;
			r = dtg_host_resolve_device(host, ctx, paths[i], &devs[ndev]);
			if (!r)
				ndev++;
		}
	} else {
		for (int off = dtg_host_next_device(host, -1); off >= 0 && !r;
		     off = dtg_host_next_device(host, off)) {
			if ((r = dtg_grow(ctx, (void **)&devs, &cap, ndev + 1, sizeof(*devs))))
				break;
			r = dtg_host_resolve_offset(host, ctx, off, &devs[ndev]);
			if (!r)
				ndev++;
		}
	}
	if (!r) {
		if (ndev > 1)
			qsort(devs, ndev, sizeof(*devs), cmp_dev);
		dtg_buf_init(&b, ctx);
		if (json) {
			dtg_buf_puts(&b, "[");
			for (size_t i = 0; i < ndev; i++) {
				if (i)
					dtg_buf_puts(&b, ",\n ");
				json_device(&b, devs[i]);
			}
			dtg_buf_puts(&b, "]\n");
		} else {
			for (size_t i = 0; i < ndev; i++)
				text_device(&b, devs[i]);
			if (!ndev)
				dtg_buf_put(&b, "", 0);
		}
		if (b.err) {
			r = b.err;
			dtg_buf_release(&b);
		} else {
			if (!b.data)
				b.data = dtg_zalloc(ctx, 1);
			if (!b.data)
				r = dtg_error(ctx, DTG_ENOMEM, "out of memory");
			*out = b.data;
			if (len)
				*len = b.len;
		}
	}
	for (size_t i = 0; i < ndev; i++)
		dtg_device_free(ctx, devs[i]);
	dtg_free(ctx, devs);
	return r;
}

int dtg_host_inspect_json(const dtg_host *host, dtg_ctx *ctx,
			  const char *const *paths, size_t npaths,
			  char **out, size_t *len)
{
	return inspect(host, ctx, paths, npaths, true, out, len);
}

int dtg_host_inspect_text(const dtg_host *host, dtg_ctx *ctx,
			  const char *const *paths, size_t npaths,
			  char **out, size_t *len)
{
	return inspect(host, ctx, paths, npaths, false, out, len);
}
