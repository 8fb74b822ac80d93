/*
 * Keeps every conversation's opinion map current: a thread of its own
 * looks every TURNOUT_MAP_INTERVAL seconds (default 2) for conversations
 * whose votes have moved since their map and recomputes each from a read
 * of its votes, so voting never waits on the maths.  Each run starts from
 * the last one's state (components, k, group centres), so the picture
 * moves smoothly as votes arrive.
 */
#ifndef TURNOUT_OPINION_MAPPER_H
#define TURNOUT_OPINION_MAPPER_H

#include "util/ticker.h"

struct db;

struct opinion_mapper {
	char db_path[1024];
	struct db *db; /* the ticker thread's own connection */
	struct ticker ticker;
};

/* Computes and stores one conversation's map now: 1 stored, 0 no such
 * conversation, -1 a store error. */
int opinion_map_refresh(struct db *db, long conversation_id, long long now);
/* One pass over the conversations due: how many were mapped, or -1. */
long opinion_maps_refresh(struct db *db, long long now);

/* 0, or -1 when the thread could not start. */
int opinion_mapper_start(struct opinion_mapper *m, const char *db_path);
void opinion_mapper_stop(struct opinion_mapper *m);

#endif
