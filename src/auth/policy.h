/*
 * Every permission decision, in one place, deny by default.  Pure: the
 * caller says who is asking and what about; nothing here reads the store.
 * Organiser and admin powers need a strong session (password and TOTP);
 * a volunteer's own data needs only a signed-in session.
 */
#ifndef TURNOUT_POLICY_H
#define TURNOUT_POLICY_H

struct actor {
	long id;     /* 0: not signed in */
	int admin;   /* national admin */
	int strong;  /* this session passed password + TOTP */
};

enum action {
	ACT_SELF_VIEW,      /* profile, export */
	ACT_SELF_EDIT,      /* edit, delete, security settings */
	ACT_GROUP_JOIN,     /* join or leave a group, for oneself */
	ACT_GROUP_MEMBERS,  /* a group's member list: its organisers, admins */
	ACT_ADMIN,          /* people, roles, groups, audit log, retention */
	ACT_COUNT
};

struct target {
	long owner_id;      /* the person the data is about, 0 if none */
	int organiser;      /* the actor organises the group in question */
};

int policy_allows(const struct actor *a, enum action act, const struct target *t);
const char *action_name(enum action act);

#endif
