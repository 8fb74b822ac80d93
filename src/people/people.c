#include "people/people.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "auth/audit.h"
#include "auth/token.h"
#include "postcodes/postcode.h"

int email_normalise(const char *in, char out[EMAIL_MAX_LEN + 1])
{
	size_t n = strlen(in), start = 0, m = 0, at = 0, ats = 0;

	while (start < n && isspace((unsigned char)in[start]))
		start++;
	while (n > start && isspace((unsigned char)in[n - 1]))
		n--;
	if (n - start == 0 || n - start > EMAIL_MAX_LEN)
		return -1;
	for (size_t i = start; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"' || c == ',' ||
		    c == ';' || c == '\\')
			return -1;
		if (c == '@') {
			at = m;
			ats++;
		}
		out[m++] = (char)tolower(c);
	}
	out[m] = '\0';
	/* one @, something before it, a dot in the domain not at either end */
	const char *dot = ats == 1 ? strchr(out + at, '.') : NULL;
	if (ats != 1 || at == 0 || !dot || dot == out + at + 1 || out[m - 1] == '.')
		return -1;
	return 0;
}

static int clean_text(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

const char *person_input_check(struct person *p, const char *name, const char *email,
			       const char *postcode, const char *phone, const char *member)
{
	if (!name || !clean_text(name, NAME_MAX_LEN))
		return "Please give your name (up to 100 characters).";
	if (!email || email_normalise(email, p->email))
		return "Please give a valid email address.";
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->postcode[0] = '\0';
	if (postcode && *postcode) {
		struct postcode pc;
		if (postcode_parse(postcode, strlen(postcode), &pc))
			return "That postcode does not look right. Try one like SW1A 1AA.";
		snprintf(p->postcode, sizeof(p->postcode), "%s", pc.display);
	}
	p->phone[0] = '\0';
	if (phone && *phone) {
		size_t digits = 0, n = strlen(phone);
		if (n > PHONE_MAX_LEN || strspn(phone, "0123456789 +()-") != n)
			return "A phone number has only digits, spaces and + ( ) -.";
		for (size_t i = 0; i < n; i++)
			digits += phone[i] >= '0' && phone[i] <= '9';
		if (digits < 7)
			return "That phone number is too short.";
		snprintf(p->phone, sizeof(p->phone), "%s", phone);
	}
	p->member = member && (strcmp(member, "1") == 0 || strcmp(member, "on") == 0 ||
			       strcmp(member, "true") == 0);
	return NULL;
}

#define PERSON_COLS                                                                                \
	"id, name, email, postcode, phone, member, is_admin, password_hash IS NOT NULL,"           \
	" totp_enabled, created_at, last_active_at"

/* One person from a statement selecting PERSON_COLS: 1, 0 none, -1. */
static int one(struct db_stmt *st, struct person *p)
{
	int rc = db_one(st);
	if (rc != 1)
		return rc;
	memset(p, 0, sizeof(*p));
	p->id = (long)db_col_int(st, 0);
	db_col_copy(st, 1, p->name, sizeof(p->name));
	db_col_copy(st, 2, p->email, sizeof(p->email));
	db_col_copy(st, 3, p->postcode, sizeof(p->postcode));
	db_col_copy(st, 4, p->phone, sizeof(p->phone));
	p->member = (int)db_col_int(st, 5);
	p->admin = (int)db_col_int(st, 6);
	p->has_password = (int)db_col_int(st, 7);
	p->totp_enabled = (int)db_col_int(st, 8);
	p->created_at = db_col_int(st, 9);
	p->last_active_at = db_col_int(st, 10);
	db_reset(st);
	return 1;
}

int person_by_id(struct db *db, long id, struct person *out)
{
	struct db_stmt *st = db_cached(db, "SELECT " PERSON_COLS " FROM people WHERE id = ?");
	db_bind_int(st, 1, id);
	return one(st, out);
}

int person_by_email(struct db *db, const char *email, struct person *out)
{
	struct db_stmt *st = db_cached(db, "SELECT " PERSON_COLS " FROM people WHERE email = ?");
	db_bind_str(st, 1, email);
	return one(st, out);
}

int person_create(struct db *db, struct person *p)
{
	struct db_stmt *st = db_cached(db, "INSERT INTO people (name, email, postcode, phone,"
					   " member, is_admin, created_at, last_active_at)"
					   " VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	db_binds(st, 1, DB_STR(p->name), DB_STR(p->email),
		 DB_STR(*p->postcode ? p->postcode : NULL), DB_STR(*p->phone ? p->phone : NULL),
		 DB_INT(p->member), DB_INT(p->admin), DB_INT(p->created_at), DB_INT(p->created_at));
	if (db_one(st) != 1)
		return -1;
	p->id = (long)db_col_int(st, 0);
	db_reset(st);
	return 0;
}

int person_update(struct db *db, const struct person *p)
{
	struct db_stmt *st = db_cached(db, "UPDATE people SET name = ?, email = ?, postcode = ?,"
					   " phone = ?, member = ? WHERE id = ?");
	db_binds(st, 1, DB_STR(p->name), DB_STR(p->email),
		 DB_STR(*p->postcode ? p->postcode : NULL), DB_STR(*p->phone ? p->phone : NULL),
		 DB_INT(p->member), DB_INT(p->id));
	return db_done(st);
}

/* Every row of st (bound, run here) as an object keyed by names, one per
 * column; a name starting with '#' is an integer column, '?' a boolean,
 * the rest text. */
static json_t *rows_json(struct db_stmt *st, const char *const *names)
{
	json_t *out = json_array();
	int rc;

	while (db_next(st, &rc)) {
		json_t *o = json_object();
		for (int i = 0; names[i]; i++) {
			const char *n = names[i];
			json_t *v = db_col_is_null(st, i) ? json_null()
				    : *n == '#'		  ? json_integer(db_col_int(st, i))
				    : *n == '?'		  ? json_boolean(db_col_int(st, i))
							  : json_string(db_col_text(st, i));
			json_object_set_new(o, *n == '#' || *n == '?' ? n + 1 : n,
					    v ? v : json_null());
		}
		json_array_append_new(out, o);
	}
	return out;
}

/* What is held about the person beyond their account: groups, sessions
 * signed in, the audit trail, sign-ups (theirs and any made as a guest
 * with their address), sessions they host, rides, phone banks and the
 * calls they made (not the notes: those are about voters), an address
 * change waiting for its link, what they did at meetings, and their votes
 * and statements in policy conversations, and their ideas and stands on
 * ideas. */
static void export_rest(struct db *db, const struct person *p, json_t *out)
{
	static const char *const group[] = { "#id", "name", "role", "#joined_at", NULL };
	static const char *const session[] = { "#created_at", "#last_seen_at", "?strong", NULL };
	static const char *const audit[] = { "#at", "action", "#actor_id", "#subject_id", NULL };
	static const char *const signup[] = { "#event_id", "event", "#starts_at",  "status", "name",
					      "email",	   "phone", "#created_at", NULL };
	static const char *const hosted[] = { "#id",	  "title",   "#starts_at",   "status",
					      "postcode", "address", "access_notes", NULL };
	static const char *const offer[] = { "#event_id", "postcode", "#seats", "#taken",
					     "notes",	  "status",   NULL };
	static const char *const ask[] = { "#event_id", "postcode", "state", NULL };
	static const char *const bank[] = { "#phonebank_id", "#approved", "#asked_at", NULL };
	static const char *const call[] = { "#phonebank_id", "outcome", "#practice", "#at", NULL };
	static const char *const move[] = { "new_email", "#expires_at", NULL };
	static const char *const post[] = { "#group_id", "title", "body", "#created_at", NULL };
	static const char *const alert[] = { "postcode", "#km", "?confirmed", "#created_at", NULL };
	static const char *const came[] = { "#meeting_id", "meeting", "?present", "#at", NULL };
	static const char *const sorry[] = { "#meeting_id", "meeting", "#sent_at", NULL };
	static const char *const moved[] = { "#meeting_id", "title", "as", "status", NULL };
	static const char *const voted[] = { "#vote_id", "choice", "#for_person_id", NULL };
	static const char *const proxy[] = { "#meeting_id", "#giver_id", "#holder_id", "#given_at",
					     NULL };
	static const char *const opinion[] = {
		"#conversation_id", "question", "#statement_id", "statement", "#vote", "#at", NULL
	};
	static const char *const ideas[] = { "#idea_id", "title", "stage", "#created_at", NULL };
	static const char *const backed[] = { "#idea_id", "title", "#value", "#at", NULL };
	static const char *const trained[] = { "module", "#version", "#completed_at", "#expires_at",
					       "via", NULL };
	static const char *const pledged[] = { "#event_id", "collection", "item", "#quantity",
					      "#pledged_at", NULL };
	static const char *const standing[] = { "#event_id", "collection", "#since", NULL };
	static const char *const missed[] = { "#event_id", "collection", "#recorded_at", NULL };
	static const char *const can[] = { "kind", "name", NULL };
	static const char *const offered[] = { "?findable", "?trains", "?weekdays", "?evenings",
					     "?weekends", "#updated_at", NULL };
	static const char *const helped[] = { "#request_id", "group", "what", "answer",
					      "#answered_at", NULL };
	static const char *const shared[] = { "#material_id", "title", "#version", "filename",
					      "#uploaded_at", NULL };
	static const char *const tried[] = { "module", "#version", "#started_at", "#finished_at",
					     "#score", "#total", "?passed", NULL };
	static const char *const stated[] = { "#conversation_id", "body",	 "status",
					      "reason",		  "#created_at", NULL };
	static const char *const spoke[] = { "#item_id", "#asked_at", "#started_at", "#ended_at",
					     NULL };
	struct {
		const char *key, *sql;
		const char *const *names;
		int by_email;
	} parts[] = {
		{ "groups",
		  "SELECT g.id, g.name, m.role, m.joined_at FROM memberships m JOIN local_groups g"
		  " ON g.id = m.group_id WHERE m.person_id = ? ORDER BY g.name",
		  group, 0 },
		{ "sessions",
		  "SELECT created_at, last_seen_at, strong FROM sessions WHERE person_id = ?"
		  " ORDER BY created_at",
		  session, 0 },
		{ "audit",
		  "SELECT at, action, coalesce(actor_id, 0), coalesce(subject_id, 0) FROM audit_log"
		  " WHERE subject_id = ?1 OR actor_id = ?1 ORDER BY id",
		  audit, 0 },
		{ "signups",
		  "SELECT e.id, e.title, e.starts_at, s.status, s.name, s.email, s.phone, "
		  "s.created_at"
		  " FROM signups s JOIN slots l ON l.id = s.slot_id JOIN events e ON e.id = "
		  "l.event_id"
		  " WHERE s.person_id = ?1 UNION ALL SELECT e.id, e.title, e.starts_at, s.status,"
		  " s.name, s.email, s.phone, s.created_at FROM signups s JOIN slots l ON"
		  " l.id = s.slot_id JOIN events e ON e.id = l.event_id WHERE s.person_id IS NULL"
		  " AND s.email = ?2 ORDER BY 3",
		  signup, 1 },
		{ "unconfirmed_signups",
		  "SELECT e.id, e.title, e.starts_at, 'waiting for the link', p.name, p.email,"
		  " p.phone, p.expires_at FROM pending_signups p JOIN slots l ON l.id = p.slot_id"
		  " JOIN events e ON e.id = l.event_id WHERE ?1 > 0 AND p.email = ?2",
		  signup, 1 },
		{ "hosted_sessions",
		  "SELECT id, title, starts_at, status, postcode, address, access_notes FROM events"
		  " WHERE created_by = ? ORDER BY starts_at",
		  hosted, 0 },
		{ "ride_offers",
		  "SELECT event_id, postcode, seats, taken, notes, status FROM ride_offers"
		  " WHERE driver_id = ? ORDER BY id",
		  offer, 0 },
		{ "ride_requests",
		  "SELECT event_id, postcode, state FROM ride_requests WHERE rider_id = ? ORDER BY "
		  "id",
		  ask, 0 },
		{ "phone_banks",
		  "SELECT phonebank_id, approved, asked_at FROM phonebank_callers WHERE person_id "
		  "= ?",
		  bank, 0 },
		{ "calls_made",
		  "SELECT phonebank_id, outcome, practice, at FROM calls WHERE caller_id = ?"
		  " ORDER BY at",
		  call, 0 },
		{ "address_change",
		  "SELECT new_email, expires_at FROM email_changes WHERE person_id = ?", move, 0 },
		{ "announcements",
		  "SELECT group_id, title, body, created_at FROM group_posts WHERE author_id = ?"
		  " ORDER BY created_at",
		  post, 0 },
		{ "session_alerts",
		  "SELECT postcode, CAST(km AS INTEGER), confirmed, created_at FROM session_alerts"
		  " WHERE person_id = ?1 OR email = ?2 ORDER BY id",
		  alert, 1 },
		/* meetings: arrivals and departures, apologies, motions moved or
		 * seconded, proxies, the speakers lists; of votes, that they voted
		 * (and for whom, as a proxy) and, for named votes only, how: a
		 * secret ballot cannot be found from its voter */
		{ "meeting_presence",
		  "SELECT l.meeting_id, m.title, l.present, l.at FROM meeting_presence_log l"
		  " JOIN meetings m ON m.id = l.meeting_id WHERE l.person_id = ? ORDER BY l.at",
		  came, 0 },
		{ "meeting_apologies",
		  "SELECT a.meeting_id, m.title, a.sent_at FROM meeting_apologies a"
		  " JOIN meetings m ON m.id = a.meeting_id WHERE a.person_id = ? ORDER BY "
		  "a.sent_at",
		  sorry, 0 },
		{ "motions",
		  "SELECT meeting_id, title, CASE WHEN mover_id = ?1 THEN 'mover' ELSE 'seconder'"
		  " END, status FROM motions WHERE mover_id = ?1 OR seconder_id = ?1 ORDER BY id",
		  moved, 0 },
		{ "votes",
		  "SELECT v.vote_id, n.choice, CASE WHEN v.person_id <> ?1 THEN v.person_id END"
		  " FROM vote_voters v LEFT JOIN vote_named n ON n.vote_id = v.vote_id"
		  " AND n.person_id = v.person_id WHERE v.person_id = ?1 OR v.by_proxy = ?1"
		  " ORDER BY 1",
		  voted, 0 },
		{ "proxies",
		  "SELECT meeting_id, giver_id, holder_id, given_at FROM meeting_proxies"
		  " WHERE giver_id = ?1 OR holder_id = ?1 ORDER BY given_at",
		  proxy, 0 },
		{ "speakers",
		  "SELECT item_id, asked_at, started_at, ended_at FROM speakers WHERE person_id = ?"
		  " ORDER BY asked_at",
		  spoke, 0 },
		/* policy conversations: each vote (1 agree, -1 disagree, 0 pass) and
		 * each statement put forward, with what the organisers decided */
		{ "opinion_votes",
		  "SELECT v.conversation_id, c.question, v.statement_id, s.body, v.vote, v.at"
		  " FROM opinion_votes v JOIN statements s ON s.id = v.statement_id"
		  " JOIN conversations c ON c.id = v.conversation_id WHERE v.person_id = ?"
		  " ORDER BY v.at, v.statement_id",
		  opinion, 0 },
		{ "statements",
		  "SELECT conversation_id, body, status, reason, created_at FROM statements"
		  " WHERE author_id = ? ORDER BY id",
		  stated, 0 },
		/* ideas put forward (or credited in a merge) and stands taken on ideas */
		{ "ideas",
		  "SELECT i.id, i.title, i.stage, i.created_at FROM idea_authors a"
		  " JOIN ideas i ON i.id = a.idea_id WHERE a.person_id = ? ORDER BY i.id",
		  ideas, 0 },
		{ "idea_supports",
		  "SELECT s.idea_id, i.title, s.value, s.at FROM idea_supports s"
		  " JOIN ideas i ON i.id = s.idea_id WHERE s.person_id = ? ORDER BY s.at, s.idea_id",
		  backed, 0 },
		/* training: completions and every quiz attempt with its score */
		{ "training_completions",
		  "SELECT m.slug, c.version, c.completed_at, c.expires_at, c.via FROM completions c"
		  " JOIN modules m ON m.id = c.module_id WHERE c.person_id = ? ORDER BY c.completed_at",
		  trained, 0 },
		{ "quiz_attempts",
		  "SELECT m.slug, a.version, a.started_at, a.finished_at, a.score, a.total, a.passed"
		  " FROM quiz_attempts a JOIN modules m ON m.id = a.module_id WHERE a.person_id = ?"
		  " ORDER BY a.id",
		  tried, 0 },
		/* food banks: what they pledged, the standby lists they are on */
		{ "foodbank_pledges",
		  "SELECT p.event_id, e.title, p.item, p.quantity, p.created_at FROM pledges p"
		  " JOIN events e ON e.id = p.event_id WHERE p.person_id = ? ORDER BY p.id",
		  pledged, 0 },
		{ "standby_lists",
		  "SELECT s.event_id, e.title, s.since FROM standbys s JOIN events e ON e.id = s.event_id"
		  " WHERE s.person_id = ? ORDER BY s.since",
		  standing, 0 },
		/* shown to no one but organisers on the pages; the person's own right of
		 * access still reaches it */
		{ "no_shows",
		  "SELECT n.event_id, e.title, n.recorded_at FROM no_shows n"
		  " JOIN events e ON e.id = n.event_id WHERE n.person_id = ? ORDER BY n.recorded_at",
		  missed, 0 },
		/* skills: what they said they can do, and the requests put to them */
		{ "skills", "SELECT kind, name FROM person_skills WHERE person_id = ? ORDER BY kind, name",
		  can, 0 },
		{ "skill_profile",
		  "SELECT findable, trains, weekdays, evenings, weekends, updated_at"
		  " FROM skill_profiles WHERE person_id = ?",
		  offered, 0 },
		{ "skill_requests",
		  "SELECT a.request_id, g.name, r.what, a.answer, a.answered_at FROM skill_asks a"
		  " JOIN skill_requests r ON r.id = a.request_id JOIN local_groups g ON g.id = r.group_id"
		  " WHERE a.person_id = ? ORDER BY a.request_id",
		  helped, 0 },
		/* the library: the files they put (the group's, they stay when the person goes) */
		{ "materials_shared",
		  "SELECT v.material_id, m.title, v.version, v.filename, v.uploaded_at"
		  " FROM material_versions v JOIN materials m ON m.id = v.material_id"
		  " WHERE v.uploaded_by = ? ORDER BY v.uploaded_at, v.material_id",
		  shared, 0 },
	};

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		struct db_stmt *st = db_cached(db, parts[i].sql);
		db_bind_int(st, 1, p->id);
		if (parts[i].by_email)
			db_bind_str(st, 2, p->email);
		json_object_set_new(out, parts[i].key, rows_json(st, parts[i].names));
	}
}

int person_sms_get(struct db *db, long person_id, char *e164, long long *at)
{
	struct db_stmt *st = db_cached(db, "SELECT sms_to, sms_consent_at FROM people"
					   " WHERE id = ? AND sms_to IS NOT NULL");
	db_bind_int(st, 1, person_id);
	int rc = db_one(st);
	if (rc == 1) {
		db_col_copy(st, 0, e164, 16);
		*at = db_col_int(st, 1);
		db_reset(st);
	}
	return rc;
}

int person_sms_set(struct db *db, long person_id, const char *e164, long long now)
{
	struct db_stmt *st = db_cached(
	    db, "UPDATE people SET sms_consent_at = CASE WHEN CAST(?1 AS TEXT) IS NULL THEN NULL"
		" WHEN sms_to IS NOT DISTINCT FROM ?1 THEN sms_consent_at ELSE ?2 END, sms_to = ?1 WHERE id = ?3");
	db_binds(st, 1, DB_STR(e164), DB_INT(now), DB_INT(person_id));
	return db_done(st);
}

long person_sms_stop(struct db *db, const char *e164)
{
	struct db_stmt *st = db_cached(db, "UPDATE people SET sms_to = NULL, sms_consent_at = NULL"
					   " WHERE sms_to = ? RETURNING id");
	long n = 0, ids[16];
	int rc;

	db_bind_str(st, 1, e164);
	while (db_next(st, &rc))
		if (n < 16)
			ids[n++] = db_col_int(st, 0);
	if (rc < 0)
		return -1;
	for (long i = 0; i < n; i++)
		audit_note(db, ids[i], "sms.stop", ids[i], NULL);
	return n;
}

json_t *person_export(struct db *db, long id)
{
	struct person p;

	if (person_by_id(db, id, &p) != 1)
		return NULL;
	json_t *out = json_pack(
	    "{s:{s:I, s:s, s:s, s:s*, s:s*, s:b, s:b, s:b, s:b, s:I, s:I}}", "person", "id",
	    (json_int_t)p.id, "name", p.name, "email", p.email, "postcode",
	    *p.postcode ? p.postcode : NULL, "phone", *p.phone ? p.phone : NULL, "member", p.member,
	    "admin", p.admin, "has_password", p.has_password, "totp_enabled", p.totp_enabled,
	    "created_at", (json_int_t)p.created_at, "last_active_at", (json_int_t)p.last_active_at);
	char to[16];
	long long at;
	if (out && person_sms_get(db, id, to, &at) == 1)
		json_object_set_new(
		    out, "text_reminders",
		    json_pack("{s:s, s:I}", "mobile", to, "agreed_at", (json_int_t)at));
	if (out)
		export_rest(db, &p, out);
	return out;
}

int person_erase(struct db *db, long id)
{
	struct db_stmt *st = db_cached(db, "DELETE FROM people WHERE id = ?");
	/* memberships, sessions, links and recovery codes go by ON DELETE CASCADE */
	db_bind_int(st, 1, id);
	return db_done(st);
}

long people_erase_inactive(struct db *db, long long cutoff)
{
	struct db_stmt *st = db_cached(db, "DELETE FROM people WHERE last_active_at < ?"
					   " AND is_admin = 0 RETURNING id");
	db_bind_int(st, 1, cutoff);
	return db_count(st);
}

int link_create(struct db *db, long person_id, long long now, const char *next,
		char token[TOKEN_LEN + 1])
{
	struct db_stmt *st = db_cached(db, "INSERT INTO login_links (token_hash, person_id,"
					   " expires_at, next_path) VALUES (?, ?, ?, ?)");
	char hash[TOKEN_HASH_LEN + 1];

	token_new(token);
	token_hash(token, TOKEN_LEN, hash);
	db_binds(st, 1, DB_STR(hash), DB_INT(person_id), DB_INT(now + LINK_TTL_S), DB_STR(next));
	return db_done(st);
}

int link_consume(struct db *db, const char *token, long long now, long *person_id, char *next,
		 size_t cap)
{
	struct db_stmt *st = db_cached(db, "UPDATE login_links SET used_at = ?"
					   " WHERE token_hash = ? AND used_at IS NULL"
					   " AND expires_at >= ? RETURNING person_id, next_path");
	char hash[TOKEN_HASH_LEN + 1];

	if (!token_well_formed(token))
		return 0;
	token_hash(token, TOKEN_LEN, hash);
	/* one statement: two tabs racing for the same link cannot both win */
	db_binds(st, 1, DB_INT(now), DB_STR(hash), DB_INT(now));
	int rc = db_one(st);
	if (rc == 1) {
		*person_id = (long)db_col_int(st, 0);
		db_col_copy(st, 1, next, cap);
		db_reset(st);
	}
	return rc;
}

int email_change_create(struct db *db, long person_id, const char *new_email, long long now,
			char token[TOKEN_LEN + 1])
{
	struct db_stmt *old = db_cached(db, "DELETE FROM email_changes WHERE person_id = ?"
					    " OR expires_at < ?");
	struct db_stmt *add = db_cached(db, "INSERT INTO email_changes (token_hash, person_id,"
					    " new_email, expires_at) VALUES (?, ?, ?, ?)");
	char hash[TOKEN_HASH_LEN + 1];

	token_new(token);
	token_hash(token, TOKEN_LEN, hash);
	db_binds(old, 1, DB_INT(person_id), DB_INT(now));
	db_binds(add, 1, DB_STR(hash), DB_INT(person_id), DB_STR(new_email),
		 DB_INT(now + EMAIL_CHANGE_TTL_S));
	return db_done(old) || db_done(add) ? -1 : 0;
}

int email_change_consume(struct db *db, const char *token, long long now, long *person_id,
			 char *new_email)
{
	struct db_stmt *st = db_cached(db, "DELETE FROM email_changes WHERE token_hash = ?"
					   " AND expires_at >= ? RETURNING person_id, new_email");
	char hash[TOKEN_HASH_LEN + 1];

	if (!token_well_formed(token))
		return 0;
	token_hash(token, TOKEN_LEN, hash);
	db_binds(st, 1, DB_STR(hash), DB_INT(now));
	int rc = db_one(st);
	if (rc == 1) {
		*person_id = (long)db_col_int(st, 0);
		db_col_copy(st, 1, new_email, EMAIL_MAX_LEN + 1);
		db_reset(st);
	}
	return rc;
}

void person_first_name(const char *name, char out[64])
{
	size_t n = name ? strcspn(name, " ") : 0;
	if (n > 63)
		n = 63;
	memcpy(out, name ? name : "", n);
	out[n] = '\0';
}

static int ref_code_ok(const char *c)
{
	size_t n =
	    c ? strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") : 0;
	return n == REF_CODE_LEN && c[n] == '\0';
}

int person_ref_code(struct db *db, long person_id, char out[REF_CODE_LEN + 1])
{
	struct db_stmt *get = db_cached(db, "SELECT ref_code FROM people WHERE id = ?");
	struct db_stmt *set = db_cached(db, "UPDATE people SET ref_code = ? WHERE id = ?"
					    " AND ref_code IS NULL");
	char token[TOKEN_LEN + 1];

	db_bind_int(get, 1, person_id);
	if (db_one(get) == 1 && !db_col_is_null(get, 0)) {
		db_col_copy(get, 0, out, REF_CODE_LEN + 1);
		db_reset(get);
		return 0;
	}
	db_reset(get);
	/* 60 random bits: unguessable enough that a code names no one */
	token_new(token);
	snprintf(out, REF_CODE_LEN + 1, "%.*s", REF_CODE_LEN, token);
	db_binds(set, 1, DB_STR(out), DB_INT(person_id));
	if (db_done(set))
		return -1;
	/* two first uses at once: the one that landed is the code */
	db_bind_int(get, 1, person_id);
	int rc = db_one(get) == 1 && !db_col_is_null(get, 0) ? 0 : -1;
	if (rc == 0)
		db_col_copy(get, 0, out, REF_CODE_LEN + 1);
	db_reset(get);
	return rc;
}

long person_by_ref_code(struct db *db, const char *code)
{
	if (!ref_code_ok(code))
		return 0;
	struct db_stmt *st = db_cached(db, "SELECT id FROM people WHERE ref_code = ?");
	db_bind_str(st, 1, code);
	long long id = db_int_or(st, 0);
	return id > 0 ? (long)id : 0;
}

int person_tell(struct app *app, struct db *db, long person, const char *subject,
		const char *text, const char *path, const char *link_text)
{
	struct person p;
	char url[1024 + 256];
	int found = person_by_id(db, person, &p);
	if (found <= 0)
		return found;
	snprintf(url, sizeof(url), "%s%s", app->auth.public_url, path);
	return app_mail(app, db, NULL, p.email, subject, "tell",
			json_pack("{s:s, s:s, s:s, s:s}", "name", p.name, "text", text, "url", url,
				  "link", link_text));
}
