/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * lib/config-parse.c - xl.cfg text to a dtg_config, as xl reads it.
 *
 * The grammar is libxlu's (tools/libs/util/libxlu_cfg_y.y):
 *
 *   file    := { setting }
 *   setting := KEY ( "=" | "+=" ) value end | end
 *   end     := NEWLINE | ";" | end of input
 *   value   := atom | "[" { NEWLINE } [ atom { "," atom } [ "," ] ] "]"
 *   atom    := "double-quoted" | 'single-quoted' | NUMBER
 *
 * with `#` comments to the end of a line, newlines allowed anywhere inside
 * a list, C escapes in double-quoted strings, numbers as strtol(.., 0)
 * reads them (plus an optional sign), and a repeated key replacing the
 * earlier value (`+=` appends to a list or a string).  The input is
 * untrusted: it is bounded by len (no NUL needed), a NUL byte, an
 * unterminated string or list, or a number that does not fit int64_t is
 * an error naming the input and line.
 */
#include <stdio.h>

#include "config-internal.h"

struct cfg_parser {
	dtg_ctx *ctx;
	dtg_config *cfg;
	const char *p, *end;
	unsigned line;
};

/* ---- numbers ---- */

int dtg_config_parse_int(const char *s, int64_t *val)
{
	bool neg = false;
	uint64_t v = 0, base = 10, limit;
	const char *q = s;

	if (*q == '+' || *q == '-')
		neg = *q++ == '-';
	if (q[0] == '0' && (q[1] == 'x' || q[1] == 'X')) {
		base = 16;
		q += 2;
		if (!*q)
			return -DTG_EINVAL;
	} else if (q[0] == '0' && q[1]) {
		base = 8;  /* as strtol(.., 0) in xl */
		q++;
	} else if (!*q) {
		return -DTG_EINVAL;
	}
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *q; q++) {
		unsigned d;

		if (*q >= '0' && *q <= '9')
			d = (unsigned)(*q - '0');
		else if (*q >= 'a' && *q <= 'f')
			d = (unsigned)(*q - 'a' + 10);
		else if (*q >= 'A' && *q <= 'F')
			d = (unsigned)(*q - 'A' + 10);
		else
			return -DTG_EINVAL;
		if (d >= base)
			return -DTG_EINVAL;
		if (v > (limit - d) / base)
			return -DTG_ERANGE;
		v = v * base + d;
	}
	if (neg)
		*val = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
	else
		*val = (int64_t)v;
	return 0;
}

/* ---- the config object ---- */

static void entry_clear(dtg_ctx *ctx, struct dtg_cfg_entry *e)
{
	dtg_free(ctx, e->text);
	e->text = NULL;
	for (size_t i = 0; i < e->nitem; i++)
		dtg_free(ctx, e->item[i].text);
	dtg_free(ctx, e->item);
	e->item = NULL;
	e->nitem = e->cap = 0;
}

void dtg_config_free(dtg_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n; i++) {
		entry_clear(cfg->ctx, &cfg->e[i]);
		dtg_free(cfg->ctx, cfg->e[i].key);
	}
	dtg_free(cfg->ctx, cfg->e);
	dtg_free(cfg->ctx, cfg->name);
	dtg_free(cfg->ctx, cfg);
}

const struct dtg_cfg_entry *dtg_config_entry(const dtg_config *cfg,
					     const char *key)
{
	if (!cfg || !key)
		return NULL;
	for (size_t i = 0; i < cfg->n; i++)
		if (!strcmp(cfg->e[i].key, key))
			return &cfg->e[i];
	return NULL;
}

int dtg_config_type(const dtg_config *cfg, const char *key)
{
	const struct dtg_cfg_entry *e = dtg_config_entry(cfg, key);

	return e ? (int)e->type : -DTG_ENOTFOUND;
}

const char *dtg_config_string(const dtg_config *cfg, const char *key)
{
	const struct dtg_cfg_entry *e = dtg_config_entry(cfg, key);

	return e && e->type == DTG_CFG_STRING ? e->text : NULL;
}

int dtg_config_number(const dtg_config *cfg, const char *key, int64_t *val)
{
	const struct dtg_cfg_entry *e = dtg_config_entry(cfg, key);
	int64_t v;

	if (!e)
		return -DTG_ENOTFOUND;
	if (e->type == DTG_CFG_NUMBER) {
		v = e->num;
	} else if (e->type != DTG_CFG_STRING ||
		   dtg_config_parse_int(e->text, &v)) {
		/* xl reads "512" as 512 too, so a numeric string counts */
		return -DTG_EINVAL;
	}
	if (val)
		*val = v;
	return 0;
}

size_t dtg_config_list_len(const dtg_config *cfg, const char *key)
{
	const struct dtg_cfg_entry *e = dtg_config_entry(cfg, key);

	return e && e->type == DTG_CFG_LIST ? e->nitem : 0;
}

const char *dtg_config_list_item(const dtg_config *cfg, const char *key,
				 size_t i)
{
	const struct dtg_cfg_entry *e = dtg_config_entry(cfg, key);

	return e && e->type == DTG_CFG_LIST && i < e->nitem ?
		e->item[i].text : NULL;
}

unsigned dtg_config_line(const dtg_config *cfg, const char *key)
{
	const struct dtg_cfg_entry *e = dtg_config_entry(cfg, key);

	return e ? e->line : 0;
}

/* ---- lexing ---- */

static bool is_key_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_key_char(char c)
{
	return is_key_start(c) || (c >= '0' && c <= '9');
}

static bool is_word_char(char c)
{
	return is_key_char(c) || c == '+' || c == '-' || c == '.';
}

/* A printable rendering of the character at p for messages. */
static const char *show_char(char c, char buf[8])
{
	if (c >= 0x21 && c < 0x7f) {
		buf[0] = '\'';
		buf[1] = c;
		buf[2] = '\'';
		buf[3] = 0;
	} else {
		snprintf(buf, 8, "0x%02x", (unsigned char)c);
	}
	return buf;
}

/* Skip blanks and a comment, not the newline. */
static void skip_blanks(struct cfg_parser *ps)
{
	while (ps->p < ps->end) {
		char c = *ps->p;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
		    c == '\v') {
			ps->p++;
		} else if (c == '#') {
			while (ps->p < ps->end && *ps->p != '\n' && *ps->p)
				ps->p++;
		} else {
			break;
		}
	}
}

/* Skip blanks, comments and newlines (inside a list). */
static void skip_space_nl(struct cfg_parser *ps)
{
	for (;;) {
		skip_blanks(ps);
		if (ps->p < ps->end && *ps->p == '\n') {
			ps->p++;
			ps->line++;
		} else {
			return;
		}
	}
}

static int nul_error(struct cfg_parser *ps)
{
	return dtg_error(ps->ctx, DTG_ECONFIG, "%s:%u: NUL byte in input",
			 ps->cfg->name, ps->line);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read one escape after a backslash in a double-quoted string. */
static int read_escape(struct cfg_parser *ps, const char *key, char *out)
{
	static const char simple[] = "n\nt\tr\ra\ab\bf\fv\v\\\\\"\"''??";
	char c;
	unsigned v = 0;
	int n = 0;

	if (ps->p >= ps->end || *ps->p == '\n')
		return dtg_error(ps->ctx, DTG_ECONFIG,
				 "%s:%u: %s: unterminated string",
				 ps->cfg->name, ps->line, key);
	c = *ps->p++;
	for (size_t i = 0; simple[i]; i += 2)
		if (simple[i] == c) {
			*out = simple[i + 1];
			return 0;
		}
	if (c == 'x') {
		while (n < 2 && ps->p < ps->end && hexval(*ps->p) >= 0) {
			v = v * 16 + (unsigned)hexval(*ps->p++);
			n++;
		}
		if (!n)
			return dtg_error(ps->ctx, DTG_ECONFIG,
					 "%s:%u: %s: \\x needs hex digits",
					 ps->cfg->name, ps->line, key);
	} else if (c >= '0' && c <= '7') {
		v = (unsigned)(c - '0');
		while (++n < 3 && ps->p < ps->end && *ps->p >= '0' &&
		       *ps->p <= '7')
			v = v * 8 + (unsigned)(*ps->p++ - '0');
		if (v > 0xff)
			return dtg_error(ps->ctx, DTG_ECONFIG,
					 "%s:%u: %s: octal escape out of range",
					 ps->cfg->name, ps->line, key);
	} else {
		char b[8];

		if (!c)
			return nul_error(ps);
		return dtg_error(ps->ctx, DTG_ECONFIG,
				 "%s:%u: %s: unknown escape '\\' followed by %s",
				 ps->cfg->name, ps->line, key, show_char(c, b));
	}
	if (!v)
		return dtg_error(ps->ctx, DTG_ECONFIG,
				 "%s:%u: %s: escape makes a NUL in a string",
				 ps->cfg->name, ps->line, key);
	*out = (char)v;
	return 0;
}

/* A quoted string at ps->p (on its quote); *out is allocated. */
static int read_string(struct cfg_parser *ps, const char *key, char **out)
{
	char quote = *ps->p++;
	struct dtg_buf b;
	int r = 0;

	dtg_buf_init(&b, ps->ctx);
	for (;;) {
		const char *run = ps->p;

		while (ps->p < ps->end && *ps->p != quote && *ps->p != '\n' &&
		       *ps->p && !(quote == '"' && *ps->p == '\\'))
			ps->p++;
		dtg_buf_put(&b, run, (size_t)(ps->p - run));
		if (ps->p >= ps->end || *ps->p == '\n') {
			r = dtg_error(ps->ctx, DTG_ECONFIG,
				      "%s:%u: %s: unterminated string",
				      ps->cfg->name, ps->line, key);
			break;
		}
		if (!*ps->p) {
			r = nul_error(ps);
			break;
		}
		if (*ps->p == quote) {
			ps->p++;
			break;
		}
		/* a backslash in a double-quoted string */
		char c;

		ps->p++;
		r = read_escape(ps, key, &c);
		if (r)
			break;
		dtg_buf_put(&b, &c, 1);
	}
	if (!r) {
		dtg_buf_put(&b, "", 0);  /* allocates for "" */
		r = b.err;
	}
	if (r) {
		dtg_buf_release(&b);
		return r;
	}
	*out = b.data;  /* ownership moves to the caller */
	return 0;
}

/* A number at ps->p; *text is allocated. */
static int read_number(struct cfg_parser *ps, const char *key, char **text,
		       int64_t *val)
{
	const char *start = ps->p;
	int r;

	ps->p++;
	while (ps->p < ps->end && is_word_char(*ps->p))
		ps->p++;
	*text = dtg_strndup(ps->ctx, start, (size_t)(ps->p - start));
	if (!*text)
		return -DTG_ENOMEM;
	r = dtg_config_parse_int(*text, val);
	if (r == -DTG_ERANGE)
		r = dtg_error(ps->ctx, DTG_ECONFIG,
			      "%s:%u: %s: number '%s' does not fit in 64 bits",
			      ps->cfg->name, ps->line, key, *text);
	else if (r)
		r = dtg_error(ps->ctx, DTG_ECONFIG,
			      "%s:%u: %s: invalid number '%s'",
			      ps->cfg->name, ps->line, key, *text);
	if (r) {
		dtg_free(ps->ctx, *text);
		*text = NULL;
	}
	return r;
}

static bool at_number(const struct cfg_parser *ps)
{
	const char *p = ps->p;

	if (p < ps->end && (*p == '+' || *p == '-'))
		p++;
	return p < ps->end && *p >= '0' && *p <= '9';
}

static int expected_value(struct cfg_parser *ps, const char *key,
			  const char *where)
{
	char b[8];

	if (ps->p >= ps->end || *ps->p == '\n' || *ps->p == ';')
		return dtg_error(ps->ctx, DTG_ECONFIG,
				 "%s:%u: %s: expected a value %s",
				 ps->cfg->name, ps->line, key, where);
	if (!*ps->p)
		return nul_error(ps);
	return dtg_error(ps->ctx, DTG_ECONFIG,
			 "%s:%u: %s: expected a \"string\", a number or a "
			 "[ list ] %s, got %s", ps->cfg->name, ps->line, key,
			 where, show_char(*ps->p, b));
}

/* One atom (string or number) into e (scalar) or as a new list item. */
static int read_atom(struct cfg_parser *ps, const char *key, char **text,
		     int64_t *num, bool *is_number, const char *where)
{
	*num = 0;
	*is_number = false;
	if (ps->p < ps->end && (*ps->p == '"' || *ps->p == '\''))
		return read_string(ps, key, text);
	if (at_number(ps)) {
		*is_number = true;
		return read_number(ps, key, text, num);
	}
	return expected_value(ps, key, where);
}

static int list_append(dtg_ctx *ctx, struct dtg_cfg_entry *e, char *text,
		       unsigned line, bool is_number)
{
	int r = dtg_grow(ctx, (void **)&e->item, &e->cap, e->nitem + 1,
			 sizeof(*e->item));

	if (r) {
		dtg_free(ctx, text);
		return r;
	}
	e->item[e->nitem].text = text;
	e->item[e->nitem].line = line;
	e->item[e->nitem].is_number = is_number;
	e->nitem++;
	return 0;
}

/* "[" ... "]" at ps->p into the (empty) list entry e. */
static int read_list(struct cfg_parser *ps, const char *key,
		     struct dtg_cfg_entry *e)
{
	unsigned open_line = ps->line;
	char b[8];
	int r;

	ps->p++;
	for (;;) {
		char *text;
		int64_t num;
		bool isnum;

		skip_space_nl(ps);
		if (ps->p >= ps->end)
			goto unterminated;
		if (*ps->p == ']') {
			ps->p++;
			return 0;
		}
		if (*ps->p == '[')
			return dtg_error(ps->ctx, DTG_ECONFIG,
					 "%s:%u: %s: lists cannot be nested",
					 ps->cfg->name, ps->line, key);
		if (*ps->p == ',')
			return dtg_error(ps->ctx, DTG_ECONFIG,
					 "%s:%u: %s: empty list item",
					 ps->cfg->name, ps->line, key);
		r = read_atom(ps, key, &text, &num, &isnum, "in list");
		if (r)
			return r;
		r = list_append(ps->ctx, e, text, ps->line, isnum);
		if (r)
			return r;
		skip_space_nl(ps);
		if (ps->p >= ps->end)
			goto unterminated;
		if (*ps->p == ',') {
			ps->p++;
			continue;
		}
		if (*ps->p == ']')
			continue;
		if (!*ps->p)
			return nul_error(ps);
		return dtg_error(ps->ctx, DTG_ECONFIG,
				 "%s:%u: %s: expected ',' or ']' in list, got %s",
				 ps->cfg->name, ps->line, key,
				 show_char(*ps->p, b));
	}
unterminated:
	return dtg_error(ps->ctx, DTG_ECONFIG,
			 "%s:%u: %s: unterminated list (opened on line %u)",
			 ps->cfg->name, ps->line, key, open_line);
}

/* ---- settings ---- */

static struct dtg_cfg_entry *entry_for(struct cfg_parser *ps, char *key)
{
	dtg_config *cfg = ps->cfg;

	for (size_t i = 0; i < cfg->n; i++)
		if (!strcmp(cfg->e[i].key, key)) {
			dtg_free(ps->ctx, key);
			return &cfg->e[i];
		}
	if (dtg_grow(ps->ctx, (void **)&cfg->e, &cfg->cap, cfg->n + 1,
		     sizeof(*cfg->e))) {
		dtg_free(ps->ctx, key);
		return NULL;
	}
	memset(&cfg->e[cfg->n], 0, sizeof(cfg->e[0]));
	cfg->e[cfg->n].key = key;
	return &cfg->e[cfg->n++];
}

/* Merge `key += value` (in tmp) into the existing entry e. */
static int append_value(struct cfg_parser *ps, struct dtg_cfg_entry *e,
			struct dtg_cfg_entry *tmp)
{
	if (e->type == DTG_CFG_LIST && tmp->type == DTG_CFG_LIST) {
		for (size_t i = 0; i < tmp->nitem; i++) {
			int r = list_append(ps->ctx, e, tmp->item[i].text,
					    tmp->item[i].line,
					    tmp->item[i].is_number);

			tmp->item[i].text = NULL;
			if (r)
				return r;
		}
		return 0;
	}
	if (e->type == DTG_CFG_STRING && tmp->type == DTG_CFG_STRING) {
		size_t a = strlen(e->text), b = strlen(tmp->text);
		char *s = dtg_realloc(ps->ctx, e->text, a + b + 1);

		if (!s)
			return -DTG_ENOMEM;
		memcpy(s + a, tmp->text, b + 1);
		e->text = s;
		return 0;
	}
	return dtg_error(ps->ctx, DTG_ECONFIG,
			 "%s:%u: %s: '+=' needs a list or string on both sides",
			 ps->cfg->name, ps->line, e->key);
}

static int read_setting(struct cfg_parser *ps)
{
	const char *start = ps->p;
	struct dtg_cfg_entry tmp, *e;
	unsigned line = ps->line;
	bool add = false;
	char *key, b[8];
	int r;

	while (ps->p < ps->end && is_key_char(*ps->p))
		ps->p++;
	key = dtg_strndup(ps->ctx, start, (size_t)(ps->p - start));
	if (!key)
		return -DTG_ENOMEM;
	skip_blanks(ps);
	if (ps->p < ps->end && *ps->p == '+' && ps->p + 1 < ps->end &&
	    ps->p[1] == '=') {
		add = true;
		ps->p += 2;
	} else if (ps->p < ps->end && *ps->p == '=') {
		ps->p++;
	} else {
		r = ps->p < ps->end && !*ps->p ? nul_error(ps) :
			dtg_error(ps->ctx, DTG_ECONFIG,
				  "%s:%u: expected '=' after '%s'",
				  ps->cfg->name, ps->line, key);
		dtg_free(ps->ctx, key);
		return r;
	}
	skip_blanks(ps);

	memset(&tmp, 0, sizeof(tmp));
	tmp.key = key;
	tmp.line = line;
	if (ps->p < ps->end && *ps->p == '[') {
		tmp.type = DTG_CFG_LIST;
		r = read_list(ps, key, &tmp);
	} else {
		bool isnum;

		r = read_atom(ps, key, &tmp.text, &tmp.num, &isnum,
			      "after '='");
		tmp.type = isnum ? DTG_CFG_NUMBER : DTG_CFG_STRING;
	}
	if (!r) {
		skip_blanks(ps);
		if (ps->p < ps->end && *ps->p != '\n' && *ps->p != ';')
			r = !*ps->p ? nul_error(ps) :
				dtg_error(ps->ctx, DTG_ECONFIG,
					  "%s:%u: %s: unexpected %s after the "
					  "value", ps->cfg->name, ps->line,
					  key, show_char(*ps->p, b));
	}
	if (r)
		goto out;

	e = entry_for(ps, key);
	tmp.key = NULL;  /* entry_for took (or freed) it */
	if (!e) {
		r = -DTG_ENOMEM;
		goto out;
	}
	if (add && e->key && e->line) {
		r = append_value(ps, e, &tmp);
		e->line = line;
		goto out;
	}
	/* `key = value` (or `+=` on a new key): the last one wins, as in xl
	 * (libxlu's xlu__cfg_set_store() prepends each setting and find()
	 * returns the newest), but not silently: a repeated key is most
	 * often a mistake, or an attempt to hide a value from a reviewer. */
	if (e->line)
		dtg_log(ps->ctx, DTG_LOG_WARN,
			"%s:%u: %s: set again (before at line %u); the last "
			"value is used, as xl does", ps->cfg->name, line,
			e->key, e->line);
	entry_clear(ps->ctx, e);
	e->type = tmp.type;
	e->text = tmp.text;
	e->num = tmp.num;
	e->item = tmp.item;
	e->nitem = tmp.nitem;
	e->cap = tmp.cap;
	e->line = line;
	return 0;
out:
	dtg_free(ps->ctx, tmp.key);
	entry_clear(ps->ctx, &tmp);
	return r;
}

int dtg_config_parse(dtg_ctx *ctx, const char *text, size_t len,
		     const char *name, dtg_config **out)
{
	struct cfg_parser ps;
	dtg_config *cfg;
	char b[8];
	int r = 0;

	if (!out || (!text && len))
		return dtg_error(ctx, DTG_EINVAL,
				 "dtg_config_parse: NULL argument");
	*out = NULL;
	cfg = dtg_zalloc(ctx, sizeof(*cfg));
	if (!cfg)
		return -DTG_ENOMEM;
	cfg->ctx = ctx;
	cfg->name = dtg_strdup(ctx, name ? name : "<config>");
	if (!cfg->name) {
		dtg_free(ctx, cfg);
		return -DTG_ENOMEM;
	}

	ps.ctx = ctx;
	ps.cfg = cfg;
	ps.p = text;
	ps.end = text + len;
	ps.line = 1;
	while (!r) {
		skip_blanks(&ps);
		if (ps.p >= ps.end)
			break;
		if (*ps.p == '\n') {
			ps.p++;
			ps.line++;
		} else if (*ps.p == ';') {
			ps.p++;
		} else if (is_key_start(*ps.p)) {
			r = read_setting(&ps);
		} else if (!*ps.p) {
			r = nul_error(&ps);
		} else {
			r = dtg_error(ctx, DTG_ECONFIG,
				      "%s:%u: expected a key, got %s",
				      cfg->name, ps.line, show_char(*ps.p, b));
		}
	}
	if (r) {
		dtg_config_free(cfg);
		return r;
	}
	*out = cfg;
	return 0;
}
