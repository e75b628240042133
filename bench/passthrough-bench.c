/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench/passthrough-bench.c - figures (never assertions) for the
 * passthrough path: a synthetic host DT with 10,000 devices
 * (bench/gen-host-dts.py), a guest given 1,000 of them, then all 10,000:
 * describe (add by host path), finalize, then every output (partial DT, complete guest DT,
 * plan records, struct xen_domctl encoding, xl.cfg), in-process.
 *
 * usage: passthrough-bench [HOST.dtb | DATA_DIR]
 *   HOST.dtb  a host made by gen-host-dts.py 10000 | dtc
 *   DATA_DIR  tests/data of the source tree (as bench/run-all passes):
 *             the host is generated with ../../bench/gen-host-dts.py
 * Goals (issue 3): 1,000 devices under 20 ms; 10,000 under 12x that.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <xendtgen/config.h>
#include <xendtgen/domain.h>
#include <xendtgen/domctl.h>
#include <xendtgen/fdt.h>

#define HOST_DEVICES 10000
#define STRIDE 0x4000u
#define PER_BUS 100u
#define BUS_BASE 0x04100000u

enum { PH_DESCRIBE, PH_FINALIZE, PH_PARTIAL, PH_GUEST, PH_OPS, PH_ENCODE, PH_XLCFG, PH_N };
static const char *const phase_names[PH_N] = {
	"describe (add)", "finalize", "partial DT", "guest DT", "plan ops",
	"domctl encode", "xl.cfg"
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *read_all(FILE *f, size_t *size)
{
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);

	while (buf) {
		size_t n = fread(buf + len, 1, cap - len, f);

		len += n;
		if (len < cap)
			break;
		cap *= 2;
		char *nb = realloc(buf, cap);
		if (!nb) {
			free(buf);
			buf = NULL;
		}
		buf = nb;
	}
	*size = len;
	return buf;
}

/* The host blob: a given .dtb, or generated from the source tree. */
static void *load_blob(const char *arg, size_t *size)
{
	struct stat st;
	char cmd[4096];
	const char *dtc = getenv("DTC");
	void *blob;
	FILE *f;
	int rc;

	if (arg && !stat(arg, &st) && S_ISREG(st.st_mode)) {
		f = fopen(arg, "rb");
		if (!f)
			return NULL;
		blob = read_all(f, size);
		fclose(f);
		return blob;
	}
	snprintf(cmd, sizeof(cmd),
		 "/usr/bin/python3 '%s/../../bench/gen-host-dts.py' %d | '%s' -q -I dts -O dtb",
		 arg ? arg : "tests/data", HOST_DEVICES, dtc ? dtc : "dtc");
	f = popen(cmd, "r");
	if (!f)
		return NULL;
	blob = read_all(f, size);
	rc = pclose(f);
	if (rc) {
		fprintf(stderr, "passthrough-bench: '%s' failed (%d)\n", cmd, rc);
		free(blob);
		return NULL;
	}
	return blob;
}

static void device_path(unsigned k, char *buf, size_t size)
{
	snprintf(buf, size, "/bus@%x/dev@%x",
		 BUS_BASE + (k / PER_BUS) * PER_BUS * STRIDE,
		 (k % PER_BUS) * STRIDE);
}

/* One full run for `count` devices; adds each phase's ms to t[]. */
static int run(dtg_ctx *ctx, const dtg_host *host, unsigned count,
	       double t[PH_N], size_t *nops_out)
{
	dtg_domain *d = NULL;
	char path[64], *text = NULL;
	void *blob = NULL;
	size_t size, nops = 0, need = 0, len;
	struct dtg_op *ops = NULL;
	uint8_t *enc = NULL;
	double t0;
	int rc;

	t0 = now_ms();
	if ((rc = dtg_domain_new(ctx, host, &d)))
		goto out;
	dtg_domain_set_gic_version(d, 3);
	for (unsigned k = 0; k < count; k++) {
		device_path(k, path, sizeof(path));
		rc = dtg_domain_add_passthrough(d, path);
		if (rc < 0)
			goto out;
		if ((rc = dtg_pt_set_iommu(d, rc, DTG_IOMMU_MODE_OFF)))
			goto out;
	}
	t[PH_DESCRIBE] += now_ms() - t0;
	t0 = now_ms();
	if ((rc = dtg_domain_finalize(d)))
		goto out;
	t[PH_FINALIZE] += now_ms() - t0;

	t0 = now_ms();
	if ((rc = dtg_fdt_partial_alloc(d, &blob, &size)))
		goto out;
	t[PH_PARTIAL] += now_ms() - t0;
	free(blob);
	blob = NULL;

	t0 = now_ms();
	if ((rc = dtg_fdt_guest_alloc(d, &blob, &size)))
		goto out;
	t[PH_GUEST] += now_ms() - t0;

	t0 = now_ms();
	dtg_plan_ops(d, NULL, 0, &nops);
	ops = malloc((nops + 1) * sizeof(*ops));
	if (!ops || (rc = dtg_plan_ops(d, ops, nops, &nops)))
		goto out;
	t[PH_OPS] += now_ms() - t0;

	t0 = now_ms();
	enc = malloc(nops * DTG_DOMCTL_SIZE + 1);
	if (!enc || (rc = dtg_plan_encode(d, DTG_XEN_4_22_DOMCTL_VERSION, 1,
					  NULL, NULL, enc,
					  nops * DTG_DOMCTL_SIZE, &need)))
		goto out;
	t[PH_ENCODE] += now_ms() - t0;

	t0 = now_ms();
	if ((rc = dtg_xlcfg_alloc(d, "/etc/xen/bench.dtb", &text, &len)))
		goto out;
	t[PH_XLCFG] += now_ms() - t0;
	*nops_out = nops;
out:
	if (rc)
		fprintf(stderr, "passthrough-bench: %u devices: %s\n", count,
			dtg_last_error(ctx));
	if (text)
		dtg_free(ctx, text);
	if (blob)
		dtg_free(ctx, blob);
	free(enc);
	free(ops);
	dtg_domain_free(d);
	return rc ? -1 : 0;
}

static double measure(dtg_ctx *ctx, const dtg_host *host, unsigned count,
		      int reps)
{
	double best = 0, best_t[PH_N] = { 0 };
	size_t nops = 0;

	run(ctx, host, count, (double[PH_N]){ 0 }, &nops);  /* warm-up */
	for (int r = 0; r < reps; r++) {
		double t[PH_N] = { 0 }, total = 0;

		if (run(ctx, host, count, t, &nops))
			return -1;
		for (int p = 0; p < PH_N; p++)
			total += t[p];
		if (r == 0 || total < best) {
			best = total;
			memcpy(best_t, t, sizeof(t));
		}
	}
	printf("%u devices passed through (%zu domctl ops), best of %d:\n",
	       count, nops, reps);
	for (int p = 0; p < PH_N; p++)
		printf("  %-18s %8.2f ms\n", phase_names[p], best_t[p]);
	printf("  %-18s %8.2f ms\n", "total", best);
	return best;
}

int main(int argc, char **argv)
{
	dtg_ctx *ctx;
	dtg_host *host;
	size_t size;
	void *blob;
	double t0, t1k, t10k;

	setvbuf(stdout, NULL, _IOLBF, 0);
	blob = load_blob(argc > 1 ? argv[1] : NULL, &size);
	if (!blob) {
		fprintf(stderr, "passthrough-bench: no host DT\n");
		return 1;
	}
	if (dtg_ctx_new(&ctx, NULL))
		return 1;
	t0 = now_ms();
	if (dtg_host_load(ctx, blob, size, "bench-host.dtb", &host)) {
		fprintf(stderr, "passthrough-bench: %s\n", dtg_last_error(ctx));
		return 1;
	}
	printf("host: %d devices, %zu bytes, loaded in %.2f ms (not counted)\n",
	       HOST_DEVICES, size, now_ms() - t0);
	t1k = measure(ctx, host, 1000, 10);
	t10k = measure(ctx, host, 10000, 3);
	if (t1k > 0 && t10k > 0)
		printf("1,000 devices: %.2f ms (goal < 20 ms); 10,000/1,000 = %.2fx (goal < 12x)\n",
		       t1k, t10k / t1k);
	dtg_host_free(host);
	dtg_ctx_free(ctx);
	free(blob);
	return 0;
}
