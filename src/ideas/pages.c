/*
 * Ideas that rise, as pages.  Members put ideas to their group, their
 * region or the movement (shown the ideas it resembles first, to back one
 * of those instead); members in scope support or oppose; an idea that
 * reaches its threshold becomes a conversation on its claims; the scope's
 * organisers (a group's, or admins for a region and the movement) put it
 * to a meeting as a motion, record its outcome and owner, promote it to a
 * wider scope, or merge it with another.  Its authors and supporters are
 * told of every step (ideas/keeper.c).
 */
#include "ideas/pages.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/audit.h"
#include "events/when.h"
#include "groups/store.h"
#include "ideas/keeper.h"
#include "ideas/store.h"
#include "meetings/store.h"
#include "people/people.h"
#include "util/mem.h"
#include "util/num.h"
#include "util/utf8.h"
#include "web/web.h"

static long long now_s(void)
{
	return (long long)time(NULL);
}

/* Who may do what in a scope: take part (members in it) and run it. */
struct standing {
	int take_part, run;
};

static struct standing standing_in(struct db *db, const struct who *w, enum conv_scope scope,
				   long group_id, const char *region)
{
	struct conversation c = { .scope = scope, .group_id = group_id };
	snprintf(c.region, sizeof(c.region), "%s", region ? region : "");
	int role = scope == CONV_GROUP ? group_role_of(db, group_id, w->actor.id) : ROLE_NONE;
	struct target t = { 0, role == ROLE_ORGANISER, 0,
			    conversation_in_scope(db, &c, w->actor.id) == 1 };
	return (struct standing){ policy_allows(&w->actor, ACT_OPINION_TAKE_PART, &t),
				  policy_allows(&w->actor, ACT_OPINION_RUN, &t) };
}

static const char *scope_words(struct arena *a, enum conv_scope scope, const char *group,
			       const char *region)
{
	return scope == CONV_GROUP    ? arena_strdup(a, group)
	       : scope == CONV_REGION ? arena_printf(a, "Members in %s", region)
				      : "The whole movement";
}

/* ---- the list ---- */

struct scopes {
	struct arena *a;
	json_t *list;
	const char *current;
};

static void scope_tab(struct scopes *s, const char *key, const char *name)
{
	json_array_append_new(s->list, json_pack("{s:s, s:s, s:b}", "key", key, "name", name,
						 "current", !strcmp(key, s->current)));
}

static void group_tab(long id, const char *name, enum group_role role, void *arg)
{
	(void)role;
	struct scopes *s = arg;
	scope_tab(s, arena_printf(s->a, "g:%ld", id), name);
}

static void region_tab(const char *region, void *arg)
{
	struct scopes *s = arg;
	scope_tab(s, arena_printf(s->a, "r:%s", region),
		  arena_printf(s->a, "Members in %s", region));
}

/* Parses a scope key into its parts: 0, or -1 when it is not one. */
static int key_parse(const char *key, enum conv_scope *scope, long *gid, const char **region)
{
	*gid = 0;
	*region = "";
	if (!key)
		return -1;
	if (!strncmp(key, "g:", 2)) {
		*scope = CONV_GROUP;
		return num_parse_long(key + 2, strlen(key + 2), 1, 1L << 40, gid);
	}
	if (!strncmp(key, "r:", 2) && key[2] && strlen(key + 2) <= CONV_REGION_MAX) {
		*scope = CONV_REGION;
		*region = key + 2;
		return 0;
	}
	if (!strcmp(key, "m:")) {
		*scope = CONV_MOVEMENT;
		return 0;
	}
	return -1;
}

static void idea_item(const struct idea_row *r, void *arg)
{
	json_array_append_new(
	    arg, json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:i, s:b, s:b}", "id",
			   (json_int_t)r->id, "title", r->title, "category", r->category, "stage",
			   r->stage, "supports", (json_int_t)r->supports, "opposes",
			   (json_int_t)r->opposes, "needed", (json_int_t)r->needed, "percent",
			   (int)(r->supports >= r->needed ? 100 : 100 * r->supports / r->needed),
			   "mine_for", r->mine == 1, "mine_against", r->mine == -1));
}

static void list_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	enum conv_scope scope;
	long gid, page = 0;
	const char *region;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	const char *in = qs_get(&req->query, "in"), *p = qs_get(&req->query, "page");
	if (!in)
		in = "m:";
	if (key_parse(in, &scope, &gid, &region) ||
	    (p && num_parse_long(p, strlen(p), 0, 10000, &page))) {
		page_message(req, res, 400, "Not found", "There is no such list of ideas.", &w);
		return;
	}
	struct standing s = standing_in(db, &w, scope, gid, region);
	if (!s.take_part && !s.run) {
		/* the movement's list, the one the menu leads to, for someone in no group */
		int first_visit = !qs_get(&req->query, "in");
		page_message(
		    req, res, first_visit ? 200 : 403, first_visit ? "Ideas" : "Members only",
		    first_visit ? "Ideas are put forward and backed by the members of local"
				  " groups: join your local group (under Groups) to see them"
				  " and put forward your own."
				: "Only members in an idea's scope see its ideas.",
		    &w);
		return;
	}
	struct scopes tabs = { &req->arena, json_array(), in };
	scope_tab(&tabs, "m:", "The whole movement");
	groups_regions(db, w.actor.id, region_tab, &tabs);
	groups_joined(db, w.actor.id, group_tab, &tabs);
	json_t *ideas = json_array();
	if (ideas_list(db, in, w.actor.id, page * IDEAS_PAGE, idea_item, ideas) < 0) {
		json_decref(ideas);
		json_decref(tabs.list);
		page_sorry(req, res, "The ideas could not be read.", &w);
		return;
	}
	struct idea_threshold t = { 0 };
	idea_threshold_get(db, scope, &t);
	char group[128] = "";
	if (scope == CONV_GROUP)
		group_name(db, gid, group, sizeof(group));
	json_t *ctx = json_pack(
	    "{s:s, s:s, s:o, s:o, s:b, s:I, s:f, s:I, s:s, s:I, s:b, s:I}", "title", "Ideas", "in",
	    in, "tabs", tabs.list, "ideas", ideas, "can_put", s.take_part, "absolute",
	    (json_int_t)t.absolute, "percent", t.percent, "days", (json_int_t)t.days, "scope",
	    scope_words(&req->arena, scope, group, region), "page", (json_int_t)page, "more",
	    json_array_size(ideas) == IDEAS_PAGE, "next", (json_int_t)page + 1);
	json_object_set_new(ctx, "admin", json_boolean(w.actor.admin && w.actor.strong));
	json_object_set_new(ctx, "scope_name", json_string(conv_scope_name(scope)));
	page_render(req, res, 200, "ideas", ctx, &w);
}

/* ---- putting an idea ---- */

static void json_name(long id, const char *name, enum group_role role, void *arg)
{
	(void)role;
	json_array_append_new(arg, json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name));
}

static void json_str(const char *s, void *arg)
{
	json_array_append_new(arg, json_string(s));
}

static void new_form(struct http_request *req, struct http_response *res, struct who *w,
		     struct db *db, int status, const char *error, const struct qs *f,
		     json_t *similar)
{
	json_t *groups = json_array(), *regions = json_array(), *cats = json_array(), *form;
	groups_joined(db, w->actor.id, json_name, groups);
	groups_regions(db, w->actor.id, json_str, regions);
	for (int i = 0; idea_categories[i]; i++)
		json_array_append_new(cats, json_string(idea_categories[i]));
	static const char *const keep[] = {
		"title", "body", "claims", "category", "where", "region"
	};
	form = form_json(f, keep, sizeof(keep) / sizeof(keep[0]));
	page_render(req, res, status, "idea_new",
		    json_pack("{s:s, s:o, s:o, s:o, s:o, s:s*, s:o}", "title",
			      "Put forward an idea", "groups", groups, "regions", regions,
			      "categories", cats, "form", form, "error", error, "similar",
			      similar ? similar : json_null()),
		    w);
}

static void new_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	new_form(req, res, &w, db, 200, NULL, NULL, NULL);
}

/* The claims, one a line, blank lines dropped: NULL, or why not. */
static const char *claims_read(struct arena *a, const char *text, char **out)
{
	char *copy = arena_strdup(a, text ? text : ""), *kept = arena_strdup(a, "");
	int n = 0;
	for (char *line = strtok(copy, "\r\n"); line; line = strtok(NULL, "\r\n")) {
		while (*line == ' ')
			line++;
		if (!*line)
			continue;
		if (++n > IDEA_CLAIMS_MAX)
			return arena_printf(a, "Give at most %d key claims.", IDEA_CLAIMS_MAX);
		const char *why = plain_text_why(line, STATEMENT_MAX);
		if (why)
			return arena_printf(a, "Claim %d %s (at most %d characters).", n, why,
					    STATEMENT_MAX);
		kept = arena_printf(a, "%s%s%s", kept, *kept ? "\n" : "", line);
	}
	*out = kept;
	return NULL;
}

static void similar_item(struct db *db, json_t *list, long id, double score)
{
	struct idea i;
	if (idea_get(db, id, &i) != 1)
		return;
	json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:i}", "id", (json_int_t)id, "title",
					      i.title, "stage", idea_stage_words(i.stage),
					      "percent", (int)(score * 100)));
	idea_release(&i);
}

static void create(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct idea i = { 0 };
	struct idea_threshold t;
	char *claims = NULL;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) || form_or_answer(req, res, &w, &f))
		return;
	if (rate_limit(req, res, "put-member", arena_printf(&req->arena, "%ld", w.actor.id),
		       &((struct app *)req->app)->auth.rates.put_member, 0))
		return;
	const char *title = qs_get(&f, "title"), *body = qs_get(&f, "body");
	const char *where = qs_get(&f, "where"), *region = qs_get(&f, "region"), *why = NULL;
	const char *category = qs_get(&f, "category"), *confirm = qs_get(&f, "confirm");
	long gid = 0;
	if (!where || !*where)
		why = "Choose who the idea is put to.";
	else if (!strcmp(where, "movement"))
		i.scope = CONV_MOVEMENT;
	else if (!strcmp(where, "region") && region && *region && strlen(region) <= CONV_REGION_MAX)
		i.scope = CONV_REGION;
	else if (strcmp(where, "region") &&
		 !num_parse_long(where, strlen(where), 1, 1L << 40, &gid))
		i.scope = CONV_GROUP;
	else
		why = "Choose a group, a region or the whole movement.";
	if (!why && !standing_in(db, &w, i.scope, gid, region).take_part)
		why = "You can put ideas only to your own groups, their regions and the movement.";
	const char *bad = why ? NULL : plain_text_why(title, IDEA_TITLE_MAX);
	if (bad)
		why = arena_printf(&req->arena, "The title %s (at most %d characters).", bad,
				   IDEA_TITLE_MAX);
	/* the text may run to paragraphs: line breaks are the control characters it may hold */
	char *flat = arena_strdup(&req->arena, body ? body : "");
	for (char *c = flat; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	bad = why ? NULL : plain_text_why(flat, IDEA_BODY_MAX);
	if (bad)
		why = arena_printf(&req->arena, "The text %s (at most %d characters).", bad,
				   IDEA_BODY_MAX);
	if (!why && !idea_category_ok(category))
		why = "Choose a category.";
	if (!why)
		why = claims_read(&req->arena, qs_get(&f, "claims"), &claims);
	if (why) {
		new_form(req, res, &w, db, 400, why, &f, NULL);
		return;
	}
	i.group_id = gid;
	snprintf(i.region, sizeof(i.region), "%s", i.scope == CONV_REGION ? region : "");
	idea_scope_key(i.scope, gid, i.region, i.scope_key, sizeof(i.scope_key));
	long similar[IDEA_SIMILAR_SHOWN];
	double scores[IDEA_SIMILAR_SHOWN];
	int nsim =
	    idea_similar_find(db, i.scope_key, title, body, 0, similar, scores, IDEA_SIMILAR_SHOWN);
	if (nsim < 0) {
		page_sorry(req, res, "Your idea could not be saved.", &w);
		return;
	}
	/* like ones first: the member may back one of those instead */
	if (nsim > 0 && !(confirm && !strcmp(confirm, "1"))) {
		json_t *list = json_array();
		for (int k = 0; k < nsim; k++)
			similar_item(db, list, similar[k], scores[k]);
		new_form(req, res, &w, db, 200, NULL, &f, list);
		return;
	}
	long members = idea_scope_members(db, i.scope, gid, i.region);
	if (members < 0 || idea_threshold_get(db, i.scope, &t)) {
		page_sorry(req, res, "Your idea could not be saved.", &w);
		return;
	}
	struct idea_words words;
	char *text = arena_printf(&req->arena, "%s %s", title, body);
	idea_words_of(text, &words);
	snprintf(i.title, sizeof(i.title), "%s", title);
	snprintf(i.category, sizeof(i.category), "%s", category);
	i.body = arena_strdup(&req->arena, body);
	i.claims = claims;
	i.author_id = w.actor.id;
	i.needed = idea_needed(&t, members);
	i.deadline = now_s() + t.days * 86400LL;
	if (idea_create(db, &i, &words, similar, scores, nsim, now_s()) ||
	    idea_rise(db, i.id, now_s()) < 0) {
		page_sorry(req, res, "Your idea could not be saved.", &w);
		return;
	}
	audit_note(db, w.actor.id, "idea.create", 0, arena_printf(&req->arena, "idea %ld", i.id));
	http_redirect(res, arena_printf(&req->arena, "/ideas/%ld", i.id));
}

/* ---- an idea ---- */

struct idea_ctx {
	struct who w;
	struct db *db;
	struct idea i;
	struct standing s;
};

/* The visitor and the idea the route names (released by the caller when
 * 0 is returned), those in its scope and its organisers only. */
static int idea_or_answer(struct http_request *req, struct http_response *res, struct idea_ctx *p,
			  struct qs *f)
{
	long id = route_id(&req->params, "id");
	if (visit_or_answer(req, res, &p->w, &p->db, VISIT_SIGNED_IN))
		return -1;
	int rc = id ? idea_get(p->db, id, &p->i) : 0;
	if (rc <= 0) {
		if (rc < 0)
			page_sorry(req, res, "The idea could not be read.", &p->w);
		else
			page_message(req, res, 404, "Not found", "There is no such idea.", &p->w);
		return -1;
	}
	p->s = standing_in(p->db, &p->w, p->i.scope, p->i.group_id, p->i.region);
	if (!p->s.take_part && !p->s.run) {
		idea_release(&p->i);
		page_message(req, res, 403, "Members only",
			     "Only members in an idea's scope see it.", &p->w);
		return -1;
	}
	if (f && form_or_answer(req, res, &p->w, f)) {
		idea_release(&p->i);
		return -1;
	}
	return 0;
}

static void event_item(long long at, const char *stage, const char *text, void *arg)
{
	char when[64];
	start_text((time_t)at, when, sizeof(when));
	json_array_append_new(
	    arg, json_pack("{s:s, s:s, s:s}", "when", when, "stage", stage, "text", text));
}

static void author_item(const char *name, void *arg)
{
	json_array_append_new(arg, json_string(name));
}

static void similar_row(long other, const char *title, const char *stage, double score, void *arg)
{
	json_array_append_new(arg,
			      json_pack("{s:I, s:s, s:s, s:i}", "other", (json_int_t)other, "title",
					title, "stage", stage, "percent", (int)(score * 100)));
}

static void meeting_item(long id, const char *title, long long starts_at, void *arg)
{
	char when[64];
	if (starts_at < now_s())
		return;
	start_text((time_t)starts_at, when, sizeof(when));
	json_array_append_new(
	    arg, json_pack("{s:I, s:s, s:s}", "mid", (json_int_t)id, "title", title, "when", when));
}

static void idea_page(struct http_request *req, struct http_response *res, struct idea_ctx *p,
		      int status, const char *error, const char *notice)
{
	struct idea *i = &p->i;
	json_t *events = json_array(), *authors = json_array(), *similar = json_array();
	json_t *meetings = json_array(), *outcomes = json_array();
	char deadline[64] = "";

	idea_events_each(p->db, i->id, event_item, events);
	idea_authors_each(p->db, i->id, author_item, authors);
	idea_similar_each(p->db, i->id, similar_row, similar);
	if (p->s.run && i->scope == CONV_GROUP)
		meetings_of(p->db, i->group_id, meeting_item, meetings);
	for (int k = 0; idea_outcomes[k]; k++)
		json_array_append_new(outcomes, json_string(idea_outcomes[k]));
	start_text((time_t)i->deadline, deadline, sizeof(deadline));
	int mine = idea_support_of(p->db, i->id, p->w.actor.id);
	json_t *ctx = json_pack(
	    "{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:i, s:s, s:b, s:b, s:b, s:b}",
	    "title", i->title, "id", (json_int_t)i->id, "body", i->body, "category", i->category,
	    "scope", scope_words(&req->arena, i->scope, i->group_name, i->region), "stage",
	    idea_stage_name(i->stage), "stage_words", idea_stage_words(i->stage), "supports",
	    (json_int_t)i->supports, "opposes", (json_int_t)i->opposes, "needed",
	    (json_int_t)i->needed, "percent",
	    (int)(i->supports >= i->needed ? 100 : 100 * i->supports / i->needed), "deadline",
	    deadline, "open", i->stage == IDEA_OPEN, "take_part", p->s.take_part, "run", p->s.run,
	    "mine_for", mine == 1);
	json_object_set_new(ctx, "mine_against", json_boolean(mine == -1));
	json_object_set_new(ctx, "events", events);
	json_object_set_new(ctx, "authors", authors);
	json_object_set_new(ctx, "similar", similar);
	json_object_set_new(ctx, "meetings", meetings);
	json_object_set_new(ctx, "outcomes", outcomes);
	json_object_set_new(ctx, "error", error ? json_string(error) : json_null());
	json_object_set_new(ctx, "notice", notice ? json_string(notice) : json_null());
	json_object_set_new(ctx, "in", json_string(i->scope_key));
	if (*i->claims) {
		json_t *claims = json_array();
		char *c = arena_strdup(&req->arena, i->claims);
		for (char *line = strtok(c, "\n"); line; line = strtok(NULL, "\n"))
			json_array_append_new(claims, json_string(line));
		json_object_set_new(ctx, "claims", claims);
	}
	if (i->conversation_id)
		json_object_set_new(ctx, "conversation", json_integer(i->conversation_id));
	if (i->merged_into)
		json_object_set_new(ctx, "merged_into", json_integer(i->merged_into));
	struct motion m = { 0 };
	if (i->motion_id && motion_get(p->db, i->motion_id, &m) == 1) {
		struct meeting mt;
		json_t *mj = json_pack("{s:I, s:s}", "meeting", (json_int_t)m.meeting_id, "status",
				       motion_status_words(m.status));
		if (meeting_get(p->db, m.meeting_id, &mt) == 1)
			json_object_set_new(mj, "meeting_title", json_string(mt.title));
		json_object_set_new(ctx, "motion", mj);
		motion_release(&m);
	}
	if (i->stage == IDEA_OUTCOME)
		json_object_set_new(ctx, "outcome",
				    json_pack("{s:s, s:s, s:s}", "what", i->outcome, "owner",
					      *i->owner_name ? i->owner_name : "no one yet", "note",
					      i->outcome_note));
	json_object_set_new(ctx, "can_motion",
			    json_boolean(p->s.run && i->stage == IDEA_DELIBERATION));
	json_object_set_new(
	    ctx, "can_outcome",
	    json_boolean(p->s.run && (i->stage == IDEA_DELIBERATION || i->stage == IDEA_MOTION ||
				      i->stage == IDEA_OUTCOME)));
	json_object_set_new(
	    ctx, "can_region",
	    json_boolean(p->s.run && i->scope == CONV_GROUP && i->stage != IDEA_MERGED));
	json_object_set_new(ctx, "can_movement",
			    json_boolean(p->s.run && i->scope != CONV_MOVEMENT &&
					 i->stage != IDEA_MERGED && p->w.actor.admin));
	json_object_set_new(ctx, "can_merge", json_boolean(p->s.run && i->stage != IDEA_MERGED));
	page_render(req, res, status, "idea", ctx, &p->w);
}

static void show(struct http_request *req, struct http_response *res)
{
	struct idea_ctx p;
	if (idea_or_answer(req, res, &p, NULL))
		return;
	idea_page(req, res, &p, 200, NULL, NULL);
	idea_release(&p.i);
}

/* Re-reads the idea after a change and shows it. */
static void after_change(struct http_request *req, struct http_response *res, struct idea_ctx *p,
			 const char *notice)
{
	struct idea fresh;
	if (idea_get(p->db, p->i.id, &fresh) == 1) {
		idea_release(&p->i);
		p->i = fresh;
	}
	idea_page(req, res, p, 200, NULL, notice);
}

/* Tells the followers, in the transaction of the change: 0, or -1. */
static int tell(struct http_request *req, struct idea_ctx *p, const char *subject, const char *text)
{
	return ideas_tell(req->app, p->db, p->i.id, subject,
			  arena_printf(&req->arena, "\"%s\": %s", p->i.title, text));
}

static void support(struct http_request *req, struct http_response *res)
{
	struct idea_ctx p;
	struct qs f;

	if (idea_or_answer(req, res, &p, &f))
		return;
	const char *v = qs_get(&f, "value");
	int value = !v			     ? 2
		    : !strcmp(v, "support")  ? 1
		    : !strcmp(v, "oppose")   ? -1
		    : !strcmp(v, "withdraw") ? 0
					     : 2;
	if (!p.s.take_part) {
		idea_page(req, res, &p, 403, "Only members in the idea's scope back it.", NULL);
	} else if (value == 2) {
		idea_page(req, res, &p, 400, "Support, oppose or withdraw.", NULL);
	} else if (db_begin(p.db)) {
		page_sorry(req, res, "Your support could not be saved.", &p.w);
	} else {
		int rc = idea_support(p.db, p.i.id, p.w.actor.id, value, now_s());
		int rose = rc == 1 ? idea_rise(p.db, p.i.id, now_s()) : 0;
		if (rc < 0 || rose < 0 ||
		    (rose == 1 && tell(req, &p, "An idea you backed goes to deliberation",
				       "it has the supports it needed, and its claims are now a"
				       " conversation for members to swipe on.")) ||
		    app_commit(req->app, p.db)) {
			db_rollback(p.db);
			page_sorry(req, res, "Your support could not be saved.", &p.w);
		} else if (rc == 2) {
			idea_page(req, res, &p, 409,
				  "This idea is no longer gathering support: its supporters follow"
				  " it as it goes on.",
				  NULL);
		} else {
			after_change(req, res, &p,
				     rose == 1
					 ? "It has the supports it needed: it goes to deliberation."
				     : rc == 0	  ? NULL
				     : value == 1 ? "You support this idea."
				     : value < 0  ? "You oppose this idea."
						  : "Your stand is withdrawn.");
		}
	}
	idea_release(&p.i);
}

/* The organisers' steps: each needs run, and answers through one exit. */
static int run_or_answer(struct http_request *req, struct http_response *res, struct idea_ctx *p,
			 struct qs *f)
{
	if (idea_or_answer(req, res, p, f))
		return -1;
	if (!p->s.run) {
		idea_page(
		    req, res, p, 403,
		    p->i.scope == CONV_GROUP
			? "Only the group's organisers (signed in with their password and code)"
			  " take an idea on."
			: "Only admins (signed in with their password and code) take a region's"
			  " or the movement's ideas on.",
		    NULL);
		idea_release(&p->i);
		return -1;
	}
	return 0;
}

static void to_motion(struct http_request *req, struct http_response *res)
{
	struct idea_ctx p;
	struct qs f;
	long mid = 0, motion = 0;
	struct meeting m;

	if (run_or_answer(req, res, &p, &f))
		return;
	const char *ms = qs_get(&f, "meeting");
	if (!ms || num_parse_long(ms, strlen(ms), 1, 1L << 40, &mid) ||
	    meeting_get(p.db, mid, &m) != 1 ||
	    (p.i.scope == CONV_GROUP && m.group_id != p.i.group_id)) {
		idea_page(req, res, &p, 400, "Choose one of the group's meetings.", NULL);
	} else if (db_begin(p.db)) {
		page_sorry(req, res, "The motion could not be saved.", &p.w);
	} else {
		int rc = idea_to_motion(p.db, p.i.id, mid, p.w.actor.id, now_s(), &motion);
		if (rc < 0 ||
		    (rc == 1 &&
		     tell(req, &p, "An idea you backed is on a meeting's agenda",
			  arena_printf(&req->arena, "it is a motion at %s.", m.title))) ||
		    app_commit(req->app, p.db)) {
			db_rollback(p.db);
			page_sorry(req, res, "The motion could not be saved.", &p.w);
		} else if (rc == 0) {
			idea_page(req, res, &p, 409,
				  "Only an idea in deliberation is put to a meeting.", NULL);
		} else {
			audit_note(
			    p.db, p.w.actor.id, "idea.motion", 0,
			    arena_printf(&req->arena, "idea %ld motion %ld", p.i.id, motion));
			after_change(req, res, &p, "The idea is on the meeting's agenda.");
		}
	}
	idea_release(&p.i);
}

static void outcome(struct http_request *req, struct http_response *res)
{
	struct idea_ctx p;
	struct qs f;
	struct person owner = { 0 };

	if (run_or_answer(req, res, &p, &f))
		return;
	const char *what = qs_get(&f, "outcome"), *email = qs_get(&f, "owner");
	const char *note = qs_get(&f, "note"), *why = NULL;
	int known = 0;
	for (int k = 0; what && idea_outcomes[k]; k++)
		known |= !strcmp(what, idea_outcomes[k]);
	if (!known)
		why = "Choose the outcome.";
	else if (email && *email && person_by_email(p.db, email, &owner) != 1)
		why = "There is no member with that email address to own it.";
	else if (note && *note && plain_text_why(note, IDEA_NOTE_MAX))
		why = "The note must be plain text of at most 1000 characters, on one line.";
	if (why) {
		idea_page(req, res, &p, 400, why, NULL);
	} else if (db_begin(p.db)) {
		page_sorry(req, res, "The outcome could not be saved.", &p.w);
	} else {
		int rc = idea_set_outcome(p.db, p.i.id, what, owner.id, note ? note : "",
					  p.w.actor.id, now_s());
		if (rc < 0 ||
		    (rc == 1 &&
		     tell(req, &p, "The outcome of an idea you backed",
			  arena_printf(&req->arena, "%s%s%s%s%s.", what,
				       owner.id ? ", owned by " : "", owner.id ? owner.name : "",
				       note && *note ? ": " : "", note ? note : ""))) ||
		    app_commit(req->app, p.db)) {
			db_rollback(p.db);
			page_sorry(req, res, "The outcome could not be saved.", &p.w);
		} else if (rc == 0) {
			idea_page(req, res, &p, 409,
				  "An outcome is recorded once the idea has been deliberated.",
				  NULL);
		} else {
			audit_note(p.db, p.w.actor.id, "idea.outcome", owner.id,
				   arena_printf(&req->arena, "idea %ld", p.i.id));
			after_change(req, res, &p, "The outcome is recorded.");
		}
	}
	idea_release(&p.i);
}

static void promote(struct http_request *req, struct http_response *res)
{
	struct idea_ctx p;
	struct qs f;
	char region[CONV_REGION_MAX + 1] = "";

	if (run_or_answer(req, res, &p, &f))
		return;
	const char *to = qs_get(&f, "to");
	enum conv_scope scope;
	int rc = 0;
	if (!to || conv_scope_parse(to, &scope) || scope == CONV_GROUP) {
		idea_page(req, res, &p, 400, "Promote it to the region or the whole movement.",
			  NULL);
		goto done;
	}
	/* only admins put an idea before the whole movement */
	if (scope == CONV_MOVEMENT && !p.w.actor.admin) {
		idea_page(req, res, &p, 403, "Only admins put an idea to the whole movement.",
			  NULL);
		goto done;
	}
	if (scope <= p.i.scope) {
		idea_page(req, res, &p, 409, "That is not a wider scope for this idea.", NULL);
		goto done;
	}
	if (scope == CONV_REGION &&
	    idea_group_region(p.db, p.i.group_id, region, sizeof(region)) != 1) {
		idea_page(req, res, &p, 409, "The group's seats lie in no region to promote it to.",
			  NULL);
		goto done;
	}
	if (db_begin(p.db)) {
		page_sorry(req, res, "The idea could not be promoted.", &p.w);
		goto done;
	}
	rc = idea_promote(p.db, p.i.id, scope, region, p.w.actor.id, now_s());
	if (rc < 0 ||
	    (rc == 1 &&
	     tell(req, &p, "An idea you backed goes further",
		  arena_printf(&req->arena, "it is put to %s%s to gather support there.",
			       scope == CONV_REGION ? "members in " : "the whole movement",
			       scope == CONV_REGION ? region : ""))) ||
	    app_commit(req->app, p.db)) {
		db_rollback(p.db);
		page_sorry(req, res, "The idea could not be promoted.", &p.w);
	} else if (rc == 0) {
		idea_page(req, res, &p, 409, "That is not a wider scope for this idea.", NULL);
	} else {
		audit_note(p.db, p.w.actor.id, "idea.promote", 0,
			   arena_printf(&req->arena, "idea %ld to %s", p.i.id, to));
		after_change(req, res, &p, "The idea is put to a wider scope.");
	}
done:
	idea_release(&p.i);
}

static void merge(struct http_request *req, struct http_response *res)
{
	struct idea_ctx p;
	struct qs f;
	long into = 0;

	if (run_or_answer(req, res, &p, &f))
		return;
	const char *s = qs_get(&f, "into");
	if (!s || num_parse_long(s, strlen(s), 1, 1L << 40, &into)) {
		idea_page(req, res, &p, 400, "Say which idea to merge it into.", NULL);
	} else if (into == p.i.id) {
		idea_page(req, res, &p, 400, "An idea cannot be merged into itself.", NULL);
	} else if (db_begin(p.db)) {
		page_sorry(req, res, "The ideas could not be merged.", &p.w);
	} else {
		int rc = idea_merge(p.db, p.i.id, into, p.w.actor.id, now_s());
		int rose = rc == 1 ? idea_rise(p.db, into, now_s()) : 0;
		if (rc < 0 || rose < 0 ||
		    (rc == 1 && tell(req, &p, "An idea you backed was merged",
				     "it was merged into another idea like it, and your support"
				     " goes with it.")) ||
		    app_commit(req->app, p.db)) {
			db_rollback(p.db);
			page_sorry(req, res, "The ideas could not be merged.", &p.w);
		} else if (rc == 0) {
			idea_page(
			    req, res, &p, 409,
			    "Those ideas cannot be merged: one is merged already, or they are put"
			    " to different scopes.",
			    NULL);
		} else {
			audit_note(p.db, p.w.actor.id, "idea.merge", 0,
				   arena_printf(&req->arena, "idea %ld into %ld", p.i.id, into));
			http_redirect(res, arena_printf(&req->arena, "/ideas/%ld", into));
		}
	}
	idea_release(&p.i);
}

static void thresholds(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	enum conv_scope scope;
	struct idea_threshold t;
	long absolute, days;
	double percent;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) || form_or_answer(req, res, &w, &f))
		return;
	if (!policy_allows(&w.actor, ACT_ADMIN, NULL)) {
		page_message(
		    req, res, 403, "Admins only",
		    "Only admins (signed in with their password and code) set the thresholds.", &w);
		return;
	}
	const char *s = qs_get(&f, "scope"), *a = qs_get(&f, "absolute"),
		   *p = qs_get(&f, "percent");
	const char *d = qs_get(&f, "days");
	if (!s || conv_scope_parse(s, &scope) || !a ||
	    num_parse_long(a, strlen(a), 0, 10000000, &absolute) || !p ||
	    num_parse_double(p, strlen(p), 0, 100, &percent) || !d ||
	    num_parse_long(d, strlen(d), 1, 366, &days)) {
		page_message(
		    req, res, 400, "Not saved",
		    "A threshold is a number of supports (0 or more), a share of the members"
		    " (0 to 100 per cent) and a number of days (1 to 366).",
		    &w);
		return;
	}
	t = (struct idea_threshold){ absolute, percent, days };
	if (idea_threshold_set(db, scope, &t)) {
		page_sorry(req, res, "The threshold could not be saved.", &w);
		return;
	}
	audit_note(db, w.actor.id, "idea.threshold", 0,
		   arena_printf(&req->arena, "%s %ld %.2f%% %ld days", s, absolute, percent, days));
	http_redirect(res, "/ideas");
}

const struct http_route ideas_routes[] = {
	{ "GET", "/ideas", list_page, ROUTE_PAGE, NULL },
	{ "GET", "/ideas/new", new_page, ROUTE_PAGE, NULL },
	{ "POST", "/ideas", create, ROUTE_PAGE, NULL },
	{ "POST", "/ideas/thresholds", thresholds, ROUTE_PAGE, NULL },
	{ "GET", "/ideas/{id}", show, ROUTE_PAGE, NULL },
	{ "POST", "/ideas/{id}/support", support, ROUTE_PAGE, NULL },
	{ "POST", "/ideas/{id}/motion", to_motion, ROUTE_PAGE, NULL },
	{ "POST", "/ideas/{id}/outcome", outcome, ROUTE_PAGE, NULL },
	{ "POST", "/ideas/{id}/promote", promote, ROUTE_PAGE, NULL },
	{ "POST", "/ideas/{id}/merge", merge, ROUTE_PAGE, NULL },
};
const size_t ideas_nroutes = sizeof(ideas_routes) / sizeof(ideas_routes[0]);
