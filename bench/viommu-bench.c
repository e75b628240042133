/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench/viommu-bench.c - figures (never assertions) for vMasterID binding:
 * N masters spread over 64 SMMUs whose stream IDs repeat (SMMU s, master
 * k gets stream ID k / 64 mod 256, so every ID appears on many SMMUs, plus
 * one in 16 unique), bound to one vIOMMU with 32-bit vIDs.  Prints the
 * in-process time of add + allocate (best of R runs) for 1,000 and
 * 10,000 masters and the growth ratio.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <xendtgen/viommu.h>

#define NSMMU 64

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static double bind_once(dtg_ctx *ctx, size_t n, char (*masters)[32],
			char (*smmus)[32], size_t *distinct_vids)
{
	dtg_vbind *b;
	double t0, t1;

	t0 = now();
	if (dtg_vbind_new(ctx, "bench", 32, &b))
		exit(1);
	for (size_t i = 0; i < n; i++) {
		uint32_t sid = (i % 16 == 15) ? 0x100000 + (uint32_t)i :
					       (uint32_t)((i / NSMMU) % 256);
		if (dtg_vbind_add(b, masters[i], smmus[i % NSMMU], sid, 1, 0,
				  DTG_VID_AUTO) < 0)
			exit(1);
	}
	if (dtg_vbind_allocate(b)) {
		fprintf(stderr, "%s\n", dtg_last_error(ctx));
		exit(1);
	}
	t1 = now();
	*distinct_vids = dtg_vbind_count(b);
	dtg_vbind_free(b);
	return t1 - t0;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 1000, 10000 };
	int runs = argc > 1 ? atoi(argv[1]) : 20;
	double best[2];
	dtg_ctx *ctx;
	char (*masters)[32] = malloc(10000 * sizeof(*masters));
	char (*smmus)[32] = malloc(NSMMU * sizeof(*smmus));

	if (!masters || !smmus || dtg_ctx_new(&ctx, NULL))
		return 1;
	for (size_t i = 0; i < 10000; i++)
		snprintf(masters[i], sizeof(masters[i]), "/soc/dma@%zx", 0x50000000 + i * 0x10000);
	for (size_t s = 0; s < NSMMU; s++)
		snprintf(smmus[s], sizeof(smmus[s]), "/soc/iommu@%zx", 0x40000000 + s * 0x100000);
	for (size_t k = 0; k < 2; k++) {
		size_t rows = 0;

		best[k] = 1e9;
		for (int r = 0; r < runs; r++) {
			double t = bind_once(ctx, sizes[k], masters, smmus, &rows);
			if (t < best[k])
				best[k] = t;
		}
		printf("viommu-bind: %5zu masters on %d SMMUs: %.3f ms (best of %d)\n",
		       sizes[k], NSMMU, best[k] * 1e3, runs);
	}
	printf("viommu-bind: growth 10,000 / 1,000 = %.1fx (linear = 10x; goal < 10 ms)\n",
	       best[1] / best[0]);
	dtg_ctx_free(ctx);
	free(masters);
	free(smmus);
	return 0;
}
