/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/fdt-gnode.c - render finalize's gnode trees with libfdt's
 * sequential-write API, and run a whole-tree writer into a caller's
 * buffer the libfdt way (-DTG_ENOSPACE and the size needed).
 *
 * Writers are pure functions of the finalized domain: they only read the
 * gnode trees and pt[] decisions, so rerunning one gives the same bytes.
 */
#include <limits.h>
#include <libfdt.h>

#include "fdt-internal.h"

int dtg_fdt_render_gnode(void *fdt, const struct dtg_gnode *n,
			 dtg_fdt_extra_fn extra, void *opaque)
{
	int r = fdt_begin_node(fdt, n->name);

	for (size_t i = 0; !r && i < n->nprop; i++)
		r = fdt_property(fdt, n->prop[i].name, n->prop[i].val,
				 (int)n->prop[i].len);
	if (!r && extra)
		r = extra(fdt, n, opaque);
	for (size_t i = 0; !r && i < n->nchild; i++)
		r = dtg_fdt_render_gnode(fdt, &n->child[i], NULL, NULL);
	return r ? r : fdt_end_node(fdt);
}

int dtg_fdt_passthrough_node(const dtg_domain *d, void *fdt,
			     dtg_fdt_extra_fn extra, void *opaque)
{
	int r = fdt_begin_node(fdt, "passthrough");

	if (!r) r = fdt_property_string(fdt, "compatible", "simple-bus");
	if (!r) r = fdt_property(fdt, "ranges", NULL, 0);
	if (!r) r = fdt_property_u32(fdt, "#address-cells", 2);
	if (!r) r = fdt_property_u32(fdt, "#size-cells", 2);
	for (size_t i = 0; !r && i < d->ngnode; i++)
		r = dtg_fdt_render_gnode(fdt, &d->gnode[i], extra, opaque);
	return r ? r : fdt_end_node(fdt);
}

int dtg_fdt_aliases_node(const dtg_domain *d, void *fdt)
{
	int r;

	if (!d->nalias)
		return 0;
	r = fdt_begin_node(fdt, "aliases");
	for (size_t i = 0; !r && i < d->nalias; i++)
		r = fdt_property(fdt, d->alias[i].name, d->alias[i].val,
				 (int)d->alias[i].len);
	return r ? r : fdt_end_node(fdt);
}

int dtg_fdt_error(const dtg_domain *d, const char *what, int fdt_err)
{
	const char *name = d->name ? d->name : "domain";

	if (fdt_err == -FDT_ERR_NOSPACE)
		return dtg_error(d->ctx, DTG_ENOSPACE,
				 "%s: %s: out of space in the FDT buffer",
				 name, what);
	return dtg_error(d->ctx, DTG_EINVAL, "%s: %s: libfdt: %s", name,
			 what, fdt_strerror(fdt_err));
}

/*
 * Render into growing scratch buffers until the tree fits; *out is the
 * finished tree (fdt_totalsize() bytes valid) in ctx memory.
 */
static int emit_scratch(const dtg_domain *d, dtg_fdt_tree_fn fn,
			void *opaque, const char *what, void **out)
{
	size_t sz = 4096;

	for (;;) {
		void *tmp = dtg_alloc(d->ctx, sz);
		int r;

		if (!tmp)
			return dtg_error(d->ctx, DTG_ENOMEM, "%s: out of memory",
					 what);
		r = fn(d, tmp, (int)sz, opaque);
		if (!r) {
			*out = tmp;
			return 0;
		}
		dtg_free(d->ctx, tmp);
		if (r != -FDT_ERR_NOSPACE || sz > INT_MAX / 2)
			return dtg_fdt_error(d, what, r);
		sz *= 2;
	}
}

int dtg_fdt_emit(const dtg_domain *d, dtg_fdt_tree_fn fn, void *opaque,
		 const char *what, void *buf, size_t size, size_t *needed)
{
	void *tmp = NULL;
	size_t total;
	int r;

	if (!d)
		return -DTG_EINVAL;
	r = dtg_domain_require_final(d, what);
	if (r)
		return r;
	if (buf && size >= sizeof(struct fdt_header)) {
		r = fn(d, buf, size > INT_MAX ? INT_MAX : (int)size, opaque);
		if (!r) {
			if (needed)
				*needed = fdt_totalsize(buf);
			return 0;
		}
		if (r != -FDT_ERR_NOSPACE)
			return dtg_fdt_error(d, what, r);
	}
	/* Too small: learn the exact size the libfdt way. */
	r = emit_scratch(d, fn, opaque, what, &tmp);
	if (r)
		return r;
	total = fdt_totalsize(tmp);
	dtg_free(d->ctx, tmp);
	if (needed)
		*needed = total;
	return -DTG_ENOSPACE;
}

int dtg_fdt_emit_alloc(const dtg_domain *d, dtg_fdt_tree_fn fn,
		       void *opaque, const char *what, void **out,
		       size_t *size)
{
	void *tmp = NULL, *shrunk;
	size_t total;
	int r;

	if (!d || !out)
		return -DTG_EINVAL;
	r = dtg_domain_require_final(d, what);
	if (r)
		return r;
	r = emit_scratch(d, fn, opaque, what, &tmp);
	if (r)
		return r;
	total = fdt_totalsize(tmp);
	shrunk = dtg_realloc(d->ctx, tmp, total);
	*out = shrunk ? shrunk : tmp;
	if (size)
		*size = total;
	return 0;
}
