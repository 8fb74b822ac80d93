#include "auth/audit.h"

#include <time.h>

#include "util/log.h"

int audit_write(struct db *db, long actor, const char *action, long subject, const char *detail)
{
	struct db_stmt *st = db_cached(db, "INSERT INTO audit_log (at, actor_id, action,"
					   " subject_id, detail) VALUES (?, ?, ?, ?, ?)");
	db_binds(st, 1, DB_INT(time(NULL)), DB_ID(actor), DB_STR(action), DB_ID(subject),
		 DB_STR(detail));
	return db_done(st);
}

void audit_note(struct db *db, long actor, const char *action, long subject, const char *detail)
{
	if (audit_write(db, actor, action, subject, detail))
		log_error("audit: %s not recorded", action);
}
