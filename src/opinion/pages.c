/*
 * Policy conversations as pages.  A group's organisers (signed in
 * strongly) put a question to their group, admins to a region or the whole
 * movement, with the first statements; members in scope swipe on the
 * statements one at a time (a plain form; static/swipe.js adds gestures and
 * keys), add their own (queued for the organisers, who approve or reject
 * them with a reason), see and change their votes, and see the opinion map.
 * Votes go through the group-commit writer: each is durable before it is
 * acknowledged.  The organisers export the conversation in Polis's
 * open-data layout, with members numbered, never named.
 */
#include "opinion/pages.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/audit.h"
#include "events/when.h"
#include "groups/store.h"
#include "opinion/map.h"
#include "opinion/store.h"
#include "util/csv.h"
#include "util/mem.h"
#include "util/names.h"
#include "util/num.h"
#include "util/utf8.h"
#include "web/web.h"

#define MAP_SIZE 400 /* the SVG's viewBox, in its units */

struct conv_ctx {
	struct who w;
	struct db *db;
	struct conversation c;
	int run;       /* may moderate, close and export */
	int take_part; /* may vote and add statements */
	int open;      /* taking votes now */
};

static long long now_s(void)
{
	return (long long)time(NULL);
}

/*
 * Who is asking (signed in, unless p->db says the visitor is loaded) and
 * conversation id: those in its scope and those who run it, nobody else.
 * With f, the form and its CSRF token too.  0 to go on, -1 answered.
 */
static int conv_of_or_answer(struct http_request *req, struct http_response *res,
			     struct conv_ctx *p, long id, struct qs *f)
{
	if (!p->db && visit_or_answer(req, res, &p->w, &p->db, VISIT_SIGNED_IN))
		return -1;
	int rc = id ? conversation_get(p->db, id, &p->c) : 0;
	if (rc <= 0) {
		if (rc < 0)
			page_sorry(req, res, "The conversation could not be read.", &p->w);
		else
			page_message(req, res, 404, "Not found", "There is no such conversation.",
				     &p->w);
		return -1;
	}
	int role = p->c.scope == CONV_GROUP ? group_role_of(p->db, p->c.group_id, p->w.actor.id)
					    : ROLE_NONE;
	struct target t = { 0, role == ROLE_ORGANISER, 0,
			    conversation_in_scope(p->db, &p->c, p->w.actor.id) == 1 };
	p->run = policy_allows(&p->w.actor, ACT_OPINION_RUN, &t);
	p->take_part = policy_allows(&p->w.actor, ACT_OPINION_TAKE_PART, &t);
	long long now = now_s();
	p->open = p->c.opens_at <= now && now < p->c.closes_at;
	if (!p->run && !p->take_part) {
		page_message(req, res, 403, "Members only",
			     p->c.scope == CONV_GROUP
				 ? "Only the group's members take part in its conversations."
				 : "Only members of the movement's groups in its scope take part in"
				   " this conversation.",
			     &p->w);
		return -1;
	}
	return f ? form_or_answer(req, res, &p->w, f) : 0;
}

/* conv_of_or_answer() for the conversation the route's {id} names. */
static int conv_or_answer(struct http_request *req, struct http_response *res, struct conv_ctx *p,
			  struct qs *f)
{
	p->db = NULL;
	return conv_of_or_answer(req, res, p, route_id(&req->params, "id"), f);
}

static const char *scope_text(struct arena *a, const struct conversation *c)
{
	switch (c->scope) {
	case CONV_GROUP: return arena_printf(a, "%s", c->group_name);
	case CONV_REGION: return arena_printf(a, "Members in %s", c->region);
	default: return "The whole movement";
	}
}

static json_t *conv_json(struct arena *a, const struct conversation *c, long voted)
{
	char opens[64], closes[64];
	long long now = now_s();
	start_text((time_t)c->opens_at, opens, sizeof(opens));
	start_text((time_t)c->closes_at, closes, sizeof(closes));
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:I, s:I, s:I}", "id",
			 (json_int_t)c->id, "question", c->question, "scope", scope_text(a, c),
			 "opens", opens, "closes", closes, "open",
			 c->opens_at <= now && now < c->closes_at, "future", now < c->opens_at,
			 "approved", (json_int_t)c->approved, "queued", (json_int_t)c->queued,
			 "voted", (json_int_t)voted);
}

/* ---- the list, and putting a question ---- */

struct listing {
	struct arena *a;
	json_t *list;
};

static void list_item(const struct conversation *c, long voted, void *arg)
{
	struct listing *l = arg;
	json_array_append_new(l->list, conv_json(l->a, c, voted));
}

/* Whether the visitor may put a question anywhere: to a group they
 * organise, or (admins) to a region or the movement. */
static int may_put_any(struct db *db, const struct who *w)
{
	struct target t = { 0, group_organises_any(db, w->actor.id) == 1, 0, 0 };
	return policy_allows(&w->actor, ACT_OPINION_RUN, &t);
}

static void list_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	struct listing l = { &req->arena, json_array() };
	if (conversations_for(db, w.actor.id, w.actor.admin && w.actor.strong, list_item, &l) < 0) {
		json_decref(l.list);
		page_sorry(req, res, "The conversations could not be read.", &w);
		return;
	}
	page_render(req, res, 200, "conversations",
		    json_pack("{s:s, s:o, s:b}", "title", "Policy conversations", "conversations",
			      l.list, "can_put", may_put_any(db, &w)),
		    &w);
}

/* The regions of the 2024 seats, for an admin's choice of scope. */
static json_t *region_list(struct http_request *req)
{
	struct app *app = req->app;
	const struct election *e = seats_election(&app->seats, 2024);
	json_t *out = json_array();
	for (size_t i = 0; e && i < e->n; i++) {
		const char *r = e->results[i].region;
		int seen = !r || !*r;
		for (size_t j = 0; j < json_array_size(out) && !seen; j++)
			seen = !strcmp(json_string_value(json_array_get(out, j)), r);
		if (!seen)
			json_array_append_new(out, json_string(r));
	}
	return out;
}

static int region_known(struct http_request *req, const char *r)
{
	json_t *list = region_list(req);
	int found = 0;
	for (size_t j = 0; j < json_array_size(list) && !found; j++)
		found = !strcmp(json_string_value(json_array_get(list, j)), r);
	json_decref(list);
	return found;
}

static void new_form(struct http_request *req, struct http_response *res, struct who *w,
		     struct db *db, int status, const char *error, const struct qs *f)
{
	json_t *groups = json_array();
	groups_of(db, w->actor.id, w->actor.admin, 1, json_id_name, groups);
	json_t *ctx = json_pack("{s:s, s:o, s:b, s:s*}", "title", "Put a question", "groups",
				groups, "admin", w->actor.admin && w->actor.strong, "error", error);
	if (w->actor.admin && w->actor.strong)
		json_object_set_new(ctx, "regions", region_list(req));
	static const char *const keep[] = { "question",	  "statements",	 "opens_date",
					    "opens_time", "closes_date", "closes_time",
					    "group" };
	json_t *form = form_json(f, keep, sizeof(keep) / sizeof(keep[0]));
	const char *g = qs_get(&req->query, "group");
	if (!f && g)
		json_object_set_new(form, "group", json_string(g));
	json_object_set_new(ctx, "form", form);
	page_render(req, res, status, "conversation_new", ctx, w);
}

static void new_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	if (!may_put_any(db, &w)) {
		page_message(req, res, 403, "Organisers only",
			     "A group's organisers (signed in with their password and code) put"
			     " questions to their group; admins to a region or the movement.",
			     &w);
		return;
	}
	new_form(req, res, &w, db, 200, NULL, NULL);
}

/* The seed statements: one a line, blank lines skipped.  NULL, or why not. */
static const char *seeds_read(struct arena *a, const char *text, const char **seeds, int *n)
{
	*n = 0;
	char *copy = arena_strdup(a, text ? text : "");
	for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n")) {
		size_t len = strlen(line);
		while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
			line[--len] = 0;
		while (*line == ' ')
			line++;
		if (!*line)
			continue;
		if (*n == CONV_SEEDS_MAX)
			return arena_printf(a, "Give at most %d statements to start with.",
					    CONV_SEEDS_MAX);
		const char *why = plain_text_why(line, STATEMENT_MAX);
		if (why)
			return arena_printf(a, "Statement %d %s (at most %d characters).", *n + 1,
					    why, STATEMENT_MAX);
		seeds[(*n)++] = line;
	}
	return NULL;
}

static void create(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct conversation c = { 0 };
	const char *seeds[CONV_SEEDS_MAX];
	int nseeds = 0;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) || form_or_answer(req, res, &w, &f))
		return;
	const char *question = qs_get(&f, "question"), *where = qs_get(&f, "group");
	const char *region = qs_get(&f, "region"), *why = NULL;
	long gid = 0;
	if (!where || !*where) {
		why = "Choose who the question is put to.";
	} else if (!strcmp(where, "movement")) {
		c.scope = CONV_MOVEMENT;
	} else if (!strcmp(where, "region")) {
		c.scope = CONV_REGION;
		if (!region || !region_known(req, region))
			why = "Choose a region.";
		else
			snprintf(c.region, sizeof(c.region), "%s", region);
	} else if (num_parse_long(where, strlen(where), 1, 1L << 40, &gid) ||
		   group_name(db, gid, c.group_name, sizeof(c.group_name)) != 1) {
		why = "There is no such group.";
	} else {
		c.scope = CONV_GROUP;
		c.group_id = gid;
	}
	struct target t = { 0, gid && group_role_of(db, gid, w.actor.id) == ROLE_ORGANISER, 0, 0 };
	if (!why && !policy_allows(&w.actor, ACT_OPINION_RUN, &t)) {
		page_message(
		    req, res, 403, "Organisers only",
		    c.scope == CONV_GROUP
			? "Only the group's organisers (signed in with their password and"
			  " code) put questions to it."
			: "Only admins (signed in with their password and code) put questions"
			  " to a region or the whole movement.",
		    &w);
		return;
	}
	const char *qwhy = why ? NULL : plain_text_why(question, CONV_QUESTION_MAX);
	if (qwhy)
		why = arena_printf(&req->arena, "The question %s (at most %d characters).", qwhy,
				   CONV_QUESTION_MAX);
	if (!why)
		why = seeds_read(&req->arena, qs_get(&f, "statements"), seeds, &nseeds);
	time_t closes = 0, opens = 0;
	long long now = now_s();
	const char *od = qs_get(&f, "opens_date"), *ot = qs_get(&f, "opens_time");
	if (!why && od && *od) {
		/* opening later is optional: without a date it opens at once */
		int rc = london_parse(od, ot && *ot ? ot : "00:00", &opens);
		if (rc == LONDON_SKIPPED)
			why = LONDON_SKIPPED_WHY;
		else if (rc)
			why = "Give the opening date as a date, or leave it empty to open now.";
	}
	if (!why) {
		int rc =
		    london_parse(qs_get(&f, "closes_date"), qs_get(&f, "closes_time"), &closes);
		if (rc == LONDON_SKIPPED)
			why = LONDON_SKIPPED_WHY;
		else if (rc || closes <= now)
			why = "Give a closing date and time in the future.";
		else if (opens && closes <= opens)
			why = "It must close after it opens.";
		else if (closes > (opens > now ? opens : now) + CONV_DAYS_MAX * 86400LL)
			why = "A conversation stays open for a year at most.";
	}
	if (why) {
		new_form(req, res, &w, db, 400, why, &f);
		return;
	}
	snprintf(c.question, sizeof(c.question), "%s", question);
	c.opens_at = opens > now ? opens : now;
	c.closes_at = closes;
	c.created_by = w.actor.id;
	if (conversation_create(db, &c, seeds, nseeds, now)) {
		page_sorry(req, res, "The conversation could not be saved.", &w);
		return;
	}
	audit_note(db, w.actor.id, "conversation.create", 0,
		   arena_printf(&req->arena, "conversation %ld", c.id));
	http_redirect(res, arena_printf(&req->arena, "/conversations/%ld", c.id));
}

/* ---- the swipe page ---- */

struct statement_list {
	struct arena *a;
	json_t *list;
};

static void statement_item(const struct statement *s, void *arg)
{
	struct statement_list *l = arg;
	json_array_append_new(
	    l->list, json_pack("{s:I, s:s, s:s, s:s*, s:I, s:I, s:I}", "id", (json_int_t)s->id,
			       "body", s->body, "status", statement_status_name(s->status),
			       "reason", s->reason, "agrees", (json_int_t)s->agrees, "disagrees",
			       (json_int_t)s->disagrees, "passes", (json_int_t)s->passes));
}

static void conv_page(struct http_request *req, struct http_response *res, struct conv_ctx *p,
		      int status, const char *error, const char *notice)
{
	struct statement next;
	char body[STATEMENT_MAX * 4 + 1];
	long voted = opinion_votes_count(p->db, p->c.id, p->w.actor.id);
	json_t *ctx = conv_json(&req->arena, &p->c, voted < 0 ? 0 : voted);

	json_object_set_new(ctx, "title", json_string(p->c.question));
	json_object_set_new(ctx, "error", error ? json_string(error) : json_null());
	json_object_set_new(ctx, "notice", notice ? json_string(notice) : json_null());
	json_object_set_new(ctx, "run", json_boolean(p->run));
	json_object_set_new(ctx, "take_part", json_boolean(p->take_part));
	if (p->take_part && p->open &&
	    statement_next(p->db, p->c.id, p->w.actor.id, &next, body, sizeof(body)) == 1)
		json_object_set_new(ctx, "card",
				    json_pack("{s:I, s:s, s:I, s:I}", "sid", (json_int_t)next.id,
					      "body", next.body, "number", (json_int_t)voted + 1,
					      "of", (json_int_t)p->c.approved));
	struct statement_list mine = { &req->arena, json_array() };
	statements_by(p->db, p->c.id, p->w.actor.id, statement_item, &mine);
	json_object_set_new(ctx, "mine", mine.list);
	if (p->run) {
		struct statement_list q = { &req->arena, json_array() };
		statements_each(p->db, p->c.id, ST_QUEUED, statement_item, &q);
		json_object_set_new(ctx, "queue", q.list);
	}
	page_render(req, res, status, "conversation", ctx, &p->w);
}

static void show(struct http_request *req, struct http_response *res)
{
	struct conv_ctx p;
	if (conv_or_answer(req, res, &p, NULL))
		return;
	conv_page(req, res, &p, 200, NULL, NULL);
}

/* Why a conversation takes nothing now: not yet open, or closed. */
static const char *not_open(const struct conv_ctx *p)
{
	return p->c.opens_at > now_s() ? "This conversation has not opened yet."
				       : "This conversation is closed: it takes no more votes or"
					 " statements.";
}

/* ---- votes ---- */

static const char *const vote_words[] = { "disagree", "pass", "agree" }; /* −1, 0, 1 */

struct vote_job {
	struct web_write w; /* first */
	long conversation_id, statement_id, person_id;
	int vote, change, result;
};

static int vote_apply(struct db *db, struct db_job *job)
{
	struct vote_job *v = (struct vote_job *)job;
	v->result = opinion_vote_put(db, v->conversation_id, v->statement_id, v->person_id, v->vote,
				     v->change, now_s());
	return v->result < 0 ? -1 : 0;
}

static void vote_answer(struct http_request *req, struct http_response *res, struct vote_job *v)
{
	struct conv_ctx p;

	if (v->w.ok && v->result == 1) {
		http_redirect(
		    res, arena_printf(&req->arena,
				      v->change ? "/conversations/%ld/votes" : "/conversations/%ld",
				      v->conversation_id));
		return;
	}
	if (conv_or_answer(req, res, &p, NULL))
		return;
	if (!v->w.ok)
		page_sorry(req, res, "Your vote could not be saved.", &p.w);
	else
		conv_page(req, res, &p, 409,
			  v->result == 2
			      ? "This statement is not open to votes: the conversation is"
				" closed."
			  : v->change ? "You have not voted on that statement yet."
				      : "You have voted on that statement already: change your"
					" vote under Your votes.",
			  NULL);
}

static void vote(struct http_request *req, struct http_response *res)
{
	struct conv_ctx p;
	struct qs f;
	struct statement s;
	char body[STATEMENT_MAX * 4 + 1], reason[REASON_MAX * 4 + 1];
	long sid = 0;

	if (req->pending) {
		vote_answer(req, res, req->pending);
		return;
	}
	if (conv_or_answer(req, res, &p, &f))
		return;
	const char *sid_s = qs_get(&f, "statement"), *word = qs_get(&f, "vote");
	int choice = names_find(vote_words, 3, word);
	if (!p.take_part) {
		conv_page(req, res, &p, 403, "Only members in the conversation's scope vote.",
			  NULL);
		return;
	}
	if (!p.open) {
		conv_page(req, res, &p, 409, not_open(&p), NULL);
		return;
	}
	if (!sid_s || num_parse_long(sid_s, strlen(sid_s), 1, 1L << 40, &sid) ||
	    statement_get(p.db, sid, &s, body, reason, sizeof(body)) != 1 ||
	    s.conversation_id != p.c.id || s.status != ST_APPROVED) {
		conv_page(req, res, &p, 400, "There is no such statement to vote on.", NULL);
		return;
	}
	if (choice < 0) {
		conv_page(req, res, &p, 400, "Agree, disagree or pass.", NULL);
		return;
	}
	struct vote_job *v = arena_alloc(&req->arena, sizeof(*v));
	memset(v, 0, sizeof(*v));
	v->conversation_id = p.c.id;
	v->statement_id = sid;
	v->person_id = p.w.actor.id;
	v->vote = choice - 1;
	const char *change = qs_get(&f, "change");
	v->change = change && !strcmp(change, "1");
	web_write_suspend(req, res, &v->w, vote_apply);
}

struct my_votes {
	json_t *list;
	int open;
};

static void my_vote(const struct statement *s, int v, long long at, void *arg)
{
	struct my_votes *m = arg;
	(void)at;
	json_t *choices = json_array();
	for (int c = 2; c >= 0; c--)
		json_array_append_new(choices,
				      json_pack("{s:I, s:s, s:b}", "sid", (json_int_t)s->id, "word",
						vote_words[c], "current", c == v + 1));
	json_array_append_new(m->list,
			      json_pack("{s:I, s:s, s:s, s:o, s:b}", "sid", (json_int_t)s->id,
					"body", s->body, "vote", vote_words[v + 1], "choices",
					choices, "open", m->open));
}

static void votes_page(struct http_request *req, struct http_response *res)
{
	struct conv_ctx p;
	if (conv_or_answer(req, res, &p, NULL))
		return;
	struct my_votes m = { json_array(), p.open };
	if (opinion_votes_mine(p.db, p.c.id, p.w.actor.id, my_vote, &m) < 0) {
		json_decref(m.list);
		page_sorry(req, res, "Your votes could not be read.", &p.w);
		return;
	}
	json_t *ctx = conv_json(&req->arena, &p.c, (long)json_array_size(m.list));
	json_object_set_new(ctx, "title", json_string("Your votes"));
	json_object_set_new(ctx, "votes", m.list);
	page_render(req, res, 200, "conversation_votes", ctx, &p.w);
}

/* ---- statements ---- */

static void statement_post(struct http_request *req, struct http_response *res)
{
	struct conv_ctx p;
	struct qs f;
	long id;

	if (conv_or_answer(req, res, &p, &f))
		return;
	const char *text = qs_get(&f, "body");
	if (rate_limit(req, res, "put-member", arena_printf(&req->arena, "%ld", p.w.actor.id),
		       &((struct app *)req->app)->auth.rates.put_member, 0))
		return;
	if (!p.take_part && !p.run) {
		conv_page(req, res, &p, 403,
			  "Only members in the conversation's scope add statements.", NULL);
		return;
	}
	if (!p.open) {
		conv_page(req, res, &p, 409, not_open(&p), NULL);
		return;
	}
	const char *why = plain_text_why(text, STATEMENT_MAX);
	if (why) {
		conv_page(req, res, &p, 400,
			  arena_printf(&req->arena, "Your statement %s (at most %d characters).",
				       why, STATEMENT_MAX),
			  NULL);
		return;
	}
	/* the organisers' own go straight in; members' wait for them */
	int rc = statement_add(p.db, p.c.id, text, p.w.actor.id, p.run ? ST_APPROVED : ST_QUEUED,
			       now_s(), &id);
	if (rc < 0) {
		page_sorry(req, res, "Your statement could not be saved.", &p.w);
		return;
	}
	if (rc == 1) {
		conv_page(req, res, &p, 409,
			  "The conversation has that statement already (or is full).", NULL);
		return;
	}
	audit_note(p.db, p.w.actor.id, "statement.add", 0,
		   arena_printf(&req->arena, "statement %ld", id));
	conv_page(req, res, &p, 200, NULL,
		  p.run ? "Your statement is in the conversation."
			: "Thank you: your statement is with the organisers, who will add it or say"
			  " why not.");
}

static void moderate(struct http_request *req, struct http_response *res)
{
	struct conv_ctx p;
	struct qs f;
	struct statement s;
	char body[STATEMENT_MAX * 4 + 1], reason[REASON_MAX * 4 + 1];
	long sid = route_id(&req->params, "id");

	if (visit_or_answer(req, res, &p.w, &p.db, VISIT_SIGNED_IN))
		return;
	if (!sid || statement_get(p.db, sid, &s, body, reason, sizeof(body)) != 1) {
		page_message(req, res, 404, "Not found", "There is no such statement.", &p.w);
		return;
	}
	if (conv_of_or_answer(req, res, &p, s.conversation_id, &f))
		return;
	if (!p.run) {
		conv_page(req, res, &p, 403, "Only the conversation's organisers moderate it.",
			  NULL);
		return;
	}
	const char *decision = qs_get(&f, "decision"), *why = qs_get(&f, "reason");
	int approve = decision && !strcmp(decision, "approve");
	if (!decision || (!approve && strcmp(decision, "reject"))) {
		conv_page(req, res, &p, 400, "Approve or reject the statement.", NULL);
		return;
	}
	const char *bad = approve ? NULL : plain_text_why(why, REASON_MAX);
	if (bad) {
		conv_page(req, res, &p, 400,
			  arena_printf(&req->arena,
				       "Say why the statement is rejected: the reason %s (at most"
				       " %d characters).",
				       bad, REASON_MAX),
			  NULL);
		return;
	}
	int rc = statement_moderate(p.db, sid, approve, why, p.w.actor.id);
	if (rc < 0) {
		page_sorry(req, res, "The decision could not be saved.", &p.w);
		return;
	}
	if (rc == 0) {
		conv_page(req, res, &p, 409, "That statement has been moderated already.", NULL);
		return;
	}
	audit_note(p.db, p.w.actor.id, approve ? "statement.approve" : "statement.reject",
		   s.author_id, arena_printf(&req->arena, "statement %ld", sid));
	if (s.author_id && s.author_id != p.w.actor.id)
		web_tell(req, p.db, s.author_id,
			 approve ? "Your statement is in the conversation"
				 : "Your statement was not added",
			 arena_printf(
			     &req->arena,
			     approve ? "Your statement \"%s\" is now in the conversation \"%s\"."
				     : "Your statement \"%s\" was not added to the conversation"
				       " \"%s\". The organisers said: %s",
			     body, p.c.question, approve ? "" : why),
			 arena_printf(&req->arena, "/conversations/%ld", p.c.id),
			 "Go to the conversation");
	conv_page(req, res, &p, 200, NULL, approve ? "Statement approved." : "Statement rejected.");
}

static void close_post(struct http_request *req, struct http_response *res)
{
	struct conv_ctx p;
	struct qs f;

	if (conv_or_answer(req, res, &p, &f))
		return;
	if (!p.run) {
		conv_page(req, res, &p, 403, "Only the conversation's organisers close it.", NULL);
		return;
	}
	int rc = conversation_close(p.db, p.c.id, now_s());
	if (rc < 0) {
		page_sorry(req, res, "The conversation could not be closed.", &p.w);
		return;
	}
	if (rc)
		audit_note(p.db, p.w.actor.id, "conversation.close", 0,
			   arena_printf(&req->arena, "conversation %ld", p.c.id));
	http_redirect(res, arena_printf(&req->arena, "/conversations/%ld/map", p.c.id));
}

/* ---- the map ---- */

static json_t *statement_ref(struct conv_ctx *p, json_t *rep)
{
	struct statement s;
	char body[STATEMENT_MAX * 4 + 1], reason[REASON_MAX * 4 + 1];
	long id = (long)json_integer_value(json_object_get(rep, "statement"));
	int agree = json_is_true(json_object_get(rep, "agree"));
	double share = json_real_value(json_object_get(rep, "p"));
	if (statement_get(p->db, id, &s, body, reason, sizeof(body)) != 1)
		return NULL;
	return json_pack("{s:s, s:b, s:i}", "body", body, "agree", agree, "percent",
			 (int)lround(share * 100));
}

static void map_page(struct http_request *req, struct http_response *res)
{
	struct conv_ctx p;
	struct opinion_map_row row;
	char *body = NULL, *state = NULL;

	if (conv_or_answer(req, res, &p, NULL))
		return;
	int rc = opinion_map_get(p.db, p.c.id, &row, &body, &state);
	json_t *m = rc == 1 ? json_loads(body, 0, NULL) : NULL;
	json_t *ctx = conv_json(&req->arena, &p.c, 0), *dots = json_array(), *groups = json_array();
	json_t *people = json_object_get(m, "people"), *pt;
	const char *id;
	char me[24];
	double lo[2] = { -1, -1 }, hi[2] = { 1, 1 };

	snprintf(me, sizeof(me), "%ld", p.w.actor.id);
	json_object_foreach(people, id, pt)
	{
		for (int d = 0; d < 2; d++) {
			double v = json_real_value(json_array_get(pt, (size_t)d));
			lo[d] = v < lo[d] ? v : lo[d];
			hi[d] = v > hi[d] ? v : hi[d];
		}
	}
	/* one scale for both axes, so distances on the page are true */
	double span = fmax(hi[0] - lo[0], hi[1] - lo[1]) * 1.1, inner = MAP_SIZE - 20;
	json_t *mine = NULL;
	json_object_foreach(people, id, pt)
	{
		double x = 10 + inner *
				    (json_real_value(json_array_get(pt, 0)) - (lo[0] + hi[0]) / 2 +
				     span / 2) /
				    span;
		double y = 10 + inner *
				    (span / 2 - json_real_value(json_array_get(pt, 1)) +
				     (lo[1] + hi[1]) / 2) /
				    span;
		json_t *dot =
		    json_pack("{s:f, s:f, s:I}", "x", round(x * 10) / 10, "y", round(y * 10) / 10,
			      "g", json_integer_value(json_array_get(pt, 2)));
		if (!strcmp(id, me))
			mine = json_deep_copy(dot);
		json_array_append_new(dots, dot);
	}
	size_t g;
	json_t *grp;
	int placed = (int)json_integer_value(json_object_get(m, "placed"));
	json_array_foreach(json_object_get(m, "groups"), g, grp)
	{
		json_t *reps = json_array(), *rep;
		size_t k;
		json_array_foreach(json_object_get(grp, "rep"), k, rep)
		{
			json_t *r = statement_ref(&p, rep);
			if (r)
				json_array_append_new(reps, r);
		}
		long size = (long)json_integer_value(json_object_get(grp, "size"));
		json_array_append_new(
		    groups, json_pack("{s:I, s:s, s:I, s:i, s:o, s:b}", "g", (json_int_t)g, "name",
				      arena_printf(&req->arena, "Group %c", (char)('A' + g)),
				      "size", (json_int_t)size, "percent",
				      placed ? (int)lround(100.0 * (double)size / placed) : 0,
				      "rep", reps, "yours",
				      mine && json_integer_value(json_object_get(mine, "g")) ==
						  (json_int_t)g));
	}
	json_t *consensus = json_array(), *rep;
	size_t k;
	json_array_foreach(json_object_get(m, "consensus"), k, rep)
	{
		json_t *r = statement_ref(&p, rep);
		if (r)
			json_array_append_new(consensus, r);
	}
	char when[64] = "";
	if (rc == 1)
		start_text((time_t)row.computed_at, when, sizeof(when));
	json_object_set_new(ctx, "title", json_string("Opinion map"));
	json_object_set_new(ctx, "size", json_integer(MAP_SIZE));
	json_object_set_new(ctx, "dots", dots);
	json_object_set_new(ctx, "you", mine ? mine : json_null());
	json_object_set_new(ctx, "groups", groups);
	json_object_set_new(ctx, "consensus", consensus);
	json_object_set_new(ctx, "placed", json_integer(placed));
	json_object_set_new(ctx, "min_votes", json_integer(OPINION_MIN_VOTES));
	json_object_set_new(ctx, "computed", json_string(when));
	json_object_set_new(ctx, "has_map", json_boolean(rc == 1 && placed > 0));
	json_object_set_new(ctx, "run", json_boolean(p.run));
	long voted = opinion_votes_count(p.db, p.c.id, p.w.actor.id);
	json_object_set_new(ctx, "voted", json_integer(voted < 0 ? 0 : voted));
	json_decref(m);
	free(body);
	free(state);
	if (rc < 0) {
		json_decref(ctx);
		page_sorry(req, res, "The map could not be read.", &p.w);
		return;
	}
	page_render(req, res, 200, "conversation_map", ctx, &p.w);
}

/* ---- the export, in Polis's open-data layout ---- */

struct exporting {
	struct buf *out;
	long *people; /* ascending: a member's number is their place here */
	size_t npeople, cap;
	json_t *map_people;
	/* participants-votes: one row a person, built as the votes pass */
	long *stmt_ids;
	size_t nstmt, stmt_cap;
	long row_person;
	int *row_votes; /* nstmt cells, 2 unseen */
	long n_agree, n_disagree, n_votes, n_comments;
};

static void polis_time(struct buf *b, long long t)
{
	struct tm tm;
	char s[64];
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(s, sizeof(s), "%a %b %d %H:%M:%S UTC %Y", &tm);
	buf_printf(b, "%lld,%s,", t * 1000, s);
}

static void person_seen(long person, long statement, int v, long long at, void *arg)
{
	struct exporting *e = arg;
	(void)statement, (void)v, (void)at;
	if (!e->npeople || e->people[e->npeople - 1] != person) {
		xgrow(&e->people, &e->cap, e->npeople + 1, sizeof(long));
		e->people[e->npeople++] = person;
	}
}

static void vote_line(long person, long statement, int v, long long at, void *arg)
{
	struct exporting *e = arg;
	polis_time(e->out, at);
	buf_printf(e->out, "%ld,%d,%d\r\n", statement,
		   opinion_index(e->people, (int)e->npeople, person), v);
}

static void comment_line(const struct statement *s, void *arg)
{
	struct exporting *e = arg;
	polis_time(e->out, s->created_at);
	int author = s->author_id ? opinion_index(e->people, (int)e->npeople, s->author_id) : -1;
	if (author >= 0)
		buf_printf(e->out, "%ld,%d,", s->id, author);
	else
		buf_printf(e->out, "%ld,,", s->id);
	buf_printf(e->out, "%ld,%ld,%d,", s->agrees, s->disagrees,
		   s->status == ST_APPROVED   ? 1
		   : s->status == ST_REJECTED ? -1
					      : 0);
	csv_cell(e->out, s->body);
	buf_puts(e->out, "\r\n");
}

static void stmt_collect(const struct statement *s, void *arg)
{
	struct exporting *e = arg;
	xgrow(&e->stmt_ids, &e->stmt_cap, e->nstmt + 1, sizeof(long));
	e->stmt_ids[e->nstmt++] = s->id;
}

static void row_flush(struct exporting *e)
{
	char id[24];
	if (!e->row_person)
		return;
	snprintf(id, sizeof(id), "%ld", e->row_person);
	json_t *pt = json_object_get(e->map_people, id);
	json_int_t g = pt ? json_integer_value(json_array_get(pt, 2)) : -1;
	buf_printf(e->out, "%d,", opinion_index(e->people, (int)e->npeople, e->row_person));
	if (g >= 0)
		buf_printf(e->out, "%lld", (long long)g);
	buf_printf(e->out, ",%ld,%ld,%ld,%ld", e->n_comments, e->n_votes, e->n_agree,
		   e->n_disagree);
	for (size_t j = 0; j < e->nstmt; j++) {
		if (e->row_votes[j] == 2)
			buf_puts(e->out, ",");
		else
			buf_printf(e->out, ",%d", e->row_votes[j]);
	}
	buf_puts(e->out, "\r\n");
}

static void participant_vote(long person, long statement, int v, long long at, void *arg)
{
	struct exporting *e = arg;
	(void)at;
	if (person != e->row_person) {
		row_flush(e);
		e->row_person = person;
		e->n_agree = e->n_disagree = e->n_votes = 0;
		for (size_t j = 0; j < e->nstmt; j++)
			e->row_votes[j] = 2;
	}
	int j = opinion_index(e->stmt_ids, (int)e->nstmt, statement);
	if (j < 0)
		return;
	e->row_votes[j] = v;
	e->n_votes++;
	e->n_agree += v == 1;
	e->n_disagree += v == -1;
}

enum export_file { EXPORT_COMMENTS, EXPORT_VOTES, EXPORT_PARTICIPANTS };

static void export_csv(struct http_request *req, struct http_response *res, enum export_file which)
{
	static const char *const files[] = { "comments", "votes", "participants-votes" };
	struct conv_ctx p;
	struct exporting e = { 0 };
	struct opinion_map_row row;
	char *body = NULL, *state = NULL;
	const char *file = files[which];
	int rc = -1;

	if (conv_or_answer(req, res, &p, NULL))
		return;
	if (!p.run) {
		page_message(req, res, 403, "Organisers only",
			     "Only the conversation's organisers export it.", &p.w);
		return;
	}
	/* how members voted is their political opinion: logged before it leaves */
	if (audit_write(p.db, p.w.actor.id, "conversation.export", 0,
			arena_printf(&req->arena, "conversation %ld %s", p.c.id, file)))
		goto fail;
	e.out = &res->body;
	buf_reset(&res->body);
	if (opinion_votes_each(p.db, p.c.id, person_seen, &e) < 0)
		goto fail;
	if (which == EXPORT_COMMENTS) {
		buf_puts(e.out,
			 "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,"
			 "comment-body\r\n");
		for (int s = 0; s < 3; s++)
			if (statements_each(p.db, p.c.id, (enum statement_status)s, comment_line,
					    &e) < 0)
				goto fail;
	} else if (which == EXPORT_VOTES) {
		buf_puts(e.out, "timestamp,datetime,comment-id,voter-id,vote\r\n");
		if (opinion_votes_each(p.db, p.c.id, vote_line, &e) < 0)
			goto fail;
	} else {
		if (statements_each(p.db, p.c.id, ST_APPROVED, stmt_collect, &e) < 0 ||
		    opinion_map_get(p.db, p.c.id, &row, &body, &state) < 0)
			goto fail;
		json_t *m = body ? json_loads(body, 0, NULL) : NULL;
		e.map_people = json_object_get(m, "people");
		e.row_votes = xmalloc((e.nstmt + 1) * sizeof(int));
		buf_puts(e.out, "participant,group-id,n-comments,n-votes,n-agree,n-disagree");
		for (size_t j = 0; j < e.nstmt; j++)
			buf_printf(e.out, ",%ld", e.stmt_ids[j]);
		buf_puts(e.out, "\r\n");
		int vrc = opinion_votes_each(p.db, p.c.id, participant_vote, &e);
		row_flush(&e);
		json_decref(m);
		if (vrc < 0)
			goto fail;
	}
	if (res->body.overflow) {
		page_message(
		    req, res, 413, "Too big to export",
		    "This export is larger than the server sends at once; ask an admin for a"
		    " database export.",
		    &p.w);
		rc = 0;
		goto fail;
	}
	res->status = 200;
	res->content_type = "text/csv; charset=utf-8";
	http_set_header(res, "Content-Disposition",
			arena_printf(&req->arena, "attachment; filename=\"%s.csv\"", file));
	http_set_header(res, "Cache-Control", "no-store");
	rc = 0;
fail:
	if (rc)
		page_sorry(req, res, "The export failed.", &p.w);
	free(e.people);
	free(e.stmt_ids);
	free(e.row_votes);
	free(body);
	free(state);
}

static void export_comments(struct http_request *req, struct http_response *res)
{
	export_csv(req, res, EXPORT_COMMENTS);
}

static void export_votes(struct http_request *req, struct http_response *res)
{
	export_csv(req, res, EXPORT_VOTES);
}

static void export_participants(struct http_request *req, struct http_response *res)
{
	export_csv(req, res, EXPORT_PARTICIPANTS);
}

const struct http_route opinion_routes[] = {
	{ "GET", "/conversations", list_page, ROUTE_PAGE, NULL },
	{ "GET", "/conversations/new", new_page, ROUTE_PAGE, NULL },
	{ "POST", "/conversations", create, ROUTE_PAGE, NULL },
	{ "GET", "/conversations/{id}", show, ROUTE_PAGE, NULL },
	{ "POST", "/conversations/{id}/votes", vote, ROUTE_PAGE, NULL },
	{ "GET", "/conversations/{id}/votes", votes_page, ROUTE_PAGE, NULL },
	{ "POST", "/conversations/{id}/statements", statement_post, ROUTE_PAGE, NULL },
	{ "POST", "/conversations/{id}/close", close_post, ROUTE_PAGE, NULL },
	{ "GET", "/conversations/{id}/map", map_page, ROUTE_PAGE, NULL },
	{ "GET", "/conversations/{id}/comments.csv", export_comments, 0, NULL },
	{ "GET", "/conversations/{id}/votes.csv", export_votes, 0, NULL },
	{ "GET", "/conversations/{id}/participants-votes.csv", export_participants, 0, NULL },
	{ "POST", "/statements/{id}/moderate", moderate, ROUTE_PAGE, NULL },
};
const size_t opinion_nroutes = sizeof(opinion_routes) / sizeof(opinion_routes[0]);
