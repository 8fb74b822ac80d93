// make bench (part three): deadline night.  Durable sign-ups per second
// through the group-commit writer (wrk, as fast as it goes), and latency at
// a steady 500 a second (node, paced).  Prints Markdown.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { startServer } from '../tests/integration/lib.mjs';

const OUT = 'bench/out';
const SECONDS = Number(process.env.BENCH_SECONDS ?? '10');
mkdirSync(OUT, { recursive: true });
const db = `${OUT}/signups.db`;
rmSync(db, { force: true });
copyFileSync(process.env.TURNOUT_FIXTURE_DB ?? 'build/test/fixture.db', db);
const sql = (q) => execFileSync('sqlite3', [db], { input: q, encoding: 'utf8' }).trim();
const start = Math.floor(Date.now() / 1000) + 86400;
sql(`INSERT INTO events (type, title, description, seat, postcode, lat, lon, address, address_private,
  access_notes, starts_at, ends_at, status, created_at) VALUES ('canvass', 'Deadline night', '', 'E14001193',
  'DE22 1AA', 52.93, -1.48, '', 0, '', ${start}, ${start + 7200}, 'published', 0);
  INSERT INTO slots (event_id, starts_at, ends_at, capacity) VALUES (1, ${start}, ${start + 7200}, 1000000);`);
// guests held and waiting for their confirmation, as the emailed links would bring them
const N = 120000;
const tokens = [];
let rows = [];
const flush = () => { if (rows.length) sql(`INSERT INTO pending_signups VALUES ${rows.join(',')};`); rows = []; };
for (let i = 0; i < N; i++) {
  const t = `bench${String(i).padStart(10, '0')}`.padEnd(43, 'z');
  tokens.push(t);
  rows.push(`('${createHash('sha256').update(t).digest('hex')}', 1, 'Volunteer ${i}', 'v${i}@bench.example', NULL, ${start})`);
  if (rows.length === 5000) flush();
}
flush();
writeFileSync(`${OUT}/tokens.txt`, tokens.slice(0, 100000).join('\n'));

const srv = await startServer({ db, env: { TURNOUT_RATE_SIGNIN_IP: '100000000/100000000',
  TURNOUT_RATE_TOKEN_IP: '100000000/100000000' } });
const csrf = 'B'.repeat(43);
const out = execFileSync('wrk', ['-t1', '-c128', `-d${SECONDS}s`, '--latency', '-s', 'bench/signups.lua', srv.url,
  '--', `${OUT}/tokens.txt`, csrf], { encoding: 'utf8' });
const rps = Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]));
const p99 = /\s99%\s+(\S+)/.exec(out)[1];
const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? '0';
const stored = Number(sql("SELECT count(*) FROM signups WHERE status = 'going'"));

// paced: 500 a second; the first second warms the client's connections
// and is not counted, then SECONDS are measured request by request
const lat = [];
const WARM = 500;
const paced = tokens.slice(100000, 100000 + WARM + 500 * SECONDS);
const t0 = Date.now();
await Promise.all(paced.map((t, i) => new Promise((resolve) => {
  setTimeout(async () => {
    const s = performance.now();
    const r = await fetch(`${srv.url}/signups/confirm`, { method: 'POST', redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `turnout_csrf=${csrf}` },
      body: `csrf=${csrf}&token=${t}` });
    await r.text();
    lat.push({ ms: performance.now() - s, ok: r.status === 200, i });
    resolve();
  }, Math.max(0, t0 + i * 2 - Date.now()));
})));
const warm = lat.filter((l) => l.i < WARM).map((l) => l.ms).sort((a, b) => a - b);
const counted = lat.filter((l) => l.i >= WARM).sort((a, b) => a.ms - b.ms);
const pq = (q) => counted[Math.min(counted.length - 1, Math.floor(q * counted.length))].ms.toFixed(1);
const okPaced = counted.filter((l) => l.ok).length;
await srv.stop();

console.log(`| durable sign-ups (\`POST /signups/confirm\`, wrk -c128, full speed) | ${rps}/s | p99 ${p99} | ${stored} stored, non-2xx ${non2xx} |`);
console.log(`| durable sign-ups at a steady 500/s (${counted.length} in ${SECONDS} s, after a 1 s warm-up) | 500/s | p50 ${pq(0.5)} ms, p99 ${pq(0.99)} ms | ${okPaced} answered 200; warm-up p99 ${warm[Math.floor(0.99 * warm.length)].toFixed(0)} ms |`);
