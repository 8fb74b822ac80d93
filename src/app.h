/*
 * What every handler shares: the database path (each thread opens its own
 * connection on first use), the seats and results loaded at start-up, the
 * compiled templates and the static assets.  Everything here is read-only
 * once the server is up.
 */
#ifndef TURNOUT_APP_H
#define TURNOUT_APP_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>

#include "auth/config.h"
#include "db/blobs.h"
#include "db/db.h"
#include "db/writer.h"
#include "http/static.h"
#include "mail/mail.h"
#include "mail/outbox.h"
#include "seats/seats.h"
#include "sms/sms.h"
#include "tmpl/tmpl.h"
#include "util/ticker.h"

struct app {
	char db_path[1024];
	char assets[1024]; /* folder holding templates/ and static/ */
	struct seats seats;
	struct tmpl_set tmpl;
	struct static_files statics;
	struct blobs files; /* uploaded files (the materials library), by their hash */
	pthread_key_t db_key;
	/* TURNOUT_REFERENCE: postcodes, boundaries and results read from a local
	 * SQLite file of the same data, not the shared database ("" for none) */
	char reference[1024];
	pthread_key_t ref_key;
	struct auth_config auth;
	struct mailer mailer;
	struct sms_provider sms; /* enabled when TURNOUT_SMS_* are set */
	struct outbox_sender outbox; /* delivers the mail and texts queued in the database */
	char dummy_hash[128]; /* verified against when no account matches: equal timing */
	struct db_writer writer; /* group commit for the hot durable writes */
	int writer_running;
	pthread_mutex_t bg_lock; /* long jobs on threads of their own (app_background) */
	pthread_cond_t bg_done;
	int bg_running;
	atomic_int stopping; /* set by app_quiesce: long jobs stop at their next step */
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
/* Asks background jobs to stop (app->stopping) and waits for them, then
 * drains and stops the writer: every queued write is answered.  Call
 * before stopping the HTTP server; idempotent. */
void app_quiesce(struct app *app);
/* After an erasure commits: no copy of the erased rows is left in the
 * write-ahead log once the checkpointer has emptied it (db_writer.h). */
void app_erased(struct app *app);
/*
 * Every email: queued on db (inside the caller's transaction when one is
 * open, so it stands or falls with the write that causes it), rendered
 * from the templates mail_<tmpl>_text and mail_<tmpl>_html with ctx
 * (consumed) and delivered by the outbox's sender, off the request path.
 * key as for outbox_put(), or NULL.  0, or -1 after logging why (never the
 * address): the caller answers that the message could not be sent.
 */
int app_mail(struct app *app, struct db *db, const char *key, const char *to,
	     const char *subject, const char *tmpl, json_t *ctx);
/* A text to the E.164 number to, as app_mail() otherwise (the template is
 * sms_<tmpl>); 0 without queueing anything when texts are not set up. */
int app_text(struct app *app, struct db *db, const char *key, const char *to, const char *tmpl,
	     json_t *ctx);
/* Commits db's transaction and wakes the mail sender for what it queued:
 * 0, or -1 rolled back. */
int app_commit(struct app *app, struct db *db);
/* This thread's connection (opened on first use), or NULL if it cannot be. */
struct db *app_db(struct app *app);
/* This thread's connection for reading the reference data alone (postcodes,
 * seats, results): the TURNOUT_REFERENCE file, read-only, when set; else
 * app_db().  NULL when it cannot be opened. */
struct db *app_reference(struct app *app);
/* 1 when this thread's connection or the writer's last batch found the
 * database out of reach (db_lost): a failure now is "try again shortly". */
int app_db_lost(struct app *app);

/* The folder beside the running binary's parent (build/turnout -> .). */
void app_default_assets(char *out, size_t len);

/*
 * A job a thread of its own runs every few seconds on a database
 * connection of its own (reminders, expiries, sweeps): pass(k, now) once a
 * tick and when poked, a failure (-1) logged under what.  The interval is
 * env's seconds, dflt when unset, at most max.  0, or -1 when the thread
 * could not start.
 */
struct keeper {
	struct app *app;
	struct db *db; /* the thread's own connection, opened on its first tick */
	const char *what;
	long (*pass)(struct keeper *k, long long now);
	void *arg; /* the job's own state */
	struct ticker ticker;
};
int keeper_start(struct keeper *k, struct app *app, const char *what, const char *env, long dflt,
		 long max, long (*pass)(struct keeper *k, long long now), void *arg);
void keeper_poke(struct keeper *k);
void keeper_stop(struct keeper *k);

#endif
