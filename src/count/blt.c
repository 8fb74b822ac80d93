#include "count/ballots.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

struct cursor {
	const char *p, *end;
	long line;
	char *err;
	size_t errlen;
};

static int fail(struct cursor *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct cursor *c, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->err, c->errlen, "line %ld: ", c->line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < c->errlen)
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* The next line's text, without its end; 0 at the end of the text. */
static int next_line(struct cursor *c, const char **s, size_t *n)
{
	if (c->p >= c->end)
		return 0;
	const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	const char *e = nl ? nl : c->end;
	*s = c->p;
	*n = (size_t)(e - c->p);
	if (*n && (*s)[*n - 1] == '\r')
		(*n)--;
	c->p = nl ? nl + 1 : c->end;
	c->line++;
	return 1;
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

/* Whole numbers separated by spaces: how many (at most max), or -1 for
 * anything else on the line. */
static int numbers(const char *s, size_t n, long *out, int max)
{
	int k = 0;
	size_t i = 0;

	for (;;) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			return k;
		int neg = s[i] == '-';
		i += neg;
		if (i == n || s[i] < '0' || s[i] > '9' || k == max)
			return -1;
		long v = 0;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (v > (BALLOTS_MAX_WEIGHT * 10L))
				return -1;
			v = v * 10 + (s[i] - '0');
		}
		if (i < n && s[i] != ' ' && s[i] != '\t')
			return -1;
		out[k++] = neg ? -v : v;
	}
}

/* A line holding one quoted string: it, trimmed, runs of spaces made one. */
static char *quoted(struct cursor *c, const char *s, size_t n)
{
	size_t i = 0, j = n;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	while (j > i && (s[j - 1] == ' ' || s[j - 1] == '\t'))
		j--;
	if (j - i < 2 || s[i] != '"' || s[j - 1] != '"' || memchr(s + i + 1, '"', j - i - 2) ||
	    j - i - 2 > BALLOTS_NAME_MAX) {
		fail(c, "expected one quoted name of at most %d bytes", BALLOTS_NAME_MAX);
		return NULL;
	}
	char *out = xmalloc(j - i);
	size_t m = 0;
	for (size_t k = i + 1; k < j - 1; k++) {
		char ch = s[k] == '\t' ? ' ' : s[k];
		if ((unsigned char)ch < 0x20) {
			free(out);
			fail(c, "a control character in a name");
			return NULL;
		}
		if (ch == ' ' && (m == 0 || out[m - 1] == ' '))
			continue;
		out[m++] = ch;
	}
	while (m && out[m - 1] == ' ')
		m--;
	out[m] = '\0';
	return out;
}

int blt_parse(const char *text, size_t len, struct ballots *b, char *err, size_t errlen)
{
	struct cursor c = { text, text + len, 0, err, errlen };
	const char *s;
	size_t n, cap = 0, pcap = 0, npref = 0;
	long v[BALLOTS_MAX_CANDIDATES + 2];
	int k, rc = -1, ended = 0;

	memset(b, 0, sizeof(*b));
	if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "not a text file");
		return -1;
	}
	do {
		if (!next_line(&c, &s, &n)) {
			fail(&c, "empty: expected the candidates and seats");
			goto done;
		}
	} while (blank(s, n));
	if (numbers(s, n, v, 2) != 2 || v[0] < 1 || v[0] > BALLOTS_MAX_CANDIDATES || v[1] < 1) {
		fail(&c, "expected the number of candidates (1 to %d) and of seats",
		     BALLOTS_MAX_CANDIDATES);
		goto done;
	}
	b->ncand = (int)v[0];
	b->seats = (int)v[1];
	b->withdrawn = xcalloc((size_t)b->ncand, 1);
	b->start = xmalloc(sizeof(*b->start));
	b->start[0] = 0;
	while (!ended && next_line(&c, &s, &n)) {
		if (blank(s, n))
			continue;
		if (memchr(s, '=', n)) {
			fail(&c, "equal rankings (=) are not counted");
			goto done;
		}
		if (memchr(s, '[', n)) {
			fail(&c, "[...] options are not read");
			goto done;
		}
		k = numbers(s, n, v, BALLOTS_MAX_CANDIDATES + 2);
		if (k < 1) {
			fail(&c, "expected a ballot line: a weight, preferences, 0");
			goto done;
		}
		if (v[0] < 0) {
			/* withdrawn candidates, before any ballot */
			for (int i = 0; i < k; i++) {
				if (b->nlines || v[i] >= 0 || -v[i] > b->ncand) {
					fail(&c,
					     "a withdrawn candidate is -1 to -%d, before the "
					     "ballots",
					     b->ncand);
					goto done;
				}
				b->withdrawn[-v[i] - 1] = 1;
			}
			continue;
		}
		if (k == 1 && v[0] == 0) {
			ended = 1;
			break;
		}
		if (v[k - 1] != 0 || v[0] < 1 || v[0] > BALLOTS_MAX_WEIGHT) {
			fail(&c, "a ballot line is a weight (1 to %ld), preferences and a final 0",
			     BALLOTS_MAX_WEIGHT);
			goto done;
		}
		if (b->nlines == BALLOTS_MAX_LINES || b->papers + v[0] > BALLOTS_MAX_PAPERS) {
			fail(&c, "more than %d ballot lines or %lld papers", BALLOTS_MAX_LINES,
			     BALLOTS_MAX_PAPERS);
			goto done;
		}
		uint8_t seen[BALLOTS_MAX_CANDIDATES] = { 0 };
		for (int i = 1; i < k - 1; i++) {
			if (v[i] < 1 || v[i] > b->ncand) {
				fail(&c, "candidate %ld is not one of 1 to %d", v[i], b->ncand);
				goto done;
			}
			if (seen[v[i] - 1]++) {
				fail(&c, "candidate %ld is ranked twice", v[i]);
				goto done;
			}
		}
		if (k == 2)
			continue; /* no preference: not a valid paper */
		xgrow(&b->weight, &cap, b->nlines + 1, sizeof(*b->weight));
		b->start = xrealloc(b->start, (b->nlines + 2) * sizeof(*b->start));
		xgrow(&b->pref, &pcap, npref + (size_t)(k - 2), 1);
		for (int i = 1; i < k - 1; i++)
			b->pref[npref++] = (uint8_t)(v[i] - 1);
		b->weight[b->nlines] = v[0];
		b->start[++b->nlines] = (uint32_t)npref;
		b->papers += v[0];
	}
	if (!ended) {
		fail(&c, "the ballots end with a line holding 0");
		goto done;
	}
	b->names = xcalloc((size_t)b->ncand, sizeof(*b->names));
	for (int i = 0; i <= b->ncand; i++) {
		do {
			if (!next_line(&c, &s, &n)) {
				fail(&c, "expected %d candidate names and a title", b->ncand);
				goto done;
			}
		} while (blank(s, n));
		char *q = quoted(&c, s, n);
		if (!q)
			goto done;
		if (i < b->ncand)
			b->names[i] = q;
		else
			b->title = q;
	}
	while (next_line(&c, &s, &n))
		if (!blank(s, n)) {
			fail(&c, "more after the title");
			goto done;
		}
	int standing = 0;
	for (int i = 0; i < b->ncand; i++)
		standing += !b->withdrawn[i];
	if (standing < b->seats) {
		snprintf(err, errlen, "%d candidates standing for %d seats", standing, b->seats);
		goto done;
	}
	rc = 0;
done:
	if (rc)
		ballots_release(b);
	return rc;
}

void ballots_release(struct ballots *b)
{
	for (int i = 0; b->names && i < b->ncand; i++)
		free(b->names[i]);
	free(b->names);
	free(b->title);
	free(b->withdrawn);
	free(b->weight);
	free(b->start);
	free(b->pref);
	memset(b, 0, sizeof(*b));
}
