/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/check_release.c - the Xen releases 4.17 .. 4.22.
 *
 * Interface versions: each release's XEN_DOMCTL_INTERFACE_VERSION, read
 * from xen-project/xen at its tag (git show RELEASE-4.x.0:
 * xen/include/public/domctl.h), is what the plan encodes, and only that
 * word differs between releases (the payloads' structs are the same text
 * in all six tags; tests/check_domctl_xen.c compares the bytes with
 * Debian's libxen-dev 4.17 structs).
 *
 * xl.cfg keys: every key dtg_xlcfg_alloc writes for a release is one that
 * release's xl reads (tools/xl/xl_parse.c at the tag, parse_config_data /
 * parse_virtio_list); what the domain needs and the release cannot say is
 * refused.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xendtgen/config.h>
#include <xendtgen/domctl.h>
#include <xendtgen/viommu.h>
#include "testutil.h"

/* XEN_DOMCTL_INTERFACE_VERSION at each tag (file:line of the #define). */
static const struct {
	unsigned minor;
	uint32_t version;
	const char *source;
} versions[] = {
	{ 17, 0x15, "RELEASE-4.17.0:xen/include/public/domctl.h:24" },
	{ 18, 0x16, "RELEASE-4.18.0:xen/include/public/domctl.h:24" },
	{ 19, 0x17, "RELEASE-4.19.0:xen/include/public/domctl.h:24" },
	{ 20, 0x17, "RELEASE-4.20.0:xen/include/public/domctl.h:34" },
	{ 21, 0x17, "RELEASE-4.21.0:xen/include/public/domctl.h:35" },
	{ 22, 0x18, "RELEASE-4.22.0:xen/include/public/domctl.h:35" },
};

/* The keys libdtgen may write, and the first release whose xl reads them. */
static const struct {
	const char *key;
	unsigned since;   /* minor version; 0: no release */
	const char *source;
} xl_keys[] = {
	{ "iomem", 17, "RELEASE-4.17.0:tools/xl/xl_parse.c:1992" },
	{ "irqs", 17, "RELEASE-4.17.0:tools/xl/xl_parse.c:1962" },
	{ "dtdev", 17, "RELEASE-4.17.0:tools/xl/xl_parse.c:1541" },
	{ "device_tree", 17, "RELEASE-4.17.0:tools/xl/xl_parse.c:1613" },
	{ "virtio", 18, "RELEASE-4.18.0:tools/xl/xl_parse.c:1236" },
	{ "nr_spis", 19, "RELEASE-4.19.0:tools/xl/xl_parse.c:2938" },
	{ "viommu", 0, "not in xl_parse.c of RELEASE-4.17.0 .. RELEASE-4.22.0" },
	{ "coprocessors", 0, "libdtgen's own key" },
};

START_TEST(test_versions)
{
	unsigned rel;

	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		char s[16];

		snprintf(s, sizeof(s), "4.%u", versions[i].minor);
		ck_assert_int_eq(dtg_xen_release_parse(s, &rel), 0);
		ck_assert_uint_eq(rel, DTG_XEN_RELEASE(4, versions[i].minor));
		ck_assert_msg(dtg_xen_domctl_version(rel) == versions[i].version,
			      "Xen %s: %#x, %s has %#x", s, dtg_xen_domctl_version(rel),
			      versions[i].source, versions[i].version);
		/* A point release has its release's interface. */
		snprintf(s, sizeof(s), "4.%u.3", versions[i].minor);
		ck_assert_int_eq(dtg_xen_release_parse(s, &rel), 0);
		ck_assert_uint_eq(rel, DTG_XEN_RELEASE(4, versions[i].minor));
	}
	ck_assert_uint_eq(DTG_XEN_4_17_DOMCTL_VERSION, 0x15);
	ck_assert_uint_eq(DTG_XEN_4_18_DOMCTL_VERSION, 0x16);
	ck_assert_uint_eq(DTG_XEN_4_22_DOMCTL_VERSION, 0x18);
	static const char *const bad[] = { "4.16", "4.23", "5.0", "4", "4.", "4.17x",
					   "4.17.", "", "x", "4.1700", "44.17" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(dtg_xen_release_parse(bad[i], &rel) == -DTG_EUNSUPPORTED,
			      "'%s' accepted", bad[i]);
	ck_assert_uint_eq(dtg_xen_domctl_version(DTG_XEN_RELEASE(4, 16)), 0);
}
END_TEST

/* Every byte but interface_version is the same for all releases. */
START_TEST(test_plan_per_release)
{
	static const char cfg[] =
		"dt_passthrough = [ \"path=/pl031@9010000,iommu=no\" ]\n";
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt.dtb");
	uint8_t first[16 * DTG_DOMCTL_SIZE], buf[16 * DTG_DOMCTL_SIZE];
	size_t n0 = 0, n;
	int err;
	dtg_domain *d = tu_domain_cfg(ctx, host, cfg, "rel.cfg", 0, &err);

	ck_assert_msg(d != NULL, "%s", dtg_last_error(ctx));
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		uint32_t v = dtg_xen_domctl_version(DTG_XEN_RELEASE(4, versions[i].minor));

		ck_assert_int_eq(dtg_plan_encode(d, v, 3, NULL, NULL, buf, sizeof(buf), &n), 0);
		ck_assert_uint_ge(n, 4 * DTG_DOMCTL_SIZE);   /* iomem, map, irq, bind */
		if (!i) {
			memcpy(first, buf, n);
			n0 = n;
		}
		ck_assert_uint_eq(n, n0);
		for (size_t r = 0; r < n / DTG_DOMCTL_SIZE; r++) {
			const uint8_t *a = buf + r * DTG_DOMCTL_SIZE;
			const uint8_t *b = first + r * DTG_DOMCTL_SIZE;

			ck_assert_uint_eq(a[4] | a[5] << 8 | a[6] << 16 | (uint32_t)a[7] << 24, v);
			ck_assert_int_eq(memcmp(a, b, 4), 0);
			ck_assert_int_eq(memcmp(a + 8, b + 8, DTG_DOMCTL_SIZE - 8), 0);
		}
	}
	ck_assert_int_eq(dtg_plan_encode(d, 0x14, 3, NULL, NULL, buf, sizeof(buf), &n),
			 -DTG_EUNSUPPORTED);
	ck_assert_int_eq(dtg_plan_encode(d, 0x19, 3, NULL, NULL, buf, sizeof(buf), &n),
			 -DTG_EUNSUPPORTED);
	dtg_domain_free(d);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/* Each "key = ..." line must be one the release's xl reads. */
static void keys_known(const char *text, unsigned minor)
{
	const char *line = text;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len;
		bool known = false;

		if (*line != '#') {
			len = strcspn(line, " =");
			for (size_t k = 0; k < sizeof(xl_keys) / sizeof(xl_keys[0]); k++)
				if (strlen(xl_keys[k].key) == len &&
				    !strncmp(line, xl_keys[k].key, len)) {
					ck_assert_msg(xl_keys[k].since && xl_keys[k].since <= minor,
						      "Xen 4.%u's xl does not read %s (%s)", minor,
						      xl_keys[k].key, xl_keys[k].source);
					known = true;
				}
			ck_assert_msg(known, "unexpected line: %.*s", (int)len, line);
		}
		line = end ? end + 1 : NULL;
	}
}

START_TEST(test_xlcfg_keys)
{
	static const char pt[] =
		"dt_passthrough = [ \"path=/pl031@9010000,iommu=no\" ]\n";
	static const char spis[] =
		"nr_spis = 64\ndt_passthrough = [ \"path=/pl031@9010000,iommu=no\" ]\n";
	static const char vio[] =
		"disk = [ \"backend=1,specification=virtio,target=/dev/vg/a\" ]\n"
		"virtio = [ \"backend=1,type=virtio,device22,transport=mmio\" ]\n";
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt.dtb");

	for (unsigned minor = 17; minor <= 22; minor++) {
		unsigned rel = DTG_XEN_RELEASE(4, minor);
		char *out;
		int err;
		dtg_domain *d = tu_domain_cfg(ctx, host, pt, "rel.cfg", rel, &err);

		ck_assert_msg(d, "%s", dtg_last_error(ctx));
		ck_assert_int_eq(dtg_xlcfg_alloc(d, "/etc/xen/p.dtb", &out, NULL), 0);
		keys_known(out, minor);
		ck_assert_ptr_nonnull(strstr(out, "iomem = [ \"9010,1@"));
		ck_assert_ptr_nonnull(strstr(out, "irqs = [ 34 ]\n"));
		/* libxl computes the same SPIs without the key */
		ck_assert((strstr(out, "nr_spis = 3\n") != NULL) == (minor >= 19));
		dtg_free(ctx, out);
		dtg_domain_free(d);

		/* More SPIs than libxl computes: only 4.19+'s xl can say so. */
		d = tu_domain_cfg(ctx, host, spis, "rel.cfg", rel, &err);
		ck_assert_msg(d, "%s", dtg_last_error(ctx));
		err = dtg_xlcfg_alloc(d, NULL, &out, NULL);
		if (minor >= 19) {
			ck_assert_int_eq(err, 0);
			keys_known(out, minor);
			ck_assert_ptr_nonnull(strstr(out, "nr_spis = 64\n"));
			dtg_free(ctx, out);
		} else {
			ck_assert_int_eq(err, -DTG_EUNSUPPORTED);
			ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "no nr_spis key"));
		}
		dtg_domain_free(d);

		/* virtio from 4.18 (4.17 refuses at finalize). */
		d = tu_domain_cfg(ctx, host, vio, "rel.cfg", rel, &err);
		if (minor == 17) {
			ck_assert_ptr_null(d);
			ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "no virtio key"));
			continue;
		}
		ck_assert_msg(d, "%s", dtg_last_error(ctx));
		ck_assert_int_eq(dtg_xlcfg_alloc(d, NULL, &out, NULL), 0);
		keys_known(out, minor);
		ck_assert_ptr_nonnull(strstr(out,
			"virtio = [ \"backend=1,type=virtio,device22,transport=mmio,grant_usage=1\" ]\n"));
		dtg_free(ctx, out);
		dtg_domain_free(d);
	}
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

/* No release's xl has viommu: refused for a release, written without one. */
START_TEST(test_xlcfg_viommu)
{
	static const char *const clk[] = { "pclk", "hclk", "tx_clk", "rx_clk", "tsu_clk" };
	struct dtg_viommu_config vc = { .type = DTG_VIOMMU_SMMUV3 };
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "zynqmp-zcu102-rev1.0.dtb");

	for (unsigned rel = 0; rel <= DTG_XEN_RELEASE_LAST;
	     rel = rel ? rel + 1 : DTG_XEN_RELEASE_FIRST) {
		dtg_domain *d;
		char *out = NULL;
		int dev;

		ck_assert_int_eq(dtg_domain_new(ctx, host, &d), 0);
		ck_assert_int_eq(dtg_domain_set_xen_release(d, rel), 0);
		dev = dtg_domain_add_passthrough(d, "/axi/ethernet@ff0e0000");
		ck_assert_int_ge(dev, 0);
		for (int i = 0; i < 5; i++)
			ck_assert_int_eq(dtg_pt_set_clock_rate(d, dev, clk[i], 125000000), 0);
		ck_assert_int_eq(dtg_domain_set_viommu(d, &vc), 0);
		ck_assert_msg(dtg_domain_finalize(d) == 0, "%s", dtg_last_error(ctx));
		if (!rel) {
			ck_assert_int_eq(dtg_xlcfg_alloc(d, NULL, &out, NULL), 0);
			ck_assert_ptr_nonnull(strstr(out, "viommu = \"smmuv3"));
			dtg_free(ctx, out);
		} else {
			ck_assert_int_eq(dtg_xlcfg_alloc(d, NULL, &out, NULL), -DTG_EUNSUPPORTED);
			ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "no viommu key"));
			ck_assert_ptr_null(out);
		}
		dtg_domain_free(d);
	}
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

START_TEST(test_set_release)
{
	dtg_ctx *ctx = tu_ctx_new();
	dtg_host *host = tu_load_host(ctx, "virt.dtb");
	dtg_domain *d;

	ck_assert_int_eq(dtg_domain_new(ctx, host, &d), 0);
	ck_assert_int_eq(dtg_domain_set_xen_release(d, DTG_XEN_RELEASE(4, 16)),
			 -DTG_EUNSUPPORTED);
	ck_assert_ptr_nonnull(strstr(dtg_last_error(ctx), "Xen 4.16"));
	ck_assert_int_eq(dtg_domain_set_xen_release(d, DTG_XEN_RELEASE(4, 20)), 0);
	ck_assert_int_eq(dtg_domain_finalize(d), 0);
	ck_assert_int_eq(dtg_domain_set_xen_release(d, DTG_XEN_RELEASE(4, 21)),
			 -DTG_ESTATE);
	dtg_domain_free(d);
	dtg_host_free(host);
	tu_ctx_free(ctx);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("release");
	TCase *tc = tcase_create("release");

	tcase_add_test(tc, test_versions);
	tcase_add_test(tc, test_plan_per_release);
	tcase_add_test(tc, test_xlcfg_keys);
	tcase_add_test(tc, test_xlcfg_viommu);
	tcase_add_test(tc, test_set_release);
	suite_add_tcase(s, tc);
	return tu_run_suite(s);
}
