/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tools/cmd-fdt.c - placeholder until the FDT emitters land. */
#include "cli.h"
static int not_yet(const char *what) { fprintf(stderr, "dtgen: %s: not built yet\n", what); return CLI_FAIL; }
int cmd_partial(int argc, char **argv) { (void)argc; return not_yet(argv[0]); }
int cmd_guest_dt(int argc, char **argv) { (void)argc; return not_yet(argv[0]); }
int cmd_check_partial(int argc, char **argv) { (void)argc; return not_yet(argv[0]); }
