/*
 * Outgoing email.  Two modes: "outbox" (the default) writes each message
 * as an RFC 5322 .eml file into a folder, so `make run` and the tests need
 * no mail server; "smtp" hands it to a relay through libcurl.  Messages are
 * multipart/alternative, plain text and HTML.  Nothing here logs an
 * address or a body.
 */
#ifndef TURNOUT_MAIL_H
#define TURNOUT_MAIL_H

#include <pthread.h>
#include <stddef.h>

#include "util/buf.h"

enum mail_mode { MAIL_OUTBOX, MAIL_SMTP };

struct mailer {
	enum mail_mode mode;
	char outbox[512];   /* folder, for MAIL_OUTBOX */
	char smtp_url[256]; /* smtp://host:587 or smtps://host:465 */
	char smtp_user[128], smtp_pass[256];
	char from[256];     /* "turnout <noreply@example.org>" */
};

/* Fills m from TURNOUT_MAIL_* environment variables (see README). */
void mailer_from_env(struct mailer *m, const char *default_outbox);
/* Builds the whole message into out (capped). 0 or -1. */
int mail_compose(struct buf *out, const char *from, const char *to, const char *subject,
		 const char *text, const char *html);
/* 0, or -1 with the reason in err (no personal data in it). */
int mail_send(const struct mailer *m, const char *to, const char *subject, const char *text,
	      const char *html, char *err, size_t errlen);
/*
 * The same, for a message with a stable id ("reminder-12-24h"): in outbox
 * mode its file is named by the id and replaced whole, so sending it again
 * after a crash still leaves exactly one message.
 */
int mail_send_id(const struct mailer *m, const char *id, const char *to, const char *subject,
		 const char *text, const char *html, char *err, size_t errlen);

/*
 * A queue with its own thread, for mail that must not hold up the answer
 * it follows (sign-up confirmations on deadline night).  What is queued
 * when the process dies unexpectedly is not sent; the sign-up it reports
 * is durable regardless and visible on the person's pages.
 */
struct mail_job;
struct mail_queue {
	const struct mailer *m;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct mail_job *head, *tail;
	int stop, running;
};

int mail_queue_start(struct mail_queue *q, const struct mailer *m);
/* Copies the message and queues it; never blocks on delivery. */
void mail_queue_send(struct mail_queue *q, const char *to, const char *subject, const char *text,
		     const char *html);
/* Sends what is queued, then stops. */
void mail_queue_stop(struct mail_queue *q);

#endif
