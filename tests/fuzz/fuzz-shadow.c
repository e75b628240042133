/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * tests/fuzz/fuzz-shadow.c - the shadow engine on hostile guest page
 * tables.  The input is a small guest RAM image (at most RAM_SIZE bytes,
 * the root table at its start) after one control byte:
 *   bits 0-1: format (OMAP, LPAE, LPAE 48-bit);
 *   bit 2:    the p2m reports extents only to each page's end (allowed by
 *             shadow.h, the costly case) instead of to the window's end;
 *   bit 3:    a map callback is given (resync compares in place);
 *   bit 4:    every 7th allocation fails.
 * Only a small IPA window around the RAM is mapped, and holes report their
 * length, so the work per input stays small whatever the tables say.
 * Then: sync, lookups, a guest edit with resync of the page and of the
 * whole tree, an invalidation, a second sync and destroy.  Every shadow
 * table the engine allocates must be freed (LeakSanitizer checks).
 */
#include <stdlib.h>
#include <string.h>

#include <xendtgen/shadow.h>

#include "fuzz.h"

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (16u << 10)        /* 16 KiB: a few tables at most */
#define WIN_SIZE (256u << 10)       /* IPA window the p2m maps */
#define MA_OFFSET 0x20000000ull     /* MA = IPA + offset (below 4 GiB) */
#define IPA_TOP (1ull << 52)
#define PAGE 4096u

struct world {
	uint8_t ram[RAM_SIZE];
	unsigned flags;
	unsigned long nalloc;
	uint64_t ma_next;
	long live;
};

static int cb_read(void *o, uint64_t ipa, void *buf, size_t len)
{
	struct world *w = o;

	if (ipa < RAM_BASE || ipa - RAM_BASE > RAM_SIZE ||
	    len > RAM_SIZE - (ipa - RAM_BASE))
		return -DTG_SHADOW_EINVAL;
	memcpy(buf, w->ram + (ipa - RAM_BASE), len);
	return 0;
}

static const void *cb_map(void *o, uint64_t ipa, size_t len)
{
	struct world *w = o;

	if (!(w->flags & 8) || ipa < RAM_BASE || ipa - RAM_BASE > RAM_SIZE ||
	    len > RAM_SIZE - (ipa - RAM_BASE))
		return NULL;
	return w->ram + (ipa - RAM_BASE);
}

static void cb_unmap(void *o, const void *p, size_t len)
{
	(void)o; (void)p; (void)len;
}

static int cb_p2m(void *o, uint64_t ipa, uint64_t *ma, uint64_t *len)
{
	struct world *w = o;

	if (ipa < RAM_BASE) {
		*len = RAM_BASE - ipa;
		return -DTG_SHADOW_ENOENT;
	}
	if (ipa - RAM_BASE >= WIN_SIZE) {
		*len = ipa < IPA_TOP ? IPA_TOP - ipa : PAGE;
		return -DTG_SHADOW_ENOENT;
	}
	*ma = ipa + MA_OFFSET;
	*len = (w->flags & 4) ? PAGE - (ipa % PAGE) : RAM_BASE + WIN_SIZE - ipa;
	return 0;
}

static void *cb_alloc(void *o, size_t size, size_t align, unsigned flags,
		      uint64_t *ma)
{
	struct world *w = o;
	void *p;

	if ((w->flags & 16) && ++w->nalloc % 7 == 0)
		return NULL;
	if (align < sizeof(void *))
		align = sizeof(void *);
	p = aligned_alloc(align, (size + align - 1) / align * align);
	if (!p)
		return NULL;
	if (flags & DTG_SHADOW_ALLOC_TABLE) {
		memset(p, 0xA5, size);   /* the engine must write every entry */
		w->ma_next = (w->ma_next + align - 1) & ~(uint64_t)(align - 1);
		*ma = w->ma_next;
		w->ma_next += size;
	}
	w->live++;
	return p;
}

static void cb_free(void *o, void *p, size_t size, unsigned flags)
{
	struct world *w = o;

	(void)size; (void)flags;
	w->live--;
	free(p);
}

static void cb_clean(void *o, const void *p, size_t len)
{
	(void)o; (void)p; (void)len;
}

static void cb_flush(void *o, uint64_t root)
{
	(void)o; (void)root;
}

static void cb_fault(void *o, const struct dtg_shadow_fault *f)
{
	(void)o; (void)f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct dtg_shadow_callbacks cb = {
		.read = cb_read, .map = cb_map, .unmap = cb_unmap,
		.p2m = cb_p2m, .alloc = cb_alloc, .free = cb_free,
		.clean = cb_clean, .flush_tlb = cb_flush, .fault = cb_fault,
	};
	const struct dtg_shadow_format *fmts[] = {
		dtg_shadow_format_omap(), dtg_shadow_format_lpae(),
		dtg_shadow_format_lpae48(), dtg_shadow_format_lpae(),
	};
	struct dtg_shadow *e;
	struct world *w;
	uint64_t ma, desc, page;
	size_t n;

	if (size < 1)
		return 0;
	w = calloc(1, sizeof(*w));
	if (!w)
		abort();
	w->flags = data[0];
	w->ma_next = 0x80000000ull;  /* shadow tables below 4 GiB (OMAP) */
	n = size - 1 < RAM_SIZE ? size - 1 : RAM_SIZE;
	memcpy(w->ram, data + 1, n);
	if (dtg_shadow_create(&e, fmts[data[0] & 3], &cb, w)) {
		free(w);
		return 0;
	}
	dtg_shadow_sync(e, RAM_BASE);
	/* lookups at IOVAs the image names (its first words) */
	for (size_t i = 0; i + 8 <= n && i < 64; i += 8) {
		uint64_t iova;

		memcpy(&iova, w->ram + i, 8);
		dtg_shadow_lookup(e, iova, &ma, &desc);
		dtg_shadow_lookup(e, (uint32_t)iova, &ma, &desc);
	}
	/* the guest edits its tables: flip the words at the image's end */
	if (n >= 16) {
		for (size_t i = 0; i < 8; i++)
			w->ram[i * (n / 8)] ^= data[n - i];
		page = RAM_BASE;
		dtg_shadow_resync_pages(e, &page, 1);
		dtg_shadow_resync_entries(e, &page, 1);
		dtg_shadow_resync(e);
		dtg_shadow_invalidate(e, RAM_BASE, PAGE);
	}
	dtg_shadow_sync(e, RAM_BASE + ((n / 2) & ~(uint64_t)(PAGE - 1)));
	dtg_shadow_destroy(e);
	if (w->live != 0)
		abort();  /* the engine leaked (or double-freed) memory */
	free(w);
	return 0;
}
