/*
 * How organisers write a module in the browser: plain text, parsed here
 * (pure, fuzzed).  Steps:
 *
 *     ## Calling hours
 *     Markdown text, as many lines as it needs.
 *     Video: https://example.org/clip      (optional, a line of its own)
 *
 * Questions, a blank line between them; the kind follows from the marks:
 *
 *     ? Which number do you call in an emergency?
 *     = 999                                  (= an accepted short answer)
 *     ? Pick the right one                   (* right, - wrong: one * is a
 *     * right                                  single choice, more a multiple)
 *     - wrong
 *     ? Put the call in order                (1. 2. … in the right order;
 *     1. Introduce yourself                    shown to the volunteer in
 *     2. Ask the questions                     another order)
 */
#ifndef TURNOUT_TRAINING_FORMAT_H
#define TURNOUT_TRAINING_FORMAT_H

#include <stddef.h>

#include "training/quiz.h"
#include "training/store.h"

#define MODULE_TEXT_MAX 60000 /* bytes of steps or of questions */
#define STEP_TITLE_MAX	120
#define PROMPT_MAX	500

struct module_text {
	int nsteps, nq;
	struct {
		char title[STEP_TITLE_MAX + 1];
		char *body; /* owned */
		char video[512];
	} steps[MODULE_STEPS_MAX];
	struct {
		struct question q;
		char prompt[PROMPT_MAX + 1];
	} qs[QUIZ_BANK_MAX];
};

/* Parses the two texts into out: 0, or -1 with err saying which line and
 * why (out then empty).  Release out either way. */
int module_text_parse(const char *steps, const char *questions, struct module_text *out, char *err,
		      size_t errlen);
void module_text_release(struct module_text *t);

#endif
