#include "materials/library.h"

#include <stdio.h>
#include <string.h>

static const char *const scope_names[] = { "group", "region", "movement" };

const char *material_scope_name(enum material_scope s)
{
	return scope_names[s];
}

int material_scope_parse(const char *s, enum material_scope *out)
{
	for (int i = 0; s && i < 3; i++)
		if (!strcmp(s, scope_names[i])) {
			*out = (enum material_scope)i;
			return 0;
		}
	return -1;
}

const char *const material_licences[] = {
	"CC BY 4.0", "CC BY-SA 4.0", "CC0 1.0", "For the movement's own use only", NULL,
};

int material_licence_ok(const char *s)
{
	for (int i = 0; s && material_licences[i]; i++)
		if (!strcmp(s, material_licences[i]))
			return 1;
	return 0;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static int tag_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

int material_tag_norm(const char *s, char out[MATERIAL_TAG_MAX + 1])
{
	size_t n = 0;
	for (; s && s[n]; n++) {
		char c = lower(s[n]);
		if (n == MATERIAL_TAG_MAX || !tag_char(c))
			return -1;
		out[n] = c;
	}
	out[n] = 0;
	return n ? 0 : -1;
}

int material_tags_parse(const char *s, char *out, size_t cap, char *why, size_t whycap)
{
	char tag[MATERIAL_TAG_MAX + 1];
	size_t len = 0;
	int n = 0;

	if (cap)
		out[0] = 0;
	while (s && *s) {
		while (*s == ' ' || *s == ',')
			s++;
		size_t k = 0;
		while (s[k] && s[k] != ' ' && s[k] != ',')
			k++;
		if (!k)
			break;
		if (k > MATERIAL_TAG_MAX) {
			snprintf(why, whycap, "A tag is at most %d characters.", MATERIAL_TAG_MAX);
			return -1;
		}
		for (size_t i = 0; i < k; i++) {
			tag[i] = lower(s[i]);
			if (!tag_char(tag[i])) {
				snprintf(why, whycap,
					 "Tags are letters, digits and hyphens, separated by commas"
					 " or spaces.");
				return -1;
			}
		}
		tag[k] = 0;
		s += k;
		/* each once: " tag " inside " out " */
		char probe[MATERIAL_TAG_MAX + 3];
		char have[MATERIAL_TAGS_MAX * (MATERIAL_TAG_MAX + 1) + 3];
		snprintf(probe, sizeof(probe), " %s ", tag);
		snprintf(have, sizeof(have), " %s ", out);
		if (strstr(have, probe))
			continue;
		if (n == MATERIAL_TAGS_MAX) {
			snprintf(why, whycap, "At most %d tags.", MATERIAL_TAGS_MAX);
			return -1;
		}
		if (len + k + 2 > cap) {
			snprintf(why, whycap, "Too many tags.");
			return -1;
		}
		len += (size_t)snprintf(out + len, cap - len, "%s%s", n ? " " : "", tag);
		n++;
	}
	return n;
}

void material_search_text(const char *title, const char *description, const char *tags, char *out,
			  size_t cap)
{
	const char *parts[] = { title, description, tags };
	size_t n = 0;
	if (!cap)
		return;
	for (int p = 0; p < 3; p++) {
		for (const char *s = parts[p]; s && *s; s++) {
			if (n + 1 >= cap)
				goto cut;
			out[n++] = lower(*s);
		}
		if (n + 1 >= cap)
			goto cut;
		out[n++] = ' ';
	}
cut:
	/* never half a UTF-8 character */
	while (n && ((unsigned char)out[n - 1] & 0xc0) == 0x80)
		n--;
	if (n && ((unsigned char)out[n - 1] & 0x80))
		n--;
	out[n] = 0;
}

int material_like_pattern(const char *text, char *out, size_t cap)
{
	size_t n = 0, len = text ? strlen(text) : 0;
	while (len && text[len - 1] == ' ')
		len--;
	while (len && *text == ' ')
		text++, len--;
	if (!len || len > MATERIAL_SEARCH_MAX || cap < 2 * len + 3)
		return -1;
	out[n++] = '%';
	for (size_t i = 0; i < len; i++) {
		char c = lower(text[i]);
		if (c == '%' || c == '_' || c == '\\')
			out[n++] = '\\';
		out[n++] = c;
	}
	out[n++] = '%';
	out[n] = 0;
	return 0;
}
