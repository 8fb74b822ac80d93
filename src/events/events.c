#include "events/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "events/when.h"
#include "util/utf8.h"

static const struct {
	const char *type, *name;
} types[] = {
	{ "canvass", "Canvassing" },	     { "phonebank", "Phone bank" },
	{ "leafleting", "Leafleting" },	     { "training", "Training" },
	{ "dropoff", "Food-bank drop-off" }, { "meeting", "Meeting" },
};

void place_text(const char *address, const char *postcode, char *out, size_t cap)
{
	if (!*address)
		snprintf(out, cap, "%s", postcode);
	else if (strcasestr(address, postcode))
		snprintf(out, cap, "%s", address);
	else
		snprintf(out, cap, "%s, %s", address, postcode);
}

void event_place(const struct event *e, char *out, size_t cap)
{
	place_text(e->address_private ? "" : e->address, e->postcode, out, cap);
}

const char *event_type_name(const char *type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(types[i].type, type))
			return types[i].name;
	return NULL;
}

static int clean(const char *s, size_t max, int multiline)
{
	size_t n = strlen(s);
	if (n > max)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && !(multiline && (c == '\n' || c == '\r'))) || c == 0x7f)
			return 0;
	}
	return 1;
}

/* An address a browser opens as a web page, nothing it would run: the
 * scheme, a host, and no spaces, quotes or angle brackets. */
static int event_url_ok(const char *u)
{
	size_t skip = !strncmp(u, "https://", 8) ? 8 : !strncmp(u, "http://", 7) ? 7 : 0;
	if (!skip || !clean(u, EVENT_URL_MAX, 0) || !u[skip] || u[skip] == '/')
		return 0;
	return strcspn(u, " \"'<>`") == strlen(u);
}

/* What is wrong (why) and with which form field, in one return. */
static const char *wrong(const char **field, const char *f, const char *why)
{
	if (field)
		*field = f;
	return why;
}

const char *event_check(const struct event *e, time_t now, const char **field)
{
	if (!event_type_name(e->type))
		return wrong(field, "type", "Choose what kind of session it is.");
	if (!*e->title || !clean(e->title, EVENT_TITLE_MAX, 0))
		return wrong(field, "title", "Give the session a title of up to 120 characters.");
	if (!clean(e->description, EVENT_TEXT_MAX, 1))
		return wrong(field, "description",
			     "The description is too long (2,000 characters at most).");
	if (!clean(e->address, EVENT_ADDRESS_MAX, 0))
		return wrong(field, "address", "The address is too long (200 characters at most).");
	if (!clean(e->access_notes, EVENT_NOTES_MAX, 1))
		return wrong(field, "access_notes",
			     "The accessibility notes are too long (500 characters at most).");
	if (*e->online_url && !event_url_ok(e->online_url))
		return wrong(
		    field, "online_url",
		    "The online link is a web address starting https:// (300 characters at most).");
	if (e->starts_at <= now)
		return wrong(field, "date", "The session must start in the future.");
	if (e->ends_at <= e->starts_at)
		return wrong(field, "end", "The session must end after it starts.");
	if (e->ends_at - e->starts_at > 24 * 3600)
		return wrong(field, "end", "A session lasts at most a day.");
	if (e->nslots == 0)
		return wrong(field, "capacity",
			     "A session needs at least one time slot with places.");
	for (size_t i = 0; i < e->nslots; i++) {
		const struct event_slot *s = &e->slots[i];
		if (s->capacity < 1 || s->capacity > SLOT_CAPACITY_MAX)
			return wrong(field, "capacity",
				     "Each slot needs between 1 and 10,000 places.");
		if (s->starts_at < e->starts_at || s->ends_at > e->ends_at ||
		    s->ends_at <= s->starts_at)
			return wrong(field, "slots",
				     "Each slot must fall inside the session's start and end.");
	}
	return wrong(field, NULL, NULL);
}

const char *event_parse_slots(struct event *e, const char *text, const char *date)
{
	char buf[1024];
	size_t n = 0;

	if (strlen(text) >= sizeof(buf))
		return "Too many slots (12 at most).";
	snprintf(buf, sizeof(buf), "%s", text);
	for (char *save = NULL, *line = strtok_r(buf, "\r\n", &save); line;
	     line = strtok_r(NULL, "\r\n", &save)) {
		char from[6], to[6];
		long cap;
		int used = 0;
		while (*line == ' ')
			line++;
		if (!*line)
			continue;
		if (n == EVENT_SLOTS_MAX)
			return "Too many slots (12 at most).";
		if (sscanf(line, "%5[0-9:]-%5[0-9:] %ld%n", from, to, &cap, &used) != 3 ||
		    line[used] != '\0')
			return "Write each slot as 10:00-12:00 20 (start, end, places).";
		int rc = london_parse(date, from, &e->slots[n].starts_at);
		if (!rc)
			rc = london_parse(date, to, &e->slots[n].ends_at);
		if (rc)
			return rc == LONDON_SKIPPED
				   ? LONDON_SKIPPED_WHY
				   : "Write each slot as 10:00-12:00 20 (start, end, places).";
		e->slots[n].capacity = cap;
		n++;
	}
	e->nslots = n;
	return NULL;
}

const char *event_parse_roles(const char *text, struct event_role *out, int *n)
{
	char line[EVENT_ROLE_MAX * 4 + 16];
	*n = 0;
	for (const char *p = text ? text : ""; *p;) {
		size_t len = strcspn(p, "\r\n");
		if (len >= sizeof(line))
			return "A role is a number and a name of 40 characters at most, like \"2 "
			       "drivers\".";
		memcpy(line, p, len);
		line[len] = '\0';
		p += len;
		p += strspn(p, "\r\n");
		char *name = line + strspn(line, " \t");
		if (!*name)
			continue;
		long needed = 1;
		if (*name >= '0' && *name <= '9') {
			char *end;
			needed = strtol(name, &end, 10);
			if (needed < 1 || needed > 100 || (*end != ' ' && *end != '\t'))
				return "A role's number is 1 to 100, then its name, like \"2 "
				       "drivers\".";
			name = end + strspn(end, " \t");
		}
		size_t nl = strlen(name);
		while (nl && (name[nl - 1] == ' ' || name[nl - 1] == '\t'))
			name[--nl] = '\0';
		if (plain_text_why(name, EVENT_ROLE_MAX))
			return "A role's name is plain text of 40 characters at most.";
		for (int i = 0; i < *n; i++)
			if (!strcasecmp(out[i].role, name))
				return "Each role is named once.";
		if (*n == EVENT_ROLES_MAX)
			return "A session names at most eight roles.";
		memcpy(out[*n].role, name, nl + 1);
		out[*n].needed = (int)needed;
		out[(*n)++].taken = 0;
	}
	return NULL;
}
