#include "training/quiz.h"

#include <ctype.h>
#include <string.h>

#include "util/names.h"
#include "util/num.h"

static const char *const kind_names[] = { "single", "multiple", "order", "short" };

const char *quiz_kind_name(enum quiz_kind k)
{
	return kind_names[k];
}

int quiz_kind_parse(const char *s, enum quiz_kind *out)
{
	int i = names_find(kind_names, NAMES_COUNT(kind_names), s);
	if (i < 0)
		return -1;
	*out = (enum quiz_kind)i;
	return 0;
}

static int bits(unsigned v)
{
	int n = 0;
	for (; v; v &= v - 1)
		n++;
	return n;
}

const char *question_check(const struct question *q)
{
	unsigned all = q->nopts > 0 && q->nopts <= QUIZ_OPTIONS_MAX ? (1u << q->nopts) - 1 : 0;

	if (q->nopts < 1 || q->nopts > QUIZ_OPTIONS_MAX)
		return "needs between one and eight options or answers";
	switch (q->kind) {
	case QUIZ_SINGLE:
	case QUIZ_MULTIPLE:
		if (q->nopts < 2)
			return "needs at least two options";
		if (!(q->correct & all))
			return "has no right answer";
		if (q->correct & ~all)
			return "marks an option it does not have";
		if (q->kind == QUIZ_SINGLE && bits(q->correct) != 1)
			return "must have exactly one right answer";
		return NULL;
	case QUIZ_ORDER: {
		unsigned seen = 0;
		if (q->nopts < 2)
			return "needs at least two things to put in order";
		for (int i = 0; i < q->nopts; i++) {
			if (q->order[i] < 0 || q->order[i] >= q->nopts || (seen >> q->order[i] & 1))
				return "must give every option once in its right order";
			seen |= 1u << q->order[i];
		}
		return NULL;
	}
	case QUIZ_SHORT:
		for (int i = 0; i < q->nopts; i++)
			if (!q->opt[i][0])
				return "has an empty accepted answer";
		return NULL;
	}
	return "is of no known kind";
}

/* Reads "a,b,c" of option indices into idx: how many, or -1 when one is
 * not an index of this question or appears twice. */
static int indices(const char *s, int nopts, int *idx)
{
	int n = 0;
	unsigned seen = 0;
	while (s && *s) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		long v;
		if (n == QUIZ_OPTIONS_MAX || num_parse_long(s, len, 0, nopts - 1, &v) ||
		    (seen >> v & 1))
			return -1;
		seen |= 1u << v;
		idx[n++] = (int)v;
		s = end ? end + 1 : s + len;
	}
	return n;
}

/* s without case, end spaces and punctuation, runs of spaces as one. */
static void fold(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	int space = 0;
	while (*s && (isspace((unsigned char)*s) || ispunct((unsigned char)*s)))
		s++;
	for (; *s && n + 1 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (isspace(c)) {
			space = 1;
			continue;
		}
		if (space && n)
			out[n++] = ' ';
		space = 0;
		if (n + 1 < cap)
			out[n++] = (char)tolower(c);
	}
	while (n && ispunct((unsigned char)out[n - 1]))
		n--;
	out[n] = 0;
}

int question_grade(const struct question *q, const char *answer)
{
	int idx[QUIZ_OPTIONS_MAX];
	int n;

	if (!answer)
		return -1;
	switch (q->kind) {
	case QUIZ_SINGLE:
		n = indices(answer, q->nopts, idx);
		if (n != 1)
			return -1;
		return (q->correct >> idx[0] & 1) != 0;
	case QUIZ_MULTIPLE: {
		n = indices(answer, q->nopts, idx);
		if (n < 0)
			return -1;
		unsigned chosen = 0;
		for (int i = 0; i < n; i++)
			chosen |= 1u << idx[i];
		return chosen == q->correct;
	}
	case QUIZ_ORDER:
		n = indices(answer, q->nopts, idx);
		if (n != q->nopts)
			return -1;
		for (int i = 0; i < n; i++)
			if (idx[i] != q->order[i])
				return 0;
		return 1;
	case QUIZ_SHORT: {
		char given[QUIZ_TEXT_MAX + 1], want[QUIZ_TEXT_MAX + 1];
		if (strlen(answer) > QUIZ_TEXT_MAX)
			return -1;
		fold(answer, given, sizeof(given));
		for (int i = 0; i < q->nopts; i++) {
			fold(q->opt[i], want, sizeof(want));
			if (*want && !strcmp(given, want))
				return 1;
		}
		return 0;
	}
	}
	return -1;
}

const char *quiz_check(int pass_percent, int draw, int bank, int max_attempts)
{
	if (pass_percent < 1 || pass_percent > 100)
		return "The pass mark must be between 1 and 100 per cent.";
	if (draw < 1)
		return "Draw at least one question for each attempt.";
	if (draw > bank)
		return "More questions are drawn than the bank holds.";
	if (max_attempts < 1)
		return "Allow at least one attempt.";
	return NULL;
}

int quiz_passed(int score, int total, int pass_percent)
{
	return total > 0 && score * 100 >= pass_percent * total;
}

enum gate_state gate_eval(const struct training_record *r, long long now, int min_version,
			  int max_attempts)
{
	if (r && r->completed) {
		if (r->version < min_version)
			return r->attempts >= max_attempts ? GATE_FAILED : GATE_OUTDATED;
		if (r->expires_at && r->expires_at <= now)
			return GATE_EXPIRED;
		return GATE_OPEN;
	}
	return r && r->attempts >= max_attempts ? GATE_FAILED : GATE_PENDING;
}

const char *gate_words(enum gate_state s)
{
	static const char *const words[] = { "done", "to do", "no attempts left", "expired",
					     "to do again (it has changed)" };
	return words[s];
}
