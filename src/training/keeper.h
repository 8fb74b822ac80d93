/*
 * A volunteer is told, once, 30 days before a completion runs out (the
 * safeguarding module every year, say), so the roles it opens stay open:
 * a thread of its own looks every TURNOUT_TRAINING_INTERVAL seconds
 * (default 3600).
 */
#ifndef TURNOUT_TRAINING_KEEPER_H
#define TURNOUT_TRAINING_KEEPER_H

#include "util/ticker.h"

struct app;
struct db;

/* One pass: how many were reminded, or -1. */
long training_keep(struct app *app, struct db *db, long long now);

struct training_keeper {
	struct app *app;
	struct db *db; /* the ticker thread's own connection */
	struct ticker ticker;
};
int training_keeper_start(struct training_keeper *k, struct app *app);
void training_keeper_stop(struct training_keeper *k);

#endif
