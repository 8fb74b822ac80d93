#include "ideas/keeper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "ideas/store.h"
#include "people/people.h"

struct telling {
	struct app *app;
	struct db *db;
	const char *subject, *text;
	char path[32];
	int rc;
};

static void tell_one(long person, void *arg)
{
	struct telling *t = arg;
	if (person_tell(t->app, t->db, person, t->subject, t->text, t->path, "See the idea"))
		t->rc = -1;
}

int ideas_tell(struct app *app, struct db *db, long idea_id, const char *subject, const char *text)
{
	struct telling t = { app, db, subject, text, "", 0 };
	snprintf(t.path, sizeof(t.path), "/ideas/%ld", idea_id);
	if (idea_followers(db, idea_id, tell_one, &t) < 0)
		return -1;
	return t.rc;
}

struct closing {
	struct app *app;
	struct db *db;
};

static int closed_one(long id, void *arg)
{
	struct closing *c = arg;
	struct idea i;
	char text[IDEA_TITLE_MAX * 4 + 200];
	if (idea_get(c->db, id, &i) != 1)
		return -1;
	snprintf(text, sizeof(text),
		 "The idea \"%s\" had %ld of the %ld supports it needed when its time ran out, so"
		 " it is closed. It can be put forward again.",
		 i.title, i.supports, i.needed);
	idea_release(&i);
	return ideas_tell(c->app, c->db, id, "An idea you backed has closed", text);
}

/* Its deliberation over: the organisers are asked for the next step, the
 * followers told it is theirs now. */
static int deliberated_one(long id, void *arg)
{
	struct closing *c = arg;
	struct idea i;
	char text[IDEA_TITLE_MAX * 4 + 200];
	if (idea_get(c->db, id, &i) != 1)
		return -1;
	snprintf(text, sizeof(text),
		 "The conversation on the idea \"%s\" has closed. Put it to a meeting as a motion,"
		 " or record its outcome, so that its %ld supporters have their answer.",
		 i.title, i.supports);
	struct telling t = { c->app, c->db, "An idea waits for its next step", text, "", 0 };
	snprintf(t.path, sizeof(t.path), "/ideas/%ld", id);
	int rc = idea_runners(c->db, id, tell_one, &t) < 0 || t.rc ? -1 : 0;
	snprintf(text, sizeof(text),
		 "The conversation on the idea \"%s\" has closed; the organisers now put it to a"
		 " meeting or record its outcome.",
		 i.title);
	idea_release(&i);
	return rc ? rc
		  : ideas_tell(c->app, c->db, id, "An idea you backed: the conversation has closed",
			       text);
}

long ideas_keep(struct app *app, struct db *db, long long now)
{
	struct closing c = { app, db };
	long n = ideas_expire(db, now, closed_one, &c);
	long d = n < 0 ? -1 : ideas_deliberated(db, now, deliberated_one, &c);
	if (n > 0 || d > 0)
		outbox_poke(&app->outbox);
	return n < 0 || d < 0 ? -1 : n + d;
}

static long ideas_pass(struct keeper *k, long long now)
{
	return ideas_keep(k->app, k->db, now);
}

int ideas_keeper_start(struct keeper *k, struct app *app)
{
	return keeper_start(k, app, "ideas", "TURNOUT_IDEAS_INTERVAL", 60, 3600, ideas_pass, NULL);
}
