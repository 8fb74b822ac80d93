#include "events/notices.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "events/when.h"
#include "http/qs.h"
#include "people/people.h"

static void slot_times(const struct event *e, long slot_id, time_t *start, time_t *end)
{
	*start = e->starts_at;
	*end = e->ends_at;
	for (size_t i = 0; i < e->nslots; i++)
		if (e->slots[i].id == slot_id) {
			*start = e->slots[i].starts_at;
			*end = e->slots[i].ends_at;
		}
}

json_t *notice_ctx(struct app *app, struct db *db, struct arena *a, const struct event *e,
		   long slot_id, const char *name, const char *cancel_url)
{
	time_t start, end;
	struct tm ts, te, us, ue;
	char when[128], day[64], t1[8], t2[8], place[EVENT_ADDRESS_MAX + 16];
	char gs[24], ge[24], os[24], oe[24];
	struct person host;

	slot_times(e, slot_id, &start, &end);
	london_tm(start, &ts);
	london_tm(end, &te);
	london_day(start, DAY_LONG_YEAR, day, sizeof(day));
	strftime(t1, sizeof(t1), "%H:%M", &ts);
	strftime(t2, sizeof(t2), "%H:%M", &te);
	snprintf(when, sizeof(when), "%s, %s–%s", day, t1, t2);
	event_place(e, place, sizeof(place));
	/* the calendars' own URLs take UTC */
	gmtime_r(&start, &us);
	gmtime_r(&end, &ue);
	strftime(gs, sizeof(gs), "%Y%m%dT%H%M%SZ", &us);
	strftime(ge, sizeof(ge), "%Y%m%dT%H%M%SZ", &ue);
	strftime(os, sizeof(os), "%Y-%m-%dT%H:%M:%SZ", &us);
	strftime(oe, sizeof(oe), "%Y-%m-%dT%H:%M:%SZ", &ue);
	const char *base = app->auth.public_url;
	const char *url = arena_printf(a, "%s/events/%ld", base, e->id);
	const char *title = url_encode(a, e->title), *where = url_encode(a, place);
	const char *details = url_encode(a, url);
	json_t *ctx = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", name, "title", e->title,
	    "when", when, "where", place, "postcode", e->postcode, "map_url",
	    arena_printf(a, "https://www.openstreetmap.org/?mlat=%.5f&mlon=%.5f#map=16/%.5f/%.5f",
			 e->lat, e->lon, e->lat, e->lon),
	    "session_url", url, "ics_url", arena_printf(a, "%s/events/%ld/calendar.ics", base, e->id),
	    "google_url",
	    arena_printf(a,
			 "https://calendar.google.com/calendar/render?action=TEMPLATE&text=%s"
			 "&dates=%s/%s&location=%s&details=%s",
			 title, gs, ge, where, details));
	json_object_set_new(
	    ctx, "outlook_url",
	    json_string(arena_printf(a,
				     "https://outlook.live.com/calendar/0/deeplink/compose?path="
				     "%%2Fcalendar%%2Faction%%2Fcompose&rru=addevent&subject=%s"
				     "&startdt=%s&enddt=%s&location=%s&body=%s",
				     title, os, oe, where, details)));
	if (cancel_url)
		json_object_set_new(ctx, "cancel", json_string(cancel_url));
	/* the mails to those with a place give it; the waiting list's do not */
	if (*e->online_url)
		json_object_set_new(ctx, "online_url", json_string(e->online_url));
	/* answers go to the host, who can do something with them */
	if (e->created_by && person_by_id(db, e->created_by, &host) == 1)
		json_object_set_new(ctx, "reply_to", json_string(host.email));
	return ctx;
}

const char *notice_subject(struct arena *a, const char *what, const struct event *e,
			   long slot_id)
{
	time_t start, end;
	char day[64];
	slot_times(e, slot_id, &start, &end);
	london_day(start, DAY_SHORT, day, sizeof(day));
	return arena_printf(a, "%s: %.120s, %s", what, e->title, day);
}
