/*
 * What every handler shares: the database path (each thread opens its own
 * connection on first use), the seats and results loaded at start-up, the
 * compiled templates and the static assets.  Everything here is read-only
 * once the server is up.
 */
#ifndef TURNOUT_APP_H
#define TURNOUT_APP_H

#include <pthread.h>

#include "auth/web.h"
#include "db/db.h"
#include "db/writer.h"
#include "events/signup_writer.h"
#include "http/server.h"
#include "http/static.h"
#include "mail/mail.h"
#include "seats/seats.h"
#include "tmpl/tmpl.h"

struct app {
	char db_path[1024];
	char assets[1024]; /* folder holding templates/ and static/ */
	struct seats seats;
	struct tmpl_set tmpl;
	struct static_files statics;
	pthread_key_t db_key;
	struct auth_config auth;
	struct mailer mailer;
	struct mail_queue mailq; /* mail sent after the answer, off the request path */
	char dummy_hash[128]; /* verified against when no account matches: equal timing */
	struct db_writer writer; /* group commit for the hot durable writes */
	int writer_running;
	pthread_mutex_t bg_lock; /* long jobs on threads of their own (app_background) */
	pthread_cond_t bg_done;
	int bg_running;
};

/* Opens the database, loads seats, templates and assets; 0 or -1 with err. */
int app_init(struct app *app, const char *db_path, const char *assets, char *err,
	     size_t errlen);
void app_release(struct app *app);
/*
 * Runs fn(arg) on a thread of its own, for a job too long to hold a worker
 * (an import): the request suspends, and fn resumes it.  At most
 * APP_BACKGROUND_MAX at once; 0, or -1 when that many already run.
 */
#define APP_BACKGROUND_MAX 4
int app_background(struct app *app, void (*fn)(void *arg), void *arg);
/* Waits for background jobs, then drains and stops the writer: every queued write is answered.
 * Call before stopping the HTTP server; idempotent. */
void app_quiesce(struct app *app);
/* This thread's connection (opened on first use), or NULL if it cannot be. */
struct db *app_db(struct app *app);

/* Renders template name as a page for visitor w (NULL: anonymous) into res. */
struct who;
void page_render(struct http_request *req, struct http_response *res, int status,
		 const char *name, json_t *ctx, const struct who *w);
/* A one-paragraph page: a title and a message. */
void page_message(struct http_request *req, struct http_response *res, int status,
		  const char *title, const char *text, const struct who *w);
/* {"status":200,"result":value} (value is consumed), not cached. */
void api_json(struct http_response *res, json_t *value);
/* Loads the visitor and this thread's connection; if either fails, answers
 * 503 (a page, or JSON when json) and returns -1. */
int visitor_begin(struct http_request *req, struct http_response *res, struct who *w,
		  struct db **db, int json);
/* Emails one person (address looked up here) from the mail queue: text and
 * a link to path on this site. */
void app_tell(struct http_request *req, struct db *db, long person, const char *subject,
	      const char *text, const char *path, const char *link_text);
/* visitor_begin() for pages only the signed in may see: anyone else is sent
 * to sign in, and -1 returned. */
int visitor_signed_in(struct http_request *req, struct http_response *res, struct who *w,
		      struct db **db);
/* Parses a urlencoded body into form; 0, or -1 after answering 400. */
int form_read(struct http_request *req, struct http_response *res, struct qs *form);
/* form_read(), then the form's CSRF token: 0, or -1 after answering (400, or a
 * 403 page saying the form has expired). */
int form_checked(struct http_request *req, struct http_response *res, const struct who *w,
		 struct qs *form);

/* Every route of every feature, for the server (the authz test checks none is dropped). */
#define APP_MAX_ROUTES 192
const struct http_route *app_routes(size_t *n);

/* The folder beside the running binary's parent (build/turnout -> .). */
void app_default_assets(char *out, size_t len);

#endif
