/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tools/cmd-fdt.c - `dtgen partial` (the Xen partial DT), `dtgen guest-dt`
 * (a complete guest DT), `dtgen overlay` (the guest nodes as a DT overlay)
 * and `dtgen check-partial` (Xen's rules applied to any partial DT).  Outputs are written only after everything succeeded,
 * atomically.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/domain.h>
#include <xendtgen/fdt.h>

#include "cli.h"

typedef int (*fdt_alloc_fn)(const dtg_domain *d, void **out, size_t *size);

/*
 * HOST.dtb GUEST.cfg -o OUT.dtb (-o - is stdout), and for guest-dt
 * --dom0less / --dom0less-enhanced: who builds the guest's DT.
 */
static int emit_dtb(int argc, char **argv, fdt_alloc_fn emit,
		    fdt_alloc_fn dom0less, fdt_alloc_fn enhanced)
{
	const char *pos[2], *outpath = NULL, *hostpath, *cfgpath, *xen = NULL;
	unsigned release;
	bool d0l = false, enh = false;
	const struct cli_opt opts[] = {
		{ "-o", "--output", &outpath, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	const struct cli_opt guest_opts[] = {   /* guest-dt: who builds it */
		{ "-o", "--output", &outpath, NULL },
		{ "--dom0less", NULL, NULL, &d0l },
		{ "--dom0less-enhanced", NULL, NULL, &enh },
		{ "--xen", NULL, &xen, NULL },        /* the libxl it follows */
		{ NULL, NULL, NULL, NULL },
	};
	dtg_ctx *ctx;
	dtg_host *host;
	dtg_domain *d = NULL;
	void *blob = NULL;
	size_t size = 0;
	int status = CLI_FAIL, r, n;

	n = cli_parse(argc, argv, dom0less ? guest_opts : opts, pos, 2);
	if (n == CLI_HELP || n != 2 || !outpath) {
		fprintf(n == CLI_HELP ? stdout : stderr,
			"usage: dtgen %s HOST.dtb GUEST.cfg -o OUT.dtb%s\n",
			argv[0], dom0less ? " [--dom0less|--dom0less-enhanced] [--xen 4.17..4.22]" : "");
		return n == CLI_HELP ? CLI_OK : CLI_USAGE;
	}
	hostpath = pos[0];
	cfgpath = pos[1];
	if (cli_parse_xen_release(argv[0], xen, &release))
		return CLI_USAGE;
	if (d0l)
		emit = dom0less;
	if (enh)
		emit = enhanced;
	ctx = cli_ctx_new();
	if (!ctx) {
		fprintf(stderr, "dtgen: out of memory\n");
		return CLI_FAIL;
	}
	host = cli_load_host(ctx, hostpath);
	if (host)
		d = cli_load_domain_release(ctx, host, cfgpath, release, NULL);
	if (d) {
		r = emit(d, &blob, &size);
		if (r)
			cli_report(ctx, r);
		else if (!cli_write_file(outpath, blob, size))
			status = CLI_OK;
		dtg_free(ctx, blob);
		dtg_domain_free(d);
	}
	dtg_host_free(host);
	dtg_ctx_free(ctx);
	return status;
}

int cmd_partial(int argc, char **argv)
{
	return emit_dtb(argc, argv, dtg_fdt_partial_alloc, NULL, NULL);
}

int cmd_overlay(int argc, char **argv)
{
	return emit_dtb(argc, argv, dtg_fdt_overlay_alloc, NULL, NULL);
}

static int guest_dom0less_alloc(const dtg_domain *d, void **out, size_t *size)
{
	return dtg_fdt_guest_by_alloc(d, DTG_GUEST_BUILDER_DOM0LESS, out, size);
}

static int guest_enhanced_alloc(const dtg_domain *d, void **out, size_t *size)
{
	return dtg_fdt_guest_by_alloc(d, DTG_GUEST_BUILDER_DOM0LESS_ENHANCED,
				      out, size);
}

int cmd_guest_dt(int argc, char **argv)
{
	return emit_dtb(argc, argv, dtg_fdt_guest_alloc, guest_dom0less_alloc,
			guest_enhanced_alloc);
}

struct issue_printer {
	const char *file;
	unsigned count;
};

static int print_issue(void *opaque, const struct dtg_partial_issue *issue)
{
	struct issue_printer *p = opaque;

	p->count++;
	if (issue->property)
		printf("%s: %s: %s: %s\n", p->file, issue->node,
		       issue->property, issue->message);
	else
		printf("%s: %s: %s\n", p->file, issue->node, issue->message);
	return 0;
}

int cmd_check_partial(int argc, char **argv)
{
	const char *pos[2];
	const struct cli_opt opts[] = { { NULL, NULL, NULL, NULL } };
	struct issue_printer pr = { NULL, 0 };
	int status = CLI_FAIL, r, n;
	dtg_ctx *ctx;
	dtg_host *host;
	void *blob = NULL;
	size_t size = 0;

	n = cli_parse(argc, argv, opts, pos, 2);
	if (n == CLI_HELP || n != 2) {
		fprintf(n == CLI_HELP ? stdout : stderr,
			"usage: dtgen check-partial HOST.dtb PARTIAL.dtb\n");
		return n == CLI_HELP ? CLI_OK : CLI_USAGE;
	}
	ctx = cli_ctx_new();
	if (!ctx) {
		fprintf(stderr, "dtgen: out of memory\n");
		return CLI_FAIL;
	}
	host = cli_load_host(ctx, pos[0]);
	if (host && !cli_read_file(pos[1], &blob, &size)) {
		pr.file = pos[1];
		r = dtg_partial_check(ctx, host, blob, size,
				      cli_basename(pos[1]), print_issue, &pr);
		if (r < 0) {
			cli_report(ctx, r);
		} else if (r == 0) {
			printf("%s: ok\n", pos[1]);
			status = CLI_OK;
		}
		free(blob);
	}
	dtg_host_free(host);
	dtg_ctx_free(ctx);
	return status;
}
