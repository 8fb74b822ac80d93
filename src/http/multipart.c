#include "http/multipart.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/utf8.h"

/* The boundary parameter of a multipart/form-data content type. */
static int boundary_of(const char *ct, char *out, size_t cap)
{
	static const char kind[] = "multipart/form-data";
	if (!ct || strncasecmp(ct, kind, sizeof(kind) - 1))
		return -1;
	const char *p = strcasestr(ct, "boundary=");
	if (!p)
		return -1;
	p += 9;
	size_t n = 0;
	int quoted = *p == '"';
	p += quoted;
	while (p[n] && (quoted ? p[n] != '"' : p[n] != ';' && p[n] != ' '))
		n++;
	if (!n || n > MULTIPART_BOUNDARY_MAX || n + 1 > cap || (quoted && p[n] != '"'))
		return -1;
	memcpy(out, p, n);
	out[n] = 0;
	return 0;
}

/* The value of param (name or filename) in a Content-Disposition line of
 * len bytes, into the arena: NULL when it has none. */
static const char *param_of(struct arena *a, const char *line, size_t len, const char *param)
{
	size_t pl = strlen(param);
	for (size_t i = 0; i + pl + 2 <= len; i++) {
		/* "; name=" and not "; filename=" for name */
		if ((i == 0 || line[i - 1] == ' ' || line[i - 1] == ';') &&
		    !strncasecmp(line + i, param, pl) && line[i + pl] == '=') {
			const char *v = line + i + pl + 1, *end = line + len;
			if (v < end && *v == '"') {
				const char *q = memchr(v + 1, '"', (size_t)(end - v - 1));
				return q ? arena_strndup(a, v + 1, (size_t)(q - v - 1)) : NULL;
			}
			const char *e = v;
			while (e < end && *e != ';' && *e != ' ')
				e++;
			return arena_strndup(a, v, (size_t)(e - v));
		}
	}
	return NULL;
}

static int text_ok(const char *s, size_t n)
{
	return !memchr(s, 0, n) && utf8_valid(s, n);
}

int multipart_parse(const char *content_type, const char *body, size_t n, struct arena *a,
		    struct qs *fields, struct multipart_file *file, char *why, size_t cap)
{
	char b[MULTIPART_BOUNDARY_MAX + 1], delim[MULTIPART_BOUNDARY_MAX + 5];
	const char *err = "the form's body is not multipart/form-data";
	const char *p = body, *end = body + n;

	fields->n = 0;
	memset(file, 0, sizeof(*file));
	if (boundary_of(content_type, b, sizeof(b)))
		goto fail;
	/* every part after the first starts CRLF "--" boundary */
	size_t dl = (size_t)snprintf(delim, sizeof(delim), "\r\n--%s", b);
	if (n < dl - 2 || memcmp(p, delim + 2, dl - 2)) {
		err = "the form's body does not start with its boundary";
		goto fail;
	}
	p += dl - 2;
	for (;;) {
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break; /* the closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n') {
			err = "the form's body is cut short";
			goto fail;
		}
		p += 2;
		const char *hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hend || hend - p > MULTIPART_HEAD_MAX) {
			err = "a part of the form has no end to its headers";
			goto fail;
		}
		const char *name = NULL, *filename = NULL;
		for (const char *l = p; l < hend;) {
			const char *le = memmem(l, (size_t)(hend - l) + 2, "\r\n", 2);
			size_t ll = (size_t)(le - l);
			static const char cd[] = "Content-Disposition:";
			if (ll > sizeof(cd) - 1 && !strncasecmp(l, cd, sizeof(cd) - 1)) {
				name =
				    param_of(a, l + sizeof(cd) - 1, ll - (sizeof(cd) - 1), "name");
				filename = param_of(a, l + sizeof(cd) - 1, ll - (sizeof(cd) - 1),
						    "filename");
			}
			l = le + 2;
		}
		const char *data = hend + 4;
		const char *dend = memmem(data, (size_t)(end - data), delim, dl);
		if (!dend) {
			err = "the form's body is cut short";
			goto fail;
		}
		size_t len = (size_t)(dend - data);
		if (!name || !*name || !text_ok(name, strlen(name))) {
			err = "a part of the form has no name";
			goto fail;
		}
		if (filename) {
			if (file->present) {
				err = "send one file at a time";
				goto fail;
			}
			if (!text_ok(filename, strlen(filename))) {
				err = "the file's name is not text";
				goto fail;
			}
			*file = (struct multipart_file){ name, filename, data, len, 1 };
		} else {
			if (fields->n == QS_MAX_PAIRS) {
				err = "the form has too many fields";
				goto fail;
			}
			if (!text_ok(data, len)) {
				err = "a field of the form is not text";
				goto fail;
			}
			fields->pairs[fields->n].key = name;
			fields->pairs[fields->n].value = arena_strndup(a, data, len);
			fields->pairs[fields->n++].value_len = len;
		}
		p = dend + dl;
	}
	return 0;
fail:
	fields->n = 0;
	memset(file, 0, sizeof(*file));
	snprintf(why, cap, "%s", err);
	return -1;
}
