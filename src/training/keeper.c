#include "training/keeper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "events/when.h"
#include "people/people.h"
#include "training/store.h"

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
	return person_tell(r->app, r->db, e->person_id, "Your training runs out soon", text, path,
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

static long training_pass(struct keeper *k, long long now)
{
	return training_keep(k->app, k->db, now);
}

int training_keeper_start(struct keeper *k, struct app *app)
{
	return keeper_start(k, app, "training reminders", "TURNOUT_TRAINING_INTERVAL", 3600, 86400,
			    training_pass, NULL);
}
