/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/plan-internal.h - one walk over a finalized domain's domctl plan,
 * shared by the plan's renderings (records, executor, encoder, text/JSON).
 * Not installed.
 */
#ifndef DTG_PLAN_INTERNAL_H
#define DTG_PLAN_INTERNAL_H

#include <xendtgen/domctl.h>

#include "domain-internal.h"

/* Called for each op in plan order; a negative return stops the walk. */
typedef int (*dtg_plan_visit_fn)(void *opaque, size_t index,
				 const struct dtg_op *op);

/*
 * Walk the plan of finalized domain d (fn may be NULL to count only).
 * Returns 0 and sets *count (if not NULL) to the number of ops, or the
 * first negative value fn returned, or -DTG_ESTATE if d is not final.
 */
int dtg_plan_walk(const dtg_domain *d, const char *what,
		  dtg_plan_visit_fn fn, void *opaque, size_t *count);

/* Host path of the device an op belongs to. */
static inline const char *dtg_plan_op_device(const dtg_domain *d,
					     const struct dtg_op *op)
{
	return d->pt[op->device].host_path;
}

/* An op's arguments as text ("first_mfn=0x9010 nr_mfns=0x1 allow=1"). */
void dtg_plan_op_args(struct dtg_buf *b, const struct dtg_op *op);

#endif /* DTG_PLAN_INTERNAL_H */
