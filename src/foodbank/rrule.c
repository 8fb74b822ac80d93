#include "foodbank/rrule.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events/when.h"
#include "util/mem.h"

static const char *const wday_names[7] = { "MO", "TU", "WE", "TH", "FR", "SA", "SU" };

/* Days since 1970-01-01 of a civil date (Hinnant's algorithm). */
static long days_of(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_of(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* 0 Monday … 6 Sunday. */
static int wday_of(long z)
{
	return (int)(((z % 7) + 7 + 3) % 7);
}

static int days_in(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : d[m - 1];
}

static int say(char *why, size_t cap, const char *text)
{
	snprintf(why, cap, "%s", text);
	return -1;
}

/* A whole number in [lo, hi] making up all of s[0..n). */
static int int_in(const char *s, size_t n, long lo, long hi, int *out)
{
	char buf[16], *end;
	if (!n || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (!isdigit((unsigned char)buf[buf[0] == '-' || buf[0] == '+']))
		return -1;
	long v = strtol(buf, &end, 10);
	if (*end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

static int wday_in(const char *s, size_t n)
{
	for (int i = 0; i < 7; i++)
		if (n == 2 && !strncmp(s, wday_names[i], 2))
			return i;
	return -1;
}

/* "20270101T000000Z", "20270101T000000" or "20270101". */
static int until_parse(const char *s, size_t n, struct rrule *r)
{
	int y, m, d, H = 23, M = 59, S = 59, used = 0;
	char buf[20];
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (n == 8 && sscanf(buf, "%4d%2d%2d%n", &y, &m, &d, &used) == 3 && used == 8) {
		/* a date alone: the whole of that day */
	} else if ((n == 15 || n == 16) &&
		   sscanf(buf, "%4d%2d%2dT%2d%2d%2d%n", &y, &m, &d, &H, &M, &S, &used) == 6 &&
		   used == 15 && (n == 15 || buf[15] == 'Z')) {
		r->until_utc = n == 16;
	} else {
		return -1;
	}
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days_in(y, m) || H > 23 ||
	    M > 59 || S > 59 || H < 0 || M < 0 || S < 0)
		return -1;
	if (r->until_utc)
		r->until = (time_t)days_of(y, m, d) * 86400 + H * 3600 + M * 60 + S;
	r->until_w = (struct wall){ y, m, d, H, M };
	r->has_until = 1;
	return 0;
}

int rrule_parse(const char *text, struct rrule *r, char *why, size_t cap)
{
	static const char *const unsupported[] = { "BYSETPOS", "BYYEARDAY", "BYWEEKNO",
						   "BYHOUR",   "BYMINUTE",  "BYSECOND" };
	int have_freq = 0;
	memset(r, 0, sizeof(*r));
	r->interval = 1;
	if (!text || !*text)
		return say(why, cap, "Give the rule for how the collection repeats.");
	if (strlen(text) > RRULE_TEXT_MAX)
		return say(why, cap, "That rule is too long.");
	if (!strncmp(text, "RRULE:", 6))
		text += 6;
	for (const char *p = text; *p;) {
		const char *semi = strchr(p, ';'), *eq;
		size_t n = semi ? (size_t)(semi - p) : strlen(p);
		char key[16];
		eq = memchr(p, '=', n);
		if (!eq || eq == p || (size_t)(eq - p) >= sizeof(key))
			return say(why, cap, "A rule is NAME=VALUE parts separated by ';'.");
		memcpy(key, p, (size_t)(eq - p));
		key[eq - p] = '\0';
		const char *v = eq + 1;
		size_t vn = n - (size_t)(eq - p) - 1;
		if (!strcmp(key, "FREQ")) {
			static const char *const f[] = { "DAILY", "WEEKLY", "MONTHLY", "YEARLY" };
			int i = 0;
			while (i < 4 && !(strlen(f[i]) == vn && !strncmp(v, f[i], vn)))
				i++;
			if (i == 4)
				return say(why, cap,
					   "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY: a"
					   " collection does not repeat more often than daily.");
			r->freq = (enum rrule_freq)i;
			have_freq = 1;
		} else if (!strcmp(key, "INTERVAL")) {
			if (int_in(v, vn, 1, 99, &r->interval))
				return say(why, cap,
					   "INTERVAL must be a whole number from 1 to 99.");
		} else if (!strcmp(key, "COUNT")) {
			if (int_in(v, vn, 1, RRULE_COUNT_MAX, &r->count))
				return say(why, cap,
					   "COUNT must be a whole number from 1 to 1000.");
		} else if (!strcmp(key, "UNTIL")) {
			if (until_parse(v, vn, r))
				return say(
				    why, cap,
				    "UNTIL must be a date like 20271231 (or 20271231T235900Z).");
		} else if (!strcmp(key, "WKST")) {
			if ((r->wkst = wday_in(v, vn)) < 0)
				return say(why, cap,
					   "WKST must be a day: MO, TU, WE, TH, FR, SA or SU.");
		} else if (!strcmp(key, "BYDAY")) {
			for (const char *q = v; q < v + vn;) {
				const char *c = memchr(q, ',', (size_t)(v + vn - q));
				size_t k = c ? (size_t)(c - q) : (size_t)(v + vn - q);
				int nth = 0, wd = k >= 2 ? wday_in(q + k - 2, 2) : -1;
				if (wd < 0 || (k > 2 && (int_in(q, k - 2, -5, 5, &nth) || !nth)) ||
				    r->nbyday == (int)(sizeof(r->byday) / sizeof(r->byday[0])))
					return say(why, cap,
						   "BYDAY takes days like SA, or with a week of the"
						   " month like 1SU (first Sunday) or -1FR (last"
						   " Friday).");
				r->byday[r->nbyday].wday = wd;
				r->byday[r->nbyday++].nth = nth;
				q += k + (c != NULL);
			}
		} else if (!strcmp(key, "BYMONTHDAY")) {
			for (const char *q = v; q < v + vn;) {
				const char *c = memchr(q, ',', (size_t)(v + vn - q));
				size_t k = c ? (size_t)(c - q) : (size_t)(v + vn - q);
				int d;
				if (int_in(q, k, -31, 31, &d) || !d || r->nbymonthday == 31)
					return say(why, cap,
						   "BYMONTHDAY takes days of the month from 1 to 31"
						   " (or -1 for the last).");
				r->bymonthday[r->nbymonthday++] = d;
				q += k + (c != NULL);
			}
		} else if (!strcmp(key, "BYMONTH")) {
			for (const char *q = v; q < v + vn;) {
				const char *c = memchr(q, ',', (size_t)(v + vn - q));
				size_t k = c ? (size_t)(c - q) : (size_t)(v + vn - q);
				int m;
				if (int_in(q, k, 1, 12, &m))
					return say(why, cap, "BYMONTH takes months from 1 to 12.");
				r->bymonth |= 1u << m;
				q += k + (c != NULL);
			}
		} else {
			for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++)
				if (!strcmp(key, unsupported[i])) {
					snprintf(why, cap,
						 "%s is not supported here: describe the days with"
						 " BYDAY, BYMONTHDAY and BYMONTH.",
						 key);
					return -1;
				}
			return say(why, cap, "That rule has a part this server does not know.");
		}
		p += n + (semi != NULL);
	}
	if (!have_freq)
		return say(why, cap, "The rule needs a FREQ (for example FREQ=WEEKLY).");
	if (r->count && r->has_until)
		return say(why, cap, "Give COUNT or UNTIL, not both.");
	if (!r->count && !r->has_until)
		return say(why, cap,
			   "That rule never ends: add how many times (COUNT=) or until when"
			   " (UNTIL=), at most 5 years ahead.");
	for (int i = 0; i < r->nbyday; i++)
		if (r->byday[i].nth &&
		    !(r->freq == RRULE_MONTHLY || (r->freq == RRULE_YEARLY && r->bymonth)))
			return say(
			    why, cap,
			    "A week of the month (like 1SU) needs FREQ=MONTHLY, or YEARLY with"
			    " BYMONTH.");
	if (r->freq == RRULE_YEARLY && r->nbyday && !r->bymonth)
		return say(why, cap, "With FREQ=YEARLY and BYDAY, name the month (BYMONTH).");
	if (r->freq == RRULE_WEEKLY && r->nbymonthday)
		return say(why, cap, "BYMONTHDAY does not go with FREQ=WEEKLY.");
	return 0;
}

static int monthday_ok(const struct rrule *r, int d, int dim)
{
	if (!r->nbymonthday)
		return 1;
	for (int i = 0; i < r->nbymonthday; i++)
		if (r->bymonthday[i] == d || r->bymonthday[i] == d - dim - 1)
			return 1;
	return 0;
}

/* Whether day d (weekday wd) of a month of dim days is one BYDAY names. */
static int byday_ok(const struct rrule *r, int d, int wd, int dim)
{
	if (!r->nbyday)
		return 1;
	for (int i = 0; i < r->nbyday; i++) {
		if (r->byday[i].wday != wd)
			continue;
		int nth = r->byday[i].nth;
		if (!nth || (nth > 0 && (d - 1) / 7 + 1 == nth) ||
		    (nth < 0 && (dim - d) / 7 + 1 == -nth))
			return 1;
	}
	return 0;
}

struct emit {
	const struct rrule *r;
	const struct wall *start;
	time_t first, from, to;
	time_t *out;
	size_t max, n;
	int made; /* occurrences so far, from the start (for COUNT) */
	int done;
};

/* The wall day z at the start's time, in order: counted, kept if wanted. */
static void emit_day(struct emit *e, long z)
{
	int y, m, d;
	civil_of(z, &y, &m, &d);
	time_t t = london_to_utc(y, m, d, e->start->hour, e->start->min);
	if (t < 0 || t < e->first || e->done)
		return;
	const struct rrule *r = e->r;
	if (r->has_until) {
		if (r->until_utc
			? t > r->until
			: (long)z * 1440 + e->start->hour * 60 + e->start->min >
			      days_of(r->until_w.year, r->until_w.mon, r->until_w.day) * 1440 +
				  r->until_w.hour * 60 + r->until_w.min) {
			e->done = 1;
			return;
		}
	}
	if (r->count && e->made >= r->count) {
		e->done = 1;
		return;
	}
	e->made++;
	if (t >= e->to) {
		e->done = 1;
		return;
	}
	if (t >= e->from) {
		if (e->n == e->max) {
			e->done = 1;
			return;
		}
		e->out[e->n++] = t;
	}
}

/* The days of month m of year y the rule makes (MONTHLY and YEARLY). */
static void emit_month(struct emit *e, int y, int m, int default_day)
{
	const struct rrule *r = e->r;
	int dim = days_in(y, m);
	long first = days_of(y, m, 1);
	if (r->bymonth && !(r->bymonth & (1u << m)))
		return;
	if (!r->nbyday && !r->nbymonthday) {
		if (default_day <= dim)
			emit_day(e, first + default_day - 1);
		return;
	}
	for (int d = 1; d <= dim && !e->done; d++)
		if (monthday_ok(r, d, dim) && byday_ok(r, d, wday_of(first + d - 1), dim))
			emit_day(e, first + d - 1);
}

size_t rrule_expand(const struct rrule *r, const struct wall *start, time_t from, time_t to,
		    time_t *out, size_t max)
{
	struct emit e = { r, start, 0, from, to, out, max, 0, 0, 0 };
	long z0 = days_of(start->year, start->mon, start->day);
	e.first = london_to_utc(start->year, start->mon, start->day, start->hour, start->min);
	if (e.first < 0 || !max)
		return 0;
	/* a wall day starts at most an hour from its UTC midnight */
	long last_day = (long)(to / 86400) + 1;
	for (long k = 0; !e.done; k++) {
		long step = k * r->interval;
		switch (r->freq) {
		case RRULE_DAILY: {
			long z = z0 + step;
			if (z > last_day)
				return e.n;
			int y, m, d;
			civil_of(z, &y, &m, &d);
			if ((!r->bymonth || (r->bymonth & (1u << m))) &&
			    monthday_ok(r, d, days_in(y, m)) && byday_ok(r, d, wday_of(z), 31))
				emit_day(&e, z);
			break;
		}
		case RRULE_WEEKLY: {
			long ws = z0 - (wday_of(z0) - r->wkst + 7) % 7 + 7 * step;
			if (ws > last_day)
				return e.n;
			for (long z = ws; z < ws + 7 && !e.done; z++) {
				int y, m, d, wd = wday_of(z), hit = 0;
				civil_of(z, &y, &m, &d);
				for (int i = 0; i < r->nbyday; i++)
					hit |= r->byday[i].wday == wd;
				if (!r->nbyday)
					hit = wd == wday_of(z0);
				if (hit && (!r->bymonth || (r->bymonth & (1u << m))))
					emit_day(&e, z);
			}
			break;
		}
		case RRULE_MONTHLY: {
			long mi = (long)start->year * 12 + start->mon - 1 + step;
			int y = (int)(mi / 12), m = (int)(mi % 12) + 1;
			if (days_of(y, m, 1) > last_day || y > 9999)
				return e.n;
			emit_month(&e, y, m, start->day);
			break;
		}
		case RRULE_YEARLY: {
			int y = start->year + (int)step;
			if (y > 9999 || days_of(y, 1, 1) > last_day)
				return e.n;
			for (int m = 1; m <= 12 && !e.done; m++) {
				/* the start's month alone, unless the rule names months or days */
				if (!r->bymonth && !r->nbymonthday && m != start->mon)
					continue;
				emit_month(&e, y, m, start->day);
			}
			break;
		}
		}
	}
	return e.n;
}

int rrule_check(const struct rrule *r, const struct wall *start, char *why, size_t cap)
{
	time_t first = london_to_utc(start->year, start->mon, start->day, start->hour, start->min);
	if (first < 0)
		return say(why, cap, "The first collection's date or time is not valid.");
	time_t limit = first + (time_t)RRULE_YEARS_MAX * 366 * 86400;
	/* a daily series at most: one a day up to the limit */
	size_t cap_all = RRULE_YEARS_MAX * 366 + 2;
	time_t *all = xmalloc(cap_all * sizeof(*all));
	size_t n = rrule_expand(r, start, first, limit, all, cap_all);
	free(all);
	if (!n)
		return say(why, cap,
			   "That rule gives no dates at all from the first collection: check its"
			   " days and months.");
	if (r->count && n < (size_t)r->count)
		return say(why, cap,
			   "That series would run on for more than 5 years: ask for fewer times.");
	if (r->has_until && !r->until_utc &&
	    days_of(r->until_w.year, r->until_w.mon, r->until_w.day) * 86400 > limit)
		return say(why, cap, "UNTIL must be at most 5 years after the first collection.");
	if (r->has_until && r->until_utc && r->until > limit)
		return say(why, cap, "UNTIL must be at most 5 years after the first collection.");
	return 0;
}

int wall_parse(const char *text, struct wall *w)
{
	int used = 0;
	if (!text || strlen(text) != 16 ||
	    sscanf(text, "%4d-%2d-%2dT%2d:%2d%n", &w->year, &w->mon, &w->day, &w->hour, &w->min,
		   &used) != 5 ||
	    used != 16)
		return -1;
	if (w->year < 1970 || w->year > 9999 || w->mon < 1 || w->mon > 12 || w->day < 1 ||
	    w->day > days_in(w->year, w->mon) || w->hour < 0 || w->hour > 23 || w->min < 0 ||
	    w->min > 59)
		return -1;
	return 0;
}
