/*
 * Calling hours in Europe/London: a daily window [start, end) in minutes
 * after local midnight, on the days of the week in a mask (bit 0 Monday
 * ... bit 6 Sunday).  Local time follows the clock change (events/when.h).
 * Pure.
 */
#ifndef TURNOUT_HOURS_H
#define TURNOUT_HOURS_H

#include <time.h>

#define HOURS_ALL_DAYS 0x7fu

struct hours {
	int start_min, end_min; /* 0 <= start < end <= 1440 */
	unsigned days;
};

/* Parses "09:00", "21:00" and a day list such as "mon,tue,sat" (or "" for
 * every day); NULL, or what is wrong. */
const char *hours_parse(struct hours *h, const char *start, const char *end, const char *days);
/* 1 when t falls inside the calling hours. */
int hours_open(const struct hours *h, time_t t);
/* The first instant >= t inside the calling hours (t itself when open). */
time_t hours_next_open(const struct hours *h, time_t t);
/* The form's fields back: "09:00", "21:00" and "mon,tue" ("" for every day). */
void hours_fields(const struct hours *h, char start[6], char end[6], char days[28]);
/* "09:00–21:00, Mon–Fri" style text into out. */
void hours_text(const struct hours *h, char *out, size_t len);

#endif
