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

/* A run of lines of a, [a0, a1), that b has as [b0, b1) instead. */
struct hunk {
	size_t a0, a1, b0, b1;
};

static void lines_release(struct lines *l)
{
	free(l->s);
	free(l->n);
}

/* The hunks that turn a into b, in order, by the longest common run of
 * lines; a side of more than DIFF_MAX_LINES lines is one hunk whole.
 * Their number; *out is the caller's to free (NULL when none). */
static size_t middle_hunks(const struct lines *a, const struct lines *b, struct hunk **out)
{
	size_t na = a->count > DIFF_MAX_LINES ? 0 : a->count,
	       nb = b->count > DIFF_MAX_LINES ? 0 : b->count;
	size_t n = 0, cap = 0;
	struct hunk *h = NULL;
	int open = 0;
	/* lcs[i][j]: the longest common run of lines of a[i..] and b[j..] */
	unsigned short *lcs = xcalloc((na + 1) * (nb + 1), sizeof(*lcs));
#define L(i, j) lcs[(i) * (nb + 1) + (j)]
	for (size_t i = na; i-- > 0;)
		for (size_t j = nb; j-- > 0;)
			L(i, j) = same(a, i, b, j) ? (unsigned short)(L(i + 1, j + 1) + 1)
				  : L(i + 1, j) >= L(i, j + 1) ? L(i + 1, j)
							       : L(i, j + 1);
	size_t i = 0, j = 0;
	while (i < na && j < nb) {
		if (same(a, i, b, j)) {
			open = 0;
			i++, j++;
			continue;
		}
		if (!open) {
			xgrow(&h, &cap, n + 1, sizeof(*h));
			h[n++] = (struct hunk){ i, i, j, j };
			open = 1;
		}
		if (L(i + 1, j) >= L(i, j + 1))
			h[n - 1].a1 = ++i;
		else
			h[n - 1].b1 = ++j;
	}
#undef L
	free(lcs);
	/* what is left, or every line of a side too long to compare */
	i = na ? i : 0;
	j = nb ? j : 0;
	if (i < a->count || j < b->count) {
		if (!open) {
			xgrow(&h, &cap, n + 1, sizeof(*h));
			h[n++] = (struct hunk){ i, i, j, j };
		}
		h[n - 1].a1 = a->count;
		h[n - 1].b1 = b->count;
	}
	*out = h;
	return n;
}

/* middle_hunks() of what lies between the lines a and b both begin and end
 * with: those are no change, so two sides alike have no hunk however long
 * they are, and a small change to a long text is found as small. */
static size_t hunks_of(const struct lines *a, const struct lines *b, struct hunk **out)
{
	size_t p = 0, e = 0;
	while (p < a->count && p < b->count && same(a, p, b, p))
		p++;
	while (e < a->count - p && e < b->count - p &&
	       same(a, a->count - 1 - e, b, b->count - 1 - e))
		e++;
	struct lines ma = { a->s + p, a->n + p, a->count - p - e };
	struct lines mb = { b->s + p, b->n + p, b->count - p - e };
	size_t n = middle_hunks(&ma, &mb, out);
	for (size_t k = 0; k < n; k++) {
		(*out)[k].a0 += p;
		(*out)[k].a1 += p;
		(*out)[k].b0 += p;
		(*out)[k].b1 += p;
	}
	return n;
}

void text_diff(const char *from, const char *to,
	       void (*fn)(char kind, long line, const char *s, size_t n, void *arg), void *arg)
{
	struct lines a, b;
	struct hunk *h;
	split(from, &a);
	split(to, &b);
	size_t n = hunks_of(&a, &b, &h), i = 0;
	for (size_t k = 0; k <= n; k++) {
		size_t upto = k < n ? h[k].a0 : a.count;
		for (; i < upto; i++)
			fn(' ', (long)i + 1, a.s[i], a.n[i], arg);
		if (k == n)
			break;
		for (; i < h[k].a1; i++)
			fn('-', (long)i + 1, a.s[i], a.n[i], arg);
		for (size_t j = h[k].b0; j < h[k].b1; j++)
			fn('+', 0, b.s[j], b.n[j], arg);
	}
	free(h);
	lines_release(&a);
	lines_release(&b);
}

/* Two changes of the same base clash when their lines overlap, or when
 * both are at the same place (which would go first is not known). */
static int clash(const struct hunk *x, const struct hunk *y)
{
	return (x->a0 < y->a1 && y->a0 < x->a1) || x->a0 == y->a0;
}

static int same_change(const struct hunk *x, const struct lines *xs, const struct hunk *y,
		       const struct lines *ys)
{
	if (x->a0 != y->a0 || x->a1 != y->a1 || x->b1 - x->b0 != y->b1 - y->b0)
		return 0;
	for (size_t k = 0; k < x->b1 - x->b0; k++)
		if (!same(xs, x->b0 + k, ys, y->b0 + k))
			return 0;
	return 1;
}

/* The merged text so far, and how many lines it has (an empty first
 * line still needs its line end before the next). */
struct merged {
	char *p;
	size_t len, cap, lines;
};

static void put_lines(struct merged *m, const struct lines *l, size_t from, size_t to)
{
	for (size_t k = from; k < to; k++) {
		xgrow(&m->p, &m->cap, m->len + l->n[k] + 2, 1);
		if (m->lines++)
			m->p[m->len++] = '\n';
		memcpy(m->p + m->len, l->s[k], l->n[k]);
		m->len += l->n[k];
		m->p[m->len] = '\0';
	}
}

char *text_merge(const char *base, const char *ours, const char *theirs)
{
	struct lines b, o, t;
	struct hunk *ho, *ht;
	split(base, &b);
	split(ours, &o);
	split(theirs, &t);
	size_t no = hunks_of(&b, &o, &ho), nt = hunks_of(&b, &t, &ht);
	size_t i = 0, x = 0, y = 0;
	struct merged out = { NULL, 0, 0, 0 };
	int ok = 1;
	xgrow(&out.p, &out.cap, 1, 1);
	out.p[0] = '\0';
	while (ok && (x < no || y < nt)) {
		const struct hunk *h;
		const struct lines *from;
		if (x < no && y < nt && clash(&ho[x], &ht[y])) {
			/* the same change made twice is no clash */
			ok = same_change(&ho[x], &o, &ht[y], &t);
			h = &ho[x++], from = &o, y++;
		} else if (y == nt || (x < no && ho[x].a0 < ht[y].a0)) {
			h = &ho[x++], from = &o;
		} else {
			h = &ht[y++], from = &t;
		}
		put_lines(&out, &b, i, h->a0);
		put_lines(&out, from, h->b0, h->b1);
		i = h->a1;
	}
	put_lines(&out, &b, i, b.count);
	free(ho);
	free(ht);
	lines_release(&b);
	lines_release(&o);
	lines_release(&t);
	if (!ok) {
		free(out.p);
		out.p = NULL;
	}
	return out.p;
}
