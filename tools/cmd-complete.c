/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tools/cmd-complete.c - `dtgen complete HOST.dtb PARTIAL.dtb -o OUT.dtb
 * [--viommu smmuv3] [--id-bits N]`: complete a hand-written partial DT
 * for a vIOMMU guest (dtg_partial_complete).  The output is written only
 * when everything succeeded, atomically.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/viommu.h>

#include "cli.h"

static int usage(void)
{
	fprintf(stderr, "usage: dtgen complete HOST.dtb PARTIAL.dtb -o OUT.dtb "
		"[--viommu smmuv3] [--id-bits N]\n");
	return CLI_USAGE;
}

int cmd_complete(int argc, char **argv)
{
	const char *pos[2] = { NULL, NULL }, *outpath = NULL;
	struct dtg_complete_opts opts = { DTG_VIOMMU_SMMUV3, 0 };
	int npos = 0, status = CLI_FAIL, r;
	dtg_ctx *ctx;
	dtg_host *host;
	void *partial = NULL, *out = NULL;
	size_t psize = 0, osize = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-o") || !strcmp(a, "--output") ||
		    !strcmp(a, "--viommu") || !strcmp(a, "--id-bits")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "dtgen: complete: option '%s' needs a value\n", a);
				return CLI_USAGE;
			}
			if (!strcmp(a, "-o") || !strcmp(a, "--output"))
				outpath = argv[++i];
			else if (!strcmp(a, "--viommu")) {
				if (strcmp(argv[++i], "smmuv3")) {
					fprintf(stderr, "dtgen: complete: --viommu '%s': only smmuv3 fits an Arm partial DT\n",
						argv[i]);
					return CLI_USAGE;
				}
			} else {
				char *end;
				unsigned long v = strtoul(argv[++i], &end, 0);
				if (*end || v < 1 || v > 32) {
					fprintf(stderr, "dtgen: complete: --id-bits '%s' is not 1..32\n",
						argv[i]);
					return CLI_USAGE;
				}
				opts.id_bits = (unsigned)v;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "dtgen: complete: unknown option '%s'\n", a);
			return usage();
		} else if (npos < 2) {
			pos[npos++] = a;
		} else {
			return usage();
		}
	}
	if (npos != 2 || !outpath)
		return usage();
	ctx = cli_ctx_new();
	if (!ctx) {
		fprintf(stderr, "dtgen: out of memory\n");
		return CLI_FAIL;
	}
	host = cli_load_host(ctx, pos[0]);
	if (host && cli_read_file(pos[1], &partial, &psize) == 0) {
		r = dtg_partial_complete(ctx, host, partial, psize,
					 cli_basename(pos[1]), &opts, &out, &osize);
		if (r)
			cli_report(ctx, r);
		else if (cli_write_file(outpath, out, osize) == 0)
			status = CLI_OK;
	}
	dtg_free(ctx, out);
	free(partial);
	dtg_host_free(host);
	dtg_ctx_free(ctx);
	return status;
}
