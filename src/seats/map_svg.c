#include "seats/map_svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "geo/geo.h"
#include "tmpl/tmpl.h"

struct view {
	double lon0, lat1, kx, ky; /* x = (lon - lon0) * kx, y = (lat1 - lat) * ky */
	double minx, miny, maxx, maxy;
	int w, h;
};

static double px(const struct view *v, double lon) { return (lon - v->lon0) * v->kx; }
static double py(const struct view *v, double lat) { return (v->lat1 - lat) * v->ky; }

/* The view around a box of points (degrees), with a margin. */
static void view_fit_box(struct view *v, double minx, double maxx, double miny, double maxy)
{
	double cosl = cos((miny + maxy) / 2 * M_PI / 180);
	/* at least 30 km across, and a margin so edge seats are not cut */
	double half_lat = fmax((maxy - miny) / 2 * 1.2, 15.0 / 111.0);
	double half_lon = fmax((maxx - minx) / 2 * 1.2, 15.0 / (111.0 * cosl));
	double cx = (minx + maxx) / 2, cy = (miny + maxy) / 2;

	/* no taller than 1.25 times the width */
	if (half_lat > half_lon * cosl * 1.25)
		half_lon = half_lat / (cosl * 1.25);
	v->minx = cx - half_lon;
	v->maxx = cx + half_lon;
	v->miny = cy - half_lat;
	v->maxy = cy + half_lat;
	v->w = MAP_WIDTH;
	v->kx = v->w / (v->maxx - v->minx);
	v->ky = v->kx / cosl;
	v->h = (int)ceil((v->maxy - v->miny) * v->ky);
	v->lon0 = v->minx;
	v->lat1 = v->maxy;
}

static void view_fit(struct view *v, const struct nearest_answer *a)
{
	double minx = a->where.lon, maxx = minx, miny = a->where.lat, maxy = miny;

	for (size_t i = 0; i < a->n; i++) {
		const struct seat *s = a->hits[i].r->seat;
		minx = fmin(minx, s->lon);
		maxx = fmax(maxx, s->lon);
		miny = fmin(miny, s->lat);
		maxy = fmax(maxy, s->lat);
	}
	view_fit_box(v, minx, maxx, miny, maxy);
}

static void path(struct buf *out, const struct view *v, const struct seat *s)
{
	buf_puts(out, " d=\"");
	for (size_t r = 0; r < s->nrings; r++) {
		const float *p = s->rings[r];
		for (size_t i = 0; i < s->ring_len[r]; i++)
			buf_printf(out, "%c%.1f %.1f", i ? 'L' : 'M', px(v, p[2 * i]),
				   py(v, p[2 * i + 1]));
		buf_putc(out, 'Z');
	}
	buf_putc(out, '"');
}

static const struct marginal_hit *hit_of(const struct nearest_answer *a, const struct seat *s,
					 size_t *rank)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->hits[i].r->seat == s) {
			*rank = i + 1;
			return &a->hits[i];
		}
	return NULL;
}

/* A spot already taken by a label, so place names never cover one. */
struct spot {
	double x, y, w;
};

static int spot_free(const struct spot *taken, size_t n, double x, double y, double w)
{
	for (size_t i = 0; i < n; i++)
		if (fabs(taken[i].x - x) < (taken[i].w + w) / 2 + 8 && fabs(taken[i].y - y) < 26)
			return 0;
	return 1;
}

#define MAP_PLACES 8 /* names of neighbouring seats, for orientation */
#define PLACE_CHARS 22 /* bytes of a place name drawn, cut on a character */

static size_t place_len(const char *name)
{
	size_t n = strlen(name);
	if (n <= PLACE_CHARS)
		return n;
	n = PLACE_CHARS;
	while (n && ((unsigned char)name[n] & 0xC0) == 0x80)
		n--;
	return n;
}

void map_svg_write(struct buf *out, const struct seats *seats, const struct nearest_answer *a)
{
	struct view v;
	struct spot taken[NEAREST_MAX_LIMIT + MAP_PLACES + 1];
	size_t ntaken = 0;
	int linked = a->election->boundary_set == 2024; /* seat pages are for 2024 seats */

	view_fit(&v, a);
	buf_printf(out,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" class=\"map\""
		   " role=\"group\" aria-labelledby=\"map-title map-desc\">"
		   "<title id=\"map-title\">Map of the marginal seats near %s</title>"
		   "<desc id=\"map-desc\">Numbered seats match the list%s. Coloured seats are"
		   " marginals, in the colour of the party that holds them; your seat has a"
		   " thick outline; the black dot is your postcode.</desc>"
		   "<rect width=\"100%%\" height=\"100%%\" class=\"sea\"/>",
		   v.w, v.h, a->where.pc.display, linked ? " and open their pages" : "");
	for (size_t i = 0; i < seats->n; i++) {
		const struct seat *s = &seats->seats[i];
		size_t rank = 0;
		if (s->boundary_set != a->election->boundary_set || s->maxx < v.minx ||
		    s->minx > v.maxx || s->maxy < v.miny || s->miny > v.maxy)
			continue;
		const struct marginal_hit *h = hit_of(a, s, &rank);
		if (h && linked) {
			buf_printf(out, "<a href=\"/seats/%s\" aria-label=\"", s->code);
			html_escape(out, s->name, strlen(s->name));
			buf_printf(out, ", number %zu\">", rank);
		}
		buf_puts(out, "<path");
		path(out, &v, s);
		if (h)
			buf_printf(out, " class=\"seat marginal\" fill=\"%s\"",
				   party_colour(h->r->first));
		else
			buf_puts(out, " class=\"seat\"");
		buf_puts(out, "><title>");
		html_escape(out, s->name, strlen(s->name));
		if (h)
			buf_printf(out, " (%zu): %s majority %ld, %.1f%%", rank,
				   result_party_name(h->r->first, h->r->first_label), h->r->majority,
				   h->r->majority_pct);
		buf_puts(out, "</title></path>");
		if (h && linked)
			buf_puts(out, "</a>");
	}
	if (a->own) {
		buf_puts(out, "<path");
		path(out, &v, a->own);
		buf_puts(out, " class=\"own\"><title>Your seat: ");
		html_escape(out, a->own->name, strlen(a->own->name));
		buf_puts(out, "</title></path>");
	}
	for (size_t i = 0; i < a->n; i++) {
		const struct seat *s = a->hits[i].r->seat;
		double x = px(&v, s->lon), y = py(&v, s->lat);
		taken[ntaken++] = (struct spot){ x, y, 36 };
		buf_printf(out,
			   "<g class=\"label\" aria-hidden=\"true\"><circle cx=\"%.1f\" cy=\"%.1f\""
			   "/><text x=\"%.1f\" y=\"%.1f\">%zu</text></g>",
			   x, y, x, y, i + 1);
	}
	/* names of the largest seats around that carry no number, for orientation;
	 * a seat named already has its spot taken, so it is not chosen again */
	for (size_t named = 0; named < MAP_PLACES; named++) {
		const struct seat *best = NULL;
		double best_area = 0;
		for (size_t i = 0; i < seats->n; i++) {
			const struct seat *s = &seats->seats[i];
			size_t rank;
			double x = px(&v, s->lon), y = py(&v, s->lat);
			double area = (s->maxx - s->minx) * (s->maxy - s->miny);
			if (s->boundary_set != a->election->boundary_set || hit_of(a, s, &rank) ||
			    x < 60 || x > v.w - 60 || y < 20 || y > v.h - 20 || area <= best_area)
				continue;
			if (spot_free(taken, ntaken, x, y, 7.0 * (double)place_len(s->name))) {
				best = s;
				best_area = area;
			}
		}
		if (!best)
			break;
		double x = px(&v, best->lon), y = py(&v, best->lat);
		double w = 7.0 * (double)place_len(best->name);
		taken[ntaken++] = (struct spot){ x, y, w };
		buf_printf(out, "<text class=\"place\" x=\"%.1f\" y=\"%.1f\" aria-hidden=\"true\">", x,
			   y);
		html_escape(out, best->name, place_len(best->name));
		buf_puts(out, place_len(best->name) < strlen(best->name) ? "…</text>" : "</text>");
	}
	buf_printf(out,
		   "<circle class=\"you\" cx=\"%.1f\" cy=\"%.1f\" r=\"6\"><title>You: %s</title>"
		   "</circle></svg>",
		   px(&v, a->where.lon), py(&v, a->where.lat), a->where.pc.display);
}

void map_svg_sessions(struct buf *out, const struct seats *seats, double lat, double lon,
		      const struct map_dot *dots, size_t n)
{
	struct view v;
	double minx = lon, maxx = lon, miny = lat, maxy = lat;

	for (size_t i = 0; i < n; i++) {
		minx = fmin(minx, dots[i].lon);
		maxx = fmax(maxx, dots[i].lon);
		miny = fmin(miny, dots[i].lat);
		maxy = fmax(maxy, dots[i].lat);
	}
	view_fit_box(&v, minx, maxx, miny, maxy);
	buf_printf(out,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" class=\"map\""
		   " role=\"group\" aria-labelledby=\"smap-title\"><title id=\"smap-title\">Map of"
		   " the sessions found: the numbers match the list and open each session; the"
		   " black dot is the postcode searched from</title>"
		   "<rect width=\"100%%\" height=\"100%%\" class=\"sea\"/>",
		   v.w, v.h);
	for (size_t i = 0; i < seats->n; i++) {
		const struct seat *s = &seats->seats[i];
		if (s->boundary_set != 2024 || s->maxx < v.minx || s->minx > v.maxx ||
		    s->maxy < v.miny || s->miny > v.maxy)
			continue;
		buf_puts(out, "<path");
		path(out, &v, s);
		buf_puts(out, " class=\"seat\"><title>");
		html_escape(out, s->name, strlen(s->name));
		buf_puts(out, "</title></path>");
	}
	buf_printf(out, "<circle class=\"you\" cx=\"%.1f\" cy=\"%.1f\" r=\"6\"/>", px(&v, lon),
		   py(&v, lat));
	/* the last first, so the first of several at one place is on top */
	for (size_t k = n; k-- > 0;) {
		double x = px(&v, dots[k].lon), y = py(&v, dots[k].lat);
		buf_printf(out, "<a href=\"/events/%ld\" aria-label=\"%zu: ", dots[k].id, k + 1);
		html_escape(out, dots[k].title, strlen(dots[k].title));
		buf_printf(out,
			   "\"><g class=\"label session\"><circle cx=\"%.1f\" cy=\"%.1f\"/>"
			   "<text x=\"%.1f\" y=\"%.1f\">%zu</text></g></a>",
			   x, y, x, y, k + 1);
	}
	buf_puts(out, "</svg>");
}

void coverage_colour(double c, char out[8])
{
	/* red #d7301f -> amber #fdae61 -> green #1a9850 */
	static const int stops[3][3] = { { 0xd7, 0x30, 0x1f }, { 0xfd, 0xae, 0x61 }, { 0x1a, 0x98, 0x50 } };
	if (c < 0)
		c = 0;
	if (c > 1)
		c = 1;
	int k = c < 0.5 ? 0 : 1;
	double f = c < 0.5 ? c * 2 : (c - 0.5) * 2;
	int rgb[3];
	for (int i = 0; i < 3; i++)
		rgb[i] = (int)(stops[k][i] + (stops[k + 1][i] - stops[k][i]) * f + 0.5);
	snprintf(out, 8, "#%02x%02x%02x", rgb[0], rgb[1], rgb[2]);
}

void map_svg_coverage(struct buf *out, const struct seats *seats,
		      const struct coverage_mark *marks, size_t n)
{
	struct view v;

	/* Great Britain and Northern Ireland: about 8.7 W to 1.8 E, 49.8 to 60.9 N */
	v.minx = -8.7;
	v.maxx = 1.8;
	v.miny = 49.8;
	v.maxy = 60.9;
	double cosl = cos(55.0 * M_PI / 180);
	v.w = 480;
	v.kx = v.w / (v.maxx - v.minx);
	v.ky = v.kx / cosl;
	v.h = (int)ceil((v.maxy - v.miny) * v.ky);
	v.lon0 = v.minx;
	v.lat1 = v.maxy;
	buf_printf(out,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" class=\"map\""
		   " role=\"img\" aria-labelledby=\"cov-title\"><title id=\"cov-title\">Coverage of"
		   " marginal and target seats: red has no hours pledged, green has the hours it"
		   " needs</title><rect width=\"100%%\" height=\"100%%\" class=\"sea\"/>",
		   v.w, v.h);
	for (size_t i = 0; i < seats->n; i++) {
		const struct seat *s = &seats->seats[i];
		if (s->boundary_set != 2024)
			continue;
		const struct coverage_mark *m = NULL;
		for (size_t k = 0; k < n && !m; k++)
			if (marks[k].seat == s)
				m = &marks[k];
		buf_puts(out, "<path");
		path(out, &v, s);
		if (m) {
			char colour[8];
			coverage_colour(m->coverage, colour);
			buf_printf(out, " class=\"seat marginal\" fill=\"%s\"><title>", colour);
			html_escape(out, s->name, strlen(s->name));
			buf_printf(out, ": %.0f%% covered</title></path>", m->coverage * 100);
		} else {
			buf_puts(out, " class=\"seat\"/>");
		}
	}
	buf_puts(out, "</svg>");
}
