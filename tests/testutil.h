/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/testutil.h - helpers shared by the Check tests: test data, the
 * real validators (libfdt's fdt_check_full, dtc) and a capturing logger.
 */
#ifndef DTG_TESTUTIL_H
#define DTG_TESTUTIL_H

#include <stddef.h>
#include <xendtgen/dtgen.h>
#include <xendtgen/host.h>

struct Suite;
/* Run a Check suite (CK_NORMAL); the exit status for main(). */
int tu_run_suite(struct Suite *s);

/* Path of a file under $top_srcdir/tests/data (static buffer per call). */
const char *tu_data_path(const char *name, char *buf, size_t size);

/* Read tests/data/NAME whole; aborts the test on failure. Free with free(). */
void *tu_read_data(const char *name, size_t *size);

/* Compile .dts source text with dtc into a DTB (malloc'd). */
void *tu_dts_to_dtb(const char *dts, size_t *size);

/* A context whose log lines are appended to a buffer (tu_log_text). */
dtg_ctx *tu_ctx_new(void);
const char *tu_log_text(dtg_ctx *ctx);
void tu_ctx_free(dtg_ctx *ctx);

/* Load tests/data/NAME as a host; aborts the test on failure. */
dtg_host *tu_load_host(dtg_ctx *ctx, const char *name);
/*
 * The same DTB with one node's status set to "okay": the ZCU102's MMU-500
 * (/axi/iommu@fd800000) is disabled in Linux's DT and enabled in the DTs
 * Xen boots with (Xilinx's xen.dtsi: &smmu { status = "okay"; }).
 */
dtg_host *tu_load_host_enabled(dtg_ctx *ctx, const char *name,
			       const char *node);
/* Load a host compiled from dts text. */
dtg_host *tu_load_host_dts(dtg_ctx *ctx, const char *dts);

struct dtg_domain;
/*
 * An xl.cfg text (named `name` in messages) parsed, applied for Xen
 * `release` (DTG_XEN_RELEASE(); 0: none chosen) and finalized: the domain,
 * or NULL with the error in *err and dtg_last_error(ctx).
 */
struct dtg_domain *tu_domain_cfg(dtg_ctx *ctx, dtg_host *host, const char *text,
				 const char *name, unsigned release, int *err);

/*
 * A base guest DT for fdtoverlay tests: a GICv3 at phandle 0xfde8 and a
 * board clock that takes phandle 1, so an overlay's phandles must move.
 */
extern const char tu_overlay_base_dts[];

/*
 * Validate a DTB the library wrote: fdt_check_full, then dtc -I dtb -O dts
 * with -E on the checks in `checks` (a space-separated list, NULL for the
 * default set iommus_property interrupts_property clocks_property
 * reg_format unit_address_vs_reg); fails the test when dtc reports any
 * warning or error of those kinds.  Returns the decompiled source
 * (malloc'd) for further assertions.
 */
char *tu_check_dtb(const void *dtb, size_t size, const char *checks);

/* Run a shell command, capture stdout (malloc'd) and the exit status. */
char *tu_run(const char *cmd, int *status);

/* Write bytes to a fresh temporary file; returns its path (malloc'd). */
char *tu_write_temp(const void *data, size_t size, const char *suffix);

#endif
