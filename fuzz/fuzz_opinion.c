/* libFuzzer: any vote matrix gives a map without crashing, every placed
 * member in a group 0…k−1 (or none when k is 0), finite points, and the
 * same map twice. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opinion/map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	/* the first two bytes size the matrix, each later byte is a vote:
	 * member, statement in turn from its position, value from its bits */
	int members = 1 + data[0] % 40, statements = 1 + data[1] % 20;
	size_t n = size - 2;
	struct opinion_vote *v = malloc((n + 1) * sizeof(*v));
	unsigned char *seen = calloc((size_t)members * (size_t)statements, 1);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int m = (int)((i / (size_t)statements) % (size_t)members);
		int s = (int)(i % (size_t)statements);
		if (data[2 + i] % 4 == 3 || seen[m * statements + s])
			continue; /* unseen */
		seen[m * statements + s] = 1;
		v[k++] = (struct opinion_vote){ m, s, data[2 + i] % 4 - 1 };
	}
	struct opinion_input in = { members, statements, v, k };
	struct opinion_map a, b;
	if (opinion_map_compute(&in, NULL, &a) || opinion_map_compute(&in, NULL, &b))
		abort();
	for (int i = 0; i < members; i++) {
		if (a.group[i] < -1 || a.group[i] >= (a.k ? a.k : 0) ||
		    (a.k && a.on_map[i] && a.group[i] < 0))
			abort();
		if (!isfinite(a.point[i][0]) || !isfinite(a.point[i][1]))
			abort();
	}
	if (memcmp(a.group, b.group, (size_t)members * sizeof(int)) ||
	    memcmp(a.point, b.point, (size_t)members * sizeof(a.point[0])))
		abort();
	opinion_map_release(&a);
	opinion_map_release(&b);
	free(seen);
	free(v);
	return 0;
}
