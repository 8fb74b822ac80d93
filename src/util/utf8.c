#include "util/utf8.h"

#include <ctype.h>
#include <string.h>

int utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned min, cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			len = 2, min = 0x80, cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, min = 0x800, cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, min = 0x10000, cp = c & 0x07;
		} else {
			return 0;
		}
		if (n - i < len)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

const char *plain_text_why(const char *text, size_t max)
{
	size_t n = text ? strlen(text) : 0, chars = 0;

	if (n == 0)
		return "is empty";
	if (!utf8_valid(text, n))
		return "is not valid text";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c < 0x20 || c == 0x7f)
			return "has control characters or line breaks";
		if (c == '<' && i + 1 < n &&
		    (isalpha((unsigned char)text[i + 1]) || strchr("/!?", text[i + 1])))
			return "looks like HTML: write plain text";
		chars += (c & 0xc0) != 0x80;
	}
	if (chars > max)
		return "is too long";
	return NULL;
}
