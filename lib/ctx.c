/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/ctx.c - the context: allocator hooks, log hook, last error. */
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

static void *default_alloc(void *opaque, size_t size)
{
	(void)opaque;
	return malloc(size ? size : 1);
}

static void *default_realloc(void *opaque, void *ptr, size_t size)
{
	(void)opaque;
	return realloc(ptr, size ? size : 1);
}

static void default_free(void *opaque, void *ptr)
{
	(void)opaque;
	free(ptr);
}

static const struct dtg_alloc_ops default_ops = {
	default_alloc, default_realloc, default_free, NULL,
};

int dtg_ctx_new(dtg_ctx **out, const struct dtg_alloc_ops *ops)
{
	dtg_ctx *ctx;

	if (!out)
		return -DTG_EINVAL;
	*out = NULL;
	if (!ops)
		ops = &default_ops;
	if (!ops->alloc || !ops->realloc || !ops->free)
		return -DTG_EINVAL;
	ctx = ops->alloc(ops->opaque, sizeof(*ctx));
	if (!ctx)
		return -DTG_ENOMEM;
	memset(ctx, 0, sizeof(*ctx));
	ctx->mem = *ops;
	ctx->log_min = DTG_LOG_WARN;
	*out = ctx;
	return 0;
}

void dtg_ctx_free(dtg_ctx *ctx)
{
	if (ctx)
		ctx->mem.free(ctx->mem.opaque, ctx);
}

void dtg_ctx_set_log(dtg_ctx *ctx, dtg_log_fn fn, void *opaque,
		     enum dtg_log_level min)
{
	ctx->log = fn;
	ctx->log_opaque = opaque;
	ctx->log_min = min;
}

const char *dtg_last_error(const dtg_ctx *ctx)
{
	return ctx ? ctx->errmsg : "";
}

unsigned dtg_warning_count(const dtg_ctx *ctx)
{
	return ctx ? ctx->warnings : 0;
}

int dtg_verror(dtg_ctx *ctx, int code, const char *fmt, va_list ap)
{
	if (code < 0)
		code = -code;
	if (ctx) {
		vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, ap);
		if (ctx->log)
			ctx->log(ctx->log_opaque, DTG_LOG_ERROR, ctx->errmsg);
	}
	return -code;
}

int dtg_error(dtg_ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = dtg_verror(ctx, code, fmt, ap);
	va_end(ap);
	return r;
}

void dtg_log(dtg_ctx *ctx, enum dtg_log_level lvl, const char *fmt, ...)
{
	char msg[DTG_ERRMSG_MAX];
	va_list ap;

	if (!ctx)
		return;
	if (lvl == DTG_LOG_WARN)
		ctx->warnings++;
	if (!ctx->log || lvl > ctx->log_min)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx->log(ctx->log_opaque, lvl, msg);
}

void *dtg_alloc(dtg_ctx *ctx, size_t size)
{
	if (!ctx)
		return malloc(size ? size : 1);
	return ctx->mem.alloc(ctx->mem.opaque, size);
}

void *dtg_zalloc(dtg_ctx *ctx, size_t size)
{
	void *p = dtg_alloc(ctx, size);

	if (p)
		memset(p, 0, size);
	return p;
}

void *dtg_realloc(dtg_ctx *ctx, void *ptr, size_t size)
{
	if (!ctx)
		return realloc(ptr, size ? size : 1);
	return ctx->mem.realloc(ctx->mem.opaque, ptr, size);
}

void dtg_free(dtg_ctx *ctx, void *ptr)
{
	if (!ptr)
		return;
	if (!ctx)
		free(ptr);
	else
		ctx->mem.free(ctx->mem.opaque, ptr);
}

int dtg_grow(dtg_ctx *ctx, void **arr, size_t *cap, size_t n, size_t esz)
{
	size_t ncap;
	void *p;

	if (n <= *cap)
		return 0;
	ncap = *cap ? *cap : 8;
	while (ncap < n) {
		if (ncap > SIZE_MAX / 2 / esz)
			return dtg_error(ctx, DTG_ENOMEM, "allocation too large");
		ncap *= 2;
	}
	p = dtg_realloc(ctx, *arr, ncap * esz);
	if (!p)
		return dtg_error(ctx, DTG_ENOMEM, "out of memory");
	*arr = p;
	*cap = ncap;
	return 0;
}

char *dtg_strndup(dtg_ctx *ctx, const char *s, size_t n)
{
	char *p = dtg_alloc(ctx, n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *dtg_strdup(dtg_ctx *ctx, const char *s)
{
	return dtg_strndup(ctx, s, strlen(s));
}

const char *dtg_version(void)
{
#define DTG_STR2(x) #x
#define DTG_STR(x) DTG_STR2(x)
	return DTG_STR(DTG_VERSION_MAJOR) "." DTG_STR(DTG_VERSION_MINOR) "."
	       DTG_STR(DTG_VERSION_PATCH);
}

const char *dtg_strerror(int err)
{
	static const char *const msgs[DTG_ERROR_MAX] = {
		[DTG_OK] = "success",
		[DTG_ENOMEM] = "out of memory",
		[DTG_EINVAL] = "invalid argument or description",
		[DTG_EBADDTB] = "invalid device tree blob",
		[DTG_ENOTFOUND] = "not found",
		[DTG_ENOSPACE] = "buffer too small",
		[DTG_ECELLS] = "cell count mismatch",
		[DTG_ERANGE] = "value out of range",
		[DTG_EOVERLAP] = "overlapping ranges or resources",
		[DTG_EDUPLICATE] = "duplicate",
		[DTG_ELOOP] = "reference cycle",
		[DTG_EUNSUPPORTED] = "not supported",
		[DTG_ECONFIG] = "malformed configuration",
		[DTG_ESTATE] = "wrong object state",
		[DTG_ECALLBACK] = "callback failed",
	};

	if (err < 0)
		err = -err;
	if (err >= DTG_ERROR_MAX || !msgs[err])
		return "unknown error";
	return msgs[err];
}
