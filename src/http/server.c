#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/jsonw.h"
#include "util/mem.h"
#include "util/num.h"

/*
 * A connection's clock for its request head.  A client that keeps a
 * connection open by sending its headers a byte at a time (slowloris) never
 * trips libmicrohttpd's idle timeout, so each connection is watched from the
 * moment it opens, or its previous answer went, until its headers are in;
 * past the deadline the watcher shuts its socket and libmicrohttpd closes it.
 */
struct watch {
	int fd;
	/* waiting for a request head since (ms on the monotonic clock), 0 while
	 * one is served: atomic, so a request never takes the list's lock */
	atomic_llong since_ms;
	struct watch *prev, *next;
};

struct http_server {
	struct MHD_Daemon *d;
	const struct http_route *routes;
	size_t nroutes;
	void *app;
	int log_fd;
	int hsts;
	char proxy[INET6_ADDRSTRLEN]; /* trusted proxy's address, "" for none */
	atomic_int uploads; /* streaming to disk now */
	double head_s; /* deadline for a request head */
	http_handler not_found;
	http_handler answered;
	pthread_mutex_t lock; /* guards the watch list (not its clocks) and stopping */
	pthread_cond_t wake;
	struct watch *watched;
	int stopping;
	pthread_t watcher;
};

/* Per-connection request state, from the URI callback to completion. */
struct ctx {
	struct http_request req;
	struct http_server *srv;
	double t0;
	size_t url_len;
	int started;
	int too_large;
	int counted_upload; /* holds one of the HTTP_UPLOADS_MAX */
	int status;
	size_t bytes;
	const char *route; /* pattern, for the log */
};

/*
 * Each connection's libmicrohttpd pool: it must hold our largest accepted
 * request head (URL and header caps) with room to spare, so that our JSON
 * 414/431 answers are the ones sent; it is zeroed on every request, so no
 * bigger than that.
 */
#define MHD_POOL_BYTES (HTTP_MAX_URL + HTTP_MAX_HEADERS + 6144)

static const char API_CSP[] = "default-src 'none'; frame-ancestors 'none'";
static const char PAGE_CSP[] = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self';"
			       " connect-src 'self';"
			       " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

void http_set_header(struct http_response *res, const char *name, const char *value)
{
	if (res->nheaders < HTTP_MAX_RESP_HEADERS) {
		res->headers[res->nheaders].name = name;
		res->headers[res->nheaders].value = value;
		res->nheaders++;
	}
}

void http_json(struct http_response *res, int status)
{
	res->status = status;
	res->content_type = "application/json; charset=utf-8";
}

void http_ok_begin(struct http_response *res, struct jw *w)
{
	http_json(res, 200);
	jw_init(w, &res->body);
	jw_obj(w);
	jw_key_int(w, "status", 200);
	jw_key(w, "result");
}

void http_error(struct http_response *res, int status, const char *msg)
{
	struct jw w;

	buf_reset(&res->body);
	http_json(res, status);
	jw_init(&w, &res->body);
	jw_obj(&w);
	jw_key_int(&w, "status", status);
	jw_key_str(&w, "error", msg);
	jw_obj_end(&w);
}

const char *http_header(struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_cookie(struct http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

void http_client_ip(struct http_request *req, char *out, size_t len)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, len, "unknown");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
			  (socklen_t)len);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  out, (socklen_t)len);

	const struct http_server *srv = ((struct ctx *)(void *)req)->srv;
	const char *xff = srv->proxy[0] && !strcmp(out, srv->proxy)
				  ? http_header(req, "X-Forwarded-For")
				  : NULL;
	if (!xff)
		return;
	const char *last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	last += strspn(last, " \t");
	char ip[INET6_ADDRSTRLEN];
	unsigned char bin[sizeof(struct in6_addr)];
	size_t n = strcspn(last, " \t");
	if (n < sizeof(ip)) {
		memcpy(ip, last, n);
		ip[n] = '\0';
		if (inet_pton(AF_INET, ip, bin) == 1 || inet_pton(AF_INET6, ip, bin) == 1)
			snprintf(out, len, "%s", ip);
	}
}

void http_redirect(struct http_response *res, const char *path)
{
	res->status = 303;
	res->content_type = "text/plain; charset=utf-8";
	/* only local paths: an open redirect would hand out our sign-in links */
	http_set_header(res, "Location", path && path[0] == '/' && path[1] != '/' ? path : "/");
	buf_reset(&res->body);
	buf_puts(&res->body, "See Other\n");
}

void http_suspend(struct http_request *req, struct http_response *res, void *pending,
		  void (*after_suspend)(struct http_request *req))
{
	res->suspend = 1;
	req->pending = pending;
	req->after_suspend = after_suspend;
}

void http_resume(struct http_request *req)
{
	MHD_resume_connection(req->conn);
}

/* Sets when conn began waiting for a request head (0: it has one). */
static void watch_set(struct MHD_Connection *conn, double since)
{
	const union MHD_ConnectionInfo *i =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct watch *w = i ? i->socket_context : NULL;

	if (w)
		atomic_store_explicit(&w->since_ms, (long long)(since * 1000), memory_order_relaxed);
}

static void *uri_logger(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct ctx *c = xcalloc(1, sizeof(*c));

	(void)conn;
	c->srv = cls;
	c->t0 = now_seconds();
	c->url_len = strlen(uri);
	c->route = "-";
	arena_init(&c->req.arena, 4096);
	buf_init(&c->req.body, HTTP_MAX_BODY);
	c->req.upload_fd = -1;
	/* keep the raw target for our own parser; MHD's is decoded and split */
	if (c->url_len <= HTTP_MAX_URL)
		c->req.path = arena_strdup(&c->req.arena, uri);
	return c;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
				    const char *value)
{
	size_t *total = cls;
	(void)kind;
	*total += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

static enum MHD_Result respond(struct ctx *c, struct MHD_Connection *conn,
			    struct http_response *res, int route_flags)
{
	size_t len;
	char *body;

	if (c->srv->answered)
		c->srv->answered(&c->req, res);
	if (res->body.overflow)
		http_error(res, 500, "Response too large");
	body = buf_detach(&res->body, &len);
	struct MHD_Response *r =
		MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type",
				res->content_type ? res->content_type : "text/plain");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Content-Security-Policy",
				(route_flags & ROUTE_PAGE) ? PAGE_CSP : API_CSP);
	if (c->srv->hsts)
		MHD_add_response_header(r, "Strict-Transport-Security",
					"max-age=31536000; includeSubDomains");
	if (route_flags & ROUTE_CORS)
		MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
	for (size_t i = 0; i < res->nheaders; i++)
		MHD_add_response_header(r, res->headers[i].name, res->headers[i].value);
	c->status = res->status;
	c->bytes = len;
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)res->status, r);
	MHD_destroy_response(r);
	return ret;
}

static void response_init(struct http_response *res)
{
	memset(res, 0, sizeof(*res));
	buf_init(&res->body, HTTP_MAX_RESPONSE);
	/* one allocation covers a typical answer (a postcode is ~1 KiB) */
	buf_reserve(&res->body, 2048);
	res->status = 200;
}

static enum MHD_Result fail(struct ctx *c, struct MHD_Connection *conn, int status,
			    const char *msg)
{
	struct http_response res;
	response_init(&res);
	http_error(&res, status, msg);
	return respond(c, conn, &res, 0);
}

static int split_target(struct ctx *c)
{
	if (c->req.decoded)
		return 0;
	c->req.decoded = 1;
	char *q = strchr(c->req.path, '?');
	size_t plen = q ? (size_t)(q - c->req.path) : strlen(c->req.path);
	char *path = arena_alloc(&c->req.arena, plen + 1);

	if (url_decode(c->req.path, plen, path, 0) < 0)
		return -1;
	if (q && qs_parse(&c->req.query, &c->req.arena, q + 1, strlen(q + 1)))
		return -1;
	c->req.path = path;
	return 0;
}

static enum MHD_Result dispatch(struct ctx *c, struct MHD_Connection *conn)
{
	struct http_server *srv = c->srv;
	const char *method = c->req.method;
	int path_matched = 0;
	char allow[64] = "";

	if (split_target(c))
		return fail(c, conn, 400, "Malformed request target");
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	int cors = 0; /* some route at this path is public data any site may read */
	for (size_t i = 0; i < srv->nroutes; i++) {
		const struct http_route *rt = &srv->routes[i];
		if (!route_match(rt->pattern, c->req.path, &c->req.params))
			continue;
		path_matched = 1;
		cors |= rt->flags & ROUTE_CORS;
		if (strcmp(rt->method, method) != 0) {
			size_t al = strlen(allow);
			snprintf(allow + al, sizeof(allow) - al, "%s%s", al ? ", " : "", rt->method);
			continue;
		}
		struct http_response res;
		response_init(&res);
		c->route = rt->pattern;
		rt->handler(&c->req, &res);
		if (res.suspend) {
			/* suspended first, then the work handed off: the resume can
			 * never come before the suspend */
			buf_release(&res.body);
			MHD_suspend_connection(conn);
			c->req.after_suspend(&c->req);
			return MHD_YES;
		}
		return respond(c, conn, &res, rt->flags);
	}
	if (path_matched && strcmp(method, "OPTIONS") == 0) {
		/* a cross-site preflight is granted to public data only */
		struct http_response res;
		response_init(&res);
		res.status = 204;
		http_set_header(&res, "Allow", arena_strdup(&c->req.arena, allow));
		if (cors) {
			http_set_header(&res, "Access-Control-Allow-Methods",
					arena_strdup(&c->req.arena, allow));
			http_set_header(&res, "Access-Control-Allow-Headers", "Content-Type");
			http_set_header(&res, "Access-Control-Max-Age", "86400");
		}
		return respond(c, conn, &res, cors ? ROUTE_CORS : 0);
	}
	if (path_matched) {
		struct http_response res;
		response_init(&res);
		http_error(&res, 405, "Method not allowed");
		http_set_header(&res, "Allow", arena_strdup(&c->req.arena, allow));
		return respond(c, conn, &res, 0);
	}
	/* a person who followed a bad link gets a page, an API client JSON */
	const char *accept = http_header(&c->req, "Accept");
	if (srv->not_found && !strcmp(method, "GET") && accept && strstr(accept, "text/html")) {
		struct http_response res;
		response_init(&res);
		srv->not_found(&c->req, &res);
		return respond(c, conn, &res, ROUTE_PAGE);
	}
	return fail(c, conn, 404, "Resource not found");
}

/*
 * The upload route the request is for, with its parameters in req, or NULL.
 * Matched on the raw path (before the query) so the body can go to disk
 * from its first byte.
 */
static const struct http_route *upload_route(struct ctx *c, const char *method)
{
	struct http_server *srv = c->srv;
	char path[HTTP_MAX_URL + 1];
	size_t n = strcspn(c->req.path, "?");

	memcpy(path, c->req.path, n);
	path[n] = '\0';
	for (size_t i = 0; i < srv->nroutes; i++)
		if ((srv->routes[i].flags & ROUTE_UPLOAD) && !strcmp(srv->routes[i].method, method) &&
		    route_match(srv->routes[i].pattern, path, &c->req.params))
			return &srv->routes[i];
	return NULL;
}

/* A temporary file no other process can see: created, then unlinked. */
static int upload_open(void)
{
	char tmpl[] = "/tmp/turnout-upload-XXXXXX";
	int fd = mkstemp(tmpl);
	if (fd >= 0)
		unlink(tmpl);
	return fd;
}

/* 1 when the upload disk has room for length bytes and the reserve. */
static int upload_room(unsigned long long length)
{
	struct statvfs fs;
	if (statvfs("/tmp", &fs))
		return 0;
	return (unsigned long long)fs.f_bavail * fs.f_frsize >= length + HTTP_UPLOAD_RESERVE;
}

/* Runs the route's admission on the headers; MHD_YES to go on reading. */
static enum MHD_Result upload_admit(struct ctx *c, struct MHD_Connection *conn,
				    const struct http_route *r, unsigned long long length)
{
	struct http_response res;

	if (!r->admit)
		return fail(c, conn, 403, "Uploads are not accepted here");
	response_init(&res);
	c->route = r->pattern;
	if (r->admit(&c->req, &res)) {
		c->req.params.n = 0;
		return respond(c, conn, &res, 0);
	}
	if (!upload_room(length))
		return fail(c, conn, 507, "Not enough disk space for the upload just now");
	if (atomic_fetch_add(&c->srv->uploads, 1) >= HTTP_UPLOADS_MAX) {
		atomic_fetch_sub(&c->srv->uploads, 1);
		return fail(c, conn, 503, "Other uploads are in progress; try again in a minute");
	}
	c->counted_upload = 1;
	if ((c->req.upload_fd = upload_open()) < 0)
		return fail(c, conn, 503, "No room for the upload");
	return MHD_YES;
}


static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct ctx *c = *con_cls;

	(void)cls;
	(void)url;
	if (!c->started) {
		size_t hdr = 0;
		const char *cl;
		long length = 0;

		c->started = 1;
		watch_set(conn, 0);
		c->req.method = method;
		c->req.app = c->srv->app;
		c->req.conn = conn;
		if (c->url_len > HTTP_MAX_URL)
			return fail(c, conn, 414, "Request URI too long");
		MHD_get_connection_values(conn, MHD_HEADER_KIND, count_header, &hdr);
		if (hdr > HTTP_MAX_HEADERS)
			return fail(c, conn, 431, "Request header fields too large");
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (cl && num_parse_long(cl, strlen(cl), 0, LONG_MAX, &length))
			return fail(c, conn, 400, "Invalid Content-Length");
		/* two lengths are how requests are smuggled past a proxy: refuse both */
		if (cl && MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Transfer-Encoding"))
			return fail(c, conn, 400, "Content-Length and Transfer-Encoding together");
		if (!strcmp(version, "HTTP/1.1") &&
		    !MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host"))
			return fail(c, conn, 400, "HTTP/1.1 needs a Host header");
		const struct http_route *up = c->req.path ? upload_route(c, method) : NULL;
		if (up) {
			if (cl && (unsigned long long)length > HTTP_MAX_UPLOAD)
				return fail(c, conn, 413, "Payload too large");
			return upload_admit(c, conn, up, (unsigned long long)length);
		}
		if (cl && length > HTTP_MAX_BODY)
			return fail(c, conn, 413, "Payload too large");
		return MHD_YES;
	}
	if (*upload_data_size && c->req.upload_fd >= 0) {
		size_t n = *upload_data_size;
		c->too_large |= c->req.upload_len + n > HTTP_MAX_UPLOAD;
		for (size_t off = 0; !c->too_large && off < n;) {
			ssize_t w = write(c->req.upload_fd, upload_data + off, n - off);
			if (w <= 0) {
				c->too_large = 1; /* the disk is full: answered as too large */
				break;
			}
			off += (size_t)w;
		}
		c->req.upload_len += n;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		/* keep reading past the cap so the 413 reaches the client */
		if (!c->too_large && buf_add(&c->req.body, upload_data, *upload_data_size))
			c->too_large = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (c->too_large)
		return fail(c, conn, 413, "Payload too large");
	return dispatch(c, conn);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_server *srv = cls;
	struct ctx *c = *con_cls;
	char line[256];

	(void)toe;
	/* the next request on this connection has its own deadline */
	watch_set(conn, now_seconds());
	if (!c)
		return;
	if (srv->log_fd >= 0 && c->started) {
		int n = snprintf(line, sizeof(line), "%s %s %d %zu %.0fus\n",
				 c->req.method ? c->req.method : "-", c->route, c->status,
				 c->bytes, (now_seconds() - c->t0) * 1e6);
		if (n > 0 && (size_t)n < sizeof(line)) {
			ssize_t w = write(srv->log_fd, line, (size_t)n);
			(void)w;
		}
	}
	buf_release(&c->req.body);
	if (c->req.upload_fd >= 0)
		close(c->req.upload_fd);
	if (c->counted_upload)
		atomic_fetch_sub(&srv->uploads, 1);
	arena_release(&c->req.arena);
	free(c);
	*con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
			  enum MHD_ConnectionNotificationCode code)
{
	struct http_server *srv = cls;
	struct watch *w = *socket_context;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *i =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		w = xcalloc(1, sizeof(*w));
		w->fd = i ? i->connect_fd : -1;
		atomic_init(&w->since_ms, (long long)(now_seconds() * 1000));
		pthread_mutex_lock(&srv->lock);
		w->next = srv->watched;
		if (w->next)
			w->next->prev = w;
		srv->watched = w;
		pthread_mutex_unlock(&srv->lock);
		*socket_context = w;
		return;
	}
	if (!w)
		return;
	/* removed before libmicrohttpd closes the socket, so the watcher never
	 * shuts a descriptor that has been reused */
	pthread_mutex_lock(&srv->lock);
	if (w->prev)
		w->prev->next = w->next;
	else
		srv->watched = w->next;
	if (w->next)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&srv->lock);
	free(w);
	*socket_context = NULL;
}

static void *watcher(void *arg)
{
	struct http_server *srv = arg;

	pthread_mutex_lock(&srv->lock);
	while (!srv->stopping) {
		struct timespec at;
		long long now = (long long)(now_seconds() * 1000), limit = (long long)(srv->head_s * 1000);

		for (struct watch *w = srv->watched; w; w = w->next) {
			long long since = atomic_load_explicit(&w->since_ms, memory_order_relaxed);
			if (since > 0 && now - since > limit && w->fd >= 0) {
				shutdown(w->fd, SHUT_RDWR);
				/* once is enough */
				atomic_store_explicit(&w->since_ms, 0, memory_order_relaxed);
			}
		}
		deadline_ms(&at, 250);
		pthread_cond_timedwait(&srv->wake, &srv->lock, &at);
	}
	pthread_mutex_unlock(&srv->lock);
	return NULL;
}

struct http_server *http_server_start(const struct http_config *cfg,
				      const struct http_route *routes, size_t nroutes, void *app,
				      char *err, size_t errlen)
{
	struct http_server *srv = xcalloc(1, sizeof(*srv));
	struct sockaddr_in addr;
	unsigned threads = cfg->threads;

	srv->routes = routes;
	srv->nroutes = nroutes;
	srv->app = app;
	srv->log_fd = cfg->access_log_fd;
	srv->hsts = cfg->hsts;
	if (cfg->trusted_proxy)
		snprintf(srv->proxy, sizeof(srv->proxy), "%s", cfg->trusted_proxy);
	srv->head_s = cfg->head_timeout_s > 0 ? cfg->head_timeout_s : HTTP_HEAD_TIMEOUT_S;
	srv->not_found = cfg->not_found;
	srv->answered = cfg->answered;
	pthread_mutex_init(&srv->lock, NULL);
	cond_init_monotonic(&srv->wake);
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)cfg->port);
	if (inet_pton(AF_INET, cfg->bind, &addr.sin_addr) != 1) {
		snprintf(err, errlen, "--bind %s is not an IPv4 address", cfg->bind);
		goto fail;
	}
	if (threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	srv->d = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_TURBO | MHD_USE_ERROR_LOG |
			MHD_ALLOW_SUSPEND_RESUME,
		(uint16_t)cfg->port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, &addr,
		MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_URI_LOG_CALLBACK, uri_logger, srv,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_NOTIFY_CONNECTION,
		on_connection, srv, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MHD_POOL_BYTES,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_MAX_CONNECTIONS,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip_limit,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024, MHD_OPTION_END);
	if (!srv->d) {
		snprintf(err, errlen, "cannot listen on %s:%u (in use, or not permitted)",
			 cfg->bind, cfg->port);
		goto fail;
	}
	if (pthread_create(&srv->watcher, NULL, watcher, srv)) {
		snprintf(err, errlen, "cannot start the connection watcher");
		MHD_stop_daemon(srv->d);
		goto fail;
	}
	return srv;
fail:
	pthread_cond_destroy(&srv->wake);
	pthread_mutex_destroy(&srv->lock);
	free(srv);
	return NULL;
}

unsigned http_server_port(const struct http_server *srv)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	return i ? i->port : 0;
}

void http_server_stop(struct http_server *srv)
{
	if (!srv)
		return;
	pthread_mutex_lock(&srv->lock);
	srv->stopping = 1;
	pthread_cond_signal(&srv->wake);
	pthread_mutex_unlock(&srv->lock);
	pthread_join(srv->watcher, NULL);
	MHD_stop_daemon(srv->d);
	pthread_cond_destroy(&srv->wake);
	pthread_mutex_destroy(&srv->lock);
	free(srv);
}
