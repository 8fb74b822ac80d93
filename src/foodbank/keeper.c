#include "foodbank/keeper.h"

#include <curl/curl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "events/when.h"
#include "foodbank/feed.h"
#include "foodbank/store.h"
#include "groups/store.h"
#include "people/people.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/num.h"

#define DROPOUTS_BATCH 100
#define SERIES_BATCH   1000

static long env_long(const char *name, long dflt, long lo, long hi)
{
	const char *v = getenv(name);
	long x;
	return v && !num_parse_long(v, strlen(v), lo, hi, &x) ? x : dflt;
}

long series_horizon_s(void)
{
	return env_long("TURNOUT_SERIES_WEEKS", 8, 1, 52) * 7 * 86400;
}

struct telling {
	struct app *app;
	struct db *db;
	const char *subject, *text, *link;
	char path[64];
	long skip; /* the one who dropped out */
	long told;
	int rc;
};

static void tell_one(long person, void *arg)
{
	struct telling *t = arg;
	if (person == t->skip || t->rc)
		return;
	t->rc = person_tell(t->app, t->db, person, t->subject, t->text, t->path, t->link);
	t->told++;
}

static void telling_init(struct telling *t, struct app *app, struct db *db, const char *text,
			 const char *link, const char *path, long id)
{
	memset(t, 0, sizeof(*t));
	t->app = app;
	t->db = db;
	t->text = text;
	t->link = link;
	snprintf(t->path, sizeof(t->path), "%s/%ld%s", path, id,
		 strcmp(path, "/groups") ? "" : "/collections");
}

static void tell_organiser(long id, const char *name, void *arg)
{
	(void)name;
	tell_one(id, arg);
}

/* "drive the run" or "come", and when, for the drop-out's messages. */
static void gap_words(const struct dropout *d, char *what, size_t cap)
{
	char when[96];
	start_text((time_t)d->starts_at, when, sizeof(when));
	snprintf(what, cap, "%s at %s (%s)",
		 d->run_id ? "the run taking the food to the food bank" : "a place", d->title,
		 when);
}

static int tell_standby(struct app *app, struct db *db, const struct dropout *d,
			struct keep_counts *c, long long now)
{
	char what[EVENT_TITLE_MAX + 200], text[EVENT_TITLE_MAX + 600] = "";
	struct telling t;
	/* a run is taken on the collection's page, a place by signing up on the session's */
	telling_init(&t, app, db, text, "Take it", d->run_id ? "/collections" : "/events",
		     d->event_id);
	t.skip = d->person_id; /* not asked to step in for themselves */
	gap_words(d, what, sizeof(what));
	snprintf(text, sizeof(text),
		 "Someone has had to give up %s. You are on the standby list for it: if you can"
		 " step in, %s. The first to take it has it.",
		 what,
		 d->run_id ? "take it on the collection's page" : "sign up on the session's page");
	t.subject = d->run_id ? "A food-bank run needs a driver" : "A collection needs you";
	if (db_begin(db))
		return -1;
	int fresh = dropout_told(db, d->id, 0, now);
	if (fresh == 1 && standby_each(db, d->event_id, tell_one, &t) < 0)
		t.rc = -1;
	if (fresh == 1 && !t.rc && !t.told) {
		/* no one to ask: the organisers are told at once */
		snprintf(text, sizeof(text),
			 "Someone has had to give up %s, and there is no one on its standby list."
			 " Find someone, or change the plan.",
			 what);
		t.subject = "Uncovered: someone dropped out late";
		t.skip = 0;
		if (dropout_told(db, d->id, 1, now) < 0 ||
		    group_organisers(db, d->group_id, tell_organiser, &t) < 0)
			t.rc = -1;
		c->escalated += !t.rc;
	} else {
		c->standby_told += fresh == 1 && !t.rc;
	}
	if (fresh < 0 || t.rc || app_commit(app, db)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

static int escalate(struct app *app, struct db *db, const struct dropout *d, struct keep_counts *c,
		    long long now)
{
	char what[EVENT_TITLE_MAX + 200], text[EVENT_TITLE_MAX + 600] = "";
	struct telling t;
	telling_init(&t, app, db, text, "See the collection", "/collections", d->event_id);
	t.subject = "Uncovered: no one has stepped in";
	gap_words(d, what, sizeof(what));
	snprintf(text, sizeof(text),
		 "Someone gave up %s, and no one on the standby list has taken it in the hour"
		 " since they were told. Find someone, or change the plan.",
		 what);
	if (db_begin(db))
		return -1;
	int fresh = dropout_told(db, d->id, 1, now);
	if (fresh == 1 && group_organisers(db, d->group_id, tell_organiser, &t) < 0)
		t.rc = -1;
	if (fresh < 0 || t.rc || app_commit(app, db)) {
		db_rollback(db);
		return -1;
	}
	c->escalated += fresh == 1;
	return 0;
}

static int keep_dropouts(struct app *app, struct db *db, long long now, struct keep_counts *c)
{
	struct dropout *d = xmalloc(DROPOUTS_BATCH * sizeof(*d));
	long wait = env_long("TURNOUT_STANDBY_MINUTES", 60, 1, 24 * 60) * 60;
	long n = dropouts_untold(db, d, DROPOUTS_BATCH);
	int rc = n < 0 ? -1 : 0;
	for (long i = 0; i < n && !rc; i++)
		rc = tell_standby(app, db, &d[i], c, now);
	n = rc ? -1 : dropouts_unanswered(db, now - wait, d, DROPOUTS_BATCH);
	rc = n < 0 ? -1 : 0;
	for (long i = 0; i < n && !rc; i++)
		rc = escalate(app, db, &d[i], c, now);
	free(d);
	return rc;
}

static int warn_series(struct app *app, struct db *db, const struct series *s, const char *why,
		       long long last)
{
	char text[EVENT_TITLE_MAX + 400] = "", day[64];
	struct telling t;
	telling_init(&t, app, db, text, "The group's collections", "/groups", s->group_id);
	if (!strcmp(why, "ends")) {
		london_day((time_t)last, DAY_LONG_YEAR, day, sizeof(day));
		snprintf(text, sizeof(text),
			 "The repeating collection \"%s\" has its last date on %s. If it goes on,"
			 " start a new series from the group's food-bank page.",
			 s->title, day);
		t.subject = "A repeating collection is ending";
	} else {
		snprintf(text, sizeof(text),
			 "Some of the coming dates of the repeating collection \"%s\" could not be"
			 " made. Look at the group's food-bank page.",
			 s->title);
		t.subject = "Collections are missing";
	}
	if (group_organisers(db, s->group_id, tell_organiser, &t) < 0 || t.rc)
		return -1;
	return 0;
}

/* Every series due in one transaction (one sync to disk, not one a
 * series), each series in a savepoint of its own. */
static int keep_series(struct app *app, struct db *db, long long now, struct keep_counts *c)
{
	struct series *s = xmalloc(SERIES_BATCH * sizeof(*s));
	size_t cap = RRULE_YEARS_MAX * 366 + 2;
	time_t *t = xmalloc(cap * sizeof(*t));
	long horizon = series_horizon_s(), made_all = 0, warned = 0;
	long n = series_due(db, now - 86400, s, SERIES_BATCH);
	int rc = n < 0 || (n > 0 && db_begin(db)) ? -1 : 0;
	long i;
	for (i = 0; i < n && !rc; i++) {
		long made = 0;
		long long last = 0;
		int ok = series_materialise(db, &s[i], now, horizon, &made, &last) == 1;
		/* what should exist in the coming weeks, against what does */
		struct rrule r;
		struct wall w;
		char why[256];
		size_t want = 0;
		if (!rrule_parse(s[i].rrule, &r, why, sizeof(why)) &&
		    !wall_parse(s[i].first_at, &w))
			want = rrule_expand(&r, &w, (time_t)now, (time_t)(now + horizon), t, cap);
		long have = series_made(db, s[i].id, now, now + horizon);
		const char *warn = !ok || have < (long)want	  ? "missing"
				   : last && last < now + horizon ? "ends"
								  : "";
		int told = *warn && strcmp(warn, s[i].warned);
		if (db_begin(db)) {
			rc = -1;
		} else if ((told && warn_series(app, db, &s[i], warn, last)) ||
			   series_checked(db, s[i].id, now, warn) != 1 || db_commit(db)) {
			db_rollback(db);
			rc = -1;
		}
		made_all += made;
		warned += told;
	}
	if (n > 0 && rc)
		db_rollback(db);
	else if (n > 0 && app_commit(app, db)) /* which rolled it back */
		rc = -1;
	if (!rc) {
		c->collections_made += made_all;
		c->organisers_warned += warned;
		c->series_checked += n > 0 ? n : 0;
	}
	free(t);
	free(s);
	return rc;
}

int foodbank_keep(struct app *app, struct db *db, long long now, struct keep_counts *out)
{
	struct keep_counts c = { 0 };
	int rc = keep_dropouts(app, db, now, &c);
	if (!rc)
		rc = keep_series(app, db, now, &c);
	if (out)
		*out = c;
	return rc;
}

struct importing {
	struct db *db;
	long long now;
	struct needs_report *rep;
	int failed;
};

static void report_bad(long line, const char *why, void *arg)
{
	struct importing *im = arg;
	size_t used = strlen(im->rep->first_bad);
	im->rep->bad++;
	im->rep->rows++;
	if (im->rep->bad <= 5 && used < sizeof(im->rep->first_bad) - 1)
		snprintf(im->rep->first_bad + used, sizeof(im->rep->first_bad) - used,
			 "%sline %ld: %s", used ? "; " : "", line, why);
}

static void apply_row(const struct feed_row *r, void *arg)
{
	struct importing *im = arg;
	im->rep->rows++;
	if (im->failed)
		return;
	int rc =
	    needs_feed_apply(im->db, r->slug, r->needs, r->nneeds, r->plenty, r->nplenty, im->now);
	if (rc < 0)
		im->failed = 1;
	else if (rc)
		im->rep->applied++;
	else
		im->rep->unknown++;
}

int needs_import(struct db *db, const char *buf, size_t n, long long now, struct needs_report *rep,
		 char *err, size_t cap)
{
	struct importing im = { db, now, rep, 0 };
	struct feed_sink sink = { apply_row, report_bad, &im };
	memset(rep, 0, sizeof(*rep));
	if (db_begin(db)) {
		snprintf(err, cap, "the database is busy");
		return -1;
	}
	if (feed_parse(buf, n, &sink, err, cap)) {
		db_rollback(db);
		return -1;
	}
	if (im.failed || db_commit(db)) {
		db_rollback(db);
		snprintf(err, cap, "the needs could not be saved: %s", db_errmsg(db));
		return -1;
	}
	return 0;
}

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
	struct buf *b = ud;
	/* past the cap: stop the transfer */
	return buf_add(b, p, size * n) ? 0 : size * n;
}

int needs_fetch(const char *src, struct buf *out, char *err, size_t cap)
{
	buf_init(out, FEED_MAX_BYTES);
	if (strncmp(src, "http://", 7) && strncmp(src, "https://", 8))
		return file_read_all(src, out, err, cap);
	CURL *c = curl_easy_init();
	long code = 0;
	CURLcode rc = CURLE_FAILED_INIT;
	if (c) {
		curl_easy_setopt(c, CURLOPT_URL, src);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
		curl_easy_setopt(c, CURLOPT_MAXREDIRS, 3L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)FEED_MAX_BYTES);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
		rc = curl_easy_perform(c);
		if (rc == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		curl_easy_cleanup(c);
	}
	if (rc != CURLE_OK || code != 200) {
		snprintf(err, cap, "%s", rc != CURLE_OK ? curl_easy_strerror(rc) : "not 200 OK");
		buf_release(out);
		return -1;
	}
	return 0;
}

/* when the needs feed was last read: one keeper a process */
static long long feed_at;

static void keep_feed(struct db *db, long long now)
{
	const char *src = getenv("TURNOUT_NEEDS_FEED");
	long every = env_long("TURNOUT_NEEDS_FEED_HOURS", 24, 1, 24 * 30) * 3600;
	struct needs_report rep;
	struct buf b;
	char err[256];
	if (!src || !*src || (feed_at && now - feed_at < every))
		return;
	feed_at = now;
	if (needs_fetch(src, &b, err, sizeof(err)) ||
	    needs_import(db, b.p ? b.p : "", b.len, now, &rep, err, sizeof(err))) {
		log_error("needs feed: %s", err);
	} else {
		log_info(
		    "needs feed: %ld rows, %ld food banks updated, %ld not ours, %ld refused%s%s",
		    rep.rows, rep.applied, rep.unknown, rep.bad, rep.bad ? ": " : "",
		    rep.first_bad);
	}
	if (b.p || b.len)
		buf_release(&b);
}

static long foodbank_pass(struct keeper *k, long long now)
{
	int rc = foodbank_keep(k->app, k->db, now, NULL);
	keep_feed(k->db, now);
	return rc ? -1 : 0;
}

/* The process's keeper, for the pages' pokes: published once it runs (the
 * server is answering by then, hence atomic), cleared when it stops. */
static struct keeper *_Atomic running;

int foodbank_keeper_start(struct keeper *k, struct app *app)
{
	feed_at = 0;
	if (keeper_start(k, app, "food banks", "TURNOUT_FOODBANK_INTERVAL", 10, 60, foodbank_pass,
			 NULL))
		return -1;
	running = k;
	return 0;
}

void foodbank_keeper_poke(void)
{
	struct keeper *k = running;
	if (k)
		keeper_poke(k);
}

void foodbank_keeper_stop(struct keeper *k)
{
	if (running == k)
		running = NULL;
	keeper_stop(k);
}
