/*
 * A filled template (materials/template.h) drawn by librsvg onto cairo: a
 * print-ready PDF (each page its own, at the template's size, optionally
 * with 3 mm of bleed and crop marks around it) and a PNG of the first page
 * for the web.  Text is set in the packaged DejaVu fonts.
 */
#ifndef TURNOUT_RENDER_H
#define TURNOUT_RENDER_H

#include <stddef.h>

#include "materials/template.h"

struct buf;

#define RENDER_BLEED_MM 3.0
#define RENDER_OUT_MAX	(32u << 20)

/* 0 and the PDF in *out (buf_init'd here), or -1 with why. */
int render_pdf(const char *svg, size_t n, const struct template_info *info, int bleed,
	       struct buf *out, char *why, size_t cap);
/* The first page at dpi (36 to 300) as PNG: 0, or -1 with why. */
int render_png(const char *svg, size_t n, const struct template_info *info, int dpi,
	       struct buf *out, char *why, size_t cap);

#endif
