#include "phonebank/hours.h"

#include <stdio.h>
#include <string.h>

#include "events/when.h"

static const char *const day_names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

/* Monday 0 ... Sunday 6, from struct tm's Sunday 0. */
static int weekday(const struct tm *tm)
{
	return (tm->tm_wday + 6) % 7;
}

static int parse_hm(const char *s, int *min)
{
	if (!s || strlen(s) != 5 || s[2] != ':' || s[0] < '0' || s[0] > '2' || s[1] < '0' ||
	    s[1] > '9' || s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
		return -1;
	int h = (s[0] - '0') * 10 + s[1] - '0', m = (s[3] - '0') * 10 + s[4] - '0';
	if (h > 24 || (h == 24 && m))
		return -1;
	*min = h * 60 + m;
	return 0;
}

const char *hours_parse(struct hours *h, const char *start, const char *end, const char *days)
{
	if (parse_hm(start, &h->start_min) || parse_hm(end, &h->end_min))
		return "Give calling hours as HH:MM, for example 09:00 and 21:00.";
	if (h->start_min >= h->end_min)
		return "Calling hours must end after they start.";
	h->days = 0;
	if (!days || !*days) {
		h->days = HOURS_ALL_DAYS;
		return NULL;
	}
	const char *p = days;
	while (*p) {
		int found = -1;
		for (int i = 0; i < 7; i++)
			if (!strncmp(p, day_names[i], 3))
				found = i;
		if (found < 0)
			return "Days are mon, tue, wed, thu, fri, sat, sun, separated by commas.";
		h->days |= 1u << found;
		p += 3;
		if (*p == ',')
			p++;
		else if (*p)
			return "Days are mon, tue, wed, thu, fri, sat, sun, separated by commas.";
	}
	return NULL;
}

int hours_open(const struct hours *h, time_t t)
{
	struct tm tm;
	london_tm(t, &tm);
	int m = tm.tm_hour * 60 + tm.tm_min;
	return (h->days & (1u << weekday(&tm))) && m >= h->start_min && m < h->end_min;
}

time_t hours_next_open(const struct hours *h, time_t t)
{
	if (hours_open(h, t))
		return t;
	/* the start of the window on each of the next eight local days, stepping
	 * from local noon so a clock change cannot skip or repeat a date */
	struct tm today;
	london_tm(t, &today);
	time_t noon = london_to_utc(today.tm_year + 1900, today.tm_mon + 1, today.tm_mday, 12, 0);
	for (int d = 0; d < 8; d++) {
		struct tm tm;
		london_tm(noon + (time_t)d * 86400, &tm);
		if (!(h->days & (1u << weekday(&tm))))
			continue;
		time_t open = london_to_utc(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
					    h->start_min / 60, h->start_min % 60);
		if (open >= t)
			return open;
	}
	return (time_t)-1; /* no day at all */
}

void hours_text(const struct hours *h, char *out, size_t len)
{
	size_t n = (size_t)snprintf(out, len, "%02d:%02d–%02d:%02d", h->start_min / 60,
				    h->start_min % 60, h->end_min / 60, h->end_min % 60);
	if (h->days == HOURS_ALL_DAYS || n >= len)
		return;
	const char *sep = ", ";
	for (int i = 0; i < 7 && n < len; i++) {
		if (!(h->days & (1u << i)))
			continue;
		n += (size_t)snprintf(out + n, len - n, "%s%c%s", sep, day_names[i][0] - 32,
				      day_names[i] + 1);
		sep = " ";
	}
}

void hours_fields(const struct hours *h, char start[6], char end[6], char days[28])
{
	size_t n = 0;
	unsigned s = (unsigned)h->start_min % 1441, e = (unsigned)h->end_min % 1441;
	snprintf(start, 6, "%02u:%02u", s / 60 % 25, s % 60);
	snprintf(end, 6, "%02u:%02u", e / 60 % 25, e % 60);
	days[0] = '\0';
	for (int i = 0; h->days != HOURS_ALL_DAYS && i < 7; i++)
		if (h->days & (1u << i))
			n += (size_t)snprintf(days + n, 28 - n, "%s%s", n ? "," : "", day_names[i]);
}
