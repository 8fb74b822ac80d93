#include "events/signup_writer.h"

#include <string.h>
#include <time.h>


/*
 * The slot's session row, held until the batch commits: a cancellation, a
 * move or another node's sign-up to it waits, or this waits for theirs and
 * then reads what they did (each statement reads what was committed before
 * it began).  SQLite's one writer gives the same order by itself.
 */
static int hold_session(struct db *db, long slot)
{
	struct db_stmt *st = db_cached(db, "UPDATE events SET status = status"
					   " WHERE id = (SELECT event_id FROM slots WHERE id = ?)");
	db_bind_int(st, 1, slot);
	return db_done(st);
}

static int slot_state(struct db *db, long slot, long *capacity, long *going, int *open)
{
	if (hold_session(db, slot))
		return -1;
	struct db_stmt *st = db_cached(db, "SELECT s.capacity, s.going, e.status = 'published'"
					   " AND e.awaiting_approval = 0 AND e.draft = 0 AND s.ends_at > ? FROM slots s"
					   " JOIN events e ON e.id = s.event_id WHERE s.id = ?");
	db_binds(st, 1, DB_INT(time(NULL)), DB_INT(slot));
	int rc = db_one(st);
	if (rc == 1) {
		*capacity = (long)db_col_int(st, 0);
		*going = (long)db_col_int(st, 1);
		*open = (int)db_col_int(st, 2);
		db_reset(st);
	}
	return rc;
}

static int bump(struct db *db, long slot, int delta)
{
	struct db_stmt *st = db_cached(db, "UPDATE slots SET going = going + ? WHERE id = ?");
	db_binds(st, 1, DB_INT(delta), DB_INT(slot));
	return db_done(st);
}

/* One sign-up inside the open transaction; -1 aborts the whole batch. */
static int apply_signup(struct db *db, struct signup_job *j)
{
	long capacity = 0, going = 0;
	int open = 0;
	struct db_stmt *find = db_cached(db, "SELECT id, status FROM signups"
					     " WHERE slot_id = ? AND email = ?");
	struct db_stmt *revive = db_cached(db, "UPDATE signups SET status = ?, role = ? WHERE id = ?");
	struct db_stmt *ins = db_cached(db, "INSERT INTO signups (slot_id, person_id, name, email,"
					    " phone, status, cancel_hash, created_at, travel_contact,"
					    " referred_by, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
					    " RETURNING id");
	char hash[TOKEN_HASH_LEN + 1];

	switch (slot_state(db, j->slot_id, &capacity, &going, &open)) {
	case -1: return -1;
	case 0: j->result = RES_NOT_FOUND; return 0;
	}
	if (!open) {
		j->result = RES_CLOSED;
		return 0;
	}
	/* idempotent: the same address signing up twice is one sign-up */
	db_binds(find, 1, DB_INT(j->slot_id), DB_STR(j->email));
	int found = db_one(find);
	if (found < 0)
		return -1;
	if (found) {
		long id = (long)db_col_int(find, 0);
		const char *status = db_col_text(find, 1);
		j->signup_id = id;
		j->already = 1;
		if (strcmp(status, "cancelled") != 0) {
			j->result = strcmp(status, "going") == 0 ? RES_GOING : RES_WAITLIST;
			db_reset(find);
			return 0;
		}
		db_reset(find);
		/* signing up again after cancelling takes a place if one is free */
		const char *now = going < capacity ? "going" : "waitlist";
		j->result = going < capacity ? RES_GOING : RES_WAITLIST;
		db_binds(revive, 1, DB_STR(now), DB_STR(*j->role ? j->role : NULL), DB_INT(id));
		return db_done(revive) || (j->result == RES_GOING && bump(db, j->slot_id, 1)) ? -1
											   : 0;
	}
	j->result = going < capacity ? RES_GOING : RES_WAITLIST;
	const char *status = j->result == RES_GOING ? "going" : "waitlist";
	token_new(j->cancel_token);
	token_hash(j->cancel_token, TOKEN_LEN, hash);
	db_binds(ins, 1, DB_INT(j->slot_id), DB_ID(j->person_id), DB_STR(j->name), DB_STR(j->email),
		 DB_STR(*j->phone ? j->phone : NULL), DB_STR(status), DB_STR(hash),
		 DB_INT(time(NULL)), DB_STR(*j->travel ? j->travel : NULL), DB_ID(j->referred_by),
		 DB_STR(*j->role ? j->role : NULL));
	if (db_one(ins) != 1)
		return -1;
	j->signup_id = (long)db_col_int(ins, 0);
	db_reset(ins);
	return j->result == RES_GOING && bump(db, j->slot_id, 1) ? -1 : 0;
}

/* A cancellation, and the waitlist's first promoted into the freed place. */
static int apply_cancel(struct db *db, struct signup_job *j)
{
	struct db_stmt *find = db_cached(db, "SELECT id, slot_id, status FROM signups"
					     " WHERE cancel_hash = ?");
	struct db_stmt *set = db_cached(db, "UPDATE signups SET status = ? WHERE id = ?");
	struct db_stmt *next = db_cached(db, "SELECT id FROM signups WHERE slot_id = ?"
					     " AND status = 'waitlist' ORDER BY id LIMIT 1");
	db_bind_str(find, 1, j->cancel_hash);
	int found = db_one(find);
	if (found != 1) {
		j->result = RES_NOT_FOUND;
		return found;
	}
	long id = (long)db_col_int(find, 0), slot = (long)db_col_int(find, 1);
	int was_going = strcmp(db_col_text(find, 2), "going") == 0;
	int was_cancelled = strcmp(db_col_text(find, 2), "cancelled") == 0;
	db_reset(find);
	j->signup_id = id;
	j->slot_id = slot;
	j->result = RES_CANCELLED;
	if (was_cancelled)
		return 0;
	db_binds(set, 1, DB_STR("cancelled"), DB_INT(id));
	if (db_done(set))
		return -1;
	if (!was_going)
		return 0;
	db_bind_int(next, 1, slot);
	j->promoted_id = (long)db_int_or(next, 0);
	if (!j->promoted_id)
		return bump(db, slot, -1);
	db_binds(set, 1, DB_STR("going"), DB_INT(j->promoted_id));
	return db_done(set);
}

/* A guest's emailed link: their held sign-up becomes a real one, at once. */
static int apply_confirm(struct db *db, struct signup_job *j)
{
	struct db_stmt *st = db_cached(db, "DELETE FROM pending_signups WHERE token_hash = ?"
					   " AND expires_at >= ? RETURNING slot_id, name, email, phone,"
					   " (SELECT event_id FROM slots WHERE id = slot_id),"
					   " coalesce(referred_by, 0)");
	db_binds(st, 1, DB_STR(j->confirm_hash), DB_INT(time(NULL)));
	int found = db_one(st);
	if (found != 1) {
		j->result = RES_NOT_FOUND;
		return found;
	}
	j->slot_id = (long)db_col_int(st, 0);
	db_col_copy(st, 1, j->name, sizeof(j->name));
	db_col_copy(st, 2, j->email, sizeof(j->email));
	db_col_copy(st, 3, j->phone, sizeof(j->phone));
	j->event_id = (long)db_col_int(st, 4);
	j->referred_by = (long)db_col_int(st, 5);
	db_reset(st);
	return apply_signup(db, j);
}

int signup_apply(struct db *db, struct signup_job *j)
{
	j->result = RES_PENDING;
	return j->op == OP_SIGNUP   ? apply_signup(db, j)
	       : j->op == OP_CANCEL ? apply_cancel(db, j)
				    : apply_confirm(db, j);
}
