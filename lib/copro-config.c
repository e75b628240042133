/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/copro-config.c - the xl.cfg `coprocessors` key (called from
 * config-apply.c's key table) and its xl.cfg output (xlcfg-write.c):
 *
 *   coprocessors = [ "path=/ocp/dsp@40800000,ranges=l2ram/l1pram,irqs=all,
 *                     guest=auto,virq=auto,mode=shared", ... ]
 *
 * path=PATH (required); ranges=all|NAME[/NAME...] (reg-names entries or
 * indices); irqs=all|none|NAME[/NAME...] (interrupt-names entries or
 * indices); guest=auto|1:1|ADDR[/ADDR...] (one per selected range;
 * default auto); virq=auto|INTID[/INTID...] (one per selected IRQ, `auto`
 * allowed as an entry); mode=shared|exclusive; clock-rate=NAME:HZ (a
 * clock-names entry or index, repeatable, as dt_passthrough's).  Unknown options are an
 * error: a mistyped coprocessor option would silently change placement.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "config-internal.h"
#include "copro-internal.h"

#define MAX_SPLIT 64

/* Split s (modified) at '/' into at most MAX_SPLIT parts. */
static size_t split_slash(char *s, char **parts)
{
	size_t n = 0;
	char *save = NULL;

	for (char *t = strtok_r(s, "/", &save); t && n < MAX_SPLIT; t = strtok_r(NULL, "/", &save))
		parts[n++] = t;
	return n;
}

static int entry_error(dtg_domain *d, const char *where, const char *opt,
		       const char *val, const char *why)
{
	return dtg_error(dtg_domain_ctx(d), DTG_ECONFIG, "%s: coprocessors: %s=%s: %s",
			 where, opt, val, why);
}

static int parse_u64(const char *s, uint64_t *v)
{
	int64_t x;

	if (dtg_config_parse_int(s, &x) || x < 0)
		return -1;
	*v = (uint64_t)x;
	return 0;
}

static int apply_entry(dtg_domain *d, const char *where, const char *text)
{
	dtg_ctx *ctx = dtg_domain_ctx(d);
	char *s = dtg_strdup(ctx, text), *save = NULL, *tok;
	char *path = NULL, *ranges = NULL, *irqs = NULL, *guest = NULL, *virq = NULL, *mode = NULL;
	char *parts[MAX_SPLIT], *rates[MAX_SPLIT];
	size_t n, nrates = 0;
	int inst, r = 0;

	if (!s)
		return -DTG_ENOMEM;
	for (tok = strtok_r(s, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		char **slot;

		while (*tok == ' ')
			tok++;
		if (!eq) {
			r = dtg_error(ctx, DTG_ECONFIG, "%s: coprocessors: \"%s\" is not key=value", where, tok);
			goto out;
		}
		*eq++ = '\0';
		if (!strcmp(tok, "clock-rate")) {
			if (dtg_config_parse_clock_rate(eq, NULL, NULL)) {
				r = entry_error(d, where, "clock-rate", eq, "expected NAME:HZ with HZ a positive number");
				goto out;
			}
			if (nrates == MAX_SPLIT) {
				r = entry_error(d, where, "clock-rate", eq, "too many clock-rate= options");
				goto out;
			}
			rates[nrates++] = eq;
			continue;
		}
		slot = !strcmp(tok, "path") ? &path : !strcmp(tok, "ranges") ? &ranges :
		       !strcmp(tok, "irqs") ? &irqs : !strcmp(tok, "guest") ? &guest :
		       !strcmp(tok, "virq") ? &virq : !strcmp(tok, "mode") ? &mode : NULL;
		if (!slot) {
			r = dtg_error(ctx, DTG_ECONFIG, "%s: coprocessors: unknown option \"%s\" (path, ranges, irqs, guest, virq, mode, clock-rate)",
				      where, tok);
			goto out;
		}
		*slot = eq;
	}
	if (!path) {
		r = dtg_error(ctx, DTG_ECONFIG, "%s: coprocessors: path= is required", where);
		goto out;
	}
	inst = dtg_domain_add_coprocessor(d, path);
	if (inst < 0) {
		r = inst;
		goto out;
	}
	if (ranges && strcmp(ranges, "all")) {
		n = split_slash(ranges, parts);
		r = dtg_copro_select_ranges(d, inst, (const char *const *)parts, n);
		if (r)
			goto out;
	}
	if (irqs && strcmp(irqs, "all")) {
		bool none = !strcmp(irqs, "none");

		n = none ? 0 : split_slash(irqs, parts);
		r = dtg_copro_select_irqs(d, inst, (const char *const *)parts, n, none);
		if (r)
			goto out;
	}
	if (guest) {
		if (!strcmp(guest, "auto") || !strcmp(guest, "1:1")) {
			r = dtg_copro_set_placement(d, inst, -1, !strcmp(guest, "auto") ?
						    DTG_PLACE_AUTO : DTG_PLACE_IDENTITY, 0);
		} else {
			char g[256];

			snprintf(g, sizeof(g), "%s", guest);
			n = split_slash(guest, parts);
			for (size_t i = 0; !r && i < n; i++) {
				uint64_t a = 0;

				if (!strcmp(parts[i], "auto"))
					r = dtg_copro_set_placement(d, inst, (int)i, DTG_PLACE_AUTO, 0);
				else if (!strcmp(parts[i], "1:1"))
					r = dtg_copro_set_placement(d, inst, (int)i, DTG_PLACE_IDENTITY, 0);
				else if (parse_u64(parts[i], &a))
					r = entry_error(d, where, "guest", g, "expected auto, 1:1 or addresses separated by '/'");
				else
					r = dtg_copro_set_placement(d, inst, (int)i, DTG_PLACE_FIXED, a);
			}
		}
		if (r)
			goto out;
	}
	if (virq && strcmp(virq, "auto")) {
		char v[256];

		snprintf(v, sizeof(v), "%s", virq);
		n = split_slash(virq, parts);
		for (size_t i = 0; !r && i < n; i++) {
			uint64_t q = 0;

			if (!strcmp(parts[i], "auto"))
				continue;
			if (parse_u64(parts[i], &q) || q < 32 || q > 1019)
				r = entry_error(d, where, "virq", v, "expected auto or guest INTIDs 32..1019 separated by '/'");
			else
				r = dtg_copro_set_virq(d, inst, (int)i, (uint32_t)q);
		}
		if (r)
			goto out;
	}
	for (size_t i = 0; !r && i < nrates; i++) {
		size_t len = 0;
		uint64_t hz = 0;

		dtg_config_parse_clock_rate(rates[i], &len, &hz);  /* checked above */
		rates[i][len] = '\0';
		r = dtg_copro_set_clock_rate(d, inst, rates[i], hz);
	}
	if (r)
		goto out;
	if (mode) {
		if (!strcmp(mode, "shared") || !strcmp(mode, "exclusive"))
			r = dtg_copro_set_mode(d, inst, !strcmp(mode, "shared") ?
					       DTG_COPRO_SHARED : DTG_COPRO_EXCLUSIVE);
		else
			r = entry_error(d, where, "mode", mode, "expected shared or exclusive");
	}
out:
	dtg_free(ctx, s);
	return r;
}

int dtg_copro_apply_cfg(dtg_domain *d, const char *name, const struct dtg_cfg_entry *e)
{
	char where[256];
	int r = 0;

	if (e->type != DTG_CFG_LIST)
		return dtg_error(dtg_domain_ctx(d), DTG_ECONFIG,
				 "%s:%u: coprocessors: expected a list [ \"path=...\", ... ]", name, e->line);
	for (size_t i = 0; !r && i < e->nitem; i++) {
		snprintf(where, sizeof(where), "%s:%u", name, e->item[i].line);
		r = apply_entry(d, where, e->item[i].text);
	}
	return r;
}

void dtg_copro_xlcfg(const struct dtg_domain *d, struct dtg_buf *b)
{
	if (!d->cstate || !d->cstate->n)
		return;
	dtg_buf_puts(b, "coprocessors = [ ");
	for (size_t i = 0; i < d->cstate->n; i++) {
		const struct dtg_copro_info *in = &d->cstate->inst[i].info;

		dtg_buf_printf(b, "%s\"path=%s,ranges=", i ? ", " : "", in->host_path);
		for (size_t k = 0; k < in->nrange; k++)
			dtg_buf_printf(b, "%s%d", k ? "/" : "", in->range[k].host_index);
		if (!in->nrange)
			dtg_buf_puts(b, "all");
		dtg_buf_puts(b, ",irqs=");
		for (size_t k = 0; k < in->nirq; k++)
			dtg_buf_printf(b, "%s%d", k ? "/" : "", in->irq[k].host_index);
		if (!in->nirq)
			dtg_buf_puts(b, "none");
		dtg_buf_puts(b, ",guest=");
		for (size_t k = 0; k < in->nrange; k++)
			dtg_buf_printf(b, "%s0x%" PRIx64, k ? "/" : "", in->range[k].guest_addr);
		if (!in->nrange)
			dtg_buf_puts(b, "auto");
		if (in->nirq) {
			dtg_buf_puts(b, ",virq=");
			for (size_t k = 0; k < in->nirq; k++)
				dtg_buf_printf(b, "%s%u", k ? "/" : "", in->irq[k].vintid);
		}
		for (size_t k = 0; k < in->nclock; k++) {
			if (in->clock[k].name)
				dtg_buf_printf(b, ",clock-rate=%s:%" PRIu64, in->clock[k].name, in->clock[k].rate);
			else
				dtg_buf_printf(b, ",clock-rate=%d:%" PRIu64, in->clock[k].host_index, in->clock[k].rate);
		}
		dtg_buf_printf(b, ",mode=%s\"", in->mode == DTG_COPRO_EXCLUSIVE ? "exclusive" : "shared");
	}
	dtg_buf_puts(b, " ]\n");
}
