#include "meetings/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/names.h"

static const char *const names[] = { "simple", "absolute", "two_thirds", "two_thirds_present" };
static const char *const words[] = {
	"a simple majority of the votes cast",
	"more than half of all votes cast, abstentions included",
	"two thirds of the votes cast for or against",
	"two thirds of the members present",
};

static const char *const statuses[] = { "submitted", "agenda", "debate",    "voting",
					"carried",   "fell",   "withdrawn", "referred" };
static const char *const status_words[] = { "submitted", "on the agenda", "in debate", "voting",
					    "carried",	 "fell",	  "withdrawn", "referred" };

const char *motion_status_name(enum motion_status s)
{
	return statuses[s];
}

const char *motion_status_words(enum motion_status s)
{
	return status_words[s];
}

int motion_status_parse(const char *s, enum motion_status *out)
{
	int i = names_find(statuses, NAMES_COUNT(statuses), s);
	if (i < 0)
		return -1;
	*out = (enum motion_status)i;
	return 0;
}

int motion_step_allowed(enum motion_status from, enum motion_status to)
{
	switch (to) {
	case MOTION_AGENDA: return from == MOTION_SUBMITTED;
	case MOTION_DEBATE: return from == MOTION_AGENDA;
	case MOTION_VOTING: return from == MOTION_AGENDA || from == MOTION_DEBATE;
	case MOTION_CARRIED: return from == MOTION_VOTING;
	/* without its own vote too: an incompatible amendment carried, or the
	 * meeting gone to next business */
	case MOTION_FELL:
		return from == MOTION_VOTING || from == MOTION_SUBMITTED || from == MOTION_AGENDA ||
		       from == MOTION_DEBATE;
	case MOTION_WITHDRAWN:
	case MOTION_REFERRED:
		return from == MOTION_SUBMITTED || from == MOTION_AGENDA || from == MOTION_DEBATE;
	case MOTION_SUBMITTED: break;
	}
	return 0;
}

int motion_pending(enum motion_status s)
{
	return s == MOTION_AGENDA || s == MOTION_DEBATE || s == MOTION_VOTING;
}

static const char *const procedures[] = { "", "closure", "next_business", "refer", "challenge" };

int procedure_parse(const char *s, enum procedure *out)
{
	int i = names_find(procedures, NAMES_COUNT(procedures), s);
	if (i <= 0)
		return -1;
	*out = (enum procedure)i;
	return 0;
}

const char *procedure_name(enum procedure p)
{
	return procedures[p];
}

enum majority procedure_majority(enum procedure p, enum majority strong)
{
	return p == PROC_CLOSURE || p == PROC_CHALLENGE ? strong : MAJ_SIMPLE;
}

void procedure_text(enum procedure p, const char *on, const char *detail, char *out, size_t cap)
{
	switch (p) {
	case PROC_CLOSURE: snprintf(out, cap, "That the question on “%s” be now put.", on); break;
	case PROC_NEXT_BUSINESS:
		snprintf(out, cap, "That the meeting proceed to next business, “%s” not being put.",
			 on);
		break;
	case PROC_REFER: snprintf(out, cap, "That “%s” be referred to %s.", on, detail); break;
	case PROC_CHALLENGE:
		snprintf(out, cap, "That the chair's ruling “%s” be overturned.", detail);
		break;
	case PROC_NONE: snprintf(out, cap, "%s", on); break;
	}
}

long quorum_needed(const struct quorum_rule *q, long members)
{
	/* a percentage rounds up: 25% of 10 is 3 people, not 2.5 */
	long by_share = (members * q->pct + 99) / 100;
	return by_share > q->min ? by_share : q->min;
}

int majority_parse(const char *s, enum majority *m)
{
	int i = names_find(names, NAMES_COUNT(names), s);
	if (i >= 0) {
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
	if (t->card)
		snprintf(out, cap,
			 "%s on a card vote: %ld for, %ld against, %ld abstaining (%s was needed;"
			 " delegates holding %ld of %ld votes present, quorum %ld delegates).",
			 motion_passes(m, t) ? "Carried" : "Fell", t->yes, t->no, t->abstain,
			 words[m], t->present, t->members, quorum);
	else
		snprintf(out, cap,
			 "%s: %ld for, %ld against, %ld abstention%s (%s was needed; %ld of %ld"
			 " members present, quorum %ld).",
			 motion_passes(m, t) ? "Carried" : "Fell", t->yes, t->no, t->abstain,
			 t->abstain == 1 ? "" : "s", words[m], t->present, t->members, quorum);
}

struct lines {
	const char **s;
	size_t *n, count;
};

static void split(const char *t, struct lines *l)
{
	size_t cap = 0;
	l->s = NULL;
	l->n = NULL;
	l->count = 0;
	for (const char *p = t; *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		size_t k = l->count;
		xgrow(&l->s, &cap, k + 1, sizeof(*l->s));
		l->n = xrealloc(l->n, (k + 1) * sizeof(*l->n));
		l->s[k] = p;
		l->n[k] = len && p[len - 1] == '\r' ? len - 1 : len;
		l->count++;
		p = nl ? nl + 1 : p + len;
	}
}

static int same(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->n[i] == b->n[j] && memcmp(a->s[i], b->s[j], a->n[i]) == 0;
}

void text_diff(const char *from, const char *to,
	       void (*fn)(char kind, long line, const char *s, size_t n, void *arg), void *arg)
{
	struct lines a, b;
	split(from, &a);
	split(to, &b);
	size_t na = a.count > DIFF_MAX_LINES ? 0 : a.count,
	       nb = b.count > DIFF_MAX_LINES ? 0 : b.count;
	/* lcs[i][j]: the longest common run of lines of a[i..] and b[j..] */
	unsigned short *lcs = xcalloc((na + 1) * (nb + 1), sizeof(*lcs));
#define L(i, j) lcs[(i) * (nb + 1) + (j)]
	for (size_t i = na; i-- > 0;)
		for (size_t j = nb; j-- > 0;)
			L(i, j) = same(&a, i, &b, j) ? (unsigned short)(L(i + 1, j + 1) + 1)
				  : L(i + 1, j) >= L(i, j + 1) ? L(i + 1, j)
							       : L(i, j + 1);
	size_t i = 0, j = 0;
	while (i < na && j < nb) {
		if (same(&a, i, &b, j)) {
			fn(' ', (long)i + 1, a.s[i], a.n[i], arg);
			i++, j++;
		} else if (L(i + 1, j) >= L(i, j + 1)) {
			fn('-', (long)i + 1, a.s[i], a.n[i], arg);
			i++;
		} else {
			fn('+', 0, b.s[j], b.n[j], arg);
			j++;
		}
	}
#undef L
	/* what is left, or every line of a side too long to compare */
	for (i = na ? i : 0; i < a.count; i++)
		fn('-', (long)i + 1, a.s[i], a.n[i], arg);
	for (j = nb ? j : 0; j < b.count; j++)
		fn('+', 0, b.s[j], b.n[j], arg);
	free(lcs);
	free(a.s);
	free(a.n);
	free(b.s);
	free(b.n);
}
