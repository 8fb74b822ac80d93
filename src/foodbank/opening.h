/*
 * A food bank's opening hours, as organisers write them: "Mon-Fri
 * 09:00-17:00; Sat 10:00-12:00" (days as ranges or lists, one or more
 * spans a day, separated by ';').  A run must arrive while it is open.
 * Pure: London wall time, no I/O.
 */
#ifndef TURNOUT_OPENING_H
#define TURNOUT_OPENING_H

#include <stddef.h>
#include <time.h>

#define OPENING_TEXT_MAX 200
#define OPENING_SPANS	 4 /* a day */

struct opening {
	int n[7]; /* spans on each day, Monday first */
	struct {
		short open, close; /* minutes after midnight, open < close */
	} span[7][OPENING_SPANS];
};

/* 0 and *h, or -1 with a sentence for the organiser in why. */
int opening_parse(const char *text, struct opening *h, char *why, size_t cap);
/* The hours written back in the same form, days with the same spans
 * grouped ("Mon-Fri 09:00-17:00; Sat 10:00-12:00"); "" when never open. */
void opening_text(const struct opening *h, char *out, size_t cap);
/* 1 when instant t (London time) falls in an opening span. */
int opening_open_at(const struct opening *h, time_t t);
/* What the hours are on t's London day, for an error: "Saturday
 * 10:00-12:00", or "closed on Sundays". */
void opening_day_text(const struct opening *h, time_t t, char *out, size_t cap);

#endif
