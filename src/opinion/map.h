/*
 * The opinion map of a conversation, as pure maths: from the votes
 * (members × statements, agree 1, disagree −1, pass 0, unseen missing) to
 * two principal components, each member's point, 2–5 groups, what each
 * group stands for and what all of them share.  No I/O; the store feeds it
 * votes and keeps what it returns (opinion/store.c).
 *
 * The method follows Polis (compdemocracy.org), step by step in map.c:
 *  - a member is placed with at least OPINION_MIN_VOTES votes (or a vote on
 *    every statement, when there are fewer);
 *  - statement j's centre mu_j is the mean vote of the placed members who
 *    voted on it; an unseen cell counts as that mean, so the centred matrix
 *    Y holds x_ij − mu_j where i voted and 0 elsewhere (memory is one entry
 *    per cast vote, never one per cell);
 *  - the two components are the top eigenvectors of YᵀY, found by subspace
 *    iteration that only ever multiplies by Y and Yᵀ (warm-started from the
 *    previous run's components when given);
 *  - member i's point is sqrt(m / n_i) · Σ_j (x_ij − mu_j)·c_j over the n_i
 *    statements i voted on (m statements in all), so a light voter is not
 *    pulled to the middle for the statements they have not seen;
 *  - k-means makes up to OPINION_BASE base clusters of the points, then
 *    k-means on their centres (weighted by size) makes k = 2…5 groups, each
 *    k from several seeded starts; k is the fewest groups whose silhouette
 *    is within OPINION_K_MARGIN of the best (at a few hundred members the
 *    silhouette's own noise is a few hundredths: on the Polis data a 3rd
 *    or 4th group "won" by 0.01–0.03 where Polis, over its history, kept
 *    fewer; see the README's figures).
 *    A new k replaces the last run's only after winning OPINION_K_STREAK
 *    runs in a row, and group numbers follow the last run's centres.
 */
#ifndef TURNOUT_OPINION_MAP_H
#define TURNOUT_OPINION_MAP_H

#include <stddef.h>

#define OPINION_MIN_VOTES     7
#define OPINION_K_MIN	      2
#define OPINION_K_MAX	      5
#define OPINION_BASE	      100  /* base clusters before grouping */
#define OPINION_K_STREAK      3	   /* runs a new k must win before it is taken */
#define OPINION_K_MARGIN      0.03 /* silhouette a larger k must win by */
#define OPINION_REP_MAX	      5	   /* representative statements per group */
#define OPINION_CONSENSUS_MAX 10
#define OPINION_Z90	      1.2816 /* one-sided 90% normal quantile */

struct opinion_vote {
	int member, statement; /* 0-based indices */
	int vote;	       /* 1 agree, -1 disagree, 0 pass */
};

/* One vote per (member, statement): the store and the Polis reader keep
 * only the latest. */
struct opinion_input {
	int members, statements;
	const struct opinion_vote *votes;
	size_t nvotes;
};

/* What one run hands the next, so groups stay put from run to run. */
struct opinion_state {
	int k;			/* groups shown; 0 before any run placed anyone */
	int challenger, streak; /* a k that won the latest runs, how many */
	double centre[OPINION_K_MAX][2];
	int statements;	 /* the length of comp[] (0: no warm start) */
	double *comp[2]; /* the last components, owned */
};

/* A statement that stands for a group (or for all of them). */
struct opinion_rep {
	int statement;
	int agree;    /* 1 the group agrees, 0 it disagrees */
	double p;     /* the group's (smoothed) share agreeing or disagreeing */
	double ratio; /* p over the same share among everyone else */
	double z;     /* the two-proportion z against everyone else */
};

struct opinion_map {
	int members, statements;
	int placed;	       /* members given a point */
	int k;		       /* groups (0 when fewer than 2·k_min placed) */
	int *group;	       /* per member: 0…k−1, or −1 not in a group */
	unsigned char *on_map; /* per member: 1 placed (given a point) */
	double (*point)[2];    /* per member (0,0 when not placed) */
	double *comp[2];       /* per statement: the two components */
	double *spread;	       /* per statement: max − min group agreement, 0…1 */
	double silhouette;     /* of the k chosen */
	int group_size[OPINION_K_MAX];
	struct opinion_rep rep[OPINION_K_MAX][OPINION_REP_MAX];
	int nrep[OPINION_K_MAX];
	struct opinion_rep consensus[OPINION_CONSENSUS_MAX]; /* ratio and z unused */
	int nconsensus;
};

void opinion_state_init(struct opinion_state *st);
void opinion_state_release(struct opinion_state *st);

/*
 * Computes the map of in, reading and updating st (may be NULL for a one-off
 * run).  0, or -1 when in is malformed (an index out of range, a vote not in
 * −1…1).  out is filled either way and must be released.
 */
int opinion_map_compute(const struct opinion_input *in, struct opinion_state *st,
			struct opinion_map *out);
void opinion_map_release(struct opinion_map *m);

/*
 * Which statement a member sees next: higher first.  From the statement's
 * agrees, disagrees, passes (a + d + p = seen) and spread across groups
 * (0…1, or without groups yet how evenly it splits overall), after Polis's
 * comment priority:
 *     pass = p/(seen + 1)   (one more vote than seen, so an unseen
 *                            statement is not judged on passes it has not had)
 *     split = spread, or 1 − |a − d|/(a + d + 1) before there is a map
 *     priority = ((1 − pass)·(1 + split) · (1 + 8·2^(−seen/5)))²
 * so a statement few have seen comes first (the boost halves every five
 * votes), then those that divide the groups, and mostly-passed ones sink.
 */
double opinion_priority(long agrees, long disagrees, long passes, double spread, int mapped);

/* The index of id in ids[0..n) (ascending), or -1: members and statements
 * are numbered by their place in a sorted list of their ids. */
int opinion_index(const long *ids, int n, long id);

/* The adjusted Rand index of two labellings of n items (labels ≥ 0, an
 * item labelled −1 in either is left out): 1 identical up to names, about
 * 0 for chance agreement. */
double opinion_ari(const int *a, const int *b, int n);

#endif
