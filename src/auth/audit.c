#include "auth/audit.h"

#include <time.h>

#include "util/log.h"

int audit_write(struct db *db, long actor, const char *action, long subject, const char *detail)
{
	struct db_stmt *st = db_cached(db, "INSERT INTO audit_log (at, actor_id, action,"
					   " subject_id, detail) VALUES (?, ?, ?, ?, ?)");
	db_bind_int(st, 1, (long long)time(NULL));
	db_bind_id(st, 2, actor);
	db_bind_str(st, 3, action);
	db_bind_id(st, 4, subject);
	db_bind_str(st, 5, detail);
	return db_done(st);
}

void audit_note(struct db *db, long actor, const char *action, long subject, const char *detail)
{
	if (audit_write(db, actor, action, subject, detail))
		log_error("audit: %s not recorded", action);
}
