#include "mail/outbox.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/num.h"

#define OUTBOX_BACKOFF_MAX 3600 /* seconds: the longest wait between two attempts */
#define OUTBOX_CLAIM_S	   120	/* seconds a node has to send what it took (TURNOUT_MAIL_CLAIM_S) */

static void random_hex(char *out, size_t n_bytes)
{
	unsigned char rnd[16];
	randombytes_buf(rnd, n_bytes);
	sodium_bin2hex(out, 2 * n_bytes + 1, rnd, n_bytes);
}

static int key_ok(const char *key)
{
	size_t n = strlen(key);
	return n > 0 && n <= 64 &&
	       strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static int put(struct db *db, const char *channel, const char *key, const char *to,
	       const char *subject, const char *tmpl, const char *ctx)
{
	char own[48], hex[17], msgid[33];
	struct timespec ts;

	if (!key) {
		/* its own: time first, so an outbox folder lists in the order queued */
		clock_gettime(CLOCK_REALTIME, &ts);
		random_hex(hex, 8);
		snprintf(own, sizeof(own), "%lld%03ld-%s", (long long)ts.tv_sec,
			 ts.tv_nsec / 1000000, hex);
		key = own;
	}
	if (!key_ok(key))
		return -1;
	random_hex(msgid, 16);
	long long now = time(NULL);
	struct db_stmt *st =
	    db_cached(db, "INSERT INTO mail_out (channel, mkey, msgid, recipient, subject, tmpl,"
			  " ctx, queued_at, next_try) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
			  " ON CONFLICT (mkey) DO NOTHING RETURNING id");
	db_binds(st, 1, DB_STR(channel), DB_STR(key), DB_STR(msgid), DB_STR(to), DB_STR(subject),
		 DB_STR(tmpl), DB_STR(ctx), DB_INT(now), DB_INT(now));
	return db_changed(st);
}

int outbox_put(struct db *db, const char *key, const char *to, const char *subject,
	       const char *tmpl, const char *ctx)
{
	return put(db, "mail", key, to, subject, tmpl, ctx);
}

int outbox_put_sms(struct db *db, const char *key, const char *to, const char *tmpl,
		   const char *ctx)
{
	/* the operator's view names a text by its template, never its words */
	return put(db, "sms", key, to, "text message", tmpl, ctx);
}

int outbox_delivery(struct db *db, const char *provider_id, const char *status)
{
	struct db_stmt *st = db_cached(db, "UPDATE mail_out SET delivery = ? WHERE provider_id = ?"
					   " AND channel = 'sms' RETURNING id");
	db_binds(st, 1, DB_STR(status), DB_STR(provider_id));
	return db_changed(st);
}

long outbox_drop_texts(struct db *db, const char *to, long long now)
{
	struct db_stmt *st = db_cached(db, "UPDATE mail_out SET failed_at = ?, recipient = '',"
					   " ctx = NULL, error = 'the recipient asked for no texts'"
					   " WHERE channel = 'sms' AND recipient = ? AND sent_at IS NULL"
					   " AND failed_at IS NULL RETURNING id");
	db_binds(st, 1, DB_INT(now), DB_STR(to));
	return db_count(st);
}

int outbox_depth(struct db *db, long *unsent, long long *oldest_at)
{
	struct db_stmt *st = db_cached(db, "SELECT count(*), coalesce(min(queued_at), 0) FROM mail_out"
					   " WHERE sent_at IS NULL AND failed_at IS NULL");
	if (db_one(st) != 1)
		return -1;
	*unsent = db_col_int(st, 0);
	*oldest_at = db_col_int(st, 1);
	db_reset(st);
	return 0;
}

int outbox_stats(struct db *db, long long now, struct outbox_stats *out)
{
	memset(out, 0, sizeof(*out));
	struct db_stmt *st = db_cached(
	    db, "SELECT count(*) FILTER (WHERE tries = 0), count(*) FILTER (WHERE tries > 0),"
		" min(queued_at) FROM mail_out WHERE sent_at IS NULL AND failed_at IS NULL");
	if (db_one(st) != 1)
		return -1;
	out->queued = db_col_int(st, 0);
	out->retrying = db_col_int(st, 1);
	out->oldest_at = db_col_int(st, 2);
	db_reset(st);
	st = db_cached(db, "SELECT count(*) FILTER (WHERE failed_at IS NOT NULL),"
			   " count(*) FILTER (WHERE sent_at >= ?) FROM mail_out"
			   " WHERE coalesce(sent_at, failed_at) >= 0");
	db_bind_int(st, 1, now - 86400);
	if (db_one(st) != 1)
		return -1;
	out->failed = db_col_int(st, 0);
	out->sent_day = db_col_int(st, 1);
	db_reset(st);
	st = db_cached(db, "SELECT error FROM mail_out WHERE error IS NOT NULL"
			   " ORDER BY next_try DESC LIMIT 1");
	int rc = db_one(st);
	if (rc == 1)
		db_col_copy(st, 0, out->last_error, sizeof(out->last_error));
	db_reset(st);
	return rc < 0 ? -1 : 0;
}

long outbox_prune(struct db *db, long long before)
{
	struct db_stmt *st = db_cached(db, "DELETE FROM mail_out WHERE coalesce(sent_at, failed_at)"
					   " < ? RETURNING id");
	db_bind_int(st, 1, before);
	return db_count(st);
}

/* One message taken from the queue, and what became of it. */
struct attempt {
	long id, tries;
	char *key, *msgid, *to, *subject, *tmpl, *ctx;
	int sms, sent, give_up;
	char provider_id[SMS_ID_MAX + 1], delivery[24]; /* a text's, once sent */
	char error[160];
};

/* The record of a batch, applied on the writer; the sender waits for it. */
struct record {
	struct db_job base; /* first: the writer's view */
	struct outbox_sender *s;
	struct attempt *a;
	size_t n;
	long long now;
	int settled;
};

static long long backoff(const struct mailer *m, long tries)
{
	long long wait = m->retry_s;
	for (long i = 1; i < tries && wait < OUTBOX_BACKOFF_MAX; i++)
		wait *= 2;
	return wait < OUTBOX_BACKOFF_MAX ? wait : OUTBOX_BACKOFF_MAX;
}

static int record_apply(struct db *db, struct db_job *job)
{
	struct record *r = (struct record *)job;

	for (size_t i = 0; i < r->n; i++) {
		struct attempt *a = &r->a[i];
		struct db_stmt *st;
		if (a->sent) {
			st = db_cached(db, "UPDATE mail_out SET sent_at = ?, recipient = '', ctx = NULL,"
					   " provider_id = ?, delivery = ? WHERE id = ?");
			db_binds(st, 1, DB_INT(r->now), DB_STR(a->sms ? a->provider_id : NULL),
				 DB_STR(a->sms ? a->delivery : NULL), DB_INT(a->id));
		} else {
			long tries = a->tries + 1;
			int give_up = a->give_up || tries >= OUTBOX_TRIES;
			st = db_cached(db, "UPDATE mail_out SET tries = ?, next_try = ?, error = ?,"
					   " failed_at = ?, claimed_until = NULL WHERE id = ?");
			db_binds(st, 1, DB_INT(tries), DB_INT(r->now + backoff(r->s->m, tries)),
				 DB_STR(a->error), DB_ID(give_up ? r->now : 0), DB_INT(a->id));
		}
		if (db_done(st))
			return -1;
	}
	return 0;
}

static void record_settled(struct db_job *job, int ok)
{
	struct record *r = (struct record *)job;
	if (!ok)
		log_error("mail: deliveries not recorded; they will be delivered again");
	pthread_mutex_lock(&r->s->lock);
	r->settled = 1;
	pthread_cond_broadcast(&r->s->settled);
	pthread_mutex_unlock(&r->s->lock);
}

/* A text: its template rendered and handed to the provider. */
static void deliver_sms(struct outbox_sender *s, struct attempt *a, json_t *ctx)
{
	struct buf body;
	char name[80];
	int permanent = 0;

	buf_init(&body, SMS_BODY_MAX + 1);
	snprintf(name, sizeof(name), "sms_%s", a->tmpl);
	if (!s->sms->enabled) {
		snprintf(a->error, sizeof(a->error), "texts are not set up (TURNOUT_SMS_URL)");
	} else if (!ctx || tmpl_render(s->tmpl, name, ctx, &body) || body.overflow) {
		snprintf(a->error, sizeof(a->error), "text %s could not be composed", a->tmpl);
		a->give_up = 1;
	} else {
		a->sent = sms_send(s->sms, a->to, body.p, a->provider_id, a->delivery, a->error,
				   sizeof(a->error), &permanent) == 0;
		a->give_up = permanent;
	}
	if (!a->sent)
		log_error("text %ld not sent: %s", a->id, a->error);
	buf_release(&body);
}

static void deliver(struct outbox_sender *s, struct mail_session *ms, struct attempt *a)
{
	struct buf text, html;
	char name[80];
	json_t *ctx = json_loads(a->ctx ? a->ctx : "", 0, NULL);

	if (a->sms) {
		deliver_sms(s, a, ctx);
		json_decref(ctx);
		return;
	}
	buf_init(&text, 64 << 10);
	buf_init(&html, 64 << 10);
	snprintf(name, sizeof(name), "mail_%s_text", a->tmpl);
	int ok = ctx && tmpl_render(s->tmpl, name, ctx, &text) == 0;
	snprintf(name, sizeof(name), "mail_%s_html", a->tmpl);
	ok = ok && tmpl_render(s->tmpl, name, ctx, &html) == 0;
	if (!ok) {
		/* no later attempt can do better */
		snprintf(a->error, sizeof(a->error), "mail %s could not be composed", a->tmpl);
		a->give_up = 1;
	} else {
		/* answers to a session's mail go to its host (reply_to in ctx) */
		struct mail_msg m = { a->key, a->msgid, a->to,
				      json_string_value(json_object_get(ctx, "reply_to")),
				      a->subject, text.p, html.p };
		a->sent = mail_deliver(ms, &m, a->error, sizeof(a->error)) == 0;
	}
	if (!a->sent)
		log_error("mail %ld not sent: %s", a->id, a->error);
	json_decref(ctx);
	buf_release(&text);
	buf_release(&html);
}

static char *col_dup(struct db_stmt *st, int i)
{
	const char *v = db_col_text(st, i);
	return v ? xstrdup(v) : NULL;
}

/*
 * Claims up to max messages that are due, for claim_s seconds: how many, or
 * -1.  The claim's condition is checked again on each row it takes, so of
 * nodes claiming at once each message goes to one (PostgreSQL re-reads a
 * row another transaction just changed; SQLite has one writer).  A look
 * first, so an idle queue takes no write lock.
 */
static long take_due(struct db *db, const char *node, long claim_s, struct attempt *a, long max)
{
	struct db_stmt *any = db_cached(db, "SELECT 1 FROM mail_out WHERE sent_at IS NULL"
					    " AND failed_at IS NULL AND next_try <= ?1"
					    " AND (claimed_until IS NULL OR claimed_until <= ?1) LIMIT 1");
	struct db_stmt *st = db_cached(
	    db, "UPDATE mail_out SET claimed_until = ?2, claimed_by = ?4 WHERE id IN (SELECT id FROM mail_out"
		" WHERE sent_at IS NULL AND failed_at IS NULL AND next_try <= ?1"
		" AND (claimed_until IS NULL OR claimed_until <= ?1) ORDER BY next_try, id LIMIT ?3)"
		" AND (claimed_until IS NULL OR claimed_until <= ?1)"
		" RETURNING id, tries, mkey, msgid, recipient, subject, tmpl, ctx, channel = 'sms'");
	long long now = time(NULL);
	long n = 0;
	int rc;

	db_bind_int(any, 1, now);
	if ((rc = db_exists(any)) <= 0)
		return rc;
	db_binds(st, 1, DB_INT(now), DB_INT(now + claim_s), DB_INT(max), DB_STR(node));
	while (db_next(st, &rc)) {
		a[n] = (struct attempt){ .id = db_col_int(st, 0), .tries = db_col_int(st, 1) };
		a[n].key = col_dup(st, 2);
		a[n].msgid = col_dup(st, 3);
		a[n].to = col_dup(st, 4);
		a[n].subject = col_dup(st, 5);
		a[n].tmpl = col_dup(st, 6);
		a[n].ctx = col_dup(st, 7);
		a[n].sms = (int)db_col_int(st, 8);
		n++;
	}
	return rc < 0 ? -1 : n;
}

static void attempts_free(struct attempt *a, long n)
{
	for (long i = 0; i < n; i++) {
		free(a[i].key);
		free(a[i].msgid);
		free(a[i].to);
		free(a[i].subject);
		free(a[i].tmpl);
		free(a[i].ctx);
	}
}

/* Delivers one batch and waits until it is recorded: how many were due, or -1. */
static long send_batch(struct outbox_sender *s, struct db *db, struct mail_session *ms)
{
	struct attempt a[OUTBOX_BATCH];
	/* over SMTP each delivery is recorded before the next: a crash repeats one at most */
	long n = take_due(db, s->node, s->claim_s, a, s->m->mode == MAIL_SMTP ? 1 : OUTBOX_BATCH);

	if (n <= 0)
		return n;
	/* a text is recorded before the next is sent: the provider cannot tell
	 * a repeat, so a crash should repeat one at most */
	long done = 0;
	while (done < n && !(done > 0 && a[done - 1].sms))
		deliver(s, ms, &a[done++]);
	if (mail_flush(ms))
		for (long i = 0; i < done; i++)
			if (a[i].sent) {
				a[i].sent = 0;
				snprintf(a[i].error, sizeof(a[i].error), "outbox: not synced");
			}
	struct record r = { .base = { record_apply, record_settled, NULL },
			    .s = s,
			    .a = a,
			    .n = (size_t)done,
			    .now = time(NULL) };
	db_writer_submit(s->writer, &r.base);
	pthread_mutex_lock(&s->lock);
	while (!r.settled)
		pthread_cond_wait(&s->settled, &s->lock);
	pthread_mutex_unlock(&s->lock);
	attempts_free(a, n);
	return n;
}

static void *sender_main(void *arg)
{
	struct outbox_sender *s = arg;
	struct mail_session ms;
	struct db *db = NULL;
	char err[256];

	if (db_open(&db, s->db_path, 0, err, sizeof(err))) {
		log_error("mail: %s", err);
		return NULL;
	}
	/* what this node had taken when it stopped is due again now */
	struct db_stmt *mine = db_cached(db, "UPDATE mail_out SET claimed_until = NULL"
					     " WHERE claimed_by = ? AND sent_at IS NULL AND failed_at IS NULL");
	db_bind_str(mine, 1, s->node);
	if (db_done(mine))
		log_error("mail: %s", db_errmsg(db));
	mail_session_init(&ms, s->m, &s->stop);
	pthread_mutex_lock(&s->lock);
	while (!s->stop) {
		s->poked = 0;
		pthread_mutex_unlock(&s->lock);
		long n;
		while ((n = send_batch(s, db, &ms)) > 0 && !s->stop)
			;
		mail_session_end(&ms);
		pthread_mutex_lock(&s->lock);
		if (s->poked || s->stop)
			continue;
		/* a tick for retries that come due and for queues written elsewhere */
		struct timespec ts;
		deadline_ms(&ts, 1000);
		pthread_cond_timedwait(&s->wake, &s->lock, &ts);
	}
	pthread_mutex_unlock(&s->lock);
	db_close(db);
	return NULL;
}

int outbox_start(struct outbox_sender *s, const char *db_path, const struct mailer *m,
		 const struct sms_provider *sms, const struct tmpl_set *tmpl,
		 struct db_writer *writer)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->db_path, sizeof(s->db_path), "%s", db_path);
	s->m = m;
	s->sms = sms;
	s->tmpl = tmpl;
	s->writer = writer;
	const char *node = getenv("TURNOUT_NODE");
	if (node && *node)
		snprintf(s->node, sizeof(s->node), "%s", node);
	else if (gethostname(s->node, sizeof(s->node) - 1))
		snprintf(s->node, sizeof(s->node), "turnout");
	/* how long mail a dead node had taken waits for another */
	const char *claim = getenv("TURNOUT_MAIL_CLAIM_S");
	s->claim_s = OUTBOX_CLAIM_S;
	if (claim && num_parse_long(claim, strlen(claim), 5, 3600, &s->claim_s)) {
		log_error("TURNOUT_MAIL_CLAIM_S takes 5 to 3600 seconds");
		return -1;
	}
	pthread_mutex_init(&s->lock, NULL);
	cond_init_monotonic(&s->wake);
	pthread_cond_init(&s->settled, NULL);
	if (pthread_create(&s->thread, NULL, sender_main, s))
		return -1;
	s->running = 1;
	return 0;
}

void outbox_poke(struct outbox_sender *s)
{
	if (!s->running)
		return;
	pthread_mutex_lock(&s->lock);
	s->poked = 1;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

void outbox_stop(struct outbox_sender *s)
{
	if (!s->running)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop = 1;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	pthread_cond_destroy(&s->settled);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	s->running = 0;
}
