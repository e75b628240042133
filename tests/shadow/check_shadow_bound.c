/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/shadow/check_shadow_bound.c - the work bound of one libdtgen-shadow
 * call (include/xendtgen/shadow.h, "Work bound"): at most P p2m callbacks
 * and A + 3 T allocations per call, whatever the p2m callback reports.
 * Counts are taken by the test's own callbacks (tests/shadow/world.c),
 * never times.  The two attacks of issue 13: a 64 KiB LPAE table of 1 GiB
 * and 2 MiB blocks over a p2m that reports extents only to each page's end
 * (once 20 s of CPU in one call), and the same table over a p2m fragmented
 * page by page (once gigabytes in one call).  Deferred work is finished by
 * dtg_shadow_continue(), and the finished shadow is checked against the
 * reference walkers.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "world.h"

#define P DTG_SHADOW_DEFAULT_P2M_BUDGET
#define A DTG_SHADOW_DEFAULT_ALLOC_BUDGET

static struct dtg_shadow *mk(struct world *w)
{
	struct dtg_shadow_callbacks cb;
	struct dtg_shadow *e;

	w_callbacks(&cb);
	ck_assert_int_eq(dtg_shadow_create(&e, w->fmt, &cb, w), 0);
	return e;
}

/* Start counting the callbacks of one call. */
static int mark(struct world *w)
{
	w->mark_p2m = w->p2m_calls;
	w->mark_allocs = w->allocs;
	w->mark_table_frees = w->table_frees;
	return 0;
}

/* The call just made returned rc: it must be 0 or EAGAIN (or ENOMEM once
 * the test's failing allocation happened), and its counts within the
 * stated bound; t = guest tables the call mirrors anew (and the one whose
 * allocation failed, if rc is ENOMEM). */
static int bounded(struct world *w, int rc, uint64_t p, uint64_t a, unsigned long t)
{
	unsigned long np = w->p2m_calls - w->mark_p2m, na = w->allocs - w->mark_allocs;
	bool failed = w->fail_alloc && w->allocs >= w->fail_alloc;

	/* plain tests: ck_assert() writes to Check's pipe on every call */
	if (rc != 0 && rc != -DTG_SHADOW_EAGAIN && !(failed && rc == -DTG_SHADOW_ENOMEM))
		ck_abort_msg("rc %d", rc);
	if (rc == -DTG_SHADOW_ENOMEM)
		t++;
	if (np > p)
		ck_abort_msg("%lu p2m calls in one call (bound %llu)", np,
			     (unsigned long long)p);
	if (na > a + 3 * t)
		ck_abort_msg("%lu allocations in one call (bound %llu + 3 * %lu)",
			     na, (unsigned long long)a, t);
	return rc;
}

/* The comma operator orders mark() before the call. */
#define CALL(w, expr, p, a, t) (mark(w), bounded((w), (expr), (p), (a), (t)))

/* A call that may mirror new guest tables: t is taken as the mirrors held
 * after it plus the shadow tables it freed (a mirror made and dropped in
 * the same call is among those). */
#define CALL_MIRRORING(w, e, expr, p, a) \
	(mark(w), call_mirroring((w), (e), (expr), (p), (a)))

static int call_mirroring(struct world *w, struct dtg_shadow *e, int rc,
			  uint64_t p, uint64_t a)
{
	struct dtg_shadow_stats st;

	dtg_shadow_get_stats(e, &st);
	return bounded(w, rc, p, a, (unsigned long)st.guest_tables +
		       (w->table_frees - w->mark_table_frees));
}

/* Continue until done; each call bounded. */
static int finish_bounded(struct world *w, struct dtg_shadow *e, int rc,
			  uint64_t p, uint64_t a)
{
	for (unsigned long calls = 0; rc == -DTG_SHADOW_EAGAIN; calls++) {
		if (calls > 1000000)
			ck_abort_msg("no end");
		rc = CALL(w, dtg_shadow_continue(e), p, a, 0);
	}
	return rc;
}

/* Whatever the shadow maps is what the guest maps composed with the p2m
 * (deferred entries fault: they are allowed to be missing, never wrong). */
static unsigned long check_partial(struct world *w, struct dtg_shadow *e,
				   unsigned long n, unsigned long *mapped)
{
	unsigned long bad = 0;

	*mapped = 0;
	for (unsigned long k = 0; k < n; k++) {
		uint64_t va = w_rand(w) % w->span, ipa, ga, ma, sma, sa, lma;
		int s = w_walk(w, true, dtg_shadow_root(e), va, &sma, &sa);
		int l = dtg_shadow_lookup(e, va, &lma, NULL);

		if (s == WALK_BADPTR || (l == 0) != (s == WALK_OK))
			bad++;
		if (s != WALK_OK)
			continue;
		(*mapped)++;
		if (w_walk(w, false, w->root, va, &ipa, &ga) != WALK_OK ||
		    !w_ref_p2m(w, ipa, &ma) || ma != sma || ga != sa || lma != sma)
			bad++;
	}
	return bad;
}

/* The attack table: 64 KiB of LPAE tables, a level-1 root whose first
 * nl2 entries point at level-2 tables of 2 MiB blocks and whose other
 * entries (up to n1g of them) are 1 GiB blocks.  IPAs stay in the 16 GiB
 * the world's p2m covers. */
static void attack_table(struct world *w, unsigned nl2, unsigned n1g)
{
	uint64_t attrs = 0x400 | 0x40 | (1ull << 54);   /* AF, AP, XN */

	w->root = w->l1root = w_galloc(w, 4096);
	for (unsigned i = 0; i < 512; i++)
		w_put(w, w->root + i * 8, 0, 8);
	for (unsigned i = 0; i < nl2; i++) {
		uint64_t l2 = w_galloc(w, 4096);

		w_put(w, w->root + i * 8, l2 | 3, 8);
		for (unsigned j = 0; j < 512; j++)
			w_put(w, l2 + j * 8, ((((uint64_t)i * 512 + j) << 21) % (16ull << 30)) |
			      attrs | 1, 8);
	}
	for (unsigned i = nl2; i < nl2 + n1g && i < 512; i++)
		w_put(w, w->root + i * 8, (((uint64_t)i % 16) << 30) | attrs | 1, 8);
	w->span = 512ull << 30;
	w->ndirty = 0;
}

enum { ATTACK_PAGE_EXTENTS, ATTACK_FRAGMENTED };

static void attack_p2m(struct world *w, int attack)
{
	for (uint64_t p = 0; p < w->ipa_pages; p++)
		w->p2m[p] = (uint32_t)(attack == ATTACK_FRAGMENTED ? p ^ 1 : p);
	w_p2m_rerun(w);
	w->page_extents = attack == ATTACK_PAGE_EXTENTS;
}

/* The full 64 KiB table (root + 15 level-2 tables, 497 1 GiB blocks):
 * every call stays within the bound, makes progress, and what it has
 * shadowed is right.  Finishing would take thousands of calls (the p2m
 * makes a 1 GiB block cost 262,144 p2m answers or 513 tables), so the test
 * stops after a few. */
START_TEST(test_attack_64k)
{
	struct world w;
	struct dtg_shadow *e;
	struct dtg_shadow_stats st;
	uint64_t last = 0;
	unsigned long mapped;
	int rc;

	w_init(&w, W_LPAE, 13, true);
	attack_p2m(&w, _i);
	attack_table(&w, 15, 512);
	ck_assert_uint_eq(w.gram_next - w.root, 64 << 10);
	e = mk(&w);
	rc = CALL(&w, dtg_shadow_sync(e, w.root), P, A, 16);
	for (int k = 0; k < 12; k++) {
		ck_assert_int_eq(rc, -DTG_SHADOW_EAGAIN);
		dtg_shadow_get_stats(e, &st);
		ck_assert_msg(st.translated + st.splits > last, "call %d made no progress", k);
		last = st.translated + st.splits;
		ck_assert_uint_eq(st.guest_tables, 16);
		rc = CALL(&w, dtg_shadow_continue(e), P, A, 0);
	}
	ck_assert_uint_eq(check_partial(&w, e, 30000, &mapped), 0);
	w.span = 1ull << 30;    /* the first level-2 table: where the drain began */
	ck_assert_uint_eq(check_partial(&w, e, 30000, &mapped), 0);
	ck_assert(mapped > 1000);
	w.span = 512ull << 30;
	/* resync of the unchanged table: compares, then continues */
	rc = CALL(&w, dtg_shadow_resync(e), P, A, 0);
	ck_assert_int_eq(rc, -DTG_SHADOW_EAGAIN);
	ck_assert_uint_eq(check_partial(&w, e, 30000, &mapped), 0);
	dtg_shadow_destroy(e);
	ck_assert_int_eq(w.live_allocs, 0);
	ck_assert_int_eq(w.live_tables, 0);
	w_fini(&w);
}
END_TEST

/* The same attacks on a smaller table (one level-2 table of 2 MiB blocks,
 * two 1 GiB blocks), run to the end: every call within the bound, and the
 * finished shadow equal to the reference walk of guest and p2m. */
START_TEST(test_attack_finish)
{
	struct world w;
	struct dtg_shadow *e;
	struct dtg_shadow_stats st;
	unsigned long mapped, calls = 1;
	int rc;

	w_init(&w, W_LPAE, 14, _i == ATTACK_FRAGMENTED);
	attack_p2m(&w, _i);
	attack_table(&w, 1, 2);
	e = mk(&w);
	rc = CALL(&w, dtg_shadow_sync(e, w.root), P, A, 2);
	while (rc == -DTG_SHADOW_EAGAIN) {
		if (calls++ > 10000)
			ck_abort_msg("no end");
		rc = CALL(&w, dtg_shadow_continue(e), P, A, 0);
	}
	ck_assert_int_eq(rc, 0);
	ck_assert(calls > 1);           /* the budget did bound the first call */
	w.span = 3ull << 30;
	ck_assert_uint_eq(w_check(&w, e, 30000, &mapped), 0);
	ck_assert_uint_eq(mapped, 30000);
	dtg_shadow_get_stats(e, &st);
	/* per-page extents: blocks end as 64 KiB groups; fragmented: pages */
	ck_assert_uint_eq(st.faults, 0);
	ck_assert_uint_eq(st.split_tables, 512 + 2 * (1 + 512));
	/* nothing left: a resync changes nothing and calls no p2m */
	unsigned long p0 = w.p2m_calls;
	uint64_t tr = st.translated;
	ck_assert_int_eq(dtg_shadow_resync(e), 0);
	dtg_shadow_get_stats(e, &st);
	ck_assert_uint_eq(st.translated, tr);
	ck_assert_uint_eq(w.p2m_calls, p0);
	dtg_shadow_destroy(e);
	ck_assert_int_eq(w.live_allocs, 0);
	w_fini(&w);
}
END_TEST

/* Random tables over fragmented and holey p2m layouts with the smallest
 * budget: every call within it, and after dtg_shadow_continue() the shadow
 * is exact, also after edits + resync, hinted resync and invalidate. */
START_TEST(test_min_budget)
{
	int kind = _i / 2, layout = _i % 2 ? P2M_HOLES : P2M_FRAG;
	const uint64_t p = DTG_SHADOW_MIN_P2M_BUDGET, a = DTG_SHADOW_MIN_ALLOC_BUDGET;
	struct world w;
	struct dtg_shadow *e;
	unsigned long mapped, calls = 0;
	uint64_t ipa, size;
	int rc;

	w_init(&w, kind, 500 + _i, kind != W_LPAE);
	w_p2m_layout(&w, layout);
	if (kind != W_OMAP)
		w.span = 2ull << 30;   /* keep the number of calls small */
	w_gen_tables(&w);
	e = mk(&w);
	ck_assert_int_eq(dtg_shadow_set_budget(e, p, a), 0);
	/* sync mirrors every guest table in its first call */
	rc = CALL_MIRRORING(&w, e, dtg_shadow_sync(e, w.root), p, a);
	for (; rc == -DTG_SHADOW_EAGAIN; calls++)
		rc = CALL(&w, dtg_shadow_continue(e), p, a, 0);
	ck_assert_int_eq(rc, 0);
	ck_assert(calls > 0);
	ck_assert_uint_eq(w_check(&w, e, 30000, &mapped), 0);

	/* the resyncs mirror the tables the edits made */
	w_random_edits(&w, 40);
	w.ndirty = 0;
	rc = CALL_MIRRORING(&w, e, dtg_shadow_resync(e), p, a);
	ck_assert_int_eq(finish_bounded(&w, e, rc, p, a), 0);
	ck_assert_uint_eq(w_check(&w, e, 30000, &mapped), 0);

	w_random_edits(&w, 40);
	rc = CALL_MIRRORING(&w, e, dtg_shadow_resync_pages(e, w.dirty, w.ndirty), p, a);
	w.ndirty = 0;
	ck_assert_int_eq(finish_bounded(&w, e, rc, p, a), 0);
	ck_assert_uint_eq(w_check(&w, e, 30000, &mapped), 0);

	w_random_edits(&w, 40);
	rc = CALL_MIRRORING(&w, e, dtg_shadow_resync_entries(e, w.dirty, w.ndirty), p, a);
	w.ndirty = 0;
	ck_assert_int_eq(finish_bounded(&w, e, rc, p, a), 0);
	ck_assert_uint_eq(w_check(&w, e, 30000, &mapped), 0);

	for (int k = 0; k < 4; k++) {
		w_p2m_change(&w, &ipa, &size);
		/* invalidate mirrors no new table */
		rc = CALL(&w, dtg_shadow_invalidate(e, ipa, size), p, a, 0);
		while (rc == -DTG_SHADOW_EAGAIN)
			rc = CALL(&w, dtg_shadow_continue(e), p, a, 0);
		ck_assert_int_eq(rc, 0);
	}
	ck_assert_uint_eq(w_check(&w, e, 30000, &mapped), 0);

	/* a new base, the guest reusing its RAM (as check_shadow's
	 * test_property): mirrors at the same addresses reused after a compare */
	w.gram_next = w.gram_base + (w.root == w.gram_base ? 65536 : 0);
	w_gen_tables(&w);
	rc = CALL_MIRRORING(&w, e, dtg_shadow_sync(e, w.root), p, a);
	ck_assert_int_eq(finish_bounded(&w, e, rc, p, a), 0);
	ck_assert_uint_eq(w_check(&w, e, 30000, &mapped), 0);
	dtg_shadow_destroy(e);
	ck_assert_int_eq(w.live_allocs, 0);
	ck_assert_int_eq(w.live_tables, 0);
	w_fini(&w);
}
END_TEST

/* A root whose 512 entries point at aligned tables outside guest RAM: the
 * read callback refuses each, so no mirror is made and no allocation is
 * due (the engine once allocated node, table and snapshot before the read
 * and freed them after it: 1,536 allocations in one call).  The same for
 * an invalidate over those addresses, which retries every entry. */
START_TEST(test_unreadable_tables)
{
	struct world w;
	struct dtg_shadow *e;
	struct dtg_shadow_stats st;
	const uint64_t out = 0x7F0000000000ull;    /* no guest RAM there */
	unsigned long mapped;
	int rc;

	w_init(&w, W_LPAE, 21, _i);
	w.root = w.l1root = w_galloc(&w, 4096);
	for (unsigned i = 0; i < 512; i++)
		w_put(&w, w.root + i * 8, (out + i * 4096ull) | 3, 8);
	e = mk(&w);
	rc = CALL(&w, dtg_shadow_sync(e, w.root), P, 0, 1);   /* the root only */
	ck_assert_int_eq(rc, 0);
	dtg_shadow_get_stats(e, &st);
	ck_assert_uint_eq(st.guest_tables, 1);
	ck_assert_uint_eq(w.faults[DTG_SHADOW_FAULT_BAD_TABLE], 512);
	rc = CALL(&w, dtg_shadow_invalidate(e, out, 512 * 4096), P, 0, 0);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(w.faults[DTG_SHADOW_FAULT_BAD_TABLE], 1024);
	w.span = 512ull << 30;
	ck_assert_uint_eq(w_check_all(&w, e, 1ull << 30, &mapped), 0);
	ck_assert_uint_eq(mapped, 0);
	dtg_shadow_destroy(e);
	ck_assert_int_eq(w.live_allocs, 0);
	w_fini(&w);
}
END_TEST

/* An allocation failing in the middle of a build with the smallest budget
 * (_i: format OMAP/LPAE x which allocation fails): the call where it fails
 * returns ENOMEM, every call stays within the bound, continue finishes the
 * shadow, and the result is exact (every 64 KiB of the span). */
START_TEST(test_enomem_continue_bound)
{
	int kind = _i / 2 ? W_LPAE : W_OMAP;
	const uint64_t p = DTG_SHADOW_MIN_P2M_BUDGET, a = DTG_SHADOW_MIN_ALLOC_BUDGET;
	struct world w;
	struct dtg_shadow *e;
	unsigned long mapped, calls = 0, enomem = 0;
	int rc;

	w_init(&w, kind, 700 + _i, kind == W_OMAP);
	w_p2m_layout(&w, P2M_FRAG);
	if (kind != W_OMAP)
		w.span = 2ull << 30;
	w_gen_tables(&w);
	e = mk(&w);
	ck_assert_int_eq(dtg_shadow_set_budget(e, p, a), 0);
	w.fail_alloc = w.allocs + (_i % 2 ? 60 : 5);
	rc = CALL_MIRRORING(&w, e, dtg_shadow_sync(e, w.root), p, a);
	for (;;) {
		if (rc == -DTG_SHADOW_ENOMEM)
			enomem++;
		else if (rc != -DTG_SHADOW_EAGAIN)
			break;
		ck_assert_msg(calls++ < 1000000, "no end");
		/* a table whose mirror failed is mirrored by a continue */
		rc = CALL_MIRRORING(&w, e, dtg_shadow_continue(e), p, a);
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(enomem, 1);
	ck_assert_uint_eq(w.faults[DTG_SHADOW_FAULT_NOMEM], 1);
	ck_assert_uint_eq(w_check_all(&w, e, 64 << 10, &mapped), 0);
	ck_assert(mapped > 1000);
	dtg_shadow_destroy(e);
	ck_assert_int_eq(w.live_allocs, 0);
	ck_assert_int_eq(w.live_tables, 0);
	w_fini(&w);
}
END_TEST

START_TEST(test_budget_api)
{
	struct world w;
	struct dtg_shadow *e;

	w_init(&w, W_LPAE, 3, false);
	e = mk(&w);
	ck_assert_int_eq(dtg_shadow_continue(NULL), -DTG_SHADOW_EINVAL);
	ck_assert_int_eq(dtg_shadow_continue(e), -DTG_SHADOW_ESTATE);
	ck_assert_int_eq(dtg_shadow_set_budget(NULL, P, A), -DTG_SHADOW_EINVAL);
	ck_assert_int_eq(dtg_shadow_set_budget(e, DTG_SHADOW_MIN_P2M_BUDGET - 1, A),
			 -DTG_SHADOW_EINVAL);
	ck_assert_int_eq(dtg_shadow_set_budget(e, P, DTG_SHADOW_MIN_ALLOC_BUDGET - 1),
			 -DTG_SHADOW_EINVAL);
	ck_assert_int_eq(dtg_shadow_set_budget(e, UINT64_MAX, UINT64_MAX), 0);
	/* unbounded: the small attack finishes in one call */
	attack_p2m(&w, ATTACK_FRAGMENTED);
	attack_table(&w, 1, 1);
	ck_assert_int_eq(dtg_shadow_sync(e, w.root), 0);
	ck_assert_int_eq(dtg_shadow_continue(e), 0);
	dtg_shadow_destroy(e);
	ck_assert_int_eq(w.live_allocs, 0);
	w_fini(&w);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("shadow-bound");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_budget_api);
	tcase_add_loop_test(tc, test_unreadable_tables, 0, 2);   /* read, map */
	tcase_add_loop_test(tc, test_attack_64k, ATTACK_PAGE_EXTENTS, ATTACK_FRAGMENTED + 1);
	tcase_add_loop_test(tc, test_attack_finish, ATTACK_PAGE_EXTENTS, ATTACK_FRAGMENTED + 1);
	tcase_add_loop_test(tc, test_min_budget, 0, 6);
	tcase_add_loop_test(tc, test_enomem_continue_bound, 0, 4);
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
