/*
 * A one-line progress report with rows per second, drawn only when stderr
 * is a terminal; silent otherwise (logs and CI stay clean).
 */
#ifndef TURNOUT_PROGRESS_H
#define TURNOUT_PROGRESS_H

struct progress {
	int tty;
	const char *what;
	long done, total; /* total 0: unknown */
	long rows;
	double t0, last;
};

void progress_begin(struct progress *p, const char *what, long total);
/* Called often; redraws at most ten times a second. */
void progress_step(struct progress *p, long done, long rows);
void progress_end(struct progress *p);

#endif
