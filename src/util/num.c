#include "util/num.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int num_parse_long(const char *s, size_t n, long min, long max, long *out)
{
	char tmp[32];
	char *end;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	size_t i = (tmp[0] == '-' || tmp[0] == '+') ? 1 : 0;
	if (tmp[i] < '0' || tmp[i] > '9')
		return -1;
	errno = 0;
	long v = strtol(tmp, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int num_parse_count(const char *s, size_t n, long max, long *out)
{
	long v = 0;
	size_t digits_in_group = 0;
	int seen_comma = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ',') {
			/* separators group exactly three digits after the first group */
			if (i == 0 || (seen_comma && digits_in_group != 3) ||
			    (!seen_comma && digits_in_group > 3))
				return -1;
			seen_comma = 1;
			digits_in_group = 0;
			continue;
		}
		if (c < '0' || c > '9')
			return -1;
		if (v > (max - (c - '0')) / 10)
			return -1;
		v = v * 10 + (c - '0');
		digits_in_group++;
	}
	if (seen_comma && digits_in_group != 3)
		return -1;
	*out = v;
	return 0;
}

int num_parse_double(const char *s, size_t n, double min, double max, double *out)
{
	char tmp[64];
	char *end;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' ||
		      c == 'e' || c == 'E'))
			return -1;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	double v = strtod(tmp, &end);
	if (errno || *end || !isfinite(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
