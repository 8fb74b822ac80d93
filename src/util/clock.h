/* Time for measuring intervals, which must not jump with the wall clock. */
#ifndef TURNOUT_CLOCK_H
#define TURNOUT_CLOCK_H

/* Seconds on a monotonic clock. */
double now_seconds(void);

#endif
