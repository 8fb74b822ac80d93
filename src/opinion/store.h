/*
 * Policy conversations as stored: a question put to a scope, its
 * statements (queued, approved or rejected with a reason), the members'
 * votes on them (one a member a statement, changeable; counted on the
 * statement as they come, so nothing counts by scanning) and the last
 * opinion map.  Functions taking fn call it once a row, in order, and
 * return 1 or -1; others return as their comment says.
 */
#ifndef TURNOUT_OPINION_STORE_H
#define TURNOUT_OPINION_STORE_H

#include <stddef.h>

#include "db/db.h"

#define CONV_QUESTION_MAX   300 /* characters */
#define STATEMENT_MAX	    280 /* characters */
#define CONV_REGION_MAX	    60
#define CONV_STATEMENTS_MAX 2000 /* in one conversation, any status */
#define CONV_SEEDS_MAX	    40	 /* statements given when it is put */
#define REASON_MAX	    300
#define CONV_DAYS_MAX	    366 /* longest a conversation stays open */

enum conv_scope { CONV_GROUP, CONV_REGION, CONV_MOVEMENT };
enum statement_status { ST_QUEUED, ST_APPROVED, ST_REJECTED };

struct conversation {
	long id, group_id, created_by;
	enum conv_scope scope;
	char question[CONV_QUESTION_MAX * 4 + 1];
	char region[CONV_REGION_MAX + 1];
	char group_name[128]; /* a group scope's */
	long long opens_at, closes_at, created_at;
	long votes, mapped;    /* the version counter and where the map is */
	long approved, queued; /* statements */
};

/* The names scopes and statuses are stored and posted as. */
const char *conv_scope_name(enum conv_scope s);
int conv_scope_parse(const char *s, enum conv_scope *out);
const char *statement_status_name(enum statement_status s);

/*
 * Puts a conversation with its first statements (approved, in order;
 * duplicates dropped): 0 and c->id set, or -1.  The caller has checked
 * the fields (plain_text_why(), the limits above).
 */
int conversation_create(struct db *db, struct conversation *c, const char *const *seeds, int nseeds,
			long long now);
/* 1 and *out, 0 when there is none, -1. */
int conversation_get(struct db *db, long id, struct conversation *out);
/* 1 when the person may take part (a member of the group, of a group
 * covering a seat in the region, of any group), 0 not, -1. */
int conversation_in_scope(struct db *db, const struct conversation *c, long person_id);
/* The conversations the person may take part in (all of them with all),
 * open ones first, newest first; fn's voted is how many statements the
 * person has voted on. */
int conversations_for(struct db *db, long person_id, int all,
		      void (*fn)(const struct conversation *c, long voted, void *arg), void *arg);
/* Closes it now (it stays readable): 1, 0 when already closed, -1. */
int conversation_close(struct db *db, long id, long long now);

struct statement {
	long id, conversation_id, author_id, moderated_by;
	enum statement_status status;
	const char *body, *reason; /* valid during fn; NULL reason when none */
	long agrees, disagrees, passes;
	double spread, priority;
	long long created_at;
};
/* Adds a statement: 0 and *id, 1 when the conversation has it already (or
 * holds CONV_STATEMENTS_MAX), -1. */
int statement_add(struct db *db, long conversation_id, const char *body, long author,
		  enum statement_status status, long long now, long *id);
/* One statement (body and reason copied into body/reason, each cap bytes):
 * 1, 0 none, -1. */
int statement_get(struct db *db, long id, struct statement *out, char *body, char *reason,
		  size_t cap);
/* Approves, or rejects with a reason, a queued statement: 1, 0 when it is
 * not queued, -1. */
int statement_moderate(struct db *db, long id, int approve, const char *reason, long by);
/* The conversation's statements with that status, oldest first. */
int statements_each(struct db *db, long conversation_id, enum statement_status status,
		    void (*fn)(const struct statement *s, void *arg), void *arg);
/* The person's own statements, newest first. */
int statements_by(struct db *db, long conversation_id, long author,
		  void (*fn)(const struct statement *s, void *arg), void *arg);
/* The approved statement the person sees next: the highest priority they
 * have not voted on (opinion_priority() in opinion/map.h).  1 and *out
 * (body copied into body, cap bytes), 0 when none is left, -1. */
int statement_next(struct db *db, long conversation_id, long person_id, struct statement *out,
		   char *body, size_t cap);

/*
 * Records a vote (1, −1, 0) and counts it, and sets the statement's
 * priority from its new counts.  With change, an earlier vote is replaced
 * (re-counted); without, a second vote is refused.  1 recorded, 0 refused
 * (voted already, or with change nothing to change), 2 refused as the
 * statement is not open to votes (the conversation is closed or not yet
 * open, the statement not approved), -1.  For the writer: inside its
 * transaction; a refusal writes nothing.
 */
int opinion_vote_put(struct db *db, long conversation_id, long statement_id, long person_id,
		     int vote, int change, long long now);
/* The person's vote on a statement: 1 and *vote, 0 none, -1. */
int opinion_vote_of(struct db *db, long statement_id, long person_id, int *vote);
/* How many of the conversation's statements the person has voted on. */
long opinion_votes_count(struct db *db, long conversation_id, long person_id);
/* The person's votes with the statements' wording, newest first. */
int opinion_votes_mine(struct db *db, long conversation_id, long person_id,
		       void (*fn)(const struct statement *s, int vote, long long at, void *arg),
		       void *arg);
/* Every vote of the conversation (on approved statements), by person then
 * statement. */
int opinion_votes_each(struct db *db, long conversation_id,
		       void (*fn)(long person_id, long statement_id, int vote, long long at,
				  void *arg),
		       void *arg);

/* Conversations whose map lags their votes, oldest first, at most n ids
 * into ids: how many, or -1. */
long opinion_maps_due(struct db *db, long *ids, long n);
/* The conversation's votes counter now (what a map computed from a read of
 * the votes matches), or -1. */
long opinion_votes_version(struct db *db, long conversation_id);
struct opinion_map_row {
	long conversation_id, at_votes;
	int groups, placed;
	long long computed_at;
	const char *body, *state; /* JSON */
};
/*
 * Stores a map computed at votes version at_votes, with each statement's
 * spread (spreads[i] for statement ids[i]), and re-ranks the statements:
 * 0, or -1.  In one transaction.
 */
int opinion_map_put(struct db *db, const struct opinion_map_row *m, const long *ids,
		    const double *spreads, long n, int mapped);
/* The stored map (body and state malloc'd, the caller frees): 1, 0 none, -1. */
int opinion_map_get(struct db *db, long conversation_id, struct opinion_map_row *out, char **body,
		    char **state);

#endif
