#include "training/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/num.h"

#define MODULE_COLS                                                                                \
	" id, group_id, slug, title, summary, version, pass_percent, max_attempts, draw,"          \
	" valid_days, (SELECT count(*) FROM module_steps s WHERE s.module_id = modules.id)"

static void module_read(struct db_stmt *st, struct module *m)
{
	memset(m, 0, sizeof(*m));
	m->id = (long)db_col_int(st, 0);
	m->group_id = (long)db_col_int(st, 1);
	db_col_copy(st, 2, m->slug, sizeof(m->slug));
	db_col_copy(st, 3, m->title, sizeof(m->title));
	db_col_copy(st, 4, m->summary, sizeof(m->summary));
	m->version = (int)db_col_int(st, 5);
	m->pass_percent = (int)db_col_int(st, 6);
	m->max_attempts = (int)db_col_int(st, 7);
	m->draw = (int)db_col_int(st, 8);
	m->valid_days = (int)db_col_int(st, 9);
	m->nsteps = (int)db_col_int(st, 10);
}

static int module_one(struct db_stmt *st, struct module *out)
{
	int rc = db_one(st);
	if (rc == 1) {
		module_read(st, out);
		db_reset(st);
	}
	return rc;
}

int module_by_slug(struct db *db, const char *slug, struct module *out)
{
	struct db_stmt *st = db_cached(db, "SELECT" MODULE_COLS " FROM modules WHERE slug = ?");
	db_bind_str(st, 1, slug);
	return module_one(st, out);
}

int module_by_id(struct db *db, long id, struct module *out)
{
	struct db_stmt *st = db_cached(db, "SELECT" MODULE_COLS " FROM modules WHERE id = ?");
	db_bind_int(st, 1, id);
	return module_one(st, out);
}

int modules_for(struct db *db, long person_id, void (*fn)(const struct module *m, void *arg),
		void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT" MODULE_COLS " FROM modules"
					   " WHERE group_id IS NULL OR group_id IN"
					   " (SELECT group_id FROM memberships WHERE person_id = ?)"
					   " ORDER BY title");
	struct module m;
	int rc;
	db_bind_int(st, 1, person_id);
	while (db_next(st, &rc)) {
		module_read(st, &m);
		fn(&m, arg);
	}
	return rc;
}

int module_steps_each(struct db *db, long module_id,
		      void (*fn)(const struct module_step *s, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT pos, title, body, video_url FROM module_steps"
					   " WHERE module_id = ? ORDER BY pos");
	int rc;
	db_bind_int(st, 1, module_id);
	while (db_next(st, &rc)) {
		struct module_step s = { (int)db_col_int(st, 0), db_col_text(st, 1),
					 db_col_text(st, 2), db_col_text(st, 3) };
		fn(&s, arg);
	}
	return rc;
}

/* "0,2" of the right options, or the order, into q. */
static void answer_read(struct question *q, const char *answer)
{
	int n = 0;
	for (const char *s = answer ? answer : ""; *s && n < QUIZ_OPTIONS_MAX;) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		long v;
		if (!num_parse_long(s, len, 0, QUIZ_OPTIONS_MAX - 1, &v)) {
			q->correct |= 1u << v;
			q->order[n++] = (int)v;
		}
		s = end ? end + 1 : s + len;
	}
}

int module_questions(struct db *db, long module_id, int current_only, struct question *out,
		     char prompts[][512], int max)
{
	struct db_stmt *st = db_cached(db, "SELECT id, kind, prompt, options, answer"
					   " FROM quiz_questions WHERE module_id = ?"
					   " AND (retired = 0 OR ? = 0) ORDER BY id");
	int n = 0, rc;
	db_binds(st, 1, DB_INT(module_id), DB_INT(current_only));
	while (n < max && db_next(st, &rc)) {
		struct question *q = &out[n];
		memset(q, 0, sizeof(*q));
		q->id = (long)db_col_int(st, 0);
		quiz_kind_parse(db_col_text(st, 1), &q->kind);
		db_col_copy(st, 2, prompts[n], 512);
		const char *opts = db_col_text(st, 3);
		for (const char *s = opts ? opts : ""; *s && q->nopts < QUIZ_OPTIONS_MAX;) {
			const char *end = strchr(s, '\n');
			size_t len = end ? (size_t)(end - s) : strlen(s);
			snprintf(q->opt[q->nopts++], sizeof(q->opt[0]), "%.*s", (int)len, s);
			s = end ? end + 1 : s + len;
		}
		answer_read(q, db_col_text(st, 4));
		n++;
	}
	if (n == max)
		db_reset(st);
	return rc < 0 ? -1 : n;
}

/* The options (one a line) and the answer ("0,2") of a question, as stored. */
static void question_text(const struct question *q, char *opts, size_t ocap, char *ans, size_t acap)
{
	size_t o = 0, a = 0;
	opts[0] = ans[0] = 0;
	for (int i = 0; i < q->nopts; i++)
		o += (size_t)snprintf(opts + o, o < ocap ? ocap - o : 0, "%s%s", i ? "\n" : "",
				      q->opt[i]);
	if (q->kind == QUIZ_ORDER)
		for (int i = 0; i < q->nopts; i++)
			a += (size_t)snprintf(ans + a, a < acap ? acap - a : 0, "%s%d",
					      i ? "," : "", q->order[i]);
	else if (q->kind != QUIZ_SHORT)
		for (int i = 0; i < QUIZ_OPTIONS_MAX; i++)
			if (q->correct >> i & 1)
				a += (size_t)snprintf(ans + a, a < acap ? acap - a : 0, "%s%d",
						      a ? "," : "", i);
}

/* The steps and questions of a module, inserted: 0, or -1. */
static int contents_put(struct db *db, long id, const struct step_in *steps, int nsteps,
			const struct question_in *qs, int nq)
{
	char opts[QUIZ_OPTIONS_MAX * (QUIZ_TEXT_MAX + 1) + 1], ans[64];
	struct db_stmt *st;

	for (int i = 0; i < nsteps; i++) {
		st = db_cached(db,
			       "INSERT INTO module_steps (module_id, pos, title, body, video_url)"
			       " VALUES (?, ?, ?, ?, ?)");
		db_binds(st, 1, DB_INT(id), DB_INT(i + 1), DB_STR(steps[i].title),
			 DB_STR(steps[i].body), DB_STR(steps[i].video_url));
		if (db_done(st))
			return -1;
	}
	for (int i = 0; i < nq; i++) {
		question_text(&qs[i].q, opts, sizeof(opts), ans, sizeof(ans));
		st = db_cached(db, "INSERT INTO quiz_questions (module_id, kind, prompt, options,"
				   " answer) VALUES (?, ?, ?, ?, ?)");
		db_binds(st, 1, DB_INT(id), DB_STR(quiz_kind_name(qs[i].q.kind)),
			 DB_STR(qs[i].prompt), DB_STR(opts), DB_STR(ans));
		if (db_done(st))
			return -1;
	}
	return 0;
}

int module_create(struct db *db, struct module *m, const struct step_in *steps, int nsteps,
		  const struct question_in *qs, int nq, long long now)
{
	struct db_stmt *st;

	if (db_begin(db))
		return -1;
	st = db_cached(db, "INSERT INTO modules (slug, title, summary, version, pass_percent,"
			   " max_attempts, draw, valid_days, group_id, created_at)"
			   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	db_binds(st, 1, DB_STR(m->slug), DB_STR(m->title), DB_STR(m->summary),
		 DB_INT(m->version ? m->version : 1), DB_INT(m->pass_percent),
		 DB_INT(m->max_attempts), DB_INT(m->draw), DB_INT(m->valid_days),
		 DB_ID(m->group_id), DB_INT(now));
	m->id = (long)db_int_or(st, -1);
	if (m->id <= 0 || contents_put(db, m->id, steps, nsteps, qs, nq) || db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	m->nsteps = nsteps;
	return 0;
}

int module_update(struct db *db, struct module *m, const struct step_in *steps, int nsteps,
		  const struct question_in *qs, int nq, int redo)
{
	struct db_stmt *st;

	if (db_begin(db))
		return -1;
	st = db_cached(db, "UPDATE modules SET title = ?, summary = ?, pass_percent = ?,"
			   " max_attempts = ?, draw = ?, valid_days = ?, version = version + ?"
			   " WHERE id = ? RETURNING version");
	db_binds(st, 1, DB_STR(m->title), DB_STR(m->summary), DB_INT(m->pass_percent),
		 DB_INT(m->max_attempts), DB_INT(m->draw), DB_INT(m->valid_days),
		 DB_INT(redo ? 1 : 0), DB_INT(m->id));
	long version = (long)db_int_or(st, -1);
	if (version < 1)
		goto fail;
	st = db_cached(db, "DELETE FROM module_steps WHERE module_id = ?");
	db_bind_int(st, 1, m->id);
	if (db_done(st))
		goto fail;
	st = db_cached(db, "UPDATE quiz_questions SET retired = 1 WHERE module_id = ?");
	db_bind_int(st, 1, m->id);
	if (db_done(st) || contents_put(db, m->id, steps, nsteps, qs, nq))
		goto fail;
	if (redo) {
		st = db_cached(db, "UPDATE gates SET min_version = ? WHERE module_id = ?");
		db_binds(st, 1, DB_INT(version), DB_INT(m->id));
		if (db_done(st))
			goto fail;
	}
	if (db_commit(db))
		goto fail;
	m->version = (int)version;
	m->nsteps = nsteps;
	return 0;
fail:
	db_rollback(db);
	return -1;
}

int training_record_of(struct db *db, const struct module *m, long person_id,
		       struct training_record *out)
{
	struct db_stmt *st = db_cached(
	    db,
	    "SELECT c.version, coalesce(c.expires_at, 0),"
	    " (SELECT count(*) FROM quiz_attempts a WHERE a.module_id = ?1 AND a.person_id = ?2"
	    "  AND a.version = ?3 AND a.finished_at IS NOT NULL"
	    "  AND a.finished_at >= coalesce(c.completed_at, 0) AND a.passed = 0)"
	    " FROM (SELECT 1) one LEFT JOIN completions c ON c.module_id = ?1 AND c.person_id = ?2");
	db_binds(st, 1, DB_INT(m->id), DB_INT(person_id), DB_INT(m->version));
	memset(out, 0, sizeof(*out));
	if (db_one(st) != 1)
		return -1;
	out->completed = !db_col_is_null(st, 0);
	out->version = (int)db_col_int(st, 0);
	out->expires_at = db_col_int(st, 1);
	out->attempts = (int)db_col_int(st, 2);
	db_reset(st);
	return 0;
}

int training_step(struct db *db, long module_id, long person_id)
{
	struct db_stmt *st = db_cached(db, "SELECT step FROM training_progress"
					   " WHERE module_id = ? AND person_id = ?");
	db_binds(st, 1, DB_INT(module_id), DB_INT(person_id));
	return (int)db_int_or(st, 0);
}

int training_step_set(struct db *db, long module_id, long person_id, int step, long long now)
{
	struct db_stmt *st =
	    db_cached(db, "INSERT INTO training_progress (module_id, person_id,"
			  " step, updated_at) VALUES (?1, ?2, ?3, ?4)"
			  " ON CONFLICT (module_id, person_id) DO UPDATE SET"
			  " step = CASE WHEN excluded.step > training_progress.step THEN excluded.step"
			  " ELSE training_progress.step END,"
			  " updated_at = excluded.updated_at");
	db_binds(st, 1, DB_INT(module_id), DB_INT(person_id), DB_INT(step), DB_INT(now));
	return db_done(st);
}

long attempt_open(struct db *db, const struct module *m, long person_id)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT id FROM quiz_attempts WHERE module_id = ?"
			  " AND person_id = ? AND version = ? AND finished_at IS NULL"
			  " ORDER BY id DESC LIMIT 1");
	db_binds(st, 1, DB_INT(m->id), DB_INT(person_id), DB_INT(m->version));
	return (long)db_int_or(st, 0);
}

int attempt_start(struct db *db, const struct module *m, long person_id, const long *qids, int n,
		  long long now, long *id)
{
	char list[QUIZ_BANK_MAX * 24] = "";
	size_t at = 0;
	for (int i = 0; i < n && i < QUIZ_BANK_MAX; i++)
		at +=
		    (size_t)snprintf(list + at, sizeof(list) - at, "%s%ld", i ? "," : "", qids[i]);
	struct db_stmt *st =
	    db_cached(db, "INSERT INTO quiz_attempts (module_id, person_id, version,"
			  " questions, started_at) VALUES (?, ?, ?, ?, ?)"
			  " RETURNING id");
	db_binds(st, 1, DB_INT(m->id), DB_INT(person_id), DB_INT(m->version), DB_STR(list),
		 DB_INT(now));
	*id = (long)db_int_or(st, -1);
	return *id > 0 ? 0 : -1;
}

int attempt_get(struct db *db, long id, struct attempt *out)
{
	struct db_stmt *st = db_cached(db, "SELECT id, module_id, person_id, version, questions,"
					   " finished_at IS NOT NULL, coalesce(score, 0),"
					   " coalesce(total, 0), coalesce(passed, 0)"
					   " FROM quiz_attempts WHERE id = ?");
	db_bind_int(st, 1, id);
	int rc = db_one(st);
	if (rc != 1)
		return rc;
	memset(out, 0, sizeof(*out));
	out->id = (long)db_col_int(st, 0);
	out->module_id = (long)db_col_int(st, 1);
	out->person_id = (long)db_col_int(st, 2);
	out->version = (int)db_col_int(st, 3);
	const char *q = db_col_text(st, 4);
	for (const char *s = q ? q : ""; *s && out->nq < QUIZ_BANK_MAX;) {
		char *end;
		long v = strtol(s, &end, 10);
		if (end == s)
			break;
		out->qid[out->nq++] = v;
		s = *end == ',' ? end + 1 : end;
	}
	out->finished = (int)db_col_int(st, 5);
	out->score = (int)db_col_int(st, 6);
	out->total = (int)db_col_int(st, 7);
	out->passed = (int)db_col_int(st, 8);
	db_reset(st);
	return 1;
}

int attempt_finish(struct db *db, const struct module *m, const struct attempt *a,
		   const char *const *answers, const int *correct, int score, int passed,
		   long long now)
{
	struct db_stmt *st;
	if (db_begin(db))
		return -1;
	st = db_cached(db, "UPDATE quiz_attempts SET finished_at = ?, score = ?, total = ?,"
			   " passed = ? WHERE id = ? AND finished_at IS NULL RETURNING id");
	db_binds(st, 1, DB_INT(now), DB_INT(score), DB_INT(a->nq), DB_INT(passed), DB_INT(a->id));
	long n = db_count(st);
	if (n < 0)
		goto fail;
	if (n == 0) {
		db_rollback(db);
		return 0;
	}
	for (int i = 0; i < a->nq; i++) {
		st = db_cached(db,
			       "INSERT INTO quiz_answers (attempt_id, question_id, answer, correct)"
			       " VALUES (?, ?, ?, ?)");
		db_binds(st, 1, DB_INT(a->id), DB_INT(a->qid[i]), DB_STR(answers[i]),
			 DB_INT(correct[i]));
		if (db_done(st))
			goto fail;
	}
	if (passed) {
		st = db_cached(db,
			       "INSERT INTO completions (module_id, person_id, version,"
			       " completed_at, expires_at, via) VALUES (?1, ?2, ?3, ?4, ?5, 'quiz')"
			       " ON CONFLICT (module_id, person_id) DO UPDATE SET"
			       " version = excluded.version, completed_at = excluded.completed_at,"
			       " expires_at = excluded.expires_at, via = excluded.via");
		db_binds(st, 1, DB_INT(m->id), DB_INT(a->person_id), DB_INT(m->version),
			 DB_INT(now),
			 m->valid_days ? DB_INT(now + m->valid_days * 86400LL) : DB_NULL);
		if (db_done(st))
			goto fail;
	}
	if (db_commit(db))
		goto fail;
	return 1;
fail:
	db_rollback(db);
	return -1;
}

int gates_of(struct db *db, const char *action, long target_id,
	     void (*fn)(long module_id, int min_version, void *arg), void *arg)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT module_id, min_version FROM gates"
			  " WHERE action = ? AND target_id = ? ORDER BY module_id");
	int rc;
	db_binds(st, 1, DB_STR(action), DB_INT(target_id));
	while (db_next(st, &rc))
		fn((long)db_col_int(st, 0), (int)db_col_int(st, 1), arg);
	return rc;
}

int gate_set(struct db *db, const char *action, long target_id, long module_id, int min_version)
{
	if (db_begin(db))
		return -1;
	struct db_stmt *st = db_cached(db, "DELETE FROM gates WHERE action = ? AND target_id = ?");
	db_binds(st, 1, DB_STR(action), DB_INT(target_id));
	int rc = db_done(st);
	if (!rc && module_id) {
		st = db_cached(db, "INSERT INTO gates (action, target_id, module_id, min_version)"
				   " VALUES (?, ?, ?, ?)");
		db_binds(st, 1, DB_STR(action), DB_INT(target_id), DB_INT(module_id),
			 DB_INT(min_version));
		rc = db_done(st);
	}
	if (rc || db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

long training_live_module(struct db *db, long event_id)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT module_id FROM session_trainings WHERE event_id = ?");
	db_bind_int(st, 1, event_id);
	return (long)db_int_or(st, 0);
}

int training_live_set(struct db *db, long event_id, long module_id)
{
	struct db_stmt *st;
	if (module_id) {
		st = db_cached(
		    db, "INSERT INTO session_trainings (event_id, module_id) VALUES (?, ?)"
			" ON CONFLICT (event_id) DO UPDATE SET module_id = excluded.module_id");
		db_binds(st, 1, DB_INT(event_id), DB_INT(module_id));
	} else {
		st = db_cached(db, "DELETE FROM session_trainings WHERE event_id = ?");
		db_bind_int(st, 1, event_id);
	}
	return db_done(st);
}

long training_live_complete(struct db *db, long event_id, long long now)
{
	struct db_stmt *st = db_cached(
	    db,
	    "INSERT INTO completions (module_id, person_id, version, completed_at, expires_at, via)"
	    " SELECT t.module_id, s.person_id, m.version, ?2,"
	    "  CASE WHEN m.valid_days > 0 THEN ?2 + m.valid_days * 86400 END, 'live'"
	    " FROM session_trainings t JOIN modules m ON m.id = t.module_id"
	    " JOIN slots l ON l.event_id = t.event_id JOIN signups s ON s.slot_id = l.id"
	    " WHERE t.event_id = ?1 AND s.attended = 1 AND s.status = 'going'"
	    " AND s.person_id IS NOT NULL"
	    " ON CONFLICT (module_id, person_id) DO UPDATE SET version = excluded.version,"
	    " completed_at = excluded.completed_at, expires_at = excluded.expires_at, via = 'live'"
	    " RETURNING person_id");
	db_binds(st, 1, DB_INT(event_id), DB_INT(now));
	return db_count(st);
}

long training_expiring(struct db *db, long long now, int (*fn)(const struct expiring *e, void *arg),
		       void *arg)
{
	struct db_stmt *st = db_cached(
	    db,
	    "SELECT c.module_id, c.person_id, m.slug, m.title, c.expires_at FROM completions c"
	    " JOIN modules m ON m.id = c.module_id"
	    " WHERE c.expires_at IS NOT NULL AND c.expires_at > ?1 AND c.expires_at <= ?2"
	    " AND NOT EXISTS (SELECT 1 FROM training_reminders r WHERE r.module_id = c.module_id"
	    "  AND r.person_id = c.person_id AND r.expires_at = c.expires_at)"
	    " ORDER BY c.expires_at LIMIT 100");
	struct expiring due[100];
	char slugs[100][MODULE_SLUG_MAX + 1], titles[100][MODULE_TITLE_MAX * 4 + 1];
	long n = 0, done = 0;
	int rc;

	db_binds(st, 1, DB_INT(now), DB_INT(now + TRAINING_REMIND_DAYS * 86400LL));
	while (n < 100 && db_next(st, &rc)) {
		db_col_copy(st, 2, slugs[n], sizeof(slugs[n]));
		db_col_copy(st, 3, titles[n], sizeof(titles[n]));
		due[n] = (struct expiring){ (long)db_col_int(st, 0), (long)db_col_int(st, 1),
					    slugs[n], titles[n], db_col_int(st, 4) };
		n++;
	}
	if (n == 100)
		db_reset(st);
	else if (rc < 0)
		return -1;
	for (long k = 0; k < n; k++) {
		if (db_begin(db))
			return -1;
		st = db_cached(db,
			       "INSERT INTO training_reminders (module_id, person_id, expires_at,"
			       " sent_at) VALUES (?, ?, ?, ?)");
		db_binds(st, 1, DB_INT(due[k].module_id), DB_INT(due[k].person_id),
			 DB_INT(due[k].expires_at), DB_INT(now));
		if (db_done(st) || fn(&due[k], arg) || db_commit(db)) {
			db_rollback(db);
			return -1;
		}
		done++;
	}
	return done;
}
