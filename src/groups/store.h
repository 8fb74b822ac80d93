/*
 * Local groups as stored (~150 in a real movement): a name, the 2024 seats
 * it covers, its organisers and members.  Functions taking fn call it once
 * a row, in order, and return 1 or -1.
 */
#ifndef TURNOUT_GROUPS_STORE_H
#define TURNOUT_GROUPS_STORE_H

#include <stddef.h>

#include "db/db.h"

enum group_role { ROLE_NONE, ROLE_MEMBER, ROLE_ORGANISER };

/* The person's role in the group; -1 on a store error. */
int group_role_of(struct db *db, long group_id, long person_id);
/* 1 when the group exists, 0 if not, -1 error; name (cap bytes) filled. */
int group_name(struct db *db, long id, char *name, size_t cap);
/* Sets (or with ROLE_NONE removes) a membership. 0 or -1. */
int group_set_role(struct db *db, long group_id, long person_id, enum group_role role);

struct group_row {
	long id, members;
	const char *name;
	enum group_role role; /* the viewer's */
};
/* Every group, by name, with its size and the viewer's role. */
int groups_each(struct db *db, long viewer, void (*fn)(const struct group_row *g, void *arg),
		void *arg);
/* 1 when the group covers the 2024 seat, 0 when not, -1. */
int group_covers(struct db *db, long group_id, const char *seat);
/* The 2024 seat codes a group covers, in order. */
int group_seats(struct db *db, long group_id, void (*fn)(const char *code, void *arg), void *arg);
/* The person's groups (only those they organise, with organiser), or every
 * one (all), by name. */
int groups_of(struct db *db, long person_id, int all, int organiser,
	      void (*fn)(long id, const char *name, void *arg), void *arg);

/* 1 when the person organises any group, 0 not, -1. */
int group_organises_any(struct db *db, long person_id);
/* The groups covering a 2024 seat that the person has not joined. */
int groups_covering(struct db *db, const char *seat, long person_id,
		    void (*fn)(long id, const char *name, void *arg), void *arg);
/* The person's groups, by name, with their role in each. */
int groups_joined(struct db *db, long person_id,
		  void (*fn)(long id, const char *name, enum group_role role, void *arg),
		  void *arg);

/* SQL: the regions of the 2024 seats of person ?1's groups, for a
 * store's "region IN (…)". */
#define SQL_REGIONS_OF_PERSON                                                                      \
	"SELECT r.region FROM memberships ms"                                                      \
	" JOIN group_seats s ON s.group_id = ms.group_id"                                          \
	" JOIN results r ON r.election = 2024 AND r.code = s.pcon2024"                             \
	" WHERE ms.person_id = ?1"

/* Who a group's, a region's or the whole movement's things are for. */
enum reach { REACH_GROUP, REACH_REGION, REACH_MOVEMENT };
/* 1 when the person is a member of the group (REACH_GROUP), of a group
 * covering a 2024 seat in the region (REACH_REGION), of any group
 * (REACH_MOVEMENT); 0 not; -1. */
int group_reach_has(struct db *db, long person_id, enum reach reach, long group_id,
		    const char *region);

/* The regions of the 2024 seats the person's groups cover, by name. */
int groups_regions(struct db *db, long person_id, void (*fn)(const char *region, void *arg),
		   void *arg);

struct member_row {
	long person_id;
	const char *name, *email, *phone, *role; /* valid during fn */
	long long joined_at;
};
/* The members, organisers first, by name. */
int group_members(struct db *db, long group_id, void (*fn)(const struct member_row *m, void *arg),
		  void *arg);
/* Sessions the group's members proposed, waiting for an organiser. */
int group_proposals(struct db *db, long group_id,
		    void (*fn)(long event_id, const char *title, void *arg), void *arg);

/* The group's organisers, by name (to tell them, or name them to members). */
int group_organisers(struct db *db, long group_id, void (*fn)(long id, const char *name, void *arg),
		     void *arg);

#define GROUP_POST_TITLE_MAX 120
#define GROUP_POST_BODY_MAX  4000
#define GROUP_POSTS_SHOWN    20
struct group_post {
	long id;
	const char *title, *body, *author; /* valid during fn; author NULL once erased */
	long long created_at;
	long emailed;
};
/* Adds an announcement; 0 and *id, or -1. */
int group_post_add(struct db *db, long group_id, long author, const char *title, const char *body,
		   long emailed, long *id);
/* The newest GROUP_POSTS_SHOWN announcements, newest first. */
int group_posts(struct db *db, long group_id, void (*fn)(const struct group_post *p, void *arg),
		void *arg);
/* Removes one of the group's announcements: 1, 0 when it has no such one, -1. */
int group_post_delete(struct db *db, long group_id, long post_id);

#endif
