/*
 * Group commit: one writer thread takes jobs from a queue and applies a
 * batch of them in one transaction — one fsync for the lot — and only then
 * tells each job.  Handlers hand their write here and suspend their
 * connection (http_suspend), so worker threads never wait on the disk or
 * on SQLite's write lock, and thousands of durable writes a second share a
 * handful of fsyncs.  A checkpointer thread folds the WAL back meanwhile.
 *
 * Every write that must be durable and is on a hot path goes through here:
 * sign-ups (events/signup_writer.c), the phone bank's claims and outcomes.
 */
#ifndef TURNOUT_DB_WRITER_H
#define TURNOUT_DB_WRITER_H

#include <pthread.h>

#include "db/db.h"

#define WRITER_BATCH_MAX 512

struct db_job {
	/* inside the batch's transaction, on the writer's connection; -1
	 * rolls the whole batch back */
	int (*apply)(struct db *db, struct db_job *job);
	/* after the batch: ok 1 once it is durable, 0 when it was rolled back;
	 * on the writer thread, so it only hands the answer on */
	void (*done)(struct db_job *job, int ok);
	struct db_job *next;
};

struct db_writer {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct db_job *head, *tail;
	int stop;
	char db_path[1024];
	long batches, jobs;	/* for the benchmark */
	pthread_t checkpointer; /* folds the WAL back while the writer writes */
	pthread_cond_t tick;	/* the checkpointer's: stop wakes it early */
};

int db_writer_start(struct db_writer *w, const char *db_path);
/* Queues a job; its done() runs once the batch holding it is settled. */
void db_writer_submit(struct db_writer *w, struct db_job *job);
/* Finishes the queue, then stops. */
void db_writer_stop(struct db_writer *w);

#endif
