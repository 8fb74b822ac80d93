/*
 * Remote training as pages: a volunteer's modules and certificates; a
 * module one step at a time (text rendered from Markdown by cmark, raw
 * HTML left out; an optional video link), progress saved at every step; a
 * quiz drawn at random from the module's bank, graded on the server, with
 * a pass mark and a limit on attempts.  A page that sent the volunteer
 * here (a gate) is passed along as next= and offered again on passing.
 */
#include "training/pages.h"

#include <cmark.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth/audit.h"
#include "events/when.h"
#include "groups/store.h"
#include "training/format.h"
#include "training/store.h"
#include "util/mem.h"
#include "util/num.h"
#include "util/utf8.h"
#include "web/web.h"

static long long now_s(void)
{
	return (long long)time(NULL);
}

/* next= as given, when it is a path of this site; NULL otherwise. */
static const char *next_of(const struct qs *q)
{
	const char *n = qs_get(q, "next");
	return n && next_path_ok(n) ? n : NULL;
}

static json_t *state_json(struct db *db, const struct module *m, long person)
{
	struct training_record r;
	if (training_record_of(db, m, person, &r))
		return json_null();
	enum gate_state g = gate_eval(&r, now_s(), m->version, m->max_attempts);
	char expires[64] = "";
	if (r.completed && r.expires_at)
		london_day((time_t)r.expires_at, DAY_LONG_YEAR, expires, sizeof(expires));
	return json_pack("{s:s, s:b, s:b, s:b, s:s, s:i}", "words", gate_words(g), "done",
			 g == GATE_OPEN, "failed", g == GATE_FAILED, "again",
			 g == GATE_EXPIRED || g == GATE_OUTDATED, "expires", expires,
			 "attempts_left", m->max_attempts - r.attempts);
}

static int may_write(struct db *db, const struct who *w, long gid);
static int may_write_any(struct db *db, const struct who *w);

struct listing {
	struct db *db;
	long person;
	json_t *list;
};

static void module_item(const struct module *m, void *arg)
{
	struct listing *l = arg;
	json_array_append_new(l->list, json_pack("{s:s, s:s, s:s, s:o}", "slug", m->slug, "title",
						 m->title, "summary", m->summary, "state",
						 state_json(l->db, m, l->person)));
}

static void list_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	struct listing l = { db, w.actor.id, json_array() };
	if (modules_for(db, w.actor.id, module_item, &l) < 0) {
		json_decref(l.list);
		page_sorry(req, res, "The training could not be read.", &w);
		return;
	}
	json_t *ctx =
	    json_pack("{s:s, s:o, s:b, s:o}", "title", "Training", "modules", l.list, "can_write",
		      may_write_any(db, &w), "drivers", training_gate_json(db, "ride_drive", 0));
	/* admins choose what the movement asks of its drivers */
	if (policy_allows(&w.actor, ACT_ADMIN, NULL)) {
		json_t *choices = json_array();
		size_t i;
		json_t *m;
		json_array_foreach(l.list, i, m) json_array_append_new(
		    choices, json_pack("{s:O, s:O}", "slug", json_object_get(m, "slug"), "title",
				       json_object_get(m, "title")));
		json_object_set_new(ctx, "gate_choices", choices);
	}
	page_render(req, res, 200, "training", ctx, &w);
}

struct module_ctx {
	struct who w;
	struct db *db;
	struct module m;
};

/* The visitor (signed in) and the module the route's {slug} names. */
static int module_or_answer(struct http_request *req, struct http_response *res,
			    struct module_ctx *p, struct qs *f)
{
	const char *slug = route_param(&req->params, "slug");
	if (visit_or_answer(req, res, &p->w, &p->db, VISIT_SIGNED_IN))
		return -1;
	int rc = slug ? module_by_slug(p->db, slug, &p->m) : 0;
	/* a group's own module is for its members (and admins) */
	if (rc == 1 && p->m.group_id && !p->w.actor.admin &&
	    group_role_of(p->db, p->m.group_id, p->w.actor.id) <= ROLE_NONE)
		rc = 0;
	if (rc <= 0) {
		if (rc < 0)
			page_sorry(req, res, "The module could not be read.", &p->w);
		else
			page_message(req, res, 404, "Not found",
				     "There is no such training module.", &p->w);
		return -1;
	}
	return f ? form_or_answer(req, res, &p->w, f) : 0;
}

struct steps {
	int want;
	json_t *step, *outline;
};

static void step_item(const struct module_step *s, void *arg)
{
	struct steps *st = arg;
	json_array_append_new(st->outline, json_pack("{s:i, s:s, s:b}", "pos", s->pos, "title",
						     s->title, "current", s->pos == st->want));
	if (s->pos != st->want)
		return;
	/* cmark leaves raw HTML out by default: the text is the organisers'
	 * Markdown, never markup of theirs */
	char *html = cmark_markdown_to_html(s->body, strlen(s->body), CMARK_OPT_DEFAULT);
	st->step = json_pack("{s:i, s:s, s:s, s:s*}", "pos", s->pos, "title", s->title, "html",
			     html ? html : "", "video_url", s->video_url);
	free(html);
}

static void module_page(struct http_request *req, struct http_response *res)
{
	struct module_ctx p;
	if (module_or_answer(req, res, &p, NULL))
		return;
	const char *sv = qs_get(&req->query, "step"), *next = next_of(&req->query);
	long step = 0;
	int reached = training_step(p.db, p.m.id, p.w.actor.id);
	if (sv && num_parse_long(sv, strlen(sv), 1, MODULE_STEPS_MAX, &step))
		step = 0;
	if (!step) /* carry on where one stopped */
		step = reached < p.m.nsteps ? reached + 1 : p.m.nsteps;
	struct steps st = { (int)step, NULL, json_array() };
	if (module_steps_each(p.db, p.m.id, step_item, &st) < 0) {
		json_decref(st.outline);
		page_sorry(req, res, "The module could not be read.", &p.w);
		return;
	}
	json_t *ctx = json_pack("{s:s, s:s, s:s, s:o, s:o, s:i, s:b, s:i, s:i, s:s*}", "title",
				p.m.title, "slug", p.m.slug, "summary", p.m.summary, "outline",
				st.outline, "state", state_json(p.db, &p.m, p.w.actor.id), "nsteps",
				p.m.nsteps, "last", step >= p.m.nsteps, "pass_percent",
				p.m.pass_percent, "draw", p.m.draw, "next", next);
	json_object_set_new(ctx, "step", st.step ? st.step : json_null());
	json_object_set_new(ctx, "read_all", json_boolean(reached >= p.m.nsteps));
	json_object_set_new(ctx, "can_edit", json_boolean(may_write(p.db, &p.w, p.m.group_id)));
	const char *why = qs_get(&req->query, "why");
	if (why && !strcmp(why, "gate"))
		json_object_set_new(ctx, "gate", json_true());
	page_render(req, res, 200, "module", ctx, &p.w);
}

static void progress(struct http_request *req, struct http_response *res)
{
	struct module_ctx p;
	struct qs f;
	long step;
	if (module_or_answer(req, res, &p, &f))
		return;
	const char *sv = qs_get(&f, "step"), *next = next_of(&f);
	if (!sv || num_parse_long(sv, strlen(sv), 1, p.m.nsteps, &step)) {
		page_message(req, res, 400, "Not saved", "There is no such step.", &p.w);
		return;
	}
	if (training_step_set(p.db, p.m.id, p.w.actor.id, (int)step, now_s())) {
		page_sorry(req, res, "Your progress could not be saved.", &p.w);
		return;
	}
	http_redirect(res, arena_printf(&req->arena, "/training/%s?step=%ld%s%s", p.m.slug,
					step < p.m.nsteps ? step + 1 : step, next ? "&next=" : "",
					next ? next : ""));
}

/* ---- the quiz ---- */

static void start(struct http_request *req, struct http_response *res)
{
	struct module_ctx p;
	struct qs f;
	struct training_record r;
	struct question *bank = arena_alloc(&req->arena, QUIZ_BANK_MAX * sizeof(*bank));
	char(*prompts)[512] = arena_alloc(&req->arena, QUIZ_BANK_MAX * sizeof(*prompts));
	long id;

	if (module_or_answer(req, res, &p, &f))
		return;
	const char *next = next_of(&f);
	if (training_record_of(p.db, &p.m, p.w.actor.id, &r)) {
		page_sorry(req, res, "The quiz could not be started.", &p.w);
		return;
	}
	enum gate_state g = gate_eval(&r, now_s(), p.m.version, p.m.max_attempts);
	if (g == GATE_FAILED) {
		page_message(req, res, 409, "No attempts left",
			     "You have used every attempt at this quiz. An organiser can talk it"
			     " through with you, or you can come to a live training.",
			     &p.w);
		return;
	}
	id = attempt_open(p.db, &p.m, p.w.actor.id);
	if (id == 0) {
		/* draw the module's number of questions at random from the bank */
		int n = module_questions(p.db, p.m.id, 1, bank, prompts, QUIZ_BANK_MAX);
		if (n < p.m.draw) {
			page_sorry(req, res, "The quiz could not be started.", &p.w);
			return;
		}
		long ids[QUIZ_BANK_MAX];
		for (int i = 0; i < n; i++)
			ids[i] = bank[i].id;
		for (int i = n - 1; i > 0; i--) {
			int j = (int)randombytes_uniform((uint32_t)i + 1);
			long t = ids[i];
			ids[i] = ids[j];
			ids[j] = t;
		}
		if (attempt_start(p.db, &p.m, p.w.actor.id, ids, p.m.draw, now_s(), &id)) {
			page_sorry(req, res, "The quiz could not be started.", &p.w);
			return;
		}
	}
	if (id < 0) {
		page_sorry(req, res, "The quiz could not be started.", &p.w);
		return;
	}
	http_redirect(res, arena_printf(&req->arena, "/training/attempts/%ld%s%s", id,
					next ? "?next=" : "", next ? next : ""));
}

struct attempt_ctx {
	struct who w;
	struct db *db;
	struct attempt a;
	struct module m;
	struct question bank[QUIZ_BANK_MAX];
	char prompts[QUIZ_BANK_MAX][512];
	int nbank;
};

/* The visitor's own attempt the route names, its module and bank; NULL
 * after answering.  Allocated in the request's arena. */
static struct attempt_ctx *attempt_or_answer(struct http_request *req, struct http_response *res,
					     struct qs *f)
{
	struct attempt_ctx *p = arena_alloc(&req->arena, sizeof(*p));
	long id = route_id(&req->params, "id");
	if (visit_or_answer(req, res, &p->w, &p->db, VISIT_SIGNED_IN))
		return NULL;
	/* another person's attempt is as good as none */
	if (!id || attempt_get(p->db, id, &p->a) != 1 || p->a.person_id != p->w.actor.id ||
	    module_by_id(p->db, p->a.module_id, &p->m) != 1) {
		page_message(req, res, 404, "Not found", "There is no such quiz.", &p->w);
		return NULL;
	}
	p->nbank = module_questions(p->db, p->m.id, 0, p->bank, p->prompts, QUIZ_BANK_MAX);
	if (p->nbank < 0) {
		page_sorry(req, res, "The quiz could not be read.", &p->w);
		return NULL;
	}
	return f && form_or_answer(req, res, &p->w, f) ? NULL : p;
}

static int bank_index(const struct attempt_ctx *p, long qid)
{
	for (int i = 0; i < p->nbank; i++)
		if (p->bank[i].id == qid)
			return i;
	return -1;
}

static void quiz_page(struct http_request *req, struct http_response *res, struct attempt_ctx *p,
		      int status, const char *error, const char *next)
{
	json_t *qs = json_array();
	for (int i = 0; i < p->a.nq; i++) {
		int b = bank_index(p, p->a.qid[i]);
		if (b < 0)
			continue;
		const struct question *q = &p->bank[b];
		json_t *opts = json_array();
		for (int o = 0; q->kind != QUIZ_SHORT && o < q->nopts; o++)
			json_array_append_new(opts, json_pack("{s:i, s:s, s:I, s:i}", "o", o,
							      "text", q->opt[o], "qid",
							      (json_int_t)q->id, "pos", o + 1));
		json_array_append_new(
		    qs, json_pack("{s:I, s:i, s:s, s:s, s:o, s:b, s:b, s:b, s:b, s:i}", "qid",
				  (json_int_t)q->id, "n", i + 1, "prompt", p->prompts[b], "kind",
				  quiz_kind_name(q->kind), "options", opts, "single",
				  q->kind == QUIZ_SINGLE, "multiple", q->kind == QUIZ_MULTIPLE,
				  "order", q->kind == QUIZ_ORDER, "short", q->kind == QUIZ_SHORT,
				  "count", q->nopts));
	}
	page_render(req, res, status, "quiz",
		    json_pack("{s:s, s:I, s:s, s:o, s:s*, s:i, s:s*}", "title", p->m.title, "id",
			      (json_int_t)p->a.id, "slug", p->m.slug, "questions", qs, "error",
			      error, "pass_percent", p->m.pass_percent, "next", next),
		    &p->w);
}

static void attempt_page(struct http_request *req, struct http_response *res)
{
	struct attempt_ctx *p = attempt_or_answer(req, res, NULL);
	if (!p)
		return;
	if (p->a.finished) {
		http_redirect(res, arena_printf(&req->arena, "/training/%s", p->m.slug));
		return;
	}
	quiz_page(req, res, p, 200, NULL, next_of(&req->query));
}

/* An order question's answer from its "rank" fields: the option ranked
 * first, then second…, as "2,0,1"; NULL when the ranks are not 1…n once. */
static const char *order_answer(struct arena *a, const struct qs *f, const struct question *q)
{
	int at[QUIZ_OPTIONS_MAX];
	for (int r = 0; r < q->nopts; r++)
		at[r] = -1;
	for (int o = 0; o < q->nopts; o++) {
		const char *v = qs_get(f, arena_printf(a, "q%ld_%d", q->id, o));
		long rank;
		if (!v || num_parse_long(v, strlen(v), 1, q->nopts, &rank) || at[rank - 1] >= 0)
			return NULL;
		at[rank - 1] = o;
	}
	char *out = arena_strdup(a, "");
	for (int r = 0; r < q->nopts; r++)
		out = arena_printf(a, "%s%s%d", out, r ? "," : "", at[r]);
	return out;
}

/* A multiple question's answer: every ticked option, as "0,2". */
static const char *multiple_answer(struct arena *a, const struct qs *f, const struct question *q)
{
	char *out = arena_strdup(a, "");
	for (int o = 0; o < q->nopts; o++) {
		const char *v = qs_get(f, arena_printf(a, "q%ld_%d", q->id, o));
		if (v && !strcmp(v, "1"))
			out = arena_printf(a, "%s%s%d", out, *out ? "," : "", o);
	}
	return out;
}

struct finish_job {
	struct web_write w; /* first */
	struct module m;
	struct attempt a;
	const char *answers[QUIZ_BANK_MAX];
	int correct[QUIZ_BANK_MAX];
	int score, passed, rc;
	const char *next; /* in the request's arena, which outlives the wait */
};

static int finish_apply(struct db *db, struct db_job *job);
static void finish_answer(struct http_request *req, struct http_response *res,
			  struct finish_job *j);

static void submit(struct http_request *req, struct http_response *res)
{
	if (req->pending) {
		finish_answer(req, res, req->pending);
		return;
	}

	struct qs f;
	struct attempt_ctx *p = attempt_or_answer(req, res, &f);
	if (!p)
		return;
	const char *next = next_of(&f);
	const char *answers[QUIZ_BANK_MAX];
	int correct[QUIZ_BANK_MAX], score = 0;
	if (p->a.finished) {
		page_message(req, res, 409, "Already answered",
			     "This attempt has been marked; start another from the module's page.",
			     &p->w);
		return;
	}
	/* an answer to a question this attempt did not draw is refused whole */
	for (size_t k = 0; k < f.n; k++) {
		const char *key = f.pairs[k].key;
		long qid;
		size_t len = strcspn(key + 1, "_");
		if (key[0] != 'q' || num_parse_long(key + 1, len, 1, 1L << 40, &qid))
			continue;
		int drawn = 0;
		for (int i = 0; i < p->a.nq; i++)
			drawn |= p->a.qid[i] == qid;
		if (!drawn) {
			quiz_page(req, res, p, 400, "That question is not in this quiz.", next);
			return;
		}
	}
	for (int i = 0; i < p->a.nq; i++) {
		int b = bank_index(p, p->a.qid[i]);
		const struct question *q = b >= 0 ? &p->bank[b] : NULL;
		const char *given = !q			    ? NULL
				    : q->kind == QUIZ_ORDER ? order_answer(&req->arena, &f, q)
				    : q->kind == QUIZ_MULTIPLE
					? multiple_answer(&req->arena, &f, q)
					: qs_get(&f, arena_printf(&req->arena, "q%ld", q->id));
		int g = q ? question_grade(q, given) : -1;
		if (g < 0) {
			quiz_page(req, res, p, 400,
				  arena_printf(&req->arena, "Answer question %d.", i + 1), next);
			return;
		}
		answers[i] = given;
		correct[i] = g;
		score += g;
	}
	struct finish_job *j = arena_alloc(&req->arena, sizeof(*j));
	memset(j, 0, sizeof(*j));
	j->m = p->m;
	j->a = p->a;
	j->score = score;
	j->passed = quiz_passed(score, p->a.nq, p->m.pass_percent);
	j->next = next;
	for (int i = 0; i < p->a.nq; i++) {
		j->answers[i] = answers[i];
		j->correct[i] = correct[i];
	}
	/* marked on the group-commit writer: durable before the answer, and
	 * thousands at once share the fsyncs */
	web_write_suspend(req, res, &j->w, finish_apply);
}

static int finish_apply(struct db *db, struct db_job *job)
{
	struct finish_job *j = (struct finish_job *)job;
	j->rc =
	    attempt_finish(db, &j->m, &j->a, j->answers, j->correct, j->score, j->passed, now_s());
	char detail[MODULE_SLUG_MAX + 32];
	snprintf(detail, sizeof(detail), "module %s v%d", j->m.slug, j->m.version);
	if (j->rc == 1 && j->passed &&
	    audit_write(db, j->a.person_id, "training.pass", j->a.person_id, detail))
		j->rc = -1;
	return j->rc < 0 ? -1 : 0;
}

static void finish_answer(struct http_request *req, struct http_response *res, struct finish_job *j)
{
	struct who w;
	struct db *db;
	struct training_record r;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	if (!j->w.ok) {
		page_sorry(req, res, "Your answers could not be saved.", &w);
		return;
	}
	if (j->rc == 0) {
		page_message(req, res, 409, "Already answered",
			     "This attempt has been marked; start another from the module's page.",
			     &w);
		return;
	}
	if (training_record_of(db, &j->m, w.actor.id, &r)) {
		page_sorry(req, res, "Your answers could not be read back.", &w);
		return;
	}
	page_render(req, res, 200, "quiz_result",
		    json_pack("{s:s, s:s, s:i, s:i, s:b, s:i, s:i, s:s*}", "title", j->m.title,
			      "slug", j->m.slug, "score", j->score, "total", j->a.nq, "passed",
			      j->passed, "pass_percent", j->m.pass_percent, "attempts_left",
			      j->m.max_attempts - r.attempts, "next", j->next),
		    &w);
}

/* ---- writing modules ---- */

/* Whether the visitor may write a module for group gid (0: national). */
static int may_write(struct db *db, const struct who *w, long gid)
{
	struct target t = { 0, gid && group_role_of(db, gid, w->actor.id) == ROLE_ORGANISER, 0, 0 };
	return policy_allows(&w->actor, ACT_TRAINING_WRITE, &t);
}

static int may_write_any(struct db *db, const struct who *w)
{
	struct target t = { 0, group_organises_any(db, w->actor.id) == 1, 0, 0 };
	return policy_allows(&w->actor, ACT_TRAINING_WRITE, &t);
}

static const char *const form_keys[] = { "title",	 "slug",	 "summary", "group",
					 "pass_percent", "max_attempts", "draw",    "valid_days",
					 "steps",	 "questions" };

/* The module's own text back, as the form shows it (for an edit). */
struct text_back {
	struct arena *a;
	char *steps;
};

static void step_back(const struct module_step *s, void *arg)
{
	struct text_back *b = arg;
	b->steps = arena_printf(b->a, "%s## %s\n%s%s%s%s", b->steps, s->title, s->body,
				s->video_url ? "Video: " : "", s->video_url ? s->video_url : "",
				s->video_url ? "\n" : "");
}

static char *questions_back(struct arena *a, const struct question *q, char prompts[][512], int n)
{
	char *out = arena_strdup(a, "");
	for (int i = 0; i < n; i++) {
		out = arena_printf(a, "%s%s? %s\n", out, i ? "\n" : "", prompts[i]);
		for (int o = 0; o < q[i].nopts; o++) {
			if (q[i].kind == QUIZ_ORDER)
				out = arena_printf(a, "%s%d. %s\n", out, o + 1,
						   q[i].opt[q[i].order[o]]);
			else if (q[i].kind == QUIZ_SHORT)
				out = arena_printf(a, "%s= %s\n", out, q[i].opt[o]);
			else
				out =
				    arena_printf(a, "%s%c %s\n", out,
						 (q[i].correct >> o & 1) ? '*' : '-', q[i].opt[o]);
		}
	}
	return out;
}

static void group_choice(long id, const char *name, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name));
}

/* The form, filled from f (or from the module being edited), with the
 * preview of the parsed text when given. */
static void edit_form(struct http_request *req, struct http_response *res, struct who *w,
		      struct db *db, int status, const char *error, const struct qs *f,
		      const struct module *editing, json_t *preview)
{
	json_t *form = form_json(f, form_keys, sizeof(form_keys) / sizeof(form_keys[0]));
	json_t *groups = json_array();
	if (editing && !f) {
		struct text_back b = { &req->arena, arena_strdup(&req->arena, "") };
		struct question *bank = arena_alloc(&req->arena, QUIZ_BANK_MAX * sizeof(*bank));
		char(*prompts)[512] = arena_alloc(&req->arena, QUIZ_BANK_MAX * sizeof(*prompts));
		module_steps_each(db, editing->id, step_back, &b);
		int n = module_questions(db, editing->id, 1, bank, prompts, QUIZ_BANK_MAX);
		json_object_set_new(form, "title", json_string(editing->title));
		json_object_set_new(form, "summary", json_string(editing->summary));
		json_object_set_new(form, "pass_percent", json_integer(editing->pass_percent));
		json_object_set_new(form, "max_attempts", json_integer(editing->max_attempts));
		json_object_set_new(form, "draw", json_integer(editing->draw));
		json_object_set_new(form, "valid_days", json_integer(editing->valid_days));
		json_object_set_new(form, "steps", json_string(b.steps));
		json_object_set_new(
		    form, "questions",
		    json_string(n > 0 ? questions_back(&req->arena, bank, prompts, n) : ""));
	}
	groups_of(db, w->actor.id, w->actor.admin, 1, group_choice, groups);
	json_t *ctx =
	    json_pack("{s:s, s:o, s:o, s:s*, s:b, s:o}", "title",
		      editing ? "Edit a training module" : "Write a training module", "form", form,
		      "groups", groups, "error", error, "admin", w->actor.admin && w->actor.strong,
		      "preview", preview ? preview : json_null());
	if (editing)
		json_object_set_new(
		    ctx, "editing",
		    json_pack("{s:s, s:i}", "slug", editing->slug, "version", editing->version));
	page_render(req, res, status, "module_edit", ctx, w);
}

static void new_module_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	if (!may_write_any(db, &w)) {
		page_message(req, res, 403, "Organisers only",
			     "A group's organisers (signed in with their password and code) write"
			     " training for their group; admins write national modules.",
			     &w);
		return;
	}
	edit_form(req, res, &w, db, 200, NULL, NULL, NULL, NULL);
}

/* A slug from the title: lower-case letters and digits, hyphens between. */
static const char *slug_of(struct arena *a, const char *given, const char *title)
{
	const char *from = given && *given ? given : title;
	char *out = arena_alloc(a, MODULE_SLUG_MAX + 1);
	size_t n = 0;
	for (const char *c = from; *c && n < MODULE_SLUG_MAX; c++) {
		char ch = *c >= 'A' && *c <= 'Z' ? (char)(*c + 32) : *c;
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			out[n++] = ch;
		else if (n && out[n - 1] != '-')
			out[n++] = '-';
	}
	while (n && out[n - 1] == '-')
		n--;
	out[n] = 0;
	return out;
}

/*
 * Reads and checks the form into m and t (heap, the caller releases t):
 * NULL, or why not.
 */
static const char *module_form_read(struct http_request *req, const struct qs *f, struct module *m,
				    struct module_text *t)
{
	static const struct {
		const char *key, *name;
		long min, max;
	} nums[] = { { "pass_percent", "The pass mark", 1, 100 },
		     { "max_attempts", "The attempts allowed", 1, 20 },
		     { "draw", "The questions drawn", 1, QUIZ_BANK_MAX },
		     { "valid_days", "The days it stays valid", 0, 3660 } };
	long v[4];
	char err[256];
	const char *title = qs_get(f, "title"), *summary = qs_get(f, "summary");
	const char *why = plain_text_why(title, MODULE_TITLE_MAX);
	if (why)
		return arena_printf(&req->arena, "The title %s.", why);
	why = summary && *summary ? plain_text_why(summary, 500) : NULL;
	if (why)
		return arena_printf(&req->arena, "The summary %s.", why);
	for (size_t i = 0; i < 4; i++) {
		const char *s = qs_get(f, nums[i].key);
		if (!s || num_parse_long(s, strlen(s), nums[i].min, nums[i].max, &v[i]))
			return arena_printf(&req->arena, "%s is a whole number from %ld to %ld.",
					    nums[i].name, nums[i].min, nums[i].max);
	}
	if (module_text_parse(qs_get(f, "steps"), qs_get(f, "questions"), t, err, sizeof(err)))
		return arena_printf(&req->arena, "In the %s.", err);
	why = quiz_check((int)v[0], (int)v[2], t->nq, (int)v[1]);
	if (why)
		return why;
	snprintf(m->title, sizeof(m->title), "%s", title);
	snprintf(m->summary, sizeof(m->summary), "%s", summary ? summary : "");
	m->pass_percent = (int)v[0];
	m->max_attempts = (int)v[1];
	m->draw = (int)v[2];
	m->valid_days = (int)v[3];
	return NULL;
}

static json_t *preview_json(const struct module_text *t)
{
	json_t *steps = json_array(), *qs = json_array();
	for (int i = 0; i < t->nsteps; i++) {
		char *html = cmark_markdown_to_html(t->steps[i].body, strlen(t->steps[i].body),
						    CMARK_OPT_DEFAULT);
		json_array_append_new(steps,
				      json_pack("{s:i, s:s, s:s, s:s}", "pos", i + 1, "title",
						t->steps[i].title, "html", html ? html : "",
						"video", t->steps[i].video));
		free(html);
	}
	for (int i = 0; i < t->nq; i++) {
		const struct question *q = &t->qs[i].q;
		json_t *opts = json_array();
		for (int o = 0; o < q->nopts; o++)
			json_array_append_new(
			    opts, json_pack("{s:s, s:b, s:i}", "text",
					    q->kind == QUIZ_ORDER ? q->opt[q->order[o]] : q->opt[o],
					    "right",
					    q->kind != QUIZ_ORDER && q->kind != QUIZ_SHORT &&
						(q->correct >> o & 1),
					    "n", o + 1));
		json_array_append_new(qs, json_pack("{s:i, s:s, s:s, s:o}", "n", i + 1, "prompt",
						    t->qs[i].prompt, "kind",
						    quiz_kind_name(q->kind), "options", opts));
	}
	return json_pack("{s:o, s:o}", "steps", steps, "questions", qs);
}

/* The parsed text as the store takes it (pointers into t). */
static void contents_of(const struct module_text *t, struct step_in *steps, struct question_in *qs)
{
	for (int i = 0; i < t->nsteps; i++)
		steps[i] = (struct step_in){ t->steps[i].title, t->steps[i].body,
					     t->steps[i].video[0] ? t->steps[i].video : NULL };
	for (int i = 0; i < t->nq; i++)
		qs[i] = (struct question_in){ t->qs[i].q, t->qs[i].prompt };
}

static void save_module(struct http_request *req, struct http_response *res,
			const struct module *editing)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct module m = { 0 };
	long gid = 0;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) || form_or_answer(req, res, &w, &f))
		return;
	const char *g = qs_get(&f, "group");
	if (editing)
		gid = editing->group_id;
	else if (g && *g && num_parse_long(g, strlen(g), 1, 1L << 40, &gid))
		gid = -1;
	if (gid < 0 || !may_write(db, &w, gid)) {
		page_message(req, res, 403, "Organisers only",
			     gid > 0 || editing
				 ? "Only the group's organisers (signed in with their"
				   " password and code) write its training."
				 : "Only admins write national training.",
			     &w);
		return;
	}
	struct module_text *t = xcalloc(1, sizeof(*t));
	const char *why = module_form_read(req, &f, &m, t);
	if (!why && !editing) {
		snprintf(m.slug, sizeof(m.slug), "%s",
			 slug_of(&req->arena, qs_get(&f, "slug"), m.title));
		struct module other;
		if (!*m.slug)
			why = "Give the module a short name for its address (letters and digits).";
		else if (module_by_slug(db, m.slug, &other) == 1)
			why = "A module with that address exists: choose another short name.";
	}
	const char *preview = qs_get(&f, "preview");
	if (why || (preview && !strcmp(preview, "1"))) {
		json_t *pj = why ? NULL : preview_json(t);
		module_text_release(t);
		free(t);
		edit_form(req, res, &w, db, why ? 400 : 200, why, &f, editing, pj);
		return;
	}
	struct step_in steps[MODULE_STEPS_MAX];
	struct question_in *qs = xmalloc(QUIZ_BANK_MAX * sizeof(*qs));
	contents_of(t, steps, qs);
	m.group_id = gid;
	int rc;
	if (editing) {
		const char *redo = qs_get(&f, "redo");
		m.id = editing->id;
		snprintf(m.slug, sizeof(m.slug), "%s", editing->slug);
		rc = module_update(db, &m, steps, t->nsteps, qs, t->nq, redo && !strcmp(redo, "1"));
	} else {
		m.version = 1;
		rc = module_create(db, &m, steps, t->nsteps, qs, t->nq, now_s());
	}
	free(qs);
	module_text_release(t);
	free(t);
	if (rc) {
		page_sorry(req, res, "The module could not be saved.", &w);
		return;
	}
	audit_note(db, w.actor.id, editing ? "training.edit" : "training.create", 0,
		   arena_printf(&req->arena, "module %s v%d", m.slug, m.version));
	http_redirect(res, arena_printf(&req->arena, "/training/%s?step=1", m.slug));
}

static void create_module(struct http_request *req, struct http_response *res)
{
	save_module(req, res, NULL);
}

static void edit_page(struct http_request *req, struct http_response *res)
{
	struct module_ctx p;
	if (module_or_answer(req, res, &p, NULL))
		return;
	if (!may_write(p.db, &p.w, p.m.group_id)) {
		page_message(req, res, 403, "Organisers only",
			     "Only those who write this module's training edit it.", &p.w);
		return;
	}
	edit_form(req, res, &p.w, p.db, 200, NULL, NULL, &p.m, NULL);
}

static void edit_save(struct http_request *req, struct http_response *res)
{
	struct module_ctx p;
	if (module_or_answer(req, res, &p, NULL))
		return;
	save_module(req, res, &p.m);
}

/* ---- gates ---- */

/* What the movement asks of every driver offering a ride: one module or none. */
static void drivers_gate(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct module m = { 0 };

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) || form_or_answer(req, res, &w, &f))
		return;
	if (!policy_allows(&w.actor, ACT_ADMIN, NULL)) {
		page_message(
		    req, res, 403, "Admins only",
		    "Only admins (signed in with their password and code) choose the training"
		    " every driver needs.",
		    &w);
		return;
	}
	const char *slug = qs_get(&f, "module");
	if (!slug || (*slug && module_by_slug(db, slug, &m) != 1) || m.group_id) {
		page_message(req, res, 400, "Not saved", "Choose one of the national modules.", &w);
		return;
	}
	if (gate_set(db, "ride_drive", 0, m.id, m.version)) {
		page_sorry(req, res, "That could not be saved.", &w);
		return;
	}
	audit_note(db, w.actor.id, "training.drivers", 0,
		   arena_printf(&req->arena, "module %s", *slug ? slug : "(none)"));
	http_redirect(res, "/training");
}

struct gate_walk {
	struct db *db;
	long person;
	struct module missing;
	int closed, rc;
	json_t *list;
};

static void gate_module(long module_id, int min_version, void *arg)
{
	struct gate_walk *g = arg;
	struct module m;
	struct training_record r;
	if (g->closed || module_by_id(g->db, module_id, &m) != 1) {
		g->rc = g->closed ? g->rc : -1;
		return;
	}
	if (g->list) {
		json_array_append_new(g->list,
				      json_pack("{s:s, s:s}", "slug", m.slug, "title", m.title));
		return;
	}
	if (training_record_of(g->db, &m, g->person, &r)) {
		g->rc = -1;
		return;
	}
	if (gate_eval(&r, now_s(), min_version, m.max_attempts) != GATE_OPEN) {
		g->closed = 1;
		g->missing = m;
	}
}

int training_gate_or_answer(struct http_request *req, struct http_response *res, struct db *db,
			    long person, const char *action, long target, const char *back)
{
	struct gate_walk g = { .db = db, .person = person };
	if (gates_of(db, action, target, gate_module, &g) < 0 || g.rc < 0) {
		page_sorry(req, res, "Your training could not be checked.", NULL);
		return -1;
	}
	if (!g.closed)
		return 0;
	http_redirect(
	    res, arena_printf(&req->arena, "/training/%s?why=gate&next=%s", g.missing.slug, back));
	return -1;
}

int training_remind(struct http_request *req, struct db *db, long person, const char *action,
		    long target, const char *what, const char *back)
{
	struct gate_walk g = { .db = db, .person = person };
	if (gates_of(db, action, target, gate_module, &g) < 0 || g.rc < 0)
		return -1;
	if (!g.closed)
		return 0;
	return web_tell(
		   req, db, person, "Training to do first",
		   arena_printf(&req->arena,
				"%s, first do the \"%s\" module: a few minutes from home, at"
				" your own pace.",
				what, g.missing.title),
		   arena_printf(&req->arena, "/training/%s?why=gate&next=%s", g.missing.slug, back),
		   "Start the training")
		   ? -1
		   : 1;
}

int training_gate_open(struct db *db, long person, const char *action, long target)
{
	struct gate_walk g = { .db = db, .person = person };
	if (gates_of(db, action, target, gate_module, &g) < 0 || g.rc < 0)
		return -1;
	return !g.closed;
}

json_t *training_gate_json(struct db *db, const char *action, long target)
{
	struct gate_walk g = { .db = db, .list = json_array() };
	gates_of(db, action, target, gate_module, &g);
	return g.list;
}

const struct http_route training_routes[] = {
	{ "GET", "/training", list_page, ROUTE_PAGE, NULL },
	{ "GET", "/training/new", new_module_page, ROUTE_PAGE, NULL },
	{ "POST", "/training/drivers", drivers_gate, ROUTE_PAGE, NULL },
	{ "POST", "/training", create_module, ROUTE_PAGE, NULL },
	{ "GET", "/training/{slug}", module_page, ROUTE_PAGE, NULL },
	{ "GET", "/training/{slug}/edit", edit_page, ROUTE_PAGE, NULL },
	{ "POST", "/training/{slug}/edit", edit_save, ROUTE_PAGE, NULL },
	{ "POST", "/training/{slug}/progress", progress, ROUTE_PAGE, NULL },
	{ "POST", "/training/{slug}/attempts", start, ROUTE_PAGE, NULL },
	{ "GET", "/training/attempts/{id}", attempt_page, ROUTE_PAGE, NULL },
	{ "POST", "/training/attempts/{id}", submit, ROUTE_PAGE, NULL },
};
const size_t training_nroutes = sizeof(training_routes) / sizeof(training_routes[0]);
