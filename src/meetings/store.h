/*
 * Meetings as stored: a local group's meeting with its standing orders,
 * who is present (and the timeline of arrivals and departures), motions
 * and amendments, elections, and votes with secret ballots.  Functions
 * taking fn call it once a row and return 1 or -1; the rest 1 (or an id),
 * 0 when there is no such thing, -1 on a store error.  Writes that belong
 * together are one transaction here.
 */
#ifndef TURNOUT_MEETINGS_STORE_H
#define TURNOUT_MEETINGS_STORE_H

#include <stddef.h>

#include <stdint.h>

#include "count/stv.h"
#include "db/db.h"
#include "meetings/rules.h"
#include "meetings/speakers.h"

#define MEETING_TITLE_MAX	120
#define MOTION_TITLE_MAX	160
#define MOTION_BODY_MAX		8000
#define ELECTION_POST_MAX	120
#define ELECTION_CANDIDATES_MAX 30
#define CANDIDATE_NAME_MAX	100
#define RECEIPT_LEN		10
#define ITEM_TITLE_MAX		160
#define ITEMS_MAX		60

/* Who votes: the whole group, a committee listed from its members, or a
 * conference of delegates each with a card vote's weight. */
enum meeting_body { BODY_MEMBERS, BODY_COMMITTEE, BODY_CONFERENCE };
#define CARD_WEIGHT_MAX 1000000

struct meeting {
	long id, group_id, created_by;
	long event_id; /* the session it is held at; 0: none */
	enum meeting_body body;
	int proxies_max; /* proxies one person may hold; 0: none */
	char title[MEETING_TITLE_MAX + 1];
	long long starts_at;
	struct quorum_rule quorum;
	enum majority majority;
	enum majority procedural_majority; /* the closure's and a challenge's */
	char checkin_code[8];
	/* balance: the group the elections' rules are for, and how many of the
	 * places in the posts marked "across" it must hold */
	char balance_group[COUNT_GROUP_NAME];
	int posts_min;
};

/* A meeting, at the session m->event_id when not 0 (one meeting a
 * session: 0 when that one has a meeting already), *id: 1, 0, -1. */
int meeting_create(struct db *db, struct meeting *m, long long now);
/* A meeting held at a session starts when the session does. */
int meeting_get(struct db *db, long id, struct meeting *out);
/* The meeting held at a session: its id, 0 none, -1. */
long meeting_at_event(struct db *db, long event_id);
/* Meetings of a group, soonest first. */
int meetings_of(struct db *db, long group_id,
		void (*fn)(long id, const char *title, long long starts_at, void *arg), void *arg);

const char *meeting_body_name(enum meeting_body b);
int meeting_body_parse(const char *s, enum meeting_body *out);

/* The voters (heads, and their card-vote weights), and those present. */
struct meeting_strength {
	long members, present, weight_members, weight_present;
};
int meeting_strength(struct db *db, long meeting_id, struct meeting_strength *out);
/* A person's weight as a voter at the meeting, 0 when not entitled; -1. */
long meeting_voter_weight(struct db *db, long meeting_id, long person_id);
/* A committee's or conference's voter added or re-weighted (weight > 0)
 * or removed (0): 1. */
int meeting_set_voter(struct db *db, long meeting_id, long person_id, long weight);
int meeting_is_present(struct db *db, long meeting_id, long person_id);
/* Marks a member present or gone, and logs it: 1 changed, 0 no change. */
int meeting_set_present(struct db *db, long meeting_id, long person_id, int present, long by,
			long long now);
/* A member's apologies for absence sent (on) or taken back: 1 changed,
 * 0 no change, -1. */
int meeting_apologies_set(struct db *db, long meeting_id, long person_id, int on, long long now);
int meeting_has_apologies(struct db *db, long meeting_id, long person_id);
struct roll_row {
	long person_id;
	const char *name; /* valid during fn */
	int present;
	int apologies; /* sent them */
	long weight;   /* as a voter; 0: not entitled */
};
/* The members, by name, present or not. */
int meeting_roll(struct db *db, const struct meeting *m,
		 void (*fn)(const struct roll_row *r, void *arg), void *arg);

#define MOTION_OUTCOME_MAX 400
#define RULING_MAX	   300
struct motion {
	long id, meeting_id, amends, mover_id, seconder_id;
	long target;	/* a procedural motion's motion or amendment; 0 */
	long alt_group; /* incompatible amendments share it; 0 */
	enum procedure procedure;
	char title[MOTION_TITLE_MAX + 1];
	char *body; /* owned: motion_release() */
	enum majority majority;
	enum motion_status status;
	char outcome[MOTION_OUTCOME_MAX + 1]; /* how it ended without its own vote */
	char ruling[RULING_MAX + 1];	      /* the chair's, when ruled out of order */
	const char *mover, *seconder;	      /* names, in motions_each() only */
};
/* A motion, an amendment (amends: its body the wording the motion would
 * have) or a procedural motion on target, in m->status; *id. */
int motion_add(struct db *db, struct motion *m, long long now);
int motion_get(struct db *db, long id, struct motion *out);
void motion_release(struct motion *m);
/* The meeting's motions in order, each followed by its amendments and the
 * procedural motions moved on either. */
int motions_each(struct db *db, long meeting_id, void (*fn)(const struct motion *m, void *arg),
		 void *arg);
/* Moves a motion on from the state it was read in (motion_step_allowed
 * is the caller's), with the words of how it ended (or NULL) and the
 * chair's ruling when ruled out of order (or NULL): 1, 0 when it is not
 * in from any more. */
int motion_move(struct db *db, long id, enum motion_status from, enum motion_status to,
		const char *outcome, const char *ruling);
/* A submitted motion put on the agenda, with its seconder (0: none named
 * yet): 1, 0 when it is not submitted any more. */
int motion_accept(struct db *db, long id, long seconder);
/* What must be decided before a motion can be put, in the order business
 * is taken: a procedural motion moved on it, its amendments, an earlier
 * amendment of its motion; BLOCK_NONE, or -1. */
enum motion_block { BLOCK_NONE, BLOCK_PROCEDURAL, BLOCK_AMENDMENTS, BLOCK_EARLIER };
int motion_blocked(struct db *db, const struct motion *m);
/* The wording the motion would have if the amendment were carried: its
 * own, or, when another amendment has been carried since it was written,
 * both changes made together (text_merge); *out is the caller's to free.
 * 1, 0 when the two change the same lines (it must be written anew
 * against the motion as it now reads), -1. */
int amendment_wording(struct db *db, const struct motion *a, char **out);
/* Puts an amendment in the group of incompatible ones with another of the
 * same motion (with 0: out of any group): 1, 0 either is decided. */
int amendment_group(struct db *db, long id, long with);

/*
 * Proxies: an entitled member gives theirs to another, who may hold up to
 * the meeting's proxies_max; giving again moves it, taking it back ends
 * it.  1 done; 0 refused (holder not entitled or full, proxies not
 * allowed); -1.
 */
int proxy_give(struct db *db, const struct meeting *m, long giver, long holder, long long now);
int proxy_take_back(struct db *db, long meeting_id, long giver);
/* The holder of a member's proxy (name into out), 0 none. */
long proxy_holder(struct db *db, long meeting_id, long giver, char *name, size_t cap);
/* The proxies a member holds whose givers are entitled and absent. */
int proxies_held(struct db *db, long meeting_id, long holder,
		 void (*fn)(long giver, const char *name, void *arg), void *arg);
/* Whether holder may vote for giver now (holds the proxy; giver entitled
 * and absent): 1 with the giver's weight and name, 0, -1. */
int proxy_valid(struct db *db, long meeting_id, long giver, long holder, long *weight, char *name,
		size_t cap);

/* An agenda item with its speakers list's rules. */
struct agenda_item {
	long id, meeting_id;
	int position;
	char title[ITEM_TITLE_MAX + 1];
	int speech_s; /* time limit per speech; 0: none */
	enum alternation alternation;
	int first_time;
};
/* Appends an item to the meeting's agenda: 1 and *id, 0 the agenda is full. */
int item_add(struct db *db, struct agenda_item *it, long long now);
int item_get(struct db *db, long id, struct agenda_item *out);
int items_each(struct db *db, long meeting_id, void (*fn)(const struct agenda_item *it, void *arg),
	       void *arg);

struct speaker_row {
	long id, person_id;
	const char *name; /* valid during fn */
	int in_group;
	long long asked_at, started_at, ended_at; /* 0: not yet */
	long called;				  /* order called in; 0: not yet */
};
/* Everyone on an item's list, waiting, speaking or done, in the order
 * they asked (withdrawn requests left out). */
int speakers_each(struct db *db, long item_id, void (*fn)(const struct speaker_row *s, void *arg),
		  void *arg);
/* Asks to speak: 1, 0 already waiting (or the list is full). */
int speaker_ask(struct db *db, long item_id, long person_id, int in_group, long long now);
/* Takes a waiting request back: 1, 0 none waiting. */
int speaker_withdraw(struct db *db, long item_id, long person_id);
/* Ends whoever is speaking and, with next, starts that waiting request:
 * 1, 0 next is not waiting on the item any more. */
int speaker_next(struct db *db, long item_id, long next, long long now);

/* The minutes as the secretary last saved them (owned text), and whether
 * they are published to members: 1, 0 none yet, -1. */
int meeting_minutes_get(struct db *db, long id, char **text, int *published);
int meeting_minutes_set(struct db *db, long id, const char *text, int published);

/* The meeting's balance group among an election's candidates: at least
 * min and at most max (-1: no maximum) of its places, and whether its
 * places count towards the meeting's minimum across posts. */
struct election_balance {
	int on;
	uint8_t member[ELECTION_CANDIDATES_MAX];
	int min, max, across;
};

struct meeting_election {
	long id, meeting_id;
	char post[ELECTION_POST_MAX + 1];
	int seats, ncand;
	enum count_rule rule; /* RULE_IRV for one seat only */
	char cand[ELECTION_CANDIDATES_MAX][CANDIDATE_NAME_MAX + 1];
	struct election_balance balance;
};
int election_add(struct db *db, struct meeting_election *e, long long now);
int election_get(struct db *db, long id, struct meeting_election *out);
/* The balance rule of an election whose ballot has not opened: 1 set, 0
 * the ballot has opened (nothing changed), -1. */
int election_set_balance(struct db *db, long id, const struct election_balance *b);
/* The meeting's balance group and minimum across posts: 1, -1. */
int meeting_set_balance(struct db *db, long id, const char *group, int posts_min);
int elections_each(struct db *db, long meeting_id,
		   void (*fn)(const struct meeting_election *e, const char *report, void *arg),
		   void *arg);

struct vote {
	long id, meeting_id, motion_id, election_id;
	int open;
	long members, present, quorum;
	long weight_members, weight_present; /* card votes; heads when none */
	long yes, no, abstain;
	int passed;
	int named; /* a roll-call: each vote recorded with its voter's name */
	char result[400];
};
/* Opens the vote on a motion or an election (one of the two ids), with
 * the quorum as it stands: *id. */
int vote_open(struct db *db, struct vote *v, long long now);
int vote_get(struct db *db, long id, struct vote *out);
/* The latest vote on a motion or election (the other id 0). */
int vote_latest(struct db *db, long motion_id, long election_id, struct vote *out);
/*
 * One ballot, inside the caller's transaction (the group-commit writer's).
 * Secret: "has voted" and the ballot written apart, the ballot under a
 * fresh random receipt (RECEIPT_LEN + 1 bytes, returned).  Named: the
 * vote with its voter, and no receipt ("").  *cast is 1
 * cast, 0 already voted, -1 the vote is not open.  0, or -1 on a store
 * error.
 */
struct ballot_in {
	long vote_id, person_id; /* the voter of record */
	long by_proxy;		 /* the holder casting it, or 0 */
	long weight;		 /* the card vote it counts for */
	const char *choice;
};
int ballot_put(struct db *db, const struct ballot_in *in, char *receipt, int *cast);
/* A named vote's roll: who voted how, by name. */
int vote_roll(struct db *db, long vote_id,
	      void (*fn)(const char *name, const char *choice, void *arg), void *arg);
int vote_has_voted(struct db *db, long vote_id, long person_id);
/* Every secret ballot, receipt and choice, in receipt order: a count reads
 * the choices, the voters' check the receipts. */
int vote_ballots(struct db *db, long vote_id,
		 void (*fn)(const char *receipt, const char *choice, long weight, void *arg),
		 void *arg);
/* Closes a motion's vote: counts the ballots (or takes the chair's count of
 * a show of hands, hands, when no ballot was cast), decides by its rule,
 * writes the result; a carried amendment's wording becomes the motion's
 * (the old one kept).  0 when it is not open, or hands came after ballots. */
int vote_close_motion(struct db *db, long vote_id, const struct tally *hands, long long now);
/* Closes an election's vote with its count's report and result in words. */
int vote_close_election(struct db *db, long vote_id, const char *report_json, const char *result,
			long long now);

#endif
