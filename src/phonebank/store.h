/*
 * Phone banks as stored: the campaign, its contacts, the queue's claim and
 * lease, calls and answers, and the do-not-call ledger shared by every
 * phone bank.  All through db.h; the policy is phonebank/queue.h.
 */
#ifndef TURNOUT_PHONEBANK_STORE_H
#define TURNOUT_PHONEBANK_STORE_H

#include <stdatomic.h>
#include <time.h>

#include "db/db.h"
#include "phonebank/hours.h"
#include "phonebank/phone.h"
#include "phonebank/queue.h"
#include "phonebank/survey.h"
#include "util/progress.h"

#define PHONEBANK_NAME_MAX  100
#define PHONEBANK_MAX_SEATS 50
#define PRACTICE_CONTACTS   25
#define CONTACT_NAME_MAX    100
#define CONTACT_FIELDS_MAX  4000 /* the other columns, as JSON */
#define CONTACT_FIELD_MAX   200	 /* one of those values */
#define CALL_NOTES_MAX	    1000
#define CONTACTS_MAX_ERRORS 100 /* rows reported by line; the rest are counted */
#define CONTACTS_MAX_REASONS 16 /* kinds of refusal, each counted */
#define CONTACTS_ERRORS_KEPT 100000 /* refused lines kept for the error CSV */
#define CONTACTS_MAX_ROWS   5000000 /* data rows in one list */
#define CONTACTS_MAX_BYTES  (1ull << 30) /* of text, after gunzip */

struct phonebank {
	long id, group_id, created_by;
	char name[PHONEBANK_NAME_MAX + 1];
	char script[SCRIPT_MAX + 1];
	char survey_src[SURVEY_SOURCE_MAX + 1];
	struct survey survey;
	struct hours hours;
	int max_attempts, retry_wait_min;
	long version; /* one more at each update: another node's cached copy is stale */
	size_t nseats;
	char seats[PHONEBANK_MAX_SEATS][12];
};

struct contact {
	long id;
	int practice, attempts;
	char name[CONTACT_NAME_MAX + 1];
	char phone[PHONE_E164_MAX];
	char postcode[9], seat[12];
	char fields[CONTACT_FIELDS_MAX + 1];
	time_t lease_until;
};

/* A script and survey to start from. */
extern const char phonebank_default_script[];
extern const char phonebank_default_survey[];

/*
 * 1 found (copied into out), 0 not, -1 error.  Read through a cache of the
 * phone banks in use, parsed once, so a caller's claims do not reload and
 * re-parse the script and survey: phonebank_update() and phonebank_delete()
 * drop the entry after they commit, so every thread reads the change next;
 * on PostgreSQL, where other nodes edit too, a hit is checked against the
 * row's version (one indexed read) first.
 */
int phonebank_get(struct db *db, long id, struct phonebank *out);
/* Saves what may change after calls began: name, script, hours, attempts,
 * the wait before a retry (the survey and target seats stay); 0 or -1. */
int phonebank_update(struct db *db, const struct phonebank *pb);
/* Ends a phone bank: contacts, callers and calls go, the ledger stays; 0 or -1. */
int phonebank_delete(struct db *db, long id);

/* 1 when the phone bank has real (not practice) contacts, 0 none yet, -1. */
int contacts_loaded(struct db *db, long bank);
/* Phone banks a person sees: their groups', those they call for, or all. */
int phonebanks_visible(struct db *db, long person_id, int all,
		       void (*fn)(long id, const char *name, const char *group, void *arg),
		       void *arg);
/* A group's phone banks, newest first, with whether the person asked to call
 * and was approved (for the group's home). */
int group_phonebanks(struct db *db, long group_id, long person_id,
		     void (*fn)(long id, const char *name, int asked, int approved, void *arg),
		     void *arg);
/* Whether the person asked to call (*asked) and was approved (*approved): 1, -1. */
int caller_status(struct db *db, long bank, long person_id, int *asked, int *approved);
/* Records a request to call (once): 1, -1. */
int caller_ask(struct db *db, long bank, long person_id, time_t now);
/* Ends a caller's right to call (they may ask again); the voter leased to
 * them goes back into the queue at once.  Leaving the group, or being
 * removed from it, does the same (a trigger).  1, 0 when not a caller, -1. */
int caller_revoke(struct db *db, long bank, long person_id);
/* Approves one who asked: 1, 0 when they had not asked, -1. */
int caller_approve(struct db *db, long bank, long person_id);
/* The callers who asked, the waiting first, then by name. */
int callers_each(struct db *db, long bank,
		 void (*fn)(long person_id, const char *name, int approved, void *arg), void *arg);

/* What an organiser sees of a phone bank's calls (practice excluded). */
struct bank_totals {
	long by_outcome[OUTCOME_COUNT];
	long contacts, finished, ready;
	long per_hour[24]; /* calls in each hour from hour0 */
};
/* Outcome and contact counts, and calls in each of nhours (<= 24) from hour0. */
int bank_totals(struct db *db, long bank, time_t now, time_t hour0, int nhours,
		struct bank_totals *t);
/* Calls per caller, most first. */
int bank_caller_counts(struct db *db, long bank,
		       void (*fn)(const char *name, long calls, void *arg), void *arg);
/* Answers per question and answer, in that order. */
int bank_answer_counts(struct db *db, long bank,
		       void (*fn)(int question, const char *answer, long n, void *arg), void *arg);

struct call_row {
	long id;
	time_t at;
	const char *caller, *voter, *phone, *seat, *outcome, *notes; /* during fn; voter NULL
									 once erased */
};
/* Every call, in order, for the export. */
int bank_calls(struct db *db, long bank, void (*fn)(const struct call_row *c, void *arg),
	       void *arg);
/* A call's answers, in the order given. */
int call_answers(struct db *db, long call_id,
		 void (*fn)(int question, const char *answer, void *arg), void *arg);
/* Saves a new phone bank (out->id set) with its rehearsal contacts; 0 or -1. */
int phonebank_create(struct db *db, struct phonebank *pb, time_t now);

/* The contact leased to this caller now in this queue (1), or none (0); -1 error. */
int contact_current(struct db *db, long bank, int practice, long caller, time_t now,
		    struct contact *out);
/*
 * The contact leased to this caller now (1), or the best one available
 * claimed for them with a QUEUE_LEASE_S lease (2), or none (0); -1 on a
 * store error.  One UPDATE claims, so two callers never hold one contact.
 * Inside the caller's transaction (the writer's batch).
 */
int contact_next(struct db *db, long bank, int practice, long caller, time_t now,
		 struct contact *out);

struct call_answer {
	int question;
	const char *answer;
};
/* What an outcome means for a contact, from its phone bank. */
struct call_rules {
	long bank;
	int max_attempts, retry_wait_min;
};
/*
 * Records a call on the caller's leased contact and what it means for the
 * contact (queue_after), inside the caller's transaction (the writer's
 * batch): 1 saved, 0 not leased to them (nothing changed), -1 error (roll
 * back).  A do-not-call outcome adds the number to the ledger and
 * withdraws it from every phone bank.
 */
int call_record(struct db *db, const struct call_rules *rules, long contact, long caller,
		enum outcome o, const char *notes, const struct call_answer *answers, int nanswers,
		time_t now);
/* Gives the caller's live lease back, the contact available again at
 * avail_at: 1, or 0 if it was not theirs (or has lapsed) at now. */
int contact_release(struct db *db, long bank, long contact, long caller, time_t now,
		    time_t avail_at);

struct contacts_report {
	long rows, added, merged, invalid, opted_out;
	long resumed_after; /* rows an interrupted load of the same file had saved */
	int stopped;        /* stopped when asked: rows up to the report's are live */
	size_t nerrors;
	struct {
		long line;
		char why[96];
	} errors[CONTACTS_MAX_ERRORS];
	size_t nreasons; /* every refused row, counted by its reason */
	struct {
		const char *why;
		long n;
	} reasons[CONTACTS_MAX_REASONS];
	long import_id; /* its record in contact_imports, once one is made */
	char fatal[160]; /* set when the file could not be read at all */
};
/*
 * Streams a contact list from fd (plain or gzip CSV: a header row naming at least a phone column;
 * name or first/last name, postcode, anything else kept as fields) into
 * the phone bank: numbers normalised, invalid rows reported by line,
 * duplicates by phone merged, numbers on the ledger dropped, the seat from
 * the postcode.  A first pass checks the whole file is CSV, so a broken
 * file changes nothing; then one thread reads rows while another saves
 * them, 8,192 to a short transaction with a pause after it, so callers and
 * sign-ups keep writing meanwhile.  Each transaction also records in
 * contact_imports how many rows of the file are saved: a load stopped
 * part-way (a crash, kill -9) says exactly what is live, and the same file
 * loaded again carries on after those rows.  source names the file for
 * the organiser (NULL: "an uploaded list").  Uses db from the saver
 * thread only while it runs.  A list over CONTACTS_MAX_ROWS rows or
 * CONTACTS_MAX_BYTES of text, or a gzip that is corrupt or cut short,
 * changes nothing.  The load stops after the batch in hand when *stop
 * becomes non-zero (a shutdown; NULL: never) or its organiser asks
 * (contact_import_stop), with rep->stopped set.  0, or -1 with rep->fatal.
 */
int contacts_import(struct db *db, const struct phonebank *pb, int fd, const char *source,
		    const atomic_int *stop, struct contacts_report *rep, struct progress *pg);
/* Asks the phone bank's load in progress to stop: 1 asked, 0 none is running, -1. */
int contact_import_stop(struct db *db, long bank, time_t now);

/* A list loaded into a phone bank, as far as it went. */
struct contact_import {
	long id;
	char source[128];
	long rows_total, rows_done, added, merged, opted_out;
	long long started_at, updated_at, finished_at; /* finished_at 0: not (yet) whole */
	long long stop_asked_at, stopped_at;           /* 0: not */
};

/* The phone bank's latest list: 1 and *out, 0 when none was loaded, -1. */
int contact_import_last(struct db *db, long bank, struct contact_import *out);
/* Its last 20 lists, newest first, with how many rows each refused. */
int contact_imports_recent(struct db *db, long bank,
			   void (*fn)(const struct contact_import *ci, long refused, void *arg),
			   void *arg);
/* The lines one of its lists refused, in order: 1, 0 when the bank has no
 * such list, -1. */
int contact_import_errors(struct db *db, long bank, long import_id,
			  void (*fn)(long line, const char *reason, void *arg), void *arg);

/*
 * Erasure of a voter, in one transaction: every contact row with this
 * number goes, in every phone bank; their calls stay, unlinked, for the
 * totals, with the notes and answers about them gone; the number goes on
 * the do-not-call ledger.  The number of contacts removed, or -1.
 */
long contacts_erase_phone(struct db *db, const char *e164, time_t now);

#endif
