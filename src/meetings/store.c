#include "meetings/store.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/names.h"

/* Letters and digits without the ones read wrongly off a screen. */
static void code_new(char *out, size_t n)
{
	static const char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
	for (size_t i = 0; i < n; i++)
		out[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	out[n] = '\0';
}

static const char *const bodies[] = { "members", "committee", "conference" };

const char *meeting_body_name(enum meeting_body b)
{
	return bodies[b];
}

int meeting_body_parse(const char *s, enum meeting_body *out)
{
	int i = names_find(bodies, NAMES_COUNT(bodies), s);
	if (i >= 0)
		*out = (enum meeting_body)i;
	return i < 0 ? -1 : 0;
}

/* The meeting's voters and their weights (?1 the meeting): the group's
 * members for a meeting of the whole group, else those listed who are
 * still members. */
#define VOTERS_CTE                                                                                 \
	"WITH voters(person_id, weight) AS ("                                                      \
	" SELECT s.person_id, 1 FROM meetings m JOIN memberships s ON s.group_id = m.group_id"     \
	"  WHERE m.id = ?1 AND m.body = 'members'"                                                 \
	" UNION ALL SELECT v.person_id, v.weight FROM meetings m"                                  \
	"  JOIN meeting_voters v ON v.meeting_id = m.id"                                           \
	"  JOIN memberships s ON s.group_id = m.group_id AND s.person_id = v.person_id"            \
	"  WHERE m.id = ?1 AND m.body <> 'members') "

int meeting_create(struct db *db, struct meeting *m, long long now)
{
	struct db_stmt *st = db_cached(
	    db,
	    "INSERT INTO meetings (group_id, title, starts_at, quorum_pct, quorum_min,"
	    " majority, checkin_code, created_by, created_at, body, proxies_max, event_id,"
	    " procedural_majority)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id");
	code_new(m->checkin_code, 6);
	db_binds(st, 1, DB_INT(m->group_id), DB_STR(m->title), DB_INT(m->starts_at),
		 DB_INT(m->quorum.pct), DB_INT(m->quorum.min), DB_STR(majority_name(m->majority)),
		 DB_STR(m->checkin_code), DB_ID(m->created_by), DB_INT(now),
		 DB_STR(meeting_body_name(m->body)), DB_INT(m->proxies_max), DB_ID(m->event_id),
		 DB_STR(majority_name(m->procedural_majority)));
	int rc = db_one(st);
	if (rc == 1) {
		m->id = (long)db_col_int(st, 0);
		db_reset(st);
	}
	return rc;
}

int meeting_get(struct db *db, long id, struct meeting *out)
{
	struct db_stmt *st = db_cached(
	    db, "SELECT m.id, m.group_id, m.title, coalesce(e.starts_at, m.starts_at),"
		" m.quorum_pct, m.quorum_min, m.majority, m.checkin_code,"
		" coalesce(m.created_by, 0), m.balance_group, m.posts_min, m.body,"
		" m.proxies_max, coalesce(m.event_id, 0), m.procedural_majority"
		" FROM meetings m LEFT JOIN events e ON e.id = m.event_id WHERE m.id = ?");
	db_bind_int(st, 1, id);
	int rc = db_one(st);
	if (rc == 1) {
		memset(out, 0, sizeof(*out));
		out->id = (long)db_col_int(st, 0);
		out->group_id = (long)db_col_int(st, 1);
		db_col_copy(st, 2, out->title, sizeof(out->title));
		out->starts_at = db_col_int(st, 3);
		out->quorum.pct = (int)db_col_int(st, 4);
		out->quorum.min = (int)db_col_int(st, 5);
		if (majority_parse(db_col_text(st, 6), &out->majority))
			out->majority = MAJ_SIMPLE;
		db_col_copy(st, 7, out->checkin_code, sizeof(out->checkin_code));
		out->created_by = (long)db_col_int(st, 8);
		db_col_copy(st, 9, out->balance_group, sizeof(out->balance_group));
		out->posts_min = (int)db_col_int(st, 10);
		if (meeting_body_parse(db_col_text(st, 11), &out->body))
			out->body = BODY_MEMBERS;
		out->proxies_max = (int)db_col_int(st, 12);
		out->event_id = (long)db_col_int(st, 13);
		if (majority_parse(db_col_text(st, 14), &out->procedural_majority))
			out->procedural_majority = MAJ_TWO_THIRDS;
		db_reset(st);
	}
	return rc;
}

int meetings_of(struct db *db, long group_id,
		void (*fn)(long id, const char *title, long long starts_at, void *arg), void *arg)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT m.id, m.title, coalesce(e.starts_at, m.starts_at) AS at"
			  " FROM meetings m LEFT JOIN events e ON e.id = m.event_id"
			  " WHERE m.group_id = ? ORDER BY at, m.id");
	int rc;
	db_bind_int(st, 1, group_id);
	while (db_next(st, &rc))
		fn((long)db_col_int(st, 0), db_col_text(st, 1), db_col_int(st, 2), arg);
	return rc;
}

long meeting_at_event(struct db *db, long event_id)
{
	struct db_stmt *st = db_cached(db, "SELECT id FROM meetings WHERE event_id = ?");
	db_bind_int(st, 1, event_id);
	return (long)db_int_or(st, 0);
}

int meeting_strength(struct db *db, long meeting_id, struct meeting_strength *out)
{
	struct db_stmt *st = db_cached(
	    db, VOTERS_CTE "SELECT count(*), count(p.person_id), coalesce(sum(v.weight), 0),"
			   " coalesce(sum(v.weight) FILTER (WHERE p.person_id IS NOT NULL), 0)"
			   " FROM voters v LEFT JOIN meeting_present p"
			   " ON p.meeting_id = ?1 AND p.person_id = v.person_id");
	db_bind_int(st, 1, meeting_id);
	int rc = db_one(st);
	if (rc == 1) {
		out->members = (long)db_col_int(st, 0);
		out->present = (long)db_col_int(st, 1);
		out->weight_members = (long)db_col_int(st, 2);
		out->weight_present = (long)db_col_int(st, 3);
		db_reset(st);
	}
	return rc == 1 ? 1 : -1;
}

long meeting_voter_weight(struct db *db, long meeting_id, long person_id)
{
	struct db_stmt *st = db_cached(
	    db, VOTERS_CTE "SELECT coalesce(max(weight), 0) FROM voters WHERE person_id = ?2");
	db_binds(st, 1, DB_INT(meeting_id), DB_INT(person_id));
	return (long)db_int_or(st, -1);
}

int meeting_set_voter(struct db *db, long meeting_id, long person_id, long weight)
{
	struct db_stmt *put = db_cached(db, "INSERT INTO meeting_voters (meeting_id, person_id,"
					    " weight) VALUES (?, ?, ?) ON CONFLICT (meeting_id, person_id) DO UPDATE"
					    " SET weight = excluded.weight");
	struct db_stmt *drop = db_cached(db, "DELETE FROM meeting_voters WHERE meeting_id = ?"
					     " AND person_id = ?");
	if (weight > 0)
		db_binds(put, 1, DB_INT(meeting_id), DB_INT(person_id), DB_INT(weight));
	else
		db_binds(drop, 1, DB_INT(meeting_id), DB_INT(person_id));
	return db_done(weight > 0 ? put : drop) ? -1 : 1;
}

int proxy_give(struct db *db, const struct meeting *m, long giver, long holder, long long now)
{
	struct db_stmt *held =
	    db_cached(db, "SELECT count(*) FROM meeting_proxies"
			  " WHERE meeting_id = ? AND holder_id = ? AND giver_id <> ?");
	struct db_stmt *put =
	    db_cached(db, "INSERT INTO meeting_proxies (meeting_id, giver_id,"
			  " holder_id, given_at) VALUES (?, ?, ?, ?)"
			  " ON CONFLICT (meeting_id, giver_id) DO UPDATE SET holder_id = excluded.holder_id,"
			  " given_at = excluded.given_at");
	if (m->proxies_max <= 0 || giver == holder)
		return 0;
	if (db_begin(db))
		return -1;
	long g = meeting_voter_weight(db, m->id, giver),
	     h = meeting_voter_weight(db, m->id, holder);
	db_binds(held, 1, DB_INT(m->id), DB_INT(holder), DB_INT(giver));
	long n = (long)db_int_or(held, -1);
	int ok = g > 0 && h > 0 && n >= 0 && n < m->proxies_max;
	if (g < 0 || h < 0 || n < 0)
		goto fail;
	if (ok) {
		db_binds(put, 1, DB_INT(m->id), DB_INT(giver), DB_INT(holder), DB_INT(now));
		if (db_done(put))
			goto fail;
	}
	if (db_commit(db))
		goto fail;
	return ok;
fail:
	db_rollback(db);
	return -1;
}

int proxy_take_back(struct db *db, long meeting_id, long giver)
{
	struct db_stmt *st = db_cached(db, "DELETE FROM meeting_proxies WHERE meeting_id = ?"
					   " AND giver_id = ? RETURNING 1");
	db_binds(st, 1, DB_INT(meeting_id), DB_INT(giver));
	return db_changed(st);
}

long proxy_holder(struct db *db, long meeting_id, long giver, char *name, size_t cap)
{
	struct db_stmt *st = db_cached(db, "SELECT p.id, p.name FROM meeting_proxies x"
					   " JOIN people p ON p.id = x.holder_id"
					   " WHERE x.meeting_id = ? AND x.giver_id = ?");
	db_binds(st, 1, DB_INT(meeting_id), DB_INT(giver));
	int rc = db_one(st);
	long id = 0;
	if (rc == 1) {
		id = (long)db_col_int(st, 0);
		db_col_copy(st, 1, name, cap);
		db_reset(st);
	}
	return rc < 0 ? -1 : id;
}

/* a proxy counts while its giver is entitled and not in the room */
#define PROXIES_LIVE                                                                               \
	" FROM meeting_proxies x JOIN voters v ON v.person_id = x.giver_id"                        \
	" WHERE x.meeting_id = ?1 AND x.holder_id = ?2 AND NOT EXISTS (SELECT 1"                   \
	" FROM meeting_present p WHERE p.meeting_id = ?1 AND p.person_id = x.giver_id)"

int proxies_held(struct db *db, long meeting_id, long holder,
		 void (*fn)(long giver, const char *name, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(
	    db, VOTERS_CTE
	    "SELECT x.giver_id, (SELECT name FROM people WHERE id = x.giver_id)" PROXIES_LIVE
	    " ORDER BY 2, 1");
	int rc;
	db_binds(st, 1, DB_INT(meeting_id), DB_INT(holder));
	while (db_next(st, &rc))
		fn((long)db_col_int(st, 0), db_col_text(st, 1), arg);
	return rc;
}

int proxy_valid(struct db *db, long meeting_id, long giver, long holder, long *weight, char *name,
		size_t cap)
{
	struct db_stmt *st = db_cached(
	    db, VOTERS_CTE
	    "SELECT v.weight, (SELECT name FROM people WHERE id = x.giver_id)" PROXIES_LIVE
	    " AND x.giver_id = ?3");
	db_binds(st, 1, DB_INT(meeting_id), DB_INT(holder), DB_INT(giver));
	int rc = db_one(st);
	if (rc == 1) {
		*weight = (long)db_col_int(st, 0);
		db_col_copy(st, 1, name, cap);
		db_reset(st);
	}
	return rc;
}

int meeting_is_present(struct db *db, long meeting_id, long person_id)
{
	struct db_stmt *st = db_cached(db, "SELECT count(*) FROM meeting_present"
					   " WHERE meeting_id = ? AND person_id = ?");
	db_binds(st, 1, DB_INT(meeting_id), DB_INT(person_id));
	return (int)db_int_or(st, -1);
}

int meeting_set_present(struct db *db, long meeting_id, long person_id, int present, long by,
			long long now)
{
	struct db_stmt *add = db_cached(db, "INSERT INTO meeting_present (meeting_id, person_id)"
					    " VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING 1");
	struct db_stmt *drop = db_cached(db, "DELETE FROM meeting_present WHERE meeting_id = ?"
					     " AND person_id = ? RETURNING 1");
	struct db_stmt *log =
	    db_cached(db, "INSERT INTO meeting_presence_log (meeting_id,"
			  " person_id, present, at, by_id) VALUES (?, ?, ?, ?, ?)");
	struct db_stmt *st = present ? add : drop;
	if (db_begin(db))
		return -1;
	db_binds(st, 1, DB_INT(meeting_id), DB_INT(person_id));
	long changed = db_count(st);
	db_binds(log, 1, DB_INT(meeting_id), DB_INT(person_id), DB_INT(present), DB_INT(now),
		 DB_ID(by));
	if (changed < 0 || (changed && db_done(log)) || db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return changed > 0;
}

int meeting_apologies_set(struct db *db, long meeting_id, long person_id, int on, long long now)
{
	struct db_stmt *st;
	if (on) {
		st = db_cached(db, "INSERT INTO meeting_apologies (meeting_id, person_id, sent_at)"
				   " VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING 1");
		db_binds(st, 1, DB_INT(meeting_id), DB_INT(person_id), DB_INT(now));
	} else {
		st = db_cached(db, "DELETE FROM meeting_apologies"
				   " WHERE meeting_id = ? AND person_id = ? RETURNING 1");
		db_binds(st, 1, DB_INT(meeting_id), DB_INT(person_id));
	}
	return db_changed(st);
}

int meeting_has_apologies(struct db *db, long meeting_id, long person_id)
{
	struct db_stmt *st = db_cached(db, "SELECT 1 FROM meeting_apologies"
					   " WHERE meeting_id = ? AND person_id = ?");
	db_binds(st, 1, DB_INT(meeting_id), DB_INT(person_id));
	return db_exists(st);
}

int meeting_roll(struct db *db, const struct meeting *m,
		 void (*fn)(const struct roll_row *r, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(
	    db, VOTERS_CTE "SELECT p.id, p.name, EXISTS (SELECT 1 FROM meeting_present x"
			   " WHERE x.meeting_id = ?1 AND x.person_id = p.id),"
			   " coalesce((SELECT weight FROM voters v WHERE v.person_id = p.id), 0),"
			   " EXISTS (SELECT 1 FROM meeting_apologies a"
			   " WHERE a.meeting_id = ?1 AND a.person_id = p.id)"
			   " FROM memberships s JOIN people p ON p.id = s.person_id"
			   " WHERE s.group_id = ?2 ORDER BY p.name, p.id");
	int rc;
	db_binds(st, 1, DB_INT(m->id), DB_INT(m->group_id));
	while (db_next(st, &rc)) {
		struct roll_row r = { (long)db_col_int(st, 0), db_col_text(st, 1),
				      (int)db_col_int(st, 2), (int)db_col_int(st, 4),
				      (long)db_col_int(st, 3) };
		fn(&r, arg);
	}
	return rc;
}

int motion_move(struct db *db, long id, enum motion_status from, enum motion_status to,
		const char *outcome, const char *ruling)
{
	struct db_stmt *st = db_cached(db, "UPDATE motions SET status = ?, outcome = ?, ruling = ?"
					   " WHERE id = ? AND status = ? RETURNING id");
	db_binds(st, 1, DB_STR(motion_status_name(to)), DB_STR(outcome), DB_STR(ruling), DB_INT(id),
		 DB_STR(motion_status_name(from)));
	return db_changed(st);
}

int motion_accept(struct db *db, long id, long seconder)
{
	struct db_stmt *st = db_cached(db, "UPDATE motions SET status = 'agenda',"
					   " seconder_id = coalesce(?, seconder_id)"
					   " WHERE id = ? AND status = 'submitted' RETURNING id");
	db_binds(st, 1, DB_ID(seconder), DB_INT(id));
	return db_changed(st);
}

int motion_blocked(struct db *db, const struct motion *m)
{
	struct db_stmt *st = db_cached(
	    db, "SELECT CASE WHEN EXISTS (SELECT 1 FROM motions WHERE target = ?1"
		"  AND status IN ('agenda', 'debate', 'voting')) THEN 1"
		" WHEN EXISTS (SELECT 1 FROM motions WHERE amends = ?1"
		"  AND status IN ('agenda', 'debate', 'voting')) THEN 2"
		" WHEN EXISTS (SELECT 1 FROM motions WHERE amends = ?2 AND ?2 > 0 AND id < ?1"
		"  AND status IN ('agenda', 'debate', 'voting')) THEN 3 ELSE 0 END");
	db_binds(st, 1, DB_INT(m->id), DB_INT(m->amends));
	return (int)db_int_or(st, -1);
}

int amendment_group(struct db *db, long id, long with)
{
	/* the group is named by the first amendment put in it; both must be
	 * undecided amendments of one motion, or nothing changes */
	struct db_stmt *st = db_cached(
	    db, "UPDATE motions SET alt_group = CASE WHEN ?2 = 0 THEN NULL ELSE"
		" (SELECT coalesce(w.alt_group, w.id) FROM motions w WHERE w.id = ?2) END"
		" WHERE id IN (?1, ?2) AND (SELECT count(*) FROM motions x WHERE x.id IN (?1, ?2)"
		"  AND x.status IN ('submitted', 'agenda', 'debate')"
		"  AND x.amends = (SELECT amends FROM motions WHERE id = ?1))"
		"  = CASE WHEN ?2 = 0 THEN 1 ELSE 2 END"
		" RETURNING id");
	db_binds(st, 1, DB_INT(id), DB_INT(with));
	return db_changed(st);
}

int item_add(struct db *db, struct agenda_item *it, long long now)
{
	struct db_stmt *st = db_cached(
	    db, "INSERT INTO agenda_items (meeting_id, position, title, speech_s, alternation,"
		" first_time, created_at) SELECT ?1, coalesce(max(position), 0) + 1, ?2, ?3, ?4,"
		" ?5, ?6 FROM agenda_items WHERE meeting_id = ?1 HAVING count(*) < ?7"
		" RETURNING id, position");
	db_binds(st, 1, DB_INT(it->meeting_id), DB_STR(it->title), DB_INT(it->speech_s),
		 DB_STR(alternation_name(it->alternation)), DB_INT(it->first_time), DB_INT(now),
		 DB_INT(ITEMS_MAX));
	int rc = db_one(st);
	if (rc == 1) {
		it->id = (long)db_col_int(st, 0);
		it->position = (int)db_col_int(st, 1);
		db_reset(st);
	}
	return rc;
}

#define ITEM_COLS "id, meeting_id, position, title, speech_s, alternation, first_time"

static void item_read(struct db_stmt *st, struct agenda_item *it)
{
	memset(it, 0, sizeof(*it));
	it->id = (long)db_col_int(st, 0);
	it->meeting_id = (long)db_col_int(st, 1);
	it->position = (int)db_col_int(st, 2);
	db_col_copy(st, 3, it->title, sizeof(it->title));
	it->speech_s = (int)db_col_int(st, 4);
	if (alternation_parse(db_col_text(st, 5), &it->alternation))
		it->alternation = ALT_NONE;
	it->first_time = (int)db_col_int(st, 6);
}

int item_get(struct db *db, long id, struct agenda_item *out)
{
	struct db_stmt *st = db_cached(db, "SELECT " ITEM_COLS " FROM agenda_items WHERE id = ?");
	db_bind_int(st, 1, id);
	int rc = db_one(st);
	if (rc == 1) {
		item_read(st, out);
		db_reset(st);
	}
	return rc;
}

int items_each(struct db *db, long meeting_id, void (*fn)(const struct agenda_item *it, void *arg),
	       void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT " ITEM_COLS " FROM agenda_items"
					   " WHERE meeting_id = ? ORDER BY position");
	int rc;
	db_bind_int(st, 1, meeting_id);
	while (db_next(st, &rc)) {
		struct agenda_item it;
		item_read(st, &it);
		fn(&it, arg);
	}
	return rc;
}

int speakers_each(struct db *db, long item_id, void (*fn)(const struct speaker_row *s, void *arg),
		  void *arg)
{
	struct db_stmt *st = db_cached(
	    db, "SELECT s.id, s.person_id, p.name, s.in_group, s.asked_at,"
		" coalesce(s.started_at, 0), coalesce(s.ended_at, 0), coalesce(s.called, 0)"
		" FROM speakers s"
		" JOIN people p ON p.id = s.person_id WHERE s.item_id = ? AND s.withdrawn = 0"
		" ORDER BY s.id");
	int rc;
	db_bind_int(st, 1, item_id);
	while (db_next(st, &rc)) {
		struct speaker_row r = { (long)db_col_int(st, 0), (long)db_col_int(st, 1),
					 db_col_text(st, 2),	  (int)db_col_int(st, 3),
					 db_col_int(st, 4),	  db_col_int(st, 5),
					 db_col_int(st, 6),	  (long)db_col_int(st, 7) };
		fn(&r, arg);
	}
	return rc;
}

int speaker_ask(struct db *db, long item_id, long person_id, int in_group, long long now)
{
	struct db_stmt *st = db_cached(
	    db, "INSERT INTO speakers (item_id, person_id, in_group, asked_at)"
		" SELECT ?1, ?2, ?3, ?4 WHERE (SELECT count(*) FROM speakers WHERE item_id = ?1"
		" AND started_at IS NULL AND withdrawn = 0) < ?5"
		" ON CONFLICT DO NOTHING RETURNING 1");
	db_binds(st, 1, DB_INT(item_id), DB_INT(person_id), DB_INT(in_group), DB_INT(now),
		 DB_INT(SPEAKERS_MAX));
	return db_changed(st);
}

int speaker_withdraw(struct db *db, long item_id, long person_id)
{
	struct db_stmt *st = db_cached(db, "UPDATE speakers SET withdrawn = 1 WHERE item_id = ?"
					   " AND person_id = ? AND started_at IS NULL"
					   " AND withdrawn = 0 RETURNING 1");
	db_binds(st, 1, DB_INT(item_id), DB_INT(person_id));
	return db_changed(st);
}

int speaker_next(struct db *db, long item_id, long next, long long now)
{
	struct db_stmt *end = db_cached(db, "UPDATE speakers SET ended_at = ? WHERE item_id = ?"
					    " AND started_at IS NOT NULL AND ended_at IS NULL");
	struct db_stmt *start = db_cached(
	    db, "UPDATE speakers SET started_at = ?1, called = (SELECT coalesce(max(called), 0) + 1"
		" FROM speakers WHERE item_id = ?3) WHERE id = ?2 AND item_id = ?3"
		" AND started_at IS NULL AND withdrawn = 0 RETURNING 1");
	if (db_begin(db))
		return -1;
	db_binds(end, 1, DB_INT(now), DB_INT(item_id));
	if (db_done(end))
		goto fail;
	long started = 1;
	if (next) {
		db_binds(start, 1, DB_INT(now), DB_INT(next), DB_INT(item_id));
		if ((started = db_count(start)) < 0)
			goto fail;
	}
	if (!started) {
		db_rollback(db);
		return 0;
	}
	if (db_commit(db))
		goto fail;
	return 1;
fail:
	db_rollback(db);
	return -1;
}

int meeting_minutes_get(struct db *db, long id, char **text, int *published)
{
	struct db_stmt *st = db_cached(db, "SELECT minutes, minutes_published FROM meetings"
					   " WHERE id = ? AND minutes IS NOT NULL");
	db_bind_int(st, 1, id);
	int rc = db_one(st);
	if (rc == 1) {
		*text = xstrdup(db_col_text(st, 0));
		*published = (int)db_col_int(st, 1);
		db_reset(st);
	}
	return rc;
}

int meeting_minutes_set(struct db *db, long id, const char *text, int published)
{
	struct db_stmt *st = db_cached(db, "UPDATE meetings SET minutes = ?, minutes_published = ?"
					   " WHERE id = ?");
	db_binds(st, 1, DB_STR(text), DB_INT(published), DB_INT(id));
	return db_done(st) ? -1 : 1;
}

int motion_add(struct db *db, struct motion *m, long long now)
{
	struct db_stmt *st =
	    db_cached(db, "INSERT INTO motions (meeting_id, amends, title, body, mover_id,"
			  " seconder_id, majority, status, procedure, target, created_at, base)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
			  " (SELECT body FROM motions WHERE id = ?2)) RETURNING id");
	db_binds(st, 1, DB_INT(m->meeting_id), DB_ID(m->amends), DB_STR(m->title), DB_STR(m->body),
		 DB_ID(m->mover_id), DB_ID(m->seconder_id), DB_STR(majority_name(m->majority)),
		 DB_STR(motion_status_name(m->status)),
		 DB_STR(m->procedure ? procedure_name(m->procedure) : NULL), DB_ID(m->target),
		 DB_INT(now));
	m->id = (long)db_int_or(st, -1);
	return m->id > 0 ? 1 : -1;
}

int amendment_wording(struct db *db, const struct motion *a, char **out)
{
	struct db_stmt *st = db_cached(db, "SELECT a.base, m.body FROM motions a"
					   " JOIN motions m ON m.id = a.amends WHERE a.id = ?");
	db_bind_int(st, 1, a->id);
	int rc = db_one(st);
	if (rc != 1)
		return rc;
	const char *base = db_col_text(st, 0), *now = db_col_text(st, 1);
	/* as written against the wording it still has: the amendment's own */
	*out = !base || !strcmp(base, now) ? xstrdup(a->body) : text_merge(base, now, a->body);
	db_reset(st);
	return *out ? 1 : 0;
}

#define MOTION_COLS                                                                                \
	"m.id, m.meeting_id, coalesce(m.amends, 0), m.title, m.body, coalesce(m.mover_id, 0),"     \
	" coalesce(m.seconder_id, 0), m.majority, m.status,"                                       \
	" (SELECT name FROM people WHERE id = m.mover_id),"                                        \
	" (SELECT name FROM people WHERE id = m.seconder_id), m.procedure, coalesce(m.target, 0)," \
	" coalesce(m.alt_group, 0), m.outcome, m.ruling"

static void motion_read(struct db_stmt *st, struct motion *m)
{
	memset(m, 0, sizeof(*m));
	m->id = (long)db_col_int(st, 0);
	m->meeting_id = (long)db_col_int(st, 1);
	m->amends = (long)db_col_int(st, 2);
	db_col_copy(st, 3, m->title, sizeof(m->title));
	m->body = xstrdup(db_col_text(st, 4) ? db_col_text(st, 4) : "");
	m->mover_id = (long)db_col_int(st, 5);
	m->seconder_id = (long)db_col_int(st, 6);
	if (majority_parse(db_col_text(st, 7), &m->majority))
		m->majority = MAJ_SIMPLE;
	if (motion_status_parse(db_col_text(st, 8), &m->status))
		m->status = MOTION_AGENDA;
	m->mover = db_col_text(st, 9);
	m->seconder = db_col_text(st, 10);
	if (procedure_parse(db_col_text(st, 11), &m->procedure))
		m->procedure = PROC_NONE;
	m->target = (long)db_col_int(st, 12);
	m->alt_group = (long)db_col_int(st, 13);
	db_col_copy(st, 14, m->outcome, sizeof(m->outcome));
	db_col_copy(st, 15, m->ruling, sizeof(m->ruling));
}

int motion_get(struct db *db, long id, struct motion *out)
{
	struct db_stmt *st = db_cached(db, "SELECT " MOTION_COLS " FROM motions m WHERE m.id = ?");
	db_bind_int(st, 1, id);
	int rc = db_one(st);
	if (rc == 1) {
		motion_read(st, out);
		out->mover = out->seconder = NULL;
		db_reset(st);
	}
	return rc;
}

void motion_release(struct motion *m)
{
	free(m->body);
	m->body = NULL;
}

/* the motion an amendment (or an amendment to one) belongs to */
#define MOTION_ROOT                                                                                \
	"coalesce(m.amends, (SELECT coalesce(t.amends, t.id) FROM motions t WHERE t.id = m.target),"  \
	" m.id)"

int motions_each(struct db *db, long meeting_id, void (*fn)(const struct motion *m, void *arg),
		 void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT " MOTION_COLS " FROM motions m WHERE m.meeting_id = ?"
					   " ORDER BY " MOTION_ROOT ", m.id <> " MOTION_ROOT ", m.id");
	int rc;
	db_bind_int(st, 1, meeting_id);
	while (db_next(st, &rc)) {
		struct motion m;
		motion_read(st, &m);
		fn(&m, arg);
		motion_release(&m);
	}
	return rc;
}

int meeting_set_balance(struct db *db, long id, const char *group, int posts_min)
{
	struct db_stmt *st =
	    db_cached(db, "UPDATE meetings SET balance_group = ?, posts_min = ? WHERE id = ?");
	db_binds(st, 1, DB_STR(group), DB_INT(posts_min), DB_INT(id));
	return db_done(st) == 0 ? 1 : -1;
}

/* method keeps the rule's family for the column's original CHECK */
static const char *method_family(enum count_rule rule)
{
	return rule == RULE_ERS97 || rule == RULE_MEEK ? "scottish" : count_rule_name(rule);
}

int election_add(struct db *db, struct meeting_election *e, long long now)
{
	struct db_stmt *st =
	    db_cached(db, "INSERT INTO elections (meeting_id, post, seats, method,"
			  " rule, candidates, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
			  " RETURNING id");
	json_t *names = json_array();
	for (int i = 0; i < e->ncand; i++)
		json_array_append_new(names, json_string(e->cand[i]));
	char *text = json_dumps(names, JSON_COMPACT);
	json_decref(names);
	db_binds(st, 1, DB_INT(e->meeting_id), DB_STR(e->post), DB_INT(e->seats),
		 DB_STR(method_family(e->rule)), DB_STR(count_rule_name(e->rule)), DB_STR(text),
		 DB_INT(now));
	e->id = text ? (long)db_int_or(st, -1) : -1;
	free(text);
	return e->id > 0 ? 1 : -1;
}

static void election_read(struct db_stmt *st, struct meeting_election *e)
{
	memset(e, 0, sizeof(*e));
	e->id = (long)db_col_int(st, 0);
	e->meeting_id = (long)db_col_int(st, 1);
	db_col_copy(st, 2, e->post, sizeof(e->post));
	e->seats = (int)db_col_int(st, 3);
	if (count_rule_parse(db_col_text(st, 4), &e->rule))
		e->rule = RULE_IRV;
	json_t *names = json_loads(db_col_text(st, 5), 0, NULL);
	size_t i;
	json_t *v;
	json_array_foreach(names, i, v)
	{
		if (i >= ELECTION_CANDIDATES_MAX)
			break;
		snprintf(e->cand[i], sizeof(e->cand[i]), "%s", json_string_value(v));
		e->ncand = (int)i + 1;
	}
	json_decref(names);
	json_t *bal = json_loads(db_col_text(st, 6) ? db_col_text(st, 6) : "", 0, NULL);
	if (json_is_object(bal)) {
		struct election_balance *b = &e->balance;
		json_t *max = json_object_get(bal, "max");
		b->on = 1;
		b->min = (int)json_integer_value(json_object_get(bal, "min"));
		b->max = json_is_integer(max) ? (int)json_integer_value(max) : -1;
		b->across = json_is_true(json_object_get(bal, "across"));
		json_array_foreach(json_object_get(bal, "members"), i, v)
		{
			json_int_t k = json_integer_value(v);
			if (k >= 0 && k < e->ncand)
				b->member[k] = 1;
		}
	}
	json_decref(bal);
}

int election_set_balance(struct db *db, long id, const struct election_balance *b)
{
	struct db_stmt *st =
	    db_cached(db, "UPDATE elections SET balance = ? WHERE id = ?"
			  " AND NOT EXISTS (SELECT 1 FROM votes WHERE election_id = ?)"
			  " RETURNING id");
	char *text = NULL;
	if (b->on) {
		json_t *members = json_array();
		for (int i = 0; i < ELECTION_CANDIDATES_MAX; i++)
			if (b->member[i])
				json_array_append_new(members, json_integer(i));
		json_t *o =
		    json_pack("{s:o, s:i, s:o, s:b}", "members", members, "min", b->min, "max",
			      b->max < 0 ? json_null() : json_integer(b->max), "across", b->across);
		text = json_dumps(o, JSON_COMPACT);
		json_decref(o);
	}
	db_binds(st, 1, text ? DB_STR(text) : DB_NULL, DB_INT(id), DB_INT(id));
	int rc = db_changed(st);
	free(text);
	return rc;
}

int election_get(struct db *db, long id, struct meeting_election *out)
{
	struct db_stmt *st = db_cached(
	    db, "SELECT id, meeting_id, post, seats, coalesce(rule, method), candidates, balance"
		" FROM elections WHERE id = ?");
	db_bind_int(st, 1, id);
	int rc = db_one(st);
	if (rc == 1) {
		election_read(st, out);
		db_reset(st);
	}
	return rc;
}

int elections_each(struct db *db, long meeting_id,
		   void (*fn)(const struct meeting_election *e, const char *report, void *arg),
		   void *arg)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT id, meeting_id, post, seats, coalesce(rule, method),"
			  " candidates, balance, report FROM elections WHERE meeting_id = ?"
			  " ORDER BY id");
	int rc;
	db_bind_int(st, 1, meeting_id);
	while (db_next(st, &rc)) {
		struct meeting_election *e = xmalloc(sizeof(*e));
		election_read(st, e);
		fn(e, db_col_text(st, 7), arg);
		free(e);
	}
	return rc;
}

int vote_open(struct db *db, struct vote *v, long long now)
{
	struct db_stmt *st =
	    db_cached(db, "INSERT INTO votes (meeting_id, motion_id, election_id,"
			  " status, opened_at, members, present, quorum, named,"
			  " weight_members, weight_present)"
			  " VALUES (?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	struct db_stmt *mark = db_cached(db, "UPDATE motions SET status = 'voting' WHERE id = ?"
					     " AND status IN ('agenda', 'debate') RETURNING id");
	long marked = 1;
	if (db_begin(db))
		return -1;
	db_binds(st, 1, DB_INT(v->meeting_id), DB_ID(v->motion_id), DB_ID(v->election_id),
		 DB_INT(now), DB_INT(v->members), DB_INT(v->present), DB_INT(v->quorum),
		 DB_INT(v->named && v->motion_id), DB_INT(v->weight_members),
		 DB_INT(v->weight_present));
	v->id = (long)db_int_or(st, -1);
	if (v->id > 0 && v->motion_id) {
		db_bind_int(mark, 1, v->motion_id);
		marked = db_count(mark);
	}
	if (v->id <= 0 || marked != 1 || db_commit(db)) {
		db_rollback(db);
		return marked == 0 ? 0 : -1;
	}
	return 1;
}

#define VOTE_COLS                                                                                  \
	"id, meeting_id, coalesce(motion_id, 0), coalesce(election_id, 0), status = 'open',"       \
	" members, present, quorum, coalesce(yes, 0), coalesce(no, 0), coalesce(abstain, 0),"      \
	" coalesce(passed, 0), coalesce(result, ''), named, coalesce(weight_members, members),"    \
	" coalesce(weight_present, present)"

static int vote_read(struct db_stmt *st, struct vote *v)
{
	int rc = db_one(st);
	if (rc == 1) {
		memset(v, 0, sizeof(*v));
		v->id = (long)db_col_int(st, 0);
		v->meeting_id = (long)db_col_int(st, 1);
		v->motion_id = (long)db_col_int(st, 2);
		v->election_id = (long)db_col_int(st, 3);
		v->open = (int)db_col_int(st, 4);
		v->members = (long)db_col_int(st, 5);
		v->present = (long)db_col_int(st, 6);
		v->quorum = (long)db_col_int(st, 7);
		v->yes = (long)db_col_int(st, 8);
		v->no = (long)db_col_int(st, 9);
		v->abstain = (long)db_col_int(st, 10);
		v->passed = (int)db_col_int(st, 11);
		db_col_copy(st, 12, v->result, sizeof(v->result));
		v->named = (int)db_col_int(st, 13);
		v->weight_members = (long)db_col_int(st, 14);
		v->weight_present = (long)db_col_int(st, 15);
		db_reset(st);
	}
	return rc;
}

int vote_get(struct db *db, long id, struct vote *out)
{
	struct db_stmt *st = db_cached(db, "SELECT " VOTE_COLS " FROM votes WHERE id = ?");
	db_bind_int(st, 1, id);
	return vote_read(st, out);
}

int vote_latest(struct db *db, long motion_id, long election_id, struct vote *out)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT " VOTE_COLS " FROM votes WHERE"
			  " (motion_id = ?1 AND ?1 > 0) OR (election_id = ?2 AND ?2 > 0)"
			  " ORDER BY id DESC LIMIT 1");
	db_binds(st, 1, DB_INT(motion_id), DB_INT(election_id));
	return vote_read(st, out);
}

int ballot_put(struct db *db, const struct ballot_in *in, char *receipt, int *cast)
{
	struct db_stmt *open = db_cached(db, "SELECT named FROM votes WHERE id = ?"
					     " AND status = 'open'");
	struct db_stmt *voted = db_cached(db, "INSERT INTO vote_voters (vote_id, person_id,"
					      " by_proxy) VALUES (?, ?, ?)"
					      " ON CONFLICT DO NOTHING RETURNING 1");
	struct db_stmt *ballot = db_cached(db, "INSERT INTO vote_ballots (vote_id, receipt, choice,"
					       " weight) VALUES (?, ?, ?, ?)");
	struct db_stmt *named = db_cached(db, "INSERT INTO vote_named (vote_id, person_id, choice,"
					      " weight, by_proxy) VALUES (?, ?, ?, ?, ?)");
	long vote_id = in->vote_id;
	db_bind_int(open, 1, vote_id);
	int found = db_one(open);
	if (found < 0)
		return -1;
	if (!found) {
		*cast = -1;
		return 0;
	}
	int roll = (int)db_col_int(open, 0);
	db_reset(open);
	db_binds(voted, 1, DB_INT(vote_id), DB_INT(in->person_id), DB_ID(in->by_proxy));
	long first = db_count(voted);
	if (first < 0)
		return -1;
	*cast = first > 0;
	if (!first)
		return 0;
	if (roll) {
		receipt[0] = '\0';
		db_binds(named, 1, DB_INT(vote_id), DB_INT(in->person_id), DB_STR(in->choice),
			 DB_INT(in->weight), DB_ID(in->by_proxy));
		return db_done(named) ? -1 : 0;
	}
	code_new(receipt, RECEIPT_LEN);
	db_binds(ballot, 1, DB_INT(vote_id), DB_STR(receipt), DB_STR(in->choice),
		 DB_INT(in->weight));
	return db_done(ballot) ? -1 : 0;
}

int vote_roll(struct db *db, long vote_id,
	      void (*fn)(const char *name, const char *choice, void *arg), void *arg)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT p.name, n.choice FROM vote_named n"
			  " JOIN people p ON p.id = n.person_id WHERE n.vote_id = ?"
			  " ORDER BY p.name, p.id");
	int rc;
	db_bind_int(st, 1, vote_id);
	while (db_next(st, &rc))
		fn(db_col_text(st, 0), db_col_text(st, 1), arg);
	return rc;
}

int vote_has_voted(struct db *db, long vote_id, long person_id)
{
	struct db_stmt *st = db_cached(db, "SELECT count(*) FROM vote_voters WHERE vote_id = ?"
					   " AND person_id = ?");
	db_binds(st, 1, DB_INT(vote_id), DB_INT(person_id));
	return (int)db_int_or(st, -1);
}

int vote_ballots(struct db *db, long vote_id,
		 void (*fn)(const char *receipt, const char *choice, long weight, void *arg),
		 void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT receipt, choice, weight FROM vote_ballots"
					   " WHERE vote_id = ? ORDER BY receipt");
	int rc;
	db_bind_int(st, 1, vote_id);
	while (db_next(st, &rc))
		fn(db_col_text(st, 0), db_col_text(st, 1), (long)db_col_int(st, 2), arg);
	return rc;
}

/* What a decision does to the motions it bears on, in its transaction: an
 * amendment carried drops those incompatible with it; next business and a
 * referral carried take their question off the floor (a motion with its
 * undecided amendments, and the other procedural motions on it); a challenge carried reinstates the
 * motion the chair ruled out of order; a motion decided drops amendments
 * never put on the agenda.  0, -1. */
static int consequences(struct db *db, const struct motion *m, int passed)
{
	struct db_stmt *st;
	char words[MOTION_OUTCOME_MAX + 1];

	if (passed && m->alt_group) {
		st = db_cached(db, "UPDATE motions SET status = 'fell', outcome = ?"
				   " WHERE alt_group = ? AND id <> ? AND amends IS NOT NULL"
				   " AND status IN ('submitted', 'agenda', 'debate')");
		snprintf(words, sizeof(words),
			 "Fell without a vote: incompatible with the amendment “%s”, carried.",
			 m->title);
		db_binds(st, 1, DB_STR(words), DB_INT(m->alt_group), DB_INT(m->id));
		if (db_done(st))
			return -1;
	}
	if (passed && (m->procedure == PROC_NEXT_BUSINESS || m->procedure == PROC_REFER)) {
		st = db_cached(db, "UPDATE motions SET status = ?, outcome = ?"
				   " WHERE (id = ?3 OR amends = ?3 OR target = ?3)"
				   " AND status IN ('submitted', 'agenda', 'debate')");
		snprintf(words, sizeof(words), "%s: the meeting carried “%s”",
			 m->procedure == PROC_REFER ? "Referred without a vote"
						    : "Not put to the vote",
			 m->body);
		db_binds(st, 1, DB_STR(m->procedure == PROC_REFER ? "referred" : "fell"),
			 DB_STR(words), DB_INT(m->target));
		if (db_done(st))
			return -1;
	}
	if (passed && m->procedure == PROC_CHALLENGE && m->target) {
		st = db_cached(db, "UPDATE motions SET status = 'agenda', outcome = NULL,"
				   " ruling = NULL WHERE id = ? AND status = 'fell'"
				   " AND ruling IS NOT NULL");
		db_bind_int(st, 1, m->target);
		if (db_done(st))
			return -1;
	}
	if (!m->amends && !m->procedure) {
		st = db_cached(db, "UPDATE motions SET status = 'fell', outcome = 'Not taken: the"
				   " motion was decided before it was put on the agenda.'"
				   " WHERE amends = ? AND status = 'submitted'");
		db_bind_int(st, 1, m->id);
		if (db_done(st))
			return -1;
	}
	return 0;
}

int vote_close_motion(struct db *db, long vote_id, const struct tally *hands, long long now)
{
	struct db_stmt *counts =
	    db_cached(db, "SELECT coalesce(sum(weight) FILTER (WHERE choice = 'for'), 0),"
			  " coalesce(sum(weight) FILTER (WHERE choice = 'against'), 0),"
			  " coalesce(sum(weight) FILTER (WHERE choice = 'abstain'), 0) FROM"
			  " (SELECT choice, weight FROM vote_ballots WHERE vote_id = ?1"
			  "  UNION ALL SELECT choice, weight FROM vote_named WHERE vote_id = ?1) b");
	struct db_stmt *close =
	    db_cached(db, "UPDATE votes SET status = 'closed', closed_at = ?,"
			  " yes = ?, no = ?, abstain = ?, passed = ?, result = ?"
			  " WHERE id = ? AND status = 'open'");
	struct db_stmt *mark = db_cached(db, "UPDATE motions SET status = ? WHERE id = ?");
	struct db_stmt *body =
	    db_cached(db, "SELECT body = 'conference' FROM meetings WHERE id = ?");
	struct db_stmt *keep = db_cached(db, "INSERT INTO motion_texts (motion_id, body,"
					     " by_amendment, at) SELECT id, body, ?, ? FROM motions"
					     " WHERE id = ?");
	struct db_stmt *amend = db_cached(db, "UPDATE motions SET body = ? WHERE id = ?");
	struct vote v;
	struct motion m = { 0 };
	char words[400];

	if (db_begin(db))
		return -1;
	int rc = vote_get(db, vote_id, &v);
	if (rc != 1 || !v.open || !v.motion_id || motion_get(db, v.motion_id, &m) != 1) {
		db_rollback(db);
		return rc < 0 ? -1 : 0;
	}
	db_bind_int(counts, 1, vote_id);
	if (db_one(counts) != 1)
		goto fail;
	struct tally t = { (long)db_col_int(counts, 0),
			   (long)db_col_int(counts, 1),
			   (long)db_col_int(counts, 2),
			   v.weight_present,
			   v.weight_members,
			   0 };
	db_reset(counts);
	db_bind_int(body, 1, v.meeting_id);
	t.card = (int)db_int_or(body, 0);
	/* a show of hands, counted by the chair, replaces a ballot none has used */
	if (hands) {
		if (t.yes + t.no + t.abstain > 0) {
			db_rollback(db);
			motion_release(&m);
			return 0;
		}
		t.yes = hands->yes;
		t.no = hands->no;
		t.abstain = hands->abstain;
	}
	int passed = motion_passes(m.majority, &t);
	result_words(m.majority, &t, v.quorum, words, sizeof(words));
	db_binds(close, 1, DB_INT(now), DB_INT(t.yes), DB_INT(t.no), DB_INT(t.abstain),
		 DB_INT(passed), DB_STR(words), DB_INT(vote_id));
	db_binds(mark, 1, DB_STR(passed ? "carried" : "fell"), DB_INT(m.id));
	if (db_done(close) || db_done(mark))
		goto fail;
	/* a carried amendment rewrites the motion; its old wording is kept */
	if (passed && m.amends) {
		char *wording = NULL;
		/* the vote opened only on one that merges; a clash meanwhile is its own wording */
		if (amendment_wording(db, &m, &wording) < 0)
			goto fail;
		db_binds(keep, 1, DB_INT(m.id), DB_INT(now), DB_INT(m.amends));
		db_binds(amend, 1, DB_STR(wording ? wording : m.body), DB_INT(m.amends));
		int bad = db_done(keep) || db_done(amend);
		free(wording);
		if (bad)
			goto fail;
	}
	if (consequences(db, &m, passed))
		goto fail;
	if (db_commit(db))
		goto fail;
	motion_release(&m);
	return 1;
fail:
	db_rollback(db);
	motion_release(&m);
	return -1;
}

int vote_close_election(struct db *db, long vote_id, const char *report_json, const char *result,
			long long now)
{
	struct db_stmt *close = db_cached(db, "UPDATE votes SET status = 'closed', closed_at = ?,"
					      " result = ? WHERE id = ? AND status = 'open'"
					      " RETURNING election_id");
	struct db_stmt *report = db_cached(db, "UPDATE elections SET report = ? WHERE id = ?");
	if (db_begin(db))
		return -1;
	db_binds(close, 1, DB_INT(now), DB_STR(result), DB_INT(vote_id));
	long election = (long)db_int_or(close, 0);
	db_binds(report, 1, DB_STR(report_json), DB_INT(election));
	if (election <= 0 || db_done(report) || db_commit(db)) {
		db_rollback(db);
		return election == 0 ? 0 : -1;
	}
	return 1;
}
