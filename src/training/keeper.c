#include "training/keeper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "events/when.h"
#include "training/store.h"
#include "util/log.h"
#include "util/num.h"

struct reminding {
	struct app *app;
	struct db *db;
};

static int remind_one(const struct expiring *e, void *arg)
{
	struct reminding *r = arg;
	char day[64], text[MODULE_TITLE_MAX * 4 + 200], path[MODULE_SLUG_MAX + 16];
	london_day((time_t)e->expires_at, DAY_LONG_YEAR, day, sizeof(day));
	snprintf(text, sizeof(text),
		 "Your \"%s\" training runs out on %s. Do it again before then to keep the roles"
		 " it opens for you: it takes a few minutes.",
		 e->title, day);
	snprintf(path, sizeof(path), "/training/%s", e->slug);
	return app_tell(r->app, r->db, e->person_id, "Your training runs out soon", text, path,
			"Do it again");
}

long training_keep(struct app *app, struct db *db, long long now)
{
	struct reminding r = { app, db };
	long n = training_expiring(db, now, remind_one, &r);
	if (n > 0)
		outbox_poke(&app->outbox);
	return n;
}

static void *keeper_main(void *arg)
{
	struct training_keeper *k = arg;
	struct db *db = NULL;
	char err[256];

	if (db_open(&db, k->app->db_path, 0, err, sizeof(err))) {
		log_error("training reminders: %s", err);
		return NULL;
	}
	pthread_mutex_lock(&k->lock);
	while (!k->stop) {
		pthread_mutex_unlock(&k->lock);
		if (training_keep(k->app, db, (long long)time(NULL)) < 0)
			log_error("training reminders not sent: %s", db_errmsg(db));
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += k->interval_s;
		pthread_mutex_lock(&k->lock);
		if (!k->stop)
			pthread_cond_timedwait(&k->wake, &k->lock, &ts);
	}
	pthread_mutex_unlock(&k->lock);
	db_close(db);
	return NULL;
}

int training_keeper_start(struct training_keeper *k, struct app *app)
{
	const char *v = getenv("TURNOUT_TRAINING_INTERVAL");
	long x;

	memset(k, 0, sizeof(*k));
	k->app = app;
	k->interval_s = 3600;
	if (v && num_parse_long(v, strlen(v), 1, 86400, &x) == 0)
		k->interval_s = x;
	pthread_mutex_init(&k->lock, NULL);
	pthread_cond_init(&k->wake, NULL);
	if (pthread_create(&k->thread, NULL, keeper_main, k))
		return -1;
	k->running = 1;
	return 0;
}

void training_keeper_stop(struct training_keeper *k)
{
	if (!k->running)
		return;
	pthread_mutex_lock(&k->lock);
	k->stop = 1;
	pthread_cond_signal(&k->wake);
	pthread_mutex_unlock(&k->lock);
	pthread_join(k->thread, NULL);
	pthread_cond_destroy(&k->wake);
	pthread_mutex_destroy(&k->lock);
	k->running = 0;
}
