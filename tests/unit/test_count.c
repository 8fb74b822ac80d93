/*
 * Counting: the Scottish STV rule against every real ward election in
 * tests/fixtures/elections (each stage's totals, to five decimals, the
 * order of election, the votes lost), IRV, ties, and bad ballot files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "count/ballots.h"
#include "count/report.h"
#include "count/stv.h"
#include "util/buf.h"
#include "util/file.h"

/* Our report of a BLT text, as JSON. */
static json_t *count_text(const char *blt, enum count_rule rule)
{
	struct ballots b;
	struct count_result r;
	struct buf out;
	char err[256];

	if (blt_parse(blt, strlen(blt), &b, err, sizeof(err)))
		fail_msg("parse: %s", err);
	if (count_run(&b, rule, &r, err, sizeof(err)))
		fail_msg("count: %s", err);
	buf_init(&out, 64u << 20);
	count_report_json(&b, &r, &out);
	json_t *j = json_loadb(out.p, out.len, 0, NULL);
	assert_non_null(j);
	buf_release(&out);
	count_release(&r);
	ballots_release(&b);
	return j;
}

static void same(const json_t *want, const json_t *got, const char *file, const char *what)
{
	if (!json_equal(want, got)) {
		char *a = json_dumps(want, JSON_COMPACT), *b = json_dumps(got, JSON_COMPACT);
		fail_msg("%s: %s differs:\n  want %.600s\n  got  %.600s", file, what, a,
			 b ? b : "null");
	}
}

static void folder(const char *dir, int *counted)
{
	char path[512];
	json_error_t je;
	struct buf text;
	char err[256];

	snprintf(path, sizeof(path), "tests/fixtures/elections/%s/expected.json", dir);
	json_t *all = json_load_file(path, 0, &je);
	assert_non_null(all);
	const char *file;
	json_t *want;
	json_object_foreach(json_object_get(all, "elections"), file, want)
	{
		snprintf(path, sizeof(path), "tests/fixtures/elections/%s/%s", dir, file);
		buf_init(&text, 16u << 20);
		if (file_read_all(path, &text, err, sizeof(err)))
			fail_msg("%s: %s", path, err);
		buf_putc(&text, '\0');
		json_t *got = count_text(text.p, RULE_SCOTTISH);
		static const char *const keys[] = { "seats",
						    "valid_votes",
						    "quota",
						    "elected",
						    "elected_without_quota",
						    "excluded",
						    "final_totals",
						    "final_non_transferable",
						    "final_loss_fractions",
						    "n_stages" };
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			same(json_object_get(want, keys[k]), json_object_get(got, keys[k]), file,
			     keys[k]);
		size_t i;
		json_t *ws;
		json_array_foreach(json_object_get(want, "stages"), i, ws)
		{
			json_t *gs = json_array_get(json_object_get(got, "stages"), i);
			char what[64];
			static const char *const sk[] = { "action",	    "candidate",
							  "totals",	    "non_transferable",
							  "loss_fractions", "elected" };
			for (size_t k = 0; k < sizeof(sk) / sizeof(sk[0]); k++) {
				snprintf(what, sizeof(what), "stage %zu %s", i + 1, sk[k]);
				same(json_object_get(ws, sk[k]), json_object_get(gs, sk[k]), file,
				     what);
			}
			if (json_object_get(ws, "surplus"))
				same(json_object_get(ws, "surplus"), json_object_get(gs, "surplus"),
				     file, "surplus");
		}
		json_decref(got);
		buf_release(&text);
		(*counted)++;
	}
	json_decref(all);
}

static void scottish_reference_elections(void **state)
{
	int n = 0;
	(void)state;
	folder("glasgow2007", &n);
	assert_int_equal(n, 21);
	folder("scotland-sample", &n);
	assert_int_equal(n, 21 + 60);
}

/* A small count worked by hand: 3 candidates, 1 seat, no one over half. */
static void irv_by_hand(void **state)
{
	(void)state;
	/* A 4, B 3, C 2 (C's go 1 to A, 1 to B): A 5 of 9 wins at stage 2 */
	json_t *j = count_text(
	    "3 1\n4 1 0\n3 2 0\n1 3 1 0\n1 3 2 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n", RULE_IRV);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "elected"), 0)),
			    "A");
	assert_true(json_is_null(json_object_get(j, "quota")));
	assert_int_equal(json_integer_value(json_object_get(j, "n_stages")), 2);
	json_t *last = json_array_get(json_object_get(j, "stages"), 1);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(last, "totals"), "A")), "5");
	assert_string_equal(json_string_value(json_object_get(last, "candidate")), "C");
	json_decref(j);
	/* a first-round majority: one stage */
	j = count_text("2 1\n5 1 0\n4 2 0\n0\n\"A\"\n\"B\"\n\"T\"\n", RULE_IRV);
	assert_int_equal(json_integer_value(json_object_get(j, "n_stages")), 1);
	json_decref(j);
	/* exactly half is not a majority; exhausted ballots leave the count */
	j = count_text("3 1\n2 1 0\n2 2 0\n1 3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n", RULE_IRV);
	json_t *s2 = json_array_get(json_object_get(j, "stages"), 1);
	assert_string_equal(json_string_value(json_object_get(s2, "non_transferable")), "1");
	/* A and B tie at 2 with nothing earlier to tell them apart: lot, the first listed goes */
	json_t *s3 = json_array_get(json_object_get(j, "stages"), 2);
	assert_string_equal(json_string_value(json_object_get(s3, "candidate")), "A");
	assert_string_equal(json_string_value(json_object_get(s3, "tie_broken_by")), "lot");
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "elected"), 0)),
			    "B");
	json_decref(j);
}

/* Ties for last place broken by the most recent stage at which they differed. */
static void tie_broken_by_an_earlier_stage(void **state)
{
	(void)state;
	/*
	 * 4 candidates, 1 seat (IRV).  Stage 1: A 6, B 4, C 3, D 2.  D's two go to
	 * C: stage 2 B 4, C 5.  Then B is lowest... make B and C equal instead:
	 * D's 1 to C and 1 exhausted: B 4, C 4 at stage 2; at stage 1 C had 3 < B 4,
	 * so C goes, by the earlier stage.
	 */
	json_t *j = count_text("4 1\n6 1 0\n4 2 0\n3 3 0\n1 4 3 0\n1 4 0\n0\n"
			       "\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"T\"\n",
			       RULE_IRV);
	json_t *s3 = json_array_get(json_object_get(j, "stages"), 2);
	assert_string_equal(json_string_value(json_object_get(s3, "candidate")), "C");
	assert_string_equal(json_string_value(json_object_get(s3, "tie_broken_by")),
			    "earlier_stage");
	json_decref(j);
}

/* The block vote: each ballot's first `seats` preferences count one each;
 * with one seat it is first past the post. */
static void block_and_fptp(void **state)
{
	(void)state;
	/* A 3, B 3 + 2 = 5, C 2 + 1 = 3: B, then A and C tie: by lot, A */
	json_t *j =
	    count_text("3 2\n3 1 2 0\n2 2 3 0\n1 3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n", RULE_BLOCK);
	json_t *el = json_object_get(j, "elected");
	assert_int_equal(json_array_size(el), 2);
	assert_string_equal(json_string_value(json_array_get(el, 0)), "B");
	assert_string_equal(json_string_value(json_array_get(el, 1)), "A");
	json_t *s1 = json_array_get(json_object_get(j, "stages"), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(s1, "totals"), "B")),
			    "5");
	assert_string_equal(json_string_value(json_object_get(s1, "tie_broken_by")), "lot");
	assert_int_equal(json_integer_value(json_object_get(j, "n_stages")), 1);
	assert_true(json_is_null(json_object_get(j, "quota")));
	json_decref(j);
	/* first past the post: only the first preference counts */
	j = count_text("3 1\n4 1 2 0\n5 2 0\n2 3 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n", RULE_BLOCK);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "elected"), 0)),
			    "B");
	json_t *t = json_object_get(json_array_get(json_object_get(j, "stages"), 0), "totals");
	assert_string_equal(json_string_value(json_object_get(t, "A")), "4");
	assert_string_equal(json_string_value(json_object_get(t, "C")), "2");
	json_decref(j);
	enum count_rule rule;
	assert_int_equal(count_rule_parse("block", &rule), 0);
	assert_int_equal(rule, RULE_BLOCK);
	assert_int_equal(count_rule_parse("borda", &rule), -1);
}

static void bad_files(void **state)
{
	struct ballots b;
	char err[256];
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "", "empty" },
		{ "3\n", "number of candidates" },
		{ "2 1\n1 1 1 0\n0\n\"A\"\n\"B\"\n\"T\"\n", "ranked twice" },
		{ "2 1\n1 1 3 0\n0\n\"A\"\n\"B\"\n\"T\"\n", "candidate 3 is not one of" },
		{ "2 1\n1 1=2 0\n0\n\"A\"\n\"B\"\n\"T\"\n", "equal rankings" },
		{ "2 1\n1 1 2\n0\n\"A\"\n\"B\"\n\"T\"\n", "final 0" },
		{ "2 1\n1 1 0\n\"A\"\n\"B\"\n\"T\"\n", "expected a ballot line" },
		{ "2 1\n1 1 0\n0\n\"A\"\n\"T\"\n", "2 candidate names" },
		{ "2 1\n1 1 0\n0\nA\n\"B\"\n\"T\"\n", "quoted name" },
		{ "2 3\n1 1 0\n0\n\"A\"\n\"B\"\n\"T\"\n", "2 candidates standing for 3 seats" },
		{ "2 2\n-1\n1 1 0\n0\n\"A\"\n\"B\"\n\"T\"\n", "1 candidates standing" },
		{ "2 1\n1 1 0\n0\n\"A\"\n\"B\"\n\"T\"\nmore\n", "more after the title" },
		{ "2 1\n[tie 2 1]\n1 1 0\n0\n\"A\"\n\"B\"\n\"T\"\n", "options are not read" },
		{ "2 1\n1.5 1 0\n0\n\"A\"\n\"B\"\n\"T\"\n", "expected a ballot line" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(blt_parse(bad[i].text, strlen(bad[i].text), &b, err, sizeof(err)),
				 -1);
		if (!strstr(err, bad[i].why))
			fail_msg("case %zu: \"%s\" does not say \"%s\"", i, err, bad[i].why);
		assert_null(b.names);
	}
	/* a withdrawn candidate takes no part: ballots skip it */
	const char *w = "3 1\n-2\n3 2 1 0\n2 3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n";
	json_t *j = count_text(w, RULE_IRV);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "withdrawn"), 0)),
			    "B");
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "elected"), 0)),
			    "A");
	json_decref(j);
	/* IRV is for one seat */
	struct count_result r;
	const char *two = "3 2\n1 1 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n";
	assert_int_equal(blt_parse(two, strlen(two), &b, err, sizeof(err)), 0);
	assert_int_equal(count_run(&b, RULE_IRV, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "one seat"));
	ballots_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scottish_reference_elections),
		cmocka_unit_test(irv_by_hand),
		cmocka_unit_test(tie_broken_by_an_earlier_stage),
		cmocka_unit_test(block_and_fptp),
		cmocka_unit_test(bad_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
