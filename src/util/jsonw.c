#include "util/jsonw.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

void jw_init(struct jw *w, struct buf *b)
{
	w->b = b;
	w->depth = 0;
	w->has_item = 0;
	w->after_key = 0;
}

static void item(struct jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->has_item & (1u << w->depth))
		buf_putc(w->b, ',');
	w->has_item |= 1u << w->depth;
}

static void open(struct jw *w, char c)
{
	item(w);
	buf_putc(w->b, c);
	assert(w->depth + 1 < JW_MAX_DEPTH);
	w->depth++;
	w->has_item &= ~(1u << w->depth);
}

static void close(struct jw *w, char c)
{
	assert(w->depth > 0);
	w->depth--;
	buf_putc(w->b, c);
}

void jw_obj(struct jw *w) { open(w, '{'); }
void jw_obj_end(struct jw *w) { close(w, '}'); }
void jw_arr(struct jw *w) { open(w, '['); }
void jw_arr_end(struct jw *w) { close(w, ']'); }

void json_escape(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
			continue;
		buf_put(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': buf_put(b, "\\\"", 2); break;
		case '\\': buf_put(b, "\\\\", 2); break;
		case '\n': buf_put(b, "\\n", 2); break;
		case '\r': buf_put(b, "\\r", 2); break;
		case '\t': buf_put(b, "\\t", 2); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			buf_put(b, u, 6);
		}
		}
	}
	buf_put(b, s + run, n - run);
}

void jw_key(struct jw *w, const char *key)
{
	item(w);
	buf_putc(w->b, '"');
	json_escape(w->b, key, strlen(key));
	buf_put(w->b, "\":", 2);
	w->after_key = 1;
}

void jw_strn(struct jw *w, const char *s, size_t n)
{
	item(w);
	buf_putc(w->b, '"');
	json_escape(w->b, s, n);
	buf_putc(w->b, '"');
}

void jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s, strlen(s));
}

void jw_str_or_null(struct jw *w, const char *s)
{
	if (s)
		jw_str(w, s);
	else
		jw_null(w);
}

void jw_int(struct jw *w, long long v)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	item(w);
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	buf_put(w->b, p, (size_t)(tmp + sizeof(tmp) - p));
}

void jw_num(struct jw *w, double v, int digits)
{
	static const double scale[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8 };
	char tmp[48], *p = tmp + sizeof(tmp);

	if (!isfinite(v) || digits < 0 || digits > 8 || fabs(v) >= 1e15) {
		if (!isfinite(v)) {
			jw_null(w);
			return;
		}
		item(w);
		buf_printf(w->b, "%.*g", 17, v);
		return;
	}
	/* fixed point by hand: printf's %f is the hot path's biggest cost */
	item(w);
	int neg = v < 0;
	unsigned long long u = (unsigned long long)llround(fabs(v) * scale[digits]);
	unsigned long long whole = u / (unsigned long long)scale[digits];
	unsigned long long frac = u % (unsigned long long)scale[digits];
	int d = digits;
	while (d > 0 && frac % 10 == 0) {
		frac /= 10;
		d--;
	}
	for (int i = 0; i < d; i++) {
		*--p = (char)('0' + frac % 10);
		frac /= 10;
	}
	if (d > 0)
		*--p = '.';
	do {
		*--p = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole);
	if (neg && u != 0)
		*--p = '-';
	buf_put(w->b, p, (size_t)(tmp + sizeof(tmp) - p));
}

void jw_bool(struct jw *w, int v)
{
	item(w);
	buf_puts(w->b, v ? "true" : "false");
}

void jw_null(struct jw *w)
{
	item(w);
	buf_put(w->b, "null", 4);
}

void jw_key_str(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str(w, s);
}

void jw_key_str_or_null(struct jw *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_str_or_null(w, s);
}

void jw_key_int(struct jw *w, const char *key, long long v)
{
	jw_key(w, key);
	jw_int(w, v);
}

void jw_key_num(struct jw *w, const char *key, double v, int digits)
{
	jw_key(w, key);
	jw_num(w, v, digits);
}

void jw_key_bool(struct jw *w, const char *key, int v)
{
	jw_key(w, key);
	jw_bool(w, v);
}
