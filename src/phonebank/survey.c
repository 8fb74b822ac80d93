#include "phonebank/survey.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl/tmpl.h"

static const char *trim(const char *p, const char *end, size_t *len)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		end--;
	*len = (size_t)(end - p);
	return p;
}

static const char *fail(char *err, size_t errlen, int line, const char *why)
{
	snprintf(err, errlen, "Survey line %d: %s", line, why);
	return err;
}

/* One "kind: text | option -> N | ..." line into q; NULL or why not. */
static const char *question(struct survey_question *q, const char *p, const char *end, int index)
{
	const char *colon = memchr(p, ':', (size_t)(end - p));
	size_t kl;
	if (!colon)
		return "start with single:, multi: or text:";
	const char *k = trim(p, colon, &kl);
	if (kl == 6 && !strncmp(k, "single", 6))
		q->kind = Q_SINGLE;
	else if (kl == 5 && !strncmp(k, "multi", 5))
		q->kind = Q_MULTI;
	else if (kl == 4 && !strncmp(k, "text", 4))
		q->kind = Q_TEXT;
	else
		return "the kind is single, multi or text";
	const char *part = colon + 1;
	for (int i = 0; part <= end; i++) {
		const char *bar = memchr(part, '|', (size_t)(end - part));
		const char *stop = bar ? bar : end;
		size_t len;
		const char *t = trim(part, stop, &len);
		if (i == 0) {
			if (!len || len > SURVEY_TEXT_MAX)
				return "a question needs its text (200 characters at most)";
			memcpy(q->text, t, len);
			q->text[len] = '\0';
		} else {
			if (q->kind == Q_TEXT)
				return "a text question has no options";
			if (q->nopt == SURVEY_MAX_OPTIONS)
				return "12 options at most";
			struct survey_option *o = &q->opt[q->nopt];
			o->next = SURVEY_FOLLOW;
			const char *arrow = NULL;
			for (const char *a = t; a + 1 < t + len; a++)
				if (a[0] == '-' && a[1] == '>')
					arrow = a;
			if (arrow) {
				size_t tl;
				const char *target = trim(arrow + 2, t + len, &tl);
				char *num_end;
				if (q->kind != Q_SINGLE)
					return "only a single-choice answer can decide the next "
					       "question";
				if (tl == 3 && !strncmp(target, "end", 3)) {
					o->next = SURVEY_END;
				} else {
					long n = strtol(target, &num_end, 10);
					if (num_end != target + tl || n <= index + 1 ||
					    n > SURVEY_MAX_QUESTIONS)
						return "\"-> N\" must name a later question, or "
						       "say \"-> end\"";
					o->next = (int)n - 1;
				}
				t = trim(t, arrow, &len);
			}
			if (!len || len > SURVEY_OPTION_MAX)
				return "an option needs a label (80 characters at most)";
			memcpy(o->label, t, len);
			o->label[len] = '\0';
			q->nopt++;
		}
		if (!bar)
			break;
		part = bar + 1;
	}
	if (q->kind != Q_TEXT && q->nopt < 2)
		return "a choice needs at least two options";
	return NULL;
}

const char *survey_parse(struct survey *s, const char *src, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	if (strlen(src) > SURVEY_SOURCE_MAX)
		return fail(err, errlen, 0, "the survey is 8,000 characters at most");
	int line = 0;
	for (const char *p = src; *p;) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
		size_t len;
		line++;
		trim(p, end, &len);
		if (len) {
			if (s->n == SURVEY_MAX_QUESTIONS)
				return fail(err, errlen, line, "20 questions at most");
			const char *why = question(&s->q[s->n], p, end, s->n);
			if (why)
				return fail(err, errlen, line, why);
			s->n++;
		}
		p = nl ? nl + 1 : end;
	}
	/* a jump past the last question ends the survey */
	for (int i = 0; i < s->n; i++)
		for (int k = 0; k < s->q[i].nopt; k++)
			if (s->q[i].opt[k].next >= s->n)
				return fail(err, errlen, i + 1,
					    "\"-> N\" names a question that is not there");
	return NULL;
}

int survey_path(const struct survey *s, const int *choice, int *path)
{
	int n = 0;
	for (int i = 0; i < s->n && i >= 0;) {
		path[n++] = i;
		const struct survey_question *q = &s->q[i];
		int c = choice[i];
		int next =
		    q->kind == Q_SINGLE && c >= 0 && c < q->nopt ? q->opt[c].next : SURVEY_FOLLOW;
		i = next == SURVEY_FOLLOW ? i + 1 : next;
	}
	return n;
}

/* A line of script: escaped, **bold**, {name} and {caller}. */
static void inline_text(struct buf *out, const char *p, size_t len, const char *name,
			const char *caller)
{
	int bold = 0;
	for (size_t i = 0; i < len;) {
		if (i + 1 < len && p[i] == '*' && p[i + 1] == '*') {
			buf_puts(out, bold ? "</strong>" : "<strong>");
			bold = !bold;
			i += 2;
		} else if (len - i >= 6 && !strncmp(p + i, "{name}", 6)) {
			html_escape(out, name, strlen(name));
			i += 6;
		} else if (len - i >= 8 && !strncmp(p + i, "{caller}", 8)) {
			html_escape(out, caller, strlen(caller));
			i += 8;
		} else {
			size_t j = i + 1;
			while (j < len && p[j] != '*' && p[j] != '{')
				j++;
			html_escape(out, p + i, j - i);
			i = j;
		}
	}
	if (bold)
		buf_puts(out, "</strong>");
}

void script_render(struct buf *out, const char *src, const char *name, const char *caller)
{
	int in_p = 0;
	for (const char *p = src; *p;) {
		const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
		size_t len;
		const char *t = trim(p, end, &len);
		if (!len || (len > 3 && !strncmp(t, "## ", 3))) {
			if (in_p)
				buf_puts(out, "</p>\n");
			in_p = 0;
		}
		if (len > 3 && !strncmp(t, "## ", 3)) {
			buf_puts(out, "<h3>");
			inline_text(out, t + 3, len - 3, name, caller);
			buf_puts(out, "</h3>\n");
		} else if (len) {
			buf_puts(out, in_p ? "<br>" : "<p>");
			in_p = 1;
			inline_text(out, t, len, name, caller);
		}
		p = nl ? nl + 1 : end;
	}
	if (in_p)
		buf_puts(out, "</p>\n");
}
