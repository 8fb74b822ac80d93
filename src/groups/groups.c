#include "groups/groups.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "web/web.h"
#include "auth/audit.h"
#include "util/jsonw.h"
#include "util/num.h"

int group_role_of(struct db *db, long group_id, long person_id)
{
	struct db_stmt *st = db_cached(db, "SELECT role FROM memberships"
					   " WHERE group_id = ? AND person_id = ?");
	int rc = -1;

	if (!st || db_bind_int(st, 1, group_id) || db_bind_int(st, 2, person_id))
		return -1;
	switch (db_step(st)) {
	case DB_ROW:
		rc = strcmp(db_col_text(st, 0), "organiser") == 0 ? ROLE_ORGANISER : ROLE_MEMBER;
		break;
	case DB_DONE: rc = ROLE_NONE; break;
	default: rc = -1;
	}
	db_reset(st);
	return rc;
}

int group_name(struct db *db, long id, char *name, size_t cap)
{
	struct db_stmt *st = db_cached(db, "SELECT name FROM local_groups WHERE id = ?");
	int rc = -1;

	if (!st || db_bind_int(st, 1, id))
		return -1;
	switch (db_step(st)) {
	case DB_ROW:
		snprintf(name, cap, "%s", db_col_text(st, 0));
		rc = 1;
		break;
	case DB_DONE: rc = 0; break;
	default: rc = -1;
	}
	db_reset(st);
	return rc;
}

int group_set_role(struct db *db, long group_id, long person_id, enum group_role role)
{
	struct db_stmt *st;
	int rc;

	if (role == ROLE_NONE) {
		st = db_cached(db, "DELETE FROM memberships WHERE group_id = ? AND person_id = ?");
		if (!st)
			return -1;
		rc = db_bind_int(st, 1, group_id) || db_bind_int(st, 2, person_id) ||
		     db_step(st) != DB_DONE;
	} else {
		st = db_cached(db, "INSERT INTO memberships (group_id, person_id, role, joined_at)"
				   " VALUES (?, ?, ?, ?) ON CONFLICT (group_id, person_id)"
				   " DO UPDATE SET role = excluded.role");
		if (!st)
			return -1;
		const char *r = role == ROLE_ORGANISER ? "organiser" : "member";
		rc = db_bind_int(st, 1, group_id) || db_bind_int(st, 2, person_id) ||
		     db_bind_str(st, 3, r) || db_bind_int(st, 4, (long long)time(NULL)) ||
		     db_step(st) != DB_DONE;
	}
	db_reset(st);
	return rc ? -1 : 0;
}

/* Every group with its size, seats, and the visitor's role in it. */
static json_t *group_list(struct app *app, struct db *db, long me)
{
	json_t *out = json_array();
	struct db_stmt *st = db_cached(db, "SELECT g.id, g.name,"
					   " (SELECT count(*) FROM memberships m WHERE m.group_id = g.id),"
					   " (SELECT role FROM memberships m WHERE m.group_id = g.id"
					   "  AND m.person_id = ?)"
					   " FROM local_groups g ORDER BY g.name");
	struct db_stmt *seats = db_cached(db, "SELECT pcon2024 FROM group_seats WHERE group_id = ?"
					      " ORDER BY pcon2024");

	if (!st || !seats || db_bind_int(st, 1, me))
		return out;
	while (db_step(st) == DB_ROW) {
		json_t *names = json_array();
		const char *role = db_col_text(st, 3);
		db_reset(seats);
		db_bind_int(seats, 1, db_col_int(st, 0));
		while (db_step(seats) == DB_ROW) {
			const struct seat *s = seats_find(&app->seats, 2024, db_col_text(seats, 0));
			if (s)
				json_array_append_new(names, json_string(s->name));
		}
		json_array_append_new(out, json_pack("{s:I, s:s, s:I, s:o, s:b, s:b}", "id",
						     (json_int_t)db_col_int(st, 0), "name",
						     db_col_text(st, 1), "members",
						     (json_int_t)db_col_int(st, 2), "seats", names,
						     "joined", role != NULL, "organiser",
						     role && strcmp(role, "organiser") == 0));
	}
	db_reset(st);
	db_reset(seats);
	return out;
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

/* The member list, when policy allows; audited as a view of personal data. */
static json_t *members_of(struct db *db, long gid, long viewer)
{
	json_t *out = json_array();
	struct db_stmt *st = db_cached(db, "SELECT p.id, p.name, p.email, p.phone, m.role,"
					   " m.joined_at FROM memberships m"
					   " JOIN people p ON p.id = m.person_id"
					   " WHERE m.group_id = ? ORDER BY m.role DESC, p.name");
	if (!st || db_bind_int(st, 1, gid))
		return out;
	while (db_step(st) == DB_ROW)
		json_array_append_new(out, json_pack("{s:I, s:s, s:s, s:s*, s:s, s:I}", "id",
						     (json_int_t)db_col_int(st, 0), "name",
						     db_col_text(st, 1), "email", db_col_text(st, 2),
						     "phone", db_col_text(st, 3), "role",
						     db_col_text(st, 4), "joined_at",
						     (json_int_t)db_col_int(st, 5)));
	db_reset(st);
	char detail[32];
	snprintf(detail, sizeof(detail), "group %ld", gid);
	audit_write(db, viewer, "group.members_view", 0, detail);
	return out;
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

static void group_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	long gid;
	char name[256];
	int role;

	if (group_ctx(req, res, &w, &db, &gid, name, sizeof(name), &role, 0))
		return;
	struct target t = { 0, role == ROLE_ORGANISER, 0 };
	int may = policy_allows(&w.actor, ACT_GROUP_MEMBERS, &t);
	json_t *ctx = json_pack("{s:s, s:I, s:s, s:b, s:b, s:b, s:b}", "title", name, "id",
				(json_int_t)gid, "name", name, "joined", role != ROLE_NONE,
				"organiser", role == ROLE_ORGANISER, "signed_in", w.actor.id != 0,
				"needs_strong", role == ROLE_ORGANISER && !w.actor.strong);
	if (may) {
		json_object_set_new(ctx, "members", members_of(db, gid, w.actor.id));
		/* sessions its members proposed, waiting for an organiser */
		json_t *pending = json_array();
		struct db_stmt *st = db_cached(db, "SELECT id, title FROM events WHERE group_id = ?"
						   " AND awaiting_approval = 1 AND status = 'published'"
						   " ORDER BY starts_at");
		if (st && db_bind_int(st, 1, gid) == 0) {
			while (db_step(st) == DB_ROW)
				json_array_append_new(pending, json_pack("{s:I, s:s}", "id",
									 (json_int_t)db_col_int(st, 0),
									 "title", db_col_text(st, 1)));
			db_reset(st);
		}
		json_object_set_new(ctx, "pending", pending);
	}
	page_render(req, res, 200, "group", ctx, &w);
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
			http_redirect(res, "/signin");
		return;
	}
	/* joining never demotes an organiser; leaving ends any role */
	int rc = join ? (role == ROLE_NONE ? group_set_role(db, gid, w.actor.id, ROLE_MEMBER) : 0)
		      : group_set_role(db, gid, w.actor.id, ROLE_NONE);
	if (rc) {
		if (json)
			http_error(res, 500, "Could not save");
		else
			page_message(req, res, 500, "Sorry", "That could not be saved.", &w);
		return;
	}
	audit_write(db, w.actor.id, join ? "group.join" : "group.leave", w.actor.id,
		    arena_printf(&req->arena, "group %ld", gid));
	if (json) {
		struct jw j;
		http_ok_begin(res, &j);
		jw_obj(&j);
		jw_key(&j, "joined");
		jw_bool(&j, join);
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
	struct target t = { 0, role == ROLE_ORGANISER, 0 };
	if (!w.actor.id && !w.actor.token_id) {
		http_error(res, 401, "Sign in first");
		return;
	}
	if (!policy_allows(&w.actor, ACT_GROUP_MEMBERS, &t)) {
		http_error(res, 403, "Only the group's organisers may see its members");
		return;
	}
	api_json(res, members_of(db, gid, w.actor.id));
}

const struct http_route groups_routes[] = {
	{ "GET", "/groups", list_page, ROUTE_PAGE },
	{ "GET", "/groups/{id}", group_page, ROUTE_PAGE },
	{ "POST", "/groups/{id}/join", join_page, ROUTE_PAGE },
	{ "POST", "/groups/{id}/leave", leave_page, ROUTE_PAGE },
	{ "GET", "/api/v1/groups", list_api, 0 },
	{ "GET", "/api/v1/groups/{id}/members", members_api, 0 },
	{ "POST", "/api/v1/groups/{id}/join", join_api, 0 },
	{ "POST", "/api/v1/groups/{id}/leave", leave_api, 0 },
};
const size_t groups_nroutes = sizeof(groups_routes) / sizeof(groups_routes[0]);
