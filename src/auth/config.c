#include "auth/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/num.h"

void auth_config_defaults(struct auth_config *c)
{
	memset(c, 0, sizeof(*c));
	c->limits.idle_s = 2 * 3600;
	c->limits.absolute_s = 12 * 3600;
	snprintf(c->public_url, sizeof(c->public_url), "http://127.0.0.1:8080");
	c->rates.signin_ip = (struct rate_rule){ 30, 30 };
	c->rates.signin_account = (struct rate_rule){ 3, 5 };
	c->rates.password_ip = (struct rate_rule){ 20, 20 };
	c->rates.password_account = (struct rate_rule){ 5, 10 };
	c->rates.totp_account = (struct rate_rule){ 5, 10 };
	c->rates.signup_ip = (struct rate_rule){ 20, 20 };
	c->rates.token_ip = (struct rate_rule){ 600, 120 };
	/* a call takes minutes: these stop a caller reading the list, not calling it */
	c->rates.claim_caller = (struct rate_rule){ 10, 12 };
	c->rates.skip_caller = (struct rate_rule){ 2, 5 };
	c->rates.shift_caller = (struct rate_rule){ 300.0 / 720, 300 };
	/* a message goes to everyone going: a few an hour is plenty */
	c->rates.message_host = (struct rate_rule){ 5.0 / 60, 5 };
	/* each waits for an organiser to read it: a flood would bury the rest */
	c->rates.put_member = (struct rate_rule){ 2, 20 };
	/* a run given up late mails its standby list: a few an hour is plenty */
	c->rates.drop_member = (struct rate_rule){ 5.0 / 60, 5 };
	c->rates.upload_member = (struct rate_rule){ 20.0 / 60, 20 };
	ratelimit_init(&c->rl);
}

static void env_rule(const char *name, struct rate_rule *r)
{
	const char *v = getenv(name);
	double pm, burst;
	if (v && sscanf(v, "%lf/%lf", &pm, &burst) == 2 && pm > 0 && burst >= 1) {
		r->per_minute = pm;
		r->burst = burst;
	}
}

static void env_long(const char *name, long *out, long min, long max)
{
	const char *v = getenv(name);
	long x;
	if (v && num_parse_long(v, strlen(v), min, max, &x) == 0)
		*out = x;
}

void auth_config_from_env(struct auth_config *c)
{
	const char *url = getenv("TURNOUT_PUBLIC_URL");
	long secure = c->secure_cookies;

	env_long("TURNOUT_SESSION_IDLE", &c->limits.idle_s, 60, 30L * 86400);
	env_long("TURNOUT_SESSION_ABSOLUTE", &c->limits.absolute_s, 60, 90L * 86400);
	env_long("TURNOUT_SECURE_COOKIES", &secure, 0, 1);
	env_long("TURNOUT_RETENTION_DAYS", &c->retention_days, 0, 36500);
	c->secure_cookies = (int)secure;
	if (url && *url && strlen(url) < sizeof(c->public_url))
		snprintf(c->public_url, sizeof(c->public_url), "%s", url);
	env_rule("TURNOUT_RATE_SIGNIN_IP", &c->rates.signin_ip);
	env_rule("TURNOUT_RATE_SIGNIN_ACCOUNT", &c->rates.signin_account);
	env_rule("TURNOUT_RATE_PASSWORD_IP", &c->rates.password_ip);
	env_rule("TURNOUT_RATE_PASSWORD_ACCOUNT", &c->rates.password_account);
	env_rule("TURNOUT_RATE_TOTP_ACCOUNT", &c->rates.totp_account);
	env_rule("TURNOUT_RATE_SIGNUP_IP", &c->rates.signup_ip);
	env_rule("TURNOUT_RATE_TOKEN_IP", &c->rates.token_ip);
	env_rule("TURNOUT_RATE_CLAIM_CALLER", &c->rates.claim_caller);
	env_rule("TURNOUT_RATE_SKIP_CALLER", &c->rates.skip_caller);
	env_rule("TURNOUT_RATE_MESSAGE_HOST", &c->rates.message_host);
	env_rule("TURNOUT_RATE_PUT_MEMBER", &c->rates.put_member);
	env_rule("TURNOUT_RATE_DROP_MEMBER", &c->rates.drop_member);
	env_rule("TURNOUT_RATE_UPLOAD_MEMBER", &c->rates.upload_member);
	env_rule("TURNOUT_RATE_SHIFT_CALLER", &c->rates.shift_caller);
	/* buckets live in each node's memory: of N nodes behind one balancer
	 * each allows its share, so however requests are spread the whole
	 * never passes the limit */
	long nodes = 1;
	env_long("TURNOUT_NODES", &nodes, 1, 64);
	struct rate_rule *all[] = {
		&c->rates.signin_ip,	  &c->rates.signin_account, &c->rates.password_ip,
		&c->rates.password_account, &c->rates.totp_account,	&c->rates.signup_ip,
		&c->rates.token_ip,	  &c->rates.claim_caller,	&c->rates.skip_caller,
		&c->rates.message_host,	  &c->rates.put_member,	&c->rates.drop_member,
		&c->rates.upload_member,	  &c->rates.shift_caller,
	};
	for (size_t i = 0; nodes > 1 && i < sizeof(all) / sizeof(all[0]); i++) {
		all[i]->per_minute /= (double)nodes;
		all[i]->burst = all[i]->burst / (double)nodes < 1 ? 1 : all[i]->burst / (double)nodes;
	}
}
