/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tools/cli-domain.c - an xl.cfg file to a finalized domain: read, parse,
 * describe, finalize; the first error is printed and nothing is returned.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include <xendtgen/config.h>
#include <xendtgen/domain.h>
#include <xendtgen/domctl.h>

#include "cli.h"

static struct dtg_domain *load_domain(dtg_ctx *ctx, const dtg_host *host,
				      const char *cfg_path, unsigned release,
				      bool dom0, dtg_config **cfg_out);

struct dtg_domain *cli_load_domain(dtg_ctx *ctx, const dtg_host *host,
				   const char *cfg_path)
{
	return cli_load_domain_cfg(ctx, host, cfg_path, NULL);
}

struct dtg_domain *cli_load_dom0(dtg_ctx *ctx, const dtg_host *host,
				 const char *cfg_path)
{
	return load_domain(ctx, host, cfg_path, 0, true, NULL);
}

struct dtg_domain *cli_load_domain_cfg(dtg_ctx *ctx, const dtg_host *host,
				       const char *cfg_path,
				       dtg_config **cfg_out)
{
	return load_domain(ctx, host, cfg_path, 0, false, cfg_out);
}

struct dtg_domain *cli_load_domain_release(dtg_ctx *ctx, const dtg_host *host,
					   const char *cfg_path, unsigned release,
					   dtg_config **cfg_out)
{
	return load_domain(ctx, host, cfg_path, release, false, cfg_out);
}

int cli_parse_xen_release(const char *cmd, const char *s, unsigned *release)
{
	*release = 0;
	if (!s)
		return 0;
	if (dtg_xen_release_parse(s, release)) {
		fprintf(stderr, "dtgen: %s: unsupported Xen version '%s' (4.17, 4.18, 4.19, 4.20, 4.21 or 4.22)\n",
			cmd, s);
		return -1;
	}
	return 0;
}

/* Xen reserves domain IDs from DOMID_FIRST_RESERVED (0x7ff0) up. */
#define CLI_DOMID_MAX 0x7fefUL

int cli_parse_domid(const char *cmd, const char *s, uint32_t *domid)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v > CLI_DOMID_MAX) {
		fprintf(stderr, "dtgen: %s: --domid '%s' is not a domain ID (0..%lu)\n",
			cmd, s, CLI_DOMID_MAX);
		return -1;
	}
	*domid = (uint32_t)v;
	return 0;
}

static struct dtg_domain *load_domain(dtg_ctx *ctx, const dtg_host *host,
				      const char *cfg_path, unsigned release,
				      bool dom0, dtg_config **cfg_out)
{
	dtg_config *cfg = NULL;
	dtg_domain *d = NULL;
	size_t size;
	void *text;
	int r;

	if (cli_read_file(cfg_path, &text, &size))
		return NULL;
	/* messages name the file as the user wrote it: "guest.cfg:12: ..." */
	r = dtg_config_parse(ctx, text, size, cfg_path, &cfg);
	free(text);
	if (!r)
		r = dtg_domain_new(ctx, host, &d);
	if (!r)
		r = dtg_domain_set_xen_release(d, release);
	if (!r)
		r = dtg_domain_apply_config(d, cfg);
	if (!r && dom0)
		r = dtg_domain_set_dom0(d, true);
	if (!r)
		r = dtg_domain_finalize(d);
	if (r) {
		cli_report(ctx, r);
		dtg_config_free(cfg);
		dtg_domain_free(d);
		return NULL;
	}
	if (cfg_out)
		*cfg_out = cfg;
	else
		dtg_config_free(cfg);
	return d;
}
