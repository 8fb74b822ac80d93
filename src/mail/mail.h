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

#endif
