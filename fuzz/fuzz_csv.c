/* libFuzzer: the CSV reader over arbitrary bytes stays inside its caps. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "util/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv r;
	int n;

	csv_init_mem(&r, data, size);
	while ((n = csv_next(&r)) > 0) {
		if ((size_t)n != r.nf || r.nf > CSV_MAX_FIELDS)
			abort();
		for (size_t i = 0; i < r.nf; i++)
			if (r.f[i].len > CSV_MAX_RECORD || r.f[i].p[r.f[i].len] != '\0')
				abort();
	}
	csv_release(&r);
	return 0;
}
