#include "materials/render.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>
#include <stdio.h>
#include <string.h>

#include "util/buf.h"

#define PT_PER_MM (72.0 / 25.4)

static cairo_status_t collect(void *arg, const unsigned char *data, unsigned int n)
{
	return buf_add(arg, data, n) ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

static RsvgHandle *handle_of(const char *svg, size_t n, char *why, size_t cap)
{
	GError *err = NULL;
	/* no base file: librsvg loads nothing from the disk or the network */
	RsvgHandle *h = rsvg_handle_new_from_data((const guint8 *)svg, n, &err);
	if (!h) {
		snprintf(why, cap, "The template could not be drawn: %s",
			 err ? err->message : "unknown error");
		g_clear_error(&err);
	}
	return h;
}

/* Draws page (1…) of h into cr at (x, y) points, w × h points. */
static int draw_page(RsvgHandle *h, cairo_t *cr, const struct template_info *info, int page,
		     double x, double y, double w, double ht, char *why, size_t cap)
{
	RsvgRectangle vp = { x, y, w, ht };
	GError *err = NULL;
	char id[16];
	gboolean ok;
	if (info->npages > 1) {
		snprintf(id, sizeof(id), "#page%d", page);
		ok = rsvg_handle_render_layer(h, cr, id, &vp, &err);
	} else {
		ok = rsvg_handle_render_document(h, cr, &vp, &err);
	}
	if (!ok) {
		snprintf(why, cap, "The template could not be drawn: %s",
			 err ? err->message : "unknown error");
		g_clear_error(&err);
		return -1;
	}
	return 0;
}

static void crop_marks(cairo_t *cr, double b, double w, double h)
{
	cairo_save(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_set_line_width(cr, 0.25);
	double xs[2] = { b, b + w }, ys[2] = { b, b + h };
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++) {
			double x = xs[i], y = ys[j], dx = i ? 1 : -1, dy = j ? 1 : -1;
			cairo_move_to(cr, x + dx * 1, y);
			cairo_line_to(cr, x + dx * b, y);
			cairo_move_to(cr, x, y + dy * 1);
			cairo_line_to(cr, x, y + dy * b);
		}
	cairo_stroke(cr);
	cairo_restore(cr);
}

int render_pdf(const char *svg, size_t n, const struct template_info *info, int bleed,
	       struct buf *out, char *why, size_t cap)
{
	double w = info->width_mm * PT_PER_MM, h = info->height_mm * PT_PER_MM;
	double b = bleed ? RENDER_BLEED_MM * PT_PER_MM : 0;
	int rc = 0;
	buf_init(out, RENDER_OUT_MAX);
	RsvgHandle *hd = handle_of(svg, n, why, cap);
	if (!hd)
		return -1;
	cairo_surface_t *s =
	    cairo_pdf_surface_create_for_stream(collect, out, w + 2 * b, h + 2 * b);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "turnout");
	cairo_t *cr = cairo_create(s);
	for (int p = 1; p <= info->npages && !rc; p++) {
		rc = draw_page(hd, cr, info, p, b, b, w, h, why, cap);
		if (!rc && bleed)
			crop_marks(cr, b, w, h);
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (!rc && (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS || out->overflow)) {
		snprintf(why, cap, "The PDF could not be written.");
		rc = -1;
	}
	cairo_surface_destroy(s);
	g_object_unref(hd);
	if (rc)
		buf_release(out);
	return rc;
}

int render_png(const char *svg, size_t n, const struct template_info *info, int dpi,
	       struct buf *out, char *why, size_t cap)
{
	if (dpi < 36 || dpi > 300) {
		snprintf(why, cap, "A web image is 36 to 300 dots an inch.");
		return -1;
	}
	int w = (int)(info->width_mm / 25.4 * dpi + 0.5),
	    h = (int)(info->height_mm / 25.4 * dpi + 0.5);
	int rc;
	buf_init(out, RENDER_OUT_MAX);
	RsvgHandle *hd = handle_of(svg, n, why, cap);
	if (!hd)
		return -1;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
	cairo_t *cr = cairo_create(s);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	rc = draw_page(hd, cr, info, 1, 0, 0, w, h, why, cap);
	cairo_destroy(cr);
	if (!rc && (cairo_surface_write_to_png_stream(s, collect, out) != CAIRO_STATUS_SUCCESS ||
		    out->overflow)) {
		snprintf(why, cap, "The image could not be written.");
		rc = -1;
	}
	cairo_surface_destroy(s);
	g_object_unref(hd);
	if (rc)
		buf_release(out);
	return rc;
}
