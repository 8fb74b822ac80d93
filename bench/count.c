/*
 * make bench (part five): a Scottish STV count of 100,000 ballots ranking
 * up to 20 candidates for 5 seats (issue 12's floor: one second on one
 * core), and the same as 100,000 distinct lines.  Prints Markdown rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "count/ballots.h"
#include "count/stv.h"
#include "util/buf.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A BLT text: candidates favoured unevenly (so surpluses and exclusions
 * both happen), each paper ranking 1 to 20 of them. */
static void ballots_text(struct buf *b, int papers, int ncand, int seats, unsigned seed)
{
	srand(seed);
	buf_printf(b, "%d %d\n", ncand, seats);
	for (int i = 0; i < papers; i++) {
		int used[64] = { 0 }, n = 1 + rand() % ncand;
		buf_puts(b, "1");
		for (int k = 0; k < n; k++) {
			int c;
			do
				c = (int)((double)ncand * ((double)rand() / RAND_MAX) *
					  ((double)rand() / RAND_MAX));
			while (c >= ncand || used[c]);
			used[c] = 1;
			buf_printf(b, " %d", c + 1);
		}
		buf_puts(b, " 0\n");
	}
	buf_puts(b, "0\n");
	for (int c = 0; c < ncand; c++)
		buf_printf(b, "\"Candidate %d\"\n", c + 1);
	buf_puts(b, "\"Bench\"\n");
}

int main(void)
{
	struct buf text;
	struct ballots b;
	struct count_result r;
	char err[256];

	buf_init(&text, 64u << 20);
	ballots_text(&text, 100000, 20, 5, 42);
	double t0 = now();
	if (blt_parse(text.p, text.len, &b, err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return 1;
	}
	double t1 = now();
	printf("| 100,000 ballots, 20 candidates, 5 seats: parse | %.0f ms | |\n", (t1 - t0) * 1e3);
	static const enum count_rule rules[] = { RULE_SCOTTISH, RULE_ERS97, RULE_MEEK };
	for (size_t k = 0; k < sizeof(rules) / sizeof(rules[0]); k++) {
		t1 = now();
		if (count_run(&b, &(struct count_rules){ .rule = rules[k] }, &r, err, sizeof(err))) {
			fprintf(stderr, "bench: %s\n", err);
			return 1;
		}
		double t2 = now();
		int iterations = 0;
		for (int s = 0; s < r.nstages; s++)
			iterations += r.stages[s].iterations;
		printf("| count, %s | %.0f ms | %d stages%s%.0d%s |\n", count_rule_name(rules[k]),
		       (t2 - t1) * 1e3, r.nstages, iterations ? ", " : "", iterations,
		       iterations ? " iterations" : "");
		count_release(&r);
	}
	ballots_release(&b);
	buf_release(&text);
	return 0;
}
