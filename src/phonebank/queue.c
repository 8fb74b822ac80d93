#include "phonebank/queue.h"

#include <string.h>

static const char *const codes[OUTCOME_COUNT] = {
	"answered",	"no_answer", "busy",  "voicemail",
	"wrong_number", "refused",   "moved", "do_not_call",
};
static const char *const labels[OUTCOME_COUNT] = {
	"Answered",	"No answer", "Busy",	   "Voicemail",
	"Wrong number", "Refused",   "Moved away", "Do not call again",
};

int outcome_parse(const char *s)
{
	for (int i = 0; s && i < OUTCOME_COUNT; i++)
		if (!strcmp(s, codes[i]))
			return i;
	return -1;
}

const char *outcome_code(enum outcome o)
{
	return codes[o];
}

const char *outcome_label(enum outcome o)
{
	return labels[o];
}

struct queue_next queue_after(enum outcome o, int attempts, int max_attempts, int retry_wait_min,
			      time_t now)
{
	struct queue_next n = { 1, 0, 0 };
	switch (o) {
	case OUTCOME_NO_ANSWER:
	case OUTCOME_BUSY:
	case OUTCOME_VOICEMAIL:
		/* try again later, until the attempts run out */
		if (attempts < max_attempts) {
			n.done = 0;
			n.next_at = now + (time_t)retry_wait_min * 60;
		}
		break;
	case OUTCOME_DO_NOT_CALL: n.opt_out = 1; break;
	default: break;
	}
	return n;
}
