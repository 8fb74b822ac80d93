/*
 * Outgoing email.  Two modes: "outbox" (the default) writes each message
 * as an RFC 5322 .eml file into a folder, so `make run` and the tests need
 * no mail server; "smtp" hands it to a relay through libcurl.  Messages are
 * multipart/alternative, plain text and HTML.  Nothing here logs an
 * address or a body.
 */
#ifndef TURNOUT_MAIL_H
#define TURNOUT_MAIL_H

#include <stddef.h>

#include "util/buf.h"

enum mail_mode { MAIL_OUTBOX, MAIL_SMTP };

struct mailer {
	enum mail_mode mode;
	long retry_s;       /* the first retry after a failure; each next one doubles */
	char outbox[512];   /* folder, for MAIL_OUTBOX */
	char smtp_url[256]; /* smtp://host:587 or smtps://host:465 */
	char smtp_user[128], smtp_pass[256];
	char from[256];     /* "turnout <noreply@example.org>" */
};

/* Fills m from TURNOUT_MAIL_* environment variables (see README). */
void mailer_from_env(struct mailer *m, const char *default_outbox);
/* One message.  key is [A-Za-z0-9_-]; msgid the Message-ID's left part, the
 * same on every attempt so a receiver can tell a repeat; reply_to, when not
 * NULL, where answers go (a session's host, never a dead noreply). */
struct mail_msg {
	const char *key, *msgid, *to, *reply_to, *subject, *text, *html;
};

/*
 * One sender's run of deliveries: a relay connection is kept open across
 * them.  Single-threaded; see mail/outbox.h for the queue that feeds it.
 */
struct mail_session {
	const struct mailer *m;
	void *curl;
	const _Atomic int *abort; /* set: a delivery under way gives up (shutdown) */
};

void mail_session_init(struct mail_session *s, const struct mailer *m, const _Atomic int *abort);
/*
 * Delivers one message: to the relay, or as <key>.eml in the outbox
 * (replaced whole, so delivering it again leaves one file).  0, or -1 with
 * the reason in err (no personal data in it).
 */
int mail_deliver(struct mail_session *s, const struct mail_msg *msg, char *err, size_t errlen);
/* Makes what was delivered so far survive a power cut (the outbox synced;
 * a relay has a message once it answered). 0 or -1. */
int mail_flush(struct mail_session *s);
/* Ends the relay connection, if one is open. */
void mail_session_end(struct mail_session *s);

#endif
