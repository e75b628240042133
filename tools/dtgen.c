/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tools/dtgen.c - the dtgen command: pick a subcommand and run it.  Each
 * subcommand lives in tools/cmd-*.c and only parses arguments, reads files,
 * calls libdtgen and writes files.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
};

static const struct command commands[] = {
	{ "inspect", cmd_inspect, "inspect [--json] HOST.dtb [PATH...]" },
	{ "partial", cmd_partial, "partial HOST.dtb GUEST.cfg -o OUT.dtb" },
	{ "guest-dt", cmd_guest_dt, "guest-dt HOST.dtb GUEST.cfg -o OUT.dtb [--dom0less|--dom0less-enhanced] [--xen 4.17..4.22]" },
	{ "overlay", cmd_overlay, "overlay HOST.dtb GUEST.cfg -o OUT.dtbo" },
	{ "check-partial", cmd_check_partial,
	  "check-partial HOST.dtb PARTIAL.dtb" },
	{ "plan", cmd_plan,
	  "plan HOST.dtb GUEST.cfg [--format text|json|bin] [--domid N] "
	  "[--xen 4.17..4.22] [-o OUT]" },
	{ "complete", cmd_complete,
	  "complete HOST.dtb PARTIAL.dtb -o OUT.dtb [--viommu smmuv3] [--id-bits N]" },
	{ "xlcfg", cmd_xlcfg, "xlcfg HOST.dtb GUEST.cfg [--partial PATH] [--xen 4.17..4.22]" },
	{ "dom0less", cmd_dom0less,
	  "dom0less HOST.dtb GUEST.cfg... -o DIR [--xen-bootargs ARGS] "
	  "[--load-base ADDR] [--xen XEN_IMAGE]" },
	{ "copro-mark", cmd_copro_mark,
	  "copro-mark HOST.dtb [--dom0 DOM0.cfg] GUEST.cfg... (-o OUT.dtb | --cmdline)" },
	{ "copro-read", cmd_copro_read, "copro-read HOST.dtb [--cmdline LINE]" },
	{ "apply", cmd_apply, "apply HOST.dtb GUEST.cfg --domid N [--undo] [-v]" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: dtgen COMMAND ARGS...   (libdtgen %s)\n",
		dtg_version());
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  dtgen %s\n", commands[i].usage);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return CLI_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("dtgen %s\n", dtg_version());
		return CLI_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "dtgen: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return CLI_USAGE;
}
