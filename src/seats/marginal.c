#include "seats/marginal.h"

#include <string.h>

#include "geo/geo.h"

const char *stance_name(enum stance s)
{
	return s == STANCE_DEFEND ? "defend" : s == STANCE_ATTACK ? "attack" : NULL;
}

static int closer(const struct marginal_hit *a, const struct marginal_hit *b)
{
	if (a->km != b->km)
		return a->km < b->km;
	return strcmp(a->r->seat->code, b->r->seat->code) < 0;
}

size_t marginal_find(const struct election *e, const struct marginal_query *q,
		     struct marginal_hit *out)
{
	size_t n = 0;

	for (size_t i = 0; i < e->n; i++) {
		const struct seat_result *r = &e->results[i];
		struct marginal_hit h = { r, 0, 0, STANCE_NONE };

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
