#include "auth/policy.h"

#include <string.h>

int policy_allows(const struct actor *a, enum action act, const struct target *t)
{
	if (!a)
		return 0;
	if (a->token_id) {
		/* tokens read what their scopes name, and nothing else */
		switch (act) {
		case ACT_PEOPLE_READ: return (a->scopes & SCOPE_PEOPLE) != 0;
		case ACT_AUDIT_READ: return (a->scopes & SCOPE_AUDIT) != 0;
		case ACT_GROUP_MEMBERS: return (a->scopes & SCOPE_MEMBERS) != 0;
		default: return 0;
		}
	}
	if (a->id <= 0)
		return 0;
	switch (act) {
	case ACT_SELF_VIEW:
	case ACT_SELF_EDIT: return t && t->owner_id == a->id;
	case ACT_GROUP_JOIN: return 1;
	case ACT_GROUP_MEMBERS:
	case ACT_GROUP_ANNOUNCE: return a->strong && ((t && t->organiser) || a->admin);
	case ACT_CAMPAIGN_CREATE:
	case ACT_EVENT_CREATE: return a->strong && ((t && t->organiser) || a->admin);
	case ACT_EVENT_APPROVE: return a->strong && ((t && t->organiser) || a->admin);
	case ACT_EVENT_MANAGE:
		/* the volunteer who proposed it, or the group's organisers and admins
		 * signed in strongly; a host who holds one of those roles needs the
		 * strong sign-in too, so a mailbox alone never opens the attendees */
		return (t && t->owner_id == a->id && (a->strong || !(t->organiser || a->admin))) ||
		       (a->strong && ((t && t->organiser) || a->admin));
	case ACT_PHONEBANK_MANAGE: return a->strong && ((t && t->organiser) || a->admin);
	/* a caller sees one voter at a time, only the one leased to them */
	case ACT_PHONEBANK_CALL: return t && t->caller;
	case ACT_MEETING_RUN: return a->strong && ((t && t->organiser) || a->admin);
	/* a vote is the member's own: entitlement is membership, not a role */
	case ACT_MEETING_ATTEND: return t && t->member;
	case ACT_OPINION_RUN: return a->strong && ((t && t->organiser) || a->admin);
	/* an opinion is the member's own: in scope, whatever their role */
	case ACT_OPINION_TAKE_PART: return t && t->member;
	case ACT_TRAINING_WRITE: return a->strong && ((t && t->organiser) || a->admin);
	case ACT_FOODBANK_MANAGE: return a->strong && ((t && t->organiser) || a->admin);
	case ACT_SKILLS_ASK: return a->strong && ((t && t->organiser) || a->admin);
	case ACT_LEAFLET_MAKE: return a->strong && ((t && t->organiser) || a->admin);
	case ACT_MATERIAL_PUBLISH: return a->strong && ((t && t->organiser) || a->admin);
	case ACT_MATERIAL_APPROVE: return a->strong && a->admin;
	case ACT_ADMIN:
	case ACT_PEOPLE_READ:
	case ACT_AUDIT_READ: return a->strong && a->admin;
	case ACT_COUNT: break;
	}
	return 0;
}

unsigned scope_from_name(const char *name)
{
	if (!strcmp(name, "people:read"))
		return SCOPE_PEOPLE;
	if (!strcmp(name, "audit:read"))
		return SCOPE_AUDIT;
	if (!strcmp(name, "members:read"))
		return SCOPE_MEMBERS;
	return 0;
}
