// Phone banking end to end over HTTP: setting up, importing contacts, the
// caller's queue and lease, outcomes and the do-not-call ledger, totals,
// export, erasure, and many callers at once never sharing a contact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Visitor, copyDb, strongAdmin, run, FIXTURE_DB, mailSh, sqlOn, PG } from './lib.mjs';

let srv, db, admin, bank, gid;
// as the server does: foreign keys on, so deleted contacts unlink their calls
const sql = (q) => sqlOn(db)(q);
const SURVEY = 'single: Will you vote? | Yes | No -> 3 | Not sure\n'
  + 'multi: Which issues matter? | Housing | NHS | Buses\n'
  + 'text: Anything else?\n';

async function person(email, name) {
  const v = new Visitor(srv.url);
  await v.signInByLink(srv.outbox, email, name);
  return v;
}

async function caller(email, name) {
  const v = await person(email, name);
  await v.post(`/groups/${gid}/join`);
  await v.get(`/phonebanks/${bank}`);
  assert.equal((await v.post(`/phonebanks/${bank}/join`)).status, 303);
  const pid = sql(`SELECT id FROM people WHERE email = '${email}'`);
  await admin.get(`/phonebanks/${bank}`);
  assert.equal((await admin.post(`/phonebanks/${bank}/callers/${pid}/approve`)).status, 303);
  await v.get(`/phonebanks/${bank}`);
  return v;
}

// the contact now leased to this caller, from their page
async function current(v, practice = false) {
  const page = (await v.get(`/phonebanks/${bank}/call${practice ? '?practice=1' : ''}`)).body;
  const m = new RegExp(`action="/phonebanks/${bank}/contacts/(\\d+)/outcome"`).exec(page);
  return m ? { id: Number(m[1]), page } : null;
}

before(async () => {
  db = copyDb(FIXTURE_DB);
  // the load tests here hand out voters faster than anyone calls: the per-caller limits
  // are lifted, and tested on a server of their own with the defaults
  srv = await startServer({ db, env: { TURNOUT_RATE_SIGNUP_IP: '5000/5000', TURNOUT_RATE_SIGNIN_IP: '5000/5000',
    TURNOUT_RATE_CLAIM_CALLER: '100000/100000', TURNOUT_RATE_SHIFT_CALLER: '100000/100000',
    TURNOUT_RATE_SKIP_CALLER: '100000/100000' } });
  admin = await strongAdmin(srv, db);
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Derby Phones', seats: 'E14001193' });
  gid = (await admin.api('GET', '/api/v1/groups')).body.result[0].id;
});
after(async () => { if (srv) await srv.stop(); });

test('setting up: bad input is refused and saves nothing', async () => {
  await admin.get('/phonebanks/new');
  const base = { group: gid, name: 'Derby North calls', seats: 'E14001193', script: '## Hello\nHi {name}, this is {caller}.',
    survey: SURVEY, start: '00:00', end: '24:00', max_attempts: '2', retry_wait_min: '60' };
  for (const [bad, why] of [
    [{ survey: 'single: Q | A\nmulti: Jump | X -> 1 | Y' }, /line 1/],
    [{ survey: 'text: ok\nsingle: Back? | A -> 1 | B' }, /later question/],
    [{ start: '21:00', end: '09:00' }, /end after they start/],
    [{ days: 'mon,funday' }, /Days are/],
    [{ seats: 'E14001193, NOTASEAT' }, /2024 constituency/],
    [{ max_attempts: '99' }, /Attempts/],
    [{ name: '' }, /name/],
  ]) {
    const r = await admin.post('/phonebanks', { ...base, ...bad });
    assert.equal(r.status, 400, JSON.stringify(bad));
    assert.match(r.body, why);
  }
  assert.equal(sql('SELECT count(*) FROM phonebanks'), '0');
  const vol = await person('nope@example.org', 'Nope');
  await vol.post(`/groups/${gid}/join`);
  assert.equal((await vol.post('/phonebanks', base)).status, 403, 'a member is not an organiser');
  const r = await admin.post('/phonebanks', base);
  assert.equal(r.status, 303);
  bank = Number(/\/phonebanks\/(\d+)/.exec(r.headers.get('location'))[1]);
  assert.equal(sql(`SELECT count(*) FROM contacts WHERE phonebank_id = ${bank} AND practice = 1`), '25');
});

test('importing contacts: numbers normalised, duplicates merged, bad rows reported by line, the ledger respected', async () => {
  sql("INSERT INTO do_not_call VALUES ('+447700100999', 0)");
  const csv = [
    'First Name,Last Name,Phone,Postcode,Ward',
    'Ann,Archer,07700 100001,DE22 1AA,Darley',       // line 2: target seat
    'Bob,Baker,+44 7700 100002,DE65 5PN,Etwall',     // elsewhere
    'Cat,Cole,(0)7700-100001,,',                      // line 4: Ann's number again: merged
    'Dan,Dale,12345,DE22 1AA,',                       // line 5: not a number
    'Eve,Eaton,07700 900123,DE22 1AA,',               // line 6: drama range
    'Fay,Ford,07700 100999,DE22 1AA,',                // on the ledger: dropped
    'Gus,Gale,7700100003,DE22 1AB,',                  // the spreadsheet ate the 0
    'Hal,Hunt,07700 100004,NOT A PC,',                // line 9: bad postcode
    '"Ivy ""Ives""",Irwin,020 7946 1234,DE22 1AA,',  // line 10: London number, quotes
  ].join('\r\n') + '\r\n';
  const vol = await person('nope@example.org', 'Nope');
  await vol.get(`/phonebanks/${bank}`);
  assert.equal((await vol.upload(`/phonebanks/${bank}/contacts`, csv)).status, 403, 'organisers only');
  await admin.get(`/phonebanks/${bank}`);
  assert.equal((await admin.upload(`/phonebanks/${bank}/contacts`, csv, { csrf: 'wrong' })).status, 403);
  // a broken file changes nothing, even where its first rows were good
  const broken = await admin.upload(`/phonebanks/${bank}/contacts`, 'phone,name\n07700 100005,Jo\n"07700 100006,Kim\n');
  assert.equal(broken.status, 400);
  assert.match(broken.body.error, /Nothing was imported/);
  assert.equal((await admin.upload(`/phonebanks/${bank}/contacts`, 'name,postcode\nJo,DE22 1AA\n')).status, 400, 'no phone column');
  assert.equal(sql(`SELECT count(*) FROM contacts WHERE phonebank_id = ${bank} AND practice = 0`), '0');

  const r = await admin.upload(`/phonebanks/${bank}/contacts`, csv);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const rep = r.body.result;
  assert.equal(rep.rows, 9);
  assert.equal(rep.added, 4);
  assert.equal(rep.merged, 1);
  assert.equal(rep.opted_out, 1);
  assert.equal(rep.invalid, 3);
  assert.deepEqual(rep.errors.map((e) => e.line), [5, 6, 9]);
  assert.match(rep.errors[0].reason, /UK phone/);
  // (fields as JSON: PostgreSQL's jsonb spaces it as SQLite's json does not)
  const rows = sql(`SELECT name, phone, seat, priority, fields FROM contacts WHERE phonebank_id = ${bank} AND practice = 0 ORDER BY phone`)
    .split('\n').map((r) => r.replace(/\|(\{.*\})$/, (_, j) => `|${JSON.stringify(JSON.parse(j))}`)).join('\n');
  assert.equal(rows, [
    'Ivy "Ives" Irwin|+442079461234|E14001193|1|{}',
    'Ann Archer|+447700100001|E14001193|1|{"ward":"Darley"}',
    `Bob Baker|+447700100002|${sql("SELECT pcon2024 FROM postcodes WHERE pc = 'DE655PN'")}|0|{"ward":"Etwall"}`,
    'Gus Gale|+447700100003||0|{}', // a well-formed postcode our data does not hold: no seat
  ].join('\n'));
  assert.match(sql("SELECT detail FROM audit_log WHERE action = 'contacts.import'"), /9 rows, 4 added, 1 merged/);
});

test('the command line streams a gzip list with the same rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'contacts-'));
  const file = join(dir, 'list.csv.gz');
  const lines = ['phone,name'];
  for (let i = 0; i < 3000; i++) lines.push(`07700 2${String(i).padStart(5, '0')},Voter ${i}`);
  lines.push('nonsense,Bad Row');
  writeFileSync(file, gzipSync(lines.join('\n')));
  const r = run(['contacts', '--phonebank', String(bank), file, '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /3001 rows .*3000 added, 0 merged by phone, 0 on the do-not-call ledger, 1 refused/);
  assert.match(r.stdout, /line 3002: /);
  assert.equal(run(['contacts', file, '--db', db]).status, 2, 'the phone bank is required');
  assert.equal(run(['contacts', '--phonebank', '999', file, '--db', db]).status, 1);
  sql(`DELETE FROM contacts WHERE phonebank_id = ${bank} AND name LIKE 'Voter %'`);
});

test('a caller takes one voter at a time, target seat first, and reaches no one else', async () => {
  const v = await person('pat@example.org', 'Pat Phoner');
  await v.post(`/groups/${gid}/join`);
  await v.get(`/phonebanks/${bank}`);
  assert.equal((await v.get(`/phonebanks/${bank}/call`)).status, 403, 'not a caller yet');
  await v.post(`/phonebanks/${bank}/join`);
  assert.equal((await v.get(`/phonebanks/${bank}/call`)).status, 403, 'asked, not yet approved');
  assert.equal((await v.get(`/phonebanks/${bank}/call?practice=1`)).status, 200, 'but may practise');
  const pat = await caller('pat@example.org', 'Pat Phoner');
  await new Promise((r) => setTimeout(r, 300));
  const told = mailSh(`grep -l "^To: pat@example.org" ${srv.outbox}/*.eml | xargs grep -h "^Subject:"`);
  assert.match(told, /You can start calling/, 'the approved caller is told');
  // ties in the queue go by a random key drawn at import; fix Ann's so the story below is hers
  sql("UPDATE contacts SET rnd = -1 WHERE phone = '+447700100001'");
  assert.equal((await pat.post(`/phonebanks/${bank}/next`)).status, 303);
  const a = await current(pat);
  assert.ok(a);
  assert.equal(sql(`SELECT phone FROM contacts WHERE id = ${a.id}`), '+447700100001');
  // target-seat voters come first; the page shows a first name and a tel: link, no surname
  assert.match(sql(`SELECT priority FROM contacts WHERE id = ${a.id}`), /^1$/);
  const phone = sql(`SELECT phone FROM contacts WHERE id = ${a.id}`);
  assert.match(a.page, new RegExp(`href="tel:\\${phone}"`));
  const [first, last] = sql(`SELECT name FROM contacts WHERE id = ${a.id}`).split(' ');
  assert.match(a.page, new RegExp(`Hi ${first}, this is Pat`));
  assert.doesNotMatch(a.page, new RegExp(last));
  // asking again gives the same lease, not a second voter
  await pat.post(`/phonebanks/${bank}/next`);
  assert.equal((await current(pat)).id, a.id);
  assert.equal(sql(`SELECT count(*) FROM contacts WHERE leased_to = (SELECT id FROM people WHERE email = 'pat@example.org')`), '1');
  // who was handed which voter is in the audit log, by id
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'contact.lease' AND detail = 'contact ${a.id}'`), '1');

  const quinn = await caller('quinn@example.org', 'Quinn Caller');
  await quinn.post(`/phonebanks/${bank}/next`);
  const b = await current(quinn);
  assert.notEqual(b.id, a.id, 'never the same voter to two callers');
  // Quinn cannot save, skip or see Pat's voter; nor list anyone
  assert.equal((await quinn.post(`/phonebanks/${bank}/contacts/${a.id}/outcome`, { outcome: 'answered' })).status, 404);
  assert.equal((await quinn.post(`/phonebanks/${bank}/contacts/${a.id}/skip`)).status, 404);
  assert.equal((await quinn.post(`/phonebanks/${bank}/contacts/999999/outcome`, { outcome: 'busy' })).status, 404);
  assert.equal((await quinn.get(`/phonebanks/${bank}/export.csv`)).status, 403);
  assert.equal((await quinn.api('GET', `/api/v1/phonebanks/${bank}/totals`)).status, 403);

  // bad input changes nothing
  assert.equal((await pat.post(`/phonebanks/${bank}/contacts/${a.id}/outcome`, { outcome: 'shrug' })).status, 400);
  assert.equal((await pat.post(`/phonebanks/${bank}/contacts/${a.id}/outcome`, { outcome: 'answered', q0: '7' })).status, 400);
  assert.equal((await pat.post(`/phonebanks/${bank}/contacts/${a.id}/outcome`, { outcome: 'answered', notes: 'x'.repeat(1001) })).status, 400);
  assert.equal(sql('SELECT count(*) FROM calls WHERE practice = 0'), '0');

  // answered: "No" jumps to question 3, so the issues ticked on question 2 are dropped
  const saved = await pat.post(`/phonebanks/${bank}/contacts/${a.id}/outcome`,
    { outcome: 'answered', q0: '1', q1_0: '1', q2: 'Worried about buses', notes: 'Friendly' });
  assert.equal(saved.status, 303);
  // issue 17: the next page says what was saved, by its code only (no voter data in URLs)
  assert.equal(saved.headers.get('location'), `/phonebanks/${bank}/call?saved=answered`);
  assert.match((await pat.get(saved.headers.get('location'))).body, /Saved: Answered\./);
  assert.equal(sql(`SELECT group_concat(question || '=' || answer, ';') FROM call_answers`), '0=No;2=Worried about buses');
  assert.equal(sql(`SELECT queue_at IS NULL AND retry_at IS NULL AND lease_until IS NULL, attempts, outcome FROM contacts WHERE id = ${a.id}`), '1|1|answered');
  const next = await current(pat);
  assert.ok(next && next.id !== a.id && next.id !== b.id, 'saving leads to the next voter');

  // no answer: back in the queue after the wait, and the attempt counted
  const t0 = Math.floor(Date.now() / 1000);
  await pat.post(`/phonebanks/${bank}/contacts/${next.id}/outcome`, { outcome: 'no_answer', q0: '0', q1_1: '1' });
  const [avail, attempts] = sql(`SELECT retry_at, attempts FROM contacts WHERE id = ${next.id}`).split('|').map(Number);
  assert.equal(attempts, 1);
  assert.ok(avail >= t0 + 3600 && avail <= t0 + 3605, 'retried after the 60 minute wait');
  assert.equal(sql(`SELECT count(*) FROM call_answers a JOIN calls c ON c.id = a.call_id WHERE c.contact_id = ${next.id}`), '0', 'no survey without an answer');

  // skip: released, and someone else comes next
  const c = await current(pat);
  assert.ok(c);
  const sk = await pat.post(`/phonebanks/${bank}/contacts/${c.id}/skip`);
  // the skipped voter waits five minutes: with no one else left, the queue is empty for now
  assert.equal(sk.status, 200);
  assert.match(sk.body, /No one to call just now/);
  assert.equal(sql(`SELECT leased_to IS NULL FROM contacts WHERE id = ${c.id}`), '1');
  assert.equal(await current(pat), null);

  // a lapsed lease goes back to the pool: the old caller can no longer save it
  sql(`UPDATE contacts SET lease_until = strftime('%s','now') - 1 WHERE id = ${b.id}`);
  await pat.post(`/phonebanks/${bank}/next`);
  assert.equal((await current(pat)).id, b.id, 'the lapsed lease is claimed first');
  assert.equal((await quinn.post(`/phonebanks/${bank}/contacts/${b.id}/outcome`, { outcome: 'busy' })).status, 404);
  assert.equal(sql(`SELECT count(*) FROM calls WHERE contact_id = ${b.id}`), '0');
  // issue 18: nor skip it once it has lapsed (it would leave the queue for five minutes)
  sql(`UPDATE contacts SET lease_until = strftime('%s','now') - 1 WHERE id = ${b.id}`);
  assert.equal((await pat.post(`/phonebanks/${bank}/contacts/${b.id}/skip`)).status, 404);
  assert.equal(sql(`SELECT retry_at IS NULL FROM contacts WHERE id = ${b.id}`), '1', 'not pushed back');
});

test('do not call: on the ledger for ever, dropped from every phone bank and from later imports', async () => {
  const rae = await caller('rae@example.org', 'Rae Ringer');
  // a second phone bank holding the same voters
  await admin.get('/phonebanks/new');
  const r2 = await admin.post('/phonebanks', { group: gid, name: 'Second calls', script: 'Hi', survey: '', start: '00:00', end: '24:00' });
  const bank2 = Number(/\/phonebanks\/(\d+)/.exec(r2.headers.get('location'))[1]);
  await admin.get(`/phonebanks/${bank2}`);
  await admin.upload(`/phonebanks/${bank2}/contacts`, 'phone,name\n02079461234,Ivy Irwin\n');
  sql(`UPDATE contacts SET queue_at = 0, lease_until = NULL, leased_to = NULL WHERE phonebank_id = ${bank} AND phone = '+442079461234'`);
  sql(`UPDATE contacts SET priority = 9 WHERE phonebank_id = ${bank} AND phone = '+442079461234'`);
  await rae.post(`/phonebanks/${bank}/next`);
  const c = await current(rae);
  assert.equal(sql(`SELECT phone FROM contacts WHERE id = ${c.id}`), '+442079461234');
  // issue 17: permanent, so not in one press: the page's form asks for the box as well
  const unticked = await rae.post(`/phonebanks/${bank}/contacts/${c.id}/outcome`, { outcome: 'do_not_call' });
  assert.equal(unticked.status, 400);
  assert.match(unticked.body, /tick the box/);
  assert.equal(sql("SELECT count(*) FROM do_not_call WHERE phone = '+442079461234'"), '0', 'nothing saved');
  assert.ok([200, 303].includes((await rae.post(`/phonebanks/${bank}/contacts/${c.id}/outcome`, { outcome: 'do_not_call', dnc_confirm: '1' })).status));
  assert.equal(sql("SELECT count(*) FROM do_not_call WHERE phone = '+442079461234'"), '1');
  assert.equal(sql("SELECT count(*) FROM contacts WHERE phone = '+442079461234' AND (queue_at IS NOT NULL OR retry_at IS NOT NULL OR lease_until IS NOT NULL)"), '0', 'withdrawn everywhere');
  const again = await admin.upload(`/phonebanks/${bank2}/contacts`, 'phone,name\n020 7946 1234,Ivy Irwin\n');
  assert.equal(again.body.result.opted_out, 1);
  // erasure removes the voter but keeps the opt-out
  await admin.get('/admin');
  const er = await admin.post('/admin/voters/erase', { phone: '020 7946 1234' });
  assert.equal(er.status, 200);
  assert.equal(sql("SELECT count(*) FROM contacts WHERE phone = '+442079461234'"), '0');
  assert.equal(sql("SELECT count(*) FROM do_not_call WHERE phone = '+442079461234'"), '1');
  assert.equal(sql(`SELECT count(*) FROM calls WHERE outcome = 'do_not_call' AND contact_id IS NULL`), '1', 'the call stays, unlinked');
  assert.doesNotMatch(sql('SELECT group_concat(detail) FROM audit_log'), /7946/, 'no number in the audit log');
});

test('practice: pretend voters, nothing counted', async () => {
  const v = await person('pip@example.org', 'Pip Practice');
  await v.post(`/groups/${gid}/join`);
  await v.get(`/phonebanks/${bank}`);
  await v.post(`/phonebanks/${bank}/join`);
  const before = sql('SELECT count(*) FROM calls WHERE practice = 0');
  assert.equal((await v.post(`/phonebanks/${bank}/next`, { practice: '1' })).headers.get('location'), `/phonebanks/${bank}/call?practice=1`);
  const c = await current(v, true);
  assert.match(c.page, /Practice: these voters are pretend/);
  assert.match(c.page, /href="tel:\+447700900\d{3}"/);
  assert.equal((await v.post(`/phonebanks/${bank}/contacts/${c.id}/outcome`, { outcome: 'answered', practice: '1', q0: '0' })).status, 303);
  assert.equal(sql('SELECT count(*) FROM calls WHERE practice = 0'), before);
  assert.equal(sql(`SELECT queue_at IS NOT NULL FROM contacts WHERE id = ${c.id}`), '1', 'back for the next rehearsal');
  assert.notEqual((await current(v, true)).id, c.id, 'and the next pretend voter is another');
});

test('organisers see totals live and export, phone numbers only on request and audited', async () => {
  const t = (await admin.api('GET', `/api/v1/phonebanks/${bank}/totals`)).body.result;
  const calls = Number(sql(`SELECT count(*) FROM calls WHERE phonebank_id = ${bank} AND practice = 0`));
  assert.equal(t.calls, calls);
  assert.equal(t.outcomes.find((o) => o.code === 'answered').calls, 1);
  assert.equal(t.outcomes.find((o) => o.code === 'no_answer').calls, 1);
  assert.equal(t.answered, 2, 'answered and do-not-call reached someone');
  assert.equal(t.contact_rate_pct, Math.round(200 / calls));
  assert.deepEqual(t.questions[0].answers, [{ answer: 'No', count: 1 }]);
  assert.equal(t.callers.find((c) => c.caller === 'Pat').calls, 2);
  assert.equal(t.calls_per_hour.at(-1), calls);
  const page = (await admin.get(`/phonebanks/${bank}`)).body;
  assert.match(page, new RegExp(`<strong id="calls">${calls}</strong> calls`));
  assert.match(page, /<svg[^>]+aria-label="Calls per hour/);

  const plain = await admin.get(`/phonebanks/${bank}/export.csv`);
  assert.equal(plain.status, 200);
  assert.match(plain.headers.get('content-type'), /text\/csv/);
  const lines = plain.body.trim().split('\r\n');
  assert.equal(lines.length, calls + 1);
  assert.match(lines[0], /^call,time,caller,voter,seat,outcome,notes,"Q1 Will you vote\?"/);
  assert.doesNotMatch(plain.body, /\+44/, 'no phone numbers by default');
  assert.match(plain.body, /"Friendly","No","","Worried about buses"/);
  const withPhones = await admin.get(`/phonebanks/${bank}/export.csv?phones=1`);
  // quoted, and defused so a spreadsheet reads the + as text, not a formula
  assert.match(withPhones.body, /"'\+447700100001"/);
  // issue 18: a leading TAB or CR is a formula's way in too
  sql(`UPDATE calls SET notes = '\t=cmd|calc' WHERE id = (SELECT min(id) FROM calls WHERE phonebank_id = ${bank} AND practice = 0);
    UPDATE calls SET notes = '\r=1+1' WHERE id = (SELECT max(id) FROM calls WHERE phonebank_id = ${bank} AND practice = 0);`);
  const tabbed = (await admin.get(`/phonebanks/${bank}/export.csv`)).body;
  assert.match(tabbed, /"'\t=cmd\|calc"/);
  assert.match(tabbed, /"'\r=1\+1"/);
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE action = 'phonebank.export_with_phones'"), '1');
});

test('the caller API: the same queue and rules in JSON', async () => {
  sql(`UPDATE contacts SET queue_at = 0, lease_until = NULL, leased_to = NULL WHERE phonebank_id = ${bank} AND practice = 0 AND phone = '+447700100002'`);
  const sam = await caller('sam@example.org', 'Sam Api');
  const stranger = await person('stranger@example.org', 'Stranger');
  assert.equal((await stranger.api('POST', `/api/v1/phonebanks/${bank}/next`)).status, 403);
  assert.equal((await sam.api('POST', `/api/v1/phonebanks/${bank}/next`, { origin: false })).status, 403, 'same-origin writes only');
  const n = await sam.api('POST', `/api/v1/phonebanks/${bank}/next`);
  assert.equal(n.status, 200);
  const ct = n.body.result;
  assert.equal(ct.phone, '+447700100002');
  assert.equal(ct.first_name, 'Bob');
  assert.deepEqual(ct.fields, { ward: 'Etwall' });
  assert.equal(ct.lease_until - Math.floor(Date.now() / 1000) > 590, true, 'a ten-minute lease');
  const bad = await sam.api('POST', `/api/v1/phonebanks/${bank}/contacts/${ct.id}/outcome`, { body: { outcome: 'answered', answers: { q0: 'nine' } } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.status, 400);
  assert.match(bad.body.error, /not one of the options/);
  assert.equal((await stranger.api('POST', `/api/v1/phonebanks/${bank}/contacts/${ct.id}/outcome`, { body: { outcome: 'busy' } })).status, 403);
  const ok = await sam.api('POST', `/api/v1/phonebanks/${bank}/contacts/${ct.id}/outcome`,
    { body: { outcome: 'answered', notes: 'via the API', answers: { q0: '0', q1_2: '1' } } });
  assert.equal(ok.status, 200);
  assert.notEqual(ok.body.result?.id, ct.id, 'the answer carries the next contact (or null)');
  assert.equal(sql(`SELECT group_concat(a.answer, ';') FROM call_answers a JOIN calls c ON c.id = a.call_id WHERE c.notes = 'via the API'`), 'Yes;Buses');
  assert.equal((await sam.api('POST', `/api/v1/phonebanks/${bank}/contacts/${ct.id}/outcome`, { body: { outcome: 'busy' } })).status, 404, 'saved once');
});

test('many callers at once: no contact leased twice, no outcome lost', async () => {
  sql(`DELETE FROM contacts WHERE phonebank_id = ${bank} AND practice = 0`);
  const lines = ['phone,name'];
  for (let i = 0; i < 240; i++) lines.push(`07700 3${String(i).padStart(5, '0')},Voter ${i}`);
  await admin.get(`/phonebanks/${bank}`);
  assert.equal((await admin.upload(`/phonebanks/${bank}/contacts`, lines.join('\n'))).body.result.added, 240);
  const callers = [];
  for (let i = 0; i < 24; i++) callers.push(await caller(`c${i}@example.org`, `Caller${i} Test`));
  const saved = [];
  await Promise.all(callers.map(async (v) => {
    for (;;) {
      const r = await v.post(`/phonebanks/${bank}/next`);
      if (r.status !== 303) break;
      const c = await current(v);
      if (!c) break;
      const s = await v.post(`/phonebanks/${bank}/contacts/${c.id}/outcome`, { outcome: 'refused' });
      assert.ok(s.status === 303 || /No one to call/.test(s.body), `save: ${s.status}`);
      saved.push(c.id);
    }
  }));
  assert.equal(saved.length, 240, 'every voter called once');
  assert.equal(new Set(saved).size, 240, 'no voter given to two callers');
  assert.equal(sql(`SELECT count(*) FROM calls c JOIN contacts k ON k.id = c.contact_id WHERE k.phonebank_id = ${bank} AND c.outcome = 'refused'`), '240');
});

test('every acknowledged outcome survives kill -9', async () => {
  sql(`DELETE FROM contacts WHERE phonebank_id = ${bank} AND practice = 0`);
  const lines = ['phone,name'];
  for (let i = 0; i < 3000; i++) lines.push(`07700 4${String(i).padStart(5, '0')},Voter ${i}`);
  await admin.get(`/phonebanks/${bank}`);
  assert.equal((await admin.upload(`/phonebanks/${bank}/contacts`, lines.join('\n'))).body.result.added, 3000);
  const callers = [];
  for (let i = 0; i < 16; i++) callers.push(await caller(`k${i}@example.org`, `Killed${i} Caller`));
  const acked = [];
  let killed = false;
  const work = async (v) => {
    try {
      let ct = (await v.api('POST', `/api/v1/phonebanks/${bank}/next`)).body.result;
      while (!killed && ct) {
        const r = await v.api('POST', `/api/v1/phonebanks/${bank}/contacts/${ct.id}/outcome`, { body: { outcome: 'refused' } });
        if (r.status !== 200) break;
        acked.push(ct.id);
        ct = r.body.result;
      }
    } catch { /* the server died under us: not acknowledged */ }
  };
  const running = callers.map(work);
  await new Promise((r) => setTimeout(r, 700));
  srv.proc.kill('SIGKILL');
  killed = true;
  await Promise.all(running);
  assert.ok(acked.length > 50, `only ${acked.length} acknowledged before the kill`);
  // the load tests here hand out voters faster than anyone calls: the per-caller limits
  // are lifted, and tested on a server of their own with the defaults
  srv = await startServer({ db, env: { TURNOUT_RATE_SIGNUP_IP: '5000/5000', TURNOUT_RATE_SIGNIN_IP: '5000/5000',
    TURNOUT_RATE_CLAIM_CALLER: '100000/100000', TURNOUT_RATE_SHIFT_CALLER: '100000/100000',
    TURNOUT_RATE_SKIP_CALLER: '100000/100000' } });
  admin.base = srv.url; // the same session, on the restarted server
  const stored = new Map(sql(`SELECT contact_id, count(*) FROM calls WHERE outcome = 'refused' AND contact_id IN (${acked.join(',')}) GROUP BY contact_id`)
    .split('\n').map((l) => l.split('|').map(Number)));
  for (const id of acked) assert.equal(stored.get(id), 1, `contact ${id}: acknowledged, stored ${stored.get(id) ?? 0} times`);
});

test('organisers change the script and hours; every page sees it at once', async () => {
  const page = (await admin.get(`/phonebanks/${bank}`)).body;
  assert.match(page, /name="start" type="time" value="00:00"/);
  assert.equal((await admin.post(`/phonebanks/${bank}/edit`, { name: 'Derby North calls', script: 'x', start: '21:00', end: '09:00' })).status, 400);
  const vol = await person('nope@example.org', 'Nope');
  await vol.get(`/phonebanks/${bank}`);
  assert.equal((await vol.post(`/phonebanks/${bank}/edit`, { name: 'Mine now', script: 'x', start: '09:00', end: '21:00' })).status, 403);
  assert.equal((await admin.post(`/phonebanks/${bank}/edit`, { name: 'Derby North calls', script: '## New\nHello {name}, it is {caller} again.',
    start: '00:00', end: '24:00', days: '', max_attempts: '4', retry_wait_min: '30' })).status, 303);
  assert.equal(sql(`SELECT max_attempts || ',' || retry_wait_min FROM phonebanks WHERE id = ${bank}`), '4,30');
  assert.match(sql(`SELECT survey FROM phonebanks WHERE id = ${bank}`), /Will you vote/, 'the survey stays');
  // a caller's next page, on any worker thread, has the new script
  sql(`UPDATE contacts SET queue_at = 0, retry_at = NULL, lease_until = NULL, leased_to = NULL WHERE phonebank_id = ${bank} AND practice = 1`);
  const v = await caller('edit.caller@example.org', 'Eda Caller');
  await v.post(`/phonebanks/${bank}/next`, { practice: '1' });
  for (let i = 0; i < 4; i++) assert.match((await v.get(`/phonebanks/${bank}/call?practice=1`)).body, /it is Eda again/);
});

// Issue 18: an approved caller looping skip and next read 2,873 of 2,953 numbers in 10 s.
test('a caller cannot harvest the list by skipping: limited, slowed, and the organisers told', async () => {
  const lines = ['phone,name'];
  for (let i = 0; i < 100; i++) lines.push(`07700 6${String(i).padStart(5, '0')},Harvest ${i}`);
  await admin.get(`/phonebanks/${bank}`);
  await admin.upload(`/phonebanks/${bank}/contacts`, lines.join('\n'));
  const v = await caller('harvester@example.org', 'Harry Vester');
  // the same data, served with the default per-caller limits: a copy of the file,
  // or on PostgreSQL a second node on the same database
  const copy = PG ? db : `${db}.limits`;
  if (!PG) sql(`VACUUM INTO '${copy}'`);
  const limited = await startServer({ db: copy });
  try {
    const h = new Visitor(limited.url);
    h.jar = new Map(v.jar);
    h.csrf = v.csrf;
    const numbers = new Set();
    let refused = 0;
    for (let i = 0; i < 60; i++) {
      const r = await h.post(`/phonebanks/${bank}/next`);
      if (r.status === 429) { refused++; continue; }
      const page = (await h.get(`/phonebanks/${bank}/call`)).body;
      const m = /href="tel:(\+44\d+)"/.exec(page);
      const c = /action="\/phonebanks\/\d+\/contacts\/(\d+)\/skip"/.exec(page);
      if (m) numbers.add(m[1]);
      if (c && (await h.post(`/phonebanks/${bank}/contacts/${c[1]}/skip`)).status === 429) refused++;
    }
    assert.ok(numbers.size <= 12, `${numbers.size} numbers read in a burst of skips`);
    assert.ok(refused > 40, `${refused} of the loop's requests slowed down`);
    await new Promise((r) => setTimeout(r, 300));
    const told = mailSh(`grep -l "^Subject: A caller is taking voters unusually fast" ${limited.outbox}/*.eml | wc -l`).trim();
    assert.equal(told, '1', 'the organiser is told, once');
  } finally {
    await limited.stop();
  }
});

// Issue 18: callers could not be revoked, and approval outlived leaving the group.
test('revoking a caller, or their leaving the group, ends their calling and frees their voter at once', async () => {
  const v = await caller('revoked@example.org', 'Rex Revoked');
  const pid = sql("SELECT id FROM people WHERE email = 'revoked@example.org'");
  await v.get(`/phonebanks/${bank}/call`);
  assert.equal((await v.post(`/phonebanks/${bank}/next`)).status, 303);
  const held = await current(v);
  assert.ok(held, 'the caller holds a voter');
  await admin.get(`/phonebanks/${bank}`);
  assert.match((await admin.get(`/phonebanks/${bank}`)).body, /Rex Revoked <span class="tag defend">can call/);
  assert.equal((await v.post(`/phonebanks/${bank}/callers/${pid}/revoke`)).status, 403, 'not by the caller');
  assert.equal((await admin.post(`/phonebanks/${bank}/callers/${pid}/revoke`)).status, 303);
  assert.equal(sql(`SELECT count(*) FROM contacts WHERE leased_to = ${pid}`), '0', 'the lease ends at once');
  assert.equal(sql(`SELECT queue_at IS NOT NULL FROM contacts WHERE id = ${held.id}`), '1', 'the voter is back in the queue');
  await v.get(`/phonebanks/${bank}`);
  assert.equal((await v.post(`/phonebanks/${bank}/next`)).status, 403);
  assert.equal((await v.post(`/phonebanks/${bank}/contacts/${held.id}/outcome`, { outcome: 'busy' })).status, 403);
  assert.equal((await admin.post(`/phonebanks/${bank}/callers/${pid}/revoke`)).status, 404, 'once');
  // approved again, then leaving the group revokes too
  await v.get(`/phonebanks/${bank}`);
  assert.equal((await v.post(`/phonebanks/${bank}/join`)).status, 303);
  await admin.get(`/phonebanks/${bank}`);
  assert.equal((await admin.post(`/phonebanks/${bank}/callers/${pid}/approve`)).status, 303);
  await v.get(`/phonebanks/${bank}/call`);
  assert.equal((await v.post(`/phonebanks/${bank}/next`)).status, 303);
  assert.equal(sql(`SELECT count(*) FROM contacts WHERE leased_to = ${pid}`), '1');
  await v.get(`/groups/${gid}`);
  assert.equal((await v.post(`/groups/${gid}/leave`)).status, 303);
  assert.equal(sql(`SELECT count(*) FROM phonebank_callers WHERE person_id = ${pid}`), '0');
  assert.equal(sql(`SELECT count(*) FROM contacts WHERE leased_to = ${pid}`), '0');
});

// Issue 17: an approved caller on a phone bank with no list yet was thanked for finishing.
test('an approved caller on a phone bank with no voters yet is told so, not thanked', async () => {
  await admin.get('/phonebanks/new');
  const r = await admin.post('/phonebanks', { group: gid, name: 'Not loaded yet', script: 'Hi', survey: '', start: '00:00', end: '24:00' });
  const empty = Number(/\/phonebanks\/(\d+)/.exec(r.headers.get('location'))[1]);
  const v = await person('early.bird@example.org', 'Early Bird');
  await v.post(`/groups/${gid}/join`);
  await v.get(`/phonebanks/${empty}`);
  await v.post(`/phonebanks/${empty}/join`);
  const pid = sql("SELECT id FROM people WHERE email = 'early.bird@example.org'");
  await admin.get(`/phonebanks/${empty}`);
  assert.equal((await admin.post(`/phonebanks/${empty}/callers/${pid}/approve`)).status, 303);
  await v.get(`/phonebanks/${empty}/call`);
  const next = await v.post(`/phonebanks/${empty}/next`);
  assert.equal(next.status, 200);
  assert.match(next.body, /No voters loaded yet/);
  assert.doesNotMatch(next.body, /Thank you/);
  // practice still works meanwhile
  await v.get(`/phonebanks/${empty}/call?practice=1`);
  assert.equal((await v.post(`/phonebanks/${empty}/next`, { practice: '1' })).status, 303);
});

// An upload's headers, then a trickle of its body: the first line of the server's answer,
// or null if none comes within ms (the server is taking the body).
function trickle(url, path, headers, ms = 2000) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect(Number(port), hostname, () => {
      s.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: text/csv\r\n`
        + `Content-Length: 500000000\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
      s.write('phone,name\n'.padEnd(65536, 'x'));
    });
    let out = '';
    const done = (v) => { clearTimeout(t); s.destroy(); resolve(v); };
    const t = setTimeout(() => done(out ? out.split('\r\n')[0] : null), ms);
    s.on('data', (d) => { out += d; if (out.includes('\r\n')) done(out.split('\r\n')[0]); });
    s.on('error', () => done(out ? out.split('\r\n')[0] : 'closed'));
    s.on('close', () => done(out ? out.split('\r\n')[0] : 'closed'));
  });
}

// Issue 18: uploads were streamed to disk before anyone was authenticated.
test('an upload is refused from its headers, before a byte of the body is taken', async () => {
  assert.equal(await trickle(srv.url, `/phonebanks/${bank}/contacts`, {}), 'HTTP/1.1 401 Unauthorized', 'anonymous');
  assert.equal(await trickle(srv.url, '/phonebanks/999999/contacts', {}), 'HTTP/1.1 401 Unauthorized');
  const vol = await person('no.uploads@example.org', 'Nadia Nope');
  await vol.get(`/phonebanks/${bank}`);
  const volHeaders = { Cookie: vol.cookieHeader(), 'X-CSRF-Token': vol.csrf, Origin: srv.url };
  assert.match(await trickle(srv.url, `/phonebanks/${bank}/contacts`, volHeaders), /^HTTP\/1\.1 40[34]/, 'not an organiser');
  await admin.get(`/phonebanks/${bank}`);
  const orgHeaders = { Cookie: admin.cookieHeader(), 'X-CSRF-Token': admin.csrf, Origin: srv.url };
  assert.equal(await trickle(srv.url, `/phonebanks/${bank}/contacts`, { ...orgHeaders, 'X-CSRF-Token': 'forged' }),
    'HTTP/1.1 403 Forbidden', 'no form token');
  assert.equal(await trickle(srv.url, `/phonebanks/${bank}/contacts`, { ...orgHeaders, Origin: 'http://evil.example' }),
    'HTTP/1.1 403 Forbidden', 'another site');
  // an organiser's upload is admitted (the server waits for the body), but only so many at once
  const { hostname, port } = new URL(srv.url);
  const held = [];
  for (let i = 0; i < 4; i++) {
    const s = net.connect(Number(port), hostname);
    await new Promise((r) => s.on('connect', r));
    s.write(`POST /phonebanks/${bank}/contacts HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: text/csv\r\nContent-Length: 1000000\r\n`
      + `Cookie: ${orgHeaders.Cookie}\r\nX-CSRF-Token: ${orgHeaders['X-CSRF-Token']}\r\nOrigin: ${srv.url}\r\n\r\nphone,name\n`);
    held.push(s);
  }
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await trickle(srv.url, `/phonebanks/${bank}/contacts`, orgHeaders), 'HTTP/1.1 503 Service Unavailable', 'a fifth at once waits');
  for (const s of held) s.destroy();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await trickle(srv.url, `/phonebanks/${bank}/contacts`, orgHeaders, 800), null, 'admitted again once they end');
});

test('deleting a phone bank erases its contacts, callers and calls, not the ledger', async () => {
  await admin.get('/phonebanks/new');
  const r = await admin.post('/phonebanks', { group: gid, name: 'Short-lived', script: 'Hi', survey: '', start: '00:00', end: '24:00' });
  const doomed = Number(/\/phonebanks\/(\d+)/.exec(r.headers.get('location'))[1]);
  await admin.get(`/phonebanks/${doomed}`);
  await admin.upload(`/phonebanks/${doomed}/contacts`, 'phone,name\n07700 500001,Una\n02079461234,Ivy\n');
  assert.equal(sql(`SELECT count(*) FROM contacts WHERE phonebank_id = ${doomed}`), '26', 'one new, one on the ledger, 25 practice');
  const vol = await person('nope@example.org', 'Nope');
  await vol.get(`/phonebanks/${doomed}`);
  assert.equal((await vol.post(`/phonebanks/${doomed}/delete`, { confirm: 'delete' })).status, 403);
  assert.equal((await admin.post(`/phonebanks/${doomed}/delete`, { confirm: 'yes' })).status, 400);
  assert.equal((await admin.post(`/phonebanks/${doomed}/delete`, { confirm: 'delete' })).status, 303);
  assert.equal(sql(`SELECT count(*) FROM contacts WHERE phonebank_id = ${doomed}`), '0');
  assert.equal(sql("SELECT count(*) FROM do_not_call WHERE phone = '+442079461234'"), '1');
  assert.equal((await admin.get(`/phonebanks/${doomed}`)).status, 404, 'no thread still shows it');
});

// Issue 18 #7: a voter's erasure kept the notes about them and left the number
// free to come back with the next list.
test('erasing a voter: the notes and answers about them go, and no later list brings them back', async () => {
  const ros = await caller('ros@example.org', 'Ros Ringer');
  await admin.get(`/phonebanks/${bank}`);
  await admin.upload(`/phonebanks/${bank}/contacts`, 'phone,name\n020 7946 1777,Vera Quokkaborn\n');
  sql(`UPDATE contacts SET queue_at = 0, priority = 99, lease_until = NULL, leased_to = NULL WHERE phone = '+442079461777'`);
  await ros.post(`/phonebanks/${bank}/next`);
  const c = await current(ros);
  assert.equal(sql(`SELECT phone FROM contacts WHERE id = ${c.id}`), '+442079461777');
  assert.ok([200, 303].includes((await ros.post(`/phonebanks/${bank}/contacts/${c.id}/outcome`,
    { outcome: 'answered', notes: 'Lives with her mum, call after six', q0: '0' })).status));
  const call = sql(`SELECT id FROM calls WHERE contact_id = ${c.id}`);
  assert.match(sql(`SELECT notes FROM calls WHERE id = ${call}`), /her mum/);
  const answers = Number(sql(`SELECT count(*) FROM call_answers WHERE call_id = ${call}`));
  await admin.get('/admin');
  const er = await admin.post('/admin/voters/erase', { phone: '020 7946 1777' });
  assert.equal(er.status, 200);
  assert.match(er.body, /do-not-call ledger/);
  assert.equal(sql(`SELECT count(*) FROM contacts WHERE phone = '+442079461777'`), '0');
  assert.equal(sql(`SELECT notes || '|' || CASE WHEN contact_id IS NULL THEN 1 ELSE 0 END FROM calls WHERE id = ${call}`), '|1', 'the call stays for the totals, without its notes');
  assert.equal(sql(`SELECT count(*) FROM call_answers WHERE call_id = ${call}`), '0', `${answers} answer(s) about them gone`);
  assert.equal(sql(`SELECT count(*) FROM do_not_call WHERE phone = '+442079461777'`), '1');
  await admin.get(`/phonebanks/${bank}`);
  const again = await admin.upload(`/phonebanks/${bank}/contacts`, 'phone,name\n020 7946 1777,Vera Quokkaborn\n');
  assert.equal(again.body.result.opted_out, 1, 'a later list does not bring them back');
  assert.equal(sql(`SELECT count(*) FROM contacts WHERE phone = '+442079461777'`), '0');
});
