#include "seats/nearest.h"

#include <string.h>

#include "util/num.h"

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

int nearest_run(struct db *db, const struct seats *seats, const struct nearest_params *p,
		struct nearest_answer *a, const char **err)
{
	int found;

	memset(a, 0, sizeof(*a));
	a->election = seats_election(seats, p->election);
	if (!a->election || a->election->n == 0) {
		*err = "No results loaded for that election";
		return 500;
	}
	found = lookup_postcode_or_district(db, &p->pc, &a->where);
	if (found == 1 && !a->where.positioned) {
		/* a postcode published without a position: place it at its district */
		struct pc_record exact = a->where;
		struct district d;
		if (lookup_district(db, p->pc.outcode, &d) == 1 && d.positioned) {
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
	a->n = marginal_find(a->election, &q, a->hits);
	return 200;
}

static void party_obj(struct jw *w, const char *code, const char *label, long votes)
{
	jw_obj(w);
	jw_key(w, "party");
	jw_str(w, code);
	jw_key(w, "name");
	jw_str(w, result_party_name(code, label));
	if (votes >= 0) {
		jw_key(w, "votes");
		jw_int(w, votes);
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
	jw_key(w, "code");
	jw_str(w, r->seat->code);
	jw_key(w, "name");
	jw_str(w, r->seat->name);
	jw_key(w, "winner");
	party_obj(w, r->first, r->first_label, votes_of(r, r->first));
	jw_key(w, "runner_up");
	party_obj(w, r->second, r->second_label, votes_of(r, r->second));
	jw_key(w, "majority");
	jw_int(w, r->majority);
	jw_key(w, "majority_pct");
	jw_num(w, r->majority_pct, 2);
	jw_key(w, "electorate");
	jw_int(w, r->electorate);
	jw_key(w, "valid_votes");
	jw_int(w, r->valid);
	jw_key(w, "turnout_pct");
	jw_num(w, r->turnout_pct, 2);
	jw_key(w, "latitude");
	jw_num(w, r->seat->lat, 6);
	jw_key(w, "longitude");
	jw_num(w, r->seat->lon, 6);
}

void seat_result_json_write(struct jw *w, const struct seat_result *r, int election)
{
	jw_obj(w);
	jw_key(w, "election");
	jw_int(w, election);
	result_fields(w, r);
	jw_key(w, "boundary_set");
	jw_int(w, r->seat->boundary_set);
	jw_key(w, "invalid_votes");
	if (r->invalid >= 0)
		jw_int(w, r->invalid);
	else
		jw_null(w);
	jw_key(w, "result");
	jw_str_or_null(w, r->result);
	jw_key(w, "member");
	jw_str_or_null(w, r->member);
	jw_key(w, "region");
	jw_str_or_null(w, r->region);
	jw_key(w, "country");
	jw_str_or_null(w, r->country);
	jw_key(w, "votes");
	jw_arr(w);
	for (size_t i = 0; i < r->nvotes; i++) {
		jw_obj(w);
		jw_key(w, "party");
		jw_str(w, r->votes[i].party);
		jw_key(w, "name");
		jw_str(w, result_party_name(r->votes[i].party, r->votes[i].party));
		jw_key(w, "votes");
		jw_int(w, r->votes[i].votes);
		jw_key(w, "share_pct");
		jw_num(w, 100.0 * (double)r->votes[i].votes / (double)r->valid, 2);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

void nearest_json_write(struct jw *w, const struct nearest_params *p,
			const struct nearest_answer *a)
{
	jw_obj(w);
	jw_key(w, "postcode");
	jw_str(w, a->where.pc.display);
	jw_key(w, "precision");
	jw_str(w, a->where.precision == PRECISION_DISTRICT ? "district" : "postcode");
	jw_key(w, "latitude");
	jw_num(w, a->where.lat, 6);
	jw_key(w, "longitude");
	jw_num(w, a->where.lon, 6);
	jw_key(w, "election");
	jw_int(w, p->election);
	jw_key(w, "max_majority_pct");
	jw_num(w, p->max_pct, 3);
	jw_key(w, "party");
	jw_str_or_null(w, *p->party ? p->party : NULL);
	jw_key(w, "own_seat");
	if (a->own) {
		jw_obj(w);
		jw_key(w, "code");
		jw_str(w, a->own->code);
		jw_key(w, "name");
		jw_str(w, a->own->name);
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
		jw_key(w, "distance_km");
		jw_num(w, h->km, 2);
		jw_key(w, "own_seat");
		jw_bool(w, h->own);
		jw_key(w, "stance");
		jw_str_or_null(w, stance_name(h->stance));
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}
