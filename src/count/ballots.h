/*
 * Ranked ballots, and the BLT file format they are exchanged in (as the
 * ERS, OpenSTV and Droop write it):
 *
 *     4 2              candidates, seats
 *     -3               optional: withdrawn candidates, negated
 *     12 1 3 0         a weight (identical papers), preferences, 0
 *     0                end of ballots
 *     "Name"           one quoted name per candidate, in number order
 *     "Title"
 *
 * Pure: parses from memory, never more than the limits below, and refuses
 * rather than guesses (a repeated or unknown candidate, "=" rankings, a
 * count with fewer candidates than seats).
 */
#ifndef TURNOUT_COUNT_BALLOTS_H
#define TURNOUT_COUNT_BALLOTS_H

#include <stddef.h>
#include <stdint.h>

#define BALLOTS_MAX_CANDIDATES 250 /* a preference fits a byte */
#define BALLOTS_MAX_LINES      2000000
#define BALLOTS_MAX_WEIGHT     100000000L      /* papers on one line */
#define BALLOTS_MAX_PAPERS     1000000000000LL /* in all: 10^17 units stay exact */
#define BALLOTS_NAME_MAX       200

struct ballots {
	int ncand, seats;
	char **names; /* ncand, trimmed and inner runs of spaces collapsed */
	char *title;
	uint8_t *withdrawn; /* ncand flags */
	size_t nlines;
	long *weight;	  /* nlines */
	uint32_t *start;  /* nlines + 1 offsets into pref */
	uint8_t *pref;	  /* candidate numbers from 0 */
	long long papers; /* valid papers: lines with a preference, by weight */
};

/* 0, or -1 with the reason (and its line) in err; b is empty after -1. */
int blt_parse(const char *text, size_t len, struct ballots *b, char *err, size_t errlen);
void ballots_release(struct ballots *b);

#endif
