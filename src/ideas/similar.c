#include "ideas/similar.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

/* Words that carry no idea of their own (sorted, for bsearch). */
static const char *const stop[] = {
	"about", "all",	   "also", "and",  "any",   "are",   "because", "been",	 "but",	 "can",
	"could", "does",   "for",  "from", "had",   "has",   "have",	"her",	 "his",	 "how",
	"into",	 "its",	   "just", "more", "most",  "much",  "must",	"not",	 "now",	 "our",
	"out",	 "should", "some", "such", "than",  "that",  "the",	"their", "them", "then",
	"there", "these",  "they", "this", "those", "too",   "use",	"very",	 "want", "was",
	"way",	 "were",   "what", "when", "where", "which", "while",	"who",	 "why",	 "will",
	"with",	 "would",  "you",  "your",
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int is_stop(const char *w)
{
	return bsearch(&w, stop, sizeof(stop) / sizeof(stop[0]), sizeof(stop[0]), cmp_str) != NULL;
}

static int ends(const char *w, size_t n, const char *e)
{
	size_t k = strlen(e);
	return n >= k + 3 && !strcmp(w + n - k, e);
}

/* A light English stemmer: "capping", "capped" → "cap", "libraries" →
 * "library", "buses" → "bus", "fares" → "fare"; a doubled last consonant
 * left by a cut ending is halved. */
static void stem(char *w)
{
	size_t n = strlen(w);
	int cut = 0;
	if (ends(w, n, "ing")) {
		n -= 3;
		cut = 1;
	} else if (ends(w, n, "ies")) {
		n -= 3;
		w[n++] = 'y';
	} else if (ends(w, n, "ed")) {
		n -= 2;
		cut = 1;
	} else if (ends(w, n, "es") && strchr("sxz", w[n - 3])) {
		n -= 2;
	} else if (ends(w, n, "ches") || ends(w, n, "shes")) {
		n -= 2;
	} else if (n >= 4 && w[n - 1] == 's' && w[n - 2] != 's') {
		n -= 1;
	}
	w[n] = 0;
	if (cut && n >= 3 && w[n - 1] == w[n - 2] && !strchr("aeiouls", w[n - 1]))
		w[n - 1] = 0;
}

static int word_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

void idea_words_of(const char *text, struct idea_words *out)
{
	char w[IDEA_WORD_MAX + 1];
	size_t len = 0;

	out->n = 0;
	for (const unsigned char *p = (const unsigned char *)(text ? text : "");; p++) {
		int letter = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9') || *p >= 0x80;
		if (letter) {
			if (len < IDEA_WORD_MAX)
				w[len++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
			continue;
		}
		w[len] = 0;
		if (len >= 3 && !is_stop(w)) {
			stem(w);
			int seen = 0;
			for (size_t i = 0; i < out->n && !seen; i++)
				seen = !strcmp(out->w[i], w);
			if (!seen && out->n < IDEA_WORDS_MAX)
				memcpy(out->w[out->n++], w, strlen(w) + 1);
		}
		len = 0;
		if (!*p)
			break;
	}
	qsort(out->w, out->n, sizeof(out->w[0]), word_cmp);
}

static double cosine(const struct idea_words *a, const struct idea_words *b)
{
	size_t i = 0, j = 0, both = 0;
	if (!a->n || !b->n)
		return 0;
	while (i < a->n && j < b->n) {
		int c = strcmp(a->w[i], b->w[j]);
		both += c == 0;
		i += c <= 0;
		j += c >= 0;
	}
	return (double)both / sqrt((double)a->n * (double)b->n);
}

/* title, a space and body, as one text (xmalloc'd). */
static char *joined(const char *title, const char *body)
{
	size_t t = strlen(title ? title : ""), b = strlen(body ? body : "");
	char *s = xmalloc(t + b + 2);
	memcpy(s, title ? title : "", t);
	s[t] = ' ';
	memcpy(s + t + 1, body ? body : "", b + 1);
	return s;
}

double idea_similarity(const char *title_a, const char *body_a, const char *title_b,
		       const char *body_b)
{
	struct idea_words *w = xmalloc(4 * sizeof(*w));
	char *all_a = joined(title_a, body_a), *all_b = joined(title_b, body_b);

	idea_words_of(title_a, &w[0]);
	idea_words_of(title_b, &w[1]);
	idea_words_of(all_a, &w[2]);
	idea_words_of(all_b, &w[3]);
	double score = (cosine(&w[0], &w[1]) + cosine(&w[2], &w[3])) / 2;
	free(all_a);
	free(all_b);
	free(w);
	return score;
}
