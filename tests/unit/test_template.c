/* Leaflet templates: the shrink-to-fit rule (pure), a template's slots read
 * and its imprint required, a fill that escapes what it is given, and a
 * render whose PDF starts as a PDF and has a page per template page. */
/* cmocka.h needs these first */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
/* clang-format on */

#include "materials/render.h"
#include "materials/template.h"
#include "util/buf.h"

static const char svg[] =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"148mm\" height=\"210mm\""
    " viewBox=\"0 0 148 210\"><g id=\"page1\"><text data-slot=\"title\" data-max=\"20\""
    " data-fit-at=\"10\" font-size=\"10\" x=\"5\" y=\"20\">T</text>"
    "<rect data-slot=\"link\" data-kind=\"qr\" x=\"100\" y=\"150\" width=\"40\" height=\"40\"/>"
    "</g><g id=\"page2\"><text data-imprint=\"true\" x=\"5\" y=\"200\" font-size=\"4\">i</text>"
    "</g></svg>";

static void fitting(void **state)
{
	(void)state;
	assert_true(slot_fit(10, 8, 10) == 10);
	assert_true(slot_fit(10, 20, 10) > 5.99 && slot_fit(10, 20, 10) < 6.01); /* floor 60% */
	assert_true(slot_fit(10, 12, 10) > 8.32 && slot_fit(10, 12, 10) < 8.34);
	assert_true(slot_fit(10, 50, 0) == 10);
}

static void parse_fill_render(void **state)
{
	struct tmpl_doc *t;
	struct template_info info;
	char why[256], *out;
	size_t n;
	(void)state;
	assert_int_equal(template_parse(svg, strlen(svg), &t, &info, why, sizeof(why)), 0);
	assert_int_equal(info.npages, 2);
	assert_int_equal(info.nslots, 2);
	assert_string_equal(info.slots[0].name, "title");
	assert_int_equal(info.slots[0].max_chars, 20);
	assert_int_equal(info.slots[1].kind, SLOT_QR);
	struct slot_value v[] = { { "title", "Tom & Jerry's 12" }, { "link", "https://e.org/x" } };
	assert_int_equal(template_fill(t, v, 2, "Promoted by A, 1 St", &out, &n, why, sizeof(why)),
			 0);
	/* escaped, shrunk: 16 characters past 10 */
	assert_non_null(strstr(out, "Tom &amp; Jerry's 12"));
	assert_non_null(strstr(out, "font-size=\"6.25\""));
	assert_non_null(strstr(out, "Promoted by A, 1 St"));
	assert_null(strstr(out, "data-kind=\"qr\""));
	struct buf pdf;
	assert_int_equal(render_pdf(out, n, &info, 0, &pdf, why, sizeof(why)), 0);
	assert_true(pdf.len > 1000);
	assert_memory_equal(pdf.p, "%PDF-", 5);
	buf_release(&pdf);
	free(out);
	/* over the limit, an empty imprint, a slot not there, a QR without a link */
	struct slot_value too_long[] = { { "title", "abcdefghijklmnopqrstu" },
					 { "link", "https://e.org" } };
	assert_int_equal(template_fill(t, too_long, 2, "P", &out, &n, why, sizeof(why)), -1);
	assert_int_equal(template_fill(t, v, 2, "", &out, &n, why, sizeof(why)), -1);
	struct slot_value other[] = { { "nosuch", "x" }, { "link", "https://e.org" } };
	assert_int_equal(template_fill(t, other, 2, "P", &out, &n, why, sizeof(why)), -1);
	assert_int_equal(template_fill(t, v, 1, "P", &out, &n, why, sizeof(why)), -1);
	assert_null(out);
	template_free(t);
}

/* An image slot: an <image> with a size, filled with an embedded PNG or
 * JPEG and nothing else. */
static void image_slot(void **state)
{
	(void)state;
	static const char with_image[] =
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"148mm\" height=\"210mm\" "
	    "viewBox=\"0 0 148 210\">"
	    "<g id=\"page1\"><image data-slot=\"photo\" data-kind=\"image\" x=\"0\" y=\"0\""
	    " width=\"100\" height=\"80\"/>"
	    "<text data-imprint=\"true\" x=\"1\" y=\"200\">i</text></g></svg>";
	static const char rect[] =
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"148mm\" height=\"210mm\" "
	    "viewBox=\"0 0 148 210\">"
	    "<g id=\"page1\"><rect data-slot=\"photo\" data-kind=\"image\" width=\"9\" "
	    "height=\"9\"/>"
	    "<text data-imprint=\"true\" x=\"1\" y=\"200\">i</text></g></svg>";
	struct tmpl_doc *t;
	struct template_info info;
	char why[256], *out;
	size_t n;
	assert_int_equal(template_parse(rect, strlen(rect), &t, &info, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "<image>"));
	assert_int_equal(
	    template_parse(with_image, strlen(with_image), &t, &info, why, sizeof(why)), 0);
	assert_int_equal(info.nslots, 1);
	assert_int_equal(info.slots[0].kind, SLOT_IMAGE);
	struct slot_value good = { "photo", "data:image/jpeg;base64,/9j/4AAQ" };
	assert_int_equal(template_fill(t, &good, 1, "P", &out, &n, why, sizeof(why)), 0);
	assert_non_null(strstr(out, "href=\"data:image/jpeg;base64,/9j/4AAQ\""));
	free(out);
	static const char *const bad[] = { "https://x.example/a.jpg", "data:text/html;base64,PGI+",
					   "javascript:alert(1)", "#elsewhere" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct slot_value v = { "photo", bad[i] };
		assert_int_equal(template_fill(t, &v, 1, "P", &out, &n, why, sizeof(why)), -1);
		assert_null(out);
	}
	template_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fitting),
		cmocka_unit_test(parse_fill_render),
		cmocka_unit_test(image_slot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
