/* The materials library's files: told by their content, not their name; a
 * photo with GPS, camera and orientation tags encoded again holds none of
 * them, upright; thumbnails 240 pixels wide. */
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

#include <cairo-pdf.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "materials/files.h"
#include "util/buf.h"

static void le16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)(v >> 8);
}

static void le32(unsigned char *p, unsigned long v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void entry(unsigned char *p, unsigned tag, unsigned type, unsigned long count,
		  unsigned long value)
{
	le16(p, tag);
	le16(p + 2, type);
	le32(p + 4, count);
	le32(p + 8, value);
}

/* A 64 × 48 JPEG with an EXIF block: camera "TestCam", orientation 6
 * (turn it a quarter right to see it upright), GPS 52° 55' 30" N. */
static unsigned char *photo(size_t *n)
{
	GdkPixbuf *p = gdk_pixbuf_new(GDK_COLORSPACE_RGB, FALSE, 8, 64, 48);
	gchar *jpeg;
	gsize len;
	gdk_pixbuf_fill(p, 0x3366ccff);
	assert_true(gdk_pixbuf_save_to_buffer(p, &jpeg, &len, "jpeg", NULL, NULL));
	g_object_unref(p);
	unsigned char tiff[112] = { 'I', 'I', 0x2a, 0 };
	le32(tiff + 4, 8);
	le16(tiff + 8, 3);
	entry(tiff + 10, 0x010f, 2, 8, 50); /* Make, at 50 */
	entry(tiff + 22, 0x0112, 3, 1, 6);  /* Orientation */
	entry(tiff + 34, 0x8825, 4, 1, 58); /* the GPS IFD, at 58 */
	memcpy(tiff + 50, "TestCam", 8);
	le16(tiff + 58, 2);
	entry(tiff + 60, 0x0001, 2, 2, 'N'); /* GPSLatitudeRef "N" */
	entry(tiff + 72, 0x0002, 5, 3, 88);  /* GPSLatitude, at 88 */
	static const unsigned long dms[] = { 52, 1, 55, 1, 30, 1 };
	for (int i = 0; i < 6; i++)
		le32(tiff + 88 + 4 * i, dms[i]);
	size_t seg = 2 + 6 + sizeof(tiff);
	unsigned char *out = malloc(len + 2 + seg);
	memcpy(out, jpeg, 2); /* SOI */
	out[2] = 0xff;
	out[3] = 0xe1;
	out[4] = (unsigned char)(seg >> 8);
	out[5] = (unsigned char)(seg & 0xff);
	memcpy(out + 6, "Exif\0\0", 6);
	memcpy(out + 12, tiff, sizeof(tiff));
	memcpy(out + 12 + sizeof(tiff), jpeg + 2, len - 2);
	*n = len + 2 + seg;
	g_free(jpeg);
	return out;
}

static int has(const char *p, size_t n, const char *what)
{
	size_t k = strlen(what);
	for (size_t i = 0; i + k <= n; i++)
		if (!memcmp(p + i, what, k))
			return 1;
	return 0;
}

static void types(void **state)
{
	enum material_type t;
	char why[256];
	size_t n;
	unsigned char *jpg = photo(&n);
	(void)state;
	assert_int_equal(material_type_of((char *)jpg, n, "street.JPG", &t, why, sizeof(why)), 0);
	assert_int_equal(t, MATERIAL_JPEG);
	assert_int_equal(material_type_of((char *)jpg, n, "street.png", &t, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "not what its name says"));
	assert_int_equal(material_type_of((char *)jpg, n, "street.exe", &t, why, sizeof(why)), -1);
	assert_int_equal(material_type_of("%PDF-1.7\n", 9, "a.pdf", &t, why, sizeof(why)), 0);
	assert_int_equal(material_type_of("MZ\x90\x00", 4, "a.pdf", &t, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "whatever its name"));
	static const char ok[] =
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"20\" height=\"10\">"
	    "<rect width=\"20\" height=\"10\" fill=\"red\"/></svg>";
	static const char bad[] =
	    "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
	static const char far[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"><image "
				  "href=\"https://x.example/a.png\"/></svg>";
	assert_int_equal(material_type_of(ok, strlen(ok), "logo.svg", &t, why, sizeof(why)), 0);
	assert_int_equal(t, MATERIAL_SVG);
	assert_int_equal(material_type_of(bad, strlen(bad), "logo.svg", &t, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "script"));
	assert_int_equal(material_type_of(far, strlen(far), "logo.svg", &t, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "external"));
	assert_int_equal(material_type_of(ok, strlen(ok), "logo.pdf", &t, why, sizeof(why)), -1);
	assert_int_equal(
	    material_type_of((char *)jpg, MATERIAL_MAX_BYTES + 1, "big.jpg", &t, why, sizeof(why)),
	    -1);
	free(jpg);
}

static void metadata_stripped(void **state)
{
	size_t n;
	unsigned char *jpg = photo(&n);
	struct buf out;
	char why[256];
	(void)state;
	assert_true(has((char *)jpg, n, "Exif") && has((char *)jpg, n, "TestCam"));
	assert_int_equal(material_clean((char *)jpg, n, MATERIAL_JPEG, &out, why, sizeof(why)), 0);
	assert_false(has(out.p, out.len, "Exif"));
	assert_false(has(out.p, out.len, "TestCam"));
	assert_true((unsigned char)out.p[0] == 0xff && (unsigned char)out.p[1] == 0xd8);
	/* upright: the orientation was applied before it went */
	GdkPixbufLoader *l = gdk_pixbuf_loader_new();
	assert_true(gdk_pixbuf_loader_write(l, (const guchar *)out.p, out.len, NULL));
	assert_true(gdk_pixbuf_loader_close(l, NULL));
	GdkPixbuf *p = gdk_pixbuf_loader_get_pixbuf(l);
	assert_int_equal(gdk_pixbuf_get_width(p), 48);
	assert_int_equal(gdk_pixbuf_get_height(p), 64);
	g_object_unref(l);
	buf_release(&out);
	/* a thumbnail, 240 wide, keeping the shape */
	assert_int_equal(material_thumb((char *)jpg, n, MATERIAL_JPEG, &out, why, sizeof(why)), 0);
	assert_memory_equal(out.p, "\x89PNG", 4);
	l = gdk_pixbuf_loader_new();
	assert_true(gdk_pixbuf_loader_write(l, (const guchar *)out.p, out.len, NULL));
	assert_true(gdk_pixbuf_loader_close(l, NULL));
	p = gdk_pixbuf_loader_get_pixbuf(l);
	assert_int_equal(gdk_pixbuf_get_width(p), 240);
	assert_int_equal(gdk_pixbuf_get_height(p), 320);
	g_object_unref(l);
	buf_release(&out);
	/* a broken image is refused, and a PDF no one can read */
	assert_int_equal(material_clean((char *)jpg, 40, MATERIAL_JPEG, &out, why, sizeof(why)),
			 -1);
	assert_int_equal(material_thumb("%PDF-1.7", 8, MATERIAL_PDF, &out, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "PDF"));
	free(jpg);
}

static cairo_status_t to_buf(void *arg, const unsigned char *data, unsigned int n)
{
	return buf_add(arg, data, n) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* A PDF's thumbnail is its first page: an A5 page, black on its top half. */
static void pdf_first_page(void **state)
{
	(void)state;
	struct buf pdf, out;
	char why[256];
	buf_init(&pdf, 1 << 20);
	cairo_surface_t *s = cairo_pdf_surface_create_for_stream(to_buf, &pdf, 420, 595);
	cairo_t *cr = cairo_create(s);
	cairo_rectangle(cr, 0, 0, 420, 297);
	cairo_fill(cr);
	cairo_show_page(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr); /* a second page, white: not the one drawn */
	cairo_destroy(cr);
	cairo_surface_destroy(s);
	assert_int_equal(material_thumb(pdf.p, pdf.len, MATERIAL_PDF, &out, why, sizeof(why)), 0);
	GdkPixbufLoader *l = gdk_pixbuf_loader_new();
	assert_true(gdk_pixbuf_loader_write(l, (const guchar *)out.p, out.len, NULL));
	assert_true(gdk_pixbuf_loader_close(l, NULL));
	GdkPixbuf *p = gdk_pixbuf_loader_get_pixbuf(l);
	assert_int_equal(gdk_pixbuf_get_width(p), 240);
	assert_int_equal(gdk_pixbuf_get_height(p), 340);
	const guchar *px = gdk_pixbuf_get_pixels(p);
	int stride = gdk_pixbuf_get_rowstride(p);
	assert_true(px[10 * stride] < 30);   /* the top: black */
	assert_true(px[330 * stride] > 220); /* the bottom: white */
	g_object_unref(l);
	buf_release(&out);
	buf_release(&pdf);
}

/* A PNG whose header claims 30,000 × 30,000 pixels is refused unread. */
static void bomb(void **state)
{
	(void)state;
	unsigned char png[33] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
	struct buf out;
	char why[256];
	png[16] = png[20] = 0;
	png[17] = png[21] = 0;
	png[18] = png[22] = 0x75; /* 30000 = 0x7530 */
	png[19] = png[23] = 0x30;
	png[24] = 8;
	png[25] = 6;
	assert_int_equal(
	    material_clean((char *)png, sizeof(png), MATERIAL_PNG, &out, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "megapixels"));
	assert_int_equal(
	    material_thumb((char *)png, sizeof(png), MATERIAL_PNG, &out, why, sizeof(why)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(types),
		cmocka_unit_test(metadata_stripped),
		cmocka_unit_test(pdf_first_page),
		cmocka_unit_test(bomb),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
