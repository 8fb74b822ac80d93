#include "seats/seats.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/mem.h"

static const int years[SEATS_NELECTIONS] = { 2017, 2019, 2024 };
static const int boundary_sets[SEATS_NELECTIONS] = { 2010, 2010, 2024 };

static int by_code(const void *a, const void *b)
{
	const struct seat *x = a, *y = b;
	if (x->boundary_set != y->boundary_set)
		return x->boundary_set < y->boundary_set ? -1 : 1;
	return strcmp(x->code, y->code);
}

static int by_result_code(const void *a, const void *b)
{
	return strcmp(((const struct seat_result *)a)->seat->code,
		      ((const struct seat_result *)b)->seat->code);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void outline_parse(struct seat *st, const unsigned char *p, size_t len)
{
	uint32_t nrings, cnt;
	size_t off = sizeof(uint32_t);

	st->nrings = 0;
	if (len < sizeof(uint32_t))
		return;
	memcpy(&nrings, p, sizeof(nrings));
	st->ring_len = xcalloc(nrings, sizeof(size_t));
	st->rings = xcalloc(nrings, sizeof(float *));
	for (uint32_t r = 0; r < nrings; r++) {
		if (len - off < sizeof(cnt))
			return;
		memcpy(&cnt, p + off, sizeof(cnt));
		off += sizeof(cnt);
		if ((len - off) / (2 * sizeof(float)) < (size_t)cnt)
			return;
		st->rings[r] = xmalloc(cnt * 2 * sizeof(float));
		memcpy(st->rings[r], p + off, cnt * 2 * sizeof(float));
		st->ring_len[r] = cnt;
		off += cnt * 2 * sizeof(float);
		st->nrings = r + 1;
	}
}

/* The land raster, when the import built one: 0 (with or without), -1. */
static int load_grid(struct seats *s, struct db *db)
{
	struct db_stmt *st = db_prepare(db, "SELECT lat0, lon0, dlat, dlon, nrows, ncols, land,"
					    " joins FROM travel_grid WHERE id = 1");
	int rc = -1, found = st ? db_one(st) : -1;

	if (found == 0)
		rc = 0;
	if (found == 1) {
		size_t len, jlen;
		const void *bits = db_col_blob(st, 6, &len), *joins = db_col_blob(st, 7, &jlen);
		long long rows = db_col_int(st, 4), cols = db_col_int(st, 5);
		if (rows > 0 && cols > 0 && rows <= UINT32_MAX && cols <= UINT32_MAX && bits &&
		    joins)
			rc = travel_grid_from_bits(&s->grid, db_col_double(st, 0),
						   db_col_double(st, 1), db_col_double(st, 2),
						   db_col_double(st, 3), (uint32_t)rows,
						   (uint32_t)cols, bits, len, joins, jlen);
	}
	db_finalize(st);
	return rc;
}

/* A seat's field into its column, checked to cover the grid exactly: 0, or
 * -1 when it is damaged. */
static int travel_parse(struct seats *s, uint16_t *field, size_t col, size_t ncols, const void *z,
			size_t zlen)
{
	uLongf want = (uLongf)s->grid.nland * sizeof(uint16_t), got = want;

	if (uncompress((Bytef *)field, &got, z, zlen) != Z_OK || got != want)
		return -1;
	for (uint32_t cell = 0; cell < s->grid.nland; cell++)
		s->travel[(size_t)cell * ncols + col] = field[cell];
	return 0;
}

/* In the order seats_find() searches: SQLite's BINARY collation is strcmp's. */
static int load_seats(struct seats *s, struct db *db)
{
	struct db_stmt *count = db_prepare(db, "SELECT count(*) FROM constituencies");
	struct db_stmt *st = db_prepare(db, "SELECT code, name, boundary_set, centre_lat,"
					    " centre_lon, min_lon, min_lat, max_lon, max_lat,"
					    " outline, travel FROM constituencies"
					    " ORDER BY boundary_set, code");
	uint16_t *field = NULL;
	size_t total;
	int rc = -1;

	if (!count || !st || db_one(count) != 1 || load_grid(s, db))
		goto done;
	total = (size_t)db_col_int(count, 0);
	db_reset(count);
	s->seats = xcalloc(total ? total : 1, sizeof(*s->seats));
	if (s->grid.nland && total) {
		s->travel = xmalloc((size_t)s->grid.nland * total * sizeof(*s->travel));
		memset(s->travel, 0xFF, (size_t)s->grid.nland * total * sizeof(*s->travel));
		field = xmalloc(s->grid.nland * sizeof(*field));
	}
	for (size_t i = 0; i < total; i++) {
		if (db_step(st) != DB_ROW)
			goto done; /* rows went while we read */
		struct seat *seat = &s->seats[i];
		s->n = i + 1;
		snprintf(seat->code, sizeof(seat->code), "%s", db_col_text(st, 0));
		seat->name = xstrdup(db_col_text(st, 1));
		seat->boundary_set = (int)db_col_int(st, 2);
		seat->lat = db_col_double(st, 3);
		seat->lon = db_col_double(st, 4);
		seat->minx = db_col_double(st, 5);
		seat->miny = db_col_double(st, 6);
		seat->maxx = db_col_double(st, 7);
		seat->maxy = db_col_double(st, 8);
		seat->index = i;
		size_t blen;
		const void *blob = db_col_blob(st, 9, &blen);
		outline_parse(seat, blob, blen);
		blob = db_col_blob(st, 10, &blen);
		if (blob && field && travel_parse(s, field, i, total, blob, blen))
			goto done;
	}
	rc = 0;
done:
	db_finalize(count);
	db_finalize(st);
	free(field);
	return rc;
}

const uint16_t *seats_travel_row(const struct seats *s, long cell)
{
	if (!s->travel || cell < 0 || (size_t)cell >= s->grid.nland)
		return NULL;
	return s->travel + (size_t)cell * s->n;
}

static int by_votes(const void *a, const void *b)
{
	long va = ((const struct party_votes *)a)->votes, vb = ((const struct party_votes *)b)->votes;
	return va < vb ? 1 : va > vb ? -1 : 0;
}

static long result_index(const struct election *e, const char *code)
{
	size_t lo = 0, hi = e->n;

	if (!code)
		return -1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(e->results[mid].seat->code, code);
		if (c == 0)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int load_election(struct seats *s, struct db *db, struct election *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT code, first_party, second_party, electorate,"
					    " valid_votes, invalid_votes, majority, result,"
					    " member, region, country FROM results"
					    " WHERE election = ?");
	struct db_stmt *vs = db_prepare(db, "SELECT code, party, votes FROM result_votes"
					    " WHERE election = ?");
	size_t cap = 0;
	int rc = -1;

	if (!st || !vs || db_bind_int(st, 1, e->year) || db_bind_int(vs, 1, e->year))
		goto done;
	while (db_step(st) == DB_ROW) {
		const struct seat *seat = seats_find(s, e->boundary_set, db_col_text(st, 0));
		if (!seat)
			goto done;
		xgrow(&e->results, &cap, e->n + 1, sizeof(*e->results));
		struct seat_result *r = &e->results[e->n++];
		memset(r, 0, sizeof(*r));
		r->seat = seat;
		r->first_label = xstrdup(db_col_text(st, 1));
		r->second_label = xstrdup(db_col_text(st, 2));
		if (party_code(r->first_label, strlen(r->first_label), r->first) ||
		    party_code(r->second_label, strlen(r->second_label), r->second))
			goto done;
		r->electorate = (long)db_col_int(st, 3);
		r->valid = (long)db_col_int(st, 4);
		r->invalid = db_col_is_null(st, 5) ? -1 : (long)db_col_int(st, 5);
		r->majority = (long)db_col_int(st, 6);
		r->majority_pct = 100.0 * (double)r->majority / (double)r->valid;
		r->turnout_pct = 100.0 * (double)r->valid / (double)r->electorate;
		r->result = dup_or_null(db_col_text(st, 7));
		r->member = dup_or_null(db_col_text(st, 8));
		r->region = dup_or_null(db_col_text(st, 9));
		r->country = dup_or_null(db_col_text(st, 10));
	}
	qsort(e->results, e->n, sizeof(*e->results), by_result_code);
	while (db_step(vs) == DB_ROW) {
		long at = result_index(e, db_col_text(vs, 0));
		if (at < 0)
			goto done;
		struct seat_result *r = &e->results[at];
		r->votes = xrealloc(r->votes, (r->nvotes + 1) * sizeof(*r->votes));
		snprintf(r->votes[r->nvotes].party, PARTY_CODE_MAX, "%s", db_col_text(vs, 1));
		r->votes[r->nvotes].votes = (long)db_col_int(vs, 2);
		r->nvotes++;
	}
	for (size_t i = 0; i < e->n; i++)
		qsort(e->results[i].votes, e->results[i].nvotes, sizeof(struct party_votes),
		      by_votes);
	rc = 0;
done:
	db_finalize(st);
	db_finalize(vs);
	return rc;
}

int seats_load(struct seats *s, struct db *db, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	if (load_seats(s, db)) {
		snprintf(err, errlen, "reading constituencies: %s (a damaged travel table is"
			 " rebuilt by `turnout import`)", db_errmsg(db));
		return -1;
	}
	if (s->n == 0) {
		snprintf(err, errlen, "no constituencies: run `turnout import` first");
		return -1;
	}
	for (int i = 0; i < SEATS_NELECTIONS; i++) {
		s->elections[i].year = years[i];
		s->elections[i].boundary_set = boundary_sets[i];
		if (load_election(s, db, &s->elections[i])) {
			snprintf(err, errlen, "reading %d results: %s", years[i], db_errmsg(db));
			return -1;
		}
	}
	return 0;
}

void seats_release(struct seats *s)
{
	for (int i = 0; i < SEATS_NELECTIONS; i++) {
		struct election *e = &s->elections[i];
		for (size_t k = 0; k < e->n; k++) {
			free(e->results[k].votes);
			free(e->results[k].first_label);
			free(e->results[k].second_label);
			free(e->results[k].result);
			free(e->results[k].member);
			free(e->results[k].region);
			free(e->results[k].country);
		}
		free(e->results);
	}
	for (size_t i = 0; i < s->n; i++) {
		for (size_t r = 0; r < s->seats[i].nrings; r++)
			free(s->seats[i].rings[r]);
		free(s->seats[i].rings);
		free(s->seats[i].ring_len);
		free(s->seats[i].name);
	}
	free(s->travel);
	travel_grid_release(&s->grid);
	free(s->seats);
	memset(s, 0, sizeof(*s));
}

const struct seat *seats_find(const struct seats *s, int boundary_set, const char *code)
{
	struct seat key;

	if (!code || strlen(code) >= sizeof(key.code))
		return NULL;
	strcpy(key.code, code);
	key.boundary_set = boundary_set;
	return bsearch(&key, s->seats, s->n, sizeof(*s->seats), by_code);
}

const struct election *seats_election(const struct seats *s, int year)
{
	for (int i = 0; i < SEATS_NELECTIONS; i++)
		if (s->elections[i].year == year)
			return &s->elections[i];
	return NULL;
}

const struct seat_result *election_result(const struct election *e, const char *code)
{
	long at = result_index(e, code);
	return at < 0 ? NULL : &e->results[at];
}

const char *result_party_name(const char *code, const char *label)
{
	const char *name = party_name(code);
	return name ? name : label;
}

const char *seats_name(const struct seats *s, int boundary_set, const char *code)
{
	const struct seat *seat = seats_find(s, boundary_set, code);
	return seat ? seat->name : code;
}

int seat_geometry(struct db *db, const struct seat *s, struct buf *out)
{
	struct db_stmt *st = db_cached(db, "SELECT geometry FROM constituencies"
					   " WHERE boundary_set = ? AND code = ?");
	db_binds(st, 1, DB_INT(s->boundary_set), DB_STR(s->code));
	int rc = db_one(st);
	if (rc == 1) {
		buf_puts(out, db_col_text(st, 0));
		db_reset(st);
	}
	return rc;
}
