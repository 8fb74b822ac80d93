#include "util/progress.h"

#include "util/clock.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static void draw(struct progress *p)
{
	double el = now_seconds() - p->t0;
	double rate = el > 0 ? (double)p->rows / el : 0;
	char bar[31];
	int fill = p->total > 0 ? (int)(30 * p->done / p->total) : 0;

	for (int i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[30] = '\0';
	fprintf(stderr, "\r%-12s [%s] %ld/%ld  %ld rows  %.0f rows/s ", p->what, bar, p->done,
		p->total, p->rows, rate);
}

void progress_begin(struct progress *p, const char *what, long total)
{
	p->tty = isatty(STDERR_FILENO);
	p->what = what;
	p->done = 0;
	p->total = total;
	p->rows = 0;
	p->t0 = p->last = now_seconds();
}

void progress_step(struct progress *p, long done, long rows)
{
	p->done = done;
	p->rows = rows;
	if (!p->tty)
		return;
	double t = now_seconds();
	if (t - p->last < 0.1)
		return;
	p->last = t;
	draw(p);
}

void progress_end(struct progress *p)
{
	if (!p->tty)
		return;
	draw(p);
	fputc('\n', stderr);
}
