/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/finalize-node.c - the guest node of every passthrough device: the
 * host node's properties in the host's order, with reg, interrupts and
 * clocks rewritten for the guest, status "okay", and every property that
 * refers to a node the guest does not get dropped (with its *-names
 * partner, each drop logged) unless the description keeps it.  Children
 * without MMIO or interrupts of their own (PHYs, MDIO buses) are copied
 * with the same filtering; phandles between copied nodes are remapped to
 * fresh guest phandles.
 *
 * Three passes over the copied nodes: collect them, mark the ones a kept
 * property refers to (they get guest phandles), then emit.  Marking and
 * emitting use the same classification, so they always agree.
 */
#include <stdio.h>
#include <stdlib.h>

#include <libfdt.h>

#include "host-internal.h"
#include "finalize-internal.h"

#define HX(v) ((unsigned long long)(v))

enum prop_action {
	P_COPY,        /* verbatim */
	P_DROP,        /* dropped, logged */
	P_DROP_QUIET,  /* dropped, not worth a warning (xen,*, unused phandle) */
	P_REMAP,       /* phandles rewritten to guest phandles */
	P_REG,         /* device: guest reg */
	P_IRQ,         /* device: interrupt-parent + 3-cell interrupts */
	P_CLOCKS,      /* device: generated fixed clocks */
	P_STATUS,      /* device: "okay" */
	P_PHANDLE,     /* the node's own phandle */
};

struct prop_decision {
	enum prop_action act;
	const struct dtg_phandle_prop *t;
	const char *why;       /* P_DROP: reason */
	int missing_off;       /* P_DROP: a node the guest does not get, or -1 */
	uint32_t missing_ph;   /* P_DROP: a dangling phandle, or 0 */
	bool kept;             /* P_COPY at the description's request */
};

/* ---- the copy set ---- */

struct dtg_fin_copy *dtg_fin_copy_find(const struct dtg_fin *f, int offset)
{
	size_t lo = 0, hi = f->ncopy;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int o = f->copy[f->copy_by_off[mid]].offset;

		if (o == offset)
			return &f->copy[f->copy_by_off[mid]];
		if (o < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int add_copy(struct dtg_fin *f, int offset, size_t p, int parent)
{
	if (dtg_grow(f->ctx, (void **)&f->copy, &f->ccopy, f->ncopy + 1,
		     sizeof(*f->copy)))
		return dtg_error(f->ctx, DTG_ENOMEM, "finalize: out of memory");
	memset(&f->copy[f->ncopy], 0, sizeof(f->copy[0]));
	f->copy[f->ncopy].offset = offset;
	f->copy[f->ncopy].pt = p;
	f->copy[f->ncopy].parent = parent;
	if (parent >= 0)
		f->copy[parent].nchild++;
	f->ncopy++;
	return 0;
}

/*
 * Does a reg under bus translate to CPU addresses?  Only if the bus and
 * every ancestor bus up to the root have ranges (Linux
 * of_translate_address): a flash partition's or an nvmem cell's reg is
 * an offset in its parent device, not MMIO.
 */
static bool reg_is_mmio(const struct dtg_fin *f, int bus)
{
	for (int n = bus; n > 0; n = dtg_host_parent_offset(f->host, n))
		if (!fdt_getprop(f->fdt, n, "ranges", NULL))
			return false;
	return true;
}

/*
 * A child is part of the device unless it has MMIO or interrupts of its
 * own: bus slaves (#size-cells 0), partitions and nvmem cells are copied,
 * as Xen and libxl copy a partial DT's children as they are.
 */
static bool child_is_copied(const struct dtg_fin *f, int parent, int child)
{
	if (fdt_getprop(f->fdt, child, "interrupts", NULL) ||
	    fdt_getprop(f->fdt, child, "interrupts-extended", NULL))
		return false;
	if (fdt_getprop(f->fdt, child, "reg", NULL) &&
	    dtg_host_size_cells(f->host, parent) != 0 &&
	    reg_is_mmio(f, parent))
		return false;
	return true;
}

static int collect_children(struct dtg_fin *f, size_t idx)
{
	int parent = f->copy[idx].offset, child, rc;

	fdt_for_each_subnode(child, f->fdt, parent) {
		if (!child_is_copied(f, parent, child)) {
			char path[256];

			dtg_host_path(f->host, child, path, sizeof(path));
			dtg_log(f->ctx, DTG_LOG_WARN,
				"%s: %s: reg: child node not copied to the guest: it has MMIO or interrupts of its own (pass it through separately)",
				f->hname, path);
			continue;
		}
		rc = add_copy(f, child, f->copy[idx].pt, (int)idx);
		if (rc)
			return rc;
		rc = collect_children(f, f->ncopy - 1);
		if (rc)
			return rc;
	}
	return 0;
}

/* Sort copy indices by host offset (merge sort: qsort has no context). */
static void sort_copies(struct dtg_fin *f, size_t *tmp)
{
	size_t n = f->ncopy;
	size_t *a = f->copy_by_off, *b = tmp;

	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				b[k++] = f->copy[a[j]].offset < f->copy[a[i]].offset ?
					 a[j++] : a[i++];
			while (i < mid)
				b[k++] = a[i++];
			while (j < hi)
				b[k++] = a[j++];
		}
		size_t *t = a;
		a = b;
		b = t;
	}
	if (a != f->copy_by_off)
		memcpy(f->copy_by_off, a, n * sizeof(*a));
}

static int collect(struct dtg_fin *f)
{
	size_t *tmp;
	int rc;

	for (size_t p = 0; p < f->d->npt; p++) {
		rc = add_copy(f, f->d->pt[p].host_offset, p, -1);
		if (rc)
			return rc;
		rc = collect_children(f, f->ncopy - 1);
		if (rc)
			return rc;
	}
	f->copy_by_off = dtg_alloc(f->ctx, (f->ncopy + 1) * sizeof(size_t));
	tmp = dtg_alloc(f->ctx, (f->ncopy + 1) * sizeof(size_t));
	if (!f->copy_by_off || !tmp) {
		dtg_free(f->ctx, tmp);
		return dtg_error(f->ctx, DTG_ENOMEM, "finalize: out of memory");
	}
	for (size_t i = 0; i < f->ncopy; i++)
		f->copy_by_off[i] = i;
	sort_copies(f, tmp);
	dtg_free(f->ctx, tmp);
	for (size_t i = 1; i < f->ncopy; i++) {
		const struct dtg_fin_copy *x = &f->copy[f->copy_by_off[i - 1]];
		const struct dtg_fin_copy *y = &f->copy[f->copy_by_off[i]];

		if (x->offset == y->offset) {
			const struct dtg_fin_copy *child = x->parent >= 0 ? x : y;
			const struct dtg_fin_copy *dev = x->parent >= 0 ? y : x;

			return dtg_error(f->ctx, DTG_EDUPLICATE,
					 "%s: %s: passthrough: this node is also copied as a child of %s",
					 f->hname, f->d->pt[dev->pt].host_path,
					 f->d->pt[child->pt].host_path);
		}
	}
	return 0;
}

/* ---- classifying a property ---- */

static bool is_kept(const struct dtg_pt *pt, const char *name)
{
	for (size_t i = 0; i < pt->nkeep; i++)
		if (!strcmp(pt->keep[i], name))
			return true;
	return false;
}

struct walk_present {
	const struct dtg_fin *f;
	int missing_off;
};

static int target_present(void *opaque, size_t cell, int target)
{
	struct walk_present *w = opaque;

	(void)cell;
	if (dtg_fin_copy_find(w->f, target))
		return 0;
	w->missing_off = target;
	return -1;
}

static void classify(const struct dtg_fin *f, const struct dtg_fin_copy *c,
		     const char *name, const void *val, int len,
		     struct prop_decision *dec)
{
	const struct dtg_pt *pt = &f->d->pt[c->pt];
	bool root = c->parent < 0;

	memset(dec, 0, sizeof(*dec));
	dec->missing_off = -1;
	dec->act = P_COPY;
	if (!strncmp(name, "xen,", 4)) {
		dec->act = P_DROP_QUIET;  /* Xen's own markers (xen,passthrough) */
		return;
	}
	if (!strcmp(name, "phandle") || !strcmp(name, "linux,phandle")) {
		dec->act = P_PHANDLE;
		return;
	}
	if (root) {
		if (!strcmp(name, "reg")) {
			dec->act = P_REG;
			return;
		}
		if (!strcmp(name, "interrupts") || !strcmp(name, "interrupts-extended") ||
		    !strcmp(name, "interrupt-parent")) {
			dec->act = P_IRQ;
			return;
		}
		if (!strcmp(name, "clocks")) {
			dec->act = P_CLOCKS;
			return;
		}
		if (!strcmp(name, "status")) {
			dec->act = P_STATUS;
			return;
		}
		if (!strcmp(name, "ranges") || !strcmp(name, "dma-ranges")) {
			dec->act = P_DROP;
			dec->why = "it describes host bus addresses";
		} else if (!strcmp(name, "interrupt-map") ||
			   !strcmp(name, "interrupt-map-mask")) {
			dec->act = P_DROP;
			dec->why = "it routes interrupts to host controllers";
		}
	}
	/* A gpio-hog's gpios is <line flags...>: no phandle (gpio.txt). */
	if (dec->act == P_COPY &&
	    !(!strcmp(name, "gpios") &&
	      fdt_getprop(f->fdt, c->offset, "gpio-hog", NULL))) {
		dec->t = dtg_phandle_prop_lookup(name);
		if (dec->t) {
			struct walk_present w = { f, -1 };
			uint32_t missing = 0;

			if (dtg_phandle_prop_walk(f->host, dec->t, val, len,
						  target_present, &w, &missing)) {
				dec->act = P_DROP;
				dec->missing_off = w.missing_off;
				dec->missing_ph = missing;
				if (dec->t->layout == DTG_PH_DROP)
					dec->why = "its phandles refer to host nodes";
				else if (w.missing_off < 0 && !missing)
					dec->why = "its phandle specifiers do not parse";
			} else {
				dec->act = P_REMAP;
			}
		}
	}
	if (dec->act == P_DROP && root && is_kept(pt, name)) {
		dec->act = P_COPY;
		dec->kept = true;
	}
}

/* ---- marking referenced nodes ---- */

static int mark_target(void *opaque, size_t cell, int target)
{
	struct dtg_fin_copy *c = dtg_fin_copy_find(opaque, target);

	(void)cell;
	if (c)
		c->referenced = true;
	return 0;
}

static void mark_references(struct dtg_fin *f)
{
	for (size_t i = 0; i < f->ncopy; i++) {
		int po;

		fdt_for_each_property_offset(po, f->fdt, f->copy[i].offset) {
			const char *name;
			int len;
			const void *val = fdt_getprop_by_offset(f->fdt, po, &name, &len);
			struct prop_decision dec;
			uint32_t missing;

			if (!val)
				continue;
			classify(f, &f->copy[i], name, val, len, &dec);
			if (dec.act == P_REMAP)
				dtg_phandle_prop_walk(f->host, dec.t, val, len,
						      mark_target, f, &missing);
		}
	}
}

/* ---- emitting ---- */

struct remap_ctx {
	const struct dtg_fin *f;
	uint32_t *cells;
	uint32_t *local;       /* indices of the cells rewritten */
	uint32_t nlocal;
};

static int remap_cell(void *opaque, size_t cell, int target)
{
	struct remap_ctx *r = opaque;
	const struct dtg_fin_copy *c = dtg_fin_copy_find(r->f, target);

	if (!c || !c->guest_phandle)
		return -1;
	r->cells[cell] = cpu_to_fdt32(c->guest_phandle);
	r->local[r->nlocal++] = (uint32_t)cell;
	return 0;
}

static void *arena_cells(struct dtg_fin *f, size_t n)
{
	return dtg_arena_alloc(f->a, n ? n * 4 : 4);
}

static const char *node_path(const struct dtg_fin *f, int off, char *buf, size_t n)
{
	/* O(depth log n), unlike libfdt's fdt_get_path (O(n)). */
	return dtg_host_path(f->host, off, buf, n);
}

static void log_drop(struct dtg_fin *f, const char *path, const char *name,
		     const struct prop_decision *dec)
{
	char tpath[256];

	if (dec->missing_off >= 0)
		dtg_log(f->ctx, DTG_LOG_WARN,
			"%s: %s: %s: dropped: it refers to %s, which the guest does not get",
			f->hname, path, name,
			node_path(f, dec->missing_off, tpath, sizeof(tpath)));
	else if (dec->missing_ph)
		dtg_log(f->ctx, DTG_LOG_WARN,
			"%s: %s: %s: dropped: phandle 0x%x is not in the host DT",
			f->hname, path, name, dec->missing_ph);
	else
		dtg_log(f->ctx, DTG_LOG_WARN, "%s: %s: %s: dropped: %s",
			f->hname, path, name, dec->why ? dec->why : "not for the guest");
}

static int emit_reg(struct dtg_fin *f, const struct dtg_pt *pt, struct dtg_gprop *out)
{
	uint32_t *c = arena_cells(f, 4 * pt->nrange);

	if (!c)
		return -DTG_ENOMEM;
	for (size_t r = 0; r < pt->nrange; r++) {
		c[4 * r + 0] = cpu_to_fdt32((uint32_t)(pt->range[r].guest_addr >> 32));
		c[4 * r + 1] = cpu_to_fdt32((uint32_t)pt->range[r].guest_addr);
		c[4 * r + 2] = cpu_to_fdt32((uint32_t)(pt->range[r].size >> 32));
		c[4 * r + 3] = cpu_to_fdt32((uint32_t)pt->range[r].size);
	}
	*out = DTG_GPROP("reg", c, (uint32_t)(16 * pt->nrange));
	return 0;
}

/* interrupt-parent = <GIC> and the 3-cell form of every host specifier. */
static int emit_irqs(struct dtg_fin *f, const struct dtg_pt *pt,
		     struct dtg_gprop *out)
{
	const struct dtg_device *dev = pt->host;
	uint32_t *ip = arena_cells(f, 1), *c = arena_cells(f, 3 * dev->nirq);

	if (!ip || !c)
		return -DTG_ENOMEM;
	*ip = cpu_to_fdt32(DTG_GUEST_PHANDLE_GIC);
	for (size_t i = 0; i < dev->nirq; i++) {
		const struct dtg_irq *q = &dev->irq[i];

		/* SPIs only (dtg_irq_check_passable) */
		c[3 * i + 0] = cpu_to_fdt32(0);
		c[3 * i + 1] = cpu_to_fdt32(q->intid - 32);
		c[3 * i + 2] = cpu_to_fdt32(q->flags);
	}
	out[0] = DTG_GPROP("interrupt-parent", ip, 4);
	out[1] = DTG_GPROP("interrupts", c, (uint32_t)(12 * dev->nirq));
	return 0;
}

static int emit_clocks(struct dtg_fin *f, const struct dtg_pt *pt,
		       struct dtg_gprop *out)
{
	const struct dtg_device *dev = pt->host;
	size_t n = 0;
	uint32_t *c, *local;

	for (size_t i = 0; i < dev->ndep; i++)
		if (dev->dep[i].kind == DTG_DEP_CLOCK && !strcmp(dev->dep[i].prop, "clocks"))
			n++;
	c = arena_cells(f, n);
	if (!c)
		return -DTG_ENOMEM;
	n = 0;
	for (size_t i = 0; i < dev->ndep; i++) {
		const struct dtg_fin_clock *k;

		if (dev->dep[i].kind != DTG_DEP_CLOCK || strcmp(dev->dep[i].prop, "clocks"))
			continue;
		k = dtg_fin_clock_find(f, &dev->dep[i]);
		if (!k)
			return dtg_error(f->ctx, DTG_EINVAL,
					 "%s: %s: clocks: clock %d has no guest clock",
					 f->hname, pt->host_path, dev->dep[i].index);
		c[n++] = cpu_to_fdt32(k->guest_phandle);
	}
	/* every cell is the phandle of a generated fixed clock */
	local = dtg_arena_alloc(f->a, n ? 4 * n : 4);
	if (!local)
		return -DTG_ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		local[i] = i;
	*out = (struct dtg_gprop){ .name = "clocks", .val = c,
				   .len = (uint32_t)(4 * n), .local_ph = local,
				   .nlocal_ph = (uint32_t)n };
	return 0;
}

static char *guest_node_name(struct dtg_fin *f, const struct dtg_fin_copy *c)
{
	const struct dtg_pt *pt = &f->d->pt[c->pt];
	const char *host = fdt_get_name(f->fdt, c->offset, NULL);
	size_t base = strcspn(host, "@");
	char *name;

	if (c->parent >= 0)
		return dtg_arena_strdup(f->a, host);
	name = dtg_arena_alloc(f->a, base + 20);
	if (!name)
		return NULL;
	memcpy(name, host, base);
	if (pt->nrange)
		sprintf(name + base, "@%llx", HX(pt->range[0].guest_addr));
	else
		name[base] = '\0';
	return name;
}

/* Is name a partner of a property dropped from this node? */
static const char *dropped_partner(const char *const *partners, size_t n,
				   const char *const *owners, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(partners[i], name))
			return owners[i];
	return NULL;
}

static int emit_node(struct dtg_fin *f, struct dtg_fin_copy *c)
{
	const struct dtg_pt *pt = &f->d->pt[c->pt];
	struct dtg_gnode *g = c->gnode;
	const char *partners[32], *owners[32];
	size_t npart = 0, nprop = 0, cap;
	bool root = c->parent < 0, did_irq = false, did_phandle = false;
	bool had_status = false;
	char path[256];
	int po, rc;

	node_path(f, c->offset, path, sizeof(path));
	/* Pass 1: count, and collect the partners of dropped properties. */
	cap = 4;
	fdt_for_each_property_offset(po, f->fdt, c->offset) {
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(f->fdt, po, &name, &len);
		struct prop_decision dec;

		cap++;
		if (!val)
			continue;
		classify(f, c, name, val, len, &dec);
		if (dec.act == P_DROP && dec.t)
			for (size_t k = 0; k < DTG_ARRAY_SIZE(dec.t->partner); k++)
				if (dec.t->partner[k] && npart < DTG_ARRAY_SIZE(partners)) {
					partners[npart] = dec.t->partner[k];
					owners[npart++] = dec.t->name[0] == '*' ||
							  !strcmp(dec.t->name, "pinctrl-N") ?
							  name : dec.t->name;
				}
	}
	g->prop = dtg_arena_alloc(f->a, cap * sizeof(*g->prop));
	g->name = guest_node_name(f, c);
	if (!g->prop || !g->name)
		return -DTG_ENOMEM;
	if (c->nchild) {
		g->child = dtg_arena_alloc(f->a, c->nchild * sizeof(*g->child));
		if (!g->child)
			return -DTG_ENOMEM;
		g->nchild = c->nchild;
	}

	/* Pass 2: emit in the host's order. */
	fdt_for_each_property_offset(po, f->fdt, c->offset) {
		const char *name, *owner;
		int len;
		const void *val = fdt_getprop_by_offset(f->fdt, po, &name, &len);
		struct prop_decision dec;
		struct remap_ctx rm;
		uint32_t missing;

		if (!val || len < 0)
			continue;
		classify(f, c, name, val, len, &dec);
		owner = dropped_partner(partners, npart, owners, name);
		if (owner && dec.act != P_DROP && !(root && is_kept(pt, name))) {
			dtg_log(f->ctx, DTG_LOG_WARN, "%s: %s: %s: dropped with %s",
				f->hname, path, name, owner);
			continue;
		}
		switch (dec.act) {
		case P_DROP:
			log_drop(f, path, name, &dec);
			break;
		case P_DROP_QUIET:
			break;
		case P_COPY:
			if (dec.kept)
				dtg_log(f->ctx, DTG_LOG_WARN,
					"%s: %s: %s: kept verbatim as the description asks, although it refers to host nodes the guest does not get",
					f->hname, path, name);
			g->prop[nprop++] = DTG_GPROP(name, val, (uint32_t)len);
			break;
		case P_REMAP:
			rm.f = f;
			rm.cells = dtg_arena_alloc(f->a, len ? (size_t)len : 4);
			rm.local = dtg_arena_alloc(f->a, len ? (size_t)len : 4);
			rm.nlocal = 0;
			if (!rm.cells || !rm.local)
				return -DTG_ENOMEM;
			memcpy(rm.cells, val, len);
			if (dtg_phandle_prop_walk(f->host, dec.t, val, len, remap_cell,
						  &rm, &missing))
				return dtg_error(f->ctx, DTG_EINVAL,
						 "%s: %s: %s: cannot remap its phandles",
						 f->hname, path, name);
			g->prop[nprop++] = (struct dtg_gprop){
				.name = name, .val = rm.cells, .len = (uint32_t)len,
				.local_ph = rm.local, .nlocal_ph = rm.nlocal };
			break;
		case P_REG:
			if (!pt->nrange)
				break;
			rc = emit_reg(f, pt, &g->prop[nprop++]);
			if (rc)
				return rc;
			break;
		case P_IRQ:
			if (did_irq || !pt->host->nirq)
				break;
			did_irq = true;
			rc = emit_irqs(f, pt, &g->prop[nprop]);
			if (rc)
				return rc;
			nprop += 2;
			break;
		case P_CLOCKS:
			rc = emit_clocks(f, pt, &g->prop[nprop++]);
			if (rc)
				return rc;
			break;
		case P_STATUS:
			had_status = true;
			g->prop[nprop++] = DTG_GPROP("status", "okay", 5);
			break;
		case P_PHANDLE:
			if (did_phandle || !c->guest_phandle)
				break;
			did_phandle = true;
			{
				uint32_t *ph = arena_cells(f, 1);

				if (!ph)
					return -DTG_ENOMEM;
				*ph = cpu_to_fdt32(c->guest_phandle);
				g->prop[nprop++] = DTG_GPROP("phandle", ph, 4);
			}
			break;
		}
	}
	if (root && !had_status)
		g->prop[nprop++] = DTG_GPROP("status", "okay", 5);
	if (c->guest_phandle && !did_phandle) {
		uint32_t *ph = arena_cells(f, 1);

		if (!ph)
			return -DTG_ENOMEM;
		*ph = cpu_to_fdt32(c->guest_phandle);
		g->prop[nprop++] = DTG_GPROP("phandle", ph, 4);
	}
	g->nprop = nprop;
	if (root)
		for (size_t k = 0; k < pt->nkeep; k++)
			if (!fdt_getprop(f->fdt, c->offset, pt->keep[k], NULL))
				dtg_log(f->ctx, DTG_LOG_NOTICE,
					"%s: %s: %s: asked to keep it, but the host node has no such property",
					f->hname, path, pt->keep[k]);
	return 0;
}

static int cmp_gnode_name(const void *a, const void *b)
{
	const struct dtg_gnode *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* Node names must be unique under /passthrough. */
static int check_unique_names(struct dtg_fin *f)
{
	struct dtg_domain *d = f->d;
	const struct dtg_gnode **v;
	int rc = 0;

	if (d->ngnode < 2)
		return 0;
	v = dtg_alloc(f->ctx, d->ngnode * sizeof(*v));
	if (!v)
		return dtg_error(f->ctx, DTG_ENOMEM, "finalize: out of memory");
	for (size_t i = 0; i < d->ngnode; i++)
		v[i] = &d->gnode[i];
	qsort(v, d->ngnode, sizeof(*v), cmp_gnode_name);
	for (size_t i = 1; i < d->ngnode; i++)
		if (!strcmp(v[i]->name, v[i - 1]->name)) {
			const char *who = "a generated clock";

			for (size_t p = 0; p < d->npt; p++)
				if (d->pt[p].gnode == v[i] || d->pt[p].gnode == v[i - 1]) {
					who = d->pt[p].host_path;
					break;
				}
			rc = dtg_error(f->ctx, DTG_EDUPLICATE,
				       "%s: %s: reg: two guest nodes would be named /passthrough/%s",
				       f->hname, who, v[i]->name);
			break;
		}
	dtg_free(f->ctx, v);
	return rc;
}

int dtg_finalize_nodes(struct dtg_fin *f)
{
	struct dtg_domain *d = f->d;
	int rc;

	rc = collect(f);
	if (rc)
		return rc;
	mark_references(f);
	for (size_t i = 0; i < f->ncopy; i++)
		if (f->copy[i].referenced) {
			f->copy[i].guest_phandle = dtg_fin_new_phandle(f);
			if (!f->copy[i].guest_phandle)
				return -DTG_ERANGE;
		}

	d->ngnode = f->nclk + d->npt;
	d->gnode = dtg_arena_alloc(f->a, (d->ngnode ? d->ngnode : 1) * sizeof(*d->gnode));
	if (!d->gnode)
		return -DTG_ENOMEM;
	for (size_t i = 0; i < f->nclk; i++) {
		rc = dtg_fin_clock_gnode(f, &f->clk[i], &d->gnode[i]);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < f->ncopy; i++) {
		struct dtg_fin_copy *c = &f->copy[i];

		if (c->parent < 0) {
			c->gnode = &d->gnode[f->nclk + c->pt];
			d->pt[c->pt].gnode = c->gnode;
		} else {
			struct dtg_fin_copy *par = &f->copy[c->parent];

			c->gnode = &par->gnode->child[par->filled++];
		}
		rc = emit_node(f, c);
		if (rc)
			return rc;
		if (c->parent < 0) {
			struct dtg_pt *pt = &d->pt[c->pt];
			char *gp = dtg_arena_alloc(f->a, strlen(c->gnode->name) + 14);

			if (!gp)
				return -DTG_ENOMEM;
			sprintf(gp, "/passthrough/%s", c->gnode->name);
			pt->guest_path = gp;
		}
	}
	return check_unique_names(f);
}
