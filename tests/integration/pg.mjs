// The black-box suite against PostgreSQL: a throwaway server (pgserver.mjs),
// the fixture imported into it as a template database by the real importer,
// then the same test files as on SQLite with TURNOUT_TEST_BACKEND=pg (each
// file works on its own copy of the template: lib.mjs). `make test` runs it.
//
//     node tests/integration/pg.mjs [test files…]
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { startPg } from './pgserver.mjs';

// What is about the SQLite file itself (its damage, its CLI), what needs the
// full data imported (the full-data checks and the imports under load: the
// PostgreSQL import is measured by `make bench` instead), or already runs on
// PostgreSQL.
const SQLITE_ONLY = new Set(['health.test.mjs', 'cli.test.mjs', 'full.test.mjs', 'imports.test.mjs',
  'pg_db.test.mjs', 'pg_schema.test.mjs']);
const BIN = process.env.TURNOUT_IMPORT_BIN ?? process.env.TURNOUT_BIN ?? 'build/turnout';

let files = process.argv.slice(2);
if (!files.length)
  // the browser tests are about pages, whose stores these same files reach: left to
  // the SQLite run, so make test stays near a quarter of an hour
  for (const dir of ['tests/integration'])
    files.push(...readdirSync(dir).filter((f) => f.endsWith('.test.mjs') && !SQLITE_ONLY.has(f)).sort().map((f) => `${dir}/${f}`));

const pg = startPg(['max_connections=300']);
let status = 1;
try {
  pg.psql('CREATE DATABASE fixture');
  const imp = spawnSync(BIN, ['import', '--data', 'tests/fixtures/data', '--db', pg.uri('fixture')], { encoding: 'utf8', stdio: ['ignore', 'inherit', 'inherit'] });
  if (imp.status !== 0) throw new Error('the fixture import into PostgreSQL failed');
  const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], {
    stdio: 'inherit',
    env: { ...process.env, TURNOUT_TEST_BACKEND: 'pg', TURNOUT_TEST_PG_FIXTURE: pg.uri('fixture') },
  });
  status = r.status ?? 1;
} finally {
  pg.stop();
}
process.exit(status);
