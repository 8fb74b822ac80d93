#include "auth/ratelimit.h"

#include <math.h>
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
	pthread_mutex_init(&rl->lock, NULL);
}

static unsigned long long fnv1a(const char *s)
{
	unsigned long long h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h ? h : 1;
}

int ratelimit_take(struct ratelimit *rl, const char *key, const struct rate_rule *r, double now)
{
	unsigned long long k = fnv1a(key);
	size_t i = k % RATELIMIT_SLOTS, victim = i;
	int rc;

	pthread_mutex_lock(&rl->lock);
	/* probe a short run; a full run reuses its stalest bucket, which can only
	 * make the limit looser for a key that has gone quiet */
	for (size_t n = 0; n < 16; n++, i = (i + 1) % RATELIMIT_SLOTS) {
		if (rl->slot[i].key == k)
			goto found;
		if (rl->slot[i].key == 0) {
			victim = i;
			break;
		}
		if (rl->slot[i].b.at < rl->slot[victim].b.at)
			victim = i;
	}
	i = victim;
	rl->slot[i].key = k;
	rl->slot[i].b.tokens = r->burst;
	rl->slot[i].b.at = now;
found:
	rc = rate_bucket_take(&rl->slot[i].b, r, now);
	pthread_mutex_unlock(&rl->lock);
	return rc;
}

void ratelimit_release(struct ratelimit *rl)
{
	pthread_mutex_destroy(&rl->lock);
}
