#include "groups/store.h"

#include <string.h>
#include <time.h>

int group_role_of(struct db *db, long group_id, long person_id)
{
	struct db_stmt *st = db_cached(db, "SELECT role FROM memberships"
					   " WHERE group_id = ? AND person_id = ?");
	db_binds(st, 1, DB_INT(group_id), DB_INT(person_id));
	int rc = db_one(st);
	if (rc == 1) {
		rc = strcmp(db_col_text(st, 0), "organiser") == 0 ? ROLE_ORGANISER : ROLE_MEMBER;
		db_reset(st);
	}
	return rc < 0 ? -1 : rc;
}

int group_name(struct db *db, long id, char *name, size_t cap)
{
	struct db_stmt *st = db_cached(db, "SELECT name FROM local_groups WHERE id = ?");
	db_bind_int(st, 1, id);
	int rc = db_one(st);
	if (rc == 1) {
		db_col_copy(st, 0, name, cap);
		db_reset(st);
	}
	return rc;
}

int group_set_role(struct db *db, long group_id, long person_id, enum group_role role)
{
	struct db_stmt *st;

	if (role == ROLE_NONE) {
		st = db_cached(db, "DELETE FROM memberships WHERE group_id = ? AND person_id = ?");
	} else {
		st = db_cached(db, "INSERT INTO memberships (group_id, person_id, role, joined_at)"
				   " VALUES (?, ?, ?, ?) ON CONFLICT (group_id, person_id)"
				   " DO UPDATE SET role = excluded.role");
		db_binds(st, 3, DB_STR(role == ROLE_ORGANISER ? "organiser" : "member"),
			 DB_INT(time(NULL)));
	}
	db_binds(st, 1, DB_INT(group_id), DB_INT(person_id));
	return db_done(st);
}

int groups_each(struct db *db, long viewer, void (*fn)(const struct group_row *g, void *arg),
		void *arg)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT g.id, g.name,"
			  " (SELECT count(*) FROM memberships m WHERE m.group_id = g.id),"
			  " (SELECT role FROM memberships m WHERE m.group_id = g.id"
			  "  AND m.person_id = ?)"
			  " FROM local_groups g ORDER BY g.name");
	int rc;
	db_bind_int(st, 1, viewer);
	while (db_next(st, &rc)) {
		const char *role = db_col_text(st, 3);
		struct group_row g = { (long)db_col_int(st, 0), (long)db_col_int(st, 2),
				       db_col_text(st, 1),
				       !role			    ? ROLE_NONE
				       : !strcmp(role, "organiser") ? ROLE_ORGANISER
								    : ROLE_MEMBER };
		fn(&g, arg);
	}
	return rc;
}

int group_seats(struct db *db, long group_id, void (*fn)(const char *code, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT pcon2024 FROM group_seats WHERE group_id = ?"
					   " ORDER BY pcon2024");
	int rc;
	db_bind_int(st, 1, group_id);
	while (db_next(st, &rc))
		fn(db_col_text(st, 0), arg);
	return rc;
}

/* Each (id, name) row of a bound statement to fn; 1 or -1. */
int groups_of(struct db *db, long person_id, int all, int organiser,
	      void (*fn)(long id, const char *name, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT g.id, g.name FROM local_groups g WHERE ? OR"
					   " g.id IN (SELECT group_id FROM memberships WHERE"
					   " person_id = ? AND (? = 0 OR role = 'organiser'))"
					   " ORDER BY g.name");
	db_binds(st, 1, DB_INT(all), DB_INT(person_id), DB_INT(organiser));
	return db_id_names(st, fn, arg);
}
int group_members(struct db *db, long group_id, void (*fn)(const struct member_row *m, void *arg),
		  void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT p.id, p.name, p.email, p.phone, m.role,"
					   " m.joined_at FROM memberships m"
					   " JOIN people p ON p.id = m.person_id"
					   " WHERE m.group_id = ? ORDER BY m.role DESC, p.name");
	int rc;
	db_bind_int(st, 1, group_id);
	while (db_next(st, &rc)) {
		struct member_row m = { (long)db_col_int(st, 0), db_col_text(st, 1),
					db_col_text(st, 2),	 db_col_text(st, 3),
					db_col_text(st, 4),	 db_col_int(st, 5) };
		fn(&m, arg);
	}
	return rc;
}

int group_proposals(struct db *db, long group_id,
		    void (*fn)(long event_id, const char *title, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT id, title FROM events WHERE group_id = ?"
					   " AND awaiting_approval = 1 AND status = 'published'"
					   " ORDER BY starts_at");
	db_bind_int(st, 1, group_id);
	return db_id_names(st, fn, arg);
}

int group_covers(struct db *db, long group_id, const char *seat)
{
	struct db_stmt *st = db_cached(db, "SELECT count(*) FROM group_seats"
					   " WHERE group_id = ? AND pcon2024 = ?");
	db_binds(st, 1, DB_INT(group_id), DB_STR(seat));
	long long n = db_int_or(st, -1);
	return n < 0 ? -1 : n > 0;
}

int groups_covering(struct db *db, const char *seat, long person_id,
		    void (*fn)(long id, const char *name, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT g.id, g.name FROM group_seats s"
					   " JOIN local_groups g ON g.id = s.group_id"
					   " WHERE s.pcon2024 = ? AND g.id NOT IN"
					   " (SELECT group_id FROM memberships WHERE person_id = ?)"
					   " ORDER BY g.name");
	db_binds(st, 1, DB_STR(seat), DB_INT(person_id));
	return db_id_names(st, fn, arg);
}

int groups_joined(struct db *db, long person_id,
		  void (*fn)(long id, const char *name, enum group_role role, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT g.id, g.name, m.role FROM memberships m"
					   " JOIN local_groups g ON g.id = m.group_id"
					   " WHERE m.person_id = ? ORDER BY g.name");
	int rc;
	db_bind_int(st, 1, person_id);
	while (db_next(st, &rc))
		fn((long)db_col_int(st, 0), db_col_text(st, 1),
		   strcmp(db_col_text(st, 2), "organiser") ? ROLE_MEMBER : ROLE_ORGANISER, arg);
	return rc;
}

int group_organises_any(struct db *db, long person_id)
{
	struct db_stmt *st = db_cached(db, "SELECT count(*) FROM memberships WHERE person_id = ?"
					   " AND role = 'organiser'");
	db_bind_int(st, 1, person_id);
	long long n = db_int_or(st, -1);
	return n < 0 ? -1 : n > 0;
}

int group_organisers(struct db *db, long group_id, void (*fn)(long id, const char *name, void *arg),
		     void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT p.id, p.name FROM memberships m"
					   " JOIN people p ON p.id = m.person_id"
					   " WHERE m.group_id = ? AND m.role = 'organiser'"
					   " ORDER BY p.name");
	db_bind_int(st, 1, group_id);
	return db_id_names(st, fn, arg);
}

int group_post_add(struct db *db, long group_id, long author, const char *title, const char *body,
		   long emailed, long *id)
{
	struct db_stmt *st = db_cached(db, "INSERT INTO group_posts (group_id, author_id, title,"
					   " body, emailed, created_at) VALUES (?, ?, ?, ?, ?, ?)"
					   " RETURNING id");
	db_binds(st, 1, DB_INT(group_id), DB_ID(author), DB_STR(title), DB_STR(body),
		 DB_INT(emailed), DB_INT(time(NULL)));
	if (db_one(st) != 1)
		return -1;
	*id = (long)db_col_int(st, 0);
	db_reset(st);
	return 0;
}

int group_posts(struct db *db, long group_id, void (*fn)(const struct group_post *p, void *arg),
		void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT g.id, g.title, g.body, p.name, g.created_at,"
					   " g.emailed FROM group_posts g LEFT JOIN people p"
					   " ON p.id = g.author_id WHERE g.group_id = ?"
					   " ORDER BY g.created_at DESC, g.id DESC LIMIT ?");
	int rc;
	db_binds(st, 1, DB_INT(group_id), DB_INT(GROUP_POSTS_SHOWN));
	while (db_next(st, &rc)) {
		struct group_post p = { (long)db_col_int(st, 0), db_col_text(st, 1),
					db_col_text(st, 2),	 db_col_text(st, 3),
					db_col_int(st, 4),	 (long)db_col_int(st, 5) };
		fn(&p, arg);
	}
	return rc;
}

int group_post_delete(struct db *db, long group_id, long post_id)
{
	struct db_stmt *st = db_cached(db, "DELETE FROM group_posts WHERE id = ? AND group_id = ?"
					   " RETURNING id");
	db_binds(st, 1, DB_INT(post_id), DB_INT(group_id));
	return db_changed(st);
}

int group_reach_has(struct db *db, long person_id, enum reach reach, long group_id,
		    const char *region)
{
	struct db_stmt *st;
	if (person_id <= 0)
		return 0;
	switch (reach) {
	case REACH_GROUP:
		st = db_cached(db,
			       "SELECT 1 FROM memberships WHERE person_id = ?1 AND group_id = ?2");
		db_binds(st, 1, DB_INT(person_id), DB_INT(group_id));
		break;
	case REACH_REGION:
		st = db_cached(db, SQL_REGIONS_OF_PERSON " AND r.region = ?2 LIMIT 1");
		db_binds(st, 1, DB_INT(person_id), DB_STR(region));
		break;
	default:
		st = db_cached(db, "SELECT 1 FROM memberships WHERE person_id = ?1 LIMIT 1");
		db_bind_int(st, 1, person_id);
		break;
	}
	return db_exists(st);
}

int groups_regions(struct db *db, long person_id, void (*fn)(const char *region, void *arg),
		   void *arg)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT DISTINCT region FROM (" SQL_REGIONS_OF_PERSON ") r"
			  " WHERE region IS NOT NULL ORDER BY 1");
	int rc;
	db_bind_int(st, 1, person_id);
	while (db_next(st, &rc))
		fn(db_col_text(st, 0), arg);
	return rc;
}
