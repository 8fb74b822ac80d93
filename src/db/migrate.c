/*
 * Versioned schema migrations, applied in order at start-up, each in its own
 * transaction.  A migration is never edited once shipped: add a new one.
 */
#include <stdio.h>

#include "db/db.h"

static const char *const migrations[] = {
	/* 1: reference data (seats, results, postcodes, districts) */
	"CREATE TABLE constituencies ("
	/* codes are reused across boundary sets (S14000021 is on both) */
	"  code TEXT NOT NULL,"
	"  boundary_set INTEGER NOT NULL," /* 2010 or 2024 */
	"  name TEXT NOT NULL,"
	"  centre_lat REAL NOT NULL, centre_lon REAL NOT NULL,"
	"  min_lon REAL NOT NULL, min_lat REAL NOT NULL,"
	"  max_lon REAL NOT NULL, max_lat REAL NOT NULL,"
	"  geometry TEXT NOT NULL," /* GeoJSON geometry as published */
	"  outline BLOB NOT NULL," /* simplified rings for maps */
	"  PRIMARY KEY (boundary_set, code)"
	");"
	"CREATE INDEX constituencies_set ON constituencies(boundary_set, name);"
	"CREATE TABLE results ("
	"  election INTEGER NOT NULL,"
	"  code TEXT NOT NULL, boundary_set INTEGER NOT NULL,"
	"  first_party TEXT NOT NULL, second_party TEXT NOT NULL," /* as published */
	"  electorate INTEGER NOT NULL, valid_votes INTEGER NOT NULL,"
	"  invalid_votes INTEGER, majority INTEGER NOT NULL,"
	"  result TEXT, member TEXT, region TEXT, country TEXT,"
	"  PRIMARY KEY (election, code),"
	"  FOREIGN KEY (boundary_set, code) REFERENCES constituencies(boundary_set, code)"
	");"
	"CREATE TABLE result_votes ("
	"  election INTEGER NOT NULL, code TEXT NOT NULL,"
	"  party TEXT NOT NULL, votes INTEGER NOT NULL,"
	"  PRIMARY KEY (election, code, party),"
	"  FOREIGN KEY (election, code) REFERENCES results(election, code)"
	");"
	"CREATE TABLE postcodes ("
	"  pc TEXT PRIMARY KEY," /* compact: SW1A1AA */
	"  quality INTEGER NOT NULL,"
	"  eastings INTEGER, northings INTEGER,"
	"  lat REAL, lon REAL,"
	"  gy INTEGER, gx INTEGER," /* 0.01-degree grid cell for reverse lookups */
	"  country TEXT, nhs_rha TEXT, nhs_ha TEXT,"
	"  admin_county TEXT, admin_district TEXT, admin_ward TEXT,"
	"  pcon2010 TEXT, pcon2024 TEXT"
	") WITHOUT ROWID;"
	"CREATE INDEX postcodes_grid ON postcodes(gy, gx);"
	"CREATE TABLE districts ("
	"  outcode TEXT PRIMARY KEY,"
	"  lat REAL, lon REAL, eastings INTEGER, northings INTEGER,"
	"  town TEXT, region TEXT, uk_region TEXT,"
	"  postcodes INTEGER NOT NULL, active INTEGER NOT NULL," /* as the list says */
	"  held INTEGER NOT NULL," /* postcodes of it in our postcodes table */
	"  pcon2010 TEXT, pcon2024 TEXT," /* seat at the district centre */
	"  seats2010 TEXT, seats2024 TEXT," /* JSON arrays of every seat it touches */
	"  admin_districts TEXT, admin_wards TEXT, admin_counties TEXT, countries TEXT"
	");"
	"CREATE INDEX districts_held ON districts(outcode) WHERE held > 0;"
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
};

#define NMIGRATIONS (int)(sizeof(migrations) / sizeof(migrations[0]))

int db_schema_version(struct db *db)
{
	struct db_stmt *st = db_prepare(db, "SELECT max(version) FROM schema_migrations");
	int v = 0;

	if (!st)
		return 0;
	if (db_step(st) == DB_ROW)
		v = (int)db_col_int(st, 0);
	db_finalize(st);
	return v;
}

int db_migrate(struct db *db, char *err, size_t errlen)
{
	if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			" version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)")) {
		snprintf(err, errlen, "migrations table: %s", db_errmsg(db));
		return -1;
	}
	for (int v = db_schema_version(db) + 1; v <= NMIGRATIONS; v++) {
		struct db_stmt *st = NULL;
		if (db_begin(db) || db_exec(db, migrations[v - 1]))
			goto fail;
		st = db_prepare(db, "INSERT INTO schema_migrations (version, applied_at)"
				    " VALUES (?, CURRENT_TIMESTAMP)");
		if (!st || db_bind_int(st, 1, v) || db_step(st) != DB_DONE)
			goto fail;
		db_finalize(st);
		st = NULL;
		if (db_commit(db))
			goto fail;
		continue;
	fail:
		db_finalize(st);
		snprintf(err, errlen, "migration %d: %s", v, db_errmsg(db));
		db_rollback(db);
		return -1;
	}
	return 0;
}
