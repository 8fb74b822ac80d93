#include "foodbank/opening.h"

#include <stdio.h>
#include <string.h>

#include "events/when.h"

static const char *const day_short[7] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
static const char *const day_long[7] = { "Monday", "Tuesday",  "Wednesday", "Thursday",
					 "Friday", "Saturday", "Sunday" };

static int say(char *why, size_t cap, const char *text)
{
	snprintf(why, cap, "%s", text);
	return -1;
}

static int day_at(const char **p)
{
	for (int i = 0; i < 7; i++)
		if (!strncasecmp(*p, day_short[i], 3)) {
			*p += 3;
			return i;
		}
	return -1;
}

/* "HH:MM" at *p, as minutes (24:00 allowed as a close). */
static int time_at(const char **p)
{
	const char *s = *p;
	if (s[0] < '0' || s[0] > '2' || s[1] < '0' || s[1] > '9' || s[2] != ':' || s[3] < '0' ||
	    s[3] > '5' || s[4] < '0' || s[4] > '9')
		return -1;
	int m = ((s[0] - '0') * 10 + s[1] - '0') * 60 + (s[3] - '0') * 10 + s[4] - '0';
	if (m > 24 * 60)
		return -1;
	*p += 5;
	return m;
}

static void skip_spaces(const char **p)
{
	while (**p == ' ')
		(*p)++;
}

int opening_parse(const char *text, struct opening *h, char *why, size_t cap)
{
	memset(h, 0, sizeof(*h));
	if (!text || strlen(text) > OPENING_TEXT_MAX)
		return say(why, cap, "The opening hours are too long.");
	const char *p = text;
	skip_spaces(&p);
	if (!*p)
		return say(
		    why, cap,
		    "Give the opening hours, like \"Mon-Fri 09:00-17:00; Sat 10:00-12:00\".");
	while (*p) {
		int days[7] = { 0 };
		for (;;) { /* days: Mon, Mon-Fri, lists of them */
			int a = day_at(&p), b = a;
			if (a < 0)
				return say(why, cap,
					   "Each part of the hours starts with days: Mon, Tue, Wed,"
					   " Thu, Fri, Sat, Sun, or a range like Mon-Fri.");
			if (*p == '-') {
				p++;
				if ((b = day_at(&p)) < 0)
					return say(why, cap, "A range of days is like Mon-Fri.");
			}
			for (int d = a;; d = (d + 1) % 7) {
				days[d] = 1;
				if (d == b)
					break;
			}
			if (*p != ',')
				break;
			p++;
		}
		skip_spaces(&p);
		for (;;) { /* spans: 09:00-12:00, 14:00-17:00 */
			int o = time_at(&p), c = -1;
			if (o >= 0 && *p == '-') {
				p++;
				c = time_at(&p);
			}
			if (o < 0 || c < 0)
				return say(why, cap, "Hours are like 09:00-17:00.");
			if (c <= o)
				return say(why, cap,
					   "Each span of hours must close after it opens.");
			for (int d = 0; d < 7; d++) {
				if (!days[d])
					continue;
				if (h->n[d] == OPENING_SPANS)
					return say(why, cap, "At most four spans of hours a day.");
				for (int i = 0; i < h->n[d]; i++)
					if (o < h->span[d][i].close && h->span[d][i].open < c)
						return say(why, cap, "Two spans of hours overlap.");
				int i = h->n[d]++;
				/* kept in order of opening */
				while (i > 0 && h->span[d][i - 1].open > o) {
					h->span[d][i] = h->span[d][i - 1];
					i--;
				}
				h->span[d][i].open = (short)o;
				h->span[d][i].close = (short)c;
			}
			skip_spaces(&p);
			if (*p != ',')
				break;
			p++;
			skip_spaces(&p);
		}
		skip_spaces(&p);
		if (*p == ';') {
			p++;
			skip_spaces(&p);
		} else if (*p) {
			return say(why, cap, "Separate the parts of the hours with ';'.");
		}
	}
	return 0;
}

static int same_day(const struct opening *h, int a, int b)
{
	if (h->n[a] != h->n[b])
		return 0;
	for (int i = 0; i < h->n[a]; i++)
		if (h->span[a][i].open != h->span[b][i].open ||
		    h->span[a][i].close != h->span[b][i].close)
			return 0;
	return 1;
}

static size_t spans_text(const struct opening *h, int d, char *out, size_t cap)
{
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < h->n[d] && used < cap; i++) {
		int o = h->span[d][i].open, c = h->span[d][i].close;
		int w = snprintf(out + used, cap - used, "%s%02d:%02d-%02d:%02d", i ? ", " : "",
				 o / 60, o % 60, c / 60, c % 60);
		used += w > 0 ? (size_t)w : 0;
	}
	return used < cap ? used : cap - 1;
}

void opening_text(const struct opening *h, char *out, size_t cap)
{
	size_t used = 0;
	out[0] = '\0';
	for (int d = 0; d < 7 && used < cap; d++) {
		if (!h->n[d])
			continue;
		int e = d;
		while (e + 1 < 7 && same_day(h, d, e + 1))
			e++;
		char spans[96];
		spans_text(h, d, spans, sizeof(spans));
		int w = snprintf(out + used, cap - used, "%s%s%s%s %s", used ? "; " : "",
				 day_short[d], e > d ? "-" : "", e > d ? day_short[e] : "", spans);
		used += w > 0 ? (size_t)w : 0;
		d = e;
	}
}

/* t's London weekday (0 Monday) and minutes after midnight. */
static void london_at(time_t t, int *wd, int *min)
{
	struct tm tm;
	london_tm(t, &tm);
	*wd = (tm.tm_wday + 6) % 7;
	*min = tm.tm_hour * 60 + tm.tm_min;
}

int opening_open_at(const struct opening *h, time_t t)
{
	int wd, min;
	london_at(t, &wd, &min);
	for (int i = 0; i < h->n[wd]; i++)
		if (min >= h->span[wd][i].open && min < h->span[wd][i].close)
			return 1;
	return 0;
}

void opening_day_text(const struct opening *h, time_t t, char *out, size_t cap)
{
	int wd, min;
	char spans[96];
	london_at(t, &wd, &min);
	if (!h->n[wd]) {
		snprintf(out, cap, "closed on %ss", day_long[wd]);
		return;
	}
	spans_text(h, wd, spans, sizeof(spans));
	snprintf(out, cap, "open %s %s", day_long[wd], spans);
}
