#include "skills/skills.h"

#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

const struct skill_def skill_list[] = {
	{ "driving", "Driving" },
	{ "design", "Design" },
	{ "writing", "Writing" },
	{ "photography", "Photography and video" },
	{ "social-media", "Social media" },
	{ "data", "Data and spreadsheets" },
	{ "it", "IT and websites" },
	{ "first-aid", "First aid" },
	{ "events", "Running events" },
	{ "canvassing", "Leading a canvass" },
	{ "phonebanking", "Phone banking" },
	{ "finance", "Money and accounts" },
	{ "legal", "Law" },
	{ "childcare", "Childcare" },
};
const size_t skill_nlist = sizeof(skill_list) / sizeof(skill_list[0]);

static const char *const kind_keys[] = { "skill", "tag", "language" };

const char *skill_kind_key(enum skill_kind k)
{
	return kind_keys[k];
}

int skill_kind_parse(const char *s, enum skill_kind *k)
{
	for (int i = 0; s && i < 3; i++)
		if (!strcmp(s, kind_keys[i])) {
			*k = (enum skill_kind)i;
			return 0;
		}
	return -1;
}

const char *skill_listed_name(const char *key)
{
	for (size_t i = 0; key && i < skill_nlist; i++)
		if (!strcmp(key, skill_list[i].key))
			return skill_list[i].name;
	return NULL;
}

int skill_key(const char *in, char out[SKILL_KEY_CAP], char *why, size_t cap)
{
	size_t n = 0;
	int space = 0;
	for (const char *p = in ? in : ""; *p; p++) {
		if (*p == ' ' || *p == '\t') {
			space = n > 0;
			continue;
		}
		if (n + 2 >= SKILL_KEY_CAP) {
			snprintf(why, cap, "a skill or language is %d characters at most",
				 SKILL_NAME_MAX);
			return -1;
		}
		if (space)
			out[n++] = ' ';
		space = 0;
		out[n++] = *p >= 'A' && *p <= 'Z' ? (char)(*p - 'A' + 'a') : *p;
	}
	out[n] = '\0';
	const char *bad = plain_text_why(out, SKILL_NAME_MAX);
	if (bad) {
		snprintf(why, cap, "\"%.40s\": %s", out, bad);
		return -1;
	}
	return 0;
}

int skill_keys(const char *text, char (*out)[SKILL_KEY_CAP], int max, char *why, size_t cap)
{
	char one[SKILL_KEY_CAP * 2];
	int n = 0;
	for (const char *p = text ? text : ""; *p;) {
		size_t len = strcspn(p, ",");
		if (len >= sizeof(one)) {
			snprintf(why, cap, "a skill or language is %d characters at most",
				 SKILL_NAME_MAX);
			return -1;
		}
		memcpy(one, p, len);
		one[len] = '\0';
		p += len + (p[len] == ',');
		if (strspn(one, " \t") == len)
			continue;
		char key[SKILL_KEY_CAP];
		if (skill_key(one, key, why, cap))
			return -1;
		int seen = 0;
		for (int i = 0; i < n && !seen; i++)
			seen = !strcmp(out[i], key);
		if (seen)
			continue;
		if (n == max) {
			snprintf(why, cap, "at most %d, separated by commas", max);
			return -1;
		}
		memcpy(out[n++], key, sizeof(key));
	}
	return n;
}
