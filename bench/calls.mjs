// make bench (part four): phone banking.  A 1,000,000-row contact list
// through `turnout contacts` (rows a second, peak memory), then 1,000
// callers at once on the JSON caller API (bench/callers.c, in C so the
// load generator is not what is measured), each saving an outcome and
// being handed the next voter in the same request: flat out, then paced at
// 2,000 a second.  Checks afterwards, from the database, that no voter went
// to two callers and no acknowledged outcome is missing.  Prints Markdown.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const sql = (q) => execFileSync('sqlite3', [db], { input: `.timeout 10000\n${q}`, encoding: 'utf8', maxBuffer: 1 << 26 }).trim();

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
// the list and the database copy just written: flushed first, so the import is what is timed
execFileSync('sync');
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

writeFileSync(`${OUT}/callers.txt`, tokens.join('\n') + '\n');
// the bench measures throughput: the per-caller limits (which stop harvesting) are lifted
const LIFT = '1000000/1000000';
// 1,000 callers from one address: lift the per-address connection cap too
const srv = await startServer({ db, env: { TURNOUT_RATE_CLAIM_CALLER: LIFT, TURNOUT_RATE_SHIFT_CALLER: LIFT,
  TURNOUT_CONN_PER_IP: '0' } });
const CALLERS_BIN = process.env.TURNOUT_CALLERS_BIN ?? 'build/bench/callers';
// run the C load generator: "saves p50 p99 errors", acknowledged ids in a file
function callers(rate) {
  const acked = `${OUT}/acked-${rate}.txt`;
  const out = execFileSync(CALLERS_BIN, [srv.url, '1', `${OUT}/callers.txt`, String(SECONDS), String(rate), acked],
    { encoding: 'utf8', maxBuffer: 1 << 26 }).trim().split(' ');
  const ids = readFileSync(acked, 'utf8').split('\n').filter(Boolean);
  return { saves: Number(out[0]), p50: out[1], p99: out[2], errors: Number(out[3]), ids };
}
const flat = callers(0);
// the first run's callers still hold leases: give those voters back
sql("UPDATE contacts SET lease_until = NULL, leased_to = NULL, queue_at = 0 WHERE lease_until IS NOT NULL");
const paced = callers(2000);
await srv.stop();

// every acknowledged save is a call row; no voter was called twice
const calls = Number(sql("SELECT count(*) FROM calls WHERE outcome = 'no_answer'"));
const twice = Number(sql('SELECT count(*) FROM (SELECT contact_id FROM calls GROUP BY contact_id HAVING count(*) > 1)'));
const acked = [...new Set([...flat.ids, ...paced.ids])];
writeFileSync(`${OUT}/acked.sql`, `CREATE TEMP TABLE a (id INTEGER PRIMARY KEY);\n${acked.map((i) => `INSERT INTO a VALUES (${i});`).join('\n')}\nSELECT count(*) FROM a WHERE id NOT IN (SELECT contact_id FROM calls);\n`);
const missing = Number(execFileSync('sqlite3', [db], { input: readFileSync(`${OUT}/acked.sql`), encoding: 'utf8' }).trim());
console.log(`| contact import, ${ROWS.toLocaleString('en-GB')} rows | ${importSecs} s | ${Math.round(rate).toLocaleString('en-GB')} rows/s | peak RSS ${(rssKiB / 1024).toFixed(1)} MiB |`);
console.log(`| ${CALLERS} callers, save + next claim, flat out, ${SECONDS} s | ${Math.round(flat.saves / SECONDS).toLocaleString('en-GB')} claims/s | p50 ${flat.p50} ms, p99 ${flat.p99} ms | ${flat.errors} errors |`);
console.log(`| ${CALLERS} callers, save + next claim, paced at 2,000/s, ${SECONDS} s | ${Math.round(paced.saves / SECONDS).toLocaleString('en-GB')} claims/s | p50 ${paced.p50} ms, p99 ${paced.p99} ms | ${paced.errors} errors |`);
console.log(`| no contact leased twice, no outcome lost | ${calls.toLocaleString('en-GB')} calls stored | ${twice} voters called twice | ${missing} of ${acked.length.toLocaleString('en-GB')} acknowledged saves missing |`);
