#include "phonebank/store.h"

#include <ctype.h>
#include <jansson.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "postcodes/lookup.h"
#include "postcodes/postcode.h"
#include "util/csv.h"
#include "util/mem.h"

#define IMPORT_BATCH 20000

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

int phonebank_get(struct db *db, long id, struct phonebank *out)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT group_id, created_by, name, script, survey,"
			  " hours_start, hours_end, days, max_attempts, retry_wait_min"
			  " FROM phonebanks WHERE id = ?");
	struct db_stmt *seats =
	    db_cached(db, "SELECT seat FROM phonebank_seats WHERE phonebank_id = ?"
			  " ORDER BY seat");
	char err[128];
	int rc;

	if (!st || !seats || db_bind_int(st, 1, id))
		return -1;
	rc = db_step(st);
	if (rc != DB_ROW) {
		db_reset(st);
		return rc == DB_DONE ? 0 : -1;
	}
	out->id = id;
	out->group_id = (long)db_col_int(st, 0);
	out->created_by = (long)db_col_int(st, 1);
	copy(out->name, sizeof(out->name), db_col_text(st, 2));
	copy(out->script, sizeof(out->script), db_col_text(st, 3));
	copy(out->survey_src, sizeof(out->survey_src), db_col_text(st, 4));
	out->hours = (struct hours){ (int)db_col_int(st, 5), (int)db_col_int(st, 6),
				     (unsigned)db_col_int(st, 7) };
	out->max_attempts = (int)db_col_int(st, 8);
	out->retry_wait_min = (int)db_col_int(st, 9);
	db_reset(st);
	/* checked when saved; parsed again here so pages and saves share it */
	survey_parse(&out->survey, out->survey_src, err, sizeof(err));
	out->nseats = 0;
	if (db_bind_int(seats, 1, id) == 0)
		while (out->nseats < PHONEBANK_MAX_SEATS && db_step(seats) == DB_ROW)
			copy(out->seats[out->nseats++], 12, db_col_text(seats, 0));
	db_reset(seats);
	return 1;
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

static int add_contact(struct db *db, long bank, int practice, const char *name, const char *phone,
		       const char *postcode, const char *seat, const char *fields, int priority,
		       long line, int *added)
{
	/* a number seen before merges into the first row: new fields fill gaps */
	struct db_stmt *st = db_cached(
	    db, "INSERT INTO contacts (phonebank_id, practice, name, phone, postcode, seat, fields,"
		" priority, rnd, queue_at) VALUES (?,?,?,?,?,?,?,?,?,0)"
		" ON CONFLICT (phonebank_id, phone) DO UPDATE SET"
		" fields = json_patch(excluded.fields, contacts.fields),"
		" name = CASE contacts.name WHEN '' THEN excluded.name ELSE contacts.name END,"
		" postcode = CASE contacts.postcode WHEN '' THEN excluded.postcode"
		" ELSE contacts.postcode END RETURNING rnd = ?");
	long long rnd = queue_key(line);
	int rc = -1;

	if (st && !db_bind_int(st, 1, bank) && !db_bind_int(st, 2, practice) &&
	    !db_bind_text(st, 3, name, strlen(name)) &&
	    !db_bind_text(st, 4, phone, strlen(phone)) &&
	    !db_bind_text(st, 5, postcode, strlen(postcode)) &&
	    !db_bind_text(st, 6, seat, strlen(seat)) &&
	    !db_bind_text(st, 7, fields, strlen(fields)) && !db_bind_int(st, 8, priority) &&
	    !db_bind_int(st, 9, rnd) && !db_bind_int(st, 10, rnd) && db_step(st) == DB_ROW) {
		*added = (int)db_col_int(st, 0); /* our rnd came back: a new row */
		rc = 0;
	}
	if (st)
		db_reset(st);
	return rc;
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
		  db_bind_text(st, 2, pb->name, strlen(pb->name)) ||
		  db_bind_text(st, 3, pb->script, strlen(pb->script)) ||
		  db_bind_text(st, 4, pb->survey_src, strlen(pb->survey_src)) ||
		  db_bind_int(st, 5, pb->hours.start_min) ||
		  db_bind_int(st, 6, pb->hours.end_min) || db_bind_int(st, 7, pb->hours.days) ||
		  db_bind_int(st, 8, pb->max_attempts) || db_bind_int(st, 9, pb->retry_wait_min) ||
		  db_bind_int(st, 10, pb->created_by) || db_bind_int(st, 11, (long long)now) ||
		  db_step(st) != DB_ROW;
	if (!bad)
		pb->id = (long)db_col_int(st, 0);
	if (st)
		db_reset(st);
	for (size_t i = 0; !bad && i < pb->nseats; i++) {
		bad = db_bind_int(seat, 1, pb->id) ||
		      db_bind_text(seat, 2, pb->seats[i], strlen(pb->seats[i])) ||
		      db_step(seat) != DB_DONE;
		db_reset(seat);
	}
	/* the rehearsal queue: obviously fake voters on Ofcom's drama numbers */
	static const char *const first[] = { "Practice", "Rehearsal", "Pretend" };
	for (int i = 0; !bad && i < PRACTICE_CONTACTS; i++) {
		char name[64], phone[PHONE_E164_MAX];
		int added;
		snprintf(name, sizeof(name), "%s Voter %d", first[i % 3], i + 1);
		snprintf(phone, sizeof(phone), "+447700900%03u", (unsigned)i % 1000);
		bad = add_contact(db, pb->id, 1, name, phone, "", "", "{}", 0, i, &added);
	}
	if (bad || db_commit(db)) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

int caller_approved(struct db *db, long bank, long person)
{
	struct db_stmt *st = db_cached(db, "SELECT approved FROM phonebank_callers"
					   " WHERE phonebank_id = ? AND person_id = ?");
	int rc;
	if (!st || db_bind_int(st, 1, bank) || db_bind_int(st, 2, person))
		return -1;
	rc = db_step(st);
	int yes = rc == DB_ROW && db_col_int(st, 0) == 1;
	db_reset(st);
	return rc == DB_ROW || rc == DB_DONE ? yes : -1;
}

static int step_done(struct db_stmt *st)
{
	int rc = db_step(st);
	db_reset(st);
	return rc == DB_DONE ? 0 : -1;
}

static void contact_from(struct db_stmt *st, struct contact *c)
{
	c->id = (long)db_col_int(st, 0);
	copy(c->name, sizeof(c->name), db_col_text(st, 1));
	copy(c->phone, sizeof(c->phone), db_col_text(st, 2));
	copy(c->postcode, sizeof(c->postcode), db_col_text(st, 3));
	copy(c->seat, sizeof(c->seat), db_col_text(st, 4));
	copy(c->fields, sizeof(c->fields), db_col_text(st, 5));
	c->attempts = (int)db_col_int(st, 6);
	c->practice = (int)db_col_int(st, 7);
	c->lease_until = (time_t)db_col_int(st, 8);
}

#define CONTACT_COLS "id, name, phone, postcode, seat, fields, attempts, practice, lease_until"

int contact_leased(struct db *db, long bank, long contact, long caller, time_t now,
		   struct contact *out)
{
	struct db_stmt *st =
	    db_cached(db, "SELECT " CONTACT_COLS " FROM contacts WHERE id = ?"
			  " AND phonebank_id = ? AND leased_to = ? AND lease_until > ?");
	int rc;
	if (!st || db_bind_int(st, 1, contact) || db_bind_int(st, 2, bank) ||
	    db_bind_int(st, 3, caller) || db_bind_int(st, 4, (long long)now))
		return -1;
	rc = db_step(st);
	if (rc == DB_ROW)
		contact_from(st, out);
	db_reset(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int contact_next(struct db *db, long bank, int practice, long caller, time_t now,
		 struct contact *out)
{
	struct db_stmt *mine =
	    db_cached(db, "SELECT " CONTACT_COLS " FROM contacts"
			  " WHERE leased_to = ? AND phonebank_id = ? AND practice = ?"
			  " AND lease_until > ? LIMIT 1");
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
	 * runs one writer at a time, so no two callers get one contact.
	 */
	struct db_stmt *claim = db_cached(
	    db, "UPDATE contacts SET queue_at = NULL, lease_until = ?1 + ?2, leased_to = ?3"
		" WHERE id = (SELECT c.id FROM contacts c WHERE c.phonebank_id = ?4"
		" AND c.practice = ?5 AND c.queue_at IS NOT NULL"
		" AND NOT EXISTS (SELECT 1 FROM do_not_call d WHERE d.phone = c.phone)"
		" ORDER BY c.priority DESC, c.attempts, c.rnd LIMIT 1)"
		" RETURNING " CONTACT_COLS);
	int rc;

	if (!mine || !claim || db_bind_int(mine, 1, caller) || db_bind_int(mine, 2, bank) ||
	    db_bind_int(mine, 3, practice) || db_bind_int(mine, 4, (long long)now))
		return -1;
	rc = db_step(mine);
	if (rc == DB_ROW)
		contact_from(mine, out);
	db_reset(mine);
	if (rc != DB_DONE)
		return rc == DB_ROW ? 1 : -1;
	for (int i = 0; i < 2; i++) {
		struct db_stmt *back = i ? lapsed : due;
		if (!back || db_bind_int(back, 1, bank) || db_bind_int(back, 2, practice) ||
		    db_bind_int(back, 3, (long long)now) || step_done(back))
			return -1;
	}
	if (db_bind_int(claim, 1, (long long)now) || db_bind_int(claim, 2, QUEUE_LEASE_S) ||
	    db_bind_int(claim, 3, caller) || db_bind_int(claim, 4, bank) ||
	    db_bind_int(claim, 5, practice))
		return -1;
	rc = db_step(claim);
	if (rc == DB_ROW) {
		contact_from(claim, out);
		while (db_step(claim) == DB_ROW)
			;
	}
	db_reset(claim);
	return rc == DB_ROW ? 2 : rc == DB_DONE ? 0 : -1;
}

int contact_release(struct db *db, long bank, long contact, long caller, time_t avail_at)
{
	struct db_stmt *st = db_cached(db, "UPDATE contacts SET retry_at = ?, lease_until = NULL,"
					   " leased_to = NULL"
					   " WHERE id = ? AND phonebank_id = ? AND leased_to = ?"
					   " RETURNING id");
	int rc;
	if (!st || db_bind_int(st, 1, (long long)avail_at) || db_bind_int(st, 2, contact) ||
	    db_bind_int(st, 3, bank) || db_bind_int(st, 4, caller))
		return -1;
	rc = db_step(st);
	while (rc == DB_ROW && db_step(st) == DB_ROW)
		;
	db_reset(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
}

int dnc_has(struct db *db, const char *e164)
{
	struct db_stmt *st = db_cached(db, "SELECT 1 FROM do_not_call WHERE phone = ?");
	int rc;
	if (!st || db_bind_text(st, 1, e164, strlen(e164)))
		return -1;
	rc = db_step(st);
	db_reset(st);
	return rc == DB_ROW ? 1 : rc == DB_DONE ? 0 : -1;
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
	struct db_stmt *dnc = db_cached(db, "INSERT OR IGNORE INTO do_not_call VALUES (?, ?)");
	/* by (phone bank, phone): the unique index, one probe per phone bank */
	struct db_stmt *withdraw =
	    db_cached(db, "UPDATE contacts SET queue_at = NULL,"
			  " retry_at = NULL, lease_until = NULL, leased_to = NULL"
			  " WHERE phonebank_id IN (SELECT id FROM phonebanks)"
			  " AND phone = ? AND practice = 0");
	char phone[PHONE_E164_MAX];
	int attempts, practice, rc;
	long call_id;

	if (!get || !set || !call || !ans || !dnc || !withdraw || db_bind_int(get, 1, contact) ||
	    db_bind_int(get, 2, rules->bank) || db_bind_int(get, 3, caller) ||
	    db_bind_int(get, 4, (long long)now))
		return -1;
	rc = db_step(get);
	if (rc != DB_ROW) {
		db_reset(get);
		return rc == DB_DONE ? 0 : -1;
	}
	attempts = (int)db_col_int(get, 0) + 1;
	copy(phone, sizeof(phone), db_col_text(get, 1));
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
	if (db_bind_int(set, 1, attempts) ||
	    (wait ? db_bind_int(set, 2, (long long)next.next_at) : db_bind_null(set, 2)) ||
	    (practice ? db_bind_int(set, 3, (long long)now) : db_bind_null(set, 3)) ||
	    db_bind_text(set, 4, outcome_code(o), strlen(outcome_code(o))) ||
	    db_bind_int(set, 5, contact) || step_done(set))
		return -1;
	if (db_bind_int(call, 1, rules->bank) || db_bind_int(call, 2, contact) ||
	    db_bind_int(call, 3, caller) || db_bind_int(call, 4, practice) ||
	    db_bind_text(call, 5, outcome_code(o), strlen(outcome_code(o))) ||
	    db_bind_text(call, 6, notes, strlen(notes)) || db_bind_int(call, 7, (long long)now) ||
	    db_step(call) != DB_ROW) {
		db_reset(call);
		return -1;
	}
	call_id = (long)db_col_int(call, 0);
	db_reset(call);
	for (int i = 0; i < nanswers; i++)
		if (db_bind_int(ans, 1, call_id) || db_bind_int(ans, 2, answers[i].question) ||
		    db_bind_text(ans, 3, answers[i].answer, strlen(answers[i].answer)) ||
		    step_done(ans))
			return -1;
	if (next.opt_out &&
	    (db_bind_text(dnc, 1, phone, strlen(phone)) || db_bind_int(dnc, 2, (long long)now) ||
	     step_done(dnc) || db_bind_text(withdraw, 1, phone, strlen(phone)) ||
	     step_done(withdraw)))
		return -1;
	return 1;
}

long contacts_erase_phone(struct db *db, const char *e164)
{
	struct db_stmt *st = db_cached(db, "DELETE FROM contacts WHERE phonebank_id IN (SELECT id"
					   " FROM phonebanks) AND phone = ? AND practice = 0");
	struct db_stmt *n = db_cached(db, "SELECT changes()");
	long removed = -1;
	if (st && n && db_bind_text(st, 1, e164, strlen(e164)) == 0 && db_step(st) == DB_DONE &&
	    db_step(n) == DB_ROW)
		removed = (long)db_col_int(n, 0);
	if (st)
		db_reset(st);
	if (n)
		db_reset(n);
	return removed;
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

static void report(struct contacts_report *rep, long line, const char *why)
{
	rep->invalid++;
	if (rep->nerrors < CONTACTS_MAX_ERRORS) {
		rep->errors[rep->nerrors].line = line;
		copy(rep->errors[rep->nerrors].why, sizeof(rep->errors[0].why), why);
		rep->nerrors++;
	}
}

static const char *field(const struct csv *r, int i)
{
	return i >= 0 && (size_t)i < r->nf ? r->f[i].p : "";
}

static const char store_failed[] = "the store failed";

/* Lists repeat postcodes (a household, a street): their seats, remembered
 * for one import, direct-mapped by a hash of the postcode. */
#define SEAT_CACHE 8192
struct seat_cache {
	struct {
		char pc[8];
		char seat[12];
	} e[SEAT_CACHE];
};

static int seat_of(struct db *db, struct seat_cache *sc, const struct postcode *pc, char seat[12])
{
	unsigned h = 2166136261u;
	for (const char *p = pc->compact; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h %= SEAT_CACHE;
	if (!strcmp(sc->e[h].pc, pc->compact)) {
		memcpy(seat, sc->e[h].seat, 12);
		return 0;
	}
	int rc = lookup_seat(db, pc, seat);
	if (rc < 0)
		return -1;
	if (!rc)
		*seat = '\0';
	snprintf(sc->e[h].pc, sizeof(sc->e[h].pc), "%s", pc->compact);
	memcpy(sc->e[h].seat, seat, 12);
	return 0;
}

/* One data row; NULL when stored (or dropped for the ledger), else why not. */
static const char *import_row(struct db *db, const struct phonebank *pb, const struct csv *r,
			      const struct columns *c, struct seat_cache *sc)
{
	char phone[PHONE_E164_MAX], name[CONTACT_NAME_MAX + 1], seat[12] = "", pc_text[9] = "";
	const char *p = field(r, c->phone);
	const char *why = phone_normalise(p, strlen(p), phone);
	if (why)
		return why;
	if (phone_is_fiction(phone))
		return "a number reserved for drama, not a real phone";
	if (c->name >= 0)
		copy(name, sizeof(name), field(r, c->name));
	else
		snprintf(name, sizeof(name), "%s%s%s", field(r, c->first),
			 *field(r, c->first) && *field(r, c->last) ? " " : "", field(r, c->last));
	if (strlen(field(r, c->name)) > CONTACT_NAME_MAX ||
	    strlen(field(r, c->first)) + strlen(field(r, c->last)) > CONTACT_NAME_MAX)
		return "the name is longer than 100 characters";
	const char *pcs = field(r, c->postcode);
	if (*pcs) {
		struct postcode pc;
		if (postcode_parse(pcs, strlen(pcs), &pc))
			return "the postcode is not a UK postcode";
		copy(pc_text, sizeof(pc_text), pc.display);
		if (seat_of(db, sc, &pc, seat))
			return store_failed;
	}
	int priority = 0;
	for (size_t i = 0; *seat && i < pb->nseats && !priority; i++)
		priority = !strcmp(seat, pb->seats[i]);
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
		json_object_set_new(f, c->names[i], json_stringn(r->f[i].p, r->f[i].len));
	}
	char *fields = json_dumps(f, JSON_COMPACT);
	json_decref(f);
	if (!fields || strlen(fields) > CONTACT_FIELDS_MAX) {
		free(fields);
		return "the other columns hold more than 4,000 characters";
	}
	/* staged; saved with the rest of its batch (flush) */
	struct db_stmt *st =
	    db_cached(db, "INSERT INTO temp.contact_stage VALUES (?,?,?,?,?,?,?,?)");
	int bad = !st || db_bind_int(st, 1, r->line) || db_bind_text(st, 2, name, strlen(name)) ||
		  db_bind_text(st, 3, phone, strlen(phone)) ||
		  db_bind_text(st, 4, pc_text, strlen(pc_text)) ||
		  db_bind_text(st, 5, seat, strlen(seat)) ||
		  db_bind_text(st, 6, fields, strlen(fields)) || db_bind_int(st, 7, priority) ||
		  db_bind_int(st, 8, queue_key(r->line)) || db_step(st) != DB_DONE;
	if (st)
		db_reset(st);
	free(fields);
	return bad ? store_failed : NULL;
}

static long long count_of(struct db_stmt *st)
{
	long long n = -1;
	if (st && db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	if (st)
		db_reset(st);
	return n;
}

/*
 * A batch of staged rows into the phone bank in one statement, in file
 * order: numbers on the ledger are left out, and a number already there
 * (or earlier in the file) merges into the first row, new fields filling
 * gaps.  Counts what became of them.
 */
static int flush(struct db *db, long bank, long staged, struct contacts_report *rep)
{
	struct db_stmt *opted =
	    db_cached(db, "SELECT count(*) FROM temp.contact_stage s WHERE EXISTS"
			  " (SELECT 1 FROM do_not_call d WHERE d.phone = s.phone)");
	struct db_stmt *top = db_cached(db, "SELECT coalesce(max(id), 0) FROM contacts");
	struct db_stmt *ins = db_cached(
	    db, "INSERT INTO contacts (phonebank_id, practice, name, phone, postcode, seat, fields,"
		" priority, rnd, queue_at) SELECT ?, 0, name, phone, postcode, seat, fields,"
		" priority, rnd, 0 FROM temp.contact_stage s WHERE NOT EXISTS (SELECT 1 FROM"
		" do_not_call d WHERE d.phone = s.phone) ORDER BY s.rowid"
		" ON CONFLICT (phonebank_id, phone) DO UPDATE SET"
		" fields = json_patch(excluded.fields, contacts.fields),"
		" name = CASE contacts.name WHEN '' THEN excluded.name ELSE contacts.name END,"
		" postcode = CASE contacts.postcode WHEN '' THEN excluded.postcode"
		" ELSE contacts.postcode END");
	struct db_stmt *added = db_cached(db, "SELECT count(*) FROM contacts WHERE id > ?");
	long long n_opted = count_of(opted), before = count_of(top), n_added;

	if (n_opted < 0 || before < 0 || !ins || !added || db_bind_int(ins, 1, bank) ||
	    db_step(ins) != DB_DONE) {
		if (ins)
			db_reset(ins);
		return -1;
	}
	db_reset(ins);
	if (db_bind_int(added, 1, before) || (n_added = count_of(added)) < 0 ||
	    db_exec(db, "DELETE FROM temp.contact_stage"))
		return -1;
	rep->opted_out += (long)n_opted;
	rep->added += (long)n_added;
	rep->merged += staged - (long)n_opted - (long)n_added;
	return 0;
}

static int import_csv(struct db *db, const struct phonebank *pb, struct csv *r,
		      struct seat_cache *sc, struct contacts_report *rep, struct progress *pg)
{
	struct columns c;
	const char *why;
	long in_batch = 0;

	if ((why = read_header(r, &c))) {
		copy(rep->fatal, sizeof(rep->fatal), why);
		return -1;
	}
	if (db_begin(db))
		goto store;
	for (;;) {
		int n = csv_next(r);
		if (n == 0)
			break;
		if (n < 0) {
			snprintf(rep->fatal, sizeof(rep->fatal), "Line %ld: %s", r->line, r->err);
			db_rollback(db);
			return -1;
		}
		rep->rows++;
		if (n == 1 && !r->f[0].len)
			continue; /* a blank line */
		why = import_row(db, pb, r, &c, sc);
		if (why == store_failed)
			goto store;
		if (why)
			report(rep, r->line, why);
		else
			in_batch++;
		if (in_batch == IMPORT_BATCH) {
			if (flush(db, pb->id, in_batch, rep) || db_commit(db) || db_begin(db))
				goto store;
			in_batch = 0;
		}
		if (pg && rep->rows % 4096 == 0)
			progress_step(pg, rep->rows, rep->rows);
	}
	if ((in_batch && flush(db, pb->id, in_batch, rep)) || db_commit(db))
		goto store;
	return 0;
store:
	db_rollback(db);
	db_exec(db, "DELETE FROM temp.contact_stage");
	copy(rep->fatal, sizeof(rep->fatal),
	     "The store failed; rows after the last 20,000 were not saved.");
	return -1;
}

int contacts_import(struct db *db, const struct phonebank *pb, int fd, struct contacts_report *rep,
		    struct progress *pg)
{
	struct csv *r = xmalloc(sizeof(*r));
	int rc = -1, n;

	memset(rep, 0, sizeof(*rep));
	/* a first pass reads the whole file, so a broken one changes nothing */
	if (csv_open_fd(r, fd)) {
		copy(rep->fatal, sizeof(rep->fatal), "The file cannot be read.");
		goto out;
	}
	while ((n = csv_next(r)) > 0)
		;
	if (n < 0) {
		snprintf(rep->fatal, sizeof(rep->fatal), "Line %ld: %s. Nothing was imported.",
			 r->line, r->err);
		goto out;
	}
	csv_release(r);
	if (csv_open_fd(r, fd)) {
		copy(rep->fatal, sizeof(rep->fatal), "The file cannot be read.");
		goto out;
	}
	/* a list's rows land all over the queue's index: give it room in memory */
	db_exec(
	    db,
	    "PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY; PRAGMA temp.secure_delete=OFF");
	if (db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS contact_stage (line INTEGER, name TEXT,"
			" phone TEXT, postcode TEXT, seat TEXT, fields TEXT, priority INTEGER,"
			" rnd INTEGER)")) {
		copy(rep->fatal, sizeof(rep->fatal), "The store failed.");
		goto out;
	}
	struct seat_cache *sc = xcalloc(1, sizeof(*sc));
	rc = import_csv(db, pb, r, sc, rep, pg);
	free(sc);
out:
	db_exec(db, "PRAGMA cache_size=-8192");
	csv_release(r);
	free(r);
	return rc;
}
