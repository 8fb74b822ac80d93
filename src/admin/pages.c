#include "admin/pages.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin/store.h"
#include "auth/audit.h"
#include "people/people.h"
#include "util/log.h"
#include "util/num.h"
#include "web/web.h"

#define AUDIT_PAGE 200

/* Loads the visitor and checks policy allows them act; answers otherwise. */
static int allowed_or_answer(struct http_request *req, struct http_response *res, struct who *w,
		struct db **db, struct qs *form, int json, enum action act)
{
	if (visit_or_answer(req, res, w, db, json ? VISIT_JSON : 0))
		return -1;
	if (json && api_token_refused(req, res, w))
		return -1;
	if (!w->actor.id && !w->actor.token_id) {
		if (json)
			http_error(res, 401, "Sign in first");
		else
			http_redirect(res, signin_path(req));
		return -1;
	}
	if (!policy_allows(&w->actor, act, NULL)) {
		if (json)
			http_error(res, 403, "Admins only, signed in with password and code");
		else
			page_message(req, res, 403, "Admins only",
				     w->actor.admin ? "Sign in with your password and code to use"
						      " admin pages."
						    : "This page is for national admins.",
				     w);
		return -1;
	}
	if (form && form_or_answer(req, res, w, form))
		return -1;
	return 0;
}

static int admin_or_answer(struct http_request *req, struct http_response *res, struct who *w,
			   struct db **db, struct qs *form)
{
	return allowed_or_answer(req, res, w, db, form, 0, ACT_ADMIN);
}

static void person_item(const struct admin_person *p, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:b, s:I, s:s*}", "id",
					     (json_int_t)p->id, "name", p->name, "email", p->email,
					     "admin", p->admin, "last_active_at",
					     (json_int_t)p->last_active_at, "groups", p->groups));
}

static json_t *people_list(struct db *db)
{
	json_t *out = json_array();
	admin_people(db, person_item, out);
	return out;
}

static void token_item(const struct api_token_row *t, void *arg)
{
	unsigned sc = t->scopes;
	json_array_append_new(
	    arg, json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)t->id, "name", t->name,
			   "scopes",
			   sc == SCOPE_ALL	 ? "people:read audit:read members:read"
			   : sc == SCOPE_PEOPLE	 ? "people:read"
			   : sc == SCOPE_AUDIT	 ? "audit:read"
			   : sc == SCOPE_MEMBERS ? "members:read"
						 : "several",
			   "revoked", t->revoked));
}

static void admin_page_with(struct http_request *req, struct http_response *res,
			    const struct who *w, struct db *db, int status, const char *notice)
{
	struct app *app = req->app;
	json_t *groups = json_array(), *tokens = json_array();
	/* the people list is shown only once its view is in the audit log */
	if (audit_write(db, w->actor.id, "admin.people_view", 0, NULL)) {
		page_sorry(req, res, "The admin page could not be shown.", w);
		return;
	}
	groups_of(db, w->actor.id, 1, 0, json_id_name, groups);
	admin_tokens(db, token_item, tokens);
	page_render(req, res, status, "admin",
		    json_pack("{s:s, s:o, s:o, s:o, s:I, s:s*}", "title", "Admin", "people",
			      people_list(db), "all_groups", groups, "tokens", tokens, "retention",
			      (json_int_t)retention_days(db, app->auth.retention_days), "notice",
			      notice),
		    w);
}

static void admin_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (admin_or_answer(req, res, &w, &db, NULL) == 0)
		admin_page_with(req, res, &w, db, 200, NULL);
}

static void set_admin(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct person p;

	if (admin_or_answer(req, res, &w, &db, &f))
		return;
	long id = route_id(&req->params, "id");
	const char *v = qs_get(&f, "admin");
	if (!id || person_by_id(db, id, &p) != 1 || !v || (strcmp(v, "0") && strcmp(v, "1"))) {
		page_message(req, res, 400, "Not changed", "No such person, or no such role.", &w);
		return;
	}
	if (admin_set(db, w.actor.id, id, v[0] == '1') != 1) {
		page_sorry(req, res, "The role could not be changed.", &w);
		return;
	}
	admin_page_with(req, res, &w, db, 200, "Role changed.");
}

static void set_group_role(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct person p;
	char gname[256];
	long gid;

	if (admin_or_answer(req, res, &w, &db, &f))
		return;
	long id = route_id(&req->params, "id");
	const char *g = qs_get(&f, "group"), *r = qs_get(&f, "role");
	enum group_role role = !r ? (enum group_role)-1
			       : !strcmp(r, "organiser") ? ROLE_ORGANISER
			       : !strcmp(r, "member")	 ? ROLE_MEMBER
			       : !strcmp(r, "none")	 ? ROLE_NONE
							 : (enum group_role)-1;
	if (!id || person_by_id(db, id, &p) != 1 || !g ||
	    num_parse_long(g, strlen(g), 1, 1L << 40, &gid) ||
	    group_name(db, gid, gname, sizeof(gname)) != 1 || (int)role < 0) {
		page_message(req, res, 400, "Not changed", "No such person, group or role.", &w);
		return;
	}
	if (admin_set_group_role(db, w.actor.id, id, gid, role, r) != 1) {
		page_sorry(req, res, "The role could not be changed.", &w);
		return;
	}
	admin_page_with(req, res, &w, db, 200, "Role changed.");
}

static void create_group(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct db *db;
	struct qs f;

	if (admin_or_answer(req, res, &w, &db, &f))
		return;
	const char *name = qs_get(&f, "name"), *seats = qs_get(&f, "seats");
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > GROUP_NAME_MAX) {
		page_message(req, res, 400, "Not created", "A group needs a name of up to 100 characters.",
			     &w);
		return;
	}
	/* seats: 2024 codes separated by commas or spaces, all known */
	const char *codes[GROUP_SEATS_MAX];
	size_t ncodes = 0;
	char *list = arena_strdup(&req->arena, seats ? seats : "");
	for (char *save = NULL, *tok = strtok_r(list, ", \t\r\n", &save); tok;
	     tok = strtok_r(NULL, ", \t\r\n", &save)) {
		if (ncodes == GROUP_SEATS_MAX || !seats_find(&app->seats, 2024, tok)) {
			page_message(req, res, 400, "Not created",
				     "Seats must be up to 20 known 2024 constituency codes, like"
				     " E14001193.",
				     &w);
			return;
		}
		codes[ncodes++] = tok;
	}
	long gid;
	if (admin_group_create(db, w.actor.id, name, codes, ncodes, &gid) != 1) {
		page_message(req, res, 400, "Not created", "A group with that name may already exist.",
			     &w);
		return;
	}
	admin_page_with(req, res, &w, db, 200, "Group created.");
}

static void set_retention(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct db *db;
	struct qs f;
	long days;

	if (admin_or_answer(req, res, &w, &db, &f))
		return;
	const char *v = qs_get(&f, "days");
	if (!v || num_parse_long(v, strlen(v), 0, 36500, &days)) {
		page_message(req, res, 400, "Not changed",
			     "The retention period is a number of days (0 to keep until deleted).", &w);
		return;
	}
	if (retention_set(db, w.actor.id, days) != 1) {
		page_sorry(req, res, "The setting could not be saved.", &w);
		return;
	}
	long erased = retention_run(db, app->auth.retention_days);
	admin_page_with(req, res, &w, db, 200,
			arena_printf(&req->arena, "Retention set; %ld inactive accounts erased.",
				     erased < 0 ? 0 : erased));
}

static void create_token(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	char token[TOKEN_LEN + 1], hash[TOKEN_HASH_LEN + 1];
	unsigned scopes = 0;

	if (admin_or_answer(req, res, &w, &db, &f))
		return;
	const char *name = qs_get(&f, "name");
	for (size_t i = 0; i < f.n; i++)
		if (!strcmp(f.pairs[i].key, "scope"))
			scopes |= scope_from_name(f.pairs[i].value);
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > 100 || scopes == 0) {
		page_message(req, res, 400, "Not created",
			     "A token needs a name (up to 100 characters) and at least one scope.", &w);
		return;
	}
	token_new(token);
	token_hash(token, TOKEN_LEN, hash);
	if (admin_token_create(db, w.actor.id, name, hash, scopes) != 1) {
		page_sorry(req, res, "The token could not be created.", &w);
		return;
	}
	/* shown this once; only its hash is kept */
	admin_page_with(req, res, &w, db, 200,
			arena_printf(&req->arena, "New API token (copy it now, it is not shown again): %s",
				     token));
}

static void revoke_token(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;

	if (admin_or_answer(req, res, &w, &db, &f))
		return;
	long id = route_id(&req->params, "id");
	int rc = id ? admin_token_revoke(db, w.actor.id, id) : 0;
	if (rc != 1) {
		page_message(req, res, rc ? 500 : 400, "Not revoked",
			     rc ? "The token could not be revoked." : "No such token.", &w);
		return;
	}
	admin_page_with(req, res, &w, db, 200, "Token revoked.");
}

static void audit_item(const struct audit_row *r, void *arg)
{
	time_t t = (time_t)r->at;
	struct tm tm;
	char when[32];
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%SZ", &tm);
	json_array_append_new(arg, json_pack("{s:I, s:s, s:I, s:s, s:I, s:s*}", "id",
					     (json_int_t)r->id, "at", when, "actor_id",
					     (json_int_t)r->actor_id, "action", r->action,
					     "subject_id", (json_int_t)r->subject_id, "detail",
					     r->detail));
}

static json_t *audit_entries(struct db *db, long before)
{
	json_t *out = json_array();
	admin_audit(db, before, AUDIT_PAGE, audit_item, out);
	return out;
}

static long before_param(struct http_request *req)
{
	const char *s = qs_get(&req->query, "before");
	long v;
	return s && num_parse_long(s, strlen(s), 1, 1L << 50, &v) == 0 ? v : 1L << 50;
}

static void audit_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (admin_or_answer(req, res, &w, &db, NULL))
		return;
	page_render(req, res, 200, "audit",
		    json_pack("{s:s, s:o}", "title", "Audit log", "entries",
			      audit_entries(db, before_param(req))),
		    &w);
}

static void people_api(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (allowed_or_answer(req, res, &w, &db, NULL, 1, ACT_PEOPLE_READ))
		return;
	if (audit_write(db, w.actor.id, "admin.people_view", 0,
			w.actor.token_id
			    ? arena_printf(&req->arena, "api token %ld", w.actor.token_id)
			    : NULL)) {
		http_error(res, 500, "Could not record the view: nothing shown");
		return;
	}
	api_json(res, people_list(db));
}

static void audit_api(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (allowed_or_answer(req, res, &w, &db, NULL, 1, ACT_AUDIT_READ))
		return;
	api_json(res, audit_entries(db, before_param(req)));
}


const struct http_route admin_routes[] = {
	{ "GET", "/admin", admin_page, ROUTE_PAGE, NULL },
	{ "POST", "/admin/people/{id}/admin", set_admin, ROUTE_PAGE, NULL },
	{ "POST", "/admin/people/{id}/group", set_group_role, ROUTE_PAGE, NULL },
	{ "POST", "/admin/groups", create_group, ROUTE_PAGE, NULL },
	{ "POST", "/admin/retention", set_retention, ROUTE_PAGE, NULL },
	{ "GET", "/admin/audit", audit_page, ROUTE_PAGE, NULL },
	{ "POST", "/admin/tokens", create_token, ROUTE_PAGE, NULL },
	{ "POST", "/admin/tokens/{id}/revoke", revoke_token, ROUTE_PAGE, NULL },
	{ "GET", "/api/v1/admin/people", people_api, 0, NULL },
	{ "GET", "/api/v1/admin/audit", audit_api, 0, NULL },
};
const size_t admin_nroutes = sizeof(admin_routes) / sizeof(admin_routes[0]);
