/*
 * Token buckets keyed by a string ("signin-ip:203.0.113.7",
 * "link-account:42").  Each bucket holds `burst` tokens and refills at
 * `per_minute`; a request takes one or is told how long to wait.  The
 * bucket arithmetic is pure (time is passed in) so tests need no clock.
 */
#ifndef TURNOUT_RATELIMIT_H
#define TURNOUT_RATELIMIT_H

#include <pthread.h>
#include <stddef.h>

struct rate_rule {
	double per_minute;
	double burst;
};

struct rate_bucket {
	double tokens;
	double at; /* seconds */
};

/* Takes a token at time now; 0 on success, else the seconds to wait (>= 1). */
int rate_bucket_take(struct rate_bucket *b, const struct rate_rule *r, double now);

#define RATELIMIT_SLOTS 65536 /* 40 bytes each: room for every caller's shift bucket */

/*
 * Keys are hashed with a secret key drawn at start-up (SipHash), so no one
 * can choose keys that land on another's bucket; and a bucket still
 * limiting someone is never given up for a new key: when every bucket a
 * key may use is limiting, the new key is refused (fails closed).
 */
struct ratelimit {
	pthread_mutex_t lock;
	unsigned char secret[16];
	struct {
		unsigned long long key; /* keyed hash of the key string; 0 = free */
		struct rate_bucket b;
		struct rate_rule r; /* the bucket's own rule, to know when it is full again */
	} slot[RATELIMIT_SLOTS];
};

void ratelimit_init(struct ratelimit *rl);
/* 0 when allowed, else seconds until a retry may succeed (Retry-After). */
int ratelimit_take(struct ratelimit *rl, const char *key, const struct rate_rule *r, double now);
void ratelimit_release(struct ratelimit *rl);

#endif
