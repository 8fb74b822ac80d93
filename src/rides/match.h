/*
 * Carpool matching for one session: which driver picks up which riders, in
 * what order.  Pure: no I/O, no clock.
 *
 * Travel time between two points is the great-circle distance times
 * ROAD_FACTOR, driven at ROAD_KMH.  A driver's detour is their route with
 * the pick-ups (start -> riders in order -> session) minus their direct
 * route; it must stay within the driver's own bound (minutes and per cent
 * of their direct time) and the global cap (MATCH_MAX_DETOUR_PCT).  Each
 * rider's shared part — from their pick-up to the session — must be at
 * least MATCH_MIN_SHARED of the driver's whole route (Mobicoop's rule).
 *
 * match_solve() maximises riders carried, then minimises total detour,
 * never exceeding a driver's seats.  It runs a greedy pass and a
 * regret-insertion pass and keeps the better, so it is never worse than
 * greedy.
 */
#ifndef TURNOUT_MATCH_H
#define TURNOUT_MATCH_H

#include <stddef.h>

#define ROAD_FACTOR	     1.3
#define ROAD_KMH	     50.0
#define MATCH_MAX_DETOUR_PCT 40.0
#define MATCH_MIN_SHARED     0.30
#define MATCH_MAX_SEATS	     8

struct match_point {
	double lat, lon;
};

struct match_driver {
	struct match_point start;
	int seats;	       /* 1..MATCH_MAX_SEATS */
	double max_detour_min; /* their own bound, minutes */
	double max_detour_pct; /* and as a share of their direct time */
};

struct match_plan {
	int nstops;
	int stops[MATCH_MAX_SEATS]; /* rider indices, in pick-up order */
	double detour_min;
};

struct match_result {
	size_t carried;
	double total_detour_min;
	int *rider_driver;	  /* per rider: driver index, or -1 */
	struct match_plan *plans; /* per driver */
};

/* Minutes from a to b by road, in the model above. */
double match_minutes(struct match_point a, struct match_point b);
/* 1 when a driver may carry exactly these riders in this order. */
int match_route_ok(const struct match_driver *d, struct match_point session,
		   const struct match_point *riders, const int *order, int n, double *detour);
/*
 * The pick-up order of n riders (n <= MATCH_MAX_SEATS) that makes the
 * route start -> riders -> session shortest, into order[].  Exhaustive,
 * with pruning: at most 8! orders.
 */
void match_order(struct match_point start, struct match_point session,
		 const struct match_point *riders, const int *which, int n, int *order);
/*
 * Allocates out's arrays (match_result_release frees them).  pinned, when
 * not NULL, gives per rider the driver already carrying them (or -1):
 * those stay where they are, in the best order, and use up seats.
 * greedy_only: the baseline alone, for comparison.
 */
void match_solve(const struct match_driver *drivers, size_t nd, const struct match_point *riders,
		 size_t nr, struct match_point session, const int *pinned, int greedy_only,
		 struct match_result *out);
void match_result_release(struct match_result *r);

#endif
