/*
 * Files kept outside the database, named by the SHA-256 of their bytes
 * (the same bytes put twice are one file).  A row in the database names a
 * blob by its hash; the blob is written, durably, before the row that
 * names it, so a row never points at nothing.  Here a folder on local
 * disk (for several nodes, a folder all of them mount: docs/operations.md);
 * the features see only these calls, whatever the database backend.
 */
#ifndef TURNOUT_BLOBS_H
#define TURNOUT_BLOBS_H

#include <stddef.h>

#include "util/buf.h"

#define BLOB_HASH_LEN 64 /* hex SHA-256 */

struct blobs {
	char dir[1024];
};

/* Opens (making it, mode 0700, when missing) the folder dir: 0, or -1
 * with why in err. */
int blobs_open(struct blobs *b, const char *dir, char *err, size_t errlen);
/* Opens the store of the database at db_path: TURNOUT_FILES when set,
 * else db_path + ".files" beside it (var/files for PostgreSQL: several
 * nodes share one folder by TURNOUT_FILES).  As blobs_open(). */
int blobs_open_for(struct blobs *b, const char *db_path, char *err, size_t errlen);
/* Stores n bytes and writes their hash into hash: 0, or -1 (logged).  A
 * blob already there is touched, so a sweep leaves it for its new row. */
int blob_put(const struct blobs *b, const void *data, size_t n, char hash[BLOB_HASH_LEN + 1]);
/* The blob hash into out (inited by the caller with its cap): 1, 0 when
 * there is none (or hash is not a hash), -1. */
int blob_get(const struct blobs *b, const char *hash, struct buf *out);
/*
 * Removes the blobs no row names: those in_use(hash) says 0 of (1 keeps
 * one, -1 stops the sweep) and not written or touched since before (a
 * blob is written before its row, so one put a moment ago is left for its
 * row to name).  How many went, or -1.
 */
long blobs_sweep(const struct blobs *b, long long before,
		 int (*in_use)(const char *hash, void *arg), void *arg);
/* 1 when s is BLOB_HASH_LEN lower-case hex digits. */
int blob_hash_ok(const char *s);

#endif
