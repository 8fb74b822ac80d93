/*
 * Counting ranked ballots.  The rules:
 *
 *   scottish  The Scottish Local Government Elections Order 2007, schedule
 *             1, rules 45-52: Weighted Inclusive Gregory, values truncated
 *             to five decimal places, Droop quota.
 *   ers97     The Electoral Reform Society's 1997 rules: values to two
 *             places, only the last batch of papers passes a later surplus
 *             on, surpluses deferred while the lowest can safely go, as many
 *             excluded together as is safe, an exclusion moved a batch (one
 *             value) at a time, the quota lowered while no one is elected.
 *   meek      The PR Foundation's Meek reference rule: keep values to nine
 *             places, iterated until the surplus is under 0.000001, the
 *             quota recomputed from the votes still in the count.
 *   irv       the instant runoff, for one seat.
 *   block     each ballot's first `seats` preferences one vote each, the
 *             most votes win: first past the post when there is one seat.
 *
 * Balance: groups of candidates (women, say) with a minimum and a maximum
 * of the seats.  A candidate whose election would break a rule is excluded
 * as soon as that is so, and one whose exclusion would leave a minimum
 * unreachable is passed over when the lowest is chosen.
 *
 * All arithmetic in integers: a vote is r->unit units (10^5, 10^2 or 10^9
 * by rule), never a floating-point number.  Pure: no I/O.  The result is a
 * stage-by-stage report for a result sheet, JSON or text (count/report.h).
 */
#ifndef TURNOUT_COUNT_STV_H
#define TURNOUT_COUNT_STV_H

#include <stdint.h>

#include "count/ballots.h"

#define COUNT_UNIT	 ((int64_t)100000) /* units in one vote: five decimal places */
#define COUNT_MAX_GROUPS 4
#define COUNT_GROUP_NAME 40

enum count_rule { RULE_SCOTTISH, RULE_IRV, RULE_BLOCK, RULE_ERS97, RULE_MEEK };
enum stage_action { STAGE_FIRST, STAGE_SURPLUS, STAGE_EXCLUDE };
enum cand_state { CAND_CONTINUING, CAND_ELECTED, CAND_EXCLUDED, CAND_WITHDRAWN };
/* why a stage excluded whom it did */
enum exclude_why { EXCLUDE_LOWEST, EXCLUDE_BALANCE };

struct count_group {
	char name[COUNT_GROUP_NAME];
	uint8_t member[BALLOTS_MAX_CANDIDATES]; /* flags, by candidate */
	int min, max;				/* of the seats; max -1: no maximum */
};

struct count_rules {
	enum count_rule rule;
	int ngroups;
	struct count_group group[COUNT_MAX_GROUPS];
};

struct count_stage {
	enum stage_action action;
	int candidate;		  /* whose surplus, or the first excluded; -1 at stage 1 */
	int nexcluded, *excluded; /* exclusion stages: everyone excluded together */
	enum exclude_why why;
	int group;		  /* EXCLUDE_BALANCE: the group whose rule forced it */
	int kept, kept_group;	  /* one with fewer votes passed over for a group, or -1 */
	int64_t surplus;	  /* units, surplus stages */
	int64_t deferred;	  /* ers97: surpluses left waiting while this stage ran */
	int64_t batch_value;	  /* ers97 exclusion: the value of the papers this stage moved */
	int substage, substages;  /* ers97 exclusion: this batch of how many (0: none) */
	int iterations;		  /* meek: iterations the stage took */
	int64_t quota;		  /* units, as the stage left it */
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
	int64_t unit;  /* units in a vote */
	int places;    /* decimal places the rule states totals to */
	int64_t quota; /* units, final; IRV and block: 0 */
	int nstages;
	struct count_stage *stages;
	int nelected;
	int *elected;	    /* in order of election */
	int *without_quota; /* flags: elected because continuing = seats left */
	enum cand_state *state;
	const struct count_rules *rules;
};

/* 0, or -1 with err (IRV for more than one seat, a balance no result can
 * meet, too many papers for the rule's precision). */
int count_run(const struct ballots *b, const struct count_rules *rules, struct count_result *r,
	      char *err, size_t errlen);
void count_release(struct count_result *r);
/* A total at the rule's precision ("1412.45570", "12.50", "7") into out
 * (at least 32 bytes). */
void count_amount_text(const struct count_result *r, int64_t units, char *out, size_t cap);
const char *count_rule_name(enum count_rule rule);
/* "scottish", "ers97", "meek", "irv", "block" -> 0 and *rule; -1. */
int count_rule_parse(const char *name, enum count_rule *rule);
/* "Women:2=1,3,5" or "Women:2:3=1,3,5" (a name, the minimum and maximum
 * of the seats, candidates by number from 1) into g; 0, or -1 with err. */
int count_group_parse(const char *spec, int ncand, struct count_group *g, char *err, size_t errlen);
/* Which group rule electing `who` now would break: its index, or -1. */
int count_balance_blocks(const struct count_result *r, int who);

#endif
