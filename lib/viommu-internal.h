/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/viommu-internal.h - what the vIOMMU files share (binder rows, the
 * domain's vIOMMU state).  Not installed.
 */
#ifndef DTG_VIOMMU_INTERNAL_H
#define DTG_VIOMMU_INTERNAL_H

#include <xendtgen/viommu.h>

#include "internal.h"

/* True if row i is the first of the rows naming the same physical IDs. */
bool dtg_vbind_row_is_first(const dtg_vbind *b, size_t i);

/*
 * The proposed-ABI operations of a vIOMMU config and its binder (b may be
 * NULL) under profile abi (viommu-abi.c); *n is the total.
 */
int dtg_viommu_profile_ops(dtg_ctx *ctx, const char *name,
			   const struct dtg_viommu_config *cfg,
			   const dtg_vbind *b, enum dtg_viommu_abi abi,
			   struct dtg_viommu_op *ops, size_t cap, size_t *n);

#endif /* DTG_VIOMMU_INTERNAL_H */
