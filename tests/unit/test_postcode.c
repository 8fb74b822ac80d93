/* Postcode syntax: a table of real shapes, valid and not. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "postcodes/postcode.h"

static const struct {
	const char *in, *display; /* display NULL: must be rejected */
} cases[] = {
	{ "SW1A 1AA", "SW1A 1AA" }, /* AA9A */
	{ "sw1a1aa", "SW1A 1AA" },
	{ "  de22   1aa ", "DE22 1AA" }, /* AA99 with stray spaces */
	{ "M1 1AE", "M1 1AE" },	    /* A9 */
	{ "B33 8TH", "B33 8TH" },   /* A99 */
	{ "CR2 6XH", "CR2 6XH" },   /* AA9 */
	{ "W1A 0AX", "W1A 0AX" },   /* A9A */
	{ "EC1A 1BB", "EC1A 1BB" },
	{ "BT7 1NN", "BT7 1NN" },
	{ "GIR 0AA", "GIR 0AA" },
	{ "gir0aa", "GIR 0AA" },
	{ "\tZE1 0AA", "ZE1 0AA" },
	{ "", NULL },
	{ "SW1A", NULL },	/* outcode only */
	{ "SW1A 1A", NULL },	/* short inward */
	{ "SW1A 1AAA", NULL },	/* long inward */
	{ "QW1 1AA", NULL },	/* Q never first */
	{ "AJ1 1AA", NULL },	/* J never second */
	{ "W1M 1AA", NULL },	/* M not a third letter for A9A */
	{ "EC1I 1AA", NULL },	/* I not a fourth letter for AA9A */
	{ "SW1A 1CA", NULL },	/* C never in the inward code */
	{ "SW1A 1AV", NULL },
	{ "1AB 1AA", NULL },
	{ "SW1A-1AA", NULL },	/* punctuation */
	{ "SW1A%1AA", NULL },
	{ "GIR 0AB", NULL },
	{ "SW1A 1AA SW1A 1AA", NULL },
	{ "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL },
};

static void table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct postcode pc;
		int rc = postcode_parse(cases[i].in, strlen(cases[i].in), &pc);
		if (!cases[i].display) {
			if (rc == 0)
				fail_msg("accepted invalid \"%s\"", cases[i].in);
			continue;
		}
		if (rc != 0)
			fail_msg("rejected valid \"%s\"", cases[i].in);
		assert_string_equal(pc.display, cases[i].display);
	}
}

static void parts(void **state)
{
	struct postcode pc;
	(void)state;
	assert_int_equal(postcode_parse("ec1a1bb", 7, &pc), 0);
	assert_string_equal(pc.compact, "EC1A1BB");
	assert_string_equal(pc.outcode, "EC1A");
	assert_string_equal(pc.incode, "1BB");
	/* length is honoured: trailing bytes beyond n are ignored */
	assert_int_equal(postcode_parse("M11AEXYZ", 5, &pc), 0);
	assert_string_equal(pc.display, "M1 1AE");
}

static void outcodes(void **state)
{
	char oc[5];
	(void)state;
	assert_int_equal(postcode_parse_outcode("sw1a", 4, oc), 0);
	assert_string_equal(oc, "SW1A");
	assert_int_equal(postcode_parse_outcode("BT7", 3, oc), 0);
	assert_int_equal(postcode_parse_outcode("GIR", 3, oc), 0);
	assert_int_equal(postcode_parse_outcode("SW1A1", 5, oc), -1);
	assert_int_equal(postcode_parse_outcode("NPT", 3, oc), -1);
	assert_int_equal(postcode_parse_outcode("", 0, oc), -1);
}

static void prefixes(void **state)
{
	char p[8];
	(void)state;
	assert_int_equal(postcode_prefix("sw1a 1", 6, p), 0);
	assert_string_equal(p, "SW1A1");
	assert_int_equal(postcode_prefix("S", 1, p), -1);
	assert_int_equal(postcode_prefix("1A", 2, p), -1);
	assert_int_equal(postcode_prefix("SW1A1AAX", 8, p), -1);
	/* keys are distinct for distinct postcodes and zero-free */
	assert_true(postcode_key("SW1A1AA") != postcode_key("SW1A1AB"));
	assert_true(postcode_key("M11AE") != 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(parts),
		cmocka_unit_test(outcodes),
		cmocka_unit_test(prefixes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
