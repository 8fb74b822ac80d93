// Issue 15 (the part built so far): modules and quizzes, the phone bank's training gate.
// Bad input stores nothing: answers to a question not drawn, a malformed answer, a
// second marking of one attempt, someone else's attempt, a step that is not there, a
// gate on a module that does not exist. A volunteer's attempts and completions are in
// their data export and go with their erasure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, copyDb, strongAdmin, FIXTURE_DB, groupMember, run, mailFor, mailSh, sqlOn } from './lib.mjs';

let srv, db, bank, gid, ana, ben, admin;
const sql = (q) => sqlOn(db)(q);
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const counts = () => sql('SELECT (SELECT count(*) FROM quiz_answers), (SELECT count(*) FROM completions), (SELECT count(*) FROM quiz_attempts WHERE finished_at IS NOT NULL)');

// The form fields that answer each question of an attempt rightly (or wrongly).
function answers(attempt, right = true) {
  const fields = {};
  for (const qid of sql(`SELECT questions FROM quiz_attempts WHERE id = ${attempt}`).split(',')) {
    const [kind, opts, ans = ''] = sql(`SELECT kind || '\t' || options || '\t' || answer FROM quiz_questions WHERE id = ${qid}`).split('\t');
    const idx = ans.split(',').filter((x) => x !== '').map(Number), n = opts.split('\n').length;
    if (kind === 'single') fields[`q${qid}`] = String(right ? idx[0] : (idx[0] + 1) % n);
    if (kind === 'multiple') for (const i of right ? idx : [idx[0] === 0 ? 1 : 0]) fields[`q${qid}_${i}`] = '1';
    if (kind === 'order') idx.forEach((o, rank) => { fields[`q${qid}_${o}`] = String(right ? rank + 1 : n - rank); });
    if (kind === 'short') fields[`q${qid}`] = right ? opts.split('\n')[0] : 'no idea';
  }
  return fields;
}

async function startQuiz(v) {
  await v.get('/training/phone-banking');
  const r = await v.post('/training/phone-banking/attempts');
  assert.equal(r.status, 303, text(r.body).slice(0, 200));
  return Number(/\/training\/attempts\/(\d+)/.exec(r.headers.get('location'))[1]);
}

before(async () => {
  db = copyDb(FIXTURE_DB);
  assert.equal(run(['demo', '--db', db]).status, 0);
  srv = await startServer({ db, env: { TURNOUT_TRAINING_INTERVAL: '1', TURNOUT_RATE_SIGNUP_IP: '1000/1000', TURNOUT_RATE_SIGNIN_IP: '1000/1000' } });
  bank = Number(sql("SELECT target_id FROM gates WHERE action = 'phonebank_call'"));
  gid = Number(sql(`SELECT group_id FROM phonebanks WHERE id = ${bank}`));
  ana = await groupMember(srv, gid, 'ana@example.org', 'Ana Able');
  ben = await groupMember(srv, gid, 'ben@example.org', 'Ben Best');
  admin = await strongAdmin(srv, db, 'admin@example.org', 'Ada Admin');
});
after(async () => { if (srv) await srv.stop(); });

test('the gate sends a volunteer to the module, keeping where to come back to', async () => {
  await ana.get(`/phonebanks/${bank}`);
  const r = await ana.post(`/phonebanks/${bank}/join`);
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), `/training/phone-banking?why=gate&next=/phonebanks/${bank}`);
  assert.equal(sql(`SELECT count(*) FROM phonebank_callers WHERE phonebank_id = ${bank}`), '0');
  // the module's text is Markdown made HTML, without raw HTML of its own
  const page = (await ana.get('/training/phone-banking?step=1')).body;
  assert.match(page, /<strong>script<\/strong>/);
  assert.equal((await ana.post('/training/phone-banking/progress', { step: '9' })).status, 400);
  assert.equal((await ana.post('/training/phone-banking/progress', { step: 'x' })).status, 400);
  assert.equal(sql('SELECT count(*) FROM training_progress'), '0');
});

test('bad answers store nothing; an attempt is marked once and is its taker\'s alone', async () => {
  const attempt = await startQuiz(ana);
  // the same unfinished attempt, not a second one, when started again
  assert.equal(await startQuiz(ana), attempt);
  const before_ = counts();
  const right = answers(attempt);
  const other = sql(`SELECT id FROM quiz_questions WHERE module_id = (SELECT module_id FROM quiz_attempts WHERE id = ${attempt})
    AND ',' || (SELECT questions FROM quiz_attempts WHERE id = ${attempt}) || ',' NOT LIKE '%,' || id || ',%' LIMIT 1`);
  let r = await ana.post(`/training/attempts/${attempt}`, { ...right, [`q${other}`]: '0' });
  assert.equal(r.status, 400);
  assert.match(text(r.body), /That question is not in this quiz/);
  const first = Object.keys(right).find((k) => /^q\d+$/.test(k) && /^\d$/.test(right[k]));
  r = await ana.post(`/training/attempts/${attempt}`, { ...right, [first]: '7' });
  assert.equal(r.status, 400);
  assert.match(text(r.body), /Answer question \d/);
  // someone else's attempt is not there for them
  await ben.get('/training');
  assert.equal((await ben.get(`/training/attempts/${attempt}`)).status, 404);
  assert.equal((await ben.post(`/training/attempts/${attempt}`, right)).status, 404);
  assert.equal(counts(), before_);
  r = await ana.post(`/training/attempts/${attempt}`, right);
  assert.equal(r.status, 200);
  assert.match(text(r.body), /You passed ?: 5 of 5/);
  assert.equal((await ana.post(`/training/attempts/${attempt}`, right)).status, 409, 'marked once');
  assert.equal(sql('SELECT count(*) FROM completions'), '1');
  // through the gate now
  await ana.get(`/phonebanks/${bank}`);
  assert.equal((await ana.post(`/phonebanks/${bank}/join`)).status, 303);
  assert.equal(sql(`SELECT count(*) FROM phonebank_callers WHERE phonebank_id = ${bank}`), '1');
  // approved, she calls; once her training has run out, the next voter waits for it
  sql(`UPDATE phonebank_callers SET approved = 1 WHERE phonebank_id = ${bank}`);
  await ana.get(`/phonebanks/${bank}`);
  sql("UPDATE completions SET expires_at = strftime('%s', 'now') - 1");
  let next = await ana.post(`/phonebanks/${bank}/next`);
  assert.equal(next.status, 303);
  assert.match(next.headers.get('location'), /^\/training\/phone-banking\?why=gate/);
  const api = await ana.api('POST', `/api/v1/phonebanks/${bank}/next`, { body: {} });
  assert.equal(api.status, 403);
  assert.match(api.body.error, /Training to do first/);
  assert.equal(sql(`SELECT count(*) FROM contacts WHERE phonebank_id = ${bank} AND lease_until IS NOT NULL`), '0', 'no voter handed over');
  sql("UPDATE completions SET expires_at = strftime('%s', 'now') + 365 * 86400");
});

test('a completion past its expiry shuts the gate again; another version asked for does too', async () => {
  sql("UPDATE completions SET expires_at = strftime('%s', 'now') - 1");
  assert.match(text((await ana.get('/training')).body), /Phone banking expired/);
  sql("UPDATE completions SET expires_at = strftime('%s', 'now') + 86400");
  sql("UPDATE gates SET min_version = 2; UPDATE modules SET version = 2 WHERE slug = 'phone-banking'");
  assert.match(text((await ana.get('/training')).body), /Phone banking to do again \(it has changed\)/);
  sql("UPDATE gates SET min_version = 1; UPDATE modules SET version = 1 WHERE slug = 'phone-banking'");
});

test('organisers choose the training a phone bank asks of its callers; a module that is not there is refused', async () => {
  await admin.get(`/phonebanks/${bank}`);
  assert.equal((await admin.post(`/phonebanks/${bank}/training`, { module: 'no-such' })).status, 400);
  assert.equal(sql(`SELECT count(*) FROM gates WHERE target_id = ${bank}`), '1');
  assert.equal((await admin.post(`/phonebanks/${bank}/training`, { module: '' })).status, 303);
  assert.equal(sql(`SELECT count(*) FROM gates WHERE target_id = ${bank}`), '0');
  await ben.get(`/phonebanks/${bank}`);
  assert.equal((await ben.post(`/phonebanks/${bank}/join`)).status, 303);
  assert.equal(sql(`SELECT count(*) FROM phonebank_callers WHERE phonebank_id = ${bank}`), '2', 'no gate: straight in');
  assert.equal((await admin.post(`/phonebanks/${bank}/training`, { module: 'safeguarding' })).status, 303);
  assert.equal(sql(`SELECT m.slug FROM gates g JOIN modules m ON m.id = g.module_id WHERE target_id = ${bank}`), 'safeguarding');
  assert.equal((await ben.post(`/phonebanks/${bank}/training`, { module: '' })).status, 403);
  // Ana and Ben asked before the phone bank asked for safeguarding: the organisers see it and remind them
  const page = text((await admin.get(`/phonebanks/${bank}`)).body);
  assert.match(page, /2 still to do the training/);
  assert.match(page, /Ben Best training to do/);
  assert.equal((await ben.post(`/phonebanks/${bank}/nudge`)).status, 403);
  const r = await admin.post(`/phonebanks/${bank}/nudge`);
  assert.equal(r.status, 200);
  assert.match(text(r.body), /2 callers were told where to do the training/);
  const mail = mailFor(srv.outbox, 'ben@example.org', /(\/training\/safeguarding\?why=gate&next=\/phonebanks\/\d+)/);
  assert.ok(mail, 'Ben is sent the link to the module');
});

const STEPS = '## Why\nPeople who **vote** decide.\n<script>alert(1)</script>\n## How\nAsk, listen, record.\nVideo: https://example.org/how';
const QUESTIONS = '? Who decides?\n* People who vote\n- Nobody\n\n? The emergency number\n= 999\n\n? In order\n1. Ask\n2. Listen\n3. Record';
const MODULE = { title: 'Canvassing basics', slug: '', summary: 'The short version.', group: '', pass_percent: '100', draw: '3',
  max_attempts: '2', valid_days: '0', steps: STEPS, questions: QUESTIONS };

test('organisers write a module in the browser: a preview saves nothing, bad quizzes are refused, a change that matters asks for it again', async () => {
  const modules = () => sql('SELECT count(*) FROM modules');
  const before_ = modules();
  // a volunteer may not write one
  assert.equal((await ben.get('/training/new')).status, 403);
  assert.equal((await ben.post('/training', MODULE)).status, 403);
  await admin.get('/training/new');
  let r = await admin.post('/training', { ...MODULE, preview: '1' });
  assert.equal(r.status, 200);
  assert.match(r.body, /People who <strong>vote<\/strong> decide/);
  assert.doesNotMatch(r.body, /<script>alert/, 'raw HTML is left out');
  assert.match(text(r.body), /People who vote \(right\)/);
  for (const [fields, why] of [
    [{ questions: '? No right answer\n- a\n- b' }, /has no right answer/],
    [{ pass_percent: '101' }, /The pass mark is a whole number from 1 to 100/],
    [{ draw: '4' }, /More questions are drawn than the bank holds/],
    [{ steps: 'no title line' }, /begin with a step's title/],
    [{ title: '<b>x</b>' }, /The title looks like HTML/],
  ]) {
    r = await admin.post('/training', { ...MODULE, ...fields });
    assert.equal(r.status, 400, JSON.stringify(fields));
    assert.match(text(r.body).replace(/&#39;/g, "'"), why);
  }
  assert.equal(modules(), before_);
  r = await admin.post('/training', MODULE);
  assert.equal(r.status, 303, text(r.body).slice(0, 300));
  assert.equal(r.headers.get('location'), '/training/canvassing-basics?step=1');
  assert.equal(sql("SELECT version || '/' || draw || '/' || (SELECT count(*) FROM quiz_questions q WHERE q.module_id = modules.id) FROM modules WHERE slug = 'canvassing-basics'"), '1/3/3');
  const page = (await ben.get('/training/canvassing-basics?step=2')).body;
  assert.match(page, /href="https:\/\/example.org\/how"/);
  // the same short name again is refused
  assert.equal((await admin.post('/training', MODULE)).status, 400);
  // edited without a change that matters: same version; with one, the next, and the gate asks for it
  await admin.get('/training/canvassing-basics/edit');
  r = await admin.post('/training/canvassing-basics/edit', { ...MODULE, summary: 'Shorter.' });
  assert.equal(r.status, 303);
  assert.equal(sql("SELECT version || '/' || summary FROM modules WHERE slug = 'canvassing-basics'"), '1/Shorter.');
  const mid = sql("SELECT id FROM modules WHERE slug = 'canvassing-basics'");
  sql(`INSERT INTO gates (action, target_id, module_id, min_version) VALUES ('phonebank_call', 999, ${mid}, 1)`);
  r = await admin.post('/training/canvassing-basics/edit', { ...MODULE, redo: '1' });
  assert.equal(r.status, 303);
  assert.equal(sql(`SELECT version FROM modules WHERE id = ${mid}`), '2');
  assert.equal(sql(`SELECT min_version FROM gates WHERE module_id = ${mid}`), '2');
  assert.equal(sql(`SELECT count(*) FROM quiz_questions WHERE module_id = ${mid} AND retired = 0`), '3');
  assert.equal(sql(`SELECT count(*) FROM quiz_questions WHERE module_id = ${mid} AND retired = 1`), '6');
  assert.equal((await ben.post('/training/canvassing-basics/edit', MODULE)).status, 403);
});

test('a live training: marking who came completes the module it teaches for them', async () => {
  const day = new Date(Date.now() + 3 * 86400000).toISOString().slice(0, 10);
  await admin.get('/events/new');
  const made = await admin.post('/events', { group: String(gid), type: 'training', title: 'Safeguarding in person', date: day,
    start: '18:00', end: '19:30', postcode: 'DE22 1AA', capacity: '20' });
  assert.equal(made.status, 303, text(made.body).slice(0, 300));
  const eid = Number(/\/events\/(\d+)/.exec(made.headers.get('location'))[1]);
  const slot = sql(`SELECT id FROM slots WHERE event_id = ${eid}`);
  await ben.get(`/events/${eid}`);
  assert.equal((await ben.post(`/events/${eid}/signup`, { slot })).status, 200);
  const page = (await admin.get(`/events/${eid}/attendees`)).body;
  assert.match(page, /What this training teaches/);
  assert.equal((await admin.post(`/events/${eid}/training`, { module: 'no-such' })).status, 400);
  assert.equal((await admin.post(`/events/${eid}/training`, { module: 'safeguarding' })).status, 303);
  const signup = sql(`SELECT s.id FROM signups s JOIN slots l ON l.id = s.slot_id WHERE l.event_id = ${eid}`);
  const ben_id = sql("SELECT id FROM people WHERE email = 'ben@example.org'");
  assert.equal(sql(`SELECT count(*) FROM completions c JOIN modules m ON m.id = c.module_id WHERE m.slug = 'safeguarding' AND c.person_id = ${ben_id}`), '0');
  assert.equal((await admin.post(`/events/${eid}/attendance`, { attended: signup })).status, 303);
  assert.equal(sql(`SELECT c.via || '/' || (c.expires_at - c.completed_at) FROM completions c JOIN modules m ON m.id = c.module_id
    WHERE m.slug = 'safeguarding' AND c.person_id = ${ben_id}`), `live/${365 * 86400}`);
  assert.match(text((await ben.get('/training')).body), /Safeguarding done/);
  // admins ask every driver for the driving module; Ben's offer of a ride waits for it
  assert.equal((await ben.post('/training/drivers', { module: 'driving-volunteers' })).status, 403);
  await admin.get('/training');
  assert.equal((await admin.post('/training/drivers', { module: 'no-such' })).status, 400);
  assert.equal((await admin.post('/training/drivers', { module: 'driving-volunteers' })).status, 303);
  assert.match(text((await ben.get('/training')).body), /Drivers offering a ride first complete Driving volunteers/);
  assert.match(text((await ben.get(`/events/${eid}/rides`)).body), /Drivers first complete Driving volunteers/);
  let offer = await ben.post(`/events/${eid}/rides/offer`, { postcode: 'DE65 5PN', seats: '2' });
  assert.equal(offer.status, 303);
  assert.equal(offer.headers.get('location'), `/training/driving-volunteers?why=gate&next=/events/${eid}/rides`);
  assert.equal(sql(`SELECT count(*) FROM ride_offers WHERE event_id = ${eid}`), '0');
  sql(`INSERT INTO completions (module_id, person_id, version, completed_at, via) SELECT id, ${ben_id}, 1, strftime('%s', 'now'), 'quiz' FROM modules WHERE slug = 'driving-volunteers'`);
  offer = await ben.post(`/events/${eid}/rides/offer`, { postcode: 'DE65 5PN', seats: '2' });
  assert.equal(offer.status, 303);
  assert.equal(offer.headers.get('location'), `/events/${eid}/rides`);
  assert.equal(sql(`SELECT count(*) FROM ride_offers WHERE event_id = ${eid}`), '1');
  assert.equal((await admin.post('/training/drivers', { module: '' })).status, 303);
  // a session that is not a training teaches nothing
  const canvass = await admin.post('/events', { group: String(gid), type: 'canvass', title: 'Doors', date: day,
    start: '10:00', end: '12:00', postcode: 'DE22 1AA', capacity: '20' });
  const cid = Number(/\/events\/(\d+)/.exec(canvass.headers.get('location'))[1]);
  assert.equal((await admin.post(`/events/${cid}/training`, { module: 'safeguarding' })).status, 400);
  // a session may ask its volunteers for a module: Cal signed up before it did
  const cslot = sql(`SELECT id FROM slots WHERE event_id = ${cid}`);
  const cal = await groupMember(srv, gid, 'cal@example.org', 'Cal Early');
  await cal.get(`/events/${cid}`);
  assert.equal((await cal.post(`/events/${cid}/signup`, { slot: cslot })).status, 200);
  await admin.get(`/events/${cid}/attendees`);
  assert.equal((await admin.post(`/events/${cid}/requires`, { module: 'no-such' })).status, 400);
  assert.equal((await admin.post(`/events/${cid}/requires`, { module: 'doorstep-conversations' })).status, 303);
  const before_ = sql(`SELECT count(*) FROM signups s JOIN slots l ON l.id = s.slot_id WHERE l.event_id = ${cid}`);
  await ben.get(`/events/${cid}`);
  const asked = await ben.post(`/events/${cid}/signup`, { slot: cslot });
  assert.equal(asked.status, 303);
  assert.equal(asked.headers.get('location'), `/training/doorstep-conversations?why=gate&next=/events/${cid}`);
  const { Visitor } = await import('./lib.mjs');
  const guest = new Visitor(srv.url);
  await guest.get(`/events/${cid}`);
  const g = await guest.post(`/events/${cid}/signup`, { slot: cslot, name: 'Gus Guest', email: 'gus@example.org' });
  assert.equal(g.status, 403);
  assert.match(text(g.body), /Sign in first/);
  assert.equal(sql(`SELECT count(*) FROM signups s JOIN slots l ON l.id = s.slot_id WHERE l.event_id = ${cid}`), before_);
  assert.equal(sql("SELECT count(*) FROM pending_signups WHERE email = 'gus@example.org'"), '0');
  // the host sees Cal has it to do, and reminds him
  const list = text((await admin.get(`/events/${cid}/attendees`)).body);
  assert.match(list, /Cal Early training to do/);
  assert.match(list, /1 signed up still to do it/);
  const nudged = await admin.post(`/events/${cid}/nudge`);
  assert.equal(nudged.status, 200);
  assert.match(text(nudged.body), /1 told where to do the training/);
  assert.ok(mailFor(srv.outbox, 'cal@example.org', /(\/training\/doorstep-conversations\?why=gate&next=\/events\/\d+)/));
});

test('30 days before a completion runs out its holder is reminded, once', async () => {
  const ben_id = sql("SELECT id FROM people WHERE email = 'ben@example.org'");
  const mid = sql("SELECT id FROM modules WHERE slug = 'safeguarding'");
  sql(`UPDATE completions SET expires_at = strftime('%s', 'now') + 10 * 86400 WHERE person_id = ${ben_id} AND module_id = ${mid}`);
  const reminded = () => sql(`SELECT count(*) FROM training_reminders WHERE person_id = ${ben_id} AND module_id = ${mid}`);
  for (let i = 0; i < 50 && reminded() === '0'; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(reminded(), '1');
  const mail = mailFor(srv.outbox, 'ben@example.org', /"Safeguarding" training runs out on ([^.]+)\./);
  assert.ok(mail, 'Ben is told when');
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(reminded(), '1', 'once');
  const n = mailSh(`grep -l 'Safeguarding" training runs out' ${srv.outbox}/*.eml | xargs grep -l 'To: ben@example.org' | wc -l`).trim();
  assert.equal(n, '1');
});

test('attempts and completions are in the data export, and go with erasure', async () => {
  const all = (await ana.api('GET', '/api/v1/me/export')).body.result;
  assert.equal(all.training_completions[0].module, 'phone-banking');
  assert.equal(all.quiz_attempts[0].score, 5);
  const id = ana.id;
  assert.ok(Number(sql(`SELECT count(*) FROM quiz_attempts WHERE person_id = ${id}`)) > 0);
  await ana.get('/account');
  assert.equal((await ana.post('/account/delete', { confirm: 'delete' })).status, 200);
  assert.equal(sql(`SELECT (SELECT count(*) FROM completions WHERE person_id = ${id}) + (SELECT count(*) FROM quiz_attempts WHERE person_id = ${id})
    + (SELECT count(*) FROM training_progress WHERE person_id = ${id})`), '0');
});
