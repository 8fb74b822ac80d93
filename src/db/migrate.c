/*
 * Versioned schema migrations, applied in order at start-up, each in its own
 * transaction.  A migration is never edited once shipped: add a new one.
 */
#include <stdio.h>

#include "db/db.h"
#include "db/dialect.h"

static const char *const migrations[] = {
	/* 1: reference data (seats, results, postcodes, districts) */
	"CREATE TABLE constituencies ("
	/* codes are reused across boundary sets (S14000021 is on both) */
	"  code TEXT NOT NULL,"
	"  boundary_set INTEGER NOT NULL," /* 2010 or 2024 */
	"  name TEXT NOT NULL,"
	"  centre_lat REAL NOT NULL, centre_lon REAL NOT NULL,"
	"  min_lon REAL NOT NULL, min_lat REAL NOT NULL,"
	"  max_lon REAL NOT NULL, max_lat REAL NOT NULL,"
	"  geometry TEXT NOT NULL," /* GeoJSON geometry as published */
	"  outline BLOB NOT NULL," /* simplified rings for maps */
	"  PRIMARY KEY (boundary_set, code)"
	");"
	"CREATE INDEX constituencies_set ON constituencies(boundary_set, name);"
	"CREATE TABLE results ("
	"  election INTEGER NOT NULL,"
	"  code TEXT NOT NULL, boundary_set INTEGER NOT NULL,"
	"  first_party TEXT NOT NULL, second_party TEXT NOT NULL," /* as published */
	"  electorate INTEGER NOT NULL, valid_votes INTEGER NOT NULL,"
	"  invalid_votes INTEGER, majority INTEGER NOT NULL,"
	"  result TEXT, member TEXT, region TEXT, country TEXT,"
	"  PRIMARY KEY (election, code),"
	"  FOREIGN KEY (boundary_set, code) REFERENCES constituencies(boundary_set, code)"
	");"
	"CREATE TABLE result_votes ("
	"  election INTEGER NOT NULL, code TEXT NOT NULL,"
	"  party TEXT NOT NULL, votes INTEGER NOT NULL,"
	"  PRIMARY KEY (election, code, party),"
	"  FOREIGN KEY (election, code) REFERENCES results(election, code)"
	");"
	"CREATE TABLE postcodes ("
	"  pc TEXT PRIMARY KEY," /* compact: SW1A1AA */
	"  quality INTEGER NOT NULL,"
	"  eastings INTEGER, northings INTEGER,"
	"  lat REAL, lon REAL,"
	"  gy INTEGER, gx INTEGER," /* 0.01-degree grid cell for reverse lookups */
	"  country TEXT, nhs_rha TEXT, nhs_ha TEXT,"
	"  admin_county TEXT, admin_district TEXT, admin_ward TEXT,"
	"  pcon2010 TEXT, pcon2024 TEXT"
	") WITHOUT ROWID;"
	"CREATE INDEX postcodes_grid ON postcodes(gy, gx);"
	"CREATE TABLE districts ("
	"  outcode TEXT PRIMARY KEY,"
	"  lat REAL, lon REAL, eastings INTEGER, northings INTEGER,"
	"  town TEXT, region TEXT, uk_region TEXT,"
	"  postcodes INTEGER NOT NULL, active INTEGER NOT NULL," /* as the list says */
	"  held INTEGER NOT NULL," /* postcodes of it in our postcodes table */
	"  pcon2010 TEXT, pcon2024 TEXT," /* seat at the district centre */
	"  seats2010 TEXT, seats2024 TEXT," /* JSON arrays of every seat it touches */
	"  admin_districts TEXT, admin_wards TEXT, admin_counties TEXT, countries TEXT"
	");"
	"CREATE INDEX districts_held ON districts(outcode) WHERE held > 0;"
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",

	/* 2: people, local groups, sessions and the audit log (issue 3) */
	"CREATE TABLE people ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL, email TEXT NOT NULL UNIQUE," /* email lower-cased */
	"  postcode TEXT, phone TEXT, member INTEGER NOT NULL DEFAULT 0,"
	"  is_admin INTEGER NOT NULL DEFAULT 0,"
	"  password_hash TEXT," /* argon2id, libsodium's encoded string */
	"  totp_secret TEXT, totp_enabled INTEGER NOT NULL DEFAULT 0,"
	"  totp_last_step INTEGER NOT NULL DEFAULT 0," /* no code is accepted twice */
	"  created_at INTEGER NOT NULL, last_active_at INTEGER NOT NULL"
	");"
	"CREATE INDEX people_active ON people(last_active_at);"
	"CREATE TABLE local_groups ("
	"  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE TABLE group_seats (" /* the 2024 seats a group covers */
	"  group_id INTEGER NOT NULL REFERENCES local_groups(id) ON DELETE CASCADE,"
	"  pcon2024 TEXT NOT NULL,"
	"  PRIMARY KEY (group_id, pcon2024)"
	");"
	"CREATE INDEX group_seats_seat ON group_seats(pcon2024);"
	"CREATE TABLE memberships ("
	"  group_id INTEGER NOT NULL REFERENCES local_groups(id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  role TEXT NOT NULL CHECK (role IN ('member', 'organiser')),"
	"  joined_at INTEGER NOT NULL,"
	"  PRIMARY KEY (group_id, person_id)"
	");"
	"CREATE INDEX memberships_person ON memberships(person_id);"
	"CREATE TABLE login_links ("
	"  token_hash TEXT PRIMARY KEY,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  expires_at INTEGER NOT NULL, used_at INTEGER"
	");"
	"CREATE TABLE sessions ("
	"  token_hash TEXT PRIMARY KEY,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  csrf TEXT NOT NULL,"
	"  strong INTEGER NOT NULL DEFAULT 0," /* signed in with password and TOTP */
	"  mfa_pending INTEGER NOT NULL DEFAULT 0," /* password checked, TOTP not yet */
	"  created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL"
	");"
	"CREATE INDEX sessions_person ON sessions(person_id);"
	"CREATE TABLE recovery_codes ("
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  code_hash TEXT NOT NULL, used_at INTEGER,"
	"  PRIMARY KEY (person_id, code_hash)"
	");"
	"CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	/* append-only: ids of people, never their data, so erasure keeps it */
	"CREATE TABLE audit_log ("
	"  id INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
	"  actor_id INTEGER, action TEXT NOT NULL, subject_id INTEGER, detail TEXT"
	");"
	"CREATE INDEX audit_subject ON audit_log(subject_id);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",

	/* 3: API tokens for integrations: scoped, revocable, stored hashed */
	"CREATE TABLE api_tokens ("
	"  id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
	"  token_hash TEXT NOT NULL UNIQUE,"
	"  scopes INTEGER NOT NULL," /* bit set of SCOPE_* in auth/policy.h */
	"  created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  created_at INTEGER NOT NULL, revoked_at INTEGER"
	");",

	/* 4: canvassing sessions, their time slots, and sign-ups (issue 4) */
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  type TEXT NOT NULL CHECK (type IN ('canvass', 'phonebank', 'leafleting',"
	"    'training', 'dropoff', 'meeting')),"
	"  title TEXT NOT NULL, description TEXT NOT NULL,"
	"  seat TEXT NOT NULL," /* 2024 seat code */
	"  group_id INTEGER REFERENCES local_groups(id) ON DELETE SET NULL,"
	"  postcode TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,"
	"  address TEXT NOT NULL, address_private INTEGER NOT NULL,"
	"  access_notes TEXT NOT NULL,"
	"  starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('published', 'cancelled')),"
	"  created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE INDEX events_when ON events(status, starts_at);"
	"CREATE INDEX events_seat ON events(seat, starts_at);"
	"CREATE TABLE slots ("
	"  id INTEGER PRIMARY KEY,"
	"  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
	"  starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,"
	"  capacity INTEGER NOT NULL CHECK (capacity > 0),"
	"  going INTEGER NOT NULL DEFAULT 0 CHECK (going <= capacity)" /* never overbooked */
	");"
	"CREATE INDEX slots_event ON slots(event_id);"
	"CREATE TABLE signups ("
	"  id INTEGER PRIMARY KEY,"
	"  slot_id INTEGER NOT NULL REFERENCES slots(id) ON DELETE CASCADE,"
	"  person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL, email TEXT NOT NULL, phone TEXT,"
	"  status TEXT NOT NULL CHECK (status IN ('going', 'waitlist', 'cancelled')),"
	"  cancel_hash TEXT NOT NULL UNIQUE,"
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE (slot_id, email)"
	");"
	"CREATE INDEX signups_person ON signups(person_id);"
	"CREATE INDEX signups_queue ON signups(slot_id, status, id);"
	/* a guest's sign-up waits here until they follow the emailed link */
	"CREATE TABLE pending_signups ("
	"  token_hash TEXT PRIMARY KEY,"
	"  slot_id INTEGER NOT NULL REFERENCES slots(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL, email TEXT NOT NULL, phone TEXT,"
	"  expires_at INTEGER NOT NULL"
	");",

	/* 5: "Unseat X" target campaigns, attendance, and reminders sent */
	"CREATE TABLE campaigns ("
	"  id INTEGER PRIMARY KEY, name TEXT NOT NULL, opponent TEXT,"
	"  goal_hours INTEGER NOT NULL CHECK (goal_hours > 0),"
	"  priority INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 5),"
	"  deadline INTEGER NOT NULL,"
	"  created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE TABLE campaign_seats ("
	"  campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,"
	"  seat TEXT NOT NULL," /* 2024 code */
	"  PRIMARY KEY (campaign_id, seat)"
	");"
	"CREATE INDEX campaign_seats_seat ON campaign_seats(seat);"
	"ALTER TABLE signups ADD COLUMN attended INTEGER;" /* NULL: not marked */
	"CREATE TABLE reminders_sent ("
	"  signup_id INTEGER NOT NULL REFERENCES signups(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('24h', '2h')),"
	"  sent_at INTEGER NOT NULL,"
	"  PRIMARY KEY (signup_id, kind)"
	");"
	"CREATE INDEX slots_when ON slots(starts_at);",

	/* 6: a private calendar feed per person, by a secret URL */
	"ALTER TABLE people ADD COLUMN calendar_hash TEXT;"
	"CREATE UNIQUE INDEX people_calendar ON people(calendar_hash);",

	/* 7: "travel together": attendees who chose to share a first name and contact */
	"ALTER TABLE signups ADD COLUMN travel_contact TEXT;", /* NULL: not shared */

	/* 8: sessions posted by volunteers wait for an organiser's approval */
	"ALTER TABLE events ADD COLUMN awaiting_approval INTEGER NOT NULL DEFAULT 0;",

	/* 9: drafts, seen only by their host until published */
	"ALTER TABLE events ADD COLUMN draft INTEGER NOT NULL DEFAULT 0;",

	/* 10: carpool offers and requests for a session (issue 5) */
	"CREATE TABLE ride_offers ("
	"  id INTEGER PRIMARY KEY,"
	"  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
	"  driver_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  postcode TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL, district TEXT NOT NULL,"
	"  seats INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 8),"
	"  taken INTEGER NOT NULL DEFAULT 0 CHECK (taken <= seats)," /* never overbooked */
	"  returns INTEGER NOT NULL, max_detour_min REAL NOT NULL, notes TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('open', 'cancelled')),"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE INDEX ride_offers_event ON ride_offers(event_id, status);"
	"CREATE TABLE ride_requests ("
	"  id INTEGER PRIMARY KEY,"
	"  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
	"  rider_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  postcode TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL, district TEXT NOT NULL,"
	"  offer_id INTEGER REFERENCES ride_offers(id) ON DELETE SET NULL,"
	"  state TEXT NOT NULL CHECK (state IN ('open', 'asked', 'accepted', 'declined',"
	"    'cancelled')),"
	"  created_at INTEGER NOT NULL,"
	"  UNIQUE (event_id, rider_id)"
	");"
	"CREATE INDEX ride_requests_offer ON ride_requests(offer_id, state);",

	/* 11: a driver's departure, and invitations (the driver asks the rider) */
	"ALTER TABLE ride_offers ADD COLUMN depart_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE ride_offers ADD COLUMN max_detour_pct REAL NOT NULL DEFAULT 40;"
	"ALTER TABLE ride_offers ADD COLUMN slot_id INTEGER REFERENCES slots(id) ON DELETE SET NULL;"
	"ALTER TABLE ride_requests ADD COLUMN invited INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX ride_requests_event ON ride_requests(event_id, state);",

	/* 12: phone banking (issue 6) */
	"CREATE TABLE phonebanks ("
	"  id INTEGER PRIMARY KEY,"
	"  group_id INTEGER NOT NULL REFERENCES local_groups(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL, script TEXT NOT NULL, survey TEXT NOT NULL,"
	"  hours_start INTEGER NOT NULL, hours_end INTEGER NOT NULL, days INTEGER NOT NULL,"
	"  max_attempts INTEGER NOT NULL CHECK (max_attempts BETWEEN 1 AND 10),"
	"  retry_wait_min INTEGER NOT NULL,"
	"  created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE TABLE phonebank_seats ("
	"  phonebank_id INTEGER NOT NULL REFERENCES phonebanks(id) ON DELETE CASCADE,"
	"  seat TEXT NOT NULL, PRIMARY KEY (phonebank_id, seat)"
	");"
	"CREATE TABLE phonebank_callers ("
	"  phonebank_id INTEGER NOT NULL REFERENCES phonebanks(id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  approved INTEGER NOT NULL DEFAULT 0, asked_at INTEGER NOT NULL,"
	"  PRIMARY KEY (phonebank_id, person_id)"
	");"
	/* a contact is in one of four places: the queue (queue_at set: ready
	 * since then), waiting for a retry (retry_at), leased to a caller
	 * (lease_until), or finished (all three NULL).  The claim moves due
	 * retries and lapsed leases back into the queue, then takes the
	 * queue's first: so no claim walks past contacts that are not ready */
	"CREATE TABLE contacts ("
	"  id INTEGER PRIMARY KEY,"
	"  phonebank_id INTEGER NOT NULL REFERENCES phonebanks(id) ON DELETE CASCADE,"
	"  practice INTEGER NOT NULL DEFAULT 0,"
	"  name TEXT NOT NULL, phone TEXT NOT NULL, postcode TEXT NOT NULL, seat TEXT NOT NULL,"
	"  fields TEXT NOT NULL," /* the list's other columns, as JSON */
	"  priority INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, rnd INTEGER NOT NULL,"
	"  queue_at INTEGER, retry_at INTEGER, lease_until INTEGER, leased_to INTEGER,"
	"  outcome TEXT,"
	"  UNIQUE (phonebank_id, phone)"
	");"
	"CREATE INDEX contacts_queue ON contacts(phonebank_id, practice, priority DESC, attempts, rnd)"
	"  WHERE queue_at IS NOT NULL;"
	"CREATE INDEX contacts_retry ON contacts(phonebank_id, practice, retry_at)"
	"  WHERE retry_at IS NOT NULL;"
	"CREATE INDEX contacts_lease ON contacts(phonebank_id, practice, lease_until)"
	"  WHERE lease_until IS NOT NULL;"
	/* a caller's own lease, found without walking everyone else's */
	"CREATE INDEX contacts_leased ON contacts(leased_to, phonebank_id, practice, lease_until)"
	"  WHERE leased_to IS NOT NULL;"
	"CREATE TABLE calls ("
	"  id INTEGER PRIMARY KEY,"
	"  phonebank_id INTEGER NOT NULL REFERENCES phonebanks(id) ON DELETE CASCADE,"
	"  contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,"
	"  caller_id INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  practice INTEGER NOT NULL, outcome TEXT NOT NULL, notes TEXT NOT NULL, at INTEGER NOT NULL"
	");"
	"CREATE INDEX calls_bank ON calls(phonebank_id, practice, at);"
	"CREATE TABLE call_answers ("
	"  call_id INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,"
	"  question INTEGER NOT NULL, answer TEXT NOT NULL"
	");"
	"CREATE INDEX call_answers_call ON call_answers(call_id);"
	/* one ledger across every phone bank, for ever: numbers only */
	"CREATE TABLE do_not_call (phone TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;",

	/* 13: a session's version, so that two editors at once cannot interleave */
	"ALTER TABLE events ADD COLUMN version INTEGER NOT NULL DEFAULT 0;",

	/* 14: a caller's right ends with their place in the group, and a revoked
	 * caller's voter goes straight back into the queue */
	"CREATE TRIGGER callers_leave_group AFTER DELETE ON memberships BEGIN"
	"  DELETE FROM phonebank_callers WHERE person_id = OLD.person_id"
	"  AND phonebank_id IN (SELECT id FROM phonebanks WHERE group_id = OLD.group_id);"
	" END;"
	"CREATE TRIGGER caller_revoked AFTER DELETE ON phonebank_callers BEGIN"
	"  UPDATE contacts SET queue_at = CAST(strftime('%s', 'now') AS INTEGER),"
	"  lease_until = NULL, leased_to = NULL"
	"  WHERE phonebank_id = OLD.phonebank_id AND leased_to = OLD.person_id;"
	" END;",

	/* 15: the mail queue, written in the transaction of the change it reports.
	 * A message is its template and values until sent; then only its
	 * subject and times are kept (no address, no body), for the operator. */
	"CREATE TABLE mail_out ("
	"  id INTEGER PRIMARY KEY,"
	"  mkey TEXT NOT NULL UNIQUE," /* idempotency: the same key is one message */
	"  msgid TEXT NOT NULL,"       /* Message-ID, the same on every attempt */
	"  recipient TEXT NOT NULL, subject TEXT NOT NULL, tmpl TEXT NOT NULL, ctx TEXT,"
	"  queued_at INTEGER NOT NULL, next_try INTEGER NOT NULL,"
	"  tries INTEGER NOT NULL DEFAULT 0, error TEXT,"
	"  sent_at INTEGER, failed_at INTEGER"
	");"
	"CREATE INDEX mail_out_due ON mail_out(next_try) WHERE sent_at IS NULL AND failed_at IS NULL;"
	"CREATE INDEX mail_out_settled ON mail_out(coalesce(sent_at, failed_at));"
	"CREATE INDEX mail_out_to ON mail_out(recipient) WHERE sent_at IS NULL;"
	/* an erased person's unsent mail goes with them */
	"CREATE TRIGGER mail_out_erase AFTER DELETE ON people BEGIN"
	"  DELETE FROM mail_out WHERE recipient = OLD.email AND sent_at IS NULL;"
	" END;",

	/* 16: each contact list loaded, and how far: a list is saved in short
	 * transactions (so callers and sign-ups keep writing), each recording the
	 * last row it holds, so an interrupted load says exactly what is live
	 * and the same file loaded again carries on after that row */
	"CREATE TABLE contact_imports ("
	"  id INTEGER PRIMARY KEY,"
	"  phonebank_id INTEGER NOT NULL REFERENCES phonebanks(id) ON DELETE CASCADE,"
	"  source TEXT NOT NULL, digest TEXT NOT NULL,"
	"  rows_total INTEGER NOT NULL, rows_done INTEGER NOT NULL DEFAULT 0,"
	"  added INTEGER NOT NULL DEFAULT 0, merged INTEGER NOT NULL DEFAULT 0,"
	"  opted_out INTEGER NOT NULL DEFAULT 0,"
	"  started_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, finished_at INTEGER"
	");"
	"CREATE INDEX contact_imports_bank ON contact_imports(phonebank_id, id);",

	/* 17: a load can be stopped, by its organiser or a server shutting
	 * down; stopped_at says so at once, where a crash shows only as a
	 * record gone quiet */
	"ALTER TABLE contact_imports ADD COLUMN stop_asked_at INTEGER;"
	"ALTER TABLE contact_imports ADD COLUMN stopped_at INTEGER;",

	/* 18: a new sign-in address waits here until a link mailed to it is
	 * opened, so no one moves an account to a mailbox they do not hold */
	"CREATE TABLE email_changes ("
	"  token_hash TEXT PRIMARY KEY,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  new_email TEXT NOT NULL, expires_at INTEGER NOT NULL"
	");"
	"CREATE INDEX email_changes_person ON email_changes(person_id);"
	"CREATE INDEX email_changes_expiry ON email_changes(expires_at);",

	/* 19: erasure reaches what was held by address rather than by id: a
	 * person's guest and unconfirmed sign-ups, and the private address of
	 * sessions they host (those still to come are cancelled: no one can be
	 * sent to a place that is gone); the indexes let it, the retention job
	 * and a voter's erasure find their rows without a scan */
	"CREATE INDEX signups_guest_email ON signups(email) WHERE person_id IS NULL;"
	"CREATE INDEX pending_signups_email ON pending_signups(email);"
	"CREATE INDEX pending_signups_expiry ON pending_signups(expires_at);"
	"CREATE INDEX events_host ON events(created_by);"
	"CREATE INDEX calls_contact ON calls(contact_id);"
	"CREATE INDEX calls_caller ON calls(caller_id);"
	"CREATE INDEX ride_offers_driver ON ride_offers(driver_id);"
	"CREATE INDEX ride_requests_rider ON ride_requests(rider_id);"
	"CREATE INDEX phonebank_callers_person ON phonebank_callers(person_id);"
	"CREATE TRIGGER people_erase_rest BEFORE DELETE ON people BEGIN"
	"  DELETE FROM signups WHERE person_id IS NULL AND email = OLD.email;"
	"  DELETE FROM pending_signups WHERE email = OLD.email;"
	"  UPDATE events SET address = 'Removed: the host''s account was erased',"
	"    access_notes = '', status = CASE WHEN starts_at > CAST(strftime('%s', 'now')"
	"    AS INTEGER) THEN 'cancelled' ELSE status END"
	"    WHERE created_by = OLD.id AND address_private = 1;"
	" END;",

	/* 20: a session a volunteer proposed is theirs to host; one an organiser
	 * posted is the group's, managed through the role (with its strong
	 * sign-in), so losing the role loses the powers */
	"ALTER TABLE events ADD COLUMN proposed INTEGER NOT NULL DEFAULT 0;"
	"UPDATE events SET proposed = 1 WHERE awaiting_approval = 1;",

	/* 21: how often a rider has moved their pick-up: which offers fit a
	 * place, asked from many places, would find where a driver starts */
	"ALTER TABLE ride_requests ADD COLUMN moves INTEGER NOT NULL DEFAULT 0;",

	/* 22: wrong passwords and codes per account, kept where a restart
	 * cannot forget them (the in-memory buckets start afresh) */
	"CREATE TABLE secret_failures ("
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('password', 'totp')),"
	"  at INTEGER NOT NULL"
	");"
	"CREATE INDEX secret_failures_person ON secret_failures(person_id, kind, at);",

	/* 23: where a sign-in link returns to (a path of this site) */
	"ALTER TABLE login_links ADD COLUMN next_path TEXT;",
	/* 24: a group's home: announcements from its organisers (the group's,
	 * kept when their author's account goes), and its sessions by group */
	"CREATE TABLE group_posts ("
	"  id INTEGER PRIMARY KEY,"
	"  group_id INTEGER NOT NULL REFERENCES local_groups(id) ON DELETE CASCADE,"
	"  author_id INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  title TEXT NOT NULL, body TEXT NOT NULL,"
	"  emailed INTEGER NOT NULL DEFAULT 0," /* how many members it was mailed to */
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE INDEX group_posts_group ON group_posts(group_id, created_at);"
	"CREATE INDEX group_posts_author ON group_posts(author_id);"
	"CREATE INDEX events_group ON events(group_id, starts_at);"
	"CREATE INDEX phonebanks_group ON phonebanks(group_id);",
	/* 25: "tell me when a session is posted near me": a person's, or an
	 * address's once it confirmed by a mailed link; an erasure takes both */
	"CREATE TABLE session_alerts ("
	"  id INTEGER PRIMARY KEY,"
	"  person_id INTEGER REFERENCES people(id) ON DELETE CASCADE,"
	"  email TEXT," /* for someone signed out; NULL for a person */
	"  postcode TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,"
	"  km REAL NOT NULL CHECK (km > 0 AND km <= 100),"
	"  confirm_hash TEXT, stop_token TEXT NOT NULL,"
	"  confirmed INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  CHECK ((person_id IS NULL) != (email IS NULL))"
	");"
	"CREATE INDEX session_alerts_place ON session_alerts(lat, lon);"
	"CREATE INDEX session_alerts_person ON session_alerts(person_id);"
	"CREATE INDEX session_alerts_email ON session_alerts(email);"
	"CREATE INDEX session_alerts_unconfirmed ON session_alerts(created_at) WHERE confirmed = 0;"
	"CREATE UNIQUE INDEX session_alerts_confirm ON session_alerts(confirm_hash);"
	"CREATE UNIQUE INDEX session_alerts_stop ON session_alerts(stop_token);"
	"CREATE TRIGGER people_erase_alerts BEFORE DELETE ON people BEGIN"
	"  DELETE FROM session_alerts WHERE email = OLD.email;"
	" END;",
	/* 26: organisers set target campaigns for their group's seats */
	"ALTER TABLE campaigns ADD COLUMN group_id INTEGER"
	"  REFERENCES local_groups(id) ON DELETE SET NULL;",
	/* 27: "bring a friend": a volunteer's share links carry a code of theirs,
	 * and a place taken through one records who brought it */
	"ALTER TABLE people ADD COLUMN ref_code TEXT;"
	"CREATE UNIQUE INDEX people_ref_code ON people(ref_code);"
	"ALTER TABLE signups ADD COLUMN referred_by INTEGER REFERENCES people(id) ON DELETE SET NULL;"
	"CREATE INDEX signups_referred_by ON signups(referred_by);"
	"ALTER TABLE pending_signups ADD COLUMN referred_by INTEGER"
	"  REFERENCES people(id) ON DELETE SET NULL;",
	/* 28: the rows a contact list refused, by line and reason only (never
	 * their content), for the organiser to fix and load again */
	"ALTER TABLE contact_imports ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE contact_import_errors ("
	"  import_id INTEGER NOT NULL REFERENCES contact_imports(id) ON DELETE CASCADE,"
	"  line INTEGER NOT NULL, reason TEXT NOT NULL,"
	"  PRIMARY KEY (import_id, line)"
	");",
	/* 29: travel over land (geo/travel.h): the land raster, and per seat the
	 * zlib-compressed distance field over its land cells */
	"CREATE TABLE travel_grid ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  lat0 REAL NOT NULL, lon0 REAL NOT NULL, dlat REAL NOT NULL, dlon REAL NOT NULL,"
	"  nrows INTEGER NOT NULL, ncols INTEGER NOT NULL,"
	"  land BLOB NOT NULL," /* one bit per cell, row by row */
	"  joins BLOB NOT NULL" /* int32 per cell: the land cell it starts from */
	");"
	"ALTER TABLE constituencies ADD COLUMN travel BLOB;",
	/* 30: text reminders: the mobile a person agreed to be texted on and
	 * when; texts go through the mail queue, keeping the provider's id and
	 * its last delivery report */
	"ALTER TABLE people ADD COLUMN sms_to TEXT;" /* E.164, set only with consent */
	"ALTER TABLE people ADD COLUMN sms_consent_at INTEGER;"
	"CREATE INDEX people_sms_to ON people(sms_to) WHERE sms_to IS NOT NULL;"
	"ALTER TABLE mail_out ADD COLUMN channel TEXT NOT NULL DEFAULT 'mail'"
	"  CHECK (channel IN ('mail', 'sms'));"
	"ALTER TABLE mail_out ADD COLUMN provider_id TEXT;"
	"ALTER TABLE mail_out ADD COLUMN delivery TEXT;"
	"CREATE UNIQUE INDEX mail_out_provider ON mail_out(provider_id)"
	"  WHERE provider_id IS NOT NULL;"
	/* an erased person's unsent texts go with them, like their mail */
	"CREATE TRIGGER mail_out_erase_texts AFTER DELETE ON people"
	"  WHEN OLD.sms_to IS NOT NULL BEGIN"
	"  DELETE FROM mail_out WHERE channel = 'sms' AND recipient = OLD.sms_to"
	"  AND sent_at IS NULL;"
	" END;",
	/* 31: meetings that decide: a group's meeting with its standing orders
	 * (quorum, majority), who is present and when, motions and their
	 * amendments, elections, and votes.  A secret ballot is kept apart from
	 * its voter: "has voted" by person, the ballot by a random receipt, no
	 * time or row order to join them (both tables are keyed, not rowid) */
	"CREATE TABLE meetings ("
	"  id INTEGER PRIMARY KEY,"
	"  group_id INTEGER NOT NULL REFERENCES local_groups(id) ON DELETE CASCADE,"
	"  title TEXT NOT NULL, starts_at INTEGER NOT NULL,"
	"  quorum_pct INTEGER NOT NULL CHECK (quorum_pct BETWEEN 0 AND 100),"
	"  quorum_min INTEGER NOT NULL CHECK (quorum_min >= 0),"
	"  majority TEXT NOT NULL,"
	"  checkin_code TEXT NOT NULL," /* shown on the screen in the room */
	"  minutes TEXT, minutes_published INTEGER NOT NULL DEFAULT 0,"
	"  created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE INDEX meetings_group ON meetings(group_id, starts_at);"
	"CREATE TABLE meeting_present ("
	"  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (meeting_id, person_id)"
	") WITHOUT ROWID;"
	"CREATE TABLE meeting_presence_log ("
	"  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  present INTEGER NOT NULL, at INTEGER NOT NULL,"
	"  by_id INTEGER REFERENCES people(id) ON DELETE SET NULL"
	");"
	"CREATE INDEX meeting_presence_log_meeting ON meeting_presence_log(meeting_id, at);"
	"CREATE TABLE motions ("
	"  id INTEGER PRIMARY KEY,"
	"  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,"
	"  amends INTEGER REFERENCES motions(id) ON DELETE CASCADE,"
	"  title TEXT NOT NULL, body TEXT NOT NULL,"
	"  mover_id INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  seconder_id INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  majority TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'tabled'"
	"    CHECK (status IN ('tabled', 'voting', 'carried', 'fell', 'withdrawn')),"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE INDEX motions_meeting ON motions(meeting_id);"
	"CREATE TABLE motion_texts (" /* an amended motion's earlier wordings */
	"  motion_id INTEGER NOT NULL REFERENCES motions(id) ON DELETE CASCADE,"
	"  body TEXT NOT NULL, by_amendment INTEGER, at INTEGER NOT NULL"
	");"
	"CREATE TABLE elections ("
	"  id INTEGER PRIMARY KEY,"
	"  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,"
	"  post TEXT NOT NULL, seats INTEGER NOT NULL CHECK (seats >= 1),"
	"  method TEXT NOT NULL CHECK (method IN ('irv', 'scottish', 'block')),"
	"  candidates TEXT NOT NULL," /* JSON array of names, in ballot order */
	"  report TEXT," /* the count's JSON report, once closed */
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE TABLE votes ("
	"  id INTEGER PRIMARY KEY,"
	"  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,"
	"  motion_id INTEGER REFERENCES motions(id) ON DELETE CASCADE,"
	"  election_id INTEGER REFERENCES elections(id) ON DELETE CASCADE,"
	"  status TEXT NOT NULL CHECK (status IN ('open', 'closed')),"
	"  opened_at INTEGER NOT NULL, closed_at INTEGER,"
	"  members INTEGER NOT NULL, present INTEGER NOT NULL, quorum INTEGER NOT NULL,"
	"  yes INTEGER, no INTEGER, abstain INTEGER, passed INTEGER, result TEXT,"
	"  CHECK ((motion_id IS NULL) != (election_id IS NULL))"
	");"
	"CREATE INDEX votes_motion ON votes(motion_id);"
	"CREATE INDEX votes_election ON votes(election_id);"
	"CREATE TABLE vote_voters ("
	"  vote_id INTEGER NOT NULL REFERENCES votes(id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (vote_id, person_id)"
	") WITHOUT ROWID;"
	"CREATE TABLE vote_ballots ("
	"  vote_id INTEGER NOT NULL REFERENCES votes(id) ON DELETE CASCADE,"
	"  receipt TEXT NOT NULL, choice TEXT NOT NULL,"
	"  PRIMARY KEY (vote_id, receipt)"
	") WITHOUT ROWID;",
	/* 32: named (roll-call) votes: each vote recorded with its voter */
	"ALTER TABLE votes ADD COLUMN named INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE vote_named ("
	"  vote_id INTEGER NOT NULL REFERENCES votes(id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  choice TEXT NOT NULL,"
	"  PRIMARY KEY (vote_id, person_id)"
	") WITHOUT ROWID;",
	/* 33: the ERS97 and Meek rules, and balance.  SQLite cannot widen
	 * method's CHECK, so `rule` names the exact rule and method keeps the
	 * family (an STV count is 'scottish' there).  balance is JSON:
	 * {"members":[candidate index...],"min":n,"max":n|null,"across":bool};
	 * the meeting names the group and the minimum across its posts. */
	"ALTER TABLE elections ADD COLUMN rule TEXT"
	"  CHECK (rule IS NULL OR rule IN ('scottish', 'ers97', 'meek', 'irv', 'block'));"
	"ALTER TABLE elections ADD COLUMN balance TEXT;"
	"ALTER TABLE meetings ADD COLUMN balance_group TEXT NOT NULL DEFAULT 'Women';"
	"ALTER TABLE meetings ADD COLUMN posts_min INTEGER NOT NULL DEFAULT 0"
	"  CHECK (posts_min >= 0);",
	/* 34: bodies, card votes and proxies.  A meeting of the whole group
	 * takes its members as voters; a committee or a conference lists them
	 * in meeting_voters, a conference's with card-vote weights.  A ballot
	 * carries the weight it counts for; a proxy's "has voted" row names
	 * the holder who cast it (never the ballot). */
	"ALTER TABLE meetings ADD COLUMN body TEXT NOT NULL DEFAULT 'members'"
	"  CHECK (body IN ('members', 'committee', 'conference'));"
	"ALTER TABLE meetings ADD COLUMN proxies_max INTEGER NOT NULL DEFAULT 0"
	"  CHECK (proxies_max BETWEEN 0 AND 100);"
	"CREATE TABLE meeting_voters ("
	"  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  weight INTEGER NOT NULL DEFAULT 1 CHECK (weight BETWEEN 1 AND 1000000),"
	"  PRIMARY KEY (meeting_id, person_id)"
	") WITHOUT ROWID;"
	"CREATE TABLE meeting_proxies ("
	"  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,"
	"  giver_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  holder_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  given_at INTEGER NOT NULL,"
	"  PRIMARY KEY (meeting_id, giver_id), CHECK (giver_id <> holder_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX meeting_proxies_holder ON meeting_proxies (meeting_id, holder_id);"
	"ALTER TABLE votes ADD COLUMN weight_members INTEGER;"
	"ALTER TABLE votes ADD COLUMN weight_present INTEGER;"
	"ALTER TABLE vote_voters ADD COLUMN by_proxy INTEGER REFERENCES people(id) ON DELETE SET NULL;"
	"ALTER TABLE vote_ballots ADD COLUMN weight INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE vote_named ADD COLUMN weight INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE vote_named ADD COLUMN by_proxy INTEGER REFERENCES people(id) ON DELETE SET NULL;",
	/* 35: the agenda, and a speakers list per item.  in_group is what the
	 * speaker said when asking (for the list's balance), nothing more. */
	"CREATE TABLE agenda_items ("
	"  id INTEGER PRIMARY KEY,"
	"  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,"
	"  position INTEGER NOT NULL, title TEXT NOT NULL,"
	"  speech_s INTEGER NOT NULL CHECK (speech_s BETWEEN 0 AND 3600),"
	"  alternation TEXT NOT NULL CHECK (alternation IN ('none', 'group_first', 'alternate')),"
	"  first_time INTEGER NOT NULL DEFAULT 1,"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE INDEX agenda_items_meeting ON agenda_items (meeting_id, position);"
	"CREATE TABLE speakers ("
	"  id INTEGER PRIMARY KEY,"
	"  item_id INTEGER NOT NULL REFERENCES agenda_items(id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  in_group INTEGER NOT NULL DEFAULT 0,"
	"  asked_at INTEGER NOT NULL, started_at INTEGER, ended_at INTEGER,"
	"  called INTEGER," /* 1, 2, ... in the order the chair called them */
	"  withdrawn INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX speakers_item ON speakers (item_id, id);"
	"CREATE UNIQUE INDEX speakers_waiting ON speakers (item_id, person_id)"
	"  WHERE started_at IS NULL AND withdrawn = 0;",
	/* 36: a motion's whole life (submitted by a member, on the agenda, in
	 * debate, ..., referred), procedural motions on another (target),
	 * incompatible amendments grouped (alt_group: the group's first
	 * amendment), and how a motion ended when not by its own vote.  SQLite
	 * cannot widen a CHECK: the status column is replaced. */
	"ALTER TABLE motions ADD COLUMN life TEXT NOT NULL DEFAULT 'agenda'"
	"  CHECK (life IN ('submitted', 'agenda', 'debate', 'voting', 'carried', 'fell',"
	"  'withdrawn', 'referred'));"
	"UPDATE motions SET life = CASE status WHEN 'tabled' THEN 'agenda' ELSE status END;"
	"ALTER TABLE motions DROP COLUMN status;"
	"ALTER TABLE motions RENAME COLUMN life TO status;"
	"ALTER TABLE motions ADD COLUMN procedure TEXT"
	"  CHECK (procedure IS NULL OR procedure IN ('closure', 'next_business', 'refer',"
	"  'challenge'));"
	"ALTER TABLE motions ADD COLUMN target INTEGER REFERENCES motions(id) ON DELETE CASCADE;"
	"ALTER TABLE motions ADD COLUMN alt_group INTEGER;"
	"ALTER TABLE motions ADD COLUMN outcome TEXT;"
	"ALTER TABLE motions ADD COLUMN ruling TEXT;" /* the chair's, ruling it out of order */
	"CREATE INDEX motions_target ON motions (target) WHERE target IS NOT NULL;"
	"CREATE INDEX motions_amends ON motions (amends) WHERE amends IS NOT NULL;",
	/* 37: a meeting is held at a session (its time, place, online link,
	 * sign-ups and reminders), one meeting a session; apologies sent; the
	 * majority the closure and a challenge to the chair need, as data; an
	 * amendment's base, the motion's wording it was written against (so
	 * that one carried after another is merged with it, not over it). */
	"ALTER TABLE events ADD COLUMN online_url TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE meetings ADD COLUMN event_id INTEGER REFERENCES events(id) ON DELETE SET NULL;"
	"CREATE UNIQUE INDEX meetings_event ON meetings (event_id) WHERE event_id IS NOT NULL;"
	"ALTER TABLE meetings ADD COLUMN procedural_majority TEXT NOT NULL DEFAULT 'two_thirds';"
	"ALTER TABLE motions ADD COLUMN base TEXT;"
	"CREATE TABLE meeting_apologies ("
	"  meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  sent_at INTEGER NOT NULL,"
	"  PRIMARY KEY (meeting_id, person_id)"
	") WITHOUT ROWID;",
	/* 38: policy conversations: a question put to a scope (a group, a
	 * region of the 2024 seats its groups cover, the whole movement), its
	 * statements (moderated), one vote a member a statement (changeable),
	 * counted as they come, and the last opinion map computed.  votes is a
	 * version, bumped by every vote cast, changed or erased; the map is
	 * recomputed while mapped lags it. */
	"CREATE TABLE conversations ("
	"  id INTEGER PRIMARY KEY,"
	"  question TEXT NOT NULL,"
	"  scope TEXT NOT NULL CHECK (scope IN ('group', 'region', 'movement')),"
	"  group_id INTEGER REFERENCES local_groups(id) ON DELETE CASCADE,"
	"  region TEXT,"
	"  opens_at INTEGER NOT NULL, closes_at INTEGER NOT NULL,"
	"  created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  created_at INTEGER NOT NULL,"
	"  votes INTEGER NOT NULL DEFAULT 0, mapped INTEGER NOT NULL DEFAULT 0,"
	"  CHECK ((scope = 'group') = (group_id IS NOT NULL)),"
	"  CHECK ((scope = 'region') = (region IS NOT NULL)),"
	"  CHECK (closes_at > opens_at)"
	");"
	"CREATE INDEX conversations_group ON conversations (group_id) WHERE group_id IS NOT NULL;"
	"CREATE INDEX conversations_due ON conversations (id) WHERE votes > mapped;"
	"CREATE TABLE statements ("
	"  id INTEGER PRIMARY KEY,"
	"  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
	"  body TEXT NOT NULL,"
	"  author_id INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('queued', 'approved', 'rejected')),"
	"  reason TEXT,"
	"  moderated_by INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  created_at INTEGER NOT NULL,"
	"  agrees INTEGER NOT NULL DEFAULT 0, disagrees INTEGER NOT NULL DEFAULT 0,"
	"  passes INTEGER NOT NULL DEFAULT 0,"
	"  spread REAL NOT NULL DEFAULT 0, priority REAL NOT NULL DEFAULT 0"
	");"
	"CREATE UNIQUE INDEX statements_body ON statements (conversation_id, body);"
	"CREATE INDEX statements_next ON statements (conversation_id, status, priority DESC);"
	"CREATE TABLE opinion_votes ("
	"  statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  conversation_id INTEGER NOT NULL,"
	"  vote INTEGER NOT NULL CHECK (vote IN (-1, 0, 1)),"
	"  at INTEGER NOT NULL,"
	"  PRIMARY KEY (statement_id, person_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX opinion_votes_person ON opinion_votes (conversation_id, person_id);"
	"CREATE INDEX opinion_votes_of ON opinion_votes (person_id);"
	/* an erased member's votes leave the counts and the map */
	"CREATE TRIGGER opinion_votes_gone AFTER DELETE ON opinion_votes BEGIN"
	"  UPDATE statements SET"
	"    agrees = agrees - CASE WHEN OLD.vote = 1 THEN 1 ELSE 0 END,"
	"    disagrees = disagrees - CASE WHEN OLD.vote = -1 THEN 1 ELSE 0 END,"
	"    passes = passes - CASE WHEN OLD.vote = 0 THEN 1 ELSE 0 END"
	"  WHERE id = OLD.statement_id;"
	"  UPDATE conversations SET votes = votes + 1 WHERE id = OLD.conversation_id;"
	"END;"
	"CREATE TABLE opinion_maps ("
	"  conversation_id INTEGER PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,"
	"  computed_at INTEGER NOT NULL, at_votes INTEGER NOT NULL,"
	"  groups INTEGER NOT NULL, placed INTEGER NOT NULL,"
	"  body TEXT NOT NULL," /* JSON: the picture (see opinion/mapper.c) */
	"  state TEXT NOT NULL" /* JSON: what the next run starts from */
	");",
	/* 39: ideas that rise: a member's idea put to a scope gathers support
	 * (counted on the idea as it comes) until its scope's threshold, within
	 * the time the threshold gives (both data, in idea_thresholds), then
	 * moves through deliberation (a conversation), a motion at a meeting
	 * and an outcome with an owner; one that does not get there is closed
	 * with that answer.  Merged ideas credit every author; their words are
	 * indexed to flag similar ideas on submission. */
	"CREATE TABLE idea_thresholds ("
	"  scope TEXT PRIMARY KEY CHECK (scope IN ('group', 'region', 'movement')),"
	"  absolute INTEGER NOT NULL CHECK (absolute >= 0),"
	"  percent REAL NOT NULL CHECK (percent >= 0 AND percent <= 100),"
	"  days INTEGER NOT NULL CHECK (days BETWEEN 1 AND 366)"
	");"
	"INSERT INTO idea_thresholds (scope, absolute, percent, days) VALUES"
	"  ('group', 5, 10, 30), ('region', 25, 5, 60), ('movement', 100, 2, 90);"
	"CREATE TABLE ideas ("
	"  id INTEGER PRIMARY KEY,"
	"  title TEXT NOT NULL, body TEXT NOT NULL, category TEXT NOT NULL, claims TEXT NOT NULL,"
	"  scope TEXT NOT NULL CHECK (scope IN ('group', 'region', 'movement')),"
	"  group_id INTEGER REFERENCES local_groups(id) ON DELETE CASCADE,"
	"  region TEXT,"
	"  scope_key TEXT NOT NULL," /* g:<id>, r:<region> or m: what lists read by */
	"  author_id INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  stage TEXT NOT NULL DEFAULT 'open' CHECK (stage IN ('open', 'deliberation', 'motion',"
	"    'outcome', 'closed', 'merged')),"
	"  supports INTEGER NOT NULL DEFAULT 0, opposes INTEGER NOT NULL DEFAULT 0,"
	"  needed INTEGER NOT NULL CHECK (needed >= 1), deadline INTEGER NOT NULL,"
	"  conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,"
	"  motion_id INTEGER REFERENCES motions(id) ON DELETE SET NULL,"
	"  merged_into INTEGER REFERENCES ideas(id),"
	"  owner_id INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  outcome TEXT, outcome_note TEXT,"
	"  deliberated_told INTEGER NOT NULL DEFAULT 0," /* its organisers were told it closed */
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL"
	");"
	"CREATE INDEX ideas_list ON ideas (scope_key, supports DESC, id DESC);"
	"CREATE INDEX ideas_due ON ideas (deadline) WHERE stage = 'open';"
	"CREATE TABLE idea_supports ("
	"  idea_id INTEGER NOT NULL REFERENCES ideas(id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  value INTEGER NOT NULL CHECK (value IN (1, -1)),"
	"  at INTEGER NOT NULL,"
	"  PRIMARY KEY (idea_id, person_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX idea_supports_person ON idea_supports (person_id);"
	/* an erased member's support leaves the count */
	"CREATE TRIGGER idea_supports_gone AFTER DELETE ON idea_supports BEGIN"
	"  UPDATE ideas SET"
	"    supports = supports - CASE WHEN OLD.value = 1 THEN 1 ELSE 0 END,"
	"    opposes = opposes - CASE WHEN OLD.value = -1 THEN 1 ELSE 0 END"
	"  WHERE id = OLD.idea_id;"
	"END;"
	"CREATE TABLE idea_authors ("
	"  idea_id INTEGER NOT NULL REFERENCES ideas(id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (idea_id, person_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX idea_authors_person ON idea_authors (person_id);"
	"CREATE TABLE idea_events ("
	"  id INTEGER PRIMARY KEY,"
	"  idea_id INTEGER NOT NULL REFERENCES ideas(id) ON DELETE CASCADE,"
	"  at INTEGER NOT NULL, stage TEXT NOT NULL, text TEXT NOT NULL,"
	"  by_id INTEGER REFERENCES people(id) ON DELETE SET NULL"
	");"
	"CREATE INDEX idea_events_idea ON idea_events (idea_id, id);"
	"CREATE TABLE idea_words ("
	"  word TEXT NOT NULL, scope_key TEXT NOT NULL,"
	"  idea_id INTEGER NOT NULL REFERENCES ideas(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (word, scope_key, idea_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX idea_words_idea ON idea_words (idea_id);"
	"CREATE TABLE idea_similar (" /* flagged on submission, for organisers to merge */
	"  idea_id INTEGER NOT NULL REFERENCES ideas(id) ON DELETE CASCADE,"
	"  other_id INTEGER NOT NULL REFERENCES ideas(id) ON DELETE CASCADE,"
	"  score REAL NOT NULL,"
	"  PRIMARY KEY (idea_id, other_id)"
	") WITHOUT ROWID;",
	/* 40: remote training: modules of steps and a quiz drawn from a bank,
	 * each person's progress, attempts and completion (with its version and
	 * expiry), and gates: an action that needs a module done. */
	"CREATE TABLE modules ("
	"  id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL, summary TEXT NOT NULL,"
	"  version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),"
	"  pass_percent INTEGER NOT NULL CHECK (pass_percent BETWEEN 1 AND 100),"
	"  max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),"
	"  draw INTEGER NOT NULL CHECK (draw >= 1),"
	"  valid_days INTEGER NOT NULL DEFAULT 0 CHECK (valid_days >= 0)," /* 0: never expires */
	"  group_id INTEGER REFERENCES local_groups(id) ON DELETE CASCADE," /* NULL: national */
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE TABLE module_steps ("
	"  module_id INTEGER NOT NULL REFERENCES modules(id) ON DELETE CASCADE,"
	"  pos INTEGER NOT NULL, title TEXT NOT NULL,"
	"  body TEXT NOT NULL," /* Markdown, rendered by cmark with raw HTML left out */
	"  video_url TEXT,"
	"  PRIMARY KEY (module_id, pos)"
	") WITHOUT ROWID;"
	"CREATE TABLE quiz_questions ("
	"  id INTEGER PRIMARY KEY,"
	"  module_id INTEGER NOT NULL REFERENCES modules(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('single', 'multiple', 'order', 'short')),"
	"  prompt TEXT NOT NULL,"
	"  options TEXT NOT NULL," /* one a line: the options, or the accepted answers */
	"  answer TEXT NOT NULL,"  /* the right options' indices, in order for an order */
	"  retired INTEGER NOT NULL DEFAULT 0" /* replaced in an edit: kept for the attempts */
	");"
	"CREATE INDEX quiz_questions_module ON quiz_questions (module_id);"
	"CREATE TABLE training_progress ("
	"  module_id INTEGER NOT NULL REFERENCES modules(id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  step INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY (module_id, person_id)"
	") WITHOUT ROWID;"
	"CREATE TABLE quiz_attempts ("
	"  id INTEGER PRIMARY KEY,"
	"  module_id INTEGER NOT NULL REFERENCES modules(id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  version INTEGER NOT NULL, questions TEXT NOT NULL," /* the ids drawn, in order */
	"  started_at INTEGER NOT NULL, finished_at INTEGER,"
	"  score INTEGER, total INTEGER, passed INTEGER"
	");"
	"CREATE INDEX quiz_attempts_person ON quiz_attempts (person_id, module_id);"
	"CREATE TABLE quiz_answers ("
	"  attempt_id INTEGER NOT NULL REFERENCES quiz_attempts(id) ON DELETE CASCADE,"
	"  question_id INTEGER NOT NULL REFERENCES quiz_questions(id) ON DELETE CASCADE,"
	"  answer TEXT NOT NULL, correct INTEGER NOT NULL,"
	"  PRIMARY KEY (attempt_id, question_id)"
	") WITHOUT ROWID;"
	"CREATE TABLE completions ("
	"  module_id INTEGER NOT NULL REFERENCES modules(id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  version INTEGER NOT NULL, completed_at INTEGER NOT NULL, expires_at INTEGER,"
	"  via TEXT NOT NULL CHECK (via IN ('quiz', 'live')),"
	"  PRIMARY KEY (module_id, person_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX completions_person ON completions (person_id);"
	/* a completion's holder was reminded, once, that it runs out */
	"CREATE TABLE training_reminders ("
	"  module_id INTEGER NOT NULL REFERENCES modules(id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  expires_at INTEGER NOT NULL, sent_at INTEGER NOT NULL,"
	"  PRIMARY KEY (module_id, person_id, expires_at)"
	") WITHOUT ROWID;"
	"CREATE INDEX completions_expiry ON completions (expires_at) WHERE expires_at IS NOT NULL;"
	/* a session of type training that teaches a module: marking its
	 * attendance completes the module for those who came */
	"CREATE TABLE session_trainings ("
	"  event_id INTEGER PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,"
	"  module_id INTEGER NOT NULL REFERENCES modules(id) ON DELETE CASCADE"
	");"
	"CREATE TABLE gates ("
	"  action TEXT NOT NULL CHECK (action IN ('phonebank_call', 'ride_drive', 'event_signup')),"
	"  target_id INTEGER NOT NULL," /* the phone bank, the session; 0 for every ride */
	"  module_id INTEGER NOT NULL REFERENCES modules(id) ON DELETE CASCADE,"
	"  min_version INTEGER NOT NULL DEFAULT 1,"
	"  PRIMARY KEY (action, target_id, module_id)"
	") WITHOUT ROWID;",
	/* 41: food banks and collection points, what each needs, the groups that
	 * support them; collections (a session of type dropoff for a food bank),
	 * recurring series materialised ahead, pledges against the needs, runs to
	 * the food bank with their pick-ups and deliveries, a standby list, late
	 * drop-outs and no-shows. */
	"CREATE TABLE foodbanks ("
	"  id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('foodbank', 'point')),"
	"  slug TEXT UNIQUE," /* its name in the public needs feed, or NULL */
	"  postcode TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,"
	"  address TEXT NOT NULL, hours TEXT NOT NULL," /* as foodbank/opening.h reads them */
	"  contact TEXT NOT NULL," /* for the organisers of the groups that support it */
	"  accepts TEXT NOT NULL, chilled INTEGER NOT NULL CHECK (chilled IN (0, 1)),"
	"  created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE INDEX foodbanks_where ON foodbanks (lat, lon);"
	"CREATE TABLE group_foodbanks ("
	"  group_id INTEGER NOT NULL REFERENCES local_groups(id) ON DELETE CASCADE,"
	"  foodbank_id INTEGER NOT NULL REFERENCES foodbanks(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (group_id, foodbank_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX group_foodbanks_foodbank ON group_foodbanks (foodbank_id);"
	"CREATE TABLE foodbank_needs ("
	"  id INTEGER PRIMARY KEY,"
	"  foodbank_id INTEGER NOT NULL REFERENCES foodbanks(id) ON DELETE CASCADE,"
	"  item TEXT NOT NULL,"
	"  urgency TEXT NOT NULL CHECK (urgency IN ('urgent', 'needed', 'plenty')),"
	"  wanted INTEGER CHECK (wanted > 0)," /* how many, when the food bank said */
	"  chilled INTEGER NOT NULL DEFAULT 0 CHECK (chilled IN (0, 1)),"
	"  source TEXT NOT NULL CHECK (source IN ('organiser', 'feed')),"
	"  updated_at INTEGER NOT NULL,"
	"  UNIQUE (foodbank_id, item)"
	");"
	"CREATE TABLE series ("
	"  id INTEGER PRIMARY KEY,"
	"  group_id INTEGER NOT NULL REFERENCES local_groups(id) ON DELETE CASCADE,"
	"  foodbank_id INTEGER NOT NULL REFERENCES foodbanks(id) ON DELETE CASCADE,"
	"  rrule TEXT NOT NULL, first_at TEXT NOT NULL," /* London wall time, 2026-12-05T10:00 */
	"  minutes INTEGER NOT NULL CHECK (minutes BETWEEN 15 AND 720),"
	"  capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 10000),"
	"  late_hours INTEGER NOT NULL CHECK (late_hours BETWEEN 1 AND 168),"
	"  title TEXT NOT NULL, description TEXT NOT NULL, seat TEXT NOT NULL,"
	"  postcode TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,"
	"  address TEXT NOT NULL, address_private INTEGER NOT NULL,"
	"  created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  created_at INTEGER NOT NULL,"
	"  checked_at INTEGER," /* the last daily check */
	"  warned TEXT," /* what its organisers were last told of it: 'ends' or 'missing' */
	"  stopped_at INTEGER"
	");"
	"CREATE INDEX series_group ON series (group_id);"
	"CREATE TABLE collections ("
	"  event_id INTEGER PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,"
	"  foodbank_id INTEGER NOT NULL REFERENCES foodbanks(id) ON DELETE CASCADE,"
	"  series_id INTEGER REFERENCES series(id) ON DELETE SET NULL,"
	"  occurs_at INTEGER," /* the series' occurrence it is */
	"  late_hours INTEGER NOT NULL CHECK (late_hours BETWEEN 1 AND 168),"
	"  UNIQUE (series_id, occurs_at)"
	");"
	"CREATE INDEX collections_foodbank ON collections (foodbank_id);"
	"CREATE TABLE pledges ("
	"  id INTEGER PRIMARY KEY,"
	"  event_id INTEGER NOT NULL REFERENCES collections(event_id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  need_id INTEGER REFERENCES foodbank_needs(id) ON DELETE SET NULL,"
	"  item TEXT NOT NULL," /* as the need read when pledged */
	"  quantity INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 1000),"
	"  chilled INTEGER NOT NULL CHECK (chilled IN (0, 1)),"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE INDEX pledges_event ON pledges (event_id, need_id);"
	"CREATE INDEX pledges_person ON pledges (person_id);"
	"CREATE TABLE runs ("
	"  id INTEGER PRIMARY KEY,"
	"  event_id INTEGER NOT NULL REFERENCES collections(event_id) ON DELETE CASCADE,"
	"  vehicle TEXT NOT NULL CHECK (vehicle IN ('car', 'estate', 'van')),"
	"  chilled INTEGER NOT NULL CHECK (chilled IN (0, 1))," /* keeps chilled food cold */
	"  departs_at INTEGER NOT NULL, arrives_at INTEGER NOT NULL,"
	"  driver_id INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),"
	"  delivered_kg REAL, delivered_items INTEGER, receipt TEXT, recorded_at INTEGER,"
	"  created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  created_at INTEGER NOT NULL"
	");"
	"CREATE INDEX runs_event ON runs (event_id);"
	"CREATE INDEX runs_driver ON runs (driver_id);"
	"CREATE INDEX runs_done ON runs (status, recorded_at);"
	"CREATE TABLE run_stops (" /* pick-ups, in the order driven */
	"  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  pos INTEGER NOT NULL, label TEXT NOT NULL, postcode TEXT NOT NULL,"
	"  lat REAL NOT NULL, lon REAL NOT NULL,"
	"  PRIMARY KEY (run_id, pos)"
	") WITHOUT ROWID;"
	"CREATE TABLE standbys ("
	"  event_id INTEGER NOT NULL REFERENCES collections(event_id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  since INTEGER NOT NULL,"
	"  PRIMARY KEY (event_id, person_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX standbys_person ON standbys (person_id);"
	"CREATE TABLE dropouts (" /* a place left late: the standby list is told, then the organisers */
	"  id INTEGER PRIMARY KEY,"
	"  event_id INTEGER NOT NULL REFERENCES collections(event_id) ON DELETE CASCADE,"
	"  slot_id INTEGER REFERENCES slots(id) ON DELETE CASCADE,"
	"  run_id INTEGER REFERENCES runs(id) ON DELETE CASCADE,"
	"  person_id INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  at INTEGER NOT NULL, starts_at INTEGER NOT NULL,"
	"  told_at INTEGER, escalated_at INTEGER,"
	"  covered_by INTEGER REFERENCES people(id) ON DELETE SET NULL, covered_at INTEGER,"
	"  CHECK ((slot_id IS NULL) != (run_id IS NULL))"
	");"
	"CREATE INDEX dropouts_open ON dropouts (covered_at, escalated_at, told_at);"
	"CREATE INDEX dropouts_event ON dropouts (event_id);"
	"CREATE TABLE no_shows (" /* seen by organisers only; gone with the person */
	"  event_id INTEGER NOT NULL REFERENCES collections(event_id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  recorded_by INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  recorded_at INTEGER NOT NULL,"
	"  PRIMARY KEY (event_id, person_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX no_shows_person ON no_shows (person_id);"
	/* the late drop-out rule for sign-ups, wherever they are cancelled (the
	 * session's page, a mailed link, the API): a place given up inside the
	 * collection's late window is recorded, and covered by the next person
	 * to take a place in that slot */
	"CREATE TRIGGER dropouts_signup AFTER UPDATE OF status ON signups"
	"  WHEN OLD.status = 'going' AND NEW.status = 'cancelled' BEGIN"
	"  INSERT INTO dropouts (event_id, slot_id, person_id, at, starts_at)"
	"  SELECT c.event_id, s.id, NEW.person_id, unixepoch(), s.starts_at"
	"  FROM slots s JOIN collections c ON c.event_id = s.event_id"
	"  WHERE s.id = NEW.slot_id AND s.starts_at > unixepoch()"
	"    AND s.starts_at - c.late_hours * 3600 <= unixepoch()"
	/* once a person and slot: signing up and off again mails no one twice */
	"    AND NOT EXISTS (SELECT 1 FROM dropouts d WHERE d.slot_id = s.id"
	"      AND d.person_id = NEW.person_id);"
	"  END;"
	"CREATE TRIGGER dropouts_covered AFTER UPDATE OF status ON signups"
	"  WHEN NEW.status = 'going' AND OLD.status <> 'going' BEGIN"
	"  UPDATE dropouts SET covered_by = NEW.person_id, covered_at = unixepoch()"
	"  WHERE id = (SELECT min(id) FROM dropouts WHERE slot_id = NEW.slot_id"
	"    AND covered_at IS NULL);"
	"  END;"
	"CREATE TRIGGER dropouts_covered_new AFTER INSERT ON signups"
	"  WHEN NEW.status = 'going' BEGIN"
	"  UPDATE dropouts SET covered_by = NEW.person_id, covered_at = unixepoch()"
	"  WHERE id = (SELECT min(id) FROM dropouts WHERE slot_id = NEW.slot_id"
	"    AND covered_at IS NULL);"
	"  END;",
	/* 42: what members can do, and whether the organisers of their groups may
	 * find them (off until they say so); requests for a skill, and who was
	 * asked and answered */
	"CREATE TABLE skill_profiles ("
	"  person_id INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,"
	"  findable INTEGER NOT NULL DEFAULT 0 CHECK (findable IN (0, 1)),"
	"  trains INTEGER NOT NULL DEFAULT 0 CHECK (trains IN (0, 1))," /* happy to train others */
	"  weekdays INTEGER NOT NULL DEFAULT 0, evenings INTEGER NOT NULL DEFAULT 0,"
	"  weekends INTEGER NOT NULL DEFAULT 0,"
	"  lat REAL, lon REAL," /* of their postcode when saved, for distance */
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE TABLE person_skills ("
	"  kind TEXT NOT NULL CHECK (kind IN ('skill', 'tag', 'language')),"
	"  name TEXT NOT NULL," /* a listed key, or a tag's or language's key */
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (kind, name, person_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX person_skills_person ON person_skills (person_id);"
	"CREATE TABLE skill_requests ("
	"  id INTEGER PRIMARY KEY,"
	"  group_id INTEGER NOT NULL REFERENCES local_groups(id) ON DELETE CASCADE,"
	"  asked_by INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  kind TEXT NOT NULL, name TEXT NOT NULL, what TEXT NOT NULL, needed_by INTEGER,"
	"  postcode TEXT, lat REAL, lon REAL, km INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL, closed_at INTEGER"
	");"
	"CREATE INDEX skill_requests_group ON skill_requests (group_id, created_at);"
	"CREATE TABLE skill_asks ("
	"  request_id INTEGER NOT NULL REFERENCES skill_requests(id) ON DELETE CASCADE,"
	"  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
	"  answer TEXT CHECK (answer IN ('yes', 'no')), answered_at INTEGER,"
	"  PRIMARY KEY (request_id, person_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX skill_asks_person ON skill_asks (person_id);",
	/* 43: the roles a session needs (2 drivers, a Welsh speaker), and the role
	 * each volunteer takes */
	"CREATE TABLE event_roles ("
	"  event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
	"  role TEXT NOT NULL, needed INTEGER NOT NULL CHECK (needed BETWEEN 1 AND 100),"
	"  pos INTEGER NOT NULL,"
	"  PRIMARY KEY (event_id, role)"
	") WITHOUT ROWID;"
	"ALTER TABLE signups ADD COLUMN role TEXT;",
	/* 44: leaflet templates (an SVG with slots: materials/template.h), each
	 * group's imprint, and every leaflet a group made from one: what was filled,
	 * by whom, when, and the imprint it carries */
	"CREATE TABLE leaflet_templates ("
	"  id INTEGER PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL,"
	"  version INTEGER NOT NULL DEFAULT 1, svg TEXT NOT NULL,"
	"  created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  created_at INTEGER NOT NULL, retired_at INTEGER"
	");"
	"CREATE TABLE group_imprints ("
	"  group_id INTEGER PRIMARY KEY REFERENCES local_groups(id) ON DELETE CASCADE,"
	"  imprint TEXT NOT NULL, updated_at INTEGER NOT NULL"
	");"
	"CREATE TABLE leaflets ("
	"  id INTEGER PRIMARY KEY,"
	"  template_id INTEGER NOT NULL REFERENCES leaflet_templates(id) ON DELETE CASCADE,"
	"  version INTEGER NOT NULL, svg TEXT NOT NULL," /* the template as filled */
	"  group_id INTEGER NOT NULL REFERENCES local_groups(id) ON DELETE CASCADE,"
	"  made_by INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  event_id INTEGER REFERENCES events(id) ON DELETE SET NULL,"
	"  imprint TEXT NOT NULL, slots TEXT NOT NULL," /* JSON: what each slot was filled with */
	"  made_at INTEGER NOT NULL"
	");"
	"CREATE INDEX leaflets_group ON leaflets (group_id, made_at);",
	/* 45: the materials library: files a group, a region or the whole
	 * movement shares, each version's bytes in the blob store under their
	 * hash (db/blobs.h); the group that put one owns it; one for the
	 * movement may wait for an admin's approval (settings
	 * 'materials_approval'); tags, the groups that use one, and downloads */
	"CREATE TABLE materials ("
	"  id INTEGER PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL,"
	"  licence TEXT NOT NULL,"
	"  scope TEXT NOT NULL CHECK (scope IN ('group', 'region', 'movement')),"
	"  group_id INTEGER REFERENCES local_groups(id) ON DELETE CASCADE,"
	"  region TEXT,"
	/* the latest version's state; members see the version published */
	"  state TEXT NOT NULL CHECK (state IN ('published', 'waiting', 'refused')),"
	"  reason TEXT NOT NULL DEFAULT '',"
	"  version INTEGER NOT NULL DEFAULT 1, published INTEGER NOT NULL DEFAULT 0,"
	"  downloads INTEGER NOT NULL DEFAULT 0,"
	"  tags TEXT NOT NULL DEFAULT ''," /* as material_tags holds them, space-separated */
	"  search TEXT NOT NULL," /* title, description and tags, lower case */
	"  created_by INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	"  decided_by INTEGER REFERENCES people(id) ON DELETE SET NULL, decided_at INTEGER,"
	"  CHECK (scope <> 'group' OR group_id IS NOT NULL),"
	"  CHECK ((scope = 'region') = (region IS NOT NULL))"
	");"
	"CREATE INDEX materials_group ON materials (group_id, updated_at);"
	"CREATE INDEX materials_scope ON materials (scope, region, updated_at);"
	"CREATE INDEX materials_waiting ON materials (state) WHERE state = 'waiting';"
	"CREATE INDEX materials_updated ON materials (updated_at);"
	"CREATE TABLE material_versions ("
	"  material_id INTEGER NOT NULL REFERENCES materials(id) ON DELETE CASCADE,"
	"  version INTEGER NOT NULL, hash TEXT NOT NULL, type TEXT NOT NULL,"
	"  bytes INTEGER NOT NULL, thumb TEXT," /* the thumbnail's blob, when there is one */
	"  filename TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',"
	"  uploaded_by INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  uploaded_at INTEGER NOT NULL,"
	"  PRIMARY KEY (material_id, version)"
	") WITHOUT ROWID;"
	"CREATE INDEX material_versions_hash ON material_versions (hash);"
	"CREATE INDEX material_versions_thumb ON material_versions (thumb);"
	"CREATE TABLE material_tags ("
	"  tag TEXT NOT NULL,"
	"  material_id INTEGER NOT NULL REFERENCES materials(id) ON DELETE CASCADE,"
	"  PRIMARY KEY (tag, material_id)"
	") WITHOUT ROWID;"
	"CREATE INDEX material_tags_material ON material_tags (material_id);"
	"CREATE TABLE material_adoptions ("
	"  material_id INTEGER NOT NULL REFERENCES materials(id) ON DELETE CASCADE,"
	"  group_id INTEGER NOT NULL REFERENCES local_groups(id) ON DELETE CASCADE,"
	"  adopted_by INTEGER REFERENCES people(id) ON DELETE SET NULL,"
	"  adopted_at INTEGER NOT NULL,"
	"  PRIMARY KEY (material_id, group_id)"
	") WITHOUT ROWID;",
	/* 46: several nodes send the one queue: a message a node has taken is
	 * its own until then, and no other node sends it meanwhile (one that
	 * dies holding it leaves it to the others after that, or to itself
	 * at once when it starts again: by its name) */
	"ALTER TABLE mail_out ADD COLUMN claimed_until INTEGER;"
	"ALTER TABLE mail_out ADD COLUMN claimed_by TEXT;",
	/* 47: several nodes as one service: secrets every node uses alike
	 * (the key of the links that carry a search from its form to its
	 * answer), and a phone bank's version, so a node's cached copy of
	 * its settings is known stale after another node's edit */
	"CREATE TABLE node_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"ALTER TABLE phonebanks ADD COLUMN version INTEGER NOT NULL DEFAULT 0;",
};

#define NMIGRATIONS (int)(sizeof(migrations) / sizeof(migrations[0]))

int db_schema_version(struct db *db)
{
	/* cached: /readyz asks on every probe */
	return (int)db_int_or(db_cached(db, "SELECT max(version) FROM schema_migrations"), 0);
}

int db_schema_latest(void)
{
	return NMIGRATIONS;
}

int db_migrate(struct db *db, char *err, size_t errlen)
{
	int rc = -1, open = 0;
	/* One transaction: nodes starting together queue on it (SQLite's write
	 * lock; on PostgreSQL a lock the transaction holds, which a pooler in
	 * transaction mode cannot hand to another client), and the next finds
	 * the work done.  Each migration inside is a savepoint. */
	struct db_stmt *lock =
	    db_postgresql(db)
		? db_cached(db, "SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(?))) l")
		: NULL;
	open = db_begin(db) == 0;
	if (!open || (lock && (db_bind_str(lock, 1, "turnout migrate"), db_exists(lock) != 1))) {
		snprintf(err, errlen, "migrations lock: %s", db_errmsg(db));
		goto done;
	}
	if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			" version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)") ||
	    (db_postgresql(db) &&
	     (db_exec(db, dialect_pg_functions) ||
	      db_exec(db, "CREATE TABLE IF NOT EXISTS db_locks (name TEXT PRIMARY KEY,"
			  " holder TEXT NOT NULL, until INTEGER NOT NULL)")))) {
		snprintf(err, errlen, "migrations table: %s", db_errmsg(db));
		goto done;
	}
	for (int v = db_schema_version(db) + 1; v <= NMIGRATIONS; v++) {
		struct db_stmt *st = NULL;
		if (db_begin(db) || db_exec(db, migrations[v - 1]))
			goto fail;
		st = db_prepare(db, "INSERT INTO schema_migrations (version, applied_at)"
				    " VALUES (?, CURRENT_TIMESTAMP)");
		if (!st || db_bind_int(st, 1, v) || db_step(st) != DB_DONE)
			goto fail;
		db_finalize(st);
		st = NULL;
		if (db_commit(db))
			goto fail;
		continue;
	fail:
		db_finalize(st);
		snprintf(err, errlen, "migration %d: %s", v, db_errmsg(db));
		db_rollback(db);
		goto done;
	}
	rc = db_commit(db);
	if (rc)
		snprintf(err, errlen, "migrations: %s", db_errmsg(db));
	else
		open = 0;
done:
	if (open)
		db_rollback(db);
	return rc;
}

int db_schema_write(FILE *out, int postgresql, char *err, size_t errlen)
{
	for (int v = 1; v <= NMIGRATIONS; v++) {
		struct buf b;
		char why[160];
		buf_init(&b, 1u << 20);
		int rc = postgresql ? dialect_pg_schema(migrations[v - 1], &b, why, sizeof(why))
				    : buf_addstr(&b, migrations[v - 1]);
		if (!rc)
			fprintf(out, "-- migration %d\n%.*s\n", v, (int)b.len, b.p ? b.p : "");
		buf_release(&b);
		if (rc) {
			snprintf(err, errlen, "migration %d: %s", v, postgresql ? why : "too long");
			return -1;
		}
	}
	return 0;
}
