/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_threads.c - reentrancy: 8 threads share one dtg_host (the
 * model host.h calls immutable and shareable) and each runs, over and over,
 * success and failure paths at once: good guests emitted in every format,
 * bad configs, refused devices (the GIC, a device over guest RAM), a
 * device that does not exist, a hostile blob loaded as a host, a partial
 * DT checked against the shared host, the shared host inspected.  Each
 * thread has its own dtg_ctx, as the API requires.  Every output and every
 * error message must be byte-identical to the one computed before the
 * threads start.  Built with ThreadSanitizer by tests/run-suite
 * (--enable-tsan), where any data race fails the run.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/config.h>
#include <xendtgen/domain.h>
#include <xendtgen/domctl.h>
#include <xendtgen/fdt.h>
#include "testutil.h"

#define NTHREADS 8
#define ROUNDS 6

/* Inputs: good ones produce bytes, bad ones produce an error message. */
static const char *const cfgs[] = {
	/* good: the RTC, force-assigned, placed 1:1 */
	"name = \"rtc\"\nmemory = 128\nvpl011 = 1\n"
	"dt_passthrough = [ \"path=/pl031@9010000,iommu=no,guest=1:1\" ]\n",
	/* good: the RTC and the GPIO controller, placed automatically */
	"name = \"two\"\nmemory = 256\nvcpus = 2\n"
	"dt_passthrough = [ \"path=/pl031@9010000,iommu=no,guest=auto\", "
	"\"path=/pl061@9030000,iommu=no\" ]\n",
	/* refused: the GIC belongs to Xen */
	"name = \"gic\"\nmemory = 128\n"
	"dt_passthrough = [ \"path=/intc@8000000,iommu=no\" ]\n",
	/* refused: a device over guest RAM */
	"name = \"ram\"\nmemory = 128\n"
	"dt_passthrough = [ \"path=/memory@40000000,iommu=no\" ]\n",
	/* not found */
	"name = \"none\"\ndt_passthrough = [ \"path=/no-such@0\" ]\n",
	/* bad syntax */
	"name = \"syntax\"\nmemory = = 12\n",
	/* bad value */
	"name = \"v\"\nmemory = 128\ngic_version = \"v9\"\n",
};
#define NCFG (sizeof(cfgs) / sizeof(cfgs[0]))

/*
 * What one input gives: a concatenation of outputs, or the error text.
 * Workers must not ck_assert (Check's failure jumps back into the main
 * thread's test from another thread): a failed step counts in `failed`,
 * which the main thread asserts after joining.
 */
struct result {
	int status;
	char *bytes;
	size_t len;
	unsigned failed;
};

#define EXPECT(r, cond) do { if (!(cond)) (r)->failed++; } while (0)

static void append(struct result *r, const void *p, size_t n)
{
	char *b = realloc(r->bytes, r->len + n);

	EXPECT(r, b);
	if (!b)
		return;
	r->bytes = b;
	memcpy(r->bytes + r->len, p, n);
	r->len += n;
}

/* One emitter's output (rc its return value) appended and freed; TAKE
 * sequences the call before its outputs are read. */
#define TAKE(r, ctx, call, p, n) \
	do { int rc_ = (call); take(r, ctx, rc_, p, n); } while (0)

static void take(struct result *r, dtg_ctx *ctx, int rc, void *p, size_t n)
{
	EXPECT(r, rc == 0);
	if (!rc) {
		append(r, p, n);
		dtg_free(ctx, p);
	}
}

static void run_cfg(const dtg_host *host, const char *text, struct result *r)
{
	dtg_ctx *ctx;
	dtg_config *cfg = NULL;
	dtg_domain *d = NULL;
	void *blob;
	char *s;
	size_t n;

	memset(r, 0, sizeof(*r));
	if (dtg_ctx_new(&ctx, NULL)) {
		r->failed++;
		return;
	}
	r->status = dtg_config_parse(ctx, text, strlen(text), "t.cfg", &cfg);
	if (!r->status)
		r->status = dtg_domain_new(ctx, host, &d);
	if (!r->status)
		r->status = dtg_domain_apply_config(d, cfg);
	if (!r->status)
		r->status = dtg_domain_finalize(d);
	if (r->status) {
		const char *e = dtg_last_error(ctx);
		append(r, e, strlen(e) + 1);
	} else {
		TAKE(r, ctx, dtg_fdt_partial_alloc(d, &blob, &n), blob, n);
		TAKE(r, ctx, dtg_fdt_guest_alloc(d, &blob, &n), blob, n);
		TAKE(r, ctx, dtg_fdt_overlay_alloc(d, &blob, &n), blob, n);
		TAKE(r, ctx, dtg_plan_text_alloc(d, &s, &n), s, n);
		TAKE(r, ctx, dtg_plan_json_alloc(d, &s, &n), s, n);
		TAKE(r, ctx, dtg_xlcfg_alloc(d, "p.dtb", &s, &n), s, n);
	}
	dtg_domain_free(d);
	dtg_config_free(cfg);
	dtg_ctx_free(ctx);
}

/* The other shared paths: inspect, a partial DT checked, a hostile host. */
static void run_misc(const dtg_host *host, const void *partial, size_t psize,
		     const void *hostile, size_t hsize, struct result *r)
{
	dtg_ctx *ctx;
	dtg_host *h = NULL;
	char *s;
	size_t n;
	int st;

	memset(r, 0, sizeof(*r));
	if (dtg_ctx_new(&ctx, NULL)) {
		r->failed++;
		return;
	}
	TAKE(r, ctx, dtg_host_inspect_json(host, ctx, NULL, 0, &s, &n), s, n);
	st = dtg_partial_check(ctx, host, partial, psize, "p.dtb", NULL, NULL);
	append(r, &st, sizeof(st));
	st = dtg_host_load(ctx, hostile, hsize, "hostile.dtb", &h);
	EXPECT(r, st == -DTG_EBADDTB);
	EXPECT(r, h == NULL);
	append(r, dtg_last_error(ctx), strlen(dtg_last_error(ctx)) + 1);
	dtg_ctx_free(ctx);
}

struct shared {
	const dtg_host *host;
	const void *partial, *hostile;
	size_t psize, hsize;
	struct result want[NCFG + 1];
};

struct worker {
	struct shared *sh;
	unsigned id;
	unsigned mismatches;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;

	for (unsigned round = 0; round < ROUNDS; round++)
		/* each thread starts elsewhere, so different paths overlap */
		for (unsigned k = 0; k <= NCFG; k++) {
			unsigned i = (k + w->id + round) % (NCFG + 1);
			struct result got;

			if (i < NCFG)
				run_cfg(sh->host, cfgs[i], &got);
			else
				run_misc(sh->host, sh->partial, sh->psize,
					 sh->hostile, sh->hsize, &got);
			if (got.failed || got.status != sh->want[i].status ||
			    got.len != sh->want[i].len ||
			    memcmp(got.bytes, sh->want[i].bytes, got.len))
				w->mismatches++;
			free(got.bytes);
		}
	return NULL;
}

START_TEST(test_shared_host)
{
	dtg_ctx *ctx = tu_ctx_new();
	struct shared sh = { 0 };
	struct worker w[NTHREADS];
	pthread_t t[NTHREADS];
	size_t ok = 0, bad = 0;
	void *partial;

	sh.host = tu_load_host(ctx, "virt.dtb");
	sh.hostile = tu_read_data("hostile/prop-len-wrap.dtb", &sh.hsize);
	/* a partial DT of the first guest, as dtgen partial writes it */
	{
		dtg_ctx *c2;
		dtg_config *cfg;
		dtg_domain *d;

		ck_assert_int_eq(dtg_ctx_new(&c2, NULL), 0);
		ck_assert_int_eq(dtg_config_parse(c2, cfgs[0], strlen(cfgs[0]), "t.cfg", &cfg), 0);
		ck_assert_int_eq(dtg_domain_new(c2, sh.host, &d), 0);
		ck_assert_int_eq(dtg_domain_apply_config(d, cfg), 0);
		ck_assert_int_eq(dtg_domain_finalize(d), 0);
		ck_assert_int_eq(dtg_fdt_partial_alloc(d, &partial, &sh.psize), 0);
		sh.partial = partial;
		dtg_domain_free(d);
		dtg_config_free(cfg);
		dtg_ctx_free(c2);
	}
	/* the expected results, computed alone */
	for (size_t i = 0; i < NCFG; i++) {
		run_cfg(sh.host, cfgs[i], &sh.want[i]);
		if (sh.want[i].status)
			bad++;
		else
			ok++;
	}
	run_misc(sh.host, sh.partial, sh.psize, sh.hostile, sh.hsize, &sh.want[NCFG]);
	for (size_t i = 0; i <= NCFG; i++)
		ck_assert_uint_eq(sh.want[i].failed, 0);
	/* both kinds of path are exercised */
	ck_assert_uint_eq(ok, 2);
	ck_assert_uint_eq(bad, NCFG - 2);
	ck_assert_ptr_nonnull(strstr(sh.want[2].bytes, "cannot be passed through"));
	ck_assert_ptr_nonnull(strstr(sh.want[3].bytes, "overlaps guest RAM"));

	for (unsigned i = 0; i < NTHREADS; i++) {
		w[i] = (struct worker){ &sh, i, 0 };
		ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (unsigned i = 0; i < NTHREADS; i++) {
		ck_assert_int_eq(pthread_join(t[i], NULL), 0);
		ck_assert_msg(w[i].mismatches == 0, "thread %u: %u results differ",
			      i, w[i].mismatches);
	}
	for (size_t i = 0; i <= NCFG; i++)
		free(sh.want[i].bytes);
	dtg_free(NULL, partial);
	free((void *)sh.hostile);
	dtg_host_free((dtg_host *)sh.host);
	tu_ctx_free(ctx);
}
END_TEST

static Suite *threads_suite(void)
{
	Suite *s = suite_create("threads");
	TCase *tc = tcase_create("shared host");

	tcase_add_test(tc, test_shared_host);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(threads_suite());
}
