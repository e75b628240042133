/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/config-apply.c - the xl.cfg keys libdtgen knows, applied to a
 * dtg_domain through its public setters.
 *
 * Every known key is one entry of cfg_keys[] (applied in table order:
 * settings, then devices, then the raw iomem/irqs that are checked against
 * those devices); adding a key (viommu, virtio, ...) is one entry and one
 * function.  Keys not in the table are kept in the config and ignored with
 * one notice each, so a user's real xl.cfg (builder, disk, vif, ...) works.
 *
 * How xl's raw resource keys map onto a description in which libdtgen
 * derives resources from devices:
 *  - dtdev = [ PATH, ... ]: each path is passed through, IOMMU-protected,
 *    every range 1:1.
 *  - iomem = [ "MFN,NR[@GFN]", ... ] (hex, as xl): an entry must cover
 *    exactly the pages of one MMIO range of a passed-through device; it
 *    then places that range at GFN (1:1 without @GFN).  An entry that is
 *    no device's range is an error: libdtgen cannot route bare memory.
 *  - irqs = [ INTID, ... ]: each must be an interrupt of a passed-through
 *    device (they are routed anyway); anything else is an error.
 *  - device_tree = PATH is kept in the config (dtg_config_string) for the
 *    caller's output; the domain never reads a partial DT.
 *
 * Dom0less-only keys (xl has none for these): static_mem = [ "BASE,SIZE" ]
 * (hex bytes), direct_map = 0|1, llc_colors = "0-3".
 */
#include <stdio.h>

#include <libfdt.h>

#include "config-internal.h"
#include "viommu-internal.h"
#include "copro-internal.h"

struct cfg_pt {
	int index;               /* device index in the domain */
	char *path;              /* host path (owned) */
	const char *key;         /* "dtdev" or "dt_passthrough" */
	unsigned line;
	struct dtg_device *dev;  /* host resources, for iomem/irqs/guest= */
	unsigned guest_line;     /* line of guest=, 0 if none */
	enum dtg_placement guest_how;  /* what guest= said */
	uint64_t *guest;         /* guest=ADDR/...: one per range */
};

struct cfg_apply {
	dtg_domain *d;
	dtg_ctx *ctx;
	const dtg_host *host;
	const dtg_config *cfg;
	const char *name;
	size_t npt, cap;
	struct cfg_pt *pt;
};

/* ---- value helpers: every error names file:line: key ---- */

static int type_error(struct cfg_apply *a, const struct dtg_cfg_entry *e,
		      const char *want)
{
	static const char *const names[] = { "a string", "a number", "a list" };

	return dtg_error(a->ctx, DTG_ECONFIG, "%s:%u: %s: expected %s, got %s",
			 a->name, e->line, e->key, want, names[e->type]);
}

/* A number in [min, max]; xl also reads a numeric string as a number. */
static int want_uint(struct cfg_apply *a, const struct dtg_cfg_entry *e,
		     uint64_t min, uint64_t max, uint64_t *out)
{
	int64_t v;

	if (e->type == DTG_CFG_LIST)
		return type_error(a, e, "a number");
	if (e->type == DTG_CFG_NUMBER)
		v = e->num;
	else if (dtg_config_parse_int(e->text, &v))
		return dtg_error(a->ctx, DTG_ECONFIG,
				 "%s:%u: %s: expected a number, got \"%s\"",
				 a->name, e->line, e->key, e->text);
	if (v < 0 || (uint64_t)v < min || (uint64_t)v > max)
		return dtg_error(a->ctx, DTG_ERANGE,
				 "%s:%u: %s: %s is out of range (%llu..%llu)",
				 a->name, e->line, e->key, e->text,
				 (unsigned long long)min,
				 (unsigned long long)max);
	*out = (uint64_t)v;
	return 0;
}

/* A string (a number's text also reads as a string in xl). */
static int want_string(struct cfg_apply *a, const struct dtg_cfg_entry *e,
		       const char **out)
{
	*out = NULL;
	if (e->type == DTG_CFG_LIST)
		return type_error(a, e, "a string");
	*out = e->text;
	return 0;
}

static int want_list(struct cfg_apply *a, const struct dtg_cfg_entry *e)
{
	return e->type == DTG_CFG_LIST ? 0 : type_error(a, e, "a list");
}

/* yes/no in the spellings xl and its users write. */
static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };

	for (size_t i = 0; i < DTG_ARRAY_SIZE(yes); i++) {
		if (!strcmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -DTG_EINVAL;
}

/*
 * A domain setter failed: keep its message, prefixed with where the
 * value came from.
 */
static int setter_error(struct cfg_apply *a, int r, unsigned line,
			const char *key)
{
	char msg[DTG_ERRMSG_MAX];

	snprintf(msg, sizeof(msg), "%s", dtg_last_error(a->ctx));
	if (!msg[0])
		snprintf(msg, sizeof(msg), "%s", dtg_strerror(r));
	return dtg_error(a->ctx, r < 0 ? -r : r, "%s:%u: %s: %s", a->name,
			 line, key, msg);
}

/* ---- domain-wide settings ---- */

static int apply_name(struct cfg_apply *a, const struct dtg_cfg_entry *e)
{
	const char *s;
	int r = want_string(a, e, &s);

	if (!r && (r = dtg_domain_set_name(a->d, s)) < 0)
		r = setter_error(a, r, e->line, e->key);
	return r;
}

static int apply_memory(struct cfg_apply *a, const struct dtg_cfg_entry *e)
{
	uint64_t v;
	int r = want_uint(a, e, 1, UINT64_MAX >> 20, &v);

	if (!r && (r = dtg_domain_set_memory_mib(a->d, v)) < 0)
		r = setter_error(a, r, e->line, e->key);
	return r;
}

static int apply_vcpus(struct cfg_apply *a, const struct dtg_cfg_entry *e)
{
	uint64_t v;
	int r;

	/* xl: maxvcpus is the ceiling, vcpus those online; take vcpus */
	if (!strcmp(e->key, "maxvcpus") && dtg_config_entry(a->cfg, "vcpus"))
		return 0;
	r = want_uint(a, e, 1, 65535, &v);
	if (!r && (r = dtg_domain_set_vcpus(a->d, (unsigned)v)) < 0)
		r = setter_error(a, r, e->line, e->key);
	return r;
}

static int apply_gic_version(struct cfg_apply *a,
			     const struct dtg_cfg_entry *e)
{
	static const struct { const char *s; unsigned v; } spell[] = {
		{ "v2", 2 }, { "v3", 3 }, { "2", 2 }, { "3", 3 },
		{ "native", 0 }, { "default", 0 },
	};
	unsigned v = ~0u;
	int r;

	if (e->type == DTG_CFG_LIST)
		return type_error(a, e, "\"v2\", \"v3\" or \"native\"");
	for (size_t i = 0; i < DTG_ARRAY_SIZE(spell); i++)
		if (!strcmp(e->text, spell[i].s))
			v = spell[i].v;
	if (v == ~0u)
		return dtg_error(a->ctx, DTG_ECONFIG,
				 "%s:%u: %s: \"%s\" is not \"v2\", \"v3\" or "
				 "\"native\"", a->name, e->line, e->key,
				 e->text);
	r = dtg_domain_set_gic_version(a->d, v);
	return r < 0 ? setter_error(a, r, e->line, e->key) : 0;
}

static int apply_nr_spis(struct cfg_apply *a, const struct dtg_cfg_entry *e)
{
	uint64_t v;
	int r = want_uint(a, e, 0, 991, &v);  /* INTIDs end at 1019 */

	if (!r && (r = dtg_domain_set_nr_spis(a->d, (unsigned)v)) < 0)
		r = setter_error(a, r, e->line, e->key);
	return r;
}

static int apply_vpl011(struct cfg_apply *a, const struct dtg_cfg_entry *e)
{
	bool on;
	int r;

	if (e->type == DTG_CFG_LIST || parse_bool(e->text, &on))
		return dtg_error(a->ctx, DTG_ECONFIG,
				 "%s:%u: %s: expected 0 or 1 (or \"yes\"/\"no\")",
				 a->name, e->line, e->key);
	r = dtg_domain_set_vpl011(a->d, on);
	return r < 0 ? setter_error(a, r, e->line, e->key) : 0;
}

/*
 * kernel, with its command line as xl builds it: `cmdline` when given,
 * else "root=ROOT EXTRA" from `root` and `extra`.
 */
static int apply_kernel(struct cfg_apply *a, const struct dtg_cfg_entry *e)
{
	const struct dtg_cfg_entry *cl = dtg_config_entry(a->cfg, "cmdline");
	const struct dtg_cfg_entry *extra = dtg_config_entry(a->cfg, "extra");
	const struct dtg_cfg_entry *root = dtg_config_entry(a->cfg, "root");
	const char *path, *s = NULL;
	char *built = NULL;
	int r = want_string(a, e, &path);

	if (r)
		return r;
	if (cl) {
		r = want_string(a, cl, &s);
	} else if (root || extra) {
		const char *rs = "", *xs = "";
		struct dtg_buf b;

		if (root && (r = want_string(a, root, &rs)))
			return r;
		if (extra && (r = want_string(a, extra, &xs)))
			return r;
		dtg_buf_init(&b, a->ctx);
		if (root)
			dtg_buf_printf(&b, "root=%s%s", rs, extra ? " " : "");
		dtg_buf_puts(&b, xs);
		if (b.err)
			return b.err;
		s = built = b.data;
	}
	if (!r && (r = dtg_domain_set_kernel(a->d, path, s)) < 0)
		r = setter_error(a, r, e->line, e->key);
	dtg_free(a->ctx, built);
	return r;
}

static int apply_ramdisk(struct cfg_apply *a, const struct dtg_cfg_entry *e)
{
	const char *s;
	int r = want_string(a, e, &s);

	if (!r && (r = dtg_domain_set_ramdisk(a->d, s)) < 0)
		r = setter_error(a, r, e->line, e->key);
	return r;
}

/* ---- dom0less memory (dtgen dom0less writes them into xen,domain) ---- */

/* static_mem = [ "BASE,SIZE", ... ]: host RAM banks, bytes in hex. */
static int apply_static_mem(struct cfg_apply *a, const struct dtg_cfg_entry *e)
{
	int r = want_list(a, e);

	for (size_t i = 0; !r && i < e->nitem; i++) {
		const char *s = e->item[i].text;
		unsigned long long base, size;
		int n = -1;

		if (sscanf(s, "%llx,%llx%n", &base, &size, &n) != 2 ||
		    n < 0 || s[n])
			return dtg_error(a->ctx, DTG_ECONFIG,
					 "%s:%u: static_mem: \"%s\": expected "
					 "BASE,SIZE in hex bytes", a->name,
					 e->item[i].line, s);
		r = dtg_domain_add_static_mem(a->d, base, size);
		if (r < 0)
			return setter_error(a, r, e->item[i].line, e->key);
	}
	return r;
}

static int apply_direct_map(struct cfg_apply *a, const struct dtg_cfg_entry *e)
{
	bool on;
	int r;

	if (e->type == DTG_CFG_LIST || parse_bool(e->text, &on))
		return dtg_error(a->ctx, DTG_ECONFIG,
				 "%s:%u: %s: expected 0 or 1 (or \"yes\"/\"no\")",
				 a->name, e->line, e->key);
	r = dtg_domain_set_direct_map(a->d, on);
	return r < 0 ? setter_error(a, r, e->line, e->key) : 0;
}

static int apply_llc_colors(struct cfg_apply *a, const struct dtg_cfg_entry *e)
{
	const char *s;
	int r = want_string(a, e, &s);

	if (!r && (r = dtg_domain_set_llc_colors(a->d, s)) < 0)
		r = setter_error(a, r, e->line, e->key);
	return r;
}

/* ---- devices ---- */

/* Pass host_path through and remember it for iomem, irqs and guest=. */
static int add_device(struct cfg_apply *a, const char *key, unsigned line,
		      const char *path, struct cfg_pt **out)
{
	struct cfg_pt *pt;
	int idx, r;

	if (path[0] != '/')
		return dtg_error(a->ctx, DTG_ECONFIG,
				 "%s:%u: %s: \"%s\" is not an absolute DT path",
				 a->name, line, key, path);
	r = dtg_grow(a->ctx, (void **)&a->pt, &a->cap, a->npt + 1,
		     sizeof(*a->pt));
	if (r)
		return r;
	idx = dtg_domain_add_passthrough(a->d, path);
	if (idx < 0)
		return setter_error(a, idx, line, key);
	pt = &a->pt[a->npt++];
	memset(pt, 0, sizeof(*pt));
	pt->index = idx;
	pt->key = key;
	pt->line = line;
	pt->path = dtg_strdup(a->ctx, path);
	if (!pt->path)
		return -DTG_ENOMEM;
	r = dtg_host_resolve_device(a->host, a->ctx, path, &pt->dev);
	if (r < 0)
		return setter_error(a, r, line, key);
	*out = pt;
	return 0;
}

static int apply_dtdev(struct cfg_apply *a, const struct dtg_cfg_entry *e)
{
	int r = want_list(a, e);

	for (size_t i = 0; !r && i < e->nitem; i++) {
		struct cfg_pt *pt;

		r = add_device(a, e->key, e->item[i].line, e->item[i].text,
			       &pt);
		if (!r && (r = dtg_pt_set_iommu(a->d, pt->index,
						DTG_IOMMU_MODE_ON)) < 0)
			r = setter_error(a, r, e->item[i].line, e->key);
	}
	return r;
}

/* dt_passthrough options of one entry, before they are applied. */
struct pt_request {
	struct cfg_apply *a;
	unsigned line;
	const char *path;
	enum dtg_iommu_mode iommu;
	bool iommu_set;
	const char *guest;           /* "1:1", "auto" or "ADDR/ADDR..." */
	size_t nclock, cap_clock;
	const char **clock;          /* "NAME:HZ" */
	size_t nkeep, cap_keep;
	const char **keep;           /* "PROP/PROP..." */
};

static int opt_error(struct pt_request *q, const char *opt, const char *val,
		     const char *what)
{
	return dtg_error(q->a->ctx, DTG_ECONFIG,
			 "%s:%u: dt_passthrough: %s=%s: %s", q->a->name,
			 q->line, opt, val, what);
}

static int opt_path(struct pt_request *q, const char *val)
{
	if (q->path)
		return opt_error(q, "path", val, "path= given twice");
	q->path = val;
	return 0;
}

static int opt_iommu(struct pt_request *q, const char *val)
{
	bool on;

	if (q->iommu_set)
		return opt_error(q, "iommu", val, "iommu= given twice");
	if (parse_bool(val, &on))
		return opt_error(q, "iommu", val, "expected yes or no");
	q->iommu = on ? DTG_IOMMU_MODE_ON : DTG_IOMMU_MODE_OFF;
	q->iommu_set = true;
	return 0;
}

static int opt_guest(struct pt_request *q, const char *val)
{
	if (q->guest)
		return opt_error(q, "guest", val, "guest= given twice");
	if (!*val)
		return opt_error(q, "guest", val, "expected 1:1, auto or ADDR");
	q->guest = val;
	return 0;
}

const char *dtg_config_parse_clock_rate(const char *val, size_t *namelen,
					uint64_t *hz)
{
	const char *colon = strrchr(val, ':');
	int64_t v;

	if (!colon || colon == val)
		return "expected NAME:HZ";
	if (dtg_config_parse_int(colon + 1, &v) || v <= 0)
		return "HZ is not a positive number";
	if (namelen)
		*namelen = (size_t)(colon - val);
	if (hz)
		*hz = (uint64_t)v;
	return NULL;
}

static int opt_clock_rate(struct pt_request *q, const char *val)
{
	const char *why = dtg_config_parse_clock_rate(val, NULL, NULL);

	if (why)
		return opt_error(q, "clock-rate", val, why);
	if (dtg_grow(q->a->ctx, (void **)&q->clock, &q->cap_clock,
		     q->nclock + 1, sizeof(*q->clock)))
		return -DTG_ENOMEM;
	q->clock[q->nclock++] = val;
	return 0;
}

static int opt_keep(struct pt_request *q, const char *val)
{
	if (!*val)
		return opt_error(q, "keep", val, "expected PROP[/PROP...]");
	if (dtg_grow(q->a->ctx, (void **)&q->keep, &q->cap_keep, q->nkeep + 1,
		     sizeof(*q->keep)))
		return -DTG_ENOMEM;
	q->keep[q->nkeep++] = val;
	return 0;
}

/* The options of a dt_passthrough entry: one line each to add one. */
static const struct pt_option {
	const char *key;
	int (*parse)(struct pt_request *q, const char *val);
} pt_options[] = {
	{ "path", opt_path },
	{ "iommu", opt_iommu },
	{ "guest", opt_guest },
	{ "clock-rate", opt_clock_rate },
	{ "keep", opt_keep },
};

/*
 * Whether the comma at s separates options: what follows up to the next
 * comma looks like KEY=.  DT node names may contain commas
 * ("/soc/qcom,smmu@..."), and those stay in the value.
 */
static bool starts_option(const char *s)
{
	const char *p = s;

	while ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
	       *p == '-' || *p == '_')
		p++;
	return p > s && *p == '=';
}

/* Apply guest= to device pt: 1:1, auto, or one address per MMIO range. */
static int apply_guest(struct pt_request *q, struct cfg_pt *pt)
{
	struct cfg_apply *a = q->a;
	size_t n = 1, i = 0;
	const char *s;
	int r;

	pt->guest_line = q->line;
	pt->guest_how = DTG_PLACE_IDENTITY;
	if (!strcmp(q->guest, "1:1"))
		return 0;
	pt->guest_how = DTG_PLACE_AUTO;
	if (!strcmp(q->guest, "auto")) {
		r = dtg_pt_set_placement(a->d, pt->index, -1, DTG_PLACE_AUTO,
					 0);
		return r < 0 ? setter_error(a, r, q->line, "dt_passthrough") :
			0;
	}
	for (s = q->guest; *s; s++)
		n += *s == '/';
	if (n != pt->dev->nmmio)
		return dtg_error(a->ctx, DTG_ECONFIG,
				 "%s:%u: dt_passthrough: guest=%s: %zu "
				 "address(es) for %s, which has %zu MMIO "
				 "range(s)", a->name, q->line, q->guest, n,
				 pt->path, pt->dev->nmmio);
	pt->guest = dtg_zalloc(a->ctx, n * sizeof(*pt->guest));
	if (!pt->guest)
		return -DTG_ENOMEM;
	pt->guest_how = DTG_PLACE_FIXED;
	for (s = q->guest; i < n; i++) {
		const char *slash = strchr(s, '/');
		size_t len = slash ? (size_t)(slash - s) : strlen(s);
		char num[32];
		int64_t v;

		if (!len || len >= sizeof(num))
			return opt_error(q, "guest", q->guest,
					 "expected 1:1, auto or ADDR[/ADDR...]");
		memcpy(num, s, len);
		num[len] = 0;
		if (dtg_config_parse_int(num, &v) || v < 0)
			return opt_error(q, "guest", q->guest,
					 "an address is not a number");
		pt->guest[i] = (uint64_t)v;
		r = dtg_pt_set_placement(a->d, pt->index, (int)i,
					 DTG_PLACE_FIXED, (uint64_t)v);
		if (r < 0)
			return setter_error(a, r, q->line, "dt_passthrough");
		s += len + (slash != NULL);
	}
	return 0;
}

/* Whether clock (a clock-names entry or a decimal index) is dev's. */
static bool has_clock(const struct dtg_device *dev, const char *clock)
{
	int64_t idx = -1;

	if (clock[0] >= '0' && clock[0] <= '9' &&
	    (dtg_config_parse_int(clock, &idx) ||
	     (clock[0] == '0' && clock[1])))
		idx = -1;  /* an index is plain decimal */
	for (size_t i = 0; i < dev->ndep; i++) {
		const struct dtg_dep *dep = &dev->dep[i];

		if (dep->kind != DTG_DEP_CLOCK || strcmp(dep->prop, "clocks"))
			continue;
		if (dep->index == idx || (dep->name &&
					  !strcmp(dep->name, clock)))
			return true;
	}
	return false;
}

/* clock-rate= and keep= for device pt (checked against the host node). */
static int apply_clocks_keep(struct pt_request *q, struct cfg_pt *pt)
{
	struct cfg_apply *a = q->a;
	char buf[256];
	int r;

	for (size_t i = 0; i < q->nclock; i++) {
		size_t len = 0;
		uint64_t hz = 0;

		dtg_config_parse_clock_rate(q->clock[i], &len, &hz); /* checked when read */
		if (len >= sizeof(buf))
			return opt_error(q, "clock-rate", q->clock[i],
					 "clock name too long");
		memcpy(buf, q->clock[i], len);
		buf[len] = 0;
		if (!has_clock(pt->dev, buf))
			return opt_error(q, "clock-rate", q->clock[i],
					 "no such clock in clock-names or "
					 "clocks of the host node");
		r = dtg_pt_set_clock_rate(a->d, pt->index, buf, hz);
		if (r < 0)
			return setter_error(a, r, q->line, "dt_passthrough");
	}
	for (size_t i = 0; i < q->nkeep; i++) {
		const char *s = q->keep[i];

		while (*s) {
			size_t len = strcspn(s, "/");

			if (!len || len >= sizeof(buf))
				return opt_error(q, "keep", q->keep[i],
						 "expected PROP[/PROP...]");
			memcpy(buf, s, len);
			buf[len] = 0;
			if (!fdt_getprop(dtg_host_fdt(a->host), pt->dev->offset,
					 buf, NULL))
				return dtg_error(a->ctx, DTG_ENOTFOUND,
						 "%s:%u: dt_passthrough: keep=%s: "
						 "%s has no property '%s'",
						 a->name, q->line, q->keep[i],
						 pt->path, buf);
			r = dtg_pt_keep_property(a->d, pt->index, buf);
			if (r < 0)
				return setter_error(a, r, q->line,
						    "dt_passthrough");
			s += len + (s[len] == '/');
		}
	}
	return 0;
}

/* One dt_passthrough entry ("path=...,iommu=no,..."), split in text. */
static int apply_pt_entry(struct pt_request *q, char *text)
{
	struct cfg_pt *pt;
	char *opt = text;
	int r;

	while (opt) {
		char *next = opt, *eq;
		const struct pt_option *o = NULL;

		/* find the comma that starts the next option */
		while ((next = strchr(next, ',')) && !starts_option(next + 1))
			next++;
		if (next)
			*next++ = 0;
		eq = strchr(opt, '=');
		if (!eq)
			return dtg_error(q->a->ctx, DTG_ECONFIG,
					 "%s:%u: dt_passthrough: \"%s\": "
					 "expected KEY=VALUE", q->a->name,
					 q->line, opt);
		*eq = 0;
		for (size_t i = 0; i < DTG_ARRAY_SIZE(pt_options); i++)
			if (!strcmp(pt_options[i].key, opt))
				o = &pt_options[i];
		if (!o)
			return dtg_error(q->a->ctx, DTG_ECONFIG,
					 "%s:%u: dt_passthrough: unknown option "
					 "'%s' (path, iommu, guest, clock-rate, "
					 "keep)", q->a->name, q->line, opt);
		r = o->parse(q, eq + 1);
		if (r)
			return r;
		opt = next;
	}
	if (!q->path || !*q->path)
		return dtg_error(q->a->ctx, DTG_ECONFIG,
				 "%s:%u: dt_passthrough: path= is required",
				 q->a->name, q->line);

	r = add_device(q->a, "dt_passthrough", q->line, q->path, &pt);
	if (r)
		return r;
	if (q->iommu_set &&
	    (r = dtg_pt_set_iommu(q->a->d, pt->index, q->iommu)) < 0)
		return setter_error(q->a, r, q->line, "dt_passthrough");
	if (q->guest && (r = apply_guest(q, pt)))
		return r;
	return apply_clocks_keep(q, pt);
}

static int apply_dt_passthrough(struct cfg_apply *a,
				const struct dtg_cfg_entry *e)
{
	int r = want_list(a, e);

	for (size_t i = 0; !r && i < e->nitem; i++) {
		struct pt_request q;
		char *text = dtg_strdup(a->ctx, e->item[i].text);

		if (!text)
			return -DTG_ENOMEM;
		memset(&q, 0, sizeof(q));
		q.a = a;
		q.line = e->item[i].line;
		r = apply_pt_entry(&q, text);
		dtg_free(a->ctx, q.clock);
		dtg_free(a->ctx, q.keep);
		dtg_free(a->ctx, text);
	}
	return r;
}

/* ---- xl's raw resources, checked against the devices ---- */

/* "MFN,NR[@GFN]" in hex (an optional 0x, as xl's sscanf %x reads it). */
static int parse_iomem(const char *s, uint64_t v[3], bool *has_gfn)
{
	int n = 0;

	*has_gfn = false;
	for (;;) {
		const char *start;
		uint64_t x = 0;

		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
			s += 2;
		start = s;
		for (; (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
		       (*s >= 'A' && *s <= 'F'); s++) {
			unsigned d = *s <= '9' ? (unsigned)(*s - '0') :
				(unsigned)((*s | 0x20) - 'a' + 10);

			if (x >> 60)
				return -DTG_ERANGE;
			x = x * 16 + d;
		}
		if (s == start)
			return -DTG_EINVAL;
		v[n++] = x;
		if (n == 1 && *s == ',') {
			s++;
		} else if (n == 2 && *s == '@') {
			*has_gfn = true;
			s++;
		} else {
			return !*s && n >= 2 ? 0 : -DTG_EINVAL;
		}
	}
}

/* A device range whose pages are exactly [base, end), or NULL. */
static struct cfg_pt *find_range(struct cfg_apply *a, uint64_t base,
				 uint64_t end, size_t *range)
{
	for (size_t i = 0; i < a->npt; i++) {
		const struct dtg_device *dev = a->pt[i].dev;

		for (size_t j = 0; j < dev->nmmio; j++) {
			uint64_t lo = dev->mmio[j].addr & ~DTG_PAGE_MASK;
			uint64_t hi = dev->mmio[j].addr + dev->mmio[j].size;

			if (hi < dev->mmio[j].addr || hi > UINT64_MAX -
			    DTG_PAGE_MASK)
				continue;
			hi = (hi + DTG_PAGE_MASK) & ~DTG_PAGE_MASK;
			if (lo == base && hi == end) {
				*range = j;
				return &a->pt[i];
			}
		}
	}
	return NULL;
}

/* Whether guest= of pt put range j at guest (what an iomem entry says). */
static bool placement_agrees(const struct cfg_pt *pt, size_t j,
			     uint64_t guest)
{
	switch (pt->guest_how) {
	case DTG_PLACE_IDENTITY:
		return guest == pt->dev->mmio[j].addr;
	case DTG_PLACE_FIXED:
		return guest == pt->guest[j];
	default:
		return false;
	}
}

static int apply_iomem(struct cfg_apply *a, const struct dtg_cfg_entry *e)
{
	int r = want_list(a, e);

	for (size_t i = 0; !r && i < e->nitem; i++) {
		const char *s = e->item[i].text;
		unsigned line = e->item[i].line;
		uint64_t v[3], base, end, guest;
		struct cfg_pt *pt;
		bool has_gfn;
		size_t j;

		r = parse_iomem(s, v, &has_gfn);
		if (r || !v[1] || v[0] > (UINT64_MAX >> 12) - v[1] ||
		    (has_gfn && v[2] > (UINT64_MAX >> 12) - v[1]))
			return dtg_error(a->ctx, DTG_ECONFIG,
					 "%s:%u: iomem: \"%s\": expected "
					 "MFN,NR[@GFN] in hex pages", a->name,
					 line, s);
		base = v[0] << 12;
		end = (v[0] + v[1]) << 12;
		pt = find_range(a, base, end, &j);
		if (!pt)
			return dtg_error(a->ctx, DTG_ECONFIG,
					 "%s:%u: iomem: \"%s\": 0x%llx-0x%llx is "
					 "not the MMIO range of a device in dtdev "
					 "or dt_passthrough (libdtgen maps only "
					 "devices' ranges)", a->name, line, s,
					 (unsigned long long)base,
					 (unsigned long long)end - 1);
		guest = (has_gfn ? v[2] << 12 : base) +
			(pt->dev->mmio[j].addr & DTG_PAGE_MASK);
		if (pt->guest_line && !placement_agrees(pt, j, guest))
			return dtg_error(a->ctx, DTG_ECONFIG,
					 "%s:%u: iomem: \"%s\": contradicts the "
					 "guest= of %s on line %u", a->name, line,
					 s, pt->path, pt->guest_line);
		r = dtg_pt_set_placement(a->d, pt->index, (int)j,
					 has_gfn && v[2] != v[0] ?
					 DTG_PLACE_FIXED : DTG_PLACE_IDENTITY,
					 guest);
		if (r < 0)
			return setter_error(a, r, line, e->key);
		r = 0;
	}
	return r;
}

static int apply_irqs(struct cfg_apply *a, const struct dtg_cfg_entry *e)
{
	int r = want_list(a, e);

	for (size_t i = 0; !r && i < e->nitem; i++) {
		int64_t v;
		bool found = false;

		if (dtg_config_parse_int(e->item[i].text, &v) || v < 0 ||
		    v > UINT32_MAX)
			return dtg_error(a->ctx, DTG_ECONFIG,
					 "%s:%u: irqs: \"%s\" is not an "
					 "interrupt number", a->name,
					 e->item[i].line, e->item[i].text);
		for (size_t k = 0; !found && k < a->npt; k++) {
			const struct dtg_device *dev = a->pt[k].dev;

			for (size_t j = 0; j < dev->nirq; j++)
				if (dev->irq[j].kind != DTG_IRQ_OTHER &&
				    dev->irq[j].intid == (uint32_t)v)
					found = true;
		}
		if (!found)
			return dtg_error(a->ctx, DTG_ECONFIG,
					 "%s:%u: irqs: %s is not an interrupt of "
					 "a device in dtdev or dt_passthrough "
					 "(libdtgen routes only devices' "
					 "interrupts)", a->name, e->item[i].line,
					 e->item[i].text);
	}
	return r;
}

/* vIOMMU and virtio keys: the logic is in viommu-config.c. */
static int apply_viommu(struct cfg_apply *a, const struct dtg_cfg_entry *e)
{
	return dtg_viommu_apply_cfg(a->d, a->name, e);
}

static int apply_virtio(struct cfg_apply *a, const struct dtg_cfg_entry *e)
{
	return dtg_virtio_apply_cfg(a->d, a->name, e);
}

static int apply_disk(struct cfg_apply *a, const struct dtg_cfg_entry *e)
{
	return dtg_virtio_disk_apply_cfg(a->d, a->name, e);
}

/* Shared coprocessor instances: the logic is in copro-config.c. */
static int apply_coprocessors(struct cfg_apply *a, const struct dtg_cfg_entry *e)
{
	return dtg_copro_apply_cfg(a->d, a->name, e);
}

/*
 * The keys libdtgen knows, applied in this order (devices before the raw
 * resources checked against them).  apply == NULL: read by another
 * key's function (cmdline/extra/root by kernel) or by the caller
 * (device_tree).
 */
static const struct cfg_key {
	const char *key;
	int (*apply)(struct cfg_apply *a, const struct dtg_cfg_entry *e);
} cfg_keys[] = {
	{ "name", apply_name },
	{ "memory", apply_memory },
	{ "maxvcpus", apply_vcpus },
	{ "vcpus", apply_vcpus },
	{ "gic_version", apply_gic_version },
	{ "nr_spis", apply_nr_spis },
	{ "vpl011", apply_vpl011 },
	{ "kernel", apply_kernel },
	{ "cmdline", NULL },
	{ "extra", NULL },
	{ "root", NULL },
	{ "ramdisk", apply_ramdisk },
	{ "device_tree", NULL },
	{ "static_mem", apply_static_mem },
	{ "direct_map", apply_direct_map },
	{ "llc_colors", apply_llc_colors },
	{ "xen_enhanced", NULL },     /* dom0less: dtg_dom0less_apply_config */
	{ "cpupool", NULL },
	{ "shared_mem", NULL },
	{ "static_evtchn", NULL },
	{ "dtdev", apply_dtdev },
	{ "dt_passthrough", apply_dt_passthrough },
	{ "iomem", apply_iomem },
	{ "irqs", apply_irqs },
	{ "viommu", apply_viommu },
	{ "virtio", apply_virtio },
	{ "disk", apply_disk },            /* specification=virtio disks */
	{ "coprocessors", apply_coprocessors },
};

static bool known_key(const char *key)
{
	for (size_t i = 0; i < DTG_ARRAY_SIZE(cfg_keys); i++)
		if (!strcmp(cfg_keys[i].key, key))
			return true;
	return false;
}

int dtg_domain_apply_config(dtg_domain *d, const dtg_config *cfg)
{
	struct cfg_apply a;
	int r = 0;

	if (!d || !cfg)
		return -DTG_EINVAL;
	memset(&a, 0, sizeof(a));
	a.d = d;
	a.ctx = dtg_domain_ctx(d);
	a.host = dtg_domain_host(d);
	a.cfg = cfg;
	a.name = cfg->name;
	if (dtg_domain_is_finalized(d))
		return dtg_error(a.ctx, DTG_ESTATE, "%s: the domain is already "
				 "finalized", a.name);

	for (size_t i = 0; i < cfg->n; i++)
		if (!known_key(cfg->e[i].key))
			dtg_log(a.ctx, DTG_LOG_NOTICE,
				"%s:%u: key '%s' is not used by libdtgen",
				a.name, cfg->e[i].line, cfg->e[i].key);
	for (size_t i = 0; !r && i < DTG_ARRAY_SIZE(cfg_keys); i++) {
		const struct dtg_cfg_entry *e =
			dtg_config_entry(cfg, cfg_keys[i].key);

		if (e && cfg_keys[i].apply)
			r = cfg_keys[i].apply(&a, e);
	}
	for (size_t i = 0; i < a.npt; i++) {
		dtg_device_free(a.ctx, a.pt[i].dev);
		dtg_free(a.ctx, a.pt[i].path);
		dtg_free(a.ctx, a.pt[i].guest);
	}
	dtg_free(a.ctx, a.pt);
	return r;
}
