/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/finalize-alias.c - the guest's /aliases.  A host alias that names a
 * node the guest gets (a device, or a child copied with it) names its
 * guest node, so the guest numbers it as the host does (ethernet0,
 * serial1, ...).  Xen's dom0less builder and libxl both copy /aliases from
 * the partial DT into the guest.
 */
#include <stdio.h>

#include <libfdt.h>

#include "finalize-internal.h"

/* "/passthrough/dev@.../child": the guest path of a copied node. */
static char *guest_path(struct dtg_fin *f, const struct dtg_fin_copy *c)
{
	const struct dtg_fin_copy *chain[DTG_FIN_MAX_DEPTH];
	size_t n = 0, len = sizeof("/passthrough");
	char *path, *p;

	for (; c && n < DTG_FIN_MAX_DEPTH; n++) {
		chain[n] = c;
		len += strlen(c->gnode->name) + 1;
		c = c->parent >= 0 ? &f->copy[c->parent] : NULL;
	}
	if (c)
		return NULL;    /* deeper than copies go */
	path = dtg_arena_alloc(f->a, len);
	if (!path)
		return NULL;
	p = path + sprintf(path, "/passthrough");
	while (n--)
		p += sprintf(p, "/%s", chain[n]->gnode->name);
	return path;
}

int dtg_finalize_aliases(struct dtg_fin *f)
{
	struct dtg_domain *d = f->d;
	int aliases = fdt_path_offset(f->fdt, "/aliases"), prop;
	size_t n = 0, cap = 0;

	d->nalias = 0;
	d->alias = NULL;
	if (aliases < 0 || !d->npt)
		return 0;
	fdt_for_each_property_offset(prop, f->fdt, aliases)
		cap++;
	d->alias = dtg_arena_alloc(f->a, cap * sizeof(*d->alias));
	if (!d->alias)
		return -DTG_ENOMEM;
	fdt_for_each_property_offset(prop, f->fdt, aliases) {
		const char *name, *val;
		const struct dtg_fin_copy *c;
		char *path;
		int len, off;

		val = fdt_getprop_by_offset(f->fdt, prop, &name, &len);
		if (!val || len <= 1 || val[len - 1] || val[0] != '/')
			continue;
		off = dtg_host_path_offset(f->host, val);
		c = off >= 0 ? dtg_fin_copy_find(f, off) : NULL;
		if (!c || !c->gnode)
			continue;
		path = guest_path(f, c);
		if (!path)
			return -DTG_ENOMEM;
		d->alias[n++] = DTG_GPROP(name, path, (uint32_t)strlen(path) + 1);
	}
	d->nalias = n;
	return 0;
}
