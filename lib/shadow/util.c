/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/shadow/util.c - the few memory helpers the engine needs, so that it
 * calls no libc.  The library is built with -fno-builtin and
 * -fno-tree-loop-distribute-patterns so GCC does not turn these loops back
 * into memset/memcpy calls.
 */
#include "internal.h"

void dtg_shadow_memset(void *d, int c, size_t n)
{
	unsigned char *p = d;

	if ((((uintptr_t)d | n) & 7) == 0) {
		uint64_t v = 0x0101010101010101ull * (unsigned char)c;
		dtg_shadow_u64a *q = d;

		for (size_t i = 0; i < n / 8; i++)
			q[i] = v;
		return;
	}
	while (n--)
		*p++ = (unsigned char)c;
}

void dtg_shadow_memcpy(void *d, const void *s, size_t n)
{
	/* Tables and snapshots are 8-byte aligned and multiples of 64 bytes. */
	if ((((uintptr_t)d | (uintptr_t)s | n) & 7) == 0) {
		dtg_shadow_u64a *dq = d;
		const dtg_shadow_u64a *sq = s;

		for (size_t i = 0; i < n / 8; i++)
			dq[i] = sq[i];
		return;
	}
	unsigned char *dp = d;
	const unsigned char *sp = s;

	while (n--)
		*dp++ = *sp++;
}

/* Equality only (no ordering).  The inner OR-reductions have no early
 * exit, so they vectorise; this is the resync hot loop.  256 bytes per
 * test while possible, then 64. */
bool dtg_shadow_memeq(const void *a, const void *b, size_t n)
{
	const dtg_shadow_u64a *x = a, *y = b;
	size_t i = 0, w = n / 8;

	for (; i + 32 <= w; i += 32) {
		const dtg_shadow_u64a *xp = x + i, *yp = y + i;
		uint64_t acc = 0;

		for (unsigned j = 0; j < 32; j++)
			acc |= xp[j] ^ yp[j];
		if (acc)
			return false;
	}
	for (; i < w; i += 8) {
		const dtg_shadow_u64a *xp = x + i, *yp = y + i;
		uint64_t acc = 0;

		for (unsigned j = 0; j < 8; j++)
			acc |= xp[j] ^ yp[j];
		if (acc)
			return false;
	}
	return true;
}
