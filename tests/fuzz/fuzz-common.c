/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/fuzz/fuzz-common.c - helpers shared by the harnesses (fuzz.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "fuzz.h"

#ifndef FUZZ_DATA_DIR
#define FUZZ_DATA_DIR "tests/data"
#endif

#define MAX_HOSTS 8

/* Harness state, not library state: one fuzzing process, one thread. */
static struct { const char *file; dtg_host *host; } hosts[MAX_HOSTS];

const dtg_host *fuzz_host(const char *file)
{
	char path[1024];
	size_t i, size = 0, cap = 1 << 16;
	dtg_host *h = NULL;
	char *blob;
	FILE *f;

	for (i = 0; i < MAX_HOSTS && hosts[i].file; i++)
		if (!strcmp(hosts[i].file, file))
			return hosts[i].host;
	if (i == MAX_HOSTS)
		abort();
	snprintf(path, sizeof(path), "%s/%s", getenv("FUZZ_DATA_DIR") ?
		 getenv("FUZZ_DATA_DIR") : FUZZ_DATA_DIR, file);
	f = fopen(path, "rb");
	blob = malloc(cap);
	if (!f || !blob) {
		fprintf(stderr, "fuzz: cannot read %s\n", path);
		abort();
	}
	for (size_t n; (n = fread(blob + size, 1, cap - size, f)) > 0; ) {
		size += n;
		if (size == cap && !(blob = realloc(blob, cap *= 2)))
			abort();
	}
	fclose(f);
	if (dtg_host_load(NULL, blob, size, file, &h)) {
		fprintf(stderr, "fuzz: %s does not load\n", path);
		abort();
	}
	free(blob);
	hosts[i].file = file;
	hosts[i].host = h;
	return h;
}

dtg_ctx *fuzz_ctx(void)
{
	dtg_ctx *ctx;

	if (dtg_ctx_new(&ctx, NULL))
		abort();
	dtg_ctx_set_log(ctx, NULL, NULL, DTG_LOG_ERROR);
	return ctx;
}

void fuzz_check_dtb(const void *blob, size_t size, const char *what)
{
	int r = fdt_check_full(blob, size);

	if (r || fdt_totalsize(blob) != size) {
		fprintf(stderr, "fuzz: %s: the library wrote an invalid DTB: %s\n",
			what, fdt_strerror(r));
		abort();
	}
}

char *fuzz_copy(const uint8_t *data, size_t size)
{
	char *p = malloc(size + 1);

	if (!p)
		abort();
	if (size)
		memcpy(p, data, size);
	p[size] = '\0';
	return p;
}
