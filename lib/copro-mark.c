/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/copro-mark.c - system-level view of shared coprocessors: the check
 * across domains (passed through vs shared, exclusive claims), which
 * coprocessors Xen shares as host-DT marks (`xen,shared-coprocessor`) or
 * as a command-line fragment (`xen-coprocessors=PATH[:exclusive];...`),
 * the parsers of both forms, and dom0's instances in the host DT.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libfdt.h>

#include "copro-internal.h"

static const char *dom_name(const dtg_domain *d)
{
	return d->name ? d->name : "domain";
}

int dtg_copro_check_system(dtg_ctx *ctx, const dtg_domain *const *doms, size_t ndom)
{
	if (!ctx || (!doms && ndom))
		return -DTG_EINVAL;
	for (size_t a = 0; a < ndom; a++) {
		const dtg_domain *da = doms[a];
		int r = dtg_domain_require_final(da, "copro_check_system");

		if (r)
			return r;
		for (size_t i = 0; da->cstate && i < da->cstate->n; i++) {
			const struct dtg_copro_inst *c = &da->cstate->inst[i];

			for (size_t b = 0; b < ndom; b++) {
				const dtg_domain *db = doms[b];

				for (size_t p = 0; b != a && p < db->npt; p++)
					if (db->pt[p].host_offset == c->host_offset)
						return dtg_error(ctx, DTG_EINVAL,
								 "%s: %s: coprocessor: shared with %s but passed through to %s; a node is either passed through or shared",
								 dtg_host_name(da->host), c->host_path,
								 dom_name(da), dom_name(db));
				for (size_t k = 0; b > a && db->cstate && k < db->cstate->n; k++) {
					const struct dtg_copro_inst *o = &db->cstate->inst[k];

					if (o->host_offset == c->host_offset &&
					    (o->mode == DTG_COPRO_EXCLUSIVE || c->mode == DTG_COPRO_EXCLUSIVE))
						return dtg_error(ctx, DTG_EINVAL,
								 "%s: %s: coprocessor: %s and %s both have an instance but %s claims it exclusively",
								 dtg_host_name(da->host), c->host_path, dom_name(da),
								 dom_name(db),
								 c->mode == DTG_COPRO_EXCLUSIVE ? dom_name(da) : dom_name(db));
				}
			}
		}
	}
	return 0;
}

void dtg_copro_marks_free(dtg_ctx *ctx, struct dtg_copro_marks *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		dtg_free(ctx, m->mark[i].host_path);
		dtg_free(ctx, m->mark[i].range_addr);
		dtg_free(ctx, m->mark[i].range_size);
		dtg_free(ctx, m->mark[i].intid);
	}
	dtg_free(ctx, m->mark);
	m->mark = NULL;
	m->n = 0;
}

/* Add (or upgrade the mode of) a mark, resolving its resources on host. */
static int mark_add(dtg_ctx *ctx, const dtg_host *host, struct dtg_copro_marks *m,
		    size_t *cap, const char *path, enum dtg_copro_mode mode,
		    const char *where)
{
	struct dtg_device *dev = NULL;
	struct dtg_copro_mark *k;
	int r;

	for (size_t i = 0; i < m->n; i++)
		if (!strcmp(m->mark[i].host_path, path)) {
			if (mode == DTG_COPRO_EXCLUSIVE)
				m->mark[i].mode = mode;
			return 0;
		}
	r = dtg_host_resolve_device(host, ctx, path, &dev);
	if (r)
		return r == -DTG_ENOMEM ? r :
		       dtg_error(ctx, DTG_ENOTFOUND, "%s: %s: %s: no such coprocessor node in the host DT",
				 dtg_host_name(host), path, where);
	if (dtg_grow(ctx, (void **)&m->mark, cap, m->n + 1, sizeof(*m->mark))) {
		dtg_device_free(ctx, dev);
		return dtg_error(ctx, DTG_ENOMEM, "marks: out of memory");
	}
	k = &m->mark[m->n++];
	memset(k, 0, sizeof(*k));
	k->host_path = dtg_strdup(ctx, path);
	k->mode = mode;
	k->nrange = dev->nmmio;
	k->nirq = dev->nirq;
	k->range_addr = dtg_zalloc(ctx, (dev->nmmio + 1) * sizeof(uint64_t));
	k->range_size = dtg_zalloc(ctx, (dev->nmmio + 1) * sizeof(uint64_t));
	k->intid = dtg_zalloc(ctx, (dev->nirq + 1) * sizeof(uint32_t));
	if (!k->host_path || !k->range_addr || !k->range_size || !k->intid) {
		dtg_device_free(ctx, dev);
		return dtg_error(ctx, DTG_ENOMEM, "marks: out of memory");
	}
	for (size_t i = 0; i < dev->nmmio; i++) {
		k->range_addr[i] = dev->mmio[i].addr;
		k->range_size[i] = dev->mmio[i].size;
	}
	for (size_t i = 0; i < dev->nirq; i++)
		k->intid[i] = dev->irq[i].intid;
	dtg_device_free(ctx, dev);
	return 0;
}

static int cmp_mark(const void *a, const void *b)
{
	return strcmp(((const struct dtg_copro_mark *)a)->host_path,
		      ((const struct dtg_copro_mark *)b)->host_path);
}

static int marks_done(dtg_ctx *ctx, struct dtg_copro_marks *m, int r)
{
	if (r)
		dtg_copro_marks_free(ctx, m);
	else if (m->n > 1)
		qsort(m->mark, m->n, sizeof(*m->mark), cmp_mark);
	return r;
}

int dtg_copro_marks_from_domains(dtg_ctx *ctx, const dtg_domain *const *doms,
				 size_t ndom, struct dtg_copro_marks *out)
{
	size_t cap = 0;
	int r;

	if (!out)
		return -DTG_EINVAL;
	memset(out, 0, sizeof(*out));
	r = dtg_copro_check_system(ctx, doms, ndom);
	for (size_t a = 0; !r && a < ndom; a++)
		for (size_t i = 0; !r && doms[a]->cstate && i < doms[a]->cstate->n; i++)
			r = mark_add(ctx, doms[a]->host, out, &cap, doms[a]->cstate->inst[i].host_path,
				     doms[a]->cstate->inst[i].mode, "coprocessor");
	return marks_done(ctx, out, r);
}

int dtg_copro_marks_from_host(dtg_ctx *ctx, const dtg_host *host,
			      struct dtg_copro_marks *out)
{
	const void *fdt = dtg_host_fdt(host);
	size_t cap = 0;
	int node, r = 0;

	if (!ctx || !host || !out)
		return -DTG_EINVAL;
	memset(out, 0, sizeof(*out));
	for (node = fdt_next_node(fdt, -1, NULL); node >= 0 && !r;
	     node = fdt_next_node(fdt, node, NULL)) {
		int len;
		const char *v = fdt_getprop(fdt, node, DTG_COPRO_MARK_PROP, &len);
		enum dtg_copro_mode mode = DTG_COPRO_SHARED;
		char path[512];

		if (!v)
			continue;
		if (fdt_get_path(fdt, node, path, sizeof(path)) < 0)
			return marks_done(ctx, out, dtg_error(ctx, DTG_EINVAL, "%s: (node): path too long",
							     dtg_host_name(host)));
		if (len > 0 && !v[len - 1] && !strcmp(v, "exclusive"))
			mode = DTG_COPRO_EXCLUSIVE;
		else if (len != 0 && !(len > 0 && !v[len - 1] && !strcmp(v, "shared")))
			r = dtg_error(ctx, DTG_EINVAL, "%s: %s: %s: expected empty, \"shared\" or \"exclusive\"",
				      dtg_host_name(host), path, DTG_COPRO_MARK_PROP);
		if (!r)
			r = mark_add(ctx, host, out, &cap, path, mode, DTG_COPRO_MARK_PROP);
	}
	return marks_done(ctx, out, r);
}

int dtg_copro_marks_from_cmdline(dtg_ctx *ctx, const dtg_host *host,
				 const char *cmdline, struct dtg_copro_marks *out)
{
	const char *p;
	size_t cap = 0;
	int r = 0;

	if (!ctx || !host || !cmdline || !out)
		return -DTG_EINVAL;
	memset(out, 0, sizeof(*out));
	/* The option anywhere on the line, at the start of a word. */
	for (p = strstr(cmdline, DTG_COPRO_CMDLINE_KEY); p && p != cmdline && p[-1] != ' ';
	     p = strstr(p + 1, DTG_COPRO_CMDLINE_KEY))
		;
	if (!p)
		return 0;
	p += strlen(DTG_COPRO_CMDLINE_KEY);
	while (!r && *p && *p != ' ') {
		size_t len = strcspn(p, "; ");
		char item[512], *colon;
		enum dtg_copro_mode mode = DTG_COPRO_SHARED;

		if (!len || len >= sizeof(item) || *p != '/')
			return marks_done(ctx, out, dtg_error(ctx, DTG_EINVAL,
					  "command line: xen-coprocessors: \"%.*s\" is not a node path",
					  (int)len, p));
		memcpy(item, p, len);
		item[len] = '\0';
		colon = strrchr(item, ':');
		if (colon) {
			if (strcmp(colon + 1, "exclusive") && strcmp(colon + 1, "shared"))
				return marks_done(ctx, out, dtg_error(ctx, DTG_EINVAL,
						  "command line: xen-coprocessors: %s: mode \"%s\" is not shared or exclusive",
						  item, colon + 1));
			if (!strcmp(colon + 1, "exclusive"))
				mode = DTG_COPRO_EXCLUSIVE;
			*colon = '\0';
		}
		r = mark_add(ctx, host, out, &cap, item, mode, "xen-coprocessors");
		p += len;
		if (*p == ';')
			p++;
	}
	return marks_done(ctx, out, r);
}

int dtg_copro_marks_cmdline(dtg_ctx *ctx, const struct dtg_copro_marks *m, char **out)
{
	struct dtg_buf b;

	if (!ctx || !m || !out)
		return -DTG_EINVAL;
	dtg_buf_init(&b, ctx);
	dtg_buf_puts(&b, DTG_COPRO_CMDLINE_KEY);
	for (size_t i = 0; i < m->n; i++) {
		if (strpbrk(m->mark[i].host_path, "; :")) {
			dtg_buf_release(&b);
			return dtg_error(ctx, DTG_EINVAL, "%s: command line: the path holds ';', ':' or a space",
					 m->mark[i].host_path);
		}
		dtg_buf_printf(&b, "%s%s%s", i ? ";" : "", m->mark[i].host_path,
			       m->mark[i].mode == DTG_COPRO_EXCLUSIVE ? ":exclusive" : "");
	}
	dtg_buf_put(&b, "", 1);
	if (b.err) {
		int e = b.err;

		dtg_buf_release(&b);
		return e;
	}
	*out = b.data;
	return 0;
}

int dtg_copro_marks_compare(dtg_ctx *ctx, const struct dtg_copro_marks *a,
			    const struct dtg_copro_marks *b)
{
	if (!ctx || !a || !b)
		return -DTG_EINVAL;
	if (a->n != b->n)
		return dtg_error(ctx, DTG_EINVAL, "marks: %zu coprocessors against %zu", a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const struct dtg_copro_mark *x = &a->mark[i], *y = &b->mark[i];
		bool same = !strcmp(x->host_path, y->host_path) && x->mode == y->mode &&
			    x->nrange == y->nrange && x->nirq == y->nirq;

		for (size_t k = 0; same && k < x->nrange; k++)
			same = x->range_addr[k] == y->range_addr[k] && x->range_size[k] == y->range_size[k];
		for (size_t k = 0; same && k < x->nirq; k++)
			same = x->intid[k] == y->intid[k];
		if (!same)
			return dtg_error(ctx, DTG_EINVAL, "marks: %s differs from %s", x->host_path,
					 y->host_path);
	}
	return 0;
}

/* Copy node src of sfdt (properties, then children) under parent of dfdt. */
static int copy_subtree(void *dfdt, int parent, const void *sfdt, int src)
{
	int node = fdt_add_subnode(dfdt, parent, fdt_get_name(sfdt, src, NULL));
	int prop, child, r = 0;

	if (node < 0)
		return node;
	fdt_for_each_property_offset(prop, sfdt, src) {
		const char *name;
		int len;
		const void *v = fdt_getprop_by_offset(sfdt, prop, &name, &len);

		r = v ? fdt_setprop(dfdt, node, name, v, len) : len;
		if (r)
			return r;
	}
	/* fdt_add_subnode prepends: add children last to first. */
	{
		int kids[256], nk = 0;

		fdt_for_each_subnode(child, sfdt, src)
			if (nk < 256)
				kids[nk++] = child;
		while (!r && nk-- > 0)
			r = copy_subtree(dfdt, node, sfdt, kids[nk]);
	}
	return r;
}

static int dom0_desc_blob(const dtg_domain *dom0, void *buf, int size)
{
	int r = fdt_create(buf, size);

	if (!r) r = fdt_finish_reservemap(buf);
	if (!r) r = fdt_begin_node(buf, "");
	if (!r) r = dtg_copro_desc_render(dom0, buf);
	if (!r) r = fdt_end_node(buf);
	if (!r) r = fdt_finish(buf);
	return r;
}

int dtg_copro_write_marks(void *fdt, const struct dtg_copro_marks *m)
{
	for (size_t i = 0; i < m->n; i++) {
		int node = fdt_path_offset(fdt, m->mark[i].host_path), r;

		if (node < 0)
			return node;
		r = m->mark[i].mode == DTG_COPRO_EXCLUSIVE ?
		    fdt_setprop_string(fdt, node, DTG_COPRO_MARK_PROP, "exclusive") :
		    fdt_setprop(fdt, node, DTG_COPRO_MARK_PROP, NULL, 0);
		if (r)
			return r;
	}
	return 0;
}

int dtg_copro_mark_host(dtg_ctx *ctx, const dtg_host *host,
			const struct dtg_copro_marks *m, const dtg_domain *dom0,
			void **out, size_t *size)
{
	const void *src = dtg_host_fdt(host);
	size_t extra = 4096, total;
	void *fdt = NULL, *desc = NULL;
	int r = 0, dsize = 0;

	if (!ctx || !host || !m || !out)
		return -DTG_EINVAL;
	if (dom0) {
		r = dtg_domain_require_final(dom0, "copro_mark_host");
		if (r)
			return r;
		dsize = 4096 + (int)dtg_domain_copro_count(dom0) * 1024;
		desc = dtg_alloc(ctx, (size_t)dsize);
		if (!desc)
			return dtg_error(ctx, DTG_ENOMEM, "mark: out of memory");
		r = dom0_desc_blob(dom0, desc, dsize);
		if (r) {
			dtg_free(ctx, desc);
			return dtg_error(ctx, DTG_EINVAL, "%s: dom0 coprocessors: libfdt: %s",
					 dtg_host_name(host), fdt_strerror(r));
		}
		extra += (size_t)fdt_totalsize(desc);
	}
	for (size_t i = 0; i < m->n; i++)
		extra += 64 + strlen(DTG_COPRO_MARK_PROP);
	total = fdt_totalsize(src) + extra;
	fdt = dtg_alloc(ctx, total);
	if (!fdt) {
		dtg_free(ctx, desc);
		return dtg_error(ctx, DTG_ENOMEM, "mark: out of memory");
	}
	r = fdt_open_into(src, fdt, (int)total);
	if (!r)
		r = dtg_copro_write_marks(fdt, m);
	if (!r && desc && dtg_domain_copro_count(dom0)) {
		int chosen = fdt_path_offset(fdt, "/chosen");
		int old, s = fdt_path_offset(desc, "/" DTG_COPRO_DESC_NODE);

		if (chosen == -FDT_ERR_NOTFOUND)
			chosen = fdt_add_subnode(fdt, 0, "chosen");
		old = chosen >= 0 ? fdt_subnode_offset(fdt, chosen, DTG_COPRO_DESC_NODE) : chosen;
		if (old >= 0)
			r = fdt_del_node(fdt, old);
		chosen = fdt_path_offset(fdt, "/chosen");
		if (!r)
			r = chosen < 0 ? chosen : s < 0 ? s : copy_subtree(fdt, chosen, desc, s);
	}
	if (!r)
		r = fdt_pack(fdt);
	dtg_free(ctx, desc);
	if (r) {
		dtg_free(ctx, fdt);
		return dtg_error(ctx, DTG_EINVAL, "%s: marking shared coprocessors: libfdt: %s",
				 dtg_host_name(host), fdt_strerror(r));
	}
	*out = fdt;
	if (size)
		*size = fdt_totalsize(fdt);
	return 0;
}
