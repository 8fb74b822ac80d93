// TURNOUT_REFERENCE (issue 11): a node may read the reference data
// (postcodes, boundaries, results) from a local read-only SQLite file of
// the same data instead of the shared database, for lookups at SQLite's
// speed.  The lookups come from that file; everything else does not; a
// file that is missing or of another schema stops the node at start.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, startServer, copyDb, FIXTURE_DB, run, getJson, sqlOn } from './lib.mjs';

const dir = mkdtempSync(join(tmpdir(), 'turnout-ref-'));
const ref = join(dir, 'reference.db');
let db, srv;

before(async () => {
  execFileSync(BIN, ['import', '--data', 'tests/fixtures/data', '--db', ref], { stdio: 'ignore' });
  // the file differs from the shared database in one postcode: whichever
  // answers shows where the lookup read
  execFileSync('sqlite3', [ref, "DELETE FROM postcodes WHERE pc = 'DE223DT'"]);
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: { TURNOUT_REFERENCE: ref } });
});
after(async () => { if (srv) await srv.stop(); });

test('postcode lookups and nearest marginals read the reference file, not the shared database', async () => {
  assert.equal(sqlOn(db)("SELECT count(*) FROM postcodes WHERE pc = 'DE223DT'"), '1');
  // not in the file: placed at its district (no quality), as an unknown postcode is
  const missing = await getJson(srv.url, '/postcodes/DE223DT');
  assert.equal(missing.status, 200);
  assert.equal(missing.body.result.quality, null);
  assert.equal((await getJson(srv.url, '/postcodes/DE223HJ')).body.result.quality, 10);
  assert.equal((await getJson(srv.url, '/postcodes/DE223DT/validate')).body.result, false);
  const near = await getJson(srv.url, '/api/v1/marginals?postcode=DE223HJ');
  assert.equal(near.status, 200);
  assert.equal(near.body.result.postcode, 'DE22 3HJ');
  assert.equal(near.body.result.precision, 'postcode');
  assert.ok(near.body.result.marginals.length > 0);
  // ranking by need reads campaigns and sign-ups from the shared database
  assert.equal((await getJson(srv.url, '/api/v1/marginals?postcode=DE223HJ&rank=need')).status, 200);
  // the file was opened read-only: nothing wrote to it
  assert.equal(execFileSync('sqlite3', [ref, "SELECT count(*) FROM postcodes WHERE pc = 'DE223HJ'"], { encoding: 'utf8' }).trim(), '1');
});

test('a reference file that is missing, not a database or of another schema stops the node at start', () => {
  const junk = join(dir, 'junk.db');
  writeFileSync(junk, 'not a database');
  const old = join(dir, 'old.db');
  execFileSync('sqlite3', [old, 'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT); INSERT INTO schema_migrations VALUES (1, 0);']);
  for (const bad of [join(dir, 'absent.db'), junk, old, 'postgresql:///elsewhere']) {
    const r = run(['serve', '--port', '0', '--db', db], { env: { ...process.env, TURNOUT_REFERENCE: bad }, timeout: 20000 });
    assert.notEqual(r.status, 0, bad);
    assert.match(r.stderr, /TURNOUT_REFERENCE: .* is not a turnout database of this version/, bad);
  }
});
