/* The CSV reader's edge cases, each a small input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>

#include "util/csv.h"

static void field_is(struct csv *r, size_t i, const char *want)
{
	assert_true(i < r->nf);
	assert_int_equal(r->f[i].len, strlen(want));
	assert_memory_equal(r->f[i].p, want, strlen(want));
}

static void quoting_and_bom(void **state)
{
	static const char in[] = "\xEF\xBB\xBF"
				 "ONS ID,\"Name, with comma\",\"say \"\"hi\"\"\"\r\n"
				 "E1,\"72,580\",\r\n"
				 "\"multi\nline\",x,y";
	struct csv r;
	(void)state;
	csv_init_mem(&r, in, sizeof(in) - 1);
	assert_int_equal(csv_next(&r), 3);
	field_is(&r, 0, "ONS ID"); /* BOM stripped */
	field_is(&r, 1, "Name, with comma");
	field_is(&r, 2, "say \"hi\"");
	assert_int_equal(r.line, 1);
	assert_int_equal(csv_next(&r), 3);
	field_is(&r, 1, "72,580");
	field_is(&r, 2, ""); /* trailing empty field before CRLF */
	assert_int_equal(csv_next(&r), 3);
	field_is(&r, 0, "multi\nline");
	assert_int_equal(r.line, 3);
	assert_int_equal(csv_next(&r), 0); /* no final newline, then end */
	csv_release(&r);
}

static int first_error(const char *in, long *line, char *why, size_t whylen)
{
	struct csv r;
	int n;
	csv_init_mem(&r, in, strlen(in));
	while ((n = csv_next(&r)) > 0)
		;
	*line = r.line;
	snprintf(why, whylen, "%s", r.err);
	csv_release(&r);
	return n;
}

static void malformed(void **state)
{
	long line;
	char why[128];
	(void)state;
	assert_int_equal(first_error("a,b\n\"open,c\n", &line, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "unterminated"));
	assert_int_equal(first_error("a,b\nx\"y,z\n", &line, why, sizeof(why)), -1);
	assert_int_equal(line, 2);
	assert_int_equal(first_error("a\n\"q\"junk\n", &line, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "after a closing quote"));
	assert_int_equal(first_error("a\rb\n", &line, why, sizeof(why)), -1);
	/* more fields than the cap */
	char wide[CSV_MAX_FIELDS * 2 + 8];
	memset(wide, ',', CSV_MAX_FIELDS + 1);
	wide[CSV_MAX_FIELDS + 1] = '\0';
	assert_int_equal(first_error(wide, &line, why, sizeof(why)), -1);
	assert_int_equal(first_error("", &line, why, sizeof(why)), 0);
}

static void long_record(void **state)
{
	size_t n = CSV_MAX_RECORD + 10;
	char *in = malloc(n + 1);
	long line;
	char why[128];
	(void)state;
	memset(in, 'x', n);
	in[n] = '\0';
	assert_int_equal(first_error(in, &line, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "longer than"));
	free(in);
}

static void gzip_file(void **state)
{
	char path[] = "/tmp/turnout-csv-XXXXXX";
	int fd = mkstemp(path);
	struct csv r;
	(void)state;
	assert_true(fd >= 0);
	gzFile gz = gzdopen(fd, "wb");
	gzputs(gz, "\"AB10 1AB\",10,394235,806529\n\"AB10 1AF\",10,1,2\n");
	gzclose(gz);
	assert_int_equal(csv_open(&r, path), 0);
	assert_int_equal(csv_next(&r), 4);
	field_is(&r, 0, "AB10 1AB");
	assert_int_equal(csv_next(&r), 4);
	field_is(&r, 3, "2");
	assert_int_equal(csv_next(&r), 0);
	csv_release(&r);
	unlink(path);
	assert_int_equal(csv_open(&r, "/nonexistent/x.csv"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quoting_and_bom),
		cmocka_unit_test(malformed),
		cmocka_unit_test(long_record),
		cmocka_unit_test(gzip_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
