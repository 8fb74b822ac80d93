#include "alerts/pages.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "alerts/store.h"
#include "events/when.h"
#include "geo/geo.h"
#include "people/people.h"
#include "postcodes/lookup.h"
#include "util/mem.h"
#include "util/num.h"
#include "web/web.h"

struct telling {
	struct http_request *req;
	struct db *db;
	const struct event *e;
	const char *when;
	long n;
	int failed;
};

static void tell_one(const struct alert_hit *h, void *arg)
{
	struct telling *t = arg;
	struct app *app = t->req->app;
	struct arena *a = &t->req->arena;
	if (t->failed || !h->email ||
	    geo_haversine_km(h->lat, h->lon, t->e->lat, t->e->lon) > h->km)
		return;
	/* keyed by alert and session: a session that goes live twice mails once */
	const char *key = arena_printf(a, "alert-%ld-%ld", h->id, t->e->id);
	json_t *ctx = json_pack(
	    "{s:s, s:s, s:s, s:s, s:i, s:s, s:s}", "title", t->e->title, "when", t->when, "postcode",
	    t->e->postcode, "near", h->postcode, "km", (int)h->km, "url",
	    arena_printf(a, "%s/events/%ld", app->auth.public_url, t->e->id), "stop_url",
	    arena_printf(a, "%s/alerts/stop?token=%s", app->auth.public_url, h->stop_token));
	if (app_mail(app, t->db, key, h->email,
		     arena_printf(a, "New near %s: %.80s, %s", h->postcode, t->e->title, t->when),
		     "alert", ctx))
		t->failed = 1;
	else
		t->n++;
}

long alerts_tell(struct http_request *req, struct db *db, const struct event *e)
{
	struct tm tm;
	char when[64];
	if (e->starts_at < time(NULL))
		return 0;
	london_tm(e->starts_at, &tm);
	strftime(when, sizeof(when), "%a %e %b, %H:%M", &tm);
	struct telling t = { req, db, e, when, 0, 0 };
	if (alerts_near(db, e->lat, e->lon, tell_one, &t) < 0 || t.failed)
		return -1;
	return t.n;
}

/* Sets an alert from a postcode answer: a signed-in person's at once; for
 * anyone else, once the link mailed to the address is opened.  The answer
 * to someone signed out is the same whatever the address. */
static void alert_create(struct http_request *req, struct http_response *res)
{
	struct app *app = req->app;
	struct who w;
	struct db *db;
	struct qs f;
	struct postcode pc;
	struct pc_record r;
	char email[EMAIL_MAX_LEN + 1], ip[64], key[TOKEN_HASH_LEN + 1];
	char stop[TOKEN_LEN + 1], confirm[TOKEN_LEN + 1], hash[TOKEN_HASH_LEN + 1];
	double km = 0;

	if (visit_or_answer(req, res, &w, &db, 0) || form_or_answer(req, res, &w, &f))
		return;
	const char *p = qs_get(&f, "postcode"), *k = qs_get(&f, "km"), *e = qs_get(&f, "email");
	const char *why = NULL;
	if (!p || postcode_parse(p, strlen(p), &pc) ||
	    lookup_postcode_or_district(db, &pc, &r) != 1 || !r.positioned)
		why = "Give a postcode we know.";
	else if (!k || num_parse_double(k, strlen(k), ALERT_KM_MIN, ALERT_KM_MAX, &km))
		why = "The distance is 1 to 100 km.";
	else if (!w.actor.id && (!e || email_normalise(e, email)))
		why = "Give the email address to tell.";
	if (why) {
		page_message(req, res, 400, "No alert set", why, &w);
		return;
	}
	token_new(stop);
	struct alert_new a = { w.actor.id, NULL, pc.display, r.lat, r.lon, km, NULL, stop };
	if (w.actor.id) {
		int rc = alert_put(db, &a, time(NULL));
		if (rc != 1) {
			if (rc)
				page_sorry(req, res, "The alert could not be saved.", &w);
			else
				page_message(req, res, 409, "Too many alerts",
					     "You have five alerts already: stop one on your account"
					     " page first.",
					     &w);
			return;
		}
		page_message(req, res, 200, "Alert set",
			     arena_printf(&req->arena,
					  "We will email you when a session is posted within %.0f km"
					  " of %s. Every email has a link to stop them.",
					  km, pc.display),
			     &w);
		return;
	}
	http_client_ip(req, ip, sizeof(ip));
	token_hash(email, strlen(email), key);
	if (rate_limit(req, res, "alert-ip", ip, &app->auth.rates.signup_ip, 0) ||
	    rate_limit(req, res, "alert-address", key, &app->auth.rates.signin_account, 0))
		return;
	token_new(confirm);
	token_hash(confirm, TOKEN_LEN, hash);
	a.email = email;
	a.confirm_hash = hash;
	/* the alert and its link stand or fall together; with five alerts
	 * already there is nothing to confirm, and the answer is the same */
	int rc = db_begin(db) ? -1 : alert_put(db, &a, time(NULL));
	if (rc == 1 &&
	    (app_mail(app, db, NULL, email, "Confirm your session alert", "alert_confirm",
		      json_pack("{s:s, s:i, s:s}", "postcode", pc.display, "km", (int)km, "url",
				arena_printf(&req->arena, "%s/alerts/confirm?token=%s",
					     app->auth.public_url, confirm))) ||
	     app_commit(app, db)))
		rc = -1;
	if (rc != 1)
		db_rollback(db);
	if (rc < 0) {
		page_sorry(req, res, "No alert was set. Please try again.", &w);
		return;
	}
	page_message(req, res, 200, "Check your email",
		     "Open the link we sent to confirm the alert. It works for 24 hours.", &w);
}

static void confirm_page(struct http_request *req, struct http_response *res)
{
	page_link_button(req, res, "/alerts/confirm", "Confirm your session alert", "Confirm",
			 "We will email this address when a session is posted near the postcode"
			 " it was set for.");
}

static void stop_page(struct http_request *req, struct http_response *res)
{
	page_link_button(req, res, "/alerts/stop", "Stop these emails", "Stop them", NULL);
}

/* The mailed links, posted from their buttons: confirm or stop one alert. */
static void by_token(struct http_request *req, struct http_response *res, int stop)
{
	struct who w;
	struct db *db;
	struct qs f;
	char hash[TOKEN_HASH_LEN + 1];

	if (visit_or_answer(req, res, &w, &db, 0) || form_or_answer(req, res, &w, &f) ||
	    rate_limit_link_use(req, res))
		return;
	const char *token = qs_get(&f, "token");
	if (!token || !token_well_formed(token)) {
		page_message(req, res, 400, "That link is not whole",
			     "Open the link from the email again.", &w);
		return;
	}
	if (!stop)
		token_hash(token, TOKEN_LEN, hash);
	int rc = stop ? alert_stop(db, token) : alert_confirm(db, hash, time(NULL));
	if (rc < 0)
		page_sorry(req, res, "That could not be saved. Please try again.", &w);
	else if (rc == 0)
		page_message(req, res, 404, stop ? "Already stopped" : "That link has expired",
			     stop ? "There is no alert for this link: no more emails will come."
				  : "Confirmation links work once, for 24 hours. Set the alert again.",
			     &w);
	else
		page_message(req, res, 200, stop ? "Stopped" : "Alert set",
			     stop ? "No more emails will come for this alert."
				  : "We will email you when a session is posted near you. Every email"
				    " has a link to stop them.",
			     &w);
}

static void confirm_post(struct http_request *req, struct http_response *res)
{
	by_token(req, res, 0);
}

static void stop_post(struct http_request *req, struct http_response *res)
{
	by_token(req, res, 1);
}

const struct http_route alerts_routes[] = {
	{ "POST", "/alerts", alert_create, ROUTE_PAGE, NULL },
	{ "GET", "/alerts/confirm", confirm_page, ROUTE_PAGE, NULL },
	{ "POST", "/alerts/confirm", confirm_post, ROUTE_PAGE, NULL },
	{ "GET", "/alerts/stop", stop_page, ROUTE_PAGE, NULL },
	{ "POST", "/alerts/stop", stop_post, ROUTE_PAGE, NULL },
};
const size_t alerts_nroutes = sizeof(alerts_routes) / sizeof(alerts_routes[0]);
