/* libFuzzer: multipart bodies never crash the parser, and whatever it
 * accepts keeps its limits: fields are UTF-8 without NUL, at most
 * QS_MAX_PAIRS of them, and the one file lies inside the body. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/multipart.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char ct[] = "multipart/form-data; boundary=XyZ";
	struct arena a;
	struct qs q;
	struct multipart_file f;
	char why[128];
	const char *body = (const char *)data;

	arena_init(&a, 1024);
	if (multipart_parse(ct, body, size, &a, &q, &f, why, sizeof(why)) == 0) {
		if (q.n > QS_MAX_PAIRS)
			abort();
		for (size_t i = 0; i < q.n; i++)
			if (strlen(q.pairs[i].value) != q.pairs[i].value_len ||
			    !utf8_valid(q.pairs[i].value, q.pairs[i].value_len) ||
			    !utf8_valid(q.pairs[i].key, strlen(q.pairs[i].key)))
				abort();
		if (f.present && (f.data < body || f.data + f.len > body + size))
			abort();
	}
	arena_release(&a);
	return 0;
}
