#include "meetings/speakers.h"

#include "util/names.h"

static const char *const names[] = { "none", "group_first", "alternate" };

const char *alternation_name(enum alternation a)
{
	return names[a];
}

int alternation_parse(const char *s, enum alternation *a)
{
	int i = names_find(names, NAMES_COUNT(names), s);
	if (i >= 0)
		*a = (enum alternation)i;
	return i < 0 ? -1 : 0;
}

/*
 * Calls the list out one at a time, as the chair would: each time, among
 * those left (only the fewest times spoken, with first_time), the first to
 * have asked from the side the rule wants, or failing that the first of
 * all.  Quadratic in n, which is capped at SPEAKERS_MAX.
 */
void speakers_order(const struct speaker_wait *w, size_t n, enum alternation alt, int first_time,
		    int last_group, size_t *order)
{
	unsigned char taken[SPEAKERS_MAX] = { 0 };
	if (n > SPEAKERS_MAX)
		n = SPEAKERS_MAX;
	for (size_t k = 0; k < n; k++) {
		int fewest = -1;
		for (size_t i = 0; i < n; i++)
			if (!taken[i] && (fewest < 0 || w[i].spoken < fewest))
				fewest = w[i].spoken;
		int want = alt == ALT_GROUP_FIRST ? 1 : alt == ALT_ALTERNATE ? last_group != 1 : -1;
		size_t pick = n, any = n;
		for (size_t i = 0; i < n && pick == n; i++) {
			if (taken[i] || (first_time && w[i].spoken != fewest))
				continue;
			if (any == n)
				any = i;
			if (want < 0 || w[i].group == want)
				pick = i;
		}
		if (pick == n)
			pick = any;
		order[k] = pick;
		taken[pick] = 1;
		last_group = w[pick].group;
	}
}
