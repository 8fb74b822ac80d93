/*
 * What national admins change, as stored: roles (each change in one
 * transaction with its audit row, and the end of the person's sessions
 * when a role is lost), local groups, API tokens, and the retention period
 * with the job that erases people inactive past it.  Functions return 1
 * (done), 0 (no such row) or -1 (store error, nothing written); those
 * taking fn call it once a row, in order.
 */
#ifndef TURNOUT_ADMIN_STORE_H
#define TURNOUT_ADMIN_STORE_H

#include <pthread.h>
#include <stddef.h>

#include "db/db.h"
#include "groups/store.h"
#include "people/people.h"

#define GROUP_SEATS_MAX 20
#define GROUP_NAME_MAX	100

struct admin_person {
	long id;
	const char *name, *email, *groups; /* valid during fn; groups may be NULL */
	int admin;
	long long last_active_at;
};
/* Everyone, by name (at most 1,000). */
int admin_people(struct db *db, void (*fn)(const struct admin_person *p, void *arg), void *arg);
int admin_set(struct db *db, long actor, long person_id, int on);
/* The first admin, from the command line: p made an admin (created when no
 * account has its email; p->id set either way).  1 when the account
 * existed, 0 when made, -1. */
int admin_bootstrap(struct db *db, struct person *p);
/* Sets a person's role in a group, ending their sessions if they were its
 * organiser and are no longer; role_name goes in the audit row. */
int admin_set_group_role(struct db *db, long actor, long person_id, long group_id,
			 enum group_role role, const char *role_name);
/* A new group covering the seats: 1 and *group_id, -1 (e.g. the name is taken). */
int admin_group_create(struct db *db, long actor, const char *name, const char *const *seats,
		       size_t nseats, long *group_id);

struct api_token_row {
	long id;
	const char *name; /* valid during fn */
	unsigned scopes;
	int revoked;
};
int admin_tokens(struct db *db, void (*fn)(const struct api_token_row *t, void *arg), void *arg);
int admin_token_create(struct db *db, long actor, const char *name, const char *hash,
		       unsigned scopes);
int admin_token_revoke(struct db *db, long actor, long token_id);

struct audit_row {
	long id, actor_id, subject_id;
	long long at;
	const char *action, *detail; /* valid during fn; detail may be NULL */
};
/* Up to max rows before id `before`, newest first. */
int admin_audit(struct db *db, long before, int max,
		void (*fn)(const struct audit_row *r, void *arg), void *arg);

/* The retention period in days (0: none) from settings, else env_default. */
long retention_days(struct db *db, long env_default);
int retention_set(struct db *db, long actor, long days);
/* Erases people inactive past the retention period; the count, or -1. */
long retention_run(struct db *db, long env_default);

/*
 * Erases volunteers inactive past the retention period: once at start-up,
 * then hourly, on a thread of its own with its own connection.
 */
struct retention_job {
	char db_path[1024];
	long env_default;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop;
};

void retention_start(struct retention_job *job, const char *db_path, long env_default);
void retention_stop(struct retention_job *job);

#endif
