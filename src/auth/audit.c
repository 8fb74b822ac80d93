#include "auth/audit.h"

#include <string.h>
#include <time.h>

int audit_write(struct db *db, long actor, const char *action, long subject, const char *detail)
{
	struct db_stmt *st = db_cached(db, "INSERT INTO audit_log (at, actor_id, action,"
					   " subject_id, detail) VALUES (?, ?, ?, ?, ?)");
	int rc;

	if (!st)
		return -1;
	rc = db_bind_int(st, 1, (long long)time(NULL)) ||
	     (actor ? db_bind_int(st, 2, actor) : db_bind_null(st, 2)) ||
	     db_bind_str(st, 3, action) ||
	     (subject ? db_bind_int(st, 4, subject) : db_bind_null(st, 4)) ||
	     (detail ? db_bind_str(st, 5, detail) : db_bind_null(st, 5)) ||
	     db_step(st) != DB_DONE;
	db_reset(st);
	return rc ? -1 : 0;
}
