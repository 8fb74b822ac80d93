/*
 * That every idea gets an answer: its authors and supporters are told of
 * each change (ideas_tell), and a thread of its own, every
 * TURNOUT_IDEAS_INTERVAL seconds (default 60), closes the open ideas whose
 * time has run out, telling them why, and asks the organisers for the next
 * step of each idea whose deliberation has closed.
 */
#ifndef TURNOUT_IDEAS_KEEPER_H
#define TURNOUT_IDEAS_KEEPER_H

struct app;
struct db;
struct keeper;

/* Queues, on db (inside the caller's transaction when one is open), a mail
 * to each of the idea's authors and supporters: subject, then text and a
 * link to the idea.  0, or -1. */
int ideas_tell(struct app *app, struct db *db, long idea_id, const char *subject, const char *text);

/* One pass: closes the ideas due and follows up the deliberations over,
 * telling those concerned; how many ideas were dealt with, or -1. */
long ideas_keep(struct app *app, struct db *db, long long now);

/* Starts k (app.h's keeper: keeper_stop() ends it): 0, or -1. */
int ideas_keeper_start(struct keeper *k, struct app *app);

#endif
