#include "demo/foodbank.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "events/when.h"
#include "foodbank/keeper.h"
#include "foodbank/store.h"

long demo_foodbank(struct db *db, long group_id, long organiser, const char *seat,
		   const char *postcode, double lat, double lon)
{
	static const struct {
		const char *item;
		enum urgency u;
		long wanted;
	} needs[] = {
		{ "Tinned tomatoes", URGENT, 40 },  { "UHT milk", URGENT, 24 },
		{ "Nappies (size 5)", NEEDED, 10 }, { "Toilet rolls", NEEDED, 0 },
		{ "Tinned fish", NEEDED, 0 },	    { "Pasta", PLENTY, 0 },
		{ "Baked beans", PLENTY, 0 },
	};
	struct foodbank f = { .kind = "foodbank", .lat = lat, .lon = lon, .chilled = 0 };
	struct series s = { 0 };
	long long now = (long long)time(NULL), last;
	long made;
	struct tm tm;

	snprintf(f.name, sizeof(f.name), "Demo Community Food Bank");
	snprintf(f.postcode, sizeof(f.postcode), "%s", postcode);
	snprintf(f.address, sizeof(f.address), "The old library");
	snprintf(f.hours, sizeof(f.hours), "Mon-Fri 10:00-16:00; Sat 09:00-14:00");
	snprintf(f.contact, sizeof(f.contact), "The warehouse team (a demo: no one answers)");
	snprintf(f.accepts, sizeof(f.accepts), "Tins, packets, toiletries and baby things in date");
	f.created_by = organiser;
	if (foodbank_put(db, &f, group_id, now) != 1)
		return -1;
	for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++)
		if (need_put(db, f.id, needs[i].item, needs[i].u, needs[i].wanted, 0, now) != 1)
			return -1;
	/* every Saturday from the next, 10:00 to 12:00, for half a year */
	time_t sat = (time_t)now + 86400;
	london_tm(sat, &tm);
	sat += (time_t)((6 - tm.tm_wday + 7) % 7) * 86400;
	london_tm(sat, &tm);
	s.group_id = group_id;
	s.foodbank_id = f.id;
	snprintf(s.rrule, sizeof(s.rrule), "FREQ=WEEKLY;BYDAY=SA;COUNT=26");
	strftime(s.first_at, sizeof(s.first_at), "%Y-%m-%dT10:00", &tm);
	s.minutes = 120;
	s.capacity = 6;
	s.late_hours = 24;
	snprintf(s.title, sizeof(s.title), "Saturday food-bank collection");
	snprintf(s.description, sizeof(s.description),
		 "A demo collection: bring what the food bank is short of (see the list), and we"
		 " drive it over at noon.");
	snprintf(s.seat, sizeof(s.seat), "%s", seat);
	snprintf(s.postcode, sizeof(s.postcode), "%s", postcode);
	snprintf(s.address, sizeof(s.address), "Outside the library");
	s.lat = lat;
	s.lon = lon;
	s.created_by = organiser;
	if (series_create(db, &s, now) != 1 ||
	    series_materialise(db, &s, now, series_horizon_s(), &made, &last) != 1 ||
	    series_checked(db, s.id, now, "") != 1)
		return -1;
	/* a run on the first, looking for a driver */
	struct db_stmt *st =
	    db_cached(db, "SELECT min(event_id) FROM collections WHERE series_id = ?");
	db_bind_int(st, 1, s.id);
	struct run r = { .event_id = (long)db_int_or(st, 0), .vehicle = VEHICLE_CAR };
	r.departs_at = london_to_utc(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, 12, 0);
	r.arrives_at = r.departs_at + 15 * 60;
	if (!r.event_id || run_create(db, &r, organiser, now) != 1)
		return -1;
	return f.id;
}
