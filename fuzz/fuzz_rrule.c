/* libFuzzer: any rule text from any first time parses or is refused with a
 * reason; a rule that passes the check expands to occurrences in strictly
 * increasing order, none before the first time, as many as COUNT says at
 * most, none past UNTIL. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "events/when.h"
#include "foodbank/rrule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[RRULE_TEXT_MAX + 2], why[256];
	struct rrule r;
	if (size < 4)
		return 0;
	struct wall w = { 2026 + data[0] % 5, 1 + data[1] % 12, 1 + data[2] % 28, data[3] % 24,
			  (data[3] / 24) % 60 };
	size_t n = size - 4 < sizeof(text) - 1 ? size - 4 : sizeof(text) - 1;
	memcpy(text, data + 4, n);
	text[n] = '\0';
	if (rrule_parse(text, &r, why, sizeof(why))) {
		if (!*why)
			abort();
		return 0;
	}
	if (rrule_check(&r, &w, why, sizeof(why)))
		return 0;
	size_t cap = RRULE_YEARS_MAX * 366 + 2;
	time_t *t = malloc(cap * sizeof(*t));
	size_t k = rrule_expand(&r, &w, 0, (time_t)1 << 40, t, cap);
	time_t first = london_to_utc(w.year, w.mon, w.day, w.hour, w.min);
	if (!k || (r.count && k > (size_t)r.count))
		abort();
	for (size_t i = 0; i < k; i++)
		if (t[i] < first || (i && t[i] <= t[i - 1]) ||
		    (r.has_until && r.until_utc && t[i] > r.until))
			abort();
	free(t);
	return 0;
}
