#include "opinion/store.h"

#include <string.h>
#include <time.h>

#include "groups/store.h"
#include "opinion/map.h"
#include "util/mem.h"
#include "util/names.h"
#include "util/utf8.h"

static const char *const scope_names[] = { "group", "region", "movement" };
static const char *const status_names[] = { "queued", "approved", "rejected" };

const char *conv_scope_name(enum conv_scope s)
{
	return scope_names[s];
}

int conv_scope_parse(const char *s, enum conv_scope *out)
{
	int i = names_find(scope_names, NAMES_COUNT(scope_names), s);
	if (i < 0)
		return -1;
	*out = (enum conv_scope)i;
	return 0;
}

const char *statement_status_name(enum statement_status s)
{
	return status_names[s];
}

static enum statement_status status_of(const char *s)
{
	int i = names_find(status_names, NAMES_COUNT(status_names), s);
	return i < 0 ? ST_REJECTED : (enum statement_status)i;
}

/* ---- conversations ---- */

#define CONV_COLS                                                                                  \
	" c.id, c.question, c.scope, c.group_id, c.region, c.opens_at, c.closes_at,"               \
	" c.created_by, c.created_at, c.votes, c.mapped, g.name,"                                  \
	" (SELECT count(*) FROM statements s WHERE s.conversation_id = c.id"                       \
	"  AND s.status = 'approved'),"                                                            \
	" (SELECT count(*) FROM statements s WHERE s.conversation_id = c.id"                       \
	"  AND s.status = 'queued')"
#define CONV_FROM " FROM conversations c LEFT JOIN local_groups g ON g.id = c.group_id"

static void conv_read(struct db_stmt *st, struct conversation *c)
{
	memset(c, 0, sizeof(*c));
	c->id = (long)db_col_int(st, 0);
	db_col_copy(st, 1, c->question, sizeof(c->question));
	conv_scope_parse(db_col_text(st, 2), &c->scope);
	c->group_id = (long)db_col_int(st, 3);
	db_col_copy(st, 4, c->region, sizeof(c->region));
	c->opens_at = db_col_int(st, 5);
	c->closes_at = db_col_int(st, 6);
	c->created_by = (long)db_col_int(st, 7);
	c->created_at = db_col_int(st, 8);
	c->votes = (long)db_col_int(st, 9);
	c->mapped = (long)db_col_int(st, 10);
	db_col_copy(st, 11, c->group_name, sizeof(c->group_name));
	c->approved = (long)db_col_int(st, 12);
	c->queued = (long)db_col_int(st, 13);
}

/* A new approved statement's place in the queue: no votes, so the boost
 * for new statements alone (opinion_priority). */
static double first_priority(void)
{
	return opinion_priority(0, 0, 0, 0, 0);
}

int statement_add(struct db *db, long conversation_id, const char *body, long author,
		  enum statement_status status, long long now, long *id)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT count(*), coalesce(sum(CASE WHEN body = ? THEN 1 ELSE 0 END), 0)"
			  " FROM statements WHERE conversation_id = ?");
	db_binds(st, 1, DB_STR(body), DB_INT(conversation_id));
	if (db_one(st) != 1)
		return -1;
	int full = db_col_int(st, 0) >= CONV_STATEMENTS_MAX, dup = db_col_int(st, 1) > 0;
	db_reset(st);
	if (full || dup)
		return 1;
	st = db_cached(db, "INSERT INTO statements (conversation_id, body, author_id, status,"
			   " created_at, priority) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
	db_binds(st, 1, DB_INT(conversation_id), DB_STR(body), DB_ID(author),
		 DB_STR(status_names[status]), DB_INT(now),
		 DB_REAL(status == ST_APPROVED ? first_priority() : 0));
	if (db_one(st) != 1)
		return -1;
	*id = (long)db_col_int(st, 0);
	db_reset(st);
	return 0;
}

int conversation_create(struct db *db, struct conversation *c, const char *const *seeds, int nseeds,
			long long now)
{
	struct db_stmt *st;
	long sid;

	if (db_begin(db))
		return -1;
	st = db_cached(db, "INSERT INTO conversations (question, scope, group_id, region,"
			   " opens_at, closes_at, created_by, created_at)"
			   " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	db_binds(st, 1, DB_STR(c->question), DB_STR(scope_names[c->scope]),
		 c->scope == CONV_GROUP ? DB_INT(c->group_id) : DB_NULL,
		 c->scope == CONV_REGION ? DB_STR(c->region) : DB_NULL, DB_INT(c->opens_at),
		 DB_INT(c->closes_at), DB_ID(c->created_by), DB_INT(now));
	if (db_one(st) != 1)
		goto fail;
	c->id = (long)db_col_int(st, 0);
	c->created_at = now;
	db_reset(st);
	for (int i = 0; i < nseeds; i++)
		if (statement_add(db, c->id, seeds[i], c->created_by, ST_APPROVED, now, &sid) < 0)
			goto fail;
	if (db_commit(db))
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return -1;
}

int conversation_get(struct db *db, long id, struct conversation *out)
{
	struct db_stmt *st = db_cached(db, "SELECT" CONV_COLS CONV_FROM " WHERE c.id = ?");
	db_bind_int(st, 1, id);
	int rc = db_one(st);
	if (rc == 1) {
		conv_read(st, out);
		db_reset(st);
	}
	return rc;
}

int conversation_in_scope(struct db *db, const struct conversation *c, long person_id)
{
	return group_reach_has(db, person_id,
			       c->scope == CONV_GROUP	 ? REACH_GROUP
			       : c->scope == CONV_REGION ? REACH_REGION
							 : REACH_MOVEMENT,
			       c->group_id, c->region);
}

int conversations_for(struct db *db, long person_id, int all,
		      void (*fn)(const struct conversation *c, long voted, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(
	    db,
	    "SELECT" CONV_COLS ","
	    " (SELECT count(*) FROM opinion_votes v WHERE v.conversation_id = c.id"
	    "  AND v.person_id = ?1)" CONV_FROM " WHERE ?2 = 1"
	    "  OR (c.scope = 'movement' AND EXISTS (SELECT 1 FROM memberships m"
	    "      WHERE m.person_id = ?1))"
	    "  OR (c.scope = 'group' AND c.group_id IN (SELECT group_id FROM memberships"
	    "      WHERE person_id = ?1))"
	    "  OR (c.scope = 'region' AND c.region IN (" SQL_REGIONS_OF_PERSON "))"
	    " ORDER BY CASE WHEN c.closes_at > ?3 THEN 0 ELSE 1 END, c.created_at DESC, c.id DESC"
	    " LIMIT 200");
	struct conversation c;
	int rc;

	db_binds(st, 1, DB_INT(person_id), DB_INT(all ? 1 : 0), DB_INT(time(NULL)));
	while (db_next(st, &rc)) {
		conv_read(st, &c);
		fn(&c, (long)db_col_int(st, 14), arg);
	}
	return rc;
}

int conversation_close(struct db *db, long id, long long now)
{
	struct db_stmt *st = db_cached(db, "UPDATE conversations SET closes_at = ?2"
					   " WHERE id = ?1 AND closes_at > ?2 AND opens_at < ?2"
					   " RETURNING id");
	db_binds(st, 1, DB_INT(id), DB_INT(now));
	return db_changed(st);
}

/* ---- statements ---- */

#define STATEMENT_COLS                                                                             \
	" s.id, s.conversation_id, s.author_id, s.moderated_by, s.status, s.body, s.reason,"       \
	" s.agrees, s.disagrees, s.passes, s.spread, s.priority, s.created_at"

static void statement_read(struct db_stmt *st, struct statement *s)
{
	*s = (struct statement){
		.id = (long)db_col_int(st, 0),
		.conversation_id = (long)db_col_int(st, 1),
		.author_id = (long)db_col_int(st, 2),
		.moderated_by = (long)db_col_int(st, 3),
		.status = status_of(db_col_text(st, 4)),
		.body = db_col_text(st, 5),
		.reason = db_col_text(st, 6),
		.agrees = (long)db_col_int(st, 7),
		.disagrees = (long)db_col_int(st, 8),
		.passes = (long)db_col_int(st, 9),
		.spread = db_col_double(st, 10),
		.priority = db_col_double(st, 11),
		.created_at = db_col_int(st, 12),
	};
}

int statement_get(struct db *db, long id, struct statement *out, char *body, char *reason,
		  size_t cap)
{
	struct db_stmt *st = db_cached(db, "SELECT" STATEMENT_COLS " FROM statements s"
					   " WHERE s.id = ?");
	db_bind_int(st, 1, id);
	int rc = db_one(st);
	if (rc == 1) {
		statement_read(st, out);
		db_col_copy(st, 5, body, cap);
		db_col_copy(st, 6, reason, cap);
		out->body = body;
		out->reason = *reason ? reason : NULL;
		db_reset(st);
	}
	return rc;
}

int statement_moderate(struct db *db, long id, int approve, const char *reason, long by)
{
	struct db_stmt *st = db_cached(db, "UPDATE statements SET status = ?, reason = ?,"
					   " moderated_by = ?, priority = ?"
					   " WHERE id = ? AND status = 'queued' RETURNING id");
	db_binds(st, 1, DB_STR(approve ? "approved" : "rejected"),
		 approve ? DB_NULL : DB_STR(reason), DB_ID(by),
		 DB_REAL(approve ? first_priority() : 0), DB_INT(id));
	return db_changed(st);
}

static int statements_run(struct db_stmt *st, void (*fn)(const struct statement *s, void *arg),
			  void *arg)
{
	struct statement s;
	int rc;
	while (db_next(st, &rc)) {
		statement_read(st, &s);
		fn(&s, arg);
	}
	return rc;
}

int statements_each(struct db *db, long conversation_id, enum statement_status status,
		    void (*fn)(const struct statement *s, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT" STATEMENT_COLS " FROM statements s"
					   " WHERE s.conversation_id = ? AND s.status = ?"
					   " ORDER BY s.id");
	db_binds(st, 1, DB_INT(conversation_id), DB_STR(status_names[status]));
	return statements_run(st, fn, arg);
}

int statements_by(struct db *db, long conversation_id, long author,
		  void (*fn)(const struct statement *s, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT" STATEMENT_COLS " FROM statements s"
					   " WHERE s.conversation_id = ? AND s.author_id = ?"
					   " ORDER BY s.id DESC LIMIT 100");
	db_binds(st, 1, DB_INT(conversation_id), DB_INT(author));
	return statements_run(st, fn, arg);
}

int statement_next(struct db *db, long conversation_id, long person_id, struct statement *out,
		   char *body, size_t cap)
{
	struct db_stmt *st = db_cached(
	    db, "SELECT" STATEMENT_COLS " FROM statements s"
		" WHERE s.conversation_id = ? AND s.status = 'approved'"
		" AND NOT EXISTS (SELECT 1 FROM opinion_votes v WHERE v.statement_id = s.id"
		"  AND v.person_id = ?)"
		" ORDER BY s.priority DESC, s.id LIMIT 1");
	db_binds(st, 1, DB_INT(conversation_id), DB_INT(person_id));
	int rc = db_one(st);
	if (rc == 1) {
		statement_read(st, out);
		db_col_copy(st, 5, body, cap);
		out->body = body;
		out->reason = NULL;
		db_reset(st);
	}
	return rc;
}

/* ---- votes ---- */

int opinion_vote_of(struct db *db, long statement_id, long person_id, int *vote)
{
	struct db_stmt *st = db_cached(db, "SELECT vote FROM opinion_votes"
					   " WHERE statement_id = ? AND person_id = ?");
	db_binds(st, 1, DB_INT(statement_id), DB_INT(person_id));
	int rc = db_one(st);
	if (rc == 1) {
		*vote = (int)db_col_int(st, 0);
		db_reset(st);
	}
	return rc;
}

int opinion_vote_put(struct db *db, long conversation_id, long statement_id, long person_id,
		     int vote, int change, long long now)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT s.agrees, s.disagrees, s.passes, s.spread,"
			  " coalesce((SELECT m.groups FROM opinion_maps m"
			  "  WHERE m.conversation_id = s.conversation_id), 0)"
			  " FROM statements s JOIN conversations c ON c.id = s.conversation_id"
			  " WHERE s.id = ? AND s.conversation_id = ? AND s.status = 'approved'"
			  " AND c.opens_at <= ? AND c.closes_at > ?");
	long count[3]; /* agrees, disagrees, passes */
	int old, had;

	db_binds(st, 1, DB_INT(statement_id), DB_INT(conversation_id), DB_INT(now), DB_INT(now));
	int rc = db_one(st);
	if (rc <= 0)
		return rc < 0 ? -1 : 2;
	for (int i = 0; i < 3; i++)
		count[i] = (long)db_col_int(st, i);
	double spread = db_col_double(st, 3);
	int mapped = db_col_int(st, 4) > 0;
	db_reset(st);

	had = opinion_vote_of(db, statement_id, person_id, &old);
	if (had < 0)
		return -1;
	if (had != change)
		return 0;
	if (had && old == vote)
		return 1;
	if (had) {
		count[old == 1 ? 0 : old == -1 ? 1 : 2]--;
		st = db_cached(db, "UPDATE opinion_votes SET vote = ?, at = ?"
				   " WHERE statement_id = ? AND person_id = ?");
		db_binds(st, 1, DB_INT(vote), DB_INT(now), DB_INT(statement_id), DB_INT(person_id));
	} else {
		st = db_cached(db, "INSERT INTO opinion_votes (statement_id, person_id,"
				   " conversation_id, vote, at) VALUES (?, ?, ?, ?, ?)");
		db_binds(st, 1, DB_INT(statement_id), DB_INT(person_id), DB_INT(conversation_id),
			 DB_INT(vote), DB_INT(now));
	}
	if (db_done(st))
		return -1;
	count[vote == 1 ? 0 : vote == -1 ? 1 : 2]++;
	st = db_cached(db, "UPDATE statements SET agrees = ?, disagrees = ?, passes = ?,"
			   " priority = ? WHERE id = ?");
	db_binds(st, 1, DB_INT(count[0]), DB_INT(count[1]), DB_INT(count[2]),
		 DB_REAL(opinion_priority(count[0], count[1], count[2], spread, mapped)),
		 DB_INT(statement_id));
	if (db_done(st))
		return -1;
	st = db_cached(db, "UPDATE conversations SET votes = votes + 1 WHERE id = ?");
	db_bind_int(st, 1, conversation_id);
	return db_done(st) ? -1 : 1;
}

long opinion_votes_count(struct db *db, long conversation_id, long person_id)
{
	struct db_stmt *st = db_cached(db, "SELECT count(*) FROM opinion_votes"
					   " WHERE conversation_id = ? AND person_id = ?");
	db_binds(st, 1, DB_INT(conversation_id), DB_INT(person_id));
	return (long)db_int_or(st, -1);
}

int opinion_votes_mine(struct db *db, long conversation_id, long person_id,
		       void (*fn)(const struct statement *s, int vote, long long at, void *arg),
		       void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT" STATEMENT_COLS ", v.vote, v.at"
					   " FROM opinion_votes v JOIN statements s"
					   " ON s.id = v.statement_id"
					   " WHERE v.conversation_id = ? AND v.person_id = ?"
					   " ORDER BY v.at DESC, s.id DESC");
	struct statement s;
	int rc;

	db_binds(st, 1, DB_INT(conversation_id), DB_INT(person_id));
	while (db_next(st, &rc)) {
		statement_read(st, &s);
		fn(&s, (int)db_col_int(st, 13), db_col_int(st, 14), arg);
	}
	return rc;
}

int opinion_votes_each(struct db *db, long conversation_id,
		       void (*fn)(long person_id, long statement_id, int vote, long long at,
				  void *arg),
		       void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT v.person_id, v.statement_id, v.vote, v.at"
					   " FROM opinion_votes v JOIN statements s"
					   " ON s.id = v.statement_id AND s.status = 'approved'"
					   " WHERE v.conversation_id = ?"
					   " ORDER BY v.person_id, v.statement_id");
	int rc;

	db_bind_int(st, 1, conversation_id);
	while (db_next(st, &rc))
		fn((long)db_col_int(st, 0), (long)db_col_int(st, 1), (int)db_col_int(st, 2),
		   db_col_int(st, 3), arg);
	return rc;
}

/* ---- maps ---- */

long opinion_maps_due(struct db *db, long *ids, long n)
{
	struct db_stmt *st = db_cached(db, "SELECT id FROM conversations WHERE votes > mapped"
					   " ORDER BY id LIMIT ?");
	long k = 0;
	int rc;

	db_bind_int(st, 1, n);
	while (db_next(st, &rc))
		ids[k++] = (long)db_col_int(st, 0);
	return rc < 0 ? -1 : k;
}

long opinion_votes_version(struct db *db, long conversation_id)
{
	struct db_stmt *st = db_cached(db, "SELECT votes FROM conversations WHERE id = ?");
	db_bind_int(st, 1, conversation_id);
	return (long)db_int_or(st, -1);
}

int opinion_map_put(struct db *db, const struct opinion_map_row *m, const long *ids,
		    const double *spreads, long n, int mapped)
{
	struct db_stmt *st;

	if (db_begin(db))
		return -1;
	st = db_cached(db, "INSERT INTO opinion_maps (conversation_id, computed_at, at_votes,"
			   " groups, placed, body, state) VALUES (?, ?, ?, ?, ?, ?, ?)"
			   " ON CONFLICT (conversation_id) DO UPDATE SET"
			   " computed_at = excluded.computed_at, at_votes = excluded.at_votes,"
			   " groups = excluded.groups, placed = excluded.placed,"
			   " body = excluded.body, state = excluded.state");
	db_binds(st, 1, DB_INT(m->conversation_id), DB_INT(m->computed_at), DB_INT(m->at_votes),
		 DB_INT(m->groups), DB_INT(m->placed), DB_STR(m->body), DB_STR(m->state));
	if (db_done(st))
		goto fail;
	for (long i = 0; i < n; i++) {
		st = db_cached(db, "SELECT agrees, disagrees, passes FROM statements WHERE id = ?");
		db_bind_int(st, 1, ids[i]);
		if (db_one(st) != 1)
			continue;
		long a = (long)db_col_int(st, 0), d = (long)db_col_int(st, 1),
		     p = (long)db_col_int(st, 2);
		db_reset(st);
		st = db_cached(db, "UPDATE statements SET spread = ?, priority = ? WHERE id = ?");
		db_binds(st, 1, DB_REAL(spreads[i]),
			 DB_REAL(opinion_priority(a, d, p, spreads[i], mapped)), DB_INT(ids[i]));
		if (db_done(st))
			goto fail;
	}
	st = db_cached(db, "UPDATE conversations SET mapped = ? WHERE id = ?");
	db_binds(st, 1, DB_INT(m->at_votes), DB_INT(m->conversation_id));
	if (db_done(st) || db_commit(db))
		goto fail;
	return 0;
fail:
	db_rollback(db);
	return -1;
}

int opinion_map_get(struct db *db, long conversation_id, struct opinion_map_row *out, char **body,
		    char **state)
{
	struct db_stmt *st = db_cached(db, "SELECT computed_at, at_votes, groups, placed, body,"
					   " state FROM opinion_maps WHERE conversation_id = ?");
	db_bind_int(st, 1, conversation_id);
	int rc = db_one(st);
	if (rc == 1) {
		*out = (struct opinion_map_row){
			.conversation_id = conversation_id,
			.computed_at = db_col_int(st, 0),
			.at_votes = (long)db_col_int(st, 1),
			.groups = (int)db_col_int(st, 2),
			.placed = (int)db_col_int(st, 3),
		};
		*body = xstrdup(db_col_text(st, 4) ? db_col_text(st, 4) : "{}");
		*state = xstrdup(db_col_text(st, 5) ? db_col_text(st, 5) : "{}");
		out->body = *body;
		out->state = *state;
		db_reset(st);
	}
	return rc;
}
