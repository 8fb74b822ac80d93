/* The materials library: tags, licences and search patterns (pure), and
 * the store on a real, migrated SQLite file: who sees what (a group's own,
 * a region's, the movement's once published), versions waiting while the
 * published one stays, and a fault at any step storing nothing. */
/* cmocka.h needs these first */
/* clang-format off */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
/* clang-format on */

#include "db/db.h"
#include "materials/library.h"
#include "materials/store.h"
#include "tmpdb.h"

static char path[64];

static void rules(void **state)
{
	char tags[300], why[160], like[300], t[MATERIAL_TAG_MAX + 1];
	(void)state;
	assert_int_equal(material_tags_parse(" Leaflet, NHS  canvass,leaflet,", tags, sizeof(tags),
					     why, sizeof(why)),
			 3);
	assert_string_equal(tags, "leaflet nhs canvass");
	assert_int_equal(material_tags_parse("", tags, sizeof(tags), why, sizeof(why)), 0);
	assert_string_equal(tags, "");
	assert_int_equal(
	    material_tags_parse("a b c d e f g h i", tags, sizeof(tags), why, sizeof(why)), -1);
	assert_int_equal(material_tags_parse("caf\xc3\xa9", tags, sizeof(tags), why, sizeof(why)),
			 -1);
	assert_int_equal(material_tags_parse("<b>", tags, sizeof(tags), why, sizeof(why)), -1);
	assert_int_equal(material_tag_norm("Welsh-Language", t), 0);
	assert_string_equal(t, "welsh-language");
	assert_int_equal(material_tag_norm("", t), -1);
	assert_true(material_licence_ok("CC BY 4.0"));
	assert_false(material_licence_ok("cc by 4.0"));
	assert_false(material_licence_ok(NULL));
	/* LIKE's own characters are searched for as themselves */
	assert_int_equal(material_like_pattern("  100% _Off\\ ", like, sizeof(like)), 0);
	assert_string_equal(like, "%100\\% \\_off\\\\%");
	assert_int_equal(material_like_pattern("   ", like, sizeof(like)), -1);
	char longer[200];
	memset(longer, 'a', 121);
	longer[121] = 0;
	assert_int_equal(material_like_pattern(longer, like, sizeof(like)), -1);
	char s[16];
	material_search_text("Caf\xc3\xa9 Leaflet", "", "", s, 6); /* cut inside é */
	assert_string_equal(s, "caf");
}

/* Groups 1 (seat in East Midlands) and 2 (none); 1 organises 1, 2 is a
 * member of 1, 3 of 2, 4 of nothing. */
static struct db *fixture(void)
{
	struct db *db = tmpdb_open(path, 1);
	assert_int_equal(
	    db_exec(
		db,
		"INSERT INTO people (id, name, email, created_at, last_active_at) VALUES"
		" (1, 'O', 'o@x', 0, 0), (2, 'A', 'a@x', 0, 0), (3, 'B', 'b@x', 0, 0),"
		" (4, 'C', 'c@x', 0, 0);"
		"INSERT INTO local_groups (id, name, created_at) VALUES (1, 'G1', 0), (2, 'G2', 0);"
		"INSERT INTO memberships (group_id, person_id, role, joined_at) VALUES"
		" (1, 1, 'organiser', 0), (1, 2, 'member', 0), (2, 3, 'member', 0);"
		"INSERT INTO group_seats (group_id, pcon2024) VALUES (1, 'E14000001');"
		"INSERT INTO constituencies (code, boundary_set, name, centre_lat, centre_lon,"
		" min_lon, min_lat, max_lon, max_lat, geometry, outline) VALUES"
		" ('E14000001', 2024, 'Seat', 0, 0, 0, 0, 0, 0, '{}', x'');"
		"INSERT INTO results (election, code, boundary_set, first_party, second_party,"
		" electorate, valid_votes, majority, region) VALUES"
		" (2024, 'E14000001', 2024, 'Lab', 'Con', 1, 1, 1, 'East Midlands')"),
	    0);
	return db;
}

static void material_of(struct material *m, enum material_scope scope, enum material_state st)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->title, sizeof(m->title), "Bus leaflet");
	snprintf(m->licence, sizeof(m->licence), "CC BY 4.0");
	snprintf(m->tags, sizeof(m->tags), "bus nhs");
	snprintf(m->region, sizeof(m->region), "East Midlands");
	m->scope = scope;
	m->state = st;
	m->group_id = 1;
	m->created_by = 1;
	snprintf(m->latest.hash, sizeof(m->latest.hash), "%064d", 1);
	snprintf(m->latest.type, sizeof(m->latest.type), "pdf");
	snprintf(m->latest.filename, sizeof(m->latest.filename), "bus.pdf");
	m->latest.bytes = 10;
	m->latest.uploaded_by = 1;
}

static long count(struct db *db, const char *sql)
{
	struct db_stmt *st = db_prepare(db, sql);
	long n = (long)db_int_or(st, -1);
	db_finalize(st);
	return n;
}

static int n_found;
static void found(const struct material *m, void *arg)
{
	(void)m;
	(void)arg;
	n_found++;
}

static int seen_by(struct db *db, long person, int all)
{
	struct material_query q = { person, all, NULL, NULL, -1, 0 };
	n_found = 0;
	assert_int_equal(materials_search(db, &q, found, NULL), 1);
	return n_found;
}

static void who_sees(void **state)
{
	struct db *db = fixture();
	struct material m;
	(void)state;
	material_of(&m, MATERIAL_GROUP, MATERIAL_PUBLISHED);
	assert_int_equal(material_put(db, &m, 100), 1);
	assert_int_equal(material_in_scope(db, &m, 2), 1);
	assert_int_equal(material_in_scope(db, &m, 3), 0);
	assert_int_equal(seen_by(db, 2, 0), 1);
	assert_int_equal(seen_by(db, 3, 0), 0);
	assert_int_equal(seen_by(db, 4, 0), 0);
	/* the movement's, waiting: its organiser and admins only */
	material_of(&m, MATERIAL_MOVEMENT, MATERIAL_WAITING);
	assert_int_equal(material_put(db, &m, 101), 1);
	assert_int_equal(seen_by(db, 3, 0), 0);
	assert_int_equal(seen_by(db, 1, 0), 2);
	assert_int_equal(seen_by(db, 4, 1), 2);
	assert_int_equal(materials_waiting(db), 1);
	assert_int_equal(material_decide(db, m.id, NULL, 1, 102), 1);
	assert_int_equal(material_decide(db, m.id, NULL, 1, 102), 0);
	assert_int_equal(seen_by(db, 3, 0), 1);
	assert_int_equal(seen_by(db, 4, 0), 0); /* in no group: not the movement's */
	/* a second version waits; the first stays the one published */
	struct material_version v = m.latest;
	snprintf(v.hash, sizeof(v.hash), "%064d", 2);
	assert_int_equal(material_version_add(db, m.id, &v, MATERIAL_WAITING, 103), 1);
	assert_int_equal(v.version, 2);
	struct material got;
	assert_int_equal(material_get(db, m.id, &got), 1);
	assert_int_equal(got.version, 2);
	assert_int_equal(got.published, 1);
	assert_int_equal(got.state, MATERIAL_WAITING);
	assert_string_equal(got.latest.hash, v.hash);
	assert_int_equal(material_decide(db, m.id, "Not this one", 1, 104), 1);
	assert_int_equal(material_get(db, m.id, &got), 1);
	assert_int_equal(got.published, 1);
	assert_string_equal(got.reason, "Not this one");
	/* a region's: members of groups with a seat in it */
	material_of(&m, MATERIAL_REGION, MATERIAL_PUBLISHED);
	assert_int_equal(material_put(db, &m, 105), 1);
	assert_int_equal(material_in_scope(db, &m, 2), 1);
	assert_int_equal(material_in_scope(db, &m, 3), 0);
	/* tags: found by tag, counted among what one may see */
	struct material_query q = { 2, 0, NULL, "nhs", -1, 0 };
	n_found = 0;
	assert_int_equal(materials_search(db, &q, found, NULL), 1);
	assert_int_equal(n_found, 3);
	/* adoption counts once a group */
	assert_int_equal(material_adopt(db, m.id, 2, 3, 1, 106), 1);
	assert_int_equal(material_adopt(db, m.id, 2, 3, 1, 107), 0);
	assert_int_equal(material_get(db, m.id, &got), 1);
	assert_int_equal(got.adopted, 1);
	assert_int_equal(material_delete(db, m.id), 1);
	assert_int_equal(count(db, "SELECT count(*) FROM material_adoptions"), 0);
	assert_int_equal(materials_approval(db), 1);
	assert_int_equal(materials_approval_set(db, 0), 1);
	assert_int_equal(materials_approval(db), 0);
	db_close(db);
	unlink(path);
}

/* A fault at any step of putting a material or a version stores nothing. */
static void all_or_nothing(void **state)
{
	int faulted = 0, rc;
	(void)state;
	for (long nth = 1; nth < 8; nth++) {
		struct db *db = fixture();
		struct material m;
		material_of(&m, MATERIAL_GROUP, MATERIAL_PUBLISHED);
		db_fail_step(db, nth);
		rc = material_put(db, &m, 100);
		db_fail_step(db, 0);
		long n = count(db, "SELECT count(*) FROM materials") +
			 count(db, "SELECT count(*) FROM material_versions") +
			 count(db, "SELECT count(*) FROM material_tags");
		if (rc == 1) {
			assert_int_equal(n, 4);
		} else {
			faulted++;
			assert_int_equal(n, 0);
		}
		/* then a second version, faulted the same way */
		if (rc != 1)
			assert_int_equal(material_put(db, &m, 100), 1);
		struct material_version v = m.latest;
		db_fail_step(db, nth);
		rc = material_version_add(db, m.id, &v, MATERIAL_WAITING, 101);
		db_fail_step(db, 0);
		struct material got;
		assert_int_equal(material_get(db, m.id, &got), 1);
		if (rc == 1) {
			assert_int_equal(got.version, 2);
			assert_int_equal(got.state, MATERIAL_WAITING);
		} else {
			faulted++;
			assert_int_equal(got.version, 1);
			assert_int_equal(got.state, MATERIAL_PUBLISHED);
			assert_int_equal(count(db, "SELECT count(*) FROM material_versions"), 1);
		}
		db_close(db);
		unlink(path);
	}
	assert_int_equal(faulted, 4 + 2); /* every step of each */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rules),
		cmocka_unit_test(who_sees),
		cmocka_unit_test(all_or_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
