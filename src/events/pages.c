/*
 * Sessions as pages: find them, see one, sign up (signed in: one press; a
 * guest: name and email, confirmed by an emailed link), cancel from the
 * email or the page, and — for the host and the group's organisers — the
 * attendee list.  Every sign-up and cancellation goes through the group-
 * commit writer (signup_writer.c) and is answered only once it is durable.
 */
#include <jansson.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alerts/pages.h"
#include "auth/audit.h"
#include "events/events.h"
#include "events/ics.h"
#include "events/notices.h"
#include "events/pages.h"
#include "events/store.h"
#include "events/signup_writer.h"
#include "events/when.h"
#include "foodbank/store.h"
#include "geo/geo.h"
#include "http/qs.h"
#include "groups/store.h"
#include "meetings/store.h"
#include "people/people.h"
#include "postcodes/lookup.h"
#include "rides/store.h"
#include "seats/map_svg.h"
#include "training/pages.h"
#include "training/store.h"
#include "util/log.h"
#include "util/num.h"
#include "web/web.h"

#define GUEST_LINK_TTL_S (24 * 3600)

static long tell_everyone(struct http_request *req, struct db *db, long id, const char *subject,
			  const char *message);

static const char *const session_types[] = { "canvass", "phonebank", "leafleting", "training",
					      "dropoff",	"meeting" };

/* The session's roles as JSON: each with how many more it needs; NULL on error. */
static json_t *roles_json(struct db *db, long event_id, char *text, size_t cap)
{
	struct event_role r[EVENT_ROLES_MAX];
	int n = event_roles_get(db, event_id, r, EVENT_ROLES_MAX);
	size_t used = 0;
	if (n < 0)
		return NULL;
	json_t *list = json_array();
	if (text)
		text[0] = '\0';
	for (int i = 0; i < n; i++) {
		int missing = r[i].needed > r[i].taken ? r[i].needed - r[i].taken : 0;
		json_array_append_new(list, json_pack("{s:s, s:i, s:i, s:i}", "role", r[i].role,
						      "needed", r[i].needed, "taken", r[i].taken,
						      "missing", missing));
		if (text && used < cap) {
			int w = snprintf(text + used, cap - used, "%d %s\n", r[i].needed, r[i].role);
			used += w > 0 ? (size_t)w : 0;
		}
	}
	return list;
}

static struct target event_target(struct db *db, const struct event *e, long me)
{
	/* the host's own powers are for a session they proposed; one posted by
	 * an organiser is managed through the role */
	struct target t = { e->proposed ? e->created_by : 0, 0, 0, 0 };
	if (me && e->group_id)
		t.organiser = group_role_of(db, e->group_id, me) == ROLE_ORGANISER;
	return t;
}

static void board_row(const char *name, const char *contact, void *arg)
{
	char first[64];
	person_first_name(name, first);
	json_array_append_new(arg, json_pack("{s:s, s:s}", "first_name", first, "contact", contact));
}

static json_t *event_ctx(struct http_request *req, struct db *db, const struct event *e,
			 const struct who *w)
{
	struct app *app = req->app;
	char when[128];
	json_t *slots = json_array();
	struct target t = event_target(db, e, w->actor.id);
	int manage = policy_allows(&w->actor, ACT_EVENT_MANAGE, &t);
	struct my_signup mine[EVENT_SLOTS_MAX];
	long nmine = w->actor.id ? event_my_signups(db, e->id, w->actor.id, mine, EVENT_SLOTS_MAX) : 0;
	int signed_up = nmine > 0;
	/* only those with a place: the waiting list does not see the address or the board */
	int going = signed_up && mine[0].going;
	char my_slot[32] = "";
	json_t *places = json_array(), *more = json_array();
	if (signed_up)
		slot_text(mine[0].starts_at, mine[0].ends_at, my_slot, sizeof(my_slot));
	/* with several places, each is listed with its own way out */
	for (long i = 0; nmine > 1 && i < nmine; i++) {
		char sw[32];
		slot_text(mine[i].starts_at, mine[i].ends_at, sw, sizeof(sw));
		json_array_append_new(places, json_pack("{s:I, s:s, s:b, s:I}", "slot",
							(json_int_t)mine[i].slot_id, "when", sw,
							"going", mine[i].going, "line",
							(json_int_t)mine[i].place_in_line));
	}

	for (size_t i = 0; i < e->nslots; i++) {
		const struct event_slot *s = &e->slots[i];
		char sw[32];
		long k;
		slot_text(s->starts_at, s->ends_at, sw, sizeof(sw));
		json_t *slot = json_pack("{s:I, s:s, s:I, s:I, s:I, s:b}", "id", (json_int_t)s->id,
					 "when", sw, "capacity", (json_int_t)s->capacity, "free",
					 (json_int_t)(s->capacity - s->going), "waiting",
					 (json_int_t)s->waiting, "full", s->going >= s->capacity);
		/* the slots one has no place in yet, to add */
		for (k = 0; k < nmine && mine[k].slot_id != s->id; k++)
			;
		if (signed_up && k == nmine)
			json_array_append(more, slot);
		json_array_append_new(slots, slot);
	}
	when_text(e->starts_at, e->ends_at, when, sizeof(when));
	/* a private home's address is for those going, the host and organisers */
	int show_address = !e->address_private || going || manage;
	json_t *board = json_array();
	/* "travel together": first names and the contact each chose to share */
	if (going)
		event_travel_board(db, e->id, board_row, board);
	json_t *ctx = json_pack(
	    "{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s*, s:s, s:s, s:o, s:b, s:b, s:b, s:b, s:b, s:o,"
	    " s:b, s:b, s:s}",
			 "id", (json_int_t)e->id, "title", e->title, "type", event_type_name(e->type),
			 "when", when, "seat", seats_name(&app->seats, 2024, e->seat), "postcode", e->postcode,
			 "description", e->description, "address",
			 show_address && *e->address ? e->address : NULL, "access_notes",
			 e->access_notes, "status", e->status, "slots", slots, "cancelled",
			 strcmp(e->status, "cancelled") == 0, "address_hidden",
			 !show_address && *e->address, "manage", manage, "signed_in",
			 w->actor.id != 0, "going", going, "board", board, "signed_up", signed_up,
			 "waiting", signed_up && !going, "my_slot", my_slot);
	if (signed_up && !going)
		json_object_set_new(ctx, "place_in_line", json_integer(mine[0].place_in_line));
	/* like a private home's address: a call link is for those with a place */
	if (*e->online_url && (going || manage))
		json_object_set_new(ctx, "online_url", json_string(e->online_url));
	json_object_set_new(ctx, "online_hidden",
			    json_boolean(*e->online_url && !going && !manage));
	json_object_set_new(ctx, "nplaces", json_integer(nmine));
	json_object_set_new(ctx, "places", places);
	/* a section on the list itself would put its first slot's id in scope */
	json_object_set_new(ctx, "can_add", json_boolean(json_array_size(more) > 0));
	json_object_set_new(ctx, "more_slots", more);
	return ctx;
}

static int event_or_answer(struct http_request *req, struct http_response *res, struct who *w,
		struct db **db, struct event *e)
{
	if (visit_or_answer(req, res, w, db, 0))
		return -1;
	long id = route_id(&req->params, "id");
	if (!id || event_get(*db, id, e) != 1) {
		page_message(req, res, 404, "Not found", "There is no such session.", w);
		return -1;
	}
	/* a draft is its host's alone; a proposal also its approvers' */
	struct target t = event_target(*db, e, w->actor.id);
	if ((e->draft && e->created_by != w->actor.id) ||
	    (e->awaiting && !policy_allows(&w->actor, ACT_EVENT_MANAGE, &t))) {
		page_message(req, res, 404, "Not found", "There is no such session.", w);
		return -1;
	}
	return 0;
}

/*
 * For the host's and organisers' forms: loads the session, checks act
 * against who is asking (denied: a sign-in page or a 403 with denied_text)
 * and reads the form with its CSRF token.  0 when the handler may go on.
 */
static int manage_or_answer(struct http_request *req, struct http_response *res, struct who *w,
		       struct db **db, struct qs *f, struct event *e, enum action act,
		       const char *denied_text)
{
	if (event_or_answer(req, res, w, db, e))
		return -1;
	struct target t = event_target(*db, e, w->actor.id);
	if (!policy_allows(&w->actor, act, &t)) {
		if (!w->actor.id)
			http_redirect(res, signin_path(req));
		else
			page_message(req, res, 403, "Hosts and organisers only", denied_text, w);
		return -1;
	}
	if (form_or_answer(req, res, w, f))
		return -1;
	return 0;
}

static void event_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct event e;

	if (event_or_answer(req, res, &w, &db, &e))
		return;
	struct target t = event_target(db, &e, w.actor.id);
	json_t *ctx = event_ctx(req, db, &e, &w);
	json_object_set_new(ctx, "awaiting", json_boolean(e.awaiting));
	json_object_set_new(ctx, "draft", json_boolean(e.draft));
	json_object_set_new(ctx, "ride_seats", json_integer(rides_seats_offered(db, e.id)));
	struct person me;
	struct ride_place home;
	if (w.actor.id && person_by_id(db, w.actor.id, &me) == 1 && *me.postcode &&
	    rides_place(db, me.postcode, &home) == 1)
		json_object_set_new(ctx, "ride_seats_near",
				    json_integer(rides_seats_near(
					db, e.id, (struct match_point){ e.lat, e.lon }, home.at)));
	json_object_set_new(ctx, "approve", json_boolean(e.awaiting &&
							 policy_allows(&w.actor, ACT_EVENT_APPROVE, &t)));
	json_object_set_new(ctx, "version", json_integer(e.version));
	/* the group's members reach the meeting held at it (others may not see one) */
	long meeting = 0;
	if (!strcmp(e.type, "meeting") && e.group_id && w.actor.id &&
	    group_role_of(db, e.group_id, w.actor.id) != ROLE_NONE)
		meeting = meeting_at_event(db, e.id);
	if (meeting > 0)
		json_object_set_new(ctx, "meeting_id", json_integer(meeting));
	/* the roles it needs, and how many more of each */
	json_t *roles = roles_json(db, e.id, NULL, 0);
	if (roles) {
		size_t k;
		json_t *r;
		int missing = 0;
		json_array_foreach(roles, k, r) missing |=
		    json_integer_value(json_object_get(r, "missing")) > 0;
		json_object_set_new(ctx, "roles_missing", json_boolean(missing));
		json_object_set_new(ctx, "roles", roles);
	}
	/* a food-bank collection: its pledges, runs and standby list have a page */
	struct collection coll;
	if (!strcmp(e.type, "dropoff") && collection_get(db, e.id, &coll) == 1)
		json_object_set_new(ctx, "collection_id", json_integer(e.id));
	/* came by a friend's share link: the sign-up says who brought it */
	const char *ref = qs_get(&req->query, "ref");
	if (person_by_ref_code(db, ref) > 0)
		json_object_set_new(ctx, "ref", json_string(ref));
	json_object_set_new(ctx, "event", json_deep_copy(ctx));
	json_object_set_new(ctx, "title", json_string(e.title));
	char when[128];
	when_text(e.starts_at, e.ends_at, when, sizeof(when));
	page_og(req, ctx, e.title,
		arena_printf(&req->arena, "%s in %s · %s", event_type_name(e.type),
			     seats_name(&((struct app *)req->app)->seats, 2024, e.seat), when),
		arena_printf(&req->arena, "/events/%ld", e.id));
	page_render(req, res, 200, "event", ctx, &w);
}

struct found {
	struct http_request *req;
	int hide_full, have_point;
	double lat, lon, km;
	json_t *out;
	struct map_dot *dots; /* for the page's map; NULL for the API */
	size_t ndots;
};

static void found_row(const struct event_brief *b, void *arg)
{
	struct found *f = arg;
	struct app *app = f->req->app;
	double d = f->have_point ? geo_haversine_km(f->lat, f->lon, b->lat, b->lon) : -1;
	if ((f->hide_full && b->places <= 0) || (f->have_point && d > f->km))
		return;
	char when[128], day[64], times[24];
	when_text(b->starts_at, b->ends_at, when, sizeof(when));
	slot_text(b->starts_at, b->ends_at, times, sizeof(times));
	london_day(b->starts_at, DAY_LONG, day, sizeof(day));
	/* how many can get there: places, and the car seats offered to reach them */
	json_t *item = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:I}", "id",
				 (json_int_t)b->id, "title", b->title, "type",
				 event_type_name(b->type), "seat",
				 seats_name(&app->seats, 2024, b->seat), "when", when, "day", day,
				 "times", times, "places", (json_int_t)b->places, "full",
				 b->places <= 0, "ride_seats", (json_int_t)b->ride_seats);
	if (f->have_point)
		json_object_set_new(item, "km", json_real(((long)(d * 10 + 0.5)) / 10.0));
	if (f->dots && f->ndots < MAP_DOTS_MAX) {
		f->dots[f->ndots++] = (struct map_dot){ b->lat, b->lon, b->id,
							arena_strdup(&f->req->arena, b->title) };
		json_object_set_new(item, "n", json_integer((json_int_t)f->ndots));
	}
	json_array_append_new(f->out, item);
}

/* Upcoming sessions, filtered; near a point when lat/lon are given, and
 * then, when map is not NULL, drawn on a map of the first MAP_DOTS_MAX. */
static json_t *search(struct http_request *req, struct db *db, const char *seat, const char *type,
		      time_t from, time_t to, int hide_full, int have_point, double lat,
		      double lon, double km, struct buf *map)
{
	struct event_filter filter = { seat, type, from, to };
	struct found f = { req, hide_full, have_point, lat, lon, km, json_array(), NULL, 0 };
	if (map && have_point)
		f.dots = arena_alloc(&req->arena, MAP_DOTS_MAX * sizeof(*f.dots));
	events_search(db, &filter, found_row, &f);
	if (f.ndots)
		map_svg_sessions(map, &((struct app *)req->app)->seats, lat, lon, f.dots, f.ndots);
	return f.out;
}

static json_t *briefs_json(const struct event_brief *b, long n)
{
	json_t *out = json_array();
	for (long i = 0; i < n; i++) {
		struct tm tm;
		char when[64];
		london_tm(b[i].starts_at, &tm);
		strftime(when, sizeof(when), "%a %e %b, %H:%M", &tm);
		json_array_append_new(out, json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "id",
						     (json_int_t)b[i].id, "title", b[i].title, "type",
						     event_type_name(b[i].type), "when", when, "seat",
						     b[i].seat, "places", (json_int_t)b[i].places));
	}
	return out;
}

json_t *sessions_in_seat_json(struct db *db, const char *seat, size_t max)
{
	struct event_brief b[20];
	return briefs_json(b, events_in_seat(db, seat, b, max < 20 ? max : 20));
}

json_t *sessions_of_group_json(struct db *db, long group_id)
{
	struct event_brief b[20];
	return briefs_json(b, events_of_group(db, group_id, b, 20));
}

/* Results, soonest first, as one list a day. */
static json_t *by_day(json_t *list)
{
	json_t *days = json_array(), *cur = NULL, *item;
	const char *last = "";
	size_t i;
	json_array_foreach(list, i, item) {
		const char *d = json_string_value(json_object_get(item, "day"));
		if (!cur || strcmp(d, last)) {
			cur = json_array();
			json_array_append_new(days, json_pack("{s:s, s:o}", "day", d, "events", cur));
			last = d;
		}
		json_array_append(cur, item);
	}
	return days;
}

/* The search form as last asked, or with the signed-in volunteer's own
 * postcode to start from. */
static void search_form_ctx(struct db *db, const struct who *w, const struct qs *q, json_t *ctx)
{
	const char *pc = qs_get(q, "postcode"), *type = qs_get(q, "type"), *km = qs_get(q, "km");
	const char *date = qs_get(q, "date"), *full = qs_get(q, "hide_full");
	struct person me;
	if (!pc && w->actor.id && person_by_id(db, w->actor.id, &me) == 1)
		pc = me.postcode;
	json_t *options = json_array();
	for (size_t i = 0; i < sizeof(session_types) / sizeof(session_types[0]); i++)
		json_array_append_new(options,
				      json_pack("{s:s, s:s, s:b}", "value", session_types[i], "name",
						event_type_name(session_types[i]), "selected",
						type && !strcmp(type, session_types[i])));
	json_object_set_new(ctx, "types", options);
	json_object_set_new(ctx, "f_postcode", json_string(pc ? pc : ""));
	json_object_set_new(ctx, "f_km", json_string(km && *km ? km : "50"));
	json_object_set_new(ctx, "f_date", json_string(date ? date : ""));
	json_object_set_new(ctx, "f_hide_full", json_boolean(full && *full));
}

/* Shared by the page and the API: the filters, checked. NULL or why not. */
static const char *filters(struct http_request *req, struct db *db, const struct qs *q, char *seat,
			   char *type, time_t *from, time_t *to, int *hide_full, int *have_point,
			   double *lat, double *lon, double *km)
{
	struct app *app = req->app;
	const char *s = qs_get(q, "seat"), *t = qs_get(q, "type"), *pc = qs_get(q, "postcode");
	const char *d = qs_get(q, "date"), *k = qs_get(q, "km"), *full = qs_get(q, "hide_full");

	*seat = *type = '\0';
	*from = time(NULL);
	*to = *from + 366L * 86400;
	*hide_full = full && (!strcmp(full, "1") || !strcmp(full, "on") || !strcmp(full, "true"));
	*have_point = 0;
	*km = 50;
	if (s && *s) {
		if (!seats_find(&app->seats, 2024, s))
			return "Unknown seat: use a 2024 constituency code.";
		snprintf(seat, 12, "%s", s);
	}
	if (t && *t) {
		if (!event_type_name(t))
			return "Unknown session type.";
		snprintf(type, 16, "%s", t);
	}
	if (d && *d) {
		time_t day;
		if (london_parse(d, "00:00", &day))
			return "Dates look like 2026-12-05.";
		if (day > *from)
			*from = day;
		*to = day + 86400;
	}
	if (k && *k && (num_parse_double(k, strlen(k), 0.1, 1000, km)))
		return "Distance is a number of km from 0.1 to 1000.";
	if (pc && *pc) {
		struct postcode p;
		struct pc_record r;
		if (postcode_parse(pc, strlen(pc), &p))
			return "That does not look like a UK postcode.";
		if (lookup_postcode_or_district(db, &p, &r) != 1 || !r.positioned)
			return "We could not find that postcode.";
		*have_point = 1;
		*lat = r.lat;
		*lon = r.lon;
	}
	return NULL;
}

static void list_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	char seat[12], type[16];
	time_t from, to;
	int hide, have;
	double lat = 0, lon = 0, km;
	struct qs form;
	const struct qs *q = &req->query;

	if (visit_or_answer(req, res, &w, &db, 0))
		return;
	/* a postcode comes by POST, so it stays out of the URL; the answer is a
	 * GET of the kept search, so Back and bookmarks work */
	const char *r = qs_get(&req->query, "r");
	size_t n;
	const char *kept = r ? recall_get(req, r, &n) : NULL;
	if (kept && qs_parse(&form, &req->arena, kept, n) == 0) {
		q = &form;
	} else if (!strcmp(req->method, "POST")) {
		if (form_or_answer(req, res, NULL, &form))
			return;
		q = &form;
	}
	const char *why = filters(req, db, q, seat, type, &from, &to, &hide, &have, &lat, &lon, &km);
	if (!why && search_or_redirect(req, res, "/events"))
		return;
	struct buf map;
	buf_init(&map, 2u << 20);
	json_t *list = why ? json_array()
			   : search(req, db, seat, type, from, to, hide, have, lat, lon, km, &map);
	size_t found = json_array_size(list);
	json_t *ctx = json_pack("{s:s, s:o, s:s*, s:b, s:b, s:s}", "title", "Sessions", "days",
				by_day(list), "error", why, "none", found == 0, "searched",
				kept != NULL, "found",
				arena_printf(&req->arena, "%zu %s found", found,
					     found == 1 ? "session" : "sessions"));
	json_decref(list);
	if (map.p && !map.overflow)
		json_object_set_new(ctx, "map", json_string(map.p));
	buf_release(&map);
	search_form_ctx(db, &w, q, ctx);
	page_render(req, res, why ? 400 : 200, "events", ctx, &w);
}

static void list_api(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	char seat[12], type[16];
	time_t from, to;
	int hide, have;
	double lat = 0, lon = 0, km;

	if (visit_or_answer(req, res, &w, &db, VISIT_JSON))
		return;
	const char *why = filters(req, db, &req->query, seat, type, &from, &to, &hide, &have, &lat,
				  &lon, &km);
	if (why) {
		http_error(res, 400, why);
		return;
	}
	api_json(res, search(req, db, seat, type, from, to, hide, have, lat, lon, km, NULL));
}

static const char *const session_fields[] = { "title", "description", "date", "start", "end",
					       "postcode", "address", "capacity", "slots",
					       "access_notes", "online_url" };

/*
 * The new-session form: empty, or as it was sent with what is wrong shown
 * beside its field (err_<field>, which the template marks aria-invalid and
 * focuses) so nothing typed is lost.  403 for someone in no group.
 */
static void new_form(struct http_request *req, struct http_response *res, const struct who *w,
		     struct db *db, const struct qs *f, int status, const char *field,
		     const char *why)
{
	json_t *groups = json_array(), *types = json_array();
	groups_of(db, w->actor.id, w->actor.admin && w->actor.strong, 0, json_id_name, groups);
	/* any member may propose a session for their group; organisers approve */
	if (!json_array_size(groups)) {
		page_render(req, res, 403, "message",
			    json_pack("{s:s, s:s, s:o}", "title", "Members only", "text",
				      "Join a local group to post a session for it.", "groups", groups),
			    w);
		return;
	}
	const char *group = f ? qs_get(f, "group") : NULL, *type = f ? qs_get(f, "type") : NULL;
	for (size_t i = 0; i < json_array_size(groups); i++) {
		json_t *g = json_array_get(groups, i);
		const char *id = arena_printf(&req->arena, "%" JSON_INTEGER_FORMAT,
					      json_integer_value(json_object_get(g, "id")));
		json_object_set_new(g, "selected", json_boolean(group && !strcmp(group, id)));
	}
	for (size_t i = 0; i < sizeof(session_types) / sizeof(session_types[0]); i++)
		json_array_append_new(types, json_pack("{s:s, s:s, s:b}", "value", session_types[i],
						       "name", event_type_name(session_types[i]),
						       "selected",
						       type && !strcmp(type, session_types[i])));
	json_t *ctx = json_pack("{s:s, s:o, s:o, s:b, s:s*, s:b, s:b}", "title", "New session",
				"groups", groups, "types", types, "needs_approval",
				!w->actor.strong, "error", why, "private",
				f && qs_get(f, "address_private"), "draft", f && qs_get(f, "draft"));
	if (!f)
		json_object_set_new(ctx, "f_capacity", json_string("20"));
	for (size_t i = 0; f && i < sizeof(session_fields) / sizeof(session_fields[0]); i++) {
		const char *v = qs_get(f, session_fields[i]);
		if (v)
			json_object_set_new(ctx, arena_printf(&req->arena, "f_%s", session_fields[i]),
					    json_string(v));
	}
	if (why)
		json_object_set_new(ctx, arena_printf(&req->arena, "err_%s", field ? field : "title"),
				    json_string(why));
	page_render(req, res, status, "event_new", ctx, w);
}

static void new_page(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) == 0)
		new_form(req, res, &w, db, NULL, 200, NULL, NULL);
}

const char *event_form_read(struct db *db, const struct qs *f, const char *type,
			    const char *title, struct event *e, const char **field)
{
	const char *date = qs_get(f, "date"), *start = qs_get(f, "start"), *end = qs_get(f, "end");
	const char *pc = qs_get(f, "postcode"), *cap = qs_get(f, "capacity");
	const char *slots = qs_get(f, "slots"), *why = NULL;
	const char *desc = qs_get(f, "description"), *addr = qs_get(f, "address");
	const char *notes = qs_get(f, "access_notes"), *url = qs_get(f, "online_url");
	int rc;

	memset(e, 0, sizeof(*e));
	*field = NULL;
	snprintf(e->type, sizeof(e->type), "%s", type ? type : "");
	snprintf(e->title, sizeof(e->title), "%s", title ? title : "");
	snprintf(e->description, sizeof(e->description), "%s", desc ? desc : "");
	snprintf(e->address, sizeof(e->address), "%s", addr ? addr : "");
	snprintf(e->access_notes, sizeof(e->access_notes), "%s", notes ? notes : "");
	snprintf(e->online_url, sizeof(e->online_url), "%s", url ? url : "");
	e->address_private = qs_get(f, "address_private") != NULL;
	if (title && strlen(title) > EVENT_TITLE_MAX)
		why = "The title is 120 characters at most.", *field = "title";
	else if (desc && strlen(desc) > EVENT_TEXT_MAX)
		why = "The description is 2,000 characters at most.", *field = "description";
	else if (addr && strlen(addr) > EVENT_ADDRESS_MAX)
		why = "The address is 200 characters at most.", *field = "address";
	else if (url && strlen(url) > EVENT_URL_MAX)
		why = "The online link is 300 characters at most.", *field = "online_url";
	else if ((rc = london_parse(date, start, &e->starts_at)))
		why = rc == LONDON_SKIPPED ? LONDON_SKIPPED_WHY
					   : "Give the date as 2026-12-05 and the start as 10:00.",
		*field = rc == LONDON_SKIPPED ? "start" : "date";
	else if ((rc = london_parse(date, end, &e->ends_at)))
		why = rc == LONDON_SKIPPED ? LONDON_SKIPPED_WHY : "Give the end as 13:00.",
		*field = "end";
	struct postcode p;
	struct pc_record r;
	if (!why && (!pc || postcode_parse(pc, strlen(pc), &p) ||
		     lookup_postcode_or_district(db, &p, &r) != 1 || !r.positioned || !*r.pcon2024))
		why = "Give the meeting point's postcode.", *field = "postcode";
	if (!why) {
		snprintf(e->postcode, sizeof(e->postcode), "%s", p.display);
		snprintf(e->seat, sizeof(e->seat), "%s", r.pcon2024);
		e->lat = r.lat;
		e->lon = r.lon;
		if (slots && *slots) {
			why = event_parse_slots(e, slots, date), *field = "slots";
		} else {
			long c;
			if (!cap || num_parse_long(cap, strlen(cap), 1, SLOT_CAPACITY_MAX, &c))
				why = "Give the number of places (1 to 10,000).", *field = "capacity";
			e->nslots = 1;
			e->slots[0] =
			    (struct event_slot){ 0, e->starts_at, e->ends_at, why ? 0 : c, 0, 0 };
		}
	}
	return why ? why : event_check(e, time(NULL), field);
}

static void create(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct event e;
	long gid;

	if (visit_or_answer(req, res, &w, &db, 0))
		return;
	if (form_or_answer(req, res, &w, &f))
		return;
	const char *g = qs_get(&f, "group");
	struct target t = { 0, 0, 0, 0 };
	if (g && num_parse_long(g, strlen(g), 1, 1L << 40, &gid) == 0 && w.actor.id)
		t.organiser = group_role_of(db, gid, w.actor.id) == ROLE_ORGANISER;
	else
		gid = 0;
	char gname[128];
	int member = gid && w.actor.id && group_role_of(db, gid, w.actor.id) != ROLE_NONE;
	int organiser = policy_allows(&w.actor, ACT_EVENT_CREATE, &t);
	if (!w.actor.id || !gid || group_name(db, gid, gname, sizeof(gname)) != 1 ||
	    (!organiser && !member)) {
		if (!w.actor.id)
			http_redirect(res, signin_path(req));
		else
			page_message(req, res, 403, "Members only",
				     "Sessions are posted for a group by its members; its organisers"
				     " approve them.",
				     &w);
		return;
	}
	const char *field = NULL;
	const char *why = event_form_read(db, &f, qs_get(&f, "type"), qs_get(&f, "title"), &e, &field);
	e.awaiting = !organiser;
	e.draft = qs_get(&f, "draft") != NULL;
	e.group_id = gid;
	e.created_by = w.actor.id;
	if (why) {
		new_form(req, res, &w, db, &f, 400, field, why);
		return;
	}
	/* a session live at once tells the alerts near it, in the same transaction */
	if (db_begin(db) || event_create(db, &e) ||
	    (!e.awaiting && !e.draft && alerts_tell(req, db, &e) < 0) || app_commit(req->app, db)) {
		db_rollback(db);
		page_sorry(req, res, "The session could not be saved.", &w);
		return;
	}
	audit_note(db, w.actor.id, e.awaiting ? "event.propose" : "event.create", 0,
		    arena_printf(&req->arena, "event %ld", e.id));
	http_redirect(res, arena_printf(&req->arena, "/events/%ld", e.id));
}

/* The host or an organiser writes to everyone signed up. */
static void message_attendees(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct event e;

	if (manage_or_answer(req, res, &w, &db, &f, &e, ACT_EVENT_MANAGE,
			"Only the session's host and its group's organisers write to attendees."))
		return;
	/* every message is mail to everyone going: a host's are counted */
	if (rate_limit(req, res, "message-host", arena_printf(&req->arena, "%ld", w.actor.id),
		       &((struct app *)req->app)->auth.rates.message_host, 0))
		return;
	const char *text = qs_get(&f, "message");
	if (!text || !*text || strlen(text) > EVENT_TEXT_MAX) {
		page_message(req, res, 400, "Not sent", "Write a message of up to 2,000 characters.", &w);
		return;
	}
	char subject[200];
	snprintf(subject, sizeof(subject), "About \"%.150s\"", e.title);
	long told = db_begin(db) ? -1 : tell_everyone(req, db, e.id, subject, text);
	if (told < 0 || app_commit(req->app, db)) {
		db_rollback(db);
		page_sorry(req, res, "Nothing was sent. Please try again.", &w);
		return;
	}
	audit_note(db, w.actor.id, "event.message", 0,
		    arena_printf(&req->arena, "event %ld: %ld told", e.id, told));
	page_render(req, res, 200, "message",
		    json_pack("{s:s, s:s, s:I}", "title", "Sent",
			      "text", arena_printf(&req->arena, "Your message is on its way to %ld %s.",
						   told, told == 1 ? "person" : "people"),
			      "event", (json_int_t)e.id),
		    &w);
}

/* Clears one of a session's hold-backs (draft, awaiting approval). */
static void release_hold(struct http_request *req, struct http_response *res, enum action act,
			 const char *denied, enum event_hold hold, const char *audit_action)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct event e;

	if (manage_or_answer(req, res, &w, &db, &f, &e, act, denied))
		return;
	/* the hold that was left is cleared: the session is live, and its alerts told */
	int live = (hold == HOLD_DRAFT ? !e.awaiting : !e.draft) && !strcmp(e.status, "published");
	if (db_begin(db) || event_release(db, e.id, hold) != 1 ||
	    (live && alerts_tell(req, db, &e) < 0) || app_commit(req->app, db)) {
		db_rollback(db);
		page_sorry(req, res, "The session could not be published.", &w);
		return;
	}
	audit_note(db, w.actor.id, audit_action, e.created_by,
		    arena_printf(&req->arena, "event %ld", e.id));
	http_redirect(res, arena_printf(&req->arena, "/events/%ld", e.id));
}

/* The host publishes a draft (a volunteer's then waits for approval). */
static void publish(struct http_request *req, struct http_response *res)
{
	release_hold(req, res, ACT_EVENT_MANAGE, "Only the session's host publishes its draft.",
		     HOLD_DRAFT, "event.publish");
}

/* An organiser publishes a volunteer's session. */
static void approve(struct http_request *req, struct http_response *res)
{
	release_hold(req, res, ACT_EVENT_APPROVE,
		     "A group's organisers approve the sessions its members propose.",
		     HOLD_APPROVAL, "event.approve");
}

/* ---- sign-ups: handed to the writer, answered when durable ---- */

struct pending {
	struct web_write w; /* first: the writer's view */
	struct signup_job job;
	long event_id;
	/* a signed-in volunteer may take several slots at once: the rest, made in
	 * the same transaction as the first */
	size_t nmore;
	struct signup_job more[EVENT_SLOTS_MAX - 1];
};

/* A pending sign-up for this request, from its arena (it outlives the suspension). */
static struct pending *pending_new(struct http_request *req, enum signup_op op, long event_id)
{
	struct pending *p = arena_alloc(&req->arena, sizeof(*p));
	memset(p, 0, sizeof(*p));
	p->job.op = op;
	p->event_id = event_id;
	return p;
}

static int mail_signup(struct http_request *req, struct db *db, const struct event *e,
		       const struct signup_job *j)
{
	struct app *app = req->app;
	int waiting = j->result == RES_WAITLIST;
	json_t *ctx = notice_ctx(app, db, &req->arena, e, j->slot_id, j->name,
				 arena_printf(&req->arena, "%s/signups/cancel?token=%s",
					      app->auth.public_url, j->cancel_token));
	json_object_set_new(ctx, "waitlist", json_boolean(waiting));
	return app_mail(app, db, NULL, j->email,
			notice_subject(&req->arena, waiting ? "Waiting list" : "You're going", e,
				       j->slot_id),
			"signup", ctx);
}

/* The guest's "confirm your place" mail: the session as every notice
 * gives it, and the link that makes the place theirs. */
static json_t *confirm_ctx(struct http_request *req, struct db *db, const struct event *e,
			   long slot, const char *name, const char *token)
{
	struct app *app = req->app;
	json_t *ctx = notice_ctx(app, db, &req->arena, e, slot, name, NULL);
	json_object_set_new(ctx, "url",
			    json_string(arena_printf(&req->arena, "%s/signups/confirm?token=%s",
						     app->auth.public_url, token)));
	return ctx;
}

/* A place came free and the waiting list's first has it: tell them. */
static int tell_promoted(struct http_request *req, struct db *db, long signup_id)
{
	struct app *app = req->app;
	struct signup_contact c;
	/* a guest has no account: the sign-up's own address */
	if (signup_contact(db, signup_id, &c) != 1)
		return -1;
	return app_mail(app, db, NULL, c.email, "A place came free: you are going", "tell",
			json_pack("{s:s, s:s, s:s, s:s}", "name", c.name, "text",
				  arena_printf(&req->arena,
					       "A place came free at \"%s\" and it is yours: you"
					       " are going.",
					       c.title),
				  "url",
				  arena_printf(&req->arena, "%s/events/%ld", app->auth.public_url,
					       c.event_id),
				  "link", "Details"));
}

/*
 * On the writer, inside the batch: the sign-up, and the mail it causes in
 * the same transaction, so nobody is told "you are going" about a place
 * that was not kept, nor kept a place without being told.
 */
/* One job of a pending sign-up, with the mail it causes. */
static int apply_one(struct db *db, struct pending *p, struct signup_job *j)
{
	struct event e;

	if (signup_apply(db, j))
		return -1;
	if ((j->result == RES_GOING || j->result == RES_WAITLIST) && !j->already)
		return event_get(db, j->op == OP_CONFIRM ? j->event_id : p->event_id, &e) == 1
			       ? mail_signup(p->w.req, db, &e, j)
			       : -1;
	if (j->result == RES_CANCELLED && j->promoted_id)
		return tell_promoted(p->w.req, db, j->promoted_id);
	return 0;
}

static int pending_apply(struct db *db, struct db_job *base)
{
	struct pending *p = (struct pending *)base;
	int rc = apply_one(db, p, &p->job);
	for (size_t i = 0; i < p->nmore && rc == 0; i++)
		rc = apply_one(db, p, &p->more[i]);
	return rc;
}

/* What came of each slot of a sign-up for several at once. */
static const char *several_text(struct http_request *req, struct db *db, const struct pending *p)
{
	struct event e;
	const char *out = "Your places are saved:";
	if (!db || event_get(db, p->event_id, &e) != 1)
		return "Your places are saved. We have emailed you the details.";
	for (size_t i = 0; i <= p->nmore; i++) {
		const struct signup_job *j = i ? &p->more[i - 1] : &p->job;
		char when[32] = "";
		for (size_t k = 0; k < e.nslots; k++)
			if (e.slots[k].id == j->slot_id)
				slot_text(e.slots[k].starts_at, e.slots[k].ends_at, when, sizeof(when));
		out = arena_printf(&req->arena, "%s %s %s%s", out, when,
				   j->result == RES_GOING ? "going" : "on the waiting list",
				   i == p->nmore ? "." : ";");
	}
	return arena_printf(&req->arena, "%s We have emailed you each one, with its cancel link.",
			    out);
}

/* "Bring a friend": the session's link, carrying the volunteer's own code
 * when they have an account, to send by email or WhatsApp or to copy. */
static json_t *share_ctx(struct http_request *req, struct db *db, const struct who *w,
			 const struct event *e)
{
	struct app *app = req->app;
	char code[REF_CODE_LEN + 1];
	const char *url = w && w->actor.id && db && person_ref_code(db, w->actor.id, code) == 0
				  ? arena_printf(&req->arena, "%s/events/%ld?ref=%s",
						 app->auth.public_url, e->id, code)
				  : arena_printf(&req->arena, "%s/events/%ld", app->auth.public_url,
						 e->id);
	const char *text = arena_printf(&req->arena, "Come with me to \u201c%s\u201d: %s", e->title,
					url);
	const char *enc = url_encode(&req->arena, text);
	/* the subject names the session, whatever its kind */
	return json_pack("{s:s, s:s, s:s}", "url", url, "mailto",
			 arena_printf(&req->arena, "mailto:?subject=%s&body=%s",
				      url_encode(&req->arena, e->title), enc),
			 "whatsapp", arena_printf(&req->arena, "https://wa.me/?text=%s", enc));
}

static void answer(struct http_request *req, struct http_response *res, const struct who *w,
		   struct pending *p)
{
	struct db *db = app_db(req->app);
	struct event e;
	const char *title, *text;

	switch (p->w.ok ? p->job.result : RES_ERROR) {
	case RES_GOING:
	case RES_WAITLIST:
		if (p->job.op == OP_CONFIRM)
			p->event_id = p->job.event_id;
		/* cancelled while the place was being saved: the cancellation's mail is
		 * on its way, and "you are going" would be false by now */
		if (db && event_get(db, p->event_id, &e) == 1 && strcmp(e.status, "published")) {
			page_message(req, res, 409, "Cancelled",
				     "This session has just been cancelled, so nobody is going. We"
				     " have emailed you about it.",
				     w);
			return;
		}
		title = p->job.result == RES_GOING ? "You are going" : "You are on the waiting list";
		text = p->job.result == RES_GOING
			       ? "Your place is saved. We have emailed you the details and a link to"
				 " cancel."
			       : "The slot is full. If a place frees up it is yours, and we will tell you.";
		if (p->job.already)
			text = "You had already signed up for this slot; nothing has changed.";
		if (p->nmore) {
			title = "You are signed up";
			text = several_text(req, db, p);
		}
		page_render(req, res, 200, "message",
			    json_pack("{s:s, s:s, s:I, s:o}", "title", title, "text", text, "event",
				      (json_int_t)p->event_id, "share",
				      share_ctx(req, db, w, &e)),
			    w);
		return;
	case RES_CANCELLED:
		page_message(req, res, 200, "Cancelled",
			     "Your sign-up is cancelled. Thank you for letting us know.", w);
		return;
	case RES_NOT_FOUND: page_message(req, res, 404, "Not found", "No such slot or sign-up.", w); return;
	case RES_CLOSED:
		page_message(req, res, 409, "Closed", "This session is cancelled or already over.", w);
		return;
	default:
		page_message(req, res, 503, "Not saved", "Nothing was saved. Please try again.", w);
	}
}

static void signup(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct db *db;
	struct qs f;
	struct event e;
	struct pending *p = req->pending;

	if (p) {
		if (who_load(req, res, &w) == 0)
			answer(req, res, &w, p);
		else
			page_busy(req, res, NULL);
		return;
	}
	if (visit_or_answer(req, res, &w, &db, 0) || form_or_answer(req, res, &w, &f))
		return;
	long id = route_id(&req->params, "id"), slots[EVENT_SLOTS_MAX];
	size_t nslots = 0;
	if (!id || event_get(db, id, &e) != 1) {
		page_message(req, res, 404, "Not found", "No such session.", &w);
		return;
	}
	/* every slot ticked (several at once when signed in), each of this session */
	for (size_t i = 0; i < f.n; i++) {
		const char *s = f.pairs[i].value;
		long slot;
		size_t k;
		if (strcmp(f.pairs[i].key, "slot"))
			continue;
		if (num_parse_long(s, strlen(s), 1, 1L << 40, &slot))
			slot = 0;
		for (k = 0; k < e.nslots && e.slots[k].id != slot; k++)
			;
		if (k == e.nslots || nslots == EVENT_SLOTS_MAX) {
			page_message(req, res, 404, "Not found", "No such slot in this session.", &w);
			return;
		}
		for (k = 0; k < nslots && slots[k] != slot; k++)
			;
		if (k == nslots)
			slots[nslots++] = slot;
	}
	if (!nslots || (nslots > 1 && !w.actor.id)) {
		page_message(req, res, 400, "Not signed up",
			     nslots ? "Sign in to take several slots at once; as a guest, choose one."
				    : "Choose a slot.",
			     &w);
		return;
	}
	/* a session may ask its volunteers for a module first: checked now */
	int trained = training_gate_open(db, w.actor.id, "event_signup", e.id);
	if (trained != 1) {
		if (trained < 0)
			page_sorry(req, res, "Your training could not be checked.", &w);
		else if (!w.actor.id)
			page_message(req, res, 403, "Sign in first",
				     "This session asks its volunteers to do a short training from home"
				     " first: sign in (or sign up), and you will be taken to it.",
				     &w);
		else
			training_gate_or_answer(req, res, db, w.actor.id, "event_signup", e.id,
						arena_printf(&req->arena, "/events/%ld", e.id));
		return;
	}
	p = pending_new(req, OP_SIGNUP, id);
	p->job.slot_id = slots[0];
	long by = person_by_ref_code(db, qs_get(&f, "ref"));
	p->job.referred_by = by != w.actor.id ? by : 0;
	if (w.actor.id) {
		struct person me;
		if (person_by_id(db, w.actor.id, &me) != 1) {
			page_sorry(req, res, "Your account could not be read.", &w);
			return;
		}
		p->job.person_id = me.id;
		const char *share = qs_get(&f, "travel"), *contact = qs_get(&f, "travel_contact");
		if (share && contact && *contact) {
			size_t cl = strlen(contact);
			if (cl > TRAVEL_CONTACT_MAX || strpbrk(contact, "\r\n")) {
				page_message(req, res, 400, "Not signed up",
					     "The travel contact is one line of up to 100 characters.", &w);
				return;
			}
			snprintf(p->job.travel, sizeof(p->job.travel), "%s", contact);
		}
		/* the role they take: one the session names, or none */
		const char *role = qs_get(&f, "role");
		if (role && *role) {
			struct event_role r[EVENT_ROLES_MAX];
			int nr = event_roles_get(db, e.id, r, EVENT_ROLES_MAX), k = 0;
			while (k < nr && strcmp(r[k].role, role))
				k++;
			if (nr < 0 || k == nr) {
				page_message(req, res, 400, "Not signed up",
					     "Choose one of the roles this session needs, or none.", &w);
				return;
			}
			snprintf(p->job.role, sizeof(p->job.role), "%s", r[k].role);
		}
		snprintf(p->job.name, sizeof(p->job.name), "%s", me.name);
		snprintf(p->job.email, sizeof(p->job.email), "%s", me.email);
		snprintf(p->job.phone, sizeof(p->job.phone), "%s", me.phone);
		for (size_t i = 1; i < nslots; i++) {
			p->more[p->nmore] = p->job;
			p->more[p->nmore++].slot_id = slots[i];
		}
		web_write_suspend(req, res, &p->w, pending_apply);
		return;
	}
	/* a guest: checked, held, and confirmed by an emailed link */
	struct person g;
	memset(&g, 0, sizeof(g));
	const char *why = person_input_check(&g, qs_get(&f, "name"), qs_get(&f, "email"), NULL,
					     qs_get(&f, "phone"), NULL);
	if (why) {
		page_message(req, res, 400, "Not signed up", why, &w);
		return;
	}
	char ip[64], token[TOKEN_LEN + 1], hash[TOKEN_HASH_LEN + 1];
	http_client_ip(req, ip, sizeof(ip));
	token_hash(g.email, strlen(g.email), hash);
	/* a confirmation is a link mailed to an address: the address's bucket too */
	if (rate_limit(req, res, "guest-ip", ip, &app->auth.rates.signin_ip, 0) ||
	    rate_limit(req, res, "link-account", hash, &app->auth.rates.signin_account, 0))
		return;
	token_new(token);
	token_hash(token, TOKEN_LEN, hash);
	/* the held place and its link stand or fall together */
	int held = db_begin(db) == 0 &&
		   signup_hold(db, hash, slots[0], g.name, g.email, g.phone, p->job.referred_by,
			       time(NULL) + GUEST_LINK_TTL_S) == 1 &&
		   app_mail(app, db, NULL, g.email,
			    notice_subject(&req->arena, "Confirm your place", &e, slots[0]),
			    "confirm", confirm_ctx(req, db, &e, slots[0], g.name, token)) == 0;
	sodium_memzero(token, sizeof(token));
	if (!held || app_commit(app, db)) {
		db_rollback(db);
		page_sorry(req, res, "Nothing was saved and no email was sent. Please try again.",
			   &w);
		return;
	}
	page_message(req, res, 200, "Check your email",
		     "We have sent you a link to confirm your place. It works for 24 hours.", &w);
}

static void confirm_page(struct http_request *req, struct http_response *res)
{
	page_link_button(req, res, "/signups/confirm", "Confirm your place", "Confirm my place", NULL);
}

static void cancel_page(struct http_request *req, struct http_response *res)
{
	page_link_button(req, res, "/signups/cancel", "Cancel your place", "Cancel my place", NULL);
}

static void confirm(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct pending *p = req->pending;

	if (who_load(req, res, &w))
		return;
	if (p) {
		if (p->w.ok && p->job.result == RES_NOT_FOUND && p->job.op == OP_CONFIRM)
			page_message(req, res, 400, "That link has expired",
				     "Confirmation links work once, for 24 hours. Sign up again.", &w);
		else
			answer(req, res, &w, p);
		return;
	}
	if (!(db = app_db(req->app)) || form_or_answer(req, res, NULL, &f) || rate_limit_link_use(req, res))
		return;
	const char *token = qs_get(&f, "token");
	if (!who_csrf_ok(&w, &f) || !token || !token_well_formed(token)) {
		page_message(req, res, 403, "This form has expired", "Open the link from the email again.", &w);
		return;
	}
	/* the writer takes the held sign-up and makes it real in one transaction:
	 * the link confirms once, and only durably */
	p = pending_new(req, OP_CONFIRM, 0);
	token_hash(token, TOKEN_LEN, p->job.confirm_hash);
	web_write_suspend(req, res, &p->w, pending_apply);
}

static void cancel(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct qs f;
	struct pending *p = req->pending;

	if (who_load(req, res, &w))
		return;
	if (p) {
		answer(req, res, &w, p);
		return;
	}
	if (form_or_answer(req, res, NULL, &f) || rate_limit_link_use(req, res))
		return;
	const char *token = qs_get(&f, "token");
	if (!who_csrf_ok(&w, &f) || !token || !token_well_formed(token)) {
		page_message(req, res, 403, "This form has expired", "Open the link from the email again.", &w);
		return;
	}
	p = pending_new(req, OP_CANCEL, 0);
	token_hash(token, TOKEN_LEN, p->job.cancel_hash);
	web_write_suspend(req, res, &p->w, pending_apply);
}

/* A signed-in volunteer cancels their own place from the session's page. */
static void cancel_mine(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct pending *p = req->pending;

	if (p) {
		if (who_load(req, res, &w) == 0)
			answer(req, res, &w, p);
		else
			page_busy(req, res, NULL);
		return;
	}
	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN) || form_or_answer(req, res, &w, &f))
		return;
	long id = route_id(&req->params, "id"), slot = 0;
	const char *which = qs_get(&f, "slot");
	if (which && *which && num_parse_long(which, strlen(which), 1, 1L << 40, &slot)) {
		page_message(req, res, 400, "Not cancelled", "No such slot.", &w);
		return;
	}
	p = pending_new(req, OP_CANCEL, id);
	if (signup_cancel_hash(db, id, w.actor.id, slot, p->job.cancel_hash) != 1) {
		page_message(req, res, 404, "Not found", "You have no place at this session to cancel.", &w);
		return;
	}
	web_write_suspend(req, res, &p->w, pending_apply);
}

static void referrer_row(const char *name, long n, void *arg)
{
	char first[64];
	person_first_name(name, first);
	json_array_append_new(arg, json_pack("{s:s, s:I}", "name", first, "n", (json_int_t)n));
}

static void attendee_row(const struct attendee *a, void *arg)
{
	struct tm tm;
	char at[8];
	london_tm(a->slot_starts, &tm);
	strftime(at, sizeof(at), "%H:%M", &tm);
	json_array_append_new(arg, json_pack("{s:s, s:s, s:s*, s:s, s:s, s:I, s:b, s:b, s:I}",
					     "name", a->name, "email", a->email, "phone", a->phone,
					     "status", a->status, "slot", at, "signup",
					     (json_int_t)a->signup_id, "attended", a->attended,
					     "going", !strcmp(a->status, "going"), "person",
					     (json_int_t)a->person_id));
	json_object_set_new(json_array_get(arg, json_array_size(arg) - 1), "role",
			    json_string(a->role));
}

struct training_choice {
	json_t *list;
	long current;
};

static void training_choice_item(const struct module *m, void *arg)
{
	struct training_choice *tc = arg;
	json_array_append_new(tc->list, json_pack("{s:s, s:s, s:b}", "slug", m->slug, "title",
						  m->title, "current", m->id == tc->current));
}

static void attendees(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct event e;

	if (event_or_answer(req, res, &w, &db, &e))
		return;
	struct target t = event_target(db, &e, w.actor.id);
	if (!policy_allows(&w.actor, ACT_EVENT_MANAGE, &t)) {
		if (!w.actor.id)
			http_redirect(res, signin_path(req));
		else
			page_message(req, res, 403, "Hosts and organisers only",
				     "Only the session's host and its group's organisers see who is"
				     " coming.",
				     &w);
		return;
	}
	/* a view of personal data is shown only once it is in the audit log */
	if (audit_write(db, w.actor.id, "event.attendees_view", 0,
			arena_printf(&req->arena, "event %ld", e.id))) {
		page_sorry(req, res, "The list could not be shown.", &w);
		return;
	}
	json_t *list = json_array(), *brought = json_array();
	event_attendees(db, e.id, attendee_row, list);
	event_referrers(db, e.id, referrer_row, brought);
	json_t *ctx = json_pack("{s:s, s:I, s:o, s:b, s:o}", "title", e.title, "id", (json_int_t)e.id,
				"people", list, "any", json_array_size(list) > 0, "referrers",
				brought);
	/* what the session asks of its volunteers, and who has it to do */
	json_t *needs = training_gate_json(db, "event_signup", e.id);
	if (json_array_size(needs)) {
		size_t k;
		json_t *one;
		long untrained = 0;
		json_array_foreach(list, k, one) {
			long person = (long)json_integer_value(json_object_get(one, "person"));
			int open = person ? training_gate_open(db, person, "event_signup", e.id) : 0;
			json_object_set_new(one, "untrained", json_boolean(open == 0));
			untrained += open == 0;
		}
		json_object_set_new(ctx, "untrained", json_integer(untrained));
	}
	json_object_set_new(ctx, "needs", needs);
	{
		char text[EVENT_ROLES_MAX * (EVENT_ROLE_MAX * 4 + 8)];
		json_t *roles = roles_json(db, e.id, text, sizeof(text));
		json_object_set_new(ctx, "roles", roles ? roles : json_array());
		json_object_set_new(ctx, "roles_text", json_string(text));
	}
	{
		struct training_choice all = { json_array(), 0 };
		modules_for(db, w.actor.id, training_choice_item, &all);
		json_object_set_new(ctx, "requirable", all.list);
	}
	/* a training session may teach a module: attendance completes it */
	if (!strcmp(e.type, "training")) {
		struct training_choice tc = { json_array(), training_live_module(db, e.id) };
		modules_for(db, w.actor.id, training_choice_item, &tc);
		json_object_set_new(ctx, "modules", tc.list);
	}
	page_render(req, res, 200, "attendees", ctx, &w);
}

/* The module a session asks its volunteers to have done (or none). */
static void session_requires(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct event e;
	struct module m = { 0 };

	if (manage_or_answer(req, res, &w, &db, &f, &e, ACT_EVENT_MANAGE,
			"Only the session's host and its group's organisers say what it asks."))
		return;
	const char *slug = qs_get(&f, "module");
	if (!slug || (*slug && module_by_slug(db, slug, &m) != 1)) {
		page_message(req, res, 400, "Not saved", "There is no such training module.", &w);
		return;
	}
	if (gate_set(db, "event_signup", e.id, m.id, m.version)) {
		page_sorry(req, res, "That could not be saved.", &w);
		return;
	}
	http_redirect(res, arena_printf(&req->arena, "/events/%ld/attendees", e.id));
}

/* The host or an organiser names the roles the session needs. */
static void session_roles(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct event e;
	struct event_role r[EVENT_ROLES_MAX];
	int n;

	if (manage_or_answer(req, res, &w, &db, &f, &e, ACT_EVENT_MANAGE,
			     "Only the session's host and its group's organisers say what it needs."))
		return;
	const char *why = event_parse_roles(qs_get(&f, "roles"), r, &n);
	if (why) {
		page_message(req, res, 400, "Not saved", why, &w);
		return;
	}
	if (event_roles_set(db, e.id, r, n) != 1) {
		page_sorry(req, res, "The roles could not be saved.", &w);
		return;
	}
	audit_note(db, w.actor.id, "event.roles", 0, arena_printf(&req->arena, "event %ld", e.id));
	http_redirect(res, arena_printf(&req->arena, "/events/%ld/attendees", e.id));
}

struct nudging {
	struct http_request *req;
	struct db *db;
	const struct event *e;
	long told;
	int rc;
};

static void nudge_attendee(const struct attendee *a, void *arg)
{
	struct nudging *n = arg;
	if (n->rc < 0 || !a->person_id || strcmp(a->status, "going"))
		return;
	int told = training_remind(n->req, n->db, a->person_id, "event_signup", n->e->id,
				   arena_printf(&n->req->arena, "Before \"%s\"", n->e->title),
				   arena_printf(&n->req->arena, "/events/%ld", n->e->id));
	if (told < 0)
		n->rc = -1;
	else
		n->told += told;
}

/* Tells everyone going who has the session's training still to do. */
static void session_nudge(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct event e;

	if (manage_or_answer(req, res, &w, &db, &f, &e, ACT_EVENT_MANAGE,
			"Only the session's host and its group's organisers remind its volunteers."))
		return;
	if (rate_limit(req, res, "message-host", arena_printf(&req->arena, "%ld", w.actor.id),
		       &((struct app *)req->app)->auth.rates.message_host, 0))
		return;
	json_t *needs = training_gate_json(db, "event_signup", e.id);
	size_t asked = json_array_size(needs);
	json_decref(needs);
	if (!asked) {
		page_message(req, res, 409, "No training asked",
			     "This session asks no training of its volunteers.", &w);
		return;
	}
	struct nudging n = { req, db, &e, 0, 0 };
	if (db_begin(db) || event_attendees(db, e.id, nudge_attendee, &n) < 0 || n.rc < 0 ||
	    app_commit(req->app, db)) {
		db_rollback(db);
		page_sorry(req, res, "The reminders could not be sent.", &w);
		return;
	}
	page_message(req, res, 200, "Reminders sent",
		     n.told ? arena_printf(&req->arena, "%ld told where to do the training.", n.told)
			    : "Everyone going has done the training.",
		     &w);
}

/* The module a training session teaches (or none). */
static void session_training(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct event e;
	struct module m = { 0 };

	if (manage_or_answer(req, res, &w, &db, &f, &e, ACT_EVENT_MANAGE,
			"Only the session's host and its group's organisers say what it teaches."))
		return;
	const char *slug = qs_get(&f, "module");
	if (strcmp(e.type, "training") || !slug || (*slug && module_by_slug(db, slug, &m) != 1)) {
		page_message(req, res, 400, "Not saved",
			     "Only a training session teaches a module, and it must be one there is.",
			     &w);
		return;
	}
	if (training_live_set(db, e.id, m.id)) {
		page_sorry(req, res, "That could not be saved.", &w);
		return;
	}
	http_redirect(res, arena_printf(&req->arena, "/events/%ld/attendees", e.id));
}

/* The host marks who came: the hours attended roll up into campaigns. */
static void attendance(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct event e;

	if (manage_or_answer(req, res, &w, &db, &f, &e, ACT_EVENT_MANAGE,
			"Only the session's host and its group's organisers mark attendance."))
		return;
	long *ids = arena_alloc(&req->arena, (f.n + 1) * sizeof(long));
	size_t n = 0;
	int bad = 0;
	for (size_t i = 0; i < f.n; i++)
		if (!strcmp(f.pairs[i].key, "attended"))
			bad |= num_parse_long(f.pairs[i].value, f.pairs[i].value_len, 1, 1L << 40,
					      &ids[n++]);
	/* the attendance and, for a training session, the completions it
	 * gives: one transaction */
	if (bad || db_begin(db)) {
		page_message(req, res, 400, "Not saved", "The attendance could not be saved.", &w);
		return;
	}
	if (event_attendance_set(db, e.id, w.actor.id, ids, n) != 1 ||
	    training_live_complete(db, e.id, (long long)time(NULL)) < 0 || db_commit(db)) {
		db_rollback(db);
		page_message(req, res, 400, "Not saved", "The attendance could not be saved.", &w);
		return;
	}
	http_redirect(res, arena_printf(&req->arena, "/events/%ld/attendees", e.id));
}

struct telling {
	struct http_request *req;
	struct db *db;
	long event_id;
	const char *subject, *message;
	long told;
	int failed;
};

static void tell_one(const char *name, const char *email, void *arg)
{
	struct telling *t = arg;
	struct app *app = t->req->app;
	t->failed |= app_mail(app, t->db, NULL, email, t->subject, "tell",
			      json_pack("{s:s, s:s, s:s, s:s}", "name", name, "text", t->message,
					"url",
					arena_printf(&t->req->arena, "%s/events/%ld",
						     app->auth.public_url, t->event_id),
					"link", "Details"));
	t->told++;
}

/* Queues an email to everyone going, waiting, driving or riding to event
 * id, inside the caller's transaction: how many, or -1. */
static long tell_everyone(struct http_request *req, struct db *db, long id, const char *subject,
			  const char *message)
{
	struct telling t = { req, db, id, subject, message, 0, 0 };
	return event_people(db, id, tell_one, &t) < 0 || t.failed ? -1 : t.told;
}

long events_tell_host_leaving(struct http_request *req, struct db *db, long host)
{
	long ids[64], told = 0;
	long n = events_hosted_at_home(db, host, time(NULL), ids, 64);
	struct event e;
	char when[128], text[400];

	for (long i = 0; i < n; i++) {
		if (event_get(db, ids[i], &e) != 1)
			return -1;
		when_text(e.starts_at, e.ends_at, when, sizeof(when));
		snprintf(text, sizeof(text),
			 "\"%s\" on %s is cancelled: its host has left turnout, and the address"
			 " went with them.",
			 e.title, when);
		long t = tell_everyone(req, db, e.id, "Your session is cancelled", text);
		if (t < 0)
			return -1;
		told += t;
	}
	return n < 0 ? -1 : told;
}

/*
 * The host or an organiser moves a session (date, start, meeting point):
 * slots move with it, and everyone signed up is told.
 */
static void edit_event(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct event e, moved;
	char when[128], detail[600];

	if (manage_or_answer(req, res, &w, &db, &f, &e, ACT_EVENT_MANAGE,
			"Only the session's host and its group's organisers can change it."))
		return;
	static const char changed[] = "Someone changed this session while you were editing it."
				      " Reload the page to see it as it is now, then make your"
				      " change again.";
	/* the version the form was loaded at; without one, the version read now */
	const char *ver = qs_get(&f, "version");
	long seen = e.version;
	if (ver && *ver && (num_parse_long(ver, strlen(ver), 0, LONG_MAX, &seen) || seen != e.version)) {
		page_message(req, res, 409, "Changed meanwhile", changed, &w);
		return;
	}
	moved = e;
	const char *date = qs_get(&f, "date"), *start = qs_get(&f, "start");
	const char *pc = qs_get(&f, "postcode"), *addr = qs_get(&f, "address");
	const char *why = NULL;
	time_t new_start;
	int skipped = london_parse(date, start, &new_start);
	if (skipped)
		why = skipped == LONDON_SKIPPED ? LONDON_SKIPPED_WHY
						: "Give the date as 2026-12-05 and the start as 10:00.";
	long shift = why ? 0 : (long)(new_start - e.starts_at);
	moved.starts_at += shift;
	moved.ends_at += shift;
	for (size_t i = 0; i < moved.nslots; i++) {
		moved.slots[i].starts_at += shift;
		moved.slots[i].ends_at += shift;
	}
	if (!why && addr) {
		if (strlen(addr) > EVENT_ADDRESS_MAX)
			why = "The address is too long (200 characters at most).";
		else
			snprintf(moved.address, sizeof(moved.address), "%s", addr);
	}
	/* the online link, when the form gives one ("" takes it away) */
	const char *url = qs_get(&f, "online_url");
	if (!why && url) {
		if (strlen(url) > EVENT_URL_MAX)
			why = "The online link is 300 characters at most.";
		else
			snprintf(moved.online_url, sizeof(moved.online_url), "%s", url);
	}
	if (!why && pc && *pc) {
		struct postcode p;
		struct pc_record r;
		if (postcode_parse(pc, strlen(pc), &p) || lookup_postcode_or_district(db, &p, &r) != 1 ||
		    !r.positioned || !*r.pcon2024)
			why = "Give the meeting point's postcode.";
		else {
			snprintf(moved.postcode, sizeof(moved.postcode), "%s", p.display);
			snprintf(moved.seat, sizeof(moved.seat), "%s", r.pcon2024);
			moved.lat = r.lat;
			moved.lon = r.lon;
		}
	}
	if (!why)
		why = event_check(&moved, time(NULL), NULL);
	/* the session and its slots are two reads: another editor's change
	 * between them reads as a bad move; it is that change */
	if (why && event_version(db, e.id) != seen) {
		page_message(req, res, 409, "Changed meanwhile", changed, &w);
		return;
	}
	if (why) {
		page_message(req, res, 400, "Not changed", why, &w);
		return;
	}
	/* a proposal moved by its host goes back to the organisers to approve */
	int moved_place = strcmp(moved.postcode, e.postcode) || strcmp(moved.address, e.address);
	int new_link = strcmp(moved.online_url, e.online_url) != 0;
	struct target t = event_target(db, &e, w.actor.id);
	if (e.proposed && (shift || moved_place) && !policy_allows(&w.actor, ACT_EVENT_APPROVE, &t))
		moved.awaiting = 1;
	/* the change and the mail about it, together */
	int rc = db_begin(db) ? -1 : event_move(db, &moved, shift);
	if (rc == 0) {
		db_rollback(db);
		page_message(req, res, 409, "Changed meanwhile", changed, &w);
		return;
	}
	long told = 0;
	if (rc > 0 && (shift || moved_place || new_link)) {
		when_text(moved.starts_at, moved.ends_at, when, sizeof(when));
		/* the link itself only on the page: the waiting list is told too */
		snprintf(detail, sizeof(detail), "\"%s\" has changed. It is now %s, meeting at %s.%s",
			 e.title, when, moved.address_private ? moved.postcode
				 : (*moved.address ? moved.address : moved.postcode),
			 !new_link	       ? ""
			 : *moved.online_url ? " The link to join online has changed: it is on the"
					       " session's page for those with a place."
					     : " It can no longer be joined online.");
		told = tell_everyone(req, db, e.id, "Your session has changed", detail);
	}
	if (rc < 0 || told < 0 || app_commit(req->app, db)) {
		db_rollback(db);
		page_sorry(req, res, "The change could not be saved, and nobody was told.", &w);
		return;
	}
	if (told)
		audit_note(db, w.actor.id, "event.edit", 0,
			   arena_printf(&req->arena, "event %ld: %ld told", e.id, told));
	http_redirect(res, arena_printf(&req->arena, "/events/%ld", e.id));
}

/* The host or an organiser cancels: everyone signed up is told. */
static void cancel_event(struct http_request *req, struct http_response *res)
{
	struct who w;
	struct db *db;
	struct qs f;
	struct event e;
	char when[128];

	if (manage_or_answer(req, res, &w, &db, &f, &e, ACT_EVENT_MANAGE,
			"Only the session's host and its group's organisers can cancel it."))
		return;
	/* it cannot be undone and it emails everyone: first say so, and how many */
	const char *sure = qs_get(&f, "confirm");
	if (!sure || strcmp(sure, "yes")) {
		long n = event_people_count(db, e.id);
		page_render(req, res, 200, "confirm",
			    json_pack("{s:s, s:s, s:s, s:s, s:s}", "title", "Cancel this session?",
				      "text",
				      arena_printf(&req->arena,
						   "\"%s\" will be cancelled for good, and %ld %s"
						   " going, waiting, driving or riding will be emailed.",
						   e.title, n < 0 ? 0 : n, n == 1 ? "person" : "people"),
				      "action", arena_printf(&req->arena, "/events/%ld/cancel", e.id),
				      "button",
				      arena_printf(&req->arena, "Cancel and email %ld %s", n < 0 ? 0 : n,
						   n == 1 ? "person" : "people"),
				      "back", arena_printf(&req->arena, "/events/%ld", e.id)),
			    &w);
		return;
	}
	when_text(e.starts_at, e.ends_at, when, sizeof(when));
	char detail[512];
	snprintf(detail, sizeof(detail), "\"%s\" on %s is cancelled. Sorry! Other sessions are listed on the"
		 " site.", e.title, when);
	/* cancelled and everyone told, or neither */
	int rc = db_begin(db) ? -1 : event_cancel(db, e.id);
	long told = rc > 0 ? tell_everyone(req, db, e.id, "Session cancelled", detail) : 0;
	if (rc < 0 || told < 0 || app_commit(req->app, db)) {
		db_rollback(db);
		page_sorry(req, res, "The session could not be cancelled.", &w);
		return;
	}
	audit_note(db, w.actor.id, "event.cancel", 0,
		    arena_printf(&req->arena, "event %ld: %ld told", e.id, told));
	http_redirect(res, arena_printf(&req->arena, "/events/%ld", e.id));
}

/* A new private feed URL for the signed-in person (the old one stops). */
static void feed_create(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct db *db;
	struct qs f;
	char token[TOKEN_LEN + 1], hash[TOKEN_HASH_LEN + 1];

	if (visit_or_answer(req, res, &w, &db, VISIT_SIGNED_IN))
		return;
	if (form_or_answer(req, res, &w, &f))
		return;
	token_new(token);
	token_hash(token, TOKEN_LEN, hash);
	if (calendar_feed_set(db, w.actor.id, hash) != 1) {
		page_sorry(req, res, "The feed could not be made.", &w);
		return;
	}
	audit_note(db, w.actor.id, "person.calendar_feed", w.actor.id, NULL);
	page_render(req, res, 200, "message",
		    json_pack("{s:s, s:s}", "title", "Your calendar feed",
			      "text", arena_printf(&req->arena,
						   "Subscribe to this address in your calendar app. It"
						   " is private: anyone with it sees your sessions."
						   " It is shown only now; make a new one to replace it."
						   " %s/calendar/%s.ics",
						   app->auth.public_url, token)),
		    &w);
}

struct feeding {
	struct http_request *req;
	struct http_response *res;
};

static void feed_row(const struct feed_entry *e, void *arg)
{
	struct feeding *fd = arg;
	struct app *app = fd->req->app;
	char uid[96], place[EVENT_ADDRESS_MAX + 16];
	snprintf(uid, sizeof(uid), "signup-%ld@turnout", e->signup_id);
	place_text(e->address, e->postcode, place, sizeof(place));
	struct ics_event ev = {
		uid, e->starts_at, e->ends_at, time(NULL), e->title, e->description, place,
		arena_printf(&fd->req->arena, "%s/events/%ld", app->auth.public_url, e->event_id),
		strcmp(e->status, "cancelled") == 0,
	};
	ics_event(&fd->res->body, &ev);
}

/* The sessions a person is going to, by their secret feed URL. */
static void feed(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct db *db = app_db(app);
	const char *seg = route_param(&req->params, "token");
	char token[TOKEN_LEN + 1], hash[TOKEN_HASH_LEN + 1], ip[64];
	size_t n = seg ? strlen(seg) : 0;

	http_client_ip(req, ip, sizeof(ip));
	/* a secret is checked here: rate-limited like the API tokens */
	if (rate_limit(req, res, "feed-ip", ip, &app->auth.rates.token_ip, 1))
		return;
	if (n != TOKEN_LEN + 4 || strcmp(seg + TOKEN_LEN, ".ics")) {
		http_error(res, 404, "Resource not found");
		return;
	}
	memcpy(token, seg, TOKEN_LEN);
	token[TOKEN_LEN] = '\0';
	if (!db || !token_well_formed(token)) {
		http_error(res, db ? 404 : 503, db ? "Resource not found" : "Database unavailable");
		return;
	}
	token_hash(token, TOKEN_LEN, hash);
	buf_reset(&res->body);
	ics_begin(&res->body);
	struct feeding fd = { req, res };
	int rc = calendar_feed(db, hash, time(NULL), feed_row, &fd);
	if (rc != 1) {
		http_error(res, rc < 0 ? 503 : 404, rc < 0 ? "Database unavailable" : "Resource not found");
		return;
	}
	ics_end(&res->body);
	res->status = 200;
	res->content_type = "text/calendar; charset=utf-8";
	http_set_header(res, "Cache-Control", "private, max-age=300");
}

static void calendar(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct db *db;
	struct event e;
	char uid[128], when[128];

	if (event_or_answer(req, res, &w, &db, &e))
		return;
	when_text(e.starts_at, e.ends_at, when, sizeof(when));
	snprintf(uid, sizeof(uid), "event-%ld@turnout", e.id);
	char place[EVENT_ADDRESS_MAX + 16];
	event_place(&e, place, sizeof(place));
	struct ics_event ev = { uid, e.starts_at, e.ends_at, time(NULL), e.title, e.description,
				place,
				arena_printf(&req->arena, "%s/events/%ld", app->auth.public_url, e.id),
				strcmp(e.status, "cancelled") == 0 };
	buf_reset(&res->body);
	ics_begin(&res->body);
	ics_event(&res->body, &ev);
	ics_end(&res->body);
	res->status = 200;
	res->content_type = "text/calendar; charset=utf-8";
	http_set_header(res, "Content-Disposition", "attachment; filename=\"session.ics\"");
}

const struct http_route events_routes[] = {
	{ "GET", "/events", list_page, ROUTE_PAGE, NULL },
	{ "POST", "/events/search", list_page, ROUTE_PAGE, NULL },
	{ "GET", "/events/new", new_page, ROUTE_PAGE, NULL },
	{ "POST", "/events", create, ROUTE_PAGE, NULL },
	{ "GET", "/events/{id}", event_page, ROUTE_PAGE, NULL },
	{ "GET", "/events/{id}/calendar.ics", calendar, 0, NULL },
	{ "GET", "/events/{id}/attendees", attendees, ROUTE_PAGE, NULL },
	{ "POST", "/events/{id}/signup", signup, ROUTE_PAGE, NULL },
	{ "POST", "/events/{id}/attendance", attendance, ROUTE_PAGE, NULL },
	{ "POST", "/events/{id}/training", session_training, ROUTE_PAGE, NULL },
	{ "POST", "/events/{id}/requires", session_requires, ROUTE_PAGE, NULL },
	{ "POST", "/events/{id}/roles", session_roles, ROUTE_PAGE, NULL },
	{ "POST", "/events/{id}/nudge", session_nudge, ROUTE_PAGE, NULL },
	{ "POST", "/events/{id}/cancel", cancel_event, ROUTE_PAGE, NULL },
	{ "POST", "/events/{id}/edit", edit_event, ROUTE_PAGE, NULL },
	{ "POST", "/events/{id}/approve", approve, ROUTE_PAGE, NULL },
	{ "POST", "/events/{id}/publish", publish, ROUTE_PAGE, NULL },
	{ "POST", "/events/{id}/message", message_attendees, ROUTE_PAGE, NULL },
	{ "POST", "/events/{id}/cancel-mine", cancel_mine, ROUTE_PAGE, NULL },
	{ "GET", "/signups/confirm", confirm_page, ROUTE_PAGE, NULL },
	{ "POST", "/signups/confirm", confirm, ROUTE_PAGE, NULL },
	{ "GET", "/signups/cancel", cancel_page, ROUTE_PAGE, NULL },
	{ "POST", "/signups/cancel", cancel, ROUTE_PAGE, NULL },
	{ "GET", "/api/v1/events", list_api, 0, NULL },
	{ "POST", "/account/calendar", feed_create, ROUTE_PAGE, NULL },
	{ "GET", "/calendar/{token}", feed, 0, NULL },
};
const size_t events_nroutes = sizeof(events_routes) / sizeof(events_routes[0]);
