// make bench (part ten): PostgreSQL and several nodes (issue 11).  A cluster
// of scripts/cluster.sh (primary + synchronous standby, three nodes,
// HAProxy, all on this machine) with the full data: the import's time,
// durable sign-ups and phone-bank claims (1,000 callers) through one node
// and through HAProxy to three, postcode and marginal lookups on one node,
// and the connections the primary holds meanwhile.  Prints Markdown.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { run, startServer } from '../tests/integration/lib.mjs';
import { startCluster } from '../tests/cluster/cluster.mjs';

const OUT = 'bench/out';
const SECONDS = Number(process.env.BENCH_SECONDS ?? '10');
const CALLERS = Number(process.env.BENCH_CALLERS ?? '1000');
const CONNS = process.env.BENCH_CONNECTIONS ?? '64';
mkdirSync(OUT, { recursive: true });
const LIFT = '1000000/1000000';
const sha = (t) => createHash('sha256').update(t).digest('hex');
const now = Math.floor(Date.now() / 1000);

const t0 = Date.now();
const c = startCluster({ TURNOUT_RATE_SIGNIN_IP: LIFT, TURNOUT_RATE_TOKEN_IP: LIFT, TURNOUT_RATE_CLAIM_CALLER: LIFT,
  TURNOUT_RATE_SHIFT_CALLER: LIFT }, 'data');
const upSecs = ((Date.now() - t0) / 1000).toFixed(0);
const imported = readFileSync(`${c.dir}/import.txt`, 'utf8').trim().split('\n').at(-1);
const importSecs = /in ([\d.]+) s/.exec(imported)?.[1];
const node = c.nodeUrl(1);
let peakConns = 0;
const conns = () => {
  const n = Number(c.sql("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"));
  peakConns = Math.max(peakConns, n);
};
const sampling = setInterval(conns, 500);

try {
  // sign-ups: guests held, confirmed as fast as wrk goes
  const start = now + 86400;
  const ev = c.sql(`INSERT INTO events (type, title, description, seat, postcode, lat, lon, address, address_private,
    access_notes, starts_at, ends_at, status, created_at) VALUES ('canvass', 'Deadline night', '', 'E14001193',
    'DE22 1AA', 52.93, -1.48, '', 0, '', ${start}, ${start + 7200}, 'published', 0) RETURNING id`);
  const slot = c.sql(`INSERT INTO slots (event_id, starts_at, ends_at, capacity) VALUES (${ev}, ${start}, ${start + 7200}, 1000000) RETURNING id`);
  const tokens = Array.from({ length: 2 * 60000 }, () => randomBytes(32).toString('base64url'));
  for (let i = 0; i < tokens.length; i += 5000) {
    c.sql(`INSERT INTO pending_signups (token_hash, slot_id, name, email, expires_at) VALUES ${tokens.slice(i, i + 5000)
      .map((t, k) => `('${sha(t)}', ${slot}, 'Volunteer', 'v${i + k}@bench.example', ${start})`).join(',')}`);
  }
  writeFileSync(`${OUT}/pg-tokens-1.txt`, tokens.slice(0, 60000).join('\n'));
  writeFileSync(`${OUT}/pg-tokens-3.txt`, tokens.slice(60000).join('\n'));
  const csrf = 'B'.repeat(43);
  const wrk = (url, script, args) => {
    const out = execFileSync('wrk', ['-t1', `-c${CONNS}`, `-d${SECONDS}s`, '--latency', '-s', script, url, '--', ...args],
      { encoding: 'utf8' });
    return { rps: Math.round(Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1])), p50: /\s50%\s+(\S+)/.exec(out)[1],
      p99: /\s99%\s+(\S+)/.exec(out)[1], bad: /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? '0' };
  };
  const going = () => Number(c.sql(`SELECT count(*) FROM signups WHERE slot_id = ${slot}`));
  const s1 = wrk(node, 'bench/signups.lua', [`${OUT}/pg-tokens-1.txt`, csrf]);
  const stored1 = going();
  const s3 = wrk(c.url, 'bench/signups.lua', [`${OUT}/pg-tokens-3.txt`, csrf]);
  const stored3 = going() - stored1;

  // phone banking: 1,000 callers at once on 200,000 voters
  const g = c.sql("INSERT INTO local_groups (name, created_at) VALUES ('Bench group', 0) RETURNING id");
  const b = c.sql(`INSERT INTO phonebanks (group_id, name, script, survey, hours_start, hours_end, days, max_attempts,
    retry_wait_min, created_at) VALUES (${g}, 'Bench calls', 'Hello {name}', 'single: Vote? | Yes | No', 0, 1440, 127, 3,
    240, 0) RETURNING id`);
  c.sql(`INSERT INTO phonebank_seats VALUES (${b}, 'E14001193')`);
  const pcs = c.sql("SELECT pc FROM postcodes WHERE pc LIKE 'DE22%' LIMIT 2000").split('\n');
  const rows = 200000;
  writeFileSync(`${OUT}/pg-contacts.csv`, `first_name,last_name,phone,postcode\n${Array.from({ length: rows },
    (_, i) => `Voter,Number${i},07${String(700000000 + i).padStart(9, '0')},${pcs[i % pcs.length]}`).join('\n')}\n`);
  const loaded = run(['contacts', '--phonebank', b, `${OUT}/pg-contacts.csv`, '--db', c.db]);
  if (loaded.status !== 0) throw new Error(loaded.stderr);
  const contactRate = /\(([\d.]+) rows\/s\)/.exec(loaded.stdout)?.[1];
  const ctokens = [];
  const inserts = [];
  for (let i = 0; i < CALLERS; i++) {
    const id = 900000 + i;
    const t = randomBytes(32).toString('base64url');
    ctokens.push(t);
    inserts.push(`INSERT INTO people (id, name, email, created_at, last_active_at) VALUES (${id}, 'Caller ${i}', 'c${i}@bench.example', ${now}, ${now});
      INSERT INTO phonebank_callers VALUES (${b}, ${id}, 1, ${now});
      INSERT INTO sessions (token_hash, person_id, csrf, created_at, last_seen_at) VALUES ('${sha(t)}', ${id}, '${'c'.repeat(43)}', ${now}, ${now});`);
  }
  for (let i = 0; i < inserts.length; i += 200) c.sql(inserts.slice(i, i + 200).join('\n'));
  writeFileSync(`${OUT}/pg-callers.txt`, ctokens.join('\n') + '\n');
  const CALLERS_BIN = process.env.TURNOUT_CALLERS_BIN ?? 'build/bench/callers';
  const callers = (url, tag) => {
    const out = execFileSync(CALLERS_BIN, [url, String(b), `${OUT}/pg-callers.txt`, String(SECONDS), '0', `${OUT}/pg-acked-${tag}.txt`],
      { encoding: 'utf8', maxBuffer: 1 << 26 }).trim().split(' ');
    // the callers' last leases given back (answers still in flight may hold a row: again)
    for (let i = 0; ; i++) {
      try {
        c.sql('UPDATE contacts SET lease_until = NULL, leased_to = NULL, queue_at = 0 WHERE lease_until IS NOT NULL');
        break;
      } catch (e) {
        if (i === 5) throw e;
        execFileSync('sleep', ['1']);
      }
    }
    return { rate: Math.round(Number(out[0]) / SECONDS), p50: out[1], p99: out[2], errors: out[3] };
  };
  const c1 = callers(node, '1');
  const c3 = callers(c.url, '3');
  const twice = c.sql('SELECT count(*) FROM (SELECT contact_id FROM calls GROUP BY contact_id HAVING count(*) > 1) x');

  // lookups on a node reading PostgreSQL
  const pclist = `${OUT}/pclist.txt`;
  if (!existsSync(pclist)) writeFileSync(pclist, c.sql('SELECT replace(pc, \' \', \'\') FROM postcodes ORDER BY random() LIMIT 20000'));
  const l1 = wrk(node, 'bench/postcodes.lua', [pclist, '/postcodes/%s']);
  const l2 = wrk(node, 'bench/postcodes.lua', [pclist, '/api/v1/marginals?postcode=%s']);
  // and a fourth node with no local file: the same lookups from PostgreSQL, through PgBouncer
  const pgd = readFileSync(`${c.dir}/pgdir`, 'utf8').trim();
  const extra = await startServer({ db: `postgresql:///turnout?host=${encodeURIComponent(`${pgd}/b`)}&port=6432&user=turnout`,
    env: { TURNOUT_PG_POOLER: 'transaction', TURNOUT_FILES: `${c.dir}/files`, TURNOUT_NODE: 'bench' } });
  const p1 = wrk(extra.url, 'bench/postcodes.lua', [pclist, '/postcodes/%s']);
  const p2 = wrk(extra.url, 'bench/postcodes.lua', [pclist, '/api/v1/marginals?postcode=%s']);
  await extra.stop();
  clearInterval(sampling);
  conns();

  console.log(`| \`turnout import\` of the full data into PostgreSQL (synchronous standby) | ${importSecs} s | | floor 120 s |`);
  console.log(`| the cluster up with the full data (2 servers, 2 imports, 3 nodes, PgBouncer, HAProxy) | ${upSecs} s | | |`);
  console.log(`| durable sign-ups, one node (wrk -c${CONNS}, ${SECONDS} s) | ${s1.rps}/s | p50 ${s1.p50}, p99 ${s1.p99} | ${stored1} stored, non-2xx ${s1.bad} |`);
  console.log(`| durable sign-ups, three nodes through HAProxy | ${s3.rps}/s | p50 ${s3.p50}, p99 ${s3.p99} | ${stored3} stored, non-2xx ${s3.bad} |`);
  console.log(`| contact import into PostgreSQL, ${rows.toLocaleString('en-GB')} rows | ${contactRate} rows/s | | |`);
  console.log(`| ${CALLERS} callers, save + next claim, one node | ${c1.rate}/s | p50 ${c1.p50} ms, p99 ${c1.p99} ms | ${c1.errors} errors |`);
  console.log(`| ${CALLERS} callers, save + next claim, three nodes through HAProxy | ${c3.rate}/s | p50 ${c3.p50} ms, p99 ${c3.p99} ms | ${c3.errors} errors; ${twice} voters called twice |`);
  console.log(`| GET /postcodes/{pc}, a node with the reference file (TURNOUT_REFERENCE, wrk -c${CONNS}) | ${l1.rps}/s | p50 ${l1.p50}, p99 ${l1.p99} | non-2xx ${l1.bad} |`);
  console.log(`| GET /api/v1/marginals?postcode={pc}, a node with the reference file | ${l2.rps}/s | p50 ${l2.p50}, p99 ${l2.p99} | non-2xx ${l2.bad} |`);
  console.log(`| GET /postcodes/{pc}, a node reading PostgreSQL through PgBouncer | ${p1.rps}/s | p50 ${p1.p50}, p99 ${p1.p99} | non-2xx ${p1.bad} |`);
  console.log(`| GET /api/v1/marginals?postcode={pc}, a node reading PostgreSQL through PgBouncer | ${p2.rps}/s | p50 ${p2.p50}, p99 ${p2.p99} | non-2xx ${p2.bad} |`);
  console.log(`| connections on the primary, peak while measuring | ${peakConns} | | 3 nodes and this count's own; floor ${4 * availableParallelism()} |`);
} finally {
  clearInterval(sampling);
  c.stop();
}
