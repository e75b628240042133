/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * xendtgen/dtgen.h - libdtgen context, errors, version, allocator and log hooks.
 *
 * Every libdtgen object hangs off a dtg_ctx: the library has no global or
 * static mutable state, so threads that each own a context never interact.
 * Functions return 0 (or a non-negative count/index) on success and a
 * negative DTG_E* code on failure; the context then holds a message that
 * names the input, the node and the property, e.g.
 *   "zcu102.dtb: /axi/ethernet@ff0e0000: interrupts: 4 cells is not a
 *    multiple of #interrupt-cells (3)".
 */
#ifndef XENDTGEN_DTGEN_H
#define XENDTGEN_DTGEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DTG_VERSION_MAJOR 0
#define DTG_VERSION_MINOR 1
#define DTG_VERSION_PATCH 0

/* Error codes; functions return them negated (-DTG_EINVAL). */
enum dtg_error {
	DTG_OK = 0,
	DTG_ENOMEM,      /* an allocation failed */
	DTG_EINVAL,      /* bad argument or bad description */
	DTG_EBADDTB,     /* a DTB failed validation (fdt_check_full, bounds) */
	DTG_ENOTFOUND,   /* a path, phandle, name or key does not exist */
	DTG_ENOSPACE,    /* the caller's buffer is too small; *needed says how big */
	DTG_ECELLS,      /* a property's cell count does not fit its #*-cells */
	DTG_ERANGE,      /* a value is out of range (alignment, width, limits) */
	DTG_EOVERLAP,    /* two ranges or resources collide */
	DTG_EDUPLICATE,  /* a duplicate phandle, ID or device */
	DTG_ELOOP,       /* a reference cycle */
	DTG_EUNSUPPORTED,/* valid input that Xen or the library cannot handle */
	DTG_ECONFIG,     /* malformed configuration text */
	DTG_ESTATE,      /* wrong object state (e.g. not finalized) */
	DTG_ECALLBACK,   /* a caller's callback returned an error */
	DTG_ERROR_MAX
};

/* Short description of an error code (positive or negative); never NULL. */
const char *dtg_strerror(int err);

/* "MAJOR.MINOR.PATCH" of the library actually linked. */
const char *dtg_version(void);

/*
 * Allocator hooks (the idea of libacpi's mem_ops).  All three are required
 * when a struct is given; opaque is passed back unchanged.
 */
struct dtg_alloc_ops {
	void *(*alloc)(void *opaque, size_t size);
	void *(*realloc)(void *opaque, void *ptr, size_t size);
	void (*free)(void *opaque, void *ptr);
	void *opaque;
};

enum dtg_log_level {
	DTG_LOG_ERROR,   /* the operation fails */
	DTG_LOG_WARN,    /* something was dropped or adjusted; output is valid */
	DTG_LOG_NOTICE,  /* e.g. an unknown xl.cfg key that is ignored */
	DTG_LOG_DEBUG,
};

/* Log hook: msg is a complete line without a trailing newline. */
typedef void (*dtg_log_fn)(void *opaque, enum dtg_log_level level,
			   const char *msg);

typedef struct dtg_ctx dtg_ctx;

/*
 * Create a context.  ops may be NULL for malloc/realloc/free.  Returns 0 or
 * -DTG_ENOMEM / -DTG_EINVAL.
 */
int dtg_ctx_new(dtg_ctx **out, const struct dtg_alloc_ops *ops);

/* Free a context.  Objects created from it must be freed first. */
void dtg_ctx_free(dtg_ctx *ctx);

/* Route messages (errors, warnings, notices at or above min) to fn. */
void dtg_ctx_set_log(dtg_ctx *ctx, dtg_log_fn fn, void *opaque,
		     enum dtg_log_level min);

/* The message of the last error on this context ("" if none). */
const char *dtg_last_error(const dtg_ctx *ctx);

/* Number of warnings logged since the context was created. */
unsigned dtg_warning_count(const dtg_ctx *ctx);

/* Free memory that a libdtgen "_alloc" convenience function returned. */
void dtg_free(dtg_ctx *ctx, void *ptr);

#ifdef __cplusplus
}
#endif
#endif /* XENDTGEN_DTGEN_H */
