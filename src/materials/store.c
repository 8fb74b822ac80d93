#include "materials/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "groups/store.h"
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

/* ---- the materials library ---- */

static const char *const state_names[] = { "published", "waiting", "refused" };

static enum material_state state_of(const char *s)
{
	for (int i = 0; s && i < 3; i++)
		if (!strcmp(s, state_names[i]))
			return (enum material_state)i;
	return MATERIAL_REFUSED;
}

#define MATERIAL_COLS                                                                              \
	" m.id, coalesce(m.group_id, 0), coalesce(m.created_by, 0), m.scope,"                      \
	" coalesce(m.region, ''), m.title, m.description, m.licence, m.tags, m.reason, m.state,"   \
	" m.version, m.published, m.downloads,"                                                    \
	" (SELECT count(*) FROM material_adoptions a WHERE a.material_id = m.id),"                 \
	" m.created_at, m.updated_at,"                                                             \
	" v.version, v.hash, coalesce(v.thumb, ''), v.type, v.bytes, coalesce(v.uploaded_by, 0),"  \
	" v.filename, v.note, v.uploaded_at"

static void version_read(struct db_stmt *st, int c, struct material_version *v)
{
	v->version = (int)db_col_int(st, c);
	db_col_copy(st, c + 1, v->hash, sizeof(v->hash));
	db_col_copy(st, c + 2, v->thumb, sizeof(v->thumb));
	db_col_copy(st, c + 3, v->type, sizeof(v->type));
	v->bytes = (long)db_col_int(st, c + 4);
	v->uploaded_by = (long)db_col_int(st, c + 5);
	db_col_copy(st, c + 6, v->filename, sizeof(v->filename));
	db_col_copy(st, c + 7, v->note, sizeof(v->note));
	v->uploaded_at = db_col_int(st, c + 8);
}

static void material_read(struct db_stmt *st, struct material *m)
{
	m->id = (long)db_col_int(st, 0);
	m->group_id = (long)db_col_int(st, 1);
	m->created_by = (long)db_col_int(st, 2);
	if (material_scope_parse(db_col_text(st, 3), &m->scope))
		m->scope = MATERIAL_GROUP;
	db_col_copy(st, 4, m->region, sizeof(m->region));
	db_col_copy(st, 5, m->title, sizeof(m->title));
	db_col_copy(st, 6, m->description, sizeof(m->description));
	db_col_copy(st, 7, m->licence, sizeof(m->licence));
	db_col_copy(st, 8, m->tags, sizeof(m->tags));
	db_col_copy(st, 9, m->reason, sizeof(m->reason));
	m->state = state_of(db_col_text(st, 10));
	m->version = (int)db_col_int(st, 11);
	m->published = (int)db_col_int(st, 12);
	m->downloads = (long)db_col_int(st, 13);
	m->adopted = (long)db_col_int(st, 14);
	m->created_at = db_col_int(st, 15);
	m->updated_at = db_col_int(st, 16);
	version_read(st, 17, &m->latest);
}

static int version_insert(struct db *db, long id, const struct material_version *v)
{
	struct db_stmt *st =
	    db_cached(db, "INSERT INTO material_versions (material_id, version, hash, type,"
			  " bytes, thumb, filename, note, uploaded_by, uploaded_at)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	db_binds(st, 1, DB_INT(id), DB_INT(v->version), DB_STR(v->hash), DB_STR(v->type),
		 DB_INT(v->bytes), DB_STR(*v->thumb ? v->thumb : NULL), DB_STR(v->filename),
		 DB_STR(v->note), DB_ID(v->uploaded_by), DB_INT(v->uploaded_at));
	return db_done(st);
}

static int tags_insert(struct db *db, long id, const char *tags)
{
	struct db_stmt *st =
	    db_cached(db, "INSERT INTO material_tags (tag, material_id) VALUES (?, ?)");
	char tag[MATERIAL_TAG_MAX + 1];
	while (*tags) {
		size_t k = strcspn(tags, " ");
		if (!k || k > MATERIAL_TAG_MAX)
			return -1;
		memcpy(tag, tags, k);
		tag[k] = 0;
		db_binds(st, 1, DB_STR(tag), DB_INT(id));
		if (db_done(st))
			return -1;
		tags += k + (tags[k] == ' ');
	}
	return 0;
}

int material_put(struct db *db, struct material *m, long long now)
{
	char search[2048];
	struct db_stmt *st;
	int pub = m->state == MATERIAL_PUBLISHED;

	material_search_text(m->title, m->description, m->tags, search, sizeof(search));
	if (db_begin(db))
		return -1;
	st = db_cached(db, "INSERT INTO materials (title, description, licence, scope, group_id,"
			   " region, state, version, published, tags, search, created_by,"
			   " created_at, updated_at)"
			   " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?) RETURNING id");
	db_binds(st, 1, DB_STR(m->title), DB_STR(m->description), DB_STR(m->licence),
		 DB_STR(material_scope_name(m->scope)), DB_ID(m->group_id),
		 DB_STR(m->scope == MATERIAL_REGION ? m->region : NULL),
		 DB_STR(state_names[m->state]), DB_INT(pub), DB_STR(m->tags), DB_STR(search),
		 DB_ID(m->created_by), DB_INT(now), DB_INT(now));
	if (db_one(st) != 1)
		goto fail;
	m->id = (long)db_col_int(st, 0);
	db_reset(st);
	m->version = m->latest.version = 1;
	m->published = pub;
	m->created_at = m->updated_at = m->latest.uploaded_at = now;
	if (version_insert(db, m->id, &m->latest) || tags_insert(db, m->id, m->tags) ||
	    db_commit(db))
		goto fail;
	return 1;
fail:
	db_rollback(db);
	return -1;
}

int material_version_add(struct db *db, long id, struct material_version *v,
			 enum material_state state, long long now)
{
	if (db_begin(db))
		return -1;
	/* a new version waiting for approval leaves the published one seen */
	struct db_stmt *st =
	    db_cached(db, "UPDATE materials SET version = version + 1, state = ?2, reason = '',"
			  " published = CASE WHEN ?2 = 'published' THEN version + 1"
			  " ELSE published END, updated_at = ?3 WHERE id = ?1 RETURNING version");
	db_binds(st, 1, DB_INT(id), DB_STR(state_names[state]), DB_INT(now));
	int rc = db_one(st);
	if (rc != 1)
		goto fail;
	v->version = (int)db_col_int(st, 0);
	v->uploaded_at = now;
	db_reset(st);
	if (version_insert(db, id, v) || db_commit(db)) {
		rc = -1;
		goto fail;
	}
	return 1;
fail:
	db_rollback(db);
	return rc;
}

int material_get(struct db *db, long id, struct material *out)
{
	struct db_stmt *st = db_cached(db, "SELECT" MATERIAL_COLS " FROM materials m"
					   " JOIN material_versions v ON v.material_id = m.id"
					   " AND v.version = m.version WHERE m.id = ?");
	memset(out, 0, sizeof(*out));
	db_bind_int(st, 1, id);
	int rc = db_one(st);
	if (rc != 1)
		return rc;
	material_read(st, out);
	db_reset(st);
	return 1;
}

#define VERSION_COLS                                                                               \
	" version, hash, coalesce(thumb, ''), type, bytes, coalesce(uploaded_by, 0), filename,"    \
	" note, uploaded_at FROM material_versions"

int material_version_get(struct db *db, long id, int version, struct material_version *out)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT" VERSION_COLS " WHERE material_id = ? AND version = ?");
	db_binds(st, 1, DB_INT(id), DB_INT(version));
	int rc = db_one(st);
	if (rc != 1)
		return rc;
	version_read(st, 0, out);
	db_reset(st);
	return 1;
}

int material_versions_each(struct db *db, long id, int max,
			   void (*fn)(const struct material_version *v, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT" VERSION_COLS " WHERE material_id = ?1"
					   " AND (?2 = 0 OR version <= ?2) ORDER BY version DESC");
	struct material_version v;
	int rc;
	db_binds(st, 1, DB_INT(id), DB_INT(max));
	while (db_next(st, &rc)) {
		version_read(st, 0, &v);
		fn(&v, arg);
	}
	return rc;
}

int material_in_scope(struct db *db, const struct material *m, long person_id)
{
	return group_reach_has(db, person_id,
			       m->scope == MATERIAL_GROUP    ? REACH_GROUP
			       : m->scope == MATERIAL_REGION ? REACH_REGION
							     : REACH_MOVEMENT,
			       m->group_id, m->region);
}

/* What the person ?1 may see: published in a scope of theirs; anything of
 * a group they organise; everything for an admin (?2). */
#define VISIBLE                                                                                    \
	" (?2 = 1"                                                                                 \
	"  OR m.group_id IN (SELECT group_id FROM memberships"                                     \
	"      WHERE person_id = ?1 AND role = 'organiser')"                                       \
	"  OR (m.published > 0 AND ("                                                              \
	"     (m.scope = 'group' AND m.group_id IN (SELECT group_id FROM memberships"              \
	"         WHERE person_id = ?1))"                                                          \
	"     OR (m.scope = 'movement' AND EXISTS (SELECT 1 FROM memberships"                      \
	"         WHERE person_id = ?1))"                                                          \
	"     OR (m.scope = 'region' AND m.region IN (" SQL_REGIONS_OF_PERSON ")))))"

/* The materials that may be the person ?1's to see, found by index: their
 * groups', the movement's, their regions' (VISIBLE then decides). */
#define CANDIDATES                                                                                 \
	" (SELECT id FROM materials WHERE group_id IN"                                             \
	"   (SELECT group_id FROM memberships WHERE person_id = ?1)"                               \
	" UNION ALL SELECT id FROM materials WHERE scope = 'movement'"                             \
	"   AND EXISTS (SELECT 1 FROM memberships WHERE person_id = ?1)"                           \
	" UNION ALL SELECT id FROM materials WHERE scope = 'region'"                               \
	"   AND region IN (" SQL_REGIONS_OF_PERSON "))"

/* The filters, after the rows the visitor may see. */
#define SEARCH_TAIL                                                                                \
	" AND (CAST(?3 AS TEXT) IS NULL OR m.search LIKE ?3 ESCAPE '\\')"                          \
	" AND (CAST(?4 AS TEXT) IS NULL"                                                           \
	"      OR m.id IN (SELECT material_id FROM material_tags WHERE tag = ?4))"                 \
	" AND (CAST(?5 AS TEXT) IS NULL OR m.scope = ?5) AND (?6 = 0 OR m.state = 'waiting')"      \
	" ORDER BY m.updated_at DESC, m.id DESC LIMIT 100"

int materials_search(struct db *db, const struct material_query *q,
		     void (*fn)(const struct material *m, void *arg), void *arg)
{
	/* the latest version for its organisers and admins, else the published;
	 * a visitor's rows are found by index (their groups', the movement's,
	 * their regions'), never by reading the whole library */
	struct db_stmt *st =
	    q->all
		? db_cached(db, "SELECT" MATERIAL_COLS " FROM materials m"
				" JOIN material_versions v ON v.material_id = m.id"
				" AND v.version = m.version WHERE ?1 = ?1 AND ?2 = 1" SEARCH_TAIL)
		: db_cached(db, "SELECT" MATERIAL_COLS
				" FROM materials m JOIN material_versions v ON v.material_id = m.id"
				" AND v.version = CASE WHEN m.group_id IN (SELECT group_id FROM"
				" memberships WHERE person_id = ?1 AND role = 'organiser')"
				" THEN m.version ELSE m.published END"
				" WHERE m.id IN" CANDIDATES " AND" VISIBLE SEARCH_TAIL);
	struct material *m = xcalloc(1, sizeof(*m));
	int rc;
	db_binds(st, 1, DB_INT(q->person_id), DB_INT(q->all ? 1 : 0), DB_STR(q->like),
		 DB_STR(q->tag),
		 DB_STR(q->scope >= 0 ? material_scope_name((enum material_scope)q->scope) : NULL),
		 DB_INT(q->waiting ? 1 : 0));
	while (db_next(st, &rc)) {
		material_read(st, m);
		fn(m, arg);
	}
	free(m);
	return rc;
}

int materials_waiting(struct db *db)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT count(*) FROM materials WHERE state = 'waiting'");
	return (int)db_int_or(st, -1);
}

int material_tags_each(struct db *db, long person_id, int all,
		       void (*fn)(const char *tag, long n, void *arg), void *arg)
{
	struct db_stmt *st =
	    all ? db_cached(db, "SELECT tag, count(*) FROM material_tags WHERE ?1 = ?1 AND ?2 = 1"
				" GROUP BY tag ORDER BY 2 DESC, 1 LIMIT 30")
		: db_cached(db, "SELECT t.tag, count(*) FROM materials m"
				" JOIN material_tags t ON t.material_id = m.id"
				" WHERE m.id IN" CANDIDATES " AND" VISIBLE
				" GROUP BY t.tag ORDER BY 2 DESC, 1 LIMIT 30");
	int rc;
	db_binds(st, 1, DB_INT(person_id), DB_INT(all ? 1 : 0));
	while (db_next(st, &rc))
		fn(db_col_text(st, 0), (long)db_col_int(st, 1), arg);
	return rc;
}

int material_downloaded(struct db *db, long id)
{
	struct db_stmt *st = db_cached(
	    db, "UPDATE materials SET downloads = downloads + 1 WHERE id = ? RETURNING id");
	db_bind_int(st, 1, id);
	return db_changed(st);
}

int material_adopt(struct db *db, long id, long group_id, long by, int on, long long now)
{
	struct db_stmt *st =
	    on ? db_cached(db, "INSERT INTO material_adoptions (material_id, group_id,"
			       " adopted_by, adopted_at) VALUES (?1, ?2, ?3, ?4)"
			       " ON CONFLICT DO NOTHING RETURNING material_id")
	       : db_cached(db, "DELETE FROM material_adoptions WHERE material_id = ?1"
			       " AND group_id = ?2 RETURNING material_id");
	db_binds(st, 1, DB_INT(id), DB_INT(group_id));
	if (on)
		db_binds(st, 3, DB_ID(by), DB_INT(now));
	return db_changed(st);
}

int material_adopted_by(struct db *db, long id, long group_id)
{
	struct db_stmt *st = db_cached(db, "SELECT 1 FROM material_adoptions"
					   " WHERE material_id = ? AND group_id = ?");
	db_binds(st, 1, DB_INT(id), DB_INT(group_id));
	return db_exists(st);
}

int material_decide(struct db *db, long id, const char *reason, long by, long long now)
{
	struct db_stmt *st =
	    db_cached(db, "UPDATE materials SET state = CASE WHEN CAST(?2 AS TEXT) IS NULL THEN 'published'"
			  " ELSE 'refused' END, reason = coalesce(?2, ''),"
			  " published = CASE WHEN ?2 IS NULL THEN version ELSE published END,"
			  " decided_by = ?3, decided_at = ?4, updated_at = ?4"
			  " WHERE id = ?1 AND state = 'waiting' RETURNING id");
	db_binds(st, 1, DB_INT(id), DB_STR(reason), DB_ID(by), DB_INT(now));
	return db_changed(st);
}

int material_delete(struct db *db, long id)
{
	struct db_stmt *st = db_cached(db, "DELETE FROM materials WHERE id = ? RETURNING id");
	db_bind_int(st, 1, id);
	return db_changed(st);
}

int material_blob_in_use(struct db *db, const char *hash)
{
	struct db_stmt *st = db_cached(db, "SELECT 1 FROM material_versions WHERE hash = ?1"
					   " UNION ALL SELECT 1 FROM material_versions"
					   " WHERE thumb = ?1 LIMIT 1");
	db_bind_str(st, 1, hash);
	return db_exists(st);
}

int materials_approval(struct db *db)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT value FROM settings WHERE key = 'materials_approval'");
	int rc = db_one(st);
	if (rc != 1)
		return rc < 0 ? -1 : 1;
	rc = strcmp(db_col_text(st, 0) ? db_col_text(st, 0) : "", "0") ? 1 : 0;
	db_reset(st);
	return rc;
}

int materials_approval_set(struct db *db, int on)
{
	struct db_stmt *st = db_cached(db, "INSERT INTO settings (key, value)"
					   " VALUES ('materials_approval', ?) ON CONFLICT (key)"
					   " DO UPDATE SET value = excluded.value");
	db_bind_str(st, 1, on ? "1" : "0");
	return db_done(st) ? -1 : 1;
}

#define GROUP_REGIONS                                                                              \
	"SELECT DISTINCT r.region FROM group_seats s"                                              \
	" JOIN results r ON r.election = 2024 AND r.code = s.pcon2024"                             \
	" WHERE s.group_id = ?1 AND r.region IS NOT NULL"

int material_group_in_region(struct db *db, long group_id, const char *region)
{
	struct db_stmt *st = db_cached(db, "SELECT 1 FROM (" GROUP_REGIONS ") g WHERE region = ?2");
	db_binds(st, 1, DB_INT(group_id), DB_STR(region));
	return db_exists(st);
}

int material_group_regions(struct db *db, long group_id, void (*fn)(const char *region, void *arg),
			   void *arg)
{
	struct db_stmt *st = db_cached(db, GROUP_REGIONS " ORDER BY 1");
	int rc;
	db_bind_int(st, 1, group_id);
	while (db_next(st, &rc))
		fn(db_col_text(st, 0), arg);
	return rc;
}

int material_approvers(struct db *db, void (*fn)(long person, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT id FROM people WHERE is_admin = 1 ORDER BY id");
	int rc;
	while (db_next(st, &rc))
		fn((long)db_col_int(st, 0), arg);
	return rc;
}
