#include "count/report.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util/jsonw.h"

static const char *const actions[] = { "first", "surplus", "exclude" };

static const char *rule_words(const struct count_result *r)
{
	switch (r->rule) {
	case RULE_SCOTTISH: return "Scottish STV (SSI 2007/42)";
	case RULE_ERS97: return "STV, ERS97 rules";
	case RULE_MEEK: return "STV, Meek (PR Foundation reference rule)";
	case RULE_IRV: return "instant-runoff (IRV)";
	case RULE_BLOCK: break;
	}
	return r->seats == 1 ? "first past the post" : "block vote";
}

static int has_quota(const struct count_result *r)
{
	return r->rule == RULE_SCOTTISH || r->rule == RULE_ERS97 || r->rule == RULE_MEEK;
}

static void stage_words(struct buf *out, const struct ballots *b, const struct count_result *r,
			const struct count_stage *st);

static void key_amount(struct jw *w, const struct count_result *r, const char *key, int64_t v)
{
	char t[40];
	count_amount_text(r, v, t, sizeof(t));
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

static void groups_json(struct jw *w, const struct ballots *b, const struct count_result *r)
{
	jw_arr(w);
	for (int g = 0; g < r->rules->ngroups; g++) {
		const struct count_group *grp = &r->rules->group[g];
		int who[BALLOTS_MAX_CANDIDATES], n = 0, won = 0;
		for (int i = 0; i < b->ncand; i++)
			if (grp->member[i])
				who[n++] = i;
		for (int i = 0; i < r->nelected; i++)
			won += grp->member[r->elected[i]];
		jw_obj(w);
		jw_key_str(w, "name", grp->name);
		jw_key_int(w, "min", grp->min);
		jw_key(w, "max");
		if (grp->max < 0)
			jw_null(w);
		else
			jw_int(w, grp->max);
		jw_key(w, "candidates");
		names(w, b, who, n);
		jw_key_int(w, "elected", won);
		jw_obj_end(w);
	}
	jw_arr_end(w);
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
	if (has_quota(r))
		key_amount(&w, r, "quota", r->quota);
	else {
		jw_key(&w, "quota");
		jw_null(&w);
	}
	jw_key_int(&w, "decimals", r->places);
	jw_key(&w, "elected");
	names(&w, b, r->elected, r->nelected);
	for (int i = 0; i < r->nelected; i++)
		if (r->without_quota[r->elected[i]])
			order[n++] = r->elected[i];
	jw_key(&w, "elected_without_quota");
	names(&w, b, order, n);
	n = 0;
	for (int s = 0; s < r->nstages; s++)
		for (int k = 0; r->stages[s].action == STAGE_EXCLUDE && k < r->stages[s].nexcluded;
		     k++)
			if (!r->stages[s].substage || r->stages[s].substage == 1)
				order[n++] = r->stages[s].excluded[k];
	jw_key(&w, "excluded");
	names(&w, b, order, n);
	if (r->rules->ngroups) {
		jw_key(&w, "groups");
		groups_json(&w, b, r);
	}
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
		if (st->nexcluded > 1 || (st->action == STAGE_FIRST && st->nexcluded)) {
			jw_key(&w, st->action == STAGE_FIRST ? "passed_over" : "excluded");
			names(&w, b, st->excluded, st->nexcluded);
		}
		if (st->action == STAGE_EXCLUDE && st->why == EXCLUDE_BALANCE)
			jw_key_str(&w, "because", r->rules->group[st->group].name);
		if (st->kept >= 0) {
			jw_key_str(&w, "kept", b->names[st->kept]);
			jw_key_str(&w, "kept_because", r->rules->group[st->kept_group].name);
		}
		if (st->action == STAGE_SURPLUS)
			key_amount(&w, r, "surplus", st->surplus);
		if (st->deferred)
			key_amount(&w, r, "surplus_deferred", st->deferred);
		if (st->substages) {
			jw_key_int(&w, "substage", st->substage);
			jw_key_int(&w, "substages", st->substages);
			key_amount(&w, r, "papers_at", st->batch_value);
		}
		if (st->iterations)
			jw_key_int(&w, "iterations", st->iterations);
		if (r->rule == RULE_ERS97 || r->rule == RULE_MEEK)
			key_amount(&w, r, "quota", st->quota);
		if (st->tie)
			jw_key_str(&w, "tie_broken_by", st->tie_by_lot ? "lot" : "earlier_stage");
		struct buf words;
		buf_init(&words, 4096);
		stage_words(&words, b, r, st);
		if (words.len && !words.overflow) {
			words.p[words.len - 1] = '\0'; /* the sheet's newline */
			jw_key_str(&w, "words", words.p);
		}
		buf_release(&words);
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

static void row(struct buf *out, const struct count_result *r, const char *label, const int64_t *v,
		size_t stride, int width)
{
	char t[40];
	buf_printf(out, "%-32.32s", label);
	for (int s = 0; s < r->nstages; s++) {
		count_amount_text(r, *(const int64_t *)((const char *)v + stride * (size_t)s), t,
				  sizeof(t));
		buf_printf(out, "%*s", width, t);
	}
	buf_puts(out, "\n");
}

/* What stage st did, in words. */
static void stage_words(struct buf *out, const struct ballots *b, const struct count_result *r,
			const struct count_stage *st)
{
	char t[40];
	if (st->action == STAGE_FIRST)
		buf_puts(out, "first preferences");
	else if (st->action == STAGE_SURPLUS && st->candidate >= 0) {
		count_amount_text(r, st->surplus, t, sizeof(t));
		buf_printf(out, "surplus of %s (%s) transferred", b->names[st->candidate], t);
	} else if (st->action == STAGE_SURPLUS) {
		count_amount_text(r, st->surplus, t, sizeof(t));
		buf_printf(out, "surpluses (%s) passed on by lowering keep values", t);
	} else {
		for (int k = 0; k < st->nexcluded; k++)
			buf_printf(out, "%s%s", k ? (k + 1 == st->nexcluded ? " and " : ", ") : "",
				   b->names[st->excluded[k]]);
		buf_puts(out, " excluded");
		if (st->why == EXCLUDE_BALANCE)
			buf_printf(out, " (electing them would break the rule for %s)",
				   r->rules->group[st->group].name);
		if (st->substages) {
			count_amount_text(r, st->batch_value, t, sizeof(t));
			buf_printf(out, ", papers at %s (batch %d of %d)", t, st->substage,
				   st->substages);
		}
	}
	if (st->kept >= 0)
		buf_printf(out, " (%s, with fewer votes, is kept for the rule for %s)",
			   b->names[st->kept], r->rules->group[st->kept_group].name);
	if (st->deferred) {
		count_amount_text(r, st->deferred, t, sizeof(t));
		buf_printf(out, "; surpluses of %s deferred", t);
	}
	if (st->iterations)
		buf_printf(out, " (%d iteration%s)", st->iterations,
			   st->iterations == 1 ? "" : "s");
	if (st->tie)
		buf_puts(out, st->tie_by_lot ? " (a tie, broken by lot)"
					     : " (a tie, broken by an earlier stage)");
	for (int k = 0; k < st->nelected; k++)
		buf_printf(out, "%s %s elected%s", k ? ";" : ".", b->names[st->elected[k]],
			   r->without_quota[st->elected[k]] ? " (without reaching the quota)" : "");
	if (st->action == STAGE_FIRST && st->nexcluded) {
		buf_puts(out, ". Passed over for the group rules:");
		for (int k = 0; k < st->nexcluded; k++)
			buf_printf(out, "%s %s", k ? "," : "", b->names[st->excluded[k]]);
	}
	buf_puts(out, ".\n");
}

/* The sheet: one row per candidate, one column per stage, the transfers
 * between; then what each stage did, and the result in words. */
void count_report_text(const struct ballots *b, const struct count_result *r, struct buf *out)
{
	char t[40];
	int width = r->places > 5 ? 16 : 12;
	size_t stride = sizeof(struct count_stage);

	buf_printf(out, "%s\n", b->title);
	buf_printf(out, "Rule: %s. Seats: %d. Valid votes: %lld.", rule_words(r), r->seats,
		   b->papers);
	if (has_quota(r)) {
		count_amount_text(r, r->stages[0].quota, t, sizeof(t));
		buf_printf(out, " Quota: %s%s.", t,
			   r->stages[r->nstages - 1].quota != r->stages[0].quota ? " at first"
										 : "");
	}
	buf_puts(out, "\n");
	for (int g = 0; g < r->rules->ngroups; g++) {
		const struct count_group *grp = &r->rules->group[g];
		buf_printf(out, "Group rule: %s, at least %d", grp->name, grp->min);
		if (grp->max >= 0)
			buf_printf(out, " and at most %d", grp->max);
		buf_puts(out, " of the seats.\n");
	}
	buf_puts(out, "\n");
	buf_printf(out, "%-32s", "Stage");
	for (int s = 0; s < r->nstages; s++)
		buf_printf(out, "%*d", width, s + 1);
	buf_puts(out, "\n");
	for (int i = 0; i < b->ncand; i++) {
		if (r->state[i] == CAND_WITHDRAWN)
			continue;
		buf_printf(out, "%-32.32s", b->names[i]);
		for (int s = 0; s < r->nstages; s++) {
			count_amount_text(r, r->stages[s].totals[i], t, sizeof(t));
			buf_printf(out, "%*s", width, t);
		}
		buf_puts(out, "\n");
	}
	row(out, r, "Non-transferable", &r->stages[0].non_transferable, stride, width);
	if (r->rule == RULE_SCOTTISH || r->rule == RULE_ERS97)
		row(out, r, "Loss of fractions", &r->stages[0].loss, stride, width);
	if (r->rule == RULE_ERS97 || r->rule == RULE_MEEK)
		row(out, r, "Quota", &r->stages[0].quota, stride, width);
	buf_puts(out, "\n");
	for (int s = 0; s < r->nstages; s++) {
		buf_printf(out, "Stage %d: ", s + 1);
		stage_words(out, b, r, &r->stages[s]);
	}
	buf_puts(out, "\nElected, in order:");
	for (int i = 0; i < r->nelected; i++)
		buf_printf(out, "%s %s", i ? "," : "", b->names[r->elected[i]]);
	buf_puts(out, ".\n");
}
