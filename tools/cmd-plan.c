/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tools/cmd-plan.c - placeholder until the plan emitters land. */
#include "cli.h"
static int not_yet(const char *what) { fprintf(stderr, "dtgen: %s: not built yet\n", what); return CLI_FAIL; }
int cmd_plan(int argc, char **argv) { (void)argc; return not_yet(argv[0]); }
int cmd_xlcfg(int argc, char **argv) { (void)argc; return not_yet(argv[0]); }
