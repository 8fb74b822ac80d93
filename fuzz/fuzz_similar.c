/* libFuzzer: the words of any text and the likeness of any two ideas must
 * never crash; likeness lies in 0…1, is symmetric, and an idea with words
 * is wholly like itself. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ideas/similar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* four texts (two titles, two bodies), split at NUL bytes */
	char *buf = malloc(size + 4), *t[4];
	memcpy(buf, data, size);
	memset(buf + size, 0, 4);
	t[0] = buf;
	for (int i = 1; i < 4; i++)
		t[i] = t[i - 1] < buf + size ? t[i - 1] + strlen(t[i - 1]) + 1 : t[i - 1];
	double ab = idea_similarity(t[0], t[1], t[2], t[3]);
	double ba = idea_similarity(t[2], t[3], t[0], t[1]);
	if (!(ab >= 0 && ab <= 1 + 1e-9) || fabs(ab - ba) > 1e-9)
		abort();
	struct idea_words w;
	idea_words_of(t[0], &w);
	for (size_t i = 1; i < w.n; i++)
		if (strcmp(w.w[i - 1], w.w[i]) >= 0)
			abort(); /* distinct and sorted */
	if (w.n && fabs(idea_similarity(t[0], t[0], t[0], t[0]) - 1) > 1e-9)
		abort();
	free(buf);
	return 0;
}
