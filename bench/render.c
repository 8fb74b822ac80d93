/*
 * make bench: a leaflet from a template (issue 14's floor: a two-page A5
 * leaflet to PDF in ≤ 1 s on one core).  The test leaflet
 * (tests/fixtures/materials/leaflet.svg: text slots, a QR code of a
 * session's sign-up page, the imprint) filled and drawn to PDF, and its
 * first page to a 150 dpi PNG, 20 times each; the median and the slowest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "materials/render.h"
#include "materials/template.h"
#include "util/buf.h"
#include "util/file.h"

#define RUNS 20

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "tests/fixtures/materials/leaflet.svg";
	struct buf in;
	char why[256];
	double pdf_t[RUNS], png_t[RUNS];
	size_t bytes = 0;
	buf_init(&in, TEMPLATE_MAX_BYTES);
	if (file_read_all(path, &in, why, sizeof(why))) {
		fprintf(stderr, "bench/render: %s\n", why);
		return 1;
	}
	struct slot_value v[] = { { "headline", "Doors in Derby North" },
				  { "when", "Saturday 5 December, 10:00" },
				  { "where", "Church hall, DE22 1AE" },
				  { "signup", "https://turnout.example/events/7?ref=abc123" },
				  { "contact", "derby@turnout.example" } };
	for (int i = 0; i < RUNS; i++) {
		struct tmpl_doc *t;
		struct template_info info;
		struct buf pdf, png;
		char *svg;
		size_t n;
		double a = now();
		if (template_parse(in.p, in.len, &t, &info, why, sizeof(why)) ||
		    template_fill(t, v, 5, "Promoted by Ann Agent, 1 High Street, Derby DE1 1AA",
				  &svg, &n, why, sizeof(why)) ||
		    render_pdf(svg, n, &info, 1, &pdf, why, sizeof(why))) {
			fprintf(stderr, "bench/render: %s\n", why);
			return 1;
		}
		double b = now();
		if (render_png(svg, n, &info, 150, &png, why, sizeof(why))) {
			fprintf(stderr, "bench/render: %s\n", why);
			return 1;
		}
		pdf_t[i] = (b - a) * 1000;
		png_t[i] = (now() - b) * 1000;
		bytes = pdf.len;
		buf_release(&pdf);
		buf_release(&png);
		free(svg);
		template_free(t);
	}
	qsort(pdf_t, RUNS, sizeof(pdf_t[0]), by_value);
	qsort(png_t, RUNS, sizeof(png_t[0]), by_value);
	printf("| a 2-page A5 leaflet to PDF (parse, fill, QR, draw, with bleed) | median %.1f ms,"
	       " slowest %.1f ms | %zu bytes | floor 1 s on one core |\n",
	       pdf_t[RUNS / 2], pdf_t[RUNS - 1], bytes);
	printf("| its first page to a 150 dpi PNG | median %.1f ms, slowest %.1f ms | 874 × 1240 | "
	       "|\n",
	       png_t[RUNS / 2], png_t[RUNS - 1]);
	buf_release(&in);
	return 0;
}
