/*
 * The machinery the counting rules share (count/stv.c, ers97.c, meek.c):
 * papers held in parcels, stages recorded as they happen, ties broken by
 * the record.  Internal to src/count.
 */
#ifndef TURNOUT_COUNT_TALLY_H
#define TURNOUT_COUNT_TALLY_H

#include <stdint.h>

#include "count/stv.h"

/* Identical papers that travel together: a ballot line at one value. */
struct parcel {
	uint32_t line, pos; /* the preference it counts for now */
	long count;
	int64_t value; /* units per paper, as its present holder received it */
};

struct holding {
	uint32_t *ids; /* parcels held, in the order received */
	size_t n, cap;
};

struct count {
	const struct ballots *b;
	struct count_result *r;
	struct parcel *parcels;
	struct holding *held; /* ncand */
	size_t *batch_from;   /* ncand: where in held[] the last batch received starts */
	int64_t *totals, nt, loss;
	uint8_t *surplus_due; /* elected with a surplus not yet transferred */
};

/* The parcel's next preference for a continuing candidate, from pos on;
 * -1 when it has none. */
int tally_next(const struct count *c, struct parcel *p);
void tally_hold(struct count *c, int who, uint32_t id);
/* Mark where every continuing candidate's next batch will start. */
void tally_batch_begin(struct count *c);
/*
 * The candidate among those flagged with the highest (want_max) or lowest
 * total, -1 if none.  A tie is broken by the stages before: the most
 * recent at which they differed (scottish), or the earliest (forward,
 * ers97); equal at all of them, by lot (the first in the file).
 */
int tally_pick(struct count *c, const uint8_t *eligible, int want_max, int forward, int *tie,
	       int *lot);
struct count_stage *tally_stage_begin(struct count *c, enum stage_action a, int who);
/* Totals, losses and quota as they stand now, into s. */
void tally_stage_end(struct count *c, struct count_stage *s);
void tally_stage_exclude(struct count *c, struct count_stage *s, int who);
void tally_elect(struct count *c, struct count_stage *s, int who, int without_quota);
int tally_continuing(const struct count *c);
/* Stage 1: every paper to its first continuing preference at one vote. */
struct count_stage *tally_first(struct count *c);
/* The continuing candidates a group rule now bars from election, all of
 * them for the first group that bars any, into who; how many, and the
 * group in *group. */
int tally_barred(const struct count *c, int *who, int *group);
/* The group whose minimum excluding `who` would leave unreachable, or -1. */
int tally_protected(const struct count *c, int who);
/* Note on s any continuing candidate with fewer votes than the one it
 * excludes, kept for a group's minimum (the lowest such). */
void tally_note_kept(struct count *c, struct count_stage *s, int excluded);

void count_ers97(struct count *c);
void count_meek(struct count *c);

#endif
