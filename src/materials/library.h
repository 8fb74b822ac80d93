/*
 * The materials library's rules, apart from storage and pages: the
 * licences a file may be shared under, how tags are written, and the text
 * a search matches.  Pure.
 */
#ifndef TURNOUT_MATERIALS_LIBRARY_H
#define TURNOUT_MATERIALS_LIBRARY_H

#include <stddef.h>

#define MATERIAL_TAGS_MAX   8
#define MATERIAL_TAG_MAX    30
#define MATERIAL_SEARCH_MAX 120 /* bytes of a search's text */

enum material_scope { MATERIAL_GROUP, MATERIAL_REGION, MATERIAL_MOVEMENT };

const char *material_scope_name(enum material_scope s);
/* 0 and *out for "group", "region" or "movement"; -1 for anything else. */
int material_scope_parse(const char *s, enum material_scope *out);

/* The licences offered, NULL-terminated: Creative Commons, or for the
 * movement's own use only. */
extern const char *const material_licences[];
int material_licence_ok(const char *s);

/*
 * Tags as typed ("Leaflet, NHS  canvass") into at most MATERIAL_TAGS_MAX
 * tags of letters, digits and hyphens, lower case, each once, as one
 * space-separated string in out: the number of tags, or -1 with why.
 */
int material_tags_parse(const char *s, char *out, size_t cap, char *why, size_t whycap);
/* One tag as a search names it, lower case, into out: 0, or -1 when it
 * is not a tag. */
int material_tag_norm(const char *s, char out[MATERIAL_TAG_MAX + 1]);

/* The text a search matches: title, description and tags, ASCII letters
 * in lower case, into out (cap bytes; cut at a character's end). */
void material_search_text(const char *title, const char *description, const char *tags, char *out,
			  size_t cap);
/* A search's words as a LIKE pattern (lower case, %, _ and \ escaped with
 * \, between %…%): 0, or -1 when empty or over MATERIAL_SEARCH_MAX. */
int material_like_pattern(const char *text, char *out, size_t cap);

#endif
