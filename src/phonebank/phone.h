/*
 * UK telephone numbers as people type them, and as spreadsheets mangle
 * them, normalised to E.164 ("+447700900123").  Accepted: national form
 * with the trunk 0, +44 / 0044 / 44 international forms, "(0)" after the
 * country code, spaces, dots, dashes and brackets, a "tel:" prefix, and a
 * ten-digit number whose leading 0 a spreadsheet dropped.  Only numbers a
 * voter may answer are valid: geographic (01, 02), non-geographic at
 * local rate (03) and mobile (07, but not 070 personal numbering or 076
 * pagers other than 07624).  Pure.
 */
#ifndef TURNOUT_PHONE_H
#define TURNOUT_PHONE_H

#include <stddef.h>

#define PHONE_E164_MAX 16 /* "+44" and at most 10 digits, NUL */

/* NULL and out filled, or why the number is refused. */
const char *phone_normalise(const char *in, size_t len, char out[PHONE_E164_MAX]);
/* 1 for Ofcom's drama range (07700 900000-900999, 020 7946 0000-0999 ...):
 * numbers reserved for fiction, used by practice mode. */
int phone_is_fiction(const char *e164);

#endif
