/*
 * The web layer every feature's pages and API handlers stand on: who is
 * asking (the session cookie read once per request, the person's standing
 * loaded fresh each time so a role change takes effect on the very next
 * request), CSRF tokens for forms, Origin checks for the JSON API, rate
 * limits, and how pages, messages and JSON answers are written.
 *
 * A function named …_or_answer() has already answered when it returns -1:
 * the handler just returns.
 */
#ifndef TURNOUT_WEB_H
#define TURNOUT_WEB_H

#include <jansson.h>

#include "app.h"
#include "auth/policy.h"
#include "auth/secret.h"
#include "auth/session.h"
#include "db/writer.h"
#include "http/multipart.h"
#include "http/qs.h"
#include "http/server.h"

struct who {
	struct actor actor;	/* id 0 when signed out */
	int mfa_pending;	/* password checked, TOTP still to come */
	struct session session; /* valid when actor.id or mfa_pending */
	char name[128];
	char csrf[TOKEN_LEN + 1]; /* the token this visitor's forms must carry */
	int bad_token;		  /* 1: a bearer token that is not live; 2: rate limited */
	int retry_after;	  /* seconds, when bad_token is 2 */
};

/*
 * Loads the visitor.  Signed out, they get an anonymous CSRF cookie (set on
 * res) so that even the sign-in forms are protected.  -1 on a store error.
 */
int who_load(struct http_request *req, struct http_response *res, struct who *w);
/* For API handlers: answers 401 or 429 for a refused bearer token; 1 if it did. */
int api_token_refused(struct http_request *req, struct http_response *res, const struct who *w);
/* 1 when the form's csrf field matches this visitor's token. */
int who_csrf_ok(const struct who *w, const struct qs *form);
/*
 * For the JSON API's state-changing calls with a session cookie: the
 * request's Origin (or Referer) must be this server.  1 when it is.
 */
int origin_ok(struct http_request *req);
void session_cookie_set(struct http_response *res, struct http_request *req, const char *token);
void session_cookie_clear(struct http_response *res, struct http_request *req);
/* 0 allowed; else answers 429 with Retry-After (JSON or page) and returns -1. */
int rate_limit(struct http_request *req, struct http_response *res, const char *bucket,
	       const char *who, const struct rate_rule *rule, int json);
/* Answers 429 with Retry-After: wait seconds (JSON or page). */
void rate_limited_answer(struct http_request *req, struct http_response *res, int wait, int json);

#define VISIT_SIGNED_IN 1 /* anyone signed out is sent to sign in */
#define VISIT_JSON	2 /* failures answered as JSON, not pages */
/*
 * Loads the visitor and this thread's connection: 0, or -1 after answering
 * (503 when either cannot be had; with VISIT_SIGNED_IN a redirect to sign
 * in for anyone signed out).
 */
int visit_or_answer(struct http_request *req, struct http_response *res, struct who *w,
		    struct db **db, int flags);
/*
 * Parses the urlencoded body into form and, when w is not NULL, checks its
 * CSRF token: 0, or -1 after answering (400, or a 403 page saying the form
 * has expired).
 */
int form_or_answer(struct http_request *req, struct http_response *res, const struct who *w,
		   struct qs *form);

/*
 * For a ROUTE_UPLOAD form sent as multipart/form-data (a file and its
 * fields): reads the body (at most max bytes, else 413), parses it into
 * form and file, and checks the form's CSRF token: 0, or -1 after
 * answering with a page that says what was wrong.
 */
int upload_form_or_answer(struct http_request *req, struct http_response *res, const struct who *w,
			  size_t max, struct qs *form, struct multipart_file *file);

/* Renders template name as a page for visitor w (NULL: anonymous) into res;
 * ctx is consumed. */
void page_render(struct http_request *req, struct http_response *res, int status, const char *name,
		 json_t *ctx, const struct who *w);
/*
 * The page a mailed link opens (?token=): a button that posts the token to
 * action, so that fetching the link (a mail scanner does) changes nothing.
 * text, when not NULL, says what the button will do.
 */
void page_link_button(struct http_request *req, struct http_response *res, const char *action,
		      const char *title, const char *button, const char *text);
/* Using a mailed link (its token is a secret) is rate-limited per address:
 * 0, or -1 with the 429 answered. */
int rate_limit_link_use(struct http_request *req, struct http_response *res);

/* 1 when p is a path of this site fit to return to after signing in:
 * "/" then letters, digits, '/', '-' or '_', at most NEXT_PATH_MAX bytes. */
#define NEXT_PATH_MAX 200
int next_path_ok(const char *p);
/* Where a GET that needs a sign-in sends the visitor: the sign-in page,
 * told to come back to this path (ids only: no personal data in it). */
const char *signin_path(struct http_request *req);

/* Open Graph tags for a page worth sharing (a session, a seat, a campaign):
 * what a link preview shows.  Nothing private goes in them. */
void page_og(struct http_request *req, json_t *ctx, const char *title, const char *description,
	     const char *path);
/* The fields keys[0..n) of a form as sent (f NULL: none yet), "" for
 * those missing, as a JSON object for its page to show again. */
json_t *form_json(const struct qs *f, const char *const *keys, size_t n);
/* A one-paragraph page: a title and a message. */
void page_message(struct http_request *req, struct http_response *res, int status,
		  const char *title, const char *text, const struct who *w);
/* 500 "Sorry" with what could not be done (the store failed). */
void page_sorry(struct http_request *req, struct http_response *res, const char *text,
		const struct who *w);
/* 404 as a page, for a browser that asked for an address with no page. */
void page_not_found(struct http_request *req, struct http_response *res);
/* 503 "Busy" (with Retry-After): the database is unavailable for a moment. */
void page_busy(struct http_request *req, struct http_response *res, const struct who *w);
/* Every answer passes here (http_config.answered): a 500 while the
 * database is out of reach (a failover, a restart) becomes 503 with
 * Retry-After, as a page or as JSON, so clients and balancers try again. */
void page_answered(struct http_request *req, struct http_response *res);
/* For a store's (id, name) rows: appends {"id", "name"} to the JSON array arg. */
void json_id_name(long id, const char *name, void *arg);
/* {"status":200,"result":value} (value is consumed), not cached. */
void api_json(struct http_response *res, json_t *value);

/*
 * A durable write handed to the group-commit writer while the request
 * waits, without holding a worker thread: embed it first in the job, and
 * call web_write_suspend() with the function that applies the job inside
 * the writer's transaction (-1 rolls the batch back).  The handler is then
 * called again with req->pending pointing at the job, and ok set: 1 once
 * its batch is durable, 0 when it was rolled back.
 */
struct web_write {
	struct db_job base; /* first: the writer's view */
	struct http_request *req;
	int ok;
};
void web_write_suspend(struct http_request *req, struct http_response *res, struct web_write *w,
		       int (*apply)(struct db *db, struct db_job *job));

/*
 * Post/redirect/get for searches, so Back and bookmarks work and no
 * postcode shows in a URL: a search form's body (up to 1 KiB) is sealed
 * with the time into a link of its own, path?r=<sealed>, that any node
 * opens for 30 minutes.  recall_init() takes the nodes' shared key
 * (secret_get(db, "search links", …)) before the server starts.
 */
void recall_init(const unsigned char key[SECRET_BYTES]);
/* The kept form (n bytes, in req's arena), or NULL when forged or expired. */
const char *recall_get(struct http_request *req, const char *token, size_t *n);
/* For a POST with a body: keeps it and redirects to path?r=…; 1 when it has. */
int search_or_redirect(struct http_request *req, struct http_response *res, const char *path);

/* Queues an email to one person (address looked up here) on db, inside the
 * caller's transaction when one is open: text and a link to path on this
 * site.  0 (also when there is no such person), or -1. */
int web_tell(struct http_request *req, struct db *db, long person, const char *subject,
	      const char *text, const char *path, const char *link_text);

#endif
