#include "db/dialect.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum tok_kind { T_WORD, T_STR, T_QID, T_SPACE, T_PUNCT };

struct tok {
	enum tok_kind kind;
	const char *p;
	size_t n;
};

struct toks {
	struct tok *v;
	size_t n, cap;
};

static int word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* Splits sql into tokens: 0, or -1 with why for a quote left open. */
static int tokenize(const char *s, struct toks *t, char *why, size_t cap)
{
	while (*s) {
		struct tok k = { T_PUNCT, s, 1 };
		if (isspace((unsigned char)*s) || (s[0] == '-' && s[1] == '-') ||
		    (s[0] == '/' && s[1] == '*')) {
			const char *e = s;
			for (;;) {
				if (isspace((unsigned char)*e))
					e++;
				else if (e[0] == '-' && e[1] == '-')
					e += strcspn(e, "\n");
				else if (e[0] == '/' && e[1] == '*') {
					const char *c = strstr(e + 2, "*/");
					e = c ? c + 2 : e + strlen(e);
				} else
					break;
			}
			k = (struct tok){ T_SPACE, s, (size_t)(e - s) };
		} else if (*s == '\'' || *s == '"') {
			const char *e = s + 1;
			for (;;) {
				e = strchr(e, *s);
				if (!e) {
					snprintf(why, cap, "a quote is left open");
					return -1;
				}
				if (e[1] != *s)
					break;
				e += 2; /* '' inside a string */
			}
			k = (struct tok){ *s == '\'' ? T_STR : T_QID, s, (size_t)(e + 1 - s) };
		} else if (word_char(*s)) {
			const char *e = s;
			while (word_char(*e))
				e++;
			k = (struct tok){ T_WORD, s, (size_t)(e - s) };
		}
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 256;
			t->v = realloc(t->v, t->cap * sizeof(*t->v));
		}
		t->v[t->n++] = k;
		s += k.n;
	}
	return 0;
}

static int is(const struct tok *k, const char *word)
{
	return k->kind == T_WORD && strlen(word) == k->n && !strncasecmp(k->p, word, k->n);
}

static int is_punct(const struct tok *k, char c)
{
	return k->kind == T_PUNCT && *k->p == c;
}

/* The next token from i that is not space, or end. */
static size_t skip(const struct toks *t, size_t i, size_t end)
{
	while (i < end && t->v[i].kind == T_SPACE)
		i++;
	return i;
}

/* Whether the tokens from i, spaces aside, are the words and punctuation
 * of pattern (space-separated; a quoted item matches a string token);
 * *after is where they end. */
static int matches(const struct toks *t, size_t i, size_t end, const char *pattern, size_t *after)
{
	char item[64];
	const char *p = pattern;
	while (*p) {
		size_t n = strcspn(p, " ");
		if (n >= sizeof(item))
			return 0;
		memcpy(item, p, n);
		item[n] = 0;
		p += n + (p[n] == ' ');
		i = skip(t, i, end);
		if (i >= end)
			return 0;
		const struct tok *k = &t->v[i];
		if (item[0] == '\'') {
			if (k->kind != T_STR || k->n != n || strncmp(k->p, item, n))
				return 0;
		} else if (!word_char(item[0])) {
			if (!is_punct(k, item[0]))
				return 0;
		} else if (!is(k, item)) {
			return 0;
		}
		i++;
	}
	*after = i;
	return 1;
}

static int put(struct buf *out, const char *s, size_t n)
{
	return buf_add(out, s, n);
}

static int puts_(struct buf *out, const char *s)
{
	return buf_add(out, s, strlen(s));
}

/* Spaces and comments as they are, but a comment opened with "pg:" becomes
 * its text: a clause only PostgreSQL has (FOR UPDATE SKIP LOCKED), which
 * SQLite reads as a comment. */
static int put_space(struct buf *out, const char *p, size_t n)
{
	const char *end = p + n;
	for (;;) {
		const char *c = memmem(p, (size_t)(end - p), "/*pg:", 5);
		const char *e = c ? memmem(c + 5, (size_t)(end - c - 5), "*/", 2) : NULL;
		if (!e)
			return put(out, p, (size_t)(end - p));
		if (put(out, p, (size_t)(c - p)) || put(out, c + 5, (size_t)(e - c - 5)))
			return -1;
		p = e + 2;
	}
}

/* Tokens [i, end) with the type and function rules applied; with params,
 * ? and ?N placeholders as $N too, *params the highest N (-1 past 9999).
 * A table's text columns compare and sort byte by byte, as SQLite's
 * BINARY collation does (the code binary-searches what it read in order),
 * whatever the database's locale: TEXT after a column's name is its type
 * (a column may be called text). */
static int emit_with(const struct toks *t, size_t i, size_t end, struct buf *out, int *params)
{
	size_t a;
	int table = !params && (matches(t, skip(t, i, end), end, "CREATE TABLE", &a) ||
				matches(t, skip(t, i, end), end, "ALTER TABLE", &a));
	int rc = 0;
	const struct tok *prev = NULL; /* the token before k, spaces aside */
	for (size_t after; i < end && !rc; prev = t->v[i].kind == T_SPACE ? prev : &t->v[i], i++) {
		const struct tok *k = &t->v[i];
		/* a pattern starts at its first word: the space before it stays */
		if (k->kind == T_SPACE) {
			rc = put_space(out, k->p, k->n);
		} else if (params && is_punct(k, '?')) {
			int n = *params + 1; /* as SQLite: one more than the largest so far */
			const struct tok *d = i + 1 < end ? &t->v[i + 1] : NULL;
			if (d && d->kind == T_WORD && d->p == k->p + 1 &&
			    strspn(d->p, "0123456789") >= d->n && d->n <= 4) {
				n = atoi(d->p);
				i++;
			}
			if (n < 1 || n > 9999)
				return -1;
			if (n > *params)
				*params = n;
			char ph[8];
			snprintf(ph, sizeof(ph), "$%d", n);
			rc = puts_(out, ph);
		} else if (matches(t, i, end, "INTEGER PRIMARY KEY", &after)) {
			rc = puts_(out, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
			i = after - 1;
		} else if (matches(t, i, end, "WITHOUT ROWID", &after)) {
			i = after - 1;
		} else if (matches(t, i, end, "strftime ( '%s' , 'now' )", &after) ||
			   matches(t, i, end, "unixepoch ( )", &after)) {
			rc = puts_(out, "floor(extract(epoch from now()))");
			i = after - 1;
		} else if (matches(t, i, end, "SELECT RAISE ( ABORT ,", &after) &&
			   (after = skip(t, after, end)) < end && t->v[after].kind == T_STR &&
			   skip(t, after + 1, end) < end &&
			   is_punct(&t->v[skip(t, after + 1, end)], ')')) {
			rc = puts_(out, "RAISE EXCEPTION ") ||
			     put(out, t->v[after].p, t->v[after].n);
			i = skip(t, after + 1, end);
		} else if ((is(k, "x") || is(k, "X")) && i + 1 < end && t->v[i + 1].kind == T_STR &&
			   t->v[i + 1].p == k->p + 1) {
			/* a blob literal, x'00ff', as bytea */
			const struct tok *b = &t->v[++i];
			rc = puts_(out, "'\\x") || put(out, b->p + 1, b->n - 1) ||
			     puts_(out, "::bytea");
		} else if (is(k, "INTEGER")) {
			rc = puts_(out, "BIGINT");
		} else if (table && is(k, "TEXT") && prev && prev->kind == T_WORD) {
			rc = puts_(out, "TEXT COLLATE \"C\"");
		} else if (is(k, "REAL")) {
			rc = puts_(out, "DOUBLE PRECISION");
		} else if (is(k, "BLOB")) {
			rc = puts_(out, "BYTEA");
		} else {
			rc = put(out, k->p, k->n);
		}
	}
	return rc;
}

static int emit(const struct toks *t, size_t i, size_t end, struct buf *out)
{
	return emit_with(t, i, end, out, NULL);
}

/*
 * CREATE TRIGGER name BEFORE|AFTER event ON table [FOR EACH ROW]
 * [WHEN expr] BEGIN body END, tokens [i, end): a PL/pgSQL function and
 * the trigger that calls it.  0, or -1 with why.
 */
static int trigger(const struct toks *t, size_t i, size_t end, struct buf *out, char *why,
		   size_t cap)
{
	size_t name, timing, on = 0, table, when = 0, begin = 0, fin = 0, a;
	if (!matches(t, i, end, "CREATE TRIGGER", &a))
		return -1;
	name = skip(t, a, end);
	timing = skip(t, name + 1, end);
	if (name >= end || t->v[name].kind != T_WORD || timing >= end ||
	    !(is(&t->v[timing], "BEFORE") || is(&t->v[timing], "AFTER"))) {
		snprintf(why, cap, "a trigger's name, then BEFORE or AFTER");
		return -1;
	}
	for (size_t k = timing + 1; k < end; k++) {
		if (!on && is(&t->v[k], "ON"))
			on = k;
		else if (on && !when && !begin && is(&t->v[k], "WHEN"))
			when = k;
		else if (on && !begin && is(&t->v[k], "BEGIN"))
			begin = k;
		else if (begin && is(&t->v[k], "END"))
			fin = k; /* the last END closes the body */
	}
	table = on ? skip(t, on + 1, end) : end;
	if (!on || table >= end || !begin || !fin) {
		snprintf(why, cap, "a trigger is ON a table, with BEGIN … END");
		return -1;
	}
	if (skip(t, fin + 1, end) != end) {
		snprintf(why, cap, "a trigger ends with its END");
		return -1;
	}
	/* between the table and BEGIN: FOR EACH ROW and WHEN …, nothing else */
	size_t k = skip(t, table + 1, end);
	if (matches(t, k, end, "FOR EACH ROW", &a))
		k = skip(t, a, end);
	if (k != (when ? when : begin)) {
		snprintf(why, cap, "a trigger has only FOR EACH ROW or WHEN before BEGIN");
		return -1;
	}
	int before = is(&t->v[timing], "BEFORE");
	int deleting = 0;
	for (k = timing + 1; k < on; k++)
		deleting |= is(&t->v[k], "DELETE");
	const char *ret = !before ? "NULL" : deleting ? "OLD" : "NEW";
	char fn[160];
	snprintf(fn, sizeof(fn), "%.*s_fn", (int)t->v[name].n, t->v[name].p);
	int rc = puts_(out, "CREATE FUNCTION ") || puts_(out, fn) ||
		 puts_(out, "() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN ") ||
		 emit(t, begin + 1, fin, out) || puts_(out, " RETURN ") || puts_(out, ret) ||
		 puts_(out, "; END $fn$;\nCREATE TRIGGER ") || emit(t, name, table + 1, out) ||
		 puts_(out, " FOR EACH ROW");
	if (!rc && when)
		rc = puts_(out, " WHEN (") || emit(t, when + 1, begin, out) || puts_(out, ")");
	if (!rc)
		rc = puts_(out, " EXECUTE FUNCTION ") || puts_(out, fn) || puts_(out, "()");
	if (rc)
		snprintf(why, cap, "the translation is larger than allowed");
	return rc;
}

int dialect_pg_schema(const char *sql, struct buf *out, char *why, size_t cap)
{
	struct toks t = { 0 };
	if (cap)
		why[0] = 0;
	int rc = tokenize(sql, &t, why, cap);
	for (size_t i = 0; !rc && i < t.n;) {
		size_t start = skip(&t, i, t.n), end = start, a;
		int trig = matches(&t, start, t.n, "CREATE TRIGGER", &a);
		/* a statement ends at ';', a trigger at the ';' after its END */
		for (int body = 0; end < t.n; end++) {
			if (trig && is(&t.v[end], "BEGIN"))
				body = 1;
			else if (trig && body && is(&t.v[end], "END") &&
				 skip(&t, end + 1, t.n) < t.n &&
				 is_punct(&t.v[skip(&t, end + 1, t.n)], ';'))
				body = 0;
			else if (!body && is_punct(&t.v[end], ';'))
				break;
		}
		/* a trigger goes with the function it runs (PostgreSQL names a
		 * trigger by its table, which DROP TRIGGER here does not give) */
		size_t name;
		if (matches(&t, start, end, "DROP TRIGGER", &a) && (name = skip(&t, a, end)) < end) {
			int if_exists = matches(&t, name, end, "IF EXISTS", &a);
			if (if_exists)
				name = skip(&t, a, end);
			if (name < end && skip(&t, name + 1, end) == end) {
				rc = puts_(out, if_exists ? "DROP FUNCTION IF EXISTS " : "DROP FUNCTION ") ||
				     put(out, t.v[name].p, t.v[name].n) || puts_(out, "_fn() CASCADE;\n");
			} else {
				snprintf(why, cap, "DROP TRIGGER takes one name");
				rc = -1;
			}
			i = end + 1;
			continue;
		}
		/* SQLite's PRAGMAs tune its file: PostgreSQL has nothing to tune there */
		if (start < end && !is(&t.v[start], "PRAGMA")) {
			rc = trig ? trigger(&t, start, end, out, why, cap)
				  : emit(&t, start, end, out);
			if (rc && !*why)
				snprintf(why, cap, "the translation is larger than allowed");
			if (!rc)
				rc = puts_(out, ";\n");
		}
		i = end + 1;
	}
	free(t.v);
	return rc;
}

const char dialect_pg_functions[] =
    /* SQLite's JSON merge (RFC 7396) for the flat objects the code merges */
    "CREATE OR REPLACE FUNCTION json_patch(target TEXT, patch TEXT) RETURNS TEXT"
    " LANGUAGE sql IMMUTABLE AS 'SELECT (target::jsonb || patch::jsonb)::text';"
    /* sum() of a condition counts where it holds, as SQLite's 1 and 0 */
    "CREATE OR REPLACE FUNCTION bool_sum_step(acc BIGINT, v BOOLEAN) RETURNS BIGINT"
    " LANGUAGE sql IMMUTABLE AS 'SELECT acc + CASE WHEN v THEN 1 ELSE 0 END';"
    "CREATE OR REPLACE AGGREGATE sum(BOOLEAN) (SFUNC = bool_sum_step, STYPE = BIGINT,"
    " INITCOND = '0');"
    /* group_concat(x) and group_concat(x, separator) of any type, nulls
     * left out */
    "CREATE OR REPLACE FUNCTION group_concat_step(acc TEXT, v anyelement, sep TEXT)"
    " RETURNS TEXT LANGUAGE sql IMMUTABLE AS 'SELECT CASE WHEN v IS NULL THEN acc"
    " WHEN acc IS NULL THEN v::text ELSE acc || sep || v::text END';"
    "CREATE OR REPLACE FUNCTION group_concat_step(acc TEXT, v anyelement) RETURNS TEXT"
    " LANGUAGE sql IMMUTABLE AS 'SELECT group_concat_step(acc, v, '','')';"
    "CREATE OR REPLACE AGGREGATE group_concat(anyelement, TEXT) (SFUNC = group_concat_step,"
    " STYPE = TEXT);"
    "CREATE OR REPLACE AGGREGATE group_concat(anyelement) (SFUNC = group_concat_step,"
    " STYPE = TEXT)";

int dialect_pg_query(const char *sql, struct buf *out, int *params, char *why, size_t cap)
{
	struct toks t = { 0 };
	*params = 0;
	int rc = tokenize(sql, &t, why, cap);
	if (!rc && emit_with(&t, 0, t.n, out, params)) {
		snprintf(why, cap, "a placeholder past ?9999, or the text larger than allowed");
		rc = -1;
	}
	free(t.v);
	return rc;
}
