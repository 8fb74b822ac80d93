/*
 * Phone banking pages.  Organisers create a phone bank, load contacts and
 * approve callers; a caller takes one voter at a time from the queue,
 * calls from their own phone and saves what happened, which takes them to
 * the next.  A caller reads and writes only the contact leased to them:
 * any other id is 404, and there is no list of contacts to read.
 */
#include <jansson.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/web.h"
#include "auth/audit.h"
#include "db/writer.h"
#include "events/when.h"
#include "groups/store.h"
#include "http/qs.h"
#include "people/people.h"
#include "phonebank/chart.h"
#include "phonebank/pages.h"
#include "phonebank/store.h"
#include "seats/seats.h"
#include "training/pages.h"
#include "training/store.h"
#include "util/csv.h"
#include "util/mem.h"
#include "util/num.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/utf8.h"

#define ANSWER_TEXT_MAX 500
#define SKIP_AWAY_S	300 /* a skipped contact waits this long before it is offered again */

struct bank_ctx {
	struct who w;
	struct db *db;
	struct phonebank pb;
	struct target t;
	int member, asked;
};

/*
 * Signed in, the phone bank there and visible (a member of its group, a
 * caller, or an admin), and for a POST a form with a good token.  Answers
 * itself and returns NULL when not.
 */
static struct bank_ctx *bank_or_answer(struct http_request *req, struct http_response *res,
				       struct qs *form, int json)
{
	/* from the request's arena: a phone bank with its script is tens of KB */
	struct bank_ctx *c = arena_alloc(&req->arena, sizeof(*c));
	long id = route_id(&req->params, "id");

	memset(c, 0, sizeof(*c));
	if (visit_or_answer(req, res, &c->w, &c->db, json ? VISIT_JSON : 0))
		return NULL;
	if (!c->w.actor.id) {
		if (json)
			http_error(res, 401, "Sign in first");
		else
			http_redirect(res, signin_path(req));
		return NULL;
	}
	int found = id ? phonebank_get(c->db, id, &c->pb) : 0;
	int role = found == 1 ? group_role_of(c->db, c->pb.group_id, c->w.actor.id) : ROLE_NONE;
	if (found == 1 && caller_status(c->db, id, c->w.actor.id, &c->asked, &c->t.caller) < 0)
		found = -1;
	c->t.organiser = role == ROLE_ORGANISER;
	c->member = role == ROLE_MEMBER || role == ROLE_ORGANISER;
	if (found != 1) {
		if (json)
			http_error(res, 404, "No such phone bank");
		else
			page_message(req, res, 404, "Not found", "There is no such phone bank.",
				     &c->w);
		return NULL;
	}
	if (!(c->member || c->asked || c->w.actor.admin)) {
		if (json)
			http_error(res, 403, "Members of the group only");
		else
			page_message(req, res, 403, "Members only",
				     "This phone bank belongs to a group you are not in.", &c->w);
		return NULL;
	}
	if (form && form_or_answer(req, res, &c->w, form))
		return NULL;
	return c;
}

static int may(struct bank_ctx *c, enum action act)
{
	return policy_allows(&c->w.actor, act, &c->t);
}

/* bank_or_answer() for what only the phone bank's organisers (and admins,
 * signed in strongly) may do; NULL after answering 403 to anyone else. */
static struct bank_ctx *organiser_or_answer(struct http_request *req, struct http_response *res,
					    struct qs *form, int json)
{
	struct bank_ctx *c = bank_or_answer(req, res, form, json);
	if (!c || may(c, ACT_PHONEBANK_MANAGE))
		return c;
	if (json)
		http_error(res, 403, "Organisers only");
	else
		page_message(req, res, 403, "Organisers only",
			     "This is for the group's organisers and admins, signed in with"
			     " password and code.",
			     &c->w);
	return NULL;
}

/* ---- lists and creation ---- */

static void bank_item(long id, const char *name, const char *group, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name,
					     "group", group));
}

static void list_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	json_t *banks = json_array();
	phonebanks_visible(db, w.actor.id, w.actor.admin, bank_item, banks);
	page_render(req, res, 200, "phonebanks",
		    json_pack("{s:s, s:o, s:b}", "title", "Phone banks", "banks", banks, "strong",
			      w.actor.strong),
		    &w);
}

/* The groups this person may create a phone bank for. */
static json_t *managed_groups(struct db *db, const struct who *w)
{
	json_t *groups = json_array();
	if (w->actor.strong)
		groups_of(db, w->actor.id, w->actor.admin, 1, json_id_name, groups);
	return groups;
}

static void new_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	json_t *groups = managed_groups(db, &w);
	if (!json_array_size(groups)) {
		json_decref(groups);
		page_message(
		    req, res, 403, "Organisers only",
		    "A phone bank is set up by a group's organiser, signed in with password"
		    " and code.",
		    &w);
		return;
	}
	page_render(req, res, 200, "phonebank_new",
		    json_pack("{s:s, s:o, s:s, s:s}", "title", "New phone bank", "groups", groups,
			      "script", phonebank_default_script, "survey",
			      phonebank_default_survey),
		    &w);
}

/* The form, checked, into pb; NULL or what is wrong (why may point into err). */
static const char *bank_from_form(struct app *app, const struct qs *f, struct phonebank *pb,
				  char *err, size_t errlen)
{
	const char *name = qs_get(f, "name"), *seats = qs_get(f, "seats");
	const char *script = qs_get(f, "script"), *survey = qs_get(f, "survey");
	const char *att = qs_get(f, "max_attempts"), *wait = qs_get(f, "retry_wait_min");
	long attempts = 3, retry = 240;
	const char *why;

	memset(pb, 0, sizeof(*pb));
	if (!name || !*name || strlen(name) > PHONEBANK_NAME_MAX)
		return "Give the phone bank a name of at most 100 characters.";
	snprintf(pb->name, sizeof(pb->name), "%s", name);
	if (!script || strlen(script) > SCRIPT_MAX)
		return "The script is 20,000 characters at most.";
	snprintf(pb->script, sizeof(pb->script), "%s", script);
	snprintf(pb->survey_src, sizeof(pb->survey_src), "%s", survey ? survey : "");
	if ((why = survey_parse(&pb->survey, pb->survey_src, err, errlen)))
		return why;
	if ((why =
		 hours_parse(&pb->hours, qs_get(f, "start"), qs_get(f, "end"), qs_get(f, "days"))))
		return why;
	if ((att && *att &&
	     num_parse_long(att, strlen(att), 1, QUEUE_MAX_ATTEMPTS_CAP, &attempts)) ||
	    (wait && *wait && num_parse_long(wait, strlen(wait), 5, QUEUE_RETRY_MAX_MIN, &retry)))
		return "Attempts are 1 to 10; the wait before retrying is 5 minutes to 14 days.";
	pb->max_attempts = (int)attempts;
	pb->retry_wait_min = (int)retry;
	/* target seats: 2024 codes, separated by commas or spaces */
	for (const char *p = seats ? seats : ""; *p;) {
		size_t n = strcspn(p, ", \r\n\t");
		if (n) {
			char code[12];
			if (n >= sizeof(code) || pb->nseats == PHONEBANK_MAX_SEATS)
				return "Name at most 50 target seats, as 2024 codes (E14001193).";
			memcpy(code, p, n);
			code[n] = '\0';
			if (!seats_find(&app->seats, 2024, code))
				return "A target seat is not a 2024 constituency code.";
			memcpy(pb->seats[pb->nseats++], code, n + 1);
		}
		p += n;
		p += strspn(p, ", \r\n\t");
	}
	return NULL;
}

static void create(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct phonebank *pb = arena_alloc(&req->arena, sizeof(*pb));
	char err[160];
	long gid = 0;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	if (form_or_answer(req, res, &w, &f))
		return;
	const char *g = qs_get(&f, "group");
	if (!g || num_parse_long(g, strlen(g), 1, 1L << 40, &gid) ||
	    group_name(db, gid, err, 8) != 1)
		gid = 0;
	struct target t = { 0, gid && group_role_of(db, gid, w.actor.id) == ROLE_ORGANISER, 0, 0 };
	if (!gid || !policy_allows(&w.actor, ACT_PHONEBANK_MANAGE, &t)) {
		page_message(
		    req, res, 403, "Organisers only",
		    "Only the group's organisers (signed in with password and code) and admins"
		    " set up its phone banks.",
		    &w);
		return;
	}
	const char *why = bank_from_form(req->app, &f, pb, err, sizeof(err));
	if (why) {
		page_message(req, res, 400, "Not saved", why, &w);
		return;
	}
	pb->group_id = gid;
	pb->created_by = w.actor.id;
	if (phonebank_create(db, pb, time(NULL))) {
		page_sorry(req, res, "The phone bank could not be saved.", &w);
		return;
	}
	audit_note(db, w.actor.id, "phonebank.create", 0,
			arena_printf(&req->arena, "phonebank %ld", pb->id));
	http_redirect(res, arena_printf(&req->arena, "/phonebanks/%ld", pb->id));
}

/* ---- totals, for organisers ---- */

static void caller_count_item(const char *name, long calls, void *arg)
{
	char first[64];
	person_first_name(name, first);
	json_array_append_new(arg, json_pack("{s:s, s:I}", "caller", first, "calls", (json_int_t)calls));
}

struct answers_seen {
	const struct phonebank *pb;
	json_t *per_q[SURVEY_MAX_QUESTIONS];
};

static void answer_count_item(int q, const char *answer, long n, void *arg)
{
	struct answers_seen *a = arg;
	if (q < 0 || q >= a->pb->survey.n)
		return;
	/* free text is counted, not listed: it is in the export */
	const char *shown = a->pb->survey.q[q].kind == Q_TEXT ? "(written answers)" : answer;
	size_t k = json_array_size(a->per_q[q]);
	json_t *last = k ? json_array_get(a->per_q[q], k - 1) : NULL;
	if (last && !strcmp(json_string_value(json_object_get(last, "answer")), shown))
		json_object_set_new(
		    last, "count",
		    json_integer(json_integer_value(json_object_get(last, "count")) + n));
	else
		json_array_append_new(a->per_q[q],
				      json_pack("{s:s, s:I}", "answer", shown, "count", (json_int_t)n));
}

static json_t *totals(struct db *db, const struct phonebank *pb, int with_chart)
{
	time_t now = time(NULL);
	time_t hour0 = now - now % 3600 - (CHART_HOURS - 1) * 3600;
	long calls = 0;
	json_t *outcomes = json_array(), *callers = json_array(), *questions = json_array();
	struct bank_totals t;
	struct answers_seen seen = { pb, { 0 } };

	bank_totals(db, pb->id, now, hour0, CHART_HOURS, &t);
	for (int o = 0; o < OUTCOME_COUNT; o++) {
		calls += t.by_outcome[o];
		json_array_append_new(outcomes, json_pack("{s:s, s:s, s:I}", "code", outcome_code(o),
							  "label", outcome_label(o), "calls",
							  (json_int_t)t.by_outcome[o]));
	}
	long answered = t.by_outcome[OUTCOME_ANSWERED] + t.by_outcome[OUTCOME_REFUSED] +
			t.by_outcome[OUTCOME_DO_NOT_CALL] + t.by_outcome[OUTCOME_MOVED];
	bank_caller_counts(db, pb->id, caller_count_item, callers);
	for (int i = 0; i < pb->survey.n; i++)
		seen.per_q[i] = json_array();
	bank_answer_counts(db, pb->id, answer_count_item, &seen);
	for (int i = 0; i < pb->survey.n; i++)
		json_array_append_new(questions,
				      json_pack("{s:i, s:s, s:o}", "number", i + 1, "text",
						pb->survey.q[i].text, "answers", seen.per_q[i]));
	json_t *out = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o}", "contacts",
				(json_int_t)t.contacts, "finished", (json_int_t)t.finished, "ready",
				(json_int_t)t.ready, "calls", (json_int_t)calls, "answered",
				(json_int_t)answered, "contact_rate_pct",
				(json_int_t)(calls ? (answered * 100 + calls / 2) / calls : 0),
				"outcomes", outcomes, "callers", callers, "questions", questions);
	/* calls per local hour, the last CHART_HOURS hours */
	json_t *hours = json_array();
	for (int i = 0; i < CHART_HOURS; i++)
		json_array_append_new(hours, json_integer(t.per_hour[i]));
	json_object_set_new(out, "calls_per_hour", hours);
	if (with_chart) {
		struct tm tm;
		struct buf svg;
		london_tm(hour0, &tm);
		buf_init(&svg, 64 << 10);
		chart_hours_svg(&svg, t.per_hour, tm.tm_hour);
		json_object_set_new(out, "chart", json_string(svg.p ? svg.p : ""));
		buf_release(&svg);
	}
	return out;
}

static void caller_item(long person, const char *name, int approved, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:b}", "person", (json_int_t)person, "name",
					     name, "approved", approved));
}

/* A load that has not moved for this long is not running any more. */
#define IMPORT_STALLED_S 60

/* How far the latest list got: whole, still loading, or stopped part-way. */
static json_t *import_state(const struct contact_import *ci, time_t now)
{
	int whole = ci->finished_at != 0;
	int stopped = !whole && (ci->stopped_at || now - ci->updated_at > IMPORT_STALLED_S);
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:b, s:b, s:b, s:b}", "source",
			 ci->source,
			 "rows_total", (json_int_t)ci->rows_total, "rows_done",
			 (json_int_t)ci->rows_done, "next", (json_int_t)ci->rows_done + 1, "added",
			 (json_int_t)ci->added, "merged", (json_int_t)ci->merged, "opted_out",
			 (json_int_t)ci->opted_out, "whole", whole, "stopped", stopped, "running",
			 !whole && !stopped, "stopping", !whole && !stopped && ci->stop_asked_at);
}

static void import_item(const struct contact_import *ci, long refused, void *arg)
{
	struct tm tm;
	char day[64], hm[8], when[80];
	london_day((time_t)ci->started_at, DAY_SHORT, day, sizeof(day));
	london_tm((time_t)ci->started_at, &tm);
	strftime(hm, sizeof(hm), "%H:%M", &tm);
	snprintf(when, sizeof(when), "%s, %s", day, hm);
	json_array_append_new(
	    arg, json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s}", "id", (json_int_t)ci->id,
			   "source", ci->source, "when", when, "rows",
			   (json_int_t)ci->rows_total, "added", (json_int_t)ci->added, "merged",
			   (json_int_t)ci->merged, "opted_out", (json_int_t)ci->opted_out, "refused",
			   (json_int_t)refused, "state",
			   ci->finished_at	? "loaded whole"
			   : ci->stopped_at ? "stopped"
					    : "loading or cut short"));
}

static void module_choice(const struct module *m, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s}", "slug", m->slug, "title", m->title));
}

static void bank_page(struct http_request *req, struct http_response *res)
{
	struct bank_ctx *c = bank_or_answer(req, res, NULL, 0);
	char hours[64];

	if (!c)
		return;
	int manage = may(c, ACT_PHONEBANK_MANAGE);
	hours_text(&c->pb.hours, hours, sizeof(hours));
	json_t *ctx =
	    json_pack("{s:s, s:I, s:s, s:s, s:b, s:b, s:b, s:b, s:b}", "title", c->pb.name, "id",
		      (json_int_t)c->pb.id, "name", c->pb.name, "hours", hours, "open",
		      hours_open(&c->pb.hours, time(NULL)), "manage", manage, "caller", c->t.caller,
		      "asked", c->asked && !c->t.caller, "may_ask", c->member && !c->asked);
	if (manage) {
		char start[6], end[6], days[28];
		hours_fields(&c->pb.hours, start, end, days);
		json_object_set_new(ctx, "edit",
				    json_pack("{s:s, s:s, s:s, s:s, s:i, s:i}", "script",
					      c->pb.script, "start", start, "end", end, "days",
					      days, "max_attempts", c->pb.max_attempts,
					      "retry_wait_min", c->pb.retry_wait_min));
		json_object_set_new(ctx, "totals", totals(c->db, &c->pb, 1));
		json_t *callers = json_array();
		callers_each(c->db, c->pb.id, caller_item, callers);
		/* who still has the phone bank's training to do */
		size_t k;
		json_t *one;
		long untrained = 0;
		json_array_foreach(callers, k, one) {
			long person = (long)json_integer_value(json_object_get(one, "person"));
			int open = training_gate_open(c->db, person, "phonebank_call", c->pb.id);
			json_object_set_new(one, "untrained", json_boolean(open == 0));
			untrained += open == 0;
		}
		json_object_set_new(ctx, "untrained", json_integer(untrained));
		json_object_set_new(ctx, "callers", callers);
		struct contact_import ci;
		if (contact_import_last(c->db, c->pb.id, &ci) == 1)
			json_object_set_new(ctx, "last_import", import_state(&ci, time(NULL)));
		json_t *history = json_array();
		contact_imports_recent(c->db, c->pb.id, import_item, history);
		json_object_set_new(ctx, "imports", history);
		json_object_set_new(ctx, "bank_id", json_integer(c->pb.id));
	}
	json_object_set_new(ctx, "needs", training_gate_json(c->db, "phonebank_call", c->pb.id));
	if (manage) {
		json_t *mods = json_array();
		modules_for(c->db, c->w.actor.id, module_choice, mods);
		json_object_set_new(ctx, "modules", mods);
	}
	page_render(req, res, 200, "phonebank", ctx, &c->w);
}

struct nudging {
	struct http_request *req;
	struct db *db;
	const struct phonebank *pb;
	long told;
	int rc;
};

static void nudge_one(long person, const char *name, int approved, void *arg)
{
	struct nudging *n = arg;
	(void)name, (void)approved;
	int told = n->rc < 0 ? 0
			     : training_remind(n->req, n->db, person, "phonebank_call", n->pb->id,
					       arena_printf(&n->req->arena, "To call for %s", n->pb->name),
					       arena_printf(&n->req->arena, "/phonebanks/%ld", n->pb->id));
	if (told < 0)
		n->rc = -1;
	else
		n->told += told;
}

/* Tells every caller who still has the training to do where to do it. */
static void nudge(struct http_request *req, struct http_response *res)
{
	struct qs f;
	struct bank_ctx *c = organiser_or_answer(req, res, &f, 0);
	if (!c)
		return;
	/* each nudge is mail to every untrained caller: an organiser's are counted */
	if (rate_limit(req, res, "message-host", arena_printf(&req->arena, "%ld", c->w.actor.id),
		       &((struct app *)req->app)->auth.rates.message_host, 0))
		return;
	json_t *needs = training_gate_json(c->db, "phonebank_call", c->pb.id);
	size_t asked = json_array_size(needs);
	json_decref(needs);
	if (!asked) {
		page_message(req, res, 409, "No training asked",
			     "This phone bank asks no training of its callers.", &c->w);
		return;
	}
	struct nudging n = { req, c->db, &c->pb, 0, 0 };
	if (db_begin(c->db) || callers_each(c->db, c->pb.id, nudge_one, &n) < 0 || n.rc < 0 ||
	    app_commit(req->app, c->db)) {
		db_rollback(c->db);
		page_sorry(req, res, "The reminders could not be sent.", &c->w);
		return;
	}
	audit_note(c->db, c->w.actor.id, "phonebank.nudge", 0,
		   arena_printf(&req->arena, "phonebank %ld: %ld told", c->pb.id, n.told));
	page_message(req, res, 200, "Reminders sent",
		     n.told ? arena_printf(&req->arena, "%ld %s told where to do the training.",
					   n.told, n.told == 1 ? "caller was" : "callers were")
			    : "Every caller has done the training.",
		     &c->w);
}

/* The training its callers must have done first: one module, or none. */
static void set_training(struct http_request *req, struct http_response *res)
{
	struct qs f;
	struct module m = { 0 };
	struct bank_ctx *c = organiser_or_answer(req, res, &f, 0);
	if (!c)
		return;
	const char *slug = qs_get(&f, "module");
	if (!slug || (*slug && module_by_slug(c->db, slug, &m) != 1)) {
		page_message(req, res, 400, "Not saved", "There is no such training module.", &c->w);
		return;
	}
	if (gate_set(c->db, "phonebank_call", c->pb.id, m.id, m.version)) {
		page_sorry(req, res, "The training needed could not be saved.", &c->w);
		return;
	}
	audit_note(c->db, c->w.actor.id, "phonebank.training", 0,
		   arena_printf(&req->arena, "phonebank %ld module %s", c->pb.id,
				*slug ? slug : "(none)"));
	http_redirect(res, arena_printf(&req->arena, "/phonebanks/%ld", c->pb.id));
}

static void totals_api(struct http_request *req, struct http_response *res)
{
	struct bank_ctx *c = organiser_or_answer(req, res, NULL, 1);
	if (!c)
		return;
	api_json(res, totals(c->db, &c->pb, 0));
}

/* ---- callers: asking, approving ---- */

static void ask_to_call(struct http_request *req, struct http_response *res)
{
	struct qs f;
	struct bank_ctx *c = bank_or_answer(req, res, &f, 0);
	if (!c)
		return;
	if (!c->member) {
		page_message(req, res, 403, "Members only",
			     "Join the group first; its organisers approve its callers.", &c->w);
		return;
	}
	/* the training the phone bank asks of its callers, done and in date */
	if (training_gate_or_answer(req, res, c->db, c->w.actor.id, "phonebank_call", c->pb.id,
				    arena_printf(&req->arena, "/phonebanks/%ld", c->pb.id)))
		return;
	if (caller_ask(c->db, c->pb.id, c->w.actor.id, time(NULL)) != 1) {
		page_sorry(req, res, "That could not be saved.", &c->w);
		return;
	}
	http_redirect(res, arena_printf(&req->arena, "/phonebanks/%ld", c->pb.id));
}

static void approve_caller(struct http_request *req, struct http_response *res)
{
	struct qs f;
	struct bank_ctx *c = organiser_or_answer(req, res, &f, 0);
	if (!c)
		return;
	long person = route_id(&req->params, "person");
	/* approved and told, or neither */
	int rc = db_begin(c->db) ? -1 : caller_approve(c->db, c->pb.id, person);
	if (rc == 1 &&
	    (web_tell(req, c->db, person, "You can start calling",
		      "An organiser approved you as a caller. Open the phone bank to take your"
		      " first voter; you can practise on pretend voters first.",
		      arena_printf(&req->arena, "/phonebanks/%ld", c->pb.id), c->pb.name) ||
	     app_commit(req->app, c->db)))
		rc = -1;
	if (rc != 1) {
		db_rollback(c->db);
		if (rc == 0)
			page_message(req, res, 404, "Not found", "That person has not asked to call.",
				     &c->w);
		else
			page_sorry(req, res, "Nothing was saved. Please try again.", &c->w);
		return;
	}
	audit_note(c->db, c->w.actor.id, "phonebank.caller_approve", person,
			arena_printf(&req->arena, "phonebank %ld", c->pb.id));
	http_redirect(res, arena_printf(&req->arena, "/phonebanks/%ld", c->pb.id));
}

/* The organiser stops a load in progress: it ends after the batch in hand,
 * and the page says which rows are live. */
static void stop_import(struct http_request *req, struct http_response *res)
{
	struct qs f;
	struct bank_ctx *c = organiser_or_answer(req, res, &f, 0);
	if (!c)
		return;
	int rc = contact_import_stop(c->db, c->pb.id, time(NULL));
	if (rc < 0) {
		page_sorry(req, res, "That could not be saved.", &c->w);
		return;
	}
	if (rc == 0) {
		page_message(req, res, 409, "Nothing to stop",
			     "No list is loading into this phone bank now.", &c->w);
		return;
	}
	audit_note(c->db, c->w.actor.id, "contacts.import_stop", 0,
		   arena_printf(&req->arena, "phonebank %ld", c->pb.id));
	http_redirect(res, arena_printf(&req->arena, "/phonebanks/%ld#import-state", c->pb.id));
}

/* Organisers end a caller's right to call: their voter goes back at once. */
static void revoke_caller(struct http_request *req, struct http_response *res)
{
	struct qs f;
	struct bank_ctx *c = organiser_or_answer(req, res, &f, 0);
	if (!c)
		return;
	long person = route_id(&req->params, "person");
	int rc = caller_revoke(c->db, c->pb.id, person);
	if (rc != 1) {
		if (rc)
			page_sorry(req, res, "That could not be saved.", &c->w);
		else
			page_message(req, res, 404, "Not found", "That person is not a caller here.",
				     &c->w);
		return;
	}
	audit_note(c->db, c->w.actor.id, "phonebank.caller_revoke", person,
		   arena_printf(&req->arena, "phonebank %ld", c->pb.id));
	http_redirect(res, arena_printf(&req->arena, "/phonebanks/%ld", c->pb.id));
}

/* Organisers change what may change once calls have begun. */
static void edit_bank(struct http_request *req, struct http_response *res)
{
	struct qs f;
	struct phonebank *pb = arena_alloc(&req->arena, sizeof(*pb));
	char err[160];
	struct bank_ctx *c = organiser_or_answer(req, res, &f, 0);

	if (!c)
		return;
	/* the survey and target seats stay: answers already given refer to them */
	const char *why = bank_from_form(req->app, &f, pb, err, sizeof(err));
	if (why) {
		page_message(req, res, 400, "Not saved", why, &c->w);
		return;
	}
	pb->id = c->pb.id;
	if (phonebank_update(c->db, pb)) {
		page_sorry(req, res, "The phone bank could not be saved.", &c->w);
		return;
	}
	audit_note(c->db, c->w.actor.id, "phonebank.edit", 0,
			arena_printf(&req->arena, "phonebank %ld", pb->id));
	http_redirect(res, arena_printf(&req->arena, "/phonebanks/%ld", pb->id));
}

/* Organisers end a phone bank: its contacts, callers and calls go; the
 * do-not-call ledger stays. */
static void delete_bank(struct http_request *req, struct http_response *res)
{
	struct qs f;
	struct bank_ctx *c = organiser_or_answer(req, res, &f, 0);
	if (!c)
		return;
	const char *confirm = qs_get(&f, "confirm");
	if (!confirm || strcmp(confirm, "delete")) {
		page_message(
		    req, res, 400, "Not deleted",
		    "Type delete to confirm: every contact, caller and call of this phone bank"
		    " is erased.",
		    &c->w);
		return;
	}
	long id = c->pb.id;
	if (phonebank_delete(c->db, id)) {
		page_sorry(req, res, "The phone bank could not be deleted.", &c->w);
		return;
	}
	audit_note(c->db, c->w.actor.id, "phonebank.delete", 0,
			arena_printf(&req->arena, "phonebank %ld", id));
	http_redirect(res, "/phonebanks");
}

/* ---- contacts: import, erasure ---- */

/*
 * An import runs on a thread of its own (app_background) while the upload's
 * connection is suspended: a million rows take seconds, and a worker thread
 * held that long would stall every caller whose connection it serves.
 */
struct import_job {
	struct http_request *req;
	struct phonebank *pb; /* a copy: the worker's may change meanwhile */
	long actor;
	int fd, rc;
	double seconds;
	const char *source; /* the file's name as the browser gave it, or NULL */
	struct contacts_report rep;
};

static void import_main(void *arg)
{
	struct import_job *j = arg;
	struct http_request *req = j->req;
	struct db *db = app_db(req->app);
	double t0 = now_seconds();
	char detail[160];

	j->rc = db ? contacts_import(db, j->pb, j->fd, j->source, &((struct app *)req->app)->stopping,
				     &j->rep, NULL)
		   : -1;
	if (!db)
		snprintf(j->rep.fatal, sizeof(j->rep.fatal), "The store is not available.");
	j->seconds = now_seconds() - t0;
	if (!j->rc) {
		snprintf(
		    detail, sizeof(detail),
		    "phonebank %ld: %ld rows, %ld added, %ld merged, %ld opted out, %ld refused",
		    j->pb->id, j->rep.rows, j->rep.added, j->rep.merged, j->rep.opted_out,
		    j->rep.invalid);
		audit_note(db, j->actor, "contacts.import", 0, detail);
	}
	/* the request may be answered and gone as soon as this returns */
	http_resume(req);
}

static void start_import(struct http_request *req)
{
	struct import_job *j = req->pending;
	if (app_background(req->app, import_main, j)) {
		j->rc = -1;
		snprintf(j->rep.fatal, sizeof(j->rep.fatal),
			 "Other lists are being loaded; try again in a minute.");
		http_resume(req);
	}
}

static void upload_answer(struct http_response *res, struct import_job *j)
{
	long bank = j->pb->id;
	free(j->pb);
	if (j->rc) {
		http_error(res, j->rep.stopped ? 409 : j->rep.rows ? 503 : 400, j->rep.fatal);
		return;
	}
	json_t *errors = json_array(), *reasons = json_array();
	for (size_t i = 0; i < j->rep.nerrors; i++)
		json_array_append_new(errors, json_pack("{s:I, s:s}", "line",
							(json_int_t)j->rep.errors[i].line, "reason",
							j->rep.errors[i].why));
	for (size_t i = 0; i < j->rep.nreasons; i++)
		json_array_append_new(reasons, json_pack("{s:s, s:I}", "reason", j->rep.reasons[i].why,
							 "count", (json_int_t)j->rep.reasons[i].n));
	json_t *out = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:f, s:o, s:I}", "rows",
				(json_int_t)j->rep.rows, "added", (json_int_t)j->rep.added, "merged",
				(json_int_t)j->rep.merged, "opted_out", (json_int_t)j->rep.opted_out,
				"invalid", (json_int_t)j->rep.invalid, "resumed_after",
				(json_int_t)j->rep.resumed_after, "errors", errors, "seconds",
				j->seconds, "reasons", reasons, "import_id",
				(json_int_t)j->rep.import_id);
	if (j->rep.invalid)
		json_object_set_new(out, "errors_csv",
				    json_string(arena_printf(&j->req->arena,
							     "/phonebanks/%ld/imports/%ld/errors.csv",
							     bank, j->rep.import_id)));
	api_json(res, out);
}

/* The file's name from X-File-Name (percent-encoded by upload.js), for the
 * list's history: one line of text of up to 100 bytes, else none. */
static const char *upload_name(struct http_request *req)
{
	const char *h = http_header(req, "X-File-Name");
	size_t n = h ? strlen(h) : 0;
	char *out = n && n <= 300 ? arena_alloc(&req->arena, n + 1) : NULL;
	long len = out ? url_decode(h, n, out, 0) : -1;
	if (len <= 0 || len > 100 || !utf8_valid(out, (size_t)len))
		return NULL;
	for (long i = 0; i < len; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			return NULL;
	return out;
}

/*
 * Who may upload a list, decided from the headers alone: signed in, an
 * organiser of this phone bank, the page's form token (the body is the
 * file, so the token comes as a header) and our own Origin.  The server
 * asks before it takes a byte of the body, and the handler asks again.
 */
static struct bank_ctx *uploader_or_answer(struct http_request *req, struct http_response *res)
{
	const char *token = http_header(req, "X-CSRF-Token");
	struct bank_ctx *c = organiser_or_answer(req, res, NULL, 1);

	if (!c)
		return NULL;
	if (!token || !*c->w.csrf || !token_equal(token, c->w.csrf) || !origin_ok(req)) {
		http_error(res, 403, "Reload the page and try again (the form has expired)");
		return NULL;
	}
	return c;
}

static int upload_admit(struct http_request *req, struct http_response *res)
{
	return uploader_or_answer(req, res) ? 0 : -1;
}

static void upload(struct http_request *req, struct http_response *res)
{
	struct bank_ctx *c;

	if (req->pending) {
		upload_answer(res, req->pending);
		return;
	}
	if (!(c = uploader_or_answer(req, res)))
		return;
	if (req->upload_fd < 0 || !req->upload_len) {
		http_error(res, 400, "Send the contact list as the request body (CSV)");
		return;
	}
	struct import_job *j = arena_alloc(&req->arena, sizeof(*j));
	memset(j, 0, sizeof(*j));
	j->req = req;
	j->pb = xmalloc(sizeof(*j->pb));
	memcpy(j->pb, &c->pb, sizeof(*j->pb));
	j->actor = c->w.actor.id;
	j->fd = req->upload_fd;
	j->source = upload_name(req);
	http_suspend(req, res, j, start_import);
}

static void erase_voter(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	char e164[PHONE_E164_MAX];

	if (visit_or_answer(req, res, &w, &db, 0))
		return;
	if (!policy_allows(&w.actor, ACT_ADMIN, NULL)) {
		page_message(req, res, w.actor.id ? 403 : 401, "Admins only",
			     "Erasing a voter is for admins signed in with password and code.", &w);
		return;
	}
	if (form_or_answer(req, res, &w, &f))
		return;
	const char *p = qs_get(&f, "phone");
	const char *why = p ? phone_normalise(p, strlen(p), e164) : "empty";
	if (why) {
		page_message(req, res, 400, "Not erased", "Give the voter's UK phone number.", &w);
		return;
	}
	long n = contacts_erase_phone(db, e164, time(NULL));
	if (n < 0) {
		page_sorry(req, res, "The erasure could not be done.", &w);
		return;
	}
	app_erased(req->app);
	/* the number itself stays out of the audit log */
	audit_note(db, w.actor.id, "voter.erase", 0,
		    arena_printf(&req->arena, "%ld contact rows erased", n));
	page_message(
	    req, res, 200, "Erased",
	    n ? "Every record of that voter is gone: their contact rows, and the notes and"
		" answers of their calls. The number is on the do-not-call ledger, so no list"
		" loaded later brings them back."
	      : "No contact has that number. It is on the do-not-call ledger now, so no list"
		" loaded later brings it in.",
	    &w);
}

/* ---- the caller's page ---- */

static int practice_of(struct http_request *req, const struct qs *f)
{
	const char *p = f ? qs_get(f, "practice") : qs_get(&req->query, "practice");
	return p && !strcmp(p, "1");
}

/* Callers call; anyone who asked to call (and organisers) may practise. */
static int may_call(struct bank_ctx *c, int practice)
{
	return may(c, ACT_PHONEBANK_CALL) ||
	       (practice && (c->asked || may(c, ACT_PHONEBANK_MANAGE)));
}

static void callers_only(struct http_request *req, struct http_response *res, struct bank_ctx *c)
{
	page_message(req, res, 403, "Callers only",
		     "An organiser approves callers for each phone bank. Ask to call on its page;"
		     " meanwhile you can practise.",
		     &c->w);
}

static const char *call_url(struct http_request *req, long bank, int practice)
{
	return arena_printf(&req->arena, "/phonebanks/%ld/call%s", bank,
			    practice ? "?practice=1" : "");
}

static void call_page(struct http_request *req, struct http_response *res)
{
	struct contact ct;
	struct bank_ctx *c = bank_or_answer(req, res, NULL, 0);
	time_t now = time(NULL);
	char hours[64];

	if (!c)
		return;
	int practice = practice_of(req, NULL);
	if (!may_call(c, practice)) {
		callers_only(req, res, c);
		return;
	}
	hours_text(&c->pb.hours, hours, sizeof(hours));
	json_t *ctx = json_pack("{s:s, s:I, s:s, s:b, s:s}", "title", c->pb.name, "bank",
				(json_int_t)c->pb.id, "name", c->pb.name, "practice", practice,
				"hours", hours);
	int saved = outcome_parse(qs_get(&req->query, "saved"));
	if (saved >= 0)
		json_object_set_new(ctx, "saved", json_string(outcome_label(saved)));
	int open = practice || hours_open(&c->pb.hours, now);
	if (!open) {
		struct tm tm;
		time_t next = hours_next_open(&c->pb.hours, now);
		london_tm(next, &tm);
		json_object_set_new(
		    ctx, "closed",
		    json_string(arena_printf(&req->arena, "%02d/%02d at %02d:%02d", tm.tm_mday,
					     tm.tm_mon + 1, tm.tm_hour, tm.tm_min)));
	}
	/* only what is leased to this caller now; a GET never claims */
	if (contact_current(c->db, c->pb.id, practice, c->w.actor.id, now, &ct) == 1) {
		char first[64], caller[64];
		person_first_name(ct.name, first);
		person_first_name(c->w.name, caller);
		struct buf script;
		buf_init(&script, 256 << 10);
		script_render(&script, c->pb.script, *first ? first : "there", caller);
		json_t *qs = json_array();
		for (int i = 0; i < c->pb.survey.n; i++) {
			const struct survey_question *q = &c->pb.survey.q[i];
			json_t *opts = json_array();
			for (int k = 0; k < q->nopt; k++) {
				int next = q->opt[k].next;
				json_array_append_new(
				    opts, json_pack("{s:i, s:s, s:s*, s:s}", "index", k, "label",
						    q->opt[k].label, "then",
						    next == SURVEY_END ? "end"
						    : next >= 0
							? arena_printf(&req->arena, "%d", next + 1)
							: NULL,
						    "name",
						    q->kind == Q_MULTI
							? arena_printf(&req->arena, "q%d_%d", i, k)
							: arena_printf(&req->arena, "q%d", i)));
			}
			json_array_append_new(
			    qs,
			    json_pack("{s:i, s:s, s:s, s:b, s:b, s:b, s:o}", "number", i + 1,
				      "name", arena_printf(&req->arena, "q%d", i), "text", q->text,
				      "single", q->kind == Q_SINGLE, "multi", q->kind == Q_MULTI,
				      "free", q->kind == Q_TEXT, "options", opts));
		}
		json_t *outcomes = json_array();
		/* "do not call" is permanent: it has a confirmation of its own */
		for (int o = 0; o < OUTCOME_COUNT; o++)
			if (o != OUTCOME_DO_NOT_CALL)
				json_array_append_new(outcomes,
					      json_pack("{s:s, s:s}", "code", outcome_code(o),
							"label", outcome_label(o)));
		json_t *fields = json_loads(ct.fields, 0, NULL), *flist = json_array();
		const char *k;
		json_t *v;
		json_object_foreach(fields, k, v)
		    json_array_append_new(flist, json_pack("{s:s, s:O}", "key", k, "value", v));
		json_decref(fields);
		struct tm lt;
		london_tm(ct.lease_until, &lt);
		json_object_set_new(
		    ctx, "contact",
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:o, s:s}", "id", (json_int_t)ct.id,
			      "first_name", *first ? first : "(no name)", "phone", ct.phone, "seat",
			      *ct.seat ? seats_name(&((struct app *)req->app)->seats, 2024, ct.seat)
				       : "",
			      "script", script.p ? script.p : "", "attempts", ct.attempts, "fields",
			      flist, "lease_until",
			      arena_printf(&req->arena, "%02d:%02d", lt.tm_hour, lt.tm_min)));
		buf_release(&script);
		json_object_set_new(ctx, "questions", qs);
		json_object_set_new(ctx, "outcomes", outcomes);
	}
	page_render(req, res, 200, "call", ctx, &c->w);
}

typedef const char *(*field_fn)(void *src, const char *key);

static const char *form_field(void *src, const char *key)
{
	return qs_get(src, key);
}

static const char *json_field(void *src, const char *key)
{
	return json_string_value(json_object_get(src, key));
}

/*
 * What a caller sent about a call, checked: the outcome, notes, and the
 * answers on the path the branching takes (the rest are dropped).  Fields
 * are named as on the page: q<i> for a single choice (the option's index)
 * or a written answer, q<i>_<k> for each ticked option of a multiple
 * choice.  NULL, or what is wrong.
 */
static const char *read_call(struct http_request *req, const struct survey *s, field_fn get,
			     void *src, const char *outcome, int *o, struct call_answer *answers,
			     int *na)
{
	int choice[SURVEY_MAX_QUESTIONS], path[SURVEY_MAX_QUESTIONS];

	*na = 0;
	if ((*o = outcome_parse(outcome)) < 0)
		return "Choose what happened on the call.";
	for (int i = 0; i < s->n; i++) {
		const char *v = get(src, arena_printf(&req->arena, "q%d", i));
		long k;
		choice[i] = -1;
		if (s->q[i].kind != Q_SINGLE || !v || !*v)
			continue;
		if (num_parse_long(v, strlen(v), 0, s->q[i].nopt - 1, &k))
			return "An answer is not one of the options.";
		choice[i] = (int)k;
	}
	int np = *o == OUTCOME_ANSWERED ? survey_path(s, choice, path) : 0;
	for (int p = 0; p < np; p++) {
		int i = path[p];
		const struct survey_question *q = &s->q[i];
		if (q->kind == Q_SINGLE && choice[i] >= 0) {
			answers[(*na)++] = (struct call_answer){ i, q->opt[choice[i]].label };
		} else if (q->kind == Q_MULTI) {
			for (int k = 0; k < q->nopt; k++)
				if (get(src, arena_printf(&req->arena, "q%d_%d", i, k)))
					answers[(*na)++] =
					    (struct call_answer){ i, q->opt[k].label };
		} else if (q->kind == Q_TEXT) {
			const char *v = get(src, arena_printf(&req->arena, "q%d", i));
			if (v && strlen(v) > ANSWER_TEXT_MAX)
				return "A written answer is 500 characters at most.";
			if (v && *v)
				answers[(*na)++] = (struct call_answer){ i, v };
		}
	}
	return NULL;
}

/*
 * The queue's writes — a claim, a save that claims the next, a skip — go
 * to the group-commit writer (db/writer.h): the connection is suspended
 * and the handler is called again once the batch is durable.
 */
enum call_step { STEP_NEXT, STEP_OUTCOME, STEP_SKIP };

struct call_job {
	struct web_write w; /* first: the writer's view */
	enum call_step step;
	struct call_rules rules;
	int practice, claim; /* claim: calling is open, so take the next */
	long contact, caller;
	enum outcome outcome;
	const char *notes;
	struct call_answer answers[SURVEY_MAX_QUESTIONS * SURVEY_MAX_OPTIONS];
	int nanswers;
	time_t now;
	int done;    /* STEP_OUTCOME, STEP_SKIP: 1 saved, 0 not the caller's */
	int claimed; /* 1: next holds the caller's contact now */
	struct contact next;
};

static int call_apply(struct db *db, struct db_job *base)
{
	struct call_job *j = (struct call_job *)base;
	j->done = 1;
	if (j->step == STEP_OUTCOME)
		j->done = call_record(db, &j->rules, j->contact, j->caller, j->outcome, j->notes,
				      j->answers, j->nanswers, j->now);
	else if (j->step == STEP_SKIP)
		j->done =
		    contact_release(db, j->rules.bank, j->contact, j->caller, j->now,
				    j->now + SKIP_AWAY_S);
	if (j->done < 0)
		return -1;
	j->claimed = j->done && j->claim
			 ? contact_next(db, j->rules.bank, j->practice, j->caller, j->now, &j->next)
			 : 0;
	if (j->claimed < 0)
		return -1;
	/* who was handed which voter, in the same transaction as the lease */
	if (j->claimed == 2 && !j->practice) {
		char detail[64];
		snprintf(detail, sizeof(detail), "contact %ld", j->next.id);
		if (audit_write(db, j->caller, "contact.lease", 0, detail))
			return -1;
	}
	return 0;
}

static void call_suspend(struct http_request *req, struct http_response *res, struct call_job *j)
{
	web_write_suspend(req, res, &j->w, call_apply);
}

/* A job for this caller's step, in the request's arena (it outlives the suspension). */
static struct call_job *call_job_new(struct http_request *req, struct bank_ctx *c,
				     enum call_step step, int practice, long contact)
{
	struct call_job *j = arena_alloc(&req->arena, sizeof(*j));
	memset(j, 0, sizeof(*j));
	j->step = step;
	j->rules = (struct call_rules){ c->pb.id, c->pb.max_attempts, c->pb.retry_wait_min };
	j->practice = practice;
	j->now = time(NULL);
	j->claim = practice || hours_open(&c->pb.hours, j->now);
	j->contact = contact;
	j->caller = c->w.actor.id;
	j->notes = "";
	return j;
}

/* The answers must outlive the request body they came from. */
static void keep_answers(struct http_request *req, struct call_job *j, const struct call_answer *a,
			 int n, const char *notes)
{
	for (int i = 0; i < n; i++)
		j->answers[i] =
		    (struct call_answer){ a[i].question, arena_strdup(&req->arena, a[i].answer) };
	j->nanswers = n;
	j->notes = arena_strdup(&req->arena, notes ? notes : "");
}

/* After the writer, for the pages: the next voter, or why not. */
static void page_after(struct http_request *req, struct http_response *res, struct call_job *j)
{
	struct who w;
	if (j->w.ok && j->done && j->claimed) {
		/* what was saved, by its code only: the voter's data stays out of URLs */
		http_redirect(res, j->step == STEP_OUTCOME
				       ? arena_printf(&req->arena, "%s%csaved=%s",
						      call_url(req, j->rules.bank, j->practice),
						      j->practice ? '&' : '?', outcome_code(j->outcome))
				       : call_url(req, j->rules.bank, j->practice));
		return;
	}
	if (who_load(req, res, &w))
		memset(&w, 0, sizeof(w));
	if (!j->w.ok)
		page_message(req, res, 503, "Not saved", "Nothing was saved. Please try again.",
			     &w);
	else if (!j->done)
		page_message(req, res, 404, "Not found",
			     "That voter is not with you: the 10 minutes may have run out, and they"
			     " went back to the queue.",
			     &w);
	else if (!j->claim)
		http_redirect(res, call_url(req, j->rules.bank, j->practice));
	else if (!j->practice && contacts_loaded(app_db(req->app), j->rules.bank) == 0)
		page_message(req, res, 200, "No voters loaded yet",
			     "This phone bank has no list of voters yet: its organisers load one."
			     " Meanwhile you can practise on pretend voters.",
			     &w);
	else
		page_message(
		    req, res, 200, "No one to call just now",
		    "Everyone in this phone bank has been called, or is waiting for a retry."
		    " Thank you!",
		    &w);
}

/*
 * The opening of each caller's form: the writer's answer when it is back,
 * else the phone bank, the form, and the right to call.  NULL once answered.
 */
/*
 * Harvesting a list by taking voter after voter without calling them is
 * stopped here: real voters handed to one caller are rate-limited (per
 * minute, and per 12-hour shift), skips more tightly, and the phone bank's
 * organisers are told (once an hour per caller) when a caller hits a limit.
 * 0 to go on; a save over the limit is kept but hands out no next voter;
 * -1 after answering 429.
 */
static int claim_or_answer(struct http_request *req, struct http_response *res,
			   struct bank_ctx *c, struct call_job *j, int json)
{
	struct app *app = req->app;
	const struct rate_rules *r = &app->auth.rates;
	char who[32], key[96];
	int wait;

	if (j->practice || !j->claim)
		return 0;
	snprintf(who, sizeof(who), "%ld", c->w.actor.id);
	snprintf(key, sizeof(key), "claim-caller:%s", who);
	wait = ratelimit_take(&app->auth.rl, key, &r->claim_caller, now_seconds());
	snprintf(key, sizeof(key), "shift-caller:%s", who);
	if (!wait)
		wait = ratelimit_take(&app->auth.rl, key, &r->shift_caller, now_seconds());
	snprintf(key, sizeof(key), "skip-caller:%s", who);
	if (!wait && j->step == STEP_SKIP)
		wait = ratelimit_take(&app->auth.rl, key, &r->skip_caller, now_seconds());
	if (!wait)
		return 0;
	static const struct rate_rule hourly = { 1.0 / 60, 1 };
	snprintf(key, sizeof(key), "claim-alert:%ld:%s", c->pb.id, who);
	if (ratelimit_take(&app->auth.rl, key, &hourly, now_seconds()) == 0) {
		audit_note(c->db, c->w.actor.id, "phonebank.rate_alert", c->w.actor.id,
			   arena_printf(&req->arena, "phonebank %ld", c->pb.id));
		web_tell(req, c->db, c->pb.created_by, "A caller is taking voters unusually fast",
			 arena_printf(&req->arena,
				      "A caller of \"%s\" was handed or skipped voters faster than"
				      " anyone can call them, and has been slowed down. Check the"
				      " callers on the phone bank's page; you can stop anyone"
				      " calling there.",
				      c->pb.name),
			 arena_printf(&req->arena, "/phonebanks/%ld", c->pb.id), c->pb.name);
	}
	if (j->step == STEP_OUTCOME) {
		j->claim = 0; /* the call is saved; the next voter waits */
		return 0;
	}
	rate_limited_answer(req, res, wait, json);
	return -1;
}

static struct bank_ctx *caller_form(struct http_request *req, struct http_response *res,
				    struct qs *f, int *practice)
{
	struct bank_ctx *c;

	if (req->pending) {
		page_after(req, res, req->pending);
		return NULL;
	}
	if (!(c = bank_or_answer(req, res, f, 0)))
		return NULL;
	*practice = practice_of(req, f);
	if (!may_call(c, *practice)) {
		callers_only(req, res, c);
		return NULL;
	}
	return c;
}

static void next_contact(struct http_request *req, struct http_response *res)
{
	struct qs f;
	int practice;
	struct bank_ctx *c = caller_form(req, res, &f, &practice);

	if (!c)
		return;
	/* a voter's contact goes only to a caller whose training is done and in date now */
	if (!practice &&
	    training_gate_or_answer(req, res, c->db, c->w.actor.id, "phonebank_call", c->pb.id,
				    arena_printf(&req->arena, "/phonebanks/%ld", c->pb.id)))
		return;
	struct call_job *j = call_job_new(req, c, STEP_NEXT, practice, 0);
	if (claim_or_answer(req, res, c, j, 0) == 0)
		call_suspend(req, res, j);
}

static void save_outcome(struct http_request *req, struct http_response *res)
{
	struct qs f;
	struct call_answer answers[SURVEY_MAX_QUESTIONS * SURVEY_MAX_OPTIONS];
	int o, na, practice;
	struct bank_ctx *c = caller_form(req, res, &f, &practice);

	if (!c)
		return;
	const char *notes = qs_get(&f, "notes");
	const char *why;
	if (notes && strlen(notes) > CALL_NOTES_MAX)
		why = "Notes are 1,000 characters at most.";
	else
		why = read_call(req, &c->pb.survey, form_field, &f, qs_get(&f, "outcome"), &o,
				answers, &na);
	if (!why && o == OUTCOME_DO_NOT_CALL && !qs_get(&f, "dnc_confirm"))
		why = "To take a number off every phone bank for good, tick the box that says they"
		      " asked never to be called again.";
	if (why) {
		page_message(req, res, 400, "Not saved", why, &c->w);
		return;
	}
	struct call_job *j = call_job_new(req, c, STEP_OUTCOME, practice, route_id(&req->params, "cid"));
	j->outcome = (enum outcome)o;
	keep_answers(req, j, answers, na, notes);
	claim_or_answer(req, res, c, j, 0); /* over the limit: saved, no next voter */
	call_suspend(req, res, j);
}

static void skip(struct http_request *req, struct http_response *res)
{
	struct qs f;
	int practice;
	struct bank_ctx *c = caller_form(req, res, &f, &practice);

	if (!c)
		return;
	struct call_job *j = call_job_new(req, c, STEP_SKIP, practice, route_id(&req->params, "cid"));
	if (claim_or_answer(req, res, c, j, 0) == 0)
		call_suspend(req, res, j);
}

/* ---- the same for a caller's app, in JSON ---- */

static json_t *contact_json(const struct contact *ct)
{
	char first[64];
	person_first_name(ct->name, first);
	return json_pack("{s:I, s:s, s:s, s:s, s:i, s:o*, s:I}", "id", (json_int_t)ct->id,
			 "first_name", first, "phone", ct->phone, "seat", ct->seat, "attempts",
			 ct->attempts, "fields", json_loads(ct->fields, 0, NULL), "lease_until",
			 (json_int_t)ct->lease_until);
}

/* After the writer, for the API: the caller's contact now, or null. */
static void api_after(struct http_response *res, struct call_job *j)
{
	if (!j->w.ok)
		http_error(res, 503, "Nothing was saved; try again");
	else if (!j->done)
		http_error(res, 404, "That contact is not leased to you");
	else if (!j->claim)
		http_error(res, 409, "Outside calling hours");
	else
		api_json(res, j->claimed ? contact_json(&j->next) : json_null());
}

/* The caller's API: signed in with the cookie, and a same-origin write. */
static struct bank_ctx *api_caller(struct http_request *req, struct http_response *res,
				   json_t **body)
{
	struct bank_ctx *c = bank_or_answer(req, res, NULL, 1);
	json_error_t je;

	if (!c)
		return NULL;
	if (!origin_ok(req)) {
		http_error(res, 403, "Cross-origin write refused");
		return NULL;
	}
	*body = json_loadb(req->body.p ? req->body.p : "{}", req->body.len ? req->body.len : 2,
			   JSON_REJECT_DUPLICATES, &je);
	if (!json_is_object(*body)) {
		json_decref(*body);
		http_error(res, 400, "The body must be a JSON object");
		return NULL;
	}
	if (!may_call(c, json_is_true(json_object_get(*body, "practice")))) {
		json_decref(*body);
		http_error(res, 403, "Callers only: an organiser approves callers");
		return NULL;
	}
	return c;
}

static void next_api(struct http_request *req, struct http_response *res)
{
	json_t *body;
	struct bank_ctx *c;

	if (req->pending) {
		api_after(res, req->pending);
		return;
	}
	if (!(c = api_caller(req, res, &body)))
		return;
	int practice = json_is_true(json_object_get(body, "practice"));
	json_decref(body);
	if (!practice && training_gate_open(c->db, c->w.actor.id, "phonebank_call", c->pb.id) != 1) {
		http_error(res, 403, "Training to do first: see the phone bank's page");
		return;
	}
	struct call_job *j = call_job_new(req, c, STEP_NEXT, practice, 0);
	if (!j->claim) {
		http_error(res, 409, "Outside calling hours");
		return;
	}
	if (claim_or_answer(req, res, c, j, 1) == 0)
		call_suspend(req, res, j);
}

static void outcome_api(struct http_request *req, struct http_response *res)
{
	json_t *body;
	struct call_answer answers[SURVEY_MAX_QUESTIONS * SURVEY_MAX_OPTIONS];
	int o, na;
	struct bank_ctx *c;

	if (req->pending) {
		api_after(res, req->pending);
		return;
	}
	if (!(c = api_caller(req, res, &body)))
		return;
	const char *notes = json_string_value(json_object_get(body, "notes"));
	json_t *fields = json_object_get(body, "answers");
	const char *why;
	if (notes && strlen(notes) > CALL_NOTES_MAX)
		why = "Notes are 1,000 characters at most.";
	else if (fields && !json_is_object(fields))
		why = "answers is an object: {\"q0\": \"1\", \"q1_2\": \"1\", ...}";
	else
		why = read_call(req, &c->pb.survey, json_field, fields ? fields : body,
				json_string_value(json_object_get(body, "outcome")), &o, answers, &na);
	if (why) {
		http_error(res, 400, why);
		json_decref(body);
		return;
	}
	struct call_job *j =
	    call_job_new(req, c, STEP_OUTCOME, json_is_true(json_object_get(body, "practice")),
			 route_id(&req->params, "cid"));
	j->outcome = (enum outcome)o;
	keep_answers(req, j, answers, na, notes);
	json_decref(body);
	claim_or_answer(req, res, c, j, 1); /* over the limit: saved, no next voter */
	call_suspend(req, res, j);
}

/* ---- export ---- */

struct exporting {
	struct bank_ctx *c;
	struct buf *out;
	int phones;
	struct buf cell[SURVEY_MAX_QUESTIONS];
};

/* Answers by question, several for a multiple choice joined by "; ". */
static void export_answer(int q, const char *answer, void *arg)
{
	struct exporting *ex = arg;
	if (q < 0 || q >= ex->c->pb.survey.n)
		return;
	if (ex->cell[q].len)
		buf_puts(&ex->cell[q], "; ");
	buf_puts(&ex->cell[q], answer);
}

static void export_row(const struct call_row *r, void *arg)
{
	struct exporting *ex = arg;
	struct buf *b = ex->out;
	char when[32];
	struct tm tm;
	gmtime_r(&r->at, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	buf_printf(b, "%ld,%s,", r->id, when);
	csv_cell(b, r->caller);
	buf_putc(b, ',');
	csv_cell(b, r->voter ? r->voter : "(erased)");
	buf_putc(b, ',');
	if (ex->phones) {
		csv_cell(b, r->phone);
		buf_putc(b, ',');
	}
	csv_cell(b, r->seat);
	buf_putc(b, ',');
	csv_cell(b, r->outcome);
	buf_putc(b, ',');
	csv_cell(b, r->notes);
	for (int i = 0; i < ex->c->pb.survey.n; i++)
		buf_init(&ex->cell[i], 8 << 10);
	call_answers(ex->c->db, r->id, export_answer, ex);
	for (int i = 0; i < ex->c->pb.survey.n; i++) {
		buf_putc(b, ',');
		csv_cell(b, ex->cell[i].p ? ex->cell[i].p : "");
		buf_release(&ex->cell[i]);
	}
	buf_puts(b, "\r\n");
}

static void error_row(long line, const char *reason, void *arg)
{
	struct buf *out = arg;
	buf_printf(out, "%ld,", line);
	csv_cell(out, reason);
	buf_puts(out, "\r\n");
}

/* The lines a list refused and why, to fix in the file and load it again:
 * line numbers and reasons only, no voter's details. */
static void errors_csv(struct http_request *req, struct http_response *res)
{
	struct bank_ctx *c = organiser_or_answer(req, res, NULL, 0);
	if (!c)
		return;
	buf_reset(&res->body);
	buf_puts(&res->body, "line,reason\r\n");
	int rc = contact_import_errors(c->db, c->pb.id, route_id(&req->params, "import"), error_row,
				       &res->body);
	if (rc != 1) {
		if (rc)
			page_sorry(req, res, "The list's errors could not be read.", &c->w);
		else
			page_message(req, res, 404, "Not found", "This phone bank has no such list.",
				     &c->w);
		return;
	}
	res->status = 200;
	res->content_type = "text/csv; charset=utf-8";
	http_set_header(res, "Content-Disposition",
			arena_printf(&req->arena, "attachment; filename=\"refused-rows-%ld.csv\"",
				     route_id(&req->params, "import")));
	http_set_header(res, "Cache-Control", "no-store");
}

static void export_csv(struct http_request *req, struct http_response *res)
{
	struct bank_ctx *c = organiser_or_answer(req, res, NULL, 0);
	if (!c)
		return;
	const char *ph = qs_get(&req->query, "phones");
	int phones = ph && !strcmp(ph, "1");
	/* an export of personal data goes ahead only once it is in the audit log */
	if (audit_write(c->db, c->w.actor.id,
			phones ? "phonebank.export_with_phones" : "phonebank.export", 0,
			arena_printf(&req->arena, "phonebank %ld", c->pb.id))) {
		page_sorry(req, res, "The export failed.", &c->w);
		return;
	}
	buf_reset(&res->body);
	buf_puts(&res->body, "call,time,caller,voter,");
	if (phones)
		buf_puts(&res->body, "phone,");
	buf_puts(&res->body, "seat,outcome,notes");
	for (int i = 0; i < c->pb.survey.n; i++) {
		buf_putc(&res->body, ',');
		csv_cell(&res->body,
			 arena_printf(&req->arena, "Q%d %s", i + 1, c->pb.survey.q[i].text));
	}
	buf_puts(&res->body, "\r\n");
	struct exporting ex = { .c = c, .out = &res->body, .phones = phones };
	if (bank_calls(c->db, c->pb.id, export_row, &ex) < 0) {
		page_sorry(req, res, "The export failed.", &c->w);
		return;
	}
	if (res->body.overflow) {
		page_message(req, res, 413, "Too big to export",
			     "This export is larger than 8 MB; ask an admin for a database export.",
			     &c->w);
		return;
	}
	res->status = 200;
	res->content_type = "text/csv; charset=utf-8";
	http_set_header(res, "Content-Disposition", "attachment; filename=\"calls.csv\"");
	http_set_header(res, "Cache-Control", "no-store");
}

const struct http_route phonebank_routes[] = {
	{ "GET", "/phonebanks", list_page, ROUTE_PAGE, NULL },
	{ "GET", "/phonebanks/new", new_page, ROUTE_PAGE, NULL },
	{ "POST", "/phonebanks", create, ROUTE_PAGE, NULL },
	{ "GET", "/phonebanks/{id}", bank_page, ROUTE_PAGE, NULL },
	{ "GET", "/phonebanks/{id}/imports/{import}/errors.csv", errors_csv, 0, NULL },
	{ "POST", "/phonebanks/{id}/join", ask_to_call, ROUTE_PAGE, NULL },
	{ "POST", "/phonebanks/{id}/training", set_training, ROUTE_PAGE, NULL },
	{ "POST", "/phonebanks/{id}/nudge", nudge, ROUTE_PAGE, NULL },
	{ "POST", "/phonebanks/{id}/delete", delete_bank, ROUTE_PAGE, NULL },
	{ "POST", "/phonebanks/{id}/edit", edit_bank, ROUTE_PAGE, NULL },
	{ "POST", "/phonebanks/{id}/callers/{person}/approve", approve_caller, ROUTE_PAGE, NULL },
	{ "POST", "/phonebanks/{id}/callers/{person}/revoke", revoke_caller, ROUTE_PAGE, NULL },
	{ "POST", "/phonebanks/{id}/contacts", upload, ROUTE_UPLOAD, upload_admit },
	{ "POST", "/phonebanks/{id}/contacts/stop", stop_import, ROUTE_PAGE, NULL },
	{ "GET", "/phonebanks/{id}/call", call_page, ROUTE_PAGE, NULL },
	{ "POST", "/phonebanks/{id}/next", next_contact, ROUTE_PAGE, NULL },
	{ "POST", "/phonebanks/{id}/contacts/{cid}/outcome", save_outcome, ROUTE_PAGE, NULL },
	{ "POST", "/phonebanks/{id}/contacts/{cid}/skip", skip, ROUTE_PAGE, NULL },
	{ "GET", "/phonebanks/{id}/export.csv", export_csv, 0, NULL },
	{ "GET", "/api/v1/phonebanks/{id}/totals", totals_api, 0, NULL },
	{ "POST", "/api/v1/phonebanks/{id}/next", next_api, 0, NULL },
	{ "POST", "/api/v1/phonebanks/{id}/contacts/{cid}/outcome", outcome_api, 0, NULL },
	{ "POST", "/admin/voters/erase", erase_voter, ROUTE_PAGE, NULL },
};
const size_t phonebank_nroutes = sizeof(phonebank_routes) / sizeof(phonebank_routes[0]);
