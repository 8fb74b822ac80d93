/*
 * A volunteer is told, once, 30 days before a completion runs out (the
 * safeguarding module every year, say), so the roles it opens stay open:
 * a thread of its own looks every TURNOUT_TRAINING_INTERVAL seconds
 * (default 3600).
 */
#ifndef TURNOUT_TRAINING_KEEPER_H
#define TURNOUT_TRAINING_KEEPER_H

struct app;
struct db;
struct keeper;

/* One pass: how many were reminded, or -1. */
long training_keep(struct app *app, struct db *db, long long now);

/* Starts k (app.h's keeper: keeper_stop() ends it). */
int training_keeper_start(struct keeper *k, struct app *app);

#endif
