/*
 * The PR Foundation's Meek reference rule
 * (prfound.org/resources/reference/reference-meek-rule), in units of
 * 10^-9: every elected candidate keeps a fraction (its keep factor) of
 * each paper that reaches it and passes the rest on; the factors are
 * iterated until the total surplus is under 0.000001 or stops falling;
 * the quota is recomputed each time from the votes still in the count.
 * Papers are revisited from the ballots on every iteration, so there are
 * no parcels.  Ties for defeat go by lot (the first in the file), as the
 * reference rule's tie order.
 */
#include <stdlib.h>
#include <string.h>

#include "count/tally.h"
#include "util/mem.h"

#define ONE	   ((int64_t)1000000000)
#define OMEGA	   ((int64_t)1000) /* 0.000001 */
#define ITERATIONS 100000	   /* a stage's ceiling; the surplus falls each time */

struct meek {
	struct count *c;
	int64_t *kf;	 /* keep factors, units */
	int64_t surplus; /* as the last iteration left it */
};

static int64_t mul_up(int64_t a, int64_t b)
{
	return (int64_t)(((__int128)a * b + ONE - 1) / ONE);
}

static int64_t div_up(int64_t a, int64_t b)
{
	return (int64_t)(((__int128)a * ONE + b - 1) / b);
}

/* B.2.a: each paper's weight to its preferences in turn, each keeping its
 * keep factor of what reaches it (rounded up). */
static void distribute(struct meek *m)
{
	struct count *c = m->c;
	const struct ballots *b = c->b;
	int64_t kept = 0;

	memset(c->totals, 0, (size_t)b->ncand * sizeof(*c->totals));
	for (size_t i = 0; i < b->nlines; i++) {
		int64_t w = ONE;
		for (uint32_t j = b->start[i]; j < b->start[i + 1] && w > 0; j++) {
			int who = b->pref[j];
			if (!m->kf[who])
				continue;
			int64_t keep = mul_up(w, m->kf[who]);
			c->totals[who] += keep * b->weight[i];
			kept += keep * b->weight[i];
			w -= keep;
		}
	}
	c->nt = (int64_t)b->papers * ONE - kept;
}

/* B.2: iterate from the keep factors as they are to the next decision: 0
 * when someone was elected, 1 when the surplus is spent (under omega, or
 * no longer falling). */
static int iterate(struct meek *m, struct count_stage *s)
{
	struct count *c = m->c;
	struct count_result *r = c->r;
	int n = c->b->ncand;
	int64_t last = 0;

	for (int it = 0;; it++) {
		distribute(m);
		int64_t votes = 0;
		for (int i = 0; i < n; i++)
			if (r->state[i] == CAND_CONTINUING || r->state[i] == CAND_ELECTED)
				votes += c->totals[i];
		r->quota = votes / (r->seats + 1) + 1; /* B.2.b, truncated plus 10^-9 */
		int elected = 0;
		for (int i = 0; i < n && r->nelected < r->seats; i++)
			if (r->state[i] == CAND_CONTINUING && c->totals[i] >= r->quota &&
			    count_balance_blocks(r, i) < 0) {
				tally_elect(c, s, i, 0);
				elected = 1;
			}
		m->surplus = 0;
		for (int i = 0; i < n; i++)
			if (r->state[i] == CAND_ELECTED)
				m->surplus += c->totals[i] - r->quota;
		if (m->surplus < 0)
			m->surplus = 0;
		s->iterations = it + 1;
		if (elected)
			return 0;
		if (m->surplus < OMEGA || (it > 0 && m->surplus >= last) || it + 1 == ITERATIONS)
			return 1;
		last = m->surplus;
		for (int i = 0; i < n; i++) /* B.2.f */
			if (r->state[i] == CAND_ELECTED)
				m->kf[i] = div_up(mul_up(m->kf[i], r->quota), c->totals[i]);
	}
}

/* B.3: the lowest not needed by a group; every one with no more than it
 * plus the surplus is tied with it, and the first in the file goes. */
static int defeat_choice(struct meek *m, int *tie)
{
	struct count *c = m->c;
	int n = c->b->ncand, low = -1, ties = 0;
	for (int pass = 0; pass < 2 && low < 0; pass++)
		for (int i = 0; i < n; i++)
			if (c->r->state[i] == CAND_CONTINUING &&
			    (pass || tally_protected(c, i) < 0) &&
			    (low < 0 || c->totals[i] < c->totals[low]))
				low = i;
	int64_t bar = c->totals[low] + m->surplus;
	for (int i = 0; i < n; i++)
		if (c->r->state[i] == CAND_CONTINUING && c->totals[i] <= bar &&
		    (i == low || tally_protected(c, i) < 0)) {
			if (!ties++)
				low = i;
		}
	*tie = ties > 1;
	return low;
}

/* B.1 then C.1: as many hopeful as seats left after a defeat are elected
 * with no further iteration; the defeated candidate's vote leaves the
 * count. */
static void elect_remaining(struct meek *m, struct count_stage *s, int defeated)
{
	struct count *c = m->c;
	int64_t held = 0;
	c->totals[defeated] = 0;
	for (int i = 0; i < c->b->ncand; i++)
		if (c->r->state[i] == CAND_CONTINUING || c->r->state[i] == CAND_ELECTED)
			held += c->totals[i];
	c->nt = (int64_t)c->b->papers * ONE - held;
	for (int i = 0; i < c->b->ncand; i++)
		if (c->r->state[i] == CAND_CONTINUING)
			tally_elect(c, s, i, 1);
	tally_stage_end(c, s);
}

void count_meek(struct count *c)
{
	struct count_result *r = c->r;
	int n = c->b->ncand, *set = xmalloc((size_t)n * sizeof(*set)), nset, group;
	struct meek m = { .c = c, .kf = xcalloc((size_t)n, sizeof(int64_t)) };

	for (int i = 0; i < n; i++)
		m.kf[i] = r->state[i] == CAND_CONTINUING ? ONE : 0;
	struct count_stage *s = tally_stage_begin(c, STAGE_FIRST, -1);
	int spent = iterate(&m, s);
	tally_stage_end(c, s);
	while (r->nelected < r->seats) {
		if ((nset = tally_barred(c, set, &group))) {
			s = tally_stage_begin(c, STAGE_EXCLUDE, -1);
			s->why = EXCLUDE_BALANCE;
			s->group = group;
			for (int i = 0; i < nset; i++) {
				tally_stage_exclude(c, s, set[i]);
				m.kf[set[i]] = 0;
			}
		} else if (tally_continuing(c) <= r->seats - r->nelected) {
			s = &r->stages[r->nstages - 1];
			for (int i = 0; i < n; i++)
				if (r->state[i] == CAND_CONTINUING)
					tally_elect(c, s, i, 1);
			break;
		} else if (!spent) {
			s = tally_stage_begin(c, STAGE_SURPLUS, -1);
			s->surplus = m.surplus;
		} else {
			int tie, low = defeat_choice(&m, &tie);
			s = tally_stage_begin(c, STAGE_EXCLUDE, -1);
			s->tie = s->tie_by_lot = tie;
			tally_note_kept(c, s, low);
			tally_stage_exclude(c, s, low);
			m.kf[low] = 0;
			if (tally_continuing(c) <= r->seats - r->nelected) {
				elect_remaining(&m, s, low);
				break;
			}
		}
		spent = iterate(&m, s);
		tally_stage_end(c, s);
	}
	free(m.kf);
	free(set);
}
