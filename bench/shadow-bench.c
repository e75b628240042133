/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench/shadow-bench.c - libdtgen-shadow figures, one "FORMAT.NAME: VALUE"
 * line each, all measured in one run (minimum of several repetitions):
 *  (a) full build of a 256 MiB mapping in 4 KiB pages (65,536 entries)
 *      against memcpy of the same table bytes (and against memcpy plus a
 *      p2m lookup per page);
 *  (b) resync of an unchanged 4 GiB-span table against memcmp of its bytes;
 *  (c) resync after 300 changed entries (scattered over 300 table pages),
 *      with dirty-page hints, with written-entry hints and without hints,
 *      against a full rebuild of the 4 GiB-span table; and 300 consecutive
 *      entries (one new 1.2 MiB buffer) with page hints.
 * The p2m maps IPAs in 2 MiB blocks scattered over machine memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xendtgen/shadow.h>

#define GBASE 0x40000000ull           /* guest RAM holding the tables */
#define REPS 7

struct bench {
	int omap;
	const struct dtg_shadow_format *fmt;
	unsigned char *gram;
	size_t gsize, gnext;
	unsigned char *arena;             /* bump allocator for the engine */
	size_t asize, aused;
	uint64_t root;
	uint64_t *dirty;
	size_t ndirty;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint64_t rng = 42;
static uint64_t rnd(void)
{
	uint64_t z = (rng += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* 2 MiB blocks permuted over 16 GiB of machine memory (below 4 GiB for the
 * 32-bit format): an odd multiplier is a bijection modulo a power of two. */
static int p2m(void *o, uint64_t ipa, uint64_t *ma, uint64_t *len)
{
	struct bench *b = o;
	uint64_t nblk = b->omap ? 2048 : 8192, blk = ipa >> 21;

	blk = (blk * 0x9E3779B1ull + 7) & (nblk - 1);
	*ma = (blk << 21) | (ipa & 0x1FFFFF);
	*len = 0x200000 - (ipa & 0x1FFFFF);
	return 0;
}

static int rd(void *o, uint64_t ipa, void *buf, size_t len)
{
	struct bench *b = o;

	if (ipa < GBASE || ipa - GBASE + len > b->gsize)
		return -1;
	memcpy(buf, b->gram + (ipa - GBASE), len);
	return 0;
}

static const void *map(void *o, uint64_t ipa, size_t len)
{
	struct bench *b = o;

	if (ipa < GBASE || ipa - GBASE + len > b->gsize)
		return NULL;
	return b->gram + (ipa - GBASE);
}

static void *al(void *o, size_t size, size_t align, unsigned flags, uint64_t *ma)
{
	struct bench *b = o;
	size_t a = (b->aused + align - 1) & ~(align - 1);

	if (a + size > b->asize)
		return NULL;
	b->aused = a + size;
	if (ma)
		*ma = 0x80000000ull + a;      /* below 4 GiB */
	(void)flags;
	return b->arena + a;
}

static void fr(void *o, void *p, size_t size, unsigned flags)
{
	(void)o; (void)p; (void)size; (void)flags;   /* arena reset per run */
}

static uint64_t galloc(struct bench *b, size_t size)
{
	size_t a = (b->gnext + size - 1) & ~(size - 1);

	b->gnext = a + size;
	return GBASE + a;
}

static void put(struct bench *b, uint64_t ipa, uint64_t v)
{
	if (b->omap) {
		uint32_t w = (uint32_t)v;
		memcpy(b->gram + (ipa - GBASE), &w, 4);
	} else {
		memcpy(b->gram + (ipa - GBASE), &v, 8);
	}
}

/* Guest tables mapping [0, bytes) of IOVA to IPA [0, bytes) in 4 KiB pages;
 * the tables are laid out contiguously in guest RAM.  Returns the leaf
 * table IPAs through *leaves (for edits). */
static void build_guest(struct bench *b, uint64_t bytes, uint64_t **leaves, size_t *nleaves)
{
	uint64_t pages = bytes >> 12;

	b->gnext = 0;
	memset(b->gram, 0, b->gsize);
	if (b->omap) {
		size_t n = pages / 256;
		b->root = galloc(b, 16384);
		*leaves = malloc(n * sizeof(**leaves));
		*nleaves = n;
		for (size_t i = 0; i < n; i++) {
			uint64_t t = galloc(b, 1024);
			(*leaves)[i] = t;
			put(b, b->root + i * 4, t | 1);
			for (unsigned j = 0; j < 256; j++)
				put(b, t + j * 4, ((i << 20) + ((uint64_t)j << 12)) | 0x32 | 2);
		}
	} else {
		size_t n = pages / 512, nl2 = (n + 511) / 512;
		b->root = galloc(b, 4096);
		*leaves = malloc(n * sizeof(**leaves));
		*nleaves = n;
		for (size_t k = 0; k < nl2; k++) {
			uint64_t l2 = galloc(b, 4096);
			put(b, b->root + k * 8, l2 | 3);
			for (size_t i = k * 512; i < n && i < (k + 1) * 512; i++) {
				uint64_t t = galloc(b, 4096);
				(*leaves)[i] = t;
				put(b, l2 + (i % 512) * 8, t | 3);
				for (unsigned j = 0; j < 512; j++)
					put(b, t + j * 8, ((i << 21) + ((uint64_t)j << 12)) | 0x743);
			}
		}
	}
}

/* Every timed call must have done all its work: a failed call or one cut
 * short (-DTG_SHADOW_EAGAIN) would be timed as complete. */
static void must(int rc, const char *what)
{
	if (rc) {
		fprintf(stderr, "%s failed: %d\n", what, rc);
		exit(1);
	}
}

/* An engine without a per-call budget: each call does all of its work. */
static struct dtg_shadow *engine(struct bench *b)
{
	struct dtg_shadow_callbacks cb = { .read = rd, .map = map, .p2m = p2m,
					   .alloc = al, .free = fr };
	struct dtg_shadow *e;

	b->aused = 0;
	if (dtg_shadow_create(&e, b->fmt, &cb, b)) {
		fprintf(stderr, "create failed\n");
		exit(1);
	}
	must(dtg_shadow_set_budget(e, UINT64_MAX, UINT64_MAX), "set_budget");
	return e;
}

static double time_build(struct bench *b)
{
	double best = 1e30;

	for (int r = 0; r < REPS; r++) {
		struct dtg_shadow *e = engine(b);
		double t0 = now();

		int rc = dtg_shadow_sync(e, b->root);
		double t = now() - t0;

		must(rc, "sync");
		best = t < best ? t : best;
		dtg_shadow_destroy(e);
	}
	return best;
}

static volatile int sink;

static void edit300(struct bench *b, uint64_t *leaves, size_t nleaves, int flip)
{
	unsigned esz = b->omap ? 4 : 8, nent = b->omap ? 256 : 512;

	b->ndirty = 0;
	rng = 4242;        /* the same 300 entries each time, toggled */
	for (int k = 0; k < 300; k++) {
		uint64_t t = leaves[rnd() % nleaves], a = t + (rnd() % nent) * esz, v;

		memcpy(&v, b->gram + (a - GBASE), esz);
		v ^= (uint64_t)(flip ? 1 : 1) << 24;           /* move the page by 16 MiB */
		memcpy(b->gram + (a - GBASE), &v, esz);
		b->dirty[b->ndirty++] = a;
	}
}

/* 300 consecutive entries (a new 1.2 MiB buffer mapped), page hints. */
static void edit300_clustered(struct bench *b, uint64_t *leaves, size_t nleaves)
{
	unsigned esz = b->omap ? 4 : 8, nent = b->omap ? 256 : 512;
	size_t first = nleaves / 3 * nent + 77;

	b->ndirty = 0;
	for (size_t k = first; k < first + 300; k++) {
		uint64_t a = leaves[k / nent] + (k % nent) * esz, v = 0;

		memcpy(&v, b->gram + (a - GBASE), esz);
		v ^= 1ull << 24;
		memcpy(b->gram + (a - GBASE), &v, esz);
		if (!b->ndirty || (b->dirty[b->ndirty - 1] >> 12) != (a >> 12))
			b->dirty[b->ndirty++] = a;
	}
}

static void run(const char *name, int omap)
{
	struct bench b = { 0 };
	uint64_t *leaves;
	size_t nleaves, tbytes;
	double t_build, t_cpy = 1e30, t_p2m = 1e30, t_cmp = 1e30, t_res = 1e30;
	double t_rebuild, t_hint = 1e30, t_unhint = 1e30, t_ent = 1e30, t_clu = 1e30;

	b.omap = omap;
	b.fmt = omap ? dtg_shadow_format_omap() : dtg_shadow_format_lpae();
	b.gsize = 12 << 20;
	b.gram = aligned_alloc(16384, b.gsize);
	b.asize = 64 << 20;
	b.arena = aligned_alloc(16384, b.asize);
	b.dirty = malloc(1000 * sizeof(*b.dirty));
	memset(b.arena, 0, b.asize);

	/* (a) 256 MiB in 4 KiB pages */
	build_guest(&b, 256ull << 20, &leaves, &nleaves);
	tbytes = b.gnext;
	t_build = time_build(&b);
	unsigned char *copy = malloc(b.gsize);
	for (int r = 0; r < REPS; r++) {
		double t0 = now();
		memcpy(copy, b.gram, tbytes);
		double t = now() - t0;
		sink += copy[tbytes / 2];
		t_cpy = t < t_cpy ? t : t_cpy;
	}
	for (int r = 0; r < REPS; r++) {
		uint64_t ma, len, acc = 0;
		double t0 = now();
		for (uint64_t ipa = 0; ipa < (256ull << 20); ipa += 4096) {
			p2m(&b, ipa, &ma, &len);
			acc += ma;
		}
		double t = now() - t0;
		sink += (int)acc;
		t_p2m = t < t_p2m ? t : t_p2m;
	}
	free(leaves);

	/* (b), (c): a 4 GiB span in 4 KiB pages */
	build_guest(&b, 4ull << 30, &leaves, &nleaves);
	tbytes = b.gnext;
	memcpy(copy, b.gram, tbytes);
	for (int r = 0; r < REPS; r++) {
		double t0 = now();
		int c = memcmp(copy, b.gram, tbytes);
		double t = now() - t0;
		sink += c;
		t_cmp = t < t_cmp ? t : t_cmp;
	}
	t_rebuild = time_build(&b);
	struct dtg_shadow *e = engine(&b);
	int rc;

	must(dtg_shadow_sync(e, b.root), "sync");
	for (int r = 0; r < REPS; r++) {
		double t0 = now();
		rc = dtg_shadow_resync(e);
		double t = now() - t0;
		must(rc, "resync");
		t_res = t < t_res ? t : t_res;
	}
	for (int r = 0; r < REPS; r++) {
		edit300(&b, leaves, nleaves, r & 1);
		double t0 = now();
		rc = dtg_shadow_resync_pages(e, b.dirty, b.ndirty);
		double t = now() - t0;
		must(rc, "resync_pages");
		t_hint = t < t_hint ? t : t_hint;
		edit300(&b, leaves, nleaves, r & 1);
		t0 = now();
		rc = dtg_shadow_resync_entries(e, b.dirty, b.ndirty);
		t = now() - t0;
		must(rc, "resync_entries");
		t_ent = t < t_ent ? t : t_ent;
		edit300(&b, leaves, nleaves, r & 1);
		t0 = now();
		rc = dtg_shadow_resync(e);
		t = now() - t0;
		must(rc, "resync");
		t_unhint = t < t_unhint ? t : t_unhint;
	}
	for (int r = 0; r < REPS; r++) {
		edit300_clustered(&b, leaves, nleaves);
		double t0 = now();
		rc = dtg_shadow_resync_pages(e, b.dirty, b.ndirty);
		double t = now() - t0;
		must(rc, "resync_pages");
		t_clu = t < t_clu ? t : t_clu;
	}
	struct dtg_shadow_stats st;
	dtg_shadow_get_stats(e, &st);
	dtg_shadow_destroy(e);

	printf("%s.full_build_ns: %.0f\n", name, t_build);
	printf("%s.memcpy_ns: %.0f\n", name, t_cpy);
	printf("%s.p2m_per_page_ns: %.0f\n", name, t_p2m);
	printf("%s.full_build_vs_memcpy: %.2f\n", name, t_build / t_cpy);
	printf("%s.full_build_vs_memcpy_plus_p2m: %.2f\n", name, t_build / (t_cpy + t_p2m));
	printf("%s.resync_unchanged_ns: %.0f\n", name, t_res);
	printf("%s.memcmp_ns: %.0f\n", name, t_cmp);
	printf("%s.resync_unchanged_vs_memcmp: %.2f\n", name, t_res / t_cmp);
	printf("%s.rebuild_4g_ns: %.0f\n", name, t_rebuild);
	printf("%s.resync_300_hinted_ns: %.0f\n", name, t_hint);
	printf("%s.resync_300_entry_hinted_ns: %.0f\n", name, t_ent);
	printf("%s.resync_300_unhinted_ns: %.0f\n", name, t_unhint);
	printf("%s.resync_300_hinted_vs_rebuild: %.4f\n", name, t_hint / t_rebuild);
	printf("%s.resync_300_entry_hinted_vs_rebuild: %.4f\n", name, t_ent / t_rebuild);
	printf("%s.resync_300_unhinted_vs_rebuild: %.4f\n", name, t_unhint / t_rebuild);
	printf("%s.resync_300_clustered_hinted_ns: %.0f\n", name, t_clu);
	printf("%s.resync_300_clustered_hinted_vs_rebuild: %.4f\n", name, t_clu / t_rebuild);
	printf("%s.tables_4g: %llu\n", name, (unsigned long long)st.tables);
	free(leaves);
	free(copy);
	free(b.gram);
	free(b.arena);
	free(b.dirty);
}

int main(void)
{
	run("omap", 1);
	run("lpae", 0);
	return sink == 12345 ? 1 : 0;
}
