/* Standing orders as data: quorums, majorities, results in words, and an
 * amendment's change shown line by line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "meetings/rules.h"
#include "meetings/speakers.h"

static void quorums(void **state)
{
	(void)state;
	struct quorum_rule q = { 25, 3 };
	assert_int_equal(quorum_needed(&q, 10), 3); /* 2.5 rounds up to 3 */
	assert_int_equal(quorum_needed(&q, 100), 25);
	assert_int_equal(quorum_needed(&q, 4), 3); /* the minimum */
	q = (struct quorum_rule){ 50, 0 };
	assert_int_equal(quorum_needed(&q, 7), 4);
	assert_int_equal(quorum_needed(&q, 0), 0);
}

static void majorities(void **state)
{
	(void)state;
	enum majority m;
	assert_int_equal(majority_parse("two_thirds", &m), 0);
	assert_int_equal(m, MAJ_TWO_THIRDS);
	assert_int_equal(majority_parse("most", &m), -1);
	assert_int_equal(majority_parse(NULL, &m), -1);
	struct tally t = { 10, 9, 5, 30, 40, 0 };
	assert_true(motion_passes(MAJ_SIMPLE, &t));
	assert_false(motion_passes(MAJ_ABSOLUTE, &t)); /* 10 of 24 cast */
	assert_false(motion_passes(MAJ_TWO_THIRDS, &t));
	t = (struct tally){ 10, 5, 0, 20, 40, 0 };
	assert_true(motion_passes(MAJ_TWO_THIRDS, &t));		 /* exactly two thirds */
	assert_false(motion_passes(MAJ_TWO_THIRDS_PRESENT, &t)); /* 10 of 20 present */
	t = (struct tally){ 5, 5, 0, 10, 10, 0 };
	assert_false(motion_passes(MAJ_SIMPLE, &t)); /* a tie falls */
	t = (struct tally){ 0, 0, 3, 3, 10, 0 };
	assert_false(motion_passes(MAJ_TWO_THIRDS, &t)); /* no votes for or against */
	char words[400];
	t = (struct tally){ 12, 3, 1, 16, 20, 0 };
	result_words(MAJ_SIMPLE, &t, 8, words, sizeof(words));
	assert_string_equal(words,
			    "Carried: 12 for, 3 against, 1 abstention (a simple majority of"
			    " the votes cast was needed; 16 of 20 members present, quorum 8).");
	/* a card vote: the weights decide, two thirds of the card votes present */
	t = (struct tally){ 599, 250, 0, 900, 1200, 1 };
	assert_false(motion_passes(MAJ_TWO_THIRDS_PRESENT, &t)); /* 599 of 900 present */
	t.yes = 600;
	assert_true(motion_passes(MAJ_TWO_THIRDS_PRESENT, &t));
	result_words(MAJ_SIMPLE, &t, 3, words, sizeof(words));
	assert_string_equal(words, "Carried on a card vote: 600 for, 250 against, 0 abstaining (a"
				   " simple majority of the votes cast was needed; delegates"
				   " holding 900 of 1200 votes present, quorum 3 delegates).");
}

struct seen {
	char out[512];
};

static void line(char kind, long n, const char *s, size_t len, void *arg)
{
	struct seen *v = arg;
	size_t at = strlen(v->out);
	snprintf(v->out + at, sizeof(v->out) - at, "%c%ld:%.*s|", kind, n, (int)len, s);
}

static void diffs(void **state)
{
	(void)state;
	struct seen v = { "" };
	text_diff("This branch\ncanvasses on Saturdays\nin Derby.",
		  "This branch\ncanvasses on"
		  " Saturdays and Sundays\nin Derby.",
		  line, &v);
	assert_string_equal(v.out, " 1:This branch|-2:canvasses on Saturdays|+0:canvasses on"
				   " Saturdays and Sundays| 3:in Derby.|");
	memset(&v, 0, sizeof(v));
	text_diff("a\nb\nc", "a\nc", line, &v);
	assert_string_equal(v.out, " 1:a|-2:b| 3:c|");
	memset(&v, 0, sizeof(v));
	text_diff("", "new", line, &v);
	assert_string_equal(v.out, "+0:new|");
	memset(&v, 0, sizeof(v));
	text_diff("same\r\n", "same\n", line, &v);
	assert_string_equal(v.out, " 1:same|");
}

static void merged_is(const char *base, const char *ours, const char *theirs, const char *want)
{
	char *got = text_merge(base, ours, theirs);
	if (!want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* A motion longer than DIFF_MAX_LINES: the lines both sides share at the
 * start and the end are no change, so amendments to different lines of it
 * merge, and one that leaves it as it was gives the other (found by the
 * merge fuzz target: a 401-line motion merged to NULL). */
static void long_merges(void **state)
{
	(void)state;
	enum { N = 450 };
	char *base = malloc(N * 12), *ours = malloc(N * 12 + 16), *theirs = malloc(N * 12 + 16),
	     *want = malloc(N * 12 + 32);
	size_t b = 0, o = 0, t = 0, w = 0;
	for (int i = 1; i <= N; i++) {
		const char *sep = i > 1 ? "\n" : "";
		b += (size_t)sprintf(base + b, "%sline %d", sep, i);
		o += (size_t)sprintf(ours + o, "%s%s %d", sep, i == 3 ? "LINE" : "line", i);
		t += (size_t)sprintf(theirs + t, "%s%s %d", sep, i == 440 ? "LINE" : "line", i);
		w += (size_t)sprintf(want + w, "%s%s %d", sep, i == 3 || i == 440 ? "LINE" : "line",
				     i);
	}
	merged_is(base, ours, theirs, want);
	merged_is(base, ours, base, ours);
	merged_is(base, base, theirs, theirs);
	merged_is(base, "", base, "");
	/* the same line changed two ways still clashes */
	char *other = strdup(ours);
	memcpy(strstr(other, "LINE 3"), "Line", 4);
	merged_is(base, ours, other, NULL);
	free(other);
	free(base);
	free(ours);
	free(theirs);
	free(want);
}

/* Amendments to different lines of one motion are both made; to the same
 * lines, differently, they clash. */
static void merges(void **state)
{
	(void)state;
	const char *base = "That the branch\ncanvasses on Saturdays\nin Derby North\nfrom May.";
	merged_is(
	    base, "That the branch\ncanvasses on Saturdays and Sundays\nin Derby North\nfrom May.",
	    "That the branch\ncanvasses on Saturdays\nin Derby North\nfrom April.",
	    "That the branch\ncanvasses on Saturdays and Sundays\nin Derby North\nfrom April.");
	/* neighbouring lines are different lines */
	merged_is(base, "That the branch\ncanvasses weekly\nin Derby North\nfrom May.",
		  "That the branch\ncanvasses on Saturdays\nin Derby South\nfrom May.",
		  "That the branch\ncanvasses weekly\nin Derby South\nfrom May.");
	/* a line struck out, another added at the end */
	merged_is(
	    base, "That the branch\ncanvasses on Saturdays\nfrom May.",
	    "That the branch\ncanvasses on Saturdays\nin Derby North\nfrom May.\nWith leaflets.",
	    "That the branch\ncanvasses on Saturdays\nfrom May.\nWith leaflets.");
	/* the same line changed two ways, or two insertions at one place: which? */
	merged_is(base, "That the branch\ncanvasses on Sundays\nin Derby North\nfrom May.",
		  "That the branch\ncanvasses on Fridays\nin Derby North\nfrom May.", NULL);
	merged_is(
	    base, "That the branch\nmeets first\ncanvasses on Saturdays\nin Derby North\nfrom May.",
	    "That the branch\nprints leaflets\ncanvasses on Saturdays\nin Derby North\nfrom May.",
	    NULL);
	/* a line struck out by one and changed by the other */
	merged_is(base, "That the branch\nin Derby North\nfrom May.",
		  "That the branch\ncanvasses on Sundays\nin Derby North\nfrom May.", NULL);
	/* the same change twice is made once */
	merged_is(base, "That the branch\ncanvasses on Sundays\nin Derby North\nfrom May.",
		  "That the branch\ncanvasses on Sundays\nin Derby North\nfrom May.",
		  "That the branch\ncanvasses on Sundays\nin Derby North\nfrom May.");
	/* unchanged on one side: the other side's wording */
	merged_is(base, base, "All new.", "All new.");
	merged_is(base, "All new.", base, "All new.");
	merged_is("", "", "One line.", "One line.");
	/* blank lines are lines: one at the start keeps its line end */
	merged_is("x", "\nSecond", "x", "\nSecond");
	merged_is("a\n\nb", "a\n\nB", "A\n\nb", "A\n\nB");
	/* Windows line ends compare equal to the others */
	merged_is("a\r\nb\r\nc", "a\r\nb\r\nC", "A\nb\nc", "A\nb\nC");
	/* texts too long to compare line by line are one change whole: they clash */
	char *big = malloc((DIFF_MAX_LINES + 10) * 3 + 1), *big2;
	assert_non_null(big);
	big[0] = '\0';
	for (int i = 0; i < DIFF_MAX_LINES + 10; i++)
		strcat(big, "x\n");
	big2 = strdup(big);
	big2[0] = 'y';
	merged_is(big, big2, "short", NULL);
	free(big);
	free(big2);
}

/* Every triple of small texts over a two-letter alphabet of lines: a
 * side that keeps the base gives the other side whole, and the merge does
 * not depend on which amendment was carried first. */
static void merges_exhaustive(void **state)
{
	(void)state;
	static const char *const texts[] = { "",     "a",	"b",	   "a\nb",	"b\na",
					     "a\na", "a\nb\na", "b\nb\na", "a\nb\nb\na" };
	size_t n = sizeof(texts) / sizeof(texts[0]);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			merged_is(texts[i], texts[i], texts[j], texts[j]);
			merged_is(texts[i], texts[j], texts[i], texts[j]);
			for (size_t k = 0; k < n; k++) {
				char *m = text_merge(texts[i], texts[j], texts[k]);
				merged_is(texts[i], texts[k], texts[j], m);
				free(m);
			}
		}
}

/* The life of a motion: only the steps standing orders allow. */
static void motion_life(void **state)
{
	(void)state;
	assert_true(motion_step_allowed(MOTION_SUBMITTED, MOTION_AGENDA));
	assert_false(motion_step_allowed(MOTION_SUBMITTED, MOTION_VOTING));
	assert_false(motion_step_allowed(MOTION_SUBMITTED, MOTION_DEBATE));
	assert_true(motion_step_allowed(MOTION_AGENDA, MOTION_DEBATE));
	assert_true(motion_step_allowed(MOTION_DEBATE, MOTION_VOTING));
	assert_true(motion_step_allowed(MOTION_AGENDA, MOTION_VOTING));
	assert_false(motion_step_allowed(MOTION_DEBATE, MOTION_CARRIED));
	assert_true(motion_step_allowed(MOTION_VOTING, MOTION_CARRIED));
	assert_false(motion_step_allowed(MOTION_VOTING, MOTION_WITHDRAWN));
	assert_false(motion_step_allowed(MOTION_CARRIED, MOTION_FELL));
	assert_true(motion_step_allowed(MOTION_DEBATE, MOTION_FELL));
	assert_false(motion_step_allowed(MOTION_WITHDRAWN, MOTION_AGENDA));
	assert_false(motion_step_allowed(MOTION_REFERRED, MOTION_VOTING));
	for (int s = MOTION_SUBMITTED; s <= MOTION_REFERRED; s++) {
		enum motion_status back;
		assert_int_equal(motion_status_parse(motion_status_name(s), &back), 0);
		assert_int_equal(back, s);
		assert_false(motion_step_allowed(s, MOTION_SUBMITTED));
	}
	enum procedure p;
	assert_int_equal(procedure_parse("closure", &p), 0);
	/* the closure takes the standing orders' strong majority, whichever it is */
	assert_int_equal(procedure_majority(p, MAJ_TWO_THIRDS), MAJ_TWO_THIRDS);
	assert_int_equal(procedure_majority(p, MAJ_ABSOLUTE), MAJ_ABSOLUTE);
	assert_int_equal(procedure_parse("challenge", &p), 0);
	assert_int_equal(procedure_majority(p, MAJ_TWO_THIRDS_PRESENT), MAJ_TWO_THIRDS_PRESENT);
	assert_int_equal(procedure_parse("next_business", &p), 0);
	assert_int_equal(procedure_majority(p, MAJ_TWO_THIRDS), MAJ_SIMPLE);
	assert_int_equal(procedure_parse("", &p), -1);
	assert_int_equal(procedure_parse("adjourn", &p), -1);
	char text[200];
	procedure_text(PROC_REFER, "Canvass weekly", "the executive", text, sizeof(text));
	assert_string_equal(text, "That “Canvass weekly” be referred to the executive.");
}

static void expect_order(const struct speaker_wait *w, size_t n, enum alternation alt,
			 int first_time, int last, const size_t *want)
{
	size_t got[SPEAKERS_MAX];
	speakers_order(w, n, alt, first_time, last, got);
	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("%s, place %zu: speaker %zu, not %zu", alternation_name(alt), i,
				 got[i], want[i]);
}

/* A, B, C... in the order they asked; group = counts for the balance group. */
static void speakers_lists(void **state)
{
	(void)state;
	const struct speaker_wait abc[] = { { 0, 0 }, { 1, 0 }, { 0, 0 }, { 1, 0 } };
	expect_order(abc, 4, ALT_NONE, 1, -1, (size_t[]){ 0, 1, 2, 3 });
	expect_order(abc, 4, ALT_GROUP_FIRST, 1, -1, (size_t[]){ 1, 3, 0, 2 });
	/* alternating starts with the group, and goes on with whoever is left */
	const struct speaker_wait alt[] = { { 0, 0 }, { 0, 0 }, { 1, 0 }, { 1, 0 }, { 0, 0 } };
	expect_order(alt, 5, ALT_ALTERNATE, 1, -1, (size_t[]){ 2, 0, 3, 1, 4 });
	/* after a speaker of the group, one outside it */
	const struct speaker_wait two[] = { { 1, 0 }, { 0, 0 } };
	expect_order(two, 2, ALT_ALTERNATE, 1, 1, (size_t[]){ 1, 0 });
	expect_order(two, 2, ALT_ALTERNATE, 1, 0, (size_t[]){ 0, 1 });
	/* those who have spoken wait behind those who have not, unless switched off */
	const struct speaker_wait again[] = { { 0, 1 }, { 0, 0 }, { 1, 0 } };
	expect_order(again, 3, ALT_NONE, 1, -1, (size_t[]){ 1, 2, 0 });
	expect_order(again, 3, ALT_NONE, 0, -1, (size_t[]){ 0, 1, 2 });
	expect_order(again, 3, ALT_ALTERNATE, 1, -1, (size_t[]){ 2, 1, 0 });
	enum alternation a;
	assert_int_equal(alternation_parse("alternate", &a), 0);
	assert_int_equal(a, ALT_ALTERNATE);
	assert_int_equal(alternation_parse("women", &a), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quorums),     cmocka_unit_test(majorities),
		cmocka_unit_test(diffs),       cmocka_unit_test(merges),
		cmocka_unit_test(long_merges), cmocka_unit_test(merges_exhaustive),
		cmocka_unit_test(motion_life), cmocka_unit_test(speakers_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
