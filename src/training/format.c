#include "training/format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/utf8.h"

/* The next line of *s (its end, its length without \r\n), advancing *s. */
static const char *line_next(const char **s, size_t *len)
{
	const char *start = *s;
	if (!*start)
		return NULL;
	const char *end = strchr(start, '\n');
	size_t n = end ? (size_t)(end - start) : strlen(start);
	*s = end ? end + 1 : start + n;
	if (n && start[n - 1] == '\r')
		n--;
	*len = n;
	return start;
}

static int blank(const char *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (l[i] != ' ' && l[i] != '\t')
			return 0;
	return 1;
}

/* l without its leading and trailing spaces into out (cap bytes): 0, or -1
 * when it does not fit or holds a control character. */
static int copy_trim(const char *l, size_t n, char *out, size_t cap)
{
	while (n && (*l == ' ' || *l == '\t'))
		l++, n--;
	while (n && (l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	if (n + 1 > cap)
		return -1;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)l[i] < 0x20)
			return -1;
	memcpy(out, l, n);
	out[n] = 0;
	return 0;
}

static int parse_steps(const char *text, struct module_text *t, char *err, size_t errlen)
{
	const char *l;
	size_t n;
	long line = 0;
	struct buf_t {
		char *p;
		size_t len, cap;
	} body = { 0 };

	while ((l = line_next(&text, &n))) {
		line++;
		if (n >= 3 && !strncmp(l, "## ", 3)) {
			if (t->nsteps == MODULE_STEPS_MAX) {
				snprintf(err, errlen, "steps, line %ld: at most %d steps", line,
					 MODULE_STEPS_MAX);
				goto fail;
			}
			if (t->nsteps)
				t->steps[t->nsteps - 1].body = body.p ? body.p : xstrdup("");
			body = (struct buf_t){ 0 };
			if (copy_trim(l + 3, n - 3, t->steps[t->nsteps].title,
				      sizeof(t->steps[0].title)) ||
			    !t->steps[t->nsteps].title[0]) {
				snprintf(err, errlen,
					 "steps, line %ld: a step's title is empty or too long",
					 line);
				goto fail;
			}
			t->nsteps++;
			continue;
		}
		if (!t->nsteps) {
			if (blank(l, n))
				continue;
			snprintf(err, errlen,
				 "steps, line %ld: begin with a step's title: ## Title", line);
			goto fail;
		}
		if (n > 7 && !strncmp(l, "Video: ", 7)) {
			char *v = t->steps[t->nsteps - 1].video;
			if (copy_trim(l + 7, n - 7, v, sizeof(t->steps[0].video)) ||
			    (strncmp(v, "https://", 8) && strncmp(v, "http://", 7)) ||
			    strchr(v, ' ') || strchr(v, '"') || strchr(v, '<')) {
				snprintf(err, errlen,
					 "steps, line %ld: a video is a web address (https://…)",
					 line);
				goto fail;
			}
			continue;
		}
		xgrow(&body.p, &body.cap, body.len + n + 2, 1);
		memcpy(body.p + body.len, l, n);
		body.len += n;
		body.p[body.len++] = '\n';
		body.p[body.len] = 0;
	}
	if (!t->nsteps) {
		snprintf(err, errlen, "steps: a module needs at least one step");
		return -1;
	}
	t->steps[t->nsteps - 1].body = body.p ? body.p : xstrdup("");
	return 0;
fail:
	free(body.p);
	return -1;
}

/* Ends the question being read: its kind from its marks, then checked. */
static int question_end(struct module_text *t, int *open, int stars, int nums, int shorts,
			long line, char *err, size_t errlen)
{
	if (!*open)
		return 0;
	*open = 0;
	struct question *q = &t->qs[t->nq - 1].q;
	if (shorts && (stars || nums || q->nopts != shorts)) {
		snprintf(err, errlen,
			 "questions, before line %ld: a short answer takes only = lines", line);
		return -1;
	}
	if (nums && nums != q->nopts) {
		snprintf(err, errlen,
			 "questions, before line %ld: an order takes only 1. 2. … lines", line);
		return -1;
	}
	q->kind = shorts ? QUIZ_SHORT : nums ? QUIZ_ORDER : stars > 1 ? QUIZ_MULTIPLE : QUIZ_SINGLE;
	if (q->kind == QUIZ_ORDER) {
		/* written in the right order; shown reversed, so the answer is not the display */
		char tmp[QUIZ_OPTIONS_MAX][QUIZ_TEXT_MAX + 1];
		memcpy(tmp, q->opt, sizeof(tmp));
		for (int i = 0; i < q->nopts; i++) {
			memcpy(q->opt[i], tmp[q->nopts - 1 - i], sizeof(tmp[0]));
			q->order[q->nopts - 1 - i] = i;
		}
	}
	const char *why = question_check(q);
	if (why) {
		snprintf(err, errlen, "questions, question %d (\"%.40s\") %s", t->nq,
			 t->qs[t->nq - 1].prompt, why);
		return -1;
	}
	return 0;
}

static int parse_questions(const char *text, struct module_text *t, char *err, size_t errlen)
{
	const char *l;
	size_t n;
	long line = 0;
	int open = 0, stars = 0, nums = 0, shorts = 0;

	while ((l = line_next(&text, &n))) {
		line++;
		if (blank(l, n))
			continue;
		if (l[0] == '?') {
			if (question_end(t, &open, stars, nums, shorts, line, err, errlen))
				return -1;
			if (t->nq == QUIZ_BANK_MAX) {
				snprintf(err, errlen, "questions, line %ld: at most %d questions",
					 line, QUIZ_BANK_MAX);
				return -1;
			}
			memset(&t->qs[t->nq], 0, sizeof(t->qs[0]));
			if (copy_trim(l + 1, n - 1, t->qs[t->nq].prompt, sizeof(t->qs[0].prompt)) ||
			    !t->qs[t->nq].prompt[0]) {
				snprintf(err, errlen,
					 "questions, line %ld: a question is empty or too long",
					 line);
				return -1;
			}
			t->nq++;
			open = 1;
			stars = nums = shorts = 0;
			continue;
		}
		if (!open) {
			snprintf(err, errlen,
				 "questions, line %ld: begin a question with ? and its text", line);
			return -1;
		}
		struct question *q = &t->qs[t->nq - 1].q;
		size_t skip = 0;
		int mark = 0; /* '*', '-', '=', or '1' for a number */
		if (n >= 2 && (l[0] == '*' || l[0] == '-' || l[0] == '=') && l[1] == ' ') {
			mark = l[0];
			skip = 2;
		} else {
			while (skip < n && l[skip] >= '0' && l[skip] <= '9')
				skip++;
			if (skip && skip + 1 < n && l[skip] == '.' && l[skip + 1] == ' ') {
				mark = '1';
				skip += 2;
			}
		}
		if (!mark) {
			snprintf(err, errlen,
				 "questions, line %ld: an option begins with * (right), - (wrong),"
				 " = (an accepted answer) or 1. (its place in order)",
				 line);
			return -1;
		}
		if (q->nopts == QUIZ_OPTIONS_MAX) {
			snprintf(err, errlen, "questions, line %ld: at most %d options", line,
				 QUIZ_OPTIONS_MAX);
			return -1;
		}
		if (copy_trim(l + skip, n - skip, q->opt[q->nopts], sizeof(q->opt[0])) ||
		    !q->opt[q->nopts][0]) {
			snprintf(err, errlen, "questions, line %ld: an option is empty or too long",
				 line);
			return -1;
		}
		if (mark == '*')
			q->correct |= 1u << q->nopts, stars++;
		nums += mark == '1';
		shorts += mark == '=';
		q->nopts++;
	}
	if (question_end(t, &open, stars, nums, shorts, line + 1, err, errlen))
		return -1;
	return 0;
}

int module_text_parse(const char *steps, const char *questions, struct module_text *out, char *err,
		      size_t errlen)
{
	memset(out, 0, sizeof(*out));
	steps = steps ? steps : "";
	questions = questions ? questions : "";
	if (strlen(steps) > MODULE_TEXT_MAX || strlen(questions) > MODULE_TEXT_MAX) {
		snprintf(err, errlen, "the steps and the questions are %d bytes each at most",
			 MODULE_TEXT_MAX);
		return -1;
	}
	if (!utf8_valid(steps, strlen(steps)) || !utf8_valid(questions, strlen(questions))) {
		snprintf(err, errlen, "the text is not valid UTF-8");
		return -1;
	}
	if (parse_steps(steps, out, err, errlen) || parse_questions(questions, out, err, errlen)) {
		module_text_release(out);
		return -1;
	}
	return 0;
}

void module_text_release(struct module_text *t)
{
	for (int i = 0; i < t->nsteps; i++)
		free(t->steps[i].body);
	memset(t, 0, sizeof(*t));
}
