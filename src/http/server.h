/*
 * The HTTP core over libmicrohttpd: a thread pool on epoll, a route table,
 * a per-request arena, hard caps on URL, headers and body (414, 431, 413),
 * security headers on every answer, and an access log that records the
 * route pattern, never the path, so no postcode or other personal data is
 * ever written to it.
 */
#ifndef TURNOUT_SERVER_H
#define TURNOUT_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "http/qs.h"
#include "http/router.h"
#include "util/arena.h"
#include "util/buf.h"

#define HTTP_MAX_URL 2048       /* bytes of request target; 414 past it */
#define HTTP_MAX_HEADERS 8192   /* bytes of all header lines; 431 past it */
#define HTTP_MAX_BODY 65536     /* bytes of request body; 413 past it */
#define HTTP_MAX_UPLOAD (1ull << 30) /* bytes of an upload route's body, streamed to disk */
#define HTTP_MAX_RESPONSE (8u << 20) /* a handler's answer, bytes */
#define HTTP_MAX_RESP_HEADERS 12

struct http_request {
	const char *method; /* "GET", "POST", ...; HEAD is routed as GET */
	char *path;         /* percent-decoded, without the query */
	struct qs query;
	struct route_params params;
	struct buf body;
	struct arena arena; /* freed when the request completes */
	void *app;
	void *conn; /* the libmicrohttpd connection */
	/* set by a handler that suspends: its state, and what starts the work */
	void *pending;
	void (*after_suspend)(struct http_request *req);
	int decoded; /* path and query already split and decoded */
	/* ROUTE_UPLOAD: the body, in an unlinked temporary file (else -1) */
	int upload_fd;
	unsigned long long upload_len;
};

struct http_response {
	int status;
	int suspend; /* answer later: see http_suspend() */
	const char *content_type;
	struct buf body;
	size_t nheaders;
	struct {
		const char *name, *value; /* arena or static strings */
	} headers[HTTP_MAX_RESP_HEADERS];
};

typedef void (*http_handler)(struct http_request *req, struct http_response *res);

#define ROUTE_CORS 1     /* public read-only data: any origin may read it */
#define ROUTE_PAGE 2     /* HTML: the page Content-Security-Policy */
#define ROUTE_UPLOAD 4   /* a big body (up to HTTP_MAX_UPLOAD), streamed to upload_fd */

/*
 * For a ROUTE_UPLOAD route: called with the request's headers (and route
 * parameters) before a byte of the body is accepted; 0 admits the upload,
 * -1 refuses it with the answer the function wrote into res.  Anyone may
 * send a body, so who may upload is decided here, not after it has landed.
 */
typedef int (*http_admit)(struct http_request *req, struct http_response *res);

struct http_route {
	const char *method;
	const char *pattern;
	http_handler handler;
	int flags;
	http_admit admit; /* ROUTE_UPLOAD: required */
};

#define HTTP_UPLOADS_MAX 4 /* uploads streaming to disk at once; 503 past it */
#define HTTP_UPLOAD_RESERVE (256ull << 20) /* bytes left free on the upload disk */

#define HTTP_MAX_CONNECTIONS 4096 /* open at once; more are refused */
#define HTTP_HEAD_TIMEOUT_S 10 /* from opening, or the last answer, to a whole request head */

struct http_config {
	const char *bind;   /* IPv4 address */
	unsigned port;      /* 0: any free port */
	unsigned threads;   /* 0: one per core */
	int access_log_fd;  /* -1: no access log */
	int hsts;           /* served over TLS (by a proxy): send Strict-Transport-Security */
	double head_timeout_s; /* 0: HTTP_HEAD_TIMEOUT_S */
	unsigned per_ip_limit; /* open connections from one address; 0: no cap */
	const char *trusted_proxy; /* a load balancer's address: its X-Forwarded-For is
				    * the client; NULL or "": none */
	http_handler not_found; /* a GET of no route by a browser (Accept: text/html); NULL: JSON */
	http_handler answered;	/* sees every answer before it is sent (may change it); NULL: none */
};

struct http_server;

/* Starts serving; NULL on failure (err says why). */
struct http_server *http_server_start(const struct http_config *cfg,
				      const struct http_route *routes, size_t nroutes, void *app,
				      char *err, size_t errlen);
unsigned http_server_port(const struct http_server *srv);
/* Stops accepting, finishes in-flight requests, frees the server. */
void http_server_stop(struct http_server *srv);

/* A request header's value, or NULL. */
const char *http_header(struct http_request *req, const char *name);
/* A cookie's value, or NULL. */
const char *http_cookie(struct http_request *req, const char *name);
/* The client's address as text ("127.0.0.1"); "unknown" if it has none.
 * From the trusted proxy, the last address its X-Forwarded-For names (the
 * one it saw; earlier ones are the client's word). */
void http_client_ip(struct http_request *req, char *out, size_t len);
/* 303 See Other to a local path (never an absolute URL from input). */
void http_redirect(struct http_response *res, const char *path);
void http_set_header(struct http_response *res, const char *name, const char *value);
/* {"status":N,"error":"msg"} with that status. */
void http_error(struct http_response *res, int status, const char *msg);
/*
 * Answer later without holding a worker thread: the connection is
 * suspended once the handler returns, then req->after_suspend(req) runs
 * (it hands the work elsewhere), and whoever finishes the work calls
 * http_resume(req) from any thread.  The handler is then called again
 * with req->pending still set, and answers.
 */
void http_suspend(struct http_request *req, struct http_response *res, void *pending,
		  void (*after_suspend)(struct http_request *req));
void http_resume(struct http_request *req);
/* Sets status and the JSON content type; the body is written by the caller. */
void http_json(struct http_response *res, int status);
struct jw;
/* Starts {"status":200,"result": with the writer at the result; the caller
 * writes one value, then closes with jw_obj_end(). */
void http_ok_begin(struct http_response *res, struct jw *w);

#endif
