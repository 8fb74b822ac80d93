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

void map_svg_write(struct buf *out, const struct seats *seats, const struct nearest_answer *a)
{
	struct view v;
	const char *legend_done[NEAREST_MAX_LIMIT];
	size_t nlegend = 0;

	view_fit(&v, a);
	buf_printf(out,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" class=\"map\""
		   " role=\"img\" aria-labelledby=\"map-title map-desc\">"
		   "<title id=\"map-title\">Map of the marginal seats near %s</title>"
		   "<desc id=\"map-desc\">Numbered seats match the list. Coloured seats are"
		   " marginals, in the colour of the party that holds them; your seat has a"
		   " thick outline; the black dot is your postcode.</desc>"
		   "<rect width=\"100%%\" height=\"100%%\" class=\"sea\"/>",
		   v.w, v.h, a->where.pc.display);
	for (size_t i = 0; i < seats->n; i++) {
		const struct seat *s = &seats->seats[i];
		size_t rank = 0;
		if (s->boundary_set != a->election->boundary_set || s->maxx < v.minx ||
		    s->minx > v.maxx || s->maxy < v.miny || s->miny > v.maxy)
			continue;
		const struct marginal_hit *h = hit_of(a, s, &rank);
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
		buf_printf(out,
			   "<g class=\"label\" aria-hidden=\"true\"><circle cx=\"%.1f\" cy=\"%.1f\""
			   " r=\"10\"/><text x=\"%.1f\" y=\"%.1f\">%zu</text></g>",
			   x, y, x, y + 4, i + 1);
	}
	buf_printf(out,
		   "<circle class=\"you\" cx=\"%.1f\" cy=\"%.1f\" r=\"6\"><title>You: %s</title>"
		   "</circle>",
		   px(&v, a->where.lon), py(&v, a->where.lat), a->where.pc.display);

	/* legend: each winning party among the marginals once, then the symbols */
	int ly = 16;
	buf_puts(out, "<g class=\"legend\">");
	for (size_t i = 0; i < a->n; i++) {
		const char *code = a->hits[i].r->first;
		size_t k;
		for (k = 0; k < nlegend && strcmp(legend_done[k], code); k++)
			;
		if (k < nlegend)
			continue;
		legend_done[nlegend++] = code;
		buf_printf(out, "<rect x=\"8\" y=\"%d\" width=\"14\" height=\"14\" fill=\"%s\"/>"
				"<text x=\"28\" y=\"%d\">",
			   ly - 11, party_colour(code), ly);
		const char *name = result_party_name(code, a->hits[i].r->first_label);
		html_escape(out, name, strlen(name));
		buf_puts(out, " marginal</text>");
		ly += 20;
	}
	buf_printf(out,
		   "<circle class=\"you\" cx=\"15\" cy=\"%d\" r=\"6\"/>"
		   "<text x=\"28\" y=\"%d\">Your postcode</text>",
		   ly - 4, ly);
	if (a->own)
		buf_printf(out,
			   "<rect class=\"own\" x=\"8\" y=\"%d\" width=\"14\" height=\"14\"/>"
			   "<text x=\"28\" y=\"%d\">Your seat</text>",
			   ly + 9, ly + 20);
	buf_puts(out, "</g></svg>");
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
