#include "seats/marginal.h"

#include <string.h>

#include "geo/geo.h"
#include "geo/travel.h"

const char *stance_name(enum stance s)
{
	return s == STANCE_DEFEND ? "defend" : s == STANCE_ATTACK ? "attack" : NULL;
}

double marginal_rank_km(const struct marginal_hit *h)
{
	return h->road_km >= 0 ? h->road_km : h->km * TRAVEL_ROAD_FACTOR;
}

static int closer(const struct marginal_hit *a, const struct marginal_hit *b)
{
	double ka = marginal_rank_km(a), kb = marginal_rank_km(b);
	if (ka != kb)
		return ka < kb;
	return strcmp(a->r->seat->code, b->r->seat->code) < 0;
}

size_t marginal_find(const struct election *e, const struct marginal_query *q,
		     struct marginal_hit *out)
{
	size_t n = 0;

	for (size_t i = 0; i < e->n; i++) {
		const struct seat_result *r = &e->results[i];
		struct marginal_hit h = { r, 0, -1, 0, STANCE_NONE };

		if (strcmp(r->first, "spk") == 0 || !(r->majority_pct < q->max_pct))
			continue;
		if (q->party) {
			if (strcmp(r->first, q->party) == 0)
				h.stance = STANCE_DEFEND;
			else if (strcmp(r->second, q->party) == 0)
				h.stance = STANCE_ATTACK;
			else
				continue;
		}
		h.km = geo_haversine_km(q->lat, q->lon, r->seat->lat, r->seat->lon);
		h.road_km = travel_road_km(q->travel, (long)r->seat->index, q->cell_km, h.km);
		h.own = q->own_code && strcmp(q->own_code, r->seat->code) == 0;
		/* keep the best `limit` in order: insertion into a short array */
		if (n == q->limit && !closer(&h, &out[n - 1]))
			continue;
		size_t at = n < q->limit ? n++ : n - 1;
		while (at > 0 && closer(&h, &out[at - 1])) {
			out[at] = out[at - 1];
			at--;
		}
		out[at] = h;
	}
	return n;
}
