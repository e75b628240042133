/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/blob-check.c - libdtgen's own bounded check of an untrusted DTB.
 *
 * Why our own check rather than a guard around libfdt's fdt_check_full:
 * the libfdt we link (Debian 12: 1.6.1) cannot be trusted with hostile
 * blobs.  Its fdt_check_full segfaults on header versions below 16 (the
 * pre-v16 name and alignment rules), and it loops forever on a property
 * whose length wraps fdt_next_tag's offset back onto the tag itself
 * (len 0xfffffff4: next offset == this offset).  A library cannot guard a
 * call with a timeout or a child process (libxl and hypervisor toolstacks
 * link it; no fork, no signals, no threads of our own), and the loop lives
 * inside libfdt where no step counter can reach.  So the whole blob is
 * checked here first by one linear pass in which every step advances by at
 * least one tag (4 bytes) inside bounds we computed: the work is at most
 * size / 4 steps, whatever the bytes say.  Once a blob passes, every libfdt
 * walk of it advances too.
 *
 * fdt_check_full is not run after this pass: everything it checks, this
 * pass checks as strictly or more (a second walk of every DTB cost as much
 * again as this one: 0.7 M instructions of `dtgen partial`'s 8.5 M):
 *   header: magic, version (2..17 there, 16..17 here), last_comp_version
 *     (at most 17 there, at most version here), totalsize (header..INT_MAX,
 *     not past the buffer), the reservation map and both blocks inside
 *     totalsize (here also aligned and not overlapping), the blob 8-byte
 *     aligned (libfdt's FDT_ERR_ALIGNMENT);
 *   reservations: fdt_num_mem_rsv stops at the first entry of size 0
 *     inside totalsize; here an all-zero entry inside totalsize is needed;
 *   tags: every tag one of the five (its FDT_ERR_BADSTRUCTURE), inside the
 *     structure block with its payload (fdt_next_tag's fdt_offset_ptr
 *     bound), here with the padding too;
 *   node names: NUL-terminated inside the block (fdt_next_tag); here also
 *     an empty root name and no other empty name;
 *   nesting: END_NODE never below depth 0 and depth 0 at FDT_END; here
 *     also exactly one root, nothing after it, depth bounded;
 *   properties: the length inside the block (fdt_next_tag), the name
 *     offset a NUL-terminated string inside the strings block
 *     (fdt_getprop_by_offset's fdt_get_string; for version 16 libfdt
 *     allows up to totalsize, here size_dt_strings bounds it), and never
 *     outside a node (libfdt does not check that).
 * tests/check_blob.c breaks the header and structure rules one by one.
 */
#include <stdio.h>

#include <libfdt.h>

#include "internal.h"
#include "blob-check.h"

/* libfdt's header sizes: v16 ends with size_dt_strings (9 words), v17
 * adds size_dt_struct (10 words). */
#define HDR_V16_SIZE ((uint32_t)FDT_V16_SIZE)   /* 36 */
#define HDR_V17_SIZE ((uint32_t)FDT_V17_SIZE)   /* 40 */
#define HDR_MIN_READ 28u   /* enough to read version and last_comp_version */

struct walk {
	dtg_ctx *ctx;
	const char *name;
	const uint8_t *b;
	uint32_t sbase, ssize;     /* structure block */
	uint32_t strbase, strsize; /* strings block */
	char path[256];
	size_t plen[DTG_BLOB_MAX_DEPTH + 1];
	unsigned depth;
};

static uint32_t hdr(const uint8_t *b, unsigned word)
{
	return dtg_be32(b + 4 * word);
}

/* Error at a structure offset, naming the node being read. */
DTG_PRINTF(3, 4)
static int bad(struct walk *w, uint32_t off, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return dtg_error(w->ctx, DTG_EBADDTB,
			 "%s: %s: structure block offset 0x%x: %s (not a valid device tree blob)",
			 w->name, w->depth ? (w->path[0] ? w->path : "/") : "/",
			 off, what);
}

/* Enter a node: append "/name" to the path (truncated, still NUL-ended). */
static void path_push(struct walk *w, const char *n, size_t len)
{
	size_t at = w->depth ? w->plen[w->depth - 1] : 0;

	if (w->depth == 0) {
		w->path[0] = '\0';
		w->plen[0] = 0;
		return;
	}
	if (at + 1 + len < sizeof(w->path)) {
		w->path[at] = '/';
		memcpy(w->path + at + 1, n, len);
		at += 1 + len;
	}
	w->path[at] = '\0';
	w->plen[w->depth] = at;
}

/* A string inside [base, base + size): its length, or -1 if unterminated. */
static long str_len(const uint8_t *b, uint32_t base, uint32_t size,
		    uint32_t off)
{
	const uint8_t *p, *nul;

	if (off >= size)
		return -1;
	p = b + base + off;
	nul = memchr(p, '\0', size - off);
	return nul ? (long)(nul - p) : -1;
}

/*
 * The structure block, one pass.  Each iteration consumes the tag word
 * and more, all inside [sbase, sbase + ssize), so it ends within ssize/4
 * iterations.  *end is the offset just past FDT_END.
 */
static int walk_struct(struct walk *w, uint32_t *end)
{
	uint32_t off = 0;
	bool root_done = false;

	for (;;) {
		uint32_t tag, at = off;
		long len;

		if (w->ssize - off < 4)
			return bad(w, at, "ends without FDT_END");
		tag = dtg_be32(w->b + w->sbase + off);
		off += 4;
		if (root_done && tag != FDT_END)
			return bad(w, at, "tag 0x%x after the root node's end", tag);
		switch (tag) {
		case FDT_BEGIN_NODE:
			len = str_len(w->b, w->sbase, w->ssize, off);
			if (len < 0)
				return bad(w, at, "node name runs past the block's end");
			if (w->depth == 0 && len != 0)
				return bad(w, at, "the root node's name is not empty");
			if (w->depth > 0 && len == 0)
				return bad(w, at, "a node with an empty name");
			if (w->depth >= DTG_BLOB_MAX_DEPTH)
				return bad(w, at, "nodes nested deeper than %d",
					   DTG_BLOB_MAX_DEPTH);
			path_push(w, (const char *)w->b + w->sbase + off, (size_t)len);
			w->depth++;
			off += (uint32_t)len + 1;
			break;
		case FDT_END_NODE:
			if (w->depth == 0)
				return bad(w, at, "FDT_END_NODE outside any node");
			w->depth--;
			if (w->depth) {
				size_t cut = w->plen[w->depth - 1];
				w->path[cut] = '\0';
			}
			if (w->depth == 0)
				root_done = true;
			break;
		case FDT_PROP: {
			uint32_t plen, nameoff;

			if (w->depth == 0)
				return bad(w, at, "a property outside any node");
			if (w->ssize - off < 8)
				return bad(w, at, "property header runs past the block's end");
			plen = dtg_be32(w->b + w->sbase + off);
			nameoff = dtg_be32(w->b + w->sbase + off + 4);
			off += 8;
			if (str_len(w->b, w->strbase, w->strsize, nameoff) < 0)
				return bad(w, at, "property name offset %u is not a string inside the strings block (%u bytes)",
					   nameoff, w->strsize);
			if (plen > w->ssize - off)
				return bad(w, at, "%.64s: property length %u runs past the block's end (%u bytes left)",
					   (const char *)w->b + w->strbase + nameoff,
					   plen, w->ssize - off);
			off += plen;
			break;
		}
		case FDT_NOP:
			break;
		case FDT_END:
			if (w->depth != 0 || !root_done)
				return bad(w, at, "FDT_END before the root node is closed");
			*end = off;
			return 0;
		default:
			return bad(w, at, "unknown tag 0x%x", tag);
		}
		/* tags are 4-byte aligned: skip the padding (inside the block) */
		if (off & 3) {
			uint32_t pad = 4 - (off & 3);
			if (w->ssize - off < pad)
				return bad(w, at, "ends inside a tag's padding");
			off += pad;
		}
	}
}

/* Do [a, a + as) and [b, b + bs) share a byte? */
static bool overlap(uint64_t a, uint64_t as, uint64_t b, uint64_t bs)
{
	return as && bs && a < b + bs && b < a + as;
}

int dtg_blob_check(dtg_ctx *ctx, const void *blob, size_t size,
		   const char *name)
{
	const uint8_t *b = blob;
	uint32_t version, last, total, hsize, rsv, rsvend, send = 0;
	struct walk walk, *w = &walk;
	int r;

	if (!name)
		name = "(blob)";
	if (!blob)
		return dtg_error(ctx, DTG_EBADDTB, "%s: no blob", name);
	if (size < HDR_MIN_READ)
		return dtg_error(ctx, DTG_EBADDTB, "%s: %zu bytes is not a device tree blob (header: %u bytes)",
				 name, size, HDR_V17_SIZE);
	if (hdr(b, 0) != FDT_MAGIC)
		return dtg_error(ctx, DTG_EBADDTB, "%s: header: magic: 0x%08x is not 0x%08x (FDT_ERR_BADMAGIC)",
				 name, hdr(b, 0), FDT_MAGIC);
	version = hdr(b, 5);
	last = hdr(b, 6);
	/* Versions below 16 crash libfdt 1.6.1; above 17 we cannot check. */
	if (version != 16 && version != 17)
		return dtg_error(ctx, DTG_EBADDTB, "%s: header: version: %u is not supported (libdtgen reads versions 16 and 17; dtc writes 17)",
				 name, version);
	if (last > version)
		return dtg_error(ctx, DTG_EBADDTB, "%s: header: last_comp_version: %u is above version %u",
				 name, last, version);
	hsize = version >= 17 ? HDR_V17_SIZE : HDR_V16_SIZE;
	if (size < hsize)
		return dtg_error(ctx, DTG_EBADDTB, "%s: %zu bytes is shorter than a version %u header (%u bytes)",
				 name, size, version, hsize);
	total = hdr(b, 1);
	if (total > size)
		return dtg_error(ctx, DTG_EBADDTB, "%s: header: totalsize: %u bytes but only %zu bytes were read (FDT_ERR_TRUNCATED)",
				 name, total, size);
	if (total < hsize || total > INT32_MAX)
		return dtg_error(ctx, DTG_EBADDTB, "%s: header: totalsize: %u bytes is not a valid size",
				 name, total);
	/* libfdt reads the blob through aligned 32-bit and 64-bit loads */
	if ((uintptr_t)blob & 7)
		return dtg_error(ctx, DTG_EBADDTB, "%s: the blob is not at an 8-byte aligned address (FDT_ERR_ALIGNMENT)",
				 name);

	memset(w, 0, sizeof(*w));
	w->ctx = ctx;
	w->name = name;
	w->b = b;
	w->sbase = hdr(b, 2);
	w->strbase = hdr(b, 3);
	w->strsize = hdr(b, 8);
	rsv = hdr(b, 4);
	r = 0;

	if (w->sbase < hsize || w->sbase > total || (w->sbase & 3)) {
		r = dtg_error(ctx, DTG_EBADDTB, "%s: header: off_dt_struct: 0x%x is not a 4-byte aligned offset between the header (%u bytes) and totalsize (%u)",
			      name, w->sbase, hsize, total);
		goto out;
	}
	/* v16 has no size_dt_struct: the block may run up to totalsize */
	w->ssize = version >= 17 ? hdr(b, 9) : total - w->sbase;
	if ((uint64_t)w->sbase + w->ssize > total) {
		r = dtg_error(ctx, DTG_EBADDTB, "%s: header: size_dt_struct: %u bytes at 0x%x runs past totalsize (%u)",
			      name, w->ssize, w->sbase, total);
		goto out;
	}
	if (w->strbase < hsize || (uint64_t)w->strbase + w->strsize > total) {
		r = dtg_error(ctx, DTG_EBADDTB, "%s: header: off_dt_strings/size_dt_strings: %u bytes at 0x%x are not between the header (%u bytes) and totalsize (%u)",
			      name, w->strsize, w->strbase, hsize, total);
		goto out;
	}
	/* Reservations: 16-byte entries up to a (0, 0) one, 8-byte aligned. */
	if (rsv < hsize || rsv > total || (rsv & 7)) {
		r = dtg_error(ctx, DTG_EBADDTB, "%s: header: off_mem_rsvmap: 0x%x is not an 8-byte aligned offset between the header (%u bytes) and totalsize (%u)",
			      name, rsv, hsize, total);
		goto out;
	}
	for (rsvend = rsv; ; rsvend += 16) {
		if (total - rsvend < 16) {
			r = dtg_error(ctx, DTG_EBADDTB, "%s: memory reservation block: no terminating entry before totalsize (%u)",
				      name, total);
			goto out;
		}
		if (!memcmp(b + rsvend, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16)) {
			rsvend += 16;
			break;
		}
	}

	r = walk_struct(w, &send);
	if (r)
		goto out;
	if (version < 17)
		w->ssize = send;  /* the block is what the walk read */
	if (overlap(rsv, rsvend - rsv, w->sbase, w->ssize) ||
	    overlap(rsv, rsvend - rsv, w->strbase, w->strsize) ||
	    overlap(w->sbase, w->ssize, w->strbase, w->strsize)) {
		r = dtg_error(ctx, DTG_EBADDTB, "%s: header: blocks overlap (memory reservations 0x%x-0x%x, structure 0x%x+%u, strings 0x%x+%u)",
			      name, rsv, rsvend, w->sbase, w->ssize,
			      w->strbase, w->strsize);
		goto out;
	}
out:
	return r;
}
