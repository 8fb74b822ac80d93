/*
 * The words an enum is stored and posted as: a table of names, one per
 * value in order, and the lookup back from a word.
 */
#ifndef TURNOUT_NAMES_H
#define TURNOUT_NAMES_H

#include <stddef.h>

#define NAMES_COUNT(t) (sizeof(t) / sizeof((t)[0]))

/* The index of s in names[0..n), or -1 (also for NULL). */
int names_find(const char *const *names, size_t n, const char *s);

#endif
