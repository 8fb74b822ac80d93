#include "http/static.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"
#include "util/mem.h"

const char *static_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".html", "text/html; charset=utf-8" },
		{ ".webmanifest", "application/manifest+json" },
	};
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

static int safe_name(const char *s)
{
	if (!*s || *s == '.')
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

/* FNV-1a: a validator for If-None-Match, not a security measure. */
static unsigned long long fnv(const char *p, size_t n)
{
	unsigned long long h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

int static_load_dir(struct static_files *s, const char *dir, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	if (!d) {
		snprintf(err, errlen, "%s: cannot open the static folder", dir);
		return -1;
	}
	while (rc == 0 && (e = readdir(d))) {
		char path[1024];
		struct buf b;
		if (!safe_name(e->d_name) || e->d_type != DT_REG)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		buf_init(&b, STATIC_MAX_FILE);
		if (file_read_all(path, &b, err, errlen)) {
			buf_release(&b);
			rc = -1;
			break;
		}
		s->f = xrealloc(s->f, (s->n + 1) * sizeof(*s->f));
		struct static_file *f = &s->f[s->n++];
		f->name = xstrdup(e->d_name);
		f->data = buf_detach(&b, &f->len);
		f->type = static_type(f->name);
		snprintf(f->etag, sizeof(f->etag), "\"%016llx\"", fnv(f->data, f->len));
	}
	closedir(d);
	return rc;
}

const struct static_file *static_find(const struct static_files *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->f[i].name, name) == 0)
			return &s->f[i];
	return NULL;
}

void static_release(struct static_files *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->f[i].name);
		free(s->f[i].data);
	}
	free(s->f);
	memset(s, 0, sizeof(*s));
}
