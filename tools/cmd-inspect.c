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
	bool json = false, opts = true;
	dtg_host *host;
	dtg_ctx *ctx;
	char *out = NULL;
	int r, status;

	paths = calloc((size_t)argc + 1, sizeof(*paths));
	if (!paths) {
		fprintf(stderr, "dtgen: out of memory\n");
		return CLI_FAIL;
	}
	for (int i = 1; i < argc; i++) {
		if (opts && !strcmp(argv[i], "--json")) {
			json = true;
		} else if (opts && (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))) {
			inspect_usage(stdout);
			free(paths);
			return CLI_OK;
		} else if (opts && !strcmp(argv[i], "--")) {
			opts = false;
		} else if (opts && argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "dtgen: inspect: unknown option '%s'\n", argv[i]);
			inspect_usage(stderr);
			free(paths);
			return CLI_USAGE;
		} else if (!dtb) {
			dtb = argv[i];
		} else {
			paths[npaths++] = argv[i];
		}
	}
	if (!dtb) {
		inspect_usage(stderr);
		free(paths);
		return CLI_USAGE;
	}
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
	r = json ? dtg_host_inspect_json(host, ctx, paths, npaths, &out, &len)
		 : dtg_host_inspect_text(host, ctx, paths, npaths, &out, &len);
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
