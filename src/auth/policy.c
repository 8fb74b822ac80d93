#include "auth/policy.h"

int policy_allows(const struct actor *a, enum action act, const struct target *t)
{
	if (!a || a->id <= 0)
		return 0;
	switch (act) {
	case ACT_SELF_VIEW:
	case ACT_SELF_EDIT: return t && t->owner_id == a->id;
	case ACT_GROUP_JOIN: return 1;
	case ACT_GROUP_MEMBERS: return a->strong && ((t && t->organiser) || a->admin);
	case ACT_ADMIN: return a->strong && a->admin;
	case ACT_COUNT: break;
	}
	return 0;
}

const char *action_name(enum action act)
{
	static const char *const names[ACT_COUNT] = { "self.view", "self.edit", "group.join",
						      "group.members", "admin" };
	return act >= 0 && act < ACT_COUNT ? names[act] : "unknown";
}
