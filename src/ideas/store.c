#include "ideas/store.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meetings/store.h"
#include "util/mem.h"
#include "util/names.h"
#include "util/utf8.h"

static const char *const stage_names[] = { "open",    "deliberation", "motion",
					   "outcome", "closed",	      "merged" };
static const char *const stage_words[] = {
	"gathering support", "in deliberation", "a motion at a meeting",
	"decided",	     "closed",		"merged into another idea",
};
const char *const idea_categories[] = { "democracy",   "economy", "education",
					"environment", "health",  "housing",
					"transport",   "other",	  NULL };
const char *const idea_outcomes[] = { "adopted",     "adopted with changes",
				      "not adopted", "in progress",
				      "done",	     NULL };

const char *idea_stage_name(enum idea_stage s)
{
	return stage_names[s];
}

const char *idea_stage_words(enum idea_stage s)
{
	return stage_words[s];
}

int idea_category_ok(const char *s)
{
	for (int i = 0; s && idea_categories[i]; i++)
		if (!strcmp(s, idea_categories[i]))
			return 1;
	return 0;
}

void idea_scope_key(enum conv_scope scope, long group_id, const char *region, char *out, size_t cap)
{
	if (scope == CONV_GROUP)
		snprintf(out, cap, "g:%ld", group_id);
	else if (scope == CONV_REGION)
		snprintf(out, cap, "r:%s", region);
	else
		snprintf(out, cap, "m:");
}

void idea_release(struct idea *i)
{
	free(i->body);
	free(i->claims);
	free(i->outcome_note);
	i->body = i->claims = i->outcome_note = NULL;
}

/* ---- thresholds ---- */

int idea_threshold_get(struct db *db, enum conv_scope scope, struct idea_threshold *out)
{
	struct db_stmt *st = db_cached(db, "SELECT absolute, percent, days FROM idea_thresholds"
					   " WHERE scope = ?");
	db_bind_str(st, 1, conv_scope_name(scope));
	if (db_one(st) != 1)
		return -1;
	*out = (struct idea_threshold){ (long)db_col_int(st, 0), db_col_double(st, 1),
					(long)db_col_int(st, 2) };
	db_reset(st);
	return 0;
}

int idea_threshold_set(struct db *db, enum conv_scope scope, const struct idea_threshold *t)
{
	struct db_stmt *st = db_cached(db, "UPDATE idea_thresholds SET absolute = ?, percent = ?,"
					   " days = ? WHERE scope = ?");
	db_binds(st, 1, DB_INT(t->absolute), DB_REAL(t->percent), DB_INT(t->days),
		 DB_STR(conv_scope_name(scope)));
	return db_done(st);
}

long idea_scope_members(struct db *db, enum conv_scope scope, long group_id, const char *region)
{
	struct db_stmt *st;
	if (scope == CONV_GROUP) {
		st = db_cached(db, "SELECT count(*) FROM memberships WHERE group_id = ?");
		db_bind_int(st, 1, group_id);
	} else if (scope == CONV_REGION) {
		st = db_cached(db, "SELECT count(DISTINCT m.person_id) FROM memberships m"
				   " JOIN group_seats s ON s.group_id = m.group_id"
				   " JOIN results r ON r.election = 2024 AND r.code = s.pcon2024"
				   " WHERE r.region = ?");
		db_bind_str(st, 1, region);
	} else {
		st = db_cached(db, "SELECT count(DISTINCT person_id) FROM memberships");
	}
	return (long)db_int_or(st, -1);
}

long idea_needed(const struct idea_threshold *t, long members)
{
	long share = (long)ceil(t->percent * (double)members / 100.0 - 1e-9);
	long need = t->absolute > share ? t->absolute : share;
	if (need > members)
		need = members;
	return need < 1 ? 1 : need;
}

/* ---- ideas ---- */

int idea_event(struct db *db, long id, enum idea_stage stage, const char *text, long by,
	       long long now)
{
	struct db_stmt *st =
	    db_cached(db, "INSERT INTO idea_events (idea_id, at, stage, text, by_id)"
			  " VALUES (?, ?, ?, ?, ?)");
	db_binds(st, 1, DB_INT(id), DB_INT(now), DB_STR(stage_names[stage]), DB_STR(text),
		 DB_ID(by));
	if (db_done(st))
		return -1;
	st = db_cached(db, "UPDATE ideas SET updated_at = ? WHERE id = ?");
	db_binds(st, 1, DB_INT(now), DB_INT(id));
	return db_done(st);
}

static int words_put(struct db *db, long id, const char *scope_key, const struct idea_words *w)
{
	for (size_t k = 0; k < w->n; k++) {
		struct db_stmt *st =
		    db_cached(db, "INSERT INTO idea_words (word, scope_key, idea_id)"
				  " VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
		db_binds(st, 1, DB_STR(w->w[k]), DB_STR(scope_key), DB_INT(id));
		if (db_done(st))
			return -1;
	}
	return 0;
}

int idea_create(struct db *db, struct idea *i, const struct idea_words *words, const long *similar,
		const double *scores, int nsimilar, long long now)
{
	struct db_stmt *st;

	idea_scope_key(i->scope, i->group_id, i->region, i->scope_key, sizeof(i->scope_key));
	if (db_begin(db))
		return -1;
	st = db_cached(
	    db, "INSERT INTO ideas (title, body, category, claims, scope, group_id,"
		" region, scope_key, author_id, supports, needed, deadline, created_at,"
		" updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING id");
	db_binds(st, 1, DB_STR(i->title), DB_STR(i->body), DB_STR(i->category),
		 DB_STR(i->claims ? i->claims : ""), DB_STR(conv_scope_name(i->scope)),
		 i->scope == CONV_GROUP ? DB_INT(i->group_id) : DB_NULL,
		 i->scope == CONV_REGION ? DB_STR(i->region) : DB_NULL, DB_STR(i->scope_key),
		 DB_ID(i->author_id), DB_INT(i->needed), DB_INT(i->deadline), DB_INT(now),
		 DB_INT(now));
	i->id = (long)db_int_or(st, -1);
	if (i->id <= 0)
		goto fail;
	st = db_cached(db, "INSERT INTO idea_authors (idea_id, person_id) VALUES (?, ?)");
	db_binds(st, 1, DB_INT(i->id), DB_INT(i->author_id));
	if (db_done(st))
		goto fail;
	st = db_cached(db, "INSERT INTO idea_supports (idea_id, person_id, value, at)"
			   " VALUES (?, ?, 1, ?)");
	db_binds(st, 1, DB_INT(i->id), DB_INT(i->author_id), DB_INT(now));
	if (db_done(st) || words_put(db, i->id, i->scope_key, words))
		goto fail;
	for (int k = 0; k < nsimilar; k++) {
		st = db_cached(
		    db, "INSERT INTO idea_similar (idea_id, other_id, score) VALUES (?, ?, ?)");
		db_binds(st, 1, DB_INT(i->id), DB_INT(similar[k]), DB_REAL(scores[k]));
		if (db_done(st))
			goto fail;
	}
	if (idea_event(db, i->id, IDEA_OPEN, "Put forward.", i->author_id, now) || db_commit(db))
		goto fail;
	i->supports = 1;
	return 0;
fail:
	db_rollback(db);
	return -1;
}

static char *col_dup(struct db_stmt *st, int i)
{
	return xstrdup(db_col_text(st, i) ? db_col_text(st, i) : "");
}

int idea_get(struct db *db, long id, struct idea *out)
{
	struct db_stmt *st = db_cached(
	    db, "SELECT i.id, i.title, i.body, i.category, i.claims, i.scope, i.group_id, i.region,"
		" i.scope_key, i.author_id, i.stage, i.supports, i.opposes, i.needed, i.deadline,"
		" i.conversation_id, i.motion_id, i.merged_into, i.owner_id, i.outcome,"
		" i.outcome_note, i.created_at, i.updated_at, g.name, o.name"
		" FROM ideas i LEFT JOIN local_groups g ON g.id = i.group_id"
		" LEFT JOIN people o ON o.id = i.owner_id WHERE i.id = ?");
	db_bind_int(st, 1, id);
	int rc = db_one(st);
	if (rc != 1)
		return rc;
	memset(out, 0, sizeof(*out));
	out->id = (long)db_col_int(st, 0);
	db_col_copy(st, 1, out->title, sizeof(out->title));
	out->body = col_dup(st, 2);
	db_col_copy(st, 3, out->category, sizeof(out->category));
	out->claims = col_dup(st, 4);
	conv_scope_parse(db_col_text(st, 5), &out->scope);
	out->group_id = (long)db_col_int(st, 6);
	db_col_copy(st, 7, out->region, sizeof(out->region));
	db_col_copy(st, 8, out->scope_key, sizeof(out->scope_key));
	out->author_id = (long)db_col_int(st, 9);
	int stage = names_find(stage_names, NAMES_COUNT(stage_names), db_col_text(st, 10));
	out->stage = stage < 0 ? IDEA_CLOSED : (enum idea_stage)stage;
	out->supports = (long)db_col_int(st, 11);
	out->opposes = (long)db_col_int(st, 12);
	out->needed = (long)db_col_int(st, 13);
	out->deadline = db_col_int(st, 14);
	out->conversation_id = (long)db_col_int(st, 15);
	out->motion_id = (long)db_col_int(st, 16);
	out->merged_into = (long)db_col_int(st, 17);
	out->owner_id = (long)db_col_int(st, 18);
	db_col_copy(st, 19, out->outcome, sizeof(out->outcome));
	out->outcome_note = col_dup(st, 20);
	out->created_at = db_col_int(st, 21);
	out->updated_at = db_col_int(st, 22);
	db_col_copy(st, 23, out->group_name, sizeof(out->group_name));
	db_col_copy(st, 24, out->owner_name, sizeof(out->owner_name));
	db_reset(st);
	return 1;
}

/* ---- similar ideas ---- */

#define CANDIDATES 20

int idea_similar_find(struct db *db, const char *scope_key, const char *title, const char *body,
		      long exclude, long *ids, double *scores, int max)
{
	struct idea_words *w = xmalloc(sizeof(*w));
	char *text = xmalloc(strlen(title) + strlen(body) + 2);
	long cand[CANDIDATES];
	int n = 0, found = 0, rc = -1;

	sprintf(text, "%s %s", title, body);
	idea_words_of(text, w);
	free(text);
	/* the ideas sharing most words, by the index; a word list of fixed
	 * length, unused places bound to NULL (which matches nothing) */
	struct db_stmt *st = db_cached(
	    db,
	    "SELECT w.idea_id FROM idea_words w JOIN ideas i ON i.id = w.idea_id"
	    " WHERE w.scope_key = ?1 AND w.idea_id <> ?2 AND i.stage <> 'merged' AND w.word IN ("
	    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
	    " ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34)"
	    " GROUP BY w.idea_id ORDER BY count(*) DESC, w.idea_id DESC LIMIT 20");
	db_binds(st, 1, DB_STR(scope_key), DB_INT(exclude));
	for (int k = 0; k < 32; k++)
		db_bind_str(st, 3 + k, (size_t)k < w->n ? w->w[k] : NULL);
	while (n < CANDIDATES && db_next(st, &rc))
		cand[n++] = (long)db_col_int(st, 0);
	free(w);
	if (rc < 0)
		return -1;
	for (int c = 0; c < n; c++) {
		struct idea other;
		if (idea_get(db, cand[c], &other) != 1)
			return -1;
		double score = idea_similarity(title, body, other.title, other.body);
		idea_release(&other);
		if (score < IDEA_SIMILAR)
			continue;
		/* kept best first: a new score sinks below those at least as good */
		int at = found < max ? found++ : max;
		while (at > 0 && scores[at - 1] < score) {
			if (at < max) {
				ids[at] = ids[at - 1];
				scores[at] = scores[at - 1];
			}
			at--;
		}
		if (at < max) {
			ids[at] = cand[c];
			scores[at] = score;
		}
	}
	return found;
}

int idea_similar_each(struct db *db, long id,
		      void (*fn)(long other, const char *title, const char *stage, double score,
				 void *arg),
		      void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT s.other_id, i.title, i.stage, s.score"
					   " FROM idea_similar s JOIN ideas i ON i.id = s.other_id"
					   " WHERE s.idea_id = ? ORDER BY s.score DESC");
	int rc;
	db_bind_int(st, 1, id);
	while (db_next(st, &rc))
		fn((long)db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2),
		   db_col_double(st, 3), arg);
	return rc;
}

/* ---- support ---- */

int idea_support_of(struct db *db, long idea_id, long person_id)
{
	struct db_stmt *st = db_cached(db, "SELECT value FROM idea_supports"
					   " WHERE idea_id = ? AND person_id = ?");
	db_binds(st, 1, DB_INT(idea_id), DB_INT(person_id));
	return (int)db_int_or(st, 0);
}

int idea_support(struct db *db, long idea_id, long person_id, int value, long long now)
{
	struct db_stmt *st = db_cached(db, "SELECT stage FROM ideas WHERE id = ?");
	db_bind_int(st, 1, idea_id);
	if (db_one(st) != 1)
		return -1;
	int open = !strcmp(db_col_text(st, 0), "open");
	db_reset(st);
	if (!open)
		return 2;
	int old = idea_support_of(db, idea_id, person_id);
	if (old == value)
		return 0;
	if (value) {
		st = db_cached(db, "INSERT INTO idea_supports (idea_id, person_id, value, at)"
				   " VALUES (?, ?, ?, ?) ON CONFLICT (idea_id, person_id)"
				   " DO UPDATE SET value = excluded.value, at = excluded.at");
		db_binds(st, 1, DB_INT(idea_id), DB_INT(person_id), DB_INT(value), DB_INT(now));
	} else {
		/* the trigger takes the withdrawn stand out of the count */
		st = db_cached(db, "DELETE FROM idea_supports WHERE idea_id = ? AND person_id = ?");
		db_binds(st, 1, DB_INT(idea_id), DB_INT(person_id));
	}
	if (db_done(st))
		return -1;
	if (value) {
		long s = (value == 1) - (old == 1), o = (value == -1) - (old == -1);
		st = db_cached(db, "UPDATE ideas SET supports = supports + ?,"
				   " opposes = opposes + ? WHERE id = ?");
		db_binds(st, 1, DB_INT(s), DB_INT(o), DB_INT(idea_id));
		if (db_done(st))
			return -1;
	}
	return 1;
}

int idea_rise(struct db *db, long idea_id, long long now)
{
	struct idea i;
	int rc = idea_get(db, idea_id, &i);
	if (rc != 1)
		return rc;
	if (i.stage != IDEA_OPEN || i.supports < i.needed) {
		idea_release(&i);
		return 0;
	}
	/* its key claims (one a line), or its title, are the statements */
	const char *seeds[IDEA_CLAIMS_MAX + 1];
	int n = 0;
	char *claims = xstrdup(i.claims);
	for (char *line = strtok(claims, "\n"); line && n < IDEA_CLAIMS_MAX;
	     line = strtok(NULL, "\n"))
		if (*line)
			seeds[n++] = line;
	if (!n)
		seeds[n++] = i.title;
	struct conversation c = { .scope = i.scope,
				  .group_id = i.group_id,
				  .created_by = i.author_id,
				  .opens_at = now,
				  .closes_at = now + IDEA_DELIBERATION_DAYS * 86400LL };
	snprintf(c.question, sizeof(c.question), "%s", i.title);
	snprintf(c.region, sizeof(c.region), "%s", i.region);
	rc = -1;
	if (db_begin(db))
		goto done;
	if (conversation_create(db, &c, seeds, n, now))
		goto fail;
	struct db_stmt *st = db_cached(db, "UPDATE ideas SET stage = 'deliberation',"
					   " conversation_id = ? WHERE id = ? AND stage = 'open'");
	db_binds(st, 1, DB_INT(c.id), DB_INT(idea_id));
	char text[128];
	snprintf(text, sizeof(text), "Reached %ld supports: its claims are now a conversation.",
		 i.supports);
	if (db_done(st) || idea_event(db, idea_id, IDEA_DELIBERATION, text, 0, now) ||
	    db_commit(db))
		goto fail;
	rc = 1;
	goto done;
fail:
	db_rollback(db);
done:
	free(claims);
	idea_release(&i);
	return rc;
}

/* ---- lists and history ---- */

int ideas_list(struct db *db, const char *scope_key, long viewer, long offset,
	       void (*fn)(const struct idea_row *r, void *arg), void *arg)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT i.id, i.title, i.category, i.stage, i.supports, i.opposes,"
			  " i.needed, i.deadline, coalesce(s.value, 0)"
			  " FROM ideas i LEFT JOIN idea_supports s ON s.idea_id = i.id"
			  " AND s.person_id = ?2"
			  " WHERE i.scope_key = ?1 AND i.stage <> 'merged'"
			  " ORDER BY i.supports DESC, i.id DESC LIMIT ?3 OFFSET ?4");
	int rc;
	db_binds(st, 1, DB_STR(scope_key), DB_INT(viewer), DB_INT(IDEAS_PAGE), DB_INT(offset));
	while (db_next(st, &rc)) {
		struct idea_row r = { (long)db_col_int(st, 0), (long)db_col_int(st, 4),
				      (long)db_col_int(st, 5), (long)db_col_int(st, 6),
				      db_col_text(st, 1),      db_col_text(st, 2),
				      db_col_text(st, 3),      db_col_int(st, 7),
				      (int)db_col_int(st, 8) };
		fn(&r, arg);
	}
	return rc;
}

int idea_events_each(struct db *db, long id,
		     void (*fn)(long long at, const char *stage, const char *text, void *arg),
		     void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT at, stage, text FROM idea_events"
					   " WHERE idea_id = ? ORDER BY id");
	int rc;
	db_bind_int(st, 1, id);
	while (db_next(st, &rc))
		fn(db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2), arg);
	return rc;
}

int idea_authors_each(struct db *db, long id, void (*fn)(const char *name, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT p.name FROM idea_authors a"
					   " JOIN people p ON p.id = a.person_id"
					   " WHERE a.idea_id = ? ORDER BY p.name");
	int rc;
	db_bind_int(st, 1, id);
	while (db_next(st, &rc))
		fn(db_col_text(st, 0), arg);
	return rc;
}

int idea_followers(struct db *db, long id, void (*fn)(long person_id, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT person_id FROM idea_authors WHERE idea_id = ?1"
					   " UNION SELECT person_id FROM idea_supports"
					   " WHERE idea_id = ?1 AND value = 1 ORDER BY 1");
	int rc;
	db_bind_int(st, 1, id);
	while (db_next(st, &rc))
		fn((long)db_col_int(st, 0), arg);
	return rc;
}

/* ---- the stages after deliberation ---- */

int idea_to_motion(struct db *db, long id, long meeting_id, long by, long long now, long *motion_id)
{
	struct idea i;
	struct meeting m;
	int rc = idea_get(db, id, &i);
	if (rc != 1)
		return rc;
	if (i.stage != IDEA_DELIBERATION || meeting_get(db, meeting_id, &m) != 1) {
		idea_release(&i);
		return 0;
	}
	struct motion mo = { .meeting_id = meeting_id,
			     .mover_id = i.author_id,
			     .body = i.body,
			     .majority = m.majority,
			     .status = MOTION_AGENDA };
	/* a long title in a script of wide letters is cut at a letter's edge */
	size_t cut = strlen(i.title);
	if (cut > MOTION_TITLE_MAX)
		for (cut = MOTION_TITLE_MAX; cut && (i.title[cut] & 0xc0) == 0x80; cut--)
			;
	memcpy(mo.title, i.title, cut);
	mo.title[cut] = 0;
	char text[MEETING_TITLE_MAX + 64];
	snprintf(text, sizeof(text), "Put as a motion to %s.", m.title);
	rc = -1;
	if (db_begin(db))
		goto done;
	if (motion_add(db, &mo, now) != 1)
		goto fail;
	struct db_stmt *st = db_cached(db, "UPDATE ideas SET stage = 'motion', motion_id = ?"
					   " WHERE id = ? AND stage = 'deliberation'");
	db_binds(st, 1, DB_INT(mo.id), DB_INT(id));
	if (db_done(st) || idea_event(db, id, IDEA_MOTION, text, by, now) || db_commit(db))
		goto fail;
	*motion_id = mo.id;
	rc = 1;
	goto done;
fail:
	db_rollback(db);
done:
	idea_release(&i);
	return rc;
}

int idea_set_outcome(struct db *db, long id, const char *outcome, long owner, const char *note,
		     long by, long long now)
{
	if (db_begin(db))
		return -1;
	struct db_stmt *st = db_cached(db, "UPDATE ideas SET stage = 'outcome', outcome = ?,"
					   " owner_id = ?, outcome_note = ? WHERE id = ?"
					   " AND stage IN ('deliberation', 'motion', 'outcome')"
					   " RETURNING id");
	db_binds(st, 1, DB_STR(outcome), DB_ID(owner), DB_STR(note), DB_INT(id));
	long n = db_count(st);
	char text[IDEA_OUTCOME_MAX + 32];
	snprintf(text, sizeof(text), "Outcome: %s.", outcome);
	if (n < 0 || (n > 0 && idea_event(db, id, IDEA_OUTCOME, text, by, now)) || db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return n > 0;
}

int idea_promote(struct db *db, long id, enum conv_scope to, const char *region, long by,
		 long long now)
{
	struct idea i;
	struct idea_threshold t;
	int rc = idea_get(db, id, &i);
	if (rc != 1)
		return rc;
	rc = 0;
	if (i.stage == IDEA_MERGED || to <= i.scope || (to == CONV_REGION && !*region))
		goto done;
	rc = -1;
	long members = idea_scope_members(db, to, 0, region);
	if (members < 0 || idea_threshold_get(db, to, &t))
		goto done;
	char key[sizeof(i.scope_key)], text[CONV_REGION_MAX + 64];
	idea_scope_key(to, 0, region, key, sizeof(key));
	snprintf(text, sizeof(text), "Put to %s%s to gather support there.",
		 to == CONV_REGION ? "members in " : "the whole movement",
		 to == CONV_REGION ? region : "");
	if (db_begin(db))
		goto done;
	struct db_stmt *st =
	    db_cached(db, "UPDATE ideas SET scope = ?, group_id = NULL, region = ?, scope_key = ?,"
			  " stage = 'open', needed = ?, deadline = ?, conversation_id = NULL,"
			  " motion_id = NULL WHERE id = ?");
	db_binds(st, 1, DB_STR(conv_scope_name(to)), to == CONV_REGION ? DB_STR(region) : DB_NULL,
		 DB_STR(key), DB_INT(idea_needed(&t, members)), DB_INT(now + t.days * 86400LL),
		 DB_INT(id));
	if (db_done(st))
		goto fail;
	st = db_cached(db, "UPDATE idea_words SET scope_key = ? WHERE idea_id = ?");
	db_binds(st, 1, DB_STR(key), DB_INT(id));
	if (db_done(st) || idea_event(db, id, IDEA_OPEN, text, by, now) || db_commit(db))
		goto fail;
	rc = 1;
	goto done;
fail:
	db_rollback(db);
done:
	idea_release(&i);
	return rc;
}

int idea_merge(struct db *db, long from, long into, long by, long long now)
{
	struct idea a, b;
	int rc = 0;

	if (from == into)
		return 0;
	int ra = idea_get(db, from, &a);
	if (ra != 1)
		return ra;
	int rb = idea_get(db, into, &b);
	if (rb != 1) {
		idea_release(&a);
		return rb;
	}
	if (a.stage == IDEA_MERGED || b.stage == IDEA_MERGED || strcmp(a.scope_key, b.scope_key))
		goto done;
	rc = -1;
	char text[IDEA_TITLE_MAX * 4 + 64];
	if (db_begin(db))
		goto done;
	/* a member who backed both keeps one stand, the one on into */
	struct db_stmt *st =
	    db_cached(db, "INSERT INTO idea_supports (idea_id, person_id, value, at)"
			  " SELECT ?1, person_id, value, at FROM idea_supports"
			  " WHERE idea_id = ?2 ON CONFLICT DO NOTHING");
	db_binds(st, 1, DB_INT(into), DB_INT(from));
	if (db_done(st))
		goto fail;
	st = db_cached(db, "INSERT INTO idea_authors (idea_id, person_id)"
			   " SELECT ?1, person_id FROM idea_authors WHERE idea_id = ?2"
			   " ON CONFLICT DO NOTHING");
	db_binds(st, 1, DB_INT(into), DB_INT(from));
	if (db_done(st))
		goto fail;
	/* a merge is rare: the two counts are taken again from the rows */
	st = db_cached(db, "UPDATE ideas SET"
			   " supports = (SELECT count(*) FROM idea_supports WHERE idea_id = ?1"
			   "  AND value = 1),"
			   " opposes = (SELECT count(*) FROM idea_supports WHERE idea_id = ?1"
			   "  AND value = -1) WHERE id = ?1");
	db_bind_int(st, 1, into);
	if (db_done(st))
		goto fail;
	st = db_cached(db, "UPDATE ideas SET stage = 'merged', merged_into = ? WHERE id = ?");
	db_binds(st, 1, DB_INT(into), DB_INT(from));
	if (db_done(st))
		goto fail;
	snprintf(text, sizeof(text), "Merged into \"%s\", with its supporters and authors.",
		 b.title);
	if (idea_event(db, from, IDEA_MERGED, text, by, now))
		goto fail;
	snprintf(text, sizeof(text), "\"%s\" was merged into it, with its supporters and authors.",
		 a.title);
	if (idea_event(db, into, b.stage, text, by, now) || db_commit(db))
		goto fail;
	rc = 1;
	goto done;
fail:
	db_rollback(db);
done:
	idea_release(&a);
	idea_release(&b);
	return rc;
}

int idea_group_region(struct db *db, long group_id, char *out, size_t cap)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT r.region FROM group_seats s"
			  " JOIN results r ON r.election = 2024 AND r.code = s.pcon2024"
			  " WHERE s.group_id = ? AND r.region IS NOT NULL"
			  " GROUP BY r.region ORDER BY count(*) DESC, r.region LIMIT 1");
	db_bind_int(st, 1, group_id);
	int rc = db_one(st);
	if (rc == 1) {
		db_col_copy(st, 0, out, cap);
		db_reset(st);
	}
	return rc;
}

long ideas_expire(struct db *db, long long now, int (*fn)(long id, void *arg), void *arg)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT id, supports, needed FROM ideas"
			  " WHERE stage = 'open' AND deadline <= ? ORDER BY deadline"
			  " LIMIT 100");
	long ids[100], sup[100], need[100], n = 0, done = 0;
	int rc;

	db_bind_int(st, 1, now);
	while (n < 100 && db_next(st, &rc)) {
		ids[n] = (long)db_col_int(st, 0);
		sup[n] = (long)db_col_int(st, 1);
		need[n++] = (long)db_col_int(st, 2);
	}
	if (rc < 0)
		return -1;
	for (long k = 0; k < n; k++) {
		char text[160];
		snprintf(text, sizeof(text),
			 "Closed: it had %ld of the %ld supports it needed when its time ran out."
			 " It can be put forward again.",
			 sup[k], need[k]);
		if (db_begin(db))
			return -1;
		st = db_cached(db,
			       "UPDATE ideas SET stage = 'closed' WHERE id = ? AND stage = 'open'");
		db_bind_int(st, 1, ids[k]);
		if (db_done(st) || idea_event(db, ids[k], IDEA_CLOSED, text, 0, now) ||
		    (fn && fn(ids[k], arg)) || db_commit(db)) {
			db_rollback(db);
			return -1;
		}
		done++;
	}
	return done;
}

long ideas_deliberated(struct db *db, long long now, int (*fn)(long id, void *arg), void *arg)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT i.id FROM ideas i"
			  " JOIN conversations c ON c.id = i.conversation_id"
			  " WHERE i.stage = 'deliberation' AND i.deliberated_told = 0"
			  " AND c.closes_at <= ? ORDER BY i.id LIMIT 100");
	long ids[100], n = 0, done = 0;
	int rc;

	db_bind_int(st, 1, now);
	while (n < 100 && db_next(st, &rc))
		ids[n++] = (long)db_col_int(st, 0);
	if (n == 100)
		db_reset(st);
	else if (rc < 0)
		return -1;
	for (long k = 0; k < n; k++) {
		if (db_begin(db))
			return -1;
		st = db_cached(db, "UPDATE ideas SET deliberated_told = 1 WHERE id = ?");
		db_bind_int(st, 1, ids[k]);
		if (db_done(st) ||
		    idea_event(
			db, ids[k], IDEA_DELIBERATION,
			"The conversation on its claims has closed: the organisers now put it to"
			" a meeting or record its outcome.",
			0, now) ||
		    (fn && fn(ids[k], arg)) || db_commit(db)) {
			db_rollback(db);
			return -1;
		}
		done++;
	}
	return done;
}

int idea_runners(struct db *db, long id, void (*fn)(long person_id, void *arg), void *arg)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT m.person_id FROM ideas i JOIN memberships m"
			  " ON m.group_id = i.group_id AND m.role = 'organiser'"
			  " WHERE i.id = ?1 AND i.scope = 'group'"
			  " UNION SELECT p.id FROM ideas i JOIN people p ON p.is_admin = 1"
			  " WHERE i.id = ?1 AND i.scope <> 'group' ORDER BY 1");
	int rc;
	db_bind_int(st, 1, id);
	while (db_next(st, &rc))
		fn((long)db_col_int(st, 0), arg);
	return rc;
}
