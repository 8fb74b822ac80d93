/*
 * The append-only audit log: who did what to whom.  Rows name people by
 * id only, never by their data, so erasing a person leaves the trail.  The
 * database refuses UPDATE and DELETE on it (triggers in migration 2).
 */
#ifndef TURNOUT_AUDIT_H
#define TURNOUT_AUDIT_H

#include "db/db.h"

/*
 * actor/subject 0 means none.  detail must hold no personal data.  0, or -1
 * when the row could not be written: an export or a view of personal data
 * must then not go ahead, so callers have to look at the result.
 */
int audit_write(struct db *db, long actor, const char *action, long subject,
		const char *detail) __attribute__((warn_unused_result));
/* audit_write() for an action already done: a failure is logged (the
 * action's name only) and the action stands. */
void audit_note(struct db *db, long actor, const char *action, long subject,
		const char *detail);

#endif
