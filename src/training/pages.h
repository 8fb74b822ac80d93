/*
 * Remote training as pages: modules step by step, quizzes, and the
 * volunteer's record.  See training/pages.c.
 */
#ifndef TURNOUT_TRAINING_PAGES_H
#define TURNOUT_TRAINING_PAGES_H

#include <jansson.h>

#include "db/db.h"
#include "http/server.h"

/*
 * The gate on an action (e.g. "phonebank_call" for phone bank target): 0
 * when the person has every module it needs done, current and in date;
 * otherwise -1, having sent them to the first module missing, to come back
 * to the path back (a path of this site) once they pass.
 */
int training_gate_or_answer(struct http_request *req, struct http_response *res, struct db *db,
			    long person, const char *action, long target, const char *back);
/*
 * When the person still has the gate's training to do: queues them a mail
 * (in the caller's transaction) with a link to the first module missing,
 * which brings them back to back once passed; what says what it is for
 * ("To call for …").  1 told, 0 nothing to do, -1.
 */
int training_remind(struct http_request *req, struct db *db, long person, const char *action,
		    long target, const char *what, const char *back);
/* 1 when the person may go through the gate, 0 when training is missing, -1. */
int training_gate_open(struct db *db, long person, const char *action, long target);
/* The titles and slugs of the modules an action needs, as a JSON array. */
json_t *training_gate_json(struct db *db, const char *action, long target);

extern const struct http_route training_routes[];
extern const size_t training_nroutes;

#endif
