/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tools/cli-domain.c - placeholder until the domain model lands. */
#include "cli.h"
struct dtg_domain *cli_load_domain(dtg_ctx *ctx, const dtg_host *host,
				   const char *cfg_path)
{
	(void)ctx; (void)host; (void)cfg_path;
	fprintf(stderr, "dtgen: domain model not built yet\n");
	return NULL;
}
