/*
 * The server-rendered map: seats around the volunteer as SVG paths, the
 * listed marginals filled with the winning party's colour and numbered as
 * in the list, the volunteer's own seat outlined and their position marked.
 * No tiles, no script; each seat carries a <title> for screen readers.
 */
#ifndef TURNOUT_MAP_SVG_H
#define TURNOUT_MAP_SVG_H

#include "seats/nearest.h"
#include "util/buf.h"

#define MAP_WIDTH 640

void map_svg_write(struct buf *out, const struct seats *seats, const struct nearest_answer *a);

/* A session on the session search's map, numbered as in the list. */
struct map_dot {
	double lat, lon;
	long id;
	const char *title;
};
#define MAP_DOTS_MAX 30
/* The 2024 seats around the sessions found from (lat, lon), each session a
 * numbered dot that links to it. */
void map_svg_sessions(struct buf *out, const struct seats *seats, double lat, double lon,
		      const struct map_dot *dots, size_t n);

/* One seat to shade on the coverage map: 0 (nothing pledged) .. 1 (covered). */
struct coverage_mark {
	const struct seat *seat;
	double coverage;
};

/*
 * Great Britain's 2024 seats, the marked ones shaded from red (no hours
 * pledged) through amber to green (the hours needed are pledged).
 */
void map_svg_coverage(struct buf *out, const struct seats *seats,
		      const struct coverage_mark *marks, size_t n);
/* The colour of a coverage from 0 (none of the hours) to 1 (all of them),
 * as "#rrggbb": the map's ramp, for a legend beside it. */
void coverage_colour(double c, char out[8]);

#endif
