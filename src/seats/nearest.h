/*
 * The "nearest marginals" question as API, page and CLI all ask it: the
 * inputs parsed and checked once, here, the same way for all three.
 */
#ifndef TURNOUT_NEAREST_H
#define TURNOUT_NEAREST_H

#include "db/db.h"
#include "postcodes/lookup.h"
#include "seats/marginal.h"
#include "seats/seats.h"
#include "util/jsonw.h"

#define NEAREST_DEFAULT_ELECTION 2024
#define NEAREST_DEFAULT_PCT 5.0
#define NEAREST_DEFAULT_LIMIT 10
#define NEAREST_MAX_LIMIT 100

struct nearest_params {
	struct postcode pc;
	int election;
	double max_pct;
	char party[PARTY_CODE_MAX]; /* "" for any party */
	size_t limit;
	int by_need; /* rank by "needs me most" (seats/need.h), not distance */
};

struct nearest_answer {
	struct pc_record where;
	const struct election *election;
	const struct seat *own; /* may be NULL (unplaced district) */
	size_t n;
	struct marginal_hit hits[NEAREST_MAX_LIMIT];
	double score[NEAREST_MAX_LIMIT]; /* by_need only */
	char why[NEAREST_MAX_LIMIT][256];
};

/*
 * Fills p from text inputs, NULL meaning "use the default"; 0, or -1 with
 * *err a message fit for the user (HTTP 400).
 */
int nearest_params_parse(struct nearest_params *p, const char *postcode, const char *election,
			 const char *max_pct, const char *party, const char *limit,
			 const char **err);
/* "nearest" (default) or "need"; 0, or -1 with *err. */
int nearest_params_rank(struct nearest_params *p, const char *rank, const char **err);
/*
 * Answers the question; returns 200, or 404/500 with *err set.  An unknown
 * well-formed postcode is placed at its district (where.precision says so).
 * The postcode is read from ref (the reference data), ranking by need from
 * db (campaigns and sign-ups); they may be one connection.
 */
int nearest_run(struct db *ref, struct db *db, const struct seats *seats,
		const struct nearest_params *p, struct nearest_answer *a, const char **err);
/* {"postcode":…, "marginals":[…]} as the API answers it. */
void nearest_json_write(struct jw *w, const struct nearest_params *p,
			const struct nearest_answer *a);
/* One seat's result with votes by party. */
void seat_result_json_write(struct jw *w, const struct seat_result *r, int election);

#endif
