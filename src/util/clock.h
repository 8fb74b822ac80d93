/* Time for measuring intervals and timing waits, which must not jump with
 * the wall clock (an NTP step, an operator setting it back). */
#ifndef TURNOUT_CLOCK_H
#define TURNOUT_CLOCK_H

#include <pthread.h>
#include <time.h>

/* Seconds on a monotonic clock. */
double now_seconds(void);
/* A condition variable whose timed waits run on the monotonic clock. */
void cond_init_monotonic(pthread_cond_t *c);
/* The monotonic clock ms milliseconds from now: the deadline for a timed
 * wait on such a condition variable (or sem_clockwait on CLOCK_MONOTONIC). */
void deadline_ms(struct timespec *ts, long ms);

#endif
