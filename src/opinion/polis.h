/*
 * Conversations in Polis's open-data layout (compdemocracy.org's exports):
 * reading a votes.csv into the map's input, for `turnout opinion-map` and
 * the tests against real conversations.
 */
#ifndef TURNOUT_OPINION_POLIS_H
#define TURNOUT_OPINION_POLIS_H

#include <stddef.h>

#include <jansson.h>

#include "opinion/map.h"

#define POLIS_VOTES_MAX 20000000L /* rows read from one file */
#define POLIS_ID_MAX	2147483647L

struct polis_votes {
	struct opinion_input in; /* in.votes points into votes */
	struct opinion_vote *votes;
	long *member_id;    /* index → voter-id, ascending */
	long *statement_id; /* index → comment-id, ascending */
};

/*
 * Reads timestamp,datetime,comment-id,voter-id,vote rows (a header first;
 * the columns are found by name).  A later vote (by timestamp, then by
 * line) by the same voter on the same comment replaces the earlier.  0, or
 * -1 with err saying which line is wrong and why; out is then empty.
 */
int polis_votes_read(const char *path, struct polis_votes *out, char *err, size_t errlen);
void polis_votes_release(struct polis_votes *pv);

/*
 * The map as `turnout opinion-map --json` prints it, in Polis's ids:
 *     {"groups":k, "members":{"voter-id":group,…}, "points":{"voter-id":[x,y],…},
 *      "consensus":[comment ids], "representative":{"group":[comment ids],…}}
 * with only placed members listed.
 */
json_t *polis_map_json(const struct polis_votes *pv, const struct opinion_map *m);

#endif
