#include "count/report.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/jsonw.h"

static const char *const actions[] = { "first", "surplus", "exclude" };

/* A total as the rule states it: five places for STV, whole votes for IRV. */
static void amount(const struct count_result *r, int64_t units, char *out, size_t cap)
{
	if (r->rule != RULE_SCOTTISH)
		snprintf(out, cap, "%" PRId64, units / COUNT_UNIT);
	else
		count_units_text(units, out, cap);
}

static void key_amount(struct jw *w, const struct count_result *r, const char *key, int64_t v)
{
	char t[32];
	amount(r, v, t, sizeof(t));
	jw_key_str(w, key, t);
}

static void names(struct jw *w, const struct ballots *b, const int *who, int n)
{
	jw_arr(w);
	for (int i = 0; i < n; i++)
		jw_str(w, b->names[who[i]]);
	jw_arr_end(w);
}

static void totals(struct jw *w, const struct ballots *b, const struct count_result *r,
		   const int64_t *t)
{
	jw_obj(w);
	for (int i = 0; i < b->ncand; i++)
		if (r->state[i] != CAND_WITHDRAWN)
			key_amount(w, r, b->names[i], t[i]);
	jw_obj_end(w);
}

void count_report_json(const struct ballots *b, const struct count_result *r, struct buf *out)
{
	struct jw w;
	const struct count_stage *last = &r->stages[r->nstages - 1];
	int order[BALLOTS_MAX_CANDIDATES], n = 0;

	jw_init(&w, out);
	jw_obj(&w);
	jw_key_str(&w, "rule", count_rule_name(r->rule));
	jw_key_str(&w, "title", b->title);
	jw_key_int(&w, "seats", r->seats);
	jw_key(&w, "candidates");
	jw_arr(&w);
	for (int i = 0; i < b->ncand; i++)
		jw_str(&w, b->names[i]);
	jw_arr_end(&w);
	jw_key(&w, "withdrawn");
	jw_arr(&w);
	for (int i = 0; i < b->ncand; i++)
		if (b->withdrawn[i])
			jw_str(&w, b->names[i]);
	jw_arr_end(&w);
	jw_key_int(&w, "valid_votes", b->papers);
	jw_key(&w, "quota");
	if (r->rule != RULE_SCOTTISH)
		jw_null(&w);
	else
		jw_int(&w, r->quota / COUNT_UNIT);
	jw_key(&w, "elected");
	names(&w, b, r->elected, r->nelected);
	for (int i = 0; i < r->nelected; i++)
		if (r->without_quota[r->elected[i]])
			order[n++] = r->elected[i];
	jw_key(&w, "elected_without_quota");
	names(&w, b, order, n);
	n = 0;
	for (int s = 0; s < r->nstages; s++)
		if (r->stages[s].action == STAGE_EXCLUDE)
			order[n++] = r->stages[s].candidate;
	jw_key(&w, "excluded");
	names(&w, b, order, n);
	jw_key(&w, "final_totals");
	totals(&w, b, r, last->totals);
	key_amount(&w, r, "final_non_transferable", last->non_transferable);
	key_amount(&w, r, "final_loss_fractions", last->loss);
	jw_key_int(&w, "n_stages", r->nstages);
	jw_key(&w, "stages");
	jw_arr(&w);
	for (int s = 0; s < r->nstages; s++) {
		const struct count_stage *st = &r->stages[s];
		jw_obj(&w);
		jw_key_int(&w, "stage", s + 1);
		jw_key_str(&w, "action", actions[st->action]);
		jw_key_str_or_null(&w, "candidate",
				   st->candidate >= 0 ? b->names[st->candidate] : NULL);
		if (st->action == STAGE_SURPLUS)
			key_amount(&w, r, "surplus", st->surplus);
		if (st->tie)
			jw_key_str(&w, "tie_broken_by", st->tie_by_lot ? "lot" : "earlier_stage");
		jw_key(&w, "totals");
		totals(&w, b, r, st->totals);
		key_amount(&w, r, "non_transferable", st->non_transferable);
		key_amount(&w, r, "loss_fractions", st->loss);
		jw_key(&w, "elected");
		names(&w, b, st->elected, st->nelected);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
}

/* The sheet: one row per candidate, one column per stage, the transfers
 * between; then what each stage did, and the result in words. */
void count_report_text(const struct ballots *b, const struct count_result *r, struct buf *out)
{
	char t[32];
	int width = 12;

	buf_printf(out, "%s\n", b->title);
	buf_printf(out, "Rule: %s. Seats: %d. Valid votes: %lld.",
		   r->rule == RULE_IRV	   ? "instant-runoff (IRV)"
		   : r->rule == RULE_BLOCK ? (r->seats == 1 ? "first past the post" : "block vote")
					   : "Scottish STV (SSI 2007/42)",
		   r->seats, b->papers);
	if (r->rule == RULE_SCOTTISH)
		buf_printf(out, " Quota: %" PRId64 ".", r->quota / COUNT_UNIT);
	buf_puts(out, "\n\n");
	buf_printf(out, "%-32s", "Stage");
	for (int s = 0; s < r->nstages; s++)
		buf_printf(out, "%*d", width, s + 1);
	buf_puts(out, "\n");
	for (int i = 0; i < b->ncand; i++) {
		if (r->state[i] == CAND_WITHDRAWN)
			continue;
		buf_printf(out, "%-32.32s", b->names[i]);
		for (int s = 0; s < r->nstages; s++) {
			amount(r, r->stages[s].totals[i], t, sizeof(t));
			buf_printf(out, "%*s", width, t);
		}
		buf_puts(out, "\n");
	}
	buf_printf(out, "%-32s", "Non-transferable");
	for (int s = 0; s < r->nstages; s++) {
		amount(r, r->stages[s].non_transferable, t, sizeof(t));
		buf_printf(out, "%*s", width, t);
	}
	if (r->rule == RULE_SCOTTISH) {
		buf_printf(out, "\n%-32s", "Loss of fractions");
		for (int s = 0; s < r->nstages; s++) {
			amount(r, r->stages[s].loss, t, sizeof(t));
			buf_printf(out, "%*s", width, t);
		}
	}
	buf_puts(out, "\n\n");
	for (int s = 0; s < r->nstages; s++) {
		const struct count_stage *st = &r->stages[s];
		buf_printf(out, "Stage %d: ", s + 1);
		if (st->action == STAGE_FIRST)
			buf_puts(out, "first preferences");
		else if (st->action == STAGE_SURPLUS) {
			amount(r, st->surplus, t, sizeof(t));
			buf_printf(out, "surplus of %s (%s) transferred", b->names[st->candidate],
				   t);
		} else {
			buf_printf(out, "%s excluded", b->names[st->candidate]);
		}
		if (st->tie)
			buf_puts(out, st->tie_by_lot ? " (a tie, broken by lot)"
						     : " (a tie, broken by an earlier stage)");
		for (int k = 0; k < st->nelected; k++)
			buf_printf(out, "%s %s elected%s", k ? ";" : ".", b->names[st->elected[k]],
				   r->without_quota[st->elected[k]]
				       ? " (seats left = candidates left)"
				       : "");
		buf_puts(out, ".\n");
	}
	buf_puts(out, "\nElected, in order:");
	for (int i = 0; i < r->nelected; i++)
		buf_printf(out, "%s %s", i ? "," : "", b->names[r->elected[i]]);
	buf_puts(out, ".\n");
}
