// Issue 19 #8-#9: a contact list killed part-way says exactly what is live
// and carries on when loaded again; a big list never makes sign-ups fail.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { writeFileSync, mkdtempSync, readFileSync, existsSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, startServer, copyDb, strongAdmin, run, FULL_DB, sqlOn } from './lib.mjs';

let srv, db, admin, gid;
const ENV = { TURNOUT_RATE_SIGNUP_IP: '5000/5000', TURNOUT_RATE_SIGNIN_IP: '5000/5000',
  TURNOUT_RATE_TOKEN_IP: '1000000/1000000' };
// a reader waits out a writer's commit as the server's connections do (the shell's
// default is to fail at once with "database is locked")
const sql = (q) => sqlOn(db)(q);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
const ROWS = 300000;
const BIG = 1000000; // the size that made sign-ups fail before (issue 19 #9)

// every row valid, every number different: what is live is a count
function list(rows) {
  const file = join(mkdtempSync(join(tmpdir(), 'list-')), 'voters.csv');
  const lines = ['phone,name,postcode'];
  for (let i = 0; i < rows; i++) lines.push(`07${400000000 + i},Voter ${i},DE22 1AA`);
  writeFileSync(file, lines.join('\n'));
  return file;
}

async function newBank(name) {
  await admin.get('/phonebanks/new');
  const r = await admin.post('/phonebanks', { group: gid, name, script: 'Hi', survey: '', start: '00:00', end: '24:00' });
  assert.equal(r.status, 303, r.body.slice(0, 200));
  return Number(/\/phonebanks\/(\d+)/.exec(r.headers.get('location'))[1]);
}

const live = (bank) => Number(sql(`SELECT count(*) FROM contacts WHERE phonebank_id = ${bank} AND practice = 0`));
const record = (bank) => {
  const row = sql(`SELECT rows_done, rows_total, finished_at IS NOT NULL FROM contact_imports
    WHERE phonebank_id = ${bank} ORDER BY id DESC LIMIT 1`);
  if (!row) return null;
  const [done, total, finished] = row.split('|').map(Number);
  return { done, total, finished };
};

before(async () => {
  db = copyDb(FULL_DB);
  srv = await startServer({ db, env: ENV });
  admin = await strongAdmin(srv, db);
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Loaders', seats: 'E14001193' });
  gid = (await admin.api('GET', '/api/v1/groups')).body.result[0].id;
});
after(async () => { if (srv) await srv.stop(); });

test('kill -9 part-way through a list: exactly the rows recorded are live, and loading it again carries on', async () => {
  const bank = await newBank('Killed loads');
  const file = list(ROWS);
  let kills = 0, told = false;
  for (let trial = 0; trial < 4; trial++) {
    const p = spawn(BIN, ['contacts', '--phonebank', String(bank), file, '--db', db], { stdio: 'ignore' });
    const ended = new Promise((r) => p.on('exit', (code, signal) => r({ code, signal })));
    await sleep(250 + Math.floor(Math.random() * 400));
    p.kill('SIGKILL');
    const end = await ended;
    const r = record(bank);
    if (!r) { // killed before it began: nothing is live
      assert.equal(live(bank), 0);
      continue;
    }
    if (end.signal !== 'SIGKILL' || r.finished) break; // it finished first
    kills++;
    assert.equal(r.total, ROWS);
    assert.equal(live(bank), r.done, `trial ${trial}: ${live(bank)} live, the record says ${r.done}`);
    if (!told) {
      // the organiser is told, once the load has not moved for a minute
      sql(`UPDATE contact_imports SET updated_at = updated_at - 120 WHERE phonebank_id = ${bank}`);
      const page = (await admin.get(`/phonebanks/${bank}`)).body;
      assert.match(page, new RegExp(`stopped after row ${r.done} of ${ROWS}`));
      assert.match(page, new RegExp(`carry on from row ${r.done + 1}`));
      told = true;
    }
  }
  assert.ok(kills >= 1, 'the load was never caught part-way');
  const { done, finished } = record(bank);
  const again = run(['contacts', '--phonebank', String(bank), file, '--db', db]);
  assert.equal(again.status, 0, again.stderr);
  // killed before its first batch landed, a load has nothing to carry on from
  if (!finished && done > 0) assert.match(again.stdout, new RegExp(`carried on after row ${done}`));
  assert.equal(live(bank), ROWS);
  assert.deepEqual(record(bank), { done: ROWS, total: ROWS, finished: 1 });
  assert.match((await admin.get(`/phonebanks/${bank}`)).body, /is loaded whole: 300000 rows/);
  // loaded a third time, it is a new load that merges everything
  const third = run(['contacts', '--phonebank', String(bank), file, '--db', db]);
  assert.match(third.stdout, /0 added, 300000 merged by phone/);
  assert.equal(live(bank), ROWS);
});

// A session with 4,000 sign-ups waiting to be confirmed, and what confirms
// them, four at a time, for as long as busy() says: how many were answered
// "You are going", and how long each waited.
async function signups(title) {
  await admin.get('/events/new');
  const made = await admin.post('/events', { group: gid, type: 'canvass', title, date: day(3),
    start: '10:00', end: '13:00', postcode: 'DE22 1AA', address: '1 Station Road', capacity: '10000' });
  assert.equal(made.status, 303, made.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 1500));
  const id = Number(/\/events\/(\d+)/.exec(made.headers.get('location'))[1]);
  const slot = sql(`SELECT id FROM slots WHERE event_id = ${id}`);
  const tag = `s${id}`;
  const tokens = Array.from({ length: 4000 }, (_, i) => `${tag}x${String(i).padStart(8, '0')}`.padEnd(43, 'x'));
  sql(`INSERT INTO pending_signups (token_hash, slot_id, name, email, phone, expires_at) VALUES ${tokens.map((t, i) =>
    `('${createHash('sha256').update(t).digest('hex')}', ${slot}, 'Busy ${i}', '${tag}.${i}@example.org', NULL, ${Math.floor(Date.now() / 1000) + 3600})`).join(',')}`);
  const csrf = 'C'.repeat(43);
  return async (busy) => {
    const waits = [];
    let failed = 0, next = 0;
    const worker = async () => {
      while (busy() && next < tokens.length) {
        const t0 = performance.now();
        const r = await fetch(`${srv.url}/signups/confirm`, { method: 'POST', redirect: 'manual',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: `turnout_csrf=${csrf}` },
          body: `csrf=${csrf}&token=${tokens[next++]}` });
        const body = await r.text();
        waits.push(performance.now() - t0);
        if (r.status !== 200 || !/You are going/.test(body)) failed++;
        await sleep(20);
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    waits.sort((a, b) => a - b);
    return { failed, waits, worst: waits[waits.length - 1], median: waits[waits.length >> 1] };
  };
}

function assertUnhurt(what, s) {
  console.log(`# ${s.waits.length} sign-ups during ${what}: ${s.failed} failed; median ${s.median.toFixed(0)} ms, worst ${s.worst.toFixed(0)} ms`);
  assert.ok(s.waits.length >= 20, `only ${s.waits.length} sign-ups ran during ${what}`);
  assert.equal(s.failed, 0, `${s.failed} of ${s.waits.length} sign-ups failed during ${what}`);
  assert.ok(s.worst < 2000, `a sign-up waited ${s.worst.toFixed(0)} ms during ${what}`);
}

test('a big list loading meanwhile makes no sign-up fail or wait long', async () => {
  const bank = await newBank('Busy night');
  const file = list(BIG);
  const confirm = await signups('Busy night');
  const p = spawn(BIN, ['contacts', '--phonebank', String(bank), file, '--db', db], { stdio: 'ignore' });
  let loading = true;
  const ended = new Promise((r) => p.on('exit', (code) => { loading = false; r(code); }));
  const s = await confirm(() => loading);
  assert.equal(await ended, 0);
  assert.equal(live(bank), BIG);
  assertUnhurt('the load', s);
});

// The reference data (postcodes, seats, results) as the server sees it.
const reference = () => sql(`SELECT (SELECT count(*) FROM postcodes), (SELECT count(*) FROM constituencies),
  (SELECT count(*) FROM results), (SELECT count(*) FROM result_votes), (SELECT count(*) FROM districts),
  (SELECT count(*) FROM results JOIN constituencies USING (boundary_set, code)),
  (SELECT count(*) FROM postcodes WHERE pcon2024 IN (SELECT code FROM constituencies WHERE boundary_set = 2024))`);
const leftovers = () => sql(`SELECT group_concat(name) FROM sqlite_master WHERE name LIKE 'new\\_%' ESCAPE '\\'
  OR name LIKE 'old\\_%' ESCAPE '\\'`);
const looksUp = async () => (await fetch(`${srv.url}/postcodes/DE221AA`)).status;
// A full import under the sanitizers takes minutes, so the imports here use the
// plain build when `make test` names it: the sanitized importer has already read
// the same data to build the full test database, and the server stays sanitized.
const IMPORT_BIN = process.env.TURNOUT_IMPORT_BIN ?? BIN;

test('turnout import while serving: no sign-up fails or waits long, and lookups go on', async () => {
  const before = reference();
  const confirm = await signups('Import night');
  const p = spawn(IMPORT_BIN, ['import', '--data', 'data', '--db', db], { stdio: 'ignore' });
  let importing = true, lookups = 0, lookupsFailed = 0;
  const ended = new Promise((r) => p.on('exit', (code) => { importing = false; r(code); }));
  const looking = (async () => {
    while (importing) {
      lookups++;
      if (await looksUp() !== 200) lookupsFailed++;
      await sleep(50);
    }
  })();
  const s = await confirm(() => importing);
  assert.equal(await ended, 0);
  await looking;
  assertUnhurt('the reference import', s);
  assert.equal(lookupsFailed, 0, `${lookupsFailed} of ${lookups} postcode lookups failed during the import`);
  assert.equal(reference(), before);
  assert.equal(leftovers(), '');
  assert.equal(existsSync(`${db}-import`), false, 'the staging file is removed');
  assert.equal(sql('PRAGMA foreign_key_check'), '');
});

test('turnout import killed while building, copying or swapping: the live data stays whole and the next one finishes', async () => {
  const before = reference();
  const has = (like) => sql(`SELECT count(*) FROM sqlite_master WHERE name LIKE '${like}' ESCAPE '\\'`) !== '0';
  const phases = {
    building: () => existsSync(`${db}-import`),
    copying: () => has('new\\_postcodes'),
    'dropping the old copy': () => has('old\\_%'),
  };
  let killed = 0;
  for (const [phase, reached] of Object.entries(phases)) {
    const p = spawn(IMPORT_BIN, ['import', '--data', 'data', '--db', db], { stdio: 'ignore' });
    const ended = new Promise((r) => p.on('exit', (code, signal) => r(signal ?? code)));
    let exited = false;
    ended.then(() => { exited = true; });
    while (!exited && !reached()) await sleep(5);
    if (phase === 'copying') await sleep(Math.random() * 1500);
    p.kill('SIGKILL');
    const how = await ended;
    if (how === 'SIGKILL') killed++;
    else console.log(`# the import finished before it could be killed ${phase}`);
    assert.equal(reference(), before, `after a kill while ${phase}`);
    assert.equal(sql('PRAGMA quick_check'), 'ok');
    assert.equal(await looksUp(), 200);
  }
  assert.ok(killed >= 2, `only ${killed} of 3 kills landed in time`);
  assert.equal(spawnSync(IMPORT_BIN, ['import', '--data', 'data', '--db', db]).status, 0);
  assert.equal(reference(), before);
  assert.equal(leftovers(), '');
  assert.equal(existsSync(`${db}-import`), false);
});

// The same through the browser's upload: the server killed while it loads.
test('the server killed while it loads an uploaded list: the page says what is live; the same file again carries on', async () => {
  const bank = await newBank('Uploaded, then killed');
  const body = readFileSync(list(ROWS));
  const upload = async () => {
    await admin.get(`/phonebanks/${bank}`);
    return fetch(`${srv.url}/phonebanks/${bank}/contacts`, { method: 'POST', body,
      headers: { 'Content-Type': 'text/csv', Cookie: admin.cookieHeader(), 'X-CSRF-Token': admin.csrf, Origin: srv.url } });
  };
  const first = upload().catch(() => null);
  for (let i = 0; i < 300 && !(record(bank)?.done > 0); i++) await sleep(10);
  srv.proc.kill('SIGKILL');
  assert.equal(await first, null, 'killed before it answered');
  srv = await startServer({ db, env: ENV });
  admin.base = srv.url;
  const r = record(bank);
  assert.ok(r && r.done > 0 && r.done < ROWS && !r.finished, JSON.stringify(r));
  assert.equal(live(bank), r.done);
  sql(`UPDATE contact_imports SET updated_at = updated_at - 120 WHERE phonebank_id = ${bank}`);
  assert.match((await admin.get(`/phonebanks/${bank}`)).body, new RegExp(`stopped after row ${r.done} of ${ROWS}`));
  const again = await upload();
  assert.equal(again.status, 200);
  const answer = (await again.json()).result;
  assert.equal(answer.resumed_after, r.done);
  assert.equal(answer.added, ROWS - r.done);
  assert.equal(live(bank), ROWS);
  assert.deepEqual(record(bank), { done: ROWS, total: ROWS, finished: 1 });
});

// Issue 18 #10: what a hostile or broken file can do.  A gzip's members may
// be concatenated, so a small file can hold gigabytes of rows.
function gzipOf(rowText, rows, copies) {
  const file = join(mkdtempSync(join(tmpdir(), 'bomb-')), 'list.csv.gz');
  const fd = openSync(file, 'w');
  writeSync(fd, gzipSync('phone,name,postcode,notes\n'));
  const member = gzipSync(Array.from({ length: rows }, () => rowText).join(''), { level: 9 });
  for (let i = 0; i < copies; i++) writeSync(fd, member);
  closeSync(fd);
  return file;
}

async function uploadFile(bank, body) {
  await admin.get(`/phonebanks/${bank}`);
  const r = await fetch(`${srv.url}/phonebanks/${bank}/contacts`, { method: 'POST', body,
    headers: { 'Content-Type': 'application/gzip', Cookie: admin.cookieHeader(), 'X-CSRF-Token': admin.csrf, Origin: srv.url } });
  return { status: r.status, body: await r.json() };
}

test('a gzip bomb, a list over the row cap, a cut-short or corrupt gzip: refused, and nothing changes', async () => {
  const bank = await newBank('Hostile files');
  const records = () => Number(sql(`SELECT count(*) FROM contact_imports WHERE phonebank_id = ${bank}`));
  // 1.2 GB of text in a 4.6 MB upload (deflate stops near 1,000:1): past the 1 GiB cap
  const bomb = readFileSync(gzipOf(`07400000000,Voter,DE22 1AA,${'x'.repeat(220)}\n`, 48000, 100));
  assert.ok(bomb.length < 5e6, `${bomb.length} bytes`);
  const t0 = performance.now();
  let r = await uploadFile(bank, bomb);
  console.log(`# a ${(bomb.length / 1e6).toFixed(1)} MB gzip of 1.2 GB refused in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  assert.equal(r.status, 400);
  assert.match(r.body.error, /more than 1024 MB of text/);
  // 5,000,001 short rows (115 MB): past the row cap
  r = await uploadFile(bank, readFileSync(gzipOf('07400000000,Voter,DE22 1AA,\n', 50000, 101)));
  assert.equal(r.status, 400);
  assert.match(r.body.error, /more than 5000000 rows/);
  // a good list cut short, and one with a damaged byte in its middle
  const good = gzipSync(['phone,name,postcode', ...Array.from({ length: 20000 }, (_, i) => `07${500000000 + i},Voter ${i},DE22 1AA`)].join('\n'));
  r = await uploadFile(bank, good.subarray(0, good.length >> 1));
  assert.equal(r.status, 400);
  assert.match(r.body.error, /cut short/);
  const damaged = Buffer.from(good);
  for (let i = 0; i < 64; i++) damaged[(damaged.length >> 1) + i] ^= 0x55;
  r = await uploadFile(bank, damaged);
  assert.equal(r.status, 400, JSON.stringify(r.body));
  assert.equal(live(bank), 0);
  assert.equal(records(), 0);
  // and the whole file loads
  r = await uploadFile(bank, good);
  assert.equal(r.status, 200);
  assert.equal(live(bank), 20000);
});

test('the organiser stops a load, and a server shutting down stops one: what is live is said at once', async () => {
  const bank = await newBank('Stopped loads');
  const body = readFileSync(list(BIG));
  const upload = async () => {
    await admin.get(`/phonebanks/${bank}`);
    return fetch(`${srv.url}/phonebanks/${bank}/contacts`, { method: 'POST', body,
      headers: { 'Content-Type': 'text/csv', Cookie: admin.cookieHeader(), 'X-CSRF-Token': admin.csrf, Origin: srv.url } });
  };
  const first = upload();
  for (let i = 0; i < 1000 && !(record(bank)?.done > 0); i++) await sleep(10);
  await admin.get(`/phonebanks/${bank}`);
  const asked = await admin.post(`/phonebanks/${bank}/contacts/stop`, {});
  assert.equal(asked.status, 303);
  const answer = await first;
  assert.equal(answer.status, 409);
  const r = record(bank);
  assert.ok(r.done > 0 && r.done < BIG && !r.finished, JSON.stringify(r));
  assert.match((await answer.json()).error, new RegExp(`after row ${r.done}\\b`));
  assert.equal(live(bank), r.done);
  // said at once, without waiting for the record to go quiet
  assert.match((await admin.get(`/phonebanks/${bank}`)).body, new RegExp(`stopped after row ${r.done} of ${BIG}`));
  assert.equal((await admin.post(`/phonebanks/${bank}/contacts/stop`, {})).status, 409);

  // the same file carries on; a shutdown meanwhile stops it and does not wait for it
  const again = upload().catch(() => null);
  for (let i = 0; i < 1000 && !(record(bank)?.done > r.done); i++) await sleep(10);
  const t0 = performance.now();
  await srv.stop();
  const took = performance.now() - t0;
  await again;
  const s = record(bank);
  console.log(`# the shutdown took ${took.toFixed(0)} ms with a load running; stopped after row ${s.done}`);
  assert.ok(took < 3000, `the shutdown waited ${took.toFixed(0)} ms for the load`);
  assert.ok(s.done > r.done && s.done < BIG && !s.finished, JSON.stringify(s));
  assert.equal(Number(sql(`SELECT count(*) FROM contact_imports WHERE phonebank_id = ${bank} AND stopped_at IS NOT NULL`)), 1);
  assert.equal(live(bank), s.done);
  srv = await startServer({ db, env: ENV });
  admin.base = srv.url;
  const last = await upload();
  assert.equal(last.status, 200);
  assert.equal((await last.json()).result.resumed_after, s.done);
  assert.equal(live(bank), BIG);
});
