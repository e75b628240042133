/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tools/cmd-fdt.c - `dtgen partial` (the Xen partial DT), `dtgen guest-dt`
 * (a complete guest DT) and `dtgen check-partial` (Xen's rules applied to
 * any partial DT).  Outputs are written only after everything succeeded,
 * atomically.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/domain.h>
#include <xendtgen/fdt.h>

#include "cli.h"

typedef int (*fdt_alloc_fn)(const dtg_domain *d, void **out, size_t *size);

/* HOST.dtb GUEST.cfg -o OUT.dtb, in any order; -o - is stdout. */
static int parse_two_and_out(int argc, char **argv, const char **host,
			     const char **cfg, const char **out)
{
	const char *pos[2] = { NULL, NULL };
	int npos = 0;
	bool opts = true;

	*out = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (opts && !strcmp(a, "--")) {
			opts = false;
		} else if (opts && (!strcmp(a, "-o") || !strcmp(a, "--output"))) {
			if (i + 1 >= argc) {
				fprintf(stderr, "dtgen: %s: option '%s' needs a "
					"value\n", argv[0], a);
				return -1;
			}
			*out = argv[++i];
		} else if (opts && a[0] == '-' && a[1]) {
			fprintf(stderr, "dtgen: %s: unknown option '%s'\n",
				argv[0], a);
			return -1;
		} else if (npos < 2) {
			pos[npos++] = a;
		} else {
			fprintf(stderr, "dtgen: %s: unexpected argument '%s'\n",
				argv[0], a);
			return -1;
		}
	}
	if (npos != 2 || !*out) {
		fprintf(stderr, "usage: dtgen %s HOST.dtb GUEST.cfg -o OUT.dtb\n",
			argv[0]);
		return -1;
	}
	*host = pos[0];
	*cfg = pos[1];
	return 0;
}

static int emit_dtb(int argc, char **argv, fdt_alloc_fn emit)
{
	const char *hostpath, *cfgpath, *outpath;
	dtg_ctx *ctx;
	dtg_host *host;
	dtg_domain *d = NULL;
	void *blob = NULL;
	size_t size = 0;
	int status = CLI_FAIL, r;

	if (parse_two_and_out(argc, argv, &hostpath, &cfgpath, &outpath))
		return CLI_USAGE;
	ctx = cli_ctx_new();
	if (!ctx) {
		fprintf(stderr, "dtgen: out of memory\n");
		return CLI_FAIL;
	}
	host = cli_load_host(ctx, hostpath);
	if (host)
		d = cli_load_domain(ctx, host, cfgpath);
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
	return emit_dtb(argc, argv, dtg_fdt_partial_alloc);
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

/* guest-dt [--dom0less | --dom0less-enhanced]: who builds the guest's DT. */
int cmd_guest_dt(int argc, char **argv)
{
	fdt_alloc_fn emit = dtg_fdt_guest_alloc;
	int n = 0;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--dom0less"))
			emit = guest_dom0less_alloc;
		else if (!strcmp(argv[i], "--dom0less-enhanced"))
			emit = guest_enhanced_alloc;
		else
			argv[n++] = argv[i];
	}
	return emit_dtb(n, argv, emit);
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
	const char *pos[2] = { NULL, NULL };
	struct issue_printer pr = { NULL, 0 };
	int npos = 0, status = CLI_FAIL, r;
	dtg_ctx *ctx;
	dtg_host *host;
	void *blob = NULL;
	size_t size = 0;

	for (int i = 1; i < argc; i++) {
		if (npos >= 2 || (argv[i][0] == '-' && argv[i][1])) {
			npos = 3;
			break;
		}
		pos[npos++] = argv[i];
	}
	if (npos != 2) {
		fprintf(stderr, "usage: dtgen check-partial HOST.dtb PARTIAL.dtb\n");
		return CLI_USAGE;
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
