#include "auth/secret.h"

#include <sodium.h>
#include <string.h>

/* The stored secret into out: 1, 0 when there is none yet, -1. */
static int secret_read(struct db *db, const char *name, unsigned char out[SECRET_BYTES])
{
	struct db_stmt *get = db_cached(db, "SELECT value FROM node_secrets WHERE name = ?");
	size_t n = 0;
	db_bind_str(get, 1, name);
	int rc = db_one(get);
	if (rc == 1) {
		const char *v = db_col_text(get, 0);
		if (!v || strlen(v) != 2 * SECRET_BYTES ||
		    sodium_hex2bin(out, SECRET_BYTES, v, strlen(v), NULL, &n, NULL) ||
		    n != SECRET_BYTES)
			rc = -1;
		db_reset(get);
	}
	return rc;
}

int secret_get(struct db *db, const char *name, unsigned char out[SECRET_BYTES])
{
	unsigned char fresh[SECRET_BYTES];
	char hex[2 * SECRET_BYTES + 1];
	int rc = secret_read(db, name, out);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	/* of nodes starting together the first insert wins; all read it back */
	randombytes_buf(fresh, sizeof(fresh));
	sodium_bin2hex(hex, sizeof(hex), fresh, sizeof(fresh));
	struct db_stmt *put = db_cached(db, "INSERT INTO node_secrets (name, value) VALUES (?, ?)"
					    " ON CONFLICT (name) DO NOTHING");
	db_binds(put, 1, DB_STR(name), DB_STR(hex));
	rc = db_done(put) || secret_read(db, name, out) != 1 ? -1 : 0;
	sodium_memzero(fresh, sizeof(fresh));
	sodium_memzero(hex, sizeof(hex));
	return rc;
}
