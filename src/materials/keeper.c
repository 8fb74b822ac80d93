#include "materials/keeper.h"

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

static long materials_pass(struct keeper *k, long long now)
{
	return materials_sweep(k->app, k->db, now);
}

int materials_keeper_start(struct keeper *k, struct app *app)
{
	return keeper_start(k, app, "library files", "TURNOUT_FILES_SWEEP_INTERVAL", 3600, 86400,
			    materials_pass, NULL);
}
