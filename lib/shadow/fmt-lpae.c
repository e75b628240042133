/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/shadow/fmt-lpae.c - ARMv8 VMSA stage 1, 4 KiB granule: 512 x 8 B
 * entries per level; table (11) at levels 0-2, block (01) at levels 1-2
 * (1 GiB, 2 MiB), page (11) at level 3.  The contiguous hint (bit 52) marks
 * 16 aligned entries mapping one contiguous, uniformly attributed range.
 * Leaf attributes are bits [11:2] and [63:53]; both live in the same place
 * at every level, so a split keeps them as they are.
 */
#include "internal.h"

#define OA_MASK    0x0000FFFFFFFFF000ull
#define CONT       (1ull << 52)
#define LEAF_ATTR  0xFFE0000000000FFCull
#define TABLE_ATTR 0xFFF0000000000FFCull

static void lpae_decode(const struct dtg_shadow_format *f, unsigned level,
			const void *tbl, unsigned idx, struct dtg_shadow_pte *p)
{
	uint64_t d = ((const dtg_shadow_u64a *)tbl)[idx];
	unsigned arch = f->arch_base + level;

	p->type = DTG_SHADOW_PTE_INVALID;
	p->group = false;
	p->from_leaf = false;
	p->addr = 0;
	p->attrs = 0;
	if (!(d & 1))
		return;
	if ((d & 2) && arch < 3) {
		p->type = DTG_SHADOW_PTE_TABLE;
		p->addr = d & OA_MASK;
		p->attrs = d & TABLE_ATTR;
		return;
	}
	if ((d & 2) || arch == 1 || arch == 2) {
		p->type = DTG_SHADOW_PTE_LEAF;
		p->addr = d & OA_MASK & ~(((uint64_t)1 << f->shift[level]) - 1);
		p->attrs = d & LEAF_ATTR;
		p->group = (d & CONT) != 0;
	}
}

static void lpae_encode(const struct dtg_shadow_format *f, unsigned level,
			void *tbl, unsigned idx, const struct dtg_shadow_pte *p)
{
	unsigned arch = f->arch_base + level;
	uint64_t d = 0;

	if (p->type == DTG_SHADOW_PTE_TABLE)
		d = (p->addr & OA_MASK) | (p->from_leaf ? 0 : p->attrs & TABLE_ATTR) | 3;
	else if (p->type == DTG_SHADOW_PTE_LEAF)
		d = (p->addr & OA_MASK) | (p->attrs & LEAF_ATTR) | (p->group ? CONT : 0) |
		    (arch == 3 ? 3 : 1);
	((dtg_shadow_u64a *)tbl)[idx] = d;
}

/* Plain blocks/pages moved by delta: d + delta moves the output address
 * (the engine keeps the result inside 48 bits) and keeps every other bit. */
static unsigned lpae_relocate(const struct dtg_shadow_format *f, unsigned level,
			      const void *g, void *s, unsigned n, uint64_t lo,
			      uint64_t hi, uint64_t delta)
{
	const dtg_shadow_u64a *gw = g;
	dtg_shadow_u64a *sw = s;
	unsigned arch = f->arch_base + level;
	uint64_t span = (uint64_t)1 << f->shift[level], room;
	uint64_t tval = arch == 3 ? 3 : 1;
	uint64_t amask = OA_MASK & ~(span - 1);
	unsigned i;

	if ((arch != 3 && arch != 1 && arch != 2) || hi - lo < span)
		return 0;
	room = hi - lo - span;
	/* Whole groups first, without early exit, so the loops vectorise. */
	for (i = 0; i + DTG_SHADOW_GROUP <= n; i += DTG_SHADOW_GROUP) {
		uint64_t v[DTG_SHADOW_GROUP], bad = 0;

		/* pointers, not unsigned i + j, so GCC sees contiguous loads */
		const dtg_shadow_u64a *gp = gw + i;
		dtg_shadow_u64a *sp = sw + i;

		for (unsigned j = 0; j < DTG_SHADOW_GROUP; j++)
			v[j] = gp[j];
		for (unsigned j = 0; j < DTG_SHADOW_GROUP; j++)
			bad |= ((v[j] & (CONT | 3)) ^ tval) |
			       (0 - (uint64_t)((v[j] & amask) - lo > room));
		if (bad)
			break;
		for (unsigned j = 0; j < DTG_SHADOW_GROUP; j++)
			sp[j] = v[j] + delta;
	}
	for (; i < n; i++) {
		uint64_t d = gw[i];

		if ((d & (CONT | 3)) != tval || (d & amask) - lo > room)
			break;
		sw[i] = d + delta;
	}
	return i;
}

static unsigned lpae_skip_invalid(const struct dtg_shadow_format *f, unsigned level,
				  const void *g, void *s, unsigned n)
{
	const dtg_shadow_u64a *gw = g;
	dtg_shadow_u64a *sw = s;
	unsigned i;

	(void)f;
	(void)level;
	for (i = 0; i < n && !(gw[i] & 1); i++)
		sw[i] = 0;
	return i;
}

static const struct dtg_shadow_format fmt_lpae = {
	.name = "lpae",
	.levels = 3,
	.esize = 8,
	.shift = { 30, 21, 12 },
	.nent = { 512, 512, 512 },
	.leaf_levels = 0x7,
	.group_levels = 0x7,
	.oa_bits = 48,
	.arch_base = 1,
	.decode = lpae_decode,
	.encode = lpae_encode,
	.relocate = lpae_relocate,
	.skip_invalid = lpae_skip_invalid,
};

static const struct dtg_shadow_format fmt_lpae48 = {
	.name = "lpae48",
	.levels = 4,
	.esize = 8,
	.shift = { 39, 30, 21, 12 },
	.nent = { 512, 512, 512, 512 },
	.leaf_levels = 0xE,
	.group_levels = 0xE,
	.oa_bits = 48,
	.arch_base = 0,
	.decode = lpae_decode,
	.encode = lpae_encode,
	.relocate = lpae_relocate,
	.skip_invalid = lpae_skip_invalid,
};

const struct dtg_shadow_format *dtg_shadow_format_lpae(void)
{
	return &fmt_lpae;
}

const struct dtg_shadow_format *dtg_shadow_format_lpae48(void)
{
	return &fmt_lpae48;
}
