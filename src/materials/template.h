/*
 * Leaflet templates: an SVG whose elements marked data-slot are filled by a
 * group (text with a most-characters limit and a shrink-to-fit rule, a QR
 * code of a link, an <image> a picture fills), with one text marked data-imprint that always
 * carries the legally required imprint (promoter's name and address) and cannot be left out or
 * emptied, and locked layers (data-locked) no one fills. Pages are top-level groups with
 * id="page1", id="page2"…
 *
 * A template is refused unless it is safe to render on the server: no
 * script, foreignObject, event attributes, external references (only
 * "#id" and data:image/png or jpeg links), DTDs or entities.
 *
 * Parsing and filling use libxml2 (nothing is read from the network or the
 * disk); rendering is materials/render.h.
 */
#ifndef TURNOUT_TEMPLATE_H
#define TURNOUT_TEMPLATE_H

#include <stddef.h>

#define TEMPLATE_MAX_BYTES (8u << 20) /* a filled one holds its pictures */
#define TEMPLATE_SLOTS_MAX 24
#define TEMPLATE_PAGES_MAX 4
#define SLOT_NAME_MAX	   32
#define IMPRINT_MAX	   300

enum slot_kind { SLOT_TEXT, SLOT_QR, SLOT_IMAGE };

struct slot_def {
	char name[SLOT_NAME_MAX + 1];
	enum slot_kind kind;
	int max_chars; /* text: refused past this */
	int fit_at;    /* text: shrinks past this many characters (0: never) */
	double font_size;
};

struct tmpl_doc; /* a parsed, checked template */

struct template_info {
	double width_mm, height_mm;
	int npages;
	int nslots;
	struct slot_def slots[TEMPLATE_SLOTS_MAX];
};

/* Parses and checks n bytes of SVG: 0 and *out (template_free it) with
 * info, or -1 with why. */
int template_parse(const char *svg, size_t n, struct tmpl_doc **out, struct template_info *info,
		   char *why, size_t cap);
void template_free(struct tmpl_doc *t);

struct slot_value {
	const char *name, *value;
};
/*
 * Fills a copy of the template: each slot with its value (a slot left out
 * keeps the template's own text; a QR slot needs its link; an image slot
 * takes a data:image/png or jpeg URI), the imprint
 * with imprint (required, plain text).  The SVG into *svg (free() it).
 * 0, or -1 with why (an unknown slot, text over its limit, an empty
 * imprint).
 */
int template_fill(const struct tmpl_doc *t, const struct slot_value *v, size_t n,
		  const char *imprint, char **svg, size_t *len, char *why, size_t cap);

/* 0 when an SVG holds nothing that runs or loads (checked as templates
 * are, without their slots and imprint), else -1 with why. */
int svg_safe(const char *svg, size_t n, char *why, size_t cap);

/* The font size a text slot gets for a value of len characters: its own,
 * shrunk in proportion past fit_at, never below 60% of it (so a slot takes
 * at most fit_at * 5/3 characters; more would overflow).  Pure. */
double slot_fit(double font_size, size_t len, int fit_at);

#endif
