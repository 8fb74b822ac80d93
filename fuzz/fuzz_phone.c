/* libFuzzer: the phone normaliser must never crash, and what it accepts must
 * be E.164 for the UK and a fixed point: normalising its own output gives
 * the same number. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phonebank/phone.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char a[PHONE_E164_MAX], b[PHONE_E164_MAX];

	if (phone_normalise((const char *)data, size, a))
		return 0;
	size_t n = strlen(a);
	if (strncmp(a, "+44", 3) || n < 12 || n > 13 || strspn(a + 1, "0123456789") != n - 1)
		abort();
	if (phone_normalise(a, n, b) || strcmp(a, b))
		abort();
	(void)phone_is_fiction(a);
	return 0;
}
