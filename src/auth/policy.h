/*
 * Every permission decision, in one place, deny by default.  Pure: the
 * caller says who is asking and what about; nothing here reads the store.
 * Organiser and admin powers need a strong session (password and TOTP);
 * a volunteer's own data needs only a signed-in session.
 */
#ifndef TURNOUT_POLICY_H
#define TURNOUT_POLICY_H

/* What an integration's API token may read (never write, never self). */
#define SCOPE_PEOPLE 1u  /* "people:read": the admin list of people */
#define SCOPE_AUDIT 2u   /* "audit:read": the audit log */
#define SCOPE_MEMBERS 4u /* "members:read": any group's member list */
#define SCOPE_ALL (SCOPE_PEOPLE | SCOPE_AUDIT | SCOPE_MEMBERS)

struct actor {
	long id;         /* a person; 0: not signed in (or an API token) */
	int admin;       /* national admin */
	int strong;      /* this session passed password + TOTP */
	unsigned scopes; /* an API token's SCOPE_* bits; 0 for people */
	long token_id;   /* the API token, when that is who is asking */
};

enum action {
	ACT_SELF_VIEW,      /* profile, export */
	ACT_SELF_EDIT,      /* edit, delete, security settings */
	ACT_GROUP_JOIN,     /* join or leave a group, for oneself */
	ACT_GROUP_MEMBERS,  /* a group's member list: its organisers, admins */
	ACT_GROUP_ANNOUNCE, /* post (and mail) announcements to a group: its organisers, admins */
	ACT_ADMIN,          /* people, roles, groups, tokens, retention */
	ACT_PEOPLE_READ,    /* the list of everyone: admins, or a token */
	ACT_AUDIT_READ,     /* the audit log: admins, or a token */
	ACT_EVENT_CREATE,   /* post a session for a group: its organisers, admins */
	ACT_CAMPAIGN_CREATE, /* set a target campaign: for a group's seats, its organisers; admins */
	ACT_EVENT_MANAGE,   /* attendees, edit, cancel: the host; the group's organisers, admins */
	ACT_EVENT_APPROVE,  /* publish a volunteer's session: the group's organisers, admins */
	ACT_PHONEBANK_MANAGE, /* create, import, approve callers, totals, export: organisers, admins */
	ACT_PHONEBANK_CALL, /* take contacts from the queue: approved callers */
	ACT_MEETING_RUN,    /* call and chair a group's meetings: its organisers, admins */
	ACT_MEETING_ATTEND, /* see a group's meetings, check in and vote: its members */
	ACT_OPINION_RUN,    /* put, moderate, close and export a conversation: for a group, its
			       organisers; for a region or the movement, admins */
	ACT_OPINION_TAKE_PART, /* vote, add statements, see the map: the members in its scope */
	ACT_TRAINING_WRITE, /* write and edit training modules: for a group, its organisers; national
			       ones, admins */
	ACT_FOODBANK_MANAGE, /* food banks, their needs, a group's collections, runs, no-shows,
				deliveries: the organisers of the group in question, admins */
	ACT_SKILLS_ASK, /* count and ask a group's members who allowed it for a skill: its
			   organisers, admins */
	ACT_LEAFLET_MAKE, /* fill a template into a group's leaflet: its organisers, admins */
	ACT_MATERIAL_PUBLISH, /* put, version, remove a group's materials and say the group uses
			       * one: its organisers, admins */
	ACT_MATERIAL_APPROVE, /* publish or refuse a material for the movement: admins */
	ACT_COUNT
};

struct target {
	long owner_id;      /* the person the data is about, 0 if none */
	int organiser;      /* the actor organises the group in question */
	int caller;         /* the actor is an approved caller for the phone bank */
	int member;         /* the actor is a member (or organiser) of the group */
};

int policy_allows(const struct actor *a, enum action act, const struct target *t);
/* "people:read" -> SCOPE_PEOPLE; 0 for an unknown name. */
unsigned scope_from_name(const char *name);

#endif
