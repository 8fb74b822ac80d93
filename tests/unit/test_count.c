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

/* Our report of a BLT text counted under rules, as JSON. */
static json_t *count_with(const char *blt, const struct count_rules *rules)
{
	struct ballots b;
	struct count_result r;
	struct buf out;
	char err[256];

	if (blt_parse(blt, strlen(blt), &b, err, sizeof(err)))
		fail_msg("parse: %s", err);
	if (count_run(&b, rules, &r, err, sizeof(err)))
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

static json_t *count_text(const char *blt, enum count_rule rule)
{
	return count_with(blt, &(struct count_rules){ .rule = rule });
}

/* The string at stages[stage - 1].totals[name], or .key when name is NULL. */
static const char *at(const json_t *j, int stage, const char *key, const char *name)
{
	json_t *s = json_array_get(json_object_get(j, "stages"), (size_t)stage - 1);
	json_t *v = name ? json_object_get(json_object_get(s, "totals"), name)
			 : json_object_get(s, key);
	return json_string_value(v);
}

static const char *elected(const json_t *j, size_t i)
{
	return json_string_value(json_array_get(json_object_get(j, "elected"), i));
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
		/* the quota is a decimal string at the rule's precision */
		char quota[32];
		snprintf(quota, sizeof(quota), "%lld.00000",
			 (long long)json_integer_value(json_object_get(want, "quota")));
		assert_string_equal(json_string_value(json_object_get(got, "quota")), quota);
		static const char *const keys[] = { "seats",
						    "valid_votes",
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
	assert_int_equal(count_run(&b, &(struct count_rules){ .rule = RULE_IRV }, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "one seat"));
	ballots_release(&b);
}

/*
 * ERS97 worked by hand.  3 seats, 100 papers: the quota is 100 / 4 = 25.00
 * exactly.  A's surplus of 5 goes on at 5 / 30 = 0.1666 -> 0.16 a paper
 * (0.20 lost).  F goes; his 8 papers elect C with a surplus of 7.80, and
 * only that last batch passes it on: it names no one after C, so the 7.80
 * is non-transferable (Scottish WIG would have sent most of it to E from
 * C's own first preferences).  E goes, leaving B with 20 of the 32 active
 * votes, over 32 / 2: elected without reaching the quota.
 */
static void ers97_by_hand(void **state)
{
	(void)state;
	json_t *j = count_text("6 3\n30 1 3 0\n20 2 4 0\n20 3 5 0\n12 4 0\n10 5 0\n8 6 3 0\n0\n"
			       "\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"E\"\n\"F\"\n\"T\"\n",
			       RULE_ERS97);
	assert_string_equal(json_string_value(json_object_get(j, "quota")), "25.00");
	assert_string_equal(at(j, 2, "surplus", NULL), "5.00");
	assert_string_equal(at(j, 2, NULL, "C"), "24.80");
	assert_string_equal(at(j, 2, "loss_fractions", NULL), "0.20");
	assert_string_equal(at(j, 3, "candidate", NULL), "F");
	assert_string_equal(at(j, 3, NULL, "C"), "32.80");
	assert_string_equal(at(j, 4, "surplus", NULL), "7.80");
	assert_string_equal(at(j, 4, NULL, "E"), "10.00");
	assert_string_equal(at(j, 4, "non_transferable", NULL), "7.80");
	assert_string_equal(at(j, 5, "candidate", NULL), "E");
	assert_string_equal(at(j, 5, "non_transferable", NULL), "17.80");
	assert_string_equal(elected(j, 0), "A");
	assert_string_equal(elected(j, 1), "C");
	assert_string_equal(elected(j, 2), "B");
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(j, "elected_without_quota"), 0)), "B");
	json_decref(j);

	/*
	 * 2 seats, quota 100 / 3 = 33.333 -> 33.34.  A's surplus of 16.66 goes
	 * on at 0.33 (0.16 lost).  Then D (5) and E (10) go together: 15 is
	 * no more than C's 23.30, and both are excluded in one stage.  C,
	 * 28.30 of the 56.50 active, passes 56.50 / 2 and is elected.
	 */
	j = count_text("5 2\n40 1 2 0\n10 1 3 0\n15 2 0\n20 3 0\n5 4 3 0\n6 5 4 0\n4 5 0\n0\n"
		       "\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"E\"\n\"T\"\n",
		       RULE_ERS97);
	assert_string_equal(json_string_value(json_object_get(j, "quota")), "33.34");
	assert_string_equal(at(j, 2, NULL, "B"), "28.20");
	assert_string_equal(at(j, 2, "loss_fractions", NULL), "0.16");
	json_t *ex = json_object_get(json_array_get(json_object_get(j, "stages"), 2), "excluded");
	assert_int_equal(json_array_size(ex), 2);
	assert_string_equal(json_string_value(json_array_get(ex, 0)), "D");
	assert_string_equal(json_string_value(json_array_get(ex, 1)), "E");
	assert_string_equal(at(j, 3, NULL, "C"), "28.30");
	assert_string_equal(elected(j, 1), "C");
	json_decref(j);

	/*
	 * A deferred surplus: A's 1.66 cannot lift D (3) past E (10), so D and
	 * E (13, with 1.66 no more than B's 25) are excluded first, and E's
	 * papers elect B.
	 */
	j = count_text("5 2\n35 1 2 0\n25 2 0\n27 3 0\n3 4 1 3 0\n10 5 2 0\n0\n"
		       "\"A\"\n\"B\"\n\"C\"\n\"D\"\n\"E\"\n\"T\"\n",
		       RULE_ERS97);
	assert_string_equal(at(j, 2, "action", NULL), "exclude");
	assert_string_equal(at(j, 2, "surplus_deferred", NULL), "1.66");
	assert_string_equal(at(j, 2, NULL, "C"), "30.00");
	assert_string_equal(elected(j, 1), "B");
	assert_int_equal(json_integer_value(json_object_get(j, "n_stages")), 2);
	json_decref(j);
}

/*
 * Meek worked by hand (the PR Foundation rule's own arithmetic): 2 seats,
 * 9 papers, quota 9 / 3 + 10^-9.  Castor (5) is elected; iterating his
 * keep value down to 0.600000001 leaves him 3.000000005 and passes
 * 1.999999995 to Pollux; the surplus, 0.000000004, is under omega, so
 * Pollux, lowest, is defeated and Helen elected to the last seat.
 */
static void meek_by_hand(void **state)
{
	(void)state;
	json_t *j = count_text("3 2\n5 1 2 0\n1 2 0\n3 3 0\n0\n\"Castor\"\n\"Pollux\"\n\"Helen\"\n"
			       "\"T\"\n",
			       RULE_MEEK);
	assert_string_equal(at(j, 1, "quota", NULL), "3.000000001");
	assert_string_equal(at(j, 2, NULL, "Castor"), "3.000000005");
	assert_string_equal(at(j, 2, NULL, "Pollux"), "2.999999995");
	assert_string_equal(at(j, 3, "candidate", NULL), "Pollux");
	assert_string_equal(at(j, 3, "non_transferable", NULL), "2.999999995");
	assert_string_equal(elected(j, 0), "Castor");
	assert_string_equal(elected(j, 1), "Helen");
	assert_int_equal(json_integer_value(json_object_get(j, "decimals")), 9);
	json_decref(j);
}

/* Every stage of every count of the 81 real elections accounts for every
 * vote: totals, plus the non-transferable and the fractions lost, make the
 * valid vote exactly, under each STV rule. */
static void all_rules_keep_every_vote(void **state)
{
	static const enum count_rule rules[] = { RULE_SCOTTISH, RULE_ERS97, RULE_MEEK };
	static const char *const dirs[] = { "glasgow2007", "scotland-sample" };
	char err[256], path[512];
	int counted = 0;
	(void)state;
	for (size_t d = 0; d < 2; d++) {
		snprintf(path, sizeof(path), "tests/fixtures/elections/%s/expected.json", dirs[d]);
		json_t *all = json_load_file(path, 0, NULL);
		const char *file;
		json_t *want;
		assert_non_null(all);
		json_object_foreach(json_object_get(all, "elections"), file, want)
		{
			struct buf text;
			snprintf(path, sizeof(path), "tests/fixtures/elections/%s/%s", dirs[d], file);
			buf_init(&text, 16u << 20);
			if (file_read_all(path, &text, err, sizeof(err)))
				fail_msg("%s: %s", path, err);
			for (size_t k = 0; k < sizeof(rules) / sizeof(rules[0]); k++) {
				struct ballots b;
				struct count_result r;
				assert_int_equal(blt_parse(text.p, text.len, &b, err, sizeof(err)), 0);
				assert_int_equal(count_run(&b, &(struct count_rules){ .rule = rules[k] },
							   &r, err, sizeof(err)),
						 0);
				assert_int_equal(r.nelected, b.seats);
				for (int s = 0; s < r.nstages; s++) {
					int64_t sum = r.stages[s].non_transferable + r.stages[s].loss;
					for (int i = 0; i < b.ncand; i++)
						sum += r.stages[s].totals[i];
					if (sum != (int64_t)b.papers * r.unit)
						fail_msg("%s %s stage %d: %lld units, not %lld", file,
							 count_rule_name(rules[k]), s + 1,
							 (long long)sum,
							 (long long)b.papers * r.unit);
					/* ERS97 moves an exclusion's batches highest value first */
					if (s && r.stages[s].substage > 1)
						assert_true(r.stages[s].batch_value <
							    r.stages[s - 1].batch_value);
				}
				count_release(&r);
				ballots_release(&b);
			}
			buf_release(&text);
			counted++;
		}
		json_decref(all);
	}
	assert_int_equal(counted, 81);
}

/*
 * Balance: 2 seats, quota 34.  A (40) and B (35) both pass it at stage 1,
 * but with at least one seat for Women (C) electing B would leave none:
 * B is excluded for the rule, and C takes the seat.  The same rule in a
 * block vote passes B over.  A rule no result can meet is refused.
 */
static void group_rules(void **state)
{
	(void)state;
	const char *blt = "3 2\n40 1 0\n35 2 0\n25 3 0\n0\n\"A\"\n\"B\"\n\"C\"\n\"T\"\n";
	enum count_rule each[] = { RULE_SCOTTISH, RULE_ERS97, RULE_MEEK, RULE_BLOCK };
	for (size_t k = 0; k < sizeof(each) / sizeof(each[0]); k++) {
		struct count_rules rules = { .rule = each[k], .ngroups = 1 };
		char err[128];
		assert_int_equal(count_group_parse("Women:1=3", 3, &rules.group[0], err, sizeof(err)),
				 0);
		json_t *j = count_with(blt, &rules);
		assert_string_equal(elected(j, 0), "A");
		assert_string_equal(elected(j, 1), "C");
		json_t *g = json_array_get(json_object_get(j, "groups"), 0);
		assert_int_equal(json_integer_value(json_object_get(g, "elected")), 1);
		if (each[k] != RULE_BLOCK)
			assert_string_equal(at(j, 2, "because", NULL), "Women");
		json_decref(j);
	}
	/* without the rule, B */
	json_t *j = count_text(blt, RULE_SCOTTISH);
	assert_string_equal(elected(j, 1), "B");
	json_decref(j);

	struct count_rules rules = { .rule = RULE_SCOTTISH, .ngroups = 1 };
	struct ballots b;
	struct count_result r;
	char err[128];
	assert_int_equal(count_group_parse("Women:2:2=3", 3, &rules.group[0], err, sizeof(err)), 0);
	assert_int_equal(blt_parse(blt, strlen(blt), &b, err, sizeof(err)), 0);
	assert_int_equal(count_run(&b, &rules, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "fewer candidates than its minimum"));
	ballots_release(&b);
	static const char *const bad[] = { "Women", ":1=1", "Women:x=1", "Women:1=4",
					   "Women:2:1=1", "Women:1=1,,2", "Women:1=" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(count_group_parse(bad[i], 3, &rules.group[0], err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scottish_reference_elections),
		cmocka_unit_test(irv_by_hand),
		cmocka_unit_test(tie_broken_by_an_earlier_stage),
		cmocka_unit_test(block_and_fptp),
		cmocka_unit_test(bad_files),
		cmocka_unit_test(ers97_by_hand),
		cmocka_unit_test(meek_by_hand),
		cmocka_unit_test(all_rules_keep_every_vote),
		cmocka_unit_test(group_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
