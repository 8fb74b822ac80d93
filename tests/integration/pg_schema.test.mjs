// Issue 11, first step: the one schema (db/migrate.c) translated for PostgreSQL in one
// place (db/dialect.c, `turnout schema --dialect postgresql`) loads whole into a real,
// throwaway PostgreSQL 15 (initdb into a temporary folder, a Unix socket, no service),
// with every table and column SQLite has, its triggers doing what SQLite's do, and ids
// drawn by the database as SQLite's rowids are.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { run, copyDb, FIXTURE_DB } from './lib.mjs';
import { startPg } from './pgserver.mjs';

let pg, dir;
const psql = (sql, db = 't') => pg.psql(sql, db);
const psqlFails = (sql) => spawnSync('psql', ['-h', dir, '-U', 'turnout', '-d', 't', '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], { encoding: 'utf8' });

before(() => {
  pg = startPg();
  dir = pg.dir;
  psql('CREATE DATABASE t', 'postgres');
});
after(() => pg?.stop());

test('turnout schema --dialect postgresql loads whole, with every table, column and trigger SQLite has', () => {
  const r = run(['schema', '--dialect', 'postgresql']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /-- migration 45\n/);
  execFileSync('psql', ['-h', dir, '-U', 'turnout', '-d', 't', '-v', 'ON_ERROR_STOP=1', '-q'], { input: r.stdout, encoding: 'utf8' });
  const lite = copyDb(FIXTURE_DB);
  const q = (s) => execFileSync('sqlite3', [lite, s], { encoding: 'utf8' }).trim();
  const tables = q("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name").split('\n');
  assert.ok(tables.length > 90, String(tables.length));
  assert.deepEqual(psql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name").split('\n'), tables);
  for (const t of tables) {
    const cols = q(`SELECT name FROM pragma_table_info('${t}') ORDER BY name`).split('\n');
    assert.deepEqual(psql(`SELECT column_name FROM information_schema.columns WHERE table_name = '${t}' ORDER BY column_name`).split('\n'), cols, t);
  }
  const triggers = q("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name").split('\n');
  assert.deepEqual(psql('SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname').split('\n'), triggers);
  // times are Unix seconds: 64 bits, not PostgreSQL's 32-bit integer
  assert.equal(psql("SELECT data_type FROM information_schema.columns WHERE table_name = 'events' AND column_name = 'starts_at'"), 'bigint');
  // the SQLite text, loaded into an empty file, is the schema the server migrates to
  const fresh = join(dir, 'fresh.db');
  execFileSync('sqlite3', [fresh], { input: run(['schema']).stdout, encoding: 'utf8' });
  assert.equal(execFileSync('sqlite3', [fresh, "SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'index', 'trigger') AND name NOT LIKE 'sqlite_autoindex%'"], { encoding: 'utf8' }).trim(),
    q("SELECT count(*) FROM sqlite_master WHERE type IN ('table', 'index', 'trigger') AND name <> 'schema_migrations' AND name NOT LIKE 'sqlite_autoindex%'"));
});

test('on PostgreSQL the triggers do what they do on SQLite, and ids are drawn as rowids are', () => {
  // the audit log is append-only
  psql("INSERT INTO audit_log (at, action, detail) VALUES (1, 'x', 'y')");
  const upd = psqlFails("UPDATE audit_log SET detail = 'z'");
  assert.notEqual(upd.status, 0);
  assert.match(upd.stderr, /the audit log is append-only/);
  assert.notEqual(psqlFails('DELETE FROM audit_log').status, 0);
  // ids: drawn by the database when not given
  const a = psql("INSERT INTO people (name, email, created_at, last_active_at) VALUES ('Ann', 'ann@example.org', 0, 0) RETURNING id");
  const b = psql("INSERT INTO people (name, email, created_at, last_active_at) VALUES ('Bo', 'bo@example.org', 0, 0) RETURNING id");
  assert.ok(Number(b) > Number(a));
  // a BEFORE DELETE trigger lets the row go (it returns OLD) after doing its work
  psql(`INSERT INTO mail_out (mkey, msgid, recipient, subject, tmpl, queued_at, next_try) VALUES ('k1', 'm1', 'ann@example.org', 'Hi', 'tell', 0, 0);
    INSERT INTO mail_out (mkey, msgid, recipient, subject, tmpl, queued_at, next_try, sent_at) VALUES ('k2', 'm2', 'ann@example.org', 'Hi', 'tell', 0, 0, 5);
    INSERT INTO session_alerts (email, postcode, lat, lon, km, stop_token, created_at) VALUES ('ann@example.org', 'DE22 1AA', 52.9, -1.5, 5, 's', 0)`);
  psql(`DELETE FROM people WHERE id = ${a}`);
  assert.equal(psql(`SELECT count(*) FROM people WHERE id = ${a}`), '0');
  assert.equal(psql("SELECT count(*) FROM session_alerts WHERE email = 'ann@example.org'"), '0', 'people_erase_alerts, before the delete');
  assert.equal(psql("SELECT string_agg(mkey, ',') FROM mail_out WHERE recipient = 'ann@example.org'"), 'k2', 'mail_out_erase: the unsent mail goes, the sent record stays');
  // a vote's counts follow its deletion (opinion_votes_gone)
  psql(`INSERT INTO local_groups (name, created_at) VALUES ('G', 0);
    INSERT INTO conversations (question, scope, group_id, opens_at, closes_at, created_by, created_at) VALUES ('Q?', 'group', (SELECT id FROM local_groups), 0, 9999999999, ${b}, 0)`);
  const conv = psql('SELECT id FROM conversations');
  psql(`INSERT INTO statements (conversation_id, body, status, created_at) VALUES (${conv}, 'S', 'approved', 0)`);
  const st = psql('SELECT id FROM statements');
  psql(`UPDATE statements SET agrees = 1 WHERE id = ${st}; INSERT INTO opinion_votes (conversation_id, statement_id, person_id, vote, at) VALUES (${conv}, ${st}, ${b}, 1, 0)`);
  psql(`DELETE FROM opinion_votes WHERE person_id = ${b}`);
  assert.equal(psql(`SELECT agrees FROM statements WHERE id = ${st}`), '0');
});
