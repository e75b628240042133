/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/fuzz/fuzz-partial.c - a hostile user partial DT (xl device_tree=,
 * dtgen check-partial, dtgen complete, a dom0less guest's own DT) on a
 * fixed real host with an SMMUv3: dtg_partial_check, then
 * dtg_partial_complete, whose output must be a valid DTB.
 */
#include <stdlib.h>

#include <xendtgen/fdt.h>
#include <xendtgen/viommu.h>

#include "fuzz.h"

static int count(void *opaque, const struct dtg_partial_issue *issue)
{
	(void)issue;
	++*(unsigned *)opaque;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const dtg_host *h = fuzz_host("virt-el2-gicv3-smmuv3-devs.dtb");
	dtg_ctx *ctx = fuzz_ctx();
	char *blob = fuzz_copy(data, size);  /* aligned, exact size */
	struct dtg_complete_opts opts = { DTG_VIOMMU_SMMUV3, 0 };
	unsigned issues = 0;
	void *out;
	size_t out_size;

	if (dtg_partial_check(ctx, h, blob, size, "fuzz.dtb", count, &issues) >= 0 &&
	    !dtg_partial_complete(ctx, h, blob, size, "fuzz.dtb", &opts, &out,
				  &out_size)) {
		fuzz_check_dtb(out, out_size, "completed partial");
		dtg_free(ctx, out);
	}
	free(blob);
	dtg_ctx_free(ctx);
	return 0;
}
