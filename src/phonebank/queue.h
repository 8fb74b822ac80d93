/*
 * The call queue's policy, pure: what an outcome means for a contact.  The
 * claim itself is one SQL statement (phonebank/store.c): the best contact
 * available now — target seat first, then fewest attempts, then a random
 * key fixed at import — leased to one caller until the lease runs out.
 */
#ifndef TURNOUT_QUEUE_H
#define TURNOUT_QUEUE_H

#include <time.h>

enum outcome {
	OUTCOME_ANSWERED,
	OUTCOME_NO_ANSWER,
	OUTCOME_BUSY,
	OUTCOME_VOICEMAIL,
	OUTCOME_WRONG_NUMBER,
	OUTCOME_REFUSED,
	OUTCOME_MOVED,
	OUTCOME_DO_NOT_CALL,
	OUTCOME_COUNT
};

#define QUEUE_LEASE_S	       600 /* a contact returns to the pool after 10 minutes */
#define QUEUE_MAX_ATTEMPTS_CAP 10
#define QUEUE_RETRY_MAX_MIN    (14 * 24 * 60)

/* "no_answer" -> OUTCOME_NO_ANSWER; -1 if unknown. */
int outcome_parse(const char *s);
const char *outcome_code(enum outcome o);  /* "no_answer" */
const char *outcome_label(enum outcome o); /* "No answer" */

struct queue_next {
	int done;	/* never offered again in this phone bank */
	int opt_out;	/* add the number to the do-not-call ledger */
	time_t next_at; /* when it may be offered again, if not done */
};

/* After a call with outcome o that made `attempts` attempts in all. */
struct queue_next queue_after(enum outcome o, int attempts, int max_attempts, int retry_wait_min,
			      time_t now);

#endif
