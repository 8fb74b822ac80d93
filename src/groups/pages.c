#include "groups/pages.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auth/audit.h"
#include "events/pages.h"
#include "events/when.h"
#include "groups/store.h"
#include "meetings/store.h"
#include "people/people.h"
#include "phonebank/store.h"
#include "util/jsonw.h"
#include "util/log.h"
#include "util/mem.h"
#include "web/web.h"

struct listing {
	struct app *app;
	struct db *db;
	json_t *out;
};

struct seat_names {
	const struct seats *seats;
	json_t *list;
};

static void seat_name(const char *code, void *arg)
{
	struct seat_names *n = arg;
	const struct seat *s = seats_find(n->seats, 2024, code);
	if (s)
		json_array_append_new(n->list, json_string(s->name));
}

static void group_item(const struct group_row *g, void *arg)
{
	struct listing *l = arg;
	struct seat_names names = { &l->app->seats, json_array() };
	group_seats(l->db, g->id, seat_name, &names);
	json_array_append_new(l->out, json_pack("{s:I, s:s, s:I, s:o, s:b, s:b}", "id",
						(json_int_t)g->id, "name", g->name, "members",
						(json_int_t)g->members, "seats", names.list, "joined",
						g->role != ROLE_NONE, "organiser",
						g->role == ROLE_ORGANISER));
}

/* Every group with its size, seats, and the visitor's role in it. */
static json_t *group_list(struct app *app, struct db *db, long me)
{
	struct listing l = { app, db, json_array() };
	groups_each(db, me, group_item, &l);
	return l.out;
}

static void list_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, 0))
		return;
	page_render(req, res, 200, "groups",
		    json_pack("{s:s, s:o}", "title", "Local groups", "groups",
			      group_list(req->app, db, w.actor.id)),
		    &w);
}

static void member_item(const struct member_row *m, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:s*, s:s, s:I}", "id",
					     (json_int_t)m->person_id, "name", m->name, "email",
					     m->email, "phone", m->phone, "role", m->role,
					     "joined_at", (json_int_t)m->joined_at));
}

/* The member list, once its view is in the audit log: by whom, a person or
 * an API token. */
static json_t *members_of(struct http_request *req, struct db *db, long gid,
			  const struct actor *viewer)
{
	const char *detail =
	    viewer->token_id
		? arena_printf(&req->arena, "group %ld, api token %ld", gid, viewer->token_id)
		: arena_printf(&req->arena, "group %ld", gid);
	if (audit_write(db, viewer->id, "group.members_view", 0, detail))
		return NULL;
	json_t *out = json_array();
	group_members(db, gid, member_item, out);
	return out;
}

static void proposal_item(long id, const char *title, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s}", "id", (json_int_t)id, "title", title));
}

/* Loads visitor, db and group, answering 404/503 itself; 0 when all is there. */
static int group_ctx(struct http_request *req, struct http_response *res, struct who *w,
		     struct db **db, long *gid, char *name, size_t cap, int *role, int json)
{
	if (visit_or_answer(req, res, w, db, json ? VISIT_JSON : 0))
		return -1;
	*gid = route_id(&req->params, "id");
	if (!*gid || group_name(*db, *gid, name, cap) != 1) {
		if (json)
			http_error(res, 404, "Group not found");
		else
			page_message(req, res, 404, "Not found", "There is no such group.", w);
		return -1;
	}
	*role = w->actor.id ? group_role_of(*db, *gid, w->actor.id) : ROLE_NONE;
	return *role < 0 ? -1 : 0;
}

static void bank_item(long id, const char *name, int asked, int approved, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:b, s:b}", "id", (json_int_t)id, "name",
					     name, "asked", asked && !approved, "approved",
					     approved));
}

static void organiser_item(long id, const char *name, void *arg)
{
	char first[64];
	(void)id;
	person_first_name(name, first);
	json_array_append_new(arg, json_string(first));
}

struct posts {
	json_t *out;
	int manage;
};

static void post_item(const struct group_post *p, void *arg)
{
	struct posts *l = arg;
	struct tm tm;
	char when[64], first[64] = "";
	london_tm((time_t)p->created_at, &tm);
	strftime(when, sizeof(when), "%a %e %b %Y", &tm);
	if (p->author)
		person_first_name(p->author, first);
	json_array_append_new(l->out, json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:b}", "id",
						(json_int_t)p->id, "title", p->title, "body",
						p->body, "when", when, "by", first, "emailed",
						(json_int_t)p->emailed, "manage", l->manage));
}

/*
 * The group's home: its sessions for anyone; for its members the phone
 * banks (with asking to call), announcements and a way to write to the
 * organisers; for organisers signed in strongly, posting and the members.
 */
static void meeting_item(long id, const char *title, long long starts_at, void *arg)
{
	char day[64];
	london_day((time_t)starts_at, DAY_LONG_YEAR, day, sizeof(day));
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "title", title,
					     "when", day));
}

static void group_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	long gid;
	char name[256];
	int role;

	if (group_ctx(req, res, &w, &db, &gid, name, sizeof(name), &role, 0))
		return;
	struct target t = { 0, role == ROLE_ORGANISER, 0, 0 };
	int may = policy_allows(&w.actor, ACT_GROUP_MEMBERS, &t);
	int inside = role != ROLE_NONE || w.actor.admin;
	json_t *ctx = json_pack("{s:s, s:I, s:I, s:s, s:b, s:b, s:b, s:b, s:b, s:o}", "title", name,
				"id", (json_int_t)gid, "group_id", (json_int_t)gid, "name", name, "joined", role != ROLE_NONE,
				"organiser", role == ROLE_ORGANISER, "signed_in", w.actor.id != 0,
				"needs_strong", role == ROLE_ORGANISER && !w.actor.strong, "inside",
				inside, "sessions", sessions_of_group_json(db, gid));
	if (inside) {
		struct posts posts = { json_array(),
				       policy_allows(&w.actor, ACT_GROUP_ANNOUNCE, &t) };
		json_t *banks = json_array(), *organisers = json_array();
		group_phonebanks(db, gid, w.actor.id, bank_item, banks);
		group_organisers(db, gid, organiser_item, organisers);
		group_posts(db, gid, post_item, &posts);
		json_t *meetings = json_array();
		meetings_of(db, gid, meeting_item, meetings);
		json_object_set_new(ctx, "meetings", meetings);
		t.member = role != ROLE_NONE;
		json_object_set_new(ctx, "may_call",
				    json_boolean(policy_allows(&w.actor, ACT_MEETING_RUN, &t)));
		json_object_set_new(ctx, "banks", banks);
		json_object_set_new(ctx, "organisers", organisers);
		json_object_set_new(ctx, "posts", posts.out);
		json_object_set_new(ctx, "may_post", json_boolean(posts.manage));
		json_object_set_new(ctx, "may_write", json_boolean(role != ROLE_NONE));
	}
	if (may) {
		json_t *members = members_of(req, db, gid, &w.actor);
		if (!members) {
			json_decref(ctx);
			page_sorry(req, res, "The member list could not be shown.", &w);
			return;
		}
		json_object_set_new(ctx, "members", members);
		/* sessions its members proposed, waiting for an organiser */
		json_t *pending = json_array();
		group_proposals(db, gid, proposal_item, pending);
		json_object_set_new(ctx, "pending", pending);
	}
	page_render(req, res, 200, "group", ctx, &w);
}

struct told {
	struct http_request *req;
	struct db *db;
	long skip;
	const char *subject, *text, *path;
	long n;
	int failed;
};

/* Mail to each person a store lists, stopping at the first that fails. */
static void tell_one(struct told *t, long person)
{
	if (t->failed || person == t->skip)
		return;
	if (web_tell(t->req, t->db, person, t->subject, t->text, t->path, "Open the group"))
		t->failed = 1;
	else
		t->n++;
}

static void tell_member(const struct member_row *m, void *arg)
{
	tell_one(arg, m->person_id);
}

static void tell_organiser(long id, const char *name, void *arg)
{
	(void)name;
	tell_one(arg, id);
}

/* A visit to one group with a checked form, by one who may post its
 * announcements; -1 after answering anyone else. */
struct announcing {
	struct who w;
	struct db *db;
	long gid;
	char name[256];
	struct qs f;
};

static int announcer_or_answer(struct http_request *req, struct http_response *res,
			       struct announcing *a)
{
	int role;
	if (group_ctx(req, res, &a->w, &a->db, &a->gid, a->name, sizeof(a->name), &role, 0) ||
	    form_or_answer(req, res, &a->w, &a->f))
		return -1;
	struct target t = { 0, role == ROLE_ORGANISER, 0, 0 };
	if (policy_allows(&a->w.actor, ACT_GROUP_ANNOUNCE, &t))
		return 0;
	page_message(req, res, 403, "Organisers only",
		     "Announcements are posted and removed by the group's organisers, signed in"
		     " with password and code.",
		     &a->w);
	return -1;
}

/* Organisers post an announcement to the group's home, and may mail it to
 * every member: the post and its mail in one transaction. */
static void post_add(struct http_request *req, struct http_response *res)
{
	struct announcing *a = arena_alloc(&req->arena, sizeof(*a));
	long post;

	if (announcer_or_answer(req, res, a))
		return;
	const char *title = qs_get(&a->f, "title"), *body = qs_get(&a->f, "body");
	const char *mail = qs_get(&a->f, "email");
	int send = mail && !strcmp(mail, "1");
	if (!title || !*title || strlen(title) > GROUP_POST_TITLE_MAX || !body || !*body ||
	    strlen(body) > GROUP_POST_BODY_MAX) {
		page_message(req, res, 400, "Not posted",
			     "An announcement needs a title (up to 120 characters) and a text (up"
			     " to 4,000).",
			     &a->w);
		return;
	}
	/* mail to every member is counted like a host's messages */
	if (send &&
	    rate_limit(req, res, "message-host", arena_printf(&req->arena, "%ld", a->w.actor.id),
		       &((struct app *)req->app)->auth.rates.message_host, 0))
		return;
	struct told told = { req,
			     a->db,
			     a->w.actor.id,
			     arena_printf(&req->arena, "%.80s: %s", a->name, title),
			     body,
			     arena_printf(&req->arena, "/groups/%ld#posts", a->gid),
			     0,
			     0 };
	int rc = db_begin(a->db);
	if (!rc && send)
		rc = group_members(a->db, a->gid, tell_member, &told) < 0 || told.failed ? -1 : 0;
	if (rc || group_post_add(a->db, a->gid, a->w.actor.id, title, body, told.n, &post) ||
	    app_commit(req->app, a->db)) {
		db_rollback(a->db);
		page_sorry(req, res, "Nothing was posted or sent. Please try again.", &a->w);
		return;
	}
	audit_note(a->db, a->w.actor.id, "group.announce", 0,
		   arena_printf(&req->arena, "group %ld, post %ld, %ld mailed", a->gid, post,
				told.n));
	http_redirect(res, arena_printf(&req->arena, "/groups/%ld#posts", a->gid));
}

static void post_delete(struct http_request *req, struct http_response *res)
{
	struct announcing *a = arena_alloc(&req->arena, sizeof(*a));

	if (announcer_or_answer(req, res, a))
		return;
	long post = route_id(&req->params, "post");
	int rc = group_post_delete(a->db, a->gid, post);
	if (rc != 1) {
		if (rc)
			page_sorry(req, res, "That could not be removed.", &a->w);
		else
			page_message(req, res, 404, "Not found", "The group has no such announcement.",
				     &a->w);
		return;
	}
	audit_note(a->db, a->w.actor.id, "group.announce_delete", 0,
		   arena_printf(&req->arena, "group %ld, post %ld", a->gid, post));
	http_redirect(res, arena_printf(&req->arena, "/groups/%ld#posts", a->gid));
}

/* A member writes to the group's organisers: their name and address go
 * with the message, so an organiser can answer. */
static void write_organisers(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	long gid;
	char name[256];
	int role;
	struct qs f;
	struct person me;

	if (group_ctx(req, res, &w, &db, &gid, name, sizeof(name), &role, 0) ||
	    form_or_answer(req, res, &w, &f))
		return;
	if (!w.actor.id) {
		http_redirect(res, signin_path(req));
		return;
	}
	if (role == ROLE_NONE) {
		page_message(req, res, 403, "Members only",
			     "Join the group to write to its organisers.", &w);
		return;
	}
	const char *text = qs_get(&f, "message");
	if (!text || !*text || strlen(text) > GROUP_POST_BODY_MAX) {
		page_message(req, res, 400, "Not sent", "Write a message of up to 4,000 characters.",
			     &w);
		return;
	}
	if (rate_limit(req, res, "message-organisers", arena_printf(&req->arena, "%ld", w.actor.id),
		       &((struct app *)req->app)->auth.rates.message_host, 0))
		return;
	if (person_by_id(db, w.actor.id, &me) != 1) {
		page_sorry(req, res, "Nothing was sent. Please try again.", &w);
		return;
	}
	struct told t = {
		req, db, 0, arena_printf(&req->arena, "A message from %.80s, a member of %.80s", me.name, name),
		arena_printf(&req->arena, "%s (%s), a member of %s, writes:\n\n%s\n\nReply to %s.",
			     me.name, me.email, name, text, me.email),
		arena_printf(&req->arena, "/groups/%ld", gid), 0, 0
	};
	int rc = db_begin(db);
	if (!rc)
		rc = group_organisers(db, gid, tell_organiser, &t) < 0 || t.failed ? -1 : 0;
	if (rc || app_commit(req->app, db)) {
		db_rollback(db);
		page_sorry(req, res, "Nothing was sent. Please try again.", &w);
		return;
	}
	if (!t.n) {
		page_message(req, res, 409, "No organisers yet",
			     "This group has no organisers yet, so there is no one to write to.", &w);
		return;
	}
	audit_note(db, w.actor.id, "group.write_organisers", 0,
		   arena_printf(&req->arena, "group %ld, %ld told", gid, t.n));
	page_render(req, res, 200, "message",
		    json_pack("{s:s, s:s, s:I, s:s}", "title", "Sent", "text",
			      arena_printf(&req->arena, "Your message is on its way to the %ld %s of %s.",
					   t.n, t.n == 1 ? "organiser" : "organisers", name),
			      "group", (json_int_t)gid, "group_name", name),
		    &w);
}

static void join_or_leave(struct http_request *req, struct http_response *res, int join,
			  int json)
{
	struct who w;
	struct db *db;
	long gid;
	char name[256];
	int role;
	struct qs f;

	if (group_ctx(req, res, &w, &db, &gid, name, sizeof(name), &role, json))
		return;
	if (json && !origin_ok(req)) {
		http_error(res, 403, "Cross-site request refused");
		return;
	}
	if (!json && form_or_answer(req, res, &w, &f))
		return;
	if (!policy_allows(&w.actor, ACT_GROUP_JOIN, NULL)) {
		if (json)
			http_error(res, 401, "Sign in first");
		else
			http_redirect(res, signin_path(req));
		return;
	}
	/* joining never demotes an organiser; leaving ends any role */
	int rc = join ? (role == ROLE_NONE ? group_set_role(db, gid, w.actor.id, ROLE_MEMBER) : 0)
		      : group_set_role(db, gid, w.actor.id, ROLE_NONE);
	if (rc) {
		if (json)
			http_error(res, 500, "Could not save");
		else
			page_sorry(req, res, "That could not be saved.", &w);
		return;
	}
	audit_note(db, w.actor.id, join ? "group.join" : "group.leave", w.actor.id,
			arena_printf(&req->arena, "group %ld", gid));
	if (json) {
		struct jw j;
		http_ok_begin(res, &j);
		jw_obj(&j);
		jw_key_bool(&j, "joined", join);
		jw_obj_end(&j);
		jw_obj_end(&j);
	} else {
		http_redirect(res, arena_printf(&req->arena, "/groups/%ld", gid));
	}
}

static void join_page(struct http_request *req, struct http_response *res)
{
	join_or_leave(req, res, 1, 0);
}

static void leave_page(struct http_request *req, struct http_response *res)
{
	join_or_leave(req, res, 0, 0);
}

static void join_api(struct http_request *req, struct http_response *res)
{
	join_or_leave(req, res, 1, 1);
}

static void leave_api(struct http_request *req, struct http_response *res)
{
	join_or_leave(req, res, 0, 1);
}

static void list_api(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, VISIT_JSON))
		return;
	api_json(res, group_list(req->app, db, w.actor.id));
}

static void members_api(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	long gid;
	char name[256];
	int role;

	if (group_ctx(req, res, &w, &db, &gid, name, sizeof(name), &role, 1) ||
	    api_token_refused(req, res, &w))
		return;
	struct target t = { 0, role == ROLE_ORGANISER, 0, 0 };
	if (!w.actor.id && !w.actor.token_id) {
		http_error(res, 401, "Sign in first");
		return;
	}
	if (!policy_allows(&w.actor, ACT_GROUP_MEMBERS, &t)) {
		http_error(res, 403, "Only the group's organisers may see its members");
		return;
	}
	json_t *members = members_of(req, db, gid, &w.actor);
	if (!members) {
		http_error(res, 500, "Could not record the view: nothing shown");
		return;
	}
	api_json(res, members);
}

const struct http_route groups_routes[] = {
	{ "GET", "/groups", list_page, ROUTE_PAGE, NULL },
	{ "GET", "/groups/{id}", group_page, ROUTE_PAGE, NULL },
	{ "POST", "/groups/{id}/join", join_page, ROUTE_PAGE, NULL },
	{ "POST", "/groups/{id}/leave", leave_page, ROUTE_PAGE, NULL },
	{ "POST", "/groups/{id}/posts", post_add, ROUTE_PAGE, NULL },
	{ "POST", "/groups/{id}/posts/{post}/delete", post_delete, ROUTE_PAGE, NULL },
	{ "POST", "/groups/{id}/write", write_organisers, ROUTE_PAGE, NULL },
	{ "GET", "/api/v1/groups", list_api, 0, NULL },
	{ "GET", "/api/v1/groups/{id}/members", members_api, 0, NULL },
	{ "POST", "/api/v1/groups/{id}/join", join_api, 0, NULL },
	{ "POST", "/api/v1/groups/{id}/leave", leave_api, 0, NULL },
};
const size_t groups_nroutes = sizeof(groups_routes) / sizeof(groups_routes[0]);
