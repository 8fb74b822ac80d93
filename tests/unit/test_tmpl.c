/* Templates: escaping by default, sections, partials, and compile errors. */
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "tmpl/tmpl.h"

static char out_text[4096];

static const char *render(const char *src, const char *json)
{
	struct tmpl_set set = { 0 };
	struct buf b;
	char err[128];
	json_t *ctx = json_loads(json, 0, NULL);

	assert_non_null(ctx);
	assert_int_equal(tmpl_add(&set, "inc", "<i>{{who}}</i>", 14, err, sizeof(err)), 0);
	assert_int_equal(tmpl_add(&set, "t", src, strlen(src), err, sizeof(err)), 0);
	buf_init(&b, sizeof(out_text) - 1);
	assert_int_equal(tmpl_render(&set, "t", ctx, &b), 0);
	snprintf(out_text, sizeof(out_text), "%s", b.p ? b.p : "");
	buf_release(&b);
	json_decref(ctx);
	tmpl_set_release(&set);
	return out_text;
}

static void escaping(void **state)
{
	(void)state;
	assert_string_equal(render("<p>{{x}}</p>", "{\"x\":\"<script>&'\\\"\"}"),
			    "<p>&lt;script&gt;&amp;&#39;&quot;</p>");
	assert_string_equal(render("{{{x}}}|{{& x}}", "{\"x\":\"<b>\"}"), "<b>|<b>");
	assert_string_equal(render("{{n}} {{f}} {{missing}}.", "{\"n\":42,\"f\":1.5}"), "42 1.5 .");
}

static void sections(void **state)
{
	(void)state;
	assert_string_equal(render("{{#xs}}[{{name}}]{{/xs}}", "{\"xs\":[{\"name\":\"a\"},{\"name\":\"b\"}]}"),
			    "[a][b]");
	assert_string_equal(render("{{#o}}{{k}}-{{top}}{{/o}}", "{\"o\":{\"k\":1},\"top\":\"T\"}"), "1-T");
	assert_string_equal(render("{{#f}}yes{{/f}}{{^f}}no{{/f}}", "{\"f\":false}"), "no");
	assert_string_equal(render("{{^xs}}empty{{/xs}}", "{\"xs\":[]}"), "empty");
	assert_string_equal(render("{{#s}}{{.}}{{/s}}", "{\"s\":\"hi\"}"), "hi");
	assert_string_equal(render("{{a.b.c}}", "{\"a\":{\"b\":{\"c\":\"deep\"}}}"), "deep");
	assert_string_equal(render("{{! note }}x{{> inc}}", "{\"who\":\"<me>\"}"), "x<i>&lt;me&gt;</i>");
}

static void errors(void **state)
{
	static const char *const bad[] = { "{{x", "{{#a}}", "{{#a}}{{/b}}", "{{/a}}", "{{}}" };
	struct tmpl_set set = { 0 };
	char err[128];
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(tmpl_add(&set, "bad", bad[i], strlen(bad[i]), err, sizeof(err)), -1);
	assert_int_equal(set.n, 0);
	/* an unknown template and a capped output both fail */
	struct buf b;
	json_t *ctx = json_object();
	buf_init(&b, 4);
	assert_int_equal(tmpl_add(&set, "long", "0123456789", 10, err, sizeof(err)), 0);
	assert_int_equal(tmpl_render(&set, "nope", ctx, &b), -1);
	assert_int_equal(tmpl_render(&set, "long", ctx, &b), -1);
	/* a template that includes itself is stopped, not followed forever */
	assert_int_equal(tmpl_add(&set, "loop", "a{{> loop}}", 11, err, sizeof(err)), 0);
	buf_release(&b);
	buf_init(&b, 1 << 20);
	assert_int_equal(tmpl_render(&set, "loop", ctx, &b), -1);
	buf_release(&b);
	json_decref(ctx);
	tmpl_set_release(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escaping),
		cmocka_unit_test(sections),
		cmocka_unit_test(errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
