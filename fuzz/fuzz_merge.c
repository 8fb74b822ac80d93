/* libFuzzer: the line diff and the three-way merge of amendments must
 * never crash, a side that keeps the base must give the other side, and
 * the merge must not depend on which amendment was carried first. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "meetings/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void count_line(char kind, long line, const char *s, size_t n, void *arg)
{
	(void)kind, (void)line, (void)s, (void)n;
	++*(long *)arg;
}

/* Lines as text_merge joins them: no '\r' (a line's own is dropped) and
 * no '\n' at the end (it ends the last line). */
static int plain(const char *s)
{
	size_t n = strlen(s);
	return !strchr(s, '\r') && (!n || s[n - 1] != '\n');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* three texts, split at NUL bytes */
	char *buf = malloc(size + 3), *t[3];
	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = buf[size + 2] = '\0';
	t[0] = buf;
	t[1] = t[0] + strlen(t[0]) + 1;
	t[2] = t[1] < buf + size ? t[1] + strlen(t[1]) + 1 : t[1];
	if (t[2] > buf + size + 2)
		t[2] = buf + size + 2;
	long lines = 0;
	text_diff(t[0], t[1], count_line, &lines);
	char *m = text_merge(t[0], t[1], t[2]), *w = text_merge(t[0], t[2], t[1]);
	if ((m == NULL) != (w == NULL) || (m && strcmp(m, w)))
		abort();
	if (plain(t[0]) && plain(t[1])) {
		char *k = text_merge(t[0], t[1], t[0]);
		if (!k || strcmp(k, t[1]))
			abort();
		free(k);
	}
	free(m);
	free(w);
	free(buf);
	return 0;
}
