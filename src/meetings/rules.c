#include "meetings/rules.h"

#include <stdio.h>
#include <string.h>

static const char *const names[] = { "simple", "absolute", "two_thirds", "two_thirds_present" };
static const char *const words[] = {
	"a simple majority of the votes cast",
	"more than half of all votes cast, abstentions included",
	"two thirds of the votes cast for or against",
	"two thirds of the members present",
};

long quorum_needed(const struct quorum_rule *q, long members)
{
	/* a percentage rounds up: 25% of 10 is 3 people, not 2.5 */
	long by_share = (members * q->pct + 99) / 100;
	return by_share > q->min ? by_share : q->min;
}

int majority_parse(const char *s, enum majority *m)
{
	for (size_t i = 0; s && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i])) {
			*m = (enum majority)i;
			return 0;
		}
	return -1;
}

const char *majority_name(enum majority m)
{
	return names[m];
}

const char *majority_words(enum majority m)
{
	return words[m];
}

int motion_passes(enum majority m, const struct tally *t)
{
	switch (m) {
	case MAJ_SIMPLE: return t->yes > t->no;
	case MAJ_ABSOLUTE: return 2 * t->yes > t->yes + t->no + t->abstain;
	case MAJ_TWO_THIRDS: return t->yes + t->no > 0 && 3 * t->yes >= 2 * (t->yes + t->no);
	case MAJ_TWO_THIRDS_PRESENT: return t->present > 0 && 3 * t->yes >= 2 * t->present;
	}
	return 0;
}

void result_words(enum majority m, const struct tally *t, long quorum, char *out, size_t cap)
{
	snprintf(out, cap,
		 "%s: %ld for, %ld against, %ld abstention%s (%s was needed; %ld of %ld members"
		 " present, quorum %ld).",
		 motion_passes(m, t) ? "Carried" : "Fell", t->yes, t->no, t->abstain,
		 t->abstain == 1 ? "" : "s", words[m], t->present, t->members, quorum);
}
