/*
 * A thread that runs a job now and then every few seconds until stopped:
 * the reminders, the opinion maps, the ideas' and the training's keepers.
 * The job runs on the ticker's thread only, so what it opens there (a
 * database connection) is its own.
 */
#ifndef TURNOUT_TICKER_H
#define TURNOUT_TICKER_H

#include <pthread.h>

struct ticker {
	void (*tick)(void *arg); /* on the ticker's thread */
	void (*done)(
	    void *arg); /* on the ticker's thread, once, after the last tick; may be NULL */
	void *arg;
	long interval_s;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int stop, running, poked;
};

/*
 * Starts the thread: tick(arg) at once, then every interval_s seconds —
 * dflt, or the environment variable env when it holds a whole number from
 * 1 to max.  0, or -1 when the thread could not start.
 */
int ticker_start(struct ticker *t, const char *env, long dflt, long max, void (*tick)(void *arg),
		 void (*done)(void *arg), void *arg);
/* Asks for a tick now (after the one in hand, if any), not at the next interval. */
void ticker_poke(struct ticker *t);
/* Wakes the thread, lets the tick in hand finish, and joins it; idempotent. */
void ticker_stop(struct ticker *t);

#endif
