// make bench (part eight): 10,000 volunteers send their quiz answers at once (issue 15's
// floor: p99 ≤ 150 ms, each durable before its answer), BENCH_IN_FLIGHT (200) at a time
// on keep-alive connections. Prints a Markdown row.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { startServer } from '../tests/integration/lib.mjs';

const OUT = 'bench/out';
const N = 10000, AT_ONCE = Number(process.env.BENCH_IN_FLIGHT ?? '200'), QUESTIONS = 5;
mkdirSync(OUT, { recursive: true });
const db = `${OUT}/training-bench.db`;
rmSync(db, { force: true });
copyFileSync(process.env.TURNOUT_FIXTURE_DB ?? 'build/test/fixture.db', db);
const sql = (q) => execFileSync('sqlite3', [db], { input: q, encoding: 'utf8', maxBuffer: 1 << 26 }).trim();
await (await startServer({ db })).stop();
const now = Math.floor(Date.now() / 1000);
const hash = (t) => createHash('sha256').update(t).digest('hex');
const token = (i) => `quiz${String(i).padStart(8, '0')}`.padEnd(43, 'q');
const csrf = (i) => `csrf${String(i).padStart(8, '0')}`.padEnd(43, 'c');

let q = `INSERT INTO local_groups (id, name, created_at) VALUES (1, 'Callers', ${now});
INSERT INTO modules (id, slug, title, summary, pass_percent, max_attempts, draw, valid_days, created_at)
  VALUES (1, 'phone-banking', 'Phone banking', 'Bench', 80, 3, ${QUESTIONS}, 365, ${now});
INSERT INTO module_steps VALUES (1, 1, 'Read', 'Text', NULL);
`;
for (let k = 1; k <= QUESTIONS; k++) q += `INSERT INTO quiz_questions (id, module_id, kind, prompt, options, answer) VALUES (${k}, 1, 'single', 'Q${k}', 'Right' || char(10) || 'Wrong', '0');\n`;
for (let i = 1; i <= N; i++) {
  q += `INSERT INTO people (id, name, email, created_at, last_active_at) VALUES (${i}, 'V${i}', 'v${i}@bench.example', ${now}, ${now});
INSERT INTO sessions VALUES ('${hash(token(i))}', ${i}, '${csrf(i)}', 0, 0, ${now}, ${now});
INSERT INTO quiz_attempts (id, module_id, person_id, version, questions, started_at) VALUES (${i}, 1, ${i}, 1, '1,2,3,4,5', ${now});
`;
}
sql(`BEGIN; ${q} COMMIT;`);

const srv = await startServer({ db });
const body = (i) => new URLSearchParams({ csrf: csrf(i), q1: '0', q2: '0', q3: '0', q4: '0', q5: i % 10 ? '0' : '1' }).toString();
// one keep-alive connection for each volunteer in flight, as browsers would hold
const agent = new http.Agent({ keepAlive: true, maxSockets: AT_ONCE });
const { hostname, port } = new URL(srv.url);
const post = (i) => new Promise((resolve, reject) => {
  const data = body(i);
  const r = http.request({ agent, hostname, port, method: 'POST', path: `/training/attempts/${i}`,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(data),
      Origin: srv.url, Cookie: `turnout_session=${token(i)}` } }, (res) => {
    let text = '';
    res.on('data', (c) => { text += c; });
    res.on('end', () => resolve({ status: res.statusCode, text }));
  });
  r.on('error', reject);
  r.end(data);
});
const times = [];
let bad = 0, next = 1;
const t0 = performance.now();
await Promise.all(Array.from({ length: AT_ONCE }, async () => {
  for (let i; (i = next++) <= N;) {
    const s = performance.now();
    const r = await post(i);
    if (r.status !== 200 || !/You passed/.test(r.text)) bad++;
    times.push(performance.now() - s);
  }
}));
agent.destroy();
const secs = (performance.now() - t0) / 1000;
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
const stored = sql('SELECT count(*) FROM completions');
await srv.stop();
console.log(`| quiz answers from ${N.toLocaleString('en-GB')} volunteers, ${AT_ONCE} in flight | ${N} in ${secs.toFixed(1)} s (${Math.round(N / secs)}/s) | p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms | ${stored} completions stored (all passed, 4 or 5 of 5), ${bad} answered otherwise; each marked on the group-commit writer before its answer |`);
rmSync(db, { force: true });
