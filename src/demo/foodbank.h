/*
 * The food bank `turnout demo` seeds for the first group (demo/foodbank.c).
 */
#ifndef TURNOUT_DEMO_FOODBANK_H
#define TURNOUT_DEMO_FOODBANK_H

struct db;

/* A food bank at (lat, lon) near postcode, in seat, supported by the group,
 * with its needs, and a weekly Saturday collection made 8 weeks ahead
 * with a run to the food bank on the first: the food bank's id, or -1. */
long demo_foodbank(struct db *db, long group_id, long organiser, const char *seat,
		   const char *postcode, double lat, double lon);

#endif
