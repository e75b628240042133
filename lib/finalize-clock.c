/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/finalize-clock.c - the guest's clocks.  A guest gets no clock
 * controller, so each distinct host clock specifier a device uses becomes
 * one generated `fixed-clock` node whose rate comes from the host (a
 * fixed-clock or assigned-clock-rates) or from the description; a clock
 * with no known rate is an error, since a driver would compute garbage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <libfdt.h>

#include "host-internal.h"
#include "finalize-internal.h"

static int cmp_spec(const struct dtg_fin_clock *c, uint32_t phandle,
		    uint32_t ncells, const uint32_t *cells)
{
	if (c->phandle != phandle)
		return c->phandle < phandle ? -1 : 1;
	if (c->ncells != ncells)
		return c->ncells < ncells ? -1 : 1;
	for (uint32_t i = 0; i < ncells; i++)
		if (c->cells[i] != cells[i])
			return c->cells[i] < cells[i] ? -1 : 1;
	return 0;
}

/* Index in f->clk_by_spec where the specifier is or would go. */
static size_t spec_search(const struct dtg_fin *f, uint32_t phandle,
			  uint32_t ncells, const uint32_t *cells, bool *found)
{
	size_t lo = 0, hi = f->nclk;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_spec(&f->clk[f->clk_by_spec[mid]], phandle, ncells, cells);

		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct dtg_fin_clock *dtg_fin_clock_find(const struct dtg_fin *f,
					       const struct dtg_dep *dep)
{
	bool found;
	size_t i = spec_search(f, dep->phandle, dep->ncells, dep->cells, &found);

	return found ? &f->clk[f->clk_by_spec[i]] : NULL;
}

/* clock-output-names entry of a specifier, when the provider names it. */
static const char *output_name(const struct dtg_fin *f, const struct dtg_dep *dep)
{
	int prov = dtg_host_phandle_offset(f->host, dep->phandle);
	int idx = 0, len;
	const fdt32_t *ind;

	if (prov < 0 || dep->ncells > 1)
		return NULL;
	if (dep->ncells == 1) {
		idx = -1;
		ind = fdt_getprop(f->fdt, prov, "clock-indices", &len);
		if (ind) {
			for (int i = 0; i < len / 4; i++)
				if (fdt32_to_cpu(ind[i]) == dep->cells[0])
					idx = i;
		} else if (dep->cells[0] <= INT32_MAX) {
			idx = (int)dep->cells[0];
		}
		if (idx < 0)
			return NULL;
	}
	return dtg_host_string_index(f->host, prov, "clock-output-names", idx);
}

/* "clk-<provider name>[-<cell>...]", with only node-name characters. */
static char *clock_node_name(struct dtg_fin *f, const struct dtg_dep *dep)
{
	const char *prov = strrchr(dep->provider, '/');
	struct dtg_buf b;
	char *name;

	prov = prov ? prov + 1 : dep->provider;
	dtg_buf_init(&b, f->ctx);
	dtg_buf_puts(&b, "clk-");
	for (const char *p = prov; *p; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == ',' || c == '.' ||
		      c == '_' || c == '+' || c == '-'))
			c = '-';
		dtg_buf_put(&b, &c, 1);
	}
	for (uint32_t i = 0; i < dep->ncells; i++)
		dtg_buf_printf(&b, "-%u", dep->cells[i]);
	dtg_buf_put(&b, "", 1);
	if (b.err) {
		dtg_buf_release(&b);
		return NULL;
	}
	name = dtg_arena_strdup(f->a, b.data);
	dtg_buf_release(&b);
	return name;
}

/* Add (or find, at the same rate) the clock of dep's specifier for user. */
static int add_clock_at(struct dtg_fin *f, const char *user,
			const struct dtg_dep *dep, uint64_t rate, size_t *idx)
{
	bool found;
	size_t at = spec_search(f, dep->phandle, dep->ncells, dep->cells, &found);
	struct dtg_fin_clock *c;

	if (found) {
		c = &f->clk[f->clk_by_spec[at]];
		if (c->rate != rate)
			return dtg_error(f->ctx, DTG_EINVAL,
					 "%s: %s: clocks: clock %d (%s) is %s's clock %d (%s) too, at %llu Hz, not %llu Hz",
					 f->hname, user, dep->index,
					 dep->name ? dep->name : "unnamed",
					 c->first_path, c->first_index,
					 c->first_name ? c->first_name : "unnamed",
					 (unsigned long long)c->rate,
					 (unsigned long long)rate);
		if (idx)
			*idx = f->clk_by_spec[at];
		return 0;
	}
	if (dtg_grow(f->ctx, (void **)&f->clk, &f->cclk, f->nclk + 1, sizeof(*f->clk)) ||
	    dtg_grow(f->ctx, (void **)&f->clk_by_spec, &f->cclk_by_spec, f->nclk + 1,
		     sizeof(*f->clk_by_spec)))
		return dtg_error(f->ctx, DTG_ENOMEM, "finalize: out of memory");
	c = &f->clk[f->nclk];
	memset(c, 0, sizeof(*c));
	c->phandle = dep->phandle;
	c->ncells = dep->ncells;
	memcpy(c->cells, dep->cells, sizeof(c->cells));
	c->rate = rate;
	c->provider = dep->provider;
	c->output_name = output_name(f, dep);
	c->first_path = user;
	c->first_name = dep->name;
	c->first_index = dep->index;
	c->name = clock_node_name(f, dep);
	if (!c->name)
		return dtg_error(f->ctx, DTG_ENOMEM, "finalize: out of memory");
	memmove(&f->clk_by_spec[at + 1], &f->clk_by_spec[at],
		(f->nclk - at) * sizeof(*f->clk_by_spec));
	f->clk_by_spec[at] = f->nclk;
	if (idx)
		*idx = f->nclk;
	f->nclk++;
	return 0;
}

static int add_clock(struct dtg_fin *f, size_t p, const struct dtg_dep *dep,
		     uint64_t rate)
{
	return add_clock_at(f, f->d->pt[p].host_path, dep, rate, NULL);
}

int dtg_fin_clock_for(struct dtg_fin *f, const char *user,
		      const struct dtg_dep *dep, uint64_t rate, size_t *idx)
{
	size_t n0 = f->nclk;
	struct dtg_fin_clock *c;
	int rc = add_clock_at(f, user, dep, rate, idx);

	if (rc || f->nclk == n0)
		return rc;
	c = &f->clk[*idx];
	/* a name no other clock has (two providers may share a node name) */
	for (size_t rank = 2, i = 0; i < f->nclk; i++) {
		if (i == *idx || strcmp(f->clk[i].name, c->name))
			continue;
		char *nn = dtg_arena_alloc(f->a, strlen(f->clk[*idx].name) + 24);

		if (!nn)
			return dtg_error(f->ctx, DTG_ENOMEM, "finalize: out of memory");
		sprintf(nn, "%s-%zu", clock_node_name(f, dep), rank++);
		c->name = nn;
		i = (size_t)-1;  /* check the new name from the start */
	}
	c->guest_phandle = dtg_fin_new_phandle(f);
	return c->guest_phandle ? 0 : -DTG_ERANGE;
}

/*
 * A device's clocks.  The first pass takes every clock whose rate the
 * description or the host gives; the late pass lets a clock with no rate
 * of its own take the rate another device sharing it gave (a ZCU102 UART
 * and GEM share one firmware pclk), and fails on any still unknown.
 */
static int device_clocks(struct dtg_fin *f, size_t p, bool late)
{
	const struct dtg_pt *pt = &f->d->pt[p];
	const struct dtg_device *dev = pt->host;
	bool used[64] = { false };
	bool *u = used;
	int rc = 0;

	if (pt->nrate > DTG_ARRAY_SIZE(used)) {
		u = dtg_zalloc(f->ctx, pt->nrate * sizeof(*u));
		if (!u)
			return dtg_error(f->ctx, DTG_ENOMEM, "finalize: out of memory");
	}
	for (size_t i = 0; i < dev->ndep && !rc; i++) {
		const struct dtg_dep *dep = &dev->dep[i];
		uint64_t rate;

		if (dep->kind != DTG_DEP_CLOCK || strcmp(dep->prop, "clocks"))
			continue;
		rate = dtg_clock_rate_of(pt->rate, pt->nrate, dep, u);
		if (late) {
			if (rate || dep->rate || dtg_fin_clock_find(f, dep))
				continue;
			rc = dtg_error(f->ctx, DTG_EINVAL,
				       "%s: %s: clocks: clock %d (%s) from %s has no known rate; give one (clock-rate=%s:HZ)",
				       f->hname, pt->host_path, dep->index,
				       dep->name ? dep->name : "unnamed", dep->provider,
				       dep->name ? dep->name : "INDEX");
			break;
		}
		if (rate && dep->rate && rate != dep->rate)
			dtg_log(f->ctx, DTG_LOG_WARN,
				"%s: %s: clocks: clock %d (%s): the description's %llu Hz overrides the host's %llu Hz",
				f->hname, pt->host_path, dep->index,
				dep->name ? dep->name : "unnamed",
				(unsigned long long)rate,
				(unsigned long long)dep->rate);
		if (!rate)
			rate = dep->rate;
		if (rate)
			rc = add_clock(f, p, dep, rate);
	}
	for (size_t i = 0; i < pt->nrate && !rc && !late; i++)
		if (!u[i])
			rc = dtg_error(f->ctx, DTG_ENOTFOUND,
				       "%s: %s: clock-names: the description gives a rate for clock \"%s\", which the device does not have",
				       f->hname, pt->host_path, pt->rate[i].clock);
	if (u != used)
		dtg_free(f->ctx, u);
	return rc;
}

struct clock_name {
	const char *name;
	size_t idx;
};

static int cmp_clock_name(const void *a, const void *b)
{
	const struct clock_name *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/*
 * Two providers may share a node name: the later clocks (in order of
 * first use) get "-2", "-3", ...  Sorting keeps this O(n log n).
 */
static int unique_names(struct dtg_fin *f)
{
	struct clock_name *v;
	int rc = 0;

	if (f->nclk < 2)
		return 0;
	v = dtg_alloc(f->ctx, f->nclk * sizeof(*v));
	if (!v)
		return dtg_error(f->ctx, DTG_ENOMEM, "finalize: out of memory");
	for (size_t i = 0; i < f->nclk; i++)
		v[i] = (struct clock_name){ f->clk[i].name, i };
	qsort(v, f->nclk, sizeof(*v), cmp_clock_name);
	for (size_t i = 1, rank = 1; i < f->nclk; i++) {
		char *nn;

		if (strcmp(v[i].name, v[i - 1].name)) {
			rank = 1;
			continue;
		}
		rank++;
		nn = dtg_arena_alloc(f->a, strlen(v[i].name) + 24);
		if (!nn) {
			rc = -DTG_ENOMEM;
			break;
		}
		sprintf(nn, "%s-%zu", v[i].name, rank);
		f->clk[v[i].idx].name = nn;
	}
	dtg_free(f->ctx, v);
	return rc;
}

int dtg_finalize_clocks(struct dtg_fin *f)
{
	int rc;

	for (int late = 0; late < 2; late++) {
		for (size_t p = 0; p < f->d->npt; p++) {
			rc = device_clocks(f, p, late);
			if (rc)
				return rc;
		}
	}
	rc = unique_names(f);
	if (rc)
		return rc;
	for (size_t i = 0; i < f->nclk; i++) {
		f->clk[i].guest_phandle = dtg_fin_new_phandle(f);
		if (!f->clk[i].guest_phandle)
			return -DTG_ERANGE;
	}
	return 0;
}

/* Build a clock's guest node: compatible, #clock-cells, rate, name, phandle. */
int dtg_fin_clock_gnode(struct dtg_fin *f, const struct dtg_fin_clock *c,
			struct dtg_gnode *g)
{
	static const char compat[] = "fixed-clock";
	uint32_t *cells0 = dtg_arena_alloc(f->a, 4);
	uint32_t *ph = dtg_arena_alloc(f->a, 4);
	uint32_t *rate = dtg_arena_alloc(f->a, 8);
	struct dtg_gprop *pr = dtg_arena_alloc(f->a, 5 * sizeof(*pr));
	size_t n = 0;

	if (!cells0 || !ph || !rate || !pr)
		return -DTG_ENOMEM;
	*cells0 = cpu_to_fdt32(0);
	*ph = cpu_to_fdt32(c->guest_phandle);
	pr[n++] = DTG_GPROP("compatible", compat, sizeof(compat));
	pr[n++] = DTG_GPROP("#clock-cells", cells0, 4);
	if (c->rate > UINT32_MAX) {
		rate[0] = cpu_to_fdt32((uint32_t)(c->rate >> 32));
		rate[1] = cpu_to_fdt32((uint32_t)c->rate);
		pr[n++] = DTG_GPROP("clock-frequency", rate, 8);
	} else {
		rate[0] = cpu_to_fdt32((uint32_t)c->rate);
		pr[n++] = DTG_GPROP("clock-frequency", rate, 4);
	}
	if (c->output_name)
		pr[n++] = DTG_GPROP("clock-output-names", c->output_name, (uint32_t)strlen(c->output_name) + 1);
	pr[n++] = DTG_GPROP("phandle", ph, 4);
	g->name = c->name;
	g->nprop = n;
	g->prop = pr;
	g->nchild = 0;
	g->child = NULL;
	return 0;
}
