/*
 * Counting ranked ballots: the Scottish STV rule (The Scottish Local
 * Government Elections Order 2007, schedule 1, rules 45-52: Weighted
 * Inclusive Gregory, values truncated to five decimal places, Droop quota),
 * IRV for a single seat, and the block vote (each ballot's first `seats`
 * preferences one vote each, the most votes win: first past the post when
 * there is one seat).  All arithmetic in integers: a vote is
 * COUNT_UNIT units (0.00001 each), never a floating-point number.
 *
 * Pure: no I/O.  The result is a stage-by-stage report (what each stage
 * did, every candidate's total after it, the votes lost to exhausted
 * papers and to truncation, who was elected), for a result sheet, JSON
 * or text (count/report.h).
 */
#ifndef TURNOUT_COUNT_STV_H
#define TURNOUT_COUNT_STV_H

#include <stdint.h>

#include "count/ballots.h"

#define COUNT_UNIT ((int64_t)100000) /* units in one vote: five decimal places */

enum count_rule { RULE_SCOTTISH, RULE_IRV, RULE_BLOCK };
enum stage_action { STAGE_FIRST, STAGE_SURPLUS, STAGE_EXCLUDE };
enum cand_state { CAND_CONTINUING, CAND_ELECTED, CAND_EXCLUDED, CAND_WITHDRAWN };

struct count_stage {
	enum stage_action action;
	int candidate;		  /* whose surplus or exclusion; -1 at stage 1 */
	int64_t surplus;	  /* units, surplus stages */
	int64_t *totals;	  /* ncand, units, after the stage */
	int64_t non_transferable; /* cumulative */
	int64_t loss;		  /* cumulative loss of fractions */
	int nelected;		  /* elected at the end of the stage */
	int *elected;
	/* a tie broken to choose the candidate: by an earlier stage, or by lot */
	int tie, tie_by_lot;
};

struct count_result {
	enum count_rule rule;
	int ncand, seats;
	int64_t quota; /* units; IRV: 0 (a majority of continuing votes) */
	int nstages;
	struct count_stage *stages;
	int nelected;
	int *elected;	    /* in order of election */
	int *without_quota; /* flags: elected because continuing = seats left */
	enum cand_state *state;
};

/* 0, or -1 with err (IRV for more than one seat). */
int count_run(const struct ballots *b, enum count_rule rule, struct count_result *r, char *err,
	      size_t errlen);
void count_release(struct count_result *r);
/* "1412.45570" into out (at least 24 bytes). */
void count_units_text(int64_t units, char *out, size_t cap);
const char *count_rule_name(enum count_rule rule);
/* "scottish", "irv", "block" -> 0 and *rule; -1. */
int count_rule_parse(const char *name, enum count_rule *rule);

#endif
