/*
 * Text messages through an SMS provider's HTTP API: the Twilio Messages
 * resource (POST {url}/2010-04-01/Accounts/{account}/Messages.json with
 * basic auth), which Twilio and the providers compatible with it speak.
 * Texts are queued and retried by the outbox (mail/outbox.h) like mail;
 * this is one delivery, the provider's callbacks' signatures, and the
 * words that mean "stop".  Nothing here logs a number or a body.
 */
#ifndef TURNOUT_SMS_H
#define TURNOUT_SMS_H

#include <stddef.h>

#include "http/qs.h"

#define SMS_BODY_MAX 480 /* bytes: three concatenated parts at most */
#define SMS_ID_MAX   64	 /* a provider's message id (Twilio: "SM" + 32 hex) */

struct sms_provider {
	int enabled;	      /* all four settings given */
	char url[256];	      /* TURNOUT_SMS_URL: https://api.twilio.com, or a stand-in */
	char account[64];     /* TURNOUT_SMS_ACCOUNT: the account SID */
	char token[128];      /* TURNOUT_SMS_TOKEN: the auth token (also signs callbacks) */
	char from[32];	      /* TURNOUT_SMS_FROM: +447700900000 or an alphanumeric sender */
	char status_url[320]; /* where the provider reports delivery: public URL + /sms/status */
	long timeout_s;
};

/* Reads TURNOUT_SMS_*; public_url is the server's base for the callback.
 * 0, or -1 with err when a setting is given but malformed. */
int sms_from_env(struct sms_provider *p, const char *public_url, char *err, size_t errlen);

/*
 * Sends one text.  0 with the provider's id and status ("queued", "sent"…);
 * -1 with err (no personal data in it) and *permanent set when trying again
 * cannot help (the provider refused the number or the message).
 */
int sms_send(const struct sms_provider *p, const char *to, const char *body,
	     char id[SMS_ID_MAX + 1], char status[24], char *err, size_t errlen, int *permanent);

/*
 * 1 when sig (the X-Twilio-Signature header) is the base64 HMAC-SHA1, keyed
 * with token, of url followed by every form field's name and value in the
 * order of their names; 0 otherwise, compared in constant time.
 */
int sms_signature_ok(const char *token, const char *url, const struct qs *form, const char *sig);
/* The same signature, for the tests' stand-in and for a provider's callers:
 * base64 into out (at least 29 bytes); 0 or -1. */
int sms_sign(const char *token, const char *url, const struct qs *form, char *out, size_t len);

/* 1 when a reply's text is a request to stop (STOP, STOPALL, UNSUBSCRIBE,
 * CANCEL, END, QUIT, any case, surrounding space ignored). */
int sms_is_stop(const char *body);

#endif
