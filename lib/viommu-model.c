/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/viommu-model.c - vIOMMU objects: types, capabilities, the xl.cfg
 * `viommu` value, and the rules a vIOMMU config must satisfy.
 */
#include <stdio.h>
#include <stdlib.h>

#include <xendtgen/viommu.h>

#include "internal.h"

const char *dtg_viommu_type_name(enum dtg_viommu_type type)
{
	switch (type) {
	case DTG_VIOMMU_SMMUV3: return "smmuv3";
	case DTG_VIOMMU_VTD: return "vtd";
	case DTG_VIOMMU_NONE: break;
	}
	return "none";
}

uint32_t dtg_viommu_type_caps(enum dtg_viommu_type type)
{
	/* vtd: the 2017 series offers interrupt remapping and x2APIC (EIM). */
	return type == DTG_VIOMMU_VTD ?
	       DTG_VIOMMU_CAP_INTREMAP | DTG_VIOMMU_CAP_X2APIC : 0;
}

static int parse_type(const char *s, size_t n, enum dtg_viommu_type *t)
{
	if (n == 6 && !strncmp(s, "smmuv3", 6))
		*t = DTG_VIOMMU_SMMUV3;
	else if ((n == 3 && !strncmp(s, "vtd", 3)) ||
		 (n == 9 && !strncmp(s, "intel_vtd", 9)))
		*t = DTG_VIOMMU_VTD;
	else if (n == 4 && !strncmp(s, "none", 4))
		*t = DTG_VIOMMU_NONE;
	else
		return -1;
	return 0;
}

int dtg_viommu_parse(dtg_ctx *ctx, const char *name, const char *value,
		     struct dtg_viommu_config *out)
{
	struct dtg_viommu_config c;
	const char *p;
	bool have_type = false;

	if (!value || !out)
		return -DTG_EINVAL;
	if (!name)
		name = "viommu";
	memset(&c, 0, sizeof(c));
	/* A bare type ("smmuv3"), or comma-separated key=value pairs. */
	if (!strchr(value, '=')) {
		if (parse_type(value, strlen(value), &c.type))
			return dtg_error(ctx, DTG_ECONFIG,
					 "%s: viommu: unknown vIOMMU type \"%s\" (smmuv3, vtd)",
					 name, value);
		*out = c;
		return 0;
	}
	for (p = value; *p; ) {
		const char *end = strchr(p, ',');
		const char *eq;
		size_t n = end ? (size_t)(end - p) : strlen(p);
		size_t klen;

		while (n && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		eq = memchr(p, '=', n);
		if (!eq)
			return dtg_error(ctx, DTG_ECONFIG,
					 "%s: viommu: \"%.*s\" is not key=value",
					 name, (int)n, p);
		klen = (size_t)(eq - p);
		eq++;
		n -= klen + 1;
		if (klen == 4 && !strncmp(p, "type", 4)) {
			if (parse_type(eq, n, &c.type))
				return dtg_error(ctx, DTG_ECONFIG,
						 "%s: viommu: unknown vIOMMU type \"%.*s\" (smmuv3, vtd)",
						 name, (int)n, eq);
			have_type = true;
		} else if ((klen == 8 && !strncmp(p, "intremap", 8)) ||
			   (klen == 6 && !strncmp(p, "x2apic", 6))) {
			uint32_t bit = klen == 8 ? DTG_VIOMMU_CAP_INTREMAP :
						   DTG_VIOMMU_CAP_X2APIC;

			if (n != 1 || (*eq != '0' && *eq != '1'))
				return dtg_error(ctx, DTG_ECONFIG,
						 "%s: viommu: %.*s: \"%.*s\" is not 0 or 1",
						 name, (int)klen, p, (int)n, eq);
			if (*eq == '1')
				c.caps |= bit;
			else
				c.caps &= ~bit;
		} else {
			return dtg_error(ctx, DTG_ECONFIG,
					 "%s: viommu: unknown key \"%.*s\" (type, intremap, x2apic)",
					 name, (int)klen, p);
		}
		p = end ? end + 1 : p + klen + 1 + n;
	}
	if (!have_type)
		return dtg_error(ctx, DTG_ECONFIG,
				 "%s: viommu: \"%s\" has no type=", name, value);
	*out = c;
	return 0;
}

int dtg_viommu_format(dtg_ctx *ctx, const struct dtg_viommu_config *cfg,
		      char **out)
{
	char tmp[96];

	if (!cfg || !out)
		return -DTG_EINVAL;
	if (cfg->type == DTG_VIOMMU_VTD)
		snprintf(tmp, sizeof(tmp), "type=vtd,intremap=%d,x2apic=%d",
			 !!(cfg->caps & DTG_VIOMMU_CAP_INTREMAP),
			 !!(cfg->caps & DTG_VIOMMU_CAP_X2APIC));
	else
		snprintf(tmp, sizeof(tmp), "%s", dtg_viommu_type_name(cfg->type));
	*out = dtg_strdup(ctx, tmp);
	return *out ? 0 : -DTG_ENOMEM;
}

int dtg_viommu_check(dtg_ctx *ctx, const char *name,
		     struct dtg_viommu_config *cfg, unsigned vcpus)
{
	uint32_t extra;

	if (!cfg)
		return -DTG_EINVAL;
	if (!name)
		name = "viommu";
	if (cfg->type == DTG_VIOMMU_NONE)
		return 0;
	extra = cfg->caps & ~dtg_viommu_type_caps(cfg->type);
	if (extra)
		return dtg_error(ctx, DTG_EUNSUPPORTED,
				 "%s: viommu: capabilities 0x%x are not offered by a %s vIOMMU",
				 name, extra, dtg_viommu_type_name(cfg->type));
	if (cfg->type == DTG_VIOMMU_VTD) {
		if ((cfg->caps & DTG_VIOMMU_CAP_X2APIC) &&
		    !(cfg->caps & DTG_VIOMMU_CAP_INTREMAP))
			return dtg_error(ctx, DTG_EINVAL,
					 "%s: viommu: x2apic=1 needs intremap=1 (x2APIC interrupts reach a guest only through interrupt remapping)",
					 name);
		if (vcpus > 255 && !(cfg->caps & DTG_VIOMMU_CAP_X2APIC))
			return dtg_error(ctx, DTG_EINVAL,
					 "%s: viommu: %u vCPUs need x2apic=1 (xAPIC IDs stop at 255)",
					 name, vcpus);
		if (!cfg->base)
			cfg->base = DTG_VTD_BASE;
		if (!cfg->size)
			cfg->size = DTG_VTD_SIZE;
	} else if (cfg->type == DTG_VIOMMU_SMMUV3) {
		if (!cfg->base)
			cfg->base = DTG_VSMMUV3_BASE;
		if (!cfg->size)
			cfg->size = DTG_VSMMUV3_SIZE;
	}
	if (!cfg->id_bits)
		cfg->id_bits = cfg->type == DTG_VIOMMU_SMMUV3 ? DTG_VSMMUV3_ID_BITS : 16;
	if (cfg->id_bits > 32)
		return dtg_error(ctx, DTG_ERANGE,
				 "%s: viommu: ID width %u bits is more than 32",
				 name, cfg->id_bits);
	return 0;
}
