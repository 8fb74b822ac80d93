#include "events/ics.h"

#include <stdio.h>
#include <string.h>

#include "events/when.h"

/* Appends a content line, folding at 75 octets on UTF-8 boundaries. */
static void line(struct buf *b, const char *s, size_t n)
{
	size_t col = 0;
	for (size_t i = 0; i < n;) {
		size_t len = 1;
		unsigned char c = (unsigned char)s[i];
		if (c >= 0xf0)
			len = 4;
		else if (c >= 0xe0)
			len = 3;
		else if (c >= 0xc0)
			len = 2;
		if (i + len > n)
			len = n - i;
		if (col + len > 75) {
			buf_put(b, "\r\n ", 3);
			col = 1;
		}
		buf_put(b, s + i, len);
		col += len;
		i += len;
	}
	buf_put(b, "\r\n", 2);
}

void ics_text(struct buf *b, const char *name, const char *value)
{
	struct buf tmp;
	buf_init(&tmp, 1 << 20);
	buf_puts(&tmp, name);
	buf_putc(&tmp, ':');
	for (const char *p = value; *p; p++) {
		switch (*p) {
		case '\\': buf_puts(&tmp, "\\\\"); break;
		case ';': buf_puts(&tmp, "\\;"); break;
		case ',': buf_puts(&tmp, "\\,"); break;
		case '\n': buf_puts(&tmp, "\\n"); break;
		case '\r': break;
		default: buf_putc(&tmp, *p);
		}
	}
	line(b, tmp.p, tmp.len);
	buf_release(&tmp);
}

static void plain(struct buf *b, const char *text)
{
	line(b, text, strlen(text));
}

void ics_begin(struct buf *b)
{
	plain(b, "BEGIN:VCALENDAR");
	plain(b, "VERSION:2.0");
	plain(b, "PRODID:-//turnout//turnout//EN");
	plain(b, "CALSCALE:GREGORIAN");
	plain(b, "METHOD:PUBLISH");
	plain(b, "BEGIN:VTIMEZONE");
	plain(b, "TZID:Europe/London");
	plain(b, "BEGIN:DAYLIGHT");
	plain(b, "TZOFFSETFROM:+0000");
	plain(b, "TZOFFSETTO:+0100");
	plain(b, "TZNAME:BST");
	plain(b, "DTSTART:19700329T010000");
	plain(b, "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU");
	plain(b, "END:DAYLIGHT");
	plain(b, "BEGIN:STANDARD");
	plain(b, "TZOFFSETFROM:+0100");
	plain(b, "TZOFFSETTO:+0000");
	plain(b, "TZNAME:GMT");
	plain(b, "DTSTART:19701025T020000");
	plain(b, "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU");
	plain(b, "END:STANDARD");
	plain(b, "END:VTIMEZONE");
}

static void local_time(struct buf *b, const char *name, time_t t)
{
	struct tm tm;
	char s[64];
	london_tm(t, &tm);
	snprintf(s, sizeof(s), "%s;TZID=Europe/London:%04d%02d%02dT%02d%02d%02d", name,
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	plain(b, s);
}

void ics_event(struct buf *b, const struct ics_event *e)
{
	struct tm tm;
	char s[64];

	plain(b, "BEGIN:VEVENT");
	ics_text(b, "UID", e->uid);
	gmtime_r(&e->stamp, &tm);
	strftime(s, sizeof(s), "DTSTAMP:%Y%m%dT%H%M%SZ", &tm);
	plain(b, s);
	local_time(b, "DTSTART", e->start);
	local_time(b, "DTEND", e->end);
	ics_text(b, "SUMMARY", e->summary);
	if (e->description && *e->description)
		ics_text(b, "DESCRIPTION", e->description);
	if (e->location && *e->location)
		ics_text(b, "LOCATION", e->location);
	if (e->url) {
		/* a URI, not TEXT: no escaping, only folding */
		struct buf u;
		buf_init(&u, 4096);
		buf_printf(&u, "URL:%s", e->url);
		line(b, u.p, u.len);
		buf_release(&u);
	}
	plain(b, e->cancelled ? "STATUS:CANCELLED" : "STATUS:CONFIRMED");
	plain(b, "END:VEVENT");
}

void ics_end(struct buf *b)
{
	plain(b, "END:VCALENDAR");
}
