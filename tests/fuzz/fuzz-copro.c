/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/fuzz/fuzz-copro.c - the coprocessor inputs an attacker can shape:
 * the first byte picks which.
 *   even: the rest is a DTB holding instance descriptions
 *         (dtg_copro_desc_parse at /xen-coprocessors and at
 *         /chosen/xen-coprocessors, as `dtgen copro-read` and the SCF read);
 *   odd:  the rest is a Xen command line (`xen-coprocessors=...`, as
 *         `dtgen copro-read --cmdline`) resolved on a real host with
 *         coprocessors (dra7-evm), then written back as a command line and
 *         as marks in a copy of the host DT, which must be a valid DTB.
 */
#include <stdlib.h>

#include <xendtgen/copro.h>

#include "fuzz.h"

static void desc(dtg_ctx *ctx, const char *blob, size_t size)
{
	static const char *const paths[] = { "/xen-coprocessors",
					     "/chosen/xen-coprocessors" };

	for (size_t i = 0; i < 2; i++) {
		struct dtg_copro_desc d;

		if (!dtg_copro_desc_parse(ctx, blob, size, "fuzz.dtb", paths[i], &d))
			dtg_copro_desc_free(ctx, &d);
	}
}

static void cmdline(dtg_ctx *ctx, const char *line)
{
	const dtg_host *h = fuzz_host("dra7-evm.dtb");
	struct dtg_copro_marks m = { 0 };
	char *text;
	void *blob;
	size_t size;

	if (dtg_copro_marks_from_cmdline(ctx, h, line, &m))
		return;
	if (!dtg_copro_marks_cmdline(ctx, &m, &text))
		dtg_free(ctx, text);
	if (!dtg_copro_mark_host(ctx, h, &m, NULL, &blob, &size)) {
		fuzz_check_dtb(blob, size, "marked host");
		dtg_free(ctx, blob);
	}
	dtg_copro_marks_free(ctx, &m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dtg_ctx *ctx;
	char *rest;

	if (size < 1)
		return 0;
	ctx = fuzz_ctx();
	rest = fuzz_copy(data + 1, size - 1);  /* aligned, NUL-terminated */
	if (data[0] & 1)
		cmdline(ctx, rest);
	else
		desc(ctx, rest, size - 1);
	free(rest);
	dtg_ctx_free(ctx);
	return 0;
}
