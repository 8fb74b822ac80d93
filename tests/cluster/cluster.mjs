// A whole deployment for one test: scripts/cluster.sh on loopback ports of
// its own (a PostgreSQL primary, a synchronous standby, three nodes,
// HAProxy), the fixture data loaded, and ways to hurt it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, expectMail, sqlOn } from '../integration/lib.mjs';

export function startCluster(env = {}, data = 'tests/fixtures/data') {
  const dir = mkdtempSync(join(tmpdir(), 'turnout-cluster-'));
  const port = 20000 + Math.floor(Math.random() * 30000);
  const e = { ...process.env, TURNOUT: BIN, CLUSTER_PORT: String(port), NO_DEMO: '1', ...env };
  const sh = (...args) => execFileSync('sh', ['scripts/cluster.sh', ...args],
    { env: e, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  let url;
  try {
    url = sh('up', dir, data);
  } catch (err) {
    try { sh('down', dir); } catch { /* what did start is stopped */ }
    throw new Error(`the cluster did not start: ${err.stderr}`);
  }
  const db = readFileSync(join(dir, 'db'), 'utf8').trim();
  const outbox = join(dir, 'outbox');
  expectMail(outbox, db);
  const pidOf = (f) => Number(readFileSync(f, 'utf8').split('\n')[0]);
  const pg = existsSync(join(dir, 'pgdir')) ? readFileSync(join(dir, 'pgdir'), 'utf8').trim() : join(dir, 'pg');
  return {
    url,
    db,
    dir,
    outbox,
    sql: sqlOn(db),
    nodeUrl: (i) => `http://127.0.0.1:${port + i}`,
    killNode: (i) => process.kill(pidOf(join(dir, `node${i}.pid`)), 'SIGKILL'),
    killPrimary: () => process.kill(pidOf(join(pg, 'primary/postmaster.pid')), 'SIGKILL'),
    promote: () => sh('promote', dir),
    standby: (what) => sh('standby', dir, what),
    log: (i) => readFileSync(join(dir, `node${i}.log`), 'utf8'),
    stop() {
      try { sh('down', dir); } finally { rmSync(dir, { recursive: true, force: true }); }
    },
  };
}
