/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tools/cmd-apply.c - `dtgen apply`: run a guest's domctl plan on Xen
 * through libxenctrl, for a domain the toolstack created (e.g. `xl create
 * -p` without iomem/irqs/dtdev), before it is unpaused.  A failed step is
 * reported with its op, device, arguments and Xen's errno, and what was
 * done is undone.  --undo releases the whole plan.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/domctl.h>

#include "cli.h"
#ifdef HAVE_XENCTRL
#include "xc-backend.h"
#endif

static void apply_usage(FILE *f)
{
	fprintf(f, "usage: dtgen apply HOST.dtb GUEST.cfg --domid N [--undo] [-v]\n"
		   "  runs the domctl plan on Xen through libxenctrl (dom0, root);\n"
		   "  --undo releases it (each op's inverse, last first);\n"
		   "  -v traces each libxenctrl call\n");
}

#ifdef HAVE_XENCTRL
static int run(dtg_ctx *ctx, struct dtg_domain *d, uint32_t domid,
	       bool undo, bool verbose)
{
	struct xc_backend b;
	size_t n = 0;
	int r;

	if (xc_backend_open(&b, verbose ? stderr : NULL)) {
		if (b.load_error[0])
			fprintf(stderr, "dtgen: apply: cannot load libxenctrl: %s\n",
				b.load_error);
		else
			fprintf(stderr, "dtgen: apply: cannot open libxenctrl: %s "
				"(run as root in dom0, with xen-privcmd loaded)\n",
				strerror(errno));
		return CLI_FAIL;
	}
	if (undo)
		r = dtg_plan_undo(d, domid, &xc_backend_ops, &b, SIZE_MAX);
	else
		r = dtg_plan_execute(d, domid, &xc_backend_ops, &b, NULL);
	if (r == -DTG_ECALLBACK)
		fprintf(stderr, "dtgen: apply: %s\ndtgen: apply: %s: %s (errno %d)\n",
			dtg_last_error(ctx), b.failed_call,
			strerror(b.failed_errno), b.failed_errno);
	else if (r)
		cli_report(ctx, r);
	else {
		dtg_plan_ops(d, NULL, 0, &n);  /* -DTG_ENOSPACE, n set */
		fprintf(stderr, "dtgen: apply: domain %u: %zu op(s) %s\n",
			(unsigned)domid, n, undo ? "undone" : "done");
	}
	xc_backend_close(&b);
	return r ? CLI_FAIL : CLI_OK;
}
#endif

int cmd_apply(int argc, char **argv)
{
	const char *pos[2], *domid_s = NULL;
	bool undo = false, verbose = false;
	const struct cli_opt opts[] = {
		{ "--domid", NULL, &domid_s, NULL },
		{ "--undo", NULL, NULL, &undo },
		{ "-v", "--verbose", NULL, &verbose },
		{ NULL, NULL, NULL, NULL },
	};
	int n = cli_parse(argc, argv, opts, pos, 2);

	if (n == CLI_HELP) {
		apply_usage(stdout);
		return CLI_OK;
	}
	uint32_t domid;

	if (n != 2 || !domid_s) {
		apply_usage(stderr);
		return CLI_USAGE;
	}
	if (cli_parse_domid("apply", domid_s, &domid))
		return CLI_USAGE;
#ifdef HAVE_XENCTRL
	struct dtg_domain *d;
	dtg_host *host;
	dtg_ctx *ctx;
	int status;

	if (!(ctx = cli_ctx_new()))
		return CLI_FAIL;
	if (!(host = cli_load_host(ctx, pos[0]))) {
		dtg_ctx_free(ctx);
		return CLI_FAIL;
	}
	if (!(d = cli_load_domain(ctx, host, pos[1]))) {
		dtg_host_free(host);
		dtg_ctx_free(ctx);
		return CLI_FAIL;
	}
	status = run(ctx, d, domid, undo, verbose);
	dtg_domain_free(d);
	dtg_host_free(host);
	dtg_ctx_free(ctx);
	return status;
#else
	fprintf(stderr, "dtgen: apply: this dtgen was built without libxenctrl "
		"(configure: no libxenctrl; Debian: libxen-dev)\n");
	return CLI_FAIL;
#endif
}
