/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/dom0less.c - the dom0less builder: guests in, decisions out.
 * Placement lives in dom0less-place.c, the host DTB edit in
 * dom0less-host.c, the text outputs in dom0less-text.c.
 */
#include <stdio.h>
#include <xendtgen/fdt.h>

#include <xendtgen/copro.h>
#include "dom0less-internal.h"
#include "viommu-internal.h"
#include "blob-check.h"

int dtg_dom0less_new(dtg_ctx *ctx, const dtg_host *host,
		     const struct dtg_dom0less_opts *opts, dtg_dom0less **out)
{
	struct dtg_dom0less *b;

	if (!ctx || !host || !out)
		return dtg_error(ctx, DTG_EINVAL, "dom0less: missing argument");
	*out = NULL;
	/* validated as dtg_domain_set_xen_release does */
	if (opts && opts->xen_release &&
	    !dtg_xen_domctl_version(opts->xen_release))
		return dtg_error(ctx, DTG_EUNSUPPORTED,
				 "dom0less: Xen %u.%u is not supported (4.17 to "
				 "4.22)", opts->xen_release >> 8,
				 opts->xen_release & 0xff);
	b = dtg_zalloc(ctx, sizeof(*b));
	if (!b)
		return dtg_error(ctx, DTG_ENOMEM, "out of memory");
	b->ctx = ctx;
	b->host = host;
	if (opts && opts->xen_bootargs) {
		b->xen_bootargs = dtg_strdup(ctx, opts->xen_bootargs);
		if (!b->xen_bootargs) {
			dtg_free(ctx, b);
			return dtg_error(ctx, DTG_ENOMEM, "out of memory");
		}
	}
	if (opts)
		b->load_base = opts->load_base;
	b->xen_release = opts && opts->xen_release ? opts->xen_release :
		DTG_XEN_RELEASE_LAST;
	*out = b;
	return 0;
}

void dtg_dom0less_free(dtg_dom0less *b)
{
	if (!b)
		return;
	dtg_dom0less_system_free(b);   /* reads b->guest */
	for (size_t i = 0; i < b->nguest; i++) {
		dtg_free(b->ctx, b->guest[i].name);
		dtg_free(b->ctx, b->guest[i].partial);
		dtg_free(b->ctx, b->guest[i].partial_name);
	}
	dtg_free(b->ctx, b->guest);
	dtg_free(b->ctx, b->bank);
	dtg_free(b->ctx, b->reserved);
	dtg_free(b->ctx, b->module);
	dtg_free(b->ctx, b->host_dtb);
	dtg_copro_marks_free(b->ctx, &b->marks);
	dtg_free(b->ctx, b->xen_bootargs);
	dtg_free(b->ctx, b);
}

int dtg_dom0less_add_guest(dtg_dom0less *b,
			   const struct dtg_dom0less_guest *guest)
{
	struct dtg_domain_info info;
	struct dtg_dom0less_gstate *gs;
	const char *pname = NULL;
	char dflt[300];
	int r;

	if (b->finalized)
		return dtg_error(b->ctx, DTG_ESTATE,
				 "dom0less: builder already finalized");
	if (!guest || !guest->domain)
		return dtg_error(b->ctx, DTG_EINVAL, "dom0less: no domain");
	if (!dtg_domain_is_finalized(guest->domain))
		return dtg_error(b->ctx, DTG_ESTATE,
				 "dom0less: domain must be finalized first");
	r = dtg_domain_get_info(guest->domain, &info);
	if (r)
		return r;
	r = dtg_dom0less_refuse_virtio(b->ctx, guest->domain);
	if (r)
		return r;
	if (!info.name || !*info.name)
		return dtg_error(b->ctx, DTG_EINVAL,
				 "dom0less: a guest has no name");
	if (!info.kernel)
		return dtg_error(b->ctx, DTG_EINVAL,
				 "dom0less: guest '%s': kernel: not set",
				 info.name);
	if (!guest->kernel_size)
		return dtg_error(b->ctx, DTG_EINVAL,
				 "dom0less: guest '%s': kernel: %s is empty",
				 info.name, info.kernel);
	if (info.ramdisk && !guest->ramdisk_size)
		return dtg_error(b->ctx, DTG_EINVAL,
				 "dom0less: guest '%s': ramdisk: %s is empty",
				 info.name, info.ramdisk);
	for (size_t i = 0; i < b->nguest; i++)
		if (!strcmp(b->guest[i].name, info.name))
			return dtg_error(b->ctx, DTG_EDUPLICATE,
					 "dom0less: two guests are named '%s'",
					 info.name);
	/* the partial DT is untrusted: checked (lib/blob-check.c) and
	 * refused before anything is allocated */
	if (guest->partial_dtb) {
		snprintf(dflt, sizeof(dflt), "guest '%s' device_tree", info.name);
		pname = guest->partial_dtb_name ? guest->partial_dtb_name : dflt;
		r = dtg_blob_check(b->ctx, guest->partial_dtb,
				   guest->partial_dtb_size, pname);
		if (r)
			return r;
	}
	r = dtg_grow(b->ctx, (void **)&b->guest, &b->capguest, b->nguest + 1,
		     sizeof(*b->guest));
	if (r)
		return r;
	gs = &b->guest[b->nguest];
	memset(gs, 0, sizeof(*gs));
	gs->g = *guest;
	/* the caller's pointers need not outlive this call: keep none */
	gs->g.partial_dtb = NULL;
	gs->g.partial_dtb_name = NULL;
	gs->name = dtg_strdup(b->ctx, info.name);
	if (pname) {
		gs->partial_name = dtg_strdup(b->ctx, pname);
		gs->partial = dtg_alloc(b->ctx, guest->partial_dtb_size);
	}
	if (!gs->name || (pname && (!gs->partial_name || !gs->partial))) {
		dtg_free(b->ctx, gs->partial);
		dtg_free(b->ctx, gs->partial_name);
		dtg_free(b->ctx, gs->name);
		return dtg_error(b->ctx, DTG_ENOMEM, "out of memory");
	}
	if (pname) {
		memcpy(gs->partial, guest->partial_dtb, guest->partial_dtb_size);
		gs->partial_size = guest->partial_dtb_size;
		gs->user_partial = true;
	}
	return (int)b->nguest++;
}

/* A host device may belong to one guest only. */
static int check_device_claims(struct dtg_dom0less *b)
{
	for (size_t i = 0; i < b->nguest; i++) {
		const dtg_domain *di = b->guest[i].g.domain;

		for (size_t k = 0; k < dtg_domain_pt_count(di); k++) {
			struct dtg_pt_info a;

			dtg_domain_pt_info(di, k, &a);
			if (a.iommu)
				b->guest[i].iommu = true;
			for (size_t j = i + 1; j < b->nguest; j++) {
				const dtg_domain *dj = b->guest[j].g.domain;

				for (size_t l = 0; l < dtg_domain_pt_count(dj); l++) {
					struct dtg_pt_info c;

					dtg_domain_pt_info(dj, l, &c);
					if (!strcmp(a.host_path, c.host_path))
						return dtg_error(b->ctx, DTG_EDUPLICATE,
							"%s: %s: guests '%s' and '%s' both "
							"claim this device",
							dtg_host_name(b->host), a.host_path,
							b->guest[i].name, b->guest[j].name);
				}
			}
		}
	}
	return 0;
}

struct partial_warner {
	struct dtg_dom0less *b;
	const char *guest;
};

static int warn_partial_issue(void *opaque, const struct dtg_partial_issue *is)
{
	const struct partial_warner *w = opaque;

	dtg_log(w->b->ctx, DTG_LOG_WARN, "guest '%s': device_tree: %s: %s%s%s",
		w->guest, is->node, is->property ? is->property : "",
		is->property ? ": " : "", is->message);
	return 0;
}

/* The guest's own partial DT: must be a valid DTB; Xen's rules only warn. */
static int check_user_partial(struct dtg_dom0less *b,
			     struct dtg_dom0less_gstate *gs)
{
	struct partial_warner w = { b, gs->name };
	int r;

	r = dtg_partial_check(b->ctx, b->host, gs->partial, gs->partial_size,
			      gs->partial_name, warn_partial_issue, &w);
	return r < 0 ? r : 0;
}

/*
 * Shared coprocessors: not passed through elsewhere, exclusive claims;
 * then the marks the host DT gets for the ones Xen shares.
 */
static int check_copro_claims(struct dtg_dom0less *b)
{
	const dtg_domain **doms = dtg_alloc(b->ctx, b->nguest * sizeof(*doms));
	int r;

	if (!doms)
		return dtg_error(b->ctx, DTG_ENOMEM, "dom0less: out of memory");
	for (size_t i = 0; i < b->nguest; i++)
		doms[i] = b->guest[i].g.domain;
	r = dtg_copro_check_system(b->ctx, doms, b->nguest);
	if (!r)
		r = dtg_copro_marks_from_domains(b->ctx, doms, b->nguest,
						 &b->marks);
	dtg_free(b->ctx, doms);
	return r;
}

static int make_partials(struct dtg_dom0less *b)
{
	for (size_t i = 0; i < b->nguest; i++) {
		struct dtg_dom0less_gstate *gs = &b->guest[i];
		int r;

		if (gs->user_partial) {
			r = check_user_partial(b, gs);
			if (r)
				return r;
			continue;
		}
		/* Coprocessor instances live in the partial DT too. */
		if (!dtg_domain_pt_count(gs->g.domain) &&
		    !dtg_domain_copro_count(gs->g.domain))
			continue;
		r = dtg_fdt_partial_alloc(gs->g.domain, &gs->partial,
					  &gs->partial_size);
		if (r)
			return r;
	}
	return 0;
}

int dtg_dom0less_finalize(dtg_dom0less *b)
{
	int r;

	if (b->finalized)
		return 0;
	/*
	 * A failed finalize leaves half-made decisions behind (event channel
	 * ends made here, shared memory in b->reserved, final_bootargs,
	 * generated partial DTs): running again on them would misread them.
	 */
	if (b->failed)
		return dtg_error(b->ctx, DTG_ESTATE,
				 "dom0less: an earlier dtg_dom0less_finalize "
				 "failed; free the builder and start again");
	if (!b->nguest)
		return dtg_error(b->ctx, DTG_EINVAL, "dom0less: no guest");
	r = dtg_dom0less_check_chosen(b);
	if (!r)
		r = check_device_claims(b);
	if (!r)
		r = check_copro_claims(b);
	if (!r)
		r = make_partials(b);
	if (!r)
		r = dtg_dom0less_read_memory(b);
	if (!r) {
		char def[512];

		dtg_dom0less_default_bootargs(b, def, sizeof(def));
		r = dtg_dom0less_check_system(b, b->xen_bootargs ?
					      b->xen_bootargs : def);
	}
	if (!r)
		r = dtg_dom0less_place_modules(b);
	if (!r)
		r = dtg_dom0less_edit_host(b);
	if (r) {
		b->failed = true;
		return r;
	}
	b->finalized = true;
	return 0;
}

static int require_final(const dtg_dom0less *b)
{
	if (!b->finalized)
		return dtg_error(b->ctx, DTG_ESTATE,
				 "dom0less: builder not finalized");
	return 0;
}

size_t dtg_dom0less_module_count(const dtg_dom0less *b)
{
	return b->finalized ? b->nmodule : 0;
}

int dtg_dom0less_module(const dtg_dom0less *b, size_t i,
			struct dtg_dom0less_module *m)
{
	int r = require_final(b);

	if (r)
		return r;
	if (i >= b->nmodule)
		return dtg_error(b->ctx, DTG_ENOTFOUND, "dom0less: no module %zu", i);
	*m = b->module[i];
	return 0;
}

int dtg_dom0less_host_dtb(const dtg_dom0less *b, const void **dtb,
			  size_t *size)
{
	int r = require_final(b);

	if (r)
		return r;
	*dtb = b->host_dtb;
	*size = b->host_dtb_size;
	return 0;
}

int dtg_dom0less_partial_dtb(const dtg_dom0less *b, size_t guest,
			     const void **dtb, size_t *size)
{
	int r = require_final(b);

	if (r)
		return r;
	if (guest >= b->nguest)
		return dtg_error(b->ctx, DTG_ENOTFOUND, "dom0less: no guest %zu",
				 guest);
	*dtb = b->guest[guest].partial;
	*size = b->guest[guest].partial_size;
	return 0;
}

const char *dtg_dom0less_guest_name(const dtg_dom0less *b, size_t guest)
{
	return guest < b->nguest ? b->guest[guest].name : NULL;
}
