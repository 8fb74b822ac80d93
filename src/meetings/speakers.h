/*
 * The order of a speakers list.  Who asked to speak, in the order they
 * asked, and whether each counts for the meeting's balance group (women
 * and non-binary members, say: self-declared when asking); the rule
 * decides the order the chair calls them in:
 *
 *   none         in the order asked
 *   group_first  the group's members first, each part in the order asked
 *   alternate    one of the group, one not, and so on (the group first
 *                after a speaker outside it, or at the start), in the order
 *                asked within each; when one side runs out, the other goes on
 *
 * With first_time, those who have not yet spoken on the item go before
 * those who have, the rule applying within each.  Pure.
 */
#ifndef TURNOUT_MEETINGS_SPEAKERS_H
#define TURNOUT_MEETINGS_SPEAKERS_H

#include <stddef.h>

#define SPEAKERS_MAX 200 /* waiting on one item */

enum alternation { ALT_NONE, ALT_GROUP_FIRST, ALT_ALTERNATE };

struct speaker_wait {
	int group;  /* counts for the balance group */
	int spoken; /* times already called on this item */
};

/* w[0..n) in the order asked; last_group: the group flag of the last
 * speaker called on the item, -1 for none.  The calling order, as indices
 * into w, into order (n of them). */
void speakers_order(const struct speaker_wait *w, size_t n, enum alternation alt, int first_time,
		    int last_group, size_t *order);
const char *alternation_name(enum alternation a);
/* "none", "group_first", "alternate" -> 0 and *a; -1. */
int alternation_parse(const char *s, enum alternation *a);

#endif
