/*
 * Skills as pages.  A member says what they can do on /account/skills, and
 * whether the organisers of their groups may find them (off until they turn
 * it on).  A group's strong organisers (admins) learn how many of its
 * members who allowed it have a skill within a distance, and ask them: each
 * is mailed and answers yes or no; the organiser sees who said yes and how
 * many were asked, never a list of everyone with the skill.
 */
#include "skills/pages.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/audit.h"
#include "events/when.h"
#include "groups/store.h"
#include "people/people.h"
#include "postcodes/lookup.h"
#include "skills/store.h"
#include "util/num.h"
#include "util/utf8.h"
#include "web/web.h"

static long long now_s(void)
{
	return (long long)time(NULL);
}

/* "Welsh" for the key "welsh": a free name shown with a capital. */
static json_t *shown(const char *key)
{
	char s[SKILL_KEY_CAP];
	snprintf(s, sizeof(s), "%s", key);
	if (s[0] >= 'a' && s[0] <= 'z')
		s[0] = (char)(s[0] - 'a' + 'A');
	return json_string(s);
}

static json_t *skill_name_json(enum skill_kind k, const char *key)
{
	const char *listed = k == SKILL_LISTED ? skill_listed_name(key) : NULL;
	return listed ? json_string(listed) : shown(key);
}

/* --- one's own skills ------------------------------------------------- */

static void joined(char *out, size_t cap, char (*keys)[SKILL_KEY_CAP], int n)
{
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < n && used < cap; i++) {
		int w = snprintf(out + used, cap - used, "%s%s", i ? ", " : "", keys[i]);
		used += w > 0 ? (size_t)w : 0;
	}
}

static void profile_page(struct http_request *req, struct http_response *res, const struct who *w,
			 const struct skill_profile *p, int status, const char *err,
			 const char *notice)
{
	json_t *list = json_array();
	for (size_t i = 0; i < skill_nlist; i++) {
		int on = 0;
		for (int j = 0; j < p->nlisted; j++)
			on |= !strcmp(p->listed[j], skill_list[i].key);
		json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "key", skill_list[i].key,
						      "name", skill_list[i].name, "on", on));
	}
	char tags[SKILL_FREE_MAX * (SKILL_KEY_CAP + 2)], langs[sizeof(tags)];
	joined(tags, sizeof(tags), (char(*)[SKILL_KEY_CAP])p->tags, p->ntags);
	joined(langs, sizeof(langs), (char(*)[SKILL_KEY_CAP])p->langs, p->nlangs);
	json_t *ctx =
	    json_pack("{s:s, s:o, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:s*, s:s*}", "title",
		      "What you can do", "skills", list, "tags", tags, "langs", langs, "findable",
		      p->findable, "trains", p->trains, "weekdays", p->weekdays, "evenings",
		      p->evenings, "weekends", p->weekends, "error", err, "notice", notice);
	page_render(req, res, status, "skills_profile", ctx, w);
}

static void profile_show(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct skill_profile p;
	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	if (skill_profile_get(db, w.actor.id, &p) < 0) {
		page_sorry(req, res, "Your skills could not be read.", &w);
		return;
	}
	profile_page(req, res, &w, &p, 200, NULL, NULL);
}

static void profile_save(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct skill_profile p;
	struct person me;
	char why[160];
	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) || form_or_answer(req, res, &w, &f))
		return;
	memset(&p, 0, sizeof(p));
	/* the listed skills are checkboxes named skill_<key> */
	for (size_t i = 0; i < skill_nlist; i++) {
		char name[40];
		snprintf(name, sizeof(name), "skill_%s", skill_list[i].key);
		if (qs_get(&f, name))
			snprintf(p.listed[p.nlisted++], sizeof(p.listed[0]), "%s",
				 skill_list[i].key);
	}
	int nt = skill_keys(qs_get(&f, "tags"), p.tags, SKILL_FREE_MAX, why, sizeof(why));
	int nl = nt < 0
		     ? -1
		     : skill_keys(qs_get(&f, "langs"), p.langs, SKILL_FREE_MAX, why, sizeof(why));
	if (nt < 0 || nl < 0) {
		profile_page(req, res, &w, &p, 400,
			     arena_printf(&req->arena, "Not saved: %s %s.",
					  nt < 0 ? "other skills:" : "languages:", why),
			     NULL);
		return;
	}
	p.ntags = nt;
	p.nlangs = nl;
	p.findable = qs_get(&f, "findable") != NULL;
	p.trains = qs_get(&f, "trains") != NULL;
	p.weekdays = qs_get(&f, "weekdays") != NULL;
	p.evenings = qs_get(&f, "evenings") != NULL;
	p.weekends = qs_get(&f, "weekends") != NULL;
	/* distance is from the postcode on their account, as it is when they save */
	struct postcode pc;
	struct pc_record r;
	if (person_by_id(db, w.actor.id, &me) == 1 && *me.postcode &&
	    !postcode_parse(me.postcode, strlen(me.postcode), &pc) &&
	    lookup_postcode_or_district(db, &pc, &r) == 1 && r.positioned) {
		p.located = 1;
		p.lat = r.lat;
		p.lon = r.lon;
	}
	if (skill_profile_put(db, w.actor.id, &p, now_s()) != 1) {
		page_sorry(req, res, "Your skills could not be saved.", &w);
		return;
	}
	audit_note(db, w.actor.id, "skills.edit", w.actor.id, p.findable ? "findable" : "hidden");
	profile_page(req, res, &w, &p, 200, NULL,
		     p.findable
			 ? (p.located ? "Saved. The organisers of your groups may now ask you."
				      : "Saved. Add your postcode on your account so that"
					" requests near you reach you.")
			 : "Saved. No one can find you by them until you tick the box.");
}

/* --- a group's requests ----------------------------------------------- */

struct ask_ctx {
	struct who w;
	struct db *db;
	long gid;
	char group[128];
};

static int organiser_or_answer(struct http_request *req, struct http_response *res,
			       struct ask_ctx *a, struct qs *f)
{
	if (visit_or_answer(req, res, &a->w, &a->db, VISIT_SIGNED_IN))
		return -1;
	a->gid = route_id(&req->params, "id");
	int rc = a->gid ? group_name(a->db, a->gid, a->group, sizeof(a->group)) : 0;
	struct target t = { 0, 0, 0, 0 };
	t.organiser = rc == 1 && group_role_of(a->db, a->gid, a->w.actor.id) == ROLE_ORGANISER;
	if (rc != 1 || !policy_allows(&a->w.actor, ACT_SKILLS_ASK, &t)) {
		if (rc < 0)
			page_sorry(req, res, "The group could not be read.", &a->w);
		else
			page_message(req, res, rc ? 403 : 404, rc ? "Organisers only" : "Not found",
				     rc ? "A group's organisers, signed in with their code, ask its"
					  " members for help."
					: "There is no such group.",
				     &a->w);
		return -1;
	}
	return f ? form_or_answer(req, res, &a->w, f) : 0;
}

static const char *const ask_keys[] = { "kind", "skill", "name", "postcode", "km", "what", "by" };

static void request_item(const struct skill_request *r, long yes, void *arg)
{
	char when[64] = "";
	london_day((time_t)r->created_at, DAY_SHORT, when, sizeof(when));
	json_array_append_new(
	    arg, json_pack("{s:I, s:o, s:s, s:s, s:I, s:b}", "id", (json_int_t)r->id, "skill",
			   skill_name_json(r->kind, r->name), "what", r->what, "when", when, "yes",
			   (json_int_t)yes, "closed", r->closed_at != 0));
}

static void ask_page(struct http_request *req, struct http_response *res, struct ask_ctx *a,
		     const struct qs *f, int status, const char *err, json_t *count)
{
	json_t *list = json_array(), *requests = json_array();
	for (size_t i = 0; i < skill_nlist; i++)
		json_array_append_new(list, json_pack("{s:s, s:s}", "key", skill_list[i].key,
						      "name", skill_list[i].name));
	if (group_skill_requests(a->db, a->gid, request_item, requests) < 0) {
		json_decref(list);
		json_decref(requests);
		json_decref(count);
		page_sorry(req, res, "The requests could not be read.", &a->w);
		return;
	}
	json_t *ctx = json_pack(
	    "{s:s, s:I, s:s, s:o, s:o, s:o, s:s*}", "title", "Find someone who can help", "gid",
	    (json_int_t)a->gid, "group", a->group, "skills", list, "requests", requests, "form",
	    form_json(f, ask_keys, sizeof(ask_keys) / sizeof(ask_keys[0])), "error", err);
	if (count)
		json_object_set_new(ctx, "count", count);
	page_render(req, res, status, "skills_ask", ctx, &a->w);
}

static void ask_show(struct http_request *req, struct http_response *res)
{
	struct ask_ctx a;
	if (organiser_or_answer(req, res, &a, NULL))
		return;
	ask_page(req, res, &a, NULL, 200, NULL, NULL);
}

/* The form's skill, place and reach into q (name into key): NULL, or why not. */
static const char *query_read(struct db *db, const struct qs *f, long gid, long me,
			      struct skill_query *q, char key[SKILL_KEY_CAP], long *km,
			      char postcode[9], char *why, size_t cap)
{
	const char *kind = qs_get(f, "kind"), *pc = qs_get(f, "postcode"), *kms = qs_get(f, "km");
	memset(q, 0, sizeof(*q));
	q->group_id = gid;
	q->exclude = me;
	postcode[0] = '\0';
	if (skill_kind_parse(kind, &q->kind))
		return "Say what kind of help: a skill from the list, a language, or another "
		       "skill.";
	if (q->kind == SKILL_LISTED) {
		const char *s = qs_get(f, "skill");
		if (!skill_listed_name(s))
			return "Choose a skill from the list.";
		snprintf(key, SKILL_KEY_CAP, "%s", s);
	} else if (skill_key(qs_get(f, "name"), key, why, cap)) {
		return q->kind == SKILL_LANGUAGE
			   ? "Name the language (plain text, 40 characters"
			     " at most)."
			   : "Name the skill (plain text, 40 characters at most).";
	}
	q->name = key;
	*km = 0;
	if (pc && *pc) {
		struct postcode p;
		struct pc_record r;
		if (postcode_parse(pc, strlen(pc), &p) ||
		    lookup_postcode_or_district(db, &p, &r) != 1 || !r.positioned)
			return "We could not find that postcode.";
		if (!kms || num_parse_long(kms, strlen(kms), 1, SKILL_KM_MAX, km))
			return "Give how far they may be, 1 to 200 km.";
		q->located = 1;
		q->lat = r.lat;
		q->lon = r.lon;
		q->km = (double)*km;
		snprintf(postcode, 9, "%s", p.display);
	}
	return NULL;
}

static void ask_count(struct http_request *req, struct http_response *res)
{
	struct ask_ctx a;
	struct qs f;
	struct skill_query q;
	char key[SKILL_KEY_CAP], pc[9], why[160];
	long km;
	if (organiser_or_answer(req, res, &a, &f))
		return;
	const char *bad =
	    query_read(a.db, &f, a.gid, a.w.actor.id, &q, key, &km, pc, why, sizeof(why));
	if (bad) {
		ask_page(req, res, &a, &f, 400, bad, NULL);
		return;
	}
	long n = skill_count(a.db, &q);
	if (n < 0) {
		page_sorry(req, res, "The members could not be counted.", &a.w);
		return;
	}
	json_t *count = json_pack("{s:I, s:s, s:o, s:s*}", "n", (json_int_t)n, "words",
				  arena_printf(&req->arena, "%ld member%s", n, n == 1 ? "" : "s"),
				  "skill", skill_name_json(q.kind, key), "near", *pc ? pc : NULL);
	ask_page(req, res, &a, &f, 200, NULL, count);
}

struct telling {
	struct http_request *req;
	struct db *db;
	const char *text;
};

/* Each is sent to their own list of requests, where they answer. */
static int tell_member(long person, void *arg)
{
	struct telling *t = arg;
	return web_tell(t->req, t->db, person, "Can you help?", t->text, "/skills/asked", "Answer");
}

static void ask_send(struct http_request *req, struct http_response *res)
{
	struct ask_ctx a;
	struct qs f;
	struct skill_query q;
	struct skill_request r;
	char why[160];
	long km, n;
	if (organiser_or_answer(req, res, &a, &f) ||
	    rate_limit(req, res, "skill-ask", arena_printf(&req->arena, "%ld", a.w.actor.id),
		       &((struct app *)req->app)->auth.rates.message_host, 0))
		return;
	memset(&r, 0, sizeof(r));
	const char *bad = query_read(a.db, &f, a.gid, a.w.actor.id, &q, r.name, &km, r.postcode,
				     why, sizeof(why));
	const char *what = qs_get(&f, "what"), *by = qs_get(&f, "by");
	if (!bad && plain_text_why(what, SKILL_WHAT_MAX))
		bad = "Say what the help is for, in one line (300 characters at most).";
	if (!bad && by && *by && london_parse(by, "23:59", (time_t *)&r.needed_by))
		bad = "Give the date it is needed by as 2026-12-12.";
	if (bad) {
		ask_page(req, res, &a, &f, 400, bad, NULL);
		return;
	}
	r.group_id = a.gid;
	r.asked_by = a.w.actor.id;
	r.kind = q.kind;
	r.km = (int)km;
	snprintf(r.what, sizeof(r.what), "%s", what);
	char day[64] = "";
	if (r.needed_by)
		london_day((time_t)r.needed_by, DAY_LONG, day, sizeof(day));
	json_t *name = skill_name_json(q.kind, r.name);
	struct telling t = { req, a.db,
			     arena_printf(&req->arena,
					  "%s asks its members who can help with %s: %s%s%s. Say on"
					  " the page whether you can; only a yes is shown to the"
					  " organisers, with your name and email.",
					  a.group, json_string_value(name), r.what,
					  *day ? ", by " : "", day) };
	json_decref(name);
	/* the request, and the mail to each member it reaches, in one transaction */
	if (db_begin(a.db) || skill_request_put(a.db, &r, &q, now_s(), tell_member, &t, &n) != 1 ||
	    app_commit(req->app, a.db)) {
		db_rollback(a.db);
		page_sorry(req, res, "The request could not be sent.", &a.w);
		return;
	}
	audit_note(a.db, a.w.actor.id, "skills.ask", 0,
		   arena_printf(&req->arena, "request %ld, %ld asked", r.id, n));
	http_redirect(res, arena_printf(&req->arena, "/skills/requests/%ld", r.id));
}

/* --- a request ------------------------------------------------------------ */

struct request_ctx {
	struct who w;
	struct db *db;
	struct skill_request r;
	int organiser;
	char answer[4];
	int asked;
	char group[128];
};

/* The request {id}, for its group's organisers and those it asked; 404 for
 * anyone else (that it exists is not theirs to know). */
static int request_or_answer(struct http_request *req, struct http_response *res,
			     struct request_ctx *c, struct qs *f)
{
	if (visit_or_answer(req, res, &c->w, &c->db, VISIT_SIGNED_IN))
		return -1;
	int rc = skill_request_get(c->db, route_id(&req->params, "id"), &c->r);
	if (rc == 1) {
		struct target t = { 0, 0, 0, 0 };
		t.organiser = group_role_of(c->db, c->r.group_id, c->w.actor.id) == ROLE_ORGANISER;
		c->organiser = policy_allows(&c->w.actor, ACT_SKILLS_ASK, &t);
		c->asked = skill_asked(c->db, c->r.id, c->w.actor.id, c->answer);
		if (c->asked < 0 ||
		    group_name(c->db, c->r.group_id, c->group, sizeof(c->group)) < 0)
			rc = -1;
		else if (!c->organiser && !c->asked)
			rc = 0;
	}
	if (rc != 1) {
		if (rc < 0)
			page_sorry(req, res, "The request could not be read.", &c->w);
		else
			page_message(req, res, 404, "Not found",
				     "There is no such request for you.", &c->w);
		return -1;
	}
	return f ? form_or_answer(req, res, &c->w, f) : 0;
}

static void yes_item(const struct skill_answer_row *a, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:s}", "name", a->name, "email", a->email));
}

static void request_page(struct http_request *req, struct http_response *res)
{
	struct request_ctx c;
	char by[64] = "";
	if (request_or_answer(req, res, &c, NULL))
		return;
	if (c.r.needed_by)
		london_day((time_t)c.r.needed_by, DAY_LONG, by, sizeof(by));
	json_t *ctx = json_pack("{s:s, s:I, s:o, s:s, s:s, s:s, s:b, s:b, s:b, s:s}", "title",
				"A request for help", "id", (json_int_t)c.r.id, "skill",
				skill_name_json(c.r.kind, c.r.name), "what", c.r.what, "group",
				c.group, "by", by, "organiser", c.organiser, "closed",
				c.r.closed_at != 0, "asked", c.asked == 1, "answer", c.answer);
	if (c.organiser) {
		json_t *yes = json_array();
		long asked = 0, no = 0;
		if (skill_answers(c.db, c.r.id, yes_item, yes, &asked, &no) < 0) {
			json_decref(yes);
			json_decref(ctx);
			page_sorry(req, res, "The answers could not be read.", &c.w);
			return;
		}
		json_object_set_new(ctx, "yes", yes);
		json_object_set_new(ctx, "n_asked", json_integer(asked));
		json_object_set_new(ctx, "n_no", json_integer(no));
		json_object_set_new(ctx, "gid", json_integer(c.r.group_id));
		audit_note(c.db, c.w.actor.id, "skills.answers.view", 0,
			   arena_printf(&req->arena, "request %ld", c.r.id));
	}
	page_render(req, res, 200, "skills_request", ctx, &c.w);
}

static void request_answer(struct http_request *req, struct http_response *res)
{
	struct request_ctx c;
	struct qs f;
	if (request_or_answer(req, res, &c, &f))
		return;
	const char *a = qs_get(&f, "answer");
	if (!c.asked || !a || (strcmp(a, "yes") && strcmp(a, "no"))) {
		page_message(req, res, c.asked ? 400 : 403, "Not saved",
			     c.asked ? "Answer yes or no." : "This request was not put to you.",
			     &c.w);
		return;
	}
	int rc = skill_answer(c.db, c.r.id, c.w.actor.id, !strcmp(a, "yes"), now_s());
	if (rc != 1) {
		if (rc < 0)
			page_sorry(req, res, "Your answer could not be saved.", &c.w);
		else
			page_message(req, res, 409, "Closed",
				     "The organisers have closed this request.", &c.w);
		return;
	}
	http_redirect(res, arena_printf(&req->arena, "/skills/requests/%ld", c.r.id));
}

static void request_close(struct http_request *req, struct http_response *res)
{
	struct request_ctx c;
	struct qs f;
	if (request_or_answer(req, res, &c, &f))
		return;
	if (!c.organiser) {
		page_message(req, res, 403, "Organisers only", "The group's organisers close it.",
			     &c.w);
		return;
	}
	if (skill_request_close(c.db, c.r.id, now_s()) < 0) {
		page_sorry(req, res, "The request could not be closed.", &c.w);
		return;
	}
	http_redirect(res, arena_printf(&req->arena, "/skills/requests/%ld", c.r.id));
}

static void asked_item(const struct skill_asked_row *a, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:o, s:s, s:s, s:b}", "id",
					     (json_int_t)a->request_id, "group", a->group, "skill",
					     skill_name_json(a->kind, a->name), "what", a->what,
					     "answer", a->answer, "closed", a->closed));
}

static void asked_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	json_t *list = json_array();
	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN)) {
		json_decref(list);
		return;
	}
	if (skills_asked_of(db, w.actor.id, asked_item, list) < 0) {
		json_decref(list);
		page_sorry(req, res, "The requests could not be read.", &w);
		return;
	}
	page_render(req, res, 200, "skills_asked",
		    json_pack("{s:s, s:o}", "title", "Requests for your help", "requests", list),
		    &w);
}

const struct http_route skills_routes[] = {
	{ "GET", "/account/skills", profile_show, ROUTE_PAGE, NULL },
	{ "POST", "/account/skills", profile_save, ROUTE_PAGE, NULL },
	{ "GET", "/groups/{id}/skills", ask_show, ROUTE_PAGE, NULL },
	{ "POST", "/groups/{id}/skills/count", ask_count, ROUTE_PAGE, NULL },
	{ "POST", "/groups/{id}/skills/requests", ask_send, ROUTE_PAGE, NULL },
	{ "GET", "/skills/asked", asked_page, ROUTE_PAGE, NULL },
	{ "GET", "/skills/requests/{id}", request_page, ROUTE_PAGE, NULL },
	{ "POST", "/skills/requests/{id}/answer", request_answer, ROUTE_PAGE, NULL },
	{ "POST", "/skills/requests/{id}/close", request_close, ROUTE_PAGE, NULL },
};
const size_t skills_nroutes = sizeof(skills_routes) / sizeof(skills_routes[0]);
