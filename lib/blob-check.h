/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/blob-check.h - the one gate every untrusted DTB passes before libfdt
 * walks it (host DTBs, user partial DTs, coprocessor descriptions).
 * Not installed.
 */
#ifndef DTG_BLOB_CHECK_H
#define DTG_BLOB_CHECK_H

#include <stddef.h>

#include <xendtgen/dtgen.h>

/* Deepest node nesting any untrusted DTB may have (recursive readers). */
#define DTG_BLOB_MAX_DEPTH 256

/*
 * Check that `blob` (size bytes, caller memory) is a DTB libdtgen reads:
 * header (magic, version 16 or 17, sizes, block offsets inside totalsize,
 * aligned and not overlapping), memory reservations terminated, and the
 * structure block walked once, bounded by its size: every tag inside it,
 * names and string references terminated, one root, nodes balanced, depth
 * at most DTG_BLOB_MAX_DEPTH: all that libfdt's fdt_check_full checks, and
 * more (see blob-check.c).  On failure: -DTG_EBADDTB and a message naming `name`,
 * the node (when known) and what is wrong.  A NULL ctx is allowed.
 */
int dtg_blob_check(dtg_ctx *ctx, const void *blob, size_t size,
		   const char *name);

#endif
