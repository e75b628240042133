/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/check_ctx.c - the context: errors, allocator hooks, log hook. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/dtgen.h>
#include "testutil.h"

struct counting { size_t allocs, frees; };

static void *c_alloc(void *o, size_t n) { ((struct counting *)o)->allocs++; return malloc(n); }
static void *c_realloc(void *o, void *p, size_t n) { if (!p) ((struct counting *)o)->allocs++; return realloc(p, n); }
static void c_free(void *o, void *p) { if (p) ((struct counting *)o)->frees++; free(p); }

START_TEST(test_strerror)
{
	ck_assert_str_eq(dtg_strerror(0), "success");
	ck_assert_str_eq(dtg_strerror(-DTG_ENOSPACE), "buffer too small");
	ck_assert_str_eq(dtg_strerror(DTG_ENOSPACE), "buffer too small");
	ck_assert_str_eq(dtg_strerror(-9999), "unknown error");
	for (int i = 0; i < DTG_ERROR_MAX; i++)
		ck_assert(strcmp(dtg_strerror(-i), "unknown error") != 0);
}
END_TEST

START_TEST(test_alloc_hooks)
{
	struct counting c = { 0, 0 };
	struct dtg_alloc_ops ops = { c_alloc, c_realloc, c_free, &c };
	dtg_ctx *ctx;

	ck_assert_int_eq(dtg_ctx_new(&ctx, &ops), 0);
	ck_assert_uint_eq(c.allocs, 1);
	ck_assert_str_eq(dtg_last_error(ctx), "");
	dtg_ctx_free(ctx);
	ck_assert_uint_eq(c.frees, 1);

	struct dtg_alloc_ops bad = { c_alloc, NULL, c_free, &c };
	ck_assert_int_eq(dtg_ctx_new(&ctx, &bad), -DTG_EINVAL);
	ck_assert_int_eq(dtg_ctx_new(NULL, NULL), -DTG_EINVAL);
}
END_TEST

START_TEST(test_version)
{
	ck_assert_str_eq(dtg_version(), "0.1.0");
}
END_TEST

static Suite *ctx_suite(void)
{
	Suite *s = suite_create("ctx");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_strerror);
	tcase_add_test(tc, test_alloc_hooks);
	tcase_add_test(tc, test_version);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(ctx_suite());
}
