/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/domain-testutil.c - see domain-testutil.h. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "domain-testutil.h"
#include "finalize-internal.h"
#include "testutil.h"

const struct dtg_gprop *tu_gprop(const struct dtg_gnode *g, const char *name)
{
	for (size_t i = 0; i < g->nprop; i++)
		if (!strcmp(g->prop[i].name, name))
			return &g->prop[i];
	return NULL;
}

const char *tu_gprop_str(const struct dtg_gnode *g, const char *name)
{
	const struct dtg_gprop *p = tu_gprop(g, name);

	ck_assert_msg(p, "%s: no property %s", g->name, name);
	ck_assert_msg(p->len > 0 && ((const char *)p->val)[p->len - 1] == '\0',
		      "%s: %s is not a string", g->name, name);
	return p->val;
}

uint32_t tu_gprop_u32(const struct dtg_gnode *g, const char *name, size_t i)
{
	const struct dtg_gprop *p = tu_gprop(g, name);

	ck_assert_msg(p, "%s: no property %s", g->name, name);
	ck_assert_msg(p->len >= 4 * (i + 1), "%s: %s has %u bytes", g->name,
		      name, p->len);
	return fdt32_to_cpu(((const fdt32_t *)p->val)[i]);
}

const struct dtg_gnode *tu_gchild(const struct dtg_gnode *g, const char *name)
{
	for (size_t i = 0; i < g->nchild; i++)
		if (!strcmp(g->child[i].name, name))
			return &g->child[i];
	return NULL;
}

#define CK(x) ck_assert_msg((x) == 0, "libfdt: %s", #x)

static void put_gnode(void *fdt, const struct dtg_gnode *g)
{
	CK(fdt_begin_node(fdt, g->name));
	for (size_t i = 0; i < g->nprop; i++)
		CK(fdt_property(fdt, g->prop[i].name, g->prop[i].val, g->prop[i].len));
	for (size_t i = 0; i < g->nchild; i++)
		put_gnode(fdt, &g->child[i]);
	CK(fdt_end_node(fdt));
}

static void *render(const dtg_domain *d, size_t *size)
{
	size_t cap = 65536;
	void *fdt = malloc(cap);

	for (size_t i = 0; i < d->ngnode; i++)
		cap += 4096;
	fdt = realloc(fdt, cap);
	CK(fdt_create(fdt, (int)cap));
	CK(fdt_finish_reservemap(fdt));
	CK(fdt_begin_node(fdt, ""));
	CK(fdt_property_u32(fdt, "#address-cells", 2));
	CK(fdt_property_u32(fdt, "#size-cells", 2));
	CK(fdt_property_string(fdt, "compatible", "xen,xenvm"));
	CK(fdt_begin_node(fdt, "interrupt-controller@3001000"));
	CK(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
	CK(fdt_property_u32(fdt, "#interrupt-cells", 3));
	CK(fdt_property_u32(fdt, "#address-cells", 0));
	CK(fdt_property(fdt, "interrupt-controller", NULL, 0));
	{
		fdt32_t reg[8] = { 0, cpu_to_fdt32(0x3001000), 0, cpu_to_fdt32(0x10000),
				   0, cpu_to_fdt32(0x3020000), 0, cpu_to_fdt32(0x1000000) };
		CK(fdt_property(fdt, "reg", reg, sizeof(reg)));
	}
	CK(fdt_property_u32(fdt, "phandle", 65000));
	CK(fdt_end_node(fdt));
	CK(fdt_begin_node(fdt, "passthrough"));
	CK(fdt_property_string(fdt, "compatible", "simple-bus"));
	CK(fdt_property(fdt, "ranges", NULL, 0));
	CK(fdt_property_u32(fdt, "#address-cells", 2));
	CK(fdt_property_u32(fdt, "#size-cells", 2));
	for (size_t i = 0; i < d->ngnode; i++)
		put_gnode(fdt, &d->gnode[i]);
	CK(fdt_end_node(fdt));
	CK(fdt_end_node(fdt));
	CK(fdt_finish(fdt));
	*size = fdt_totalsize(fdt);
	return fdt;
}

/* Every phandle in a known phandle property must exist in the guest DT. */
static void check_no_dangling(const void *fdt)
{
	int node, depth = 0;
	uint32_t phs[1024];
	size_t nph = 0;

	for (node = 0; node >= 0; node = fdt_next_node(fdt, node, &depth)) {
		uint32_t ph = fdt_get_phandle(fdt, node);
		int po;

		if (ph) {
			ck_assert_msg(ph < 65000 || (ph == 65000 && nph == 0),
				      "phandle %u out of range", ph);
			for (size_t i = 0; i < nph; i++)
				ck_assert_msg(phs[i] != ph, "phandle %u twice", ph);
			if (nph < 1024)
				phs[nph++] = ph;
		}
		fdt_for_each_property_offset(po, fdt, node) {
			const char *name;
			int len;
			const fdt32_t *v = fdt_getprop_by_offset(fdt, po, &name, &len);
			const struct dtg_phandle_prop *t = dtg_phandle_prop_lookup(name);

			if (!t || !v || t->layout == DTG_PH_DROP)
				continue;
			/* Single-phandle layouts: check the first cell. */
			if (t->layout == DTG_PH_LIST) {
				for (int i = 0; i < len / 4; i++)
					ck_assert_msg(fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(v[i])) >= 0,
						      "%s: %s: phandle %u dangles",
						      fdt_get_name(fdt, node, NULL), name,
						      fdt32_to_cpu(v[i]));
			} else {
				ck_assert_msg(len >= 4 && fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(v[0])) >= 0,
					      "%s: %s: phandle dangles",
					      fdt_get_name(fdt, node, NULL), name);
			}
		}
	}
}

char *tu_check_domain_dt(const dtg_domain *d)
{
	size_t size;
	void *fdt = render(d, &size);
	char *dts;

	ck_assert_int_eq(fdt_check_full(fdt, size), 0);
	check_no_dangling(fdt);
	dts = tu_check_dtb(fdt, size, NULL);
	free(fdt);
	return dts;
}
