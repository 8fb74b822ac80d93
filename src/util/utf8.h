/* UTF-8 as RFC 3629 has it: no overlong forms, no surrogates, nothing past U+10FFFF. */
#ifndef TURNOUT_UTF8_H
#define TURNOUT_UTF8_H

#include <stddef.h>

/* 1 when the n bytes at s are valid UTF-8, else 0. */
int utf8_valid(const char *s, size_t n);

/*
 * Why text is refused as one line of plain text (NULL when it is fine):
 * empty, longer than max characters, not UTF-8, control characters or
 * line breaks, or HTML markup (a '<' before a letter, '/', '!' or '?':
 * such text is shown as written, never as markup).  Statements, questions,
 * titles, reasons.
 */
const char *plain_text_why(const char *text, size_t max);

#endif
