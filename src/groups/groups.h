/*
 * Local groups (~150 in a real movement): a name, the 2024 seats it covers,
 * its organisers and members.  Joining and leaving are one's own business;
 * the member list is for the group's organisers and admins only.
 */
#ifndef TURNOUT_GROUPS_H
#define TURNOUT_GROUPS_H

#include <stddef.h>

#include "db/db.h"
#include "http/server.h"

enum group_role { ROLE_NONE, ROLE_MEMBER, ROLE_ORGANISER };

/* The person's role in the group; -1 on a store error. */
int group_role_of(struct db *db, long group_id, long person_id);
/* 1 when the group exists, 0 if not, -1 error; name (cap bytes) filled. */
int group_name(struct db *db, long id, char *name, size_t cap);
/* Sets (or with ROLE_NONE removes) a membership. 0 or -1. */
int group_set_role(struct db *db, long group_id, long person_id, enum group_role role);

extern const struct http_route groups_routes[];
extern const size_t groups_nroutes;

#endif
