#include "auth/ratelimit.h"

#include <math.h>
#include <sodium.h>
#include <string.h>

int rate_bucket_take(struct rate_bucket *b, const struct rate_rule *r, double now)
{
	double rate = r->per_minute / 60.0;

	if (now > b->at) {
		b->tokens = fmin(r->burst, b->tokens + (now - b->at) * rate);
		b->at = now;
	}
	if (b->tokens >= 1) {
		b->tokens -= 1;
		return 0;
	}
	double wait = rate > 0 ? (1 - b->tokens) / rate : 3600;
	return (int)ceil(wait < 1 ? 1 : wait);
}

void ratelimit_init(struct ratelimit *rl)
{
	memset(rl->slot, 0, sizeof(rl->slot));
	randombytes_buf(rl->secret, sizeof(rl->secret));
	pthread_mutex_init(&rl->lock, NULL);
}

static unsigned long long keyed_hash(const struct ratelimit *rl, const char *s)
{
	unsigned char out[crypto_shorthash_BYTES];
	unsigned long long h;
	crypto_shorthash(out, (const unsigned char *)s, strlen(s), rl->secret);
	memcpy(&h, out, sizeof(h));
	return h ? h : 1;
}

/* A bucket that has refilled to its burst remembers nothing: it may be reused. */
static int bucket_idle(const struct rate_bucket *b, const struct rate_rule *r, double now)
{
	return b->tokens + (now - b->at) * r->per_minute / 60.0 >= r->burst;
}

#define PROBE 16 /* buckets a key may use: a short run from its hash */

int ratelimit_take(struct ratelimit *rl, const char *key, const struct rate_rule *r, double now)
{
	unsigned long long k = keyed_hash(rl, key);
	size_t i = k % RATELIMIT_SLOTS, victim = RATELIMIT_SLOTS;
	int rc;

	pthread_mutex_lock(&rl->lock);
	for (size_t n = 0; n < PROBE; n++, i = (i + 1) % RATELIMIT_SLOTS) {
		if (rl->slot[i].key == k)
			goto found;
		if (victim == RATELIMIT_SLOTS &&
		    (rl->slot[i].key == 0 || bucket_idle(&rl->slot[i].b, &rl->slot[i].r, now)))
			victim = i;
	}
	if (victim == RATELIMIT_SLOTS) {
		/* every bucket here is limiting someone: none is given up */
		pthread_mutex_unlock(&rl->lock);
		return 60;
	}
	i = victim;
	rl->slot[i].key = k;
	rl->slot[i].b.tokens = r->burst;
	rl->slot[i].b.at = now;
found:
	rl->slot[i].r = *r;
	rc = rate_bucket_take(&rl->slot[i].b, r, now);
	pthread_mutex_unlock(&rl->lock);
	return rc;
}

void ratelimit_release(struct ratelimit *rl)
{
	pthread_mutex_destroy(&rl->lock);
}
