/*
 * Reminders by email 24 hours and 2 hours before a slot, each sent exactly
 * once even across restarts: the message is written under a stable id
 * first (a resend replaces it), then recorded as sent.  A thread of its own
 * runs the check every TURNOUT_REMINDER_INTERVAL seconds (default 60).
 */
#ifndef TURNOUT_REMINDERS_H
#define TURNOUT_REMINDERS_H

#include "util/ticker.h"

struct app;
struct db;

struct reminders {
	struct app *app;
	struct db *db; /* the ticker thread's own connection */
	struct ticker ticker;
};

void reminders_start(struct reminders *r, struct app *app);
void reminders_stop(struct reminders *r);
/* One pass, now: the number of reminders sent, or -1. */
long reminders_run(struct app *app, struct db *db);

#endif
