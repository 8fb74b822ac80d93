/*
 * The batch matcher over one session as stored: open offers are drivers,
 * riders still looking are placed, and riders asked or carried are pinned
 * to their driver so they keep their seats.  The answer changes only when
 * a ride changes, so it is kept per session until the next ride write
 * anywhere (rides_changed()); a page view does not re-run the matcher.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "rides/match.h"
#include "rides/store.h"
#include "util/mem.h"

#define CACHE_SLOTS 8

struct cached {
	long event_id;
	unsigned long gen;
	size_t n;
	struct ride_pair *pairs;
};

static atomic_ulong generation = 1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct cached cache[CACHE_SLOTS];
static unsigned next_slot;

void rides_changed(void)
{
	atomic_fetch_add(&generation, 1);
}

struct loaded {
	size_t nd, nr;
	struct match_driver *drivers;
	long *offer_ids;
	struct match_point *riders;
	long *request_ids, *declined_offer;
	int *pinned;
};

static void loaded_release(struct loaded *l)
{
	free(l->drivers);
	free(l->offer_ids);
	free(l->riders);
	free(l->request_ids);
	free(l->declined_offer);
	free(l->pinned);
}

static int offer_index(const struct loaded *l, long id)
{
	for (size_t i = 0; i < l->nd; i++)
		if (l->offer_ids[i] == id)
			return (int)i;
	return -1;
}

static int load(struct db *db, long event_id, struct loaded *l)
{
	struct db_stmt *os = db_cached(
	    db, "SELECT id, lat, lon, seats, max_detour_min, max_detour_pct FROM ride_offers"
		" WHERE event_id = ? AND status = 'open' ORDER BY id LIMIT ?");
	struct db_stmt *rs =
	    db_cached(db, "SELECT id, lat, lon, state, offer_id FROM ride_requests"
			  " WHERE event_id = ? AND state IN ('open', 'declined', 'asked',"
			  " 'accepted') ORDER BY id LIMIT ?");
	memset(l, 0, sizeof(*l));
	if (!os || !rs || db_bind_int(os, 1, event_id) || db_bind_int(os, 2, RIDES_MAX_OFFERS) ||
	    db_bind_int(rs, 1, event_id) || db_bind_int(rs, 2, RIDES_MAX_REQUESTS))
		goto fail;
	l->drivers = xmalloc(RIDES_MAX_OFFERS * sizeof(*l->drivers));
	l->offer_ids = xmalloc(RIDES_MAX_OFFERS * sizeof(long));
	while (db_step(os) == DB_ROW) {
		l->offer_ids[l->nd] = (long)db_col_int(os, 0);
		l->drivers[l->nd++] =
		    (struct match_driver){ { db_col_double(os, 1), db_col_double(os, 2) },
					   (int)db_col_int(os, 3),
					   db_col_double(os, 4),
					   db_col_double(os, 5) };
	}
	l->riders = xmalloc(RIDES_MAX_REQUESTS * sizeof(*l->riders));
	l->request_ids = xmalloc(RIDES_MAX_REQUESTS * sizeof(long));
	l->declined_offer = xmalloc(RIDES_MAX_REQUESTS * sizeof(long));
	l->pinned = xmalloc(RIDES_MAX_REQUESTS * sizeof(int));
	while (db_step(rs) == DB_ROW) {
		const char *state = db_col_text(rs, 3);
		long offer = (long)db_col_int(rs, 4);
		int placed = !strcmp(state, "asked") || !strcmp(state, "accepted");
		l->request_ids[l->nr] = (long)db_col_int(rs, 0);
		l->riders[l->nr] =
		    (struct match_point){ db_col_double(rs, 1), db_col_double(rs, 2) };
		l->declined_offer[l->nr] = !strcmp(state, "declined") ? offer : 0;
		l->pinned[l->nr] = placed ? offer_index(l, offer) : -1;
		/* asked of a driver who has since gone: not placed, not looking */
		if (!placed || l->pinned[l->nr] >= 0)
			l->nr++;
	}
	db_reset(os);
	db_reset(rs);
	return 0;
fail:
	db_reset(os);
	db_reset(rs);
	return -1;
}

static size_t solve(struct db *db, long event_id, struct match_point session,
		    struct ride_pair **out)
{
	struct loaded l;
	struct match_result m;
	size_t n = 0;

	*out = NULL;
	if (load(db, event_id, &l)) {
		loaded_release(&l);
		return 0;
	}
	match_solve(l.drivers, l.nd, l.riders, l.nr, session, l.pinned, 0, &m);
	*out = xmalloc((l.nr ? l.nr : 1) * sizeof(**out));
	for (size_t r = 0; r < l.nr; r++) {
		int d = m.rider_driver[r];
		int one = (int)r;
		double det = 0;
		if (d < 0 || l.pinned[r] >= 0 || l.declined_offer[r] == l.offer_ids[d])
			continue;
		match_route_ok(&l.drivers[d], session, l.riders, &one, 1, &det);
		(*out)[n++] =
		    (struct ride_pair){ l.offer_ids[d], l.request_ids[r], (int)(det + 0.5) };
	}
	match_result_release(&m);
	loaded_release(&l);
	return n;
}

size_t rides_suggest(struct db *db, long event_id, struct match_point session,
		     struct ride_pair **out)
{
	unsigned long gen = atomic_load(&generation);
	size_t n = 0;
	int hit = 0;

	pthread_mutex_lock(&lock);
	for (int i = 0; i < CACHE_SLOTS && !hit; i++) {
		if (cache[i].event_id == event_id && cache[i].gen == gen) {
			n = cache[i].n;
			*out = xmalloc((n ? n : 1) * sizeof(**out));
			memcpy(*out, cache[i].pairs, n * sizeof(**out));
			hit = 1;
		}
	}
	pthread_mutex_unlock(&lock);
	if (hit)
		return n;
	/* solved outside the lock: two threads may both solve, and agree */
	n = solve(db, event_id, session, out);
	if (!*out)
		return 0;
	pthread_mutex_lock(&lock);
	struct cached *c = &cache[next_slot++ % CACHE_SLOTS];
	free(c->pairs);
	c->event_id = event_id;
	c->gen = gen;
	c->n = n;
	c->pairs = xmalloc((n ? n : 1) * sizeof(*c->pairs));
	memcpy(c->pairs, *out, n * sizeof(*c->pairs));
	pthread_mutex_unlock(&lock);
	return n;
}
