/* libFuzzer: any text a module's writer might type parses or is refused
 * with a reason, never crashes; every question it accepts is well made. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "training/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the steps and the questions, split at the first NUL */
	char *buf = malloc(size + 2), err[256];
	memcpy(buf, data, size);
	buf[size] = buf[size + 1] = 0;
	const char *qs = buf + strlen(buf) + 1;
	static struct module_text t;
	if (module_text_parse(buf, qs <= buf + size ? qs : "", &t, err, sizeof(err)) == 0) {
		for (int i = 0; i < t.nq; i++)
			if (question_check(&t.qs[i].q))
				abort();
		if (t.nsteps < 1)
			abort();
	} else if (!err[0]) {
		abort();
	}
	module_text_release(&t);
	free(buf);
	return 0;
}
