/*
 * iCalendar (RFC 5545) output: TEXT escaping, 75-octet line folding (never
 * inside a UTF-8 sequence), CRLF line ends, and a VTIMEZONE for
 * Europe/London so calendar apps show local times.  Pure: writes to a buf.
 */
#ifndef TURNOUT_ICS_H
#define TURNOUT_ICS_H

#include <time.h>

#include "util/buf.h"

struct ics_event {
	const char *uid;    /* globally unique, e.g. "event-12-slot-3@host" */
	time_t start, end, stamp;
	const char *summary, *description, *location, *url;
	int cancelled;
};

void ics_begin(struct buf *b);
void ics_event(struct buf *b, const struct ics_event *e);
void ics_end(struct buf *b);
/* One content line "NAME:value" with value escaped as TEXT and folded. */
void ics_text(struct buf *b, const char *name, const char *value);

#endif
