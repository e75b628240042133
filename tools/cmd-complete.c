/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tools/cmd-complete.c - `dtgen complete HOST.dtb PARTIAL.dtb -o OUT.dtb
 * [--viommu smmuv3] [--id-bits N]` (--id-bits: accepted with a warning
 * that it has no effect, since Xen chooses the vSIDs): complete a
 * hand-written partial DT
 * for a vIOMMU guest (dtg_partial_complete).  The output is written only
 * when everything succeeded, atomically.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/viommu.h>

#include "cli.h"

static int usage(FILE *f)
{
	fprintf(f, "usage: dtgen complete HOST.dtb PARTIAL.dtb -o OUT.dtb "
		"[--viommu smmuv3] [--id-bits N]\n");
	return CLI_USAGE;
}

int cmd_complete(int argc, char **argv)
{
	const char *pos[2], *outpath = NULL, *viommu = "smmuv3", *bits = NULL;
	const struct cli_opt cli_opts[] = {
		{ "-o", "--output", &outpath, NULL },
		{ "--viommu", NULL, &viommu, NULL },
		{ "--id-bits", NULL, &bits, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	struct dtg_complete_opts opts = { DTG_VIOMMU_SMMUV3, 0 };
	int status = CLI_FAIL, r, n;
	dtg_ctx *ctx;
	dtg_host *host;
	void *partial = NULL, *out = NULL;
	size_t psize = 0, osize = 0;

	n = cli_parse(argc, argv, cli_opts, pos, 2);
	if (n == CLI_HELP)
		return usage(stdout), CLI_OK;
	if (n != 2 || !outpath)
		return usage(stderr);
	if (strcmp(viommu, "smmuv3")) {
		fprintf(stderr, "dtgen: complete: --viommu '%s': only smmuv3 fits an Arm partial DT\n",
			viommu);
		return CLI_USAGE;
	}
	if (bits) {
		char *end;
		unsigned long v = strtoul(bits, &end, 0);

		if (*end || v < 1 || v > 32) {
			fprintf(stderr, "dtgen: complete: --id-bits '%s' is not 1..32\n",
				bits);
			return CLI_USAGE;
		}
		opts.id_bits = (unsigned)v;   /* kept for the ABI; ignored */
		fprintf(stderr, "dtgen: complete: warning: --id-bits has no effect: with the vSMMUv3 series Xen allocates the vSIDs (vsmmuv3_allocate_free_vid)\n");
	}
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
