#include "demo/demo.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "auth/password.h"
#include "auth/token.h"
#include "auth/totp.h"
#include "db/db.h"
#include "demo/foodbank.h"
#include "demo/training.h"
#include "events/store.h"
#include "events/when.h"
#include "groups/store.h"
#include "materials/files.h"
#include "materials/store.h"
#include "materials/template.h"
#include "opinion/mapper.h"
#include "opinion/polis.h"
#include "opinion/store.h"
#include "people/people.h"
#include "phonebank/store.h"
#include "postcodes/lookup.h"
#include "training/store.h"
#include "util/buf.h"
#include "util/csv.h"
#include "util/file.h"
#include "util/mem.h"
#include "util/num.h"
#include "util/utf8.h"

#define DEMO_SEATS 4

/* The next given weekday (0 = Sunday) at least two days ahead, London date. */
static void next_day(int wday, char out[11])
{
	time_t t = time(NULL) + 2 * 86400;
	struct tm tm;
	for (int i = 0; i < 8; i++, t += 86400) {
		london_tm(t, &tm);
		if (tm.tm_wday == wday)
			break;
	}
	strftime(out, 11, "%Y-%m-%d", &tm);
}

struct spot {
	char seat[12], name[128], postcode[9];
	double lat, lon;
};

static int session(struct db *db, long gid, long organiser, const struct spot *at, const char *type,
		   const char *title, const char *date, const char *from, const char *to,
		   const char *slots, long capacity)
{
	static struct event e;

	memset(&e, 0, sizeof(e));
	snprintf(e.postcode, sizeof(e.postcode), "%s", at->postcode);
	e.lat = at->lat;
	e.lon = at->lon;
	snprintf(e.type, sizeof(e.type), "%s", type);
	snprintf(e.title, sizeof(e.title), "%s", title);
	snprintf(e.description, sizeof(e.description),
		 "A demo session: sign up to see how turnout works. Bring comfortable shoes.");
	snprintf(e.address, sizeof(e.address), "Meet outside the library");
	snprintf(e.seat, sizeof(e.seat), "%s", at->seat);
	e.group_id = gid;
	e.created_by = organiser;
	if (london_parse(date, from, &e.starts_at) || london_parse(date, to, &e.ends_at))
		return -1;
	if (slots) {
		if (event_parse_slots(&e, slots, date))
			return -1;
	} else {
		e.nslots = 1;
		e.slots[0] = (struct event_slot){ 0, e.starts_at, e.ends_at, capacity, 0, 0 };
	}
	return event_check(&e, time(NULL), NULL) ? -1 : event_create(db, &e);
}

/* The Polis comments file's statements (moderated in, in comment order):
 * their comment ids into ids and their text into bodies (owned), n kept. */
static int polis_comments(const char *path, long *ids, char **bodies, int max, int *n)
{
	struct csv r;
	int c_id = -1, c_body = -1, c_mod = -1, nf;
	*n = 0;
	if (csv_open(&r, path))
		return -1;
	if (csv_next(&r) > 0)
		for (size_t i = 0; i < r.nf; i++) {
			c_id = !strcmp(r.f[i].p, "comment-id") ? (int)i : c_id;
			c_body = !strcmp(r.f[i].p, "comment-body") ? (int)i : c_body;
			c_mod = !strcmp(r.f[i].p, "moderated") ? (int)i : c_mod;
		}
	while (c_id >= 0 && c_body >= 0 && c_mod >= 0 && *n < max && (nf = csv_next(&r)) > c_body &&
	       nf > c_mod && nf > c_id) {
		long id;
		if (strcmp(r.f[c_mod].p, "1") ||
		    num_parse_long(r.f[c_id].p, r.f[c_id].len, 0, POLIS_ID_MAX, &id) ||
		    plain_text_why(r.f[c_body].p, STATEMENT_MAX))
			continue;
		ids[*n] = id;
		bodies[(*n)++] = xstrdup(r.f[c_body].p);
	}
	csv_release(&r);
	return *n > 0 ? 0 : -1;
}

/*
 * A real conversation for the first group: Polis's "Can there be consensus
 * on Brexit?" (data/opinions, CC BY 4.0), its voters as pretend members who
 * can never sign in (their addresses are .invalid), its votes cast, and its
 * map drawn.  The conversation's id, or 0 when the files are missing.
 */
static long demo_conversation(struct db *db, long gid, long organiser)
{
	char dir[1024], path[1200];
	long ids[100], conv = 0;
	char *bodies[100];
	int n = 0;
	struct polis_votes pv = { 0 };
	struct conversation c = { .scope = CONV_GROUP, .group_id = gid, .created_by = organiser };

	app_default_assets(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/data/opinions/brexit-consensus/comments.csv", dir);
	if (polis_comments(path, ids, bodies, 100, &n))
		return 0;
	snprintf(path, sizeof(path), "%s/data/opinions/brexit-consensus/votes.csv", dir);
	char err[256];
	if (polis_votes_read(path, &pv, err, sizeof(err)))
		goto done;
	long long now = (long long)time(NULL);
	c.opens_at = now;
	c.closes_at = now + 30 * 86400LL;
	snprintf(c.question, sizeof(c.question), "Can there be consensus on Brexit?");
	if (conversation_create(db, &c, (const char *const *)bodies, n, now) || db_begin(db))
		goto done;
	/* the statement ids, in the comments' order */
	long sid[100];
	struct db_stmt *st = db_prepare(db, "SELECT id FROM statements WHERE conversation_id = ?"
					    " ORDER BY id");
	int k = 0, rc = 0;
	db_bind_int(st, 1, c.id);
	while (k < n && db_next(st, &rc))
		sid[k++] = (long)db_col_int(st, 0);
	db_finalize(st);
	long *person = xcalloc((size_t)pv.in.members + 1, sizeof(long));
	for (int m = 0; m < pv.in.members && rc >= 0; m++) {
		char name[64], email[80];
		snprintf(name, sizeof(name), "Polis participant %ld", pv.member_id[m]);
		snprintf(email, sizeof(email), "polis-%ld@demo.invalid", pv.member_id[m]);
		st = db_prepare(db, "INSERT INTO people (name, email, created_at, last_active_at)"
				    " VALUES (?, ?, ?, ?) RETURNING id");
		db_binds(st, 1, DB_STR(name), DB_STR(email), DB_INT(now), DB_INT(now));
		person[m] = db_one(st) == 1 ? (long)db_col_int(st, 0) : 0;
		db_finalize(st);
		if (!person[m] || group_set_role(db, gid, person[m], ROLE_MEMBER))
			rc = -1;
	}
	for (size_t v = 0; v < pv.in.nvotes && rc >= 0; v++) {
		const struct opinion_vote *o = &pv.votes[v];
		for (int j = 0; j < k; j++)
			if (ids[j] == pv.statement_id[o->statement] &&
			    opinion_vote_put(db, c.id, sid[j], person[o->member], o->vote, 0, now) <
				0)
				rc = -1;
	}
	free(person);
	if (rc < 0 || db_commit(db) || opinion_map_refresh(db, c.id, now) != 1) {
		db_rollback(db);
		goto done;
	}
	conv = c.id;
done:
	polis_votes_release(&pv);
	for (int i = 0; i < n; i++)
		free(bodies[i]);
	return conv;
}

/* The national leaflet template (data/templates): its id, or -1. */
static long demo_leaflet(struct db *db, long admin)
{
	char dir[1024], path[1200], why[256];
	struct buf svg;
	struct tmpl_doc *doc;
	struct template_info info;
	struct leaflet_template t = { .title = "Come canvassing (A5, two pages)",
				      .description =
					  "A headline, the session's time and place, a QR"
					  " code of its sign-up page, a contact." };
	app_default_assets(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/data/templates/leaflet.svg", dir);
	buf_init(&svg, TEMPLATE_MAX_BYTES);
	long id = -1;
	if (!file_read_all(path, &svg, why, sizeof(why)) &&
	    !template_parse(svg.p, svg.len, &doc, &info, why, sizeof(why))) {
		template_free(doc);
		if (template_put(db, &t, svg.p, admin, (long long)time(NULL)) == 1)
			id = t.id;
	}
	buf_release(&svg);
	return id;
}

/* A poster in the library for the whole movement (data/materials), from
 * the first group: its id, or -1. */
static long demo_material(struct db *db, const char *db_path, long group, long admin)
{
	char dir[1024], path[1200], why[256];
	struct buf svg, thumb = { 0 };
	struct blobs files;
	struct material m = { .scope = MATERIAL_MOVEMENT, .state = MATERIAL_PUBLISHED };
	long id = -1;
	app_default_assets(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/data/materials/poster.svg", dir);
	buf_init(&svg, MATERIAL_MAX_BYTES);
	if (blobs_open_for(&files, db_path, why, sizeof(why)) ||
	    file_read_all(path, &svg, why, sizeof(why)) ||
	    material_thumb(svg.p, svg.len, MATERIAL_SVG, &thumb, why, sizeof(why)) ||
	    blob_put(&files, svg.p, svg.len, m.latest.hash) ||
	    blob_put(&files, thumb.p, thumb.len, m.latest.thumb))
		goto done;
	snprintf(m.title, sizeof(m.title), "Knock doors with us (A4 poster)");
	snprintf(m.description, sizeof(m.description),
		 "For a noticeboard or a window: two hours on a Saturday, no experience needed.");
	snprintf(m.licence, sizeof(m.licence), "CC0 1.0");
	snprintf(m.tags, sizeof(m.tags), "poster canvass");
	snprintf(m.latest.type, sizeof(m.latest.type), "svg");
	snprintf(m.latest.filename, sizeof(m.latest.filename), "poster.svg");
	m.latest.bytes = (long)svg.len;
	m.latest.uploaded_by = m.created_by = admin;
	m.group_id = group;
	if (material_put(db, &m, (long long)time(NULL)) == 1)
		id = m.id;
done:
	buf_release(&svg);
	buf_release(&thumb);
	return id;
}

int demo_seed(const char *db_path, FILE *out, char *err, size_t errlen)
{
	struct db *db = NULL;
	struct db_stmt *st = NULL;
	int rc = -1;
	struct spot spots[DEMO_SEATS];
	struct pc_record near;
	int nseats = 0;

	if (token_init() || totp_init()) {
		snprintf(err, errlen, "libsodium or liboath unavailable");
		return -1;
	}
	password_init();
	if (db_open(&db, db_path, 0, err, errlen) || db_migrate(db, err, errlen))
		goto done;
	st = db_prepare(db, "SELECT count(*) FROM events");
	if (!st || db_step(st) != DB_ROW) {
		snprintf(err, errlen, "%s", db_errmsg(db));
		goto done;
	}
	if (db_col_int(st, 0) > 0) {
		fprintf(out, "turnout demo: sessions exist already; nothing added\n");
		rc = 0;
		goto done;
	}
	db_finalize(st);
	/* the tightest 2024 marginals in Great Britain that have a postcode near
	 * their centre for a meeting point (a partial import may lack some) */
	st = db_prepare(db, "SELECT r.code, c.name, c.centre_lat, c.centre_lon FROM results r"
			    " JOIN constituencies c ON c.code = r.code AND c.boundary_set = 2024"
			    " WHERE r.election = 2024 AND r.first_party != 'Spk'"
			    " AND r.code NOT LIKE 'N%' ORDER BY 1.0 * r.majority / r.valid_votes"
			    " LIMIT 200");
	while (st && nseats < DEMO_SEATS && db_step(st) == DB_ROW) {
		struct spot *sp = &spots[nseats];
		if (lookup_nearby(db, db_col_double(st, 2), db_col_double(st, 3), 2000, 1, &near) !=
		    1)
			continue;
		snprintf(sp->seat, sizeof(sp->seat), "%s", db_col_text(st, 0));
		snprintf(sp->name, sizeof(sp->name), "%s", db_col_text(st, 1));
		snprintf(sp->postcode, sizeof(sp->postcode), "%s", near.pc.display);
		sp->lat = near.lat;
		sp->lon = near.lon;
		nseats++;
	}
	db_finalize(st);
	st = NULL;
	if (nseats == 0) {
		snprintf(err, errlen, "no 2024 results: run `turnout import` first");
		goto done;
	}

	char password[20], secret[TOTP_SECRET_B32], hash[PASSWORD_HASH_MAX];
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	for (int i = 0; i < 16; i++)
		password[i] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	password[16] = '\0';
	totp_new_secret(secret);
	struct person p;
	memset(&p, 0, sizeof(p));
	person_input_check(&p, "Demo Organiser", "organiser@demo.turnout.invalid", NULL, NULL,
			   NULL);
	p.created_at = (long long)time(NULL);
	if (password_hash(password, hash) || db_begin(db) || person_create(db, &p)) {
		snprintf(err, errlen, "creating the organiser: %s", db_errmsg(db));
		goto fail;
	}
	st = db_prepare(db, "UPDATE people SET password_hash = ?, totp_secret = ?, totp_enabled = 1"
			    " WHERE id = ?");
	if (!st || db_bind_str(st, 1, hash) || db_bind_str(st, 2, secret) ||
	    db_bind_int(st, 3, p.id) || db_step(st) != DB_DONE)
		goto fail;
	db_finalize(st);
	st = NULL;
	char sat[11], wed[11];
	long first_group = 0;
	next_day(6, sat);
	next_day(3, wed);
	for (int i = 0; i < nseats; i++) {
		char gname[160], title[160];
		snprintf(gname, sizeof(gname), "%s Volunteers", spots[i].name);
		struct db_stmt *g = db_prepare(db, "INSERT INTO local_groups (name, created_at)"
						   " VALUES (?, ?) RETURNING id");
		long gid = 0;
		if (!g || db_bind_str(g, 1, gname) || db_bind_int(g, 2, (long long)time(NULL)) ||
		    db_step(g) != DB_ROW) {
			db_finalize(g);
			goto fail;
		}
		gid = (long)db_col_int(g, 0);
		while (db_step(g) == DB_ROW)
			;
		db_finalize(g);
		g = db_prepare(db, "INSERT INTO group_seats (group_id, pcon2024) VALUES (?, ?)");
		struct db_stmt *m =
		    db_prepare(db, "INSERT INTO memberships (group_id, person_id, role,"
				   " joined_at) VALUES (?, ?, 'organiser', ?)");
		int bad = !g || !m || db_bind_int(g, 1, gid) || db_bind_str(g, 2, spots[i].seat) ||
			  db_step(g) != DB_DONE || db_bind_int(m, 1, gid) ||
			  db_bind_int(m, 2, p.id) || db_bind_int(m, 3, (long long)time(NULL)) ||
			  db_step(m) != DB_DONE;
		db_finalize(g);
		db_finalize(m);
		if (bad)
			goto fail;
		/* event_create opens its own transaction: commit what we have */
		if (db_commit(db))
			goto fail;
		snprintf(title, sizeof(title), "Knock doors in %s", spots[i].name);
		if (session(db, gid, p.id, &spots[i], "canvass", title, sat, "10:00", "13:00",
			    "10:00-11:30 12\n11:30-13:00 12", 0))
			goto fail_nt;
		snprintf(title, sizeof(title), "Phone bank for %s", spots[i].name);
		if (session(db, gid, p.id, &spots[i], "phonebank", title, wed, "18:30", "20:30",
			    NULL, 20))
			goto fail_nt;
		if (i == 0)
			first_group = gid;
		if (db_begin(db))
			goto fail_nt;
	}
	if (db_commit(db))
		goto fail;
	/* a phone bank for the first group, its practice queue ready to try */
	static struct phonebank pb;
	memset(&pb, 0, sizeof(pb));
	pb.group_id = first_group;
	pb.created_by = p.id;
	snprintf(pb.name, sizeof(pb.name), "Calls for %.80s", spots[0].name);
	snprintf(pb.script, sizeof(pb.script), "%s", phonebank_default_script);
	snprintf(pb.survey_src, sizeof(pb.survey_src), "%s", phonebank_default_survey);
	pb.hours = (struct hours){ 9 * 60, 21 * 60, HOURS_ALL_DAYS };
	pb.max_attempts = 3;
	pb.retry_wait_min = 240;
	pb.nseats = 1;
	snprintf(pb.seats[0], sizeof(pb.seats[0]), "%s", spots[0].seat);
	if (phonebank_create(db, &pb, time(NULL)))
		goto fail_nt;
	/* the national training modules; the demo phone bank asks its callers
	 * for the phone-banking one */
	long module = demo_training(db);
	if (module < 0 || (module && gate_set(db, "phonebank_call", pb.id, module, 1)))
		goto fail_nt;
	long pantry = demo_foodbank(db, first_group, p.id, spots[0].seat, spots[0].postcode,
				    spots[0].lat, spots[0].lon);
	if (pantry < 0)
		goto fail_nt;
	long leaflet = demo_leaflet(db, p.id);
	long poster = leaflet < 0 ? -1 : demo_material(db, db_path, first_group, p.id);
	if (poster < 0)
		goto fail_nt;
	long conv = demo_conversation(db, first_group, p.id);
	if (conv)
		fprintf(out,
			"turnout demo: a real Polis conversation, with its 204 voters as members of"
			" the\n  first group and its opinion map drawn: /conversations/%ld/map\n",
			conv);
	fprintf(
	    out,
	    "turnout demo: %d groups with sessions in the tightest 2024 marginals, and a phone\n"
	    "  bank (/phonebanks/%ld) whose practice queue the organiser can try; its callers\n"
	    "  first pass the phone-banking module (/training); a food bank with weekly\n"
	    "  collections (/foodbanks/%ld) whose first run needs a driver; a leaflet\n"
	    "  template to fill (/leaflets/templates/%ld) and a poster in the library\n"
	    "  (/materials/%ld).\n"
	    "  organiser sign-in (Sign in -> \"Organisers and admins\"):\n"
	    "    email     %s\n    password  %s\n"
	    "    TOTP key  %s  (add it to an authenticator app, or: oathtool --totp -b %s)\n",
	    nseats, pb.id, pantry, leaflet, poster, p.email, password, secret, secret);
	sodium_memzero(password, sizeof(password));
	rc = 0;
	goto done;
fail:
	db_rollback(db);
fail_nt:
	if (!*err)
		snprintf(err, errlen, "seeding failed: %s", db_errmsg(db));
done:
	db_finalize(st);
	db_close(db);
	return rc;
}
