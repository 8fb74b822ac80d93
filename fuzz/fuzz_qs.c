/* libFuzzer: query strings and form bodies, and route matching on the
 * decoded path, never crash and never overrun their limits; whatever a form
 * yields is UTF-8. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/qs.h"
#include "http/router.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena a;
	struct qs q;
	struct route_params p;
	char *path = malloc(size + 1);

	arena_init(&a, 1024);
	if (qs_parse(&q, &a, (const char *)data, size) == 0) {
		if (q.n > QS_MAX_PAIRS)
			abort();
		for (size_t i = 0; i < q.n; i++)
			if (strlen(q.pairs[i].value) != q.pairs[i].value_len ||
			    !utf8_valid(q.pairs[i].value, q.pairs[i].value_len) ||
			    !utf8_valid(q.pairs[i].key, strlen(q.pairs[i].key)))
				abort();
	}
	if (url_decode((const char *)data, size, path, 0) >= 0) {
		(void)route_match("/postcodes/{pc}/validate", path, &p);
		if (route_match("/a/{x}/{y}", path, &p) && p.n != 2)
			abort();
	}
	free(path);
	arena_release(&a);
	return 0;
}
