/*
 * That every idea gets an answer: its authors and supporters are told of
 * each change (ideas_tell), and a thread of its own, every
 * TURNOUT_IDEAS_INTERVAL seconds (default 60), closes the open ideas whose
 * time has run out, telling them why, and asks the organisers for the next
 * step of each idea whose deliberation has closed.
 */
#ifndef TURNOUT_IDEAS_KEEPER_H
#define TURNOUT_IDEAS_KEEPER_H

#include "util/ticker.h"

struct app;
struct db;

/* Queues, on db (inside the caller's transaction when one is open), a mail
 * to each of the idea's authors and supporters: subject, then text and a
 * link to the idea.  0, or -1. */
int ideas_tell(struct app *app, struct db *db, long idea_id, const char *subject, const char *text);

/* One pass: closes the ideas due and follows up the deliberations over,
 * telling those concerned; how many ideas were dealt with, or -1. */
long ideas_keep(struct app *app, struct db *db, long long now);

struct ideas_keeper {
	struct app *app;
	struct db *db; /* the ticker thread's own connection */
	struct ticker ticker;
};
/* 0, or -1 when the thread could not start. */
int ideas_keeper_start(struct ideas_keeper *k, struct app *app);
void ideas_keeper_stop(struct ideas_keeper *k);

#endif
