/*
 * Secrets every node of one database uses alike, made once: the first node
 * to ask stores a random one, every node after reads that.
 */
#ifndef TURNOUT_AUTH_SECRET_H
#define TURNOUT_AUTH_SECRET_H

#include <stddef.h>

#include "db/db.h"

#define SECRET_BYTES 32

/* The secret called name into out: 0, or -1 when the store failed. */
int secret_get(struct db *db, const char *name, unsigned char out[SECRET_BYTES]);

#endif
