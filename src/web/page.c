#include "web/web.h"

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "people/people.h"
#include "tmpl/tmpl.h"

void page_render(struct http_request *req, struct http_response *res, int status, const char *name,
		 json_t *ctx, const struct who *w)
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

void page_og(struct http_request *req, json_t *ctx, const char *title, const char *description,
	     const char *path)
{
	struct app *app = req->app;
	json_object_set_new(ctx, "og",
			    json_pack("{s:s, s:s, s:s}", "title", title, "description", description,
				      "url",
				      arena_printf(&req->arena, "%s%s", app->auth.public_url, path)));
}

void page_message(struct http_request *req, struct http_response *res, int status,
		  const char *title, const char *text, const struct who *w)
{
	page_render(req, res, status, "message",
		    json_pack("{s:s, s:s}", "title", title, "text", text), w);
}

void page_sorry(struct http_request *req, struct http_response *res, const char *text,
		const struct who *w)
{
	page_message(req, res, 500, "Sorry", text, w);
}

void page_not_found(struct http_request *req, struct http_response *res)
{
	struct who w;
	page_message(req, res, 404, "Page not found",
		     "There is no page at this address. It may have moved, or the link may be cut"
		     " short.",
		     who_load(req, res, &w) ? NULL : &w);
}

void page_busy(struct http_request *req, struct http_response *res, const struct who *w)
{
	page_message(req, res, 503, "Busy", "Please try again in a moment.", w);
}

void page_answered(struct http_request *req, struct http_response *res)
{
	if (res->status == 500 && app_db_lost(req->app)) {
		if (res->content_type && !strncmp(res->content_type, "application/json", 16))
			http_error(res, 503, "The database is unavailable for a moment: try again shortly");
		else
			page_busy(req, res, NULL);
	}
	if (res->status != 503)
		return;
	for (size_t i = 0; i < res->nheaders; i++)
		if (!strcasecmp(res->headers[i].name, "Retry-After"))
			return;
	http_set_header(res, "Retry-After", "5");
}

void json_id_name(long id, const char *name, void *arg)
{
	json_array_append_new(arg, json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name));
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

int visit_or_answer(struct http_request *req, struct http_response *res, struct who *w,
		    struct db **db, int flags)
{
	if (who_load(req, res, w) || !(*db = app_db(req->app))) {
		if (flags & VISIT_JSON)
			http_error(res, 503, "Database unavailable");
		else
			page_busy(req, res, NULL);
		return -1;
	}
	if ((flags & VISIT_SIGNED_IN) && !w->actor.id) {
		if (flags & VISIT_JSON)
			http_error(res, 401, "Sign in first");
		else
			http_redirect(res, signin_path(req));
		return -1;
	}
	return 0;
}

int web_tell(struct http_request *req, struct db *db, long person, const char *subject,
	     const char *text, const char *path, const char *link_text)
{
	return person_tell(req->app, db, person, subject, text, path, link_text);
}

int form_or_answer(struct http_request *req, struct http_response *res, const struct who *w,
		   struct qs *form)
{
	if (qs_parse(form, &req->arena, req->body.p ? req->body.p : "", req->body.len)) {
		page_message(req, res, 400, "Something went wrong",
			     "The form could not be read. Please go back and try again.", w);
		return -1;
	}
	if (w && !who_csrf_ok(w, form)) {
		page_message(req, res, 403, "This form has expired",
			     "Reload the page and try again.", w);
		return -1;
	}
	return 0;
}

int upload_form_or_answer(struct http_request *req, struct http_response *res, const struct who *w,
			  size_t max, struct qs *form, struct multipart_file *file)
{
	const char *why = NULL;
	char detail[128];
	char *body = NULL;
	size_t got = 0;

	if (req->upload_fd < 0 || !req->upload_len)
		why = "Choose a file and send the form again.";
	else if (req->upload_len > max)
		why = arena_printf(&req->arena, "The form is over the %zu MiB a file may be.",
				   max >> 20);
	else
		body = arena_alloc(&req->arena, (size_t)req->upload_len + 1);
	while (body && got < req->upload_len) {
		ssize_t n =
		    pread(req->upload_fd, body + got, (size_t)req->upload_len - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			page_sorry(req, res, "The upload could not be read.", w);
			return -1;
		}
		got += (size_t)n;
	}
	if (!why && multipart_parse(http_header(req, "Content-Type"), body, got, &req->arena, form,
				    file, detail, sizeof(detail)))
		why = arena_printf(&req->arena, "The form could not be read: %s.", detail);
	if (why) {
		page_message(req, res, req->upload_len > max ? 413 : 400, "Not sent", why, w);
		return -1;
	}
	if (!who_csrf_ok(w, form)) {
		page_message(req, res, 403, "This form has expired",
			     "Reload the page and try again.", w);
		return -1;
	}
	return 0;
}

static void write_settled(struct db_job *job, int ok)
{
	struct web_write *w = (struct web_write *)job;
	struct app *app = w->req->app;
	w->ok = ok;
	if (ok) /* the batch may have queued mail */
		outbox_poke(&app->outbox);
	http_resume(w->req);
}

static void write_submit(struct http_request *req)
{
	struct app *app = req->app;
	struct web_write *w = req->pending;
	db_writer_submit(&app->writer, &w->base);
}

void web_write_suspend(struct http_request *req, struct http_response *res, struct web_write *w,
		       int (*apply)(struct db *db, struct db_job *job))
{
	w->base.apply = apply;
	w->base.done = write_settled;
	w->req = req;
	w->ok = 0;
	http_suspend(req, res, w, write_submit);
}

void page_link_button(struct http_request *req, struct http_response *res, const char *action,
		      const char *title, const char *button, const char *text)
{
	struct who w;
	const char *token = qs_get(&req->query, "token");

	if (who_load(req, res, &w))
		return;
	if (!token || !token_well_formed(token)) {
		page_message(req, res, 400, "That link is not right",
			     "Copy the whole link from the email.", &w);
		return;
	}
	page_render(req, res, 200, "button",
		    json_pack("{s:s, s:s, s:s, s:s, s:s*}", "title", title, "action", action,
			      "button", button, "token", token, "text", text),
		    &w);
}

int next_path_ok(const char *p)
{
	size_t n = p ? strlen(p) : 0;

	if (n < 1 || n > NEXT_PATH_MAX || p[0] != '/' || (n > 1 && p[1] == '/'))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-_",
			    p[i]))
			return 0;
	return 1;
}

const char *signin_path(struct http_request *req)
{
	if (strcmp(req->method, "GET") != 0 || !next_path_ok(req->path))
		return "/signin";
	return arena_printf(&req->arena, "/signin?next=%s", req->path);
}

json_t *form_json(const struct qs *f, const char *const *keys, size_t n)
{
	json_t *form = json_object();
	for (size_t i = 0; i < n; i++) {
		const char *v = f ? qs_get(f, keys[i]) : NULL;
		json_object_set_new(form, keys[i], json_string(v ? v : ""));
	}
	return form;
}
