/* UK phone numbers as they arrive in real contact lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
/* cmocka needs the headers above first */
#include <cmocka.h>

#include "phonebank/phone.h"

static const struct {
	const char *in, *want; /* want NULL: refused */
} cases[] = {
	{ "07700 900123", "+447700900123" },
	{ "07700900123", "+447700900123" },
	{ "+44 7700 900123", "+447700900123" },
	{ "+44 (0)7700 900123", "+447700900123" },
	{ "+44 0 7700 900123", "+447700900123" },
	{ "0044 7700 900123", "+447700900123" },
	{ "44 7700 900123", "+447700900123" },
	{ "7700900123", "+447700900123" }, /* a spreadsheet ate the 0 */
	{ "07700-900-123", "+447700900123" },
	{ "tel:+447700900123", "+447700900123" },
	{ "(020) 7946 0018", "+442079460018" },
	{ "020 7946 0018", "+442079460018" },
	{ "+44 (0)20 7946 0018", "+442079460018" },
	{ "0113 496 0000", "+441134960000" },
	{ "01632 960 001", "+441632960001" },
	{ "016977 3999", "+44169773999" }, /* a 10-digit geographic number */
	{ "0300 555 0000", "+443005550000" },
	{ "07624 123456", "+447624123456" }, /* Isle of Man mobile */
	{ "  07700 900123  ", "+447700900123" },
	{ "07700.900.123", "+447700900123" },
	{ "", NULL },
	{ "   ", NULL },
	{ "n/a", NULL },
	{ "0770090012", NULL },	       /* a digit short */
	{ "077009001234", NULL },      /* a digit long */
	{ "+33 1 23 45 67 89", NULL }, /* France */
	{ "001 202 555 0100", NULL },  /* the US */
	{ "0800 123 4567", NULL },     /* freephone */
	{ "0906 123 4567", NULL },     /* premium */
	{ "070 1234 5678", NULL },     /* personal numbering */
	{ "07600 123456", NULL },      /* pager */
	{ "999", NULL },
	{ "07700 900123 ext 2", NULL },
	{ "+44", NULL },
	{ "123456789012345678901234567", NULL },
};

static void table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[PHONE_E164_MAX];
		const char *why = phone_normalise(cases[i].in, strlen(cases[i].in), out);
		if (cases[i].want) {
			if (why)
				fail_msg("%s: refused (%s)", cases[i].in, why);
			assert_string_equal(out, cases[i].want);
		} else if (!why) {
			fail_msg("%s: accepted as %s", cases[i].in, out);
		}
	}
}

static void embedded_nul(void **state)
{
	(void)state;
	char out[PHONE_E164_MAX];
	assert_non_null(phone_normalise("07700\0900123", 12, out));
}

static void fiction(void **state)
{
	(void)state;
	assert_true(phone_is_fiction("+447700900123"));
	assert_true(phone_is_fiction("+442079460018"));
	assert_false(phone_is_fiction("+442079461234")); /* 020 7946 1xxx is a real range */
	assert_false(phone_is_fiction("+447700123456"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(embedded_nul),
		cmocka_unit_test(fiction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
