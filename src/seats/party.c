#include "seats/party.h"

#include <string.h>

static const struct {
	const char *code, *name, *colour;
} parties[] = {
	{ "con", "Conservative", "#0087dc" },
	{ "lab", "Labour", "#d50000" },
	{ "ld", "Liberal Democrat", "#fdbb30" },
	{ "snp", "Scottish National Party", "#fdf38e" },
	{ "pc", "Plaid Cymru", "#005b54" },
	{ "green", "Green", "#6ab023" },
	{ "ruk", "Reform UK", "#12b6cf" },
	{ "brx", "Brexit Party", "#5bc0de" },
	{ "ukip", "UKIP", "#70147a" },
	{ "dup", "Democratic Unionist Party", "#d46a4c" },
	{ "sf", "Sinn Féin", "#326760" },
	{ "sdlp", "SDLP", "#2aa82c" },
	{ "uup", "Ulster Unionist Party", "#48a5ee" },
	{ "apni", "Alliance", "#f6cb2f" },
	{ "tuv", "Traditional Unionist Voice", "#0c3a6a" },
	{ "ind", "Independent", "#aaaaaa" },
	{ "spk", "Speaker", "#ffffff" },
	{ "other", "Other", "#999999" },
};

#define NPARTIES (sizeof(parties) / sizeof(parties[0]))

int party_code(const char *s, size_t n, char out[PARTY_CODE_MAX])
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			continue;
		if (m + 1 >= PARTY_CODE_MAX)
			return -1;
		out[m++] = c;
	}
	out[m] = '\0';
	if (m == 0)
		return -1;
	if (strcmp(out, "alliance") == 0)
		strcpy(out, "apni");
	return 0;
}

const char *party_name(const char *code)
{
	for (size_t i = 0; i < NPARTIES; i++)
		if (strcmp(parties[i].code, code) == 0)
			return parties[i].name;
	return NULL;
}

const char *party_colour(const char *code)
{
	for (size_t i = 0; i < NPARTIES; i++)
		if (strcmp(parties[i].code, code) == 0)
			return parties[i].colour;
	return "#999999";
}
