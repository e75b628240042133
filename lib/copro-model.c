/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/copro-model.c - describing a domain's shared coprocessor instances
 * (xendtgen/copro.h) and reading the finalized ones back.
 */
#include <libfdt.h>

#include "copro-internal.h"

static int check_mutable(dtg_domain *d, const char *op)
{
	if (!d)
		return -DTG_EINVAL;
	if (d->finalized)
		return dtg_error(d->ctx, DTG_ESTATE, "domain: %s: already finalized", op);
	return 0;
}

static struct dtg_copro_inst *inst_of(dtg_domain *d, int inst, const char *op)
{
	if (!d->cstate || inst < 0 || (size_t)inst >= d->cstate->n) {
		dtg_error(d->ctx, DTG_EINVAL, "domain: %s: no coprocessor instance %d", op, inst);
		return NULL;
	}
	return &d->cstate->inst[inst];
}

static void strv_free(dtg_ctx *ctx, char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dtg_free(ctx, v[i]);
	dtg_free(ctx, v);
}

static void inst_release(dtg_ctx *ctx, struct dtg_copro_inst *c)
{
	dtg_free(ctx, c->host_path);
	strv_free(ctx, c->rsel, c->nrsel);
	strv_free(ctx, c->isel, c->nisel);
	dtg_free(ctx, c->place);
	dtg_free(ctx, c->place_addr);
	dtg_free(ctx, c->virq);
	dtg_clock_rates_free(ctx, c->rate, c->nrate);
}

void dtg_copro_state_free(struct dtg_domain *d)
{
	if (!d || !d->cstate)
		return;
	for (size_t i = 0; i < d->cstate->n; i++)
		inst_release(d->ctx, &d->cstate->inst[i]);
	dtg_free(d->ctx, d->cstate->inst);
	dtg_free(d->ctx, d->cstate);
	d->cstate = NULL;
}

int dtg_domain_add_coprocessor(dtg_domain *d, const char *host_path)
{
	struct dtg_copro_inst *c;
	int off, r = check_mutable(d, "add_coprocessor");

	if (r)
		return r;
	if (!host_path)
		return -DTG_EINVAL;
	off = dtg_host_path_offset(d->host, host_path);
	if (off < 0)
		return dtg_error(d->ctx, DTG_ENOTFOUND,
				 "%s: %s: coprocessor: no such node in the host DT",
				 dtg_host_name(d->host), host_path);
	/* Checked again at finalize (a passthrough added later). */
	for (size_t i = 0; i < d->npt; i++)
		if (d->pt[i].host_offset == off)
			return dtg_error(d->ctx, DTG_EINVAL,
					 "%s: %s: coprocessor: the node is both passed through and shared in this domain; give it one way",
					 dtg_host_name(d->host), host_path);
	if (!d->cstate) {
		d->cstate = dtg_zalloc(d->ctx, sizeof(*d->cstate));
		if (!d->cstate)
			return dtg_error(d->ctx, DTG_ENOMEM, "domain: out of memory");
	}
	for (size_t i = 0; i < d->cstate->n; i++)
		if (d->cstate->inst[i].host_offset == off)
			return dtg_error(d->ctx, DTG_EDUPLICATE,
					 "%s: %s: coprocessor: the domain already has an instance of it",
					 dtg_host_name(d->host), host_path);
	if (dtg_grow(d->ctx, (void **)&d->cstate->inst, &d->cstate->cap,
		     d->cstate->n + 1, sizeof(*d->cstate->inst)))
		return dtg_error(d->ctx, DTG_ENOMEM, "domain: out of memory");
	c = &d->cstate->inst[d->cstate->n];
	memset(c, 0, sizeof(*c));
	c->host_path = dtg_strdup(d->ctx, host_path);
	if (!c->host_path)
		return dtg_error(d->ctx, DTG_ENOMEM, "domain: out of memory");
	c->host_offset = off;
	c->place_default = DTG_PLACE_AUTO;
	return (int)d->cstate->n++;
}

static int strv_set(dtg_domain *d, char ***v, size_t *nv,
		    const char *const *names, size_t n)
{
	char **nw = NULL;

	if (n) {
		nw = dtg_zalloc(d->ctx, n * sizeof(*nw));
		if (!nw)
			return dtg_error(d->ctx, DTG_ENOMEM, "domain: out of memory");
		for (size_t i = 0; i < n; i++) {
			nw[i] = names[i] ? dtg_strdup(d->ctx, names[i]) : NULL;
			if (!nw[i]) {
				strv_free(d->ctx, nw, n);
				return names[i] ? dtg_error(d->ctx, DTG_ENOMEM, "domain: out of memory") :
						  -DTG_EINVAL;
			}
		}
	}
	strv_free(d->ctx, *v, *nv);
	*v = nw;
	*nv = n;
	return 0;
}

int dtg_copro_select_ranges(dtg_domain *d, int inst, const char *const *names,
			    size_t n)
{
	struct dtg_copro_inst *c;
	int r = check_mutable(d, "copro_select_ranges");

	if (r)
		return r;
	if (!(c = inst_of(d, inst, "copro_select_ranges")))
		return -DTG_EINVAL;
	return strv_set(d, &c->rsel, &c->nrsel, names, n);
}

int dtg_copro_select_irqs(dtg_domain *d, int inst, const char *const *names,
			  size_t n, bool none)
{
	struct dtg_copro_inst *c;
	int r = check_mutable(d, "copro_select_irqs");

	if (r)
		return r;
	if (!(c = inst_of(d, inst, "copro_select_irqs")))
		return -DTG_EINVAL;
	c->no_irqs = none;
	return strv_set(d, &c->isel, &c->nisel, none ? NULL : names, none ? 0 : n);
}

int dtg_copro_set_placement(dtg_domain *d, int inst, int range,
			    enum dtg_placement how, uint64_t addr)
{
	struct dtg_copro_inst *c;
	int r = check_mutable(d, "copro_set_placement");

	if (r)
		return r;
	if (!(c = inst_of(d, inst, "copro_set_placement")))
		return -DTG_EINVAL;
	if (how != DTG_PLACE_IDENTITY && how != DTG_PLACE_AUTO && how != DTG_PLACE_FIXED)
		return -DTG_EINVAL;
	if (range < 0) {
		c->place_default = how;
		c->place_default_addr = addr;
		c->nplace = 0;
		return 0;
	}
	if ((size_t)range >= c->nplace) {
		size_t cap = c->nplace, cap2 = c->nplace;

		if (range > 4095)
			return dtg_error(d->ctx, DTG_ERANGE, "%s: coprocessor: range %d: too many ranges",
					 c->host_path, range);
		if (dtg_grow(d->ctx, (void **)&c->place, &cap, (size_t)range + 1, sizeof(*c->place)) ||
		    dtg_grow(d->ctx, (void **)&c->place_addr, &cap2, (size_t)range + 1,
			     sizeof(*c->place_addr)))
			return dtg_error(d->ctx, DTG_ENOMEM, "domain: out of memory");
		for (size_t i = c->nplace; i <= (size_t)range; i++) {
			c->place[i] = c->place_default;
			c->place_addr[i] = c->place_default_addr;
		}
		c->nplace = (size_t)range + 1;
	}
	c->place[range] = how;
	c->place_addr[range] = addr;
	return 0;
}

int dtg_copro_set_virq(dtg_domain *d, int inst, int irq, uint32_t virq)
{
	struct dtg_copro_inst *c;
	int r = check_mutable(d, "copro_set_virq");

	if (r)
		return r;
	if (!(c = inst_of(d, inst, "copro_set_virq")))
		return -DTG_EINVAL;
	if (irq < 0 || irq > 1019 || (virq && virq < 32))
		return dtg_error(d->ctx, DTG_ERANGE,
				 "%s: coprocessor: virq: IRQ %d -> INTID %u: a guest SPI is INTID 32 or more",
				 c->host_path, irq, virq);
	if ((size_t)irq >= c->nvirq) {
		size_t cap = c->nvirq;

		if (dtg_grow(d->ctx, (void **)&c->virq, &cap, (size_t)irq + 1, sizeof(*c->virq)))
			return dtg_error(d->ctx, DTG_ENOMEM, "domain: out of memory");
		for (size_t i = c->nvirq; i <= (size_t)irq; i++)
			c->virq[i] = 0;
		c->nvirq = (size_t)irq + 1;
	}
	c->virq[irq] = virq;
	return 0;
}

int dtg_copro_set_mode(dtg_domain *d, int inst, enum dtg_copro_mode mode)
{
	struct dtg_copro_inst *c;
	int r = check_mutable(d, "copro_set_mode");

	if (r)
		return r;
	if (!(c = inst_of(d, inst, "copro_set_mode")))
		return -DTG_EINVAL;
	if (mode != DTG_COPRO_SHARED && mode != DTG_COPRO_EXCLUSIVE)
		return -DTG_EINVAL;
	c->mode = mode;
	return 0;
}

int dtg_copro_set_clock_rate(dtg_domain *d, int inst, const char *clock,
			     uint64_t hz)
{
	struct dtg_copro_inst *c;
	int r = check_mutable(d, "copro_set_clock_rate");

	if (r)
		return r;
	if (!(c = inst_of(d, inst, "copro_set_clock_rate")))
		return -DTG_EINVAL;
	return dtg_clock_rate_set(d->ctx, &c->rate, &c->nrate, c->host_path,
				  "coprocessor", clock, hz);
}

size_t dtg_domain_copro_count(const dtg_domain *d)
{
	return d && d->cstate ? d->cstate->n : 0;
}

int dtg_domain_copro_info(const dtg_domain *d, size_t i,
			  struct dtg_copro_info *info)
{
	int r;

	if (!d || !info)
		return -DTG_EINVAL;
	r = dtg_domain_require_final(d, "copro_info");
	if (r)
		return r;
	if (!d->cstate || i >= d->cstate->n)
		return dtg_error(d->ctx, DTG_EINVAL, "domain: copro_info: no instance %zu", i);
	*info = d->cstate->inst[i].info;
	return 0;
}
