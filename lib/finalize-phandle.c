/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/finalize-phandle.c - which host properties refer to other nodes by
 * phandle, and how their values are laid out.  A guest gets copies of
 * a few host nodes only, so every such property either refers to nodes
 * the guest gets (and is rewritten with their guest phandles) or is
 * dropped together with its *-names partner: the guest DT must never hold
 * a dangling phandle.
 */
#include <libfdt.h>

#include "host-internal.h"
#include "finalize-internal.h"

/* Exact property names. */
static const struct dtg_phandle_prop exact[] = {
	{ "interrupt-parent", DTG_PH_LIST, NULL, { NULL } },
	{ "clocks", DTG_PH_SPEC, "#clock-cells", { "clock-names" } },
	{ "assigned-clocks", DTG_PH_SPEC, "#clock-cells",
	  { "assigned-clock-rates", "assigned-clock-parents" } },
	{ "assigned-clock-parents", DTG_PH_SPEC, "#clock-cells", { NULL } },
	{ "power-domains", DTG_PH_SPEC, "#power-domain-cells", { "power-domain-names" } },
	{ "resets", DTG_PH_SPEC, "#reset-cells", { "reset-names" } },
	{ "dmas", DTG_PH_SPEC, "#dma-cells", { "dma-names" } },
	{ "mboxes", DTG_PH_SPEC, "#mbox-cells", { "mbox-names" } },
	{ "phys", DTG_PH_SPEC, "#phy-cells", { "phy-names" } },
	{ "iommus", DTG_PH_SPEC, "#iommu-cells", { NULL } },
	{ "iommu-map", DTG_PH_DROP, NULL, { "iommu-map-mask" } },
	{ "msi-map", DTG_PH_DROP, NULL, { "msi-map-mask" } },
	{ "msi-parent", DTG_PH_SPEC_OPT, "#msi-cells", { NULL } },
	{ "gpios", DTG_PH_SPEC, "#gpio-cells", { NULL } },
	{ "interconnects", DTG_PH_SPEC, "#interconnect-cells", { "interconnect-names" } },
	{ "nvmem-cells", DTG_PH_LIST, NULL, { "nvmem-cell-names" } },
	{ "nvmem", DTG_PH_LIST, NULL, { "nvmem-names" } },
	{ "memory-region", DTG_PH_LIST, NULL, { "memory-region-names" } },
	{ "operating-points-v2", DTG_PH_LIST, NULL, { NULL } },
	{ "phy", DTG_PH_LIST, NULL, { NULL } },
	{ "sram", DTG_PH_LIST, NULL, { "sram-names" } },
	{ "io-channels", DTG_PH_SPEC, "#io-channel-cells", { "io-channel-names" } },
	{ "pwms", DTG_PH_SPEC, "#pwm-cells", { "pwm-names" } },
	{ "hwlocks", DTG_PH_SPEC, "#hwlock-cells", { "hwlock-names" } },
	{ "sound-dai", DTG_PH_SPEC, "#sound-dai-cells", { NULL } },
	{ "extcon", DTG_PH_LIST, NULL, { NULL } },
	{ "remote-endpoint", DTG_PH_LIST, NULL, { NULL } },
	{ "thermal-sensors", DTG_PH_SPEC, "#thermal-sensor-cells", { NULL } },
	{ "cooling-device", DTG_PH_DROP, NULL, { NULL } },
	{ "interrupt-affinity", DTG_PH_LIST, NULL, { NULL } },
	{ "mux-controls", DTG_PH_SPEC, "#mux-control-cells", { "mux-control-names" } },
	{ "mux-states", DTG_PH_SPEC, "#mux-state-cells", { "mux-state-names" } },
	{ "access-controllers", DTG_PH_SPEC, "#access-controller-cells", { NULL } },
	{ "trigger-sources", DTG_PH_SPEC, "#trigger-source-cells", { NULL } },
	{ "interrupts-extended", DTG_PH_SPEC, "#interrupt-cells", { NULL } },
	{ "ti,timers", DTG_PH_LIST, NULL, { NULL } },
	{ "ti,watchdog-timers", DTG_PH_LIST, NULL, { NULL } },
	{ "ti,bootreg", DTG_PH_FIRST, NULL, { NULL } },
	{ "ti,syscon-pcie-id", DTG_PH_FIRST, NULL, { NULL } },
	{ "ti,syscon-pcie-mode", DTG_PH_FIRST, NULL, { NULL } },
	{ "syscon", DTG_PH_FIRST, NULL, { NULL } },
};

static const struct dtg_phandle_prop suffix_gpios = {
	"*-gpios", DTG_PH_SPEC, "#gpio-cells", { NULL } };
static const struct dtg_phandle_prop suffix_supply = {
	"*-supply", DTG_PH_LIST, NULL, { NULL } };
static const struct dtg_phandle_prop suffix_handle = {
	"*-handle", DTG_PH_LIST, NULL, { NULL } };
static const struct dtg_phandle_prop pinctrl = {
	"pinctrl-N", DTG_PH_LIST, NULL, { "pinctrl-names" } };
static const struct dtg_phandle_prop vendor_syscon = {
	"*syscon*", DTG_PH_FIRST, NULL, { NULL } };

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n > k && !strcmp(s + n - k, suf);
}

const struct dtg_phandle_prop *dtg_phandle_prop_lookup(const char *name)
{
	for (size_t i = 0; i < DTG_ARRAY_SIZE(exact); i++)
		if (!strcmp(exact[i].name, name))
			return &exact[i];
	if (ends_with(name, "-gpios") || ends_with(name, "-gpio"))
		return &suffix_gpios;
	if (ends_with(name, "-supply"))
		return &suffix_supply;
	if (ends_with(name, "-handle"))
		return &suffix_handle;
	if (!strncmp(name, "pinctrl-", 8) && name[8]) {
		const char *p = name + 8;

		while (*p >= '0' && *p <= '9')
			p++;
		if (!*p)
			return &pinctrl;
	}
	/* Vendor syscon references: "<&syscon offset ...>" by convention. */
	if (strstr(name, "syscon") && !strchr(name, '#'))
		return &vendor_syscon;
	if (ends_with(name, ",grf") || ends_with(name, ",pmu") ||
	    ends_with(name, ",scm"))
		return &vendor_syscon;
	return NULL;
}

/*
 * Walk the phandle cells of a property.  For each phandle cell calls
 * fn(opaque, cell index, host node offset); returns 0 when every phandle
 * resolves and the layout parses, else -1 with *missing set to the first
 * phandle that does not resolve (0 when the layout is malformed).
 */
int dtg_phandle_prop_walk(const dtg_host *host, const struct dtg_phandle_prop *t,
			  const void *val, int len,
			  int (*fn)(void *opaque, size_t cell, int target),
			  void *opaque, uint32_t *missing)
{
	const fdt32_t *c = val;
	size_t n = (size_t)len / 4;

	*missing = 0;
	if (t->layout == DTG_PH_DROP || len <= 0 || len % 4)
		return -1;
	for (size_t i = 0; i < n;) {
		uint32_t ph = fdt32_to_cpu(c[i]);
		int target;
		uint32_t args = 0;

		/* 0 / -1 are "no entry" placeholders (gpios holes). */
		if (ph == 0 || ph == 0xffffffffu) {
			if (t->layout != DTG_PH_SPEC && t->layout != DTG_PH_SPEC_OPT &&
			    t->layout != DTG_PH_LIST)
				return -1;
			i++;
			continue;
		}
		target = dtg_host_phandle_offset(host, ph);
		if (target < 0) {
			*missing = ph;
			return -1;
		}
		if (fn(opaque, i, target))
			return -1;
		switch (t->layout) {
		case DTG_PH_LIST:
			i++;
			break;
		case DTG_PH_FIRST:
			return 0;  /* the rest are arguments */
		default:
			if (dtg_host_get_u32(host, target, t->cells, &args)) {
				if (t->layout != DTG_PH_SPEC_OPT)
					return -1;
				args = 0;
			}
			if (args > n - i - 1)
				return -1;
			i += 1 + args;
			break;
		}
	}
	return 0;
}
