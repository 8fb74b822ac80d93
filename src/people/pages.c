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
#include "people/pages.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/store.h"
#include "auth/audit.h"
#include "auth/password.h"
#include "auth/totp.h"
#include "events/pages.h"
#include "groups/store.h"
#include "people/credentials.h"
#include "people/people.h"
#include "phonebank/phone.h"
#include "postcodes/lookup.h"
#include "util/jsonw.h"
#include "util/log.h"
#include "web/web.h"


static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static long long now_s(void)
{
	return (long long)time(NULL);
}

/* A plain message by mail to an address that may have no account here. */
static int mail_note(struct http_request *req, struct db *db, const char *to, const char *name,
		     const char *subject, const char *text, const char *path, const char *link)
{
	struct app *app = req->app;
	return app_mail(app, db, NULL, to, subject, "tell",
			json_pack("{s:s, s:s, s:s, s:s}", "name", name, "text", text, "url",
				  arena_printf(&req->arena, "%s%s", app->auth.public_url, path),
				  "link", link));
}

/* Queues a fresh sign-in link to p, the token and its mail in one
 * transaction: 0, or -1 (nothing kept; logged without the address). */
static int send_link(struct http_request *req, struct db *db, const struct person *p,
		     int existing, const char *next)
{
	struct app *app = req->app;
	char token[TOKEN_LEN + 1];
	int rc = -1;

	if (db_begin(db) || link_create(db, p->id, now_s(), next, token))
		goto done;
	json_t *ctx = json_pack("{s:s, s:s, s:b}", "name", p->name, "link",
				arena_printf(&req->arena, "%s/signin/link?token=%s",
					     app->auth.public_url, token),
				"existing", existing);
	if (app_mail(app, db, NULL, p->email, "Your turnout sign-in link", "signin", ctx) == 0 &&
	    audit_write(db, 0, "signin.link_sent", p->id, NULL) == 0)
		rc = app_commit(app, db);
done:
	if (rc) {
		db_rollback(db);
		log_error("sign-in link for %ld not queued", p->id);
	}
	sodium_memzero(token, sizeof(token));
	return rc;
}

/* queued is not the same as sent: "we have sent" is true once the relay
 * has it, and a message that could not be queued says so */
static void link_sent(struct http_request *req, struct http_response *res, const struct who *w,
		      int queued)
{
	if (queued < 0) {
		page_message(req, res, 503, "No email sent",
			     "We could not send the link just now. Please try again in a minute.",
			     w);
		return;
	}
	page_message(req, res, 200, "Check your email",
		     "If that address can sign in, we have sent it a link. It works once, for"
		     " 15 minutes.",
		     w);
}

static void signup_form(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	if (visit_or_answer(req, res, &w, &db, 0) == 0)
		page_render(req, res, 200, "signup", json_pack("{s:s}", "title", "Sign up"), &w);
}

static void signup(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct qs f;
	struct person p, existing;
	char ip[64];
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, 0) || form_or_answer(req, res, &w, &f))
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
	/* every link mailed to an address shares its bucket, known account or not */
	char key[TOKEN_HASH_LEN + 1];
	token_hash(p.email, strlen(p.email), key);
	if (rate_limit(req, res, "link-account", key,
		       &((struct app *)req->app)->auth.rates.signin_account, 0))
		return;
	int found = person_by_email(db, p.email, &existing), queued = 0;
	if (found == 1) {
		queued = send_link(req, db, &existing, 1, NULL);
	} else if (found == 0) {
		p.created_at = now_s();
		if (person_create(db, &p)) {
			page_sorry(req, res, "We could not sign you up just now.", &w);
			return;
		}
		audit_note(db, p.id, "person.signup", p.id, NULL);
		queued = send_link(req, db, &p, 0, NULL);
	} else {
		page_busy(req, res, &w);
		return;
	}
	link_sent(req, res, &w, queued);
}

/* The path a sign-in form says to return to, when it is one of ours; else NULL. */
static const char *form_next(const struct qs *f)
{
	const char *next = qs_get(f, "next");
	return next_path_ok(next) ? next : NULL;
}

static void signin_form(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	if (visit_or_answer(req, res, &w, &db, 0) == 0)
		page_render(req, res, 200, "signin",
			    json_pack("{s:s, s:s*}", "title", "Sign in", "next",
				      form_next(&req->query)),
			    &w);
}

/* An address with no account asked for a link: it is told so (and how to
 * join) by a mail queued like a link's, so both answers do the same work
 * and take the same time. */
static int no_account(struct http_request *req, struct db *db, const char *email)
{
	int rc = -1;

	if (db_begin(db) == 0 &&
	    mail_note(req, db, email, "there", "Signing in to turnout",
		      "Someone asked to sign in to turnout with this address, but it has no"
		      " account. To join, sign up with it. If it was not you, ignore this email.",
		      "/signup", "Sign up") == 0 &&
	    audit_write(db, 0, "signin.link_unknown", 0, NULL) == 0)
		rc = app_commit(req->app, db);
	if (rc)
		db_rollback(db);
	return rc;
}

static void signin_link_request(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct qs f;
	struct person p;
	char ip[64], email[EMAIL_MAX_LEN + 1], key[TOKEN_HASH_LEN + 1];
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, 0) || form_or_answer(req, res, &w, &f))
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
	int found = person_by_email(db, email, &p);
	int queued = found == 1   ? send_link(req, db, &p, 1, form_next(&f))
		     : found == 0 ? no_account(req, db, email)
				  : -1;
	link_sent(req, res, &w, queued);
}

static void link_page(struct http_request *req, struct http_response *res)
{
	page_link_button(req, res, "/signin/link", "Sign in to turnout", "Sign in", NULL);
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
	if (!pending && person_touch(db, person_id, now_s()) < 0)
		log_error("last activity of %ld not recorded", person_id);
	return 0;
}

static void link_signin(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct qs f;
	struct db *db;
	long pid = 0;

	if (visit_or_answer(req, res, &w, &db, 0) || form_or_answer(req, res, &w, &f))
		return;
	if (rate_limit_link_use(req, res))
		return;
	const char *token = qs_get(&f, "token");
	char next[NEXT_PATH_MAX + 1] = "";
	int ok = token ? link_consume(db, token, now_s(), &pid, next, sizeof(next)) : 0;
	if (ok != 1) {
		audit_note(db, 0, "signin.link_failed", 0, NULL);
		page_message(req, res, 400, "That link has expired",
			     "Sign-in links work once, for 15 minutes. Ask for a new one.", &w);
		return;
	}
	if (start_session(req, res, db, &w, pid, 0, 0)) {
		page_sorry(req, res, "We could not sign you in just now.", &w);
		return;
	}
	audit_note(db, pid, "signin.link", pid, NULL);
	http_redirect(res, next_path_ok(next) ? next : "/account");
}

/* A password sign-in waiting for its hash to be checked off the request path. */
struct password_signin_job {
	struct password_job pj; /* first: the hashing thread's view */
	struct http_request *req;
	long person_id; /* 0: no such account (the same work was done) */
	int totp_enabled;
	const char *next; /* where to go once signed in, or NULL */
};

static void password_checked(struct password_job *pj)
{
	http_resume(((struct password_signin_job *)pj)->req);
}

static void password_submit_or_resume(struct http_request *req)
{
	struct password_signin_job *j = req->pending;
	if (password_submit(&j->pj)) {
		j->pj.rc = -1;
		http_resume(req);
	}
}

/* The second half, once the hash is checked. */
static void password_signed_in(struct http_request *req, struct http_response *res,
			       struct password_signin_job *j)
{
	struct who w;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, 0))
		return;
	if (j->pj.rc < 0) {
		page_message(req, res, 503, "Busy", "Many people are signing in. Try again shortly.", &w);
		return;
	}
	if (!j->person_id || !j->pj.rc) {
		audit_note(db, 0, "signin.password_failed", j->person_id, NULL);
		if (j->person_id && secret_failed(db, j->person_id, "password", now_s()) < 0)
			log_error("a wrong password for %ld not counted", j->person_id);
		page_render(req, res, 401, "signin",
			    json_pack("{s:s, s:s}", "title", "Sign in", "error",
				      "That email address and password do not match."),
			    &w);
		return;
	}
	if (start_session(req, res, db, &w, j->person_id, 0, j->totp_enabled)) {
		page_sorry(req, res, "We could not sign you in just now.", &w);
		return;
	}
	audit_note(db, j->person_id, "signin.password", j->person_id, NULL);
	secret_succeeded(db, j->person_id, "password");
	if (j->totp_enabled)
		http_redirect(res, j->next ? arena_printf(&req->arena, "/signin/totp?next=%s", j->next)
					   : "/signin/totp");
	else
		http_redirect(res, j->next ? j->next : "/account/security");
}

static void password_signin(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct qs f;
	struct person p;
	char ip[64], email[EMAIL_MAX_LEN + 1], key[TOKEN_HASH_LEN + 1];
	struct db *db;

	if (req->pending) {
		password_signed_in(req, res, req->pending);
		return;
	}
	if (visit_or_answer(req, res, &w, &db, 0) || form_or_answer(req, res, &w, &f))
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
	struct password_signin_job *j = arena_alloc(&req->arena, sizeof(*j));
	char *hash = arena_alloc(&req->arena, PASSWORD_HASH_MAX);
	memset(j, 0, sizeof(*j));
	int found = person_by_email(db, email, &p) == 1 && p.has_password;
	/* counted in the database too, so a restart forgets no wrong guess */
	if (found && secret_locked(db, p.id, "password", now_s()) != 0) {
		rate_limited_answer(req, res, SECRET_WINDOW_S, 0);
		return;
	}
	/* the same argon2id work whether or not the account exists */
	if (!found || password_hash_of(db, p.id, hash, PASSWORD_HASH_MAX) != 1)
		snprintf(hash, PASSWORD_HASH_MAX, "%s", app->dummy_hash);
	j->req = req;
	j->person_id = found ? p.id : 0;
	j->totp_enabled = found && p.totp_enabled;
	j->next = form_next(&f); /* the form lives in the request's arena */
	j->pj.hash = hash;
	j->pj.pw = pw; /* the form lives in the request's arena */
	j->pj.done = password_checked;
	http_suspend(req, res, j, password_submit_or_resume);
}

static void totp_form(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, 0))
		return;
	if (!w.mfa_pending) {
		http_redirect(res, "/signin");
		return;
	}
	page_render(req, res, 200, "totp",
		    json_pack("{s:s, s:s*}", "title", "Your code", "next", form_next(&req->query)),
		    &w);
}

static void totp_signin(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct qs f;
	struct db *db;
	char key[32];

	if (visit_or_answer(req, res, &w, &db, 0) || form_or_answer(req, res, &w, &f))
		return;
	if (!w.mfa_pending) {
		http_redirect(res, "/signin");
		return;
	}
	long pid = w.session.person_id;
	snprintf(key, sizeof(key), "%ld", pid);
	if (rate_limit(req, res, "totp-account", key, &app->auth.rates.totp_account, 0))
		return;
	if (secret_locked(db, pid, "totp", now_s()) != 0) {
		rate_limited_answer(req, res, SECRET_WINDOW_S, 0);
		return;
	}
	const char *code = qs_get(&f, "code");
	int ok = 0;
	char secret[TOTP_SECRET_B32];
	long long last;
	if (code && totp_enabled_secret(db, pid, secret, &last) == 1) {
		long long step = totp_check(secret, code, time(NULL), last);
		/* the step is claimed atomically: a code works once */
		if (step >= 0)
			ok = totp_step_claim(db, pid, step) == 1;
		else if (strlen(code) == RECOVERY_CODE_LEN &&
			 (ok = recovery_code_use(db, pid, code, now_s()) == 1) &&
			 audit_write(db, pid, "signin.recovery_code", pid, NULL))
			log_error("audit: recovery code use by %ld not recorded", pid);
	}
	if (!ok) {
		audit_note(db, 0, "signin.totp_failed", pid, NULL);
		if (secret_failed(db, pid, "totp", now_s()) < 0)
			log_error("a wrong code for %ld not counted", pid);
		page_render(req, res, 401, "totp",
			    json_pack("{s:s, s:s}", "title", "Your code", "error",
				      "That code is not right. Codes change every 30 seconds."),
			    &w);
		return;
	}
	if (start_session(req, res, db, &w, pid, 1, 0)) {
		page_sorry(req, res, "We could not sign you in just now.", &w);
		return;
	}
	audit_note(db, pid, "signin.totp", pid, NULL);
	secret_succeeded(db, pid, "totp");
	const char *next = form_next(&f);
	http_redirect(res, next ? next : "/account");
}

/* Signs the person out on every device, this one too. */
static void signout_everywhere(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct qs f;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) || form_or_answer(req, res, &w, &f))
		return;
	if (session_end_all(db, w.actor.id)) {
		page_sorry(req, res, "You could not be signed out everywhere just now.", &w);
		return;
	}
	audit_note(db, w.actor.id, "signout.everywhere", w.actor.id, NULL);
	session_cookie_clear(res, req);
	http_redirect(res, "/");
}

static void signout(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct qs f;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, 0) || form_or_answer(req, res, &w, &f))
		return;
	if (*w.session.hash) {
		session_end(db, w.session.hash);
		audit_note(db, w.session.person_id, "signout", w.session.person_id, NULL);
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

	if (*p->postcode && postcode_parse(p->postcode, strlen(p->postcode), &pc) == 0 &&
	    lookup_postcode_or_district(db, &pc, &r) == 1 && *r.pcon2024)
		groups_covering(db, r.pcon2024, p->id, json_id_name, out);
	return out;
}

static void joined_item(long id, const char *name, enum group_role role, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:b}", "id", (json_int_t)id, "name", name,
					     "organiser", role == ROLE_ORGANISER));
}

static json_t *my_groups(struct db *db, long pid)
{
	json_t *out = json_array();
	groups_joined(db, pid, joined_item, out);
	return out;
}

/*
 * Mail for an asked address change, inside the caller's transaction: to the
 * new address a link that makes the change, or, when it has an account of
 * its own, a note that nothing changed (the asker is told the same either
 * way, so the answer tests no address); to the old one, a warning.
 */
static int email_move_ask(struct http_request *req, struct db *db, const struct person *p,
			  const char *to)
{
	struct person other;
	char token[TOKEN_LEN + 1];
	int rc = -1, taken = person_by_email(db, to, &other);

	if (taken < 0)
		return -1;
	if (taken)
		rc = mail_note(req, db, to, "there", "Your turnout address",
			       "Someone asked to move another turnout account to this address."
			       " This address has its own account, so nothing has changed. If it"
			       " was you, sign in with this address instead.",
			       "/signin", "Sign in");
	else if (email_change_create(db, p->id, to, now_s(), token) == 0)
		rc = mail_note(req, db, to, p->name, "Confirm your new turnout address",
			       "Open this link to make this your address for signing in to"
			       " turnout. It works once, for 24 hours. If you did not ask for"
			       " this, ignore this email: nothing changes.",
			       arena_printf(&req->arena, "/account/email?token=%s", token),
			       "Confirm this address");
	sodium_memzero(token, sizeof(token));
	if (rc == 0)
		rc = mail_note(req, db, p->email, p->name, "Your turnout address",
			       "Someone signed in to your account asked to change its address. It"
			       " changes only when the link sent to the new address is opened. If"
			       " this was not you, set a new password and sign out everywhere.",
			       "/account/security", "Your account's security");
	return rc;
}

static void alert_item(const struct alert_hit *h, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:i, s:s}", "postcode", h->postcode, "km",
					     (int)h->km, "token", h->stop_token));
}

static json_t *my_alerts(struct db *db, long person_id)
{
	json_t *out = json_array();
	alerts_of(db, person_id, alert_item, out);
	return out;
}

static void account_page_with(struct http_request *req, struct http_response *res,
			      const struct who *w, struct db *db, const struct person *p,
			      int status, const char *error, const char *notice)
{
	char sms_to[16] = "";
	long long agreed;
	int texted = person_sms_get(db, p->id, sms_to, &agreed) == 1;
	json_t *ctx =
	    json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:b}, s:o, s:o, s:o, s:s*, s:s*}", "title",
		      "Your account", "person", "name", p->name, "email", p->email, "postcode",
		      p->postcode, "phone", p->phone, "member", p->member, "groups",
		      my_groups(db, p->id), "suggested", suggestions(db, p), "alerts",
		      my_alerts(db, p->id), "error", error, "notice", notice);
	/* text reminders are offered only where a provider is set up */
	if (((struct app *)req->app)->sms.enabled)
		json_object_set_new(json_object_get(ctx, "person"), "sms",
				    json_pack("{s:b, s:s*}", "on", texted, "to",
					      texted ? sms_to : NULL));
	page_render(req, res, status, "account", ctx, w);
}

static void account_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct person p;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	if (person_by_id(db, w.actor.id, &p) != 1) {
		page_sorry(req, res, "Your account could not be read.", &w);
		return;
	}
	account_page_with(req, res, &w, db, &p, 200, NULL, NULL);
}

static void account_update(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct qs f;
	struct person p, old;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) ||
	    form_or_answer(req, res, &w, &f))
		return;
	if (person_by_id(db, w.actor.id, &old) != 1) {
		page_sorry(req, res, "Your account could not be read.", &w);
		return;
	}
	p = old;
	const char *why = person_input_check(&p, qs_get(&f, "name"), qs_get(&f, "email"),
					     qs_get(&f, "postcode"), qs_get(&f, "phone"),
					     qs_get(&f, "member"));
	if (why) {
		account_page_with(req, res, &w, db, &old, 400, why, NULL);
		return;
	}
	/* the address changes only when a link mailed to it is opened */
	char moving[EMAIL_MAX_LEN + 1] = "";
	if (strcmp(p.email, old.email)) {
		char key[TOKEN_HASH_LEN + 1];
		token_hash(p.email, strlen(p.email), key);
		if (rate_limit(req, res, "link-account", key,
			       &((struct app *)req->app)->auth.rates.signin_account, 0))
			return;
		memcpy(moving, p.email, sizeof(moving));
		memcpy(p.email, old.email, sizeof(p.email));
	}
	/* texts by consent only, to a mobile: the box and the number together */
	char mobile[PHONE_E164_MAX] = "", had[16] = "";
	long long agreed;
	int offered = ((struct app *)req->app)->sms.enabled;
	int texts = offered && qs_get(&f, "sms") && !strcmp(qs_get(&f, "sms"), "1");
	int had_texts = person_sms_get(db, p.id, had, &agreed) == 1;
	if (texts && (!*p.phone || phone_normalise(p.phone, strlen(p.phone), mobile) ||
		      strncmp(mobile, "+447", 4))) {
		account_page_with(req, res, &w, db, &old, 400,
				  "Text reminders need a UK mobile number (07…) in Phone.", NULL);
		return;
	}
	if (db_begin(db) || person_update(db, &p) ||
	    (offered && person_sms_set(db, p.id, texts ? mobile : NULL, now_s())) ||
	    (*moving && email_move_ask(req, db, &old, moving)) || app_commit(req->app, db)) {
		db_rollback(db);
		account_page_with(req, res, &w, db, &old, 500, "Your changes could not be saved.",
				  NULL);
		return;
	}
	audit_note(db, w.actor.id, "person.update", w.actor.id, NULL);
	if (offered && (texts != had_texts || (texts && strcmp(mobile, had))))
		audit_note(db, w.actor.id, texts ? "sms.consent" : "sms.withdraw", w.actor.id, NULL);
	/* the same answer whether or not the address has an account of its own */
	account_page_with(req, res, &w, db, &p, 200, NULL,
			  *moving ? arena_printf(&req->arena,
						 "Saved. We have sent a link to %s: your sign-in"
						 " address changes when you open it, within 24 hours.",
						 moving)
				  : "Saved.");
}

/* An address change confirmed from the new mailbox: the account moves,
 * and every other sign-in to it ends. */
static void email_confirm_page(struct http_request *req, struct http_response *res)
{
	page_link_button(req, res, "/account/email", "Confirm your new address", "Use this address",
			 "This makes the address this link was sent to the one you sign in with."
			 " Every other sign-in to your account ends.");
}

static void email_confirm(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct qs f;
	struct db *db;
	struct person p, other;
	char email[EMAIL_MAX_LEN + 1];
	long pid = 0;

	if (visit_or_answer(req, res, &w, &db, 0) || form_or_answer(req, res, &w, &f))
		return;
	if (rate_limit_link_use(req, res))
		return;
	const char *token = qs_get(&f, "token");
	if (db_begin(db)) {
		page_busy(req, res, &w);
		return;
	}
	int ok = token ? email_change_consume(db, token, now_s(), &pid, email) : 0;
	int taken = ok == 1 ? person_by_email(db, email, &other) : 0;
	int found = ok == 1 && taken == 0 ? person_by_id(db, pid, &p) : 0;
	if (found == 1)
		memcpy(p.email, email, sizeof(p.email));
	if (found != 1 || person_update(db, &p) ||
	    session_end_others(db, pid, w.actor.id == pid ? w.session.hash : "") ||
	    db_commit(db)) {
		db_rollback(db);
		if (ok < 0 || taken < 0 || found < 0)
			page_sorry(req, res, "Nothing was changed. Please try again.", &w);
		else if (taken)
			page_message(req, res, 409, "That address has an account",
				     "It now belongs to another account, so yours keeps its address.",
				     &w);
		else
			page_message(req, res, 400, "That link has expired",
				     "A link to change your address works once, for 24 hours. Change"
				     " it again on your account page.",
				     &w);
		return;
	}
	audit_note(db, pid, "person.email_change", pid, NULL);
	page_message(req, res, 200, "Address changed",
		     arena_printf(&req->arena,
				  "You now sign in with %s. Every other sign-in to your account"
				  " has ended.",
				  email),
		     &w);
}

static void account_export(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	json_t *all;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	if (!(all = person_export(db, w.actor.id))) {
		page_sorry(req, res, "Your data could not be gathered.", &w);
		return;
	}
	char *text = json_dumps(all, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(all);
	if (!text) {
		page_sorry(req, res, "Your data could not be gathered.", &w);
		return;
	}
	/* an export of personal data goes out only once it is in the audit log */
	if (audit_write(db, w.actor.id, "person.export", w.actor.id, NULL)) {
		free(text);
		page_sorry(req, res, "Your data could not be gathered.", &w);
		return;
	}
	buf_puts(&res->body, text);
	free(text);
	res->status = 200;
	res->content_type = "application/json; charset=utf-8";
	http_set_header(res, "Content-Disposition", "attachment; filename=\"turnout-my-data.json\"");
	http_set_header(res, "Cache-Control", "no-store");
}

static void account_delete(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct qs f;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) ||
	    form_or_answer(req, res, &w, &f))
		return;
	const char *confirm = qs_get(&f, "confirm");
	if (!confirm || strcmp(confirm, "delete") != 0) {
		page_message(req, res, 400, "Not deleted",
			     "Type delete in the box to confirm that you want your account erased.",
			     &w);
		return;
	}
	if (db_begin(db) || events_tell_host_leaving(req, db, w.actor.id) < 0 ||
	    person_erase(db, w.actor.id) ||
	    audit_write(db, w.actor.id, "person.erase", w.actor.id, NULL) ||
	    app_commit(req->app, db)) {
		db_rollback(db);
		page_sorry(req, res, "Your account could not be deleted just now.", &w);
		return;
	}
	app_erased(req->app);
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

	if (person_by_id(db, w->actor.id, &p) != 1) {
		json_decref(codes);
		page_sorry(req, res, "Your account could not be read.", w);
		return;
	}
	if (totp_pending_secret(db, p.id, secret) != 1)
		*secret = '\0';
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

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
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

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) ||
	    form_or_answer(req, res, &w, &f))
		return;
	const char *cur = qs_get(&f, "current"), *pw = qs_get(&f, "password"),
		   *again = qs_get(&f, "again");
	if (person_by_id(db, w.actor.id, &p) != 1) {
		page_sorry(req, res, "Your account could not be read.", &w);
		return;
	}
	const char *why = NULL;
	if (!pw || !again)
		why = "Type the new password twice.";
	else if (strcmp(pw, again))
		why = "The two new passwords differ.";
	else
		why = password_weakness(pw);
	if (!why && p.has_password) {
		/* changing a password takes the old one, even in a live session */
		char old[PASSWORD_HASH_MAX];
		if (!cur || password_hash_of(db, p.id, old, sizeof(old)) != 1 ||
		    password_verify(old, cur) != 1)
			why = "Your current password is not right.";
	}
	if (why) {
		security_page_with(req, res, &w, db, 400, why, NULL);
		return;
	}
	if (password_hash(pw, hash) || password_hash_set(db, p.id, hash) != 1) {
		security_page_with(req, res, &w, db, 503, "Please try again in a moment.", NULL);
		return;
	}
	audit_note(db, p.id, "person.password", p.id, NULL);
	if (session_end_others(db, p.id, w.session.hash))
		log_error("sessions of %ld not ended after a password change", p.id);
	security_page_with(req, res, &w, db, 200, NULL, NULL);
}

static void totp_start(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct qs f;
	struct db *db;
	char secret[TOTP_SECRET_B32];

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) ||
	    form_or_answer(req, res, &w, &f))
		return;
	totp_new_secret(secret);
	if (!*secret || totp_pending_set(db, w.actor.id, secret) != 1) {
		security_page_with(req, res, &w, db, 500, "Please try again.", NULL);
		return;
	}
	http_redirect(res, "/account/security");
}

static void totp_confirm(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct qs f;
	struct db *db;
	long long step = -1;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) ||
	    form_or_answer(req, res, &w, &f))
		return;
	const char *code = qs_get(&f, "code");
	char secret[TOTP_SECRET_B32];
	if (code && totp_pending_secret(db, w.actor.id, secret) == 1)
		step = totp_check(secret, code, time(NULL), 0);
	if (step < 0) {
		security_page_with(req, res, &w, db, 400,
				   "That code is not right. Check the time on your phone.", NULL);
		return;
	}
	/* enable, and hand out recovery codes: shown once, stored hashed */
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	char codes[RECOVERY_CODES][RECOVERY_CODE_LEN + 1];
	for (int i = 0; i < RECOVERY_CODES; i++) {
		for (int k = 0; k < RECOVERY_CODE_LEN; k++)
			codes[i][k] = k == 4 ? '-' : alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
		codes[i][RECOVERY_CODE_LEN] = '\0';
	}
	if (totp_enable(db, w.actor.id, step, codes) != 1) {
		security_page_with(req, res, &w, db, 500, "Please try again.", NULL);
		return;
	}
	json_t *shown = json_array();
	for (int i = 0; i < RECOVERY_CODES; i++)
		json_array_append_new(shown, json_string(codes[i]));
	sodium_memzero(codes, sizeof(codes));
	audit_note(db, w.actor.id, "person.totp_enabled", w.actor.id, NULL);
	if (session_end_others(db, w.actor.id, w.session.hash))
		log_error("sessions of %ld not ended after codes were set", w.actor.id);
	security_page_with(req, res, &w, db, 200, NULL, shown);
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
	jw_key_int(&j, "id", p.id);
	jw_key_str(&j, "name", p.name);
	jw_key_str(&j, "email", p.email);
	jw_key_str_or_null(&j, "postcode", *p.postcode ? p.postcode : NULL);
	jw_key_str_or_null(&j, "phone", *p.phone ? p.phone : NULL);
	jw_key_bool(&j, "member", p.member);
	jw_key_bool(&j, "admin", p.admin);
	jw_key_bool(&j, "strong_session", w.actor.strong);
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
	if (audit_write(db, w.actor.id, "person.export", w.actor.id, NULL)) {
		json_decref(all);
		http_error(res, 500, "Export failed");
		return;
	}
	api_json(res, all);
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
	if (db_begin(db) || events_tell_host_leaving(req, db, w.actor.id) < 0 ||
	    person_erase(db, w.actor.id) ||
	    audit_write(db, w.actor.id, "person.erase", w.actor.id, NULL) ||
	    app_commit(req->app, db)) {
		db_rollback(db);
		http_error(res, 500, "Deletion failed");
		return;
	}
	app_erased(req->app);
	session_cookie_clear(res, req);
	struct jw j;
	http_ok_begin(res, &j);
	jw_obj(&j);
	jw_key_bool(&j, "deleted", 1);
	jw_obj_end(&j);
	jw_obj_end(&j);
}

const struct http_route account_routes[] = {
	{ "GET", "/signup", signup_form, ROUTE_PAGE, NULL },
	{ "POST", "/signup", signup, ROUTE_PAGE, NULL },
	{ "GET", "/signin", signin_form, ROUTE_PAGE, NULL },
	{ "POST", "/signin", signin_link_request, ROUTE_PAGE, NULL },
	{ "GET", "/signin/link", link_page, ROUTE_PAGE, NULL },
	{ "POST", "/signin/link", link_signin, ROUTE_PAGE, NULL },
	{ "POST", "/signin/password", password_signin, ROUTE_PAGE, NULL },
	{ "GET", "/signin/totp", totp_form, ROUTE_PAGE, NULL },
	{ "POST", "/signin/totp", totp_signin, ROUTE_PAGE, NULL },
	{ "POST", "/signout", signout, ROUTE_PAGE, NULL },
	{ "GET", "/account", account_page, ROUTE_PAGE, NULL },
	{ "POST", "/account", account_update, ROUTE_PAGE, NULL },
	{ "GET", "/account/email", email_confirm_page, ROUTE_PAGE, NULL },
	{ "POST", "/account/email", email_confirm, ROUTE_PAGE, NULL },
	{ "GET", "/account/export", account_export, ROUTE_PAGE, NULL },
	{ "POST", "/account/delete", account_delete, ROUTE_PAGE, NULL },
	{ "POST", "/account/signout-everywhere", signout_everywhere, ROUTE_PAGE, NULL },
	{ "GET", "/account/security", security_page, ROUTE_PAGE, NULL },
	{ "POST", "/account/password", set_password, ROUTE_PAGE, NULL },
	{ "POST", "/account/totp/start", totp_start, ROUTE_PAGE, NULL },
	{ "POST", "/account/totp/confirm", totp_confirm, ROUTE_PAGE, NULL },
	{ "GET", "/api/v1/me", api_me, 0, NULL },
	{ "GET", "/api/v1/me/export", api_me_export, 0, NULL },
	{ "DELETE", "/api/v1/me", api_me_delete, 0, NULL },
};
const size_t account_nroutes = sizeof(account_routes) / sizeof(account_routes[0]);
