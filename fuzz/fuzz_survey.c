/* libFuzzer: survey parsing and branching must never crash, and every path
 * through a parsed survey must move forward and end. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "phonebank/survey.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct survey s;
	char src[SURVEY_SOURCE_MAX + 2], err[160];
	int choice[SURVEY_MAX_QUESTIONS], path[SURVEY_MAX_QUESTIONS];
	struct buf out;

	if (size > SURVEY_SOURCE_MAX + 1)
		size = SURVEY_SOURCE_MAX + 1;
	memcpy(src, data, size);
	src[size] = '\0';
	if (!survey_parse(&s, src, err, sizeof(err))) {
		for (int i = 0; i < s.n; i++)
			choice[i] = s.q[i].nopt ? (int)(data[i % (size ? size : 1)] % s.q[i].nopt) : -1;
		int n = survey_path(&s, choice, path);
		for (int i = 1; i < n; i++)
			if (path[i] <= path[i - 1])
				abort();
	}
	buf_init(&out, 1 << 20);
	script_render(&out, src, "Name", "Caller");
	buf_release(&out);
	return 0;
}
