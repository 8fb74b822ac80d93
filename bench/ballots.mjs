// make bench (part six): a delegate conference (issue 12's floor).  2,000 delegates,
// each signed in and checked in, cast a secret ballot on a motion and a ranked ballot
// for a 5-seat STV election, 50 at a time; every ballot is acknowledged only once it is
// committed.  Then the chair closes each, and we time the answer with the result.
// Prints Markdown rows.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { startServer } from '../tests/integration/lib.mjs';

const OUT = 'bench/out';
const N = 2000, AT_ONCE = 50, CANDIDATES = 12, SEATS = 5;
mkdirSync(OUT, { recursive: true });
const db = `${OUT}/ballots.db`;
rmSync(db, { force: true });
copyFileSync(process.env.TURNOUT_FIXTURE_DB ?? 'build/test/fixture.db', db);
const sql = (q) => execFileSync('sqlite3', [db], { input: q, encoding: 'utf8', maxBuffer: 1 << 26 }).trim();
// the server brings the schema up to date on start
await (await startServer({ db })).stop();
const now = Math.floor(Date.now() / 1000);
const hash = (t) => createHash('sha256').update(t).digest('hex');
const token = (i) => `ballot${String(i).padStart(8, '0')}`.padEnd(43, 'q');
const csrf = (i) => `csrf${String(i).padStart(8, '0')}`.padEnd(43, 'c');

// the delegates, their sessions, the group, the meeting with all present, a motion, an election
let q = `INSERT INTO local_groups (id, name, created_at) VALUES (1, 'Conference', ${now});
INSERT INTO people (id, name, email, is_admin, created_at, last_active_at) VALUES (1, 'Chair', 'chair@bench.example', 1, ${now}, ${now});
INSERT INTO sessions VALUES ('${hash(token(0))}', 1, '${csrf(0)}', 1, 0, ${now}, ${now});
INSERT INTO meetings (id, group_id, title, starts_at, quorum_pct, quorum_min, majority, checkin_code, created_at)
  VALUES (1, 1, 'Conference', ${now}, 50, 1, 'simple', 'BENCH1', ${now});
INSERT INTO motions (id, meeting_id, title, body, majority, status, created_at) VALUES (1, 1, 'Motion', 'That.', 'simple', 'voting', ${now});
INSERT INTO elections (id, meeting_id, post, seats, method, candidates, created_at) VALUES (1, 1, 'Executive', ${SEATS}, 'scottish',
  '${JSON.stringify(Array.from({ length: CANDIDATES }, (_, i) => `Candidate ${i + 1}`))}', ${now});
INSERT INTO votes (id, meeting_id, motion_id, status, opened_at, members, present, quorum) VALUES (1, 1, 1, 'open', ${now}, ${N}, ${N}, ${N / 2});
INSERT INTO votes (id, meeting_id, election_id, status, opened_at, members, present, quorum) VALUES (2, 1, 1, 'open', ${now}, ${N}, ${N}, ${N / 2});
`;
for (let i = 1; i <= N; i++) {
  const id = i + 1;
  q += `INSERT INTO people (id, name, email, created_at, last_active_at) VALUES (${id}, 'Delegate ${i}', 'd${i}@bench.example', ${now}, ${now});
INSERT INTO sessions VALUES ('${hash(token(i))}', ${id}, '${csrf(i)}', 0, 0, ${now}, ${now});
INSERT INTO memberships VALUES (1, ${id}, 'member', ${now});
INSERT INTO meeting_present VALUES (1, ${id});
`;
}
sql(`BEGIN; ${q} COMMIT;`);

const srv = await startServer({ db });
const post = async (i, path, fields) => {
  const t0 = performance.now();
  const r = await fetch(srv.url + path, { method: 'POST', redirect: 'manual',
    body: new URLSearchParams({ csrf: csrf(i), ...fields }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: srv.url,
      Cookie: `turnout_session=${token(i)}` } });
  const body = await r.text();
  return { status: r.status, ms: performance.now() - t0, body };
};
const pct = (xs, p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

async function round(path, fields) {
  const times = [];
  let bad = 0, next = 1;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: AT_ONCE }, async () => {
    for (let i; (i = next++) <= N;) {
      const r = await post(i, path, fields(i));
      if (r.status !== 200 || !/Your receipt is/.test(r.body)) bad++;
      times.push(r.ms);
    }
  }));
  times.sort((a, b) => a - b);
  return { secs: (performance.now() - t0) / 1000, p50: pct(times, 50), p99: pct(times, 99), bad };
}

// a delegate ranks up to 6 of the 12, favouring the first few
const ranks = (i) => {
  const order = Array.from({ length: CANDIDATES }, (_, k) => k + 1)
    .sort((a, b) => ((a * 7919 + i * 104729) % 97) / (1 + a) - ((b * 7919 + i * 104729) % 97) / (1 + b));
  return Object.fromEntries(order.slice(0, 1 + (i % 6)).map((c, r) => [`rank_${c}`, String(r + 1)]));
};
const motion = await round('/votes/1/ballot', (i) => ({ choice: i % 3 ? 'for' : 'against' }));
const election = await round('/votes/2/ballot', ranks);
const stored = sql('SELECT count(*) FROM vote_ballots');
const close = async (vote) => {
  const r = await post(0, `/votes/${vote}/close`, {});
  return { status: r.status, ms: r.ms };
};
const c1 = await close(1), c2 = await close(2);
const result = sql('SELECT result FROM votes WHERE id = 2');
await srv.stop();

const row = (what, r) => `| ${what} | ${N} ballots in ${r.secs.toFixed(1)} s (${Math.round(N / r.secs)}/s) | p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms | ${r.bad} refused; ${AT_ONCE} at once, each committed before its answer |`;
console.log(row('secret ballot on a motion', motion));
console.log(row(`ranked ballot, ${CANDIDATES} candidates, ${SEATS} seats (STV)`, election));
console.log(`| closing and counting | motion ${c1.ms.toFixed(0)} ms, election ${c2.ms.toFixed(0)} ms | ${stored} ballots stored | ${c1.status}/${c2.status}: ${result.slice(0, 60)}… |`);
