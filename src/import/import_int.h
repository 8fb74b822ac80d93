/* Shared between the import steps; not for features. */
#ifndef TURNOUT_IMPORT_INT_H
#define TURNOUT_IMPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "geo/geo.h"
#include "geo/locator.h"
#include "import/import.h"

/* One boundary set (2010 or 2024), held in memory for the whole import. */
struct bset {
	int year;
	size_t n;
	char (*codes)[16];
	char **names;
	struct geo_shape *shapes;
	struct geo_locator loc;
};

struct import {
	struct db *db;
	const char *dir;
	struct import_stats *stats;
	struct bset sets[2]; /* [0] 2010, [1] 2024 */
	char *err;
	size_t errlen;
};

/* Each step returns 0, or -1 with imp->err filled. */
int import_boundaries(struct import *imp);
int import_results(struct import *imp);
int import_postcodes(struct import *imp);
/* After import_boundaries: travel distances over land for every seat. */
int import_travel(struct import *imp);

/* Index of code in the set, or -1. */
long bset_find(const struct bset *b, const char *code, size_t n);
/* Seat index holding (lat, lon): inside a shape, else the nearest edge
 * within 5 km (*nearest set), else -1. */
long bset_locate(const struct bset *b, double lat, double lon, int *nearest);

/* Writes "path:line: reason" into imp->err; returns -1 for `return fail(...)`. */
int import_fail(struct import *imp, const char *path, long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

struct csv;
struct postcode;
/* Opens a CSV file and reads its header row; 0, or -1 with imp->err set. */
int import_csv_open(struct import *imp, struct csv *r, const char *path);
/* Checks a Code-Point style row: `want` fields, a valid postcode first. */
int import_row_postcode(struct import *imp, const char *path, const struct csv *r, int nf,
			int want, struct postcode *pc);

/* Finds the column named (case- and punctuation-blind) name in a header. */
int csv_header_index(const struct csv *r, const char *name);

#endif
