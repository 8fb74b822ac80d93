/*
 * My Nearest Marginal: which seats are marginal and how far away they are.
 * Pure logic over the loaded results: no I/O, unit-tested on its own.
 *
 * A marginal is a seat whose majority is under max_pct percent of the valid
 * vote; the Speaker's seat is never one.  With a party, only seats where it
 * came first (defend) or second (attack) qualify.  Sorted by the estimated
 * road distance from the volunteer to each seat's centre (geo/travel.h),
 * nearest first; a seat without a travel field counts its great-circle
 * distance times the road factor.
 */
#ifndef TURNOUT_MARGINAL_H
#define TURNOUT_MARGINAL_H

#include <stddef.h>

#include "seats/seats.h"

enum stance { STANCE_NONE, STANCE_DEFEND, STANCE_ATTACK };

struct marginal_query {
	double lat, lon;
	double max_pct;       /* (0, 100] */
	const char *party;    /* canonical party code, or NULL */
	const char *own_code; /* the volunteer's own seat, or NULL */
	size_t limit;         /* >= 1 */
	/* the distances by land from the volunteer's cell (seats_travel_row),
	 * by seat index, or NULL; and the km from the volunteer to that cell */
	const uint16_t *travel;
	double cell_km;
};

struct marginal_hit {
	const struct seat_result *r;
	double km;      /* straight line */
	double road_km; /* estimated over land, or -1 when there is no field */
	int own;
	enum stance stance;
};

/* What a hit is ranked by: its road km, or the straight line's estimate. */
double marginal_rank_km(const struct marginal_hit *h);

/* Writes up to q->limit hits to out (which holds q->limit); returns the count. */
size_t marginal_find(const struct election *e, const struct marginal_query *q,
		     struct marginal_hit *out);
const char *stance_name(enum stance s);

#endif
