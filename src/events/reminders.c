#include "events/reminders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "events/when.h"
#include "util/log.h"
#include "util/num.h"

long reminders_run(struct app *app, struct db *db)
{
	static const struct {
		const char *kind;
		long from, to; /* the slot starts within (now + from, now + to] */
	} windows[] = { { "24h", 2 * 3600, 24 * 3600 }, { "2h", 0, 2 * 3600 } };
	struct db_stmt *due = db_cached(
		db, "SELECT g.id, g.name, g.email, e.id, e.title, s.starts_at, s.ends_at,"
		    " CASE WHEN e.address_private = 1 OR e.address = '' THEN e.postcode"
		    " ELSE e.address END FROM slots s JOIN signups g ON g.slot_id = s.id"
		    " JOIN events e ON e.id = s.event_id WHERE s.starts_at > ? AND s.starts_at <= ?"
		    " AND g.status = 'going' AND e.status = 'published'"
		    " AND e.awaiting_approval = 0 AND e.draft = 0 AND NOT EXISTS"
		    " (SELECT 1 FROM reminders_sent r WHERE r.signup_id = g.id AND r.kind = ?)"
		    " LIMIT 500");
	struct db_stmt *mark = db_cached(db, "INSERT OR IGNORE INTO reminders_sent"
					     " (signup_id, kind, sent_at) VALUES (?, ?, ?)");
	long sent = 0;
	time_t now = time(NULL);

	if (!due || !mark)
		return -1;
	for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		db_reset(due);
		if (db_bind_int(due, 1, now + windows[w].from) || db_bind_int(due, 2, now + windows[w].to) ||
		    db_bind_str(due, 3, windows[w].kind))
			return -1;
		while (db_step(due) == DB_ROW) {
			long id = (long)db_col_int(due, 0);
			char mid[64], when[64], err[256];
			struct tm tm;
			london_tm((time_t)db_col_int(due, 5), &tm);
			strftime(when, sizeof(when), "%A %e %B at %H:%M", &tm);
			snprintf(mid, sizeof(mid), "reminder-%ld-%s", id, windows[w].kind);
			json_t *ctx = json_pack("{s:s, s:s, s:s, s:s, s:s}", "name", db_col_text(due, 1),
						"title", db_col_text(due, 4), "when", when, "where",
						db_col_text(due, 7), "soon",
						windows[w].kind[0] == '2' ? "in two hours" : "tomorrow");
			struct buf text, html;
			buf_init(&text, 32 << 10);
			buf_init(&html, 32 << 10);
			int bad = tmpl_render(&app->tmpl, "mail_reminder_text", ctx, &text) ||
				  tmpl_render(&app->tmpl, "mail_reminder_html", ctx, &html) ||
				  mail_send_id(&app->mailer, mid, db_col_text(due, 2),
					       "Reminder: your session", text.p, html.p, err, sizeof(err));
			buf_release(&text);
			buf_release(&html);
			json_decref(ctx);
			if (bad) {
				log_error("reminder not sent: %s", err);
				continue;
			}
			/* recorded only once written: a crash in between sends it again,
			 * and the resend replaces the same message */
			db_reset(mark);
			if (db_bind_int(mark, 1, id) == 0 &&
			    db_bind_str(mark, 2, windows[w].kind) == 0 &&
			    db_bind_int(mark, 3, now) == 0 && db_step(mark) == DB_DONE)
				sent++;
		}
	}
	db_reset(due);
	db_reset(mark);
	return sent;
}

static void *reminders_main(void *arg)
{
	struct reminders *r = arg;
	struct db *db = NULL;
	char err[256];

	if (db_open(&db, r->app->db_path, 0, err, sizeof(err)))
		return NULL;
	pthread_mutex_lock(&r->lock);
	while (!r->stop) {
		pthread_mutex_unlock(&r->lock);
		reminders_run(r->app, db);
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += r->interval_s;
		pthread_mutex_lock(&r->lock);
		if (!r->stop)
			pthread_cond_timedwait(&r->wake, &r->lock, &ts);
	}
	pthread_mutex_unlock(&r->lock);
	db_close(db);
	return NULL;
}

void reminders_start(struct reminders *r, struct app *app)
{
	const char *v = getenv("TURNOUT_REMINDER_INTERVAL");
	long x;

	memset(r, 0, sizeof(*r));
	r->app = app;
	r->interval_s = 60;
	if (v && num_parse_long(v, strlen(v), 1, 3600, &x) == 0)
		r->interval_s = x;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->wake, NULL);
	pthread_create(&r->thread, NULL, reminders_main, r);
}

void reminders_stop(struct reminders *r)
{
	pthread_mutex_lock(&r->lock);
	r->stop = 1;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->thread, NULL);
	pthread_cond_destroy(&r->wake);
	pthread_mutex_destroy(&r->lock);
}
