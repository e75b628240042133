/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/shadow/fmt-omap.c - ARMv7 short-descriptor format as used by the OMAP
 * IOMMU: 4096 x 4 B L1 (16 KiB), 256 x 4 B L2 (1 KiB).  L1: page-table
 * pointer (01), section (10) or supersection (10 with bit 18: 16 MiB, the
 * same entry replicated in 16 slots).  L2: large page (01, 64 KiB, replicated
 * 16 times) or small page (1x, 4 KiB).  32-bit output addresses.
 *
 * Leaf attributes are carried in the section layout (B, C, XN, domain,
 * IMP, AP, TEX, AP2, S, nG, NS) and moved to the page layouts on encode.
 * Supersection bits [23:20] and [8:5] (extended base address, unsupported
 * by a 32-bit MMU) are dropped.
 */
#include "internal.h"

#define L1_TABLE_ATTR   0x000003FCu          /* bits 9:2 of a table pointer */
#define SECT_ATTR       0x000BFFFCu          /* bits 17:2 and 19 */
#define SUPER_ATTR      (SECT_ATTR & ~0x1E0u)
#define SUPER_BIT       (1u << 18)
#define DOMAIN_IMP      0x000003E0u

static uint32_t bit(uint32_t v, unsigned from, unsigned width, unsigned to)
{
	return ((v >> from) & ((1u << width) - 1)) << to;
}

/* Page-layout attributes <-> section layout. */
static uint32_t small_to_sect(uint32_t d)
{
	return (d & 0xC) | bit(d, 0, 1, 4) | bit(d, 4, 2, 10) | bit(d, 6, 3, 12) |
	       bit(d, 9, 3, 15);
}

static uint32_t large_to_sect(uint32_t d)
{
	return (d & 0xC) | bit(d, 15, 1, 4) | bit(d, 4, 2, 10) | bit(d, 12, 3, 12) |
	       bit(d, 9, 3, 15);
}

static uint32_t sect_to_small(uint32_t c)
{
	return (c & 0xC) | bit(c, 4, 1, 0) | bit(c, 10, 2, 4) | bit(c, 12, 3, 6) |
	       bit(c, 15, 3, 9);
}

static uint32_t sect_to_large(uint32_t c)
{
	return (c & 0xC) | bit(c, 4, 1, 15) | bit(c, 10, 2, 4) | bit(c, 12, 3, 12) |
	       bit(c, 15, 3, 9);
}

static void omap_decode(const struct dtg_shadow_format *f, unsigned level,
			const void *tbl, unsigned idx, struct dtg_shadow_pte *p)
{
	uint32_t d = ((const dtg_shadow_u32a *)tbl)[idx];

	(void)f;
	p->type = DTG_SHADOW_PTE_INVALID;
	p->group = false;
	p->from_leaf = false;
	p->addr = 0;
	p->attrs = 0;
	if (level == 0) {
		if ((d & 3) == 1) {
			p->type = DTG_SHADOW_PTE_TABLE;
			p->addr = d & 0xFFFFFC00u;
			p->attrs = d & L1_TABLE_ATTR;
		} else if ((d & 3) == 2 && (d & SUPER_BIT)) {
			p->type = DTG_SHADOW_PTE_LEAF;
			p->group = true;
			p->addr = (d & 0xFF000000u) + ((uint32_t)(idx & 15) << 20);
			p->attrs = d & SUPER_ATTR;
		} else if ((d & 3) == 2) {
			p->type = DTG_SHADOW_PTE_LEAF;
			p->addr = d & 0xFFF00000u;
			p->attrs = d & SECT_ATTR;
		}
		return;
	}
	if (d & 2) {
		p->type = DTG_SHADOW_PTE_LEAF;
		p->addr = d & 0xFFFFF000u;
		p->attrs = small_to_sect(d);
	} else if (d & 1) {
		p->type = DTG_SHADOW_PTE_LEAF;
		p->group = true;
		p->addr = (d & 0xFFFF0000u) + ((uint32_t)(idx & 15) << 12);
		p->attrs = large_to_sect(d);
	}
}

static void omap_encode(const struct dtg_shadow_format *f, unsigned level,
			void *tbl, unsigned idx, const struct dtg_shadow_pte *p)
{
	uint32_t d = 0, a = (uint32_t)p->attrs, ma = (uint32_t)p->addr;

	(void)f;
	if (p->type == DTG_SHADOW_PTE_TABLE) {
		/* A split section's L2 pointer takes its NS, domain and IMP. */
		a = p->from_leaf ? bit(a, 19, 1, 3) | (a & DOMAIN_IMP) : a & L1_TABLE_ATTR;
		d = (ma & 0xFFFFFC00u) | a | 1;
	} else if (p->type == DTG_SHADOW_PTE_LEAF && level == 0) {
		if (p->group)
			d = (ma & 0xFF000000u) | (a & SUPER_ATTR) | SUPER_BIT | 2;
		else
			d = (ma & 0xFFF00000u) | (a & SECT_ATTR) | 2;
	} else if (p->type == DTG_SHADOW_PTE_LEAF) {
		if (p->group)
			d = (ma & 0xFFFF0000u) | sect_to_large(a) | 1;
		else
			d = (ma & 0xFFFFF000u) | sect_to_small(a) | 2;
	}
	((dtg_shadow_u32a *)tbl)[idx] = d;
}

/* Sections (L1) or small pages (L2) moved by delta: the address field is
 * the top of the word, so adding delta moves it and keeps the attributes. */
static unsigned omap_relocate(const struct dtg_shadow_format *f, unsigned level,
			      const void *g, void *s, unsigned n, uint64_t lo,
			      uint64_t hi, uint64_t delta)
{
	const dtg_shadow_u32a *gw = g;
	dtg_shadow_u32a *sw = s;
	uint32_t amask = level ? 0xFFFFF000u : 0xFFF00000u;
	uint32_t tmask = level ? 2u : (3u | SUPER_BIT);
	uint32_t tval = 2u;
	uint64_t span = (uint64_t)1 << f->shift[level], room;
	unsigned i;

	if (hi - lo < span || lo >> 32)
		return 0;
	/* 32-bit compare: d - lo wraps above room for d < lo */
	room = hi - lo - span;
	if (room > 0xFFFFFFFFull - lo)
		room = 0xFFFFFFFFull - lo;
	uint32_t lo32 = (uint32_t)lo, room32 = (uint32_t)room, d32 = (uint32_t)delta;

	/* Whole groups first, without early exit, so the loops vectorise. */
	for (i = 0; i + DTG_SHADOW_GROUP <= n; i += DTG_SHADOW_GROUP) {
		uint32_t v[DTG_SHADOW_GROUP], bad = 0;

		/* pointers, not unsigned i + j, so GCC sees contiguous loads */
		const dtg_shadow_u32a *gp = gw + i;
		dtg_shadow_u32a *sp = sw + i;

		for (unsigned j = 0; j < DTG_SHADOW_GROUP; j++)
			v[j] = gp[j];
		for (unsigned j = 0; j < DTG_SHADOW_GROUP; j++)
			bad |= ((v[j] & tmask) ^ tval) |
			       (0u - (uint32_t)((v[j] & amask) - lo32 > room32));
		if (bad)
			break;
		for (unsigned j = 0; j < DTG_SHADOW_GROUP; j++)
			sp[j] = v[j] + d32;
	}
	for (; i < n; i++) {
		uint32_t d = gw[i];

		if ((d & tmask) != tval || (d & amask) - lo32 > room32)
			break;
		sw[i] = d + d32;
	}
	return i;
}

static unsigned omap_skip_invalid(const struct dtg_shadow_format *f, unsigned level,
				  const void *g, void *s, unsigned n)
{
	const dtg_shadow_u32a *gw = g;
	dtg_shadow_u32a *sw = s;
	unsigned i;

	(void)f;
	/* L1 type 11 is reserved: invalid too; in L2 only x0 is invalid */
	for (i = 0; i < n && (level ? (gw[i] & 3) == 0 : (gw[i] & 3) != 1 && (gw[i] & 3) != 2); i++)
		sw[i] = 0;
	return i;
}

static const struct dtg_shadow_format fmt_omap = {
	.name = "omap",
	.levels = 2,
	.esize = 4,
	.shift = { 20, 12 },
	.nent = { 4096, 256 },
	.leaf_levels = 0x3,
	.group_levels = 0x3,
	.oa_bits = 32,
	.arch_base = 1,
	.decode = omap_decode,
	.encode = omap_encode,
	.relocate = omap_relocate,
	.skip_invalid = omap_skip_invalid,
};

const struct dtg_shadow_format *dtg_shadow_format_omap(void)
{
	return &fmt_omap;
}
