/* Phone banking's pure parts: calling hours across the clock change, what
 * each outcome does to a contact, survey parsing and branching, scripts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
/* cmocka needs the headers above first */
#include <cmocka.h>

#include "events/when.h"
#include "phonebank/hours.h"
#include "phonebank/queue.h"
#include "phonebank/survey.h"

static time_t at(int y, int mo, int d, int h, int mi)
{
	return london_to_utc(y, mo, d, h, mi);
}

static void hours_window(void **state)
{
	(void)state;
	struct hours h;
	assert_null(hours_parse(&h, "09:00", "21:00", ""));
	assert_true(hours_open(&h, at(2026, 12, 1, 9, 0)));
	assert_true(hours_open(&h, at(2026, 12, 1, 20, 59)));
	assert_false(hours_open(&h, at(2026, 12, 1, 21, 0)));
	assert_false(hours_open(&h, at(2026, 12, 1, 8, 59)));
	/* after hours: tomorrow at nine */
	assert_int_equal(hours_next_open(&h, at(2026, 12, 1, 22, 0)), at(2026, 12, 2, 9, 0));
	assert_int_equal(hours_next_open(&h, at(2026, 12, 1, 7, 0)), at(2026, 12, 1, 9, 0));
	assert_non_null(hours_parse(&h, "21:00", "09:00", ""));
	assert_non_null(hours_parse(&h, "9:00", "21:00", ""));
	assert_non_null(hours_parse(&h, "09:00", "25:00", ""));
	assert_non_null(hours_parse(&h, "09:00", "21:00", "mon,funday"));
	assert_non_null(hours_parse(&h, "09:00", "21:00", "mon;tue"));
}

static void hours_days(void **state)
{
	(void)state;
	struct hours h;
	char text[64];
	assert_null(hours_parse(&h, "10:00", "16:00", "sat,sun"));
	/* 2026-12-04 is a Friday */
	assert_false(hours_open(&h, at(2026, 12, 4, 12, 0)));
	assert_true(hours_open(&h, at(2026, 12, 5, 12, 0)));
	assert_int_equal(hours_next_open(&h, at(2026, 12, 4, 12, 0)), at(2026, 12, 5, 10, 0));
	/* Sunday evening: the next Saturday */
	assert_int_equal(hours_next_open(&h, at(2026, 12, 6, 17, 0)), at(2026, 12, 12, 10, 0));
	hours_text(&h, text, sizeof(text));
	assert_string_equal(text, "10:00–16:00, Sat Sun");
	/* and back into the form's fields, which parse to the same hours */
	char start[6], end[6], days[28];
	struct hours again;
	hours_fields(&h, start, end, days);
	assert_string_equal(start, "10:00");
	assert_string_equal(days, "sat,sun");
	assert_null(hours_parse(&again, start, end, days));
	assert_memory_equal(&again, &h, sizeof(h));
}

/* Issue 19: a time in the hour the clocks skip was moved without a word. */
static void skipped_hour(void **state)
{
	time_t t;
	(void)state;
	assert_int_equal(london_parse("2026-03-29", "01:30", &t), LONDON_SKIPPED);
	assert_int_equal(london_parse("2026-03-29", "01:00", &t), LONDON_SKIPPED);
	assert_int_equal(london_parse("2026-03-29", "00:59", &t), 0);
	assert_int_equal(t, at(2026, 3, 29, 0, 59));
	assert_int_equal(london_parse("2026-03-29", "02:00", &t), 0);
	assert_int_equal(t, at(2026, 3, 29, 1, 0)); /* 02:00 BST is 01:00 UTC */
	/* the autumn hour happens twice: the first (summer time) is taken */
	assert_int_equal(london_parse("2026-10-25", "01:30", &t), 0);
	assert_int_equal(london_offset(t), 3600);
	assert_int_equal(london_parse("2026-13-01", "10:00", &t), -1);
}

static void clock_change(void **state)
{
	(void)state;
	struct hours h;
	assert_null(hours_parse(&h, "09:00", "21:00", ""));
	/* 29 March 2026: the clocks go forward; 09:00 BST is 08:00 UTC */
	time_t spring = at(2026, 3, 29, 9, 0);
	struct tm tm;
	gmtime_r(&spring, &tm);
	assert_int_equal(tm.tm_hour, 8);
	assert_true(hours_open(&h, spring));
	assert_false(hours_open(&h, spring - 60));
	/* 25 October 2026: back to GMT; 20:30 local is 20:30 UTC, open */
	assert_true(hours_open(&h, at(2026, 10, 25, 20, 30)));
	assert_false(hours_open(&h, at(2026, 10, 25, 21, 0)));
	/* from late Saturday before the spring change, Sunday 09:00 BST */
	assert_int_equal(hours_next_open(&h, at(2026, 3, 28, 23, 30)), spring);
}

static void outcomes(void **state)
{
	(void)state;
	time_t now = 1000000;
	struct queue_next n = queue_after(OUTCOME_NO_ANSWER, 1, 3, 60, now);
	assert_false(n.done);
	assert_int_equal(n.next_at, now + 3600);
	n = queue_after(OUTCOME_BUSY, 3, 3, 60, now);
	assert_true(n.done); /* attempts used up */
	n = queue_after(OUTCOME_ANSWERED, 1, 3, 60, now);
	assert_true(n.done);
	assert_false(n.opt_out);
	n = queue_after(OUTCOME_DO_NOT_CALL, 1, 3, 60, now);
	assert_true(n.done);
	assert_true(n.opt_out);
	assert_int_equal(outcome_parse("voicemail"), OUTCOME_VOICEMAIL);
	assert_int_equal(outcome_parse("maybe"), -1);
	for (int i = 0; i < OUTCOME_COUNT; i++)
		assert_int_equal(outcome_parse(outcome_code(i)), i);
}

static const char survey_src[] =
    "single: Will you vote on Thursday? | Yes -> 3 | No | Not sure -> 4\n"
    "text: What would change your mind?\n"
    "single: Who will you vote for? | Green | Labour | Other -> end\n"
    "multi: Which issues matter most? | Housing | NHS | Buses\n";

static void survey_branches(void **state)
{
	(void)state;
	struct survey s;
	char err[128];
	int path[SURVEY_MAX_QUESTIONS];
	assert_null(survey_parse(&s, survey_src, err, sizeof(err)));
	assert_int_equal(s.n, 4);
	assert_int_equal(s.q[0].kind, Q_SINGLE);
	assert_int_equal(s.q[0].nopt, 3);
	assert_string_equal(s.q[0].opt[0].label, "Yes");
	assert_int_equal(s.q[0].opt[0].next, 2);
	assert_int_equal(s.q[3].kind, Q_MULTI);

	int yes_other[] = { 0, -1, 2, -1 };
	assert_int_equal(survey_path(&s, yes_other, path), 2); /* Q1 -> Q3 -> end */
	assert_int_equal(path[1], 2);
	int no[] = { 1, -1, 0, -1 };
	assert_int_equal(survey_path(&s, no, path), 4); /* every question in turn */
	int unsure[] = { 2, -1, -1, -1 };
	assert_int_equal(survey_path(&s, unsure, path), 2);
	assert_int_equal(path[1], 3);
}

static void survey_errors(void **state)
{
	(void)state;
	struct survey s;
	char err[128];
	assert_non_null(survey_parse(&s, "single: Backwards? | A -> 1 | B", err, sizeof(err)));
	assert_non_null(strstr(err, "line 1"));
	assert_non_null(survey_parse(&s, "single: Far? | A -> 9 | B", err, sizeof(err)));
	assert_non_null(survey_parse(&s, "multi: Jump? | A -> 2 | B\ntext: x", err, sizeof(err)));
	assert_non_null(survey_parse(&s, "single: One option | A", err, sizeof(err)));
	assert_non_null(survey_parse(&s, "text: Q | an option", err, sizeof(err)));
	assert_non_null(survey_parse(&s, "choose: Q | A | B", err, sizeof(err)));
	assert_non_null(survey_parse(&s, "text: ok\n\nsingle: | A | B", err, sizeof(err)));
	assert_non_null(strstr(err, "line 3"));
	assert_null(survey_parse(&s, "", err, sizeof(err)));
	assert_int_equal(s.n, 0);
}

static void script(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 1 << 16);
	script_render(&b, "## Opening\nHi {name}, I am **{caller}**.\nOK?\n\n<script>x</script>",
		      "Ann", "Bo<b>");
	assert_string_equal(b.p, "<h3>Opening</h3>\n<p>Hi Ann, I am <strong>Bo&lt;b&gt;</strong>."
				 "<br>OK?</p>\n<p>&lt;script&gt;x&lt;/script&gt;</p>\n");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hours_window),	   cmocka_unit_test(hours_days),
		cmocka_unit_test(clock_change),	   cmocka_unit_test(outcomes),
		cmocka_unit_test(survey_branches), cmocka_unit_test(survey_errors),
		cmocka_unit_test(script),	   cmocka_unit_test(skipped_hour),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
