/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/internal.h - what every libdtgen source file shares: the context's
 * layout, error reporting, allocation and a growable byte buffer.
 * Not installed.
 */
#ifndef DTG_INTERNAL_H
#define DTG_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <string.h>

#include <xendtgen/dtgen.h>

#define DTG_ERRMSG_MAX 512

struct dtg_ctx {
	struct dtg_alloc_ops mem;
	dtg_log_fn log;
	void *log_opaque;
	enum dtg_log_level log_min;
	unsigned warnings;
	char errmsg[DTG_ERRMSG_MAX];
};

#if defined(__GNUC__)
#define DTG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define DTG_PRINTF(f, a)
#endif

#define DTG_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Record an error: formats the message into ctx->errmsg, logs it, and
 * returns -code so callers can write `return dtg_error(ctx, ...)`.
 * ctx may be NULL (the code is still returned).
 */
int dtg_error(dtg_ctx *ctx, int code, const char *fmt, ...) DTG_PRINTF(3, 4);
int dtg_verror(dtg_ctx *ctx, int code, const char *fmt, va_list ap);

/* Log a warning/notice/debug line (counts warnings). */
void dtg_log(dtg_ctx *ctx, enum dtg_log_level lvl, const char *fmt, ...)
	DTG_PRINTF(3, 4);

/* Allocation through the context's hooks; NULL ctx means malloc. */
void *dtg_alloc(dtg_ctx *ctx, size_t size);
void *dtg_zalloc(dtg_ctx *ctx, size_t size);
void *dtg_realloc(dtg_ctx *ctx, void *ptr, size_t size);
/* Grow an array to hold at least n elements of esz bytes (doubling). */
int dtg_grow(dtg_ctx *ctx, void **arr, size_t *cap, size_t n, size_t esz);
char *dtg_strdup(dtg_ctx *ctx, const char *s);
char *dtg_strndup(dtg_ctx *ctx, const char *s, size_t n);
/* free() is the public dtg_free(ctx, ptr). */

/* A growable byte buffer (for text and binary emitters). */
struct dtg_buf {
	dtg_ctx *ctx;
	char *data;
	size_t len, cap;
	int err;  /* sticky: first failure (-DTG_ENOMEM) */
};
void dtg_buf_init(struct dtg_buf *b, dtg_ctx *ctx);
void dtg_buf_put(struct dtg_buf *b, const void *p, size_t n);
void dtg_buf_puts(struct dtg_buf *b, const char *s);
void dtg_buf_printf(struct dtg_buf *b, const char *fmt, ...) DTG_PRINTF(2, 3);
void dtg_buf_release(struct dtg_buf *b);
/*
 * Hand the buffer's bytes to the caller: copy into (out, size) and set
 * *needed; -DTG_ENOSPACE if it does not fit.  Releases the buffer.
 */

/* Big-endian cell helpers (device tree cells). */
static inline uint32_t dtg_be32(const void *p)
{
	const uint8_t *b = p;
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	       ((uint32_t)b[2] << 8) | b[3];
}

/* Read n (1 or 2) cells as one number. */
static inline uint64_t dtg_read_cells(const void *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = (v << 32) | dtg_be32((const uint8_t *)p + 4 * i);
	return v;
}

/* Little-endian stores, byte by byte (Xen ABI records; no struct casts). */
static inline void dtg_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void dtg_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void dtg_put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

#define DTG_PAGE_SIZE 0x1000ULL
#define DTG_PAGE_MASK (DTG_PAGE_SIZE - 1)

#endif /* DTG_INTERNAL_H */
