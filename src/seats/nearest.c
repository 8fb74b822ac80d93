#include "seats/nearest.h"

#include <string.h>

#include "seats/need.h"
#include "util/num.h"

#include <stdio.h>
#include <time.h>

int nearest_params_parse(struct nearest_params *p, const char *postcode, const char *election,
			 const char *max_pct, const char *party, const char *limit,
			 const char **err)
{
	long v;

	memset(p, 0, sizeof(*p));
	p->election = NEAREST_DEFAULT_ELECTION;
	p->max_pct = NEAREST_DEFAULT_PCT;
	p->limit = NEAREST_DEFAULT_LIMIT;
	if (!postcode || !*postcode) {
		*err = "Postcode required";
		return -1;
	}
	if (postcode_parse(postcode, strlen(postcode), &p->pc)) {
		*err = "Invalid postcode";
		return -1;
	}
	if (election && *election) {
		if (num_parse_long(election, strlen(election), 2017, 2024, &v) ||
		    (v != 2017 && v != 2019 && v != 2024)) {
			*err = "Invalid election: use 2017, 2019 or 2024";
			return -1;
		}
		p->election = (int)v;
	}
	if (max_pct && *max_pct &&
	    (num_parse_double(max_pct, strlen(max_pct), 0, 100, &p->max_pct) || p->max_pct <= 0)) {
		*err = "Invalid max_majority_pct: use a number above 0 and at most 100";
		return -1;
	}
	if (party && *party) {
		if (party_code(party, strlen(party), p->party) || !party_name(p->party) ||
		    strcmp(p->party, "spk") == 0) {
			*err = "Unknown party code (e.g. lab, con, ld, snp, pc, green, ruk)";
			return -1;
		}
	}
	if (limit && *limit) {
		if (num_parse_long(limit, strlen(limit), 1, NEAREST_MAX_LIMIT, &v)) {
			*err = "Invalid limit: use a number from 1 to 100";
			return -1;
		}
		p->limit = (size_t)v;
	}
	return 0;
}

int nearest_params_rank(struct nearest_params *p, const char *rank, const char **err)
{
	if (!rank || !*rank || !strcmp(rank, "nearest")) {
		p->by_need = 0;
		return 0;
	}
	if (!strcmp(rank, "need")) {
		p->by_need = 1;
		return 0;
	}
	*err = "Invalid rank: use nearest or need";
	return -1;
}

struct seat_need {
	char seat[12];
	int target, priority;
	double goal, pledged;
	long going;
};

static struct seat_need *need_of(struct seat_need *v, size_t *n, size_t cap, const char *seat)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(v[i].seat, seat))
			return &v[i];
	if (*n == cap)
		return NULL;
	memset(&v[*n], 0, sizeof(v[0]));
	snprintf(v[*n].seat, sizeof(v[0].seat), "%s", seat);
	return &v[(*n)++];
}

/* Campaign targets and volunteers going, per 2024 seat, now. */
static size_t load_needs(struct db *db, struct seat_need *v, size_t cap)
{
	size_t n = 0;
	long long now = (long long)time(NULL);
	struct db_stmt *t = db_cached(
		db, "SELECT cs.seat, c.priority, c.goal_hours,"
		    " (SELECT coalesce(sum((s.ends_at - s.starts_at) / 3600.0), 0) FROM signups g"
		    "  JOIN slots s ON s.id = g.slot_id JOIN events e ON e.id = s.event_id"
		    "  JOIN campaign_seats x ON x.seat = e.seat AND x.campaign_id = c.id"
		    "  WHERE g.status = 'going' AND e.starts_at BETWEEN c.created_at AND c.deadline)"
		    " FROM campaigns c JOIN campaign_seats cs ON cs.campaign_id = c.id"
		    " WHERE c.deadline > ?");
	struct db_stmt *g = db_cached(db, "SELECT e.seat, count(*) FROM signups g"
					  " JOIN slots s ON s.id = g.slot_id JOIN events e ON e.id = s.event_id"
					  " WHERE g.status = 'going' AND e.starts_at > ? GROUP BY e.seat");
	if (t && db_bind_int(t, 1, now) == 0) {
		while (db_step(t) == DB_ROW) {
			struct seat_need *s = need_of(v, &n, cap, db_col_text(t, 0));
			if (!s)
				break;
			s->target = 1;
			if (db_col_int(t, 1) > s->priority)
				s->priority = (int)db_col_int(t, 1);
			s->goal += db_col_double(t, 2);
			s->pledged += db_col_double(t, 3);
		}
		db_reset(t);
	}
	if (g && db_bind_int(g, 1, now) == 0) {
		while (db_step(g) == DB_ROW) {
			struct seat_need *s = need_of(v, &n, cap, db_col_text(g, 0));
			if (!s)
				break;
			s->going = (long)db_col_int(g, 1);
		}
		db_reset(g);
	}
	return n;
}

/* The need of one candidate seat, from its result and what is planned there. */
static struct need_input need_of_hit(const struct marginal_hit *h, const struct nearest_params *p,
				     const struct seat_need *needs, size_t nn)
{
	struct need_input in = { h->r->majority_pct, p->max_pct, marginal_rank_km(h), 0, 0, 0, 0, 0 };
	for (size_t k = 0; k < nn; k++)
		if (!strcmp(needs[k].seat, h->r->seat->code)) {
			in.target = needs[k].target;
			in.priority = needs[k].priority;
			in.goal_hours = needs[k].goal;
			in.pledged_hours = needs[k].pledged;
			in.going = needs[k].going;
		}
	return in;
}

/* Re-ranks every candidate by need and keeps the best p->limit; the words
 * saying why are written for those kept only. */
static void rank_by_need(struct db *db, const struct nearest_params *p, struct nearest_answer *a,
			 const struct marginal_query *q)
{
	struct marginal_hit all[700];
	struct seat_need needs[1400];
	double scores[700];
	char why[256];
	struct marginal_query wide = *q;
	size_t nn = a->election->boundary_set == 2024 ? load_needs(db, needs, 1400) : 0;

	wide.limit = 700;
	size_t n = marginal_find(a->election, &wide, all);
	for (size_t i = 0; i < n; i++) {
		struct need_input in = need_of_hit(&all[i], p, needs, nn);
		scores[i] = need_score(&in, why, sizeof(why));
	}
	/* the best limit by score: a selection over at most 650 seats */
	a->n = 0;
	for (size_t out = 0; out < p->limit && out < n; out++) {
		size_t best = n;
		for (size_t i = 0; i < n; i++)
			if (scores[i] >= 0 && (best == n || scores[i] > scores[best]))
				best = i;
		if (best == n)
			break;
		struct need_input in = need_of_hit(&all[best], p, needs, nn);
		a->hits[out] = all[best];
		a->score[out] = need_score(&in, a->why[out], sizeof(a->why[0]));
		scores[best] = -1;
		a->n++;
	}
}

int nearest_run(struct db *ref, struct db *db, const struct seats *seats,
		const struct nearest_params *p, struct nearest_answer *a, const char **err)
{
	int found;

	memset(a, 0, sizeof(*a));
	a->election = seats_election(seats, p->election);
	if (!a->election || a->election->n == 0) {
		*err = "No results loaded for that election";
		return 500;
	}
	found = lookup_postcode_or_district(ref, &p->pc, &a->where);
	if (found == 1 && !a->where.positioned) {
		/* a postcode published without a position: place it at its district */
		struct pc_record exact = a->where;
		struct district d;
		if (lookup_district(ref, p->pc.outcode, &d) == 1 && d.positioned) {
			a->where.precision = PRECISION_DISTRICT;
			a->where.positioned = 1;
			a->where.lat = d.lat;
			a->where.lon = d.lon;
		} else {
			a->where = exact;
		}
		district_release(&d);
	}
	if (found < 0) {
		*err = "Lookup failed";
		return 500;
	}
	if (found == 0 || !a->where.positioned) {
		*err = "Postcode not found";
		return 404;
	}
	const char *own_code =
		a->election->boundary_set == 2024 ? a->where.pcon2024 : a->where.pcon2010;
	a->own = *own_code ? seats_find(seats, a->election->boundary_set, own_code) : NULL;
	struct marginal_query q = {
		.lat = a->where.lat,
		.lon = a->where.lon,
		.max_pct = p->max_pct,
		.party = *p->party ? p->party : NULL,
		.own_code = a->own ? a->own->code : NULL,
		.limit = p->limit,
	};
	q.travel = seats_travel_row(seats, travel_locate(&seats->grid, q.lat, q.lon, &q.cell_km));
	if (p->by_need)
		rank_by_need(db, p, a, &q);
	else
		a->n = marginal_find(a->election, &q, a->hits);
	return 200;
}

static void party_obj(struct jw *w, const char *code, const char *label, long votes)
{
	jw_obj(w);
	jw_key_str(w, "party", code);
	jw_key_str(w, "name", result_party_name(code, label));
	if (votes >= 0) {
		jw_key_int(w, "votes", votes);
	}
	jw_obj_end(w);
}

static long votes_of(const struct seat_result *r, const char *party)
{
	for (size_t i = 0; i < r->nvotes; i++)
		if (strcmp(r->votes[i].party, party) == 0)
			return r->votes[i].votes;
	return -1;
}

static void result_fields(struct jw *w, const struct seat_result *r)
{
	jw_key_str(w, "code", r->seat->code);
	jw_key_str(w, "name", r->seat->name);
	jw_key(w, "winner");
	party_obj(w, r->first, r->first_label, votes_of(r, r->first));
	jw_key(w, "runner_up");
	party_obj(w, r->second, r->second_label, votes_of(r, r->second));
	jw_key_int(w, "majority", r->majority);
	jw_key_num(w, "majority_pct", r->majority_pct, 2);
	jw_key_int(w, "electorate", r->electorate);
	jw_key_int(w, "valid_votes", r->valid);
	jw_key_num(w, "turnout_pct", r->turnout_pct, 2);
	jw_key_num(w, "latitude", r->seat->lat, 6);
	jw_key_num(w, "longitude", r->seat->lon, 6);
}

void seat_result_json_write(struct jw *w, const struct seat_result *r, int election)
{
	jw_obj(w);
	jw_key_int(w, "election", election);
	result_fields(w, r);
	jw_key_int(w, "boundary_set", r->seat->boundary_set);
	jw_key(w, "invalid_votes");
	if (r->invalid >= 0)
		jw_int(w, r->invalid);
	else
		jw_null(w);
	jw_key_str_or_null(w, "result", r->result);
	jw_key_str_or_null(w, "member", r->member);
	jw_key_str_or_null(w, "region", r->region);
	jw_key_str_or_null(w, "country", r->country);
	jw_key(w, "votes");
	jw_arr(w);
	for (size_t i = 0; i < r->nvotes; i++) {
		jw_obj(w);
		jw_key_str(w, "party", r->votes[i].party);
		jw_key_str(w, "name", result_party_name(r->votes[i].party, r->votes[i].party));
		jw_key_int(w, "votes", r->votes[i].votes);
		jw_key_num(w, "share_pct", 100.0 * (double)r->votes[i].votes / (double)r->valid, 2);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

void nearest_json_write(struct jw *w, const struct nearest_params *p,
			const struct nearest_answer *a)
{
	jw_obj(w);
	jw_key_str(w, "postcode", a->where.pc.display);
	jw_key_str(w, "precision",
		   a->where.precision == PRECISION_DISTRICT ? "district" : "postcode");
	jw_key_num(w, "latitude", a->where.lat, 6);
	jw_key_num(w, "longitude", a->where.lon, 6);
	jw_key_int(w, "election", p->election);
	jw_key_num(w, "max_majority_pct", p->max_pct, 3);
	jw_key_str_or_null(w, "party", *p->party ? p->party : NULL);
	jw_key_str(w, "rank", p->by_need ? "need" : "nearest");
	jw_key(w, "own_seat");
	if (a->own) {
		jw_obj(w);
		jw_key_str(w, "code", a->own->code);
		jw_key_str(w, "name", a->own->name);
		jw_obj_end(w);
	} else {
		jw_null(w);
	}
	jw_key(w, "marginals");
	jw_arr(w);
	for (size_t i = 0; i < a->n; i++) {
		const struct marginal_hit *h = &a->hits[i];
		jw_obj(w);
		result_fields(w, h->r);
		jw_key_num(w, "distance_km", h->km, 2);
		jw_key(w, "road_km");
		if (h->road_km >= 0)
			jw_num(w, h->road_km, 1);
		else
			jw_null(w);
		jw_key_bool(w, "own_seat", h->own);
		jw_key_str_or_null(w, "stance", stance_name(h->stance));
		if (p->by_need) {
			jw_key_num(w, "need_score", a->score[i], 4);
			jw_key_str(w, "why", a->why[i]);
		}
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}
