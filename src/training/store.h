/*
 * Remote training as stored: modules (steps, then a quiz drawn from a
 * bank), each person's progress through the steps, their attempts, and
 * their completion of a module (the version passed, when it expires), and
 * gates: an action (asking to call for a phone bank) that needs modules
 * done.  Functions taking fn call it once a row, in order, and return 1
 * or -1; the rest say what they return.
 */
#ifndef TURNOUT_TRAINING_STORE_H
#define TURNOUT_TRAINING_STORE_H

#include <stddef.h>

#include "db/db.h"
#include "training/quiz.h"

#define MODULE_SLUG_MAX	 40
#define MODULE_TITLE_MAX 120
#define MODULE_STEPS_MAX 20
#define QUIZ_BANK_MAX	 50

struct module {
	long id, group_id;
	char slug[MODULE_SLUG_MAX + 1];
	char title[MODULE_TITLE_MAX * 4 + 1];
	char summary[1024];
	int version, pass_percent, max_attempts, draw, valid_days, nsteps;
};

/* 1 and *out, 0 none, -1. */
int module_by_slug(struct db *db, const char *slug, struct module *out);
int module_by_id(struct db *db, long id, struct module *out);
/* Every national module, and those of the person's groups, by title. */
int modules_for(struct db *db, long person_id, void (*fn)(const struct module *m, void *arg),
		void *arg);

struct module_step {
	int pos;
	const char *title, *body, *video_url; /* valid during fn; video_url NULL when none */
};
int module_steps_each(struct db *db, long module_id,
		      void (*fn)(const struct module_step *s, void *arg), void *arg);
/* The quiz bank (with current_only, without the questions an edit
 * replaced, which earlier attempts still refer to), at most max questions
 * into out: how many, or -1. */
int module_questions(struct db *db, long module_id, int current_only, struct question *out,
		     char prompts[][512], int max);

/*
 * Puts a module with its steps and question bank (each question checked
 * by question_check(), the quiz by quiz_check() first: the caller's): 0
 * and m->id, or -1.  In one transaction.
 */
struct step_in {
	const char *title, *body, *video_url;
};
struct question_in {
	struct question q;
	const char *prompt;
};
int module_create(struct db *db, struct module *m, const struct step_in *steps, int nsteps,
		  const struct question_in *qs, int nq, long long now);

/*
 * Replaces a module's settings, steps and questions (the old questions are
 * kept, retired, for the attempts that drew them).  With redo, the version
 * goes up and every gate asks for it: those trained before must do it
 * again.  0, or -1.  In one transaction.
 */
int module_update(struct db *db, struct module *m, const struct step_in *steps, int nsteps,
		  const struct question_in *qs, int nq, int redo);

/* The person's record on a module: completion, its version and expiry,
 * and attempts used since (on the module's current version). 0 or -1. */
int training_record_of(struct db *db, const struct module *m, long person_id,
		       struct training_record *out);
/* The step the person has reached (0 before any), or -1. */
int training_step(struct db *db, long module_id, long person_id);
/* Records that the person has read step (never goes back). 0 or -1. */
int training_step_set(struct db *db, long module_id, long person_id, int step, long long now);

/* The person's unfinished attempt at the module's version: its id, 0 none, -1. */
long attempt_open(struct db *db, const struct module *m, long person_id);
/* Starts an attempt with the questions drawn (ids, in order): 0 and *id, or -1. */
int attempt_start(struct db *db, const struct module *m, long person_id, const long *qids, int n,
		  long long now, long *id);
struct attempt {
	long id, module_id, person_id;
	int version, nq, finished, score, total, passed;
	long qid[QUIZ_BANK_MAX];
};
/* 1 and *out, 0 none, -1. */
int attempt_get(struct db *db, long id, struct attempt *out);
/*
 * Finishes an unfinished attempt with its answers (answers[i] and
 * correct[i] for a->qid[i]) and score; when passed, records the completion
 * (expiring valid_days on, when the module says so).  1, 0 when it was
 * finished already, -1.  In one transaction.
 */
int attempt_finish(struct db *db, const struct module *m, const struct attempt *a,
		   const char *const *answers, const int *correct, int score, int passed,
		   long long now);

/* The module a training session teaches: its id, 0 none, -1. */
long training_live_module(struct db *db, long event_id);
/* Sets (module_id 0: clears) the module a session teaches. 0 or -1. */
int training_live_set(struct db *db, long event_id, long module_id);
/* Completes the session's module, at its current version, for everyone
 * marked as having attended (signed-in volunteers; a guest has no record):
 * how many, or -1.  Inside the caller's transaction when one is open. */
long training_live_complete(struct db *db, long event_id, long long now);

#define TRAINING_REMIND_DAYS 30
struct expiring {
	long module_id, person_id;
	const char *slug, *title; /* valid during fn */
	long long expires_at;
};
/*
 * Completions running out within TRAINING_REMIND_DAYS of now whose holder
 * has not been reminded: for each, in a transaction of its own, it is
 * marked reminded and fn queues the reminder (-1 undoes that one).  How
 * many were reminded, or -1.
 */
long training_expiring(struct db *db, long long now, int (*fn)(const struct expiring *e, void *arg),
		       void *arg);

/* The modules a gate needs: fn(module id, the version it asks for). */
int gates_of(struct db *db, const char *action, long target_id,
	     void (*fn)(long module_id, int min_version, void *arg), void *arg);
/* Sets (module_id 0: clears) the one module a target's action needs. 0 or -1. */
int gate_set(struct db *db, const char *action, long target_id, long module_id, int min_version);

#endif
