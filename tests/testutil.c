/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tests/testutil.c - shared test helpers (see testutil.h). */
#include <check.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <xendtgen/config.h>
#include <xendtgen/domain.h>

#include "testutil.h"

const char tu_overlay_base_dts[] =
	"/dts-v1/;\n/ {\n #address-cells = <2>; #size-cells = <2>;\n"
	" interrupt-parent = <0xfde8>;\n"
	" interrupt-controller@3001000 {\n  compatible = \"arm,gic-v3\";\n"
	"  #interrupt-cells = <3>; #address-cells = <0>;\n"
	"  interrupt-controller;\n"
	"  reg = <0 0x3001000 0 0x10000 0 0x3020000 0 0x1000000>;\n"
	"  phandle = <0xfde8>;\n };\n"
	" board-clock {\n  compatible = \"fixed-clock\";\n"
	"  #clock-cells = <0>; clock-frequency = <1000>;\n"
	"  phandle = <1>;\n };\n};\n";

dtg_domain *tu_domain_cfg(dtg_ctx *ctx, dtg_host *host, const char *text,
			  const char *name, unsigned release, int *err)
{
	dtg_config *cfg = NULL;
	dtg_domain *d = NULL;
	int r = dtg_config_parse(ctx, text, strlen(text), name, &cfg);

	if (!r)
		r = dtg_domain_new(ctx, host, &d);
	if (!r && release)
		r = dtg_domain_set_xen_release(d, release);
	if (!r)
		r = dtg_domain_apply_config(d, cfg);
	if (!r)
		r = dtg_domain_finalize(d);
	dtg_config_free(cfg);
	*err = r;
	if (r) {
		dtg_domain_free(d);
		return NULL;
	}
	return d;
}

int tu_run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

static const char *srcdir(void)
{
	const char *s = getenv("top_srcdir");
	return s && *s ? s : ".";
}

const char *tu_data_path(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/tests/data/%s", srcdir(), name);
	return buf;
}

static void *read_path(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert(buf != NULL);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*size = (size_t)n;
	return buf;
}

void *tu_read_data(const char *name, size_t *size)
{
	char p[4096];
	return read_path(tu_data_path(name, p, sizeof(p)), size);
}

char *tu_write_temp(const void *data, size_t size, const char *suffix)
{
	char *path = malloc(64);
	int fd;

	snprintf(path, 64, "/tmp/dtgtest-XXXXXX%s", suffix ? suffix : "");
	fd = mkstemps(path, suffix ? (int)strlen(suffix) : 0);
	ck_assert_msg(fd >= 0, "mkstemps");
	ck_assert_int_eq(write(fd, data, size), (ssize_t)size);
	close(fd);
	return path;
}

char *tu_run(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	size_t cap = 4096, len = 0, n;
	char *out = malloc(cap);

	ck_assert_msg(p != NULL, "popen %s", cmd);
	while ((n = fread(out + len, 1, cap - len - 1, p)) > 0) {
		len += n;
		if (len + 1 == cap)
			out = realloc(out, cap *= 2);
	}
	out[len] = '\0';
	int st = pclose(p);
	if (status)
		*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	return out;
}

static const char *dtc_path(void)
{
	const char *d = getenv("DTC");
	return d && *d ? d : "dtc";
}

void *tu_dts_to_dtb(const char *dts, size_t *size)
{
	char *src = tu_write_temp(dts, strlen(dts), ".dts");
	char out[80], cmd[512];
	void *blob;
	int st;

	snprintf(out, sizeof(out), "%s.dtb", src);
	snprintf(cmd, sizeof(cmd), "'%s' -q -I dts -O dtb -o %s %s 2>&1",
		 dtc_path(), out, src);
	char *msg = tu_run(cmd, &st);
	ck_assert_msg(st == 0, "dtc failed on test source: %s", msg);
	free(msg);
	blob = read_path(out, size);
	unlink(src);
	unlink(out);
	free(src);
	return blob;
}

struct tu_log {
	char *text;
	size_t len;
};

static void tu_log_fn(void *opaque, enum dtg_log_level lvl, const char *msg)
{
	struct tu_log *l = opaque;
	size_t n = strlen(msg);

	(void)lvl;
	l->text = realloc(l->text, l->len + n + 2);
	memcpy(l->text + l->len, msg, n);
	l->len += n;
	l->text[l->len++] = '\n';
	l->text[l->len] = '\0';
}

/* The log buffer is kept in a side table keyed by context. */
struct tu_ctx_log {
	dtg_ctx *ctx;
	struct tu_log log;
};
#define TU_MAX_CTX 64
static struct tu_ctx_log tu_logs[TU_MAX_CTX]; /* test-only state */

dtg_ctx *tu_ctx_new(void)
{
	dtg_ctx *ctx;

	ck_assert_int_eq(dtg_ctx_new(&ctx, NULL), 0);
	for (int i = 0; i < TU_MAX_CTX; i++) {
		if (!tu_logs[i].ctx) {
			tu_logs[i].ctx = ctx;
			tu_logs[i].log.text = calloc(1, 1);
			tu_logs[i].log.len = 0;
			dtg_ctx_set_log(ctx, tu_log_fn, &tu_logs[i].log,
					DTG_LOG_DEBUG);
			return ctx;
		}
	}
	ck_abort_msg("too many test contexts");
	return NULL;
}

const char *tu_log_text(dtg_ctx *ctx)
{
	for (int i = 0; i < TU_MAX_CTX; i++)
		if (tu_logs[i].ctx == ctx)
			return tu_logs[i].log.text;
	return "";
}

void tu_ctx_free(dtg_ctx *ctx)
{
	for (int i = 0; i < TU_MAX_CTX; i++) {
		if (tu_logs[i].ctx == ctx) {
			free(tu_logs[i].log.text);
			memset(&tu_logs[i], 0, sizeof(tu_logs[i]));
		}
	}
	dtg_ctx_free(ctx);
}

dtg_host *tu_load_host(dtg_ctx *ctx, const char *name)
{
	size_t size;
	void *blob = tu_read_data(name, &size);
	dtg_host *host = NULL;
	int r = dtg_host_load(ctx, blob, size, name, &host);

	ck_assert_msg(r == 0, "loading %s: %s", name, dtg_last_error(ctx));
	free(blob);
	return host;
}

dtg_host *tu_load_host_enabled(dtg_ctx *ctx, const char *name,
			       const char *node)
{
	size_t size;
	void *blob = tu_read_data(name, &size);
	void *copy = malloc(size + 64);
	dtg_host *host = NULL;
	int off, r;

	ck_assert_ptr_nonnull(copy);
	ck_assert_int_eq(fdt_open_into(blob, copy, (int)size + 64), 0);
	off = fdt_path_offset(copy, node);
	ck_assert_msg(off >= 0, "%s: no %s", name, node);
	ck_assert_int_eq(fdt_setprop_string(copy, off, "status", "okay"), 0);
	ck_assert_int_eq(fdt_pack(copy), 0);
	r = dtg_host_load(ctx, copy, fdt_totalsize(copy), name, &host);
	ck_assert_msg(r == 0, "loading %s: %s", name, dtg_last_error(ctx));
	free(copy);
	free(blob);
	return host;
}

dtg_host *tu_load_host_dts(dtg_ctx *ctx, const char *dts)
{
	size_t size;
	void *blob = tu_dts_to_dtb(dts, &size);
	dtg_host *host = NULL;
	int r = dtg_host_load(ctx, blob, size, "test.dts", &host);

	ck_assert_msg(r == 0, "loading test tree: %s", dtg_last_error(ctx));
	free(blob);
	return host;
}

char *tu_check_dtb(const void *dtb, size_t size, const char *checks)
{
	char cmd[2048], *path, *out, *dts;
	int st, n;

	ck_assert_msg(fdt_check_full(dtb, size) == 0,
		      "fdt_check_full rejects the output");
	if (!checks)
		checks = "iommus_property interrupts_property clocks_property "
			 "reg_format unit_address_vs_reg";
	path = tu_write_temp(dtb, size, ".dtb");
	n = snprintf(cmd, sizeof(cmd), "'%s' -I dtb -O dts -o %s.dts", dtc_path(),
		     path);
	/* Each check named is an error (-E), so dtc fails on it. */
	char list[1024];
	snprintf(list, sizeof(list), "%s", checks);
	for (char *tok = strtok(list, " "); tok; tok = strtok(NULL, " "))
		n += snprintf(cmd + n, sizeof(cmd) - (size_t)n, " -E %s", tok);
	snprintf(cmd + n, sizeof(cmd) - (size_t)n, " %s 2>&1", path);
	out = tu_run(cmd, &st);
	/* Report any diagnostic dtc prints for one of the named checks. */
	snprintf(list, sizeof(list), "%s", checks);
	for (char *tok = strtok(list, " "); tok; tok = strtok(NULL, " ")) {
		char needle[128];
		snprintf(needle, sizeof(needle), "(%s)", tok);
		ck_assert_msg(strstr(out, needle) == NULL,
			      "dtc reports %s on output:\n%s", tok, out);
	}
	ck_assert_msg(st == 0, "dtc rejects output:\n%s", out);
	free(out);
	char dtspath[128];
	snprintf(dtspath, sizeof(dtspath), "%s.dts", path);
	size_t dsize;
	dts = read_path(dtspath, &dsize);
	unlink(dtspath);
	unlink(path);
	free(path);
	return dts;
}
