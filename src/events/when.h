/*
 * Wall-clock time in Europe/London, without the process-wide TZ machinery
 * (not thread-safe): UK summer time runs from 01:00 UTC on the last Sunday
 * of March to 01:00 UTC on the last Sunday of October.  Pure.
 */
#ifndef TURNOUT_WHEN_H
#define TURNOUT_WHEN_H

#include <time.h>

/* Offset of London from UTC at instant t, in seconds (0 or 3600). */
int london_offset(time_t t);
/*
 * UTC instant of a London wall-clock time.  In the autumn hour that
 * happens twice the earlier (BST) one is taken; in the spring hour that
 * never happens, the time is read as GMT.  -1 when the fields are invalid.
 */
time_t london_to_utc(int year, int mon, int day, int hour, int min);
/* "2026-12-05" and "10:00" (London) into *out; 0, -1 when malformed, or
 * LONDON_SKIPPED for a time in the hour the clocks skip in spring (there
 * is no 01:30 that night: the caller says so rather than move it). */
#define LONDON_SKIPPED (-2)
#define LONDON_SKIPPED_WHY                                                                         \
	"That time does not exist in the UK: the clocks go forward from 01:00 to 02:00 that"       \
	" night. Choose another time."
int london_parse(const char *date, const char *hm, time_t *out);
/* Broken-down London time of t. */
void london_tm(time_t t, struct tm *out);
/* t's London day without a padded date: "Sat 5 Dec" (DAY_SHORT),
 * "Saturday 5 December" (DAY_LONG), or with the year (DAY_LONG_YEAR). */
enum day_style { DAY_SHORT, DAY_LONG, DAY_LONG_YEAR };
void london_day(time_t t, enum day_style style, char *out, size_t cap);
/* From a to b, London time: "10:00–11:30" (slot_text), and with the day,
 * "Saturday 5 December 2026, 10:00–11:30" (when_text); a start alone,
 * "Saturday 5 December 2026, 10:00" (start_text). */
void slot_text(time_t a, time_t b, char *out, size_t cap);
void when_text(time_t a, time_t b, char *out, size_t cap);
void start_text(time_t t, char *out, size_t cap);

#endif
