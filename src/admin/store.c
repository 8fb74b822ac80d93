#include "admin/store.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alerts/store.h"
#include "auth/audit.h"
#include "auth/session.h"
#include "mail/outbox.h"
#include "people/people.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/num.h"

int admin_people(struct db *db, void (*fn)(const struct admin_person *p, void *arg), void *arg)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT id, name, email, is_admin, last_active_at,"
			  " (SELECT group_concat(g.name || ' (' || m.role || ')', ', ')"
			  "  FROM memberships m JOIN local_groups g ON g.id = m.group_id"
			  "  WHERE m.person_id = people.id)"
			  " FROM people ORDER BY name LIMIT 1000");
	int rc;
	while (db_next(st, &rc)) {
		struct admin_person p = { (long)db_col_int(st, 0), db_col_text(st, 1),
					  db_col_text(st, 2),	   db_col_text(st, 5),
					  (int)db_col_int(st, 3),  db_col_int(st, 4) };
		fn(&p, arg);
	}
	return rc;
}

int admin_set(struct db *db, long actor, long person_id, int on)
{
	struct db_stmt *st = db_cached(db, "UPDATE people SET is_admin = ? WHERE id = ?");
	if (db_begin(db))
		return -1;
	db_binds(st, 1, DB_INT(on), DB_INT(person_id));
	if (db_done(st) ||
	    /* losing a role ends every session: it cannot linger in an open tab */
	    (!on && session_end_all(db, person_id)) ||
	    audit_write(db, actor, on ? "role.admin_granted" : "role.admin_removed", person_id,
			NULL) ||
	    db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 1;
}

int admin_bootstrap(struct db *db, struct person *p)
{
	struct db_stmt *st = db_cached(db, "UPDATE people SET is_admin = 1 WHERE id = ?");
	struct person existing;
	if (db_begin(db))
		return -1;
	int found = person_by_email(db, p->email, &existing);
	if (found == 1)
		p->id = existing.id;
	if (found < 0 || (found == 0 && person_create(db, p)))
		goto fail;
	db_bind_int(st, 1, p->id);
	if (db_done(st) || audit_write(db, 0, "role.admin_bootstrap", p->id, NULL) || db_commit(db))
		goto fail;
	return found;
fail:
	db_rollback(db);
	return -1;
}

int admin_set_group_role(struct db *db, long actor, long person_id, long group_id,
			 enum group_role role, const char *role_name)
{
	char detail[64];
	if (db_begin(db))
		return -1;
	int before = group_role_of(db, group_id, person_id);
	snprintf(detail, sizeof(detail), "group %ld: %s", group_id, role_name);
	if (before < 0 || group_set_role(db, group_id, person_id, role) ||
	    (before == ROLE_ORGANISER && role != ROLE_ORGANISER &&
	     session_end_all(db, person_id)) ||
	    audit_write(db, actor, "role.group", person_id, detail) || db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 1;
}

int admin_group_create(struct db *db, long actor, const char *name, const char *const *seats,
		       size_t nseats, long *group_id)
{
	struct db_stmt *ins = db_cached(db, "INSERT INTO local_groups (name, created_at)"
					    " VALUES (?, ?) RETURNING id");
	struct db_stmt *seat =
	    db_cached(db, "INSERT INTO group_seats (group_id, pcon2024)"
			  " VALUES (?, ?) ON CONFLICT DO NOTHING");
	char detail[32];

	if (db_begin(db))
		return -1;
	db_binds(ins, 1, DB_STR(name), DB_INT(time(NULL)));
	if (db_one(ins) != 1)
		goto fail;
	*group_id = (long)db_col_int(ins, 0);
	db_reset(ins);
	for (size_t i = 0; i < nseats; i++) {
		db_binds(seat, 1, DB_INT(*group_id), DB_STR(seats[i]));
		if (db_done(seat))
			goto fail;
	}
	snprintf(detail, sizeof(detail), "group %ld", *group_id);
	if (audit_write(db, actor, "group.create", 0, detail) || db_commit(db))
		goto fail;
	return 1;
fail:
	db_rollback(db);
	return -1;
}

int admin_tokens(struct db *db, void (*fn)(const struct api_token_row *t, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT id, name, scopes, revoked_at"
					   " FROM api_tokens ORDER BY id");
	int rc;
	while (db_next(st, &rc)) {
		struct api_token_row t = { (long)db_col_int(st, 0), db_col_text(st, 1),
					   (unsigned)db_col_int(st, 2), !db_col_is_null(st, 3) };
		fn(&t, arg);
	}
	return rc;
}

int admin_token_create(struct db *db, long actor, const char *name, const char *hash,
		       unsigned scopes)
{
	struct db_stmt *st = db_cached(db, "INSERT INTO api_tokens (name, token_hash, scopes,"
					   " created_by, created_at) VALUES (?, ?, ?, ?, ?)");
	char detail[32];
	if (db_begin(db))
		return -1;
	db_binds(st, 1, DB_STR(name), DB_STR(hash), DB_INT(scopes), DB_INT(actor),
		 DB_INT(time(NULL)));
	snprintf(detail, sizeof(detail), "scopes %u", scopes);
	if (db_done(st) || audit_write(db, actor, "token.create", 0, detail) || db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 1;
}

int admin_token_revoke(struct db *db, long actor, long token_id)
{
	struct db_stmt *st = db_cached(db, "UPDATE api_tokens SET revoked_at = ? WHERE id = ?"
					   " AND revoked_at IS NULL RETURNING id");
	char detail[32];
	if (db_begin(db))
		return -1;
	db_binds(st, 1, DB_INT(time(NULL)), DB_INT(token_id));
	long n = db_count(st);
	snprintf(detail, sizeof(detail), "token %ld", token_id);
	if (n != 1 || audit_write(db, actor, "token.revoke", 0, detail) || db_commit(db)) {
		db_rollback(db);
		return n == 0 ? 0 : -1;
	}
	return 1;
}

int admin_audit(struct db *db, long before, int max,
		void (*fn)(const struct audit_row *r, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT id, at, actor_id, action, subject_id, detail"
					   " FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?");
	int rc;
	db_binds(st, 1, DB_INT(before), DB_INT(max));
	while (db_next(st, &rc)) {
		struct audit_row r = { (long)db_col_int(st, 0), (long)db_col_int(st, 2),
				       (long)db_col_int(st, 4), db_col_int(st, 1),
				       db_col_text(st, 3),	db_col_text(st, 5) };
		fn(&r, arg);
	}
	return rc;
}

long retention_days(struct db *db, long env_default)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT value FROM settings WHERE key = 'retention_days'");
	long days = env_default, x;
	if (db_one(st) == 1) {
		const char *v = db_col_text(st, 0);
		if (v && num_parse_long(v, strlen(v), 0, 36500, &x) == 0)
			days = x;
		db_reset(st);
	}
	return days;
}

int retention_set(struct db *db, long actor, long days)
{
	struct db_stmt *st = db_cached(db, "INSERT INTO settings (key, value) VALUES"
					   " ('retention_days', ?) ON CONFLICT (key)"
					   " DO UPDATE SET value = excluded.value");
	char text[24];
	snprintf(text, sizeof(text), "%ld", days);
	if (db_begin(db))
		return -1;
	db_bind_str(st, 1, text);
	if (db_done(st) || audit_write(db, actor, "settings.retention", 0, text) || db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 1;
}

long retention_run(struct db *db, long env_default)
{
	long days = retention_days(db, env_default);

	/* a sent message keeps no address or body; its row is kept a while for
	 * the operator's figures, then goes */
	if (outbox_prune(db, (long long)time(NULL) - OUTBOX_KEEP_DAYS * 86400L) < 0)
		log_error("retention: old mail records not pruned");
	/* a guest who never followed the link leaves nothing behind */
	struct db_stmt *lapsed = db_cached(db, "DELETE FROM pending_signups WHERE expires_at < ?");
	db_bind_int(lapsed, 1, (long long)time(NULL));
	if (db_done(lapsed))
		log_error("retention: lapsed guest sign-ups not purged");
	if (alerts_purge(db, time(NULL)) < 0)
		log_error("retention: lapsed session alerts not purged");
	if (days <= 0)
		return 0;
	long n = people_erase_inactive(db, (long long)time(NULL) - (long long)days * 86400);
	if (n > 0) {
		char detail[64];
		snprintf(detail, sizeof(detail), "%ld inactive for %ld days", n, days);
		audit_note(db, 0, "retention.erase", 0, detail);
		/* best effort: the server's checkpointer folds the log back anyway */
		db_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	}
	return n;
}

static void *retention_loop(void *arg)
{
	struct retention_job *job = arg;
	struct db *db = NULL;
	char err[256];

	if (db_open(&db, job->db_path, 0, err, sizeof(err)))
		return NULL;
	pthread_mutex_lock(&job->lock);
	while (!job->stop) {
		pthread_mutex_unlock(&job->lock);
		long n = retention_run(db, job->env_default);
		if (n > 0)
			log_info("retention: erased %ld inactive accounts", n);
		struct timespec ts;
		deadline_ms(&ts, 3600 * 1000L);
		pthread_mutex_lock(&job->lock);
		if (!job->stop)
			pthread_cond_timedwait(&job->wake, &job->lock, &ts);
	}
	pthread_mutex_unlock(&job->lock);
	db_close(db);
	return NULL;
}

void retention_start(struct retention_job *job, const char *db_path, long env_default)
{
	snprintf(job->db_path, sizeof(job->db_path), "%s", db_path);
	job->env_default = env_default;
	job->stop = 0;
	pthread_mutex_init(&job->lock, NULL);
	cond_init_monotonic(&job->wake);
	pthread_create(&job->thread, NULL, retention_loop, job);
}

void retention_stop(struct retention_job *job)
{
	pthread_mutex_lock(&job->lock);
	job->stop = 1;
	pthread_cond_signal(&job->wake);
	pthread_mutex_unlock(&job->lock);
	pthread_join(job->thread, NULL);
	pthread_cond_destroy(&job->wake);
	pthread_mutex_destroy(&job->lock);
}
