/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/domain-testutil.h - helpers of the domain tests: reading guest
 * nodes, and rendering a finalized domain's guest nodes into a complete
 * guest DT that dtc checks (independently of lib/fdt-*.c).
 */
#ifndef DTG_DOMAIN_TESTUTIL_H
#define DTG_DOMAIN_TESTUTIL_H

#include <xendtgen/domain.h>
#include "domain-internal.h"

/* A property of a guest node, or NULL. */
const struct dtg_gprop *tu_gprop(const struct dtg_gnode *g, const char *name);
/* A string property (asserts it exists and is terminated). */
const char *tu_gprop_str(const struct dtg_gnode *g, const char *name);
/* Cell i of a property (asserts it exists and is long enough). */
uint32_t tu_gprop_u32(const struct dtg_gnode *g, const char *name, size_t i);
/* A child of a guest node by name, or NULL. */
const struct dtg_gnode *tu_gchild(const struct dtg_gnode *g, const char *name);

/*
 * Render d's guest nodes under /passthrough of a minimal guest DT (root
 * 2/2 cells, a GIC with phandle 65000), check it with fdt_check_full and
 * dtc (tu_check_dtb), check that every phandle a known phandle property
 * holds exists in it and that phandles are unique and below 65000.
 * Returns the decompiled source (free()).
 */
char *tu_check_domain_dt(const dtg_domain *d);

#endif
