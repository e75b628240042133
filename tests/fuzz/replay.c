/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/fuzz/replay.c - main() for a harness built without libFuzzer: run
 * LLVMFuzzerTestOneInput once on every file named (or in every directory
 * named), so the seed corpora and the regression inputs run in every
 * `make check`, with or without sanitizers.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	size_t size = 0, cap = 4096;
	uint8_t *buf = malloc(cap);
	FILE *f = fopen(path, "rb");

	if (!f || !buf) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		free(buf);
		if (f)
			fclose(f);
		return 1;
	}
	for (size_t n; (n = fread(buf + size, 1, cap - size, f)) > 0; ) {
		size += n;
		if (size == cap && !(buf = realloc(buf, cap *= 2)))
			abort();
	}
	fclose(f);
	/* an exact-size copy, so ASan sees any read past the input */
	uint8_t *exact = malloc(size ? size : 1);
	if (!exact)
		abort();
	memcpy(exact, buf, size);
	free(buf);
	LLVMFuzzerTestOneInput(exact, size);
	free(exact);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long n = 0;
	int bad = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &st)) {
			fprintf(stderr, "replay: %s: missing\n", argv[i]);
			return 1;
		}
		if (!S_ISDIR(st.st_mode)) {
			bad |= run_file(argv[i]);
			n++;
			continue;
		}
		if (!(d = opendir(argv[i])))
			return 1;
		while ((e = readdir(d))) {
			char path[4096];

			if (e->d_name[0] == '.' || !strcmp(e->d_name, "README.md"))
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			bad |= run_file(path);
			n++;
		}
		closedir(d);
	}
	printf("replayed %lu inputs\n", n);
	return bad;
}
