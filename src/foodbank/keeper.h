/*
 * The food banks' keeper, a thread of its own (every
 * TURNOUT_FOODBANK_INTERVAL seconds, default 10, at most 60, so a late
 * drop-out reaches the standby list within a minute):
 *   - each late drop-out not yet told goes at once to the collection's
 *     standby list (to the organisers when the list is empty); one still
 *     not covered TURNOUT_STANDBY_MINUTES later (60) goes to the organisers;
 *   - once a day each series is checked: its coming TURNOUT_SERIES_WEEKS
 *     (8) are made if missing, and the organisers are told, once, when
 *     they cannot be or the series is about to end;
 *   - when TURNOUT_NEEDS_FEED names a file or an http(s) address, the
 *     needs feed is read from it every TURNOUT_NEEDS_FEED_HOURS (24).
 */
#ifndef TURNOUT_FOODBANK_KEEPER_H
#define TURNOUT_FOODBANK_KEEPER_H

#include <stddef.h>

struct app;
struct db;
struct keeper;

struct keep_counts {
	long standby_told, escalated, series_checked, collections_made, organisers_warned;
};
/* One pass at instant now: 0 and what it did, or -1 (logged). */
int foodbank_keep(struct app *app, struct db *db, long long now, struct keep_counts *out);
/* Weeks of a series kept made ahead. */
long series_horizon_s(void);

struct needs_report {
	long rows, applied, unknown, bad;
	char first_bad[512]; /* the first few bad rows, "line 4: why; …" */
};
/* Reads a needs feed (buf, n bytes) and applies each good row in one
 * transaction: 0 and *rep, or -1 with why in err (nothing applied). */
int needs_import(struct db *db, const char *buf, size_t n, long long now, struct needs_report *rep,
		 char *err, size_t cap);
/* The feed at src (a file path, or an http/https address) into *out
 * (buf_release() it): 0, or -1 with why in err. */
struct buf;
int needs_fetch(const char *src, struct buf *out, char *err, size_t cap);

/* Starts k (app.h's keeper), the one this process pokes. */
int foodbank_keeper_start(struct keeper *k, struct app *app);
/* A drop-out was just recorded: the keeper looks now, not at its next
 * interval (the one keeper this process started; nothing without one). */
void foodbank_keeper_poke(void);
void foodbank_keeper_stop(struct keeper *k);

#endif
