/*
 * The append-only audit log: who did what to whom.  Rows name people by
 * id only, never by their data, so erasing a person leaves the trail.  The
 * database refuses UPDATE and DELETE on it (triggers in migration 2).
 */
#ifndef TURNOUT_AUDIT_H
#define TURNOUT_AUDIT_H

#include "db/db.h"

/* actor/subject 0 means none.  detail must hold no personal data. */
int audit_write(struct db *db, long actor, const char *action, long subject,
		const char *detail);

#endif
