/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench/host-bench.c - figures, not a test: for each DTB in a directory,
 * load it and resolve every device (dtg_host_next_device), repeatedly;
 * print devices resolved per second, the time to resolve all devices once,
 * and memory relative to the DTB's size: the model kept after load (blob
 * copy + indexes) and the peak while loading and resolving.
 * Goals (issue 2): ZCU102 all devices < 2 ms; model < 4x the DTB.
 *
 * usage: host-bench DIR   (DIR = tests/data)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xendtgen/host.h>

struct meter {
	size_t cur, peak;
};

/* Every block carries its size in a 16-byte header. */
static void *m_alloc(void *o, size_t n)
{
	struct meter *m = o;
	size_t *p = malloc(n + 16);

	if (!p)
		return NULL;
	*p = n;
	m->cur += n;
	if (m->cur > m->peak)
		m->peak = m->cur;
	return (char *)p + 16;
}

static void m_free(void *o, void *ptr)
{
	struct meter *m = o;
	size_t *p;

	if (!ptr)
		return;
	p = (size_t *)((char *)ptr - 16);
	m->cur -= *p;
	free(p);
}

static void *m_realloc(void *o, void *ptr, size_t n)
{
	struct meter *m = o;
	size_t *p, old;

	if (!ptr)
		return m_alloc(o, n);
	p = (size_t *)((char *)ptr - 16);
	old = *p;
	p = realloc(p, n + 16);
	if (!p)
		return NULL;
	*p = n;
	m->cur = m->cur - old + n;
	if (m->cur > m->peak)
		m->peak = m->cur;
	return (char *)p + 16;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*size = (size_t)n;
	return buf;
}

/* Resolve every device once; returns the count or -1. */
static int resolve_all(const dtg_host *h, dtg_ctx *ctx)
{
	int n = 0;

	for (int off = dtg_host_next_device(h, -1); off >= 0;
	     off = dtg_host_next_device(h, off)) {
		struct dtg_device *d;
		if (dtg_host_resolve_offset(h, ctx, off, &d))
			return -1;
		dtg_device_free(ctx, d);
		n++;
	}
	return n;
}

static int bench_one(const char *dir, const char *name)
{
	struct meter m = { 0, 0 };
	struct dtg_alloc_ops ops = { m_alloc, m_realloc, m_free, &m };
	char path[4096];
	size_t size, model;
	dtg_ctx *ctx;
	dtg_host *h;
	void *blob;
	double t0, t_load, t_all, best = 1e9;
	int ndev = 0, iters = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	blob = read_file(path, &size);
	if (!blob || dtg_ctx_new(&ctx, &ops)) {
		fprintf(stderr, "%s: cannot read\n", name);
		free(blob);
		return 1;
	}
	size_t ctx_bytes = m.cur;
	m.peak = m.cur;
	t0 = now();
	if (dtg_host_load(ctx, blob, size, name, &h)) {
		fprintf(stderr, "%s\n", dtg_last_error(ctx));
		free(blob);
		dtg_ctx_free(ctx);
		return 1;
	}
	t_load = now() - t0;
	model = m.cur - ctx_bytes;
	for (int i = 0; i < 20; i++) { /* best of 20 loads */
		dtg_host *h2;
		double s = now();
		if (dtg_host_load(ctx, blob, size, name, &h2))
			break;
		s = now() - s;
		if (s < t_load)
			t_load = s;
		dtg_host_free(h2);
	}
	/* best of repeated passes over all devices (at least 0.2 s) */
	t0 = now();
	do {
		double s = now();
		ndev = resolve_all(h, ctx);
		double e = now() - s;
		if (e < best)
			best = e;
		iters++;
	} while (now() - t0 < 0.2 && ndev >= 0);
	t_all = best;
	if (ndev < 0) {
		fprintf(stderr, "%s\n", dtg_last_error(ctx));
		return 1;
	}
	printf("%-34s %7zu B %5d dev  load %7.3f ms  all %7.3f ms  %9.0f dev/s  model %.2fx  peak %.2fx\n",
	       name, size, ndev, t_load * 1e3, t_all * 1e3,
	       t_all > 0 ? ndev / t_all : 0.0, (double)model / (double)size,
	       (double)(m.peak - ctx_bytes) / (double)size);
	dtg_host_free(h);
	dtg_ctx_free(ctx);
	free(blob);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/data";
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	DIR *d = opendir(dir);
	int fail = 0;

	if (!d) {
		fprintf(stderr, "usage: host-bench DIR (cannot open %s)\n", dir);
		return 2;
	}
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l > 4 && !strcmp(e->d_name + l - 4, ".dtb")) {
			names = realloc(names, (n + 1) * sizeof(*names));
			names[n++] = strdup(e->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp);
	printf("host model: load (best of 20) + resolve every device (best of repeated passes); memory relative to the DTB size\n");
	for (size_t i = 0; i < n; i++) {
		fail |= bench_one(dir, names[i]);
		free(names[i]);
	}
	free(names);
	return fail;
}
