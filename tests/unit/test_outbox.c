/* The mail queue on a real SQLite file, and its sender delivering into a
 * real outbox folder through the real writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "db/writer.h"
#include "mail/outbox.h"
#include "tmpdb.h"

static char path[64];

static long long count(struct db *db, const char *sql)
{
	return db_int_or(db_cached(db, sql), -1);
}

static void keys_and_values(void **state)
{
	struct db *db = tmpdb_open(path, 1);
	(void)state;
	assert_int_equal(outbox_put(db, "reminder-7-24h", "a@x", "S", "t", "{\"name\":\"A\"}"), 1);
	/* the same key is one message, however often it is queued */
	assert_int_equal(outbox_put(db, "reminder-7-24h", "a@x", "S", "t", "{}"), 0);
	assert_int_equal(outbox_put(db, NULL, "b@x", "S", "t", "{}"), 1);
	assert_int_equal(outbox_put(db, NULL, "b@x", "S", "t", "{}"), 1);
	/* a key that could leave the outbox folder, or none at all, is refused */
	assert_int_equal(outbox_put(db, "../../etc/x", "c@x", "S", "t", "{}"), -1);
	assert_int_equal(outbox_put(db, "", "c@x", "S", "t", "{}"), -1);
	assert_int_equal(count(db, "SELECT count(*) FROM mail_out"), 3);
	assert_int_equal(count(db, "SELECT count(DISTINCT msgid) FROM mail_out"), 3);
	struct outbox_stats st;
	assert_int_equal(outbox_stats(db, time(NULL), &st), 0);
	assert_int_equal(st.queued, 3);
	assert_int_equal(st.failed + st.retrying + st.sent_day, 0);
	assert_true(st.oldest_at > 0);
	/* inside a transaction, a mail goes with the write it belongs to */
	assert_int_equal(db_begin(db), 0);
	assert_int_equal(outbox_put(db, NULL, "d@x", "S", "t", "{}"), 1);
	assert_int_equal(db_rollback(db), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM mail_out"), 3);
	/* a failed step queues nothing */
	db_fail_step(db, 1);
	assert_int_equal(outbox_put(db, NULL, "e@x", "S", "t", "{}"), -1);
	assert_int_equal(count(db, "SELECT count(*) FROM mail_out"), 3);
	/* settled records go after their time; unsent ones never do */
	assert_int_equal(db_exec(db, "UPDATE mail_out SET sent_at = 100 WHERE mkey = 'reminder-7-24h'"), 0);
	assert_int_equal(outbox_prune(db, 1000), 1);
	assert_int_equal(outbox_prune(db, time(NULL) + 10), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM mail_out"), 2);
	/* an erased person's unsent mail goes with them */
	assert_int_equal(db_exec(db, "INSERT INTO people (id, name, email, created_at, last_active_at)"
				     " VALUES (9, 'B', 'b@x', 0, 0); DELETE FROM people WHERE id = 9"),
			 0);
	assert_int_equal(count(db, "SELECT count(*) FROM mail_out"), 0);
	db_close(db);
	unlink(path);
}

struct rig {
	struct db *db;
	struct db_writer writer;
	struct tmpl_set tmpl;
	struct mailer m;
	struct sms_provider sms; /* not set up: texts wait, mail goes */
	struct outbox_sender sender;
	char dir[64];
};

static void rig_start(struct rig *r, const char *outbox)
{
	char err[256];
	static const char text[] = "Hello {{name}}", html[] = "<p>Hello {{name}}</p>";
	memset(r, 0, sizeof(*r));
	r->db = tmpdb_open(path, 1);
	assert_int_equal(tmpl_add(&r->tmpl, "mail_t_text", text, strlen(text), err, sizeof(err)), 0);
	assert_int_equal(tmpl_add(&r->tmpl, "mail_t_html", html, strlen(html), err, sizeof(err)), 0);
	setenv("TURNOUT_MAIL_RETRY_S", "1", 1);
	unsetenv("TURNOUT_SMTP_URL");
	mailer_from_env(&r->m, outbox);
	assert_int_equal(db_writer_start(&r->writer, path, 0), 0);
	assert_int_equal(outbox_start(&r->sender, path, &r->m, &r->sms, &r->tmpl, &r->writer), 0);
}

static void rig_stop(struct rig *r)
{
	outbox_stop(&r->sender);
	db_writer_stop(&r->writer);
	tmpl_set_release(&r->tmpl);
	db_close(r->db);
	unlink(path);
}

/* Waits up to 5 s for the query to give want. */
static int settles(struct db *db, const char *sql, long long want)
{
	for (int i = 0; i < 500; i++) {
		if (count(db, sql) == want)
			return 1;
		usleep(10000);
	}
	return 0;
}

static void sender_delivers_once(void **state)
{
	struct rig r;
	char dir[] = "/tmp/turnout-outbox-XXXXXX", file[128], buf[4096];
	(void)state;
	assert_non_null(mkdtemp(dir));
	rig_start(&r, dir);
	assert_int_equal(outbox_put(r.db, "welcome-1", "Ann <ann@x>", "Hi", "t", "{\"name\":\"Ann\"}"), 1);
	outbox_poke(&r.sender);
	assert_true(settles(r.db, "SELECT count(*) FROM mail_out WHERE sent_at IS NOT NULL", 1));
	/* what was sent keeps no address and no values */
	assert_int_equal(count(r.db, "SELECT count(*) FROM mail_out WHERE recipient = '' AND ctx IS NULL"), 1);
	snprintf(file, sizeof(file), "%s/welcome-1.eml", dir);
	FILE *f = fopen(file, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "To: Ann <ann@x>\r\n"));
	assert_non_null(strstr(buf, "Hello Ann"));
	char msgid[80];
	struct db_stmt *st = db_cached(r.db, "SELECT msgid FROM mail_out");
	assert_int_equal(db_one(st), 1);
	snprintf(msgid, sizeof(msgid), "Message-ID: <%s@turnout>", db_col_text(st, 0));
	db_reset(st);
	assert_non_null(strstr(buf, msgid));
	/* a template that cannot be rendered is given up at once, not retried */
	assert_int_equal(outbox_put(r.db, NULL, "b@x", "Hi", "missing", "{}"), 1);
	outbox_poke(&r.sender);
	assert_true(settles(r.db, "SELECT count(*) FROM mail_out WHERE failed_at IS NOT NULL", 1));
	rig_stop(&r);
	unlink(file);
	rmdir(dir);
}

/* An outbox that cannot be written: the message waits, is retried with
 * back-off, and goes once the folder can be written again. */
static void sender_retries(void **state)
{
	struct rig r;
	char dir[] = "/tmp/turnout-outbox-XXXXXX", box[128], file[160];
	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(box, sizeof(box), "%s/box", dir);
	/* a file where the folder should be: unwritable even for root */
	FILE *blocker = fopen(box, "w");
	assert_non_null(blocker);
	fclose(blocker);
	rig_start(&r, box);
	assert_int_equal(outbox_put(r.db, "later-1", "a@x", "Hi", "t", "{\"name\":\"A\"}"), 1);
	outbox_poke(&r.sender);
	assert_true(settles(r.db, "SELECT count(*) FROM mail_out WHERE tries >= 1", 1));
	assert_int_equal(count(r.db, "SELECT count(*) FROM mail_out WHERE sent_at IS NULL"
				     " AND failed_at IS NULL AND error LIKE 'outbox:%'"),
			 1);
	struct outbox_stats st;
	assert_int_equal(outbox_stats(r.db, time(NULL), &st), 0);
	assert_int_equal(st.retrying, 1);
	assert_non_null(strstr(st.last_error, "outbox"));
	assert_int_equal(unlink(box), 0);
	assert_true(settles(r.db, "SELECT count(*) FROM mail_out WHERE sent_at IS NOT NULL", 1));
	snprintf(file, sizeof(file), "%s/later-1.eml", box);
	assert_int_equal(access(file, F_OK), 0);
	rig_stop(&r);
	unlink(file);
	rmdir(box);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_and_values),
		cmocka_unit_test(sender_delivers_once),
		cmocka_unit_test(sender_retries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
