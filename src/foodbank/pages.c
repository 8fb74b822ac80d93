/*
 * Food banks as pages.  Who may do what:
 *   - anyone: find the nearest food banks and what they need, see a food
 *     bank's page and a collection's (needs, totals pledged, runs covered
 *     or not, never who drives or where pick-ups are);
 *   - signed in: pledge items, join a collection's standby list, drive an
 *     uncovered run (after the drivers' training, when the movement asks
 *     for one), give a run up;
 *   - organisers of a group that supports a food bank (and admins): edit
 *     it and its needs, see its contact; organisers of the collection's
 *     group: add runs, see pick-ups, drivers, drop-outs and the standby
 *     list's size, record no-shows and deliveries.
 */
#include "foodbank/pages.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/audit.h"
#include "events/store.h"
#include "events/when.h"
#include "foodbank/keeper.h"
#include "foodbank/opening.h"
#include "foodbank/store.h"
#include "groups/store.h"
#include "postcodes/lookup.h"
#include "rides/match.h"
#include "training/pages.h"
#include "util/mem.h"
#include "util/num.h"
#include "util/utf8.h"
#include "web/web.h"

#define NEAR_RADIUS_M	 20000.0
#define NEAR_SHOWN	 5
#define CHILLED_MINUTES	 120 /* chilled food from the end of a collection to the food bank */
#define LATE_HOURS_DFLT	 24
#define WANTED_MAX	 100000
#define DELIVERED_KG_MAX 5000.0

static long long now_s(void)
{
	return (long long)time(NULL);
}

/* "13:40", London time. */
static void hm_text(time_t t, char out[8])
{
	struct tm tm;
	london_tm(t, &tm);
	snprintf(out, 8, "%02d:%02d", tm.tm_hour % 24, tm.tm_min % 60);
}

/* Organiser powers need a strong session (auth/policy.h). */
static int may_organise(struct db *db, const struct who *w, long group_id)
{
	struct target t = { 0, 0, 0, 0 };
	t.organiser =
	    w->actor.id && group_id && group_role_of(db, group_id, w->actor.id) == ROLE_ORGANISER;
	return policy_allows(&w->actor, ACT_FOODBANK_MANAGE, &t);
}

static int may_manage(struct db *db, const struct who *w, long foodbank_id)
{
	struct target t = { 0, 0, 0, 0 };
	t.organiser = w->actor.id && foodbank_organised_by(db, foodbank_id, w->actor.id) == 1;
	return policy_allows(&w->actor, ACT_FOODBANK_MANAGE, &t);
}

/* A whole number field in [lo, hi]; dflt when absent or empty, where a
 * dflt below lo makes the field required. */
static int field_long(const struct qs *f, const char *name, long lo, long hi, long dflt, long *out)
{
	const char *v = qs_get(f, name);
	if (!v || !*v) {
		*out = dflt;
		return dflt >= lo ? 0 : -1;
	}
	return num_parse_long(v, strlen(v), lo, hi, out);
}

/* A postcode we can place: 1 and *r (its display form in p), else 0. */
static int place_of(struct db *db, const char *pc, struct postcode *p, struct pc_record *r)
{
	return pc && !postcode_parse(pc, strlen(pc), p) &&
	       lookup_postcode_or_district(db, p, r) == 1 && r->positioned;
}

struct needs_ctx {
	json_t *needs, *plenty;
	long want; /* pledges asked for: totals shown */
};

static void need_item(const struct need *n, void *arg)
{
	struct needs_ctx *c = arg;
	json_t *j = json_pack("{s:I, s:s, s:s, s:b, s:b, s:b, s:s}", "id", (json_int_t)n->id,
			      "item", n->item, "urgency", urgency_name(n->urgency), "urgent",
			      n->urgency == URGENT, "chilled", n->chilled, "from_feed",
			      !strcmp(n->source, "feed"), "source", n->source);
	json_object_set_new(j, "wanted", json_integer(n->wanted)); /* 0: not said */
	if (c->want) {
		json_object_set_new(j, "pledged", json_integer(n->pledged));
		json_object_set_new(
		    j, "short", json_integer(n->wanted > n->pledged ? n->wanted - n->pledged : 0));
	}
	json_array_append_new(n->urgency == PLENTY ? c->plenty : c->needs, j);
}

/* Marks each item of a list with whether it is the last (for commas). */
static void mark_last(json_t *list)
{
	size_t i, n = json_array_size(list);
	json_t *v;
	json_array_foreach(list, i, v) json_object_set_new(v, "last", json_boolean(i + 1 == n));
}

/* {"needs": […], "plenty": […]} for a food bank, with totals at event_id. */
static json_t *needs_json(struct db *db, long foodbank_id, long event_id)
{
	struct needs_ctx c = { json_array(), json_array(), event_id };
	if (needs_each(db, foodbank_id, event_id, need_item, &c) < 0) {
		json_decref(c.needs);
		json_decref(c.plenty);
		return NULL;
	}
	mark_last(c.needs);
	mark_last(c.plenty);
	return json_pack("{s:o, s:o}", "needs", c.needs, "plenty", c.plenty);
}

static json_t *foodbank_json(const struct foodbank *f)
{
	struct opening o;
	char why[160], hours[OPENING_TEXT_MAX + 1];
	if (opening_parse(f->hours, &o, why, sizeof(why)))
		snprintf(hours, sizeof(hours), "%s", f->hours);
	else
		opening_text(&o, hours, sizeof(hours));
	return json_pack("{s:I, s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:b, s:s}", "id",
			 (json_int_t)f->id, "name", f->name, "kind", f->kind, "point",
			 !strcmp(f->kind, "point"), "postcode", f->postcode, "address", f->address,
			 "hours", hours, "accepts", f->accepts, "chilled", f->chilled, "slug",
			 f->slug);
}

static void brief_item(const struct collection_brief *b, void *arg)
{
	char when[128];
	when_text((time_t)b->starts_at, (time_t)b->ends_at, when, sizeof(when));
	json_array_append_new(
	    arg,
	    json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:b, s:b}", "id", (json_int_t)b->event_id,
		      "title", b->title, "foodbank", b->foodbank, "when", when, "uncovered",
		      (json_int_t)b->uncovered, "pledges", (json_int_t)b->pledges, "cancelled",
		      !strcmp(b->status, "cancelled"), "repeats", b->series_id != 0));
}

json_t *foodbank_nearest_json(struct db *db, double lat, double lon)
{
	struct foodbank_near fb;
	char km[16];
	if (foodbanks_near(db, lat, lon, NEAR_RADIUS_M, 1, &fb, 1) != 1)
		return json_null();
	json_t *j = needs_json(db, fb.f.id, 0);
	if (!j)
		return json_null();
	snprintf(km, sizeof(km), "%.1f", fb.distance_m / 1000);
	json_object_set_new(j, "id", json_integer(fb.f.id));
	json_object_set_new(j, "name", json_string(fb.f.name));
	json_object_set_new(j, "km", json_string(km));
	return j;
}

/* --- finding food banks ------------------------------------------------ */

/* The food banks and points within radius_m of (lat, lon), nearest first,
 * each with its needs and coming collections (never its contact); NULL on
 * a store error. */
static json_t *near_json(struct db *db, double lat, double lon, double radius_m)
{
	struct foodbank_near *near = xmalloc(NEAR_SHOWN * sizeof(*near));
	long m = foodbanks_near(db, lat, lon, radius_m, 0, near, NEAR_SHOWN);
	json_t *list = m < 0 ? NULL : json_array();
	for (long i = 0; i < m; i++) {
		json_t *j = foodbank_json(&near[i].f), *needs = needs_json(db, near[i].f.id, 0);
		json_t *coll = json_array();
		char km[16];
		snprintf(km, sizeof(km), "%.1f", near[i].distance_m / 1000);
		json_object_set_new(j, "km", json_string(km));
		if (needs)
			json_object_update(j, needs);
		json_decref(needs);
		foodbank_collections(db, near[i].f.id, now_s(), brief_item, coll);
		json_object_set_new(j, "collections", coll);
		json_array_append_new(list, j);
	}
	free(near);
	return list;
}

/* GET /api/v1/foodbanks?postcode=…[&km=…]: what the food banks near it need. */
static void near_api(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct postcode p;
	struct pc_record rec;
	long km;
	if (visit_or_answer(req, res, &w, &db, VISIT_JSON))
		return;
	if (!place_of(db, qs_get(&req->query, "postcode"), &p, &rec)) {
		http_error(res, 400, "give a UK postcode we know (postcode=)");
		return;
	}
	if (field_long(&req->query, "km", 1, 50, 20, &km)) {
		http_error(res, 400, "km is a whole number from 1 to 50");
		return;
	}
	json_t *list = near_json(db, rec.lat, rec.lon, km * 1000.0);
	if (!list) {
		http_error(res, 503, "the food banks could not be read");
		return;
	}
	api_json(res, list);
}

static void near_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	const char *r = qs_get(&req->query, "r");
	size_t n = 0;
	const char *kept = r ? recall_get(req, r, &n) : NULL;
	struct qs f;
	const char *err = r && !kept ? "That search has expired: search again." : NULL;
	if (visit_or_answer(req, res, &w, &db, 0))
		return;
	struct target t = { 0, 0, 0, 0 };
	t.organiser = w.actor.id && group_organises_any(db, w.actor.id) == 1;
	json_t *ctx = json_pack("{s:s, s:b}", "title", "What food banks near you need", "can_add",
				policy_allows(&w.actor, ACT_FOODBANK_MANAGE, &t));
	memset(&f, 0, sizeof(f));
	if (kept && qs_parse(&f, &req->arena, kept, n))
		err = "The form could not be read. Please try again.";
	const char *pc = qs_get(&f, "postcode");
	struct postcode p;
	struct pc_record rec;
	int status = 200;
	if (kept && !err && !place_of(db, pc, &p, &rec)) {
		err = "We could not find that postcode. Check it and try again.";
		status = 400;
	}
	if (kept && !err) {
		json_t *list = near_json(db, rec.lat, rec.lon, NEAR_RADIUS_M);
		if (!list) {
			json_decref(ctx);
			page_sorry(req, res, "The food banks could not be read.", &w);
			return;
		}
		json_object_set_new(ctx, "postcode", json_string(p.display));
		json_object_set_new(ctx, "results", list);
		json_object_set_new(ctx, "searched", json_true());
	}
	json_object_set_new(ctx, "form", json_pack("{s:s}", "postcode", pc ? pc : ""));
	if (err)
		json_object_set_new(ctx, "error", json_string(err));
	page_render(req, res, status, "foodbanks", ctx, &w);
}

static void near_search(struct http_request *req, struct http_response *res)
{
	struct qs f;
	if (qs_parse(&f, &req->arena, req->body.p ? req->body.p : "", req->body.len)) {
		page_message(req, res, 400, "Not searched", "The form could not be read.", NULL);
		return;
	}
	/* the postcode stays out of the address bar and the logs */
	if (!search_or_redirect(req, res, "/foodbanks"))
		page_sorry(req, res, "The search could not be kept. Please try again.", NULL);
}

/* --- a food bank -------------------------------------------------------- */

static const char *const fb_keys[] = { "name",	"kind",	   "slug",    "postcode", "address",
				       "hours", "contact", "accepts", "chilled",  "group" };

static void group_choice(long id, const char *name, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name));
}

static void form_page(struct http_request *req, struct http_response *res, const struct who *w,
		      struct db *db, const struct qs *f, int status, const char *err)
{
	json_t *groups = json_array();
	groups_of(db, w->actor.id, w->actor.admin, 1, group_choice, groups);
	json_t *ctx = json_pack("{s:s, s:o, s:o, s:s*}", "title", "Add a food bank", "groups",
				groups, "form", form_json(f, fb_keys, 10), "error", err);
	page_render(req, res, status, "foodbank_new", ctx, w);
}

static void new_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	struct target t = { 0, 0, 0, 0 };
	t.organiser = group_organises_any(db, w.actor.id) == 1;
	if (!policy_allows(&w.actor, ACT_FOODBANK_MANAGE, &t)) {
		page_message(
		    req, res, 403, "Organisers only",
		    "Food banks are added by the organisers of the groups that support them.", &w);
		return;
	}
	form_page(req, res, &w, db, NULL, 200, NULL);
}

/* The form's food bank into *fb: NULL, or what is wrong. */
static const char *foodbank_read_form(struct db *db, const struct qs *f, struct foodbank *fb,
				      char *hours_why, size_t cap)
{
	const char *name = qs_get(f, "name"), *kind = qs_get(f, "kind"), *slug = qs_get(f, "slug");
	const char *addr = qs_get(f, "address"), *hours = qs_get(f, "hours");
	const char *contact = qs_get(f, "contact"), *accepts = qs_get(f, "accepts");
	const char *why;
	struct opening o;
	struct postcode p;
	struct pc_record r;

	if ((why = plain_text_why(name, FOODBANK_NAME_MAX)))
		return name && *name
			   ? "The name is refused: it must be plain text, 120 characters at"
			     " most."
			   : "Give the food bank's name.";
	if (!kind || (strcmp(kind, "foodbank") && strcmp(kind, "point")))
		return "Say whether it is a food bank or a collection point.";
	if (slug && *slug && plain_text_why(slug, FOODBANK_SLUG_MAX))
		return "The feed's name for it is plain text, 80 characters at most.";
	if (!place_of(db, qs_get(f, "postcode"), &p, &r))
		return "Give the food bank's postcode.";
	if (addr && *addr && plain_text_why(addr, EVENT_ADDRESS_MAX))
		return "The address is one line of plain text, 200 characters at most.";
	if (opening_parse(hours, &o, hours_why, cap))
		return hours_why;
	if (contact &&
	    (strlen(contact) > FOODBANK_TEXT_MAX || !utf8_valid(contact, strlen(contact))))
		return "The contact is text of 500 characters at most.";
	if (accepts &&
	    (strlen(accepts) > FOODBANK_TEXT_MAX || !utf8_valid(accepts, strlen(accepts))))
		return "What it accepts is text of 500 characters at most.";
	snprintf(fb->name, sizeof(fb->name), "%s", name);
	snprintf(fb->kind, sizeof(fb->kind), "%s", kind);
	snprintf(fb->slug, sizeof(fb->slug), "%s", slug ? slug : "");
	snprintf(fb->postcode, sizeof(fb->postcode), "%s", p.display);
	fb->lat = r.lat;
	fb->lon = r.lon;
	snprintf(fb->address, sizeof(fb->address), "%s", addr ? addr : "");
	opening_text(&o, fb->hours, sizeof(fb->hours));
	snprintf(fb->contact, sizeof(fb->contact), "%s", contact ? contact : "");
	snprintf(fb->accepts, sizeof(fb->accepts), "%s", accepts ? accepts : "");
	fb->chilled = qs_get(f, "chilled") != NULL;
	return NULL;
}

static void create(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct foodbank fb = { 0 };
	long gid;
	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) || form_or_answer(req, res, &w, &f))
		return;
	if (field_long(&f, "group", 1, 1L << 40, 0, &gid) || !may_organise(db, &w, gid)) {
		form_page(req, res, &w, db, &f, 403,
			  "Choose a group you organise: it supports the"
			  " food bank.");
		return;
	}
	char hours_why[160];
	const char *why = foodbank_read_form(db, &f, &fb, hours_why, sizeof(hours_why));
	if (why) {
		form_page(req, res, &w, db, &f, 400, why);
		return;
	}
	fb.created_by = w.actor.id;
	int rc = foodbank_put(db, &fb, gid, now_s());
	if (rc != 1) {
		if (rc == 0)
			form_page(req, res, &w, db, &f, 409,
				  "Another food bank here already has that name in the feed.");
		else
			page_sorry(req, res, "The food bank could not be saved.", &w);
		return;
	}
	audit_note(db, w.actor.id, "foodbank.create", 0,
		   arena_printf(&req->arena, "foodbank %ld", fb.id));
	http_redirect(res, arena_printf(&req->arena, "/foodbanks/%ld", fb.id));
}

struct fb_ctx {
	struct who w;
	struct db *db;
	struct foodbank fb;
	int manage;
};

/* The visitor and the food bank {id}; with f, a form (CSRF checked) from
 * one who may manage it. */
static int foodbank_or_answer(struct http_request *req, struct http_response *res, struct fb_ctx *c,
			      struct qs *f)
{
	if (visit_or_answer(req, res, &c->w, &c->db, f ? VISIT_SIGNED_IN : 0))
		return -1;
	int rc = foodbank_get(c->db, route_id(&req->params, "id"), &c->fb);
	if (rc != 1) {
		if (rc < 0)
			page_sorry(req, res, "The food bank could not be read.", &c->w);
		else
			page_message(req, res, 404, "Not found", "There is no such food bank.",
				     &c->w);
		return -1;
	}
	c->manage = may_manage(c->db, &c->w, c->fb.id);
	if (!f)
		return 0;
	if (form_or_answer(req, res, &c->w, f))
		return -1;
	return 0;
}

static void foodbank_page_with(struct http_request *req, struct http_response *res,
			       struct fb_ctx *c, int status, const char *err)
{
	json_t *ctx = json_pack("{s:s, s:o, s:b}", "title", c->fb.name, "fb", foodbank_json(&c->fb),
				"manage", c->manage);
	json_t *needs = needs_json(c->db, c->fb.id, 0), *groups = json_array(),
	       *coll = json_array();
	if (!needs || foodbank_groups(c->db, c->fb.id, group_choice, groups) < 0 ||
	    foodbank_collections(c->db, c->fb.id, now_s(), brief_item, coll) < 0) {
		json_decref(needs);
		json_decref(groups);
		json_decref(coll);
		json_decref(ctx);
		page_sorry(req, res, "The food bank could not be read.", &c->w);
		return;
	}
	json_object_update(ctx, needs);
	json_decref(needs);
	json_object_set_new(ctx, "groups", groups);
	json_object_set_new(ctx, "collections", coll);
	if (c->manage) {
		/* the contact is for those who take food there */
		json_object_set_new(ctx, "contact", json_string(c->fb.contact));
		json_object_set_new(ctx, "edit",
				    json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "slug",
					      c->fb.slug, "address", c->fb.address, "hours",
					      c->fb.hours, "contact", c->fb.contact, "accepts",
					      c->fb.accepts, "chilled", c->fb.chilled, "point",
					      !strcmp(c->fb.kind, "point")));
		json_object_set_new(ctx, "postcode", json_string(c->fb.postcode));
		audit_note(c->db, c->w.actor.id, "foodbank.contact.view", 0,
			   arena_printf(&req->arena, "foodbank %ld", c->fb.id));
	}
	if (c->w.actor.id) {
		/* groups the visitor organises, to link to it */
		json_t *mine = json_array();
		groups_of(c->db, c->w.actor.id, c->w.actor.admin, 1, group_choice, mine);
		json_object_set_new(ctx, "my_groups", mine);
	}
	if (err)
		json_object_set_new(ctx, "error", json_string(err));
	page_render(req, res, status, "foodbank", ctx, &c->w);
}

static void foodbank_page(struct http_request *req, struct http_response *res)
{
	struct fb_ctx c;
	if (foodbank_or_answer(req, res, &c, NULL))
		return;
	foodbank_page_with(req, res, &c, 200, NULL);
}

static int refuse_unless_manager(struct http_request *req, struct http_response *res,
				 struct fb_ctx *c)
{
	if (c->manage)
		return 0;
	page_message(req, res, 403, "Organisers only",
		     "Only the organisers of a group that supports this food bank may change it.",
		     &c->w);
	return -1;
}

static void foodbank_edit(struct http_request *req, struct http_response *res)
{
	struct fb_ctx c;
	struct qs f;
	if (foodbank_or_answer(req, res, &c, &f) || refuse_unless_manager(req, res, &c))
		return;
	struct foodbank fb = { .id = c.fb.id, .created_by = c.fb.created_by };
	char hours_why[160];
	const char *why = foodbank_read_form(c.db, &f, &fb, hours_why, sizeof(hours_why));
	if (why) {
		foodbank_page_with(req, res, &c, 400, why);
		return;
	}
	int rc = foodbank_put(c.db, &fb, 0, now_s());
	if (rc != 1) {
		if (rc == 0)
			foodbank_page_with(
			    req, res, &c, 409,
			    "Another food bank here already has that name in the feed.");
		else
			page_sorry(req, res, "The food bank could not be saved.", &c.w);
		return;
	}
	audit_note(c.db, c.w.actor.id, "foodbank.edit", 0,
		   arena_printf(&req->arena, "foodbank %ld", c.fb.id));
	http_redirect(res, arena_printf(&req->arena, "/foodbanks/%ld", c.fb.id));
}

static void need_add(struct http_request *req, struct http_response *res)
{
	struct fb_ctx c;
	struct qs f;
	enum urgency u;
	long wanted;
	if (foodbank_or_answer(req, res, &c, &f) || refuse_unless_manager(req, res, &c))
		return;
	const char *item = qs_get(&f, "item"), *why = plain_text_why(item, NEED_ITEM_MAX);
	if (why) {
		foodbank_page_with(req, res, &c, 400,
				   item && *item
				       ? "The item is one line of plain text, 80 characters"
					 " at most."
				       : "Say what the food bank needs.");
		return;
	}
	if (urgency_parse(qs_get(&f, "urgency"), &u)) {
		foodbank_page_with(req, res, &c, 400,
				   "Say whether it is urgent, needed, or something"
				   " the food bank has plenty of.");
		return;
	}
	if (field_long(&f, "wanted", 0, WANTED_MAX, 0, &wanted)) {
		foodbank_page_with(req, res, &c, 400,
				   "How many are wanted is a whole number from 1"
				   " to 100,000 (or leave it empty).");
		return;
	}
	int rc = need_put(c.db, c.fb.id, item, u, wanted, qs_get(&f, "chilled") != NULL, now_s());
	if (rc != 1) {
		if (rc == 0)
			foodbank_page_with(
			    req, res, &c, 409,
			    "The list is full: remove what is no longer needed first.");
		else
			page_sorry(req, res, "The need could not be saved.", &c.w);
		return;
	}
	audit_note(c.db, c.w.actor.id, "foodbank.needs", 0,
		   arena_printf(&req->arena, "foodbank %ld", c.fb.id));
	http_redirect(res, arena_printf(&req->arena, "/foodbanks/%ld#needs", c.fb.id));
}

static void need_drop(struct http_request *req, struct http_response *res)
{
	struct fb_ctx c;
	struct qs f;
	if (foodbank_or_answer(req, res, &c, &f) || refuse_unless_manager(req, res, &c))
		return;
	int rc = need_remove(c.db, c.fb.id, route_id(&req->params, "need"));
	if (rc < 0) {
		page_sorry(req, res, "The need could not be removed.", &c.w);
		return;
	}
	if (!rc) {
		page_message(req, res, 404, "Not found", "That is not on this food bank's list.",
			     &c.w);
		return;
	}
	audit_note(c.db, c.w.actor.id, "foodbank.needs", 0,
		   arena_printf(&req->arena, "foodbank %ld", c.fb.id));
	http_redirect(res, arena_printf(&req->arena, "/foodbanks/%ld#needs", c.fb.id));
}

/* A group's organiser says their group supports the food bank (or no longer). */
static void link_group(struct http_request *req, struct http_response *res)
{
	struct fb_ctx c;
	struct qs f;
	long gid;
	if (foodbank_or_answer(req, res, &c, &f))
		return;
	if (field_long(&f, "group", 1, 1L << 40, 0, &gid) || !may_organise(c.db, &c.w, gid)) {
		page_message(req, res, 403, "Organisers only",
			     "Only a group's organisers say which food banks it supports.", &c.w);
		return;
	}
	if (foodbank_link(c.db, c.fb.id, gid, qs_get(&f, "off") == NULL) != 1) {
		page_sorry(req, res, "The link could not be saved.", &c.w);
		return;
	}
	audit_note(c.db, c.w.actor.id, "foodbank.link", 0,
		   arena_printf(&req->arena, "foodbank %ld group %ld", c.fb.id, gid));
	http_redirect(res, arena_printf(&req->arena, "/foodbanks/%ld", c.fb.id));
}

/* --- a group's collections ------------------------------------------------ */

static const char *const coll_keys[] = { "foodbank", "title",	   "description",    "postcode",
					 "address",  "date",	   "start",	     "minutes",
					 "capacity", "late_hours", "repeat",	     "rrule",
					 "until",    "count",	   "address_private" };
#define NCOLL_KEYS (sizeof(coll_keys) / sizeof(coll_keys[0]))

struct group_ctx {
	struct who w;
	struct db *db;
	long gid;
	char name[128];
	int organiser, member;
};

static int group_or_answer(struct http_request *req, struct http_response *res, struct group_ctx *g,
			   struct qs *f)
{
	if (visit_or_answer(req, res, &g->w, &g->db, VISIT_SIGNED_IN))
		return -1;
	g->gid = route_id(&req->params, "id");
	int rc = g->gid ? group_name(g->db, g->gid, g->name, sizeof(g->name)) : 0;
	if (rc != 1) {
		if (rc < 0)
			page_sorry(req, res, "The group could not be read.", &g->w);
		else
			page_message(req, res, 404, "Not found", "There is no such group.", &g->w);
		return -1;
	}
	g->organiser = may_organise(g->db, &g->w, g->gid);
	g->member = g->organiser || group_role_of(g->db, g->gid, g->w.actor.id) > ROLE_NONE;
	if (!g->member) {
		page_message(req, res, 403, "Members only",
			     "A group's collections are for its members: join the group first.",
			     &g->w);
		return -1;
	}
	return f ? form_or_answer(req, res, &g->w, f) : 0;
}

static void series_item(const struct series *s, void *arg)
{
	char first[96];
	struct wall w;
	first[0] = '\0';
	if (!wall_parse(s->first_at, &w))
		start_text(london_to_utc(w.year, w.mon, w.day, w.hour, w.min), first,
			   sizeof(first));
	json_array_append_new(arg, json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)s->id,
					     "title", s->title, "rrule", s->rrule, "first", first,
					     "stopped", s->stopped_at != 0));
}

static void delivered_item(const struct delivered *d, void *arg)
{
	char kg[32];
	snprintf(kg, sizeof(kg), "%.1f", d->kg);
	json_array_append_new(arg, json_pack("{s:s, s:I, s:I, s:s}", "month", d->month, "runs",
					     (json_int_t)d->runs, "items", (json_int_t)d->items,
					     "kg", kg));
}

static void group_page_with(struct http_request *req, struct http_response *res,
			    struct group_ctx *g, const struct qs *f, int status, const char *err)
{
	json_t *coll = json_array(), *banks = json_array(), *series = json_array(),
	       *months = json_array();
	int rc = group_collections(g->db, g->gid, now_s() - 86400, brief_item, coll) < 0 ||
		 group_foodbanks(g->db, g->gid, group_choice, banks) < 0 ||
		 group_series(g->db, g->gid, series_item, series) < 0 ||
		 group_deliveries(g->db, g->gid, delivered_item, months) < 0;
	json_t *ctx = json_pack("{s:s, s:I, s:s, s:b, s:o, s:o, s:o, s:o, s:o, s:s*}", "title",
				"Food-bank collections", "gid", (json_int_t)g->gid, "group",
				g->name, "organiser", g->organiser, "collections", coll,
				"foodbanks", banks, "series", series, "months", months, "form",
				form_json(f, coll_keys, NCOLL_KEYS), "error", err);
	if (rc) {
		json_decref(ctx);
		page_sorry(req, res, "The collections could not be read.", &g->w);
		return;
	}
	json_object_set_new(ctx, "late_hours", json_integer(LATE_HOURS_DFLT));
	page_render(req, res, status, "collections", ctx, &g->w);
}

static void group_page(struct http_request *req, struct http_response *res)
{
	struct group_ctx g;
	if (group_or_answer(req, res, &g, NULL))
		return;
	group_page_with(req, res, &g, NULL, 200, NULL);
}

static const char *const wday_codes[7] = { "MO", "TU", "WE", "TH", "FR", "SA", "SU" };

/*
 * The rule the form asks for, from the first date's weekday: weekly,
 * fortnightly, the same week of each month ("first Sunday"), or one
 * written out; ended by an until date or a count when the rule has
 * neither.  NULL and rule, or what is wrong.
 */
static const char *rule_from_form(const struct qs *f, const struct wall *w, char *rule, size_t cap)
{
	const char *repeat = qs_get(f, "repeat"), *until = qs_get(f, "until");
	const char *custom = qs_get(f, "rrule");
	long count;
	long z = (long)(london_to_utc(w->year, w->mon, w->day, 12, 0) / 86400);
	int wd = (int)((z % 7 + 7 + 3) % 7), nth = (w->day - 1) / 7 + 1;
	if (!strcmp(repeat, "weekly"))
		snprintf(rule, cap, "FREQ=WEEKLY;BYDAY=%s", wday_codes[wd]);
	else if (!strcmp(repeat, "fortnightly"))
		snprintf(rule, cap, "FREQ=WEEKLY;INTERVAL=2;BYDAY=%s", wday_codes[wd]);
	else if (!strcmp(repeat, "monthly"))
		/* the fifth such day is not in every month: the last one is */
		snprintf(rule, cap, "FREQ=MONTHLY;BYDAY=%d%s", nth == 5 ? -1 : nth, wday_codes[wd]);
	else if (!strcmp(repeat, "custom") && custom && strlen(custom) > RRULE_TEXT_MAX)
		return "A rule is 200 characters at most.";
	else if (!strcmp(repeat, "custom") && custom && *custom)
		snprintf(rule, cap, "%s", custom);
	else
		return "Say how the collection repeats.";
	if (strstr(rule, "COUNT=") || strstr(rule, "UNTIL="))
		return NULL;
	if (until && *until) {
		int y, m, d, used = 0;
		if (strlen(until) != 10 || sscanf(until, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 ||
		    used != 10)
			return "Give the last date as 2027-06-30.";
		size_t n = strlen(rule);
		snprintf(rule + n, cap - n, ";UNTIL=%04d%02d%02dT235900", y, m, d);
	} else if (qs_get(f, "count") && *qs_get(f, "count")) {
		if (field_long(f, "count", 1, RRULE_COUNT_MAX, 0, &count))
			return "Give how many times as a whole number from 1 to 1,000.";
		size_t n = strlen(rule);
		snprintf(rule + n, cap - n, ";COUNT=%ld", count);
	}
	return NULL;
}

static void collection_new(struct http_request *req, struct http_response *res)
{
	struct group_ctx g;
	struct qs f;
	long fb_id, minutes, capacity, late;
	struct postcode p;
	struct pc_record r;
	struct wall w;
	char *why_buf = arena_alloc(&req->arena, 256);
	const char *why = NULL;
	if (group_or_answer(req, res, &g, &f))
		return;
	if (!g.organiser) {
		page_message(req, res, 403, "Organisers only",
			     "The group's organisers plan its collections.", &g.w);
		return;
	}
	const char *title = qs_get(&f, "title"), *desc = qs_get(&f, "description");
	const char *addr = qs_get(&f, "address"), *date = qs_get(&f, "date");
	const char *start = qs_get(&f, "start"), *repeat = qs_get(&f, "repeat");
	struct event *e = arena_alloc(&req->arena, sizeof(*e));
	struct series *s = arena_alloc(&req->arena, sizeof(*s));
	time_t first = 0;
	int rc = 0;
	memset(e, 0, sizeof(*e));
	memset(s, 0, sizeof(*s));
	if (field_long(&f, "foodbank", 1, 1L << 40, 0, &fb_id) ||
	    foodbank_supports(g.db, fb_id, g.gid) != 1)
		why = "Choose one of the food banks the group supports.";
	else if (plain_text_why(title, EVENT_TITLE_MAX) || strlen(title) > EVENT_TITLE_MAX)
		why = "Give a title: one line of plain text, 120 characters at most.";
	else if (desc && strlen(desc) > EVENT_TEXT_MAX)
		why = "The description is 2,000 characters at most.";
	else if (!place_of(g.db, qs_get(&f, "postcode"), &p, &r) || !*r.pcon2024)
		why = "Give the collection point's postcode.";
	else if (addr && *addr &&
		 (plain_text_why(addr, EVENT_ADDRESS_MAX) || strlen(addr) > EVENT_ADDRESS_MAX))
		why = "The address is one line of plain text, 200 characters at most.";
	else if ((rc = london_parse(date, start, &first)))
		why = rc == LONDON_SKIPPED ? LONDON_SKIPPED_WHY
					   : "Give the date as 2026-12-05 and the start as 10:00.";
	else if (field_long(&f, "minutes", 15, 720, 120, &minutes))
		why = "A collection lasts 15 minutes to 12 hours: give its length in minutes.";
	else if (field_long(&f, "capacity", 1, SLOT_CAPACITY_MAX, 10, &capacity))
		why = "Give the number of volunteers wanted (1 to 10,000).";
	else if (field_long(&f, "late_hours", 1, 168, LATE_HOURS_DFLT, &late))
		why = "A late drop-out is one from 1 to 168 hours before the start.";
	if (why) {
		group_page_with(req, res, &g, &f, 400, why);
		return;
	}
	snprintf(e->type, sizeof(e->type), "dropoff");
	snprintf(e->title, sizeof(e->title), "%s", title);
	snprintf(e->description, sizeof(e->description), "%s", desc ? desc : "");
	snprintf(e->address, sizeof(e->address), "%s", addr ? addr : "");
	snprintf(e->postcode, sizeof(e->postcode), "%s", p.display);
	snprintf(e->seat, sizeof(e->seat), "%s", r.pcon2024);
	e->lat = r.lat;
	e->lon = r.lon;
	e->address_private = qs_get(&f, "address_private") != NULL;
	e->group_id = g.gid;
	e->created_by = g.w.actor.id;
	e->starts_at = first;
	e->ends_at = first + minutes * 60;
	e->nslots = 1;
	e->slots[0] = (struct event_slot){ 0, e->starts_at, e->ends_at, capacity, 0, 0 };
	const char *field = NULL;
	if ((why = event_check(e, time(NULL), &field))) {
		group_page_with(req, res, &g, &f, 400, why);
		return;
	}
	if (!repeat || !*repeat || !strcmp(repeat, "none")) {
		struct collection c = { 0, fb_id, 0, (int)late };
		if (collection_create(g.db, e, &c) != 1) {
			page_sorry(req, res, "The collection could not be saved.", &g.w);
			return;
		}
		audit_note(g.db, g.w.actor.id, "collection.create", 0,
			   arena_printf(&req->arena, "event %ld", e->id));
		http_redirect(res, arena_printf(&req->arena, "/collections/%ld", e->id));
		return;
	}
	struct rrule rule;
	wall_parse(arena_printf(&req->arena, "%sT%s", date, start), &w);
	if ((why = rule_from_form(&f, &w, s->rrule, sizeof(s->rrule))) ||
	    (rrule_parse(s->rrule, &rule, why_buf, 256) || rrule_check(&rule, &w, why_buf, 256))) {
		group_page_with(req, res, &g, &f, 400, why ? why : why_buf);
		return;
	}
	s->group_id = g.gid;
	s->foodbank_id = fb_id;
	snprintf(s->first_at, sizeof(s->first_at), "%sT%s", date, start);
	s->minutes = (int)minutes;
	s->capacity = (int)capacity;
	s->late_hours = (int)late;
	snprintf(s->title, sizeof(s->title), "%s", e->title);
	snprintf(s->description, sizeof(s->description), "%s", e->description);
	snprintf(s->seat, sizeof(s->seat), "%s", e->seat);
	snprintf(s->postcode, sizeof(s->postcode), "%s", e->postcode);
	snprintf(s->address, sizeof(s->address), "%s", e->address);
	s->lat = e->lat;
	s->lon = e->lon;
	s->address_private = e->address_private;
	s->created_by = g.w.actor.id;
	long made = 0;
	long long last = 0;
	if (db_begin(g.db) || series_create(g.db, s, now_s()) != 1 ||
	    series_materialise(g.db, s, now_s(), series_horizon_s(), &made, &last) != 1 ||
	    series_checked(g.db, s->id, now_s(), "") != 1 || db_commit(g.db)) {
		db_rollback(g.db);
		page_sorry(req, res, "The series could not be saved.", &g.w);
		return;
	}
	audit_note(g.db, g.w.actor.id, "series.create", 0,
		   arena_printf(&req->arena, "series %ld made %ld", s->id, made));
	http_redirect(res, arena_printf(&req->arena, "/groups/%ld/collections#series", g.gid));
}

static void series_end(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct series s;
	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) || form_or_answer(req, res, &w, &f))
		return;
	int rc = series_get(db, route_id(&req->params, "id"), &s);
	if (rc != 1 || !may_organise(db, &w, s.group_id)) {
		if (rc < 0)
			page_sorry(req, res, "The series could not be read.", &w);
		else
			page_message(req, res, rc ? 403 : 404, rc ? "Organisers only" : "Not found",
				     rc ? "The group's organisers end its series."
					: "There is no such series.",
				     &w);
		return;
	}
	if (series_stop(db, s.id, now_s()) < 0) {
		page_sorry(req, res, "The series could not be ended.", &w);
		return;
	}
	audit_note(db, w.actor.id, "series.stop", 0, arena_printf(&req->arena, "series %ld", s.id));
	http_redirect(res, arena_printf(&req->arena, "/groups/%ld/collections#series", s.group_id));
}

/* --- a collection ----------------------------------------------------------- */

struct coll_ctx {
	struct who w;
	struct db *db;
	struct event *e;
	struct collection c;
	struct foodbank fb;
	int organiser, open; /* open: published, not over */
};

static int collection_load(struct http_request *req, struct http_response *res, struct coll_ctx *c,
			   long event_id)
{
	c->e = arena_alloc(&req->arena, sizeof(*c->e));
	int rc = collection_get(c->db, event_id, &c->c);
	if (rc == 1)
		rc = event_get(c->db, event_id, c->e);
	if (rc == 1)
		rc = foodbank_get(c->db, c->c.foodbank_id, &c->fb);
	/* a draft or a proposal is not a collection yet */
	if (rc == 1 && (c->e->draft || c->e->awaiting) &&
	    !may_organise(c->db, &c->w, c->e->group_id))
		rc = 0;
	if (rc != 1) {
		if (rc < 0)
			page_sorry(req, res, "The collection could not be read.", &c->w);
		else
			page_message(req, res, 404, "Not found", "There is no such collection.",
				     &c->w);
		return -1;
	}
	c->organiser = may_organise(c->db, &c->w, c->e->group_id);
	c->open = !strcmp(c->e->status, "published") && c->e->ends_at > time(NULL);
	return 0;
}

static int collection_or_answer(struct http_request *req, struct http_response *res,
				struct coll_ctx *c, struct qs *f)
{
	if (visit_or_answer(req, res, &c->w, &c->db, f ? VISIT_SIGNED_IN : 0))
		return -1;
	if (collection_load(req, res, c, route_id(&req->params, "id")))
		return -1;
	return f ? form_or_answer(req, res, &c->w, f) : 0;
}

struct runs_ctx {
	const struct coll_ctx *c;
	json_t *list;
};

static void run_item(const struct run *r, void *arg)
{
	struct runs_ctx *rc = arg;
	const struct coll_ctx *c = rc->c;
	int mine = c->w.actor.id && r->driver_id == c->w.actor.id;
	int open = !strcmp(r->status, "open");
	char departs[96], arrives[8];
	start_text((time_t)r->departs_at, departs, sizeof(departs));
	hm_text((time_t)r->arrives_at, arrives);
	json_t *j = json_pack(
	    "{s:I, s:s, s:b, s:s, s:s, s:b, s:b, s:b, s:b, s:i, s:s}", "id", (json_int_t)r->id,
	    "vehicle", vehicle_name(r->vehicle), "chilled", r->chilled, "departs", departs,
	    "arrives", arrives, "needs_driver", open && !r->driver_id, "mine", mine, "done",
	    !strcmp(r->status, "done"), "open", open, "nstops", r->nstops, "status", r->status);
	if (c->organiser || mine) {
		json_t *stops = json_array();
		for (int i = 0; i < r->nstops; i++)
			json_array_append_new(stops, json_pack("{s:i, s:s, s:s}", "n", i + 1,
							       "label", r->stops[i].label,
							       "postcode", r->stops[i].postcode));
		json_object_set_new(j, "stops", stops);
		json_object_set_new(j, "driver", json_string(r->driver));
		json_object_set_new(
		    j, "may_record",
		    json_boolean(open && r->driver_id && r->departs_at <= time(NULL)));
	}
	if (!strcmp(r->status, "done")) {
		char kg[32];
		snprintf(kg, sizeof(kg), "%.1f", r->delivered_kg);
		json_object_set_new(j, "kg", json_string(kg));
		json_object_set_new(j, "items", json_integer(r->delivered_items));
		if (c->organiser || mine)
			json_object_set_new(j, "receipt", json_string(r->receipt));
	}
	json_array_append_new(rc->list, j);
}

static void pledge_item(const struct pledge *p, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:I, s:s, s:b}", "id", (json_int_t)p->id,
					     "quantity", (json_int_t)p->quantity, "item", p->item,
					     "chilled", p->chilled));
}

static void dropout_item(const struct dropout *d, void *arg)
{
	char when[96];
	start_text((time_t)d->at, when, sizeof(when));
	json_array_append_new(arg, json_pack("{s:b, s:s, s:b}", "run", d->run_id != 0, "at", when,
					     "told", d->told_at != 0));
}

static void attendee_item(const struct attendee *a, void *arg)
{
	if (a->person_id && !strcmp(a->status, "going"))
		json_array_append_new(
		    arg, json_pack("{s:I, s:s}", "id", (json_int_t)a->person_id, "name", a->name));
}

static void collection_page_with(struct http_request *req, struct http_response *res,
				 struct coll_ctx *c, int status, const char *err)
{
	char when[128], place[EVENT_ADDRESS_MAX + 16];
	when_text(c->e->starts_at, c->e->ends_at, when, sizeof(when));
	event_place(c->e, place, sizeof(place));
	struct runs_ctx rc = { c, json_array() };
	json_t *needs = needs_json(c->db, c->fb.id, c->e->id), *mine = json_array();
	int bad =
	    !needs || runs_each(c->db, c->e->id, run_item, &rc) < 0 ||
	    (c->w.actor.id && pledges_of(c->db, c->e->id, c->w.actor.id, pledge_item, mine) < 0);
	json_t *ctx = json_pack(
	    "{s:s, s:I, s:s, s:s, s:o, s:o, s:o, s:b, s:b, s:b, s:b, s:i, s:s*}", "title",
	    c->e->title, "id", (json_int_t)c->e->id, "when", when, "place", place, "fb",
	    foodbank_json(&c->fb), "runs", rc.list, "pledges", mine, "organiser", c->organiser,
	    "open", c->open, "cancelled", !strcmp(c->e->status, "cancelled"), "signed_in",
	    c->w.actor.id != 0, "late_hours", c->c.late_hours, "error", err);
	json_object_set_new(ctx, "cid", json_integer(c->e->id));
	if (needs) {
		json_object_update(ctx, needs);
		json_decref(needs);
	}
	if (c->w.actor.id) {
		int on = standby_has(c->db, c->e->id, c->w.actor.id);
		bad |= on < 0;
		json_object_set_new(ctx, "standby", json_boolean(on == 1));
	}
	if (c->organiser) {
		json_t *gaps = json_array(), *going = json_array(), *noshows = json_array();
		bad |= dropouts_open(c->db, c->e->id, dropout_item, gaps) < 0 ||
		       event_attendees(c->db, c->e->id, attendee_item, going) < 0 ||
		       no_shows_each(c->db, c->e->id, group_choice, noshows) < 0;
		json_object_set_new(ctx, "dropouts", gaps);
		json_object_set_new(ctx, "going", going);
		json_object_set_new(ctx, "noshows", noshows);
		json_object_set_new(ctx, "standby_count",
				    json_integer(standby_count(c->db, c->e->id)));
		/* who did not come is seen by organisers only, and that they saw it kept */
		audit_note(c->db, c->w.actor.id, "collection.view", 0,
			   arena_printf(&req->arena, "event %ld", c->e->id));
	}
	if (bad) {
		json_decref(ctx);
		page_sorry(req, res, "The collection could not be read.", &c->w);
		return;
	}
	page_render(req, res, status, "collection", ctx, &c->w);
}

static void collection_page(struct http_request *req, struct http_response *res)
{
	struct coll_ctx c;
	if (collection_or_answer(req, res, &c, NULL))
		return;
	collection_page_with(req, res, &c, 200, NULL);
}

static void back_to(struct http_request *req, struct http_response *res, long event_id,
		    const char *anchor)
{
	http_redirect(res, arena_printf(&req->arena, "/collections/%ld#%s", event_id, anchor));
}

static void pledge(struct http_request *req, struct http_response *res)
{
	struct coll_ctx c;
	struct qs f;
	long need, qty, id;
	if (collection_or_answer(req, res, &c, &f))
		return;
	if (!c.open) {
		collection_page_with(req, res, &c, 409,
				     "Pledges are closed: this collection is over or cancelled.");
		return;
	}
	if (field_long(&f, "need", 1, 1L << 40, 0, &need) ||
	    field_long(&f, "quantity", 1, 1000, 0, &qty)) {
		collection_page_with(req, res, &c, 400,
				     "Choose an item from the list and how many (1 to 1,000).");
		return;
	}
	/* chilled food only where a run keeps it cold and gets there in time */
	int chilled = need_chilled(c.db, need);
	if (chilled == 1 &&
	    (!c.fb.chilled ||
	     collection_cold_run(c.db, c.e->id, c.e->ends_at + CHILLED_MINUTES * 60) != 1)) {
		collection_page_with(
		    req, res, &c, 400,
		    "No run from this collection can keep chilled food cold all the"
		    " way to the food bank: pledge food that keeps instead.");
		return;
	}
	int rc = pledge_add(c.db, c.e->id, c.w.actor.id, need, qty, now_s(), &id);
	if (rc != 1) {
		if (rc < 0)
			page_sorry(req, res, "Your pledge could not be saved.", &c.w);
		else
			collection_page_with(req, res, &c, 400,
					     "That is not something this food bank needs now.");
		return;
	}
	back_to(req, res, c.e->id, "pledge");
}

static void pledge_drop(struct http_request *req, struct http_response *res)
{
	struct coll_ctx c;
	struct qs f;
	if (collection_or_answer(req, res, &c, &f))
		return;
	int rc = pledge_remove(c.db, route_id(&req->params, "pledge"), c.w.actor.id);
	if (rc != 1) {
		if (rc < 0)
			page_sorry(req, res, "Your pledge could not be withdrawn.", &c.w);
		else
			page_message(req, res, 404, "Not found", "You have no such pledge.", &c.w);
		return;
	}
	back_to(req, res, c.e->id, "pledge");
}

static void standby(struct http_request *req, struct http_response *res)
{
	struct coll_ctx c;
	struct qs f;
	if (collection_or_answer(req, res, &c, &f))
		return;
	int on = qs_get(&f, "leave") == NULL;
	if (on && !c.open) {
		collection_page_with(req, res, &c, 409, "This collection is over or cancelled.");
		return;
	}
	if (standby_set(c.db, c.e->id, c.w.actor.id, on, now_s()) != 1) {
		page_sorry(req, res, "The standby list could not be changed.", &c.w);
		return;
	}
	back_to(req, res, c.e->id, "standby");
}

/* "Market Hall, LS1 4DY" lines into pick-ups: NULL, or what is wrong. */
static const char *stops_read(struct db *db, const char *text, struct run *r)
{
	char line[FOODBANK_NAME_MAX * 4 + 32];
	for (const char *p = text ? text : ""; *p;) {
		size_t n = strcspn(p, "\r\n");
		if (n >= sizeof(line))
			return "A pick-up is a name and a postcode, like \"Market Hall, LS1 4DY\".";
		memcpy(line, p, n);
		line[n] = '\0';
		p += n;
		p += strspn(p, "\r\n");
		char *comma = strrchr(line, ',');
		if (!*line)
			continue;
		if (r->nstops == RUN_STOPS_MAX)
			return "A run has at most eight pick-ups.";
		struct run_stop *s = &r->stops[r->nstops];
		struct postcode pc;
		struct pc_record rec;
		if (!comma || !place_of(db, comma + 1 + strspn(comma + 1, " "), &pc, &rec))
			return "A pick-up is a name and a postcode, like \"Market Hall, LS1 4DY\".";
		*comma = '\0';
		if (plain_text_why(line, FOODBANK_NAME_MAX))
			return "A pick-up's name is plain text, 120 characters at most.";
		memcpy(s->label, line, strlen(line) + 1); /* plain_text_why: it fits */
		snprintf(s->postcode, sizeof(s->postcode), "%s", pc.display);
		s->lat = rec.lat;
		s->lon = rec.lon;
		r->nstops++;
	}
	return NULL;
}

static void run_add(struct http_request *req, struct http_response *res)
{
	struct coll_ctx c;
	struct qs f;
	enum vehicle v;
	time_t departs;
	if (collection_or_answer(req, res, &c, &f))
		return;
	if (!c.organiser) {
		page_message(req, res, 403, "Organisers only",
			     "The group's organisers plan its runs.", &c.w);
		return;
	}
	struct run *r = arena_alloc(&req->arena, sizeof(*r));
	struct run *ordered = arena_alloc(&req->arena, sizeof(*ordered));
	memset(r, 0, sizeof(*r));
	r->event_id = c.e->id;
	r->chilled = qs_get(&f, "chilled") != NULL;
	const char *why = NULL, *date = qs_get(&f, "date"), *at = qs_get(&f, "depart");
	int prc = 0;
	if (!c.open)
		why = "This collection is over or cancelled.";
	else if (vehicle_parse(qs_get(&f, "vehicle"), &v))
		why = "Say what the run goes in: a car, an estate or a van.";
	else if ((prc = london_parse(date, at, &departs)))
		why = prc == LONDON_SKIPPED
			  ? LONDON_SKIPPED_WHY
			  : "Give the departure as a date and a time, like 12:30.";
	else if (departs < c.e->starts_at || departs > c.e->ends_at + 86400)
		why = "A run leaves after the collection starts, and within a day of its end.";
	else
		why = stops_read(c.db, qs_get(&f, "stops"), r);
	if (why) {
		collection_page_with(req, res, &c, 400, why);
		return;
	}
	r->vehicle = v;
	r->departs_at = departs;
	/* pick-ups in the order that makes the drive shortest, as the carpool's
	 * matcher orders a driver's riders: from the collection to the food bank */
	struct match_point from = { c.e->lat, c.e->lon }, to = { c.fb.lat, c.fb.lon };
	struct match_point pts[RUN_STOPS_MAX];
	int which[RUN_STOPS_MAX], order[RUN_STOPS_MAX];
	for (int i = 0; i < r->nstops; i++) {
		pts[i] = (struct match_point){ r->stops[i].lat, r->stops[i].lon };
		which[i] = i;
	}
	*ordered = *r;
	double minutes = 0;
	if (r->nstops) {
		match_order(from, to, pts, which, r->nstops, order);
		struct match_point at_pt = from;
		for (int i = 0; i < r->nstops; i++) {
			ordered->stops[i] = r->stops[order[i]];
			minutes += match_minutes(at_pt, pts[order[i]]) + 5; /* loading */
			at_pt = pts[order[i]];
		}
		minutes += match_minutes(at_pt, to);
	} else {
		minutes = match_minutes(from, to);
	}
	ordered->arrives_at = departs + (long long)ceil(minutes) * 60;
	struct opening o;
	char hours_why[160], day[96], arrive[8];
	hm_text((time_t)ordered->arrives_at, arrive);
	if (!opening_parse(c.fb.hours, &o, hours_why, sizeof(hours_why)) &&
	    !opening_open_at(&o, (time_t)ordered->arrives_at)) {
		opening_day_text(&o, (time_t)ordered->arrives_at, day, sizeof(day));
		collection_page_with(
		    req, res, &c, 400,
		    arena_printf(&req->arena,
				 "That run would reach the food bank at %s, when it"
				 " is %s: leave at another time.",
				 arrive, day));
		return;
	}
	if (r->chilled && !c.fb.chilled) {
		collection_page_with(req, res, &c, 400,
				     "This food bank does not take chilled food.");
		return;
	}
	if (r->chilled && ordered->arrives_at - c.e->ends_at > CHILLED_MINUTES * 60) {
		collection_page_with(req, res, &c, 400,
				     "Chilled food must reach the food bank within two hours of the"
				     " collection's end: this run would take longer.");
		return;
	}
	if (run_create(c.db, ordered, c.w.actor.id, now_s()) != 1) {
		page_sorry(req, res, "The run could not be saved.", &c.w);
		return;
	}
	audit_note(c.db, c.w.actor.id, "run.create", 0,
		   arena_printf(&req->arena, "run %ld", ordered->id));
	back_to(req, res, c.e->id, "runs");
}

struct run_ctx {
	struct coll_ctx c;
	struct run r;
};

static int run_or_answer(struct http_request *req, struct http_response *res, struct run_ctx *rc,
			 struct qs *f)
{
	if (visit_or_answer(req, res, &rc->c.w, &rc->c.db, VISIT_SIGNED_IN))
		return -1;
	int found = run_get(rc->c.db, route_id(&req->params, "id"), &rc->r);
	if (found != 1) {
		if (found < 0)
			page_sorry(req, res, "The run could not be read.", &rc->c.w);
		else
			page_message(req, res, 404, "Not found", "There is no such run.", &rc->c.w);
		return -1;
	}
	if (collection_load(req, res, &rc->c, rc->r.event_id))
		return -1;
	return form_or_answer(req, res, &rc->c.w, f);
}

static void run_take_page(struct http_request *req, struct http_response *res)
{
	struct run_ctx rc;
	struct qs f;
	if (run_or_answer(req, res, &rc, &f))
		return;
	if (!rc.c.open) {
		collection_page_with(req, res, &rc.c, 409, "This collection is over or cancelled.");
		return;
	}
	/* drivers of runs do what drivers of rides must have done first */
	if (training_gate_or_answer(req, res, rc.c.db, rc.c.w.actor.id, "ride_drive", 0,
				    arena_printf(&req->arena, "/collections/%ld", rc.c.e->id)))
		return;
	int rc2 = run_take(rc.c.db, rc.r.id, rc.c.w.actor.id, now_s());
	if (rc2 != 1) {
		if (rc2 < 0)
			page_sorry(req, res, "The run could not be taken.", &rc.c.w);
		else
			collection_page_with(req, res, &rc.c, 409,
					     "Someone has already taken that run.");
		return;
	}
	audit_note(rc.c.db, rc.c.w.actor.id, "run.take", 0,
		   arena_printf(&req->arena, "run %ld", rc.r.id));
	back_to(req, res, rc.c.e->id, "runs");
}

static void run_drop_page(struct http_request *req, struct http_response *res)
{
	struct run_ctx rc;
	struct qs f;
	if (run_or_answer(req, res, &rc, &f) ||
	    rate_limit(req, res, "drop-member", arena_printf(&req->arena, "%ld", rc.c.w.actor.id),
		       &((struct app *)req->app)->auth.rates.drop_member, 0))
		return;
	int n = run_drop(rc.c.db, rc.r.id, rc.c.w.actor.id, rc.c.c.late_hours, now_s());
	if (n != 1) {
		if (n < 0)
			page_sorry(req, res, "The run could not be given up.", &rc.c.w);
		else
			collection_page_with(req, res, &rc.c, 409, "You are not driving that run.");
		return;
	}
	audit_note(rc.c.db, rc.c.w.actor.id, "run.drop", 0,
		   arena_printf(&req->arena, "run %ld", rc.r.id));
	foodbank_keeper_poke(); /* a late drop-out goes to the standby list at once */
	back_to(req, res, rc.c.e->id, "runs");
}

static void run_record(struct http_request *req, struct http_response *res)
{
	struct run_ctx rc;
	struct qs f;
	double kg;
	long items;
	if (run_or_answer(req, res, &rc, &f))
		return;
	if (!rc.c.organiser && rc.r.driver_id != rc.c.w.actor.id) {
		page_message(
		    req, res, 403, "Not yours",
		    "The run's driver, or the group's organisers, record what it delivered.",
		    &rc.c.w);
		return;
	}
	const char *kgs = qs_get(&f, "kg"), *receipt = qs_get(&f, "receipt");
	const char *why = NULL;
	if (rc.r.departs_at > now_s())
		why = "Record what the run delivered once it has left.";
	else if (!kgs || num_parse_double(kgs, strlen(kgs), 0, DELIVERED_KG_MAX, &kg))
		why = "Give the weight delivered in kilograms (0 to 5,000).";
	else if (field_long(&f, "items", 0, WANTED_MAX, 0, &items))
		why = "Give the number of items delivered (0 to 100,000).";
	else if (receipt && *receipt && plain_text_why(receipt, RECEIPT_MAX))
		why = "The receipt is one line of plain text, 200 characters at most.";
	if (why) {
		collection_page_with(req, res, &rc.c, 400, why);
		return;
	}
	int n = run_deliver(rc.c.db, rc.r.id, kg, items, receipt ? receipt : "", now_s());
	if (n != 1) {
		if (n < 0)
			page_sorry(req, res, "The delivery could not be saved.", &rc.c.w);
		else
			collection_page_with(req, res, &rc.c, 409, "That run is already recorded.");
		return;
	}
	audit_note(rc.c.db, rc.c.w.actor.id, "run.delivered", 0,
		   arena_printf(&req->arena, "run %ld", rc.r.id));
	back_to(req, res, rc.c.e->id, "runs");
}

static void no_show(struct http_request *req, struct http_response *res)
{
	struct coll_ctx c;
	struct qs f;
	long person;
	if (collection_or_answer(req, res, &c, &f))
		return;
	if (!c.organiser) {
		page_message(req, res, 403, "Organisers only",
			     "The group's organisers record who did not come.", &c.w);
		return;
	}
	if (field_long(&f, "person", 1, 1L << 40, 0, &person)) {
		collection_page_with(req, res, &c, 400, "Choose who did not come.");
		return;
	}
	int on = qs_get(&f, "undo") == NULL;
	int rc = no_show_set(c.db, c.e->id, person, c.w.actor.id, on, now_s());
	if (rc != 1) {
		if (rc < 0)
			page_sorry(req, res, "The no-show could not be recorded.", &c.w);
		else
			collection_page_with(req, res, &c, 400,
					     "Only someone who signed up for it can miss it.");
		return;
	}
	audit_note(c.db, c.w.actor.id, on ? "collection.noshow" : "collection.noshow.undo", person,
		   arena_printf(&req->arena, "event %ld", c.e->id));
	back_to(req, res, c.e->id, "noshows");
}

const struct http_route foodbank_routes[] = {
	{ "GET", "/foodbanks", near_page, ROUTE_PAGE, NULL },
	{ "GET", "/api/v1/foodbanks", near_api, 0, NULL },
	{ "POST", "/foodbanks/near", near_search, ROUTE_PAGE, NULL },
	{ "GET", "/foodbanks/new", new_page, ROUTE_PAGE, NULL },
	{ "POST", "/foodbanks", create, ROUTE_PAGE, NULL },
	{ "GET", "/foodbanks/{id}", foodbank_page, ROUTE_PAGE, NULL },
	{ "POST", "/foodbanks/{id}", foodbank_edit, ROUTE_PAGE, NULL },
	{ "POST", "/foodbanks/{id}/needs", need_add, ROUTE_PAGE, NULL },
	{ "POST", "/foodbanks/{id}/needs/{need}/remove", need_drop, ROUTE_PAGE, NULL },
	{ "POST", "/foodbanks/{id}/groups", link_group, ROUTE_PAGE, NULL },
	{ "GET", "/groups/{id}/collections", group_page, ROUTE_PAGE, NULL },
	{ "POST", "/groups/{id}/collections", collection_new, ROUTE_PAGE, NULL },
	{ "POST", "/series/{id}/stop", series_end, ROUTE_PAGE, NULL },
	{ "GET", "/collections/{id}", collection_page, ROUTE_PAGE, NULL },
	{ "POST", "/collections/{id}/pledges", pledge, ROUTE_PAGE, NULL },
	{ "POST", "/collections/{id}/pledges/{pledge}/remove", pledge_drop, ROUTE_PAGE, NULL },
	{ "POST", "/collections/{id}/standby", standby, ROUTE_PAGE, NULL },
	{ "POST", "/collections/{id}/runs", run_add, ROUTE_PAGE, NULL },
	{ "POST", "/collections/{id}/noshows", no_show, ROUTE_PAGE, NULL },
	{ "POST", "/runs/{id}/take", run_take_page, ROUTE_PAGE, NULL },
	{ "POST", "/runs/{id}/drop", run_drop_page, ROUTE_PAGE, NULL },
	{ "POST", "/runs/{id}/delivered", run_record, ROUTE_PAGE, NULL },
};
const size_t foodbank_nroutes = sizeof(foodbank_routes) / sizeof(foodbank_routes[0]);
