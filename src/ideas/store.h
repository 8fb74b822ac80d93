/*
 * Ideas that rise, as stored.  A member puts an idea to a scope (a group,
 * a region, the movement); members in scope support or oppose it, counted
 * on the idea as they come.  Once its supports reach the scope's threshold
 * (idea_thresholds: data, not code) within the time it gives, it moves to
 * deliberation: its key claims become a swipe conversation.  Organisers
 * then put it to a meeting as a motion and record the outcome, with an
 * owner.  One that does not reach the threshold in time is closed with
 * that answer; none is left without one.  Functions taking fn call it once
 * a row, in order, and return 1 or -1; the rest say what they return.
 */
#ifndef TURNOUT_IDEAS_STORE_H
#define TURNOUT_IDEAS_STORE_H

#include <stddef.h>

#include "db/db.h"
#include "ideas/similar.h"
#include "opinion/store.h"

#define IDEA_TITLE_MAX	       120  /* characters */
#define IDEA_BODY_MAX	       2000 /* characters */
#define IDEA_CLAIMS_MAX	       10   /* key claims, each a statement (STATEMENT_MAX) */
#define IDEA_NOTE_MAX	       1000 /* an outcome's note */
#define IDEA_OUTCOME_MAX       40
#define IDEA_DELIBERATION_DAYS 14
#define IDEAS_PAGE	       50 /* ideas a list page shows */
#define IDEA_SIMILAR_SHOWN     5

enum idea_stage {
	IDEA_OPEN,
	IDEA_DELIBERATION,
	IDEA_MOTION,
	IDEA_OUTCOME,
	IDEA_CLOSED,
	IDEA_MERGED
};

const char *idea_stage_name(enum idea_stage s);
/* What a stage means to a member, in a few words. */
const char *idea_stage_words(enum idea_stage s);
/* The categories an idea is filed under (NULL-terminated), and whether s is one. */
extern const char *const idea_categories[];
int idea_category_ok(const char *s);
/* The outcomes an organiser records (NULL-terminated). */
extern const char *const idea_outcomes[];

struct idea {
	long id, group_id, author_id, conversation_id, motion_id, merged_into, owner_id;
	enum conv_scope scope;
	enum idea_stage stage;
	char region[CONV_REGION_MAX + 1];
	char scope_key[CONV_REGION_MAX + 8];
	char group_name[128], owner_name[128];
	char title[IDEA_TITLE_MAX * 4 + 1];
	char category[24];
	char outcome[IDEA_OUTCOME_MAX + 1];
	char *body, *claims, *outcome_note; /* owned: idea_release() */
	long supports, opposes, needed;
	long long deadline, created_at, updated_at;
};
void idea_release(struct idea *i);

/* The key ("g:12", "r:London", "m:") lists and similar ideas go by. */
void idea_scope_key(enum conv_scope scope, long group_id, const char *region, char *out,
		    size_t cap);

struct idea_threshold {
	long absolute;
	double percent;
	long days;
};
/* 0 and *out, or -1. */
int idea_threshold_get(struct db *db, enum conv_scope scope, struct idea_threshold *out);
int idea_threshold_set(struct db *db, enum conv_scope scope, const struct idea_threshold *t);
/* Members in a scope now, or -1. */
long idea_scope_members(struct db *db, enum conv_scope scope, long group_id, const char *region);
/* The supports an idea needs: the threshold's absolute number or its share
 * of the members in scope, whichever is more, but never more than there
 * are members, and at least 1.  Pure. */
long idea_needed(const struct idea_threshold *t, long members);

/*
 * Puts an idea (title, body, category, claims, scope fields and author in
 * i; needed and deadline from the scope's threshold) with its words
 * indexed, its author as its first author and first support, and the
 * ideas it resembles (similar[0..nsimilar), with scores) flagged: 0 and
 * i->id, or -1.  In one transaction.  It may rise at once (one member
 * needed): idea_rise() is the caller's.
 */
int idea_create(struct db *db, struct idea *i, const struct idea_words *words, const long *similar,
		const double *scores, int nsimilar, long long now);
/* 1 and *out (idea_release() it), 0 none, -1. */
int idea_get(struct db *db, long id, struct idea *out);

/*
 * The ideas in scope most like this one (not merged, not exclude): ids and
 * scores, best first, at most max with idea_similarity() ≥ IDEA_SIMILAR.
 * How many, or -1.
 */
int idea_similar_find(struct db *db, const char *scope_key, const char *title, const char *body,
		      long exclude, long *ids, double *scores, int max);
/* The ideas flagged as like this one when it was put, best first. */
int idea_similar_each(struct db *db, long id,
		      void (*fn)(long other, const char *title, const char *stage, double score,
				 void *arg),
		      void *arg);

/* The person's support (1), opposition (-1) or 0. */
int idea_support_of(struct db *db, long idea_id, long person_id);
/*
 * Supports (1), opposes (-1) or withdraws (0) the person's stand on an
 * open idea, counting it: 1 changed, 0 nothing to change, 2 the idea is
 * not open to support, -1.
 */
int idea_support(struct db *db, long idea_id, long person_id, int value, long long now);
/*
 * When an open idea has its supports, moves it to deliberation with a
 * conversation on its claims (closing IDEA_DELIBERATION_DAYS on): 1 it
 * rose, 0 not (yet), -1.  Inside the caller's transaction when open.
 */
int idea_rise(struct db *db, long idea_id, long long now);

/* A page of the scope's ideas (not merged), most supported first, with the
 * viewer's stand on each. */
struct idea_row {
	long id, supports, opposes, needed;
	const char *title, *category, *stage;
	long long deadline;
	int mine; /* 1, -1, 0 */
};
int ideas_list(struct db *db, const char *scope_key, long viewer, long offset,
	       void (*fn)(const struct idea_row *r, void *arg), void *arg);

/* The idea's history, oldest first. */
int idea_events_each(struct db *db, long id,
		     void (*fn)(long long at, const char *stage, const char *text, void *arg),
		     void *arg);
/* Its authors' names (an erased author is not named). */
int idea_authors_each(struct db *db, long id, void (*fn)(const char *name, void *arg), void *arg);
/* Everyone to tell of a change: its authors and supporters, each once. */
int idea_followers(struct db *db, long id, void (*fn)(long person_id, void *arg), void *arg);
/* Records a step in its history (and the time it changed). 0 or -1. */
int idea_event(struct db *db, long id, enum idea_stage stage, const char *text, long by,
	       long long now);

/* Puts an idea in deliberation to a meeting as a motion on its agenda,
 * moved by its author: 1 and *motion_id, 0 when it is not in deliberation
 * (or the meeting is gone), -1.  In one transaction. */
int idea_to_motion(struct db *db, long id, long meeting_id, long by, long long now,
		   long *motion_id);
/* Records the outcome of an idea at a meeting (or in deliberation): 1, 0
 * when it is at neither stage, -1. */
int idea_set_outcome(struct db *db, long id, const char *outcome, long owner, const char *note,
		     long by, long long now);
/* Puts the idea to a wider scope (region or movement) to gather support
 * there, with its history and supports: 1, 0 when the scope is not wider
 * or the idea is merged, -1. */
int idea_promote(struct db *db, long id, enum conv_scope to, const char *region, long by,
		 long long now);
/*
 * Merges idea from into idea into: from's authors are credited on into,
 * its supports carried over (a member who backed both counts once), and
 * from is left pointing at into.  1, 0 refused (the same idea, either one
 * merged already, or not in the same scope), -1.  In one transaction.
 */
int idea_merge(struct db *db, long from, long into, long by, long long now);
/* The region a group's seats lie in most (for promoting its idea): 1, 0
 * when its seats have none, -1. */
int idea_group_region(struct db *db, long group_id, char *out, size_t cap);

/* Closes every open idea past its deadline, with that answer in its
 * history, each in a transaction with what fn does for it (tells its
 * followers; -1 undoes that idea's close): how many, or -1. */
long ideas_expire(struct db *db, long long now, int (*fn)(long id, void *arg), void *arg);

/* Ideas in deliberation whose conversation has closed, not yet followed
 * up: each, in a transaction with what fn does for it (tells the scope's
 * organisers and its followers; -1 undoes it), is marked in its history.
 * How many, or -1. */
long ideas_deliberated(struct db *db, long long now, int (*fn)(long id, void *arg), void *arg);
/* Those who take the idea's next step: its group's organisers, or for a
 * region or the movement the admins. */
int idea_runners(struct db *db, long id, void (*fn)(long person_id, void *arg), void *arg);

#endif
