#include "materials/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

int template_put(struct db *db, struct leaflet_template *t, const char *svg, long by, long long now)
{
	struct db_stmt *st = db_cached(db, "INSERT INTO leaflet_templates (title, description,"
					   " version, svg, created_by, created_at)"
					   " VALUES (?, ?, 1, ?, ?, ?) RETURNING id");
	db_binds(st, 1, DB_STR(t->title), DB_STR(t->description), DB_STR(svg), DB_ID(by),
		 DB_INT(now));
	if (db_one(st) != 1)
		return -1;
	t->id = (long)db_col_int(st, 0);
	t->version = 1;
	db_reset(st);
	return 1;
}

int template_get(struct db *db, long id, struct leaflet_template *out)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT id, version, title, description, svg"
			  " FROM leaflet_templates WHERE id = ? AND retired_at IS NULL");
	db_bind_int(st, 1, id);
	int rc = db_one(st);
	if (rc != 1)
		return rc;
	out->id = (long)db_col_int(st, 0);
	out->version = (int)db_col_int(st, 1);
	db_col_copy(st, 2, out->title, sizeof(out->title));
	db_col_copy(st, 3, out->description, sizeof(out->description));
	out->svg = xstrdup(db_col_text(st, 4) ? db_col_text(st, 4) : "");
	db_reset(st);
	return 1;
}

int templates_each(struct db *db, void (*fn)(const struct leaflet_template *t, void *arg),
		   void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT id, version, title, description"
					   " FROM leaflet_templates WHERE retired_at IS NULL"
					   " ORDER BY title, id");
	struct leaflet_template *t = xcalloc(1, sizeof(*t));
	int rc;
	while (db_next(st, &rc)) {
		t->id = (long)db_col_int(st, 0);
		t->version = (int)db_col_int(st, 1);
		db_col_copy(st, 2, t->title, sizeof(t->title));
		db_col_copy(st, 3, t->description, sizeof(t->description));
		fn(t, arg);
	}
	free(t);
	return rc;
}

int imprint_get(struct db *db, long group_id, char *out, size_t cap)
{
	struct db_stmt *st = db_cached(db, "SELECT imprint FROM group_imprints WHERE group_id = ?");
	db_bind_int(st, 1, group_id);
	int rc = db_one(st);
	out[0] = '\0';
	if (rc == 1) {
		db_col_copy(st, 0, out, cap);
		db_reset(st);
	}
	return rc;
}

int imprint_set(struct db *db, long group_id, const char *imprint, long long now)
{
	struct db_stmt *st =
	    db_cached(db, "INSERT INTO group_imprints (group_id, imprint, updated_at)"
			  " VALUES (?, ?, ?) ON CONFLICT (group_id) DO UPDATE SET"
			  " imprint = excluded.imprint, updated_at = excluded.updated_at");
	db_binds(st, 1, DB_INT(group_id), DB_STR(imprint), DB_INT(now));
	return db_done(st) ? -1 : 1;
}

int leaflet_put(struct db *db, struct leaflet *l)
{
	struct db_stmt *st =
	    db_cached(db, "INSERT INTO leaflets (template_id, version, svg, group_id,"
			  " made_by, event_id, imprint, slots, made_at)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	db_binds(st, 1, DB_INT(l->template_id), DB_INT(l->version), DB_STR(l->svg),
		 DB_INT(l->group_id), DB_ID(l->made_by), DB_ID(l->event_id), DB_STR(l->imprint),
		 DB_STR(l->slots), DB_INT(l->made_at));
	if (db_one(st) != 1)
		return -1;
	l->id = (long)db_col_int(st, 0);
	db_reset(st);
	return 1;
}

int leaflet_get(struct db *db, long id, struct leaflet *out)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT id, template_id, version, svg, group_id,"
			  " coalesce(made_by, 0), coalesce(event_id, 0), imprint, slots,"
			  " made_at FROM leaflets WHERE id = ?");
	memset(out, 0, sizeof(*out));
	db_bind_int(st, 1, id);
	int rc = db_one(st);
	if (rc != 1)
		return rc;
	out->id = (long)db_col_int(st, 0);
	out->template_id = (long)db_col_int(st, 1);
	out->version = (int)db_col_int(st, 2);
	out->svg = xstrdup(db_col_text(st, 3) ? db_col_text(st, 3) : "");
	out->group_id = (long)db_col_int(st, 4);
	out->made_by = (long)db_col_int(st, 5);
	out->event_id = (long)db_col_int(st, 6);
	db_col_copy(st, 7, out->imprint, sizeof(out->imprint));
	out->slots = xstrdup(db_col_text(st, 8) ? db_col_text(st, 8) : "{}");
	out->made_at = db_col_int(st, 9);
	db_reset(st);
	return 1;
}

void leaflet_release(struct leaflet *l)
{
	free(l->svg);
	free(l->slots);
	l->svg = l->slots = NULL;
}
