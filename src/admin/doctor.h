/*
 * `turnout doctor`: what an operator checks first when something is wrong,
 * read from the database file and the disk beside it (and, given a URL, a
 * running server's /healthz): integrity, disk space, the mail queue and
 * its failures, the write-ahead log and the last checkpoint.
 */
#ifndef TURNOUT_ADMIN_DOCTOR_H
#define TURNOUT_ADMIN_DOCTOR_H

#include <stdio.h>

#define DOCTOR_INTEGRITY 1 /* run quick_check (reads the whole file) */

/* Writes the report to out: 0 all well, 1 something needs attention,
 * -1 the database could not be read at all. */
int doctor_run(const char *db_path, const char *url, int flags, FILE *out);

#endif
