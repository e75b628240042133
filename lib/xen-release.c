/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/xen-release.c - the Xen releases libdtgen follows (4.17 .. 4.22):
 * their XEN_DOMCTL_INTERFACE_VERSION and the domain's chosen release.
 *
 * The interface versions are those of xen/include/public/domctl.h at the
 * RELEASE-4.x.0 tags: 0x15 (4.17), 0x16 (4.18: getdomaininfo), 0x17
 * (4.19 .. 4.21: dt_overlay), 0x18 (4.22: the Arm createdomain config).
 * Point releases never change it.
 */
#include <stdlib.h>
#include <string.h>

#include <xendtgen/domctl.h>

#include "domain-internal.h"

uint32_t dtg_xen_domctl_version(unsigned release)
{
	switch (release) {
	case DTG_XEN_RELEASE(4, 17): return DTG_XEN_4_17_DOMCTL_VERSION;
	case DTG_XEN_RELEASE(4, 18): return DTG_XEN_4_18_DOMCTL_VERSION;
	case DTG_XEN_RELEASE(4, 19): return DTG_XEN_4_19_DOMCTL_VERSION;
	case DTG_XEN_RELEASE(4, 20): return DTG_XEN_4_20_DOMCTL_VERSION;
	case DTG_XEN_RELEASE(4, 21): return DTG_XEN_4_21_DOMCTL_VERSION;
	case DTG_XEN_RELEASE(4, 22): return DTG_XEN_4_22_DOMCTL_VERSION;
	}
	return 0;
}

/* A decimal number of at most 3 digits at *s; advances *s. */
static int small_number(const char **s, unsigned *v)
{
	const char *p = *s;

	*v = 0;
	while (*p >= '0' && *p <= '9' && p - *s < 3)
		*v = *v * 10 + (unsigned)(*p++ - '0');
	if (p == *s || (*p >= '0' && *p <= '9'))
		return -1;
	*s = p;
	return 0;
}

int dtg_xen_release_parse(const char *s, unsigned *release)
{
	unsigned major, minor, point;

	if (!s || !release)
		return -DTG_EINVAL;
	if (small_number(&s, &major) || *s++ != '.' || small_number(&s, &minor))
		return -DTG_EUNSUPPORTED;
	if (*s == '.' && (s++, small_number(&s, &point)))
		return -DTG_EUNSUPPORTED;
	if (*s || major > 0xff || minor > 0xff ||
	    !dtg_xen_domctl_version(DTG_XEN_RELEASE(major, minor)))
		return -DTG_EUNSUPPORTED;
	*release = DTG_XEN_RELEASE(major, minor);
	return 0;
}

int dtg_domain_set_xen_release(dtg_domain *d, unsigned release)
{
	if (!d)
		return -DTG_EINVAL;
	if (d->finalized)
		return dtg_error(d->ctx, DTG_ESTATE, "domain: xen release: already finalized");
	if (release && !dtg_xen_domctl_version(release))
		return dtg_error(d->ctx, DTG_EUNSUPPORTED,
				 "domain: Xen %u.%u is not supported (4.17 to 4.22)",
				 release >> 8, release & 0xff);
	d->xen_release = release;
	return 0;
}
