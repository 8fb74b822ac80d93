#include "util/ticker.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/clock.h"
#include "util/num.h"

static void *ticker_main(void *arg)
{
	struct ticker *t = arg;

	pthread_mutex_lock(&t->lock);
	while (!t->stop) {
		pthread_mutex_unlock(&t->lock);
		t->tick(t->arg);
		struct timespec ts;
		deadline_ms(&ts, t->interval_s * 1000);
		pthread_mutex_lock(&t->lock);
		if (!t->stop && !t->poked)
			pthread_cond_timedwait(&t->wake, &t->lock, &ts);
		t->poked = 0;
	}
	pthread_mutex_unlock(&t->lock);
	if (t->done)
		t->done(t->arg);
	return NULL;
}

int ticker_start(struct ticker *t, const char *env, long dflt, long max, void (*tick)(void *arg),
		 void (*done)(void *arg), void *arg)
{
	const char *v = env ? getenv(env) : NULL;
	long x;

	memset(t, 0, sizeof(*t));
	t->tick = tick;
	t->done = done;
	t->arg = arg;
	t->interval_s = dflt;
	if (v && num_parse_long(v, strlen(v), 1, max, &x) == 0)
		t->interval_s = x;
	pthread_mutex_init(&t->lock, NULL);
	cond_init_monotonic(&t->wake);
	if (pthread_create(&t->thread, NULL, ticker_main, t))
		return -1;
	t->running = 1;
	return 0;
}

void ticker_poke(struct ticker *t)
{
	if (!t->running)
		return;
	pthread_mutex_lock(&t->lock);
	t->poked = 1;
	pthread_cond_signal(&t->wake);
	pthread_mutex_unlock(&t->lock);
}

void ticker_stop(struct ticker *t)
{
	if (!t->running)
		return;
	pthread_mutex_lock(&t->lock);
	t->stop = 1;
	pthread_cond_signal(&t->wake);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->wake);
	pthread_mutex_destroy(&t->lock);
	t->running = 0;
}
