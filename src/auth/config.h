/*
 * The sign-in settings every request reads: session limits, cookies, the
 * public URL for links in emails, and the rate limits, from defaults and
 * the environment at start-up, read-only after.
 */
#ifndef TURNOUT_AUTH_CONFIG_H
#define TURNOUT_AUTH_CONFIG_H

#include "auth/ratelimit.h"
#include "auth/session.h"

struct rate_rules {
	struct rate_rule signin_ip, signin_account, password_ip, password_account, totp_account,
	    signup_ip, token_ip, claim_caller, /* voters a caller is handed, per minute */
	    skip_caller,		       /* voters a caller passes over unspoken to */
	    shift_caller,		       /* voters a caller is handed in a 12-hour shift */
	    message_host,		       /* messages a host sends to attendees */
	    put_member,			       /* statements and ideas a member puts forward */
	    drop_member,		       /* runs a driver gives up (each tells a standby list) */
	    upload_member;		       /* files a member sends to the materials library */
};

struct auth_config {
	struct session_limits limits;
	int secure_cookies;   /* served over TLS: Secure + __Host- prefix, HSTS */
	char public_url[256]; /* base of links in emails */
	struct rate_rules rates;
	struct ratelimit rl;
	long retention_days; /* 0: keep until deleted; overrides settings table */
};

void auth_config_defaults(struct auth_config *c);
/* Reads TURNOUT_SESSION_IDLE, TURNOUT_RATE_<NAME>="per_min/burst" and friends. */
void auth_config_from_env(struct auth_config *c);

#endif
