#include "events/reminders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "events/notices.h"
#include "events/store.h"
#include "util/log.h"
#include "util/mem.h"

#define REMINDERS_BATCH 500

long reminders_run(struct app *app, struct db *db)
{
	static const struct {
		const char *kind;
		long from, to; /* the slot starts within (now + from, now + to] */
	} windows[] = { { "24h", 2 * 3600, 24 * 3600 }, { "2h", 0, 2 * 3600 } };
	struct reminder_due *due = xmalloc(REMINDERS_BATCH * sizeof(*due));
	struct event *e = xmalloc(sizeof(*e));
	struct arena a;
	long sent = 0;
	time_t now = time(NULL);

	arena_init(&a, 16384);
	for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]) && sent >= 0; w++) {
		long n = reminders_due(db, now + windows[w].from, now + windows[w].to,
				       windows[w].kind, due, REMINDERS_BATCH);
		if (n <= 0) {
			sent = n < 0 ? -1 : sent;
			continue;
		}
		/* each reminder is recorded and queued in one transaction, under a key
		 * of its own: however many passes race, it is sent once */
		int rc = db_begin(db);
		for (long i = 0; i < n && rc == 0; i++) {
			const struct reminder_due *d = &due[i];
			char key[64];
			snprintf(key, sizeof(key), "reminder-%ld-%s", d->signup_id, windows[w].kind);
			int fresh = reminder_mark(db, d->signup_id, windows[w].kind, now);
			if (fresh < 0 || (fresh && event_get(db, d->event_id, e) != 1)) {
				rc = -1;
			} else if (fresh) {
				int two = windows[w].kind[0] == '2';
				json_t *ctx = notice_ctx(app, db, &a, e, d->slot_id, d->name, NULL);
				json_object_set_new(ctx, "soon",
						    json_string(two ? "in two hours" : "tomorrow"));
				/* the text, for those who asked for one, goes two hours before */
				json_t *text = two && *d->sms_to ? json_deep_copy(ctx) : NULL;
				rc = app_mail(app, db, key, d->email,
					      notice_subject(&a, two ? "In two hours" : "Tomorrow", e,
							     d->slot_id),
					      "reminder", ctx);
				snprintf(key, sizeof(key), "reminder-%ld-2h-sms", d->signup_id);
				if (text && rc)
					json_decref(text);
				else if (text)
					rc = app_text(app, db, key, d->sms_to, "reminder", text);
			}
			arena_reset(&a);
		}
		if (rc || app_commit(app, db)) {
			db_rollback(db);
			log_error("reminders not queued: %s", db_errmsg(db));
			sent = -1;
		} else {
			sent += n;
		}
	}
	arena_release(&a);
	free(e);
	free(due);
	return sent;
}

static void reminders_tick(void *arg)
{
	struct reminders *r = arg;
	char err[256];

	if (!r->db && db_open(&r->db, r->app->db_path, 0, err, sizeof(err))) {
		log_error("reminders: %s", err);
		r->db = NULL;
		return;
	}
	/* one node at a time (a reminder is sent once however passes race:
	 * this only spares the others the work) */
	if (db_lock(r->db, "reminders") == 1) {
		reminders_run(r->app, r->db);
		db_unlock(r->db, "reminders");
	}
}

static void reminders_done(void *arg)
{
	struct reminders *r = arg;
	db_close(r->db);
	r->db = NULL;
}

void reminders_start(struct reminders *r, struct app *app)
{
	r->app = app;
	r->db = NULL;
	if (ticker_start(&r->ticker, "TURNOUT_REMINDER_INTERVAL", 60, 3600, reminders_tick,
			 reminders_done, r))
		log_error("reminders will not be sent: no thread");
}

void reminders_stop(struct reminders *r)
{
	ticker_stop(&r->ticker);
}
