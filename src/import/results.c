/*
 * House of Commons Library results, one row per seat, in either header
 * style (2017 snake_case, 2019/2024 Title Case), with or without BOM, with
 * "72,580" thousands separators.  Every seat must be on the election's
 * boundary set; every majority positive and no larger than the valid vote.
 */
#include <stdio.h>
#include <string.h>

#include "import/import_int.h"
#include "seats/party.h"
#include "util/csv.h"
#include "util/num.h"

static const struct election_file {
	int year, set; /* set: index into imp->sets */
	const char *file;
} files[] = {
	{ 2017, 0, "HoC-GE2017-constituency-results.csv" },
	{ 2019, 0, "HoC-GE2019-results-by-constituency.csv" },
	{ 2024, 1, "HoC-GE2024-results-by-constituency.csv" },
};

/* Columns that are not parties' votes although they hold numbers. */
static int is_party_column(const char *folded_name)
{
	static const char *const parties[] = {
		"con", "lab", "ld", "ukip", "brx", "ruk", "green", "snp", "pc", "dup",
		"sf", "sdlp", "uup", "alliance", "apni", "other", "allothercandidates",
	};
	for (size_t i = 0; i < sizeof(parties) / sizeof(parties[0]); i++)
		if (strcmp(parties[i], folded_name) == 0)
			return 1;
	return 0;
}

struct cols {
	int code, name, first, second, electorate, valid, invalid, majority;
	int result, first_name, surname, region, country;
	int party[32];
	char party_code[32][PARTY_CODE_MAX];
	int nparty;
};

static int find_cols(struct csv *r, struct cols *c)
{
	c->code = csv_header_index(r, "ons_id");
	if (c->code < 0)
		c->code = csv_header_index(r, "id");
	c->name = csv_header_index(r, "constituency_name");
	c->first = csv_header_index(r, "first_party");
	c->second = csv_header_index(r, "second_party");
	c->electorate = csv_header_index(r, "electorate");
	c->valid = csv_header_index(r, "valid_votes");
	c->invalid = csv_header_index(r, "invalid_votes");
	c->majority = csv_header_index(r, "majority");
	c->result = csv_header_index(r, "result");
	c->first_name = csv_header_index(r, "member_first_name");
	c->surname = csv_header_index(r, "member_surname");
	c->region = csv_header_index(r, "region_name");
	c->country = csv_header_index(r, "country_name");
	c->nparty = 0;
	for (size_t i = 0; i < r->nf && c->nparty < 32; i++) {
		char folded[64];
		size_t m = 0;
		for (size_t k = 0; k < r->f[i].len && m + 1 < sizeof(folded); k++) {
			char ch = r->f[i].p[k];
			if (ch >= 'A' && ch <= 'Z')
				ch = (char)(ch - 'A' + 'a');
			if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
				folded[m++] = ch;
		}
		folded[m] = '\0';
		if (!is_party_column(folded))
			continue;
		if (strcmp(folded, "allothercandidates") == 0)
			strcpy(folded, "other");
		if (party_code(folded, strlen(folded), c->party_code[c->nparty]))
			continue;
		c->party[c->nparty++] = (int)i;
	}
	return c->code < 0 || c->name < 0 || c->first < 0 || c->second < 0 ||
			       c->electorate < 0 || c->valid < 0 || c->majority < 0 ||
			       c->nparty == 0
		       ? -1
		       : 0;
}

static const char *field(const struct csv *r, int i, size_t *len)
{
	if (i < 0 || (size_t)i >= r->nf) {
		*len = 0;
		return NULL;
	}
	*len = r->f[i].len;
	return r->f[i].p;
}

static int bind_opt(struct db_stmt *st, int at, const struct csv *r, int col)
{
	size_t n;
	const char *s = field(r, col, &n);
	return s && n ? db_bind_text(st, at, s, n) : db_bind_null(st, at);
}

static int load_file(struct import *imp, const struct election_file *ef)
{
	char path[1024];
	struct csv r;
	struct cols c;
	struct db_stmt *ins = NULL, *vote = NULL, *rename = NULL;
	int nf, rc = -1;
	const struct bset *set = &imp->sets[ef->set];

	snprintf(path, sizeof(path), "%s/results/%s", imp->dir, ef->file);
	if (import_csv_open(imp, &r, path))
		return -1;
	if (find_cols(&r, &c)) {
		import_fail(imp, path, r.line,
			    "header needs an ONS code, constituency name, first and second party,"
			    " electorate, valid votes, majority and party vote columns");
		goto done;
	}
	ins = db_prepare(imp->db,
			 "INSERT INTO results (election, code, first_party, second_party,"
			 " electorate, valid_votes, invalid_votes, majority, result, member,"
			 " region, country, boundary_set)"
			 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	vote = db_prepare(imp->db, "INSERT INTO result_votes (election, code, party, votes)"
				   " VALUES (?, ?, ?, ?)");
	/* some boundary files name seats in capitals (BELFAST SOUTH): prefer the
	 * Library's spelling then */
	rename = db_prepare(imp->db, "UPDATE constituencies SET name = ? WHERE boundary_set = ?"
				     " AND code = ? AND name = upper(name)");
	if (!ins || !vote || !rename) {
		import_fail(imp, path, 0, "%s", db_errmsg(imp->db));
		goto done;
	}
	while ((nf = csv_next(&r)) > 0) {
		size_t n;
		const char *code, *s;
		char first[PARTY_CODE_MAX], second[PARTY_CODE_MAX], member[256];
		const char *first_raw, *second_raw;
		size_t first_len, second_len;
		long electorate, valid, invalid = -1, majority;

		if (nf == 1 && r.f[0].len == 0)
			continue;
		code = field(&r, c.code, &n);
		if (!code || bset_find(set, code, n) < 0) {
			import_fail(imp, path, r.line, "seat code %.*s is not on the %d boundaries",
				    code ? (int)n : 0, code ? code : "", set->year);
			goto done;
		}
		s = first_raw = field(&r, c.first, &first_len);
		if (!s || party_code(s, first_len, first)) {
			import_fail(imp, path, r.line, "first party is missing or malformed");
			goto done;
		}
		s = second_raw = field(&r, c.second, &second_len);
		if (!s || party_code(s, second_len, second)) {
			import_fail(imp, path, r.line, "second party is missing or malformed");
			goto done;
		}
		s = field(&r, c.electorate, &n);
		if (!s || num_parse_count(s, n, 10000000, &electorate) || electorate <= 0) {
			import_fail(imp, path, r.line, "electorate is not a positive number");
			goto done;
		}
		s = field(&r, c.valid, &n);
		if (!s || num_parse_count(s, n, electorate, &valid) || valid <= 0) {
			import_fail(imp, path, r.line, "valid votes not a number in 1..electorate");
			goto done;
		}
		s = field(&r, c.invalid, &n);
		if (s && n && num_parse_count(s, n, electorate, &invalid)) {
			import_fail(imp, path, r.line, "invalid votes is not a number");
			goto done;
		}
		s = field(&r, c.majority, &n);
		if (!s || num_parse_count(s, n, valid, &majority) || majority <= 0) {
			import_fail(imp, path, r.line, "majority is not a number in 1..valid votes");
			goto done;
		}
		size_t fl, sl;
		const char *fn = field(&r, c.first_name, &fl), *sn = field(&r, c.surname, &sl);
		int have_member = fn && sn && fl + sl > 0;
		int ml = snprintf(member, sizeof(member), "%.*s%s%.*s", fn ? (int)fl : 0,
				  fn ? fn : "", fl && sl ? " " : "", sn ? (int)sl : 0, sn ? sn : "");
		size_t code_len;
		code = field(&r, c.code, &code_len);
		db_reset(ins);
		if (db_bind_int(ins, 1, ef->year) || db_bind_text(ins, 2, code, code_len) ||
		    db_bind_text(ins, 3, first_raw, first_len) ||
		    db_bind_text(ins, 4, second_raw, second_len) ||
		    db_bind_int(ins, 5, electorate) || db_bind_int(ins, 6, valid) ||
		    (invalid >= 0 ? db_bind_int(ins, 7, invalid) : db_bind_null(ins, 7)) ||
		    db_bind_int(ins, 8, majority) || bind_opt(ins, 9, &r, c.result) ||
		    (have_member && ml > 0 ? db_bind_str(ins, 10, member)
					   : db_bind_null(ins, 10)) ||
		    bind_opt(ins, 11, &r, c.region) || bind_opt(ins, 12, &r, c.country) ||
		    db_bind_int(ins, 13, set->year) || db_step(ins) != DB_DONE) {
			import_fail(imp, path, r.line, "%s", db_errmsg(imp->db));
			goto done;
		}
		const char *name = field(&r, c.name, &n);
		db_reset(rename);
		if (name && n &&
		    (db_bind_text(rename, 1, name, n) || db_bind_int(rename, 2, set->year) ||
		     db_bind_text(rename, 3, code, code_len) || db_step(rename) != DB_DONE)) {
			import_fail(imp, path, r.line, "%s", db_errmsg(imp->db));
			goto done;
		}
		for (int p = 0; p < c.nparty; p++) {
			long votes;
			s = field(&r, c.party[p], &n);
			if (!s || n == 0)
				continue;
			if (num_parse_count(s, n, valid, &votes)) {
				import_fail(imp, path, r.line, "votes for %s are not a number",
					    c.party_code[p]);
				goto done;
			}
			if (votes == 0)
				continue;
			db_reset(vote);
			if (db_bind_int(vote, 1, ef->year) || db_bind_text(vote, 2, code, code_len) ||
			    db_bind_str(vote, 3, c.party_code[p]) ||
			    db_bind_int(vote, 4, votes) || db_step(vote) != DB_DONE) {
				import_fail(imp, path, r.line, "%s", db_errmsg(imp->db));
				goto done;
			}
		}
		imp->stats->results++;
	}
	if (nf < 0) {
		import_fail(imp, path, r.line, "%s", r.err);
		goto done;
	}
	rc = 0;
done:
	db_finalize(ins);
	db_finalize(vote);
	db_finalize(rename);
	csv_release(&r);
	return rc;
}

int import_results(struct import *imp)
{
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (load_file(imp, &files[i]))
			return -1;
	return 0;
}
