/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tools/cmd-copro.c - the hypervisor-side outputs of shared coprocessors:
 *
 *   dtgen copro-mark HOST.dtb [--dom0 DOM0.cfg] GUEST.cfg... -o OUT.dtb
 *   dtgen copro-mark HOST.dtb [--dom0 DOM0.cfg] GUEST.cfg... --cmdline
 *       which coprocessors Xen shares (the union of every domain's
 *       instances, checked across domains): a host DT with
 *       xen,shared-coprocessor on each (and dom0's instances under
 *       /chosen/xen-coprocessors), or the xen-coprocessors= fragment.
 *   dtgen copro-read HOST.dtb [--cmdline LINE]
 *       the marks read back from the host DT or from a command line,
 *       one line each: PATH MODE ranges ADDR+SIZE... irqs INTID...
 *
 * Output is written only when every domain loaded and every check passed.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/copro.h>
#include <xendtgen/domain.h>

#include "cli.h"

#define MAX_DOMS 64

int cmd_copro_mark(int argc, char **argv)
{
	const char *host_path = NULL, *out = NULL, *dom0_cfg = NULL;
	const char *cfgs[MAX_DOMS];
	size_t ncfg = 0, ndom = 0;
	bool cmdline = false;
	dtg_domain *doms[MAX_DOMS + 1];
	struct dtg_copro_marks m = { 0 };
	dtg_ctx *ctx;
	dtg_host *h;
	int status = CLI_FAIL, r;

	const struct cli_opt opts[] = {
		{ "-o", "--output", &out, NULL },
		{ "--dom0", NULL, &dom0_cfg, NULL },
		{ "--cmdline", NULL, NULL, &cmdline },
		{ NULL, NULL, NULL, NULL },
	};
	const char *pos[MAX_DOMS + 1];
	int n = cli_parse(argc, argv, opts, pos, MAX_DOMS + 1);

	if (n == CLI_HELP || n < 1 || (n == 1 && !dom0_cfg) || (!out == !cmdline))
		goto usage;
	host_path = pos[0];
	for (int i = 1; i < n; i++)
		cfgs[ncfg++] = pos[i];
	ctx = cli_ctx_new();
	if (!ctx)
		return CLI_FAIL;
	h = cli_load_host(ctx, host_path);
	if (!h) {
		dtg_ctx_free(ctx);
		return CLI_FAIL;
	}
	if (dom0_cfg && !(doms[ndom++] = cli_load_dom0(ctx, h, dom0_cfg)))
		goto done;
	for (size_t i = 0; i < ncfg; i++)
		if (!(doms[ndom++] = cli_load_domain(ctx, h, cfgs[i])))
			goto done;
	r = dtg_copro_marks_from_domains(ctx, (const dtg_domain *const *)doms, ndom, &m);
	if (r) {
		cli_report(ctx, r);
		goto done;
	}
	if (cmdline) {
		char *text = NULL;

		r = dtg_copro_marks_cmdline(ctx, &m, &text);
		if (r) {
			cli_report(ctx, r);
			goto done;
		}
		printf("%s\n", text);
		dtg_free(ctx, text);
		status = CLI_OK;
	} else {
		void *blob = NULL;
		size_t size = 0;

		r = dtg_copro_mark_host(ctx, h, &m, dom0_cfg ? doms[0] : NULL, &blob, &size);
		if (r)
			cli_report(ctx, r);
		else if (!cli_write_file(out, blob, size))
			status = CLI_OK;
		dtg_free(ctx, blob);
	}
done:
	/* A failed load leaves a NULL slot at the end. */
	for (size_t i = 0; i < ndom; i++)
		dtg_domain_free(doms[i]);
	dtg_copro_marks_free(ctx, &m);
	dtg_host_free(h);
	dtg_ctx_free(ctx);
	return status;
usage:
	/* --help is an answer (stdout, 0), as for every subcommand */
	fprintf(n == CLI_HELP ? stdout : stderr,
		"usage: dtgen copro-mark HOST.dtb [--dom0 DOM0.cfg] GUEST.cfg... (-o OUT.dtb | --cmdline)\n");
	return n == CLI_HELP ? CLI_OK : CLI_USAGE;
}

int cmd_copro_read(int argc, char **argv)
{
	const char *host_path = NULL, *line = NULL;
	struct dtg_copro_marks m = { 0 };
	dtg_ctx *ctx;
	dtg_host *h;
	int r, n;

	const struct cli_opt opts[] = {
		{ "--cmdline", NULL, &line, NULL },
		{ NULL, NULL, NULL, NULL },
	};

	n = cli_parse(argc, argv, opts, &host_path, 1);
	if (n != 1)
		goto usage;
	ctx = cli_ctx_new();
	if (!ctx)
		return CLI_FAIL;
	h = cli_load_host(ctx, host_path);
	if (!h) {
		dtg_ctx_free(ctx);
		return CLI_FAIL;
	}
	r = line ? dtg_copro_marks_from_cmdline(ctx, h, line, &m) :
		   dtg_copro_marks_from_host(ctx, h, &m);
	if (r)
		cli_report(ctx, r);
	for (size_t i = 0; !r && i < m.n; i++) {
		const struct dtg_copro_mark *k = &m.mark[i];

		printf("%s %s ranges", k->host_path,
		       k->mode == DTG_COPRO_EXCLUSIVE ? "exclusive" : "shared");
		for (size_t j = 0; j < k->nrange; j++)
			printf(" 0x%" PRIx64 "+0x%" PRIx64, k->range_addr[j], k->range_size[j]);
		printf(" irqs");
		for (size_t j = 0; j < k->nirq; j++)
			printf(" %" PRIu32, k->intid[j]);
		printf("\n");
	}
	dtg_copro_marks_free(ctx, &m);
	dtg_host_free(h);
	dtg_ctx_free(ctx);
	return r ? CLI_FAIL : CLI_OK;
usage:
	fprintf(n == CLI_HELP ? stdout : stderr,
		"usage: dtgen copro-read HOST.dtb [--cmdline LINE]\n");
	return n == CLI_HELP ? CLI_OK : CLI_USAGE;
}
