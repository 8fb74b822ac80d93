/*
 * People: volunteers, organisers, admins.  Anyone can take part, member of
 * the party or not.  This is the only place personal data is read or
 * written; erasure removes it all and keeps only anonymous counts and the
 * id-only audit trail.
 */
#ifndef TURNOUT_PEOPLE_H
#define TURNOUT_PEOPLE_H

#include <jansson.h>
#include <stddef.h>

#include "auth/token.h"
#include "db/db.h"

#define NAME_MAX_LEN  100
#define EMAIL_MAX_LEN 254
#define PHONE_MAX_LEN 20
#define LINK_TTL_S    (15 * 60)

struct person {
	long id;
	char name[NAME_MAX_LEN + 1];
	char email[EMAIL_MAX_LEN + 1];
	char postcode[9]; /* display form, "" if none */
	char phone[PHONE_MAX_LEN + 1];
	int member, admin, has_password, totp_enabled;
	long long created_at, last_active_at;
};

/*
 * Text reminders, by consent only: the E.164 mobile a person agreed to be
 * texted on.  1 with it in e164 (16 bytes) and when in *at, 0 none, -1.
 */
int person_sms_get(struct db *db, long person_id, char *e164, long long *at);
/* Agrees (e164) or withdraws (NULL): 0 or -1.  Agreeing again to the same
 * number keeps the first date. */
int person_sms_set(struct db *db, long person_id, const char *e164, long long now);
/* A "STOP" from a number: every person texted on it withdrawn (each in the
 * audit log): how many, or -1. */
long person_sms_stop(struct db *db, const char *e164);

/* A person's "bring a friend" code for share links (made on first use):
 * 0 and out, or -1.  A code reveals nothing of its person. */
#define REF_CODE_LEN 10
int person_ref_code(struct db *db, long person_id, char out[REF_CODE_LEN + 1]);
/* The person a well-formed code belongs to, or 0 (none, or malformed). */
long person_by_ref_code(struct db *db, const char *code);

/* The first word of a name, which is all most pages show of anyone. */
void person_first_name(const char *name, char out[64]);

/* Checks and normalises what a person typed; NULL, or what is wrong. */
const char *person_input_check(struct person *p, const char *name, const char *email,
			       const char *postcode, const char *phone, const char *member);
/* Lower-cased, trimmed; 0, or -1 if it is not an address. */
int email_normalise(const char *in, char out[EMAIL_MAX_LEN + 1]);

/* 1 found, 0 not, -1 error. */
int person_by_id(struct db *db, long id, struct person *out);
int person_by_email(struct db *db, const char *email, struct person *out);
/* 0 and p->id set; -1 error (e.g. the email is taken). */
int person_create(struct db *db, struct person *p);
int person_update(struct db *db, const struct person *p);
/* Everything held about them, as JSON (the caller decrefs). */
json_t *person_export(struct db *db, long id);
/* Erases the person and all that hangs off them, in one transaction. */
int person_erase(struct db *db, long id);
/* Erases everyone inactive since before cutoff (unix time); the count, or -1. */
long people_erase_inactive(struct db *db, long long cutoff);

/* A single-use sign-in link token for the person, valid LINK_TTL_S, that
 * returns to next (a checked path of this site, or NULL). */
int link_create(struct db *db, long person_id, long long now, const char *next,
		char token[TOKEN_LEN + 1]);
/* 1 and *person_id (and next, cap bytes, "" for none) when the token is
 * live (it is then used up), 0 if not. */
int link_consume(struct db *db, const char *token, long long now, long *person_id, char *next,
		 size_t cap);

#define EMAIL_CHANGE_TTL_S (24 * 3600)
/* A token that moves the person's sign-in address to new_email when used
 * (EMAIL_CHANGE_TTL_S); it replaces any earlier one.  0 or -1. */
int email_change_create(struct db *db, long person_id, const char *new_email, long long now,
			char token[TOKEN_LEN + 1]);
/* 1 with *person_id and new_email (EMAIL_MAX_LEN + 1 bytes) when the token
 * is live (it is then used up), 0 if not, -1 on error. */
int email_change_consume(struct db *db, const char *token, long long now, long *person_id,
			 char *new_email);

struct app;
/* The one-paragraph mail ("tell") to one person (their address looked up
 * here), with a link to path on this site: app_mail()'s 0 (also when there
 * is no such person) or -1. */
int person_tell(struct app *app, struct db *db, long person, const char *subject, const char *text,
		const char *path, const char *link_text);

#endif
