/*
 * The SMS provider's callbacks: delivery reports (POST /sms/status) and
 * replies (POST /sms/inbound), where STOP withdraws a person's consent and
 * drops the texts still waiting for them.  No session and no CSRF token:
 * each request is signed by the provider with the account's auth token
 * (X-Twilio-Signature over the public URL and the form), and nothing is
 * read before the signature is checked; failures are rate-limited like any
 * other secret.  A reply's words are never stored.
 */
#include "sms/pages.h"

#include <string.h>
#include <time.h>

#include "mail/outbox.h"
#include "people/people.h"
#include "phonebank/phone.h"
#include "web/web.h"

static const char *const statuses[] = {
	"accepted",  "scheduled",   "queued", "sending", "sent",
	"delivered", "undelivered", "failed", "read",	 "canceled"
};

/* The form, once its signature holds: 0, or -1 answered. */
static int signed_form(struct http_request *req, struct http_response *res, struct qs *f)
{
	struct app *app = req->app;
	const char *ctype = http_header(req, "Content-Type");
	char ip[64];

	if (!app->sms.enabled) {
		http_error(res, 404, "Texts are not set up on this server");
		return -1;
	}
	if (!ctype || strncmp(ctype, "application/x-www-form-urlencoded", 33) ||
	    qs_parse(f, &req->arena, req->body.p ? req->body.p : "", req->body.len)) {
		http_error(res, 400, "Expected a form (application/x-www-form-urlencoded)");
		return -1;
	}
	const char *url = arena_printf(&req->arena, "%s%s", app->auth.public_url, req->path);
	if (sms_signature_ok(app->sms.token, url, f, http_header(req, "X-Twilio-Signature")))
		return 0;
	http_client_ip(req, ip, sizeof(ip));
	if (!rate_limit(req, res, "sms-signature", ip, &app->auth.rates.token_ip, 1))
		http_error(res, 403, "The request's signature does not match");
	return -1;
}

static void sms_status(struct http_request *req, struct http_response *res)
{
	struct qs f;
	struct db *db;

	if (signed_form(req, res, &f))
		return;
	const char *sid = qs_get(&f, "MessageSid"), *status = qs_get(&f, "MessageStatus");
	size_t i = 0;
	while (status && i < sizeof(statuses) / sizeof(statuses[0]) && strcmp(status, statuses[i]))
		i++;
	if (!sid || !*sid || strlen(sid) > SMS_ID_MAX || !status ||
	    i == sizeof(statuses) / sizeof(statuses[0])) {
		http_error(res, 400, "Needs MessageSid and a known MessageStatus");
		return;
	}
	if (!(db = app_db(req->app)) || outbox_delivery(db, sid, status) < 0) {
		http_error(res, 503, "Busy: try again");
		return;
	}
	/* a report on a text we no longer know (pruned) is accepted all the same */
	res->status = 204;
}

static void sms_inbound(struct http_request *req, struct http_response *res)
{
	struct qs f;
	struct db *db;
	char from[PHONE_E164_MAX];

	if (signed_form(req, res, &f))
		return;
	const char *who = qs_get(&f, "From"), *body = qs_get(&f, "Body");
	if (!who || phone_normalise(who, strlen(who), from)) {
		http_error(res, 400, "Needs From, a UK number");
		return;
	}
	if (sms_is_stop(body)) {
		db = app_db(req->app);
		if (!db || db_begin(db) || person_sms_stop(db, from) < 0 ||
		    outbox_drop_texts(db, from, (long long)time(NULL)) < 0 || db_commit(db)) {
			if (db)
				db_rollback(db);
			http_error(res, 503, "Busy: try again");
			return;
		}
	}
	/* nothing to say back: the provider confirms a STOP itself */
	res->status = 200;
	res->content_type = "text/xml; charset=utf-8";
	buf_puts(&res->body, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>");
}

const struct http_route sms_routes[] = {
	{ "POST", "/sms/status", sms_status, 0, NULL },
	{ "POST", "/sms/inbound", sms_inbound, 0, NULL },
};
const size_t sms_nroutes = sizeof(sms_routes) / sizeof(sms_routes[0]);
