/*
 * Deadline night: sign-ups are the writes that must never be lost, and
 * thousands arrive a second.  Every sign-up, cancel and confirmation goes
 * through the group-commit writer (db/writer.h) and is answered once its
 * batch is durable.
 *
 * Capacity is decided here, one sign-up at a time inside the transaction,
 * so places are never overbooked however many requests race.
 */
#ifndef TURNOUT_SIGNUP_WRITER_H
#define TURNOUT_SIGNUP_WRITER_H

#include "auth/token.h"
#include "db/db.h"
#include "events/events.h"
#include "people/people.h"

#define TRAVEL_CONTACT_MAX 100

enum signup_op { OP_SIGNUP, OP_CANCEL, OP_CONFIRM };

enum signup_result {
	RES_PENDING = 0,
	RES_GOING,      /* has a place */
	RES_WAITLIST,   /* slot full: queued, promoted on a cancellation */
	RES_CANCELLED,
	RES_NOT_FOUND,  /* no such slot, or no such sign-up */
	RES_CLOSED,     /* the session is cancelled or over */
	RES_ERROR,
};

struct signup_job {
	enum signup_op op;
	long slot_id;
	long person_id; /* 0 for a guest */
	char name[NAME_MAX_LEN + 1], email[EMAIL_MAX_LEN + 1], phone[PHONE_MAX_LEN + 1];
	char travel[TRAVEL_CONTACT_MAX + 1]; /* shared with others going; "" = not */
	char role[EVENT_ROLE_MAX * 4 + 1];   /* one of the session's roles, or "" */
	char cancel_hash[TOKEN_HASH_LEN + 1]; /* OP_CANCEL: which sign-up */
	char confirm_hash[TOKEN_HASH_LEN + 1]; /* OP_CONFIRM: which held guest */
	long event_id;                         /* OP_CONFIRM: filled from the slot */
	long referred_by;                      /* who shared the link it came by, or 0 */
	/* filled by the writer */
	enum signup_result result;
	int already;         /* the same person had signed up for this slot before */
	long signup_id;
	long promoted_id;    /* OP_CANCEL: a waitlisted sign-up given the place */
	char cancel_token[TOKEN_LEN + 1]; /* OP_SIGNUP, new sign-ups: for the email */
};

/* Applies one job inside the writer's transaction (db/writer.h), setting
 * its result; 0, or -1 to roll the batch back.  The result stands only once
 * the batch is durable. */
int signup_apply(struct db *db, struct signup_job *job);

#endif
