// make bench (part nine): a late drop-out reaching the standby list (issue 16's floor:
// within 60 s).  The demo's first collection, moved to start in six hours; a driver takes
// its run and gives it up; we time from the answer to the drop-out until each of 20
// volunteers on the standby list has a mail (the page wakes the keeper; its interval is
// the default 10 s), five times over.  Prints a Markdown row.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { startServer, groupMember, run, mailFor } from '../tests/integration/lib.mjs';

const OUT = 'bench/out';
mkdirSync(OUT, { recursive: true });
const db = `${OUT}/dropout-bench.db`;
rmSync(db, { force: true });
copyFileSync(process.env.TURNOUT_FIXTURE_DB ?? 'build/test/fixture.db', db);
if (run(['demo', '--db', db]).status !== 0) throw new Error('demo');
const sql = (q) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', db], { input: q, encoding: 'utf8' }).trim();
const srv = await startServer({ db, env: { TURNOUT_RATE_SIGNUP_IP: '100000/100000', TURNOUT_RATE_SIGNIN_IP: '100000/100000' } });
const gid = Number(sql('SELECT group_id FROM group_foodbanks LIMIT 1'));
const coll = Number(sql('SELECT min(event_id) FROM collections'));
const runId = Number(sql(`SELECT id FROM runs WHERE event_id = ${coll}`));
const now = Math.floor(Date.now() / 1000), shift = Number(sql(`SELECT starts_at FROM events WHERE id = ${coll}`)) - (now + 6 * 3600);
sql(`UPDATE events SET starts_at = starts_at - ${shift}, ends_at = ends_at - ${shift} WHERE id = ${coll};
     UPDATE slots SET starts_at = starts_at - ${shift}, ends_at = ends_at - ${shift} WHERE event_id = ${coll};
     UPDATE runs SET departs_at = departs_at - ${shift}, arrives_at = arrives_at - ${shift} WHERE id = ${runId};`);
// a driver a round: each gives the run up once (a second drop-out by the same driver is not told again)
const drivers = [];
for (let i = 0; i < 5; i++) drivers.push(await groupMember(srv, gid, `driver${i}@bench.example`, `Dee Driver ${i}`));
const standby = [];
for (let i = 0; i < 20; i++) {
  const v = await groupMember(srv, gid, `standby${i}@bench.example`, `Sam Standby ${i}`);
  await v.get(`/collections/${coll}`);
  await v.post(`/collections/${coll}/standby`);
  standby.push(`standby${i}@bench.example`);
}
const times = [];
for (let round = 0; round < 5; round++) {
  const driver = drivers[round];
  await driver.get(`/collections/${coll}`);
  if ((await driver.post(`/runs/${runId}/take`)).status !== 303) throw new Error('take');
  const t0 = Date.now();
  if ((await driver.post(`/runs/${runId}/drop`)).status !== 303) throw new Error('drop');
  const re = new RegExp(`give up the run[^]*?/collections/${coll}`);
  const seen = new Set();
  while (seen.size < standby.length) {
    for (const to of standby) {
      if (!seen.has(to) && mailFor(srv.outbox, to, re)) seen.add(to);
    }
    if (Date.now() - t0 > 120000) throw new Error('no mail in two minutes');
    await new Promise((r) => setTimeout(r, 50));
  }
  times.push((Date.now() - t0) / 1000);
  // the next round's mails must be new ones
  execFileSync('sh', ['-c', `rm -f ${srv.outbox}/*.eml`]);
}
await srv.stop();
times.sort((a, b) => a - b);
console.log(`| a late drop-out to its 20 standby volunteers | ${times.map((t) => t.toFixed(1)).join(', ')} s (5 runs) | worst ${times[4].toFixed(1)} s | floor 60 s; the page wakes the keeper (else every 10 s) |`);
