/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/copro-desc.c - the hypervisor-side description of a domain's
 * coprocessor instances: a /xen-coprocessors node (a partial-DT node for
 * a domU, /chosen/xen-coprocessors in the host DT for dom0), its parser
 * and a comparison with a finalized domain, so that what Xen and libxl
 * read is checked to be the model.  Binding: docs/bindings/xen-coprocessor.md.
 *
 *   xen-coprocessors {
 *       instance-0 {
 *           compatible = "xen,coprocessor-instance";
 *           xen,path = "/ocp/dsp@40800000";
 *           xen,guest-path = "/passthrough/dsp@4080000";
 *           xen,mode = "shared";
 *           xen,reg = <host(2) size(2) guest(2)> ...;
 *           xen,reg-index = <0 1 2>;
 *           xen,reg-names = "l2ram", "l1pram", "l1dram";
 *           xen,interrupts = <pintid vintid flags> ...;
 *           xen,interrupt-index = <...>;
 *           xen,interrupt-names = ...;
 *           xen,clock-rates = <rate(2)> ...;   (Hz of each guest fixed-clock)
 *           xen,clock-index = <...>;
 *           xen,clock-names = ...;
 *       };
 *   };
 */
#include <stdio.h>
#include <stdlib.h>

#include <libfdt.h>

#include "copro-internal.h"
#include "blob-check.h"
#include "fdt-internal.h"

enum list_kind { LIST_RANGES, LIST_IRQS, LIST_CLOCKS };

static const char *entry_name(const struct dtg_copro_info *in, enum list_kind k, size_t i)
{
	return k == LIST_RANGES ? in->range[i].name :
	       k == LIST_IRQS ? in->irq[i].name : in->clock[i].name;
}

static int put_strlist(void *fdt, const char *prop, const struct dtg_copro_info *in,
		       enum list_kind kind)
{
	size_t n = kind == LIST_RANGES ? in->nrange : kind == LIST_IRQS ? in->nirq : in->nclock;
	size_t len = 0;
	char *p;
	void *val;
	int r;

	for (size_t i = 0; i < n; i++) {
		const char *nm = entry_name(in, kind, i);

		if (!nm)
			return 0;  /* only when every entry has a name */
		len += strlen(nm) + 1;
	}
	if (!len)
		return 0;
	r = fdt_property_placeholder(fdt, prop, (int)len, &val);
	if (r)
		return r;
	p = val;
	for (size_t i = 0; i < n; i++) {
		const char *nm = entry_name(in, kind, i);
		size_t l = strlen(nm) + 1;

		memcpy(p, nm, l);
		p += l;
	}
	return 0;
}

static int render_instance(void *fdt, const struct dtg_copro_info *in)
{
	char name[32];
	void *val;
	uint32_t *c;
	int r;

	snprintf(name, sizeof(name), "instance-%u", in->id);
	r = fdt_begin_node(fdt, name);
	if (!r) r = fdt_property_string(fdt, "compatible", DTG_COPRO_DESC_COMPAT);
	if (!r) r = fdt_property_string(fdt, "xen,path", in->host_path);
	if (!r && in->guest_path)
		r = fdt_property_string(fdt, "xen,guest-path", in->guest_path);
	if (!r) r = fdt_property_string(fdt, "xen,mode",
					in->mode == DTG_COPRO_EXCLUSIVE ? "exclusive" : "shared");
	if (!r && in->nrange) {
		r = fdt_property_placeholder(fdt, "xen,reg", (int)(in->nrange * 24), &val);
		for (size_t i = 0; !r && i < in->nrange; i++) {
			c = (uint32_t *)val + 6 * i;
			c = dtg_fdt_put_cells(c, 2, in->range[i].host_addr);
			c = dtg_fdt_put_cells(c, 2, in->range[i].size);
			dtg_fdt_put_cells(c, 2, in->range[i].guest_addr);
		}
		if (!r)
			r = fdt_property_placeholder(fdt, "xen,reg-index", (int)(in->nrange * 4), &val);
		for (size_t i = 0; !r && i < in->nrange; i++)
			dtg_fdt_put_cells((uint32_t *)val + i, 1, (uint32_t)in->range[i].host_index);
		if (!r)
			r = put_strlist(fdt, "xen,reg-names", in, LIST_RANGES);
	}
	if (!r && in->nirq) {
		r = fdt_property_placeholder(fdt, "xen,interrupts", (int)(in->nirq * 12), &val);
		for (size_t i = 0; !r && i < in->nirq; i++) {
			c = (uint32_t *)val + 3 * i;
			c = dtg_fdt_put_cells(c, 1, in->irq[i].pintid);
			c = dtg_fdt_put_cells(c, 1, in->irq[i].vintid);
			dtg_fdt_put_cells(c, 1, in->irq[i].flags);
		}
		if (!r)
			r = fdt_property_placeholder(fdt, "xen,interrupt-index", (int)(in->nirq * 4), &val);
		for (size_t i = 0; !r && i < in->nirq; i++)
			dtg_fdt_put_cells((uint32_t *)val + i, 1, (uint32_t)in->irq[i].host_index);
		if (!r)
			r = put_strlist(fdt, "xen,interrupt-names", in, LIST_IRQS);
	}
	if (!r && in->nclock) {
		r = fdt_property_placeholder(fdt, "xen,clock-rates", (int)(in->nclock * 8), &val);
		for (size_t i = 0; !r && i < in->nclock; i++)
			dtg_fdt_put_cells((uint32_t *)val + 2 * i, 2, in->clock[i].rate);
		if (!r)
			r = fdt_property_placeholder(fdt, "xen,clock-index", (int)(in->nclock * 4), &val);
		for (size_t i = 0; !r && i < in->nclock; i++)
			dtg_fdt_put_cells((uint32_t *)val + i, 1, (uint32_t)in->clock[i].host_index);
		if (!r)
			r = put_strlist(fdt, "xen,clock-names", in, LIST_CLOCKS);
	}
	return r ? r : fdt_end_node(fdt);
}

int dtg_copro_desc_render(const struct dtg_domain *d, void *fdt)
{
	int r;

	if (!d->cstate || !d->cstate->n)
		return 0;
	r = fdt_begin_node(fdt, DTG_COPRO_DESC_NODE);
	if (!r) r = fdt_property_string(fdt, "compatible", "xen,coprocessors");
	for (size_t i = 0; !r && i < d->cstate->n; i++)
		r = render_instance(fdt, &d->cstate->inst[i].info);
	return r ? r : fdt_end_node(fdt);
}

/* ---- parser ---- */

static uint64_t get_cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

/* The i-th string of a string list (bounded), or NULL. */
static const char *strlist_at(const char *v, int len, size_t i)
{
	int pos = 0;

	for (size_t k = 0; v && pos < len; k++) {
		const char *s = v + pos;
		size_t l = strnlen(s, (size_t)(len - pos));

		if (pos + (int)l >= len)
			return NULL;  /* unterminated */
		if (k == i)
			return s;
		pos += (int)l + 1;
	}
	return NULL;
}

static int parse_instance(dtg_ctx *ctx, const void *fdt, int node, const char *name,
			  const char *npath, struct dtg_copro_info *in)
{
	int len, ilen, nlen;
	const char *s;
	const fdt32_t *p, *ix;
	const char *names;

	memset(in, 0, sizeof(*in));
	s = fdt_getprop(fdt, node, "xen,path", &len);
	if (!s || len < 2 || s[len - 1])
		return dtg_error(ctx, DTG_EINVAL, "%s: %s: xen,path: missing or not a string", name, npath);
	in->host_path = dtg_strdup(ctx, s);
	s = fdt_getprop(fdt, node, "xen,guest-path", &len);
	if (s && len > 0 && !s[len - 1])
		in->guest_path = dtg_strdup(ctx, s);
	s = fdt_getprop(fdt, node, "xen,mode", &len);
	if (s && len > 0 && !s[len - 1] && !strcmp(s, "exclusive"))
		in->mode = DTG_COPRO_EXCLUSIVE;
	else if (s && (len <= 0 || s[len - 1] || strcmp(s, "shared")))
		return dtg_error(ctx, DTG_EINVAL, "%s: %s: xen,mode: not \"shared\" or \"exclusive\"",
				 name, npath);
	s = fdt_get_name(fdt, node, NULL);
	if (!s || strncmp(s, "instance-", 9))
		return dtg_error(ctx, DTG_EINVAL, "%s: %s: node name: expected instance-N", name, npath);
	in->id = (uint32_t)strtoul(s + 9, NULL, 10);

	p = fdt_getprop(fdt, node, "xen,reg", &len);
	if (p) {
		struct dtg_copro_range *rg;

		if (len <= 0 || len % 24)
			return dtg_error(ctx, DTG_EINVAL, "%s: %s: xen,reg: %d bytes is not a list of <host size guest> triplets of 2 cells",
					 name, npath, len);
		ix = fdt_getprop(fdt, node, "xen,reg-index", &ilen);
		if (!ix || ilen != len / 6)
			return dtg_error(ctx, DTG_EINVAL, "%s: %s: xen,reg-index: needs one cell per xen,reg triplet",
					 name, npath);
		names = fdt_getprop(fdt, node, "xen,reg-names", &nlen);
		in->nrange = (size_t)len / 24;
		rg = dtg_zalloc(ctx, in->nrange * sizeof(*rg));
		if (!rg)
			return dtg_error(ctx, DTG_ENOMEM, "%s: out of memory", name);
		in->range = rg;
		for (size_t i = 0; i < in->nrange; i++) {
			rg[i].host_addr = get_cells(p + 6 * i, 2);
			rg[i].size = get_cells(p + 6 * i + 2, 2);
			rg[i].guest_addr = get_cells(p + 6 * i + 4, 2);
			rg[i].host_index = (int)fdt32_to_cpu(ix[i]);
			if (names) {
				const char *nm = strlist_at(names, nlen, i);

				if (!nm)
					return dtg_error(ctx, DTG_EINVAL, "%s: %s: xen,reg-names: fewer names than ranges",
							 name, npath);
				rg[i].name = dtg_strdup(ctx, nm);
			}
		}
	}
	p = fdt_getprop(fdt, node, "xen,interrupts", &len);
	if (p) {
		struct dtg_copro_irq *q;

		if (len <= 0 || len % 12)
			return dtg_error(ctx, DTG_EINVAL, "%s: %s: xen,interrupts: %d bytes is not a list of <physical virtual flags> triplets",
					 name, npath, len);
		ix = fdt_getprop(fdt, node, "xen,interrupt-index", &ilen);
		if (!ix || ilen != len / 3)
			return dtg_error(ctx, DTG_EINVAL, "%s: %s: xen,interrupt-index: needs one cell per xen,interrupts triplet",
					 name, npath);
		names = fdt_getprop(fdt, node, "xen,interrupt-names", &nlen);
		in->nirq = (size_t)len / 12;
		q = dtg_zalloc(ctx, in->nirq * sizeof(*q));
		if (!q)
			return dtg_error(ctx, DTG_ENOMEM, "%s: out of memory", name);
		in->irq = q;
		for (size_t i = 0; i < in->nirq; i++) {
			q[i].pintid = fdt32_to_cpu(p[3 * i]);
			q[i].vintid = fdt32_to_cpu(p[3 * i + 1]);
			q[i].flags = fdt32_to_cpu(p[3 * i + 2]);
			q[i].host_index = (int)fdt32_to_cpu(ix[i]);
			if (names) {
				const char *nm = strlist_at(names, nlen, i);

				if (!nm)
					return dtg_error(ctx, DTG_EINVAL, "%s: %s: xen,interrupt-names: fewer names than interrupts",
							 name, npath);
				q[i].name = dtg_strdup(ctx, nm);
			}
		}
	}
	p = fdt_getprop(fdt, node, "xen,clock-rates", &len);
	if (p) {
		struct dtg_copro_clock *k;

		if (len <= 0 || len % 8)
			return dtg_error(ctx, DTG_EINVAL, "%s: %s: xen,clock-rates: %d bytes is not a list of 2-cell rates",
					 name, npath, len);
		ix = fdt_getprop(fdt, node, "xen,clock-index", &ilen);
		if (!ix || ilen != len / 2)
			return dtg_error(ctx, DTG_EINVAL, "%s: %s: xen,clock-index: needs one cell per xen,clock-rates entry",
					 name, npath);
		names = fdt_getprop(fdt, node, "xen,clock-names", &nlen);
		in->nclock = (size_t)len / 8;
		k = dtg_zalloc(ctx, in->nclock * sizeof(*k));
		if (!k)
			return dtg_error(ctx, DTG_ENOMEM, "%s: out of memory", name);
		in->clock = k;
		for (size_t i = 0; i < in->nclock; i++) {
			k[i].rate = get_cells(p + 2 * i, 2);
			k[i].host_index = (int)fdt32_to_cpu(ix[i]);
			if (names) {
				const char *nm = strlist_at(names, nlen, i);

				if (!nm)
					return dtg_error(ctx, DTG_EINVAL, "%s: %s: xen,clock-names: fewer names than clocks",
							 name, npath);
				k[i].name = dtg_strdup(ctx, nm);
			}
		}
	}
	return 0;
}

static void info_free(dtg_ctx *ctx, struct dtg_copro_info *in)
{
	dtg_free(ctx, (char *)in->host_path);
	dtg_free(ctx, (char *)in->guest_path);
	for (size_t i = 0; in->range && i < in->nrange; i++)
		dtg_free(ctx, (char *)in->range[i].name);
	for (size_t i = 0; in->irq && i < in->nirq; i++)
		dtg_free(ctx, (char *)in->irq[i].name);
	for (size_t i = 0; in->clock && i < in->nclock; i++)
		dtg_free(ctx, (char *)in->clock[i].name);
	dtg_free(ctx, (void *)in->range);
	dtg_free(ctx, (void *)in->irq);
	dtg_free(ctx, (void *)in->clock);
}

void dtg_copro_desc_free(dtg_ctx *ctx, struct dtg_copro_desc *desc)
{
	if (!desc)
		return;
	for (size_t i = 0; i < desc->ninst; i++)
		info_free(ctx, &desc->inst[i]);
	dtg_free(ctx, desc->inst);
	desc->inst = NULL;
	desc->ninst = 0;
}

int dtg_copro_desc_parse(dtg_ctx *ctx, const void *blob, size_t size,
			 const char *name, const char *path,
			 struct dtg_copro_desc *out)
{
	int top, node, r = 0;
	size_t cap = 0;

	if (!ctx || !blob || !out || !path)
		return -DTG_EINVAL;
	if (!name)
		name = "(blob)";
	memset(out, 0, sizeof(*out));
	r = dtg_blob_check(ctx, blob, size, name);
	if (r)
		return r;
	top = fdt_path_offset(blob, path);
	if (top < 0)
		return 0;
	fdt_for_each_subnode(node, blob, top) {
		char npath[512];

		if (fdt_node_check_compatible(blob, node, DTG_COPRO_DESC_COMPAT) != 0)
			continue;
		if (fdt_get_path(blob, node, npath, sizeof(npath)) < 0)
			snprintf(npath, sizeof(npath), "%s/?", path);
		if (dtg_grow(ctx, (void **)&out->inst, &cap, out->ninst + 1, sizeof(*out->inst))) {
			r = dtg_error(ctx, DTG_ENOMEM, "%s: out of memory", name);
			break;
		}
		r = parse_instance(ctx, blob, node, name, npath, &out->inst[out->ninst]);
		out->ninst++;
		if (r)
			break;
	}
	if (r)
		dtg_copro_desc_free(ctx, out);
	return r;
}

static bool str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

int dtg_copro_desc_compare(const dtg_domain *d, const struct dtg_copro_desc *desc)
{
	size_t n = dtg_domain_copro_count(d);
	int r;

	if (!d || !desc)
		return -DTG_EINVAL;
	r = dtg_domain_require_final(d, "copro_desc_compare");
	if (r)
		return r;
	if (n != desc->ninst)
		return dtg_error(d->ctx, DTG_EINVAL, "%s: xen-coprocessors: %zu instances, the domain has %zu",
				 d->name ? d->name : "domain", desc->ninst, n);
	for (size_t i = 0; i < n; i++) {
		const struct dtg_copro_info *a = &d->cstate->inst[i].info, *b = &desc->inst[i];
		const char *what = NULL;

		if (a->id != b->id || !str_eq(a->host_path, b->host_path) ||
		    !str_eq(a->guest_path, b->guest_path) || a->mode != b->mode)
			what = "identity (id, xen,path, xen,guest-path, xen,mode)";
		else if (a->nrange != b->nrange || a->nirq != b->nirq || a->nclock != b->nclock)
			what = "number of ranges, interrupts or clocks";
		for (size_t k = 0; !what && k < a->nrange; k++)
			if (a->range[k].host_addr != b->range[k].host_addr ||
			    a->range[k].guest_addr != b->range[k].guest_addr ||
			    a->range[k].size != b->range[k].size ||
			    a->range[k].host_index != b->range[k].host_index ||
			    !str_eq(a->range[k].name, b->range[k].name))
				what = "xen,reg";
		for (size_t k = 0; !what && k < a->nirq; k++)
			if (a->irq[k].pintid != b->irq[k].pintid ||
			    a->irq[k].vintid != b->irq[k].vintid ||
			    a->irq[k].flags != b->irq[k].flags ||
			    a->irq[k].host_index != b->irq[k].host_index ||
			    !str_eq(a->irq[k].name, b->irq[k].name))
				what = "xen,interrupts";
		for (size_t k = 0; !what && k < a->nclock; k++)
			if (a->clock[k].rate != b->clock[k].rate ||
			    a->clock[k].host_index != b->clock[k].host_index ||
			    !str_eq(a->clock[k].name, b->clock[k].name))
				what = "xen,clock-rates";
		if (what)
			return dtg_error(d->ctx, DTG_EINVAL, "%s: xen-coprocessors/instance-%zu: %s: differs from the domain (%s)",
					 d->name ? d->name : "domain", i, what, a->host_path);
	}
	return 0;
}
