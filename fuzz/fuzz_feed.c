/* libFuzzer: any bytes as a needs feed (CSV or JSON) are read or refused,
 * every row is good or reported bad, and a good row's items are plain
 * text within the limits. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "foodbank/feed.h"
#include "foodbank/opening.h"
#include "foodbank/store.h"
#include "util/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void good(const struct feed_row *r, void *arg)
{
	(void)arg;
	if (!r->slug || plain_text_why(r->slug, FOODBANK_SLUG_MAX) || r->nneeds > FEED_ITEMS_MAX ||
	    r->nplenty > FEED_ITEMS_MAX)
		abort();
	for (size_t i = 0; i < r->nneeds; i++)
		if (plain_text_why(r->needs[i], NEED_ITEM_MAX))
			abort();
	for (size_t i = 0; i < r->nplenty; i++)
		if (plain_text_why(r->plenty[i], NEED_ITEM_MAX))
			abort();
}

static void bad(long line, const char *why, void *arg)
{
	(void)arg;
	if (line < 1 || !why || !*why)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct feed_sink sink = { good, bad, NULL };
	char err[256];
	feed_parse((const char *)data, size, &sink, err, sizeof(err));
	/* the same bytes as opening hours: parsed, or refused with a reason */
	char text[OPENING_TEXT_MAX + 2], why[160];
	struct opening o;
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
	memcpy(text, data, n);
	text[n] = '\0';
	if (opening_parse(text, &o, why, sizeof(why))) {
		if (!*why)
			abort();
	} else {
		for (int d = 0; d < 7; d++)
			for (int i = 0; i < o.n[d]; i++)
				if (o.span[d][i].open >= o.span[d][i].close ||
				    (i && o.span[d][i].open < o.span[d][i - 1].close))
					abort();
	}
	return 0;
}
