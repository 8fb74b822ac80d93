#include "materials/files.h"

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <librsvg/rsvg.h>
#include <poppler.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "materials/template.h"
#include "util/buf.h"

static const char *const mimes[] = { "application/pdf", "image/png", "image/jpeg",
				     "image/svg+xml" };

const char *material_mime(enum material_type t)
{
	return mimes[t];
}

static int say(char *why, size_t cap, const char *text)
{
	snprintf(why, cap, "%s", text);
	return -1;
}

/* The type the name's extension claims, or -1. */
static int claimed(const char *name)
{
	static const struct {
		const char *ext;
		enum material_type t;
	} exts[] = { { ".pdf", MATERIAL_PDF },
		     { ".png", MATERIAL_PNG },
		     { ".jpg", MATERIAL_JPEG },
		     { ".jpeg", MATERIAL_JPEG },
		     { ".svg", MATERIAL_SVG } };
	const char *dot = name ? strrchr(name, '.') : NULL;
	for (size_t i = 0; dot && i < sizeof(exts) / sizeof(exts[0]); i++)
		if (!strcasecmp(dot, exts[i].ext))
			return (int)exts[i].t;
	return -1;
}

int material_type_of(const char *data, size_t n, const char *name, enum material_type *t, char *why,
		     size_t cap)
{
	const unsigned char *u = (const unsigned char *)data;
	int by_name = claimed(name);
	if (n > MATERIAL_MAX_BYTES)
		return say(why, cap, "A file is 10 MiB at most.");
	if (by_name < 0)
		return say(why, cap, "The library takes PDF, PNG, JPEG and SVG files.");
	if (n >= 5 && !memcmp(data, "%PDF-", 5))
		*t = MATERIAL_PDF;
	else if (n >= 8 && !memcmp(data, "\x89PNG\r\n\x1a\n", 8))
		*t = MATERIAL_PNG;
	else if (n >= 3 && u[0] == 0xff && u[1] == 0xd8 && u[2] == 0xff)
		*t = MATERIAL_JPEG;
	else if (n && !svg_safe(data, n, why, cap))
		*t = MATERIAL_SVG;
	else if (by_name == MATERIAL_SVG && n && memchr(data, '<', n < 512 ? n : 512))
		return -1; /* an SVG, refused: svg_safe said why */
	else
		return say(why, cap,
			   "That file is not a PDF, PNG, JPEG or SVG, whatever its name.");
	if ((int)*t != by_name) {
		snprintf(why, cap, "That file is a %s, not what its name says.",
			 *t == MATERIAL_PDF    ? "PDF"
			 : *t == MATERIAL_PNG  ? "PNG"
			 : *t == MATERIAL_JPEG ? "JPEG"
					       : "SVG");
		return -1;
	}
	return 0;
}

static unsigned long be(const unsigned char *p, int n)
{
	unsigned long v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Width and height from a PNG's IHDR or a JPEG's frame header, read before
 * anything is decoded: a small file that would unpack to gigabytes (a
 * decompression bomb) is refused on its word.  0, or -1 when not found. */
static int image_size(const unsigned char *d, size_t n, unsigned long *w, unsigned long *h)
{
	if (n >= 24 && !memcmp(d, "\x89PNG", 4) && !memcmp(d + 12, "IHDR", 4)) {
		*w = be(d + 16, 4);
		*h = be(d + 20, 4);
		return 0;
	}
	for (size_t i = 2; n >= 4 && i + 9 < n;) {
		if (d[i] != 0xff)
			return -1;
		unsigned m = d[i + 1];
		if (m == 0xff) {
			i++;
			continue;
		}
		if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {
			*h = be(d + i + 5, 2);
			*w = be(d + i + 7, 2);
			return 0;
		}
		i += 2 + be(d + i + 2, 2);
	}
	return -1;
}

/* The picture alone, upright: NULL with why when it does not decode. */
static GdkPixbuf *decode(const char *data, size_t n, char *why, size_t cap)
{
	GError *err = NULL;
	GdkPixbufLoader *l = gdk_pixbuf_loader_new();
	GdkPixbuf *p = NULL;
	unsigned long w, h;
	int big = image_size((const unsigned char *)data, n, &w, &h) ||
		  (unsigned long long)w * h > IMAGE_MAX_PIXELS;
	if (!big && gdk_pixbuf_loader_write(l, (const guchar *)data, n, &err) &&
	    gdk_pixbuf_loader_close(l, &err)) {
		GdkPixbuf *raw = gdk_pixbuf_loader_get_pixbuf(l);
		/* the EXIF orientation is applied before the EXIF goes */
		p = raw ? gdk_pixbuf_apply_embedded_orientation(raw) : NULL;
	} else {
		gdk_pixbuf_loader_close(l, NULL);
	}
	if (big)
		snprintf(why, cap,
			 "The image is more than %d megapixels, or its size cannot be"
			 " read: make it smaller.",
			 IMAGE_MAX_PIXELS / 1000000);
	else if (!p)
		snprintf(why, cap, "The image could not be read: %s",
			 err ? err->message : "not an image");
	g_clear_error(&err);
	g_object_unref(l);
	return p;
}

static int save(GdkPixbuf *p, const char *format, struct buf *out, char *why, size_t cap)
{
	gchar *bytes = NULL;
	gsize len = 0;
	GError *err = NULL;
	gboolean ok =
	    !strcmp(format, "jpeg")
		? gdk_pixbuf_save_to_buffer(p, &bytes, &len, format, &err, "quality", "90", NULL)
		: gdk_pixbuf_save_to_buffer(p, &bytes, &len, format, &err, NULL);
	buf_init(out, MATERIAL_MAX_BYTES * 2);
	if (!ok || buf_add(out, bytes, len)) {
		snprintf(why, cap, "The image could not be written: %s",
			 err ? err->message : "too large");
		g_clear_error(&err);
		g_free(bytes);
		buf_release(out);
		return -1;
	}
	g_free(bytes);
	return 0;
}

int material_clean(const char *data, size_t n, enum material_type t, struct buf *out, char *why,
		   size_t cap)
{
	if (t != MATERIAL_PNG && t != MATERIAL_JPEG)
		return say(why, cap, "Only images are encoded again.");
	GdkPixbuf *p = decode(data, n, why, cap);
	if (!p)
		return -1;
	/* written by gdk-pixbuf with no metadata options: only the pixels go in */
	int rc = save(p, t == MATERIAL_PNG ? "png" : "jpeg", out, why, cap);
	g_object_unref(p);
	return rc;
}

static cairo_status_t collect(void *arg, const unsigned char *data, unsigned int n)
{
	return buf_add(arg, data, n) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

/* The first page drawn by poppler, THUMB_WIDTH wide on white; a PDF
 * poppler cannot open is no PDF to share. */
static int pdf_thumb(const char *data, size_t n, struct buf *out, char *why, size_t cap)
{
	GError *err = NULL;
	GBytes *bytes = g_bytes_new_static(data, n);
	PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &err);
	PopplerPage *page =
	    doc && poppler_document_get_n_pages(doc) > 0 ? poppler_document_get_page(doc, 0) : NULL;
	int rc = -1;
	double w = 0, h = 0;
	if (page)
		poppler_page_get_size(page, &w, &h);
	if (page && w > 0 && h > 0 && h / w < 4) {
		double k = THUMB_WIDTH / w;
		cairo_surface_t *s =
		    cairo_image_surface_create(CAIRO_FORMAT_RGB24, THUMB_WIDTH, (int)(h * k + 0.5));
		cairo_t *cr = cairo_create(s);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_paint(cr);
		cairo_scale(cr, k, k);
		poppler_page_render_for_printing(page, cr);
		buf_init(out, MATERIAL_MAX_BYTES);
		if (cairo_status(cr) == CAIRO_STATUS_SUCCESS &&
		    cairo_surface_write_to_png_stream(s, collect, out) == CAIRO_STATUS_SUCCESS)
			rc = 0;
		else
			buf_release(out);
		cairo_destroy(cr);
		cairo_surface_destroy(s);
	}
	if (rc)
		snprintf(why, cap, "The PDF could not be read%s%s.", err ? ": " : "",
			 err ? err->message : "");
	g_clear_error(&err);
	if (page)
		g_object_unref(page);
	if (doc)
		g_object_unref(doc);
	g_bytes_unref(bytes);
	return rc;
}

int material_thumb(const char *data, size_t n, enum material_type t, struct buf *out, char *why,
		   size_t cap)
{
	if (t == MATERIAL_PDF)
		return pdf_thumb(data, n, out, why, cap);
	if (t == MATERIAL_SVG) {
		GError *err = NULL;
		RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)data, n, &err);
		gdouble w = 0, hh = 0;
		if (!h || !rsvg_handle_get_intrinsic_size_in_pixels(h, &w, &hh) || w <= 0 ||
		    hh <= 0) {
			w = hh = THUMB_WIDTH; /* no size given: a square */
		}
		int tw = THUMB_WIDTH, th = (int)(THUMB_WIDTH * hh / w + 0.5);
		if (th < 1 || th > 4 * THUMB_WIDTH)
			th = THUMB_WIDTH;
		int rc = -1;
		if (h) {
			cairo_surface_t *s =
			    cairo_image_surface_create(CAIRO_FORMAT_ARGB32, tw, th);
			cairo_t *cr = cairo_create(s);
			RsvgRectangle vp = { 0, 0, tw, th };
			buf_init(out, MATERIAL_MAX_BYTES);
			if (rsvg_handle_render_document(h, cr, &vp, &err) &&
			    cairo_surface_write_to_png_stream(s, collect, out) ==
				CAIRO_STATUS_SUCCESS)
				rc = 0;
			else
				buf_release(out);
			cairo_destroy(cr);
			cairo_surface_destroy(s);
			g_object_unref(h);
		}
		if (rc)
			snprintf(why, cap, "The SVG could not be drawn: %s",
				 err ? err->message : "unknown error");
		g_clear_error(&err);
		return rc;
	}
	GdkPixbuf *p = decode(data, n, why, cap);
	if (!p)
		return -1;
	int w = gdk_pixbuf_get_width(p), h = gdk_pixbuf_get_height(p);
	int th = (int)((double)THUMB_WIDTH * h / w + 0.5);
	GdkPixbuf *small =
	    gdk_pixbuf_scale_simple(p, THUMB_WIDTH, th < 1 ? 1 : th, GDK_INTERP_BILINEAR);
	g_object_unref(p);
	if (!small)
		return say(why, cap, "The thumbnail could not be made.");
	int rc = save(small, "png", out, why, cap);
	g_object_unref(small);
	return rc;
}

int material_fit(const char *data, size_t n, int max_px, struct buf *out, int *png, char *why,
		 size_t cap)
{
	GdkPixbuf *p = decode(data, n, why, cap);
	if (!p)
		return -1;
	int w = gdk_pixbuf_get_width(p), h = gdk_pixbuf_get_height(p);
	double k = w > h ? (double)max_px / w : (double)max_px / h;
	if (k < 1) {
		GdkPixbuf *small = gdk_pixbuf_scale_simple(
		    p, (int)(w * k + 0.5) ? (int)(w * k + 0.5) : 1,
		    (int)(h * k + 0.5) ? (int)(h * k + 0.5) : 1, GDK_INTERP_BILINEAR);
		g_object_unref(p);
		if (!(p = small))
			return say(why, cap, "The picture could not be made smaller.");
	}
	/* a picture with see-through parts stays a PNG; a photo is a JPEG */
	*png = gdk_pixbuf_get_has_alpha(p);
	int rc = save(p, *png ? "png" : "jpeg", out, why, cap);
	g_object_unref(p);
	return rc;
}
