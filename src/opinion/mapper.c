#include "opinion/mapper.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "opinion/map.h"
#include "opinion/store.h"
#include "util/log.h"
#include "util/mem.h"

#define MAPS_PER_PASS 64

/* The votes as read, before they are numbered for the maths. */
struct reading {
	long *stmt_ids;
	size_t nstmt, stmt_cap;
	long *people; /* ascending: the store reads by person */
	size_t npeople, people_cap;
	struct opinion_vote *votes;
	size_t nvotes, votes_cap;
};

static void stmt_id(const struct statement *s, void *arg)
{
	struct reading *r = arg;
	xgrow(&r->stmt_ids, &r->stmt_cap, r->nstmt + 1, sizeof(long));
	r->stmt_ids[r->nstmt++] = s->id;
}

static void vote_row(long person, long statement, int vote, long long at, void *arg)
{
	struct reading *r = arg;
	(void)at;
	int j = opinion_index(r->stmt_ids, (int)r->nstmt, statement);
	if (j < 0)
		return; /* approved after the list was read */
	if (!r->npeople || r->people[r->npeople - 1] != person) {
		xgrow(&r->people, &r->people_cap, r->npeople + 1, sizeof(long));
		r->people[r->npeople++] = person;
	}
	xgrow(&r->votes, &r->votes_cap, r->nvotes + 1, sizeof(*r->votes));
	r->votes[r->nvotes++] = (struct opinion_vote){ (int)r->npeople - 1, j, vote };
}

/* The last run's state, its components realigned to today's statements
 * (a statement new since then starts at 0). */
static void state_load(const char *json, const struct reading *r, struct opinion_state *st)
{
	json_t *j = json ? json_loads(json, 0, NULL) : NULL;
	json_t *ids = json_object_get(j, "statements"), *comp = json_object_get(j, "comp");
	json_t *centres = json_object_get(j, "centres");

	opinion_state_init(st);
	if (!j)
		return;
	st->k = (int)json_integer_value(json_object_get(j, "k"));
	st->challenger = (int)json_integer_value(json_object_get(j, "challenger"));
	st->streak = (int)json_integer_value(json_object_get(j, "streak"));
	if (st->k < 0 || st->k > OPINION_K_MAX || json_array_size(centres) != (size_t)st->k)
		st->k = 0;
	for (int c = 0; c < st->k; c++)
		for (int d = 0; d < 2; d++)
			st->centre[c][d] = json_real_value(
			    json_array_get(json_array_get(centres, (size_t)c), (size_t)d));
	if (r->nstmt && json_array_size(comp) == 2) {
		st->statements = (int)r->nstmt;
		for (int c = 0; c < 2; c++) {
			json_t *v = json_array_get(comp, (size_t)c);
			st->comp[c] = xcalloc(r->nstmt, sizeof(double));
			for (size_t i = 0; i < json_array_size(ids) && i < json_array_size(v);
			     i++) {
				int at =
				    opinion_index(r->stmt_ids, (int)r->nstmt,
						  (long)json_integer_value(json_array_get(ids, i)));
				if (at >= 0)
					st->comp[c][at] = json_real_value(json_array_get(v, i));
			}
		}
	}
	json_decref(j);
}

static json_t *state_json(const struct opinion_state *st, const struct reading *r)
{
	json_t *ids = json_array(), *comp = json_array(), *centres = json_array();
	for (size_t i = 0; i < r->nstmt; i++)
		json_array_append_new(ids, json_integer(r->stmt_ids[i]));
	for (int c = 0; c < 2 && st->comp[c]; c++) {
		json_t *v = json_array();
		for (int i = 0; i < st->statements; i++)
			json_array_append_new(v, json_real(st->comp[c][i]));
		json_array_append_new(comp, v);
	}
	for (int c = 0; c < st->k; c++)
		json_array_append_new(centres,
				      json_pack("[f, f]", st->centre[c][0], st->centre[c][1]));
	return json_pack("{s:i, s:i, s:i, s:o, s:o, s:o}", "k", st->k, "challenger", st->challenger,
			 "streak", st->streak, "centres", centres, "statements", ids, "comp", comp);
}

static json_t *rep_json(const struct reading *r, const struct opinion_rep *rep)
{
	return json_pack("{s:I, s:b, s:f, s:f}", "statement",
			 (json_int_t)r->stmt_ids[rep->statement], "agree", rep->agree, "p", rep->p,
			 "ratio", rep->ratio);
}

/*
 * The picture the map page draws:
 *   {"k", "placed", "voters", "silhouette",
 *    "people": {"<person id>": [x, y, group], …}   (group −1: not grouped)
 *    "groups": [{"size", "rep": [{"statement", "agree", "p", "ratio"}, …]}, …],
 *    "consensus": [{"statement", "agree", "p"}, …]}
 * Only placed members are in it; person ids never leave the server (the
 * page marks the viewer's own dot and no other).
 */
static json_t *body_json(const struct opinion_map *m, const struct reading *r)
{
	json_t *people = json_object(), *groups = json_array(), *consensus = json_array();
	char id[24];

	for (int i = 0; i < m->members; i++) {
		if (!m->on_map[i])
			continue;
		snprintf(id, sizeof(id), "%ld", r->people[i]);
		json_object_set_new(
		    people, id,
		    json_pack("[f, f, i]", m->point[i][0], m->point[i][1], m->group[i]));
	}
	for (int g = 0; g < m->k; g++) {
		json_t *rep = json_array();
		for (int k = 0; k < m->nrep[g]; k++)
			json_array_append_new(rep, rep_json(r, &m->rep[g][k]));
		json_array_append_new(
		    groups, json_pack("{s:i, s:o}", "size", m->group_size[g], "rep", rep));
	}
	for (int k = 0; k < m->nconsensus; k++)
		json_array_append_new(consensus, rep_json(r, &m->consensus[k]));
	return json_pack("{s:i, s:i, s:i, s:f, s:o, s:o, s:o}", "k", m->k, "placed", m->placed,
			 "voters", m->members, "silhouette", m->silhouette, "people", people,
			 "groups", groups, "consensus", consensus);
}

int opinion_map_refresh(struct db *db, long conversation_id, long long now)
{
	struct reading r = { 0 };
	struct opinion_state st;
	struct opinion_map m;
	struct opinion_map_row row, old;
	char *old_body = NULL, *old_state = NULL;
	int rc = -1;

	long version = opinion_votes_version(db, conversation_id);
	if (version < 0)
		return 0;
	if (statements_each(db, conversation_id, ST_APPROVED, stmt_id, &r) < 0 ||
	    opinion_votes_each(db, conversation_id, vote_row, &r) < 0)
		goto done;
	int had = opinion_map_get(db, conversation_id, &old, &old_body, &old_state);
	if (had < 0)
		goto done;
	state_load(had ? old_state : NULL, &r, &st);
	struct opinion_input in = { (int)r.npeople, (int)r.nstmt, r.votes, r.nvotes };
	opinion_map_compute(&in, &st, &m);

	json_t *body = body_json(&m, &r), *state = state_json(&st, &r);
	char *body_s = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(6));
	char *state_s = json_dumps(state, JSON_COMPACT | JSON_REAL_PRECISION(9));
	row = (struct opinion_map_row){ conversation_id, version, m.k, m.placed, now,
					body_s,		 state_s };
	double *spread = xmalloc((r.nstmt + 1) * sizeof(double));
	for (size_t i = 0; i < r.nstmt; i++)
		spread[i] = m.spread[i];
	rc = opinion_map_put(db, &row, r.stmt_ids, spread, (long)r.nstmt, m.k > 0) ? -1 : 1;
	free(spread);
	free(body_s);
	free(state_s);
	json_decref(body);
	json_decref(state);
	opinion_map_release(&m);
	opinion_state_release(&st);
done:
	free(old_body);
	free(old_state);
	free(r.stmt_ids);
	free(r.people);
	free(r.votes);
	return rc;
}

long opinion_maps_refresh(struct db *db, long long now)
{
	long ids[MAPS_PER_PASS], done = 0;
	long n = opinion_maps_due(db, ids, MAPS_PER_PASS);

	for (long i = 0; i < n; i++) {
		if (opinion_map_refresh(db, ids[i], now) < 0) {
			log_error("opinion map %ld not computed: %s", ids[i], db_errmsg(db));
			return -1;
		}
		done++;
	}
	return n < 0 ? -1 : done;
}

static void mapper_tick(void *arg)
{
	struct opinion_mapper *m = arg;
	char err[256];

	if (!m->db && db_open(&m->db, m->db_path, 0, err, sizeof(err))) {
		log_error("opinion maps: %s", err);
		m->db = NULL;
		return;
	}
	/* one node at a time recomputes the maps */
	if (db_lock(m->db, "opinion maps") == 1) {
		opinion_maps_refresh(m->db, (long long)time(NULL));
		db_unlock(m->db, "opinion maps");
	}
}

static void mapper_done(void *arg)
{
	struct opinion_mapper *m = arg;
	db_close(m->db);
	m->db = NULL;
}

int opinion_mapper_start(struct opinion_mapper *m, const char *db_path)
{
	snprintf(m->db_path, sizeof(m->db_path), "%s", db_path);
	m->db = NULL;
	return ticker_start(&m->ticker, "TURNOUT_MAP_INTERVAL", 2, 3600, mapper_tick, mapper_done,
			    m);
}

void opinion_mapper_stop(struct opinion_mapper *m)
{
	ticker_stop(&m->ticker);
}
