/*
 * Target campaigns as stored: seats, a goal in volunteer-hours, a
 * deadline, and progress rolled up from the sign-ups (hours pledged) and
 * attendance (hours attended) of sessions in its seats before the
 * deadline.  Functions return 1 or -1 (0 when nothing matched); those
 * taking fn call it once a row, in order.
 */
#ifndef TURNOUT_CAMPAIGNS_STORE_H
#define TURNOUT_CAMPAIGNS_STORE_H

#include <stddef.h>
#include <time.h>

#include "db/db.h"

#define CAMPAIGN_SEATS_MAX 20

struct campaign {
	long id;
	const char *name, *opponent; /* valid during fn; opponent may be NULL */
	const char *group;	     /* the group that set it; NULL for a national one */
	double goal_hours, pledged_hours, attended_hours;
	int priority;
	time_t deadline;
	size_t nseats;
	char seats[CAMPAIGN_SEATS_MAX][12];
};
/* Every campaign (only = 0) or one, by deadline. */
int campaigns_each(struct db *db, long only, void (*fn)(const struct campaign *c, void *arg),
		   void *arg);

struct campaign_new {
	const char *name, *opponent; /* opponent NULL or "" for none */
	long goal_hours, priority, created_by;
	long group_id; /* 0: national */
	time_t deadline;
	size_t nseats;
	const char *const *seats;
};
/* Saves a campaign with its seats and audit row: 1 and *id, -1. */
int campaign_create(struct db *db, const struct campaign_new *c, long *id);

/* Hours pledged in upcoming published sessions in a seat. */
double seat_pledged_hours(struct db *db, const char *seat, time_t now);
/* The goal of the live campaigns naming a seat, and how many there are. */
int seat_campaign_goal(struct db *db, const char *seat, time_t now, double *goal, long *n);

#endif
