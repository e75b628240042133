/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/dom0less-config.c - a domain's dom0less-only xl.cfg keys
 * (xen_enhanced, cpupool, shared_mem, static_evtchn), which xl has no
 * equivalent for, applied to the dom0less builder.  Every error names the
 * file, the line and the key.
 */
#include <stdio.h>
#include <stdlib.h>

#include "config-internal.h"
#include "dom0less-internal.h"

struct d0l_apply {
	dtg_dom0less *b;
	size_t dom;
	const char *file;
};

static int bad(const struct d0l_apply *a, unsigned line, const char *key,
	       const char *item, const char *why)
{
	return dtg_error(a->b->ctx, DTG_ECONFIG, "%s:%u: %s: \"%s\": %s",
			 a->file, line, key, item, why);
}

/*
 * Value of "name=" in a "k=v,k=v" item, copied into val; false if absent
 * (or too long for val: no value here is longer than 63 characters).
 */
static bool item_value(const char *item, const char *name, char *val,
		       size_t size)
{
	size_t n = strlen(name);

	for (const char *p = item; *p;) {
		size_t len = strcspn(p, ",");

		if (len > n && !strncmp(p, name, n) && p[n] == '=') {
			if (len - n - 1 >= size)
				return false;
			snprintf(val, size, "%.*s", (int)(len - n - 1), p + n + 1);
			return true;
		}
		p += len;
		p += *p == ',';
	}
	return false;
}

/* Every "k=v" of item has a key in keys (NULL-ended). */
static const char *unknown_key(const char *item, const char *const *keys)
{
	for (const char *p = item; *p;) {
		size_t len = strcspn(p, ","), klen = strcspn(p, "=,");
		bool ok = false;

		for (size_t i = 0; keys[i]; i++)
			ok |= strlen(keys[i]) == klen && !strncmp(p, keys[i], klen);
		if (!ok || klen == len)
			return p;
		p += len;
		p += *p == ',';
	}
	return NULL;
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return false;
	*v = strtoull(s, &end, 0);
	return !*end;
}

static int apply_shared_mem(struct d0l_apply *a, const struct dtg_cfg_entry *e)
{
	static const char *const keys[] = { "id", "host", "guest", "size",
					    "role", NULL };

	if (e->type != DTG_CFG_LIST)
		return dtg_error(a->b->ctx, DTG_ECONFIG,
				 "%s:%u: shared_mem: expected a list", a->file,
				 e->line);
	for (size_t i = 0; i < e->nitem; i++) {
		const char *it = e->item[i].text;
		unsigned line = e->item[i].line;
		struct dtg_dom0less_shm shm = { 0 };
		char id[64], v[64];
		int r;

		if (unknown_key(it, keys))
			return bad(a, line, "shared_mem", it, "expected id=ID,"
				   "host=ADDR,guest=ADDR,size=SIZE[,role=owner|"
				   "borrower]");
		if (!item_value(it, "id", id, sizeof(id)))
			return bad(a, line, "shared_mem", it,
				   "id= missing or too long");
		shm.id = id;
		if (item_value(it, "host", v, sizeof(v))) {
			if (!parse_u64(v, &shm.host))
				return bad(a, line, "shared_mem", it, "host= is not a number");
			shm.has_host = true;
		}
		if (!item_value(it, "guest", v, sizeof(v)) || !parse_u64(v, &shm.guest))
			return bad(a, line, "shared_mem", it, "guest= missing or not a number");
		if (!item_value(it, "size", v, sizeof(v)) || !parse_u64(v, &shm.size))
			return bad(a, line, "shared_mem", it, "size= missing or not a number");
		if (item_value(it, "role", v, sizeof(v))) {
			if (!strcmp(v, "owner"))
				shm.role = DTG_SHM_ROLE_OWNER;
			else if (!strcmp(v, "borrower"))
				shm.role = DTG_SHM_ROLE_BORROWER;
			else
				return bad(a, line, "shared_mem", it,
					   "role= must be owner or borrower");
		}
		r = dtg_dom0less_add_shm(a->b, a->dom, &shm);
		if (r)
			return r;
	}
	return 0;
}

static int apply_static_evtchn(struct d0l_apply *a,
			       const struct dtg_cfg_entry *e)
{
	static const char *const keys[] = { "port", "peer", "peer_port", NULL };

	if (e->type != DTG_CFG_LIST)
		return dtg_error(a->b->ctx, DTG_ECONFIG,
				 "%s:%u: static_evtchn: expected a list", a->file,
				 e->line);
	for (size_t i = 0; i < e->nitem; i++) {
		const char *it = e->item[i].text;
		unsigned line = e->item[i].line;
		struct dtg_dom0less_evtchn ev = { 0 };
		char peer[64], v[32];
		uint64_t n;
		int r;

		if (unknown_key(it, keys))
			return bad(a, line, "static_evtchn", it,
				   "expected port=N,peer=NAME,peer_port=M");
		if (!item_value(it, "port", v, sizeof(v)) || !parse_u64(v, &n) ||
		    n > UINT32_MAX)
			return bad(a, line, "static_evtchn", it, "port= missing or not a number");
		ev.port = (uint32_t)n;
		if (!item_value(it, "peer_port", v, sizeof(v)) || !parse_u64(v, &n) ||
		    n > UINT32_MAX)
			return bad(a, line, "static_evtchn", it,
				   "peer_port= missing or not a number");
		ev.peer_port = (uint32_t)n;
		if (!item_value(it, "peer", peer, sizeof(peer)) || !*peer)
			return bad(a, line, "static_evtchn", it,
				   "peer= missing or too long");
		ev.peer = peer;
		r = dtg_dom0less_add_evtchn(a->b, a->dom, &ev);
		if (r)
			return r;
	}
	return 0;
}

static int apply_enhanced(struct d0l_apply *a, const struct dtg_cfg_entry *e)
{
	static const char *const val[] = { NULL, "enabled", "no-xenstore",
					   "disabled", "legacy" };

	for (int i = 1; e->type == DTG_CFG_STRING && i < 5; i++)
		if (!strcmp(e->text, val[i]))
			return dtg_dom0less_set_enhanced(a->b, a->dom,
							 (enum dtg_xen_enhanced)i);
	return bad(a, e->line, "xen_enhanced", e->text ? e->text : "",
		   "expected \"enabled\", \"no-xenstore\", \"disabled\" or "
		   "\"legacy\"");
}

int dtg_dom0less_apply_config(dtg_dom0less *b, size_t dom,
			      const dtg_config *cfg)
{
	struct d0l_apply a = { b, dom, cfg ? cfg->name : "" };
	const struct dtg_cfg_entry *e;
	int r = 0;

	if (!b || !cfg)
		return -DTG_EINVAL;
	if (dom != DTG_DOM0LESS_DOM0 && dom >= b->nguest)
		return dtg_error(b->ctx, DTG_ENOTFOUND, "dom0less: no guest %zu", dom);
	if ((e = dtg_config_entry(cfg, "xen_enhanced"))) {
		if (dom == DTG_DOM0LESS_DOM0)
			return dtg_error(b->ctx, DTG_ECONFIG,
					 "%s:%u: xen_enhanced: is for guests (dom0 "
					 "has Xen's PV interfaces)", a.file, e->line);
		r = apply_enhanced(&a, e);
	}
	if (!r && (e = dtg_config_entry(cfg, "cpupool"))) {
		if (dom == DTG_DOM0LESS_DOM0 || e->type != DTG_CFG_STRING)
			return dtg_error(b->ctx, DTG_ECONFIG,
					 "%s:%u: cpupool: a pool name for a guest "
					 "(dom0 runs in Pool-0)", a.file, e->line);
		r = dtg_dom0less_set_cpupool(b, dom, e->text);
	}
	if (!r && (e = dtg_config_entry(cfg, "shared_mem")))
		r = apply_shared_mem(&a, e);
	if (!r && (e = dtg_config_entry(cfg, "static_evtchn")))
		r = apply_static_evtchn(&a, e);
	return r;
}
