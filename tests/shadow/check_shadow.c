/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/shadow/check_shadow.c - property tests of libdtgen-shadow against
 * the reference walkers in world.c: random guest tables over contiguous,
 * fragmented and holey p2m layouts, for both formats; after a full build,
 * random edits + resync (with and without dirty-page hints), p2m
 * invalidations and base switches; plus hostile tables.  Fixed seeds.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "world.h"

#define SAMPLES 30000

static struct dtg_shadow *mk(struct world *w)
{
	struct dtg_shadow_callbacks cb;
	struct dtg_shadow *e;

	w_callbacks(&cb);
	ck_assert_int_eq(dtg_shadow_create(&e, w->fmt, &cb, w), 0);
	return e;
}

/* Run an operation to completion: continue while the per-call budget
 * (shadow.h, "Work bound") defers leaf work. */
static int fin(struct dtg_shadow *e, int rc)
{
	while (rc == -DTG_SHADOW_EAGAIN)
		rc = dtg_shadow_continue(e);
	return rc;
}

static void check_n(struct world *w, struct dtg_shadow *e, const char *what,
		    unsigned long min_mapped)
{
	unsigned long mapped, bad = w_check(w, e, SAMPLES, &mapped);

	ck_assert_msg(bad == 0, "%s: %lu mismatches", what, bad);
	ck_assert_msg(mapped >= min_mapped, "%s: too few mapped samples (%lu)", what, mapped);
	ck_assert(!w->bad_alloc_flags);
}

static void check(struct world *w, struct dtg_shadow *e, const char *what)
{
	check_n(w, e, what, SAMPLES / 20);
}

static void finish(struct world *w, struct dtg_shadow *e)
{
	dtg_shadow_destroy(e);
	ck_assert_int_eq(w->live_allocs, 0);
	ck_assert_int_eq(w->live_tables, 0);
	w_fini(w);
}

/* _i: format (0 omap, 1 lpae, 2 lpae48) * 3 + p2m layout */
START_TEST(test_property)
{
	int kind = _i / 3, layout = _i % 3;
	struct world w;
	struct dtg_shadow *e;
	struct dtg_shadow_stats st;

	if (kind == W_LPAE48)
		layout = P2M_HOLES;
	w_init(&w, kind, 1234 + _i, kind == W_OMAP);
	w_p2m_layout(&w, layout);
	w_gen_tables(&w);
	e = mk(&w);
	ck_assert_int_eq(fin(e, dtg_shadow_sync(e, w.root)), 0);
	check(&w, e, "full build");
	dtg_shadow_get_stats(e, &st);
	ck_assert(st.translated > 0);
	ck_assert(st.tables > 0 && st.guest_tables > 0);
	if (layout != P2M_CONTIG)
		ck_assert_msg(st.splits > 0 && st.split_tables > 0, "no split on fragmented p2m");
	if (layout == P2M_HOLES)
		ck_assert(w.faults[DTG_SHADOW_FAULT_UNMAPPED] > 0 && st.faults > 0);

	/* unchanged resync changes nothing */
	uint64_t tr = st.translated;
	ck_assert_int_eq(fin(e, dtg_shadow_resync(e)), 0);
	dtg_shadow_get_stats(e, &st);
	ck_assert_uint_eq(st.translated, tr);

	for (int round = 0; round < 4; round++) {
		uint64_t ipa, size;

		/* edits + full-compare resync */
		w_random_edits(&w, 40);
		w.ndirty = 0;
		ck_assert_int_eq(fin(e, dtg_shadow_resync(&*e)), 0);
		check(&w, e, "resync");

		/* edits + dirty-page hints */
		w_random_edits(&w, 40);
		ck_assert_int_eq(fin(e, dtg_shadow_resync_pages(e, w.dirty, w.ndirty)), 0);
		w.ndirty = 0;
		check(&w, e, "hinted resync");

		/* edits + exact written-entry hints */
		w_random_edits(&w, 40);
		ck_assert_int_eq(fin(e, dtg_shadow_resync_entries(e, w.dirty, w.ndirty)), 0);
		w.ndirty = 0;
		check(&w, e, "entry-hinted resync");

		/* p2m changes + invalidate */
		for (int k = 0; k < 4; k++) {
			w_p2m_change(&w, &ipa, &size);
			ck_assert_int_eq(fin(e, dtg_shadow_invalidate(e, ipa, size)), 0);
		}
		check(&w, e, "invalidate");
	}

	/* switch to a new base, the guest reusing its RAM: mirrors of tables
	 * at the same addresses are reused only after a compare */
	w.gram_next = w.gram_base + (w.root == w.gram_base ? 65536 : 0);
	w_gen_tables(&w);
	ck_assert_int_eq(fin(e, dtg_shadow_sync(e, w.root)), 0);
	check(&w, e, "new base");
	finish(&w, e);
}
END_TEST

/* Blocks over fragmented machine memory split into smaller entries, and
 * blocks over contiguous aligned memory stay blocks. */
START_TEST(test_split_blocks)
{
	for (int kind = 0; kind < 2; kind++) {
		struct world w;
		struct dtg_shadow *e;
		struct dtg_shadow_stats st;
		uint64_t ma, desc;

		w_init(&w, kind, 77, false);
		for (uint64_t p = 0; p < w.ipa_pages; p++)   /* identity, 1 GiB aligned */
			w.p2m[p] = (uint32_t)p;
		/* fragment the second 16 MiB (OMAP) / 2 MiB block (LPAE) */
		uint64_t frag = kind == W_OMAP ? (16ull << 20) / 4096 : (2ull << 20) / 4096;
		for (uint64_t p = 0; p < 64; p++) {
			w.p2m[frag + p] = (uint32_t)(0x80000 + 63 - p);
		}
		w_p2m_rerun(&w);
		if (kind == W_OMAP) {
			w.root = w_galloc(&w, 16384);
			for (unsigned i = 0; i < 32; i++)   /* two supersections */
				w_put(&w, w.root + i * 4, (i & 16 ? 1u << 24 : 0) | 0xC0C | (1u << 18) | 2, 4);
		} else {
			uint64_t l2 = w_galloc(&w, 4096);
			w.root = w_galloc(&w, 4096);
			w_put(&w, w.root, l2 | 3, 8);
			for (unsigned i = 0; i < 2; i++)    /* two 2 MiB blocks */
				w_put(&w, l2 + i * 8, ((uint64_t)i << 21) | 0x401 | (1ull << 54), 8);
		}
		w.span = kind == W_OMAP ? 32ull << 20 : 4ull << 20;
		e = mk(&w);
		ck_assert_int_eq(fin(e, dtg_shadow_sync(e, w.root)), 0);
		check(&w, e, "split");
		dtg_shadow_get_stats(e, &st);
		ck_assert_uint_eq(st.split_tables, kind == W_OMAP ? 1 : 1);
		ck_assert_uint_eq(st.faults, 0);
		/* the first block is still a block at level 0/1 */
		ck_assert_int_eq(dtg_shadow_lookup(e, 0x1234, &ma, &desc), 0);
		ck_assert_uint_eq(ma, w.ma_base + 0x1234);
		if (kind == W_OMAP)
			ck_assert_uint_eq(desc & ((1u << 18) | 3), (1u << 18) | 2);
		else
			ck_assert_uint_eq(desc & 3, 1);
		/* inside the split block, page by page */
		ck_assert_int_eq(dtg_shadow_lookup(e, frag * 4096 + 0x10, &ma, &desc), 0);
		ck_assert_uint_eq(ma, w.ma_base + 0x80000ull * 4096 + 63 * 4096 + 0x10);
		finish(&w, e);
	}
}
END_TEST

/* Hostile tables: self reference, pointers outside guest RAM, tables
 * shared many times, inconsistent replicas, and random garbage. */
START_TEST(test_hostile)
{
	int kind = _i & 1;
	struct world w;
	struct dtg_shadow *e;

	w_init(&w, kind, 999 + _i, kind == W_LPAE);
	w_p2m_layout(&w, _i >> 1 ? P2M_HOLES : P2M_FRAG);
	w_gen_tables(&w);
	if (kind == W_OMAP) {
		uint64_t l2 = w_galloc(&w, 1024);
		for (unsigned i = 0; i < 256; i++)
			w_put(&w, l2 + i * 4, (i * 4096) | 2, 4);
		for (unsigned i = 0; i < 64; i++)
			w_put(&w, w.root + i * 4, (uint32_t)(w.root | 1), 4);       /* L1 as L2 */
		for (unsigned i = 64; i < 128; i++)
			w_put(&w, w.root + i * 4, 0xF0000001u + (i << 10), 4);    /* outside RAM */
		for (unsigned i = 128; i < 1024; i++)
			w_put(&w, w.root + i * 4, (uint32_t)(l2 | 1), 4);          /* shared */
		for (unsigned i = 1024; i < 1040; i++)                            /* bad replicas */
			w_put(&w, w.root + i * 4, (i == 1030 ? 0x05000000u : 0x04000000u) |
			      (1u << 18) | 2 | (i == 1035 ? 0xC00 : 0), 4);
		for (unsigned i = 1040; i < 1056; i++)   /* replicas mixed with sections */
			w_put(&w, w.root + i * 4, (i & 1 ? (1u << 18) : 0) | 0x06000002u, 4);
		uint64_t l2b = w_galloc(&w, 1024);     /* large pages that disagree */
		for (unsigned i = 0; i < 256; i++)
			w_put(&w, l2b + i * 4, (i % 3 ? 0x12340000u : 0x56780000u) | 1, 4);
		w_put(&w, w.root + 1056 * 4, (uint32_t)(l2b | 1), 4);
	} else {
		uint64_t l2 = w_get(&w, w.root, 8);
		w_put(&w, w.root + 8 * 8, w.root | 3, 8);                  /* root as L2 */
		w_put(&w, w.root + 9 * 8, 0x7F0000000000ull | 3, 8);      /* outside RAM */
		for (unsigned i = 10; i < 40; i++)
			w_put(&w, w.root + i * 8, (l2 & 3) == 3 ? l2 : 0, 8); /* shared */
		uint64_t t = w_galloc(&w, 4096);
		w_put(&w, w.root + 40 * 8, t | 3, 8);
		w_put(&w, t, t | 3, 8);                                     /* self as L3 */
		w_put(&w, t + 8, w.root | 3, 8);                            /* parent as L3 */
		for (unsigned i = 16; i < 32; i++)                          /* bad contig */
			w_put(&w, t + i * 8, ((uint64_t)(i % 5) << 21) | (1ull << 52) | 0x401, 8);
		w.span = 48ull << 30;
	}
	e = mk(&w);
	ck_assert_int_eq(fin(e, dtg_shadow_sync(e, w.root)), 0);
	check(&w, e, "hostile");
	ck_assert(w.faults[DTG_SHADOW_FAULT_BAD_TABLE] > 0);
	ck_assert(w.faults[DTG_SHADOW_FAULT_INCONSISTENT] > 0);
	w_random_edits(&w, 50);
	ck_assert_int_eq(fin(e, dtg_shadow_resync_pages(e, w.dirty, w.ndirty)), 0);
	w.ndirty = 0;
	check(&w, e, "hostile resync");

	/* garbage: fill guest RAM with random words biased to point into it */
	for (uint64_t a = w.gram_base; a < w.gram_base + (4 << 20); a += 4) {
		uint64_t r = w_rand(&w);
		uint32_t v = (uint32_t)r;
		if ((r >> 32) % 4 == 0)
			v = (uint32_t)(w.gram_base + (r >> 40) % (4 << 20)) | (v & 0x3FF);
		memcpy(w.gram + (a - w.gram_base), &v, 4);
	}
	w.root = w.gram_base;
	ck_assert_int_eq(fin(e, dtg_shadow_sync(e, w.root)), 0);
	check_n(&w, e, "garbage", 0);
	ck_assert_int_eq(fin(e, dtg_shadow_resync(e)), 0);
	check_n(&w, e, "garbage resync", 0);
	finish(&w, e);
}
END_TEST

/* Allocation failures leave a consistent shadow and are retried. */
static int fail_countdown;
static void *(*real_alloc)(void *, size_t, size_t, unsigned, uint64_t *);
static void *failing_alloc(void *o, size_t size, size_t align, unsigned flags, uint64_t *ma)
{
	if (fail_countdown > 0 && --fail_countdown == 0)
		return NULL;
	return real_alloc(o, size, align, flags, ma);
}

START_TEST(test_enomem)
{
	struct world w;
	struct dtg_shadow_callbacks cb;
	struct dtg_shadow *e;
	int rc;

	w_init(&w, W_OMAP, 4242, true);
	w_p2m_layout(&w, P2M_FRAG);
	w_gen_tables(&w);
	w_callbacks(&cb);
	real_alloc = cb.alloc;
	cb.alloc = failing_alloc;
	ck_assert_int_eq(dtg_shadow_create(&e, w.fmt, &cb, &w), 0);
	fail_countdown = 200;
	rc = fin(e, dtg_shadow_sync(e, w.root));
	ck_assert_int_eq(rc, -DTG_SHADOW_ENOMEM);
	/* whatever was shadowed is right; what was not is invalid */
	unsigned long mapped;
	w.flushed_root = dtg_shadow_root(e);
	(void)w_check;
	fail_countdown = 0;
	ck_assert_int_eq(fin(e, dtg_shadow_resync(e)), 0);
	check(&w, e, "after ENOMEM retry");
	(void)mapped;
	finish(&w, e);
}
END_TEST

/* An allocation failure in a call cut short by the budget: the failed
 * entry and the deferred ones are retried by dtg_shadow_continue() from the
 * guest's own entries.  OMAP root of 64 sections (IPA 0xBE000000 + i MiB)
 * over a p2m fragmented page by page, so each section needs a split table;
 * the first split table cannot be allocated.  Before the fix the engine
 * inverted each group's first snapshot word to force a later retry while
 * the group's entries were still pending: continue then decoded section 16
 * (0xBF000C02) as a page-table pointer to ~0xBF000C02 & ~0x3FF = 0x40FFF000
 * and mapped whatever the guest kept there (the page planted below). */
START_TEST(test_enomem_continue)
{
	const uint64_t planted = 0x40FFF000;
	struct world w;
	struct dtg_shadow *e;
	unsigned long mapped, calls = 0;
	uint64_t ma, want;
	int rc;

	w_init(&w, W_OMAP, 31, true);
	for (uint64_t p = 0; p < w.ipa_pages; p++)
		w.p2m[p] = (uint32_t)(p ^ 1);
	w_p2m_rerun(&w);
	w.root = w_galloc(&w, 16384);
	for (unsigned i = 0; i < 64; i++)      /* sections, AP = 3 */
		w_put(&w, w.root + i * 4, (0xBE000000u + (i << 20)) | 0xC02, 4);
	for (unsigned i = 0; i < 256; i++)     /* small pages to IPA 0x1000 */
		w_put(&w, planted + i * 4, 0x1000 | 0x32, 4);
	w.span = 64 << 20;
	e = mk(&w);
	ck_assert_int_eq(dtg_shadow_set_budget(e, DTG_SHADOW_MIN_P2M_BUDGET,
					       DTG_SHADOW_MIN_ALLOC_BUDGET), 0);
	w.fail_alloc = w.allocs + 4;   /* root: node, table, snapshot; then split */
	ck_assert_int_eq(dtg_shadow_sync(e, w.root), -DTG_SHADOW_ENOMEM);
	ck_assert_uint_eq(w.faults[DTG_SHADOW_FAULT_NOMEM], 1);
	do {
		ck_assert_msg(calls++ < 100000, "no end");
		rc = dtg_shadow_continue(e);
	} while (rc == -DTG_SHADOW_EAGAIN);
	ck_assert_int_eq(rc, 0);
	/* the guest has no bad table: nothing was read as one */
	ck_assert_uint_eq(w.faults[DTG_SHADOW_FAULT_BAD_TABLE], 0);
	ck_assert_int_eq(dtg_shadow_lookup(e, 16 << 20, &ma, NULL), 0);
	ck_assert(w_ref_p2m(&w, 0xBF000000, &want));
	ck_assert_uint_eq(ma, want);
	/* every page of the 64 MiB, then every MiB of the IOVA space */
	ck_assert_uint_eq(w_check_all(&w, e, 4096, &mapped), 0);
	ck_assert_uint_eq(mapped, 16384);
	w.span = 1ull << 32;
	ck_assert_uint_eq(w_check_all(&w, e, 1 << 20, &mapped), 0);
	ck_assert_uint_eq(mapped, 64);
	finish(&w, e);
}
END_TEST

/* A 32-bit format cannot express machine addresses above 4 GiB. */
START_TEST(test_oa_range)
{
	struct world w;
	struct dtg_shadow *e;
	uint64_t ma;

	w_init(&w, W_OMAP, 5, true);
	for (uint64_t p = 0; p < w.ipa_pages; p++)
		w.p2m[p] = (uint32_t)p;
	w.p2m[0x100] = 0xFFFFF;          /* the last page below 4 GiB */
	w.ma_base = 1ull << 20;          /* every other MA moves up by 1 MiB */
	w_p2m_rerun(&w);
	w.root = w_galloc(&w, 16384);
	w_put(&w, w.root, 0x2 | 0xC00, 4);                          /* section at 0 */
	w_put(&w, w.root + 4 * 4095, 0xFFF00000u | 0xC02, 4);        /* crosses 4 GiB */
	uint64_t l2 = w_galloc(&w, 1024);
	w_put(&w, w.root + 4, (uint32_t)l2 | 1, 4);
	w_put(&w, l2, 0x100000 | 0x32, 4);                           /* MA 0xFFFFF000+1M */
	e = mk(&w);
	ck_assert_int_eq(fin(e, dtg_shadow_sync(e, w.root)), 0);
	ck_assert_int_eq(dtg_shadow_lookup(e, 0x1000, &ma, NULL), 0);
	ck_assert_uint_eq(ma, 0x101000);
	ck_assert_int_eq(dtg_shadow_lookup(e, 0xFFFFF000, &ma, NULL), -DTG_SHADOW_ENOENT);
	ck_assert_int_eq(dtg_shadow_lookup(e, 0x100000, &ma, NULL), -DTG_SHADOW_ENOENT);
	ck_assert(w.faults[DTG_SHADOW_FAULT_OA_RANGE] >= 2);
	finish(&w, e);
}
END_TEST

START_TEST(test_api)
{
	struct world w;
	struct dtg_shadow_callbacks cb;
	struct dtg_shadow *e;
	uint64_t ma;

	w_init(&w, W_LPAE, 1, false);
	w_callbacks(&cb);
	ck_assert_int_eq(dtg_shadow_create(&e, NULL, &cb, &w), -DTG_SHADOW_EINVAL);
	cb.p2m = NULL;
	ck_assert_int_eq(dtg_shadow_create(&e, w.fmt, &cb, &w), -DTG_SHADOW_EINVAL);
	w_callbacks(&cb);
	ck_assert_int_eq(dtg_shadow_create(&e, w.fmt, &cb, &w), 0);
	ck_assert_uint_eq(dtg_shadow_root(e), UINT64_MAX);
	ck_assert_int_eq(dtg_shadow_resync(e), -DTG_SHADOW_ESTATE);
	ck_assert_int_eq(dtg_shadow_lookup(e, 0, &ma, NULL), -DTG_SHADOW_ESTATE);
	ck_assert_int_eq(dtg_shadow_sync(e, w.gram_base + 8), -DTG_SHADOW_EINVAL);
	ck_assert_int_eq(dtg_shadow_sync(e, 0x10000000000ull), -DTG_SHADOW_EINVAL);
	ck_assert_str_eq(dtg_shadow_format_name(dtg_shadow_format_omap()), "omap");
	ck_assert_str_eq(dtg_shadow_format_name(dtg_shadow_format_lpae48()), "lpae48");
	finish(&w, e);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("shadow");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_api);
	tcase_add_loop_test(tc, test_property, 0, 7);
	tcase_add_test(tc, test_split_blocks);
	tcase_add_loop_test(tc, test_hostile, 0, 4);
	tcase_add_test(tc, test_enomem);
	tcase_add_test(tc, test_enomem_continue);
	tcase_add_test(tc, test_oa_range);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
