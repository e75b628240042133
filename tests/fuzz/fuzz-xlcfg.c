/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/fuzz/fuzz-xlcfg.c - a hostile xl.cfg on fixed real hosts: parse,
 * apply, finalize, then every emitter (partial DT, guest DT for each
 * builder, overlay, plan as text, JSON and domctl records for both Xen
 * versions, xl.cfg lines, coprocessor marks and the marked host DT, a
 * dom0less system).  The host is chosen by the input's length, so the
 * seeds need no framing and mutations reach every host.
 */
#include <stdlib.h>

#include <xendtgen/config.h>
#include <xendtgen/copro.h>
#include <xendtgen/dom0less.h>
#include <xendtgen/domain.h>
#include <xendtgen/domctl.h>
#include <xendtgen/fdt.h>

#include "fuzz.h"

static const char *const host_files[] = {
	"virt.dtb",                       /* QEMU virt: PL031, PL011, GICv2 */
	"zynqmp-zcu102-rev1.0.dtb",       /* SMMUv2, clocks, power domains */
	"dra7-evm.dtb",                   /* coprocessors (DSP, IPU) */
	"virt-el2-gicv3-smmuv3-devs.dtb", /* SMMUv3 for a vIOMMU */
};

static void emit(dtg_ctx *ctx, const dtg_domain *d)
{
	static const enum dtg_guest_builder builders[] = {
		DTG_GUEST_BUILDER_LIBXL, DTG_GUEST_BUILDER_DOM0LESS,
		DTG_GUEST_BUILDER_DOM0LESS_ENHANCED,
	};
	static const uint32_t versions[] = {
		DTG_XEN_4_17_DOMCTL_VERSION, DTG_XEN_4_22_DOMCTL_VERSION,
	};
	const dtg_domain *doms[1] = { d };
	struct dtg_copro_marks m = { 0 };
	void *blob;
	char *text;
	size_t size;

	if (!dtg_fdt_partial_alloc(d, &blob, &size)) {
		fuzz_check_dtb(blob, size, "partial");
		dtg_free(ctx, blob);
	}
	for (size_t i = 0; i < sizeof(builders) / sizeof(builders[0]); i++)
		if (!dtg_fdt_guest_by_alloc(d, builders[i], &blob, &size)) {
			fuzz_check_dtb(blob, size, "guest");
			dtg_free(ctx, blob);
		}
	if (!dtg_fdt_overlay_alloc(d, &blob, &size)) {
		fuzz_check_dtb(blob, size, "overlay");
		dtg_free(ctx, blob);
	}
	if (!dtg_plan_text_alloc(d, &text, &size))
		dtg_free(ctx, text);
	if (!dtg_plan_json_alloc(d, &text, &size))
		dtg_free(ctx, text);
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		size_t needed = 0;

		if (dtg_plan_encode(d, versions[i], 1, NULL, NULL, NULL, 0,
				    &needed) != -DTG_ENOSPACE || !needed)
			continue;
		blob = malloc(needed);
		if (blob)
			dtg_plan_encode(d, versions[i], 1, NULL, NULL, blob,
					needed, &size);
		free(blob);
	}
	if (!dtg_xlcfg_alloc(d, "p.dtb", &text, &size))
		dtg_free(ctx, text);
	if (!dtg_copro_check_system(ctx, doms, 1) &&
	    !dtg_copro_marks_from_domains(ctx, doms, 1, &m)) {
		if (!dtg_copro_marks_cmdline(ctx, &m, &text))
			dtg_free(ctx, text);
		if (!dtg_copro_mark_host(ctx, dtg_domain_host(d), &m, NULL,
					 &blob, &size)) {
			fuzz_check_dtb(blob, size, "marked host");
			dtg_free(ctx, blob);
		}
		dtg_copro_marks_free(ctx, &m);
	}
}

static void dom0less(dtg_ctx *ctx, const dtg_domain *d)
{
	struct dtg_dom0less_guest g = { .domain = d, .kernel_size = 1 << 20 };
	dtg_dom0less *b;
	const void *dtb;
	size_t size;
	char *text;

	if (dtg_dom0less_new(ctx, dtg_domain_host(d), NULL, &b))
		return;
	if (dtg_dom0less_add_guest(b, &g) >= 0 && !dtg_dom0less_finalize(b)) {
		if (!dtg_dom0less_host_dtb(b, &dtb, &size))
			fuzz_check_dtb(dtb, size, "dom0less host");
		/* NULL when the guest passes nothing through */
		if (!dtg_dom0less_partial_dtb(b, 0, &dtb, &size) && dtb)
			fuzz_check_dtb(dtb, size, "dom0less partial");
		size_t n = dtg_dom0less_module_count(b);
		const char **paths = calloc(n + 1, sizeof(*paths));

		for (size_t i = 0; paths && i < n; i++)
			paths[i] = "module.bin";
		if (paths && !dtg_dom0less_load_txt_alloc(b, paths, &text, &size))
			dtg_free(ctx, text);
		if (paths && !dtg_dom0less_qemu_args_alloc(b, paths, &text, &size))
			dtg_free(ctx, text);
		if (paths && !dtg_dom0less_boot_cmd_alloc(b, paths, "xen", "host.dtb",
							  &text, &size))
			dtg_free(ctx, text);
		free(paths);
	}
	dtg_dom0less_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const size_t nhost = sizeof(host_files) / sizeof(host_files[0]);
	const dtg_host *h = fuzz_host(host_files[size % nhost]);
	dtg_ctx *ctx = fuzz_ctx();
	dtg_config *cfg = NULL;
	dtg_domain *d = NULL;

	if (!dtg_config_parse(ctx, (const char *)data, size, "fuzz.cfg", &cfg) &&
	    !dtg_domain_new(ctx, h, &d) &&
	    !dtg_domain_apply_config(d, cfg) &&
	    !dtg_domain_finalize(d)) {
		emit(ctx, d);
		dom0less(ctx, d);
	}
	dtg_domain_free(d);
	dtg_config_free(cfg);
	dtg_ctx_free(ctx);
	return 0;
}
