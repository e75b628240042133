/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tools/cmd-plan.c - `dtgen plan` (the domctl plan as text, JSON or
 * struct xen_domctl records) and `dtgen xlcfg` (the xl.cfg lines).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/config.h>
#include <xendtgen/domctl.h>

#include "cli.h"

enum plan_format { FMT_TEXT, FMT_JSON, FMT_BIN };

static void plan_usage(FILE *f)
{
	fprintf(f, "usage: dtgen plan HOST.dtb GUEST.cfg [--format text|json|bin] "
		   "[--domid N] [--xen 4.17..4.22] [-o OUT]\n"
		   "  bin: struct xen_domctl records (%d bytes each, little-endian);\n"
		   "  assign_device path handles are 0 (a file carries no pointers)\n",
		DTG_DOMCTL_SIZE);
}

static void xlcfg_usage(FILE *f)
{
	fprintf(f, "usage: dtgen xlcfg HOST.dtb GUEST.cfg [--partial PATH] [--xen 4.17..4.22] [-o OUT]\n"
		   "  --xen: only keys that release's xl knows\n");
}

/* Load the host and finalized domain; prints the error on failure. */
static struct dtg_domain *load(dtg_ctx *ctx, const char *dtb,
			       const char *cfg, unsigned release,
			       dtg_host **host)
{
	struct dtg_domain *d;

	*host = cli_load_host(ctx, dtb);
	if (!*host)
		return NULL;
	d = cli_load_domain_release(ctx, *host, cfg, release, NULL);
	if (!d) {
		dtg_host_free(*host);
		*host = NULL;
	}
	return d;
}

static int render_plan(struct dtg_domain *d, enum plan_format fmt,
		       uint32_t version, uint16_t domid, char **out,
		       size_t *len)
{
	size_t need = 0;
	int r;

	if (fmt == FMT_TEXT)
		return dtg_plan_text_alloc(d, out, len);
	if (fmt == FMT_JSON)
		return dtg_plan_json_alloc(d, out, len);
	r = dtg_plan_encode(d, version, domid, NULL, NULL, NULL, 0, &need);
	if (r && r != -DTG_ENOSPACE)
		return r;
	/* At least one byte so an empty plan still yields a buffer. */
	*out = malloc(need ? need : 1);
	if (!*out)
		return -DTG_ENOMEM;
	r = dtg_plan_encode(d, version, domid, NULL, NULL, *out, need, &need);
	if (r) {
		free(*out);
		*out = NULL;
		return r;
	}
	*len = need;
	return 0;
}

int cmd_plan(int argc, char **argv)
{
	const char *pos[2], *outpath = "-", *format = "text", *xen = NULL;
	const char *domid_s = "1";
	const struct cli_opt opts[] = {
		{ "--format", NULL, &format, NULL },
		{ "--domid", NULL, &domid_s, NULL },
		{ "--xen", NULL, &xen, NULL },
		{ "-o", "--output", &outpath, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	enum plan_format fmt;
	uint32_t version;
	unsigned release;
	uint32_t domid;
	int status = CLI_OK, r, n;
	struct dtg_domain *d;
	dtg_host *host;
	dtg_ctx *ctx;
	char *out = NULL;
	size_t len = 0;

	n = cli_parse(argc, argv, opts, pos, 2);
	if (n == CLI_HELP) {
		plan_usage(stdout);
		return CLI_OK;
	}
	if (n != 2) {
		plan_usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(format, "text"))
		fmt = FMT_TEXT;
	else if (!strcmp(format, "json"))
		fmt = FMT_JSON;
	else if (!strcmp(format, "bin"))
		fmt = FMT_BIN;
	else {
		fprintf(stderr, "dtgen: plan: unknown format '%s' (text, json or bin)\n",
			format);
		return CLI_USAGE;
	}
	if (cli_parse_xen_release("plan", xen, &release))
		return CLI_USAGE;
	/* Without --xen: the newest release's interface. */
	version = dtg_xen_domctl_version(release ? release : DTG_XEN_RELEASE_LAST);
	if (cli_parse_domid("plan", domid_s, &domid))
		return CLI_USAGE;
	if (!(ctx = cli_ctx_new()))
		return CLI_FAIL;
	d = load(ctx, pos[0], pos[1], release, &host);
	if (!d) {
		dtg_ctx_free(ctx);
		return CLI_FAIL;
	}
	r = render_plan(d, fmt, version, (uint16_t)domid, &out, &len);
	if (r) {
		cli_report(ctx, r);
		status = CLI_FAIL;
	} else if (cli_write_file(outpath, out, len)) {
		status = CLI_FAIL;
	}
	if (fmt == FMT_BIN)
		free(out);
	else
		dtg_free(ctx, out);
	dtg_domain_free(d);
	dtg_host_free(host);
	dtg_ctx_free(ctx);
	return status;
}

int cmd_xlcfg(int argc, char **argv)
{
	const char *pos[2], *partial = NULL, *outpath = "-", *xen = NULL;
	const struct cli_opt opts[] = {
		{ "--partial", NULL, &partial, NULL },
		{ "--xen", NULL, &xen, NULL },
		{ "-o", "--output", &outpath, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	int status = CLI_OK, r, n;
	unsigned release;
	struct dtg_domain *d;
	dtg_host *host;
	dtg_ctx *ctx;
	char *out = NULL;
	size_t len = 0;

	n = cli_parse(argc, argv, opts, pos, 2);
	if (n == CLI_HELP) {
		xlcfg_usage(stdout);
		return CLI_OK;
	}
	if (n != 2) {
		xlcfg_usage(stderr);
		return CLI_USAGE;
	}
	if (cli_parse_xen_release("xlcfg", xen, &release))
		return CLI_USAGE;
	if (!(ctx = cli_ctx_new()))
		return CLI_FAIL;
	d = load(ctx, pos[0], pos[1], release, &host);
	if (!d) {
		dtg_ctx_free(ctx);
		return CLI_FAIL;
	}
	r = dtg_xlcfg_alloc(d, partial, &out, &len);
	if (r) {
		cli_report(ctx, r);
		status = CLI_FAIL;
	} else if (cli_write_file(outpath, out, len)) {
		status = CLI_FAIL;
	}
	dtg_free(ctx, out);
	dtg_domain_free(d);
	dtg_host_free(host);
	dtg_ctx_free(ctx);
	return status;
}
