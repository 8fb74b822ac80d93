#include "campaigns/store.h"

#include <stdio.h>
#include <string.h>

#include "auth/audit.h"

int campaigns_each(struct db *db, long only, void (*fn)(const struct campaign *c, void *arg),
		   void *arg)
{
	struct db_stmt *st = db_cached(
	    db, "SELECT c.id, c.name, c.opponent, c.goal_hours, c.priority, c.deadline,"
		" (SELECT coalesce(sum((s.ends_at - s.starts_at) / 3600.0), 0) FROM signups g"
		"  JOIN slots s ON s.id = g.slot_id JOIN events e ON e.id = s.event_id"
		"  JOIN campaign_seats x ON x.seat = e.seat AND x.campaign_id = c.id"
		"  WHERE g.status = 'going' AND e.starts_at BETWEEN c.created_at AND c.deadline),"
		" (SELECT coalesce(sum((s.ends_at - s.starts_at) / 3600.0), 0) FROM signups g"
		"  JOIN slots s ON s.id = g.slot_id JOIN events e ON e.id = s.event_id"
		"  JOIN campaign_seats x ON x.seat = e.seat AND x.campaign_id = c.id"
		"  WHERE g.attended = 1 AND e.starts_at BETWEEN c.created_at AND c.deadline)"
		", g.name FROM campaigns c LEFT JOIN local_groups g ON g.id = c.group_id"
		" WHERE (? = 0 OR c.id = ?) ORDER BY c.deadline");
	struct db_stmt *seats =
	    db_cached(db, "SELECT seat FROM campaign_seats WHERE campaign_id = ?"
			  " ORDER BY seat");
	int rc;
	db_binds(st, 1, DB_INT(only), DB_INT(only));
	while (db_next(st, &rc)) {
		struct campaign c = {
			.id = (long)db_col_int(st, 0),
			.name = db_col_text(st, 1),
			.opponent = db_col_text(st, 2),
			.goal_hours = db_col_double(st, 3),
			.priority = (int)db_col_int(st, 4),
			.deadline = (time_t)db_col_int(st, 5),
			.pledged_hours = db_col_double(st, 6),
			.attended_hours = db_col_double(st, 7),
			.group = db_col_text(st, 8),
		};
		db_bind_int(seats, 1, c.id);
		while (c.nseats < CAMPAIGN_SEATS_MAX && db_step(seats) == DB_ROW)
			db_col_copy(seats, 0, c.seats[c.nseats++], sizeof(c.seats[0]));
		db_reset(seats);
		fn(&c, arg);
	}
	return rc;
}

int campaign_create(struct db *db, const struct campaign_new *c, long *id)
{
	struct db_stmt *ins = db_cached(db, "INSERT INTO campaigns (name, opponent, goal_hours,"
					    " priority, deadline, created_by, created_at, group_id)"
					    " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	struct db_stmt *seat = db_cached(db, "INSERT INTO campaign_seats VALUES (?, ?)"
					     " ON CONFLICT DO NOTHING");
	char detail[32];

	if (db_begin(db))
		return -1;
	db_binds(ins, 1, DB_STR(c->name), DB_STR(c->opponent && *c->opponent ? c->opponent : NULL),
		 DB_INT(c->goal_hours), DB_INT(c->priority), DB_INT(c->deadline),
		 DB_INT(c->created_by), DB_INT(time(NULL)), DB_ID(c->group_id));
	if (db_one(ins) != 1)
		goto fail;
	*id = (long)db_col_int(ins, 0);
	db_reset(ins);
	for (size_t i = 0; i < c->nseats; i++) {
		db_binds(seat, 1, DB_INT(*id), DB_STR(c->seats[i]));
		if (db_done(seat))
			goto fail;
	}
	snprintf(detail, sizeof(detail), "campaign %ld", *id);
	if (audit_write(db, c->created_by, "campaign.create", 0, detail) || db_commit(db))
		goto fail;
	return 1;
fail:
	db_rollback(db);
	return -1;
}

double seat_pledged_hours(struct db *db, const char *seat, time_t now)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT coalesce(sum((s.ends_at - s.starts_at) / 3600.0), 0)"
			  " FROM events e JOIN slots s ON s.event_id = e.id"
			  " JOIN signups g ON g.slot_id = s.id WHERE e.seat = ?"
			  " AND e.status = 'published' AND e.starts_at > ?"
			  " AND g.status = 'going'");
	double h = 0;
	db_binds(st, 1, DB_STR(seat), DB_INT(now));
	if (db_one(st) == 1) {
		h = db_col_double(st, 0);
		db_reset(st);
	}
	return h;
}

int seat_campaign_goal(struct db *db, const char *seat, time_t now, double *goal, long *n)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT coalesce(sum(c.goal_hours), 0), count(*)"
			  " FROM campaign_seats cs JOIN campaigns c"
			  " ON c.id = cs.campaign_id WHERE cs.seat = ? AND c.deadline > ?");
	db_binds(st, 1, DB_STR(seat), DB_INT(now));
	*goal = 0;
	*n = 0;
	int rc = db_one(st);
	if (rc == 1) {
		*goal = db_col_double(st, 0);
		*n = (long)db_col_int(st, 1);
		db_reset(st);
	}
	return rc;
}
