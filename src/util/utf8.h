/* UTF-8 as RFC 3629 has it: no overlong forms, no surrogates, nothing past U+10FFFF. */
#ifndef TURNOUT_UTF8_H
#define TURNOUT_UTF8_H

#include <stddef.h>

/* 1 when the n bytes at s are valid UTF-8, else 0. */
int utf8_valid(const char *s, size_t n);

#endif
