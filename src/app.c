#include "app.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/password.h"
#include "auth/totp.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/num.h"

static void close_db(void *db)
{
	db_close(db);
}

int app_init(struct app *app, const char *db_path, const char *assets, char *err, size_t errlen)
{
	struct db *db = NULL;
	char dir[1100];
	int rc = -1;

	memset(app, 0, sizeof(*app));
	pthread_mutex_init(&app->bg_lock, NULL);
	pthread_cond_init(&app->bg_done, NULL);
	/* only /random/postcodes draws numbers; nothing secret depends on them */
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	snprintf(app->db_path, sizeof(app->db_path), "%s", db_path);
	snprintf(app->assets, sizeof(app->assets), "%s", assets);
	if (!db_present(db_path)) {
		snprintf(err, errlen, "%s does not exist: run `turnout import --db %s` first",
			 db_path, db_path);
		return -1;
	}
	if (token_init() || totp_init()) {
		snprintf(err, errlen, "cannot initialise libsodium or liboath");
		return -1;
	}
	password_init();
	auth_config_defaults(&app->auth);
	auth_config_from_env(&app->auth);
	mailer_from_env(&app->mailer, "var/outbox");
	if (sms_from_env(&app->sms, app->auth.public_url, err, errlen))
		return -1;
	if (password_hash("not a real password, for equal timing", app->dummy_hash)) {
		snprintf(err, errlen, "argon2id is unavailable");
		return -1;
	}
	if (db_open(&db, db_path, 0, err, errlen) || db_migrate(db, err, errlen) ||
	    seats_load(&app->seats, db, err, errlen))
		goto done;
	if (blobs_open_for(&app->files, db_path, err, errlen))
		goto done;
	snprintf(dir, sizeof(dir), "%s/templates", assets);
	if (tmpl_load_dir(&app->tmpl, dir, err, errlen))
		goto done;
	snprintf(dir, sizeof(dir), "%s/static", assets);
	if (static_load_dir(&app->statics, dir, err, errlen))
		goto done;
	/* the reference file, if any, is checked now: a node must not start on
	 * a file it cannot read, or one of another schema */
	const char *ref = getenv("TURNOUT_REFERENCE");
	if (ref && *ref) {
		struct db *r = NULL;
		int ok = strlen(ref) < sizeof(app->reference) && !db_path_postgresql(ref) &&
			 db_present(ref) && !db_open(&r, ref, DB_OPEN_READONLY, err, errlen) &&
			 db_schema_version(r) == db_schema_latest();
		db_close(r);
		if (!ok) {
			snprintf(err, errlen, "TURNOUT_REFERENCE: %s is not a turnout database of this"
					      " version: make it with `turnout import --db FILE`", ref);
			goto done;
		}
		snprintf(app->reference, sizeof(app->reference), "%s", ref);
	}
	if (pthread_key_create(&app->ref_key, close_db)) {
		snprintf(err, errlen, "pthread_key_create failed");
		goto done;
	}
	if (pthread_key_create(&app->db_key, close_db)) {
		snprintf(err, errlen, "pthread_key_create failed");
		goto done;
	}
	/* the integrity check reads the whole file: hourly unless told otherwise */
	const char *every = getenv("TURNOUT_INTEGRITY_CHECK_S");
	long check_s = 3600;
	if (every && num_parse_long(every, strlen(every), 0, 7L * 86400, &check_s)) {
		snprintf(err, errlen, "TURNOUT_INTEGRITY_CHECK_S takes 0 to 604800 seconds");
		goto done;
	}
	if (db_writer_start(&app->writer, db_path, check_s)) {
		snprintf(err, errlen, "cannot start the writer");
		goto done;
	}
	app->writer_running = 1;
	if (outbox_start(&app->outbox, db_path, &app->mailer, &app->sms, &app->tmpl,
			 &app->writer)) {
		snprintf(err, errlen, "cannot start the mail sender");
		goto done;
	}
	rc = 0;
done:
	db_close(db);
	return rc;
}

struct background {
	struct app *app;
	void (*fn)(void *arg);
	void *arg;
};

static void *background_main(void *p)
{
	struct background b = *(struct background *)p;
	free(p);
	b.fn(b.arg);
	pthread_mutex_lock(&b.app->bg_lock);
	b.app->bg_running--;
	pthread_cond_broadcast(&b.app->bg_done);
	pthread_mutex_unlock(&b.app->bg_lock);
	return NULL;
}

int app_background(struct app *app, void (*fn)(void *arg), void *arg)
{
	struct background *b = xmalloc(sizeof(*b));
	pthread_t t;
	pthread_attr_t attr;
	int rc = -1;

	*b = (struct background){ app, fn, arg };
	pthread_mutex_lock(&app->bg_lock);
	if (app->bg_running < APP_BACKGROUND_MAX) {
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		rc = pthread_create(&t, &attr, background_main, b) ? -1 : 0;
		pthread_attr_destroy(&attr);
		app->bg_running += rc == 0;
	}
	pthread_mutex_unlock(&app->bg_lock);
	if (rc)
		free(b);
	return rc;
}

void app_erased(struct app *app)
{
	if (app->writer_running)
		db_writer_truncate_wal(&app->writer);
}

void app_quiesce(struct app *app)
{
	atomic_store(&app->stopping, 1);
	pthread_mutex_lock(&app->bg_lock);
	while (app->bg_running)
		pthread_cond_wait(&app->bg_done, &app->bg_lock);
	pthread_mutex_unlock(&app->bg_lock);
	/* the sender records through the writer: it stops first */
	outbox_stop(&app->outbox);
	if (app->writer_running)
		db_writer_stop(&app->writer);
	app->writer_running = 0;
}

void app_release(struct app *app)
{
	app_quiesce(app);
	struct db *db = pthread_getspecific(app->db_key);

	db_close(db);
	pthread_setspecific(app->db_key, NULL);
	pthread_key_delete(app->db_key);
	db_close(pthread_getspecific(app->ref_key));
	pthread_setspecific(app->ref_key, NULL);
	pthread_key_delete(app->ref_key);
	seats_release(&app->seats);
	ratelimit_release(&app->auth.rl);
	tmpl_set_release(&app->tmpl);
	static_release(&app->statics);
}

/* A mail, or a text, queued on db with ctx (consumed); the sender woken. */
static int enqueue(struct app *app, struct db *db, int text, const char *key, const char *to,
		   const char *subject, const char *tmpl, json_t *ctx)
{
	char *values = ctx ? json_dumps(ctx, JSON_COMPACT) : NULL;
	int rc = !values || !db ? -1
		 : text		? outbox_put_sms(db, key, to, tmpl, values)
				: outbox_put(db, key, to, subject, tmpl, values);

	free(values);
	json_decref(ctx);
	if (rc < 0) {
		log_error("%s %s could not be queued: %s", text ? "text" : "mail", tmpl,
			  db ? db_errmsg(db) : "no database");
		return -1;
	}
	outbox_poke(&app->outbox);
	return 0;
}

int app_mail(struct app *app, struct db *db, const char *key, const char *to, const char *subject,
	     const char *tmpl, json_t *ctx)
{
	return enqueue(app, db, 0, key, to, subject, tmpl, ctx);
}

int app_text(struct app *app, struct db *db, const char *key, const char *to, const char *tmpl,
	     json_t *ctx)
{
	if (!app->sms.enabled) {
		json_decref(ctx);
		return 0;
	}
	return enqueue(app, db, 1, key, to, NULL, tmpl, ctx);
}

int app_commit(struct app *app, struct db *db)
{
	if (db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	outbox_poke(&app->outbox);
	return 0;
}

struct db *app_db(struct app *app)
{
	struct db *db = pthread_getspecific(app->db_key);
	char err[256];

	if (db)
		return db;
	if (db_open(&db, app->db_path, 0, err, sizeof(err)))
		return NULL;
	pthread_setspecific(app->db_key, db);
	return db;
}

struct db *app_reference(struct app *app)
{
	struct db *db;
	char err[256];

	if (!app->reference[0])
		return app_db(app);
	if ((db = pthread_getspecific(app->ref_key)))
		return db;
	if (db_open(&db, app->reference, DB_OPEN_READONLY, err, sizeof(err)))
		return NULL;
	pthread_setspecific(app->ref_key, db);
	return db;
}

int app_db_lost(struct app *app)
{
	struct db_health h;

	/* no connection on this thread: app_db() could not make one */
	if (db_lost(pthread_getspecific(app->db_key)))
		return 1;
	db_writer_health(&app->writer, &h);
	return h.lost;
}

void app_default_assets(char *out, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	snprintf(out, len, ".");
	if (n <= 0)
		return;
	exe[n] = '\0';
	/* <root>/build/turnout or <root>/build/asan/turnout: walk up to <root> */
	for (int up = 0; up < 3; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			return;
		*slash = '\0';
		char probe[PATH_MAX + 16];
		snprintf(probe, sizeof(probe), "%s/templates", exe);
		if (access(probe, F_OK) == 0) {
			snprintf(out, len, "%s", exe);
			return;
		}
	}
}

static void keeper_tick(void *arg)
{
	struct keeper *k = arg;
	char err[256];

	if (!k->db && db_open(&k->db, k->app->db_path, 0, err, sizeof(err))) {
		log_error("%s: %s", k->what, err);
		k->db = NULL;
		return;
	}
	/* with several nodes on one database, one runs the job at a time */
	int mine = db_lock(k->db, k->what);
	if (mine == 1 && k->pass(k, (long long)time(NULL)) < 0)
		log_error("%s: %s", k->what, db_errmsg(k->db));
	if (mine == 1)
		db_unlock(k->db, k->what);
	else if (mine < 0)
		log_error("%s: %s", k->what, db_errmsg(k->db));
}

static void keeper_done(void *arg)
{
	struct keeper *k = arg;
	db_close(k->db);
	k->db = NULL;
}

int keeper_start(struct keeper *k, struct app *app, const char *what, const char *env, long dflt,
		 long max, long (*pass)(struct keeper *k, long long now), void *arg)
{
	k->app = app;
	k->db = NULL;
	k->what = what;
	k->pass = pass;
	k->arg = arg;
	return ticker_start(&k->ticker, env, dflt, max, keeper_tick, keeper_done, k);
}

void keeper_poke(struct keeper *k)
{
	ticker_poke(&k->ticker);
}

void keeper_stop(struct keeper *k)
{
	ticker_stop(&k->ticker);
}
