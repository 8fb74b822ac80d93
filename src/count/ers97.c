/*
 * The Electoral Reform Society's 1997 rules for STV (section 5 of "How to
 * conduct an election by the Single Transferable Vote", 3rd edition), in
 * hundredths of a vote.  Where the rules leave the returning officer to
 * decide by lot, the first candidate in the file is chosen; where 5.6.2
 * would elect none of candidates equal at every stage, lot chooses too.
 */
#include <stdlib.h>
#include <string.h>

#include "count/tally.h"
#include "util/mem.h"

static int64_t ceil_div(int64_t a, int64_t b)
{
	return (a + b - 1) / b;
}

/* 5.1.6: the valid vote / (places + 1) to two places, rounded up. */
static int64_t quota_of(const struct count *c, int64_t votes)
{
	return ceil_div(votes, c->r->seats + 1);
}

/* Surpluses not yet transferred. */
static int64_t surpluses(const struct count *c)
{
	int64_t s = 0;
	for (int i = 0; i < c->b->ncand; i++)
		if (c->surplus_due[i])
			s += c->totals[i] - c->r->quota;
	return s;
}

/* 6.20: continuing candidates' votes and votes awaiting transfer (surpluses,
 * and an excluded candidate's papers not yet moved). */
static int64_t active_vote(const struct count *c)
{
	int64_t a = surpluses(c);
	for (int i = 0; i < c->b->ncand; i++)
		if (c->r->state[i] == CAND_CONTINUING || c->r->state[i] == CAND_EXCLUDED)
			a += c->totals[i];
	return a;
}

/* 5.1.7, 5.3.13, 5.4.9: deem elected, highest first, whoever has the quota
 * or the active vote / (places left + 1). */
static void elect_reaching(struct count *c, struct count_stage *s)
{
	struct count_result *r = c->r;
	int n = c->b->ncand;
	uint8_t *eligible = xcalloc((size_t)n, 1);
	while (r->nelected < r->seats) {
		int64_t bar = ceil_div(active_vote(c), r->seats - r->nelected + 1);
		int any = 0, tie, lot;
		for (int i = 0; i < n; i++) {
			int64_t v = c->totals[i];
			eligible[i] = r->state[i] == CAND_CONTINUING && v > 0 &&
				      (v >= r->quota || v >= bar) && count_balance_blocks(r, i) < 0;
			any |= eligible[i];
		}
		if (!any)
			break;
		int who = tally_pick(c, eligible, 1, 1, &tie, &lot);
		tally_elect(c, s, who, c->totals[who] < r->quota);
	}
	free(eligible);
}

/* 5.3: a surplus arising at stage 1 passes on all the candidate's papers,
 * a later one only the batch that gave rise to it; each transferable paper
 * at surplus / papers (to two places, down), or at its value if they are
 * worth no more than the surplus. */
static void transfer_surplus(struct count *c, int who, int tie, int lot)
{
	struct count_result *r = c->r;
	struct count_stage *s = tally_stage_begin(c, STAGE_SURPLUS, who);
	struct holding *h = &c->held[who];
	size_t from = c->batch_from[who];
	int64_t surplus = c->totals[who] - r->quota, value = 0, moved = 0;
	long long papers = 0;

	s->surplus = surplus;
	s->tie = tie;
	s->tie_by_lot = lot;
	c->surplus_due[who] = 0;
	tally_batch_begin(c);
	for (size_t i = from; i < h->n; i++) {
		struct parcel *p = &c->parcels[h->ids[i]];
		if (tally_next(c, p) >= 0) {
			papers += p->count;
			value += (int64_t)p->count * p->value;
		}
	}
	int64_t tv = value > surplus ? surplus / papers : -1;
	for (size_t i = from; i < h->n; i++) {
		struct parcel *p = &c->parcels[h->ids[i]];
		int to = tally_next(c, p);
		if (to < 0)
			continue;
		if (tv >= 0)
			p->value = tv;
		c->totals[to] += (int64_t)p->count * p->value;
		moved += (int64_t)p->count * p->value;
		tally_hold(c, to, h->ids[i]);
	}
	h->n = from;
	if (tv >= 0)
		c->loss += surplus - moved; /* the non-transferable difference */
	else
		c->nt += surplus - moved; /* papers with no next preference */
	c->totals[who] = r->quota;
	tally_stage_end(c, s);
	elect_reaching(c, s);
}

static int by_value_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

/* 5.4: the excluded candidates' papers, a batch of one value at a time,
 * highest first; each batch a sub-stage after which candidates are deemed
 * elected (and get no more papers). */
static void exclude(struct count *c, const int *who, int n, enum exclude_why why, int group,
		    int64_t deferred, int tie, int lot)
{
	struct count_result *r = c->r;
	struct count_stage note = { .kept = -1 };
	size_t np = 0, nv = 0;
	if (why == EXCLUDE_LOWEST)
		tally_note_kept(c, &note, who[0]);
	for (int i = 0; i < n; i++) {
		r->state[who[i]] = CAND_EXCLUDED;
		np += c->held[who[i]].n;
	}
	int64_t *values = xmalloc((np ? np : 1) * sizeof(*values));
	for (int i = 0; i < n; i++)
		for (size_t k = 0; k < c->held[who[i]].n; k++)
			values[nv++] = c->parcels[c->held[who[i]].ids[k]].value;
	qsort(values, nv, sizeof(*values), by_value_desc);
	size_t distinct = 0;
	for (size_t k = 0; k < nv; k++)
		if (!k || values[k] != values[k - 1])
			values[distinct++] = values[k];
	for (size_t k = 0; k < (distinct ? distinct : 1); k++) {
		struct count_stage *s = tally_stage_begin(c, STAGE_EXCLUDE, -1);
		s->why = why;
		s->group = group;
		s->deferred = deferred;
		s->kept = note.kept;
		s->kept_group = note.kept_group;
		s->tie = tie;
		s->tie_by_lot = lot;
		for (int i = 0; i < n; i++)
			tally_stage_exclude(c, s, who[i]);
		if (distinct) {
			s->substage = (int)k + 1;
			s->substages = (int)distinct;
			s->batch_value = values[k];
		}
		tally_batch_begin(c);
		for (int i = 0; distinct && i < n; i++) {
			struct holding *h = &c->held[who[i]];
			size_t keep = 0;
			for (size_t j = 0; j < h->n; j++) {
				struct parcel *p = &c->parcels[h->ids[j]];
				if (p->value != values[k]) {
					h->ids[keep++] = h->ids[j];
					continue;
				}
				int64_t v = (int64_t)p->count * p->value;
				int to = tally_next(c, p);
				c->totals[who[i]] -= v;
				if (to < 0)
					c->nt += v;
				else {
					c->totals[to] += v;
					tally_hold(c, to, h->ids[j]);
				}
			}
			h->n = keep;
		}
		/* 5.4.8: while no one is elected, the quota leaves out what has
		 * become non-transferable */
		if (r->nelected == 0)
			r->quota = quota_of(c, (int64_t)c->b->papers * r->unit - c->nt);
		tally_stage_end(c, s);
		elect_reaching(c, s);
		if (r->nelected == r->seats)
			break; /* 5.5.2: no further transfers */
	}
	free(values);
}

/* 5.2.5: the continuing candidates, lowest first (ties as the rules break
 * them), and how many of them can go together: their votes with the
 * deferred surpluses no more than the next one's, enough left for the
 * places.  With group rules, one at a time, the lowest not needed. */
static int excludable(struct count *c, int64_t deferred, int *order, int *tie, int *lot)
{
	struct count_result *r = c->r;
	int n = c->b->ncand, m = 0, t, l, k = 0;
	uint8_t *flags = xcalloc((size_t)n, 1);

	for (int i = 0; i < n; i++)
		flags[i] = r->state[i] == CAND_CONTINUING;
	while ((order[m] = tally_pick(c, flags, 0, 1, &t, &l)) >= 0) {
		if (m == 0) {
			*tie = t;
			*lot = l;
		}
		flags[order[m++]] = 0;
	}
	int left = r->seats - r->nelected;
	if (r->rules->ngroups) {
		int i = 0;
		while (i < m && tally_protected(c, order[i]) >= 0)
			i++;
		if (i == m)
			i = 0; /* every one is needed by a group: the lowest of all */
		if (!deferred ||
		    (i + 1 < m && c->totals[order[i]] + deferred <= c->totals[order[i + 1]])) {
			order[0] = order[i];
			k = 1;
		}
		if (i)
			*tie = *lot = 0;
	} else {
		int64_t sum = 0;
		for (int i = 0; i < m - left; i++) {
			sum += c->totals[order[i]];
			if (sum + deferred <= c->totals[order[i + 1]])
				k = i + 1;
		}
	}
	free(flags);
	return k;
}

void count_ers97(struct count *c)
{
	struct count_result *r = c->r;
	/* one more than the candidates: excludable() ends its order with -1 */
	int n = c->b->ncand, *set = xmalloc((size_t)(n + 1) * sizeof(*set)), nset, group;

	r->quota = quota_of(c, (int64_t)c->b->papers * r->unit);
	elect_reaching(c, tally_first(c));
	while (r->nelected < r->seats) {
		int tie = 0, lot = 0;
		if ((nset = tally_barred(c, set, &group))) {
			exclude(c, set, nset, EXCLUDE_BALANCE, group, 0, 0, 0);
			continue;
		}
		if (tally_continuing(c) <= r->seats - r->nelected) {
			struct count_stage *s = &r->stages[r->nstages - 1];
			for (int i = 0; i < n; i++)
				if (r->state[i] == CAND_CONTINUING)
					tally_elect(c, s, i, 1);
			break;
		}
		int64_t deferred = surpluses(c);
		int k = excludable(c, deferred, set, &tie, &lot);
		if (deferred && !k) {
			int due = tally_pick(c, c->surplus_due, 1, 1, &tie, &lot);
			transfer_surplus(c, due, tie, lot);
			continue;
		}
		exclude(c, set, k, EXCLUDE_LOWEST, -1, deferred, k == 1 && tie, k == 1 && lot);
	}
	free(set);
}
