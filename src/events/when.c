#include "events/when.h"

#include <stdio.h>
#include <string.h>

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Midnight UTC of the last Sunday of month m of year y, plus one hour. */
static time_t last_sunday_0100(int y, int m)
{
	struct tm tm = { 0 };
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = days_in(y, m);
	time_t t = timegm(&tm);
	struct tm w;
	gmtime_r(&t, &w);
	return t - (time_t)w.tm_wday * 86400 + 3600;
}

int london_offset(time_t t)
{
	struct tm tm;
	gmtime_r(&t, &tm);
	int y = tm.tm_year + 1900;
	return t >= last_sunday_0100(y, 3) && t < last_sunday_0100(y, 10) ? 3600 : 0;
}

time_t london_to_utc(int year, int mon, int day, int hour, int min)
{
	if (year < 1970 || year > 9999 || mon < 1 || mon > 12 || day < 1 ||
	    day > days_in(year, mon) || hour < 0 || hour > 23 || min < 0 || min > 59)
		return -1;
	struct tm tm = { 0 };
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = min;
	time_t as_utc = timegm(&tm);
	/* try summer time first: if that instant is in summer time, it is right */
	if (london_offset(as_utc - 3600) == 3600)
		return as_utc - 3600;
	return as_utc;
}

int london_parse(const char *date, const char *hm, time_t *out)
{
	int y, m, d, H, M, n1 = 0, n2 = 0;

	if (!date || !hm || strlen(date) != 10 || strlen(hm) != 5 ||
	    sscanf(date, "%4d-%2d-%2d%n", &y, &m, &d, &n1) != 3 || n1 != 10 ||
	    sscanf(hm, "%2d:%2d%n", &H, &M, &n2) != 2 || n2 != 5)
		return -1;
	time_t t = london_to_utc(y, m, d, H, M);
	if (t < 0)
		return -1;
	/* the hour the clocks skip: read back, it is not the time asked for */
	struct tm back;
	london_tm(t, &back);
	if (back.tm_hour != H || back.tm_min != M)
		return -2;
	*out = t;
	return 0;
}

void london_tm(time_t t, struct tm *out)
{
	time_t local = t + london_offset(t);
	gmtime_r(&local, out);
}

void london_day(time_t t, enum day_style style, char *out, size_t cap)
{
	struct tm tm;
	char wd[16], mon[16];
	london_tm(t, &tm);
	strftime(wd, sizeof(wd), style == DAY_SHORT ? "%a" : "%A", &tm);
	strftime(mon, sizeof(mon), style == DAY_SHORT ? "%b" : "%B", &tm);
	if (style == DAY_LONG_YEAR)
		snprintf(out, cap, "%s %d %s %d", wd, tm.tm_mday, mon, tm.tm_year + 1900);
	else
		snprintf(out, cap, "%s %d %s", wd, tm.tm_mday, mon);
}

void slot_text(time_t a, time_t b, char *out, size_t cap)
{
	struct tm ta, tb;
	london_tm(a, &ta);
	london_tm(b, &tb);
	snprintf(out, cap, "%02d:%02d–%02d:%02d", ta.tm_hour, ta.tm_min, tb.tm_hour, tb.tm_min);
}

void when_text(time_t a, time_t b, char *out, size_t cap)
{
	char d[64], t[24];
	london_day(a, DAY_LONG_YEAR, d, sizeof(d));
	slot_text(a, b, t, sizeof(t));
	snprintf(out, cap, "%s, %s", d, t);
}

void start_text(time_t t, char *out, size_t cap)
{
	char d[64];
	struct tm tm;
	london_tm(t, &tm);
	london_day(t, DAY_LONG_YEAR, d, sizeof(d));
	snprintf(out, cap, "%s, %02d:%02d", d, tm.tm_hour, tm.tm_min);
}
