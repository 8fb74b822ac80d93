/*
 * National admins: people and their roles, local groups, the retention
 * period, and the audit log.  Every handler here needs a strong admin
 * session (auth/policy.c); every view of people's data is audited.
 */
#ifndef TURNOUT_ADMIN_H
#define TURNOUT_ADMIN_H

#include <pthread.h>
#include <stddef.h>

#include "db/db.h"
#include "http/server.h"

extern const struct http_route admin_routes[];
extern const size_t admin_nroutes;

/* The retention period in days (0: none) from settings or the environment. */
long retention_days(struct db *db, long env_default);
/* Erases people inactive past the retention period; the count, or -1. */
long retention_run(struct db *db, long env_default);

/*
 * Erases volunteers inactive past the retention period: once at start-up,
 * then hourly, on a thread of its own with its own connection.
 */
struct app;
struct retention_job {
	struct app *app;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop;
};

void retention_start(struct retention_job *job, struct app *app);
void retention_stop(struct retention_job *job);

#endif
