/*
 * A phone bank's script and survey, as organisers type them.  Pure.
 *
 * The survey is one question per line, "kind: text | option | option",
 * with kind single, multi or text.  An option of a single-choice question
 * may end in "-> N" (go to question N) or "-> end": that answer decides
 * what is asked next; otherwise the next line follows.  Jumps go forward
 * only, so every path ends.
 *
 * The script is plain text: "## " starts a section heading, a blank line
 * a paragraph, **bold** marks emphasis, and {name} and {caller} stand for
 * the voter's and the caller's first names.  Everything else is escaped.
 */
#ifndef TURNOUT_SURVEY_H
#define TURNOUT_SURVEY_H

#include <stddef.h>

#include "util/buf.h"

#define SURVEY_MAX_QUESTIONS 20
#define SURVEY_MAX_OPTIONS   12
#define SURVEY_TEXT_MAX	     200
#define SURVEY_OPTION_MAX    80
#define SURVEY_SOURCE_MAX    8000
#define SCRIPT_MAX	     20000
#define SURVEY_END	     -1
#define SURVEY_FOLLOW	     -2

enum question_kind { Q_SINGLE, Q_MULTI, Q_TEXT };

struct survey_option {
	char label[SURVEY_OPTION_MAX + 1];
	int next; /* question index, SURVEY_END, or SURVEY_FOLLOW */
};

struct survey_question {
	enum question_kind kind;
	char text[SURVEY_TEXT_MAX + 1];
	int nopt;
	struct survey_option opt[SURVEY_MAX_OPTIONS];
};

struct survey {
	int n;
	struct survey_question q[SURVEY_MAX_QUESTIONS];
};

/* NULL, or what is wrong and on which line, into err. */
const char *survey_parse(struct survey *s, const char *src, char *err, size_t errlen);
/*
 * The questions asked, in order, given the option chosen for each
 * single-choice question (choice[i], or -1 when unanswered): into path[],
 * their number returned.
 */
int survey_path(const struct survey *s, const int *choice, int *path);
/* The script as HTML, names substituted and escaped. */
void script_render(struct buf *out, const char *src, const char *name, const char *caller);

#endif
