/*
 * Leaflets as pages.  Admins put national templates (an SVG with slots,
 * checked as materials/template.h says); a group's strong organisers fill
 * one — a session of theirs gives the QR code its sign-up link and the
 * text its time and place — with the group's imprint, and get a
 * print-ready PDF and a web PNG.  Every leaflet made is recorded (the
 * template's version, the group, who, when, the imprint) and is seen by
 * the group's members.
 */
#include "materials/pages.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/audit.h"
#include "events/store.h"
#include "events/when.h"
#include "groups/store.h"
#include "materials/render.h"
#include "materials/store.h"
#include "people/people.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/num.h"
#include "util/utf8.h"
#include "web/web.h"

static long long now_s(void)
{
	return (long long)time(NULL);
}

static int may_make(struct db *db, const struct who *w, long group_id)
{
	struct target t = { 0, 0, 0, 0 };
	t.organiser =
	    w->actor.id && group_id && group_role_of(db, group_id, w->actor.id) == ROLE_ORGANISER;
	return policy_allows(&w->actor, ACT_LEAFLET_MAKE, &t);
}

static void template_item(const struct leaflet_template *t, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:i}", "id", (json_int_t)t->id,
					     "title", t->title, "description", t->description,
					     "version", t->version));
}

static void list_with(struct http_request *req, struct http_response *res, const struct who *w,
		      struct db *db, int status, const char *err)
{
	json_t *list = json_array();
	if (templates_each(db, template_item, list) < 0) {
		json_decref(list);
		page_sorry(req, res, "The templates could not be read.", w);
		return;
	}
	json_t *ctx = json_pack("{s:s, s:o, s:b, s:s*}", "title", "Leaflets", "templates", list,
				"admin", policy_allows(&w->actor, ACT_ADMIN, NULL), "error", err);
	page_render(req, res, status, "leaflets", ctx, w);
}

static void list_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	list_with(req, res, &w, db, 200, NULL);
}

/* An admin puts a national template. */
static void template_add(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct tmpl_doc *doc;
	struct template_info info;
	char why[256];
	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) || form_or_answer(req, res, &w, &f))
		return;
	if (!policy_allows(&w.actor, ACT_ADMIN, NULL)) {
		page_message(req, res, 403, "Admins only",
			     "National templates are put by admins, signed in with their code.",
			     &w);
		return;
	}
	const char *title = qs_get(&f, "title"), *desc = qs_get(&f, "description");
	const char *svg = qs_get(&f, "svg");
	if (plain_text_why(title, LEAFLET_TITLE_MAX)) {
		list_with(req, res, &w, db, 400,
			  "Give the template a title: one line, 120 characters.");
		return;
	}
	if (desc && *desc && plain_text_why(desc, LEAFLET_TEXT_MAX)) {
		list_with(req, res, &w, db, 400, "The description is one line, 500 characters.");
		return;
	}
	if (!svg || template_parse(svg, strlen(svg), &doc, &info, why, sizeof(why))) {
		list_with(req, res, &w, db, 400,
			  arena_printf(&req->arena, "The template was refused: %s",
				       svg ? why : "paste its SVG."));
		return;
	}
	template_free(doc);
	struct leaflet_template t = { 0 };
	snprintf(t.title, sizeof(t.title), "%s", title);
	snprintf(t.description, sizeof(t.description), "%s", desc ? desc : "");
	if (template_put(db, &t, svg, w.actor.id, now_s()) != 1) {
		page_sorry(req, res, "The template could not be saved.", &w);
		return;
	}
	audit_note(db, w.actor.id, "leaflet.template", 0,
		   arena_printf(&req->arena, "template %ld", t.id));
	http_redirect(res, arena_printf(&req->arena, "/leaflets/templates/%ld", t.id));
}

struct fill_ctx {
	struct who w;
	struct db *db;
	struct leaflet_template t;
	struct tmpl_doc *doc;
	struct template_info info;
};

static int fill_or_answer(struct http_request *req, struct http_response *res, struct fill_ctx *c,
			  struct qs *f)
{
	char why[256];
	c->t.svg = NULL;
	c->doc = NULL;
	if (visit_or_answer(req, res, &c->w, &c->db, VISIT_SIGNED_IN))
		return -1;
	int rc = template_get(c->db, route_id(&req->params, "id"), &c->t);
	if (rc != 1) {
		if (rc < 0)
			page_sorry(req, res, "The template could not be read.", &c->w);
		else
			page_message(req, res, 404, "Not found", "There is no such template.",
				     &c->w);
		return -1;
	}
	if (template_parse(c->t.svg, strlen(c->t.svg), &c->doc, &c->info, why, sizeof(why))) {
		free(c->t.svg);
		page_sorry(req, res, "The template could not be read.", &c->w);
		return -1;
	}
	return f ? form_or_answer(req, res, &c->w, f) : 0;
}

static void fill_release(struct fill_ctx *c)
{
	template_free(c->doc);
	free(c->t.svg);
}

static void group_item(long id, const char *name, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name));
}

static void fill_page(struct http_request *req, struct http_response *res, struct fill_ctx *c,
		      const struct qs *f, int status, const char *err)
{
	const struct qs *q = f ? f : &req->query;
	const char *gv = qs_get(q, "group");
	long gid = 0;
	json_t *groups = json_array(), *sessions = json_array(), *slots = json_array();
	groups_of(c->db, c->w.actor.id, c->w.actor.admin && c->w.actor.strong, 1, group_item,
		  groups);
	if (gv && num_parse_long(gv, strlen(gv), 1, 1L << 40, &gid))
		gid = 0;
	if (!gid && json_array_size(groups) == 1)
		gid = (long)json_integer_value(json_object_get(json_array_get(groups, 0), "id"));
	size_t k;
	json_t *g;
	json_array_foreach(groups, k, g) json_object_set_new(
	    g, "selected", json_boolean(json_integer_value(json_object_get(g, "id")) == gid));
	char imprint[IMPRINT_MAX * 4 + 1] = "";
	if (gid && may_make(c->db, &c->w, gid)) {
		struct event_brief b[50];
		long n = events_of_group(c->db, gid, b, 50);
		for (long i = 0; i < n; i++) {
			char when[128];
			when_text(b[i].starts_at, b[i].ends_at, when, sizeof(when));
			json_array_append_new(sessions, json_pack("{s:I, s:s, s:s}", "id",
								  (json_int_t)b[i].id, "title",
								  b[i].title, "when", when));
		}
		imprint_get(c->db, gid, imprint, sizeof(imprint));
	}
	for (int i = 0; i < c->info.nslots; i++) {
		const struct slot_def *s = &c->info.slots[i];
		char key[SLOT_NAME_MAX + 8];
		snprintf(key, sizeof(key), "slot_%s", s->name);
		const char *v = f ? qs_get(f, key) : NULL;
		json_array_append_new(slots, json_pack("{s:s, s:s, s:b, s:i, s:s}", "name", s->name,
						       "key", key, "qr", s->kind == SLOT_QR, "max",
						       s->max_chars, "value", v ? v : ""));
	}
	const char *iv = f ? qs_get(f, "imprint") : NULL;
	json_t *ctx =
	    json_pack("{s:s, s:I, s:s, s:o, s:o, s:o, s:I, s:s, s:i, s:s*}", "title", c->t.title,
		      "id", (json_int_t)c->t.id, "description", c->t.description, "groups", groups,
		      "sessions", sessions, "slots", slots, "gid", (json_int_t)gid, "imprint",
		      iv ? iv : imprint, "pages", c->info.npages, "error", err);
	page_render(req, res, status, "leaflet_fill", ctx, &c->w);
}

static void fill_show(struct http_request *req, struct http_response *res)
{
	struct fill_ctx c;
	if (fill_or_answer(req, res, &c, NULL))
		return;
	fill_page(req, res, &c, NULL, 200, NULL);
	fill_release(&c);
}

/* The session's words for its text slots, and its sign-up link. */
static void session_words(struct http_request *req, const struct event *e, char *when, size_t wcap,
			  char *where, size_t pcap, char *link, size_t lcap)
{
	when_text(e->starts_at, e->ends_at, when, wcap);
	event_place(e, where, pcap);
	snprintf(link, lcap, "%s/events/%ld", ((struct app *)req->app)->auth.public_url, e->id);
}

static void make(struct http_request *req, struct http_response *res)
{
	struct fill_ctx c;
	struct qs f;
	long gid = 0, eid = 0;
	char why[256];
	if (fill_or_answer(req, res, &c, &f))
		return;
	const char *gv = qs_get(&f, "group"), *ev = qs_get(&f, "session");
	const char *imprint = qs_get(&f, "imprint");
	if (!gv || num_parse_long(gv, strlen(gv), 1, 1L << 40, &gid) ||
	    !may_make(c.db, &c.w, gid)) {
		fill_page(req, res, &c, &f, 403,
			  "Choose a group you organise: the leaflet is its.");
		fill_release(&c);
		return;
	}
	struct event *e = arena_alloc(&req->arena, sizeof(*e));
	char when[128] = "", where[EVENT_ADDRESS_MAX + 16] = "", link[512] = "";
	if (ev && *ev) {
		if (num_parse_long(ev, strlen(ev), 1, 1L << 40, &eid) ||
		    event_get(c.db, eid, e) != 1 || e->group_id != gid) {
			fill_page(req, res, &c, &f, 400, "Choose one of the group's sessions.");
			fill_release(&c);
			return;
		}
		session_words(req, e, when, sizeof(when), where, sizeof(where), link, sizeof(link));
	}
	/* each slot: what was typed, or the session's words where it has them */
	struct slot_value v[TEMPLATE_SLOTS_MAX];
	size_t nv = 0;
	json_t *record = json_object();
	for (int i = 0; i < c.info.nslots; i++) {
		const struct slot_def *s = &c.info.slots[i];
		char key[SLOT_NAME_MAX + 8];
		snprintf(key, sizeof(key), "slot_%s", s->name);
		const char *val = qs_get(&f, key);
		if (s->kind == SLOT_QR && (!val || !*val) && *link)
			val = arena_printf(&req->arena, "%s", link);
		else if (s->kind == SLOT_TEXT && (!val || !*val) && eid &&
			 (!strcmp(s->name, "when") || !strcmp(s->name, "where")))
			val = arena_printf(&req->arena, "%s",
					   !strcmp(s->name, "when") ? when : where);
		if (!val || !*val)
			continue;
		v[nv++] = (struct slot_value){ s->name, val };
		json_object_set_new(record, s->name, json_string(val));
	}
	char *svg = NULL;
	size_t n = 0;
	if (template_fill(c.doc, v, nv, imprint, &svg, &n, why, sizeof(why))) {
		json_decref(record);
		fill_page(req, res, &c, &f, 400, arena_printf(&req->arena, "Not made: %s", why));
		fill_release(&c);
		return;
	}
	struct leaflet l = { 0 };
	l.template_id = c.t.id;
	l.version = c.t.version;
	l.group_id = gid;
	l.made_by = c.w.actor.id;
	l.event_id = eid;
	l.made_at = now_s();
	l.svg = svg;
	snprintf(l.imprint, sizeof(l.imprint), "%s", imprint);
	l.slots = json_dumps(record, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(record);
	int ok = db_begin(c.db) == 0 && leaflet_put(c.db, &l) == 1 &&
		 (!qs_get(&f, "keep_imprint") || imprint_set(c.db, gid, imprint, l.made_at) == 1) &&
		 db_commit(c.db) == 0;
	free(l.slots);
	free(svg);
	fill_release(&c);
	if (!ok) {
		db_rollback(c.db);
		page_sorry(req, res, "The leaflet could not be saved.", &c.w);
		return;
	}
	audit_note(c.db, c.w.actor.id, "leaflet.make", 0,
		   arena_printf(&req->arena, "leaflet %ld, template %ld v%d", l.id, l.template_id,
				l.version));
	http_redirect(res, arena_printf(&req->arena, "/leaflets/%ld", l.id));
}

struct leaflet_ctx {
	struct who w;
	struct db *db;
	struct leaflet l;
};

/* The leaflet {id}, for the members of its group (and admins). */
static int leaflet_or_answer(struct http_request *req, struct http_response *res,
			     struct leaflet_ctx *c)
{
	if (visit_or_answer(req, res, &c->w, &c->db, VISIT_SIGNED_IN))
		return -1;
	int rc = leaflet_get(c->db, route_id(&req->params, "id"), &c->l);
	if (rc == 1 && !c->w.actor.admin &&
	    group_role_of(c->db, c->l.group_id, c->w.actor.id) <= ROLE_NONE) {
		leaflet_release(&c->l);
		rc = 0;
	}
	if (rc != 1) {
		if (rc < 0)
			page_sorry(req, res, "The leaflet could not be read.", &c->w);
		else
			page_message(req, res, 404, "Not found",
				     "There is no such leaflet for you.", &c->w);
		return -1;
	}
	return 0;
}

static void leaflet_page(struct http_request *req, struct http_response *res)
{
	struct leaflet_ctx c;
	struct leaflet_template t = { 0 };
	char made[96], group[128] = "";
	struct person by;
	if (leaflet_or_answer(req, res, &c))
		return;
	start_text((time_t)c.l.made_at, made, sizeof(made));
	group_name(c.db, c.l.group_id, group, sizeof(group));
	int tr = template_get(c.db, c.l.template_id, &t);
	int br = c.l.made_by ? person_by_id(c.db, c.l.made_by, &by) : 0;
	json_t *ctx =
	    json_pack("{s:s, s:I, s:s, s:i, s:s, s:s, s:s, s:s}", "title", "A leaflet", "id",
		      (json_int_t)c.l.id, "template", tr == 1 ? t.title : "", "version",
		      c.l.version, "group", group, "by", br == 1 ? by.name : "someone since gone",
		      "made", made, "imprint", c.l.imprint);
	free(t.svg);
	leaflet_release(&c.l);
	page_render(req, res, 200, "leaflet", ctx, &c.w);
}

static void leaflet_file(struct http_request *req, struct http_response *res, int pdf)
{
	struct leaflet_ctx c;
	struct tmpl_doc *doc;
	struct template_info info;
	struct buf out;
	char why[256];
	if (leaflet_or_answer(req, res, &c))
		return;
	const char *bleed = qs_get(&req->query, "bleed");
	int rc = template_parse(c.l.svg, strlen(c.l.svg), &doc, &info, why, sizeof(why));
	if (!rc) {
		template_free(doc);
		rc = pdf ? render_pdf(c.l.svg, strlen(c.l.svg), &info, bleed && !strcmp(bleed, "1"),
				      &out, why, sizeof(why))
			 : render_png(c.l.svg, strlen(c.l.svg), &info, 150, &out, why, sizeof(why));
	}
	leaflet_release(&c.l);
	if (rc) {
		page_sorry(req, res, "The leaflet could not be drawn.", &c.w);
		return;
	}
	res->status = 200;
	res->content_type = pdf ? "application/pdf" : "image/png";
	http_set_header(res, "Content-Disposition",
			pdf ? "attachment; filename=\"leaflet.pdf\""
			    : "inline; filename=\"leaflet.png\"");
	http_set_header(res, "Cache-Control", "private, no-store");
	buf_release(&res->body);
	res->body = out;
}

static void leaflet_pdf(struct http_request *req, struct http_response *res)
{
	leaflet_file(req, res, 1);
}

static void leaflet_png(struct http_request *req, struct http_response *res)
{
	leaflet_file(req, res, 0);
}

const struct http_route materials_routes[] = {
	{ "GET", "/leaflets", list_page, ROUTE_PAGE, NULL },
	{ "POST", "/leaflets/templates", template_add, ROUTE_PAGE, NULL },
	{ "GET", "/leaflets/templates/{id}", fill_show, ROUTE_PAGE, NULL },
	{ "POST", "/leaflets/templates/{id}", make, ROUTE_PAGE, NULL },
	{ "GET", "/leaflets/{id}", leaflet_page, ROUTE_PAGE, NULL },
	{ "GET", "/leaflets/{id}/leaflet.pdf", leaflet_pdf, 0, NULL },
	{ "GET", "/leaflets/{id}/leaflet.png", leaflet_png, 0, NULL },
};
const size_t materials_nroutes = sizeof(materials_routes) / sizeof(materials_routes[0]);
