/*
 * Constituencies and election results, loaded from the database once at
 * start-up and read-only afterwards, so every thread shares them without
 * locks and no request touches the results tables.
 */
#ifndef TURNOUT_SEATS_H
#define TURNOUT_SEATS_H

#include <stddef.h>

#include "db/db.h"
#include "geo/travel.h"
#include "seats/party.h"
#include "util/buf.h"

struct seat {
	char code[16];
	char *name;
	int boundary_set; /* 2010 or 2024 */
	double lat, lon;  /* centre */
	double minx, miny, maxx, maxy;
	/* simplified outline for maps: rings of float lon/lat pairs */
	size_t nrings;
	size_t *ring_len;
	float **rings;
	size_t index; /* in seats->seats, and so its column in seats->travel */
};

struct party_votes {
	char party[PARTY_CODE_MAX];
	long votes;
};

struct seat_result {
	const struct seat *seat;
	char first[PARTY_CODE_MAX], second[PARTY_CODE_MAX]; /* party codes */
	char *first_label, *second_label; /* as published: "Lab", "Con", ... */
	long electorate, valid, invalid, majority; /* invalid -1: not published */
	double majority_pct, turnout_pct;
	char *result, *member, *region, *country;
	size_t nvotes;
	struct party_votes *votes; /* most votes first */
};

struct election {
	int year, boundary_set;
	size_t n;
	struct seat_result *results; /* ordered by seat code */
};

#define SEATS_NELECTIONS 3

struct seats {
	size_t n;
	struct seat *seats; /* ordered by boundary set, then code */
	struct travel_grid grid; /* nland 0 when there is none */
	/*
	 * Distances by land, one row per land cell and in it one column per
	 * seat, so a lookup reads one row, a few cache lines; TRAVEL_UNREACHED
	 * for a seat with no field.  NULL for data imported before travel
	 * distances (the straight line is used).
	 */
	uint16_t *travel;
	struct election elections[SEATS_NELECTIONS];
};

/* The row of distances for a land cell (travel_locate), or NULL. */
const uint16_t *seats_travel_row(const struct seats *s, long cell);
/* 0, or -1 with the reason in err (e.g. nothing imported yet). */
int seats_load(struct seats *s, struct db *db, char *err, size_t errlen);
void seats_release(struct seats *s);
/* The seat with that code on that boundary set (2010 or 2024), or NULL. */
const struct seat *seats_find(const struct seats *s, int boundary_set, const char *code);
/* The seat's name, or the code itself when it is not known. */
const char *seats_name(const struct seats *s, int boundary_set, const char *code);
/* The election of that year, or NULL. */
const struct election *seats_election(const struct seats *s, int year);
const struct seat_result *election_result(const struct election *e, const char *code);
/* A party's display name: the known name of code, else the published label. */
const char *result_party_name(const char *code, const char *label);
/* Appends the seat's stored GeoJSON geometry to out: 1, 0 none, -1. */
int seat_geometry(struct db *db, const struct seat *s, struct buf *out);

#endif
