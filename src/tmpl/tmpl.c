#include "tmpl/tmpl.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"
#include "util/mem.h"

#define TMPL_MAX_DEPTH 16 /* nested sections plus includes */
#define TMPL_MAX_FILE (1u << 20)

enum node_type { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL };

struct node {
	enum node_type type;
	size_t start, len; /* text: into src; others: the name */
	size_t end;        /* sections: index of the first node after the section */
};

struct tmpl {
	char *name;
	char *src;
	struct node *nodes;
	size_t n, cap;
};

void html_escape(struct buf *out, const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_put(out, s + run, i - run);
		buf_puts(out, rep);
		run = i + 1;
	}
	buf_put(out, s + run, n - run);
}

static size_t push(struct tmpl *t, enum node_type type, size_t start, size_t len)
{
	xgrow(&t->nodes, &t->cap, t->n + 1, sizeof(*t->nodes));
	t->nodes[t->n] = (struct node){ type, start, len, 0 };
	return t->n++;
}

static void trim(const char *s, size_t *start, size_t *len)
{
	while (*len && (s[*start] == ' ')) {
		(*start)++;
		(*len)--;
	}
	while (*len && s[*start + *len - 1] == ' ')
		(*len)--;
}

static int compile(struct tmpl *t, char *err, size_t errlen)
{
	const char *s = t->src;
	size_t i = 0, n = strlen(s), open[TMPL_MAX_DEPTH], depth = 0;

	while (i < n) {
		const char *o = strstr(s + i, "{{");
		if (!o) {
			push(t, N_TEXT, i, n - i);
			break;
		}
		size_t at = (size_t)(o - s);
		if (at > i)
			push(t, N_TEXT, i, at - i);
		int triple = s[at + 2] == '{';
		const char *close = strstr(s + at + 2, triple ? "}}}" : "}}");
		if (!close) {
			snprintf(err, errlen, "%s: unclosed tag at byte %zu", t->name, at);
			return -1;
		}
		size_t ts = at + 2 + (size_t)triple, tl = (size_t)(close - s) - ts;
		char sigil = tl ? s[ts] : '\0';
		i = (size_t)(close - s) + 2 + (size_t)triple;
		if (triple) {
			trim(s, &ts, &tl);
			push(t, N_RAW, ts, tl);
			continue;
		}
		if (sigil == '!')
			continue;
		if (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '>' || sigil == '&') {
			ts++;
			tl--;
		}
		trim(s, &ts, &tl);
		if (tl == 0) {
			snprintf(err, errlen, "%s: empty tag at byte %zu", t->name, at);
			return -1;
		}
		switch (sigil) {
		case '#':
		case '^':
			if (depth == TMPL_MAX_DEPTH) {
				snprintf(err, errlen, "%s: sections nested too deep", t->name);
				return -1;
			}
			open[depth++] = push(t, sigil == '#' ? N_SECTION : N_INVERTED, ts, tl);
			break;
		case '/': {
			struct node *sec = depth ? &t->nodes[open[depth - 1]] : NULL;
			if (!sec || sec->len != tl || memcmp(s + sec->start, s + ts, tl)) {
				snprintf(err, errlen, "%s: {{/%.*s}} closes nothing open", t->name,
					 (int)tl, s + ts);
				return -1;
			}
			sec->end = t->n;
			depth--;
			break;
		}
		case '>': push(t, N_PARTIAL, ts, tl); break;
		case '&': push(t, N_RAW, ts, tl); break;
		default: push(t, N_VAR, ts, tl);
		}
	}
	if (depth) {
		snprintf(err, errlen, "%s: section %.*s is never closed", t->name,
			 (int)t->nodes[open[depth - 1]].len, s + t->nodes[open[depth - 1]].start);
		return -1;
	}
	return 0;
}

int tmpl_add(struct tmpl_set *set, const char *name, const char *src, size_t len, char *err,
	     size_t errlen)
{
	struct tmpl t = { xstrdup(name), xstrndup(src, len), NULL, 0, 0 };

	if (compile(&t, err, errlen)) {
		free(t.name);
		free(t.src);
		free(t.nodes);
		return -1;
	}
	set->t = xrealloc(set->t, (set->n + 1) * sizeof(*set->t));
	set->t[set->n++] = t;
	return 0;
}

int tmpl_load_dir(struct tmpl_set *set, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (!d) {
		snprintf(err, errlen, "%s: cannot open the templates folder", dir);
		return -1;
	}
	while (rc == 0 && (e = readdir(d))) {
		size_t len = strlen(e->d_name);
		const char *ext = ".mustache";
		if (len <= 9 || strcmp(e->d_name + len - 9, ext) != 0)
			continue;
		char path[1024], name[256];
		struct buf b;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		snprintf(name, sizeof(name), "%.*s", (int)(len - 9), e->d_name);
		buf_init(&b, TMPL_MAX_FILE);
		rc = file_read_all(path, &b, err, errlen) ||
		     tmpl_add(set, name, b.p, b.len, err, errlen);
		buf_release(&b);
	}
	closedir(d);
	return rc ? -1 : 0;
}

static const struct tmpl *find(const struct tmpl_set *set, const char *name, size_t len)
{
	for (size_t i = 0; i < set->n; i++)
		if (strlen(set->t[i].name) == len && memcmp(set->t[i].name, name, len) == 0)
			return &set->t[i];
	return NULL;
}

/* Resolves a (dotted) name against the context stack, innermost first. */
static const json_t *lookup(const json_t **stack, size_t depth, const char *name, size_t len)
{
	char key[128];

	if (len == 1 && name[0] == '.')
		return stack[depth - 1];
	const char *dot = memchr(name, '.', len);
	size_t first = dot ? (size_t)(dot - name) : len;
	if (first >= sizeof(key))
		return NULL;
	memcpy(key, name, first);
	key[first] = '\0';
	const json_t *v = NULL;
	for (size_t i = depth; i-- > 0;) {
		v = json_object_get(stack[i], key);
		if (v)
			break;
	}
	while (v && dot) {
		const char *rest = dot + 1;
		size_t rl = len - (size_t)(rest - name);
		dot = memchr(rest, '.', rl);
		size_t kl = dot ? (size_t)(dot - rest) : rl;
		if (kl >= sizeof(key))
			return NULL;
		memcpy(key, rest, kl);
		key[kl] = '\0';
		/* "list.0": an array's first item, so a section can test non-empty */
		if (json_is_array(v) && kl > 0 && strspn(key, "0123456789") == kl)
			v = json_array_get(v, (size_t)strtoul(key, NULL, 10));
		else
			v = json_object_get(v, key);
	}
	return v;
}

static int truthy(const json_t *v)
{
	if (!v || json_is_null(v) || json_is_false(v))
		return 0;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	if (json_is_integer(v))
		return json_integer_value(v) != 0;
	return 1;
}

static void scalar(struct buf *out, const json_t *v, int escape)
{
	char num[64];
	const char *s = NULL;
	size_t n = 0;

	if (json_is_string(v)) {
		s = json_string_value(v);
		n = json_string_length(v);
	} else if (json_is_integer(v)) {
		n = (size_t)snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		s = num;
	} else if (json_is_real(v)) {
		n = (size_t)snprintf(num, sizeof(num), "%g", json_real_value(v));
		s = num;
	} else if (json_is_true(v)) {
		s = "true";
		n = 4;
	}
	if (!s)
		return;
	if (escape)
		html_escape(out, s, n);
	else
		buf_put(out, s, n);
}

/* depth: context stack size; nest: sections and includes entered so far. */
static int render(const struct tmpl_set *set, const struct tmpl *t, size_t from, size_t to,
		  const json_t **stack, size_t depth, int nest, struct buf *out)
{
	if (nest > TMPL_MAX_DEPTH)
		return -1;
	for (size_t i = from; i < to; i++) {
		const struct node *nd = &t->nodes[i];
		const char *name = t->src + nd->start;
		const json_t *v;

		switch (nd->type) {
		case N_TEXT: buf_put(out, name, nd->len); break;
		case N_VAR:
		case N_RAW:
			v = lookup(stack, depth, name, nd->len);
			if (v)
				scalar(out, v, nd->type == N_VAR);
			break;
		case N_PARTIAL: {
			const struct tmpl *p = find(set, name, nd->len);
			if (!p || render(set, p, 0, p->n, stack, depth, nest + 1, out))
				return -1;
			break;
		}
		case N_INVERTED:
			v = lookup(stack, depth, name, nd->len);
			if (!truthy(v) && render(set, t, i + 1, nd->end, stack, depth, nest + 1, out))
				return -1;
			i = nd->end - 1;
			break;
		case N_SECTION:
			v = lookup(stack, depth, name, nd->len);
			if (truthy(v)) {
				if (depth >= TMPL_MAX_DEPTH)
					return -1;
				if (json_is_array(v)) {
					size_t k;
					const json_t *item;
					json_array_foreach(v, k, item) {
						stack[depth] = item;
						if (render(set, t, i + 1, nd->end, stack, depth + 1, nest + 1, out))
							return -1;
					}
				} else {
					stack[depth] = v;
					if (render(set, t, i + 1, nd->end, stack, depth + 1, nest + 1, out))
						return -1;
				}
			}
			i = nd->end - 1;
			break;
		}
	}
	return out->overflow ? -1 : 0;
}

int tmpl_render(const struct tmpl_set *set, const char *name, const json_t *ctx,
		struct buf *out)
{
	const struct tmpl *t = find(set, name, strlen(name));
	const json_t *stack[TMPL_MAX_DEPTH + 1];

	if (!t)
		return -1;
	stack[0] = ctx;
	return render(set, t, 0, t->n, stack, 1, 0, out);
}

void tmpl_set_release(struct tmpl_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		free(set->t[i].name);
		free(set->t[i].src);
		free(set->t[i].nodes);
	}
	free(set->t);
	set->t = NULL;
	set->n = 0;
}
