/* libFuzzer: grading any answer to any well-made question never crashes
 * and says right, wrong or not an answer; the right answer is right. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "training/quiz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	struct question q = { .kind = (enum quiz_kind)(data[0] % 4), .nopts = 2 + data[1] % 7 };
	for (int i = 0; i < q.nopts; i++) {
		snprintf(q.opt[i], sizeof(q.opt[i]), "Option %c", 'A' + i);
		q.order[i] = (i + data[2]) % q.nopts;
	}
	q.correct = (data[2] % ((1u << q.nopts) - 1)) + 1;
	if (q.kind == QUIZ_SINGLE)
		q.correct = 1u << (data[2] % q.nopts);
	if (question_check(&q))
		return 0;
	char *answer = malloc(size - 2);
	memcpy(answer, data + 3, size - 3);
	answer[size - 3] = 0;
	int g = question_grade(&q, answer);
	if (g < -1 || g > 1)
		abort();
	free(answer);
	return 0;
}
