/*
 * Quizzes and the gates they open, as pure logic: whether a question is
 * well made, grading an answer, scoring an attempt against its pass mark,
 * and whether a person's record lets them through a gate.  No I/O; the
 * store keeps questions, attempts and completions (training/store.c).
 */
#ifndef TURNOUT_TRAINING_QUIZ_H
#define TURNOUT_TRAINING_QUIZ_H

#include <stddef.h>

#define QUIZ_OPTIONS_MAX  8
#define QUIZ_VARIANTS_MAX 8
#define QUIZ_TEXT_MAX	  300 /* bytes of an option or accepted answer */

enum quiz_kind { QUIZ_SINGLE, QUIZ_MULTIPLE, QUIZ_ORDER, QUIZ_SHORT };

struct question {
	long id;
	enum quiz_kind kind;
	int nopts;
	char opt[QUIZ_OPTIONS_MAX][QUIZ_TEXT_MAX + 1]; /* options, or accepted answers (short) */
	unsigned correct;	     /* single, multiple: a bit an option that is right */
	int order[QUIZ_OPTIONS_MAX]; /* order: the options' right order, as indices */
};

/* The names kinds are stored and posted as. */
const char *quiz_kind_name(enum quiz_kind k);
int quiz_kind_parse(const char *s, enum quiz_kind *out);

/*
 * Why a question cannot be asked (NULL when it can): a choice question
 * with fewer than two options or no right one (single: exactly one), an
 * order that is not every option once, a short answer with none accepted.
 */
const char *question_check(const struct question *q);

/*
 * Grades an answer as posted: single, the chosen option's index ("2");
 * multiple, the chosen indices ("0,2"); order, every index in the order
 * given ("2,0,1"); short, the text (letters compared without case, spaces
 * and punctuation at the ends and runs of spaces ignored).  1 right, 0
 * wrong, -1 when the answer is not one this question can take.
 */
int question_grade(const struct question *q, const char *answer);

/* Why a module's quiz cannot be set (NULL when it can): a pass mark not in
 * 1…100 per cent, more questions drawn than the bank holds, none drawn,
 * no attempt allowed. */
const char *quiz_check(int pass_percent, int draw, int bank, int max_attempts);
/* Whether score of total passes: at least pass_percent per cent. */
int quiz_passed(int score, int total, int pass_percent);

/* What stands between a person and a gate that needs a module. */
enum gate_state {
	GATE_OPEN,     /* completed, current and in date */
	GATE_PENDING,  /* not yet completed: attempts left */
	GATE_FAILED,   /* every attempt used without passing */
	GATE_EXPIRED,  /* completed, but its validity has run out */
	GATE_OUTDATED, /* completed an earlier version than the gate asks for */
};
struct training_record {
	int completed;	      /* 1 when there is a completion */
	int version;	      /* the version completed */
	long long expires_at; /* 0: never */
	int attempts;	      /* attempts used on the current version */
};
/* The gate's state for a record at now, asking version min_version of a
 * module allowing max_attempts. */
enum gate_state gate_eval(const struct training_record *r, long long now, int min_version,
			  int max_attempts);
/* The gate state in a few words, for a page. */
const char *gate_words(enum gate_state s);

#endif
