/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tools/cmd-inspect.c - `dtgen inspect [--json] HOST.dtb [PATH...]`: the
 * resources of host devices (all devices without PATH), as text or JSON.
 * Nothing is printed on stdout unless every step succeeds.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void inspect_usage(FILE *f)
{
	fprintf(f, "usage: dtgen inspect [--json] HOST.dtb [PATH...]\n");
}

int cmd_inspect(int argc, char **argv)
{
	const char *dtb = NULL;
	const char **paths;
	size_t npaths = 0, len = 0;
	bool json = false;
	const struct cli_opt opts[] = {
		{ "--json", NULL, NULL, &json },
		{ NULL, NULL, NULL, NULL },
	};
	dtg_host *host;
	dtg_ctx *ctx;
	char *out = NULL;
	int r, status, n;

	paths = calloc((size_t)argc + 1, sizeof(*paths));
	if (!paths) {
		fprintf(stderr, "dtgen: out of memory\n");
		return CLI_FAIL;
	}
	n = cli_parse(argc, argv, opts, paths, argc);
	if (n < 1) {
		inspect_usage(n == CLI_HELP ? stdout : stderr);
		free(paths);
		return n == CLI_HELP ? CLI_OK : CLI_USAGE;
	}
	dtb = paths[0];
	npaths = (size_t)n - 1;
	ctx = cli_ctx_new();
	if (!ctx) {
		free(paths);
		return CLI_FAIL;
	}
	host = cli_load_host(ctx, dtb);
	if (!host) {
		dtg_ctx_free(ctx);
		free(paths);
		return CLI_FAIL;
	}
	r = json ? dtg_host_inspect_json(host, ctx, paths + 1, npaths, &out, &len)
		 : dtg_host_inspect_text(host, ctx, paths + 1, npaths, &out, &len);
	status = CLI_OK;
	if (r) {
		cli_report(ctx, r);
		status = CLI_FAIL;
	} else if (cli_write_file("-", out, len)) {
		status = CLI_FAIL;
	}
	dtg_free(ctx, out);
	dtg_host_free(host);
	dtg_ctx_free(ctx);
	free(paths);
	return status;
}
