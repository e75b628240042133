/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/viommu-config.c - the xl.cfg keys of vIOMMUs and virtio devices,
 * applied to a domain (called from config-apply.c's key table) and
 * written back (called from xlcfg-write.c):
 *   viommu = "smmuv3"  |  viommu = "type=vtd,intremap=1,x2apic=1"
 *   virtio = [ "backend=DOMID,type=virtio,deviceNN,transport=mmio,grant_usage=1" ]
 *   disk = [ "...,backend=DOMID,specification=virtio,grant_usage=1,..." ]
 * As in xl, the type value "virtio,deviceNN" contains a comma: a token
 * without '=' continues the previous type=.  As xl's parse_virtio_config,
 * an unknown virtio key is an error; as libxl__arch_domain_prepare_config,
 * a device without transport=mmio would get no virtio-mmio node, which
 * is refused here rather than dropped.
 */
#include <stdio.h>
#include <stdlib.h>

#include "config-internal.h"
#include "domain-internal.h"
#include "viommu-internal.h"

int dtg_viommu_apply_cfg(dtg_domain *d, const char *name,
			 const struct dtg_cfg_entry *e)
{
	struct dtg_viommu_config cfg;
	char where[256];
	int r;

	if (e->type == DTG_CFG_LIST)
		return dtg_error(d->ctx, DTG_ECONFIG, "%s:%u: viommu: expected a string, got a list",
				 name, e->line);
	snprintf(where, sizeof(where), "%s:%u", name, e->line);
	r = dtg_viommu_parse(d->ctx, where, e->text, &cfg);
	return r ? r : dtg_domain_set_viommu(d, &cfg);
}

static int virtio_entry(dtg_domain *d, const char *where, const char *text)
{
	char *s = dtg_strdup(d->ctx, text), *save = NULL, *tok;
	char type[128] = "";
	uint32_t backend = 0;
	int grant = -1, r = 0;
	bool in_type = false, mmio = false;

	if (!s)
		return -DTG_ENOMEM;
	for (tok = strtok_r(s, ",", &save); tok && !r; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		while (*tok == ' ')
			tok++;
		if (!eq) {
			if (in_type && strlen(type) + strlen(tok) + 2 < sizeof(type)) {
				strcat(type, ",");
				strcat(type, tok);
				continue;
			}
			r = dtg_error(d->ctx, DTG_ECONFIG, "%s: virtio: \"%s\" is not key=value",
				      where, tok);
			break;
		}
		*eq++ = '\0';
		in_type = false;
		if (!strcmp(tok, "backend")) {
			char *end;
			unsigned long v = strtoul(eq, &end, 0);

			if (!*eq || *end || v > 0x7ff0)
				r = dtg_error(d->ctx, DTG_ECONFIG,
					      "%s: virtio: backend=%s is not a domain ID (names need a running xl)",
					      where, eq);
			backend = (uint32_t)v;
		} else if (!strcmp(tok, "type")) {
			snprintf(type, sizeof(type), "%s", eq);
			in_type = true;
		} else if (!strcmp(tok, "transport")) {
			if (strcmp(eq, "mmio"))
				r = dtg_error(d->ctx, DTG_EUNSUPPORTED,
					      "%s: virtio: transport=%s: only mmio is supported", where, eq);
			mmio = true;
		} else if (!strcmp(tok, "grant_usage")) {
			if (strcmp(eq, "0") && strcmp(eq, "1"))
				r = dtg_error(d->ctx, DTG_ECONFIG,
					      "%s: virtio: grant_usage=%s is not 0 or 1", where, eq);
			grant = eq[0] == '1';
		} else {
			r = dtg_error(d->ctx, DTG_ECONFIG,
				      "%s: virtio: unknown key '%s' (xl: \"Unknown string in virtio spec\")",
				      where, tok);
		}
	}
	if (!r && !mmio)
		r = dtg_error(d->ctx, DTG_ECONFIG,
			      "%s: virtio: no transport=mmio: libxl gives the device no virtio-mmio node without it",
			      where);
	/* make_virtio_mmio_node_device: "Invalid type for virtio device" */
	if (!r && strncmp(type, "virtio,device", 13))
		r = dtg_error(d->ctx, DTG_ECONFIG,
			      "%s: virtio: type=%s is not virtio,device<ID> (libxl refuses it)",
			      where, type[0] ? type : "(none)");
	if (!r) {
		/* libxl's default: grants when the backend is not dom0. */
		if (grant < 0)
			grant = backend != 0;
		r = dtg_domain_add_virtio(d, backend, type[0] ? type : "virtio,device",
					  grant != 0);
		if (r > 0)
			r = 0;
	}
	dtg_free(d->ctx, s);
	return r;
}

int dtg_virtio_apply_cfg(dtg_domain *d, const char *name,
			 const struct dtg_cfg_entry *e)
{
	char where[256];

	if (e->type != DTG_CFG_LIST)
		return dtg_error(d->ctx, DTG_ECONFIG, "%s:%u: virtio: expected a list",
				 name, e->line);
	for (size_t i = 0; i < e->nitem; i++) {
		int r;

		snprintf(where, sizeof(where), "%s:%u", name, e->item[i].line);
		r = virtio_entry(d, where, e->item[i].text);
		if (r)
			return r;
	}
	return 0;
}

/*
 * One disk spec (xl's libxlu_disk_l.l): "target=" eats the rest of the
 * string; positional tokens and other parameters are not libdtgen's.
 * Only specification=virtio disks matter: they take virtio-mmio slots.
 */
static int disk_entry(dtg_domain *d, const char *where, const char *text)
{
	char *s = dtg_strdup(d->ctx, text), *save = NULL, *tok;
	uint32_t backend = 0;
	int grant = -1, r = 0;
	bool virtio = false;

	if (!s)
		return -DTG_ENOMEM;
	for (tok = strtok_r(s, ",", &save); tok && !r; tok = strtok_r(NULL, ",", &save)) {
		char *eq;

		while (*tok == ' ' || *tok == '\t')
			tok++;
		if (!strncmp(tok, "target=", 7))
			break;
		if (!(eq = strchr(tok, '=')))
			continue;
		*eq++ = '\0';
		if (!strcmp(tok, "backend")) {
			char *end;
			unsigned long v = strtoul(eq, &end, 0);

			if (!*eq || *end || v > 0x7fef)
				r = dtg_error(d->ctx, DTG_ECONFIG,
					      "%s: disk: backend=%s is not a domain ID (names need a running xl)",
					      where, eq);
			backend = (uint32_t)v;
		} else if (!strcmp(tok, "specification")) {
			if (!strcmp(eq, "virtio"))
				virtio = true;
			else if (strcmp(eq, "xen"))
				r = dtg_error(d->ctx, DTG_ECONFIG,
					      "%s: disk: specification=%s is not xen or virtio",
					      where, eq);
		} else if (!strcmp(tok, "grant_usage")) {
			if (strcmp(eq, "0") && strcmp(eq, "1"))
				r = dtg_error(d->ctx, DTG_ECONFIG,
					      "%s: disk: grant_usage=%s is not 0 or 1", where, eq);
			grant = eq[0] == '1';
		}
	}
	if (!r && virtio) {
		r = dtg_domain_add_virtio_disk(d, backend, grant);
		if (r > 0)
			r = 0;
	}
	dtg_free(d->ctx, s);
	return r;
}

int dtg_virtio_disk_apply_cfg(dtg_domain *d, const char *name,
			      const struct dtg_cfg_entry *e)
{
	char where[256];

	if (e->type != DTG_CFG_LIST)
		return dtg_error(d->ctx, DTG_ECONFIG, "%s:%u: disk: expected a list",
				 name, e->line);
	for (size_t i = 0; i < e->nitem; i++) {
		int r;

		snprintf(where, sizeof(where), "%s:%u", name, e->item[i].line);
		r = disk_entry(d, where, e->item[i].text);
		if (r)
			return r;
	}
	return 0;
}

void dtg_viommu_xlcfg(const dtg_domain *d, struct dtg_buf *b)
{
	const struct dtg_viommu_state *vs = d->vstate;
	char *v = NULL;
	size_t n = 0;

	if (!vs)
		return;
	if (vs->fcfg.type != DTG_VIOMMU_NONE &&
	    !dtg_viommu_format(d->ctx, &vs->fcfg, &v)) {
		dtg_buf_printf(b, "viommu = \"%s\"\n", v);
		dtg_free(d->ctx, v);
	}
	/* The disks stay in the user's disk = [ ... ] (with its targets). */
	for (size_t i = 0; i < vs->nvirtio; i++) {
		if (vs->virtio[i].disk)
			continue;
		dtg_buf_printf(b, "%s\"backend=%u,type=%s,transport=mmio,grant_usage=%d\"",
			       n++ ? ", " : "virtio = [ ", vs->virtio[i].backend_domid,
			       vs->virtio[i].type, vs->virtio[i].grant_usage ? 1 : 0);
	}
	if (n)
		dtg_buf_puts(b, " ]\n");
}
