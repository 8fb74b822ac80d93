#include "phonebank/store.h"

#include <ctype.h>
#include <jansson.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "postcodes/lookup.h"
#include "postcodes/postcode.h"
#include "util/csv.h"
#include "util/log.h"
#include "util/mem.h"

/* what a new phone bank's form starts with, and the demo's */
const char phonebank_default_script[] =
    "## Opening\n"
    "Hello, is that {name}? My name is {caller}, I am a volunteer with our local campaign.\n"
    "\n"
    "## The ask\n"
    "We are calling people in the constituency about the election. **Do you have a minute?**\n";

const char phonebank_default_survey[] =
    "single: Will you vote at the election? | Yes | No -> end | Not sure\n"
    "single: Which issue matters most to you? | Cost of living | NHS | Housing | Something else\n"
    "text: Anything else they said?\n";


static int phonebank_load(struct db *db, long id, struct phonebank *out)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT group_id, created_by, name, script, survey,"
			  " hours_start, hours_end, days, max_attempts, retry_wait_min, version"
			  " FROM phonebanks WHERE id = ?");
	struct db_stmt *seats =
	    db_cached(db, "SELECT seat FROM phonebank_seats WHERE phonebank_id = ?"
			  " ORDER BY seat");
	char err[128];
	int rc;

	db_bind_int(st, 1, id);
	if ((rc = db_one(st)) != 1)
		return rc;
	out->id = id;
	out->group_id = (long)db_col_int(st, 0);
	out->created_by = (long)db_col_int(st, 1);
	db_col_copy(st, 2, out->name, sizeof(out->name));
	db_col_copy(st, 3, out->script, sizeof(out->script));
	db_col_copy(st, 4, out->survey_src, sizeof(out->survey_src));
	out->hours = (struct hours){ (int)db_col_int(st, 5), (int)db_col_int(st, 6),
				     (unsigned)db_col_int(st, 7) };
	out->max_attempts = (int)db_col_int(st, 8);
	out->retry_wait_min = (int)db_col_int(st, 9);
	out->version = (long)db_col_int(st, 10);
	db_reset(st);
	/* checked when saved; parsed again here so pages and saves share it */
	survey_parse(&out->survey, out->survey_src, err, sizeof(err));
	out->nseats = 0;
	db_bind_int(seats, 1, id);
	while (out->nseats < PHONEBANK_MAX_SEATS && db_next(seats, &rc))
		db_col_copy(seats, 0, out->seats[out->nseats++], 12);
	db_reset(seats);
	return rc;
}

/* Random bits for the queue: splitmix64, seeded once from the system. */
static uint64_t queue_random(void)
{
	static _Thread_local uint64_t x;
	if (!x)
		randombytes_buf(&x, sizeof(x));
	uint64_t z = (x += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * The queue's random tie-break: one of 256 random buckets, then the line.
 * Whatever has been called is a random sample of the list, and the index
 * takes new rows at 256 places rather than anywhere.
 */
static long long queue_key(long line)
{
	return (long long)(queue_random() & 255) << 40 | (line & ((1ll << 40) - 1));
}

int phonebank_create(struct db *db, struct phonebank *pb, time_t now)
{
	struct db_stmt *st =
	    db_cached(db, "INSERT INTO phonebanks (group_id, name, script, survey,"
			  " hours_start, hours_end, days, max_attempts, retry_wait_min,"
			  " created_by, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
			  " RETURNING id");
	struct db_stmt *seat = db_cached(db, "INSERT INTO phonebank_seats VALUES (?, ?)");
	int bad = !st || !seat || db_begin(db) || db_bind_int(st, 1, pb->group_id) ||
		  db_bind_str(st, 2, pb->name) ||
		  db_bind_str(st, 3, pb->script) ||
		  db_bind_str(st, 4, pb->survey_src) ||
		  db_bind_int(st, 5, pb->hours.start_min) ||
		  db_bind_int(st, 6, pb->hours.end_min) || db_bind_int(st, 7, pb->hours.days) ||
		  db_bind_int(st, 8, pb->max_attempts) || db_bind_int(st, 9, pb->retry_wait_min) ||
		  db_bind_int(st, 10, pb->created_by) || db_bind_int(st, 11, (long long)now) ||
		  db_step(st) != DB_ROW;
	if (!bad)
		pb->id = (long)db_col_int(st, 0);
	db_reset(st);
	for (size_t i = 0; !bad && i < pb->nseats; i++) {
		bad = db_bind_int(seat, 1, pb->id) ||
		      db_bind_str(seat, 2, pb->seats[i]) ||
		      db_step(seat) != DB_DONE;
		db_reset(seat);
	}
	/* the rehearsal queue: obviously fake voters on Ofcom's drama numbers */
	static const char *const first[] = { "Practice", "Rehearsal", "Pretend" };
	struct db_stmt *fake = db_cached(
	    db, "INSERT INTO contacts (phonebank_id, practice, name, phone, postcode,"
		" seat, fields, priority, rnd, queue_at) VALUES (?, 1, ?, ?, '', '', '{}',"
		" 0, ?, 0)");
	for (int i = 0; !bad && i < PRACTICE_CONTACTS; i++) {
		char name[64], phone[PHONE_E164_MAX];
		snprintf(name, sizeof(name), "%s Voter %d", first[i % 3], i + 1);
		snprintf(phone, sizeof(phone), "+447700900%03u", (unsigned)i % 1000);
		bad = !fake || db_bind_int(fake, 1, pb->id) ||
		      db_bind_str(fake, 2, name) ||
		      db_bind_str(fake, 3, phone) ||
		      db_bind_int(fake, 4, queue_key(i)) || db_done(fake);
	}
	if (bad || db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

/*
 * The cache of phone banks in use.  An entry is a parsed copy of one row;
 * phonebank_update() and phonebank_delete() drop it after they commit, and
 * nothing else writes a phonebanks row after it is created.  Another node's
 * update shows in the row's version, checked on PostgreSQL.  Readers copy
 * out under the lock (a memcpy, cheaper than the query and the parse).
 */
#define BANK_CACHE_SLOTS 16

static struct {
	pthread_mutex_t lock;
	unsigned next;
	struct bank_cached {
		long id;
		struct phonebank *pb;
	} slot[BANK_CACHE_SLOTS];
} bank_cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void bank_cache_forget(long id)
{
	pthread_mutex_lock(&bank_cache.lock);
	for (int i = 0; i < BANK_CACHE_SLOTS; i++)
		if (bank_cache.slot[i].id == id)
			bank_cache.slot[i].id = 0;
	pthread_mutex_unlock(&bank_cache.lock);
}

int phonebank_get(struct db *db, long id, struct phonebank *out)
{
	int hit = 0;
	pthread_mutex_lock(&bank_cache.lock);
	for (int i = 0; i < BANK_CACHE_SLOTS && !hit; i++)
		if (id && bank_cache.slot[i].id == id) {
			memcpy(out, bank_cache.slot[i].pb, sizeof(*out));
			hit = 1;
		}
	pthread_mutex_unlock(&bank_cache.lock);
	if (hit && db_postgresql(db)) {
		struct db_stmt *v = db_cached(db, "SELECT version FROM phonebanks WHERE id = ?");
		db_bind_int(v, 1, id);
		hit = db_int_or(v, -1) == out->version;
	}
	if (hit)
		return 1;
	int rc = phonebank_load(db, id, out);
	if (rc != 1)
		return rc;
	pthread_mutex_lock(&bank_cache.lock);
	struct bank_cached *c = &bank_cache.slot[bank_cache.next++ % BANK_CACHE_SLOTS];
	if (!c->pb)
		c->pb = xmalloc(sizeof(*c->pb));
	memcpy(c->pb, out, sizeof(*out));
	c->id = id;
	pthread_mutex_unlock(&bank_cache.lock);
	return 1;
}

int phonebank_delete(struct db *db, long id)
{
	struct db_stmt *st = db_cached(db, "DELETE FROM phonebanks WHERE id = ?");
	db_bind_int(st, 1, id);
	int rc = db_done(st);
	bank_cache_forget(id);
	return rc;
}

int phonebank_update(struct db *db, const struct phonebank *pb)
{
	struct db_stmt *st =
	    db_cached(db, "UPDATE phonebanks SET name = ?, script = ?, hours_start = ?,"
			  " hours_end = ?, days = ?, max_attempts = ?, retry_wait_min = ?,"
			  " version = version + 1 WHERE id = ?");
	db_binds(st, 1, DB_STR(pb->name), DB_STR(pb->script), DB_INT(pb->hours.start_min),
		 DB_INT(pb->hours.end_min), DB_INT(pb->hours.days), DB_INT(pb->max_attempts),
		 DB_INT(pb->retry_wait_min), DB_INT(pb->id));
	int rc = db_done(st);
	bank_cache_forget(pb->id);
	return rc;
}

static void contact_from(struct db_stmt *st, struct contact *c)
{
	c->id = (long)db_col_int(st, 0);
	db_col_copy(st, 1, c->name, sizeof(c->name));
	db_col_copy(st, 2, c->phone, sizeof(c->phone));
	db_col_copy(st, 3, c->postcode, sizeof(c->postcode));
	db_col_copy(st, 4, c->seat, sizeof(c->seat));
	db_col_copy(st, 5, c->fields, sizeof(c->fields));
	c->attempts = (int)db_col_int(st, 6);
	c->practice = (int)db_col_int(st, 7);
	c->lease_until = (time_t)db_col_int(st, 8);
}

#define CONTACT_COLS "id, name, phone, postcode, seat, fields, attempts, practice, lease_until"

int contact_current(struct db *db, long bank, int practice, long caller, time_t now,
		    struct contact *out)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT " CONTACT_COLS " FROM contacts"
			  " WHERE leased_to = ? AND phonebank_id = ? AND practice = ?"
			  " AND lease_until > ? LIMIT 1");
	db_binds(st, 1, DB_INT(caller), DB_INT(bank), DB_INT(practice), DB_INT(now));
	int rc = db_one(st);
	if (rc == 1) {
		contact_from(st, out);
		db_reset(st);
	}
	return rc;
}

int contact_next(struct db *db, long bank, int practice, long caller, time_t now,
		 struct contact *out)
{
	/* retries now due, and leases that lapsed, go back into the queue:
	 * each a range over its own index, usually empty */
	struct db_stmt *due =
	    db_cached(db, "UPDATE contacts SET queue_at = retry_at, retry_at = NULL"
			  " WHERE phonebank_id = ? AND practice = ?"
			  " AND retry_at IS NOT NULL AND retry_at <= ?");
	struct db_stmt *lapsed = db_cached(db, "UPDATE contacts SET queue_at = lease_until,"
					       " lease_until = NULL, leased_to = NULL"
					       " WHERE phonebank_id = ? AND practice = ?"
					       " AND lease_until IS NOT NULL AND lease_until <= ?");
	/*
	 * The claim: the queue's first, leased in the same statement.  SQLite
	 * runs one writer at a time, so no two callers get one contact; on
	 * PostgreSQL another node's claim holds its row, which this one passes
	 * over (SKIP LOCKED) rather than waits for, and the queue condition is
	 * checked again on the row taken.
	 */
	struct db_stmt *claim = db_cached(
	    db, "UPDATE contacts SET queue_at = NULL, lease_until = CAST(?1 AS INTEGER) + ?2,"
		" leased_to = ?3"
		" WHERE id = (SELECT c.id FROM contacts c WHERE c.phonebank_id = ?4"
		" AND c.practice = ?5 AND c.queue_at IS NOT NULL"
		" AND NOT EXISTS (SELECT 1 FROM do_not_call d WHERE d.phone = c.phone)"
		" ORDER BY c.priority DESC, c.attempts, c.rnd LIMIT 1 /*pg: FOR UPDATE SKIP LOCKED */)"
		" AND queue_at IS NOT NULL RETURNING " CONTACT_COLS);
	int rc = contact_current(db, bank, practice, caller, now, out);

	if (rc != 0)
		return rc;
	for (int i = 0; i < 2; i++) {
		struct db_stmt *back = i ? lapsed : due;
		db_binds(back, 1, DB_INT(bank), DB_INT(practice), DB_INT(now));
		if (db_done(back))
			return -1;
	}
	db_binds(claim, 1, DB_INT(now), DB_INT(QUEUE_LEASE_S), DB_INT(caller),
		 DB_INT(bank), DB_INT(practice));
	if ((rc = db_one(claim)) != 1)
		return rc;
	contact_from(claim, out);
	db_reset(claim); /* one row by its key: the update is whole at the first step */
	return 2;
}

int contact_release(struct db *db, long bank, long contact, long caller, time_t now,
		    time_t avail_at)
{
	/* a lapsed lease is no longer the caller's to give back */
	struct db_stmt *st = db_cached(db, "UPDATE contacts SET retry_at = ?, lease_until = NULL,"
					   " leased_to = NULL"
					   " WHERE id = ? AND phonebank_id = ? AND leased_to = ?"
					   " AND lease_until > ? RETURNING id");
	db_binds(st, 1, DB_INT(avail_at), DB_INT(contact), DB_INT(bank), DB_INT(caller),
		 DB_INT(now));
	return db_changed(st);
}

int call_record(struct db *db, const struct call_rules *rules, long contact, long caller,
		enum outcome o, const char *notes, const struct call_answer *answers, int nanswers,
		time_t now)
{
	struct db_stmt *get = db_cached(db, "SELECT attempts, phone, practice FROM contacts"
					    " WHERE id = ? AND phonebank_id = ? AND leased_to = ?"
					    " AND lease_until > ?");
	/* the next attempt waits (retry_at), or the contact is finished */
	struct db_stmt *set = db_cached(db, "UPDATE contacts SET attempts = ?, retry_at = ?,"
					    " queue_at = ?, lease_until = NULL,"
					    " leased_to = NULL, outcome = ? WHERE id = ?");
	struct db_stmt *call =
	    db_cached(db, "INSERT INTO calls (phonebank_id, contact_id, caller_id,"
			  " practice, outcome, notes, at) VALUES (?,?,?,?,?,?,?)"
			  " RETURNING id");
	struct db_stmt *ans = db_cached(db, "INSERT INTO call_answers VALUES (?, ?, ?)");
	struct db_stmt *dnc = db_cached(db, "INSERT INTO do_not_call VALUES (?, ?) ON CONFLICT DO NOTHING");
	/* by (phone bank, phone): the unique index, one probe per phone bank */
	struct db_stmt *withdraw =
	    db_cached(db, "UPDATE contacts SET queue_at = NULL,"
			  " retry_at = NULL, lease_until = NULL, leased_to = NULL"
			  " WHERE phonebank_id IN (SELECT id FROM phonebanks)"
			  " AND phone = ? AND practice = 0");
	char phone[PHONE_E164_MAX];
	int attempts, practice, rc;
	long call_id;

	db_binds(get, 1, DB_INT(contact), DB_INT(rules->bank), DB_INT(caller),
		 DB_INT(now));
	if ((rc = db_one(get)) != 1)
		return rc;
	attempts = (int)db_col_int(get, 0) + 1;
	db_col_copy(get, 1, phone, sizeof(phone));
	practice = (int)db_col_int(get, 2);
	db_reset(get);
	struct queue_next next =
	    queue_after(o, attempts, rules->max_attempts, rules->retry_wait_min, now);
	/* rehearsal voters are never finished, nor opted out: they go back
	 * behind the others for the next caller to practise on */
	if (practice)
		next.done = next.opt_out = 0;
	/* rehearsal voters go straight back into the queue; real ones wait */
	int wait = !next.done && !practice;
	db_bind_int(set, 1, attempts);
	if (wait)
		db_bind_int(set, 2, (long long)next.next_at);
	db_binds(set, 3, DB_ID(practice ? (long long)now : 0), DB_STR(outcome_code(o)),
		 DB_INT(contact));
	if (db_done(set))
		return -1;
	db_binds(call, 1, DB_INT(rules->bank), DB_INT(contact), DB_INT(caller), DB_INT(practice),
		 DB_STR(outcome_code(o)), DB_STR(notes), DB_INT(now));
	if (db_one(call) != 1)
		return -1;
	call_id = (long)db_col_int(call, 0);
	db_reset(call);
	for (int i = 0; i < nanswers; i++) {
		db_binds(ans, 1, DB_INT(call_id), DB_INT(answers[i].question),
			 DB_STR(answers[i].answer));
		if (db_done(ans))
			return -1;
	}
	if (!next.opt_out)
		return 1;
	db_binds(dnc, 1, DB_STR(phone), DB_INT(now));
	db_bind_str(withdraw, 1, phone);
	return db_done(dnc) || db_done(withdraw) ? -1 : 1;
}

long contacts_erase_phone(struct db *db, const char *e164, time_t now)
{
	/* their calls stay for the totals, without the notes and answers about
	 * them; the number goes on the ledger so no later list brings it back */
	struct db_stmt *notes = db_cached(
	    db, "UPDATE calls SET notes = '' WHERE contact_id IN (SELECT id FROM contacts"
		" WHERE phonebank_id IN (SELECT id FROM phonebanks) AND phone = ? AND practice = 0)");
	struct db_stmt *answers = db_cached(
	    db, "DELETE FROM call_answers WHERE call_id IN (SELECT c.id FROM calls c"
		" JOIN contacts k ON k.id = c.contact_id WHERE k.phonebank_id IN (SELECT id FROM"
		" phonebanks) AND k.phone = ? AND k.practice = 0)");
	struct db_stmt *dnc = db_cached(db, "INSERT INTO do_not_call (phone, at) VALUES (?, ?)"
					    " ON CONFLICT (phone) DO NOTHING");
	struct db_stmt *st = db_cached(db, "DELETE FROM contacts WHERE phonebank_id IN (SELECT id"
					   " FROM phonebanks) AND phone = ? AND practice = 0 RETURNING id");
	long n = -1;

	if (db_begin(db))
		return -1;
	db_bind_str(notes, 1, e164);
	db_bind_str(answers, 1, e164);
	db_binds(dnc, 1, DB_STR(e164), DB_INT(now));
	db_bind_str(st, 1, e164);
	if (db_done(notes) || db_done(answers) || db_done(dnc) || (n = db_count(st)) < 0 ||
	    db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return n;
}

/* Which column is which, from the header row. */
struct columns {
	int phone, name, first, last, postcode;
	size_t n;
	char names[CSV_MAX_FIELDS][40];
};

static int header_is(const char *h, const char *const *names)
{
	for (; *names; names++)
		if (!strcmp(h, *names))
			return 1;
	return 0;
}

static const char *read_header(struct csv *r, struct columns *c)
{
	static const char *const phone[] = { "phone",	     "telephone",    "tel",    "mobile",
					     "phone number", "phone_number", "number", NULL };
	static const char *const name[] = { "name", "full name", "full_name", NULL };
	static const char *const first[] = { "first name", "first_name", "firstname",
					     "forename",   "given name", NULL };
	static const char *const last[] = { "last name", "last_name",	"lastname",
					    "surname",	 "family name", NULL };
	static const char *const pc[] = { "postcode", "post code", "post_code", "zip", NULL };

	int n = csv_next(r);
	if (n <= 0)
		return n == 0 ? "The file is empty." : "The header row cannot be read.";
	memset(c, 0, sizeof(*c));
	c->phone = c->name = c->first = c->last = c->postcode = -1;
	c->n = (size_t)n;
	for (size_t i = 0; i < c->n; i++) {
		char *h = c->names[i];
		size_t k = 0;
		for (const char *p = r->f[i].p; *p && k < sizeof(c->names[i]) - 1; p++)
			h[k++] = (char)tolower((unsigned char)*p);
		h[k] = '\0';
		int *slot = header_is(h, phone)	  ? &c->phone
			    : header_is(h, name)  ? &c->name
			    : header_is(h, first) ? &c->first
			    : header_is(h, last)  ? &c->last
			    : header_is(h, pc)	  ? &c->postcode
						  : NULL;
		if (slot && *slot < 0)
			*slot = (int)i;
	}
	return c->phone < 0 ? "The header row needs a phone column (phone, telephone or mobile)."
			    : NULL;
}

/* The lines a load refused, for its error CSV; reasons are string literals. */
struct refused {
	size_t n, cap;
	long *line;
	const char **why;
};

static void report(struct contacts_report *rep, struct refused *kept, long line, const char *why)
{
	size_t k = 0;
	rep->invalid++;
	if (rep->nerrors < CONTACTS_MAX_ERRORS) {
		rep->errors[rep->nerrors].line = line;
		snprintf(rep->errors[rep->nerrors].why, sizeof(rep->errors[0].why), "%s", why);
		rep->nerrors++;
	}
	while (k < rep->nreasons && strcmp(rep->reasons[k].why, why))
		k++;
	if (k == rep->nreasons && k < CONTACTS_MAX_REASONS) {
		rep->reasons[k].why = why;
		rep->reasons[k].n = 0;
		rep->nreasons++;
	}
	if (k < rep->nreasons)
		rep->reasons[k].n++;
	if (kept->n == kept->cap && kept->cap < CONTACTS_ERRORS_KEPT) {
		kept->cap = kept->cap ? kept->cap * 2 : 1024;
		kept->line = xrealloc(kept->line, kept->cap * sizeof(*kept->line));
		kept->why = xrealloc(kept->why, kept->cap * sizeof(*kept->why));
	}
	if (kept->n < kept->cap) {
		kept->line[kept->n] = line;
		kept->why[kept->n++] = why;
	}
}

/* The refused lines into the load's record, in one transaction: 0 or -1. */
static int refused_save(struct db *db, long import_id, const struct refused *kept, long invalid)
{
	struct db_stmt *add = db_cached(db, "INSERT INTO contact_import_errors (import_id, line,"
					    " reason) VALUES (?, ?, ?) ON CONFLICT DO NOTHING");
	struct db_stmt *count = db_cached(db, "UPDATE contact_imports SET refused = refused + ?"
					      " WHERE id = ?");
	int rc = db_begin(db);
	for (size_t i = 0; i < kept->n && !rc; i++) {
		db_binds(add, 1, DB_INT(import_id), DB_INT(kept->line[i]), DB_STR(kept->why[i]));
		rc = db_done(add);
	}
	db_binds(count, 1, DB_INT(invalid), DB_INT(import_id));
	if (rc || db_done(count) || db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

static const char *field(const struct csv *r, int i)
{
	return i >= 0 && (size_t)i < r->nf ? r->f[i].p : "";
}

/*
 * The import is a pipeline of two threads: this one reads and checks rows
 * into batches; a second saves each batch (stage, then one statement) while
 * the next is read.  Three batches at most are in memory.
 */
#define PIPE_ROWS    8192
#define PIPE_BATCHES 3

struct staged {
	long line;
	long long rnd;
	size_t name, phone, postcode, compact, fields; /* offsets into the batch's text */
	int round; /* how many rows before it in the batch have its number */
};

struct pipe_batch {
	int n, last; /* last: the file's last rows */
	int rounds;  /* 1 + the most rows of the batch with one number */
	long through; /* the file's rows up to this one are in this batch or before it */
	struct staged rows[PIPE_ROWS];
	struct buf text;
	struct pipe_batch *next;
};

struct pipe {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct pipe_batch *full, *full_tail, *spare;
	int closed, failed;
	atomic_int stop_asked; /* seen by the saver in the record */
	struct db *db;
	long bank, import_id;
	long added, merged, opted_out; /* the saver's counts */
};

/* The batch's text holds PIPE_ROWS of the largest row, so this cannot fail. */
static size_t put(struct buf *b, const char *s, size_t n)
{
	size_t at = b->len;
	if (buf_add(b, s, n) || buf_addc(b, '\0'))
		abort();
	return at;
}

/* One data row into the batch; NULL, or why it is refused. */
static const char *import_row(const struct csv *r, const struct columns *c, struct pipe_batch *b)
{
	char phone[PHONE_E164_MAX], name[CONTACT_NAME_MAX + 1];
	struct postcode pc;
	const char *p = field(r, c->phone);
	const char *why = phone_normalise(p, strlen(p), phone);
	if (why)
		return why;
	if (phone_is_fiction(phone))
		return "a number reserved for drama, not a real phone";
	if (strlen(field(r, c->name)) > CONTACT_NAME_MAX ||
	    strlen(field(r, c->first)) + strlen(field(r, c->last)) > CONTACT_NAME_MAX)
		return "the name is longer than 100 characters";
	if (c->name >= 0)
		snprintf(name, sizeof(name), "%s", field(r, c->name));
	else
		snprintf(name, sizeof(name), "%s%s%s", field(r, c->first),
			 *field(r, c->first) && *field(r, c->last) ? " " : "", field(r, c->last));
	const char *pcs = field(r, c->postcode);
	if (*pcs && postcode_parse(pcs, strlen(pcs), &pc))
		return "the postcode is not a UK postcode";
	/* every other column, kept as fields */
	json_t *f = json_object();
	for (size_t i = 0; i < c->n && i < r->nf; i++) {
		if ((int)i == c->phone || (int)i == c->name || (int)i == c->first ||
		    (int)i == c->last || (int)i == c->postcode || !*c->names[i] || !r->f[i].len)
			continue;
		if (r->f[i].len > CONTACT_FIELD_MAX) {
			json_decref(f);
			return "a field is longer than 200 characters";
		}
		json_t *v = json_stringn(r->f[i].p, r->f[i].len);
		if (!v) {
			json_decref(f);
			return "a field is not UTF-8 text";
		}
		json_object_set_new(f, c->names[i], v);
	}
	char *fields = json_dumps(f, JSON_COMPACT);
	json_decref(f);
	if (!fields || strlen(fields) > CONTACT_FIELDS_MAX) {
		free(fields);
		return "the other columns hold more than 4,000 characters";
	}
	struct staged *row = &b->rows[b->n++];
	row->line = r->line;
	row->rnd = queue_key(r->line);
	row->name = put(&b->text, name, strlen(name));
	row->phone = put(&b->text, phone, strlen(phone));
	row->postcode = put(&b->text, *pcs ? pc.display : "", *pcs ? strlen(pc.display) : 0);
	row->compact = put(&b->text, *pcs ? pc.compact : "", *pcs ? strlen(pc.compact) : 0);
	row->fields = put(&b->text, fields, strlen(fields));
	free(fields);
	return NULL;
}

/*
 * Each row's round: an upsert may touch a row once per statement (so
 * PostgreSQL holds it), so a number's second row in the batch merges in
 * the second round, and so on.  A table of the batch's numbers, open
 * addressing over twice its rows.
 */
static void batch_rounds(struct pipe_batch *b)
{
	enum { SLOTS = 2 * PIPE_ROWS };
	int *slot = xmalloc(SLOTS * sizeof(*slot));
	const char *t = b->text.p;
	memset(slot, -1, SLOTS * sizeof(*slot));
	b->rounds = 1;
	for (int i = 0; i < b->n; i++) {
		const char *phone = t + b->rows[i].phone;
		uint32_t h = 2166136261u; /* FNV-1a */
		for (const char *c = phone; *c; c++)
			h = (h ^ (unsigned char)*c) * 16777619u;
		for (h &= SLOTS - 1; slot[h] >= 0 && strcmp(t + b->rows[slot[h]].phone, phone);)
			h = (h + 1) & (SLOTS - 1);
		b->rows[i].round = slot[h] >= 0 ? b->rows[slot[h]].round + 1 : 0;
		slot[h] = i;
		if (b->rows[i].round >= b->rounds)
			b->rounds = b->rows[i].round + 1;
	}
	free(slot);
}

/*
 * A batch into the phone bank, in one transaction: staged, then saved in
 * file order by one statement a round (batch_rounds: one, unless the
 * batch has a number twice).  Numbers on the ledger are left out; the
 * seat comes from the postcode, and a target seat puts the voter first; a
 * number already there (or earlier in the file) merges into the first row,
 * new fields filling gaps.
 */
static int save_batch(struct pipe *pp, struct pipe_batch *b)
{
	struct db *db = pp->db;
	/* the last batch's commit fsyncs the log, and with it every batch before */
	if ((b->last && db_exec(db, "PRAGMA synchronous=FULL")) || db_begin(db))
		return -1;
	/* made inside the transaction: through a pooler each may be on another
	 * server session, and a temporary table is the session's */
	if (db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS contact_stage (line INTEGER, name TEXT,"
			" phone TEXT, postcode TEXT, compact TEXT, fields TEXT, rnd INTEGER,"
			" round INTEGER)")) {
		db_rollback(db);
		return -1;
	}
	struct db_stmt *stage =
	    db_cached(db, "INSERT INTO contact_stage VALUES (?,?,?,?,?,?,?,?)");
	struct db_stmt *opted =
	    db_cached(db, "SELECT count(*) FROM contact_stage s WHERE EXISTS"
			  " (SELECT 1 FROM do_not_call d WHERE d.phone = s.phone)");
	struct db_stmt *top = db_cached(db, "SELECT coalesce(max(id), 0) FROM contacts");
	struct db_stmt *ins = db_cached(
	    db, "INSERT INTO contacts (phonebank_id, practice, name, phone, postcode, seat, fields,"
		" priority, rnd, queue_at) SELECT ?1, 0, s.name, s.phone, s.postcode,"
		" coalesce(p.pcon2024, ''), s.fields, CASE WHEN p.pcon2024 IN (SELECT seat FROM"
		" phonebank_seats WHERE phonebank_id = ?1) THEN 1 ELSE 0 END, s.rnd, 0"
		" FROM contact_stage s LEFT JOIN postcodes p ON p.pc = s.compact"
		" WHERE s.round = ?2"
		" AND NOT EXISTS (SELECT 1 FROM do_not_call d WHERE d.phone = s.phone)"
		" ORDER BY s.line ON CONFLICT (phonebank_id, phone) DO UPDATE SET"
		" fields = json_patch(excluded.fields, contacts.fields),"
		" name = CASE contacts.name WHEN '' THEN excluded.name ELSE contacts.name END,"
		" postcode = CASE contacts.postcode WHEN '' THEN excluded.postcode"
		" ELSE contacts.postcode END");
	struct db_stmt *added = db_cached(db, "SELECT count(*) FROM contacts WHERE id > ?");
	struct db_stmt *done = db_cached(db, "UPDATE contact_imports SET rows_done = ?,"
					     " added = added + ?, merged = merged + ?,"
					     " opted_out = opted_out + ?, updated_at = ? WHERE id = ?"
					     " RETURNING stop_asked_at IS NOT NULL");
	const char *t = b->text.p;
	long long n_opted, before, n_added;

	batch_rounds(b);
	if (!stage || !ins || !added)
		goto fail;
	for (int i = 0; i < b->n; i++) {
		const struct staged *r = &b->rows[i];
		int bad = db_bind_int(stage, 1, r->line) ||
			  db_bind_str(stage, 2, t + r->name) ||
			  db_bind_str(stage, 3, t + r->phone) ||
			  db_bind_str(stage, 4, t + r->postcode) ||
			  db_bind_str(stage, 5, t + r->compact) ||
			  db_bind_str(stage, 6, t + r->fields) ||
			  db_bind_int(stage, 7, r->rnd) || db_bind_int(stage, 8, r->round) ||
			  db_done(stage);
		if (bad)
			goto fail;
	}
	if ((n_opted = db_int_or(opted, -1)) < 0 || (before = db_int_or(top, -1)) < 0)
		goto fail;
	for (int round = 0; round < b->rounds; round++)
		if (db_binds(ins, 1, DB_INT(pp->bank), DB_INT(round)) || db_done(ins))
			goto fail;
	if (db_bind_int(added, 1, before) ||
	    (n_added = db_int_or(added, -1)) < 0 || db_exec(db, "DELETE FROM contact_stage"))
		goto fail;
	long n_merged = b->n - (long)n_opted - (long)n_added;
	db_binds(done, 1, DB_INT(b->through), DB_INT(n_added), DB_INT(n_merged), DB_INT(n_opted),
		 DB_INT(time(NULL)), DB_INT(pp->import_id));
	if (db_one(done) != 1)
		goto fail;
	if (db_col_int(done, 0))
		atomic_store(&pp->stop_asked, 1);
	db_reset(done);
	if (db_commit(db))
		goto fail;
	pp->opted_out += (long)n_opted;
	pp->added += (long)n_added;
	pp->merged += n_merged;
	/* a moment with the lock free: writers waiting on it go first */
	nanosleep(&(struct timespec){ 0, 2000000 }, NULL);
	return 0;
fail:
	log_error("contact import: a batch was not saved: %s", db_errmsg(db));
	db_reset(stage);
	db_rollback(db);
	db_exec(db, "DELETE FROM contact_stage");
	return -1;
}

static void *saver_main(void *arg)
{
	struct pipe *pp = arg;
	pthread_mutex_lock(&pp->lock);
	for (;;) {
		while (!pp->full && !pp->closed)
			pthread_cond_wait(&pp->cond, &pp->lock);
		struct pipe_batch *b = pp->full;
		if (!b)
			break;
		pp->full = b->next;
		if (!pp->full)
			pp->full_tail = NULL;
		pthread_mutex_unlock(&pp->lock);
		int bad = !pp->failed && save_batch(pp, b);
		b->n = 0;
		buf_reset(&b->text);
		pthread_mutex_lock(&pp->lock);
		pp->failed |= bad;
		b->next = pp->spare;
		pp->spare = b;
		pthread_cond_broadcast(&pp->cond);
	}
	pthread_mutex_unlock(&pp->lock);
	return NULL;
}

/* Hands a full batch to the saver; an empty one back (NULL once it failed). */
static struct pipe_batch *hand_over(struct pipe *pp, struct pipe_batch *b)
{
	pthread_mutex_lock(&pp->lock);
	b->next = NULL;
	if (pp->full_tail)
		pp->full_tail->next = b;
	else
		pp->full = b;
	pp->full_tail = b;
	pthread_cond_broadcast(&pp->cond);
	while (!pp->spare && !pp->failed)
		pthread_cond_wait(&pp->cond, &pp->lock);
	b = pp->failed ? NULL : pp->spare;
	if (b)
		pp->spare = b->next;
	pthread_mutex_unlock(&pp->lock);
	return b;
}

static int import_csv(struct db *db, const struct phonebank *pb, long import_id, struct csv *r,
		      const atomic_int *stop, struct contacts_report *rep, struct progress *pg)
{
	struct columns c;
	const char *why;
	struct pipe pp = { .db = db, .bank = pb->id, .import_id = import_id };
	struct pipe_batch *all[PIPE_BATCHES], *b;
	struct refused kept = { 0 };
	pthread_t saver;
	long through = -1; /* the last row saved, once the load ends */
	int rc = -1;

	if ((why = read_header(r, &c))) {
		snprintf(rep->fatal, sizeof(rep->fatal), "%s", why);
		return -1;
	}
	pthread_mutex_init(&pp.lock, NULL);
	pthread_cond_init(&pp.cond, NULL);
	for (int i = 0; i < PIPE_BATCHES; i++) {
		all[i] = xcalloc(1, sizeof(*all[i]));
		buf_init(&all[i]->text, (size_t)PIPE_ROWS * (CONTACT_FIELDS_MAX + 256));
		all[i]->next = pp.spare;
		pp.spare = all[i];
	}
	b = pp.spare;
	pp.spare = b->next;
	if (pthread_create(&saver, NULL, saver_main, &pp)) {
		pp.failed = 1;
		goto out;
	}
	for (; b;) {
		int n = csv_next(r);
		if (n <= 0) {
			if (n < 0) /* checked by the first pass: only a read error now */
				pp.failed = 1;
			break;
		}
		/* asked to stop: the rows in hand are dropped, the record says
		 * what is live, and the same file carries on from there */
		if ((stop && atomic_load(stop)) || atomic_load(&pp.stop_asked)) {
			rep->stopped = 1;
			break;
		}
		rep->rows++;
		if (rep->rows <= rep->resumed_after)
			continue; /* saved by the load this one carries on */
		if (n == 1 && !r->f[0].len)
			continue; /* a blank line */
		if ((why = import_row(r, &c, b)))
			report(rep, &kept, r->line, why);
		b->through = rep->rows;
		if (b->n == PIPE_ROWS)
			b = hand_over(&pp, b);
		if (pg && rep->rows % 4096 == 0)
			progress_step(pg, rep->rows, rep->rows);
	}
	/* the last batch's commit syncs the whole log: the import is durable */
	if (b && b->n && !rep->stopped) {
		b->last = 1;
		b->through = rep->rows;
		b = hand_over(&pp, b);
	}
	pthread_mutex_lock(&pp.lock);
	pp.closed = 1;
	pthread_cond_broadcast(&pp.cond);
	pthread_mutex_unlock(&pp.lock);
	pthread_join(saver, NULL);
	rc = pp.failed || rep->stopped ? -1 : 0;
	/* rows past the last batch (refused or blank) are done too: the list is
	 * whole; a stopped load says so at once; a failed one leaves its record
	 * as the last batch saved it */
	struct db_stmt *end =
	    db_cached(db, rep->stopped ? "UPDATE contact_imports SET stopped_at = ?1,"
					 " updated_at = ?1 WHERE id = ?2 RETURNING rows_done"
				       : "UPDATE contact_imports SET rows_done = rows_total,"
					 " finished_at = ?1, updated_at = ?1 WHERE id = ?2"
					 " RETURNING rows_done");
	if (!pp.failed) {
		db_binds(end, 1, DB_INT(time(NULL)), DB_INT(import_id));
		through = db_one(end) == 1 ? (long)db_col_int(end, 0) : -1;
		db_reset(end);
		if (through < 0)
			rc = -1, pp.failed = 1;
	}
	/* what it refused is kept with the record, for the organiser's error CSV */
	if (!pp.failed && refused_save(db, import_id, &kept, rep->invalid))
		rc = -1, pp.failed = 1;
out:
	free(kept.line);
	free(kept.why);
	rep->added = pp.added;
	rep->merged = pp.merged;
	rep->opted_out = pp.opted_out;
	if (rc && rep->stopped && !pp.failed)
		snprintf(rep->fatal, sizeof(rep->fatal),
			 "Stopped, as asked, after row %ld: callers have the voters up to it. Load"
			 " the same file again to carry on from row %ld.",
			 through, through + 1);
	else if (rc)
		snprintf(rep->fatal, sizeof(rep->fatal),
			 "The store failed after %ld rows were saved; the rest were not. Load the"
			 " same file again to carry on.",
			 pp.added + pp.merged + pp.opted_out);
	for (int i = 0; i < PIPE_BATCHES; i++) {
		buf_release(&all[i]->text);
		free(all[i]);
	}
	pthread_cond_destroy(&pp.cond);
	pthread_mutex_destroy(&pp.lock);
	return rc;
}

/* A digest of the records as read, so the same list is known again. */
static void digest_record(crypto_hash_sha256_state *h, const struct csv *r)
{
	for (size_t i = 0; i < r->nf; i++) {
		uint64_t len = r->f[i].len;
		crypto_hash_sha256_update(h, (const unsigned char *)&len, sizeof(len));
		crypto_hash_sha256_update(h, (const unsigned char *)r->f[i].p, r->f[i].len);
	}
	crypto_hash_sha256_update(h, (const unsigned char *)"\n", 1);
}

/*
 * The load's record: an unfinished one of the same file carries on (its
 * saved rows are skipped), or a new one.  Its id, or -1.
 */
static long import_record(struct db *db, long bank, const char *source, const char *digest,
			  long rows, long *resume_after)
{
	/* carrying on clears a stop asked of the load before */
	struct db_stmt *find = db_cached(
	    db, "UPDATE contact_imports SET stop_asked_at = NULL, stopped_at = NULL,"
		" updated_at = ?3 WHERE id = (SELECT id FROM contact_imports"
		" WHERE phonebank_id = ?1 AND digest = ?2"
		" AND finished_at IS NULL ORDER BY id DESC LIMIT 1) RETURNING id, rows_done");
	struct db_stmt *add = db_cached(db, "INSERT INTO contact_imports (phonebank_id, source,"
					    " digest, rows_total, started_at, updated_at)"
					    " VALUES (?1, ?2, ?3, ?4, ?5, ?5) RETURNING id");
	db_binds(find, 1, DB_INT(bank), DB_STR(digest), DB_INT(time(NULL)));
	int found = db_one(find);
	if (found < 0)
		return -1;
	if (found) {
		long id = (long)db_col_int(find, 0);
		*resume_after = (long)db_col_int(find, 1);
		db_reset(find);
		return id;
	}
	*resume_after = 0;
	db_binds(add, 1, DB_INT(bank), DB_STR(source), DB_STR(digest), DB_INT(rows),
		 DB_INT(time(NULL)));
	if (db_one(add) != 1)
		return -1;
	long id = (long)db_col_int(add, 0);
	db_reset(add);
	return id;
}

int contacts_import(struct db *db, const struct phonebank *pb, int fd, const char *source,
		    const atomic_int *stop, struct contacts_report *rep, struct progress *pg)
{
	struct csv *r = xmalloc(sizeof(*r));
	crypto_hash_sha256_state h;
	unsigned char sum[crypto_hash_sha256_BYTES];
	char digest[2 * sizeof(sum) + 1];
	long rows = 0, import_id;
	int rc = -1, n;

	memset(rep, 0, sizeof(*rep));
	/* a first pass reads the whole file, so a broken one changes nothing */
	if (csv_open_fd(r, fd)) {
		snprintf(rep->fatal, sizeof(rep->fatal), "%s", "The file cannot be read.");
		goto out;
	}
	r->max_bytes = CONTACTS_MAX_BYTES;
	crypto_hash_sha256_init(&h);
	while ((n = csv_next(r)) > 0 && rows <= CONTACTS_MAX_ROWS + 1 /* the header */) {
		digest_record(&h, r);
		rows++;
		if (stop && rows % 4096 == 0 && atomic_load(stop)) {
			rep->stopped = 1;
			snprintf(rep->fatal, sizeof(rep->fatal), "Stopped before any row was saved.");
			goto out;
		}
	}
	if (rows > CONTACTS_MAX_ROWS + 1) {
		snprintf(rep->fatal, sizeof(rep->fatal),
			 "The list has more than %d rows: split it into smaller files. Nothing was"
			 " imported.",
			 CONTACTS_MAX_ROWS);
		goto out;
	}
	if (n < 0 || rows == 0) {
		snprintf(rep->fatal, sizeof(rep->fatal), n < 0 ? "Line %ld: %s. Nothing was imported."
							      : "The file is empty.",
			 r->line, r->err);
		goto out;
	}
	crypto_hash_sha256_final(&h, sum);
	sodium_bin2hex(digest, sizeof(digest), sum, sizeof(sum));
	csv_release(r);
	if (csv_open_fd(r, fd)) {
		snprintf(rep->fatal, sizeof(rep->fatal), "%s", "The file cannot be read.");
		goto out;
	}
	r->max_bytes = CONTACTS_MAX_BYTES;
	/*
	 * Room in memory for the queue's index; batches committed without an
	 * fsync each (a crash of the process loses none of them, and the last
	 * batch's commit syncs them all); the log folded back at the end.
	 */
	db_exec(db, "PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY;"
		    " PRAGMA temp.secure_delete=OFF; PRAGMA wal_autocheckpoint=0;"
		    " PRAGMA synchronous=NORMAL");
	if ((import_id = import_record(db, pb->id, source ? source : "an uploaded list", digest,
				       rows - 1 /* the header */, &rep->resumed_after)) < 0) {
		snprintf(rep->fatal, sizeof(rep->fatal), "%s", "The store failed.");
		goto out;
	}
	rep->import_id = import_id;
	rc = import_csv(db, pb, import_id, r, stop, rep, pg);
out:
	db_exec(db, "PRAGMA cache_size=-8192; PRAGMA synchronous=FULL;"
		    " PRAGMA wal_autocheckpoint=1000; PRAGMA wal_checkpoint(PASSIVE)");
	csv_release(r);
	free(r);
	return rc;
}

/* One contact_imports row, in the column order both readers select. */
static void import_read(struct db_stmt *st, struct contact_import *out)
{
	out->id = (long)db_col_int(st, 0);
	db_col_copy(st, 1, out->source, sizeof(out->source));
	out->rows_total = (long)db_col_int(st, 2);
	out->rows_done = (long)db_col_int(st, 3);
	out->added = (long)db_col_int(st, 4);
	out->merged = (long)db_col_int(st, 5);
	out->opted_out = (long)db_col_int(st, 6);
	out->started_at = db_col_int(st, 7);
	out->updated_at = db_col_int(st, 8);
	out->finished_at = db_col_int(st, 9);
	out->stop_asked_at = db_col_int(st, 10);
	out->stopped_at = db_col_int(st, 11);
}

int contact_import_last(struct db *db, long bank, struct contact_import *out)
{
	struct db_stmt *st = db_cached(db, "SELECT id, source, rows_total, rows_done, added, merged,"
					   " opted_out, started_at, updated_at,"
					   " coalesce(finished_at, 0), coalesce(stop_asked_at, 0),"
					   " coalesce(stopped_at, 0) FROM contact_imports"
					   " WHERE phonebank_id = ? ORDER BY id DESC LIMIT 1");
	db_bind_int(st, 1, bank);
	int rc = db_one(st);
	if (rc == 1) {
		import_read(st, out);
		db_reset(st);
	}
	return rc;
}

int contact_imports_recent(struct db *db, long bank,
			   void (*fn)(const struct contact_import *ci, long refused, void *arg),
			   void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT id, source, rows_total, rows_done, added, merged,"
					   " opted_out, started_at, updated_at,"
					   " coalesce(finished_at, 0), coalesce(stop_asked_at, 0),"
					   " coalesce(stopped_at, 0), refused FROM contact_imports"
					   " WHERE phonebank_id = ? ORDER BY id DESC LIMIT 20");
	int rc;
	db_bind_int(st, 1, bank);
	while (db_next(st, &rc)) {
		struct contact_import ci;
		import_read(st, &ci);
		fn(&ci, (long)db_col_int(st, 12), arg);
	}
	return rc;
}

int contact_import_errors(struct db *db, long bank, long import_id,
			  void (*fn)(long line, const char *reason, void *arg), void *arg)
{
	struct db_stmt *mine = db_cached(db, "SELECT count(*) FROM contact_imports WHERE id = ?"
					     " AND phonebank_id = ?");
	struct db_stmt *st = db_cached(db, "SELECT line, reason FROM contact_import_errors"
					   " WHERE import_id = ? ORDER BY line");
	int rc;
	db_binds(mine, 1, DB_INT(import_id), DB_INT(bank));
	long long n = db_int_or(mine, -1);
	if (n <= 0)
		return n < 0 ? -1 : 0;
	db_bind_int(st, 1, import_id);
	while (db_next(st, &rc))
		fn((long)db_col_int(st, 0), db_col_text(st, 1), arg);
	return rc;
}

int contact_import_stop(struct db *db, long bank, time_t now)
{
	struct db_stmt *st = db_cached(db, "UPDATE contact_imports SET stop_asked_at = ?1"
					   " WHERE id = (SELECT max(id) FROM contact_imports"
					   " WHERE phonebank_id = ?2) AND finished_at IS NULL"
					   " AND stopped_at IS NULL AND stop_asked_at IS NULL"
					   " RETURNING id");
	db_binds(st, 1, DB_INT(now), DB_INT(bank));
	return db_changed(st);
}

int phonebanks_visible(struct db *db, long person_id, int all,
		       void (*fn)(long id, const char *name, const char *group, void *arg),
		       void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT p.id, p.name, g.name FROM phonebanks p"
					   " JOIN local_groups g ON g.id = p.group_id WHERE ?1"
					   " OR p.group_id IN (SELECT group_id FROM memberships"
					   " WHERE person_id = ?2) OR p.id IN (SELECT phonebank_id"
					   " FROM phonebank_callers WHERE person_id = ?2)"
					   " ORDER BY p.id DESC LIMIT 200");
	int rc;
	db_binds(st, 1, DB_INT(all), DB_INT(person_id));
	while (db_next(st, &rc))
		fn((long)db_col_int(st, 0), db_col_text(st, 1), db_col_text(st, 2), arg);
	return rc;
}

int group_phonebanks(struct db *db, long group_id, long person_id,
		     void (*fn)(long id, const char *name, int asked, int approved, void *arg),
		     void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT p.id, p.name, c.approved FROM phonebanks p"
					   " LEFT JOIN phonebank_callers c ON c.phonebank_id = p.id"
					   " AND c.person_id = ? WHERE p.group_id = ?"
					   " ORDER BY p.id DESC LIMIT 50");
	int rc;
	db_binds(st, 1, DB_INT(person_id), DB_INT(group_id));
	while (db_next(st, &rc))
		fn((long)db_col_int(st, 0), db_col_text(st, 1), !db_col_is_null(st, 2),
		   db_col_int(st, 2) == 1, arg);
	return rc;
}

int caller_status(struct db *db, long bank, long person_id, int *asked, int *approved)
{
	struct db_stmt *st = db_cached(db, "SELECT approved FROM phonebank_callers"
					   " WHERE phonebank_id = ? AND person_id = ?");
	db_binds(st, 1, DB_INT(bank), DB_INT(person_id));
	int rc = db_one(st);
	*asked = rc == 1;
	*approved = rc == 1 && db_col_int(st, 0) == 1;
	if (rc == 1)
		db_reset(st);
	return rc < 0 ? -1 : 1;
}

int caller_ask(struct db *db, long bank, long person_id, time_t now)
{
	struct db_stmt *st = db_cached(db, "INSERT INTO phonebank_callers"
					   " (phonebank_id, person_id, approved, asked_at)"
					   " VALUES (?, ?, 0, ?) ON CONFLICT DO NOTHING");
	db_binds(st, 1, DB_INT(bank), DB_INT(person_id), DB_INT(now));
	return db_done(st) ? -1 : 1;
}

int caller_approve(struct db *db, long bank, long person_id)
{
	struct db_stmt *st = db_cached(db, "UPDATE phonebank_callers SET approved = 1"
					   " WHERE phonebank_id = ? AND person_id = ? RETURNING 1");
	db_binds(st, 1, DB_INT(bank), DB_INT(person_id));
	return db_changed(st);
}

int caller_revoke(struct db *db, long bank, long person_id)
{
	struct db_stmt *st = db_cached(db, "DELETE FROM phonebank_callers WHERE phonebank_id = ?"
					   " AND person_id = ? RETURNING person_id");
	db_binds(st, 1, DB_INT(bank), DB_INT(person_id));
	return db_changed(st);
}

int callers_each(struct db *db, long bank,
		 void (*fn)(long person_id, const char *name, int approved, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT p.id, p.name, c.approved FROM"
					   " phonebank_callers c JOIN people p ON p.id ="
					   " c.person_id WHERE c.phonebank_id = ?"
					   " ORDER BY c.approved, p.name");
	int rc;
	db_bind_int(st, 1, bank);
	while (db_next(st, &rc))
		fn((long)db_col_int(st, 0), db_col_text(st, 1), db_col_int(st, 2) == 1, arg);
	return rc;
}

int bank_totals(struct db *db, long bank, time_t now, time_t hour0, int nhours,
		struct bank_totals *t)
{
	struct db_stmt *oc = db_cached(db, "SELECT outcome, count(*) FROM calls WHERE phonebank_id = ?"
					   " AND practice = 0 GROUP BY outcome");
	struct db_stmt *cc =
	    db_cached(db, "SELECT count(*), coalesce(sum(queue_at IS NULL AND retry_at IS NULL"
			  " AND lease_until IS NULL), 0),"
			  " coalesce(sum(queue_at IS NOT NULL OR retry_at <= ?), 0)"
			  " FROM contacts WHERE phonebank_id = ? AND practice = 0");
	struct db_stmt *ph = db_cached(db, "SELECT (at - ?) / 3600, count(*) FROM calls"
					   " WHERE phonebank_id = ? AND practice = 0 AND at >= ?"
					   " GROUP BY 1");
	enum db_step step;
	int bad = 0;

	memset(t, 0, sizeof(*t));
	db_bind_int(oc, 1, bank);
	while ((step = db_step(oc)) == DB_ROW) {
		int o = outcome_parse(db_col_text(oc, 0));
		if (o >= 0)
			t->by_outcome[o] = (long)db_col_int(oc, 1);
	}
	db_reset(oc);
	bad |= step == DB_ERROR;
	db_binds(cc, 1, DB_INT(now), DB_INT(bank));
	if (db_one(cc) == 1) {
		t->contacts = (long)db_col_int(cc, 0);
		t->finished = (long)db_col_int(cc, 1);
		t->ready = (long)db_col_int(cc, 2);
		db_reset(cc);
	} else {
		bad = 1;
	}
	db_binds(ph, 1, DB_INT(hour0), DB_INT(bank), DB_INT(hour0));
	while ((step = db_step(ph)) == DB_ROW) {
		long i = (long)db_col_int(ph, 0);
		if (i >= 0 && i < nhours && i < 24)
			t->per_hour[i] = (long)db_col_int(ph, 1);
	}
	db_reset(ph);
	bad |= step == DB_ERROR;
	return bad ? -1 : 1;
}

int bank_caller_counts(struct db *db, long bank,
		       void (*fn)(const char *name, long calls, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT p.name, count(*) FROM calls c JOIN people p"
					   " ON p.id = c.caller_id WHERE c.phonebank_id = ?"
					   " AND c.practice = 0 GROUP BY c.caller_id, p.name"
					   " ORDER BY 2 DESC");
	int rc;
	db_bind_int(st, 1, bank);
	while (db_next(st, &rc))
		fn(db_col_text(st, 0), (long)db_col_int(st, 1), arg);
	return rc;
}

int bank_answer_counts(struct db *db, long bank,
		       void (*fn)(int question, const char *answer, long n, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT a.question, a.answer, count(*) FROM call_answers a"
					   " JOIN calls c ON c.id = a.call_id WHERE c.phonebank_id = ?"
					   " AND c.practice = 0 GROUP BY a.question, a.answer");
	int rc;
	db_bind_int(st, 1, bank);
	while (db_next(st, &rc))
		fn((int)db_col_int(st, 0), db_col_text(st, 1), (long)db_col_int(st, 2), arg);
	return rc;
}

int bank_calls(struct db *db, long bank, void (*fn)(const struct call_row *c, void *arg),
	       void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT c.id, c.at, p.name, k.name, k.phone, k.seat,"
					   " c.outcome, c.notes FROM calls c LEFT JOIN people p"
					   " ON p.id = c.caller_id LEFT JOIN contacts k"
					   " ON k.id = c.contact_id WHERE c.phonebank_id = ?"
					   " AND c.practice = 0 ORDER BY c.id");
	int rc;
	db_bind_int(st, 1, bank);
	while (db_next(st, &rc)) {
		struct call_row c = { (long)db_col_int(st, 0), (time_t)db_col_int(st, 1),
				      db_col_text(st, 2),	   db_col_text(st, 3),
				      db_col_text(st, 4),	   db_col_text(st, 5),
				      db_col_text(st, 6),	   db_col_text(st, 7) };
		fn(&c, arg);
	}
	return rc;
}

int call_answers(struct db *db, long call_id,
		 void (*fn)(int question, const char *answer, void *arg), void *arg)
{
	struct db_stmt *st = db_cached(db, "SELECT question, answer FROM call_answers"
					   " WHERE call_id = ? ORDER BY question, answer");
	int rc;
	db_bind_int(st, 1, call_id);
	while (db_next(st, &rc))
		fn((int)db_col_int(st, 0), db_col_text(st, 1), arg);
	return rc;
}

int contacts_loaded(struct db *db, long bank)
{
	struct db_stmt *st = db_cached(db, "SELECT EXISTS (SELECT 1 FROM contacts"
					   " WHERE phonebank_id = ? AND practice = 0)");
	db_bind_int(st, 1, bank);
	return (int)db_int_or(st, -1);
}
