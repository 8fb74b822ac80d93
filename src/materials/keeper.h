/*
 * The library's files no version names any more (a material removed, an
 * upload whose row failed) are removed from the blob store: a thread of
 * its own looks every TURNOUT_FILES_SWEEP_INTERVAL seconds (default 3600)
 * and removes those untouched for an hour, so a removed photo is gone from
 * the disk within two hours.
 */
#ifndef TURNOUT_MATERIALS_KEEPER_H
#define TURNOUT_MATERIALS_KEEPER_H

struct app;
struct db;
struct keeper;

#define FILES_GRACE_S 3600 /* a blob younger than this may be about to get its row */

/* One pass: how many files went, or -1. */
long materials_sweep(struct app *app, struct db *db, long long now);

/* Starts k (app.h's keeper: keeper_stop() ends it). */
int materials_keeper_start(struct keeper *k, struct app *app);

#endif
