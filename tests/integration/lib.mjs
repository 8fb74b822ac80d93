// Shared by the black-box tests: start the real binary on a free loopback
// port against a real database file, and stop it the way an operator would.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = process.env.TURNOUT_BIN ?? 'build/turnout';
export const FIXTURE_DB = process.env.TURNOUT_FIXTURE_DB ?? 'build/test/fixture.db';
export const FULL_DB = process.env.TURNOUT_FULL_DB ?? 'build/test/full.db';

export async function startServer({ db = FIXTURE_DB, args = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'turnout-'));
  const accessLog = join(dir, 'access.log');
  const proc = spawn(BIN, ['serve', '--port', '0', '--db', db, '--access-log', accessLog, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 30000);
    proc.stderr.on('data', (d) => {
      stderr += d;
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(stderr);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${stderr}`)); });
  });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    url,
    proc,
    accessLog: () => readFileSync(accessLog, 'utf8'),
    stderr: () => stderr,
    async stop() {
      proc.kill('SIGTERM');
      return exited;
    },
  };
}

export async function getJson(base, path, init) {
  const res = await fetch(base + path, init);
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: res.status, headers: res.headers, body };
}

export function run(args, opts = {}) {
  return spawnSync(BIN, args, { encoding: 'utf8', ...opts });
}
