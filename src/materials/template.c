#include "materials/template.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/utf8.h"

struct tmpl_doc {
	xmlDocPtr doc;
};

static int say(char *why, size_t cap, const char *text)
{
	snprintf(why, cap, "%s", text);
	return -1;
}

double slot_fit(double font_size, size_t len, int fit_at)
{
	if (fit_at <= 0 || len <= (size_t)fit_at)
		return font_size;
	double s = font_size * (double)fit_at / (double)len;
	return s < font_size * 0.6 ? font_size * 0.6 : s;
}

static const char *attr(xmlNodePtr n, const char *name)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		if (!a->ns && !strcmp((const char *)a->name, name) && a->children)
			return (const char *)a->children->content;
	return NULL;
}

/* "148mm", "210mm": millimetres, or -1. */
static double mm_of(const char *v)
{
	char *end;
	double d = v ? strtod(v, &end) : -1;
	if (!v || d <= 0 || d > 2000 || strcmp(end, "mm"))
		return -1;
	return d;
}

/* A link the renderer may follow: within the document, or an embedded image. */
static int link_ok(const char *v)
{
	return v[0] == '#' || !strncmp(v, "data:image/png;base64,", 22) ||
	       !strncmp(v, "data:image/jpeg;base64,", 23);
}

struct walk {
	struct template_info *info;
	int imprints;
	char *why;
	size_t cap;
};

/* Checks one element and those under it; collects the slots. */
static int check(xmlNodePtr n, struct walk *w, int depth)
{
	static const char *const banned[] = { "script", "foreignObject", "iframe", "object",
					      "embed",	"audio",	 "video",  "handler" };
	if (depth > 64)
		return say(w->why, w->cap, "The template nests too deeply.");
	for (; n; n = n->next) {
		if (n->type == XML_ENTITY_REF_NODE || n->type == XML_DTD_NODE ||
		    n->type == XML_ENTITY_DECL)
			return say(w->why, w->cap, "A template may not declare or use entities.");
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *name = (const char *)n->name;
		for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
			if (!strcasecmp(name, banned[i])) {
				snprintf(w->why, w->cap, "A template may not hold a <%s>.", name);
				return -1;
			}
		for (xmlAttrPtr a = n->properties; a; a = a->next) {
			const char *an = (const char *)a->name;
			const char *av = a->children ? (const char *)a->children->content : "";
			if (!strncasecmp(an, "on", 2))
				return say(
				    w->why, w->cap,
				    "A template may not hold event attributes (onload, onclick…).");
			if (!strcmp(an, "href") && !link_ok(av))
				return say(
				    w->why, w->cap,
				    "A template may link only within itself or to an embedded"
				    " PNG or JPEG: no external references.");
			if ((!strcmp(an, "style") || !strcmp(an, "fill") || !strcmp(an, "stroke") ||
			     !strcmp(an, "filter") || !strcmp(an, "mask") ||
			     !strcmp(an, "clip-path")) &&
			    strstr(av, "url(") && !strstr(av, "url(#"))
				return say(w->why, w->cap,
					   "A template may not load anything by url().");
		}
		if (!strcmp(name, "style")) {
			xmlChar *css = xmlNodeGetContent(n);
			int bad = css && (strstr((const char *)css, "@import") ||
					  (strstr((const char *)css, "url(") &&
					   !strstr((const char *)css, "url(#")));
			xmlFree(css);
			if (bad)
				return say(w->why, w->cap,
					   "A template's style may not import or load anything.");
		}
		const char *slot = attr(n, "data-slot");
		if (attr(n, "data-imprint")) {
			if (strcmp(name, "text"))
				return say(w->why, w->cap, "The imprint is a <text> element.");
			if (slot || attr(n, "data-locked"))
				return say(w->why, w->cap,
					   "The imprint is neither a slot nor locked away.");
			w->imprints++;
		}
		if (slot) {
			struct template_info *t = w->info;
			if (attr(n, "data-locked"))
				return say(w->why, w->cap, "A locked layer cannot be a slot.");
			if (t->nslots == TEMPLATE_SLOTS_MAX)
				return say(w->why, w->cap, "A template has at most 24 slots.");
			if (!*slot || strlen(slot) > SLOT_NAME_MAX ||
			    strspn(slot, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(slot))
				return say(w->why, w->cap,
					   "A slot's name is up to 32 lower-case letters, digits, "
					   "- or _.");
			for (int i = 0; i < t->nslots; i++)
				if (!strcmp(t->slots[i].name, slot))
					return say(w->why, w->cap, "Each slot is named once.");
			struct slot_def *s = &t->slots[t->nslots];
			memset(s, 0, sizeof(*s));
			snprintf(s->name, sizeof(s->name), "%s", slot);
			const char *kind = attr(n, "data-kind");
			if (kind && !strcmp(kind, "qr")) {
				if (strcmp(name, "rect"))
					return say(w->why, w->cap,
						   "A QR code slot is a <rect> the code fills.");
				s->kind = SLOT_QR;
			} else if (kind && !strcmp(kind, "image")) {
				const char *ws = attr(n, "width"), *hs = attr(n, "height");
				if (strcmp(name, "image") || !ws || !hs || atof(ws) <= 0 ||
				    atof(hs) <= 0)
					return say(w->why, w->cap,
						   "An image slot is an <image> with a width and a"
						   " height the picture fills.");
				s->kind = SLOT_IMAGE;
			} else if (!kind || !strcmp(kind, "text")) {
				if (strcmp(name, "text"))
					return say(w->why, w->cap,
						   "A text slot is a <text> element.");
				const char *max = attr(n, "data-max"),
					   *fit = attr(n, "data-fit-at");
				const char *fs = attr(n, "font-size");
				s->kind = SLOT_TEXT;
				s->max_chars = max ? atoi(max) : 0;
				s->fit_at = fit ? atoi(fit) : 0;
				s->font_size = fs ? atof(fs) : 0;
				if (s->max_chars < 1 || s->max_chars > 2000 || s->fit_at < 0 ||
				    s->fit_at > s->max_chars || (s->fit_at && s->font_size <= 0))
					return say(
					    w->why, w->cap,
					    "A text slot says its most characters (data-max, 1 to"
					    " 2,000), and a font-size when it shrinks to fit"
					    " (data-fit-at).");
			} else {
				return say(w->why, w->cap, "A slot's kind is text, qr or image.");
			}
			t->nslots++;
		}
		const char *id = attr(n, "id");
		if (depth == 1 && id && !strncmp(id, "page", 4) && strlen(id) == 5 &&
		    id[4] >= '1' && id[4] <= '0' + TEMPLATE_PAGES_MAX) {
			if (id[4] - '0' != w->info->npages + 1)
				return say(w->why, w->cap,
					   "Pages are groups page1, page2… in order.");
			w->info->npages++;
		}
		if (check(n->children, w, depth + 1))
			return -1;
	}
	return 0;
}

int template_parse(const char *svg, size_t n, struct tmpl_doc **out, struct template_info *info,
		   char *why, size_t cap)
{
	memset(info, 0, sizeof(*info));
	*out = NULL;
	if (n > TEMPLATE_MAX_BYTES)
		return say(why, cap, "A template is 8 MiB at most.");
	if (!utf8_valid(svg, n))
		return say(why, cap, "A template is UTF-8 text.");
	/* no network, no DTD, no entity expansion: what is in the file is all there is */
	xmlDocPtr doc = xmlReadMemory(svg, (int)n, "template.svg", "UTF-8",
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root || strcmp((const char *)root->name, "svg")) {
		xmlFreeDoc(doc);
		return say(why, cap, "That is not an SVG file.");
	}
	if (doc->intSubset || doc->extSubset) {
		xmlFreeDoc(doc);
		return say(why, cap, "A template may not declare or use entities.");
	}
	info->width_mm = mm_of(attr(root, "width"));
	info->height_mm = mm_of(attr(root, "height"));
	if (info->width_mm < 0 || info->height_mm < 0 || !attr(root, "viewBox")) {
		xmlFreeDoc(doc);
		return say(why, cap,
			   "The SVG gives its page size in millimetres (width=\"148mm\""
			   " height=\"210mm\") and a viewBox.");
	}
	struct walk w = { info, 0, why, cap };
	if (check(root->children, &w, 1)) {
		xmlFreeDoc(doc);
		return -1;
	}
	if (w.imprints != 1) {
		xmlFreeDoc(doc);
		return say(why, cap,
			   w.imprints
			       ? "A template has one imprint."
			       : "A template needs its imprint: a <text data-imprint=\"true\">"
				 " for the promoter's name and address.");
	}
	if (!info->npages)
		info->npages = 1;
	*out = calloc(1, sizeof(**out));
	(*out)->doc = doc;
	return 0;
}

void template_free(struct tmpl_doc *t)
{
	if (!t)
		return;
	xmlFreeDoc(t->doc);
	free(t);
}

static void set_text(xmlNodePtr n, const char *text)
{
	xmlNodePtr c = n->children;
	while (c) {
		xmlNodePtr next = c->next;
		xmlUnlinkNode(c);
		xmlFreeNode(c);
		c = next;
	}
	xmlNodeAddContent(n, (const xmlChar *)text); /* escaped on output */
}

/* A QR code of link drawn into the rect's place: black modules on white. */
static int put_qr(xmlNodePtr rect, const char *link, char *why, size_t cap)
{
	const char *xs = attr(rect, "x"), *ys = attr(rect, "y"), *ws = attr(rect, "width");
	double x = xs ? atof(xs) : 0, y = ys ? atof(ys) : 0, size = ws ? atof(ws) : 0;
	if (size <= 0)
		return say(why, cap, "A QR code slot's rect needs a width.");
	QRcode *q = QRcode_encodeString(link, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return say(why, cap, "That link cannot be made into a QR code.");
	/* a quiet zone of 4 modules, as the standard asks */
	int quiet = 4, side = q->width + 2 * quiet;
	double m = size / side;
	xmlNodePtr g = xmlNewNode(NULL, (const xmlChar *)"g");
	xmlNodePtr bg = xmlNewChild(g, NULL, (const xmlChar *)"rect", NULL);
	char buf[64];
	snprintf(buf, sizeof(buf), "%.3f", x);
	xmlNewProp(bg, (const xmlChar *)"x", (const xmlChar *)buf);
	snprintf(buf, sizeof(buf), "%.3f", y);
	xmlNewProp(bg, (const xmlChar *)"y", (const xmlChar *)buf);
	snprintf(buf, sizeof(buf), "%.3f", size);
	xmlNewProp(bg, (const xmlChar *)"width", (const xmlChar *)buf);
	xmlNewProp(bg, (const xmlChar *)"height", (const xmlChar *)buf);
	xmlNewProp(bg, (const xmlChar *)"fill", (const xmlChar *)"#fff");
	/* one path for every dark module: small files, crisp print */
	size_t cap_d = (size_t)q->width * (size_t)q->width * 40 + 1, used = 0;
	char *d = malloc(cap_d);
	d[0] = '\0';
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1) {
				int wr =
				    snprintf(d + used, cap_d - used, "M%.3f %.3fh%.3fv%.3fh-%.3fz",
					     x + (c + quiet) * m, y + (r + quiet) * m, m, m, m);
				used += wr > 0 ? (size_t)wr : 0;
			}
	xmlNodePtr path = xmlNewChild(g, NULL, (const xmlChar *)"path", NULL);
	xmlNewProp(path, (const xmlChar *)"d", (const xmlChar *)d);
	xmlNewProp(path, (const xmlChar *)"fill", (const xmlChar *)"#000");
	free(d);
	QRcode_free(q);
	xmlReplaceNode(rect, g);
	xmlFreeNode(rect);
	return 0;
}

/* A text slot's (or the imprint's) value, within its limits, its size fitted. */
static int put_text(xmlNodePtr n, const char *slot, const char *val, char *why, size_t cap)
{
	const char *max = attr(n, "data-max"), *fit = attr(n, "data-fit-at");
	const char *fs = attr(n, "font-size");
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)val; *p; p++)
		chars += (*p & 0xc0) != 0x80;
	if (plain_text_why(val, 2000) && *val) {
		snprintf(why, cap, "\"%s\": %s.", slot, plain_text_why(val, 2000));
		return -1;
	}
	/* shrunk to its smallest it must still fit: past that it overflows */
	if (fit && atoi(fit) > 0 && chars > (size_t)atoi(fit) * 5 / 3) {
		snprintf(why, cap,
			 "\"%s\" fits %d characters at most, even set smaller: that is"
			 " %zu (it would overflow its space).",
			 slot, atoi(fit) * 5 / 3, chars);
		return -1;
	}
	if (max && chars > (size_t)atoi(max)) {
		snprintf(why, cap,
			 "\"%s\" holds %d characters at most: that is %zu (it would"
			 " overflow its space).",
			 slot, atoi(max), chars);
		return -1;
	}
	if (fit && fs) {
		char size[32];
		snprintf(size, sizeof(size), "%.2f", slot_fit(atof(fs), chars, atoi(fit)));
		xmlSetProp(n, (const xmlChar *)"font-size", (const xmlChar *)size);
	}
	set_text(n, val);
	return 0;
}

struct filling {
	const struct slot_value *v;
	size_t n;
	const char *imprint;
	int *used;
	char *why;
	size_t cap;
};

static int fill(xmlNodePtr n, struct filling *f)
{
	for (xmlNodePtr next; n; n = next) {
		next = n->next;
		if (n->type != XML_ELEMENT_NODE)
			continue;
		const char *slot = attr(n, "data-slot");
		if (attr(n, "data-imprint")) {
			if (put_text(n, "the imprint", f->imprint, f->why, f->cap))
				return -1;
			continue;
		}
		if (slot) {
			size_t i = 0;
			while (i < f->n && strcmp(f->v[i].name, slot))
				i++;
			const char *kind = attr(n, "data-kind");
			int qr = kind && !strcmp(kind, "qr"), image = kind && !strcmp(kind, "image");
			if (i == f->n) {
				if (qr) {
					snprintf(f->why, f->cap,
						 "The QR code \"%s\" needs its link.", slot);
					return -1;
				}
				continue;
			}
			f->used[i] = 1;
			const char *val = f->v[i].value;
			if (qr) {
				if (strncmp(val, "https://", 8) && strncmp(val, "http://", 7)) {
					snprintf(f->why, f->cap,
						 "The QR code \"%s\" is of a web link.", slot);
					return -1;
				}
				if (put_qr(n, val, f->why, f->cap))
					return -1;
				continue;
			}
			if (image) {
				/* a picture the caller made ready: PNG or JPEG, embedded */
				if (strncmp(val, "data:", 5) || !link_ok(val)) {
					snprintf(f->why, f->cap,
						 "The picture for \"%s\" is a PNG or a JPEG.", slot);
					return -1;
				}
				xmlUnsetProp(n, (const xmlChar *)"href");
				xmlSetProp(n, (const xmlChar *)"href", (const xmlChar *)val);
				continue;
			}
			if (put_text(n, slot, val, f->why, f->cap))
				return -1;
			continue;
		}
		if (fill(n->children, f))
			return -1;
	}
	return 0;
}

int template_fill(const struct tmpl_doc *t, const struct slot_value *v, size_t n,
		  const char *imprint, char **svg, size_t *len, char *why, size_t cap)
{
	int used[TEMPLATE_SLOTS_MAX] = { 0 };
	*svg = NULL;
	*len = 0;
	if (n > TEMPLATE_SLOTS_MAX)
		return say(why, cap, "Too many slot values.");
	const char *bad = imprint ? plain_text_why(imprint, IMPRINT_MAX) : "empty";
	if (bad) {
		snprintf(why, cap, "The imprint (the promoter's name and address) is required: %s.",
			 bad);
		return -1;
	}
	xmlDocPtr copy = xmlCopyDoc(t->doc, 1);
	struct filling f = { v, n, imprint, used, why, cap };
	int rc = copy ? fill(xmlDocGetRootElement(copy)->children, &f) : -1;
	for (size_t i = 0; !rc && i < n; i++)
		if (!used[i]) {
			snprintf(why, cap, "The template has no slot \"%.32s\".", v[i].name);
			rc = -1;
		}
	if (!rc) {
		xmlChar *out = NULL;
		int size = 0;
		xmlDocDumpMemoryEnc(copy, &out, &size, "UTF-8");
		if (out) {
			*svg = malloc((size_t)size + 1);
			memcpy(*svg, out, (size_t)size);
			(*svg)[size] = '\0';
			*len = (size_t)size;
			xmlFree(out);
		} else {
			rc = say(why, cap, "The filled template could not be written.");
		}
	}
	xmlFreeDoc(copy);
	return rc;
}

int svg_safe(const char *svg, size_t n, char *why, size_t cap)
{
	struct template_info info;
	if (n > TEMPLATE_MAX_BYTES || !utf8_valid(svg, n))
		return say(why, cap, "An SVG is UTF-8 text of 8 MiB at most.");
	xmlDocPtr doc = xmlReadMemory(svg, (int)n, "file.svg", "UTF-8",
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
	int rc = -1;
	memset(&info, 0, sizeof(info));
	if (!root || strcmp((const char *)root->name, "svg"))
		say(why, cap, "That is not an SVG file.");
	else if (doc->intSubset || doc->extSubset)
		say(why, cap, "An SVG may not declare or use entities.");
	else {
		/* the template checks, slots and imprint aside */
		struct walk w = { &info, 0, why, cap };
		rc = check(root->children, &w, 1);
	}
	xmlFreeDoc(doc);
	return rc;
}
