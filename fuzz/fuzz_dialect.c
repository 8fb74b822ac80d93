/* libFuzzer: the schema translator never crashes or overruns on any text,
 * and keeps its cap; what it accepts has its first string literal kept as
 * it was (unless a rule for literals applies). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/dialect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *sql = malloc(size + 1), why[160];
	struct buf out;
	memcpy(sql, data, size);
	sql[size] = 0;
	buf_init(&out, 1 << 16);
	if (dialect_pg_schema(sql, &out, why, sizeof(why)) == 0) {
		if (out.len > out.max)
			abort();
		/* the first string literal, if any, is in the output as it was */
		const char *q = strchr(sql, '\'');
		const char *dq = strchr(sql, '"');
		const char *c = strstr(sql, "--"), *b = strstr(sql, "/*");
		/* (strftime('%s', 'now') and x'…' blobs are the rules that
		 * rewrite literals) */
		if (q && (!dq || q < dq) && (!c || q < c) && (!b || q < b) &&
		    !strcasestr(sql, "strftime") && !(q > sql && (q[-1] == 'x' || q[-1] == 'X'))) {
			const char *e = strchr(q + 1, '\'');
			if (e && e[1] != '\'' && !memmem(out.p, out.len, q, (size_t)(e + 1 - q)))
				abort();
		}
	}
	buf_release(&out);
	free(sql);
	return 0;
}
