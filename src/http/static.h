/*
 * Static assets (CSS, icons), read into memory once at start-up.  Only
 * names found in the folder then can ever be served, so no request path
 * reaches the file system and traversal is impossible by construction.
 */
#ifndef TURNOUT_STATIC_H
#define TURNOUT_STATIC_H

#include <stddef.h>

#include "http/server.h"

#define STATIC_MAX_FILE (2u << 20)

struct static_file {
	char *name, *data;
	size_t len;
	const char *type;
	char etag[24];
};

struct static_files {
	size_t n;
	struct static_file *f;
};

/* Loads every regular file named [A-Za-z0-9._-]+ in dir; 0 or -1 with err. */
int static_load_dir(struct static_files *s, const char *dir, char *err, size_t errlen);
const struct static_file *static_find(const struct static_files *s, const char *name);
void static_release(struct static_files *s);
/* Content type by file extension; application/octet-stream when unknown. */
const char *static_type(const char *name);

#endif
