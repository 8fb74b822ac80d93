/*
 * `turnout import`: loads the bundled UK data (see data/ATTRIBUTION.md) into
 * the database.  Either every table is replaced or, on any error, nothing
 * changes and the error names file:line and the reason.  The data is built
 * in a staging file and published in short transactions (publish.h), so a
 * server using the database meanwhile keeps writing.
 */
#ifndef TURNOUT_IMPORT_H
#define TURNOUT_IMPORT_H

#include <stddef.h>

struct import_stats {
	long postcodes, positioned, pcon2010_nearest, pcon2010_missing;
	long districts, seats2010, seats2024, results;
	long travel_cells, travel_fields, travel_joined; /* land cells, seats, parts joined */
	double seconds;
};

/* 0, or -1 with the reason in err. */
int import_run(const char *data_dir, const char *db_path, struct import_stats *stats,
	       char *err, size_t errlen);

#endif
