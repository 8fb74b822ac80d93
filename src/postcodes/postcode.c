#include "postcodes/postcode.h"

#include <string.h>

static int is_alpha(char c) { return c >= 'A' && c <= 'Z'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Strips white space and upper-cases; -1 on any other character or overflow. */
static int squeeze(const char *in, size_t n, char *out, size_t cap, size_t *len)
{
	size_t m = 0;

	if (n > POSTCODE_MAX_INPUT)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		if (c == ' ' || c == '\t')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!is_alpha(c) && !is_digit(c))
			return -1;
		if (m + 1 >= cap)
			return -1;
		out[m++] = c;
	}
	out[m] = '\0';
	*len = m;
	return 0;
}

static int outcode_ok(const char *s, size_t n)
{
	/* letters allowed in each position (Royal Mail PAF rules) */
	static const char not_first[] = "QVX", not_second[] = "IJZ";
	static const char third_a9a[] = "ABCDEFGHJKPSTUW", fourth_aa9a[] = "ABEHMNPRVWXY";

	if (n < 2 || n > 4 || !is_alpha(s[0]) || strchr(not_first, s[0]))
		return 0;
	if (is_digit(s[1])) {
		/* A9, A99, A9A */
		if (n == 2)
			return 1;
		if (n == 3)
			return is_digit(s[2]) || strchr(third_a9a, s[2]) != NULL;
		return 0;
	}
	if (strchr(not_second, s[1]) || n < 3 || !is_digit(s[2]))
		return 0;
	/* AA9, AA99, AA9A */
	if (n == 3)
		return 1;
	return is_digit(s[3]) || strchr(fourth_aa9a, s[3]) != NULL;
}

static int incode_ok(const char *s)
{
	static const char bad[] = "CIKMOV";
	return is_digit(s[0]) && is_alpha(s[1]) && is_alpha(s[2]) &&
	       !strchr(bad, s[1]) && !strchr(bad, s[2]);
}

int postcode_parse(const char *in, size_t n, struct postcode *pc)
{
	char s[16];
	size_t len;

	if (squeeze(in, n, s, sizeof(s), &len) || len < 5 || len > 7)
		return -1;
	size_t olen = len - 3;
	int ok = (olen == 3 && memcmp(s, "GIR0AA", 6) == 0) ||
		 (outcode_ok(s, olen) && incode_ok(s + olen));
	if (!ok)
		return -1;
	memcpy(pc->compact, s, len + 1);
	memcpy(pc->outcode, s, olen);
	pc->outcode[olen] = '\0';
	memcpy(pc->incode, s + olen, 4);
	memcpy(pc->display, s, olen);
	pc->display[olen] = ' ';
	memcpy(pc->display + olen + 1, s + olen, 4);
	return 0;
}

int postcode_parse_outcode(const char *in, size_t n, char out[5])
{
	char s[16];
	size_t len;

	if (squeeze(in, n, s, sizeof(s), &len))
		return -1;
	if (!(len == 3 && memcmp(s, "GIR", 3) == 0) && !outcode_ok(s, len))
		return -1;
	memcpy(out, s, len + 1);
	return 0;
}

int postcode_prefix(const char *in, size_t n, char out[8])
{
	size_t len;

	if (squeeze(in, n, out, 8, &len) || len < 2 || !is_alpha(out[0]))
		return -1;
	return 0;
}

uint64_t postcode_key(const char *compact)
{
	uint64_t k = 0;
	for (size_t i = 0; i < 7 && compact[i]; i++)
		k |= (uint64_t)(unsigned char)compact[i] << (8 * i);
	return k;
}
