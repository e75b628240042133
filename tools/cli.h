/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tools/cli.h - what the dtgen subcommands share: reading inputs, writing
 * outputs atomically (temporary + rename), and reporting errors.
 */
#ifndef DTGEN_CLI_H
#define DTGEN_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <xendtgen/dtgen.h>
#include <xendtgen/host.h>

/* Exit statuses. */
#define CLI_OK 0
#define CLI_FAIL 1   /* the input or description is wrong */
#define CLI_USAGE 2  /* the command line is wrong */

/* One option of a subcommand: a flag (value NULL) or one taking a value. */
struct cli_opt {
	const char *name;      /* "-o", "--xen", ... */
	const char *alias;     /* another spelling ("--output"), or NULL */
	const char **value;    /* receives the option's value; NULL for a flag */
	bool *flag;            /* set when the flag is given */
};

#define CLI_HELP (-2)  /* cli_parse() saw -h or --help */

/*
 * Parse argv[1..argc) of subcommand argv[0]: the options in opts (ended by
 * an entry with name NULL; "--" ends options), the rest positional, at most
 * maxpos of them, into pos.  Returns how many positionals there were,
 * CLI_HELP, or -1 after printing "dtgen: CMD: ..." for a bad option.
 */
int cli_parse(int argc, char **argv, const struct cli_opt *opts,
	      const char **pos, int maxpos);

/* Read a whole file (or "-" for stdin); prints "dtgen: FILE: reason". */
int cli_read_file(const char *path, void **data, size_t *size);

/*
 * Write data to path as a user expects of -o: symbolic links are followed;
 * a regular file (or a new one) is replaced atomically (a temporary in the
 * same folder, fsync, rename) keeping an existing file's mode (and, for
 * root, owner), a new one getting 0666 less the umask; a device, FIFO or
 * other non-regular file is written in place, never replaced.  "-" writes
 * to stdout.  Errors name path and the real reason (a refusing folder is
 * named too); on failure no temporary is left behind.
 */
int cli_write_file(const char *path, const void *data, size_t size);

/* Print "dtgen: " + the context's last error (or the code's text). */
void cli_report(dtg_ctx *ctx, int err);

/* Create a context whose warnings go to stderr ("dtgen: warning: ..."). */
dtg_ctx *cli_ctx_new(void);

/* Read and load a host DTB; prints the error and returns NULL on failure. */
dtg_host *cli_load_host(dtg_ctx *ctx, const char *path);

/* Basename of a path (for messages that name an input file). */
const char *cli_basename(const char *path);

struct dtg_domain;

/*
 * Build and finalize a domain from an xl.cfg file for a loaded host
 * (tools/cli-domain.c).  Prints the error and returns NULL on failure.
 */
struct dtg_domain *cli_load_domain(dtg_ctx *ctx, const dtg_host *host,
				   const char *cfg_path);
/* The same, also handing back the parsed config (free with dtg_config_free). */
struct dtg_config;
struct dtg_domain *cli_load_domain_cfg(dtg_ctx *ctx, const dtg_host *host,
				       const char *cfg_path,
				       struct dtg_config **cfg);
/* The same for a chosen Xen release (DTG_XEN_RELEASE(); 0: none). */
struct dtg_domain *cli_load_domain_release(dtg_ctx *ctx, const dtg_host *host,
					   const char *cfg_path, unsigned release,
					   struct dtg_config **cfg);
/* --xen 4.17 .. 4.22 (NULL: 0); prints the error and returns -1. */
int cli_parse_xen_release(const char *cmd, const char *s, unsigned *release);
/* --domid N: 0 .. 0x7fef (Xen reserves DOMID_FIRST_RESERVED 0x7ff0 up);
 * prints the error naming `cmd` and returns -1. */
int cli_parse_domid(const char *cmd, const char *s, uint32_t *domid);
/* The same for dom0 (dtg_domain_set_dom0: the host's address map 1:1). */
struct dtg_domain *cli_load_dom0(dtg_ctx *ctx, const dtg_host *host,
				 const char *cfg_path);

/* Subcommands: argc/argv start at the subcommand's name. */
int cmd_inspect(int argc, char **argv);
int cmd_partial(int argc, char **argv);
int cmd_guest_dt(int argc, char **argv);
int cmd_overlay(int argc, char **argv);
int cmd_check_partial(int argc, char **argv);
int cmd_plan(int argc, char **argv);
int cmd_xlcfg(int argc, char **argv);
int cmd_complete(int argc, char **argv);   /* tools/cmd-complete.c */
int cmd_dom0less(int argc, char **argv);
int cmd_copro_mark(int argc, char **argv);  /* tools/cmd-copro.c */
int cmd_copro_read(int argc, char **argv);
int cmd_apply(int argc, char **argv);      /* tools/cmd-apply.c */

#endif
