// Issue 11: the PostgreSQL backend (src/db/db_pg.c, libpq behind db.h). Every unit
// test that runs on a real database (each one including tests/unit/tmpdb.h: the
// storage interface's own and every store's) runs unchanged against a throwaway
// PostgreSQL 15 (TURNOUT_TEST_PG): prepared statements with ? placeholders, nested
// transactions, failed binds, faults at every step leaving nothing half-written, the
// migrations applied through the dialect.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPg } from './pgserver.mjs';

const UNIT = process.env.TURNOUT_UNIT_DIR ?? 'build/tests';
let pg, uri;
before(() => {
  pg = startPg();
  pg.psql('CREATE DATABASE t');
  uri = pg.uri('t');
});
after(() => pg?.stop());

const SRC = new URL('../unit/', import.meta.url);
const units = readdirSync(SRC).filter((f) => f.endsWith('.c') && readFileSync(new URL(f, SRC), 'utf8').includes('"tmpdb.h"'))
  .map((f) => f.slice(0, -2)).sort();

test('every store has its unit test on a real database', () => {
  for (const u of ['test_db', 'test_stores', 'test_rides_store', 'test_contacts', 'test_library', 'test_training'])
    assert.ok(units.includes(u), u);
});

// and, for the storage interface and the busiest stores, as through
// PgBouncer in transaction mode: statements unnamed, locks as leases
const pooled = ['test_db', 'test_stores', 'test_rides_store', 'test_contacts'];
for (const [unit, pooler] of [...units.map((u) => [u, '']), ...pooled.map((u) => [u, 'transaction'])]) {
  test(`${unit} passes on PostgreSQL as on SQLite${pooler ? ', with TURNOUT_PG_POOLER=transaction' : ''}`, () => {
    const r = spawnSync(join(UNIT, unit), [], { env: { ...process.env, TURNOUT_TEST_PG: uri, TURNOUT_PG_POOLER: pooler },
      encoding: 'utf8', timeout: 300000 });
    assert.equal(r.status, 0, `${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
    const all = r.stdout + r.stderr;
    assert.match(all, /\[  PASSED  \] \d+ test\(s\)\./);
    assert.doesNotMatch(all, /FAILED/);
    assert.match(all, /\[==========\] [1-9]\d* test\(s\) run\./);
  });
}

test('a connection string that cannot be reached is a clear error, and never printed back', () => {
  const r = spawnSync(process.env.TURNOUT_BIN ?? 'build/turnout', ['admin', '--email', 'a@example.org', '--name', 'A',
    '--db', 'postgresql://turnout:s3cret-pw@127.0.0.1:1/nowhere'], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /PostgreSQL: .*(connect|refused)/i);
  assert.doesNotMatch(r.stderr, /s3cret-pw/);
  // a server whose database cannot be reached says so at start, without the password
  const serve = spawnSync(process.env.TURNOUT_BIN ?? 'build/turnout', ['serve', '--port', '0', '--db', 'postgresql://turnout:s3cret-pw@127.0.0.1:1/nowhere'],
    { encoding: 'utf8', timeout: 20000 });
  assert.notEqual(serve.status, 0);
  assert.match(serve.stderr, /PostgreSQL: .*(connect|refused)/i);
  assert.doesNotMatch(serve.stderr, /s3cret-pw/);
  const bad = spawnSync(process.env.TURNOUT_BIN ?? 'build/turnout', ['postcode', 'SW1A 1AA', '--db', uri],
    { encoding: 'utf8', env: { ...process.env, TURNOUT_PG_POOLER: 'statement' } });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /TURNOUT_PG_POOLER takes transaction or session/);
});
