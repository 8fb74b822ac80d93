/* Small parsers and writers: numbers, query strings, routes, JSON output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "http/qs.h"
#include "http/router.h"
#include "util/jsonw.h"
#include "util/num.h"
#include "util/utf8.h"

static void numbers(void **state)
{
	long v;
	double d;
	(void)state;
	assert_int_equal(num_parse_count("72,580", 6, 1000000, &v), 0);
	assert_int_equal(v, 72580);
	assert_int_equal(num_parse_count("1,234,567", 9, 10000000, &v), 0);
	assert_int_equal(v, 1234567);
	assert_int_equal(num_parse_count("999", 3, 1000, &v), 0);
	assert_int_equal(num_parse_count("72,58", 5, 1000000, &v), -1);
	assert_int_equal(num_parse_count("7258,0", 6, 1000000, &v), -1);
	assert_int_equal(num_parse_count(",580", 4, 1000000, &v), -1);
	assert_int_equal(num_parse_count("1,000", 5, 999, &v), -1); /* over max */
	assert_int_equal(num_parse_count("-5", 2, 10, &v), -1);
	assert_int_equal(num_parse_long("42", 2, 0, 100, &v), 0);
	assert_int_equal(num_parse_long("42x", 3, 0, 100, &v), -1);
	assert_int_equal(num_parse_long(" 42", 3, 0, 100, &v), -1);
	assert_int_equal(num_parse_long("101", 3, 0, 100, &v), -1);
	assert_int_equal(num_parse_long("99999999999999999999", 20, 0, 100, &v), -1);
	assert_int_equal(num_parse_double("-0.5", 4, -1, 1, &d), 0);
	assert_true(d == -0.5);
	assert_int_equal(num_parse_double("nan", 3, -1, 1, &d), -1);
	assert_int_equal(num_parse_double("0x10", 4, 0, 100, &d), -1);
	assert_int_equal(num_parse_double("1e400", 5, 0, 1e300, &d), -1);
}

static void query_strings(void **state)
{
	struct arena a;
	struct qs q;
	char out[32];
	(void)state;
	arena_init(&a, 256);
	const char *s = "postcode=sw1a+1aa&limit=5&flag&x=%41%2f&empty=";
	assert_int_equal(qs_parse(&q, &a, s, strlen(s)), 0);
	assert_string_equal(qs_get(&q, "postcode"), "sw1a 1aa");
	assert_string_equal(qs_get(&q, "limit"), "5");
	assert_string_equal(qs_get(&q, "flag"), "");
	assert_string_equal(qs_get(&q, "x"), "A/");
	assert_string_equal(qs_get(&q, "empty"), "");
	assert_null(qs_get(&q, "nope"));
	assert_int_equal(qs_parse(&q, &a, "a=%zz", 5), -1);
	assert_int_equal(q.n, 0);
	assert_int_equal(qs_parse(&q, &a, "a=%4", 4), -1);
	assert_int_equal(qs_parse(&q, &a, "a=%00", 5), -1); /* no NUL smuggling */
	char many[QS_MAX_PAIRS * 4 + 8] = "";
	for (int i = 0; i <= QS_MAX_PAIRS; i++)
		strcat(many, "a=1&");
	assert_int_equal(qs_parse(&q, &a, many, strlen(many)), -1);
	assert_int_equal(url_decode("a+b%20c", 7, out, 0), 5);
	assert_string_equal(out, "a+b c");
	arena_release(&a);
}

static void routes(void **state)
{
	struct route_params p;
	(void)state;
	assert_true(route_match("/postcodes/{pc}", "/postcodes/SW1A 1AA", &p));
	assert_string_equal(route_param(&p, "pc"), "SW1A 1AA");
	assert_true(route_match("/postcodes/{pc}/validate", "/postcodes/x/validate", &p));
	assert_false(route_match("/postcodes/{pc}", "/postcodes/", &p));
	assert_false(route_match("/postcodes/{pc}", "/postcodes/a/b", &p));
	assert_false(route_match("/postcodes/{pc}", "/postcodes", &p));
	assert_false(route_match("/", "/x", &p));
	assert_true(route_match("/a/{x}/b/{y}", "/a/1/b/2", &p));
	assert_string_equal(route_param(&p, "y"), "2");
	assert_null(route_param(&p, "z"));
	char longseg[ROUTE_PARAM_MAX + 20] = "/postcodes/";
	memset(longseg + 11, 'A', ROUTE_PARAM_MAX + 1);
	assert_false(route_match("/postcodes/{pc}", longseg, &p));
}

static void json_writer(void **state)
{
	struct buf b;
	struct jw w;
	(void)state;
	buf_init(&b, 1024);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_key(&w, "s");
	jw_str(&w, "a\"b\\c\n\x01");
	jw_key(&w, "n");
	jw_num(&w, 2.50, 3);
	jw_key(&w, "z");
	jw_num(&w, -0.0001, 2);
	jw_key(&w, "arr");
	jw_arr(&w);
	jw_int(&w, 1);
	jw_null(&w);
	jw_bool(&w, 1);
	jw_arr_end(&w);
	jw_key(&w, "e");
	jw_obj(&w);
	jw_obj_end(&w);
	/* a key and its value in one call, commas still placed */
	jw_key_int(&w, "i", -3);
	jw_key_str(&w, "t", "x");
	jw_key_str_or_null(&w, "u", NULL);
	jw_key_num(&w, "f", 1.5, 1);
	jw_key_bool(&w, "b", 0);
	jw_obj_end(&w);
	assert_string_equal(b.p, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"n\":2.5,\"z\":0,"
				 "\"arr\":[1,null,true],\"e\":{},\"i\":-3,\"t\":\"x\","
				 "\"u\":null,\"f\":1.5,\"b\":false}");
	/* the cap holds: writes past it are dropped and flagged */
	struct buf small;
	buf_init(&small, 8);
	jw_init(&w, &small);
	jw_str(&w, "0123456789");
	assert_true(small.overflow);
	assert_true(small.len <= 8);
	buf_release(&small);
	buf_release(&b);
}

/* Issue 18: a name with invalid UTF-8 hid its person from lists and blanked mails. */
static void utf8(void **state)
{
	struct qs q;
	struct arena a;
	(void)state;
	assert_true(utf8_valid("plain ascii", 11));
	assert_true(utf8_valid("Siân Ó Dálaigh – 東京 😀", strlen("Siân Ó Dálaigh – 東京 😀")));
	assert_false(utf8_valid("\xff", 1));			/* never a UTF-8 byte */
	assert_false(utf8_valid("\xc3", 1));			/* cut short */
	assert_false(utf8_valid("\xc0\xaf", 2));		/* overlong '/' */
	assert_false(utf8_valid("\xe0\x80\xaf", 3));	/* overlong, three bytes */
	assert_false(utf8_valid("\xed\xa0\x80", 3));	/* a surrogate */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4)); /* past U+10FFFF */
	assert_false(utf8_valid("a\x80" "b", 3));		/* a lone continuation */
	arena_init(&a, 1024);
	assert_int_equal(qs_parse(&q, &a, "name=Si%C3%A2n", 14), 0);
	assert_string_equal(qs_get(&q, "name"), "Siân");
	assert_int_equal(qs_parse(&q, &a, "name=%FF&x=1", 12), -1);
	assert_int_equal(q.n, 0);
	assert_int_equal(qs_parse(&q, &a, "%C0%AF=1", 8), -1);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8),
		cmocka_unit_test(numbers),
		cmocka_unit_test(query_strings),
		cmocka_unit_test(routes),
		cmocka_unit_test(json_writer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
