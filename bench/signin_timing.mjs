// Issue 18 #11: a sign-in link request takes as long for an address with no
// account as for one with (both queue one mail in one transaction), so the
// answer's timing does not say which.  400 of each, alternated, one client.
// Prints a Markdown row.
import { startServer, copyDb, Visitor, FIXTURE_DB } from '../tests/integration/lib.mjs';
const db = copyDb(FIXTURE_DB);
const L = '1000000/1000000';
const srv = await startServer({ db, env: { TURNOUT_RATE_SIGNIN_IP: L, TURNOUT_RATE_SIGNIN_ACCOUNT: L, TURNOUT_RATE_SIGNUP_IP: L } });
const v = new Visitor(srv.url);
await v.get('/signup'); await v.post('/signup', { name: 'Known Person', email: 'known@example.org' });
await v.get('/signin');
const times = { known: [], unknown: [] };
for (let i = 0; i < 400; i++) {
  for (const k of ['known', 'unknown']) {
    const t0 = performance.now();
    const r = await v.post('/signin', { email: k === 'known' ? 'known@example.org' : `nobody${i}@example.org` });
    times[k].push(performance.now() - t0);
    if (r.status !== 200) throw new Error(r.status);
  }
}
const q = (k, f) => { const a = times[k].sort((x, y) => x - y); return a[Math.floor(a.length * f)].toFixed(2); };
console.log(`| sign-in link, known vs unknown address | 400 each | median ${q('known', 0.5)} vs ${q('unknown', 0.5)} ms, p90 ${q('known', 0.9)} vs ${q('unknown', 0.9)} ms | the same work either way |`);
await srv.stop();
