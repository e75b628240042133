/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_config.c - xl.cfg input: the parser (every syntax form and
 * every malformed input), the keys applied to a domain, and finalize of
 * the result against QEMU virt.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/config.h>
#include <xendtgen/domain.h>
#include "testutil.h"

static dtg_config *parse_ok(dtg_ctx *ctx, const char *text)
{
	dtg_config *cfg = NULL;
	int r = dtg_config_parse(ctx, text, strlen(text), "t.cfg", &cfg);

	ck_assert_msg(r == 0, "parse failed: %s", dtg_last_error(ctx));
	ck_assert_ptr_nonnull(cfg);
	return cfg;
}

START_TEST(test_parse_forms)
{
	dtg_ctx *ctx = tu_ctx_new();
	static const char good[] =
		"# a comment line\n"                      /* 1 */
		"\n"                                      /* 2 */
		"name = \"guest one\"   # comment\n"      /* 3 */
		"sq = 'a\\tb \"x\"'\n"                    /* 4: no escapes in '' */
		"esc = \"t\\tn\\nq\\\"b\\\\x\\x41o\\101h\\'\"\n" /* 5 */
		"dec = 512; hex = 0x1F ;oct = 010\n"      /* 6 */
		"neg = -3\n"                              /* 7 */
		"numstr = \"64\"\n"                       /* 8 */
		"list = [ \"/a\",   # first\n"            /* 9 */
		"\t'/b' ,\n"                              /* 10 */
		"\n"                                      /* 11 */
		"\t33,\n"                                 /* 12 */
		"]\n"                                     /* 13 */
		"empty = [ ]\n"                           /* 14 */
		"one=[7]\n"                               /* 15 */
		"dec = 1024\r\n"                          /* 16: repeated, last wins */
		"acc = [ 1 ]\n"                           /* 17 */
		"acc += [ 2, 3 ]\n"                       /* 18 */
		"str = 'ab'\n"                            /* 19 */
		"str += \"cd\"\n"                         /* 20 */
		"last = 1";                               /* 21: no newline */
	dtg_config *cfg = parse_ok(ctx, good);
	int64_t v;

	ck_assert_str_eq(dtg_config_string(cfg, "name"), "guest one");
	ck_assert_uint_eq(dtg_config_line(cfg, "name"), 3);
	ck_assert_int_eq(dtg_config_type(cfg, "name"), DTG_CFG_STRING);
	ck_assert_str_eq(dtg_config_string(cfg, "sq"), "a\\tb \"x\"");
	ck_assert_str_eq(dtg_config_string(cfg, "esc"), "t\tn\nq\"b\\xAoAh'");

	ck_assert_int_eq(dtg_config_type(cfg, "dec"), DTG_CFG_NUMBER);
	ck_assert_int_eq(dtg_config_number(cfg, "dec", &v), 0);
	ck_assert_int_eq(v, 1024);
	ck_assert_uint_eq(dtg_config_line(cfg, "dec"), 16);
	ck_assert_int_eq(dtg_config_number(cfg, "hex", &v), 0);
	ck_assert_int_eq(v, 0x1f);
	ck_assert_uint_eq(dtg_config_line(cfg, "hex"), 6);
	ck_assert_int_eq(dtg_config_number(cfg, "oct", &v), 0);
	ck_assert_int_eq(v, 8);  /* strtol(.., 0), as xl */
	ck_assert_int_eq(dtg_config_number(cfg, "neg", &v), 0);
	ck_assert_int_eq(v, -3);
	/* xl reads a numeric string as a number */
	ck_assert_int_eq(dtg_config_number(cfg, "numstr", &v), 0);
	ck_assert_int_eq(v, 64);
	ck_assert_int_eq(dtg_config_number(cfg, "name", &v), -DTG_EINVAL);
	ck_assert_int_eq(dtg_config_number(cfg, "nope", &v), -DTG_ENOTFOUND);

	ck_assert_int_eq(dtg_config_type(cfg, "list"), DTG_CFG_LIST);
	ck_assert_uint_eq(dtg_config_list_len(cfg, "list"), 3);
	ck_assert_str_eq(dtg_config_list_item(cfg, "list", 0), "/a");
	ck_assert_str_eq(dtg_config_list_item(cfg, "list", 1), "/b");
	ck_assert_str_eq(dtg_config_list_item(cfg, "list", 2), "33");
	ck_assert_ptr_null(dtg_config_list_item(cfg, "list", 3));
	ck_assert_uint_eq(dtg_config_line(cfg, "list"), 9);
	ck_assert_uint_eq(dtg_config_line(cfg, "empty"), 14);
	ck_assert_int_eq(dtg_config_type(cfg, "empty"), DTG_CFG_LIST);
	ck_assert_uint_eq(dtg_config_list_len(cfg, "empty"), 0);
	ck_assert_str_eq(dtg_config_list_item(cfg, "one", 0), "7");
	ck_assert_uint_eq(dtg_config_list_len(cfg, "acc"), 3);
	ck_assert_str_eq(dtg_config_list_item(cfg, "acc", 2), "3");
	ck_assert_uint_eq(dtg_config_line(cfg, "acc"), 18);
	ck_assert_str_eq(dtg_config_string(cfg, "str"), "abcd");
	ck_assert_uint_eq(dtg_config_line(cfg, "last"), 21);

	ck_assert_int_eq(dtg_config_type(cfg, "nope"), -DTG_ENOTFOUND);
	ck_assert_ptr_null(dtg_config_string(cfg, "list"));
	ck_assert_uint_eq(dtg_config_list_len(cfg, "name"), 0);
	ck_assert_uint_eq(dtg_config_line(cfg, "nope"), 0);
	dtg_config_free(cfg);

	/* an empty file and one of comments only are valid */
	cfg = parse_ok(ctx, "");
	dtg_config_free(cfg);
	cfg = parse_ok(ctx, "# nothing\n\n   # here\n;;\n");
	ck_assert_int_eq(dtg_config_type(cfg, "name"), -DTG_ENOTFOUND);
	dtg_config_free(cfg);
	tu_ctx_free(ctx);
}
END_TEST

/* Each malformed input: -DTG_ECONFIG and a message naming file:line. */
static const struct bad_case {
	const char *text;
	size_t len;          /* 0: strlen */
	const char *msg;     /* expected message (prefix "bad.cfg:") */
} bad_cases[] = {
	{ "name = \"abc\n", 0, "bad.cfg:1: name: unterminated string" },
	{ "a = 1\nname = 'abc", 0, "bad.cfg:2: name: unterminated string" },
	{ "x = \"ab\\", 0, "bad.cfg:1: x: unterminated string" },
	{ "dtdev = [ \"/a\",\n\"/b\"\n", 0,
	  "bad.cfg:3: dtdev: unterminated list (opened on line 1)" },
	{ "\n\nmemory 512\n", 0, "bad.cfg:3: expected '=' after 'memory'" },
	{ "memory\n", 0, "bad.cfg:1: expected '=' after 'memory'" },
	{ "irqs = [ 1 2 ]", 0, "bad.cfg:1: irqs: expected ',' or ']' in list, got '2'" },
	{ "irqs = [ 1,, 2 ]", 0, "bad.cfg:1: irqs: empty list item" },
	{ "irqs = [ [ 1 ] ]", 0, "bad.cfg:1: irqs: lists cannot be nested" },
	{ "irqs = [ yes ]", 0, "bad.cfg:1: irqs: expected a \"string\", a number or a [ list ] in list, got 'y'" },
	{ "a = 1\n%%% = 2\n", 0, "bad.cfg:2: expected a key, got '%'" },
	{ "vpl011 = yes", 0, "bad.cfg:1: vpl011: expected a \"string\", a number or a [ list ] after '=', got 'y'" },
	{ "memory =\n", 0, "bad.cfg:1: memory: expected a value after '='" },
	{ "memory = 512 MiB", 0, "bad.cfg:1: memory: unexpected 'M' after the value" },
	{ "memory = 99999999999999999999", 0,
	  "bad.cfg:1: memory: number '99999999999999999999' does not fit in 64 bits" },
	{ "memory = 0x10000000000000000", 0,
	  "bad.cfg:1: memory: number '0x10000000000000000' does not fit in 64 bits" },
	{ "memory = 12ab", 0, "bad.cfg:1: memory: invalid number '12ab'" },
	{ "memory = 09", 0, "bad.cfg:1: memory: invalid number '09'" },
	{ "memory = 0x", 0, "bad.cfg:1: memory: invalid number '0x'" },
	{ "name = \"a\\qb\"", 0, "bad.cfg:1: name: unknown escape '\\' followed by 'q'" },
	{ "name = \"a\\0b\"", 0, "bad.cfg:1: name: escape makes a NUL in a string" },
	{ "name = \"a\\xzz\"", 0, "bad.cfg:1: name: \\x needs hex digits" },
	{ "a = 1\nname = \"x\0y\"\n", 17, "bad.cfg:2: NUL byte in input" },
	{ "a = 1\n\0", 7, "bad.cfg:2: NUL byte in input" },
	{ "a = 1 \0", 7, "bad.cfg:1: NUL byte in input" },
	{ "l = [ 1,\n\0 ]", 12, "bad.cfg:2: NUL byte in input" },
	{ "s = 'a'\ns += [ 1 ]", 0, "bad.cfg:2: s: '+=' needs a list or string on both sides" },
};

START_TEST(test_parse_errors)
{
	const struct bad_case *c = &bad_cases[_i];
	dtg_ctx *ctx = tu_ctx_new();
	dtg_config *cfg = (dtg_config *)&cfg;  /* must be reset to NULL */
	size_t len = c->len ? c->len : strlen(c->text);
	int r = dtg_config_parse(ctx, c->text, len, "bad.cfg", &cfg);

	ck_assert_msg(r == -DTG_ECONFIG, "case %d: r=%d (%s)", _i, r,
		      dtg_last_error(ctx));
	ck_assert_ptr_null(cfg);
	ck_assert_str_eq(dtg_last_error(ctx), c->msg);
	tu_ctx_free(ctx);
}
END_TEST

/*
 * Hostile input: mutations of a valid file (bytes replaced, including NUL,
 * quotes, brackets and newlines; truncations) parse or fail cleanly, never
 * read outside the buffer (the copy has no terminator; ASan build).
 */
START_TEST(test_parse_hostile)
{
	static const char base[] =
		"name = \"g\"\nmemory = 0x100\n"
		"dt_passthrough = [ \"path=/pl031@9010000,iommu=no\",\n"
		"  'x', 3 ]\nextra = \"a\\tb\\x41\"\n";
	static const char alphabet[] = "\0\"'[],=;#\n\\x0-+ a9";
	dtg_ctx *ctx = tu_ctx_new();
	uint32_t seed = 12345;
	unsigned ok = 0, failed = 0;

	for (int iter = 0; iter < 20000; iter++) {
		size_t len = sizeof(base) - 1;
		char *buf = malloc(len);
		dtg_config *cfg = NULL;
		int r;

		ck_assert_ptr_nonnull(buf);
		memcpy(buf, base, len);
		for (int k = 0; k < 1 + iter % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t pos = (seed >> 8) % len;
			seed = seed * 1103515245u + 12345u;
			buf[pos] = alphabet[(seed >> 8) % (sizeof(alphabet) - 1)];
		}
		if (iter % 7 == 0) {
			seed = seed * 1103515245u + 12345u;
			len = (seed >> 8) % len;
		}
		r = dtg_config_parse(ctx, buf, len, "fuzz.cfg", &cfg);
		if (r == 0) {
			ok++;
			dtg_config_free(cfg);
		} else {
			ck_assert_int_eq(r, -DTG_ECONFIG);
			ck_assert(strncmp(dtg_last_error(ctx), "fuzz.cfg:", 9) == 0);
			failed++;
		}
		free(buf);
	}
	ck_assert_uint_gt(ok, 0);
	ck_assert_uint_gt(failed, 0);

	/* a long list and a long string */
	{
		size_t n = 200000;
		char *big = malloc(n * 4 + 16);
		size_t len = 0;
		dtg_config *cfg;

		len += (size_t)sprintf(big, "l = [");
		for (size_t i = 0; i < n; i++)
			len += (size_t)sprintf(big + len, "%zu,", i % 10);
		big[len++] = ']';
		cfg = NULL;
		ck_assert_int_eq(dtg_config_parse(ctx, big, len, "big.cfg", &cfg), 0);
		ck_assert_uint_eq(dtg_config_list_len(cfg, "l"), n);
		dtg_config_free(cfg);
		free(big);
	}
	tu_ctx_free(ctx);
}
END_TEST

/* ---- applying keys to a domain on QEMU virt ---- */

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

struct fixture {
	dtg_ctx *ctx;
	dtg_host *host;
	dtg_config *cfg;
	dtg_domain *d;
};

static int apply_text(struct fixture *f, const char *text)
{
	int r;

	f->ctx = tu_ctx_new();
	f->host = tu_load_host(f->ctx, "virt.dtb");
	r = dtg_config_parse(f->ctx, text, strlen(text), "guest.cfg", &f->cfg);
	ck_assert_msg(r == 0, "parse: %s", dtg_last_error(f->ctx));
	ck_assert_int_eq(dtg_domain_new(f->ctx, f->host, &f->d), 0);
	return dtg_domain_apply_config(f->d, f->cfg);
}

static void fixture_free(struct fixture *f)
{
	dtg_domain_free(f->d);
	dtg_config_free(f->cfg);
	dtg_host_free(f->host);
	tu_ctx_free(f->ctx);
}

/* Apply text; expect failure with the message containing want. */
static void apply_fails(const char *text, int code, const char *want)
{
	struct fixture f;
	int r = apply_text(&f, text);

	ck_assert_msg(r == -code, "%s: r=%d (%s)", text, r,
		      dtg_last_error(f.ctx));
	ck_assert_msg(strstr(dtg_last_error(f.ctx), want) != NULL,
		      "message '%s' lacks '%s'", dtg_last_error(f.ctx), want);
	fixture_free(&f);
}

START_TEST(test_apply_real_cfg)
{
	struct fixture f;
	struct dtg_domain_info info;
	struct dtg_pt_info pt;
	size_t size;
	char *text = tu_read_data("xl-pl031.cfg", &size);
	int r;

	f.ctx = tu_ctx_new();
	f.host = tu_load_host(f.ctx, "virt.dtb");
	ck_assert_int_eq(dtg_config_parse(f.ctx, text, size, "xl-pl031.cfg",
					  &f.cfg), 0);
	free(text);
	ck_assert_int_eq(dtg_domain_new(f.ctx, f.host, &f.d), 0);
	r = dtg_domain_apply_config(f.d, f.cfg);
	ck_assert_msg(r == 0, "apply: %s", dtg_last_error(f.ctx));

	/* one notice per unknown key, naming file and line */
	const char *log = tu_log_text(f.ctx);
	ck_assert_ptr_nonnull(strstr(log, "xl-pl031.cfg:5: key 'builder' is not used by libdtgen"));
	ck_assert_ptr_nonnull(strstr(log, "xl-pl031.cfg:6: key 'type' is not used by libdtgen"));
	/* disk is read for specification=virtio disks (virtio-mmio slots) */
	ck_assert_ptr_null(strstr(log, "'disk' is not used"));
	ck_assert_ptr_nonnull(strstr(log, "xl-pl031.cfg:16: key 'vif' is not used by libdtgen"));
	ck_assert_ptr_nonnull(strstr(log, "xl-pl031.cfg:17: key 'on_crash' is not used by libdtgen"));
	ck_assert_ptr_null(strstr(log, "'memory' is not used"));
	ck_assert_ptr_null(strstr(log, "'extra' is not used"));
	ck_assert_ptr_null(strstr(log, "'device_tree' is not used"));
	ck_assert_uint_eq(count(log, "is not used by libdtgen"), 4);

	/* device_tree stays in the config for the caller */
	ck_assert_str_eq(dtg_config_string(f.cfg, "device_tree"),
			 "/etc/xen/rtc-guest.dtb");

	ck_assert_int_eq(dtg_domain_get_info(f.d, &info), 0);
	ck_assert_str_eq(info.name, "rtc-guest");
	ck_assert_uint_eq(info.memory_mib, 256);
	ck_assert_uint_eq(info.vcpus, 2);       /* vcpus, not maxvcpus */
	ck_assert_uint_eq(info.gic_version, 3);
	ck_assert(info.vpl011);
	ck_assert_str_eq(info.kernel, "/boot/Image");
	ck_assert_str_eq(info.ramdisk, "/boot/initrd.img");
	ck_assert_str_eq(info.cmdline, "root=/dev/xvda console=hvc0 rw");
	ck_assert_uint_eq(dtg_domain_pt_count(f.d), 1);

	r = dtg_domain_finalize(f.d);
	ck_assert_msg(r == 0, "finalize: %s", dtg_last_error(f.ctx));
	ck_assert_int_eq(dtg_domain_pt_info(f.d, 0, &pt), 0);
	ck_assert_str_eq(pt.host_path, "/pl031@9010000");
	ck_assert(!pt.iommu);
	ck_assert_uint_eq(pt.nrange, 1);
	ck_assert_uint_eq(pt.range[0].guest_addr, 0x9010000);
	ck_assert_uint_eq(pt.nirq, 1);
	ck_assert_uint_eq(pt.irq[0].intid, 34);
	fixture_free(&f);
}
END_TEST

START_TEST(test_apply_cmdline_overrides_extra)
{
	struct fixture f;
	struct dtg_domain_info info;

	ck_assert_int_eq(apply_text(&f, "kernel = '/k'\nextra = 'x'\n"
				    "cmdline = 'console=ttyAMA0'\n"
				    "maxvcpus = 3\n"), 0);
	ck_assert_int_eq(dtg_domain_get_info(f.d, &info), 0);
	ck_assert_str_eq(info.cmdline, "console=ttyAMA0");
	ck_assert_uint_eq(info.vcpus, 3);  /* maxvcpus alone */
	fixture_free(&f);

	ck_assert_int_eq(apply_text(&f, "kernel = '/k'\nextra = 'quiet'\n"
				    "gic_version = 2\nvpl011 = 'no'\n"), 0);
	ck_assert_int_eq(dtg_domain_get_info(f.d, &info), 0);
	ck_assert_str_eq(info.cmdline, "quiet");
	ck_assert_uint_eq(info.gic_version, 2);
	ck_assert(!info.vpl011);
	fixture_free(&f);
}
END_TEST

START_TEST(test_apply_pt_options)
{
	struct fixture f;
	struct dtg_pt_info pt;
	int r;

	/* guest=auto: moved off 1:1, clear of the guest map */
	r = apply_text(&f, "dt_passthrough = [ 'path=/pl031@9010000,iommu=no,"
		       "guest=auto,clock-rate=apb_pclk:24000000' ]\n");
	ck_assert_msg(r == 0, "%s", dtg_last_error(f.ctx));
	r = dtg_domain_finalize(f.d);
	ck_assert_msg(r == 0, "finalize: %s", dtg_last_error(f.ctx));
	ck_assert_int_eq(dtg_domain_pt_info(f.d, 0, &pt), 0);
	ck_assert(!pt.iommu);
	ck_assert_uint_eq(pt.range[0].host_addr, 0x9010000);
	ck_assert_uint_eq(pt.range[0].guest_addr & 0xfff, 0);
	fixture_free(&f);

	/* guest=ADDR, clock by index, keep */
	r = apply_text(&f, "dt_passthrough = [\n"
		       " \"path=/pl061@9030000,iommu=no,guest=0x9100000,"
		       "clock-rate=0:24000000,keep=gpio-controller/#gpio-cells\",\n"
		       "]\n");
	ck_assert_msg(r == 0, "%s", dtg_last_error(f.ctx));
	r = dtg_domain_finalize(f.d);
	ck_assert_msg(r == 0, "finalize: %s", dtg_last_error(f.ctx));
	ck_assert_int_eq(dtg_domain_pt_info(f.d, 0, &pt), 0);
	ck_assert_uint_eq(pt.range[0].guest_addr, 0x9100000);
	fixture_free(&f);

	/* iomem places a device's range; irqs name its interrupt */
	r = apply_text(&f, "dt_passthrough = [ 'path=/pl031@9010000,iommu=no' ]\n"
		       "iomem = [ '0x9010,1@9200' ]\nirqs = [ 34 ]\n");
	ck_assert_msg(r == 0, "%s", dtg_last_error(f.ctx));
	r = dtg_domain_finalize(f.d);
	ck_assert_msg(r == 0, "finalize: %s", dtg_last_error(f.ctx));
	ck_assert_int_eq(dtg_domain_pt_info(f.d, 0, &pt), 0);
	ck_assert_uint_eq(pt.range[0].guest_addr, 0x9200000);
	fixture_free(&f);

	/* iomem agreeing with guest= is fine */
	r = apply_text(&f, "dt_passthrough = [ 'path=/pl031@9010000,iommu=no,"
		       "guest=0x9200000' ]\niomem = [ '9010,1@9200' ]\n");
	ck_assert_msg(r == 0, "%s", dtg_last_error(f.ctx));
	fixture_free(&f);
}
END_TEST

START_TEST(test_apply_dtdev)
{
	struct fixture f;
	int r = apply_text(&f, "dtdev = [ '/pl031@9010000',\n"
			   "  '/pl061@9030000' ]\n");

	ck_assert_msg(r == 0, "%s", dtg_last_error(f.ctx));
	ck_assert_uint_eq(dtg_domain_pt_count(f.d), 2);
	/* QEMU virt has no IOMMU: dtdev asks for one, so finalize refuses */
	ck_assert_int_lt(dtg_domain_finalize(f.d), 0);
	fixture_free(&f);

	apply_fails("name='x'\ndtdev = [ '/pl031@9010000',\n '/nope@0' ]\n",
		    DTG_ENOTFOUND, "guest.cfg:3: dtdev: ");
	apply_fails("dtdev = [ 'pl031@9010000' ]\n", DTG_ECONFIG,
		    "guest.cfg:1: dtdev: \"pl031@9010000\" is not an absolute DT path");
	apply_fails("dtdev = [ '/pl031@9010000' ]\n"
		    "dt_passthrough = [ 'path=/pl031@9010000' ]\n",
		    DTG_EDUPLICATE, "guest.cfg:2: dt_passthrough: ");
	apply_fails("dtdev = '/pl031@9010000'\n", DTG_ECONFIG,
		    "guest.cfg:1: dtdev: expected a list, got a string");
}
END_TEST

static const struct apply_bad {
	const char *text;
	int code;
	const char *msg;
} apply_bad[] = {
	{ "name = 'x'\n\nmemory = \"abc\"\n", DTG_ECONFIG,
	  "guest.cfg:3: memory: expected a number, got \"abc\"" },
	{ "memory = 0\n", DTG_ERANGE, "guest.cfg:1: memory: 0 is out of range" },
	{ "memory = -5\n", DTG_ERANGE, "guest.cfg:1: memory: -5 is out of range" },
	{ "vcpus = [ 1 ]\n", DTG_ECONFIG, "guest.cfg:1: vcpus: expected a number, got a list" },
	{ "name = [ 'a' ]\n", DTG_ECONFIG, "guest.cfg:1: name: expected a string, got a list" },
	{ "gic_version = 'v4'\n", DTG_ECONFIG,
	  "guest.cfg:1: gic_version: \"v4\" is not \"v2\", \"v3\" or \"native\"" },
	{ "vpl011 = 'maybe'\n", DTG_ECONFIG, "guest.cfg:1: vpl011: expected 0 or 1" },
	{ "nr_spis = 5000\n", DTG_ERANGE, "guest.cfg:1: nr_spis: 5000 is out of range" },
	{ "dt_passthrough = [\n 'path=/pl031@9010000,colour=red' ]\n", DTG_ECONFIG,
	  "guest.cfg:2: dt_passthrough: unknown option 'colour'" },
	{ "dt_passthrough = [ 'iommu=no' ]\n", DTG_ECONFIG,
	  "guest.cfg:1: dt_passthrough: path= is required" },
	{ "dt_passthrough = [ 'path=/pl031@9010000,iommu=perhaps' ]\n", DTG_ECONFIG,
	  "guest.cfg:1: dt_passthrough: iommu=perhaps: expected yes or no" },
	{ "dt_passthrough = [ '/pl031@9010000,iommu=no' ]\n", DTG_ECONFIG,
	  "guest.cfg:1: dt_passthrough: \"/pl031@9010000\": expected KEY=VALUE" },
	/* a comma not followed by KEY= belongs to the value (DT names have commas) */
	{ "dt_passthrough = [ 'path=/pl031@9010000,noequals,iommu=no' ]\n", DTG_ENOTFOUND,
	  "guest.cfg:1: dt_passthrough: " },
	{ "dt_passthrough = [ 'path=/pl031@9010000,iommu=no,clock-rate=nosuch:1' ]\n", DTG_ECONFIG,
	  "guest.cfg:1: dt_passthrough: clock-rate=nosuch:1: no such clock" },
	{ "dt_passthrough = [ 'path=/pl031@9010000,iommu=no,clock-rate=1:1' ]\n", DTG_ECONFIG,
	  "guest.cfg:1: dt_passthrough: clock-rate=1:1: no such clock" },
	{ "dt_passthrough = [ 'path=/pl031@9010000,iommu=no,keep=clocks/nosuch' ]\n", DTG_ENOTFOUND,
	  "guest.cfg:1: dt_passthrough: keep=clocks/nosuch: /pl031@9010000 has no property 'nosuch'" },
	{ "dt_passthrough = [ 'path=/pl031@9010000,guest=zz' ]\n", DTG_ECONFIG,
	  "guest.cfg:1: dt_passthrough: guest=zz: an address is not a number" },
	{ "dt_passthrough = [ 'path=/pl031@9010000,guest=0x1000/0x2000' ]\n", DTG_ECONFIG,
	  "guest.cfg:1: dt_passthrough: guest=0x1000/0x2000: 2 address(es) for /pl031@9010000, which has 1 MMIO range(s)" },
	{ "dt_passthrough = [ 'path=/flash@0,guest=0x9000000' ]\n", DTG_ECONFIG,
	  "guest.cfg:1: dt_passthrough: guest=0x9000000: 1 address(es) for /flash@0, which has 2 MMIO range(s)" },
	{ "dt_passthrough = [ 'path=/pl031@9010000,clock-rate=apb_pclk' ]\n", DTG_ECONFIG,
	  "guest.cfg:1: dt_passthrough: clock-rate=apb_pclk: expected NAME:HZ" },
	{ "dt_passthrough = [ 'path=/pl031@9010000,clock-rate=apb_pclk:fast' ]\n", DTG_ECONFIG,
	  "guest.cfg:1: dt_passthrough: clock-rate=apb_pclk:fast: HZ is not a positive number" },
	{ "dt_passthrough = [ 'path=/pl031@9010000,keep=' ]\n", DTG_ECONFIG,
	  "guest.cfg:1: dt_passthrough: keep=: expected PROP[/PROP...]" },
	{ "dt_passthrough = [ 'path=/pl031@9010000,path=/pl061@9030000' ]\n", DTG_ECONFIG,
	  "guest.cfg:1: dt_passthrough: path=/pl061@9030000: path= given twice" },
	{ "dt_passthrough = [ 'path=/pl031@9010000,iommu=no' ]\n"
	  "iomem = [ '9010,2' ]\n", DTG_ECONFIG,
	  "guest.cfg:2: iomem: \"9010,2\": 0x9010000-0x9011fff is not the MMIO range of a device" },
	{ "iomem = [ '9010,1' ]\n", DTG_ECONFIG,
	  "guest.cfg:1: iomem: \"9010,1\": 0x9010000-0x9010fff is not the MMIO range" },
	{ "iomem = [ '9010;1' ]\n", DTG_ECONFIG,
	  "guest.cfg:1: iomem: \"9010;1\": expected MFN,NR[@GFN] in hex pages" },
	{ "iomem = [ '9010,0' ]\n", DTG_ECONFIG,
	  "guest.cfg:1: iomem: \"9010,0\": expected MFN,NR[@GFN]" },
	{ "iomem = [ 'fffffffffffffff,1' ]\n", DTG_ECONFIG,
	  "guest.cfg:1: iomem: \"fffffffffffffff,1\": expected MFN,NR[@GFN]" },
	{ "dt_passthrough = [ 'path=/pl031@9010000,iommu=no,guest=auto' ]\n"
	  "iomem = [ '9010,1@9300' ]\n", DTG_ECONFIG,
	  "guest.cfg:2: iomem: \"9010,1@9300\": contradicts the guest= of /pl031@9010000 on line 1" },
	{ "dt_passthrough = [ 'path=/pl031@9010000,iommu=no' ]\n"
	  "irqs = [ 34,\n 35 ]\n", DTG_ECONFIG,
	  "guest.cfg:3: irqs: 35 is not an interrupt of a device in dtdev or dt_passthrough" },
	{ "irqs = [ 'x' ]\n", DTG_ECONFIG,
	  "guest.cfg:1: irqs: \"x\" is not an interrupt number" },
};

START_TEST(test_apply_errors)
{
	const struct apply_bad *c = &apply_bad[_i];

	apply_fails(c->text, c->code, c->msg);
}
END_TEST

/* A domain setter's error keeps its text and gains file:line: key. */
START_TEST(test_apply_setter_errors_located)
{
	struct fixture f;
	int r = apply_text(&f, "\ndt_passthrough = [ "
			   "'path=/nosuch@0,iommu=no' ]\n");

	ck_assert_int_eq(r, -DTG_ENOTFOUND);
	ck_assert_msg(strncmp(dtg_last_error(f.ctx),
			      "guest.cfg:2: dt_passthrough: ", 29) == 0,
		      "%s", dtg_last_error(f.ctx));
	ck_assert_ptr_nonnull(strstr(dtg_last_error(f.ctx), "/nosuch@0"));
	fixture_free(&f);
}
END_TEST

static Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tp = tcase_create("parse");
	TCase *ta = tcase_create("apply");

	tcase_add_test(tp, test_parse_forms);
	tcase_add_loop_test(tp, test_parse_errors, 0,
			    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tp, test_parse_hostile);
	tcase_set_timeout(tp, 60);
	suite_add_tcase(s, tp);

	tcase_add_test(ta, test_apply_real_cfg);
	tcase_add_test(ta, test_apply_cmdline_overrides_extra);
	tcase_add_test(ta, test_apply_pt_options);
	tcase_add_test(ta, test_apply_dtdev);
	tcase_add_loop_test(ta, test_apply_errors, 0,
			    (int)(sizeof(apply_bad) / sizeof(apply_bad[0])));
	tcase_add_test(ta, test_apply_setter_errors_located);
	suite_add_tcase(s, ta);
	return s;
}

int main(void)
{
	return tu_run_suite(config_suite());
}
