/*
 * The public needs feed: what each food bank asks for and has plenty of,
 * in the layout of Give Food's needs data (givefood.org.uk, API 2): CSV
 * with a header naming the columns foodbank_slug (or slug), needs and
 * excess, each list one item a line inside its field; or JSON, an array
 * of {"foodbank": {"slug": …}, "needs": "…", "excess": "…"} (or a
 * top-level "foodbank_slug").  Other columns are ignored.  Pure: parses a
 * buffer; the keeper fetches and applies it.
 */
#ifndef TURNOUT_FEED_H
#define TURNOUT_FEED_H

#include <stddef.h>

#define FEED_MAX_BYTES (16u << 20)
#define FEED_ITEMS_MAX 100 /* a list longer than this is cut, and said so */

struct feed_row {
	long line; /* where it starts in the file (CSV), or its place in the array (JSON) */
	const char *slug;
	const char *needs[FEED_ITEMS_MAX], *plenty[FEED_ITEMS_MAX];
	size_t nneeds, nplenty;
};

struct feed_sink {
	/* a good row (valid during the call) */
	void (*row)(const struct feed_row *r, void *arg);
	/* a row left out, and why (a sentence) */
	void (*bad)(long line, const char *why, void *arg);
	void *arg;
};

/* 0 when the feed could be read at all (bad rows are reported, the rest
 * passed on), or -1 with why in err: not CSV or JSON, no such columns. */
int feed_parse(const char *buf, size_t n, const struct feed_sink *sink, char *err, size_t cap);

#endif
