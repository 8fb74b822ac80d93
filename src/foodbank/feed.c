#include "foodbank/feed.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foodbank/store.h"
#include "util/csv.h"
#include "util/mem.h"
#include "util/utf8.h"

/*
 * Splits a list field (one item a line; commas are part of items such as
 * "Tinned fish, meat") in place into items[]: 0, or -1 with why.
 */
static int split_items(char *text, const char **items, size_t *n, char *why, size_t cap)
{
	*n = 0;
	for (char *p = text; p && *p;) {
		char *nl = strchr(p, '\n'), *end;
		if (nl)
			*nl = '\0';
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		end = p + strlen(p);
		while (end > p && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = '\0';
		if (*p) {
			const char *bad = plain_text_why(p, NEED_ITEM_MAX);
			if (bad) {
				snprintf(why, cap, "the item \"%.40s\" is refused: %s", p, bad);
				return -1;
			}
			/* an item said twice is one need */
			size_t i = 0;
			while (i < *n && strcmp(items[i], p))
				i++;
			if (i == *n && *n < FEED_ITEMS_MAX)
				items[(*n)++] = p;
		}
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

/* One food bank's row, from its three fields (copied: they are cut up). */
static void row_from(const struct feed_sink *sink, long line, const char *slug, const char *needs,
		     const char *plenty)
{
	struct feed_row *r = xcalloc(1, sizeof(*r));
	char why[160];
	char *n = xstrdup(needs ? needs : ""), *p = xstrdup(plenty ? plenty : "");
	const char *slug_why = slug && *slug ? plain_text_why(slug, FOODBANK_SLUG_MAX) : "empty";

	r->line = line;
	r->slug = slug;
	if (slug_why)
		snprintf(why, sizeof(why), "the food bank's slug is refused: %s", slug_why);
	if (slug_why || split_items(n, r->needs, &r->nneeds, why, sizeof(why)) ||
	    split_items(p, r->plenty, &r->nplenty, why, sizeof(why)))
		sink->bad(line, why, sink->arg);
	else
		sink->row(r, sink->arg);
	free(n);
	free(p);
	free(r);
}

static int parse_json(const char *buf, size_t n, const struct feed_sink *sink, char *err,
		      size_t cap)
{
	json_error_t je;
	json_t *root = json_loadb(buf, n, JSON_REJECT_DUPLICATES, &je), *e;
	size_t i;
	if (!root || !json_is_array(root)) {
		snprintf(err, cap, "not a JSON array of food banks (%s, line %d)",
			 root ? "not an array" : je.text, je.line);
		json_decref(root);
		return -1;
	}
	json_array_foreach(root, i, e)
	{
		const char *slug = json_string_value(json_object_get(e, "foodbank_slug"));
		if (!slug)
			slug = json_string_value(
			    json_object_get(json_object_get(e, "foodbank"), "slug"));
		json_t *needs = json_object_get(e, "needs"), *excess = json_object_get(e, "excess");
		if (!json_is_object(e) || !json_is_string(needs) ||
		    (excess && !json_is_null(excess) && !json_is_string(excess)))
			sink->bad((long)i + 1, "an entry needs a slug and its needs as text",
				  sink->arg);
		else
			row_from(sink, (long)i + 1, slug, json_string_value(needs),
				 json_string_value(excess));
	}
	json_decref(root);
	return 0;
}

static int parse_csv(const char *buf, size_t n, const struct feed_sink *sink, char *err, size_t cap)
{
	struct csv r;
	int col_slug = -1, col_needs = -1, col_excess = -1, nf;
	csv_init_mem(&r, buf, n);
	nf = csv_next(&r);
	for (int i = 0; i < nf; i++) {
		const char *h = r.f[i].p;
		if (!strcmp(h, "foodbank_slug") || (!strcmp(h, "slug") && col_slug < 0))
			col_slug = i;
		else if (!strcmp(h, "needs"))
			col_needs = i;
		else if (!strcmp(h, "excess"))
			col_excess = i;
	}
	if (nf <= 0 || col_slug < 0 || col_needs < 0) {
		snprintf(err, cap, "the first line must name the columns foodbank_slug and needs");
		csv_release(&r);
		return -1;
	}
	while ((nf = csv_next(&r)) != 0) {
		if (nf < 0) {
			/* a broken record: the reader cannot find where the next begins */
			sink->bad(r.line, r.err, sink->arg);
			break;
		}
		if (nf <= col_slug || nf <= col_needs) {
			sink->bad(r.line, "the line has too few fields", sink->arg);
			continue;
		}
		row_from(sink, r.line, r.f[col_slug].p, r.f[col_needs].p,
			 col_excess >= 0 && nf > col_excess ? r.f[col_excess].p : "");
	}
	csv_release(&r);
	return 0;
}

int feed_parse(const char *buf, size_t n, const struct feed_sink *sink, char *err, size_t cap)
{
	size_t i = 0;
	if (n > FEED_MAX_BYTES) {
		snprintf(err, cap, "the feed is larger than %u MiB", FEED_MAX_BYTES >> 20);
		return -1;
	}
	if (!utf8_valid(buf, n)) {
		snprintf(err, cap, "the feed is not UTF-8 text");
		return -1;
	}
	while (i < n && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t'))
		i++;
	if (i < n && buf[i] == '[')
		return parse_json(buf, n, sink, err, cap);
	return parse_csv(buf, n, sink, err, cap);
}
