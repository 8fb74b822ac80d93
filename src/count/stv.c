#include "count/stv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count/tally.h"
#include "util/mem.h"
#include "util/names.h"

static const char *const rule_names[] = { "scottish", "irv", "block", "ers97", "meek" };

const char *count_rule_name(enum count_rule rule)
{
	return rule_names[rule];
}

int count_rule_parse(const char *name, enum count_rule *rule)
{
	int i = names_find(rule_names, NAMES_COUNT(rule_names), name);
	if (i >= 0)
		*rule = (enum count_rule)i;
	return i < 0 ? -1 : 0;
}

int count_group_parse(const char *spec, int ncand, struct count_group *g, char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':'), *eq = strchr(spec, '=');
	char *end;

	memset(g, 0, sizeof(*g));
	g->max = -1;
	if (!colon || !eq || colon > eq || colon == spec ||
	    (size_t)(colon - spec) >= sizeof(g->name)) {
		snprintf(err, errlen,
			 "a group is NAME:MIN[:MAX]=CANDIDATE,... (a name up to %d "
			 "characters)",
			 COUNT_GROUP_NAME - 1);
		return -1;
	}
	memcpy(g->name, spec, (size_t)(colon - spec));
	long min = strtol(colon + 1, &end, 10), max = -1;
	if (end == colon + 1 || min < 0 || min > ncand) {
		snprintf(err, errlen, "group %s: the minimum is a number of seats", g->name);
		return -1;
	}
	if (*end == ':') {
		const char *at = end + 1;
		max = strtol(at, &end, 10);
		if (end == at || max < min || max > ncand) {
			snprintf(err, errlen,
				 "group %s: the maximum is a number of seats, at least the minimum",
				 g->name);
			return -1;
		}
	}
	if (end != eq) {
		snprintf(err, errlen, "group %s: expected = after the numbers", g->name);
		return -1;
	}
	g->min = (int)min;
	g->max = (int)max;
	for (const char *at = eq + 1;;) {
		long who = strtol(at, &end, 10);
		if (end == at || who < 1 || who > ncand || (*end && *end != ',')) {
			snprintf(err, errlen,
				 "group %s: candidates are numbers 1 to %d, comma-separated",
				 g->name, ncand);
			return -1;
		}
		g->member[who - 1] = 1;
		if (!*end)
			return 0;
		at = end + 1;
	}
}

void count_amount_text(const struct count_result *r, int64_t units, char *out, size_t cap)
{
	int64_t a = units < 0 ? -units : units;
	if (r->places == 0)
		snprintf(out, cap, "%s%" PRId64, units < 0 ? "-" : "", a / r->unit);
	else
		snprintf(out, cap, "%s%" PRId64 ".%0*" PRId64, units < 0 ? "-" : "", a / r->unit,
			 r->places, a % r->unit);
}

int tally_next(const struct count *c, struct parcel *p)
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

void tally_hold(struct count *c, int who, uint32_t id)
{
	struct holding *h = &c->held[who];
	xgrow(&h->ids, &h->cap, h->n + 1, sizeof(*h->ids));
	h->ids[h->n++] = id;
}

void tally_batch_begin(struct count *c)
{
	for (int i = 0; i < c->b->ncand; i++)
		if (c->r->state[i] == CAND_CONTINUING)
			c->batch_from[i] = c->held[i].n;
}

/* Narrow set (n candidates, equal now) by the stages before, newest first
 * or (forward) oldest first, keeping the highest or lowest; still equal,
 * the first in the file (lot). */
static int break_tie(const struct count_result *r, int *set, int n, int want_max, int forward,
		     int *lot)
{
	*lot = 0;
	for (int k = 0; k < r->nstages - 1 && n > 1; k++) {
		const int64_t *t = r->stages[forward ? k : r->nstages - 2 - k].totals;
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

int tally_pick(struct count *c, const uint8_t *eligible, int want_max, int forward, int *tie,
	       int *lot)
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
		best = break_tie(c->r, set, m, want_max, forward, lot);
	free(set);
	return best;
}

struct count_stage *tally_stage_begin(struct count *c, enum stage_action a, int who)
{
	struct count_result *r = c->r;
	r->stages = xrealloc(r->stages, (size_t)(r->nstages + 1) * sizeof(*r->stages));
	struct count_stage *s = &r->stages[r->nstages++];
	memset(s, 0, sizeof(*s));
	s->action = a;
	s->candidate = who;
	s->group = s->kept = -1;
	s->elected = xmalloc((size_t)c->b->ncand * sizeof(*s->elected));
	s->excluded = xmalloc((size_t)c->b->ncand * sizeof(*s->excluded));
	s->totals = xmalloc((size_t)c->b->ncand * sizeof(*s->totals));
	return s;
}

void tally_stage_end(struct count *c, struct count_stage *s)
{
	memcpy(s->totals, c->totals, (size_t)c->b->ncand * sizeof(*s->totals));
	s->non_transferable = c->nt;
	s->loss = c->loss;
	s->quota = c->r->quota;
}

void tally_stage_exclude(struct count *c, struct count_stage *s, int who)
{
	c->r->state[who] = CAND_EXCLUDED;
	s->excluded[s->nexcluded++] = who;
	if (s->candidate < 0)
		s->candidate = who;
}

void tally_elect(struct count *c, struct count_stage *s, int who, int without_quota)
{
	c->r->state[who] = CAND_ELECTED;
	c->r->elected[c->r->nelected++] = who;
	c->r->without_quota[who] = without_quota;
	c->surplus_due[who] = c->totals[who] > c->r->quota && !without_quota && c->r->quota;
	s->elected[s->nelected++] = who;
}

int tally_continuing(const struct count *c)
{
	int n = 0;
	for (int i = 0; i < c->b->ncand; i++)
		n += c->r->state[i] == CAND_CONTINUING;
	return n;
}

struct count_stage *tally_first(struct count *c)
{
	const struct ballots *b = c->b;
	int64_t unit = c->r->unit;
	struct count_stage *s = tally_stage_begin(c, STAGE_FIRST, -1);

	c->parcels = xmalloc((b->nlines ? b->nlines : 1) * sizeof(*c->parcels));
	for (size_t i = 0; i < b->nlines; i++) {
		struct parcel *p = &c->parcels[i];
		*p = (struct parcel){ (uint32_t)i, 0, b->weight[i], unit };
		int to = tally_next(c, p);
		if (to < 0)
			c->nt += (int64_t)p->count * unit; /* only withdrawn candidates ranked */
		else {
			c->totals[to] += (int64_t)p->count * unit;
			tally_hold(c, to, (uint32_t)i);
		}
	}
	tally_stage_end(c, s);
	return s;
}

/* How many of group g are elected, and how many still continuing. */
static void group_standing(const struct count_result *r, int g, int *elected, int *continuing)
{
	const struct count_group *grp = &r->rules->group[g];
	*elected = *continuing = 0;
	for (int i = 0; i < r->ncand; i++)
		if (grp->member[i]) {
			*elected += r->state[i] == CAND_ELECTED;
			*continuing += r->state[i] == CAND_CONTINUING;
		}
}

int count_balance_blocks(const struct count_result *r, int who)
{
	for (int g = 0; r->rules && g < r->rules->ngroups; g++) {
		const struct count_group *grp = &r->rules->group[g];
		int in, cont, left = r->seats - r->nelected;
		group_standing(r, g, &in, &cont);
		if (grp->member[who] ? grp->max >= 0 && in + 1 > grp->max
				     : left - 1 < grp->min - in)
			return g;
	}
	return -1;
}

int tally_protected(const struct count *c, int who)
{
	const struct count_result *r = c->r;
	for (int g = 0; g < r->rules->ngroups; g++) {
		int in, cont;
		group_standing(r, g, &in, &cont);
		if (r->rules->group[g].member[who] && in + cont - 1 < r->rules->group[g].min)
			return g;
	}
	return -1;
}

void tally_note_kept(struct count *c, struct count_stage *s, int excluded)
{
	for (int i = 0; i < c->b->ncand; i++)
		if (c->r->state[i] == CAND_CONTINUING && c->totals[i] < c->totals[excluded] &&
		    tally_protected(c, i) >= 0 &&
		    (s->kept < 0 || c->totals[i] < c->totals[s->kept])) {
			s->kept = i;
			s->kept_group = tally_protected(c, i);
		}
}

int tally_barred(const struct count *c, int *who, int *group)
{
	const struct count_result *r = c->r;
	int n = 0;
	for (int g = 0; g < r->rules->ngroups && !n; g++)
		for (int i = 0; i < r->ncand; i++)
			if (r->state[i] == CAND_CONTINUING && count_balance_blocks(r, i) == g) {
				who[n++] = i;
				*group = g;
			}
	return n;
}

/* ---- the Scottish rule ---- */

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
		int to = tally_next(c, p);
		moved += v;
		if (to < 0) {
			c->nt += v;
			continue;
		}
		c->totals[to] += v;
		tally_hold(c, to, h.ids[i]);
	}
	free(h.ids);
	return moved;
}

/* Those continuing who reach the quota and no group rule bars (or,
 * all_left, every one still continuing), highest first. */
static void elect_reaching(struct count *c, struct count_stage *s, int all_left)
{
	int n = c->b->ncand;
	uint8_t *eligible = xcalloc((size_t)n, 1);
	for (;;) {
		int any = 0, tie, lot;
		for (int i = 0; i < n; i++) {
			eligible[i] = c->r->state[i] == CAND_CONTINUING &&
				      (all_left || c->totals[i] >= c->r->quota) &&
				      count_balance_blocks(c->r, i) < 0;
			any |= eligible[i];
		}
		if (!any || c->r->nelected == c->r->seats)
			break;
		tally_elect(c, s, tally_pick(c, eligible, 1, 0, &tie, &lot), all_left);
	}
	free(eligible);
}

static void exclude(struct count *c, const int *who, int n, enum exclude_why why, int group,
		    int tie, int lot)
{
	struct count_stage *s = tally_stage_begin(c, STAGE_EXCLUDE, -1);
	s->tie = tie;
	s->tie_by_lot = lot;
	s->why = why;
	s->group = group;
	if (why == EXCLUDE_LOWEST)
		tally_note_kept(c, s, who[0]);
	for (int i = 0; i < n; i++)
		tally_stage_exclude(c, s, who[i]);
	for (int i = 0; i < n; i++) {
		pass_on(c, who[i], 0, 0);
		c->totals[who[i]] = 0;
	}
	tally_stage_end(c, s);
	if (c->r->rule == RULE_SCOTTISH)
		elect_reaching(c, s, 0);
}

/* The lowest continuing candidate whose exclusion keeps every group's
 * minimum reachable (the lowest of all, if every one is needed). */
static int lowest(struct count *c, int forward, int *tie, int *lot)
{
	int n = c->b->ncand, who;
	uint8_t *flags = xcalloc((size_t)n, 1);
	for (int i = 0; i < n; i++)
		flags[i] = c->r->state[i] == CAND_CONTINUING && tally_protected(c, i) < 0;
	if ((who = tally_pick(c, flags, 0, forward, tie, lot)) < 0) {
		for (int i = 0; i < n; i++)
			flags[i] = c->r->state[i] == CAND_CONTINUING;
		who = tally_pick(c, flags, 0, forward, tie, lot);
	}
	free(flags);
	return who;
}

static void scottish(struct count *c)
{
	struct count_result *r = c->r;
	int *set = xmalloc((size_t)c->b->ncand * sizeof(*set)), nset, group;

	elect_reaching(c, tally_first(c), 0);
	while (r->nelected < r->seats) {
		int tie, lot;
		if ((nset = tally_barred(c, set, &group))) {
			exclude(c, set, nset, EXCLUDE_BALANCE, group, 0, 0);
			continue;
		}
		if (tally_continuing(c) <= r->seats - r->nelected) {
			elect_reaching(c, &r->stages[r->nstages - 1], 1);
			break;
		}
		int due = tally_pick(c, c->surplus_due, 1, 0, &tie, &lot);
		if (due >= 0) {
			struct count_stage *s = tally_stage_begin(c, STAGE_SURPLUS, due);
			int64_t surplus = c->totals[due] - r->quota;
			s->surplus = surplus;
			s->tie = tie;
			s->tie_by_lot = lot;
			c->surplus_due[due] = 0;
			c->loss += surplus - pass_on(c, due, surplus, c->totals[due]);
			c->totals[due] = r->quota;
			tally_stage_end(c, s);
			elect_reaching(c, s, 0);
			continue;
		}
		set[0] = lowest(c, 0, &tie, &lot);
		exclude(c, set, 1, EXCLUDE_LOWEST, -1, tie, lot);
	}
	free(set);
}

/* ---- IRV and the block vote ---- */

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

/* A group rule first excludes everyone it bars (all candidates outside a
 * group when the one place must go to it). */
static void irv(struct count *c)
{
	int *set = xmalloc((size_t)c->b->ncand * sizeof(*set)), n, group, win;

	tally_first(c);
	if ((n = tally_barred(c, set, &group)))
		exclude(c, set, n, EXCLUDE_BALANCE, group, 0, 0);
	while ((win = irv_winner(c)) < 0) {
		int tie, lot, low = lowest(c, 0, &tie, &lot);
		exclude(c, &low, 1, EXCLUDE_LOWEST, -1, tie, lot);
	}
	tally_elect(c, &c->r->stages[c->r->nstages - 1], win, 0);
	free(set);
}

/* One stage: every ballot's first `seats` preferences a vote each; the
 * most votes win, a tie broken by lot (the first listed), passing over
 * any a group rule bars. */
static void block(struct count *c)
{
	const struct ballots *b = c->b;
	struct count_result *r = c->r;
	struct count_stage *s = tally_stage_begin(c, STAGE_FIRST, -1);
	int n = b->ncand, tie, lot;
	uint8_t *flags = xcalloc((size_t)n, 1);

	for (size_t i = 0; i < b->nlines; i++) {
		uint32_t k = 0;
		for (uint32_t j = b->start[i]; j < b->start[i + 1] && k < (uint32_t)r->seats; j++)
			if (r->state[b->pref[j]] == CAND_CONTINUING) {
				c->totals[b->pref[j]] += (int64_t)b->weight[i] * r->unit;
				k++;
			}
		if (!k)
			c->nt += (int64_t)b->weight[i] * r->unit;
	}
	tally_stage_end(c, s);
	while (r->nelected < r->seats) {
		for (int i = 0; i < n; i++)
			flags[i] = r->state[i] == CAND_CONTINUING && count_balance_blocks(r, i) < 0;
		int who = tally_pick(c, flags, 1, 0, &tie, &lot);
		if (who < 0)
			break;
		s->tie |= tie;
		s->tie_by_lot |= lot;
		tally_elect(c, s, who, 0);
	}
	for (int i = 0; i < n; i++)
		if (r->state[i] == CAND_CONTINUING && count_balance_blocks(r, i) >= 0)
			s->excluded[s->nexcluded++] = i; /* passed over for balance */
	free(flags);
}

/* Whether some result can meet the group rules: each group has enough
 * candidates for its minimum, and the minima fit the seats. */
static const char *balance_impossible(const struct ballots *b, const struct count_rules *rules)
{
	int need = 0;
	for (int g = 0; g < rules->ngroups; g++) {
		const struct count_group *grp = &rules->group[g];
		int standing = 0;
		for (int i = 0; i < b->ncand; i++)
			standing += grp->member[i] && !b->withdrawn[i];
		if (grp->min > standing)
			return "a group has fewer candidates than its minimum of the seats";
		if (grp->max >= 0 && grp->max < grp->min)
			return "a group's maximum is below its minimum";
		need += grp->min;
	}
	return need > b->seats ? "the groups' minima add up to more than the seats" : NULL;
}

int count_run(const struct ballots *b, const struct count_rules *rules, struct count_result *r,
	      char *err, size_t errlen)
{
	struct count c = { .b = b, .r = r };
	int n = b->ncand;
	const char *why;

	memset(r, 0, sizeof(*r));
	if (rules->rule == RULE_IRV && b->seats != 1) {
		snprintf(err, errlen, "IRV fills one seat; this election has %d", b->seats);
		return -1;
	}
	if (b->papers == 0) {
		snprintf(err, errlen, "no valid ballots");
		return -1;
	}
	/* nine places: 10^9 units a paper must leave int64 room for the total */
	if (rules->rule == RULE_MEEK && b->papers > 1000000000LL) {
		snprintf(err, errlen, "Meek counts up to 1,000,000,000 papers");
		return -1;
	}
	if (rules->ngroups < 0 || rules->ngroups > COUNT_MAX_GROUPS) {
		snprintf(err, errlen, "up to %d group rules", COUNT_MAX_GROUPS);
		return -1;
	}
	if ((why = balance_impossible(b, rules))) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	r->rule = rules->rule;
	r->rules = rules;
	r->ncand = n;
	r->seats = b->seats;
	r->unit = rules->rule == RULE_MEEK    ? 1000000000
		  : rules->rule == RULE_ERS97 ? 100
					      : COUNT_UNIT;
	r->places = rules->rule == RULE_MEEK	   ? 9
		    : rules->rule == RULE_ERS97	   ? 2
		    : rules->rule == RULE_SCOTTISH ? 5
						   : 0;
	r->state = xcalloc((size_t)n, sizeof(*r->state));
	r->elected = xmalloc((size_t)n * sizeof(*r->elected));
	r->without_quota = xcalloc((size_t)n, sizeof(*r->without_quota));
	for (int i = 0; i < n; i++)
		r->state[i] = b->withdrawn[i] ? CAND_WITHDRAWN : CAND_CONTINUING;
	/* the Droop quota: papers / (seats + 1), decimals dropped, plus one */
	if (rules->rule == RULE_SCOTTISH)
		r->quota = (b->papers / (b->seats + 1) + 1) * COUNT_UNIT;
	c.held = xcalloc((size_t)n, sizeof(*c.held));
	c.batch_from = xcalloc((size_t)n, sizeof(*c.batch_from));
	c.totals = xcalloc((size_t)n, sizeof(*c.totals));
	c.surplus_due = xcalloc((size_t)n, 1);
	switch (rules->rule) {
	case RULE_SCOTTISH: scottish(&c); break;
	case RULE_IRV: irv(&c); break;
	case RULE_BLOCK: block(&c); break;
	case RULE_ERS97: count_ers97(&c); break;
	case RULE_MEEK: count_meek(&c); break;
	}
	for (int i = 0; i < n; i++)
		free(c.held[i].ids);
	free(c.held);
	free(c.batch_from);
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
		free(r->stages[i].excluded);
	}
	free(r->stages);
	free(r->elected);
	free(r->without_quota);
	free(r->state);
	memset(r, 0, sizeof(*r));
}
