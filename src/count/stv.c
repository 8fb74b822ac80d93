#include "count/stv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

/* Identical papers that travel together: a ballot line at one value. */
struct parcel {
	uint32_t line, pos; /* the preference it counts for now */
	long count;
	int64_t value; /* units per paper, as its present holder received it */
};

struct holding {
	uint32_t *ids; /* parcels held */
	size_t n, cap;
};

struct count {
	const struct ballots *b;
	struct count_result *r;
	struct parcel *parcels;
	struct holding *held; /* ncand */
	int64_t *totals, nt, loss;
	uint8_t *surplus_due; /* elected with a surplus not yet transferred */
	int elected_n;
};

static const char *const rule_names[] = { "scottish", "irv", "block" };

const char *count_rule_name(enum count_rule rule)
{
	return rule_names[rule];
}

int count_rule_parse(const char *name, enum count_rule *rule)
{
	for (size_t i = 0; name && i < sizeof(rule_names) / sizeof(rule_names[0]); i++)
		if (!strcmp(name, rule_names[i])) {
			*rule = (enum count_rule)i;
			return 0;
		}
	return -1;
}

void count_units_text(int64_t units, char *out, size_t cap)
{
	snprintf(out, cap, "%s%" PRId64 ".%05" PRId64, units < 0 ? "-" : "",
		 (units < 0 ? -units : units) / COUNT_UNIT,
		 (units < 0 ? -units : units) % COUNT_UNIT);
}

/* The parcel's next preference for a continuing candidate, from pos on. */
static int next_continuing(const struct count *c, struct parcel *p)
{
	const struct ballots *b = c->b;
	for (uint32_t i = b->start[p->line] + p->pos; i < b->start[p->line + 1]; i++) {
		int who = b->pref[i];
		if (c->r->state[who] == CAND_CONTINUING) {
			p->pos = i - b->start[p->line];
			return who;
		}
	}
	return -1;
}

static void hold(struct count *c, int who, uint32_t id)
{
	struct holding *h = &c->held[who];
	xgrow(&h->ids, &h->cap, h->n + 1, sizeof(*h->ids));
	h->ids[h->n++] = id;
}

/* Every paper of `from` passes on at the value new_value() gives it: to
 * its next continuing preference, or out of the count. */
static int64_t pass_on(struct count *c, int from, int64_t surplus, int64_t total)
{
	struct holding h = c->held[from];
	int64_t moved = 0;

	c->held[from] = (struct holding){ 0 };
	for (size_t i = 0; i < h.n; i++) {
		struct parcel *p = &c->parcels[h.ids[i]];
		/* a surplus: every paper at surplus x its value / the total, cut
		 * to five places; an exclusion: at the value it has */
		if (total > 0)
			p->value = (int64_t)((__int128)surplus * p->value / total);
		int64_t v = (int64_t)p->count * p->value;
		int to = next_continuing(c, p);
		moved += v;
		if (to < 0) {
			c->nt += v;
			continue;
		}
		c->totals[to] += v;
		hold(c, to, h.ids[i]);
	}
	free(h.ids);
	return moved;
}

/*
 * Among the candidates in set (n of them, all equal now), the one an
 * earlier stage decides: the most recent stage at which they differed,
 * narrowed stage by stage, keeping the highest (want_max) or lowest; still
 * equal at every stage, the first in the file (lot).  *lot set then.
 */
static int break_tie(const struct count_result *r, int *set, int n, int want_max, int *lot)
{
	*lot = 0;
	for (int s = r->nstages - 2; s >= 0 && n > 1; s--) {
		const int64_t *t = r->stages[s].totals;
		int64_t best = t[set[0]];
		for (int i = 1; i < n; i++)
			if (want_max ? t[set[i]] > best : t[set[i]] < best)
				best = t[set[i]];
		int m = 0;
		for (int i = 0; i < n; i++)
			if (t[set[i]] == best)
				set[m++] = set[i];
		n = m;
	}
	if (n > 1) {
		*lot = 1;
		int first = set[0];
		for (int i = 1; i < n; i++)
			if (set[i] < first)
				first = set[i];
		return first;
	}
	return set[0];
}

/* The candidate (of those whose flag is set) with the highest or lowest
 * total, ties broken as break_tie(); -1 if none.  *tie, *lot say how. */
static int pick(struct count *c, const uint8_t *eligible, int want_max, int *tie, int *lot)
{
	int n = c->b->ncand, *set = xmalloc((size_t)n * sizeof(*set)), m = 0, best = -1;

	for (int i = 0; i < n; i++)
		if (eligible[i] && (best < 0 || (want_max ? c->totals[i] > c->totals[best]
							  : c->totals[i] < c->totals[best])))
			best = i;
	for (int i = 0; best >= 0 && i < n; i++)
		if (eligible[i] && c->totals[i] == c->totals[best])
			set[m++] = i;
	*tie = m > 1;
	*lot = 0;
	if (m > 1)
		best = break_tie(c->r, set, m, want_max, lot);
	free(set);
	return best;
}

static struct count_stage *stage_begin(struct count *c, enum stage_action a, int who)
{
	struct count_result *r = c->r;
	r->stages = xrealloc(r->stages, (size_t)(r->nstages + 1) * sizeof(*r->stages));
	struct count_stage *s = &r->stages[r->nstages++];
	memset(s, 0, sizeof(*s));
	s->action = a;
	s->candidate = who;
	s->elected = xmalloc((size_t)c->b->ncand * sizeof(*s->elected));
	s->totals = xmalloc((size_t)c->b->ncand * sizeof(*s->totals));
	return s;
}

static void stage_end(struct count *c, struct count_stage *s)
{
	memcpy(s->totals, c->totals, (size_t)c->b->ncand * sizeof(*s->totals));
	s->non_transferable = c->nt;
	s->loss = c->loss;
}

static void elect(struct count *c, struct count_stage *s, int who, int without_quota)
{
	c->r->state[who] = CAND_ELECTED;
	c->r->elected[c->r->nelected++] = who;
	c->r->without_quota[who] = (int)without_quota;
	c->surplus_due[who] = c->totals[who] > c->r->quota && !without_quota;
	s->elected[s->nelected++] = who;
}

/* Those continuing who reach the quota (or, all_left, every one still
 * continuing), highest first; the stage's totals stand as they are. */
static void elect_reaching(struct count *c, struct count_stage *s, int all_left)
{
	int n = c->b->ncand;
	uint8_t *eligible = xcalloc((size_t)n, 1);
	for (;;) {
		int any = 0, tie, lot;
		for (int i = 0; i < n; i++) {
			eligible[i] = c->r->state[i] == CAND_CONTINUING &&
				      (all_left || c->totals[i] >= c->r->quota);
			any |= eligible[i];
		}
		if (!any || c->r->nelected == c->r->seats)
			break;
		int who = pick(c, eligible, 1, &tie, &lot);
		elect(c, s, who, all_left);
	}
	free(eligible);
}

static int continuing(const struct count *c)
{
	int n = 0;
	for (int i = 0; i < c->b->ncand; i++)
		n += c->r->state[i] == CAND_CONTINUING;
	return n;
}

static void first_stage(struct count *c, int64_t unit)
{
	const struct ballots *b = c->b;
	struct count_stage *s = stage_begin(c, STAGE_FIRST, -1);

	c->parcels = xmalloc((b->nlines ? b->nlines : 1) * sizeof(*c->parcels));
	for (size_t i = 0; i < b->nlines; i++) {
		struct parcel *p = &c->parcels[i];
		*p = (struct parcel){ (uint32_t)i, 0, b->weight[i], unit };
		int to = next_continuing(c, p);
		if (to < 0)
			c->nt += (int64_t)p->count * unit; /* only withdrawn candidates ranked */
		else {
			c->totals[to] += (int64_t)p->count * unit;
			hold(c, to, (uint32_t)i);
		}
	}
	stage_end(c, s);
	if (c->r->rule == RULE_SCOTTISH)
		elect_reaching(c, s, 0);
}

static void exclude(struct count *c, int who, int tie, int lot)
{
	struct count_stage *s = stage_begin(c, STAGE_EXCLUDE, who);
	s->tie = tie;
	s->tie_by_lot = lot;
	c->r->state[who] = CAND_EXCLUDED;
	pass_on(c, who, 0, 0);
	c->totals[who] = 0;
	stage_end(c, s);
	if (c->r->rule == RULE_SCOTTISH)
		elect_reaching(c, s, 0);
}

static void scottish(struct count *c)
{
	struct count_result *r = c->r;
	int n = c->b->ncand;
	uint8_t *flags = xcalloc((size_t)n, 1);

	first_stage(c, COUNT_UNIT);
	while (r->nelected < r->seats) {
		int tie, lot;
		if (continuing(c) <= r->seats - r->nelected) {
			elect_reaching(c, &r->stages[r->nstages - 1], 1);
			break;
		}
		int due = pick(c, c->surplus_due, 1, &tie, &lot);
		if (due >= 0) {
			struct count_stage *s = stage_begin(c, STAGE_SURPLUS, due);
			int64_t surplus = c->totals[due] - r->quota;
			s->surplus = surplus;
			s->tie = tie;
			s->tie_by_lot = lot;
			c->surplus_due[due] = 0;
			c->loss += surplus - pass_on(c, due, surplus, c->totals[due]);
			c->totals[due] = r->quota;
			stage_end(c, s);
			elect_reaching(c, s, 0);
			continue;
		}
		for (int i = 0; i < n; i++)
			flags[i] = r->state[i] == CAND_CONTINUING;
		int low = pick(c, flags, 0, &tie, &lot);
		exclude(c, low, tie, lot);
	}
	free(flags);
}

/* A winner: more than half the votes continuing candidates hold, or the
 * only one left. */
static int irv_winner(const struct count *c)
{
	int64_t held = 0;
	int left = 0, last = -1;
	for (int i = 0; i < c->b->ncand; i++)
		if (c->r->state[i] == CAND_CONTINUING) {
			held += c->totals[i];
			left++;
			last = i;
		}
	if (left == 1)
		return last;
	for (int i = 0; i < c->b->ncand; i++)
		if (c->r->state[i] == CAND_CONTINUING && 2 * c->totals[i] > held)
			return i;
	return -1;
}

static void irv(struct count *c)
{
	struct count_result *r = c->r;
	int n = c->b->ncand, win;
	uint8_t *flags = xcalloc((size_t)n, 1);

	first_stage(c, COUNT_UNIT);
	while ((win = irv_winner(c)) < 0) {
		int tie = 0, lot = 0;
		for (int i = 0; i < n; i++)
			flags[i] = r->state[i] == CAND_CONTINUING;
		int low = pick(c, flags, 0, &tie, &lot);
		exclude(c, low, tie, lot);
	}
	elect(c, &r->stages[r->nstages - 1], win, 0);
	free(flags);
}

/* One stage: every ballot's first `seats` preferences a vote each; the
 * most votes win, a tie broken by lot (the first listed). */
static void block(struct count *c)
{
	const struct ballots *b = c->b;
	struct count_result *r = c->r;
	struct count_stage *s = stage_begin(c, STAGE_FIRST, -1);
	int n = b->ncand, tie, lot;
	uint8_t *flags = xcalloc((size_t)n, 1);

	for (size_t i = 0; i < b->nlines; i++) {
		uint32_t k = 0;
		for (uint32_t j = b->start[i]; j < b->start[i + 1] && k < (uint32_t)r->seats; j++)
			if (r->state[b->pref[j]] == CAND_CONTINUING) {
				c->totals[b->pref[j]] += (int64_t)b->weight[i] * COUNT_UNIT;
				k++;
			}
		if (!k)
			c->nt += (int64_t)b->weight[i] * COUNT_UNIT;
	}
	stage_end(c, s);
	while (r->nelected < r->seats) {
		for (int i = 0; i < n; i++)
			flags[i] = r->state[i] == CAND_CONTINUING;
		int who = pick(c, flags, 1, &tie, &lot);
		if (who < 0)
			break;
		s->tie |= tie;
		s->tie_by_lot |= lot;
		elect(c, s, who, 0);
	}
	free(flags);
}

int count_run(const struct ballots *b, enum count_rule rule, struct count_result *r, char *err,
	      size_t errlen)
{
	struct count c = { .b = b, .r = r };
	int n = b->ncand;

	memset(r, 0, sizeof(*r));
	if (rule == RULE_IRV && b->seats != 1) {
		snprintf(err, errlen, "IRV fills one seat; this election has %d", b->seats);
		return -1;
	}
	if (b->papers == 0) {
		snprintf(err, errlen, "no valid ballots");
		return -1;
	}
	r->rule = rule;
	r->ncand = n;
	r->seats = b->seats;
	r->state = xcalloc((size_t)n, sizeof(*r->state));
	r->elected = xmalloc((size_t)n * sizeof(*r->elected));
	r->without_quota = xcalloc((size_t)n, sizeof(*r->without_quota));
	for (int i = 0; i < n; i++)
		r->state[i] = b->withdrawn[i] ? CAND_WITHDRAWN : CAND_CONTINUING;
	/* the Droop quota: papers / (seats + 1), decimals dropped, plus one */
	if (rule == RULE_SCOTTISH)
		r->quota = (b->papers / (b->seats + 1) + 1) * COUNT_UNIT;
	c.held = xcalloc((size_t)n, sizeof(*c.held));
	c.totals = xcalloc((size_t)n, sizeof(*c.totals));
	c.surplus_due = xcalloc((size_t)n, 1);
	if (rule == RULE_SCOTTISH)
		scottish(&c);
	else if (rule == RULE_IRV)
		irv(&c);
	else
		block(&c);
	for (int i = 0; i < n; i++)
		free(c.held[i].ids);
	free(c.held);
	free(c.totals);
	free(c.surplus_due);
	free(c.parcels);
	return 0;
}

void count_release(struct count_result *r)
{
	for (int i = 0; i < r->nstages; i++) {
		free(r->stages[i].totals);
		free(r->stages[i].elected);
	}
	free(r->stages);
	free(r->elected);
	free(r->without_quota);
	free(r->state);
	memset(r, 0, sizeof(*r));
}
