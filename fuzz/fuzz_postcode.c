/* libFuzzer: the postcode parser must never crash, and what it accepts
 * must round-trip: parsing its own display form gives the same postcode. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "postcodes/postcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct postcode a, b;
	char oc[5], prefix[8];

	if (postcode_parse((const char *)data, size, &a) == 0) {
		if (postcode_parse(a.display, strlen(a.display), &b) || strcmp(a.compact, b.compact))
			abort();
		if (strlen(a.outcode) + strlen(a.incode) != strlen(a.compact))
			abort();
	}
	(void)postcode_parse_outcode((const char *)data, size, oc);
	(void)postcode_prefix((const char *)data, size, prefix);
	return 0;
}
