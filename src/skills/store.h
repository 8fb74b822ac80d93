/*
 * Skills as stored: each person's profile (listed skills, tags, languages,
 * availability, happy to train others, findable or not, where they are)
 * and requests an organiser puts to their group's members who have a
 * skill, allowed it, and are near enough.  The organiser learns how many
 * match and who answered yes, never the list of everyone with the skill.
 * Functions return 1 (done, found), 0 (none in that state) or -1; those
 * taking fn call it once a row and return 1 or -1.
 */
#ifndef TURNOUT_SKILLS_STORE_H
#define TURNOUT_SKILLS_STORE_H

#include "db/db.h"
#include "skills/skills.h"

#define SKILL_WHAT_MAX 300
#define SKILL_ASK_MAX  200 /* members told of one request, nearest first */
#define SKILL_KM_MAX   200

struct skill_profile {
	int findable, trains, weekdays, evenings, weekends;
	int located; /* lat, lon known */
	double lat, lon;
	int nlisted, ntags, nlangs;
	char listed[SKILL_LISTED_MAX][24];
	char tags[SKILL_FREE_MAX][SKILL_KEY_CAP], langs[SKILL_FREE_MAX][SKILL_KEY_CAP];
};
/* 1 and *out, 0 when the person has none (out emptied), -1. */
int skill_profile_get(struct db *db, long person_id, struct skill_profile *out);
/* Replaces the person's profile, in one transaction: 1, -1. */
int skill_profile_put(struct db *db, long person_id, const struct skill_profile *p, long long now);

struct skill_query {
	long group_id; /* its members only */
	enum skill_kind kind;
	const char *name; /* the key */
	int located;	  /* with lat, lon, km: within km */
	double lat, lon, km;
	long exclude; /* the organiser asking */
};
/* How many of the group's members have the skill, allowed organisers to
 * find them and are within reach: n, or -1. */
long skill_count(struct db *db, const struct skill_query *q);

struct skill_request {
	long id, group_id, asked_by;
	enum skill_kind kind;
	char name[SKILL_KEY_CAP];
	char what[SKILL_WHAT_MAX * 4 + 1];
	long long needed_by, created_at, closed_at;
	char postcode[9];
	int km;
};
/*
 * Stores the request and asks the members q matches (nearest first, at
 * most SKILL_ASK_MAX), calling told(person) for each inside the
 * transaction (to queue their mail): 1 and r->id, -1 (nothing kept).
 */
int skill_request_put(struct db *db, struct skill_request *r, const struct skill_query *q,
		      long long now, int (*told)(long person_id, void *arg), void *arg, long *n);
int skill_request_get(struct db *db, long id, struct skill_request *out);
/* Whether the person was asked: 1 (answer "yes", "no" or "" into answer), 0, -1. */
int skill_asked(struct db *db, long request_id, long person_id, char answer[4]);
/* Records an asked person's answer to an open request: 1, 0 (not asked, or closed), -1. */
int skill_answer(struct db *db, long request_id, long person_id, int yes, long long now);
struct skill_answer_row {
	long person_id;
	const char *name, *email, *answer; /* valid during fn; answer "" when none yet */
};
/* Those asked who answered yes, by name, with how many were asked and said no. */
int skill_answers(struct db *db, long request_id,
		  void (*fn)(const struct skill_answer_row *a, void *arg), void *arg, long *asked,
		  long *no);
int skill_request_close(struct db *db, long request_id, long long now);
struct skill_asked_row {
	long request_id;
	enum skill_kind kind;
	const char *name, *what, *group, *answer; /* valid during fn; answer "" when none yet */
	int closed;
};
/* The requests put to the person, open ones first, newest first (at most 50). */
int skills_asked_of(struct db *db, long person_id,
		    void (*fn)(const struct skill_asked_row *a, void *arg), void *arg);
/* The group's requests, newest first (at most 50). */
int group_skill_requests(struct db *db, long group_id,
			 void (*fn)(const struct skill_request *r, long yes, void *arg), void *arg);

#endif
