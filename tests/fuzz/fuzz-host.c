/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/fuzz/fuzz-host.c - a hostile host DTB: dtg_host_load, then every
 * device resolved and inspected (text and JSON), the coprocessor marks
 * read, and the first devices passed through to a guest whose partial DT
 * and plan are emitted (a host DT is input too: every emitter reads it).
 */
#include <stdlib.h>

#include <xendtgen/copro.h>
#include <xendtgen/domain.h>
#include <xendtgen/domctl.h>
#include <xendtgen/fdt.h>

#include "fuzz.h"

#define MAX_PT 4  /* devices passed through per input: bounds the work */

static void guest_with(dtg_ctx *ctx, const dtg_host *h, const char *path)
{
	dtg_domain *d;
	void *blob;
	char *text;
	size_t size;
	int dev;

	if (dtg_domain_new(ctx, h, &d))
		return;
	dtg_domain_set_name(d, "fuzz");
	dtg_domain_set_memory_mib(d, 256);
	dev = dtg_domain_add_passthrough(d, path);
	if (dev >= 0)
		dtg_pt_set_iommu(d, dev, DTG_IOMMU_MODE_OFF);
	if (dev >= 0 && !dtg_domain_finalize(d)) {
		if (!dtg_fdt_partial_alloc(d, &blob, &size)) {
			fuzz_check_dtb(blob, size, "partial");
			dtg_free(ctx, blob);
		}
		if (!dtg_fdt_guest_alloc(d, &blob, &size)) {
			fuzz_check_dtb(blob, size, "guest");
			dtg_free(ctx, blob);
		}
		if (!dtg_plan_text_alloc(d, &text, &size))
			dtg_free(ctx, text);
	}
	dtg_domain_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dtg_ctx *ctx = fuzz_ctx();
	struct dtg_copro_marks m = { 0 };
	dtg_host *h;
	char *out;
	size_t len;
	int off, n = 0;

	if (dtg_host_load(ctx, data, size, "fuzz.dtb", &h)) {
		dtg_ctx_free(ctx);
		return 0;
	}
	if (!dtg_host_inspect_json(h, ctx, NULL, 0, &out, &len))
		dtg_free(ctx, out);
	if (!dtg_host_inspect_text(h, ctx, NULL, 0, &out, &len))
		dtg_free(ctx, out);
	if (!dtg_copro_marks_from_host(ctx, h, &m))
		dtg_copro_marks_free(ctx, &m);
	for (off = dtg_host_next_device(h, -1); off >= 0;
	     off = dtg_host_next_device(h, off)) {
		struct dtg_device *dev;

		if (dtg_host_resolve_offset(h, ctx, off, &dev))
			continue;
		if (n++ < MAX_PT && dev->path)
			guest_with(ctx, h, dev->path);
		dtg_device_free(ctx, dev);
	}
	dtg_host_free(h);
	dtg_ctx_free(ctx);
	return 0;
}
