/*
 * A body's standing orders as data, and what they decide: whether a
 * meeting is quorate, whether a motion passed, and the result in words.
 * Pure: unit-tested on its own.
 */
#ifndef TURNOUT_MEETINGS_RULES_H
#define TURNOUT_MEETINGS_RULES_H

#include <stddef.h>

enum majority {
	MAJ_SIMPLE,		/* more for than against; abstentions not counted */
	MAJ_ABSOLUTE,		/* more than half of all votes cast, abstentions included */
	MAJ_TWO_THIRDS,		/* at least two thirds of those voting for or against */
	MAJ_TWO_THIRDS_PRESENT, /* at least two thirds of those present */
};

struct quorum_rule {
	int pct; /* of the members entitled to vote, 0-100 */
	int min; /* and at least this many present */
};

struct tally {
	long yes, no, abstain;
	long present, members; /* when the vote opened (card votes, in a conference) */
	int card;	       /* counted in delegates' card votes */
};

/*
 * A motion's life: submitted by a member, put on the agenda by the chair,
 * debated, voted on, and carried or fallen; or withdrawn, or referred
 * elsewhere (to a committee, a later meeting) without a vote.
 */
enum motion_status {
	MOTION_SUBMITTED,
	MOTION_AGENDA,
	MOTION_DEBATE,
	MOTION_VOTING,
	MOTION_CARRIED,
	MOTION_FELL,
	MOTION_WITHDRAWN,
	MOTION_REFERRED,
};
/* The stored word, and the words a page shows ("on the agenda"). */
const char *motion_status_name(enum motion_status s);
const char *motion_status_words(enum motion_status s);
int motion_status_parse(const char *s, enum motion_status *out);
/* Whether a motion may go from one state to the other. */
int motion_step_allowed(enum motion_status from, enum motion_status to);
/* Still to be decided, and taken before what it is moved on. */
int motion_pending(enum motion_status s);

/*
 * Procedural motions, moved on a motion or an amendment under debate
 * (the challenge on a ruling of the chair).  Each is decided at once,
 * before the question it is on, by its own majority.
 */
enum procedure { PROC_NONE, PROC_CLOSURE, PROC_NEXT_BUSINESS, PROC_REFER, PROC_CHALLENGE };
int procedure_parse(const char *s, enum procedure *out);
const char *procedure_name(enum procedure p);
/* The closure and a challenge to the chair need the meeting's strong
 * majority (its standing orders: two thirds, commonly); the others a
 * simple one. */
enum majority procedure_majority(enum procedure p, enum majority strong);
/* The motion's wording: "That the question be now put." */
void procedure_text(enum procedure p, const char *on, const char *detail, char *out, size_t cap);

/* The smallest number present that makes the meeting quorate. */
long quorum_needed(const struct quorum_rule *q, long members);
/* "simple", "absolute", "two_thirds", "two_thirds_present" -> 0 and *m; -1. */
int majority_parse(const char *s, enum majority *m);
const char *majority_name(enum majority m);
/* In words: "a simple majority of the votes cast". */
const char *majority_words(enum majority m);
int motion_passes(enum majority m, const struct tally *t);
/* "Carried: 12 for, 3 against, 1 abstention (a simple majority of the votes
 * cast was needed; 16 of 20 members present, quorum 8)." */
void result_words(enum majority m, const struct tally *t, long quorum, char *out, size_t cap);

/*
 * An amendment against its motion, line by line (the longest common run of
 * lines kept): fn is called for each line in order with kind ' ' (both),
 * '-' (the motion's, left out) or '+' (the amendment's, put in), and the
 * line's number in the motion (0 for a line put in).  The lines both begin
 * and end with are kept as they are; of what lies between, at most
 * DIFF_MAX_LINES lines a side are compared, more are shown whole as
 * changed.
 */
#define DIFF_MAX_LINES 400
void text_diff(const char *from, const char *to,
	       void (*fn)(char kind, long line, const char *s, size_t n, void *arg), void *arg);
/*
 * Two amendments of one wording, merged: base is the motion as both were
 * written against, ours the motion as it now reads (an earlier amendment
 * carried), theirs the amendment.  Their changes are made together, line
 * by line, when they touch different lines; the result (lines joined by
 * "\n") is the caller's to free.  NULL when they change the same lines
 * differently, or insert at the same place: which is meant is not known.
 */
char *text_merge(const char *base, const char *ours, const char *theirs);

#endif
