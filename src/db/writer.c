#include "db/writer.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/log.h"

#define WRITER_TRIES 3 /* a batch another node's deadlocked with runs again, whole */

static void run_batch(struct db_writer *w, struct db *db, struct db_job *batch)
{
	int ok = 0;

	for (int tries = 0; !ok && tries < WRITER_TRIES; tries++) {
		if (tries) {
			log_info("write batch ran into another transaction, again: %s", db_errmsg(db));
			db_rollback(db);
		}
		ok = db && db_begin(db) == 0;
		for (struct db_job *j = batch; ok && j; j = j->next)
			ok = j->apply(db, j) == 0;
		ok = ok && db_commit(db) == 0;
		if (!db_conflict(db))
			break;
	}
	pthread_mutex_lock(&w->lock);
	*(ok ? &w->health.write_ok_at : &w->health.write_failed_at) = time(NULL);
	w->health.lost = !ok && db_lost(db);
	pthread_mutex_unlock(&w->lock);
	if (ok) {
		w->batches++;
	} else {
		/* nothing of a failed batch is kept, and every job in it hears so */
		if (db) {
			log_error("write batch failed: %s", db_errmsg(db));
			db_rollback(db);
		}
		ok = 0;
	}
	for (struct db_job *j = batch, *n; j; j = n) {
		n = j->next;
		w->jobs++;
		j->done(j, ok);
	}
}

/*
 * Checkpoints run here, on their own connection, every second: left to
 * SQLite's automatic ones they would run inside the writer's commits and
 * stall every job waiting on that batch.  The integrity check runs here
 * too, at start and then every check_s: it reads the whole file, so never
 * on a request.
 */
/* 1 when the whole log was folded back and the file cut to nothing. */
static int wal_truncate(struct db *db)
{
	struct db_stmt *st = db_prepare(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	int done = db_one(st) == 1 && db_col_int(st, 0) == 0;
	db_finalize(st);
	return done;
}

static void *checkpoint_main(void *arg)
{
	struct db_writer *w = arg;
	struct db *db = NULL;
	char err[256];
	long long next_check = 0;

	if (db_open(&db, w->db_path, 0, err, sizeof(err)))
		return NULL;
	/* PostgreSQL checkpoints by itself; its check is that it answers */
	int pg = db_postgresql(db);
	pthread_mutex_lock(&w->lock);
	while (!w->stop) {
		int truncate = w->truncate && !pg;
		pthread_mutex_unlock(&w->lock);
		long long now = time(NULL);
		int checkpointed = pg	      ? 0
				   : truncate ? wal_truncate(db)
					      : db_exec(db, "PRAGMA wal_checkpoint(PASSIVE)") == 0;
		int sound = -1;
		char detail[160] = "";
		if (w->check_s > 0 && now >= next_check) {
			sound = db_check(db, detail, sizeof(detail));
			next_check = now + w->check_s;
			if (sound == 0)
				log_error("database integrity check failed: %s", detail);
		}
		pthread_mutex_lock(&w->lock);
		if (checkpointed)
			w->health.checkpoint_at = now;
		if (truncate && checkpointed)
			w->truncate = 0;
		if (sound >= 0) {
			w->health.sound = sound;
			w->health.checked_at = now;
			snprintf(w->health.detail, sizeof(w->health.detail), "%s", detail);
		}
		if (w->stop)
			break;
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&w->tick, &w->lock, &ts);
	}
	pthread_mutex_unlock(&w->lock);
	db_close(db);
	return NULL;
}

void db_writer_health(struct db_writer *w, struct db_health *out)
{
	pthread_mutex_lock(&w->lock);
	*out = w->health;
	pthread_mutex_unlock(&w->lock);
}

static void *writer_main(void *arg)
{
	struct db_writer *w = arg;
	struct db *db = NULL;
	char err[256];

	if (db_open(&db, w->db_path, 0, err, sizeof(err)))
		log_error("writer: %s", err);
	else
		db_exec(db, "PRAGMA wal_autocheckpoint=0");
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->head && !w->stop)
			pthread_cond_wait(&w->wake, &w->lock);
		if (!w->head && w->stop)
			break;
		/* take what is queued, up to a batch */
		struct db_job *batch = w->head, *last = batch;
		int n = 1;
		while (last->next && n < WRITER_BATCH_MAX) {
			last = last->next;
			n++;
		}
		w->head = last->next;
		if (!w->head)
			w->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&w->lock);
		run_batch(w, db, batch);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	db_close(db);
	return NULL;
}

int db_writer_start(struct db_writer *w, const char *db_path, long check_s)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->db_path, sizeof(w->db_path), "%s", db_path);
	w->check_s = check_s;
	w->health.sound = -1;
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, NULL);
	pthread_cond_init(&w->tick, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w))
		return -1;
	return pthread_create(&w->checkpointer, NULL, checkpoint_main, w) ? -1 : 0;
}

void db_writer_submit(struct db_writer *w, struct db_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&w->lock);
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
}

void db_writer_truncate_wal(struct db_writer *w)
{
	pthread_mutex_lock(&w->lock);
	w->truncate = 1;
	pthread_cond_signal(&w->tick);
	pthread_mutex_unlock(&w->lock);
}

void db_writer_stop(struct db_writer *w)
{
	pthread_mutex_lock(&w->lock);
	w->stop = 1;
	pthread_cond_signal(&w->wake);
	pthread_cond_signal(&w->tick);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	pthread_join(w->checkpointer, NULL);
	pthread_cond_destroy(&w->wake);
	pthread_cond_destroy(&w->tick);
	pthread_mutex_destroy(&w->lock);
}
