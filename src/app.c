#include "app.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admin/admin.h"
#include "auth/password.h"
#include "auth/totp.h"
#include "groups/groups.h"
#include "campaigns/campaigns.h"
#include "phonebank/phonebank.h"
#include "rides/rides.h"
#include "events/events.h"
#include "pages/pages.h"
#include "people/account.h"
#include "postcodes/api.h"
#include "seats/api.h"
#include "util/mem.h"

static void close_db(void *db)
{
	db_close(db);
}

int app_init(struct app *app, const char *db_path, const char *assets, char *err,
	     size_t errlen)
{
	struct db *db = NULL;
	char dir[1100];
	int rc = -1;

	memset(app, 0, sizeof(*app));
	pthread_mutex_init(&app->bg_lock, NULL);
	pthread_cond_init(&app->bg_done, NULL);
	/* only /random/postcodes draws numbers; nothing secret depends on them */
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	snprintf(app->db_path, sizeof(app->db_path), "%s", db_path);
	snprintf(app->assets, sizeof(app->assets), "%s", assets);
	if (access(db_path, F_OK) != 0) {
		snprintf(err, errlen, "%s does not exist: run `turnout import --db %s` first",
			 db_path, db_path);
		return -1;
	}
	if (token_init() || totp_init()) {
		snprintf(err, errlen, "cannot initialise libsodium or liboath");
		return -1;
	}
	password_init();
	auth_config_defaults(&app->auth);
	auth_config_from_env(&app->auth);
	mailer_from_env(&app->mailer, "var/outbox");
	if (password_hash("not a real password, for equal timing", app->dummy_hash)) {
		snprintf(err, errlen, "argon2id is unavailable");
		return -1;
	}
	if (db_open(&db, db_path, 0, err, errlen) || db_migrate(db, err, errlen) ||
	    seats_load(&app->seats, db, err, errlen))
		goto done;
	snprintf(dir, sizeof(dir), "%s/templates", assets);
	if (tmpl_load_dir(&app->tmpl, dir, err, errlen))
		goto done;
	snprintf(dir, sizeof(dir), "%s/static", assets);
	if (static_load_dir(&app->statics, dir, err, errlen))
		goto done;
	if (pthread_key_create(&app->db_key, close_db)) {
		snprintf(err, errlen, "pthread_key_create failed");
		goto done;
	}
	if (db_writer_start(&app->writer, db_path)) {
		snprintf(err, errlen, "cannot start the writer");
		goto done;
	}
	app->writer_running = 1;
	if (mail_queue_start(&app->mailq, &app->mailer)) {
		snprintf(err, errlen, "cannot start the mail queue");
		goto done;
	}
	rc = 0;
done:
	db_close(db);
	return rc;
}

struct background {
	struct app *app;
	void (*fn)(void *arg);
	void *arg;
};

static void *background_main(void *p)
{
	struct background b = *(struct background *)p;
	free(p);
	b.fn(b.arg);
	pthread_mutex_lock(&b.app->bg_lock);
	b.app->bg_running--;
	pthread_cond_broadcast(&b.app->bg_done);
	pthread_mutex_unlock(&b.app->bg_lock);
	return NULL;
}

int app_background(struct app *app, void (*fn)(void *arg), void *arg)
{
	struct background *b = xmalloc(sizeof(*b));
	pthread_t t;
	pthread_attr_t attr;
	int rc = -1;

	*b = (struct background){ app, fn, arg };
	pthread_mutex_lock(&app->bg_lock);
	if (app->bg_running < APP_BACKGROUND_MAX) {
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		rc = pthread_create(&t, &attr, background_main, b) ? -1 : 0;
		pthread_attr_destroy(&attr);
		app->bg_running += rc == 0;
	}
	pthread_mutex_unlock(&app->bg_lock);
	if (rc)
		free(b);
	return rc;
}

void app_quiesce(struct app *app)
{
	pthread_mutex_lock(&app->bg_lock);
	while (app->bg_running)
		pthread_cond_wait(&app->bg_done, &app->bg_lock);
	pthread_mutex_unlock(&app->bg_lock);
	if (app->writer_running)
		db_writer_stop(&app->writer);
	app->writer_running = 0;
}

void app_release(struct app *app)
{
	app_quiesce(app);
	mail_queue_stop(&app->mailq);
	struct db *db = pthread_getspecific(app->db_key);

	db_close(db);
	pthread_setspecific(app->db_key, NULL);
	pthread_key_delete(app->db_key);
	seats_release(&app->seats);
	ratelimit_release(&app->auth.rl);
	tmpl_set_release(&app->tmpl);
	static_release(&app->statics);
}

struct db *app_db(struct app *app)
{
	struct db *db = pthread_getspecific(app->db_key);
	char err[256];

	if (db)
		return db;
	if (db_open(&db, app->db_path, 0, err, sizeof(err)))
		return NULL;
	pthread_setspecific(app->db_key, db);
	return db;
}

const struct http_route *app_routes(size_t *n)
{
	static struct http_route all[APP_MAX_ROUTES];
	static size_t count;
	const struct {
		const struct http_route *r;
		size_t n;
	} features[] = {
		{ page_routes, page_nroutes },
		{ postcodes_routes, postcodes_nroutes },
		{ seats_routes, seats_nroutes },
		{ account_routes, account_nroutes },
		{ groups_routes, groups_nroutes },
		{ admin_routes, admin_nroutes },
		{ events_routes, events_nroutes },
		{ campaigns_routes, campaigns_nroutes },
		{ coverage_routes, coverage_nroutes },
		{ rides_routes, rides_nroutes },
		{ phonebank_routes, phonebank_nroutes },
	};

	if (!count)
		for (size_t f = 0; f < sizeof(features) / sizeof(features[0]); f++)
			for (size_t i = 0; i < features[f].n && count < APP_MAX_ROUTES; i++)
				all[count++] = features[f].r[i];
	*n = count;
	return all;
}

void page_render(struct http_request *req, struct http_response *res, int status,
		 const char *name, json_t *ctx, const struct who *w)
{
	struct app *app = req->app;

	if (w) {
		json_object_set_new(ctx, "csrf", json_string(w->csrf));
		if (w->actor.id)
			json_object_set_new(ctx, "me",
					    json_pack("{s:s, s:b, s:b}", "name", w->name, "admin",
						      w->actor.admin, "strong", w->actor.strong));
	}
	res->status = status;
	res->content_type = "text/html; charset=utf-8";
	/* pages may hold personal data or a postcode: never in a shared cache */
	http_set_header(res, "Cache-Control", "no-store");
	if (tmpl_render(&app->tmpl, name, ctx, &res->body)) {
		buf_reset(&res->body);
		res->status = 500;
		buf_puts(&res->body, "<!doctype html><title>Error</title><p>Sorry, this page"
				     " could not be shown.</p>");
	}
	json_decref(ctx);
}

void page_message(struct http_request *req, struct http_response *res, int status,
		  const char *title, const char *text, const struct who *w)
{
	page_render(req, res, status, "message",
		    json_pack("{s:s, s:s}", "title", title, "text", text), w);
}

void api_json(struct http_response *res, json_t *value)
{
	char *text = value ? json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

	json_decref(value);
	if (!text) {
		http_error(res, 500, "Could not answer");
		return;
	}
	http_json(res, 200);
	buf_printf(&res->body, "{\"status\":200,\"result\":%s}", text);
	free(text);
	http_set_header(res, "Cache-Control", "no-store");
}

int visitor_begin(struct http_request *req, struct http_response *res, struct who *w,
		  struct db **db, int json)
{
	if (who_load(req, res, w) == 0 && (*db = app_db(req->app)))
		return 0;
	if (json)
		http_error(res, 503, "Database unavailable");
	else
		page_message(req, res, 503, "Busy", "Please try again in a moment.", NULL);
	return -1;
}

void app_tell(struct http_request *req, struct db *db, long person, const char *subject,
	      const char *text, const char *path, const char *link_text)
{
	struct app *app = req->app;
	struct db_stmt *st = db_cached(db, "SELECT name, email FROM people WHERE id = ?");
	if (!st || db_bind_int(st, 1, person) || db_step(st) != DB_ROW) {
		db_reset(st);
		return;
	}
	struct buf t, h;
	buf_init(&t, 8 << 10);
	buf_init(&h, 8 << 10);
	buf_printf(&t, "Hello %s,\n\n%s\n\n%s%s\n", db_col_text(st, 0), text, app->auth.public_url,
		   path);
	buf_puts(&h, "<!doctype html><p>");
	html_escape(&h, text, strlen(text));
	buf_printf(&h, "</p><p><a href=\"%s%s\">", app->auth.public_url, path);
	html_escape(&h, link_text, strlen(link_text));
	buf_puts(&h, "</a></p>");
	mail_queue_send(&app->mailq, db_col_text(st, 1), subject, t.p, h.p);
	buf_release(&t);
	buf_release(&h);
	db_reset(st);
}

int visitor_signed_in(struct http_request *req, struct http_response *res, struct who *w,
		      struct db **db)
{
	if (visitor_begin(req, res, w, db, 0))
		return -1;
	if (!w->actor.id) {
		http_redirect(res, "/signin");
		return -1;
	}
	return 0;
}

int form_read(struct http_request *req, struct http_response *res, struct qs *form)
{
	if (qs_parse(form, &req->arena, req->body.p ? req->body.p : "", req->body.len) == 0)
		return 0;
	page_message(req, res, 400, "Something went wrong",
		     "The form could not be read. Please go back and try again.", NULL);
	return -1;
}

int form_checked(struct http_request *req, struct http_response *res, const struct who *w,
		 struct qs *form)
{
	if (form_read(req, res, form))
		return -1;
	if (!who_csrf_ok(w, form)) {
		page_message(req, res, 403, "This form has expired",
			     "Reload the page and try again.", w);
		return -1;
	}
	return 0;
}

void app_default_assets(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	snprintf(out, len, ".");
	if (n <= 0)
		return;
	exe[n] = '\0';
	/* <root>/build/turnout or <root>/build/asan/turnout: walk up to <root> */
	for (int up = 0; up < 3; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return;
		*slash = '\0';
		char probe[PATH_MAX + 16];
		snprintf(probe, sizeof(probe), "%s/templates", exe);
		if (access(probe, F_OK) == 0) {
			snprintf(out, len, "%s", exe);
			return;
		}
	}
}
