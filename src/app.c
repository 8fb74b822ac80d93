#include "app.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pages/pages.h"
#include "postcodes/api.h"
#include "seats/api.h"

static void close_db(void *db)
{
	db_close(db);
}

int app_init(struct app *app, const char *db_path, const char *assets, char *err,
	     size_t errlen)
{
	struct db *db = NULL;
	char dir[1100];
	int rc = -1;

	memset(app, 0, sizeof(*app));
	/* only /random/postcodes draws numbers; nothing secret depends on them */
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	snprintf(app->db_path, sizeof(app->db_path), "%s", db_path);
	snprintf(app->assets, sizeof(app->assets), "%s", assets);
	if (access(db_path, F_OK) != 0) {
		snprintf(err, errlen, "%s does not exist: run `turnout import --db %s` first",
			 db_path, db_path);
		return -1;
	}
	if (db_open(&db, db_path, 0, err, errlen) || db_migrate(db, err, errlen) ||
	    seats_load(&app->seats, db, err, errlen))
		goto done;
	snprintf(dir, sizeof(dir), "%s/templates", assets);
	if (tmpl_load_dir(&app->tmpl, dir, err, errlen))
		goto done;
	snprintf(dir, sizeof(dir), "%s/static", assets);
	if (static_load_dir(&app->statics, dir, err, errlen))
		goto done;
	if (pthread_key_create(&app->db_key, close_db)) {
		snprintf(err, errlen, "pthread_key_create failed");
		goto done;
	}
	rc = 0;
done:
	db_close(db);
	return rc;
}

void app_release(struct app *app)
{
	struct db *db = pthread_getspecific(app->db_key);

	db_close(db);
	pthread_setspecific(app->db_key, NULL);
	pthread_key_delete(app->db_key);
	seats_release(&app->seats);
	tmpl_set_release(&app->tmpl);
	static_release(&app->statics);
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

const struct http_route *app_routes(size_t *n)
{
	static struct http_route all[64];
	static size_t count;
	const struct {
		const struct http_route *r;
		size_t n;
	} features[] = {
		{ page_routes, page_nroutes },
		{ postcodes_routes, postcodes_nroutes },
		{ seats_routes, seats_nroutes },
	};

	if (!count)
		for (size_t f = 0; f < sizeof(features) / sizeof(features[0]); f++)
			for (size_t i = 0; i < features[f].n && count < 64; i++)
				all[count++] = features[f].r[i];
	*n = count;
	return all;
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
