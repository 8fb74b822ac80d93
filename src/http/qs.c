#include "http/qs.h"

#include <string.h>

#include "util/utf8.h"

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

long url_decode(const char *s, size_t n, char *out, int plus_is_space)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			int hi, lo;
			if (n - i < 3)
				return -1;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = (char)(hi * 16 + lo);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		if (c == '\0')
			return -1;
		out[m++] = c;
	}
	out[m] = '\0';
	return (long)m;
}

int qs_parse(struct qs *q, struct arena *a, const char *s, size_t n)
{
	size_t i = 0;

	q->n = 0;
	while (i < n) {
		size_t end = i, eq = (size_t)-1;
		while (end < n && s[end] != '&') {
			if (s[end] == '=' && eq == (size_t)-1)
				eq = end;
			end++;
		}
		if (end > i) {
			size_t klen = (eq == (size_t)-1 ? end : eq) - i;
			size_t vstart = eq == (size_t)-1 ? end : eq + 1;
			size_t vlen = end - vstart;
			if (q->n == QS_MAX_PAIRS)
				goto fail;
			char *k = arena_alloc(a, klen + 1), *v = arena_alloc(a, vlen + 1);
			long kl = url_decode(s + i, klen, k, 1);
			long vl = url_decode(s + vstart, vlen, v, 1);
			/* every text input is UTF-8, or refused whole */
			if (kl < 0 || vl < 0 || !utf8_valid(k, (size_t)kl) || !utf8_valid(v, (size_t)vl))
				goto fail;
			q->pairs[q->n].key = k;
			q->pairs[q->n].value = v;
			q->pairs[q->n].value_len = (size_t)vl;
			q->n++;
		}
		i = end + 1;
	}
	return 0;
fail:
	q->n = 0;
	return -1;
}

const char *qs_get(const struct qs *q, const char *key)
{
	for (size_t i = 0; i < q->n; i++)
		if (strcmp(q->pairs[i].key, key) == 0)
			return q->pairs[i].value;
	return NULL;
}

const char *url_encode(struct arena *a, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = arena_alloc(a, 3 * strlen(s) + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 15];
		}
	}
	*o = '\0';
	return out;
}
