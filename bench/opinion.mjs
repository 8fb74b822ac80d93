// make bench (part seven): policy from the members (issue 13's floors).
//  1. Votes on a conversation's statements, each durable before its answer: wrk at full
//     speed, then a steady 500 a second measured request by request, while the map is
//     recomputed every second from every vote.
//  2. The ideas list of a movement with 100,000 ideas and 5 million supports.
// Prints Markdown rows.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { startServer } from '../tests/integration/lib.mjs';

const OUT = 'bench/out';
const SECONDS = Number(process.env.BENCH_SECONDS ?? '10');
const MEMBERS = 4000, STATEMENTS = 200, IDEAS = 100000, SUPPORTERS = 50000, EACH = 100;
mkdirSync(OUT, { recursive: true });
const db = `${OUT}/opinion-bench.db`;
rmSync(db, { force: true });
copyFileSync(process.env.TURNOUT_FIXTURE_DB ?? 'build/test/fixture.db', db);
const sql = (q) => execFileSync('sqlite3', [db], { input: q, encoding: 'utf8', maxBuffer: 1 << 26 }).trim();
await (await startServer({ db })).stop(); // the schema up to date
const now = Math.floor(Date.now() / 1000);
const hash = (t) => createHash('sha256').update(t).digest('hex');
const pad = (s, n, c) => s.padEnd(n, c);
const token = (i) => pad(`vote${String(i).padStart(8, '0')}`, 43, 'q');
const csrf = (i) => pad(`csrf${String(i).padStart(8, '0')}`, 43, 'c');

let q = `INSERT INTO local_groups (id, name, created_at) VALUES (1, 'Movement', ${now});
INSERT INTO conversations (id, question, scope, opens_at, closes_at, created_at) VALUES (1, 'Bench', 'movement', 0, ${now + 86400}, 0);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${STATEMENTS})
INSERT INTO statements (id, conversation_id, body, status, created_at, priority) SELECT i, 1, 'Statement ' || i, 'approved', 0, 324 FROM n;
`;
for (let i = 1; i <= MEMBERS; i++) {
  q += `INSERT INTO people (id, name, email, created_at, last_active_at) VALUES (${i}, 'M${i}', 'm${i}@bench.example', ${now}, ${now});
INSERT INTO sessions VALUES ('${hash(token(i))}', ${i}, '${csrf(i)}', 0, 0, ${now}, ${now});
INSERT INTO memberships VALUES (1, ${i}, 'member', ${now});
`;
}
sql(`BEGIN; ${q} COMMIT;`);

const srv = await startServer({ db, env: { TURNOUT_MAP_INTERVAL: '1' } });
// request n: member n % MEMBERS + 1 on statement n / MEMBERS + 1, so none repeats; two camps
writeFileSync(`${OUT}/votes.lua`, `
local n = 0
function request()
  local m = n % ${MEMBERS} + 1
  local s = math.floor(n / ${MEMBERS}) % ${STATEMENTS} + 1
  n = n + 1
  local tok = string.format("vote%08d", m) .. string.rep("q", 31)
  local csrf = string.format("csrf%08d", m) .. string.rep("c", 31)
  local vote = ((m + s) % 2 == 0) and "agree" or "disagree"
  return wrk.format("POST", "/conversations/1/votes", { ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "turnout_session=" .. tok }, "csrf=" .. csrf .. "&statement=" .. s .. "&vote=" .. vote)
end`);
const out = execFileSync('wrk', ['-t1', '-c64', `-d${SECONDS}s`, '--latency', '-s', `${OUT}/votes.lua`, srv.url],
  { encoding: 'utf8' });
const rps = Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]));
const p99 = /\s99%\s+(\S+)/.exec(out)[1];
const non3xx = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? '0';
const stored = Number(sql('SELECT count(*) FROM opinion_votes'));

// paced: 500 a second on fresh (member, statement) pairs, after a 1 s warm-up not
// counted; meanwhile, how often the map is redrawn
const WARM = 500, total = WARM + 500 * SECONDS;
const first = stored + 1000;
const lat = [];
const maps = new Set();
const watch = setInterval(() => maps.add(sql('SELECT computed_at || \'/\' || at_votes FROM opinion_maps WHERE conversation_id = 1')), 250);
const t0 = Date.now();
await Promise.all(Array.from({ length: total }, (_, k) => new Promise((resolve) => {
  setTimeout(async () => {
    const n = first + k, m = (n % MEMBERS) + 1, s = (Math.floor(n / MEMBERS) % STATEMENTS) + 1;
    const t = performance.now();
    const r = await fetch(`${srv.url}/conversations/1/votes`, { method: 'POST', redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `turnout_session=${token(m)}` },
      body: `csrf=${csrf(m)}&statement=${s}&vote=${(m + s) % 2 ? 'disagree' : 'agree'}` });
    await r.text();
    lat.push({ ms: performance.now() - t, ok: r.status === 303, k });
    resolve();
  }, Math.max(0, t0 + k * 2 - Date.now()));
})));
clearInterval(watch);
const counted = lat.filter((l) => l.k >= WARM).sort((a, b) => a.ms - b.ms);
const pq = (p) => counted[Math.min(counted.length - 1, Math.floor(p * counted.length))].ms.toFixed(1);
const ok = counted.filter((l) => l.ok).length;
const placed = sql('SELECT groups || \' groups, \' || placed || \' placed\' FROM opinion_maps WHERE conversation_id = 1');
await srv.stop();
console.log(`| durable votes (\`POST /conversations/{id}/votes\`, wrk -c64, full speed) | ${rps}/s | p99 ${p99} | ${stored} stored, non-2xx/3xx ${non3xx} |`);
console.log(`| durable votes at a steady 500/s (${counted.length} in ${SECONDS} s after a 1 s warm-up), the map redrawn meanwhile | 500/s | p50 ${pq(0.5)} ms, p99 ${pq(0.99)} ms | ${ok} answered 303; ${maps.size} maps seen while voting; last: ${placed} |`);

// 2: 100,000 ideas, 5 million supports (each of 50,000 supporters backs 100), counted on the ideas
const t1 = performance.now();
sql(`PRAGMA foreign_keys = OFF; BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${IDEAS})
INSERT INTO ideas (id, title, body, category, claims, scope, scope_key, supports, needed, deadline, created_at, updated_at)
  SELECT i, 'Idea ' || i, 'Why.', 'other', '', 'movement', 'm:', 0, 1000000, ${now + 86400 * 90}, ${now}, ${now} FROM n;
WITH RECURSIVE p(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM p WHERE i < ${SUPPORTERS}),
  k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < ${EACH - 1})
INSERT INTO idea_supports (idea_id, person_id, value, at) SELECT ((i * 37 + j * 1009) % ${IDEAS}) + 1, ${MEMBERS} + i, 1, ${now} FROM p, k;
CREATE TEMP TABLE c AS SELECT idea_id, count(*) AS n FROM idea_supports GROUP BY idea_id;
UPDATE ideas SET supports = (SELECT n FROM c WHERE c.idea_id = ideas.id);
COMMIT;`);
const seeded = ((performance.now() - t1) / 1000).toFixed(0);
const supports = sql('SELECT count(*) FROM idea_supports');
const srv2 = await startServer({ db });
writeFileSync(`${OUT}/ideas.lua`, `
local n = 0
function request()
  n = n + 1
  local m = n % ${MEMBERS} + 1
  local tok = string.format("vote%08d", m) .. string.rep("q", 31)
  return wrk.format("GET", "/ideas?in=m:&page=" .. (n % 20), { ["Cookie"] = "turnout_session=" .. tok })
end`);
const out2 = execFileSync('wrk', ['-t1', '-c32', `-d${SECONDS}s`, '--latency', '-s', `${OUT}/ideas.lua`, srv2.url],
  { encoding: 'utf8' });
const rps2 = Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(out2)[1]));
const lat2 = ['50%', '90%', '99%'].map((p) => `p${p.slice(0, -1)} ${new RegExp(`\\s${p}\\s+(\\S+)`).exec(out2)[1]}`).join(', ');
const non2 = /Non-2xx or 3xx responses: (\d+)/.exec(out2)?.[1] ?? '0';
await srv2.stop();
console.log(`| idea list pages (\`GET /ideas?in=m:&page=0…19\`, ${IDEAS.toLocaleString('en-GB')} ideas, ${Number(supports).toLocaleString('en-GB')} supports, wrk -c32) | ${rps2}/s | ${lat2} | non-2xx ${non2}; seeded in ${seeded} s |`);
rmSync(db, { force: true });
