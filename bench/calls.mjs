// make bench (part four): phone banking.  A 1,000,000-row contact list
// through `turnout contacts` (rows a second, peak memory), then 1,000
// callers at once on the JSON caller API, each saving an outcome and being
// handed the next voter in the same request, for BENCH_SECONDS.  Checks
// afterwards, from the database, that no voter went to two callers and no
// acknowledged outcome is missing.  Prints Markdown.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { startServer, BIN } from '../tests/integration/lib.mjs';

const OUT = 'bench/out';
const SECONDS = Number(process.env.BENCH_SECONDS ?? '10');
const CALLERS = Number(process.env.BENCH_CALLERS ?? '1000');
const ROWS = Number(process.env.BENCH_CONTACT_ROWS ?? '1000000');
mkdirSync(OUT, { recursive: true });
const db = `${OUT}/calls.db`;
for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
copyFileSync(process.env.TURNOUT_FIXTURE_DB ?? 'build/test/fixture.db', db);
const sql = (q) => execFileSync('sqlite3', [db], { input: q, encoding: 'utf8', maxBuffer: 1 << 26 }).trim();

// a group and a phone bank calling all day, every day, targeting Derby North
sql(`INSERT INTO local_groups (name, created_at) VALUES ('Bench group', 0);
  INSERT INTO phonebanks (group_id, name, script, survey, hours_start, hours_end, days, max_attempts,
    retry_wait_min, created_at) VALUES (1, 'Bench calls', 'Hello {name}', 'single: Vote? | Yes | No', 0, 1440, 127, 3, 240, 0);
  INSERT INTO phonebank_seats VALUES (1, 'E14001193');`);

// the list: real postcodes from the data, UK mobile numbers, a free column
const pcs = sql('SELECT pc FROM postcodes ORDER BY random() LIMIT 5000').split('\n');
const csv = `${OUT}/contacts.csv`;
const w = createWriteStream(csv);
w.write('first_name,last_name,phone,postcode,ward\n');
for (let i = 0; i < ROWS; i++) {
  const line = `Voter,Number${i},07${String(700000000 + i).padStart(9, '0')},${pcs[i % pcs.length]},Ward ${i % 40}\n`;
  if (!w.write(line)) await once(w, 'drain');
}
w.end();
await once(w, 'finish');
const imp = spawnSync('/usr/bin/time', ['-f', '%M', BIN, 'contacts', '--phonebank', '1', csv, '--db', db], { encoding: 'utf8' });
if (imp.status !== 0) throw new Error(imp.stderr);
const rate = Number(/\(([\d.]+) rows\/s\)/.exec(imp.stdout)[1]);
const importSecs = Number(/in ([\d.]+) s/.exec(imp.stdout)[1]);
const rssKiB = Number(imp.stderr.trim().split('\n').at(-1));

// callers: people, approved for the phone bank, each with a live session
const tokens = [];
let rows = [];
const now = Math.floor(Date.now() / 1000);
for (let i = 1; i <= CALLERS; i++) {
  const t = randomBytes(32).toString('base64url');
  tokens.push(t);
  rows.push(`INSERT INTO people (id, name, email, created_at, last_active_at) VALUES (${i}, 'Caller ${i}', 'c${i}@bench.example', ${now}, ${now});
    INSERT INTO phonebank_callers VALUES (1, ${i}, 1, ${now});
    INSERT INTO sessions (token_hash, person_id, csrf, created_at, last_seen_at) VALUES ('${createHash('sha256').update(t).digest('hex')}', ${i}, '${'c'.repeat(43)}', ${now}, ${now});`);
}
sql(`BEGIN; ${rows.join('\n')} COMMIT;`);
rows = [];

const srv = await startServer({ db });
const post = async (path, token, body) => {
  const t0 = performance.now();
  const res = await fetch(srv.url + path, { method: 'POST', body: JSON.stringify(body ?? {}),
    headers: { Cookie: `turnout_session=${token}`, Origin: srv.url, 'Content-Type': 'application/json' } });
  const json = await res.json();
  return { status: res.status, json, ms: performance.now() - t0 };
};

// each caller: take a voter, then save-and-take-the-next as fast as it can
const lat = [];
const saved = [];
let errors = 0;
let measuring = false;
const end = { at: 0 };
await Promise.all(tokens.map(async (t) => {
  let r = await post('/api/v1/phonebanks/1/next', t);
  let contact = r.json.result;
  while (contact && (!end.at || performance.now() < end.at)) {
    r = await post(`/api/v1/phonebanks/1/contacts/${contact.id}/outcome`, t, { outcome: 'no_answer' });
    if (r.status !== 200) { errors++; break; }
    if (measuring) { lat.push(r.ms); saved.push(contact.id); }
    contact = r.json.result;
  }
}).concat([(async () => {
  await new Promise((res) => setTimeout(res, 1000)); // the connections warm up
  measuring = true;
  const t0 = performance.now();
  end.at = t0 + SECONDS * 1000;
  await new Promise((res) => setTimeout(res, SECONDS * 1000));
  measuring = false;
})()]));
await srv.stop();

lat.sort((a, b) => a - b);
const pct = (p) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))].toFixed(1);
const perSec = Math.round(lat.length / SECONDS);
// every acknowledged save is a call row; no voter was called twice
const calls = Number(sql("SELECT count(*) FROM calls WHERE outcome = 'no_answer'"));
const twice = Number(sql('SELECT count(*) FROM (SELECT contact_id FROM calls GROUP BY contact_id HAVING count(*) > 1)'));
const missing = saved.length - Number(sql(`SELECT count(*) FROM calls WHERE contact_id IN (${[...new Set(saved)].join(',') || 0})`));
console.log(`| contact import, ${ROWS.toLocaleString('en-GB')} rows | ${importSecs} s | ${Math.round(rate).toLocaleString('en-GB')} rows/s | peak RSS ${(rssKiB / 1024).toFixed(1)} MiB |`);
console.log(`| ${CALLERS} callers, save + next claim (JSON API), ${SECONDS} s | ${perSec.toLocaleString('en-GB')} claims/s | p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms | ${calls} calls stored, ${twice} voters called twice, ${missing} acknowledged saves missing, ${errors} errors |`);
