/* Marginal selection and ordering over a small synthetic election. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "seats/marginal.h"

static struct seat seats[6];
static struct seat_result results[6];
static struct election e = { 2024, 2024, 6, results };

static void add(int i, const char *code, double lat, double lon, const char *first,
		const char *second, long majority, long valid)
{
	snprintf(seats[i].code, sizeof(seats[i].code), "%s", code);
	seats[i].index = (size_t)i;
	seats[i].lat = lat;
	seats[i].lon = lon;
	results[i].seat = &seats[i];
	snprintf(results[i].first, sizeof(results[i].first), "%s", first);
	snprintf(results[i].second, sizeof(results[i].second), "%s", second);
	results[i].majority = majority;
	results[i].valid = valid;
	results[i].majority_pct = 100.0 * (double)majority / (double)valid;
}

static int setup(void **state)
{
	(void)state;
	add(0, "A", 52.0, -1.0, "lab", "con", 100, 40000); /* 0.25% */
	add(1, "B", 52.5, -1.0, "con", "lab", 1900, 40000); /* 4.75% */
	add(2, "C", 52.1, -1.0, "spk", "lab", 10, 40000);  /* Speaker: never */
	add(3, "D", 52.2, -1.0, "ld", "con", 2000, 40000);  /* exactly 5%: not under */
	add(4, "E", 51.0, -1.0, "con", "ld", 400, 40000);  /* 1% */
	add(5, "F", 52.05, -1.0, "snp", "lab", 30000, 40000); /* safe */
	return 0;
}

static void threshold_and_order(void **state)
{
	struct marginal_hit out[10];
	struct marginal_query q = { 52.0, -1.0, 5.0, NULL, "B", 10, NULL, 0 };
	(void)state;
	size_t n = marginal_find(&e, &q, out);
	assert_int_equal(n, 3);
	assert_string_equal(out[0].r->seat->code, "A");
	assert_true(out[0].km < 0.001);
	assert_string_equal(out[1].r->seat->code, "B");
	assert_true(out[1].own);
	assert_false(out[0].own);
	assert_string_equal(out[2].r->seat->code, "E");
	assert_true(out[1].km < out[2].km);
	assert_int_equal(out[0].stance, STANCE_NONE);
	/* a wider margin admits D (5%) but never the Speaker */
	q.max_pct = 5.01;
	assert_int_equal(marginal_find(&e, &q, out), 4);
	for (size_t i = 0; i < 4; i++)
		assert_string_not_equal(out[i].r->seat->code, "C");
}

static void party_and_limit(void **state)
{
	struct marginal_hit out[10];
	struct marginal_query q = { 51.0, -1.0, 5.0, "con", NULL, 10, NULL, 0 };
	(void)state;
	size_t n = marginal_find(&e, &q, out);
	assert_int_equal(n, 3);
	assert_string_equal(out[0].r->seat->code, "E");
	assert_int_equal(out[0].stance, STANCE_DEFEND);
	assert_string_equal(out[1].r->seat->code, "A");
	assert_int_equal(out[1].stance, STANCE_ATTACK);
	assert_int_equal(out[2].stance, STANCE_DEFEND);
	/* limit keeps the nearest, in order */
	q.limit = 1;
	assert_int_equal(marginal_find(&e, &q, out), 1);
	assert_string_equal(out[0].r->seat->code, "E");
	q.party = "green";
	q.limit = 10;
	assert_int_equal(marginal_find(&e, &q, out), 0);
}

/* With travel fields the road decides: B is 56 km off in a straight line
 * and E 111 km, but a field putting B 200 km away by land (a sea between)
 * and E 120 km ranks E first. */
static void road_over_straight_line(void **state)
{
	struct marginal_hit out[10];
	/* the volunteer's cell's row: tenths of a km to each seat by index */
	uint16_t row[6] = { 0, 2000, TRAVEL_UNREACHED, 0, 1200, TRAVEL_UNREACHED };
	struct marginal_query q = { 52.0, -1.0, 5.0, NULL, NULL, 10, row, 1.0 };
	(void)state;
	size_t n = marginal_find(&e, &q, out);
	assert_int_equal(n, 3);
	assert_string_equal(out[0].r->seat->code, "A");
	assert_string_equal(out[1].r->seat->code, "E");
	assert_string_equal(out[2].r->seat->code, "B");
	assert_true(out[1].km > out[2].km); /* the straight line said otherwise */
	/* (120 km + 1 km to the cell) by the road factor */
	assert_true(fabs(out[1].road_km - 121 * TRAVEL_ROAD_FACTOR) < 1e-9);
	/* never shorter than the straight line: A's 1 km to the cell is more
	 * than its 0 km, so the estimate stands; a cell no path reaches falls
	 * back to the straight line's estimate */
	assert_true(out[0].road_km >= out[0].km);
	row[1] = TRAVEL_UNREACHED;
	n = marginal_find(&e, &q, out);
	assert_string_equal(out[1].r->seat->code, "B");
	assert_true(out[1].road_km < 0);
	assert_true(fabs(marginal_rank_km(&out[1]) - out[1].km * TRAVEL_ROAD_FACTOR) < 1e-9);
	/* no cell for the volunteer: every seat by the straight line */
	row[1] = 2000;
	q.travel = NULL;
	n = marginal_find(&e, &q, out);
	assert_string_equal(out[1].r->seat->code, "B");
	assert_true(out[2].road_km < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(threshold_and_order),
		cmocka_unit_test(party_and_limit),
		cmocka_unit_test(road_over_straight_line),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
