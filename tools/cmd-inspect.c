/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tools/cmd-inspect.c - `dtgen inspect`: placeholder until the host model lands. */
#include "cli.h"
int cmd_inspect(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "dtgen: inspect: not built yet\n");
	return CLI_FAIL;
}
