/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_blob.c - dtg_blob_check (lib/blob-check.c), the one gate for
 * untrusted DTBs: each header and structure rule on a blob dtc wrote with
 * one field changed, the hostile blobs of tests/data/hostile through every
 * API that takes a blob, and a sound blob still read (and still accepted by
 * libfdt's fdt_check_full, its reader, as a second opinion).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include <xendtgen/copro.h>
#include <xendtgen/dom0less.h>
#include <xendtgen/domain.h>
#include <xendtgen/fdt.h>
#include <xendtgen/viommu.h>
#include "blob-check.h"
#include "testutil.h"

static const char dts[] =
	"/dts-v1/;\n"
	"/memreserve/ 0x48000000 0x1000;\n"
	"/ { #address-cells = <1>; #size-cells = <1>; compatible = \"x\";\n"
	"    bus { #address-cells = <1>; #size-cells = <1>; ranges;\n"
	"        dev@1000 { reg = <0x1000 0x100>; status = \"okay\"; }; }; };\n";

static void set32(void *blob, unsigned word, uint32_t v)
{
	uint8_t *p = (uint8_t *)blob + 4 * word;

	p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v;
}

static uint32_t get32(const void *blob, unsigned word)
{
	const uint8_t *p = (const uint8_t *)blob + 4 * word;

	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* The blob with header word `word` set to v must be refused with `msg`. */
static void refused(const void *good, size_t size, int word, uint32_t v,
		    const char *msg)
{
	dtg_ctx *ctx = tu_ctx_new();
	void *b = malloc(size);

	memcpy(b, good, size);
	if (word >= 0)
		set32(b, (unsigned)word, v);
	ck_assert_int_eq(dtg_blob_check(ctx, b, size, "t.dtb"), -DTG_EBADDTB);
	ck_assert_msg(strstr(dtg_last_error(ctx), msg),
		      "word %d = 0x%x: '%s' lacks '%s'", word, v,
		      dtg_last_error(ctx), msg);
	ck_assert_msg(!strncmp(dtg_last_error(ctx), "t.dtb: ", 7),
		      "the message names the file: %s", dtg_last_error(ctx));
	free(b);
	tu_ctx_free(ctx);
}

START_TEST(test_header_rules)
{
	size_t size;
	void *good = tu_dts_to_dtb(dts, &size);
	dtg_ctx *ctx = tu_ctx_new();
	uint32_t total = get32(good, 1), sbase = get32(good, 2),
		 ssize = get32(good, 9);
	void *larger = calloc(1, size + 64);

	ck_assert_int_eq(dtg_blob_check(ctx, good, size, "t.dtb"), 0);
	ck_assert_int_eq(fdt_check_full(good, size), 0);
	/* trailing bytes after totalsize are allowed (a larger buffer) */
	ck_assert_ptr_nonnull(larger);
	memcpy(larger, good, size);
	ck_assert_int_eq(dtg_blob_check(ctx, larger, size + 64, "t.dtb"), 0);
	ck_assert_int_eq(fdt_check_full(larger, size + 64), 0);
	free(larger);

	refused(good, 20, -1, 0, "20 bytes is not a device tree blob");
	refused(good, size, 0, 0xfeedd00d, "header: magic: 0xfeedd00d");
	for (uint32_t v = 0; v < 16; v++)
		refused(good, size, 5, v, "header: version: ");
	refused(good, size, 5, 18, "header: version: 18 is not supported");
	refused(good, size, 6, 17 + 1, "last_comp_version: 18 is above version 17");
	refused(good, size, 1, total + 1, "header: totalsize: ");
	refused(good, size, 1, 39, "header: totalsize: 39 bytes is not a valid size");
	refused(good, size, 2, sbase + 2, "off_dt_struct: ");
	refused(good, size, 2, 8, "off_dt_struct: 0x8 is not");
	refused(good, size, 9, ssize + 4096, "size_dt_struct: ");
	refused(good, size, 9, 0xfffffffc, "size_dt_struct: ");
	refused(good, size, 3, total, "off_dt_strings/size_dt_strings: ");
	refused(good, size, 8, 0xffffffff, "off_dt_strings/size_dt_strings: ");
	refused(good, size, 4, 44, "off_mem_rsvmap: 0x2c is not an 8-byte aligned");
	refused(good, size, 4, total & ~7u, "memory reservation block: no terminating entry");
	/* the strings block laid over the structure block */
	refused(good, size, 3, sbase, "blocks overlap");
	/* structure shorter than its tags: the walk stops inside the bounds */
	refused(good, size, 9, 8, "structure block offset 0x");
	/* strings shorter than a name: property name offset out of the block */
	refused(good, size, 8, 2, "property name offset ");

	/* version 16 (no size_dt_struct): read, the block ends at FDT_END */
	void *v16 = malloc(size);
	memcpy(v16, good, size);
	set32(v16, 5, 16);
	set32(v16, 9, 0);
	ck_assert_int_eq(dtg_blob_check(ctx, v16, size, "v16.dtb"), 0);
	free(v16);

	/*
	 * A version 16 header is FDT_V16_SIZE (36) bytes: no size_dt_struct.
	 * libfdt (fdt_header_size_, fdt_check_header) lets a block start at
	 * offset 36; here the (empty) strings block does.
	 */
	{
		static const uint32_t words[] = {
			FDT_MAGIC, 72, 56, 36, 40, 16, 16, 0, 0,  /* header */
			0,                                /* strings: none, pad */
			0, 0, 0, 0,                       /* rsvmap terminator */
			FDT_BEGIN_NODE, 0, FDT_END_NODE, FDT_END,
		};
		uint32_t *b36 = malloc(sizeof(words));

		ck_assert_ptr_nonnull(b36);
		for (size_t i = 0; i < sizeof(words) / 4; i++)
			set32(b36, (unsigned)i, words[i]);
		ck_assert_int_eq(fdt_check_full(b36, sizeof(words)), 0);
		ck_assert_msg(dtg_blob_check(ctx, b36, sizeof(words), "v16-36.dtb") == 0,
			      "%s", dtg_last_error(ctx));
		/* and a version 17 header is FDT_V17_SIZE (40) bytes */
		set32(b36, 5, 17);
		set32(b36, 9, 16);   /* size_dt_struct, over the strings block */
		refused(b36, sizeof(words), -1, 0, "off_dt_strings/size_dt_strings: 0 bytes at 0x24 are not between the header (40 bytes)");
		free(b36);
	}

	/* an unaligned buffer: refused, not read by libfdt's aligned loads */
	uint8_t *un = malloc(size + 1);
	memcpy(un + 1, good, size);
	ck_assert_int_eq(dtg_blob_check(ctx, un + 1, size, "u.dtb"), -DTG_EBADDTB);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "8-byte aligned address"));
	free(un);
	free(good);
	tu_ctx_free(ctx);
}
END_TEST

/* Structure rules: tags changed in place in the structure block. */
START_TEST(test_structure_rules)
{
	size_t size;
	uint8_t *good = tu_dts_to_dtb(dts, &size);
	uint32_t sbase = get32(good, 2);
	dtg_ctx *ctx = tu_ctx_new();
	struct { uint32_t tag_from, tag_to; const char *msg; } cases[] = {
		/* the root's FDT_BEGIN_NODE becomes an unknown tag */
		{ FDT_BEGIN_NODE, 0x77, "unknown tag 0x77" },
		/* the first property becomes FDT_END: root not closed */
		{ FDT_PROP, FDT_END, "FDT_END before the root node is closed" },
		/* the first property becomes FDT_END_NODE: the root ends early,
		 * its property's length word follows as a tag */
		{ FDT_PROP, FDT_END_NODE, "after the root node's end" },
		/* the first FDT_END_NODE becomes a NOP: nodes unbalanced */
		{ FDT_END_NODE, FDT_NOP, "FDT_END before the root node is closed" },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		uint8_t *b = malloc(size);
		bool done = false;

		memcpy(b, good, size);
		/* walk the tags of the sound blob (libfdt), change the first match */
		for (int off = 0, next; off >= 0 && !done; off = next) {
			uint32_t tag = fdt_next_tag(good, off, &next);

			if (tag == cases[c].tag_from) {
				set32(b + sbase + (uint32_t)off, 0, cases[c].tag_to);
				done = true;
			}
			if (tag == FDT_END)
				break;
		}
		ck_assert(done);
		ck_assert_msg(dtg_blob_check(ctx, b, size, "s.dtb") == -DTG_EBADDTB,
			      "case %zu accepted", c);
		ck_assert_msg(strstr(dtg_last_error(ctx), cases[c].msg),
			      "'%s' lacks '%s'", dtg_last_error(ctx), cases[c].msg);
		free(b);
	}
	free(good);
	tu_ctx_free(ctx);
}
END_TEST

/* Nesting deeper than DTG_BLOB_MAX_DEPTH: refused, naming the limit. */
START_TEST(test_depth)
{
	size_t n = 0, cap = 64 * 1024, size;
	char *src = malloc(cap);
	dtg_ctx *ctx = tu_ctx_new();
	void *blob;

	n += (size_t)snprintf(src + n, cap - n, "/dts-v1/;\n/ {");
	for (int i = 0; i < DTG_BLOB_MAX_DEPTH + 1; i++)
		n += (size_t)snprintf(src + n, cap - n, " n%d {", i);
	for (int i = 0; i < DTG_BLOB_MAX_DEPTH + 2; i++)
		n += (size_t)snprintf(src + n, cap - n, " };");
	blob = tu_dts_to_dtb(src, &size);
	ck_assert_int_eq(dtg_blob_check(ctx, blob, size, "deep.dtb"), -DTG_EBADDTB);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "nested deeper than 256"));
	free(blob);
	free(src);
	tu_ctx_free(ctx);
}
END_TEST

/* The hostile blobs through every API that takes a blob. */
START_TEST(test_hostile_apis)
{
	static const struct { const char *file, *msg; } blobs[] = {
		{ "hostile/old-version.dtb", "header: version: 15 is not supported" },
		{ "hostile/prop-len-wrap.dtb", "reg: property length 4294967284 runs past" },
	};
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt.dtb");
	dtg_host *smmu = tu_load_host(ctx, "virt-smmuv3.dtb");

	for (size_t i = 0; i < 2; i++) {
		size_t size;
		void *b = tu_read_data(blobs[i].file, &size), *out = NULL;
		struct dtg_copro_desc desc;
		dtg_host *h = NULL;
		size_t out_size = 0;

#define REFUSED(call) do { \
		ck_assert_int_eq((call), -DTG_EBADDTB); \
		ck_assert_msg(strstr(dtg_last_error(ctx), blobs[i].msg), \
			      "%s: %s", #call, dtg_last_error(ctx)); \
	} while (0)
		REFUSED(dtg_host_load(ctx, b, size, "h.dtb", &h));
		ck_assert_ptr_null(h);
		REFUSED(dtg_partial_check(ctx, host, b, size, "p.dtb", NULL, NULL));
		REFUSED(dtg_partial_complete(ctx, smmu, b, size, "p.dtb", NULL,
					     &out, &out_size));
		ck_assert_ptr_null(out);
		REFUSED(dtg_copro_desc_parse(ctx, b, size, "d.dtb",
					     "/xen-coprocessors", &desc));

		/* a dom0less guest's own partial DT: refused when added */
		dtg_domain *d;
		dtg_dom0less *bld;
		struct dtg_dom0less_guest g = { 0 };

		ck_assert_int_eq(dtg_domain_new(ctx, host, &d), 0);
		ck_assert_int_eq(dtg_domain_set_name(d, "g"), 0);
		ck_assert_int_eq(dtg_domain_set_memory_mib(d, 64), 0);
		ck_assert_int_eq(dtg_domain_set_kernel(d, "/boot/Image", NULL), 0);
		ck_assert_int_eq(dtg_domain_finalize(d), 0);
		g.domain = d;
		g.kernel_size = 4096;
		g.partial_dtb = b;
		g.partial_dtb_size = size;
		g.partial_dtb_name = "own.dtb";
		ck_assert_int_eq(dtg_dom0less_new(ctx, host, NULL, &bld), 0);
		REFUSED(dtg_dom0less_add_guest(bld, &g));
		ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "own.dtb: "));
		dtg_dom0less_free(bld);
		dtg_domain_free(d);
#undef REFUSED
		free(b);
	}
	dtg_host_free(smmu);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/* The generator's unmodified tree, and every real DTB of tests/data, pass. */
START_TEST(test_sound_blobs_pass)
{
	static const char *const files[] = {
		"hostile/control.dtb", "virt.dtb", "juno-r2.dtb",
		"zynqmp-zcu102-rev1.0.dtb", "dra7-evm.dtb", "sdm845-db845c.dtb",
		"fsl-lx2160a-honeycomb.dtb", "k3-j721e-common-proc-board.dtb",
	};
	dtg_ctx *ctx = tu_ctx_new();

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t size;
		void *b = tu_read_data(files[i], &size);

		ck_assert_msg(dtg_blob_check(ctx, b, size, files[i]) == 0, "%s: %s",
			      files[i], dtg_last_error(ctx));
		free(b);
	}
	tu_ctx_free(ctx);
}
END_TEST

static Suite *blob_suite(void)
{
	Suite *s = suite_create("blob");
	TCase *tc = tcase_create("check");

	tcase_add_test(tc, test_header_rules);
	tcase_add_test(tc, test_structure_rules);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_hostile_apis);
	tcase_add_test(tc, test_sound_blobs_pass);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run_suite(blob_suite());
}
