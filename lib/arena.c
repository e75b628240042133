/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/arena.c - a bump allocator: finalize allocates every decision from
 * the domain's arena, so a finalized domain is freed in one go and an
 * emitter never has to own memory.
 */
#include "domain-internal.h"

#define ARENA_BLOCK 16384

struct dtg_arena_block {
	struct dtg_arena_block *next;
	size_t used, size;
	_Alignas(8) unsigned char data[];
};

void *dtg_arena_alloc(struct dtg_arena *a, size_t size)
{
	struct dtg_arena_block *b = a->head;
	void *p;

	size = (size + 7) & ~(size_t)7;
	if (!b || b->size - b->used < size) {
		size_t bsize = size > ARENA_BLOCK ? size : ARENA_BLOCK;

		b = dtg_alloc(a->ctx, sizeof(*b) + bsize);
		if (!b) {
			dtg_error(a->ctx, DTG_ENOMEM, "out of memory");
			return NULL;
		}
		b->used = 0;
		b->size = bsize;
		b->next = a->head;
		a->head = b;
	}
	p = b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

char *dtg_arena_strdup(struct dtg_arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = dtg_arena_alloc(a, n);

	if (p)
		memcpy(p, s, n);
	return p;
}

void dtg_arena_free_all(struct dtg_arena *a)
{
	while (a->head) {
		struct dtg_arena_block *b = a->head;

		a->head = b->next;
		dtg_free(a->ctx, b);
	}
}
