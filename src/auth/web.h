/*
 * Who is asking, for handlers: the session cookie read once per request,
 * the person's standing (admin, strong session) loaded fresh each time so
 * a role change takes effect on the very next request, CSRF tokens for
 * forms, Origin checks for the JSON API, and rate limits.
 */
#ifndef TURNOUT_AUTH_WEB_H
#define TURNOUT_AUTH_WEB_H

#include "auth/policy.h"
#include "auth/ratelimit.h"
#include "auth/session.h"
#include "http/qs.h"
#include "http/server.h"

struct rate_rules {
	struct rate_rule signin_ip, signin_account, password_ip, password_account, totp_account,
		signup_ip, token_ip;
};

struct auth_config {
	struct session_limits limits;
	int secure_cookies;     /* served over TLS: Secure + __Host- prefix, HSTS */
	char public_url[256];   /* base of links in emails */
	struct rate_rules rates;
	struct ratelimit rl;
	long retention_days;    /* 0: keep until deleted; overrides settings table */
};

struct who {
	struct actor actor;     /* id 0 when signed out */
	int mfa_pending;        /* password checked, TOTP still to come */
	struct session session; /* valid when actor.id or mfa_pending */
	char name[128];
	char csrf[TOKEN_LEN + 1]; /* the token this visitor's forms must carry */
	int bad_token;            /* 1: a bearer token that is not live; 2: rate limited */
	int retry_after;          /* seconds, when bad_token is 2 */
};

void auth_config_defaults(struct auth_config *c);
/* Reads TURNOUT_SESSION_IDLE, TURNOUT_RATE_<NAME>="per_min/burst" and friends. */
void auth_config_from_env(struct auth_config *c);

/*
 * Loads the visitor.  Signed out, they get an anonymous CSRF cookie (set on
 * res) so that even the sign-in forms are protected.  -1 on a store error.
 */
int who_load(struct http_request *req, struct http_response *res, struct who *w);
/* For API handlers: answers 401 or 429 for a refused bearer token; 1 if it did. */
int api_token_refused(struct http_request *req, struct http_response *res, const struct who *w);
/* 1 when the form's csrf field matches this visitor's token. */
int who_csrf_ok(const struct who *w, const struct qs *form);
/*
 * For the JSON API's state-changing calls with a session cookie: the
 * request's Origin (or Referer) must be this server.  1 when it is.
 */
int origin_ok(struct http_request *req);
void session_cookie_set(struct http_response *res, struct http_request *req, const char *token);
void session_cookie_clear(struct http_response *res, struct http_request *req);
/* 0 allowed; else answers 429 with Retry-After (JSON or page) and returns -1. */
int rate_limit(struct http_request *req, struct http_response *res, const char *bucket,
	       const char *who, const struct rate_rule *rule, int json);

#endif
