// make bench (part two): sign-in link requests and session checks per
// second with wrk, and 200 concurrent password sign-ins against the
// argon2id bound, with the server's peak memory.  Prints Markdown.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { startServer, Visitor, linkFor } from '../tests/integration/lib.mjs';

const OUT = 'bench/out';
const SECONDS = process.env.BENCH_SECONDS ?? '10';
mkdirSync(OUT, { recursive: true });
const db = `${OUT}/auth.db`;
rmSync(db, { force: true });
copyFileSync(process.env.TURNOUT_FIXTURE_DB ?? 'build/test/fixture.db', db);
// a thousand volunteers to send links to
const rows = Array.from({ length: 1000 }, (_, i) => `('Bench ${i}', 'user${i}@bench.example', 0, 0)`).join(',');
execFileSync('sqlite3', [db, `INSERT INTO people (name, email, created_at, last_active_at) VALUES ${rows};`]);

const open = '100000000/100000000';
const srv = await startServer({ db, env: {
  TURNOUT_RATE_SIGNIN_IP: open, TURNOUT_RATE_SIGNIN_ACCOUNT: open, TURNOUT_RATE_PASSWORD_IP: open,
  TURNOUT_RATE_PASSWORD_ACCOUNT: open, TURNOUT_RATE_SIGNUP_IP: open, TURNOUT_RATE_TOKEN_IP: open,
} });
const rss = (key) => Number(/(\d+) kB/.exec(readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(key)))[1]);

function wrk(script, path, conns = 32) {
  writeFileSync(`${OUT}/wrk.lua`, script);
  const out = execFileSync('wrk', ['-t1', `-c${conns}`, `-d${SECONDS}s`, '--latency', '-s', `${OUT}/wrk.lua`, srv.url + path], { encoding: 'utf8' });
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out)[1];
  const p99 = /\s99%\s+(\S+)/.exec(out)[1];
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? '0';
  return { rps: Math.round(Number(rps)), p99, non2xx };
}

const csrf = 'A'.repeat(43);
const links = wrk(`
local n = 0
request = function()
  n = n + 1
  local body = "csrf=${csrf}&email=user" .. (n % 1000) .. "%40bench.example"
  return wrk.format("POST", "/signin", { ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "turnout_csrf=${csrf}" }, body)
end`, '/signin');
const mails = readFileSync(`/proc/${srv.proc.pid}/status`) && execFileSync('sh', ['-c', `ls ${srv.outbox} | wc -l`], { encoding: 'utf8' }).trim();

const v = new Visitor(srv.url);
await v.signInByLink(srv.outbox, 'bench-admin@bench.example', 'Bench Admin');
const sessions = wrk(`
request = function()
  return wrk.format("GET", "/api/v1/me", { ["Cookie"] = "turnout_session=${v.jar.get('turnout_session')}" })
end`, '/api/v1/me');

// 200 people pressing "Sign in" with a password at once
await v.post('/account/password', { password: 'bench password 1234', again: 'bench password 1234' });
const before = rss('VmHWM');
const t0 = Date.now();
const results = await Promise.all(Array.from({ length: 200 }, () => fetch(`${srv.url}/signin/password`, {
  method: 'POST', redirect: 'manual',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `turnout_csrf=${csrf}` },
  body: `csrf=${csrf}&email=bench-admin%40bench.example&password=bench+password+1234`,
}).then((r) => r.status)));
const took = Date.now() - t0;
const after = rss('VmHWM');
const ok = results.filter((s) => s === 303).length;
const busy = results.filter((s) => s === 503).length;
await srv.stop();

console.log(`| sign-in link requests (\`POST /signin\`, 1,000 accounts, each a link row and its mail queued in one transaction, delivered by the sender) | ${links.rps} req/s | p99 ${links.p99} | ${mails} messages delivered to the outbox |`);
console.log(`| session checks (\`GET /api/v1/me\` with a session cookie) | ${sessions.rps} req/s | p99 ${sessions.p99} | non-2xx ${sessions.non2xx} |`);
console.log('');
console.log(`- 200 concurrent password sign-ins (argon2id, 19 MiB, t=2, at most 2 at once): ${ok} signed in, ${busy} told to retry (503), in ${took} ms; server peak RSS ${Math.round(before / 1024)} MiB before, ${Math.round(after / 1024)} MiB after (unbounded, 200 × 19 MiB would need 3.8 GiB).`);
