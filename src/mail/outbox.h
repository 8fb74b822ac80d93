/*
 * The mail queue, in the database.  A message is queued by the write that
 * causes it, inside that write's transaction, so the two exist together or
 * not at all; nothing about a person's mail lives only in memory.  A sender
 * thread of its own delivers (the request path never waits on a relay),
 * records each delivery through the writer's group commit, and retries a
 * failure with back-off until OUTBOX_TRIES, then gives it up as failed for
 * the operator to see (`turnout doctor`).
 *
 * A crash between delivering and recording delivers again, under the same
 * Message-ID and, in outbox mode, as the same file: a receiver that keys on
 * the Message-ID sees one message.  Once sent, a message keeps only its
 * subject and times: no address, no body.
 *
 * Text messages go through the same queue (channel 'sms'), rendered from
 * the template sms_<tmpl> and handed to the SMS provider (sms/sms.h); a
 * sent text keeps the provider's id, to take its delivery reports.
 */
#ifndef TURNOUT_MAIL_OUTBOX_H
#define TURNOUT_MAIL_OUTBOX_H

#include <pthread.h>

#include "db/db.h"
#include "db/writer.h"
#include "mail/mail.h"
#include "sms/sms.h"
#include "tmpl/tmpl.h"

#define OUTBOX_TRIES 10 /* attempts before a message is given up */
#define OUTBOX_BATCH 64 /* messages delivered per recorded batch (1 over SMTP) */
#define OUTBOX_KEEP_DAYS 30 /* sent and failed messages' records, for the operator */

/*
 * Queues a message on db, inside the caller's transaction when one is
 * open: the templates mail_<tmpl>_text and mail_<tmpl>_html with the
 * values in ctx (a JSON object's text), rendered when it is sent.  key ([A-Za-z0-9_-], at most 64) names the
 * message for ever, so a second with the same key is dropped: a reminder
 * queued twice is sent once; NULL for a message of its own.
 * 1 queued, 0 already queued under key, -1 error.
 */
int outbox_put(struct db *db, const char *key, const char *to, const char *subject,
	       const char *tmpl, const char *ctx);
/* A text to the E.164 number to, as outbox_put() otherwise. */
int outbox_put_sms(struct db *db, const char *key, const char *to, const char *tmpl,
		   const char *ctx);
/* A provider's delivery report for the text it named: 1 recorded, 0 no
 * such text, -1 error. */
int outbox_delivery(struct db *db, const char *provider_id, const char *status);
/* Every unsent text to the number dropped as refused: how many, or -1. */
long outbox_drop_texts(struct db *db, const char *to, long long now);

struct outbox_stats {
	long queued;   /* waiting for their first attempt */
	long retrying; /* failed at least once, to be tried again */
	long failed;   /* given up */
	long sent_day; /* sent in the last 24 hours */
	long long oldest_at; /* when the oldest unsent message was queued, 0 if none */
	char last_error[160];
};

/* The unsent messages, and when the oldest was queued (0 if none): cheap
 * enough for every health check. 0 or -1. */
int outbox_depth(struct db *db, long *unsent, long long *oldest_at);
/* Everything, for the operator. 0 and *out, or -1. */
int outbox_stats(struct db *db, long long now, struct outbox_stats *out);
/* Deletes sent and failed messages settled before `before`: how many, or -1. */
long outbox_prune(struct db *db, long long before);

struct outbox_sender {
	char db_path[1024];
	const struct mailer *m;
	const struct sms_provider *sms;
	const struct tmpl_set *tmpl;
	struct db_writer *writer;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake, settled;
	int poked, running;
	_Atomic int stop; /* read between deliveries, outside the lock */
	char node[64];	  /* this node's name in its claims: TURNOUT_NODE, else the host's */
	long claim_s;	  /* how long a claim lasts */
};

/* Starts the sender thread: 0 or -1.  The writer must outlive it. */
int outbox_start(struct outbox_sender *s, const char *db_path, const struct mailer *m,
		 const struct sms_provider *sms, const struct tmpl_set *tmpl,
		 struct db_writer *writer);
/* Something was queued (and committed): look now rather than at the next tick. */
void outbox_poke(struct outbox_sender *s);
/* Finishes the delivery under way and stops; what is queued stays queued. */
void outbox_stop(struct outbox_sender *s);

#endif
