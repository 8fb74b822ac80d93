/*
 * What members can do: skills from a short list, free tags and languages,
 * as keys that compare equal however they were typed ("  Welsh " and
 * "welsh").  Pure.
 */
#ifndef TURNOUT_SKILLS_H
#define TURNOUT_SKILLS_H

#include <stddef.h>

#define SKILL_NAME_MAX	 40 /* characters of a tag or a language */
#define SKILL_KEY_CAP	 (SKILL_NAME_MAX * 4 + 1)
#define SKILL_FREE_MAX	 10 /* tags, and languages, a person gives */
#define SKILL_LISTED_MAX 16

enum skill_kind { SKILL_LISTED, SKILL_TAG, SKILL_LANGUAGE };

struct skill_def {
	const char *key, *name;
};
/* The short list, in the order forms show it. */
extern const struct skill_def skill_list[];
extern const size_t skill_nlist;

const char *skill_kind_key(enum skill_kind k);
/* "skill", "tag", "language": 0 and *k, or -1. */
int skill_kind_parse(const char *s, enum skill_kind *k);
/* The listed skill's name ("First aid" for "first-aid"), or NULL. */
const char *skill_listed_name(const char *key);
/*
 * A free tag or language as its key: trimmed, runs of spaces made one,
 * ASCII letters lower-cased.  0, or -1 with why (empty, too long, not
 * plain text).
 */
int skill_key(const char *in, char out[SKILL_KEY_CAP], char *why, size_t cap);
/* A comma-separated list into at most max distinct keys: how many, or -1
 * with why (a bad one, or too many). */
int skill_keys(const char *text, char (*out)[SKILL_KEY_CAP], int max, char *why, size_t cap);

#endif
