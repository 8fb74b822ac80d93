/*
 * Recurring collections as RFC 5545 RRULEs ("FREQ=WEEKLY;INTERVAL=2;
 * BYDAY=SA", "FREQ=MONTHLY;BYDAY=1SU"), expanded in Europe/London wall
 * time: a 10:00 series stays at 10:00 across the clock changes.  Pure: no
 * I/O, no clock.
 *
 * The subset kept is what organisers write: FREQ DAILY, WEEKLY, MONTHLY or
 * YEARLY; INTERVAL; COUNT or UNTIL (one of them: a series must end);
 * BYDAY (with an ordinal, 1SU or -1FR, for MONTHLY, and YEARLY with
 * BYMONTH); BYMONTHDAY (negative from the month's end); BYMONTH; WKST.
 * Anything else (BYSETPOS, BYHOUR, HOURLY, …) is refused by name rather
 * than read wrongly.  Occurrences are those RFC 5545 gives: the days the
 * rule makes from DTSTART on, DTSTART itself only when it matches.
 */
#ifndef TURNOUT_RRULE_H
#define TURNOUT_RRULE_H

#include <stddef.h>
#include <time.h>

#define RRULE_TEXT_MAX	200
#define RRULE_COUNT_MAX 1000
#define RRULE_YEARS_MAX 5 /* UNTIL at most this long after DTSTART */

enum rrule_freq { RRULE_DAILY, RRULE_WEEKLY, RRULE_MONTHLY, RRULE_YEARLY };

/* A London wall-clock time. */
struct wall {
	int year, mon, day, hour, min;
};

struct rrule {
	enum rrule_freq freq;
	int interval; /* >= 1 */
	int count;    /* 0: bounded by until instead */
	/* UNTIL as written: a UTC instant ("…Z"), or a London wall time */
	int until_utc;
	time_t until;	     /* when until_utc */
	struct wall until_w; /* otherwise */
	int has_until;
	int nbyday;
	struct {
		int wday; /* 0 Monday … 6 Sunday */
		int nth;  /* 0: every such day; ±1…±5 in the month */
	} byday[35];
	int nbymonthday;
	int bymonthday[31]; /* ±1…±31 */
	unsigned bymonth;   /* bit m for month m (1…12); 0: any */
	int wkst;	    /* 0 Monday … 6 Sunday */
};

/*
 * Parses text (an optional "RRULE:" first) into *r: 0, or -1 with why
 * (a sentence for the organiser) written into why.
 */
int rrule_parse(const char *text, struct rrule *r, char *why, size_t cap);

/*
 * The occurrences of r from start (London wall time) that fall in
 * [from, to) as UTC instants, in order, at most max into out: how many.
 * The whole series counts (COUNT is reckoned from start).  A time in the
 * spring hour the clocks skip is read as GMT; one that happens twice in
 * autumn is the first (summer time), as when_h's london_to_utc() does.
 */
size_t rrule_expand(const struct rrule *r, const struct wall *start, time_t from, time_t to,
		    time_t *out, size_t max);

/*
 * 0 when the series from start ends within RRULE_YEARS_MAX years and has
 * at least one occurrence; else -1 and why.
 */
int rrule_check(const struct rrule *r, const struct wall *start, char *why, size_t cap);

/* "2026-12-05T10:00" into *w: 0, or -1 when malformed. */
int wall_parse(const char *text, struct wall *w);

#endif
