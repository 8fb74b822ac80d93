#include "rides/match.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo.h"
#include "util/mem.h"

double match_minutes(struct match_point a, struct match_point b)
{
	return geo_haversine_km(a.lat, a.lon, b.lat, b.lon) * ROAD_FACTOR / ROAD_KMH * 60.0;
}

static double bound(const struct match_driver *d, double direct)
{
	double b = d->max_detour_min;
	double pct =
	    d->max_detour_pct < MATCH_MAX_DETOUR_PCT ? d->max_detour_pct : MATCH_MAX_DETOUR_PCT;
	double by_pct = direct * pct / 100.0;
	return b < by_pct ? b : by_pct;
}

int match_route_ok(const struct match_driver *d, struct match_point session,
		   const struct match_point *riders, const int *order, int n, double *detour)
{
	double legs[MATCH_MAX_SEATS + 1], total = 0, direct = match_minutes(d->start, session);
	struct match_point at = d->start;

	if (n > d->seats || n > MATCH_MAX_SEATS)
		return 0;
	for (int i = 0; i < n; i++) {
		legs[i] = match_minutes(at, riders[order[i]]);
		total += legs[i];
		at = riders[order[i]];
	}
	legs[n] = match_minutes(at, session);
	total += legs[n];
	double extra = total - direct;
	if (extra > bound(d, direct) + 1e-9)
		return 0;
	/* each rider's shared part: from their pick-up to the session */
	double shared = legs[n];
	for (int i = n - 1; i >= 0; i--) {
		if (total <= 0 || shared / total < MATCH_MIN_SHARED)
			return 0;
		shared += legs[i];
	}
	if (detour)
		*detour = extra < 0 ? 0 : extra;
	return 1;
}

/* Cheapest feasible insertion of rider r into plan p; DBL_MAX if none. */
static double best_insertion(const struct match_driver *d, const struct match_plan *p,
			     struct match_point session, const struct match_point *riders, int r,
			     int *at)
{
	int order[MATCH_MAX_SEATS];
	double best = DBL_MAX;

	if (p->nstops >= d->seats)
		return DBL_MAX;
	for (int pos = 0; pos <= p->nstops; pos++) {
		int n = 0;
		for (int i = 0; i < p->nstops; i++) {
			if (i == pos)
				order[n++] = r;
			order[n++] = p->stops[i];
		}
		if (pos == p->nstops)
			order[n++] = r;
		double det;
		if (match_route_ok(d, session, riders, order, n, &det) &&
		    det - p->detour_min < best) {
			best = det - p->detour_min;
			*at = pos;
		}
	}
	return best;
}

static void insert(struct match_plan *p, int r, int pos, double added)
{
	memmove(&p->stops[pos + 1], &p->stops[pos], (size_t)(p->nstops - pos) * sizeof(int));
	p->stops[pos] = r;
	p->nstops++;
	p->detour_min += added;
}

struct cand {
	int driver;
	double cost;
	int pos;
};

/* Riders nearest the session first: the greedy baseline's order. */
static const struct match_point *sort_session;
static const struct match_point *sort_riders;
static int by_distance(const void *a, const void *b)
{
	double da = match_minutes(sort_riders[*(const int *)a], *sort_session);
	double db = match_minutes(sort_riders[*(const int *)b], *sort_session);
	return da < db ? -1 : da > db;
}

static void solve_greedy(const struct match_driver *drv, size_t nd,
			 const struct match_point *riders, size_t nr, struct match_point session,
			 int **cands, int *ncands, struct match_result *out)
{
	int *order = xmalloc(nr * sizeof(int));
	for (size_t i = 0; i < nr; i++)
		order[i] = (int)i;
	sort_session = &session;
	sort_riders = riders;
	qsort(order, nr, sizeof(int), by_distance);
	for (size_t k = 0; k < nr; k++) {
		int r = order[k], best_d = -1, best_pos = 0;
		double best = DBL_MAX;
		for (int c = 0; c < ncands[r]; c++) {
			int d = cands[r][c], pos;
			double cost =
			    best_insertion(&drv[d], &out->plans[d], session, riders, r, &pos);
			if (cost < best) {
				best = cost;
				best_d = d;
				best_pos = pos;
			}
		}
		if (best_d >= 0) {
			insert(&out->plans[best_d], r, best_pos, best);
			out->rider_driver[r] = best_d;
		}
	}
	free(order);
	(void)nd;
}

/*
 * Regret insertion: repeatedly place the rider who would lose most by
 * waiting (the gap between their best and second-best insertion; one
 * option left counts as the largest regret), so hard-to-place riders are
 * placed before easy ones take their seats.
 */
static void solve_regret(const struct match_driver *drv, size_t nd,
			 const struct match_point *riders, size_t nr, struct match_point session,
			 int **cands, int *ncands, struct match_result *out)
{
	double **cost = xmalloc(nr * sizeof(double *));
	int **pos = xmalloc(nr * sizeof(int *));
	unsigned char *dirty = xcalloc(nd, 1);

	for (size_t r = 0; r < nr; r++) {
		cost[r] = xmalloc((size_t)(ncands[r] ? ncands[r] : 1) * sizeof(double));
		pos[r] = xmalloc((size_t)(ncands[r] ? ncands[r] : 1) * sizeof(int));
		for (int c = 0; c < ncands[r]; c++)
			cost[r][c] = best_insertion(&drv[cands[r][c]], &out->plans[cands[r][c]],
						    session, riders, (int)r, &pos[r][c]);
	}
	for (;;) {
		int pick = -1, pick_c = -1;
		double pick_regret = -1, pick_cost = DBL_MAX;
		for (size_t r = 0; r < nr; r++) {
			if (out->rider_driver[r] >= 0)
				continue;
			double b1 = DBL_MAX, b2 = DBL_MAX;
			int bc = -1;
			for (int c = 0; c < ncands[r]; c++) {
				if (dirty[cands[r][c]])
					cost[r][c] = best_insertion(
					    &drv[cands[r][c]], &out->plans[cands[r][c]], session,
					    riders, (int)r, &pos[r][c]);
				if (cost[r][c] < b1) {
					b2 = b1;
					b1 = cost[r][c];
					bc = c;
				} else if (cost[r][c] < b2) {
					b2 = cost[r][c];
				}
			}
			if (bc < 0 || b1 == DBL_MAX)
				continue;
			double regret = b2 == DBL_MAX ? 1e12 : b2 - b1;
			if (regret > pick_regret || (regret == pick_regret && b1 < pick_cost)) {
				pick = (int)r;
				pick_c = bc;
				pick_regret = regret;
				pick_cost = b1;
			}
		}
		memset(dirty, 0, nd);
		if (pick < 0)
			break;
		int d = cands[pick][pick_c];
		insert(&out->plans[d], pick, pos[pick][pick_c], cost[pick][pick_c]);
		out->rider_driver[pick] = d;
		dirty[d] = 1; /* only this driver's insertions changed */
	}
	for (size_t r = 0; r < nr; r++) {
		free(cost[r]);
		free(pos[r]);
	}
	free(cost);
	free(pos);
	free(dirty);
}

struct order_search {
	double leg[MATCH_MAX_SEATS + 1][MATCH_MAX_SEATS + 1]; /* [n] is the start */
	double to_session[MATCH_MAX_SEATS];
	int n, cur[MATCH_MAX_SEATS], best[MATCH_MAX_SEATS];
	double best_time;
};

static void order_dfs(struct order_search *s, int depth, int at, unsigned used, double t)
{
	if (t >= s->best_time)
		return;
	if (depth == s->n) {
		t += depth ? s->to_session[at] : 0;
		if (t < s->best_time) {
			s->best_time = t;
			memcpy(s->best, s->cur, sizeof(s->cur));
		}
		return;
	}
	for (int i = 0; i < s->n; i++) {
		if (used & (1u << i))
			continue;
		s->cur[depth] = i;
		order_dfs(s, depth + 1, i, used | (1u << i), t + s->leg[at][i]);
	}
}

void match_order(struct match_point start, struct match_point session,
		 const struct match_point *riders, const int *which, int n, int *order)
{
	struct order_search s;

	if (n > MATCH_MAX_SEATS)
		n = MATCH_MAX_SEATS;
	s.n = n;
	s.best_time = DBL_MAX;
	for (int i = 0; i < n; i++) {
		s.to_session[i] = match_minutes(riders[which[i]], session);
		s.leg[n][i] = match_minutes(start, riders[which[i]]);
		for (int j = 0; j < n; j++)
			s.leg[i][j] = match_minutes(riders[which[i]], riders[which[j]]);
	}
	order_dfs(&s, 0, n, 0, 0);
	for (int i = 0; i < n; i++)
		order[i] = which[s.best[i]];
}

/* Riders already carried keep their driver, in the shortest order. */
static void pin(const struct match_driver *drv, size_t nd, const struct match_point *riders,
		size_t nr, struct match_point session, const int *pinned, struct match_result *out)
{
	int which[MATCH_MAX_SEATS];

	for (size_t d = 0; pinned && d < nd; d++) {
		int n = 0;
		for (size_t r = 0; r < nr && n < MATCH_MAX_SEATS && n < drv[d].seats; r++)
			if (pinned[r] == (int)d) {
				which[n++] = (int)r;
				out->rider_driver[r] = (int)d;
			}
		if (!n)
			continue;
		struct match_plan *p = &out->plans[d];
		match_order(drv[d].start, session, riders, which, n, p->stops);
		p->nstops = n;
		double det;
		/* a set the driver took on beyond the rules stays, and takes no one else */
		if (!match_route_ok(&drv[d], session, riders, p->stops, n, &det))
			det = 0;
		p->detour_min = det;
	}
}

static void result_init(struct match_result *r, const struct match_driver *drv, size_t nd,
			const struct match_point *riders, size_t nr, struct match_point session,
			const int *pinned)
{
	r->carried = 0;
	r->total_detour_min = 0;
	r->rider_driver = xmalloc((nr ? nr : 1) * sizeof(int));
	for (size_t i = 0; i < nr; i++)
		r->rider_driver[i] = -1;
	r->plans = xcalloc(nd ? nd : 1, sizeof(struct match_plan));
	pin(drv, nd, riders, nr, session, pinned, r);
}

static void tally(struct match_result *r, size_t nd, size_t nr)
{
	r->carried = 0;
	r->total_detour_min = 0;
	for (size_t i = 0; i < nr; i++)
		r->carried += r->rider_driver[i] >= 0;
	for (size_t d = 0; d < nd; d++)
		r->total_detour_min += r->plans[d].detour_min;
}

void match_solve(const struct match_driver *drivers, size_t nd, const struct match_point *riders,
		 size_t nr, struct match_point session, const int *pinned, int greedy_only,
		 struct match_result *out)
{
	/* candidate drivers per rider: those who could carry them alone */
	int **cands = xmalloc((nr ? nr : 1) * sizeof(int *));
	int *ncands = xcalloc(nr ? nr : 1, sizeof(int));
	for (size_t r = 0; r < nr; r++) {
		cands[r] = xmalloc((nd ? nd : 1) * sizeof(int));
		for (size_t d = 0; d < nd; d++) {
			int one = (int)r;
			if (drivers[d].seats > 0 && !(pinned && pinned[r] >= 0) &&
			    match_route_ok(&drivers[d], session, riders, &one, 1, NULL))
				cands[r][ncands[r]++] = (int)d;
		}
	}
	result_init(out, drivers, nd, riders, nr, session, pinned);
	solve_greedy(drivers, nd, riders, nr, session, cands, ncands, out);
	tally(out, nd, nr);
	if (!greedy_only) {
		struct match_result alt;
		result_init(&alt, drivers, nd, riders, nr, session, pinned);
		solve_regret(drivers, nd, riders, nr, session, cands, ncands, &alt);
		tally(&alt, nd, nr);
		if (alt.carried > out->carried ||
		    (alt.carried == out->carried && alt.total_detour_min < out->total_detour_min)) {
			match_result_release(out);
			*out = alt;
		} else {
			match_result_release(&alt);
		}
	}
	for (size_t r = 0; r < nr; r++)
		free(cands[r]);
	free(cands);
	free(ncands);
}

void match_result_release(struct match_result *r)
{
	free(r->rider_driver);
	free(r->plans);
	r->rider_driver = NULL;
	r->plans = NULL;
}
