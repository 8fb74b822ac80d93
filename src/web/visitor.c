#include "web/web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/clock.h"

#define COOKIE_SESSION "turnout_session"
#define COOKIE_CSRF    "turnout_csrf"

static const char *cookie_name(const struct auth_config *c, int session)
{
	if (c->secure_cookies)
		return session ? "__Host-" COOKIE_SESSION : "__Host-" COOKIE_CSRF;
	return session ? COOKIE_SESSION : COOKIE_CSRF;
}

static void set_cookie(struct http_response *res, struct http_request *req, int session,
		       const char *value, long max_age)
{
	struct app *app = req->app;
	const struct auth_config *c = &app->auth;
	char *h =
	    arena_printf(&req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Lax%s%s",
			 cookie_name(c, session), value, c->secure_cookies ? "; Secure" : "",
			 max_age >= 0 ? arena_printf(&req->arena, "; Max-Age=%ld", max_age) : "");
	http_set_header(res, "Set-Cookie", h);
}

void session_cookie_set(struct http_response *res, struct http_request *req, const char *token)
{
	set_cookie(res, req, 1, token, -1);
}

void session_cookie_clear(struct http_response *res, struct http_request *req)
{
	set_cookie(res, req, 1, "", 0);
}

/* An integration's "Authorization: Bearer <token>": never a session. */
static int load_token(struct http_request *req, const char *auth, struct who *w)
{
	struct app *app = req->app;
	struct db *db = app_db(app);
	char ip[64], key[96], hash[TOKEN_HASH_LEN + 1];
	const char *tok = auth + 7;

	http_client_ip(req, ip, sizeof(ip));
	snprintf(key, sizeof(key), "token-ip:%s", ip);
	w->retry_after =
	    ratelimit_take(&app->auth.rl, key, &app->auth.rates.token_ip, now_seconds());
	if (w->retry_after) {
		w->bad_token = 2;
		return 0;
	}
	w->bad_token = 1;
	if (!token_well_formed(tok))
		return 0;
	if (!db)
		return -1;
	token_hash(tok, TOKEN_LEN, hash);
	int found = session_api_token(db, hash, &w->actor.token_id, &w->actor.scopes);
	if (found == 1) {
		w->bad_token = 0;
		snprintf(w->name, sizeof(w->name), "API token %ld", w->actor.token_id);
	}
	return found < 0 ? -1 : 0;
}

int api_token_refused(struct http_request *req, struct http_response *res, const struct who *w)
{
	if (w->bad_token == 2) {
		http_set_header(res, "Retry-After",
				arena_printf(&req->arena, "%d", w->retry_after));
		http_error(res, 429, "Too many requests: try again later");
		return 1;
	}
	if (w->bad_token) {
		http_error(res, 401, "Invalid or revoked API token");
		return 1;
	}
	return 0;
}

int who_load(struct http_request *req, struct http_response *res, struct who *w)
{
	struct app *app = req->app;
	const struct auth_config *c = &app->auth;
	const char *tok = http_cookie(req, cookie_name(c, 1));
	const char *anon = http_cookie(req, cookie_name(c, 0));
	long long now = (long long)time(NULL);
	struct db *db;

	memset(w, 0, sizeof(*w));
	/* a token is for integrations on the API: a page ignores it, so a
	 * stolen one never renders anyone's data as HTML */
	const char *auth = http_header(req, "Authorization");
	if (auth && strncmp(auth, "Bearer ", 7) == 0 && strncmp(req->path, "/api/", 5) == 0)
		return load_token(req, auth, w);
	if (tok) {
		if (!(db = app_db(app)))
			return -1;
		int found = session_find(db, tok, now, &c->limits, &w->session);
		if (found < 0)
			return -1;
		if (found && session_person(db, w->session.person_id, w->name, sizeof(w->name),
					    &w->actor.admin) == 1) {
			if (w->session.mfa_pending) {
				w->mfa_pending = 1;
			} else {
				w->actor.id = w->session.person_id;
				w->actor.strong = w->session.strong;
				session_touch(db, &w->session, now);
			}
			memcpy(w->csrf, w->session.csrf, sizeof(w->csrf));
			return 0;
		}
		w->actor.admin = 0;
		session_cookie_clear(res, req);
	}
	if (anon && token_well_formed(anon)) {
		snprintf(w->csrf, sizeof(w->csrf), "%s", anon);
	} else {
		token_new(w->csrf);
		set_cookie(res, req, 0, w->csrf, -1);
	}
	return 0;
}

int who_csrf_ok(const struct who *w, const struct qs *form)
{
	const char *t = qs_get(form, "csrf");
	return t && *w->csrf && token_equal(t, w->csrf);
}

/* 1 when origin is this server: its scheme (https behind TLS) and its Host. */
static int same_origin(struct http_request *req, const char *origin)
{
	struct app *app = req->app;
	const char *host = http_header(req, "Host");
	const char *scheme = app->auth.secure_cookies ? "https://" : "http://";
	size_t sl = strlen(scheme);

	if (!host || strncmp(origin, scheme, sl))
		return 0;
	const char *p = origin + sl;
	size_t n = strcspn(p, "/");
	return strlen(host) == n && strncmp(p, host, n) == 0;
}

int origin_ok(struct http_request *req)
{
	const char *origin = http_header(req, "Origin");
	const char *referer = http_header(req, "Referer");

	if (origin)
		return strcmp(origin, "null") != 0 && same_origin(req, origin);
	/* no Origin: only a same-site Referer will do (a form post from us) */
	return referer && same_origin(req, referer);
}

void rate_limited_answer(struct http_request *req, struct http_response *res, int wait, int json)
{
	http_set_header(res, "Retry-After", arena_printf(&req->arena, "%d", wait));
	if (json)
		http_error(res, 429, "Too many requests: try again later");
	else
		page_message(
		    req, res, 429, "Slow down",
		    arena_printf(&req->arena,
				 "Too many attempts. Please wait %d seconds and try again.", wait),
		    NULL);
}

int rate_limit(struct http_request *req, struct http_response *res, const char *bucket,
	       const char *who, const struct rate_rule *rule, int json)
{
	struct app *app = req->app;
	char key[256];

	snprintf(key, sizeof(key), "%s:%s", bucket, who);
	int wait = ratelimit_take(&app->auth.rl, key, rule, now_seconds());
	if (wait == 0)
		return 0;
	rate_limited_answer(req, res, wait, json);
	return -1;
}

int rate_limit_link_use(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	char ip[64];

	http_client_ip(req, ip, sizeof(ip));
	return rate_limit(req, res, "link-use-ip", ip, &app->auth.rates.token_ip, 0);
}
