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
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/audit.h"
#include "events/store.h"
#include "events/when.h"
#include "groups/store.h"
#include "materials/files.h"
#include "materials/render.h"
#include "materials/store.h"
#include "people/people.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/num.h"
#include "util/utf8.h"
#include "web/web.h"

static long long now_s(void)
{
	return (long long)time(NULL);
}

/* "1 download", "3 downloads": n and the word, in the arena. */
static const char *counted(struct http_request *req, long n, const char *one, const char *many)
{
	return arena_printf(&req->arena, "%ld %s", n, n == 1 ? one : many);
}

static int organises(struct db *db, const struct who *w, long group_id)
{
	return w->actor.id && group_id &&
	       group_role_of(db, group_id, w->actor.id) == ROLE_ORGANISER;
}

static int may_make(struct db *db, const struct who *w, long group_id)
{
	struct target t = { 0, 0, 0, 0 };
	t.organiser = organises(db, w, group_id);
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

static void picture_item(const struct material *m, void *arg)
{
	if (m->published && (!strcmp(m->latest.type, "png") || !strcmp(m->latest.type, "jpeg")))
		json_array_append_new(
		    arg, json_pack("{s:I, s:s}", "id", (json_int_t)m->id, "title", m->title));
}

/* The picture of library material id for an image slot, as a data: URI in
 * the arena: the version its members see, if this organiser may see it. */
static const char *picture_uri(struct http_request *req, struct fill_ctx *c, const char *idv,
			       char *why, size_t cap)
{
	struct material *m = arena_alloc(&req->arena, sizeof(*m));
	struct buf raw, fit = { 0 };
	long id;
	int png = 0;
	const char *uri = NULL;
	if (!idv || num_parse_long(idv, strlen(idv), 1, 1L << 40, &id) ||
	    material_get(c->db, id, m) != 1 || !m->published ||
	    (!(c->w.actor.admin && c->w.actor.strong) && !organises(c->db, &c->w, m->group_id) &&
	     material_in_scope(c->db, m, c->w.actor.id) != 1) ||
	    material_version_get(c->db, id, m->published, &m->latest) != 1 ||
	    (strcmp(m->latest.type, "png") && strcmp(m->latest.type, "jpeg"))) {
		snprintf(why, cap, "Choose a picture from the library.");
		return NULL;
	}
	buf_init(&raw, MATERIAL_MAX_BYTES + 1);
	if (blob_get(&((struct app *)req->app)->files, m->latest.hash, &raw) != 1)
		snprintf(why, cap, "The picture could not be read.");
	else if (!material_fit(raw.p, raw.len, LEAFLET_PICTURE_PX, &fit, &png, why, cap)) {
		size_t n = sodium_base64_encoded_len(fit.len, sodium_base64_VARIANT_ORIGINAL);
		char *out = arena_alloc(&req->arena, n + 32);
		int k = snprintf(out, 32, "data:image/%s;base64,", png ? "png" : "jpeg");
		sodium_bin2base64(out + k, n, (const unsigned char *)fit.p, fit.len,
				  sodium_base64_VARIANT_ORIGINAL);
		uri = out;
	}
	buf_release(&raw);
	buf_release(&fit);
	return uri;
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
	/* an image slot takes one of the pictures in the library this organiser sees */
	json_t *pictures = json_array();
	struct material_query mq = {
		c->w.actor.id, c->w.actor.admin && c->w.actor.strong, NULL, NULL, -1, 0
	};
	for (int i = 0; i < c->info.nslots && !json_array_size(pictures); i++)
		if (c->info.slots[i].kind == SLOT_IMAGE)
			materials_search(c->db, &mq, picture_item, pictures);
	for (int i = 0; i < c->info.nslots; i++) {
		const struct slot_def *s = &c->info.slots[i];
		char key[SLOT_NAME_MAX + 8];
		snprintf(key, sizeof(key), "slot_%s", s->name);
		const char *v = f ? qs_get(f, key) : NULL;
		json_t *choices = json_array();
		size_t pk;
		json_t *p;
		json_array_foreach(pictures, pk, p) if (s->kind == SLOT_IMAGE)
		    json_array_append_new(
			choices,
			json_pack("{s:O, s:O, s:b}", "id", json_object_get(p, "id"), "title",
				  json_object_get(p, "title"), "selected",
				  v && atol(v) == json_integer_value(json_object_get(p, "id"))));
		json_array_append_new(
		    slots, json_pack("{s:s, s:s, s:b, s:b, s:o, s:i, s:s}", "name", s->name, "key",
				     key, "qr", s->kind == SLOT_QR, "image", s->kind == SLOT_IMAGE,
				     "choices", choices, "max", s->max_chars, "value", v ? v : ""));
	}
	json_decref(pictures);
	const char *iv = f ? qs_get(f, "imprint") : NULL;
	json_t *ctx = json_pack(
	    "{s:s, s:I, s:s, s:o, s:o, s:o, s:I, s:s, s:s, s:s*}", "title", c->t.title, "id",
	    (json_int_t)c->t.id, "description", c->t.description, "groups", groups, "sessions",
	    sessions, "slots", slots, "gid", (json_int_t)gid, "imprint", iv ? iv : imprint, "pages",
	    counted(req, c->info.npages, "page", "pages"), "error", err);
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
		if (s->kind == SLOT_IMAGE) {
			if (!val || !*val)
				continue;
			const char *uri = picture_uri(req, &c, val, why, sizeof(why));
			if (!uri) {
				json_decref(record);
				fill_page(req, res, &c, &f, 400, why);
				fill_release(&c);
				return;
			}
			v[nv++] = (struct slot_value){ s->name, uri };
			json_object_set_new(
			    record, s->name,
			    json_string(arena_printf(&req->arena, "material %s", val)));
			continue;
		}
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

/* ---- the materials library ---- */

#define UPLOAD_MAX (MATERIAL_MAX_BYTES + (64u << 10)) /* the file and its form */

static const char *const type_names[] = { "pdf", "png", "jpeg", "svg" };

static int type_parse(const char *s, enum material_type *t)
{
	for (int i = 0; i < 4; i++)
		if (!strcmp(s, type_names[i])) {
			*t = (enum material_type)i;
			return 0;
		}
	return -1;
}

static int may_publish(struct db *db, const struct who *w, long group_id)
{
	struct target t = { 0, 0, 0, 0 };
	t.organiser = organises(db, w, group_id);
	return policy_allows(&w->actor, ACT_MATERIAL_PUBLISH, &t);
}

static const char *kb_text(struct http_request *req, long bytes)
{
	return bytes >= 1 << 20 ? arena_printf(&req->arena, "%.1f MB", bytes / 1048576.0)
				: arena_printf(&req->arena, "%ld KB", (bytes + 1023) / 1024);
}

/* Who a material is for, in words. */
static const char *reach_text(struct http_request *req, const struct material *m)
{
	return m->scope == MATERIAL_GROUP    ? "its group"
	       : m->scope == MATERIAL_REGION ? arena_printf(&req->arena, "%s", m->region)
					     : "the whole movement";
}

static const char *state_text(const struct material *m)
{
	return m->state == MATERIAL_WAITING   ? "waiting for approval"
	       : m->state == MATERIAL_REFUSED ? "refused"
					      : "";
}

struct list_ctx {
	struct http_request *req;
	json_t *items;
};

static void material_item(const struct material *m, void *arg)
{
	struct list_ctx *c = arg;
	json_array_append_new(
	    c->items,
	    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:b}", "id",
		      (json_int_t)m->id, "title", m->title, "description", m->description, "tags",
		      m->tags, "scope", reach_text(c->req, m), "type", m->latest.type, "downloads",
		      counted(c->req, m->downloads, "download", "downloads"), "adopted",
		      counted(c->req, m->adopted, "group", "groups"), "version", m->latest.version,
		      "state", state_text(m), "thumb", *m->latest.thumb != 0));
}

static void tag_item(const char *tag, long n, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s, s:I}", "tag", tag, "n", (json_int_t)n));
}

struct region_ctx {
	json_t *list;
	long gid;
	const char *group, *chosen;
};

static void region_item(const char *region, void *arg)
{
	struct region_ctx *c = arg;
	json_array_append_new(c->list, json_pack("{s:s, s:I, s:s, s:b}", "region", region, "gid",
						 (json_int_t)c->gid, "group", c->group, "selected",
						 c->chosen && !strcmp(c->chosen, region)));
}

static const char *const upload_keys[] = { "title", "description", "tags",  "licence",
					   "group", "scope",	   "region" };

/* The search the query asks for (q, tag, scope, waiting) into mq, its
 * pattern and tag in like and tag: NULL, or why it cannot be run. */
struct search_terms {
	char like[2 * MATERIAL_SEARCH_MAX + 3], tag[MATERIAL_TAG_MAX + 1];
};

static const char *search_of(const struct qs *q, const struct who *w, struct material_query *mq,
			     struct search_terms *t)
{
	const char *text = qs_get(q, "q"), *tagv = qs_get(q, "tag"), *scopev = qs_get(q, "scope");
	const char *waitv = qs_get(q, "waiting");
	enum material_scope scope;
	*mq = (struct material_query){
		w->actor.id,
		w->actor.admin && w->actor.strong,
		NULL,
		NULL,
		-1,
		waitv && !strcmp(waitv, "1") && policy_allows(&w->actor, ACT_MATERIAL_APPROVE, NULL)
	};
	if (text && *text && material_like_pattern(text, t->like, sizeof(t->like)))
		return "Search for at most 120 characters.";
	if (text && *text)
		mq->like = t->like;
	if (tagv && *tagv && material_tag_norm(tagv, t->tag))
		return "That is not a tag.";
	if (tagv && *tagv)
		mq->tag = t->tag;
	if (scopev && *scopev && material_scope_parse(scopev, &scope))
		return "Choose the group's, the region's or the movement's.";
	if (scopev && *scopev)
		mq->scope = (int)scope;
	return NULL;
}

static void library_with(struct http_request *req, struct http_response *res, const struct who *w,
			 struct db *db, const struct qs *sent, int status, const char *err)
{
	const struct qs *q = &req->query;
	const char *text = qs_get(q, "q"), *tagv = qs_get(q, "tag"), *scopev = qs_get(q, "scope");
	struct search_terms terms;
	struct material_query mq;
	int admin = policy_allows(&w->actor, ACT_MATERIAL_APPROVE, NULL);
	const char *bad = search_of(q, w, &mq, &terms);

	if (bad && !err) {
		status = 400;
		err = bad;
	}
	if (bad) {
		mq.like = mq.tag = NULL;
		mq.scope = -1;
	}
	struct list_ctx lc = { req, json_array() };
	json_t *tags = json_array(), *groups = json_array(), *regions = json_array(),
	       *licences = json_array();
	if (materials_search(db, &mq, material_item, &lc) < 0 ||
	    material_tags_each(db, w->actor.id, mq.all, tag_item, tags) < 0 ||
	    groups_of(db, w->actor.id, w->actor.admin && w->actor.strong, 1, group_item, groups) <
		0) {
		json_decref(lc.items);
		json_decref(tags);
		json_decref(groups);
		json_decref(regions);
		json_decref(licences);
		page_sorry(req, res, "The library could not be read.", w);
		return;
	}
	const char *chosen_licence = sent ? qs_get(sent, "licence") : NULL;
	for (int i = 0; material_licences[i]; i++)
		json_array_append_new(
		    licences,
		    json_pack("{s:s, s:b}", "licence", material_licences[i], "selected",
			      chosen_licence && !strcmp(chosen_licence, material_licences[i])));
	/* a region's materials go to a region the group's seats lie in */
	size_t k;
	json_t *g;
	const char *gsent = sent ? qs_get(sent, "group") : NULL;
	json_array_foreach(groups, k, g)
	{
		long gid = (long)json_integer_value(json_object_get(g, "id"));
		struct region_ctx rc = { regions, gid,
					 json_string_value(json_object_get(g, "name")),
					 sent ? qs_get(sent, "region") : NULL };
		json_object_set_new(g, "selected", json_boolean(gsent && atol(gsent) == gid));
		if (may_publish(db, w, gid))
			material_group_regions(db, gid, region_item, &rc);
	}
	int waiting = admin ? materials_waiting(db) : 0;
	json_t *ctx = json_pack(
	    "{s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:s, s:b, s:i, s:b, s:b, s:o, s:s*}", "title",
	    "Materials", "materials", lc.items, "tags", tags, "groups", groups, "regions", regions,
	    "licences", licences, "q", text ? text : "", "tag", tagv ? tagv : "", "scope",
	    scopev ? scopev : "", "admin", admin, "waiting", waiting < 0 ? 0 : waiting,
	    "showing_waiting", mq.waiting, "approval", admin && materials_approval(db) == 1, "form",
	    form_json(sent, upload_keys, sizeof(upload_keys) / sizeof(upload_keys[0])), "error",
	    err);
	json_object_set_new(ctx, "can_put", json_boolean(json_array_size(groups) > 0 || admin));
	page_render(req, res, status, "materials", ctx, w);
}

static void library_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	library_with(req, res, &w, db, NULL, 200, NULL);
}

/*
 * Who may send a file, from the headers alone (the server asks before it
 * takes a byte of the body): signed in, not from another site's page, and
 * a body no bigger than a file and its form.  The form's token is in the
 * body and is checked before anything is stored, as for every form; a
 * browser posting a form under this site's no-referrer policy says Origin
 * "null", so only a foreign Origin is refused here.  Which group it is for
 * is in the body too, and checked there.
 */
static int upload_admit(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	const char *len = http_header(req, "Content-Length"), *origin = http_header(req, "Origin");
	long n = 0;
	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return -1;
	if (origin && strcmp(origin, "null") && !origin_ok(req)) {
		page_message(req, res, 403, "This form has expired",
			     "Reload the page and try again.", &w);
		return -1;
	}
	if (len && num_parse_long(len, strlen(len), 0, UPLOAD_MAX, &n)) {
		page_message(req, res, 413, "Too large", "A file in the library is at most 10 MiB.",
			     &w);
		return -1;
	}
	return 0;
}

/* A file as sent, checked by its content, images encoded again without
 * their metadata, with a thumbnail; its bytes and the thumbnail put in the
 * blob store.  0 and v, or -1 with why (a sentence for the page). */
static int file_take(struct http_request *req, const struct multipart_file *f,
		     struct material_version *v, char *why, size_t cap)
{
	struct app *app = req->app;
	enum material_type t;
	struct buf clean = { 0 }, thumb = { 0 };
	const char *data = f->data;
	size_t n = f->len;
	int rc = -1;
	if (!f->present || !n) {
		snprintf(why, cap, "Choose the file to share.");
		return -1;
	}
	/* the name without a folder (some browsers send C:\fakepath\name) */
	const char *base = f->filename;
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	if (plain_text_why(base, MATERIAL_NAME_MAX)) {
		snprintf(why, cap, "The file's name must be one line of at most %d characters.",
			 MATERIAL_NAME_MAX);
		return -1;
	}
	if (material_type_of(data, n, base, &t, why, cap))
		return -1;
	if (t == MATERIAL_PNG || t == MATERIAL_JPEG) {
		if (material_clean(data, n, t, &clean, why, cap))
			return -1;
		data = clean.p;
		n = clean.len;
	}
	if (material_thumb(data, n, t, &thumb, why, cap))
		goto done;
	memset(v, 0, sizeof(*v));
	if (blob_put(&app->files, data, n, v->hash) ||
	    blob_put(&app->files, thumb.p, thumb.len, v->thumb)) {
		snprintf(why, cap, "The file could not be stored: try again in a moment.");
		goto done;
	}
	snprintf(v->type, sizeof(v->type), "%s", type_names[t]);
	snprintf(v->filename, sizeof(v->filename), "%s", base);
	v->bytes = (long)n;
	rc = 0;
done:
	buf_release(&clean);
	buf_release(&thumb);
	return rc;
}

/* One paragraph: line breaks typed into the description become spaces. */
static const char *one_paragraph(struct http_request *req, const char *s)
{
	char *out = arena_printf(&req->arena, "%s", s ? s : "");
	for (char *p = out; *p; p++)
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
	return out;
}

struct approvers_ctx {
	struct http_request *req;
	struct db *db;
	const struct material *m;
};

static void tell_approver(long person, void *arg)
{
	struct approvers_ctx *c = arg;
	if (person_tell(c->req->app, c->db, person, "A material waits for your approval",
			arena_printf(&c->req->arena,
				     "\"%s\" was shared with the whole movement and waits for an"
				     " admin to publish or refuse it.",
				     c->m->title),
			arena_printf(&c->req->arena, "/materials/%ld", c->m->id),
			"Publish or refuse it"))
		log_error("materials: an approver of %ld not told", c->m->id);
}

/* Every admin is told a material waits for the movement's approval. */
static void approvers_tell(struct http_request *req, struct db *db, const struct material *m)
{
	struct approvers_ctx c = { req, db, m };
	if (material_approvers(db, tell_approver, &c) < 0)
		log_error("materials: the approvers of %ld could not be read", m->id);
}

/* Sending files is limited per member (TURNOUT_RATE_UPLOAD_MEMBER): 0, or
 * -1 with the 429 answered. */
static int upload_limit(struct http_request *req, struct http_response *res, const struct who *w)
{
	struct app *app = req->app;
	return rate_limit(req, res, "upload_member", arena_printf(&req->arena, "%ld", w->actor.id),
			  &app->auth.rates.upload_member, 0);
}

static void material_put_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct multipart_file file;
	struct material *m = arena_alloc(&req->arena, sizeof(*m));
	char why[256];
	long gid = 0;
	const char *err = NULL;
	int status = 400;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) ||
	    upload_form_or_answer(req, res, &w, UPLOAD_MAX, &f, &file) ||
	    upload_limit(req, res, &w))
		return;
	memset(m, 0, sizeof(*m));
	const char *title = qs_get(&f, "title"), *gv = qs_get(&f, "group");
	const char *desc = one_paragraph(req, qs_get(&f, "description"));
	const char *licence = qs_get(&f, "licence"), *scopev = qs_get(&f, "scope");
	const char *region = qs_get(&f, "region");
	if (gv && *gv && num_parse_long(gv, strlen(gv), 1, 1L << 40, &gid))
		gid = -1;
	if (plain_text_why(title, MATERIAL_TITLE_MAX))
		err = "Give it a title: one line, at most 120 characters.";
	else if (*desc && plain_text_why(desc, MATERIAL_TEXT_MAX))
		err = "The description is plain text of at most 1,000 characters.";
	else if (material_tags_parse(qs_get(&f, "tags"), m->tags, sizeof(m->tags), why,
				     sizeof(why)) < 0)
		err = arena_printf(&req->arena, "%s", why);
	else if (!material_licence_ok(licence))
		err = "Choose the licence it is shared under.";
	else if (material_scope_parse(scopev, &m->scope))
		err = "Choose who may see it: the group, its region or the whole movement.";
	else if (gid < 0 || (!gid && (m->scope != MATERIAL_MOVEMENT || !w.actor.admin)) ||
		 (gid && !may_publish(db, &w, gid))) {
		err = "Choose a group you organise (signed in with your code): the material is "
		      "its.";
		status = 403;
	}
	if (!err && m->scope == MATERIAL_REGION) {
		if (!region || material_group_in_region(db, gid, region) != 1)
			err = "Choose a region the group's seats lie in.";
		else
			snprintf(m->region, sizeof(m->region), "%s", region);
	}
	if (!err && file_take(req, &file, &m->latest, why, sizeof(why)))
		err = arena_printf(&req->arena, "Not shared: %s", why);
	if (err) {
		library_with(req, res, &w, db, &f, status, err);
		return;
	}
	snprintf(m->title, sizeof(m->title), "%s", title);
	snprintf(m->description, sizeof(m->description), "%s", desc);
	snprintf(m->licence, sizeof(m->licence), "%s", licence);
	m->group_id = gid;
	m->created_by = m->latest.uploaded_by = w.actor.id;
	int approval = materials_approval(db);
	m->state = m->scope == MATERIAL_MOVEMENT && !w.actor.admin && approval != 0
		       ? MATERIAL_WAITING
		       : MATERIAL_PUBLISHED;
	if (approval < 0 || material_put(db, m, now_s()) != 1) {
		page_sorry(req, res, "The material could not be saved.", &w);
		return;
	}
	if (m->state == MATERIAL_WAITING)
		approvers_tell(req, db, m);
	audit_note(db, w.actor.id, "material.put", 0,
		   arena_printf(&req->arena, "material %ld (%s), %s", m->id,
				material_scope_name(m->scope), m->latest.hash));
	http_redirect(res, arena_printf(&req->arena, "/materials/%ld", m->id));
}

struct material_ctx {
	struct who w;
	struct db *db;
	struct material m; /* m.latest: the version this visitor sees by default */
	int manage, approve, see_latest;
};

/* The material {id} for those who may see it: the members of its scope
 * (its published version), its group's organisers and admins (the latest). */
static int material_or_answer(struct http_request *req, struct http_response *res,
			      struct material_ctx *c, struct qs *form)
{
	if (visit_or_answer(req, res, &c->w, &c->db, VISIT_SIGNED_IN))
		return -1;
	int rc = material_get(c->db, route_id(&req->params, "id"), &c->m);
	if (rc == 1) {
		c->manage = may_publish(c->db, &c->w, c->m.group_id);
		c->approve = policy_allows(&c->w.actor, ACT_MATERIAL_APPROVE, NULL);
		c->see_latest = c->manage || c->approve || organises(c->db, &c->w, c->m.group_id) ||
				(c->w.actor.admin && c->w.actor.strong);
		if (!c->see_latest)
			rc =
			    c->m.published > 0 ? material_in_scope(c->db, &c->m, c->w.actor.id) : 0;
		if (rc == 1 && !c->see_latest)
			rc = material_version_get(c->db, c->m.id, c->m.published, &c->m.latest);
	}
	if (rc != 1) {
		if (rc < 0)
			page_sorry(req, res, "The material could not be read.", &c->w);
		else
			page_message(req, res, 404, "Not found",
				     "There is no such material for you.", &c->w);
		return -1;
	}
	return form ? form_or_answer(req, res, &c->w, form) : 0;
}

struct versions_ctx {
	struct http_request *req;
	long id;
	json_t *list;
};

static void version_item(const struct material_version *v, void *arg)
{
	struct versions_ctx *c = arg;
	char at[96];
	start_text((time_t)v->uploaded_at, at, sizeof(at));
	json_array_append_new(c->list,
			      json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}", "version", v->version,
					"filename", v->filename, "type", v->type, "size",
					kb_text(c->req, v->bytes), "at", at, "note", v->note));
}

static void material_show_with(struct http_request *req, struct http_response *res,
			       struct material_ctx *c, int status, const char *err)
{
	struct material *m = &c->m;
	char group[128] = "", at[96];
	json_t *versions = json_array(), *mine = json_array();
	struct versions_ctx vc = { req, m->id, versions };
	if (m->group_id)
		group_name(c->db, m->group_id, group, sizeof(group));
	start_text((time_t)m->updated_at, at, sizeof(at));
	material_versions_each(c->db, m->id, c->see_latest ? 0 : m->published, version_item, &vc);
	/* the groups this visitor organises, each saying whether it uses it */
	groups_of(c->db, c->w.actor.id, 0, 1, group_item, mine);
	size_t k;
	json_t *g;
	json_array_foreach(mine, k, g)
	{
		long gid = (long)json_integer_value(json_object_get(g, "id"));
		json_object_set_new(g, "uses",
				    json_boolean(material_adopted_by(c->db, m->id, gid) == 1));
	}
	json_t *tags = json_array();
	for (const char *t = m->tags; *t;) {
		size_t n = strcspn(t, " ");
		json_array_append_new(tags, json_stringn(t, n));
		t += n + (t[n] == ' ');
	}
	const char *scope = m->scope == MATERIAL_GROUP
				? arena_printf(&req->arena, "the members of %s", group)
			    : m->scope == MATERIAL_REGION
				? arena_printf(&req->arena, "every group in %s", m->region)
				: "the whole movement";
	json_t *ctx = json_pack(
	    "{s:s, s:I, s:s, s:s, s:s, s:o, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b,"
	    " s:b, s:o, s:o, s:b, s:s, s:s*}",
	    "title", m->title, "id", (json_int_t)m->id, "description", m->description, "licence",
	    m->licence, "scope", scope, "tags", tags, "group",
	    m->scope == MATERIAL_GROUP ? "" : group, "type", m->latest.type, "version",
	    m->latest.version, "size", kb_text(req, m->latest.bytes), "filename",
	    m->latest.filename, "updated", at, "downloads",
	    counted(req, m->downloads, "time", "times"), "adopted",
	    counted(req, m->adopted, "group", "groups"), "manage", c->manage, "approve",
	    c->approve && m->state == MATERIAL_WAITING, "waiting", m->state == MATERIAL_WAITING,
	    "refused", m->state == MATERIAL_REFUSED, "versions", versions, "mine", mine, "thumb",
	    *m->latest.thumb != 0, "reason", m->reason, "error", err);
	json_object_set_new(ctx, "mid", json_integer(m->id)); /* the loops have ids of their own */
	page_render(req, res, status, "material", ctx, &c->w);
}

static void material_show(struct http_request *req, struct http_response *res)
{
	struct material_ctx c;
	if (material_or_answer(req, res, &c, NULL))
		return;
	material_show_with(req, res, &c, 200, NULL);
}

/* ASCII letters, digits, '.', '-' and '_' of name, for a download's name. */
static const char *safe_name(struct http_request *req, const char *name)
{
	char *out = arena_printf(&req->arena, "%.80s", *name ? name : "material");
	for (char *p = out; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_'))
			*p = '_';
	return out;
}

static void material_bytes(struct http_request *req, struct http_response *res, int thumb)
{
	struct material_ctx c;
	struct material_version v;
	struct buf out;
	enum material_type t;
	long ver = 0;
	if (material_or_answer(req, res, &c, NULL))
		return;
	const char *vv = qs_get(&req->query, "v");
	int top = c.see_latest ? c.m.version : c.m.published;
	if (vv && (num_parse_long(vv, strlen(vv), 1, top, &ver))) {
		page_message(req, res, 404, "Not found", "There is no such version for you.", &c.w);
		return;
	}
	if (ver && ver != c.m.latest.version) {
		if (material_version_get(c.db, c.m.id, (int)ver, &v) != 1) {
			page_sorry(req, res, "The version could not be read.", &c.w);
			return;
		}
	} else {
		v = c.m.latest;
	}
	const char *hash = thumb ? v.thumb : v.hash;
	buf_init(&out, MATERIAL_MAX_BYTES + 1);
	if (type_parse(v.type, &t) || blob_get(&((struct app *)req->app)->files, hash, &out) != 1) {
		buf_release(&out);
		page_sorry(req, res, "The file could not be read.", &c.w);
		return;
	}
	if (!thumb && material_downloaded(c.db, c.m.id) < 0)
		log_error("materials: a download of %ld not counted", c.m.id);
	res->status = 200;
	res->content_type = thumb ? "image/png" : material_mime(t);
	if (!thumb)
		http_set_header(res, "Content-Disposition",
				arena_printf(&req->arena, "attachment; filename=\"%s\"",
					     safe_name(req, v.filename)));
	/* an SVG opened from here runs nothing and loads nothing */
	http_set_header(res, "Content-Security-Policy",
			"default-src 'none'; style-src 'unsafe-inline'; sandbox");
	http_set_header(res, "Cache-Control", "private, max-age=3600");
	buf_release(&res->body);
	res->body = out;
}

static void material_file(struct http_request *req, struct http_response *res)
{
	material_bytes(req, res, 0);
}

static void material_thumb_png(struct http_request *req, struct http_response *res)
{
	material_bytes(req, res, 1);
}

static void version_add(struct http_request *req, struct http_response *res)
{
	struct material_ctx c;
	struct qs f;
	struct multipart_file file;
	struct material_version v;
	char why[256];
	if (material_or_answer(req, res, &c, NULL) ||
	    upload_form_or_answer(req, res, &c.w, UPLOAD_MAX, &f, &file) ||
	    upload_limit(req, res, &c.w))
		return;
	if (!c.manage) {
		material_show_with(
		    req, res, &c, 403,
		    "Only the group's organisers, signed in with their code, put new "
		    "versions.");
		return;
	}
	const char *note = one_paragraph(req, qs_get(&f, "note"));
	if (*note && plain_text_why(note, MATERIAL_TITLE_MAX)) {
		material_show_with(req, res, &c, 400,
				   "What changed is one line of at most 120 characters.");
		return;
	}
	if (file_take(req, &file, &v, why, sizeof(why))) {
		material_show_with(req, res, &c, 400,
				   arena_printf(&req->arena, "Not sent: %s", why));
		return;
	}
	snprintf(v.note, sizeof(v.note), "%s", note);
	v.uploaded_by = c.w.actor.id;
	int approval = materials_approval(c.db);
	enum material_state st = c.m.scope == MATERIAL_MOVEMENT && !c.w.actor.admin && approval != 0
				     ? MATERIAL_WAITING
				     : MATERIAL_PUBLISHED;
	if (approval < 0 || material_version_add(c.db, c.m.id, &v, st, now_s()) != 1) {
		page_sorry(req, res, "The version could not be saved.", &c.w);
		return;
	}
	if (st == MATERIAL_WAITING)
		approvers_tell(req, c.db, &c.m);
	audit_note(c.db, c.w.actor.id, "material.version", 0,
		   arena_printf(&req->arena, "material %ld v%d, %s", c.m.id, v.version, v.hash));
	http_redirect(res, arena_printf(&req->arena, "/materials/%ld", c.m.id));
}

/* An organiser says one of their groups uses it (or no longer does). */
static void adopt(struct http_request *req, struct http_response *res)
{
	struct material_ctx c;
	struct qs f;
	long gid;
	if (material_or_answer(req, res, &c, &f))
		return;
	const char *gv = qs_get(&f, "group"), *on = qs_get(&f, "uses");
	if (!gv || num_parse_long(gv, strlen(gv), 1, 1L << 40, &gid) ||
	    !may_publish(c.db, &c.w, gid) || (c.m.published == 0 && !c.see_latest)) {
		material_show_with(req, res, &c, 403,
				   "Choose a group you organise, signed in with your code.");
		return;
	}
	/* a group may use what its members can see: its own, its region's, the movement's */
	int in = c.m.scope == MATERIAL_MOVEMENT || c.m.group_id == gid;
	if (!in && c.m.scope == MATERIAL_REGION)
		in = material_group_in_region(c.db, gid, c.m.region) == 1;
	if (!in) {
		material_show_with(req, res, &c, 403,
				   "That group's members cannot see this material.");
		return;
	}
	int use = on && !strcmp(on, "1");
	if (material_adopt(c.db, c.m.id, gid, c.w.actor.id, use, now_s()) < 0) {
		page_sorry(req, res, "That could not be saved.", &c.w);
		return;
	}
	http_redirect(res, arena_printf(&req->arena, "/materials/%ld", c.m.id));
}

static void decide(struct http_request *req, struct http_response *res)
{
	struct material_ctx c;
	struct qs f;
	if (material_or_answer(req, res, &c, &f))
		return;
	if (!c.approve) {
		material_show_with(req, res, &c, 403,
				   "Materials for the movement are approved by admins, signed in "
				   "with their code.");
		return;
	}
	const char *d = qs_get(&f, "decision"), *reason = qs_get(&f, "reason");
	int publish = d && !strcmp(d, "publish");
	if (!publish &&
	    (!d || strcmp(d, "refuse") || plain_text_why(reason, MATERIAL_REASON_MAX))) {
		material_show_with(req, res, &c, 400,
				   "Publish it, or refuse it with a reason (one line, at most 300 "
				   "characters).");
		return;
	}
	int rc = db_begin(c.db) ? -1
				: material_decide(c.db, c.m.id, publish ? NULL : reason,
						  c.w.actor.id, now_s());
	if (rc == 1 && c.m.latest.uploaded_by &&
	    web_tell(req, c.db, c.m.latest.uploaded_by,
		     publish ? "Your material is published" : "Your material was not published",
		     publish ? arena_printf(&req->arena,
					    "\"%s\" is now in the library for the whole movement.",
					    c.m.title)
			     : arena_printf(&req->arena,
					    "\"%s\" was not published for the whole movement: %s",
					    c.m.title, reason),
		     arena_printf(&req->arena, "/materials/%ld", c.m.id), "See it"))
		rc = -1;
	if (rc != 1 || db_commit(c.db)) {
		db_rollback(c.db);
		if (rc == 0)
			material_show_with(req, res, &c, 409, "It is not waiting for approval.");
		else
			page_sorry(req, res, "The decision could not be saved.", &c.w);
		return;
	}
	audit_note(c.db, c.w.actor.id, publish ? "material.publish" : "material.refuse", 0,
		   arena_printf(&req->arena, "material %ld v%d", c.m.id, c.m.version));
	http_redirect(res, arena_printf(&req->arena, "/materials/%ld", c.m.id));
}

static void remove_material(struct http_request *req, struct http_response *res)
{
	struct material_ctx c;
	struct qs f;
	if (material_or_answer(req, res, &c, &f))
		return;
	if (!c.manage) {
		material_show_with(req, res, &c, 403,
				   "Only the group's organisers, signed in with their code, remove "
				   "it.");
		return;
	}
	const char *sure = qs_get(&f, "confirm");
	if (!sure || strcmp(sure, "yes")) {
		material_show_with(req, res, &c, 400, "Tick the box to say it is to be removed.");
		return;
	}
	if (material_delete(c.db, c.m.id) != 1) {
		page_sorry(req, res, "The material could not be removed.", &c.w);
		return;
	}
	audit_note(c.db, c.w.actor.id, "material.remove", 0,
		   arena_printf(&req->arena, "material %ld", c.m.id));
	http_redirect(res, "/materials");
}

static void approval_set(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) || form_or_answer(req, res, &w, &f))
		return;
	if (!policy_allows(&w.actor, ACT_MATERIAL_APPROVE, NULL)) {
		page_message(req, res, 403, "Admins only",
			     "Whether the movement's materials wait for approval is for admins, "
			     "signed in with their code.",
			     &w);
		return;
	}
	const char *on = qs_get(&f, "approval");
	if (materials_approval_set(db, on && !strcmp(on, "1")) != 1) {
		page_sorry(req, res, "The setting could not be saved.", &w);
		return;
	}
	audit_note(db, w.actor.id, "material.approval", 0, on && !strcmp(on, "1") ? "on" : "off");
	http_redirect(res, "/materials");
}

struct api_ctx {
	struct http_request *req;
	json_t *list;
};

static void material_api_item(const struct material *m, void *arg)
{
	struct api_ctx *c = arg;
	json_t *tags = json_array();
	for (const char *t = m->tags; *t;) {
		size_t n = strcspn(t, " ");
		json_array_append_new(tags, json_stringn(t, n));
		t += n + (t[n] == ' ');
	}
	const char *file =
	    arena_printf(&c->req->arena, "/materials/%ld/file?v=%d", m->id, m->latest.version);
	const char *thumb =
	    arena_printf(&c->req->arena, "/materials/%ld/thumb?v=%d", m->id, m->latest.version);
	json_array_append_new(
	    c->list,
	    json_pack("{s:I, s:s, s:s, s:o, s:s, s:s*, s:s, s:s, s:i, s:I, s:I, s:I, s:s, s:s, s:s,"
		      " s:I}",
		      "id", (json_int_t)m->id, "title", m->title, "description", m->description,
		      "tags", tags, "scope", material_scope_name(m->scope), "region",
		      m->scope == MATERIAL_REGION ? m->region : NULL, "licence", m->licence, "type",
		      m->latest.type, "version", m->latest.version, "bytes",
		      (json_int_t)m->latest.bytes, "downloads", (json_int_t)m->downloads, "adopted",
		      (json_int_t)m->adopted, "state",
		      m->state == MATERIAL_WAITING   ? "waiting"
		      : m->state == MATERIAL_REFUSED ? "refused"
						     : "published",
		      "file", file, "thumb", thumb, "updated_at", (json_int_t)m->updated_at));
}

/* GET /api/v1/materials?q=&tag=&scope=: what the library page lists. */
static void library_api(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct search_terms terms;
	struct material_query mq;
	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN | VISIT_JSON))
		return;
	const char *bad = search_of(&req->query, &w, &mq, &terms);
	if (bad) {
		http_error(res, 400, bad);
		return;
	}
	struct api_ctx c = { req, json_array() };
	if (materials_search(db, &mq, material_api_item, &c) < 0) {
		json_decref(c.list);
		http_error(res, 503, "the library could not be read");
		return;
	}
	api_json(res, c.list);
}

const struct http_route materials_routes[] = {
	{ "GET", "/leaflets", list_page, ROUTE_PAGE, NULL },
	{ "POST", "/leaflets/templates", template_add, ROUTE_PAGE, NULL },
	{ "GET", "/leaflets/templates/{id}", fill_show, ROUTE_PAGE, NULL },
	{ "POST", "/leaflets/templates/{id}", make, ROUTE_PAGE, NULL },
	{ "GET", "/leaflets/{id}", leaflet_page, ROUTE_PAGE, NULL },
	{ "GET", "/leaflets/{id}/leaflet.pdf", leaflet_pdf, 0, NULL },
	{ "GET", "/leaflets/{id}/leaflet.png", leaflet_png, 0, NULL },
	{ "GET", "/materials", library_page, ROUTE_PAGE, NULL },
	{ "GET", "/api/v1/materials", library_api, 0, NULL },
	{ "POST", "/materials", material_put_page, ROUTE_PAGE | ROUTE_UPLOAD, upload_admit },
	{ "POST", "/materials/settings", approval_set, ROUTE_PAGE, NULL },
	{ "GET", "/materials/{id}", material_show, ROUTE_PAGE, NULL },
	{ "GET", "/materials/{id}/file", material_file, 0, NULL },
	{ "GET", "/materials/{id}/thumb", material_thumb_png, 0, NULL },
	{ "POST", "/materials/{id}/versions", version_add, ROUTE_PAGE | ROUTE_UPLOAD,
	  upload_admit },
	{ "POST", "/materials/{id}/adopt", adopt, ROUTE_PAGE, NULL },
	{ "POST", "/materials/{id}/decide", decide, ROUTE_PAGE, NULL },
	{ "POST", "/materials/{id}/delete", remove_material, ROUTE_PAGE, NULL },
};
const size_t materials_nroutes = sizeof(materials_routes) / sizeof(materials_routes[0]);
