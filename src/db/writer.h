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

/* How the database is doing, as the writer and its checkpointer see it;
 * read with db_writer_health(). Times are Unix seconds, 0 for never. */
struct db_health {
	int sound;          /* quick_check: 1 sound, 0 damaged, -1 not yet checked */
	long long checked_at;
	char detail[160];   /* the first thing quick_check found */
	long long checkpoint_at; /* the last checkpoint that ran */
	long long write_ok_at, write_failed_at; /* the last batch kept, the last rolled back */
	int lost; /* the last batch failed for want of the database (db_lost) */
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
	long check_s;           /* seconds between integrity checks (0: never) */
	struct db_health health; /* under lock */
	int truncate;            /* under lock: empty the WAL at the next tick */
};

/* Starts the writer and its checkpointer, which also checks the file's
 * integrity at start and every check_s seconds (0: never). 0 or -1. */
int db_writer_start(struct db_writer *w, const char *db_path, long check_s);
/* A copy of the health figures. */
void db_writer_health(struct db_writer *w, struct db_health *out);
/* Queues a job; its done() runs once the batch holding it is settled. */
void db_writer_submit(struct db_writer *w, struct db_job *job);
/*
 * After an erasure: the write-ahead log still holds the erased rows' old
 * page images, so the checkpointer folds it back and truncates it to
 * nothing, within a second or as soon as no reader holds an older
 * snapshot (it tries every second).
 */
void db_writer_truncate_wal(struct db_writer *w);
/* Finishes the queue, then stops. */
void db_writer_stop(struct db_writer *w);

#endif
