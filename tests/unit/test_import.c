/*
 * The importer against the real fixture slice (tests/fixtures/data) and a
 * real SQLite file: what lands, and that a failed re-import changes nothing.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/db.h"
#include "import/import.h"
#include "import/publish.h"
#include "postcodes/lookup.h"

static char fixture[PATH_MAX], tmp[PATH_MAX], dbpath[PATH_MAX + 16];

static long count(const char *sql)
{
	struct db *db;
	char err[256];
	long n = -1;
	assert_int_equal(db_open(&db, dbpath, DB_OPEN_READONLY, err, sizeof(err)), 0);
	struct db_stmt *st = db_prepare(db, sql);
	assert_non_null(st);
	if (db_step(st) == DB_ROW)
		n = (long)db_col_int(st, 0);
	db_finalize(st);
	db_close(db);
	return n;
}

static int setup(void **state)
{
	(void)state;
	assert_non_null(realpath("tests/fixtures/data", fixture));
	snprintf(tmp, sizeof(tmp), "/tmp/turnout-import-XXXXXX");
	assert_non_null(mkdtemp(tmp));
	snprintf(dbpath, sizeof(dbpath), "%s/t.db", tmp);
	return 0;
}

static void imports_fixture(void **state)
{
	struct import_stats st;
	char err[1024];
	(void)state;
	if (import_run(fixture, dbpath, &st, err, sizeof(err)))
		fail_msg("import failed: %s", err);
	/* DE 17715 + ZE 652 + HS (see fixture) + mixed.csv 149 rows */
	assert_int_equal(st.postcodes, count("SELECT count(*) FROM postcodes"));
	assert_true(st.postcodes > 18000);
	assert_int_equal(st.seats2010, 650);
	assert_int_equal(st.seats2024, 650);
	assert_int_equal(st.results, 1950);
	assert_int_equal(count("SELECT count(*) FROM results WHERE election = 2024 AND"
			       " first_party = 'Lab'"),
			 411);
	assert_int_equal(count("SELECT count(*) FROM results WHERE election = 2017 AND"
			       " first_party = 'Con'"),
			 317);
	assert_int_equal(count("SELECT min(majority) FROM results WHERE election = 2017"), 2);
	/* the plain CRLF file is read like the gzip ones */
	assert_int_equal(count("SELECT count(*) FROM postcodes WHERE pc = 'SW1A1AA'"
			       " AND pcon2024 = 'E14001172' AND pcon2010 = 'E14000639'"),
			 1);
	/* eastings/northings of 0 mean no position, not a point off Cornwall */
	assert_int_equal(count("SELECT count(*) FROM postcodes WHERE pc = 'AB431AG'"
			       " AND lat IS NULL"),
			 1);
	/* every placed postcode got a 2010 seat by point-in-polygon */
	assert_int_equal(count("SELECT count(*) FROM postcodes WHERE lat IS NOT NULL AND"
			       " pcon2010 IS NULL"),
			 0);
	/* NI districts are there with positions and seats */
	assert_int_equal(count("SELECT count(*) FROM districts WHERE outcode = 'BT7' AND"
			       " pcon2024 LIKE 'N05%'"),
			 1);
	/* the 2010 centre of Derby North is its polygon's centroid, in the city */
	assert_int_equal(count("SELECT count(*) FROM constituencies WHERE code = 'E14000662'"
			       " AND boundary_set = 2010 AND centre_lat BETWEEN 52.9 AND 52.97"
			       " AND centre_lon BETWEEN -1.56 AND -1.45"),
			 1);
	/* travel over land: every seat has a field, Orkney and Shetland's
	 * (whose 2010 centre is at sea between the two) too; the ferries and
	 * bridges leave only small islands for the boats */
	assert_int_equal(count("SELECT count(*) FROM constituencies WHERE travel IS NOT NULL"),
			 1300);
	assert_int_equal(st.travel_fields, 1300);
	assert_true(st.travel_cells > 5000);
	assert_true(st.travel_joined < 100);
	assert_int_equal(count("SELECT count(*) FROM travel_grid WHERE length(land) * 8 >="
			       " nrows * ncols AND length(joins) = 4 * nrows * ncols"),
			 1);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void failed_import_changes_nothing(void **state)
{
	char dir[PATH_MAX + 64], p[PATH_MAX + 128], q[PATH_MAX + 128], err[1024];
	struct import_stats st;
	(void)state;
	long before = count("SELECT count(*) FROM postcodes");
	assert_true(before > 0);

	/* a copy of the fixture whose Code-Point folder holds one bad row */
	snprintf(dir, sizeof(dir), "%s/bad", tmp);
	mkdir(dir, 0755);
	const char *links[] = { "boundaries", "results", "travel" };
	for (int i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", fixture, links[i]);
		snprintf(q, sizeof(q), "%s/%s", dir, links[i]);
		assert_int_equal(symlink(p, q), 0);
	}
	snprintf(q, sizeof(q), "%s/postcodes", dir);
	mkdir(q, 0755);
	const char *files[] = { "postcode-pcon2024.csv.gz", "postcode-districts.csv" };
	for (int i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/postcodes/%s", fixture, files[i]);
		snprintf(q, sizeof(q), "%s/postcodes/%s", dir, files[i]);
		assert_int_equal(symlink(p, q), 0);
	}
	snprintf(q, sizeof(q), "%s/postcodes/codepo_gb", dir);
	mkdir(q, 0755);
	snprintf(q, sizeof(q), "%s/postcodes/codepo_gb/Data", dir);
	mkdir(q, 0755);
	snprintf(q, sizeof(q), "%s/postcodes/codepo_gb/Data/CSV", dir);
	mkdir(q, 0755);
	snprintf(q, sizeof(q), "%s/postcodes/codepo_gb/Data/CSV/zz.csv", dir);
	write_file(q, "\"DE1 0AA\",10,435000,336000,\"E92000001\",\"\",\"\",\"\",\"\",\"\"\n"
		      "\"DE1 0AB\",10,435000\n");

	assert_int_equal(import_run(dir, dbpath, &st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "zz.csv:2: expected 10 fields, found 3"));
	assert_int_equal(count("SELECT count(*) FROM postcodes"), before);
	assert_int_equal(count("SELECT count(*) FROM postcodes WHERE pc = 'DE10AA'"), 0);

	/* a row that is not a postcode at all (as in fake_ni.csv.gz) */
	write_file(q, "N20000001,10,131482,551618,,,,,,\n");
	assert_int_equal(import_run(dir, dbpath, &st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "zz.csv:1: invalid postcode"));
	assert_int_equal(count("SELECT count(*) FROM postcodes"), before);

	/* a crossing with an end out at sea, and one of no length: the file
	 * and line say which, and nothing changes */
	snprintf(p, sizeof(p), "%s/postcodes/codepo_gb/Data/CSV/zz.csv", dir);
	unlink(p);
	snprintf(q, sizeof(q), "%s/travel", dir);
	unlink(q);
	mkdir(q, 0755);
	snprintf(q, sizeof(q), "%s/travel/crossings.csv", dir);
	write_file(q, "name,kind,from_lat,from_lon,to_lat,to_lon,km\n"
		      "Humber Bridge,bridge,53.718,-0.450,53.690,-0.455,2.2\n"
		      "To nowhere,ferry,50.5,-1.0,50.2,-1.0,30\n");
	assert_int_equal(import_run(dir, dbpath, &st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "crossings.csv:3: the from end is not on land"));
	write_file(q, "name,kind,from_lat,from_lon,to_lat,to_lon,km\n"
		      "Humber Bridge,bridge,53.718,-0.450,53.690,-0.455,0\n");
	assert_int_equal(import_run(dir, dbpath, &st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "crossings.csv:2: km is a number"));
	write_file(q, "name,kind,from_lat,from_lon,to_lat,to_lon,km\n"
		      "Humber Bridge,zeppelin,53.718,-0.450,53.690,-0.455,2\n");
	assert_int_equal(import_run(dir, dbpath, &st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "crossings.csv:2: kind is bridge"));
	assert_int_equal(count("SELECT count(*) FROM postcodes"), before);

	/* a missing data folder is an error, not an empty database */
	assert_int_equal(import_run("/nonexistent", dbpath, &st, err, sizeof(err)), -1);
	assert_int_equal(count("SELECT count(*) FROM postcodes"), before);
}

static void shadow_sql(void **state)
{
	char out[512];
	(void)state;

	assert_int_equal(publish_shadow_sql("CREATE TABLE results (a, FOREIGN KEY (b, c)"
					    " REFERENCES constituencies(b, c))",
					    out, sizeof(out)),
			 0);
	assert_string_equal(out, "CREATE TABLE new_results (a, FOREIGN KEY (b, c)"
				 " REFERENCES new_constituencies(b, c))");
	/* after a rename SQLite writes the names quoted */
	assert_int_equal(publish_shadow_sql("CREATE TABLE \"results\" (x REFERENCES"
					    " \"constituencies\"(code))",
					    out, sizeof(out)),
			 0);
	assert_string_equal(out,
			    "CREATE TABLE new_results (x REFERENCES new_constituencies(code))");
	/* a column that shares a table's name, a string and other tables stay */
	assert_int_equal(
	    publish_shadow_sql("CREATE TABLE districts (postcodes INTEGER,"
			       " t TEXT DEFAULT 'ON postcodes', p REFERENCES people(id))",
			       out, sizeof(out)),
	    0);
	assert_string_equal(out, "CREATE TABLE new_districts (postcodes INTEGER,"
				 " t TEXT DEFAULT 'ON postcodes', p REFERENCES people(id))");
	/* an index takes its other name, and back again on the next import */
	assert_int_equal(publish_shadow_sql("CREATE INDEX postcodes_grid ON postcodes(gy, gx)", out,
					    sizeof(out)),
			 0);
	assert_string_equal(out, "CREATE INDEX postcodes_grid_2 ON new_postcodes(gy, gx)");
	assert_int_equal(
	    publish_shadow_sql("CREATE INDEX postcodes_grid_2 ON \"postcodes\"(gy, gx)", out,
			       sizeof(out)),
	    0);
	assert_string_equal(out, "CREATE INDEX postcodes_grid ON new_postcodes(gy, gx)");
	/* cut short is an error, never a statement missing its end */
	assert_int_equal(publish_shadow_sql("CREATE TABLE meta (key TEXT PRIMARY KEY)", out, 20),
			 -1);
}

/* A second import replaces the first through shadow tables: nothing of them
 * is left, the foreign keys point at the live tables, and a publish that
 * fails at any step leaves the live data whole. */
static void reimport_swaps_whole(void **state)
{
	struct import_stats st;
	char err[512], ref[PATH_MAX + 32];
	struct db *db;
	(void)state;

	assert_int_equal(import_run(fixture, dbpath, &st, err, sizeof(err)), 0);
	long pcs = count("SELECT count(*) FROM postcodes");
	assert_true(pcs > 1000);
	assert_int_equal(
	    count("SELECT count(*) FROM sqlite_master WHERE name LIKE 'new\\_%' ESCAPE '\\'"
		  " OR name LIKE 'old\\_%' ESCAPE '\\'"),
	    0);
	assert_int_equal(count("SELECT count(*) FROM pragma_foreign_key_list('results')"
			       " WHERE \"table\" = 'constituencies'"),
			 2);
	assert_int_equal(count("SELECT count(*) FROM pragma_foreign_key_list('result_votes')"
			       " WHERE \"table\" = 'results'"),
			 2);
	assert_int_equal(count("SELECT count(*) FROM pragma_index_list('postcodes')"
			       " WHERE origin = 'c'"),
			 1);
	snprintf(ref, sizeof(ref), "%s-import", dbpath);
	assert_int_equal(access(ref, F_OK), -1);

	/* a finished build elsewhere, published with a fault at each step */
	snprintf(ref, sizeof(ref), "%s/ref.db", tmp);
	assert_int_equal(import_run(fixture, ref, &st, err, sizeof(err)), 0);
	assert_int_equal(db_open(&db, dbpath, 0, err, sizeof(err)), 0);
	db_exec(db, "UPDATE meta SET value = 'before' WHERE key = 'imported_at'");
	int failed = 0;
	for (long k = 1; k < 100; k++) {
		db_fail_step(db, k);
		int rc = publish_reference(db, ref, err, sizeof(err));
		db_fail_step(db, 0);
		assert_int_equal(count("SELECT count(*) FROM postcodes"), pcs);
		assert_int_equal(count("SELECT count(*) FROM results r JOIN constituencies c"
				       " USING (boundary_set, code)"),
				 count("SELECT count(*) FROM results"));
		if (rc == 0)
			break;
		failed++;
		assert_int_equal(count("SELECT count(*) FROM meta WHERE value = 'before'"), 1);
	}
	assert_true(failed > 3);
	assert_int_equal(count("SELECT count(*) FROM meta WHERE value = 'before'"), 0);
	assert_int_equal(
	    count("SELECT count(*) FROM sqlite_master WHERE name LIKE 'new\\_%' ESCAPE '\\'"), 0);
	db_close(db);
}

static int teardown(void **state)
{
	char cmd[PATH_MAX + 16];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(imports_fixture),
		cmocka_unit_test(failed_import_changes_nothing),
		cmocka_unit_test(shadow_sql),
		cmocka_unit_test(reimport_swaps_whole),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
