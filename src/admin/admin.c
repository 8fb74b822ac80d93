#include "admin/admin.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "web/web.h"
#include "auth/audit.h"
#include "groups/store.h"
#include "people/people.h"
#include "util/log.h"
#include "util/num.h"

#define AUDIT_PAGE 200
#define GROUP_SEATS_MAX 20

/* Loads the visitor and checks they are a strong admin; answers otherwise. */
static int need(struct http_request *req, struct http_response *res, struct who *w,
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
			http_redirect(res, "/signin");
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

static int need_admin(struct http_request *req, struct http_response *res, struct who *w,
		      struct db **db, struct qs *form, int json)
{
	return need(req, res, w, db, form, json, ACT_ADMIN);
}

long retention_days(struct db *db, long env_default)
{
	struct db_stmt *st = db_cached(db, "SELECT value FROM settings WHERE key = 'retention_days'");
	long days = env_default;

	if (st && db_step(st) == DB_ROW) {
		const char *v = db_col_text(st, 0);
		long x;
		if (v && num_parse_long(v, strlen(v), 0, 36500, &x) == 0)
			days = x;
	}
	db_reset(st);
	return days;
}

long retention_run(struct db *db, long env_default)
{
	long days = retention_days(db, env_default);

	if (days <= 0)
		return 0;
	long n = people_erase_inactive(db, (long long)time(NULL) - (long long)days * 86400);
	if (n > 0) {
		char detail[64];
		snprintf(detail, sizeof(detail), "%ld inactive for %ld days", n, days);
		audit_write(db, 0, "retention.erase", 0, detail);
	}
	return n;
}

static json_t *people_list(struct db *db)
{
	json_t *out = json_array();
	struct db_stmt *st = db_cached(db, "SELECT id, name, email, is_admin, last_active_at,"
					   " (SELECT group_concat(g.name || ' (' || m.role || ')', ', ')"
					   "  FROM memberships m JOIN local_groups g ON g.id = m.group_id"
					   "  WHERE m.person_id = people.id)"
					   " FROM people ORDER BY name LIMIT 1000");
	if (!st)
		return out;
	while (db_step(st) == DB_ROW)
		json_array_append_new(out, json_pack("{s:I, s:s, s:s, s:b, s:I, s:s*}", "id",
						     (json_int_t)db_col_int(st, 0), "name",
						     db_col_text(st, 1), "email", db_col_text(st, 2),
						     "admin", (int)db_col_int(st, 3), "last_active_at",
						     (json_int_t)db_col_int(st, 4), "groups",
						     db_col_text(st, 5)));
	db_reset(st);
	return out;
}

static json_t *groups_brief(struct db *db)
{
	json_t *out = json_array();
	struct db_stmt *st = db_cached(db, "SELECT id, name FROM local_groups ORDER BY name");
	if (!st)
		return out;
	while (db_step(st) == DB_ROW)
		json_array_append_new(out, json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(st, 0),
						     "name", db_col_text(st, 1)));
	db_reset(st);
	return out;
}

static json_t *token_list(struct db *db)
{
	json_t *out = json_array();
	struct db_stmt *st = db_cached(db, "SELECT id, name, scopes, created_at, revoked_at"
					   " FROM api_tokens ORDER BY id");
	if (!st)
		return out;
	while (db_step(st) == DB_ROW) {
		unsigned sc = (unsigned)db_col_int(st, 2);
		json_array_append_new(
			out, json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)db_col_int(st, 0),
				       "name", db_col_text(st, 1), "scopes",
				       sc == SCOPE_ALL ? "people:read audit:read members:read"
				       : sc == SCOPE_PEOPLE ? "people:read"
				       : sc == SCOPE_AUDIT  ? "audit:read"
				       : sc == SCOPE_MEMBERS ? "members:read"
							    : "several",
				       "revoked", !db_col_is_null(st, 4)));
	}
	db_reset(st);
	return out;
}

static void admin_page_with(struct http_request *req, struct http_response *res,
			    const struct who *w, struct db *db, int status, const char *notice)
{
	struct app *app = req->app;
	audit_write(db, w->actor.id, "admin.people_view", 0, NULL);
	page_render(req, res, status, "admin",
		    json_pack("{s:s, s:o, s:o, s:o, s:I, s:s*}", "title", "Admin", "people",
			      people_list(db), "all_groups", groups_brief(db), "tokens",
			      token_list(db), "retention",
			      (json_int_t)retention_days(db, app->auth.retention_days), "notice",
			      notice),
		    w);
}

static void admin_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (need_admin(req, res, &w, &db, NULL, 0) == 0)
		admin_page_with(req, res, &w, db, 200, NULL);
}

static void set_admin(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct person p;

	if (need_admin(req, res, &w, &db, &f, 0))
		return;
	long id = route_id(&req->params, "id");
	const char *v = qs_get(&f, "admin");
	if (!id || person_by_id(db, id, &p) != 1 || !v || (strcmp(v, "0") && strcmp(v, "1"))) {
		page_message(req, res, 400, "Not changed", "No such person, or no such role.", &w);
		return;
	}
	int on = v[0] == '1';
	struct db_stmt *st = db_cached(db, "UPDATE people SET is_admin = ? WHERE id = ?");
	if (!st || db_begin(db) || db_bind_int(st, 1, on) || db_bind_int(st, 2, id) ||
	    db_step(st) != DB_DONE ||
	    /* losing a role ends every session: it cannot linger in an open tab */
	    (!on && session_end_all(db, id)) ||
	    audit_write(db, w.actor.id, on ? "role.admin_granted" : "role.admin_removed", id, NULL) ||
	    db_commit(db)) {
		db_reset(st);
		db_rollback(db);
		page_message(req, res, 500, "Sorry", "The role could not be changed.", &w);
		return;
	}
	db_reset(st);
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

	if (need_admin(req, res, &w, &db, &f, 0))
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
	int before = group_role_of(db, gid, id);
	if (db_begin(db) || group_set_role(db, gid, id, role) ||
	    (before == ROLE_ORGANISER && role != ROLE_ORGANISER && session_end_all(db, id)) ||
	    audit_write(db, w.actor.id, "role.group", id,
			arena_printf(&req->arena, "group %ld: %s", gid, r)) ||
	    db_commit(db)) {
		db_rollback(db);
		page_message(req, res, 500, "Sorry", "The role could not be changed.", &w);
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

	if (need_admin(req, res, &w, &db, &f, 0))
		return;
	const char *name = qs_get(&f, "name"), *seats = qs_get(&f, "seats");
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > 100) {
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
	struct db_stmt *ins = db_cached(db, "INSERT INTO local_groups (name, created_at)"
					    " VALUES (?, ?) RETURNING id");
	struct db_stmt *seat = db_cached(db, "INSERT OR IGNORE INTO group_seats (group_id, pcon2024)"
					     " VALUES (?, ?)");
	long gid = 0;
	int bad = !ins || !seat || db_begin(db) || db_bind_text(ins, 1, name, n) ||
		  db_bind_int(ins, 2, (long long)time(NULL)) || db_step(ins) != DB_ROW;
	if (!bad)
		gid = (long)db_col_int(ins, 0);
	if (ins) {
		while (!bad && db_step(ins) == DB_ROW)
			;
		db_reset(ins);
	}
	for (size_t i = 0; !bad && i < ncodes; i++) {
		db_reset(seat);
		bad = db_bind_int(seat, 1, gid) || db_bind_str(seat, 2, codes[i]) ||
		      db_step(seat) != DB_DONE;
	}
	db_reset(seat);
	if (bad || audit_write(db, w.actor.id, "group.create", 0,
			       arena_printf(&req->arena, "group %ld", gid)) ||
	    db_commit(db)) {
		db_rollback(db);
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

	if (need_admin(req, res, &w, &db, &f, 0))
		return;
	const char *v = qs_get(&f, "days");
	if (!v || num_parse_long(v, strlen(v), 0, 36500, &days)) {
		page_message(req, res, 400, "Not changed",
			     "The retention period is a number of days (0 to keep until deleted).", &w);
		return;
	}
	struct db_stmt *st = db_cached(db, "INSERT INTO settings (key, value) VALUES"
					   " ('retention_days', ?) ON CONFLICT (key)"
					   " DO UPDATE SET value = excluded.value");
	char text[24];
	snprintf(text, sizeof(text), "%ld", days);
	if (!st || db_bind_str(st, 1, text) || db_step(st) != DB_DONE) {
		db_reset(st);
		page_message(req, res, 500, "Sorry", "The setting could not be saved.", &w);
		return;
	}
	db_reset(st);
	audit_write(db, w.actor.id, "settings.retention", 0, text);
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

	if (need_admin(req, res, &w, &db, &f, 0))
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
	struct db_stmt *st = db_cached(db, "INSERT INTO api_tokens (name, token_hash, scopes,"
					   " created_by, created_at) VALUES (?, ?, ?, ?, ?)");
	if (!st || db_bind_text(st, 1, name, n) || db_bind_text(st, 2, hash, TOKEN_HASH_LEN) ||
	    db_bind_int(st, 3, scopes) || db_bind_int(st, 4, w.actor.id) ||
	    db_bind_int(st, 5, (long long)time(NULL)) || db_step(st) != DB_DONE) {
		db_reset(st);
		page_message(req, res, 500, "Sorry", "The token could not be created.", &w);
		return;
	}
	db_reset(st);
	audit_write(db, w.actor.id, "token.create", 0, arena_printf(&req->arena, "scopes %u", scopes));
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

	if (need_admin(req, res, &w, &db, &f, 0))
		return;
	long id = route_id(&req->params, "id");
	struct db_stmt *st = db_cached(db, "UPDATE api_tokens SET revoked_at = ? WHERE id = ?"
					   " AND revoked_at IS NULL");
	if (!id || !st || db_bind_int(st, 1, (long long)time(NULL)) || db_bind_int(st, 2, id) ||
	    db_step(st) != DB_DONE) {
		db_reset(st);
		page_message(req, res, 400, "Not revoked", "No such token.", &w);
		return;
	}
	db_reset(st);
	audit_write(db, w.actor.id, "token.revoke", 0, arena_printf(&req->arena, "token %ld", id));
	admin_page_with(req, res, &w, db, 200, "Token revoked.");
}

static json_t *audit_entries(struct db *db, long before)
{
	json_t *out = json_array();
	struct db_stmt *st = db_cached(db, "SELECT id, at, actor_id, action, subject_id, detail"
					   " FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?");
	if (!st || db_bind_int(st, 1, before) || db_bind_int(st, 2, AUDIT_PAGE))
		return out;
	while (db_step(st) == DB_ROW) {
		time_t t = (time_t)db_col_int(st, 1);
		struct tm tm;
		char when[32];
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%SZ", &tm);
		json_array_append_new(
			out, json_pack("{s:I, s:s, s:I, s:s, s:I, s:s*}", "id",
				       (json_int_t)db_col_int(st, 0), "at", when, "actor_id",
				       (json_int_t)db_col_int(st, 2), "action", db_col_text(st, 3),
				       "subject_id", (json_int_t)db_col_int(st, 4), "detail",
				       db_col_text(st, 5)));
	}
	db_reset(st);
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

	if (need_admin(req, res, &w, &db, NULL, 0))
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

	if (need(req, res, &w, &db, NULL, 1, ACT_PEOPLE_READ))
		return;
	audit_write(db, w.actor.id, "admin.people_view", 0,
		    w.actor.token_id ? arena_printf(&req->arena, "api token %ld", w.actor.token_id)
				     : NULL);
	api_json(res, people_list(db));
}

static void audit_api(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (need(req, res, &w, &db, NULL, 1, ACT_AUDIT_READ))
		return;
	api_json(res, audit_entries(db, before_param(req)));
}


static void *retention_loop(void *arg)
{
	struct retention_job *job = arg;
	struct db *db = NULL;
	char err[256];

	if (db_open(&db, job->app->db_path, 0, err, sizeof(err)))
		return NULL;
	pthread_mutex_lock(&job->lock);
	while (!job->stop) {
		pthread_mutex_unlock(&job->lock);
		long n = retention_run(db, job->app->auth.retention_days);
		if (n > 0)
			log_info("retention: erased %ld inactive accounts", n);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 3600;
		pthread_mutex_lock(&job->lock);
		if (!job->stop)
			pthread_cond_timedwait(&job->wake, &job->lock, &ts);
	}
	pthread_mutex_unlock(&job->lock);
	db_close(db);
	return NULL;
}

void retention_start(struct retention_job *job, struct app *app)
{
	job->app = app;
	job->stop = 0;
	pthread_mutex_init(&job->lock, NULL);
	pthread_cond_init(&job->wake, NULL);
	pthread_create(&job->thread, NULL, retention_loop, job);
}

void retention_stop(struct retention_job *job)
{
	pthread_mutex_lock(&job->lock);
	job->stop = 1;
	pthread_cond_signal(&job->wake);
	pthread_mutex_unlock(&job->lock);
	pthread_join(job->thread, NULL);
	pthread_cond_destroy(&job->wake);
	pthread_mutex_destroy(&job->lock);
}

const struct http_route admin_routes[] = {
	{ "GET", "/admin", admin_page, ROUTE_PAGE },
	{ "POST", "/admin/people/{id}/admin", set_admin, ROUTE_PAGE },
	{ "POST", "/admin/people/{id}/group", set_group_role, ROUTE_PAGE },
	{ "POST", "/admin/groups", create_group, ROUTE_PAGE },
	{ "POST", "/admin/retention", set_retention, ROUTE_PAGE },
	{ "GET", "/admin/audit", audit_page, ROUTE_PAGE },
	{ "POST", "/admin/tokens", create_token, ROUTE_PAGE },
	{ "POST", "/admin/tokens/{id}/revoke", revoke_token, ROUTE_PAGE },
	{ "GET", "/api/v1/admin/people", people_api, 0 },
	{ "GET", "/api/v1/admin/audit", audit_api, 0 },
};
const size_t admin_nroutes = sizeof(admin_routes) / sizeof(admin_routes[0]);
