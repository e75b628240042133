/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/buf.c - a growable byte buffer with a sticky error, for emitters. */
#include <stdio.h>

#include "internal.h"

void dtg_buf_init(struct dtg_buf *b, dtg_ctx *ctx)
{
	memset(b, 0, sizeof(*b));
	b->ctx = ctx;
}

void dtg_buf_put(struct dtg_buf *b, const void *p, size_t n)
{
	if (b->err)
		return;
	if (b->len + n + 1 > b->cap) {
		void *d = b->data;
		b->err = dtg_grow(b->ctx, &d, &b->cap, b->len + n + 1, 1);
		b->data = d;
		if (b->err)
			return;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void dtg_buf_puts(struct dtg_buf *b, const char *s)
{
	dtg_buf_put(b, s, strlen(s));
}

void dtg_buf_printf(struct dtg_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	if (b->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = dtg_error(b->ctx, DTG_EINVAL, "bad format");
		return;
	}
	if ((size_t)n < sizeof(small)) {
		dtg_buf_put(b, small, (size_t)n);
		return;
	}
	if (b->len + (size_t)n + 1 > b->cap) {
		void *d = b->data;
		b->err = dtg_grow(b->ctx, &d, &b->cap, b->len + (size_t)n + 1, 1);
		b->data = d;
		if (b->err)
			return;
	}
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void dtg_buf_release(struct dtg_buf *b)
{
	dtg_free(b->ctx, b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

