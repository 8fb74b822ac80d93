/*
 * Volunteers sign in without a password: a single-use link by email, valid
 * for 15 minutes, stored hashed.  Following the link shows a button; only
 * pressing it (a POST) signs in, so mail scanners that fetch links cannot
 * use them up and GET never changes state.  Organisers and admins add a
 * password and TOTP, which make a session strong: only strong sessions
 * carry organiser or admin powers (auth/policy.c).
 *
 * Every answer to "send me a link" is the same whether or not the address
 * has an account, so the form cannot be used to find out who is signed up.
 */
#include "people/account.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web/web.h"
#include "auth/audit.h"
#include "auth/password.h"
#include "auth/totp.h"
#include "people/people.h"
#include "postcodes/lookup.h"
#include "util/jsonw.h"
#include "util/log.h"

#define RECOVERY_CODES 10

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static long long now_s(void)
{
	return (long long)time(NULL);
}

/* Loads the visitor and, for a POST, its form with a checked CSRF token. */
static int begin(struct http_request *req, struct http_response *res, struct who *w,
		 struct qs *form)
{
	if (who_load(req, res, w)) {
		page_message(req, res, 503, "Busy", "Please try again in a moment.", NULL);
		return -1;
	}
	if (!form)
		return 0;
	return form_or_answer(req, res, w, form);
}

static int need_signed_in(struct http_request *req, struct http_response *res,
			  const struct who *w)
{
	(void)req;
	if (w->actor.id)
		return 0;
	http_redirect(res, "/signin");
	return -1;
}

static struct db *db_or_page(struct http_request *req, struct http_response *res,
			     const struct who *w)
{
	struct db *db = app_db(req->app);
	if (!db)
		page_message(req, res, 503, "Busy", "Please try again in a moment.", w);
	return db;
}

/* Emails a fresh sign-in link to p; failures are logged without the address. */
static void send_link(struct http_request *req, struct db *db, const struct person *p,
		      int existing)
{
	struct app *app = req->app;
	char token[TOKEN_LEN + 1], err[256];
	struct buf text, html;

	if (link_create(db, p->id, now_s(), token)) {
		log_error("sign-in link: could not store a token");
		return;
	}
	json_t *ctx = json_pack("{s:s, s:s, s:b}", "name", p->name, "link",
				arena_printf(&req->arena, "%s/signin/link?token=%s",
					     app->auth.public_url, token),
				"existing", existing);
	buf_init(&text, 64 << 10);
	buf_init(&html, 64 << 10);
	if (tmpl_render(&app->tmpl, "mail_signin_text", ctx, &text) ||
	    tmpl_render(&app->tmpl, "mail_signin_html", ctx, &html) ||
	    mail_send(&app->mailer, p->email, "Your turnout sign-in link", text.p, html.p, err,
		      sizeof(err)))
		log_error("sign-in link: mail not sent: %s", err);
	else
		audit_write(db, 0, "signin.link_sent", p->id, NULL);
	buf_release(&text);
	buf_release(&html);
	json_decref(ctx);
	sodium_memzero(token, sizeof(token));
}

static void link_sent(struct http_request *req, struct http_response *res, const struct who *w)
{
	page_message(req, res, 200, "Check your email",
		     "If that address can sign in, we have sent it a link. It works once, for"
		     " 15 minutes.",
		     w);
}

static void signup_form(struct http_request *req, struct http_response *res)
{
	struct who w;
	if (begin(req, res, &w, NULL) == 0)
		page_render(req, res, 200, "signup", json_pack("{s:s}", "title", "Sign up"), &w);
}

static void signup(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct qs f;
	struct person p, existing;
	char ip[64];
	struct db *db;

	if (begin(req, res, &w, &f))
		return;
	http_client_ip(req, ip, sizeof(ip));
	if (rate_limit(req, res, "signup-ip", ip, &((struct app *)req->app)->auth.rates.signup_ip, 0))
		return;
	memset(&p, 0, sizeof(p));
	const char *why = person_input_check(&p, qs_get(&f, "name"), qs_get(&f, "email"),
					     qs_get(&f, "postcode"), qs_get(&f, "phone"),
					     qs_get(&f, "member"));
	if (why) {
		page_render(req, res, 400, "signup",
			    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "title", "Sign up", "error",
				      why, "name", or_empty(qs_get(&f, "name")), "email",
				      or_empty(qs_get(&f, "email")), "postcode",
				      or_empty(qs_get(&f, "postcode")), "phone",
				      or_empty(qs_get(&f, "phone"))),
			    &w);
		return;
	}
	if (!(db = db_or_page(req, res, &w)))
		return;
	int found = person_by_email(db, p.email, &existing);
	if (found == 1) {
		send_link(req, db, &existing, 1);
	} else if (found == 0) {
		p.created_at = now_s();
		if (person_create(db, &p)) {
			page_message(req, res, 500, "Sorry", "We could not sign you up just now.", &w);
			return;
		}
		audit_write(db, p.id, "person.signup", p.id, NULL);
		send_link(req, db, &p, 0);
	} else {
		page_message(req, res, 503, "Busy", "Please try again in a moment.", &w);
		return;
	}
	link_sent(req, res, &w);
}

static void signin_form(struct http_request *req, struct http_response *res)
{
	struct who w;
	if (begin(req, res, &w, NULL) == 0)
		page_render(req, res, 200, "signin", json_pack("{s:s}", "title", "Sign in"), &w);
}

static void signin_link_request(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct qs f;
	struct person p;
	char ip[64], email[EMAIL_MAX_LEN + 1], key[TOKEN_HASH_LEN + 1];
	struct db *db;

	if (begin(req, res, &w, &f))
		return;
	http_client_ip(req, ip, sizeof(ip));
	const char *raw = qs_get(&f, "email");
	if (!raw || email_normalise(raw, email)) {
		page_render(req, res, 400, "signin",
			    json_pack("{s:s, s:s}", "title", "Sign in", "error",
				      "Please give a valid email address."),
			    &w);
		return;
	}
	/* the account bucket is keyed by a hash: no address in memory dumps */
	token_hash(email, strlen(email), key);
	if (rate_limit(req, res, "link-ip", ip, &app->auth.rates.signin_ip, 0) ||
	    rate_limit(req, res, "link-account", key, &app->auth.rates.signin_account, 0))
		return;
	if (!(db = db_or_page(req, res, &w)))
		return;
	if (person_by_email(db, email, &p) == 1)
		send_link(req, db, &p, 1);
	link_sent(req, res, &w);
}

static void link_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	const char *token = qs_get(&req->query, "token");

	if (begin(req, res, &w, NULL))
		return;
	if (!token || !token_well_formed(token)) {
		page_message(req, res, 400, "That link is not right",
			     "Copy the whole link from the email, or ask for a new one.", &w);
		return;
	}
	page_render(req, res, 200, "link", json_pack("{s:s, s:s}", "title", "Sign in", "token", token),
		    &w);
}

/* Ends the visitor's current session (if any) and starts a new one. */
static int start_session(struct http_request *req, struct http_response *res, struct db *db,
			 const struct who *w, long person_id, int strong, int pending)
{
	char token[TOKEN_LEN + 1];
	struct session s;

	if (*w->session.hash)
		session_end(db, w->session.hash);
	if (session_create(db, person_id, strong, pending, now_s(), token, &s))
		return -1;
	session_cookie_set(res, req, token);
	if (!pending) {
		struct db_stmt *st = db_cached(db, "UPDATE people SET last_active_at = ? WHERE id = ?");
		if (st) {
			db_bind_int(st, 1, now_s());
			db_bind_int(st, 2, person_id);
			db_step(st);
			db_reset(st);
		}
	}
	return 0;
}

static void link_signin(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct qs f;
	struct db *db;
	long pid = 0;

	char ip[64];
	if (begin(req, res, &w, &f) || !(db = db_or_page(req, res, &w)))
		return;
	/* a sign-in link is a secret: its use is rate-limited like any other */
	http_client_ip(req, ip, sizeof(ip));
	if (rate_limit(req, res, "link-use-ip", ip, &((struct app *)req->app)->auth.rates.token_ip, 0))
		return;
	const char *token = qs_get(&f, "token");
	int ok = token ? link_consume(db, token, now_s(), &pid) : 0;
	if (ok != 1) {
		audit_write(db, 0, "signin.link_failed", 0, NULL);
		page_message(req, res, 400, "That link has expired",
			     "Sign-in links work once, for 15 minutes. Ask for a new one.", &w);
		return;
	}
	if (start_session(req, res, db, &w, pid, 0, 0)) {
		page_message(req, res, 500, "Sorry", "We could not sign you in just now.", &w);
		return;
	}
	audit_write(db, pid, "signin.link", pid, NULL);
	http_redirect(res, "/account");
}

static void password_signin(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct qs f;
	struct person p;
	char ip[64], email[EMAIL_MAX_LEN + 1], key[TOKEN_HASH_LEN + 1], hash[PASSWORD_HASH_MAX];
	struct db *db;

	if (begin(req, res, &w, &f))
		return;
	http_client_ip(req, ip, sizeof(ip));
	const char *raw = qs_get(&f, "email"), *pw = qs_get(&f, "password");
	if (!raw || !pw || email_normalise(raw, email) || strlen(pw) > PASSWORD_MAX) {
		page_render(req, res, 400, "signin",
			    json_pack("{s:s, s:s}", "title", "Sign in", "error",
				      "Please give your email address and password."),
			    &w);
		return;
	}
	token_hash(email, strlen(email), key);
	if (rate_limit(req, res, "password-ip", ip, &app->auth.rates.password_ip, 0) ||
	    rate_limit(req, res, "password-account", key, &app->auth.rates.password_account, 0))
		return;
	if (!(db = db_or_page(req, res, &w)))
		return;
	int found = person_by_email(db, email, &p) == 1 && p.has_password;
	snprintf(hash, sizeof(hash), "%s", app->dummy_hash);
	if (found) {
		struct db_stmt *st = db_cached(db, "SELECT password_hash FROM people WHERE id = ?");
		if (st && db_bind_int(st, 1, p.id) == 0 && db_step(st) == DB_ROW)
			snprintf(hash, sizeof(hash), "%s", db_col_text(st, 0));
		db_reset(st);
	}
	/* the same argon2id work whether or not the account exists */
	int ok = password_verify(hash, pw);
	if (ok < 0) {
		http_set_header(res, "Retry-After", "5");
		page_message(req, res, 503, "Busy", "Many people are signing in. Try again shortly.", &w);
		return;
	}
	if (!found || !ok) {
		audit_write(db, 0, "signin.password_failed", found ? p.id : 0, NULL);
		page_render(req, res, 401, "signin",
			    json_pack("{s:s, s:s}", "title", "Sign in", "error",
				      "That email address and password do not match."),
			    &w);
		return;
	}
	if (start_session(req, res, db, &w, p.id, 0, p.totp_enabled)) {
		page_message(req, res, 500, "Sorry", "We could not sign you in just now.", &w);
		return;
	}
	audit_write(db, p.id, "signin.password", p.id, NULL);
	http_redirect(res, p.totp_enabled ? "/signin/totp" : "/account/security");
}

static void totp_form(struct http_request *req, struct http_response *res)
{
	struct who w;

	if (begin(req, res, &w, NULL))
		return;
	if (!w.mfa_pending) {
		http_redirect(res, "/signin");
		return;
	}
	page_render(req, res, 200, "totp", json_pack("{s:s}", "title", "Your code"), &w);
}

/* 1 when code is one of the person's unused recovery codes (now used up). */
static int use_recovery_code(struct db *db, long pid, const char *code)
{
	char hash[TOKEN_HASH_LEN + 1];
	struct db_stmt *st = db_cached(db, "UPDATE recovery_codes SET used_at = ?"
					   " WHERE person_id = ? AND code_hash = ? AND used_at IS NULL");
	struct db_stmt *n = db_cached(db, "SELECT changes()");
	int rc = 0;

	if (!st || !n)
		return 0;
	token_hash(code, strlen(code), hash);
	if (db_bind_int(st, 1, now_s()) == 0 && db_bind_int(st, 2, pid) == 0 &&
	    db_bind_text(st, 3, hash, TOKEN_HASH_LEN) == 0 && db_step(st) == DB_DONE &&
	    db_step(n) == DB_ROW)
		rc = db_col_int(n, 0) == 1;
	db_reset(st);
	db_reset(n);
	return rc;
}

static void totp_signin(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct qs f;
	struct db *db;
	char key[32];

	if (begin(req, res, &w, &f))
		return;
	if (!w.mfa_pending) {
		http_redirect(res, "/signin");
		return;
	}
	long pid = w.session.person_id;
	snprintf(key, sizeof(key), "%ld", pid);
	if (rate_limit(req, res, "totp-account", key, &app->auth.rates.totp_account, 0) ||
	    !(db = db_or_page(req, res, &w)))
		return;
	const char *code = qs_get(&f, "code");
	int ok = 0;
	struct db_stmt *st = db_cached(db, "SELECT totp_secret, totp_last_step FROM people"
					   " WHERE id = ? AND totp_enabled = 1");
	if (code && st && db_bind_int(st, 1, pid) == 0 && db_step(st) == DB_ROW) {
		long long step = totp_check(db_col_text(st, 0), code, time(NULL), db_col_int(st, 1));
		db_reset(st);
		if (step >= 0) {
			struct db_stmt *up = db_cached(db, "UPDATE people SET totp_last_step = ?"
							   " WHERE id = ? AND totp_last_step < ?");
			struct db_stmt *n = db_cached(db, "SELECT changes()");
			/* the step is claimed atomically: a code works once */
			ok = up && n && db_bind_int(up, 1, step) == 0 && db_bind_int(up, 2, pid) == 0 &&
			     db_bind_int(up, 3, step) == 0 && db_step(up) == DB_DONE &&
			     db_step(n) == DB_ROW && db_col_int(n, 0) == 1;
			db_reset(up);
			db_reset(n);
		} else if (strlen(code) == 9) {
			ok = use_recovery_code(db, pid, code);
			if (ok)
				audit_write(db, pid, "signin.recovery_code", pid, NULL);
		}
	} else if (st) {
		db_reset(st);
	}
	if (!ok) {
		audit_write(db, 0, "signin.totp_failed", pid, NULL);
		page_render(req, res, 401, "totp",
			    json_pack("{s:s, s:s}", "title", "Your code", "error",
				      "That code is not right. Codes change every 30 seconds."),
			    &w);
		return;
	}
	if (start_session(req, res, db, &w, pid, 1, 0)) {
		page_message(req, res, 500, "Sorry", "We could not sign you in just now.", &w);
		return;
	}
	audit_write(db, pid, "signin.totp", pid, NULL);
	http_redirect(res, "/account");
}

static void signout(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct qs f;
	struct db *db;

	if (begin(req, res, &w, &f))
		return;
	if (*w.session.hash && (db = app_db(req->app))) {
		session_end(db, w.session.hash);
		audit_write(db, w.session.person_id, "signout", w.session.person_id, NULL);
	}
	session_cookie_clear(res, req);
	http_redirect(res, "/");
}

/* The groups covering the seat of the person's postcode. */
static json_t *suggestions(struct db *db, const struct person *p)
{
	json_t *out = json_array();
	struct postcode pc;
	struct pc_record r;

	if (!*p->postcode || postcode_parse(p->postcode, strlen(p->postcode), &pc) ||
	    lookup_postcode_or_district(db, &pc, &r) != 1 || !*r.pcon2024)
		return out;
	struct db_stmt *st = db_cached(db, "SELECT g.id, g.name FROM group_seats s"
					   " JOIN local_groups g ON g.id = s.group_id"
					   " WHERE s.pcon2024 = ? AND g.id NOT IN"
					   " (SELECT group_id FROM memberships WHERE person_id = ?)"
					   " ORDER BY g.name");
	if (!st || db_bind_str(st, 1, r.pcon2024) || db_bind_int(st, 2, p->id))
		return out;
	while (db_step(st) == DB_ROW)
		json_array_append_new(out, json_pack("{s:I, s:s}", "id", (json_int_t)db_col_int(st, 0),
						     "name", db_col_text(st, 1)));
	db_reset(st);
	return out;
}

static json_t *my_groups(struct db *db, long pid)
{
	json_t *out = json_array();
	struct db_stmt *st = db_cached(db, "SELECT g.id, g.name, m.role FROM memberships m"
					   " JOIN local_groups g ON g.id = m.group_id"
					   " WHERE m.person_id = ? ORDER BY g.name");
	if (!st || db_bind_int(st, 1, pid))
		return out;
	while (db_step(st) == DB_ROW)
		json_array_append_new(out, json_pack("{s:I, s:s, s:b}", "id",
						     (json_int_t)db_col_int(st, 0), "name",
						     db_col_text(st, 1), "organiser",
						     strcmp(db_col_text(st, 2), "organiser") == 0));
	db_reset(st);
	return out;
}

static void account_page_with(struct http_request *req, struct http_response *res,
			      const struct who *w, struct db *db, const struct person *p,
			      int status, const char *error, const char *notice)
{
	page_render(req, res, status, "account",
		    json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:b}, s:o, s:o, s:s*, s:s*}", "title",
			      "Your account", "person", "name", p->name, "email", p->email,
			      "postcode", p->postcode, "phone", p->phone, "member", p->member,
			      "groups", my_groups(db, p->id), "suggested", suggestions(db, p), "error",
			      error, "notice", notice),
		    w);
}

static void account_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct person p;
	struct db *db;

	if (begin(req, res, &w, NULL) || need_signed_in(req, res, &w) ||
	    !(db = db_or_page(req, res, &w)))
		return;
	if (person_by_id(db, w.actor.id, &p) != 1) {
		page_message(req, res, 500, "Sorry", "Your account could not be read.", &w);
		return;
	}
	account_page_with(req, res, &w, db, &p, 200, NULL, NULL);
}

static void account_update(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct qs f;
	struct person p, old, other;
	struct db *db;

	if (begin(req, res, &w, &f) || need_signed_in(req, res, &w) ||
	    !(db = db_or_page(req, res, &w)))
		return;
	if (person_by_id(db, w.actor.id, &old) != 1) {
		page_message(req, res, 500, "Sorry", "Your account could not be read.", &w);
		return;
	}
	p = old;
	const char *why = person_input_check(&p, qs_get(&f, "name"), qs_get(&f, "email"),
					     qs_get(&f, "postcode"), qs_get(&f, "phone"),
					     qs_get(&f, "member"));
	if (!why && strcmp(p.email, old.email) && person_by_email(db, p.email, &other) != 0)
		why = "That email address belongs to another account.";
	if (why) {
		account_page_with(req, res, &w, db, &old, 400, why, NULL);
		return;
	}
	if (person_update(db, &p)) {
		account_page_with(req, res, &w, db, &old, 500, "Your changes could not be saved.",
				  NULL);
		return;
	}
	audit_write(db, w.actor.id, "person.update", w.actor.id, NULL);
	account_page_with(req, res, &w, db, &p, 200, NULL, "Saved.");
}

static void account_export(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	json_t *all;

	if (begin(req, res, &w, NULL) || need_signed_in(req, res, &w) ||
	    !(db = db_or_page(req, res, &w)))
		return;
	if (!(all = person_export(db, w.actor.id))) {
		page_message(req, res, 500, "Sorry", "Your data could not be gathered.", &w);
		return;
	}
	char *text = json_dumps(all, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(all);
	if (!text) {
		page_message(req, res, 500, "Sorry", "Your data could not be gathered.", &w);
		return;
	}
	buf_puts(&res->body, text);
	free(text);
	res->status = 200;
	res->content_type = "application/json; charset=utf-8";
	http_set_header(res, "Content-Disposition", "attachment; filename=\"turnout-my-data.json\"");
	http_set_header(res, "Cache-Control", "no-store");
	audit_write(db, w.actor.id, "person.export", w.actor.id, NULL);
}

static void account_delete(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct qs f;
	struct db *db;

	if (begin(req, res, &w, &f) || need_signed_in(req, res, &w) ||
	    !(db = db_or_page(req, res, &w)))
		return;
	const char *confirm = qs_get(&f, "confirm");
	if (!confirm || strcmp(confirm, "delete") != 0) {
		page_message(req, res, 400, "Not deleted",
			     "Type delete in the box to confirm that you want your account erased.",
			     &w);
		return;
	}
	if (db_begin(db) || person_erase(db, w.actor.id) ||
	    audit_write(db, w.actor.id, "person.erase", w.actor.id, NULL) || db_commit(db)) {
		db_rollback(db);
		page_message(req, res, 500, "Sorry", "Your account could not be deleted just now.", &w);
		return;
	}
	session_cookie_clear(res, req);
	page_message(req, res, 200, "Your account is deleted",
		     "We have erased your personal data. Thank you for taking part.", NULL);
}

static void security_page_with(struct http_request *req, struct http_response *res,
				const struct who *w, struct db *db, int status, const char *error,
				json_t *codes)
{
	struct app *app = req->app;
	struct person p;
	char secret[TOTP_SECRET_B32] = "";
	struct db_stmt *st = db_cached(db, "SELECT totp_secret FROM people WHERE id = ?"
					   " AND totp_enabled = 0 AND totp_secret IS NOT NULL");

	if (person_by_id(db, w->actor.id, &p) != 1) {
		json_decref(codes);
		page_message(req, res, 500, "Sorry", "Your account could not be read.", w);
		return;
	}
	if (st && db_bind_int(st, 1, p.id) == 0 && db_step(st) == DB_ROW)
		snprintf(secret, sizeof(secret), "%s", db_col_text(st, 0));
	db_reset(st);
	json_t *ctx = json_pack("{s:s, s:b, s:b, s:b, s:s*, s:s*}", "title", "Password and codes",
				"has_password", p.has_password, "totp_enabled", p.totp_enabled,
				"strong", w->actor.strong, "pending_secret", *secret ? secret : NULL,
				"error", error);
	if (*secret)
		json_object_set_new(ctx, "otpauth",
				    json_string(arena_printf(&req->arena,
							     "otpauth://totp/turnout:%s?secret=%s"
							     "&issuer=turnout",
							     p.email, secret)));
	if (codes)
		json_object_set_new(ctx, "recovery_codes", codes);
	(void)app;
	page_render(req, res, status, "security", ctx, w);
}

static void security_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (begin(req, res, &w, NULL) || need_signed_in(req, res, &w) ||
	    !(db = db_or_page(req, res, &w)))
		return;
	security_page_with(req, res, &w, db, 200, NULL, NULL);
}

static void set_password(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct qs f;
	struct db *db;
	struct person p;
	char hash[PASSWORD_HASH_MAX];

	if (begin(req, res, &w, &f) || need_signed_in(req, res, &w) ||
	    !(db = db_or_page(req, res, &w)))
		return;
	const char *cur = qs_get(&f, "current"), *pw = qs_get(&f, "password"),
		   *again = qs_get(&f, "again");
	if (person_by_id(db, w.actor.id, &p) != 1) {
		page_message(req, res, 500, "Sorry", "Your account could not be read.", &w);
		return;
	}
	const char *why = !pw || !again ? "Type the new password twice."
			  : strcmp(pw, again) ? "The two new passwords differ."
					      : password_weakness(pw);
	if (!why && p.has_password) {
		/* changing a password takes the old one, even in a live session */
		struct db_stmt *st = db_cached(db, "SELECT password_hash FROM people WHERE id = ?");
		int ok = 0;
		if (cur && st && db_bind_int(st, 1, p.id) == 0 && db_step(st) == DB_ROW)
			ok = password_verify(db_col_text(st, 0), cur) == 1;
		db_reset(st);
		if (!ok)
			why = "Your current password is not right.";
	}
	if (why) {
		security_page_with(req, res, &w, db, 400, why, NULL);
		return;
	}
	struct db_stmt *up = db_cached(db, "UPDATE people SET password_hash = ? WHERE id = ?");
	if (password_hash(pw, hash) || !up || db_bind_str(up, 1, hash) ||
	    db_bind_int(up, 2, p.id) || db_step(up) != DB_DONE) {
		db_reset(up);
		security_page_with(req, res, &w, db, 503, "Please try again in a moment.", NULL);
		return;
	}
	db_reset(up);
	audit_write(db, p.id, "person.password", p.id, NULL);
	security_page_with(req, res, &w, db, 200, NULL, NULL);
}

static void totp_start(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct qs f;
	struct db *db;
	char secret[TOTP_SECRET_B32];

	if (begin(req, res, &w, &f) || need_signed_in(req, res, &w) ||
	    !(db = db_or_page(req, res, &w)))
		return;
	totp_new_secret(secret);
	struct db_stmt *up = db_cached(db, "UPDATE people SET totp_secret = ? WHERE id = ?"
					   " AND totp_enabled = 0");
	if (!*secret || !up || db_bind_str(up, 1, secret) ||
	    db_bind_int(up, 2, w.actor.id) || db_step(up) != DB_DONE) {
		db_reset(up);
		security_page_with(req, res, &w, db, 500, "Please try again.", NULL);
		return;
	}
	db_reset(up);
	http_redirect(res, "/account/security");
}

static void totp_confirm(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct qs f;
	struct db *db;
	long long step = -1;

	if (begin(req, res, &w, &f) || need_signed_in(req, res, &w) ||
	    !(db = db_or_page(req, res, &w)))
		return;
	const char *code = qs_get(&f, "code");
	struct db_stmt *st = db_cached(db, "SELECT totp_secret FROM people WHERE id = ?"
					   " AND totp_enabled = 0 AND totp_secret IS NOT NULL");
	if (code && st && db_bind_int(st, 1, w.actor.id) == 0 && db_step(st) == DB_ROW)
		step = totp_check(db_col_text(st, 0), code, time(NULL), 0);
	db_reset(st);
	if (step < 0) {
		security_page_with(req, res, &w, db, 400,
				   "That code is not right. Check the time on your phone.", NULL);
		return;
	}
	/* enable, and hand out recovery codes: shown once, stored hashed */
	json_t *codes = json_array();
	struct db_stmt *up = db_cached(db, "UPDATE people SET totp_enabled = 1, totp_last_step = ?"
					   " WHERE id = ?");
	struct db_stmt *del = db_cached(db, "DELETE FROM recovery_codes WHERE person_id = ?");
	struct db_stmt *ins = db_cached(db, "INSERT INTO recovery_codes (person_id, code_hash)"
					    " VALUES (?, ?)");
	int bad = !up || !del || !ins || db_begin(db) || db_bind_int(up, 1, step) ||
		  db_bind_int(up, 2, w.actor.id) || db_step(up) != DB_DONE ||
		  db_bind_int(del, 1, w.actor.id) || db_step(del) != DB_DONE;
	for (int i = 0; !bad && i < RECOVERY_CODES; i++) {
		static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
		char code9[10], hash[TOKEN_HASH_LEN + 1];
		for (int k = 0; k < 9; k++)
			code9[k] = k == 4 ? '-' : alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
		code9[9] = '\0';
		token_hash(code9, 9, hash);
		db_reset(ins);
		bad = db_bind_int(ins, 1, w.actor.id) || db_bind_text(ins, 2, hash, TOKEN_HASH_LEN) ||
		      db_step(ins) != DB_DONE;
		json_array_append_new(codes, json_string(code9));
	}
	db_reset(up);
	db_reset(del);
	db_reset(ins);
	if (bad || db_commit(db)) {
		db_rollback(db);
		json_decref(codes);
		security_page_with(req, res, &w, db, 500, "Please try again.", NULL);
		return;
	}
	audit_write(db, w.actor.id, "person.totp_enabled", w.actor.id, NULL);
	security_page_with(req, res, &w, db, 200, NULL, codes);
}

/* The JSON API's view of oneself. */
static void api_me(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct person p;
	struct db *db;
	struct jw j;

	if (visit_or_answer(req, res, &w, &db, VISIT_JSON))
		return;
	if (!w.actor.id) {
		http_error(res, 401, "Sign in first");
		return;
	}
	if (person_by_id(db, w.actor.id, &p) != 1) {
		http_error(res, 500, "Account could not be read");
		return;
	}
	http_ok_begin(res, &j);
	jw_obj(&j);
	jw_key(&j, "id");
	jw_int(&j, p.id);
	jw_key(&j, "name");
	jw_str(&j, p.name);
	jw_key(&j, "email");
	jw_str(&j, p.email);
	jw_key(&j, "postcode");
	jw_str_or_null(&j, *p.postcode ? p.postcode : NULL);
	jw_key(&j, "phone");
	jw_str_or_null(&j, *p.phone ? p.phone : NULL);
	jw_key(&j, "member");
	jw_bool(&j, p.member);
	jw_key(&j, "admin");
	jw_bool(&j, p.admin);
	jw_key(&j, "strong_session");
	jw_bool(&j, w.actor.strong);
	jw_obj_end(&j);
	jw_obj_end(&j);
	http_set_header(res, "Cache-Control", "no-store");
}

static void api_me_export(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, VISIT_JSON))
		return;
	if (!w.actor.id) {
		http_error(res, 401, "Sign in first");
		return;
	}
	json_t *all = person_export(db, w.actor.id);
	if (!all) {
		http_error(res, 500, "Export failed");
		return;
	}
	api_json(res, all);
	audit_write(db, w.actor.id, "person.export", w.actor.id, NULL);
}

static void api_me_delete(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, VISIT_JSON))
		return;
	if (!w.actor.id) {
		http_error(res, 401, "Sign in first");
		return;
	}
	if (!origin_ok(req)) {
		http_error(res, 403, "Cross-site request refused");
		return;
	}
	if (db_begin(db) || person_erase(db, w.actor.id) ||
	    audit_write(db, w.actor.id, "person.erase", w.actor.id, NULL) || db_commit(db)) {
		db_rollback(db);
		http_error(res, 500, "Deletion failed");
		return;
	}
	session_cookie_clear(res, req);
	struct jw j;
	http_ok_begin(res, &j);
	jw_obj(&j);
	jw_key(&j, "deleted");
	jw_bool(&j, 1);
	jw_obj_end(&j);
	jw_obj_end(&j);
}

const struct http_route account_routes[] = {
	{ "GET", "/signup", signup_form, ROUTE_PAGE },
	{ "POST", "/signup", signup, ROUTE_PAGE },
	{ "GET", "/signin", signin_form, ROUTE_PAGE },
	{ "POST", "/signin", signin_link_request, ROUTE_PAGE },
	{ "GET", "/signin/link", link_page, ROUTE_PAGE },
	{ "POST", "/signin/link", link_signin, ROUTE_PAGE },
	{ "POST", "/signin/password", password_signin, ROUTE_PAGE },
	{ "GET", "/signin/totp", totp_form, ROUTE_PAGE },
	{ "POST", "/signin/totp", totp_signin, ROUTE_PAGE },
	{ "POST", "/signout", signout, ROUTE_PAGE },
	{ "GET", "/account", account_page, ROUTE_PAGE },
	{ "POST", "/account", account_update, ROUTE_PAGE },
	{ "GET", "/account/export", account_export, ROUTE_PAGE },
	{ "POST", "/account/delete", account_delete, ROUTE_PAGE },
	{ "GET", "/account/security", security_page, ROUTE_PAGE },
	{ "POST", "/account/password", set_password, ROUTE_PAGE },
	{ "POST", "/account/totp/start", totp_start, ROUTE_PAGE },
	{ "POST", "/account/totp/confirm", totp_confirm, ROUTE_PAGE },
	{ "GET", "/api/v1/me", api_me, 0 },
	{ "GET", "/api/v1/me/export", api_me_export, 0 },
	{ "DELETE", "/api/v1/me", api_me_delete, 0 },
};
const size_t account_nroutes = sizeof(account_routes) / sizeof(account_routes[0]);
