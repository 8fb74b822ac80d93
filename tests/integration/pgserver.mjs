// A throwaway PostgreSQL 15 for the tests: initdb into a temporary folder, a
// Unix socket in it (no TCP, no system service), trust for the one user
// `turnout`. PostgreSQL will not run as root: as root (CI) the server runs as
// the postgres user.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, chownSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PGBIN = '/usr/lib/postgresql/15/bin';
const asPg = (cmd, args) => (process.getuid() === 0 ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
export const pgSh = (cmd, args, opts = {}) => {
  const [c, a] = asPg(cmd, args);
  return execFileSync(c, a, { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], ...opts });
};

// settings: more `-c name=value` for the server (fsync is off: a test's data
// need not outlive the machine, only the server)
export function startPg(settings = []) {
  const dir = mkdtempSync(join(tmpdir(), 'turnout-pg-'));
  if (process.getuid() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), 0);
  const data = join(dir, 'data');
  pgSh(`${PGBIN}/initdb`, ['-D', data, '-A', 'trust', '-U', 'turnout', '-E', 'UTF8', '--no-instructions']);
  const opts = [`-k ${dir}`, "-c listen_addresses=''", '-c fsync=off', ...settings.map((s) => `-c ${s}`)].join(' ');
  pgSh(`${PGBIN}/pg_ctl`, ['-D', data, '-l', join(dir, 'log'), '-w', '-o', opts, 'start']);
  const psql = (sql, db = 'postgres') => execFileSync('psql', ['-h', dir, '-U', 'turnout', '-d', db, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql],
    { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();
  return {
    dir,
    psql,
    uri: (db) => `postgresql:///${db}?host=${encodeURIComponent(dir)}&user=turnout`,
    stop() {
      if (existsSync(data)) pgSh(`${PGBIN}/pg_ctl`, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
