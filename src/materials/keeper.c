#include "materials/keeper.h"

#include <time.h>

#include "app.h"
#include "materials/store.h"
#include "util/log.h"

static int in_use(const char *hash, void *db)
{
	return material_blob_in_use(db, hash);
}

long materials_sweep(struct app *app, struct db *db, long long now)
{
	long n = blobs_sweep(&app->files, now - FILES_GRACE_S, in_use, db);
	if (n > 0)
		log_info("materials: %ld files no version names removed", n);
	return n;
}

static void keeper_tick(void *arg)
{
	struct materials_keeper *k = arg;
	char err[256];

	if (!k->db && db_open(&k->db, k->app->db_path, 0, err, sizeof(err))) {
		log_error("library files: %s", err);
		k->db = NULL;
		return;
	}
	if (materials_sweep(k->app, k->db, (long long)time(NULL)) < 0)
		log_error("library files: the sweep stopped: %s", db_errmsg(k->db));
}

static void keeper_done(void *arg)
{
	struct materials_keeper *k = arg;
	db_close(k->db);
	k->db = NULL;
}

int materials_keeper_start(struct materials_keeper *k, struct app *app)
{
	k->app = app;
	k->db = NULL;
	return ticker_start(&k->ticker, "TURNOUT_FILES_SWEEP_INTERVAL", 3600, 86400, keeper_tick,
			    keeper_done, k);
}

void materials_keeper_stop(struct materials_keeper *k)
{
	ticker_stop(&k->ticker);
}
