/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/dom0less-place.c - where the boot loader puts each module: inside
 * host RAM, clear of reserved memory, of each other and of the area the
 * boot loader keeps for Xen and the DTB.
 */
#include <stdlib.h>
#include <libfdt.h>

#include "dom0less-internal.h"

static int cmp_region(const void *a, const void *b)
{
	const struct dtg_region *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

static int add_region(struct dtg_dom0less *b, struct dtg_region **arr,
		      size_t *n, size_t *cap, uint64_t base, uint64_t size,
		      const char *what)
{
	int r;

	if (!size)
		return 0;
	r = dtg_grow(b->ctx, (void **)arr, cap, *n + 1, sizeof(**arr));
	if (r)
		return r;
	(*arr)[(*n)++] = (struct dtg_region){ base, size, what };
	return 0;
}

/* Cells of a node for its children's reg (DT defaults 2/1). */
static void node_cells(const void *fdt, int node, int *ac, int *sc)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, node, "#address-cells", &len);
	*ac = p && len == 4 ? (int)fdt32_to_cpu(*p) : 2;
	p = fdt_getprop(fdt, node, "#size-cells", &len);
	*sc = p && len == 4 ? (int)fdt32_to_cpu(*p) : 1;
}

/* Append every (addr, size) of node's reg, read with (ac, sc) cells. */
static int add_reg(struct dtg_dom0less *b, struct dtg_region **arr, size_t *n,
		   size_t *cap, int node, int ac, int sc, const char *what)
{
	const void *fdt = dtg_host_fdt(b->host);
	const uint8_t *p;
	int len, stride = 4 * (ac + sc);

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return dtg_error(b->ctx, DTG_ECELLS,
				 "%s: %s: reg: %d address and %d size cells are "
				 "not supported for memory", dtg_host_name(b->host),
				 what, ac, sc);
	p = fdt_getprop(fdt, node, "reg", &len);
	if (!p)
		return 0;
	if (len % stride)
		return dtg_error(b->ctx, DTG_ECELLS,
				 "%s: %s: reg: %d bytes is not a multiple of %d",
				 dtg_host_name(b->host), what, len, stride);
	for (int off = 0; off < len; off += stride) {
		int r = add_region(b, arr, n, cap, dtg_read_cells(p + off, ac),
				   dtg_read_cells(p + off + 4 * ac, sc), what);
		if (r)
			return r;
	}
	return 0;
}

int dtg_dom0less_read_memory(struct dtg_dom0less *b)
{
	const void *fdt = dtg_host_fdt(b->host);
	size_t capbank = 0, capres = 0;
	int ac, sc, node, r, nrsv;

	node_cells(fdt, 0, &ac, &sc);
	fdt_for_each_subnode(node, fdt, 0) {
		const char *name = fdt_get_name(fdt, node, NULL);
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const char *st = fdt_getprop(fdt, node, "status", NULL);

		if (!(type && !strcmp(type, "memory")) &&
		    strncmp(name, "memory", 6))
			continue;
		if (st && strcmp(st, "okay") && strcmp(st, "ok"))
			continue;
		r = add_reg(b, &b->bank, &b->nbank, &capbank, node, ac, sc,
			    "/memory");
		if (r)
			return r;
	}
	if (!b->nbank)
		return dtg_error(b->ctx, DTG_ENOTFOUND,
				 "%s: /memory: no RAM bank in the host DT",
				 dtg_host_name(b->host));

	/* /memreserve/ entries */
	nrsv = fdt_num_mem_rsv(fdt);
	for (int i = 0; i < nrsv; i++) {
		uint64_t addr, size;

		if (fdt_get_mem_rsv(fdt, i, &addr, &size) == 0) {
			r = add_region(b, &b->reserved, &b->nreserved, &capres,
				       addr, size, "/memreserve/");
			if (r)
				return r;
		}
	}

	/* /reserved-memory children, in /reserved-memory's cells */
	node = fdt_path_offset(fdt, "/reserved-memory");
	if (node >= 0) {
		int rac, rsc, child;

		node_cells(fdt, node, &rac, &rsc);
		fdt_for_each_subnode(child, fdt, node) {
			r = add_reg(b, &b->reserved, &b->nreserved, &capres, child,
				    rac, rsc, fdt_get_name(fdt, child, NULL));
			if (r)
				return r;
		}
	}
	qsort(b->bank, b->nbank, sizeof(*b->bank), cmp_region);
	if (b->nreserved)
		qsort(b->reserved, b->nreserved, sizeof(*b->reserved),
		      cmp_region);
	return 0;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static bool overlaps(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return a < b + bs && b < a + as;
}

/* The bank holding addr, or NULL. */
static const struct dtg_region *bank_of(const struct dtg_dom0less *b,
					uint64_t addr)
{
	for (size_t i = 0; i < b->nbank; i++)
		if (addr >= b->bank[i].base &&
		    addr - b->bank[i].base < b->bank[i].size)
			return &b->bank[i];
	return NULL;
}

/*
 * First 2 MiB-aligned address >= *cursor where size bytes fit in one bank,
 * clear of reserved memory and of the modules placed so far.
 */
static int find_slot(struct dtg_dom0less *b, uint64_t *cursor, uint64_t size,
		     uint64_t *addr)
{
	uint64_t a = align_up(*cursor, DTG_DOM0LESS_ALIGN);

	for (;;) {
		const struct dtg_region *bank = bank_of(b, a);
		bool moved = false;

		if (!bank) {
			/* jump to the next bank above a */
			uint64_t next = UINT64_MAX;

			for (size_t i = 0; i < b->nbank; i++)
				if (b->bank[i].base > a && b->bank[i].base < next)
					next = b->bank[i].base;
			if (next == UINT64_MAX)
				return -DTG_ENOSPACE;
			a = align_up(next, DTG_DOM0LESS_ALIGN);
			continue;
		}
		if (a + size < a || a + size > bank->base + bank->size) {
			a = bank->base + bank->size; /* try the next bank */
			continue;
		}
		for (size_t i = 0; i < b->nreserved; i++) {
			const struct dtg_region *rv = &b->reserved[i];

			if (overlaps(a, size, rv->base, rv->size)) {
				a = align_up(rv->base + rv->size,
					     DTG_DOM0LESS_ALIGN);
				moved = true;
				break;
			}
		}
		for (size_t i = 0; !moved && i < b->nmodule; i++) {
			const struct dtg_dom0less_module *m = &b->module[i];

			if (overlaps(a, size, m->addr, m->size)) {
				a = align_up(m->addr + m->size,
					     DTG_DOM0LESS_ALIGN);
				moved = true;
			}
		}
		if (!moved)
			break;
	}
	*addr = a;
	*cursor = a + size;
	return 0;
}

static int place(struct dtg_dom0less *b, uint64_t *cursor, size_t *cap,
		 size_t guest, enum dtg_module_kind kind, const char *path,
		 uint64_t size)
{
	static const char *const kind_name[] = { "kernel", "ramdisk",
						 "partial device tree" };
	uint64_t addr;
	int r;

	/* a file an earlier guest loads already: point at that copy */
	for (size_t i = 0; path && i < b->nmodule; i++) {
		const struct dtg_dom0less_module *m = &b->module[i];

		if (m->kind == kind && m->path && !strcmp(m->path, path) &&
		    m->size == size) {
			r = dtg_grow(b->ctx, (void **)&b->module, cap,
				     b->nmodule + 1, sizeof(*b->module));
			if (r)
				return r;
			b->module[b->nmodule++] = (struct dtg_dom0less_module){
				guest, kind, path, m->addr, size, true };
			return 0;
		}
	}
	r = find_slot(b, cursor, size, &addr);
	if (r)
		return dtg_error(b->ctx, DTG_ENOSPACE,
				 "%s: /memory: no room for %s's %s "
				 "(%llu bytes) above 0x%llx",
				 dtg_host_name(b->host), dtg_dom0less_dom_name(b, guest),
				 kind_name[kind], (unsigned long long)size,
				 (unsigned long long)*cursor);
	r = dtg_grow(b->ctx, (void **)&b->module, cap, b->nmodule + 1,
		     sizeof(*b->module));
	if (r)
		return r;
	b->module[b->nmodule++] = (struct dtg_dom0less_module){
		guest, kind, path, addr, size, false };
	return 0;
}

/* Refuse a user's base outside RAM or inside reserved memory. */
static int check_load_base(struct dtg_dom0less *b, uint64_t base)
{
	if (!bank_of(b, base))
		return dtg_error(b->ctx, DTG_ERANGE,
				 "%s: /memory: load base 0x%llx is not in host RAM",
				 dtg_host_name(b->host), (unsigned long long)base);
	for (size_t i = 0; i < b->nreserved; i++) {
		const struct dtg_region *rv = &b->reserved[i];

		if (base >= rv->base && base - rv->base < rv->size)
			return dtg_error(b->ctx, DTG_EOVERLAP,
					 "%s: %s: reg: load base 0x%llx is inside "
					 "reserved memory 0x%llx+0x%llx",
					 dtg_host_name(b->host), rv->what,
					 (unsigned long long)base,
					 (unsigned long long)rv->base,
					 (unsigned long long)rv->size);
	}
	return 0;
}

/*
 * Static memory: each bank inside one host RAM bank, clear of reserved
 * memory and of every other guest's banks.  The banks then count as
 * reserved, so no module is placed on them.
 */
static int claim_static_mem(struct dtg_dom0less *b)
{
	size_t cap = b->nreserved;

	for (size_t g = 0; g < b->nguest; g++) {
		struct dtg_domain_info info;

		dtg_domain_get_info(b->guest[g].g.domain, &info);
		for (size_t k = 0; k < info.nstatic_mem; k++) {
			uint64_t base = info.static_mem[k][0];
			uint64_t size = info.static_mem[k][1];
			const struct dtg_region *bank = bank_of(b, base);
			int r;

			if (!bank || base + size - bank->base > bank->size)
				return dtg_error(b->ctx, DTG_ERANGE,
						 "%s: /memory: guest '%s': static_mem: "
						 "0x%llx+0x%llx is not inside one RAM bank",
						 dtg_host_name(b->host), b->guest[g].name,
						 (unsigned long long)base,
						 (unsigned long long)size);
			for (size_t i = 0; i < b->nreserved; i++) {
				const struct dtg_region *rv = &b->reserved[i];

				if (overlaps(base, size, rv->base, rv->size))
					return dtg_error(b->ctx, DTG_EOVERLAP,
							 "%s: %s: guest '%s': static_mem: "
							 "0x%llx+0x%llx overlaps 0x%llx+0x%llx",
							 dtg_host_name(b->host), rv->what,
							 b->guest[g].name,
							 (unsigned long long)base,
							 (unsigned long long)size,
							 (unsigned long long)rv->base,
							 (unsigned long long)rv->size);
			}
			r = add_region(b, &b->reserved, &b->nreserved, &cap, base,
				       size, b->guest[g].name);
			if (r)
				return r;
		}
	}
	return 0;
}

/* Guests' RAM comes from what is left of host RAM. */
static int check_guest_memory(struct dtg_dom0less *b)
{
	uint64_t total = 0, used = 0, want = 0, free_ram;

	for (size_t i = 0; i < b->nbank; i++)
		total += b->bank[i].size;
	for (size_t i = 0; i < b->nreserved; i++)
		if (bank_of(b, b->reserved[i].base))
			used += b->reserved[i].size;
	for (size_t i = 0; i < b->nmodule; i++)
		if (!b->module[i].shared)
			used += align_up(b->module[i].size, DTG_DOM0LESS_ALIGN);
	free_ram = used < total ? total - used : 0;
	/* dom0 first: Xen allocates it before the guests (512M by default) */
	if (b->dom0.present) {
		want = (b->dom0.memory_mib ? b->dom0.memory_mib : 512) << 20;
		if (want > free_ram)
			return dtg_error(b->ctx, DTG_ENOSPACE,
					 "%s: /memory: dom0: memory: %llu MiB but only "
					 "%llu MiB of host RAM are free",
					 dtg_host_name(b->host),
					 (unsigned long long)(want >> 20),
					 (unsigned long long)(free_ram >> 20));
	}
	for (size_t i = 0; i < b->nguest; i++) {
		struct dtg_domain_info info;

		dtg_domain_get_info(b->guest[i].g.domain, &info);
		if (info.nstatic_mem)
			continue;   /* its banks are counted as reserved */
		want += info.memory_mib << 20;
		if (want > free_ram)
			return dtg_error(b->ctx, DTG_ENOSPACE,
					 "%s: /memory: guest '%s': memory: the "
					 "guests need %llu MiB but only %llu MiB "
					 "of host RAM are free",
					 dtg_host_name(b->host), b->guest[i].name,
					 (unsigned long long)(want >> 20),
					 (unsigned long long)(free_ram >> 20));
	}
	return 0;
}

int dtg_dom0less_place_modules(struct dtg_dom0less *b)
{
	uint64_t cursor, first_base = b->bank[0].base;
	size_t cap = 0;
	int r;

	r = claim_static_mem(b);
	if (r)
		return r;
	if (b->load_base) {
		r = check_load_base(b, b->load_base);
		if (r)
			return r;
		cursor = b->load_base;
	} else {
		cursor = first_base + DTG_DOM0LESS_DEFAULT_OFFSET;
	}
	if (b->dom0.present) {
		r = place(b, &cursor, &cap, DTG_DOM0LESS_DOM0, DTG_MODULE_KERNEL,
			  b->dom0.kernel, b->dom0.kernel_size);
		if (!r && b->dom0.ramdisk)
			r = place(b, &cursor, &cap, DTG_DOM0LESS_DOM0,
				  DTG_MODULE_RAMDISK, b->dom0.ramdisk,
				  b->dom0.ramdisk_size);
		if (r)
			return r;
	}
	for (size_t i = 0; i < b->nguest; i++) {
		const struct dtg_dom0less_gstate *gs = &b->guest[i];
		struct dtg_domain_info info;

		dtg_domain_get_info(gs->g.domain, &info);
		r = place(b, &cursor, &cap, i, DTG_MODULE_KERNEL, info.kernel,
			  gs->g.kernel_size);
		if (!r && info.ramdisk)
			r = place(b, &cursor, &cap, i, DTG_MODULE_RAMDISK,
				  info.ramdisk, gs->g.ramdisk_size);
		if (!r && gs->partial)
			r = place(b, &cursor, &cap, i, DTG_MODULE_DEVICE_TREE,
				  NULL, gs->partial_size);
		if (r)
			return r;
	}
	r = check_guest_memory(b);
	if (r)
		return r;

	/*
	 * boot.cmd loads Xen 2 MiB into the first bank and the DTB 2 MiB below
	 * the first module, the gap boot loaders keep for them; when the user
	 * moved the modules down into that gap, both go above the modules.
	 */
	b->xen_addr = align_up(first_base + DTG_DOM0LESS_ALIGN,
			       DTG_DOM0LESS_ALIGN);
	b->dtb_addr = b->module[0].addr - DTG_DOM0LESS_ALIGN;
	if (b->module[0].addr < first_base + 4 * DTG_DOM0LESS_ALIGN ||
	    b->dtb_addr < b->xen_addr + 2 * DTG_DOM0LESS_ALIGN) {
		r = find_slot(b, &cursor, 64ULL << 20, &b->xen_addr);
		if (!r)
			r = find_slot(b, &cursor, DTG_DOM0LESS_ALIGN, &b->dtb_addr);
		if (r)
			return dtg_error(b->ctx, DTG_ENOSPACE,
					 "%s: /memory: no room left for Xen and "
					 "the DTB", dtg_host_name(b->host));
	}
	return 0;
}
