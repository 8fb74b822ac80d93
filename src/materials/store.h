/*
 * Leaflets as stored: templates (national, put by admins), each group's
 * imprint (the promoter's name and address every leaflet must carry), and
 * the leaflets groups made, each with the template version, the filled
 * SVG, the slots' values, the imprint, who and when.  Functions return 1,
 * 0 (none) or -1; those taking fn call it once a row and return 1 or -1.
 */
#ifndef TURNOUT_MATERIALS_STORE_H
#define TURNOUT_MATERIALS_STORE_H

#include "db/db.h"
#include "materials/template.h"

#define LEAFLET_TITLE_MAX 120
#define LEAFLET_TEXT_MAX  500

struct leaflet_template {
	long id;
	int version;
	char title[LEAFLET_TITLE_MAX * 4 + 1], description[LEAFLET_TEXT_MAX * 4 + 1];
	char *svg; /* template_get: malloc'd, the caller frees it */
};
/* Stores a checked template (its SVG text svg): 1 and t->id, -1. */
int template_put(struct db *db, struct leaflet_template *t, const char *svg, long by,
		 long long now);
int template_get(struct db *db, long id, struct leaflet_template *out);
int templates_each(struct db *db, void (*fn)(const struct leaflet_template *t, void *arg),
		   void *arg);

/* The group's imprint into out (cap bytes): 1, 0 when it has none, -1. */
int imprint_get(struct db *db, long group_id, char *out, size_t cap);
int imprint_set(struct db *db, long group_id, const char *imprint, long long now);

struct leaflet {
	long id, template_id, group_id, made_by, event_id;
	int version;
	long long made_at;
	char imprint[IMPRINT_MAX * 4 + 1];
	char *svg, *slots; /* leaflet_get: malloc'd, the caller frees them */
};
/* Records a leaflet made: 1 and l->id, -1. */
int leaflet_put(struct db *db, struct leaflet *l);
int leaflet_get(struct db *db, long id, struct leaflet *out);
void leaflet_release(struct leaflet *l);

#endif
