/*
 * make bench (part four): the carpool matcher on a session with 2,000
 * riders and 500 drivers spread over 60 km, against the greedy baseline.
 * Prints a Markdown table row per run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "rides/match.h"

static double rnd(double lo, double hi)
{
	return lo + (hi - lo) * rand() / (double)RAND_MAX;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
	const size_t nd = 500, nr = 2000;
	const struct match_point session = { 52.93, -1.48 }; /* Derby */
	struct match_driver *d = calloc(nd, sizeof(*d));
	struct match_point *r = calloc(nr, sizeof(*r));

	for (int run = 0; run < 3; run++) {
		srand(100 + (unsigned)run);
		/* within about 60 km: 0.55 degrees of latitude, 0.9 of longitude */
		for (size_t i = 0; i < nd; i++)
			d[i] = (struct match_driver){ { rnd(52.38, 53.48), rnd(-2.38, -0.58) },
						      1 + rand() % 4, rnd(10, 30), rnd(25, 40) };
		for (size_t i = 0; i < nr; i++)
			r[i] = (struct match_point){ rnd(52.38, 53.48), rnd(-2.38, -0.58) };
		struct match_result g, m;
		double t0 = now();
		match_solve(d, nd, r, nr, session, NULL, 1, &g);
		double t1 = now();
		match_solve(d, nd, r, nr, session, NULL, 0, &m);
		double t2 = now();
		size_t seats = 0;
		for (size_t i = 0; i < nd; i++)
			seats += (size_t)d[i].seats;
		printf("| %zu riders, %zu drivers (%zu seats), seed %d | %.0f ms | %zu carried,"
		       " %.0f min detour | greedy alone: %zu carried, %.0f min, %.0f ms |\n",
		       nr, nd, seats, 100 + run, (t2 - t0) * 1000, m.carried, m.total_detour_min,
		       g.carried, g.total_detour_min, (t1 - t0) * 1000);
		match_result_release(&g);
		match_result_release(&m);
	}
	free(d);
	free(r);
	return 0;
}
