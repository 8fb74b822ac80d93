#include "opinion/polis.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/csv.h"
#include "util/mem.h"
#include "util/num.h"

struct row {
	long ts;
	long line, comment, voter;
	int vote;
};

static int by_voter_comment_time(const void *pa, const void *pb)
{
	const struct row *a = pa, *b = pb;
	if (a->voter != b->voter)
		return a->voter < b->voter ? -1 : 1;
	if (a->comment != b->comment)
		return a->comment < b->comment ? -1 : 1;
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return (a->line > b->line) - (a->line < b->line);
}

static int cmp_long(const void *pa, const void *pb)
{
	long a = *(const long *)pa, b = *(const long *)pb;
	return (a > b) - (a < b);
}

/* Sorts and dedupes ids in place; the count kept. */
static int unique(long *ids, size_t n)
{
	size_t k = 0;
	qsort(ids, n, sizeof(long), cmp_long);
	for (size_t i = 0; i < n; i++)
		if (k == 0 || ids[k - 1] != ids[i])
			ids[k++] = ids[i];
	return (int)k;
}

static int column(const struct csv *r, const char *name)
{
	for (size_t i = 0; i < r->nf; i++)
		if (!strcmp(r->f[i].p, name))
			return (int)i;
	return -1;
}

int polis_votes_read(const char *path, struct polis_votes *out, char *err, size_t errlen)
{
	struct csv r;
	struct row *rows = NULL;
	size_t n = 0, cap = 0;
	long *ids = NULL;
	int rc = -1, c_ts, c_comment, c_voter, c_vote, nf;

	memset(out, 0, sizeof(*out));
	if (csv_open(&r, path)) {
		snprintf(err, errlen, "%s", r.err);
		return -1;
	}
	if (csv_next(&r) <= 0) {
		snprintf(err, errlen, "no header line");
		goto fail;
	}
	c_ts = column(&r, "timestamp");
	c_comment = column(&r, "comment-id");
	c_voter = column(&r, "voter-id");
	c_vote = column(&r, "vote");
	if (c_ts < 0 || c_comment < 0 || c_voter < 0 || c_vote < 0) {
		snprintf(err, errlen,
			 "line 1: the header needs timestamp, comment-id, voter-id and vote");
		goto fail;
	}
	while ((nf = csv_next(&r)) > 0) {
		long ts, comment, voter, vote;
		if (nf == 1 && r.f[0].len == 0)
			continue;
		if (n == POLIS_VOTES_MAX) {
			snprintf(err, errlen, "line %ld: more than %ld votes", r.line,
				 POLIS_VOTES_MAX);
			goto fail;
		}
		if ((size_t)nf <= (size_t)c_ts || (size_t)nf <= (size_t)c_comment ||
		    (size_t)nf <= (size_t)c_voter || (size_t)nf <= (size_t)c_vote) {
			snprintf(err, errlen, "line %ld: %d fields, too few", r.line, nf);
			goto fail;
		}
		if (num_parse_long(r.f[c_ts].p, r.f[c_ts].len, 0, 1L << 62, &ts) ||
		    num_parse_long(r.f[c_comment].p, r.f[c_comment].len, 0, POLIS_ID_MAX,
				   &comment) ||
		    num_parse_long(r.f[c_voter].p, r.f[c_voter].len, 0, POLIS_ID_MAX, &voter) ||
		    num_parse_long(r.f[c_vote].p, r.f[c_vote].len, -1, 1, &vote)) {
			snprintf(
			    err, errlen,
			    "line %ld: timestamp, comment-id and voter-id must be whole numbers"
			    " and vote -1, 0 or 1",
			    r.line);
			goto fail;
		}
		xgrow(&rows, &cap, n + 1, sizeof(*rows));
		rows[n++] = (struct row){ ts, r.line, comment, voter, (int)vote };
	}
	if (nf < 0) {
		snprintf(err, errlen, "line %ld: %s", r.line, r.err);
		goto fail;
	}

	qsort(rows, n, sizeof(*rows), by_voter_comment_time);
	ids = xmalloc((n + 1) * sizeof(long));
	for (size_t i = 0; i < n; i++)
		ids[i] = rows[i].voter;
	out->in.members = unique(ids, n);
	out->member_id = ids;
	ids = xmalloc((n + 1) * sizeof(long));
	for (size_t i = 0; i < n; i++)
		ids[i] = rows[i].comment;
	out->in.statements = unique(ids, n);
	out->statement_id = ids;
	ids = NULL;
	out->votes = xmalloc((n + 1) * sizeof(*out->votes));
	for (size_t i = 0; i < n; i++) {
		if (i + 1 < n && rows[i + 1].voter == rows[i].voter &&
		    rows[i + 1].comment == rows[i].comment)
			continue; /* a later vote replaces this one */
		out->votes[out->in.nvotes++] = (struct opinion_vote){
			opinion_index(out->member_id, out->in.members, rows[i].voter),
			opinion_index(out->statement_id, out->in.statements, rows[i].comment),
			rows[i].vote,
		};
	}
	out->in.votes = out->votes;
	rc = 0;
fail:
	free(rows);
	free(ids);
	csv_release(&r);
	if (rc)
		polis_votes_release(out);
	return rc;
}

void polis_votes_release(struct polis_votes *pv)
{
	free(pv->votes);
	free(pv->member_id);
	free(pv->statement_id);
	memset(pv, 0, sizeof(*pv));
}

json_t *polis_map_json(const struct polis_votes *pv, const struct opinion_map *m)
{
	json_t *members = json_object(), *points = json_object(), *consensus = json_array();
	json_t *rep = json_object();
	char id[32];

	for (int i = 0; i < m->members; i++) {
		if (!m->on_map[i])
			continue;
		snprintf(id, sizeof(id), "%ld", pv->member_id[i]);
		if (m->group[i] >= 0)
			json_object_set_new(members, id, json_integer(m->group[i]));
		json_object_set_new(points, id,
				    json_pack("[f, f]", m->point[i][0], m->point[i][1]));
	}
	for (int c = 0; c < m->nconsensus; c++)
		json_array_append_new(consensus,
				      json_integer(pv->statement_id[m->consensus[c].statement]));
	for (int g = 0; g < m->k; g++) {
		json_t *list = json_array();
		for (int r = 0; r < m->nrep[g]; r++)
			json_array_append_new(
			    list, json_integer(pv->statement_id[m->rep[g][r].statement]));
		snprintf(id, sizeof(id), "%d", g);
		json_object_set_new(rep, id, list);
	}
	return json_pack("{s:i, s:o, s:o, s:o, s:o}", "groups", m->k, "members", members, "points",
			 points, "consensus", consensus, "representative", rep);
}
