// Issue 11: the PostgreSQL backend (src/db/db_pg.c, libpq behind db.h). Every unit
// test that runs on a real database (each one including tests/unit/tmpdb.h: the
// storage interface's own and every store's) runs unchanged against a throwaway
// PostgreSQL 15 (TURNOUT_TEST_PG): prepared statements with ? placeholders, nested
// transactions, failed binds, faults at every step leaving nothing half-written, the
// migrations applied through the dialect.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, chownSync, rmSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PGBIN = '/usr/lib/postgresql/15/bin';
const UNIT = process.env.TURNOUT_UNIT_DIR ?? 'build/tests';
let dir, uri;
const asPg = (cmd, args) => (process.getuid() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
const sh = (cmd, args) => {
  const [c, a] = asPg(cmd, args);
  return execFileSync(c, a, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'turnout-pg-'));
  if (process.getuid() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), 0);
  sh(`${PGBIN}/initdb`, ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'turnout', '-E', 'UTF8', '--no-instructions']);
  sh(`${PGBIN}/pg_ctl`, ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-o', `-k ${dir} -c listen_addresses='' -c fsync=off`, 'start']);
  execFileSync('psql', ['-h', dir, '-U', 'turnout', '-d', 'postgres', '-qc', 'CREATE DATABASE t']);
  uri = `postgresql:///t?host=${encodeURIComponent(dir)}&user=turnout`;
});
after(() => {
  if (dir && existsSync(join(dir, 'data'))) sh(`${PGBIN}/pg_ctl`, ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const SRC = new URL('../unit/', import.meta.url);
const units = readdirSync(SRC).filter((f) => f.endsWith('.c') && readFileSync(new URL(f, SRC), 'utf8').includes('"tmpdb.h"'))
  .map((f) => f.slice(0, -2)).sort();

test('every store has its unit test on a real database', () => {
  for (const u of ['test_db', 'test_stores', 'test_rides_store', 'test_contacts', 'test_library', 'test_training'])
    assert.ok(units.includes(u), u);
});

for (const unit of units) {
  test(`${unit} passes on PostgreSQL as on SQLite`, () => {
    const r = spawnSync(join(UNIT, unit), [], { env: { ...process.env, TURNOUT_TEST_PG: uri }, encoding: 'utf8', timeout: 300000 });
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
  // serving from PostgreSQL is refused, plainly, until every feature's statements run there
  const serve = spawnSync(process.env.TURNOUT_BIN ?? 'build/turnout', ['serve', '--port', '0', '--db', uri.replace('///', '//turnout:s3cret-pw@/')],
    { encoding: 'utf8', timeout: 20000 });
  assert.notEqual(serve.status, 0);
  assert.match(serve.stderr, /serving from PostgreSQL is not ready yet/);
  assert.doesNotMatch(serve.stderr, /s3cret-pw/);
});
