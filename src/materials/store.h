/*
 * The materials library and leaflets as stored.  The library: materials
 * (a file a group shares with itself, its region or the movement), each
 * version's bytes named by their hash in the blob store, tags, the groups
 * that use one, downloads counted.  Leaflets: templates (national, put by admins), each group's
 * imprint (the promoter's name and address every leaflet must carry), and
 * the leaflets groups made, each with the template version, the filled
 * SVG, the slots' values, the imprint, who and when.  Functions return 1,
 * 0 (none) or -1; those taking fn call it once a row and return 1 or -1.
 */
#ifndef TURNOUT_MATERIALS_STORE_H
#define TURNOUT_MATERIALS_STORE_H

#include "db/blobs.h"
#include "db/db.h"
#include "materials/library.h"
#include "materials/template.h"

#define LEAFLET_TITLE_MAX 120
#define LEAFLET_PICTURE_PX 2000 /* a picture's longest side in a leaflet: 300 dpi on A5 */
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

#define MATERIAL_TITLE_MAX  120
#define MATERIAL_TEXT_MAX   1000
#define MATERIAL_NAME_MAX   100 /* characters of a file's name */
#define MATERIAL_REASON_MAX 300
#define MATERIAL_REGION_MAX 60

enum material_state { MATERIAL_PUBLISHED, MATERIAL_WAITING, MATERIAL_REFUSED };

struct material_version {
	int version;
	char hash[BLOB_HASH_LEN + 1], thumb[BLOB_HASH_LEN + 1]; /* thumb "" when none */
	char type[8];						/* "pdf", "png", "jpeg", "svg" */
	long bytes, uploaded_by;
	char filename[MATERIAL_NAME_MAX * 4 + 1], note[MATERIAL_TITLE_MAX * 4 + 1];
	long long uploaded_at;
};

struct material {
	long id, group_id, created_by; /* group_id: the group that owns it, 0 for none */
	enum material_scope scope;
	char region[MATERIAL_REGION_MAX * 4 + 1];
	char title[MATERIAL_TITLE_MAX * 4 + 1], description[MATERIAL_TEXT_MAX * 4 + 1];
	char licence[64], tags[MATERIAL_TAGS_MAX * (MATERIAL_TAG_MAX + 1) + 1];
	char reason[MATERIAL_REASON_MAX * 4 + 1]; /* why the latest version was refused */
	enum material_state state;		  /* of the latest version */
	int version, published;			  /* latest; the one members see (0: none) */
	long downloads, adopted;		  /* adopted: groups that use it */
	long long created_at, updated_at;
	struct material_version latest;
};

/*
 * Puts a material and its first version (m->latest), its tags in m->tags,
 * in one transaction: 1 and m->id, or -1 with nothing stored.  m->state
 * says whether it is published at once or waits for approval.
 */
int material_put(struct db *db, struct material *m, long long now);
/* A new version v of material id (its state: published, or waiting):
 * 1 and v->version, 0 no such material, -1 with nothing stored. */
int material_version_add(struct db *db, long id, struct material_version *v,
			 enum material_state state, long long now);
int material_get(struct db *db, long id, struct material *out);
/* Version version of material id: 1, 0 none, -1. */
int material_version_get(struct db *db, long id, int version, struct material_version *out);
/* The versions, newest first, up to max (0: all). */
int material_versions_each(struct db *db, long id, int max,
			   void (*fn)(const struct material_version *v, void *arg), void *arg);
/* 1 when the person is a member of the material's scope (and so may see
 * its published version), 0 not, -1. */
int material_in_scope(struct db *db, const struct material *m, long person_id);

struct material_query {
	long person_id;
	int all;	  /* an admin: every material, whatever its scope or state */
	const char *like; /* material_like_pattern(), or NULL */
	const char *tag;  /* material_tag_norm(), or NULL */
	int scope;	  /* an enum material_scope, or -1 for any */
	int waiting;	  /* only those waiting for approval */
};
/* The materials the person may see (published in a scope of theirs, or
 * any state for their groups' organisers), newest first, at most 100. */
int materials_search(struct db *db, const struct material_query *q,
		     void (*fn)(const struct material *m, void *arg), void *arg);
int materials_waiting(struct db *db);
/* The tags in use among what the person may see, most used first. */
int material_tags_each(struct db *db, long person_id, int all,
		       void (*fn)(const char *tag, long n, void *arg), void *arg);
/* One more download of material id: 1, 0 none, -1. */
int material_downloaded(struct db *db, long id);
/* Group group_id says it uses material id (on) or no longer (!on):
 * 1 done, 0 nothing to change, -1. */
int material_adopt(struct db *db, long id, long group_id, long by, int on, long long now);
/* 1 when the group says it uses the material, 0 not, -1. */
int material_adopted_by(struct db *db, long id, long group_id);
/* An admin publishes (reason NULL) or refuses the waiting latest version:
 * 1, 0 when it is not waiting, -1. */
int material_decide(struct db *db, long id, const char *reason, long by, long long now);
/* Removes a material, its versions, tags and adoptions (the blobs stay:
 * another material may hold the same bytes): 1, 0 none, -1. */
int material_delete(struct db *db, long id);
/* 1 when a version's file or thumbnail is the blob hash, 0 not, -1. */
int material_blob_in_use(struct db *db, const char *hash);
/* Whether a material for the movement waits for an admin's approval
 * (settings 'materials_approval', on unless set to 0): 1, 0, -1. */
int materials_approval(struct db *db);
int materials_approval_set(struct db *db, int on);
/* The admins, who approve what the movement is given: fn once each. */
int material_approvers(struct db *db, void (*fn)(long person, void *arg), void *arg);
/* 1 when one of the group's 2024 seats lies in the region, 0 not, -1. */
int material_group_in_region(struct db *db, long group_id, const char *region);
/* The regions of the group's 2024 seats, by name. */
int material_group_regions(struct db *db, long group_id, void (*fn)(const char *region, void *arg),
			   void *arg);

#endif
