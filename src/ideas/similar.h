/*
 * Whether two ideas say the same thing, from their words alone: pure, so
 * it is unit-tested and fuzzed on its own.  Words are lower-cased runs of
 * letters and digits (UTF-8 letters kept whole), common words dropped,
 * and a light stemming makes "capped", "caps" and "cap" one word.
 */
#ifndef TURNOUT_IDEAS_SIMILAR_H
#define TURNOUT_IDEAS_SIMILAR_H

#include <stddef.h>

#define IDEA_WORD_MAX  24   /* bytes kept of a word */
#define IDEA_WORDS_MAX 64   /* distinct words kept of a text */
#define IDEA_SIMILAR   0.45 /* a score at or above it flags two ideas */

struct idea_words {
	size_t n;
	char w[IDEA_WORDS_MAX][IDEA_WORD_MAX + 1]; /* distinct, sorted */
};

/* The distinct words of text (NULL as empty), at most IDEA_WORDS_MAX. */
void idea_words_of(const char *text, struct idea_words *out);

/*
 * How alike two ideas are, 0…1: the mean of the cosine of their titles'
 * word sets and that of their whole texts' (title and body), so a shared
 * title counts most and a long body does not drown it.
 */
double idea_similarity(const char *title_a, const char *body_a, const char *title_b,
		       const char *body_b);

#endif
