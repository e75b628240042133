/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/config-internal.h - a parsed xl.cfg file, shared by the parser
 * (config-parse.c) and the key appliers (config-apply.c).  Not installed.
 *
 * Like libxlu, values keep their source text: a number is also kept as
 * the text it was written as, and list items are text whatever their
 * type, so `irqs = [ 33, "34" ]` reads as two items.
 */
#ifndef DTG_CONFIG_INTERNAL_H
#define DTG_CONFIG_INTERNAL_H

#include <xendtgen/config.h>

#include "internal.h"

/* One list item and the line it is on (lists may span lines). */
struct dtg_cfg_item {
	char *text;
	unsigned line;
	bool is_number;
};

/* One `key = value` setting; a repeated key replaces the earlier one. */
struct dtg_cfg_entry {
	char *key;
	enum dtg_cfg_type type;
	char *text;             /* STRING, NUMBER: the (dequoted) text */
	int64_t num;            /* NUMBER */
	size_t nitem, cap;      /* LIST */
	struct dtg_cfg_item *item;
	unsigned line;          /* where the key was (last) set */
};

struct dtg_config {
	dtg_ctx *ctx;
	char *name;             /* input name for messages ("guest.cfg") */
	size_t n, cap;
	struct dtg_cfg_entry *e;  /* in order of first appearance */
};

/* The entry for key, or NULL. */
const struct dtg_cfg_entry *dtg_config_entry(const dtg_config *cfg,
					     const char *key);

/*
 * Parse a number as xl does (strtol base 0: decimal, 0x hex, leading-0
 * octal) with an optional sign; 0 or -DTG_ERANGE (overflow) or
 * -DTG_EINVAL (not a number).  No message is recorded.
 */
int dtg_config_parse_int(const char *s, int64_t *val);

/*
 * A clock-rate= value, NAME:HZ (split at the last ':'; HZ as
 * dtg_config_parse_int, positive): NULL with the name's length and the
 * rate, or why it is not one.  Passthrough and coprocessor entries.
 */
const char *dtg_config_parse_clock_rate(const char *val, size_t *namelen,
					uint64_t *hz);

#endif /* DTG_CONFIG_INTERNAL_H */
