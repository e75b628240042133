/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/host-deps.c - phandle dependencies: clocks (with rates from
 * fixed-clock providers or assigned-clock-rates), power-domains, resets,
 * pinctrl-N, dmas, mboxes and memory-region, each paired with its
 * *-names entry.
 */
#include <stdio.h>
#include <stdlib.h>

#include "host-internal.h"

struct dep_prop {
	const char *prop;
	const char *cells;   /* #xxx-cells of the provider, NULL for none */
	const char *names;
	enum dtg_dep_kind kind;
};

static const struct dep_prop dep_props[] = {
	{ "clocks", "#clock-cells", "clock-names", DTG_DEP_CLOCK },
	{ "power-domains", "#power-domain-cells", "power-domain-names", DTG_DEP_POWER_DOMAIN },
	{ "resets", "#reset-cells", "reset-names", DTG_DEP_RESET },
	{ "dmas", "#dma-cells", "dma-names", DTG_DEP_DMA },
	{ "mboxes", "#mbox-cells", "mbox-names", DTG_DEP_MBOX },
	{ "memory-region", NULL, "memory-region-names", DTG_DEP_MEMORY_REGION },
};

/* Rate set for a clock specifier by the device's assigned-clocks. */
static uint64_t assigned_rate(const struct dtg_host_devb *b,
			      const struct dtg_dep *d)
{
	const dtg_host *h = b->h;
	const uint8_t *ac, *rates, *end;
	int len, rlen, j = 0;

	ac = dtg_host_devb_getprop(b, "assigned-clocks", &len);
	rates = dtg_host_devb_getprop(b, "assigned-clock-rates", &rlen);
	if (!ac || !rates || len <= 0 || len % 4 || rlen <= 0)
		return 0;
	end = ac + len;
	while (ac + 4 <= end) {
		uint32_t ph = dtg_be32(ac), n = 0;
		int t;

		ac += 4;
		if (ph) {
			t = dtg_host_phandle_offset(h, ph);
			if (t < 0 || dtg_host_get_u32(h, t, "#clock-cells", &n) ||
			    (size_t)(end - ac) < (size_t)n * 4)
				return 0;
			if (ph == d->phandle && n == d->ncells) {
				bool eq = true;
				for (uint32_t i = 0; i < n && i < DTG_MAX_CELLS; i++)
					if (dtg_be32(ac + 4 * i) != d->cells[i])
						eq = false;
				if (eq)
					return (size_t)(j + 1) * 4 <= (size_t)rlen ?
					       dtg_be32(rates + 4 * j) : 0;
			}
		}
		ac += (size_t)n * 4;
		j++;
	}
	return 0;
}

static uint64_t clock_rate(const struct dtg_host_devb *b, int provider,
			   const struct dtg_dep *d)
{
	const dtg_host *h = b->h;
	const uint8_t *f;
	int len;

	if (dtg_host_is_compatible(h, provider, "fixed-clock")) {
		f = fdt_getprop(h->fdt, provider, "clock-frequency", &len);
		if (f && (len == 4 || len == 8))
			return dtg_read_cells(f, len / 4);
	}
	return assigned_rate(b, d);
}

static void parse_list(struct dtg_host_devb *b, const char *prop,
		       const char *cells, const char *names, int name_index,
		       enum dtg_dep_kind kind)
{
	const dtg_host *h = b->h;
	const uint8_t *p, *end;
	char path[512];
	int len;

	p = dtg_host_devb_getprop(b, prop, &len);
	if (!p || len <= 0)
		return;
	if (len % 4) {
		dtg_host_devb_error(b, "%s: %d bytes is not a whole number of cells",
				    prop, len);
		return;
	}
	end = p + len;
	for (int index = 0; p < end; index++) {
		uint32_t ph = dtg_be32(p), n = 0;
		struct dtg_dep d;
		int t;

		p += 4;
		if (!ph)
			continue; /* an empty entry (Linux skips phandle 0) */
		t = dtg_host_phandle_offset(h, ph);
		if (t < 0) {
			dtg_host_devb_error(b, "%s: entry %d: no node with phandle 0x%x",
					    prop, index, ph);
			if (cells)
				return; /* cannot know how many cells to skip */
			continue;
		}
		if (cells && dtg_host_get_u32(h, t, cells, &n)) {
			dtg_host_devb_error(b, "%s: entry %d: %s has no %s", prop,
					    index, dtg_host_path(h, t, path, sizeof(path)),
					    cells);
			return;
		}
		if ((size_t)(end - p) < (size_t)n * 4) {
			dtg_host_devb_error(b, "%s: entry %d: %zu cells left, %s needs %u",
					    prop, index, (size_t)(end - p) / 4,
					    dtg_host_path(h, t, path, sizeof(path)), n);
			return;
		}
		if (n > DTG_MAX_CELLS) {
			dtg_host_devb_error(b, "%s: entry %d: %s %u of %s is more than %d",
					    prop, index, cells, n,
					    dtg_host_path(h, t, path, sizeof(path)),
					    DTG_MAX_CELLS);
			p += (size_t)n * 4;
			continue;
		}
		memset(&d, 0, sizeof(d));
		d.kind = kind;
		d.prop = prop;
		d.index = index;
		d.name = dtg_host_devb_string(b, names,
					      name_index >= 0 ? name_index : index);
		d.phandle = ph;
		d.ncells = n;
		for (uint32_t i = 0; i < n; i++)
			d.cells[i] = dtg_be32(p + 4 * i);
		p += (size_t)n * 4;
		if (kind == DTG_DEP_CLOCK)
			d.rate = clock_rate(b, t, &d);
		dtg_host_devb_dep(b, &d, t);
	}
}

/* A pinctrl-N property: phandles (0 cells each), named by pinctrl-names[N]. */
static void parse_pinctrl(struct dtg_host_devb *b, const char *name)
{
	char *endp;
	unsigned long n;

	if (strncmp(name, "pinctrl-", 8) || name[8] < '0' || name[8] > '9')
		return;
	n = strtoul(name + 8, &endp, 10);
	if (*endp || n > INT32_MAX)
		return;
	parse_list(b, name, NULL, "pinctrl-names", (int)n, DTG_DEP_PINCTRL);
}

void dtg_host_resolve_deps(struct dtg_host_devb *b)
{
	for (size_t i = 0; i < DTG_ARRAY_SIZE(dep_props); i++)
		parse_list(b, dep_props[i].prop, dep_props[i].cells,
			   dep_props[i].names, -1, dep_props[i].kind);

	/* pinctrl-N: lists of phandles (0 cells each), named by pinctrl-names[N] */
	if (!b->prop_overflow) {
		for (size_t i = 0; i < b->nprop; i++)
			parse_pinctrl(b, b->prop[i].name);
	} else {
		const void *fdt = b->h->fdt;
		const char *name;
		int prop;

		fdt_for_each_property_offset(prop, fdt, b->offset)
			if (fdt_getprop_by_offset(fdt, prop, &name, NULL) && name)
				parse_pinctrl(b, name);
	}
}
