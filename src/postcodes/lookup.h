/*
 * Postcode and district records from the store.  A postcode not in the
 * data but well-formed falls back to its district (precision "district"),
 * as do Northern Ireland postcodes, which Code-Point Open does not cover.
 */
#ifndef TURNOUT_LOOKUP_H
#define TURNOUT_LOOKUP_H

#include <stddef.h>

#include "db/db.h"
#include "postcodes/postcode.h"

enum precision { PRECISION_POSTCODE, PRECISION_DISTRICT };

struct pc_record {
	struct postcode pc;
	enum precision precision;
	int positioned; /* 0: the postcode has no published position */
	double lat, lon;
	long eastings, northings; /* -1 when unknown */
	int quality;              /* Code-Point positional quality; -1 unknown */
	char country[12], nhs_rha[12], nhs_ha[12];
	char admin_county[12], admin_district[12], admin_ward[12];
	char pcon2010[12], pcon2024[12];
	double distance_m; /* reverse lookups only */
};

struct district {
	char outcode[5];
	int positioned; /* 0 for non-geographic districts */
	double lat, lon;
	long eastings, northings;
	long postcodes, active;
	char town[64], region[64], uk_region[32];
	char pcon2010[12], pcon2024[12];
	char *seats2010, *seats2024, *admin_districts; /* JSON arrays, or NULL */
};

/* 1 found, 0 not found, -1 store error.  Exact postcodes only. */
int lookup_postcode(struct db *db, const struct postcode *pc, struct pc_record *out);
/* Exact postcode, else its district at district precision; 1, 0 or -1. */
int lookup_postcode_or_district(struct db *db, const struct postcode *pc,
				struct pc_record *out);
/* 1 found, 0 not, -1 error.  Strings in d are the caller's to free
 * (district_release). */
int lookup_district(struct db *db, const char *outcode, struct district *d);
void district_release(struct district *d);
/* Up to `limit` postcodes within radius_m of (lat, lon), nearest first;
 * returns the count or -1. */
long lookup_nearby(struct db *db, double lat, double lon, double radius_m, size_t limit,
		   struct pc_record *out);
/* Up to `limit` postcodes starting with prefix (compact), in order; writes
 * display forms into out (9 bytes each); returns the count or -1. */
long lookup_autocomplete(struct db *db, const char *prefix, size_t limit, char (*out)[9]);

/* A random positioned postcode, within outcode when it is not NULL;
 * 1, 0 (none there) or -1. */
int lookup_random(struct db *db, const char *outcode, struct pc_record *out);

/* "England", "Scotland", "Wales", "Northern Ireland" from a country code or
 * outcode; NULL when unknown. */
const char *country_name(const struct pc_record *r);

#endif
