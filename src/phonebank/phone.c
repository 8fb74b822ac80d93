#include "phonebank/phone.h"

#include <string.h>

/* Ofcom's ranges for drama, as E.164 prefixes (each a block of 1,000). */
static const char *const fiction[] = {
	"+447700900", "+441134960", "+441144960", "+441154960", "+441164960",
	"+441174960", "+441184960", "+441214960", "+441314960", "+441414960",
	"+441514960", "+441614960", "+441914980", "+442079460", "+441632960",
	"+442890180", "+442920180", "+448081570", "+449098790",
};

int phone_is_fiction(const char *e164)
{
	for (size_t i = 0; i < sizeof(fiction) / sizeof(fiction[0]); i++)
		if (!strncmp(e164, fiction[i], strlen(fiction[i])))
			return 1;
	return 0;
}

/* Why a national significant number (no trunk 0) is not one to call. */
static const char *nsn_check(const char *n, size_t len)
{
	switch (n[0]) {
	case '1': return len == 9 || len == 10 ? NULL : "a geographic number has 10 or 11 digits";
	case '2':
	case '3': return len == 10 ? NULL : "this number should have 11 digits";
	case '7':
		if (len != 10)
			return "a mobile number has 11 digits";
		if (n[1] == '0')
			return "070 numbers are personal numbering, not a phone";
		if (n[1] == '6' && strncmp(n, "7624", 4))
			return "076 numbers are pagers";
		return NULL;
	case '8':
	case '9': return "a freephone, premium or special number, not a voter's phone";
	default: return "not a UK phone number";
	}
}

const char *phone_normalise(const char *in, size_t len, char out[PHONE_E164_MAX])
{
	char d[24];
	size_t n = 0, i = 0;
	int plus = 0;

	while (i < len && (in[i] == ' ' || in[i] == '\t'))
		i++;
	if (len - i >= 4 && !strncmp(in + i, "tel:", 4))
		i += 4;
	for (; i < len; i++) {
		char c = in[i];
		if (c >= '0' && c <= '9') {
			if (n == sizeof(d) - 1)
				return "too many digits";
			d[n++] = c;
		} else if (c == '+' && n == 0 && !plus) {
			plus = 1;
		} else if (c == '(' && i + 2 < len && in[i + 1] == '0' && in[i + 2] == ')' && n) {
			i += 2; /* "+44 (0)20 ...": the trunk 0 written in brackets */
		} else if (c == '\0' || !strchr(" .-()/\t", c)) {
			return "a phone number has only digits, spaces and + - ( )";
		}
	}
	d[n] = '\0';
	if (!n)
		return "empty";
	const char *nsn;
	if (plus || (n > 4 && !strncmp(d, "00", 2))) {
		const char *cc = plus ? d : d + 2;
		if (strncmp(cc, "44", 2))
			return "not a UK number (the country code is not +44)";
		nsn = cc + 2;
		if (*nsn == '0')
			nsn++; /* "+44 0..." typed with the trunk 0 */
	} else if (d[0] == '0') {
		nsn = d + 1;
	} else if (n == 12 && !strncmp(d, "44", 2)) {
		nsn = d + 2; /* "44 7700 900123" without the + */
	} else if (n == 10) {
		nsn = d; /* a spreadsheet dropped the leading 0 */
	} else {
		return "not a UK phone number";
	}
	size_t nl = strlen(nsn);
	if (!nl)
		return "not a UK phone number";
	const char *why = nsn_check(nsn, nl);
	if (why)
		return why;
	memcpy(out, "+44", 3);
	memcpy(out + 3, nsn, nl + 1);
	return NULL;
}
