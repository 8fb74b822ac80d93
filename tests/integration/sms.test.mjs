// Issue 17: text reminders for those who gave a mobile number and agreed,
// through a Twilio-compatible provider (a stand-in on loopback here), with
// delivery reports and STOP handled; the callbacks are signed and checked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { startServer, Visitor, copyDb, strongAdmin, FIXTURE_DB, sqlOn } from './lib.mjs';

const PUBLIC = 'http://turnout.example.org'; // https would make the cookies Secure
const ACCOUNT = 'AC0123456789abcdef', TOKEN = 'stand-in-auth-token';
let srv, db, admin, gid, provider;
const texts = [];       // what the stand-in was asked to send
let answer = null;      // the stand-in's next answer, when not the usual
const sql = (q) => sqlOn(db)(q);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// the stand-in: the Messages resource, basic auth, a form body
function standIn() {
  return new Promise((resolve) => {
    const s = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => { body += d; });
      req.on('end', () => {
        const auth = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
        const form = Object.fromEntries(new URLSearchParams(body));
        texts.push({ path: req.url, auth, form, type: req.headers['content-type'] });
        const a = answer ?? { status: 201, body: { sid: `SM${String(texts.length).padStart(32, '0')}`, status: 'queued' } };
        answer = null;
        res.writeHead(a.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(a.body));
      });
    });
    s.listen(0, '127.0.0.1', () => resolve(s));
  });
}

// what the provider sends: its signature over the public URL and the form
function sign(path, form) {
  const data = Object.keys(form).sort().reduce((acc, k) => acc + k + form[k], PUBLIC + path);
  return createHmac('sha1', TOKEN).update(data).digest('base64');
}
async function callback(path, form, signature = sign(path, form)) {
  return fetch(srv.url + path, { method: 'POST', body: new URLSearchParams(form).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Twilio-Signature': signature } });
}

// a session starting in about an hour, one slot, London time
function soon(minutes) {
  const f = (t) => Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric',
    month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .formatToParts(t).map((x) => [x.type, x.value]));
  for (let m = minutes; m < minutes + 60; m += 5) {
    const a = f(new Date(Date.now() + m * 60000)), b = f(new Date(Date.now() + (m + 20) * 60000));
    if (a.day === b.day && `${b.hour}:${b.minute}` > `${a.hour}:${a.minute}`)
      return { date: `${a.year}-${a.month}-${a.day}`, start: `${a.hour}:${a.minute}`, end: `${b.hour}:${b.minute}` };
  }
  throw new Error('no slot fits');
}
async function session(title, minutes = 60) {
  const t = soon(minutes);
  await admin.get('/events/new');
  const r = await admin.post('/events', { group: gid, type: 'canvass', title, date: t.date, start: t.start, end: t.end,
    postcode: 'DE22 1AA', address: '1 Station Road', capacity: '5' });
  assert.equal(r.status, 303, r.body.slice(0, 300));
  return Number(/\/events\/(\d+)/.exec(r.headers.get('location'))[1]);
}
async function goTo(v, id) {
  await v.get(`/events/${id}`);
  const slot = sql(`SELECT id FROM slots WHERE event_id = ${id}`);
  assert.match((await v.post(`/events/${id}/signup`, { slot })).body, /You are going/);
  return Number(sql(`SELECT g.id FROM signups g JOIN slots s ON s.id = g.slot_id WHERE s.event_id = ${id}`));
}
const until = async (what, ms = 6000) => {
  for (let t = 0; t < ms && !what(); t += 100) await sleep(100);
  return what();
};

before(async () => {
  provider = await standIn();
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: {
    TURNOUT_REMINDER_INTERVAL: '1', TURNOUT_MAIL_RETRY_S: '1', TURNOUT_PUBLIC_URL: PUBLIC,
    TURNOUT_SMS_URL: `http://127.0.0.1:${provider.address().port}`, TURNOUT_SMS_ACCOUNT: ACCOUNT,
    TURNOUT_SMS_TOKEN: TOKEN, TURNOUT_SMS_FROM: '+447700900000', TURNOUT_RATE_TOKEN_IP: '1000/1000' } });
  admin = await strongAdmin(srv, db);
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Derby Doorknockers', seats: 'E14001193' });
  gid = (await admin.api('GET', '/api/v1/groups')).body.result[0].id;
});
after(async () => {
  if (srv) await srv.stop();
  provider?.close();
});

test('consent on the account page: a UK mobile and the box together; the choice is audited and exported', async () => {
  const v = new Visitor(srv.url);
  await v.signInByLink(srv.outbox, 'sam@example.org', 'Sam Sender');
  let page = await v.get('/account');
  assert.match(page.body, /Text me a reminder two hours before/);
  assert.doesNotMatch(page.body, /name="sms" value="1" checked/);
  // a landline is refused, the field kept, nothing agreed
  const base = { name: 'Sam Sender', email: 'sam@example.org', postcode: '', member: '' };
  let r = await v.post('/account', { ...base, phone: '01332 123456', sms: '1' });
  assert.equal(r.status, 400);
  assert.match(r.body, /need a UK mobile number/);
  assert.equal(sql("SELECT count(*) FROM people WHERE sms_to IS NOT NULL"), '0');
  r = await v.post('/account', { ...base, phone: '07700 900123', sms: '1' });
  assert.equal(r.status, 200, r.body.slice(0, 300));
  assert.match(r.body, /Reminders are texted to \+447700900123/);
  assert.match(r.body, /name="sms" value="1" checked/);
  assert.equal(sql("SELECT sms_to, sms_consent_at > 0 FROM people WHERE email = 'sam@example.org'"), '+447700900123|1');
  const audit = sql("SELECT group_concat(action) FROM audit_log WHERE action LIKE 'sms.%'");
  assert.equal(audit, 'sms.consent');
  const exported = (await v.api('GET', '/api/v1/me/export')).body.result;
  assert.equal(exported.text_reminders.mobile, '+447700900123');
  // unticking withdraws
  r = await v.post('/account', { ...base, phone: '07700 900123' });
  assert.equal(sql("SELECT sms_to IS NULL FROM people WHERE email = 'sam@example.org'"), '1');
  assert.equal(sql("SELECT group_concat(action) FROM audit_log WHERE action LIKE 'sms.%'"), 'sms.consent,sms.withdraw');
  r = await v.post('/account', { ...base, phone: '07700 900123', sms: '1' });
  assert.equal(r.status, 200);
});

test('the reminder is texted two hours before, once, naming the session; delivery reports are signed', async () => {
  const v = new Visitor(srv.url);
  await v.signInByLink(srv.outbox, 'sam@example.org', 'Sam Sender');
  const id = await session('Doors on Kedleston Road');
  const before = texts.length;
  const signup = await goTo(v, id);
  assert.ok(await until(() => texts.length > before), 'the provider was asked');
  await sleep(1500); // another reminder pass: still one text
  assert.equal(texts.length, before + 1);
  const t = texts.at(-1);
  assert.equal(t.path, `/2010-04-01/Accounts/${ACCOUNT}/Messages.json`);
  assert.equal(t.auth, `${ACCOUNT}:${TOKEN}`);
  assert.match(t.type, /application\/x-www-form-urlencoded/);
  assert.equal(t.form.To, '+447700900123');
  assert.equal(t.form.From, '+447700900000');
  assert.equal(t.form.StatusCallback, `${PUBLIC}/sms/status`);
  assert.match(t.form.Body, /^Doors on Kedleston Road is in two hours: .+, DE22 1AA\. http:\/\/turnout\.example\.org\/events\/\d+ - Reply STOP/);
  assert.ok(t.form.Body.length <= 160, `${t.form.Body.length} characters: one text`);
  // the mail went too; the sent text keeps no number and no words, only the provider's id
  assert.ok(await until(() => sql(`SELECT count(*) FROM mail_out WHERE mkey = 'reminder-${signup}-2h-sms' AND sent_at IS NOT NULL`) === '1'));
  const row = sql(`SELECT recipient, ctx IS NULL, provider_id, delivery FROM mail_out WHERE mkey = 'reminder-${signup}-2h-sms'`);
  assert.match(row, /^\|1\|SM0+\d+\|queued$/);
  const sid = row.split('|')[2];
  // a report with a wrong signature changes nothing
  let r = await callback('/sms/status', { MessageSid: sid, MessageStatus: 'delivered' }, 'bm90IGEgc2lnbmF0dXJl');
  assert.equal(r.status, 403);
  assert.equal((await r.json()).status, 403);
  r = await callback('/sms/status', { MessageSid: sid, MessageStatus: 'delivered', AccountSid: ACCOUNT }, sign('/sms/status', { MessageSid: sid, MessageStatus: 'sent' }));
  assert.equal(r.status, 403, 'the signature covers every field');
  assert.equal(sql(`SELECT delivery FROM mail_out WHERE provider_id = '${sid}'`), 'queued');
  r = await callback('/sms/status', { MessageSid: sid, MessageStatus: 'delivered', AccountSid: ACCOUNT, To: '+447700900123' });
  assert.equal(r.status, 204);
  assert.equal(sql(`SELECT delivery FROM mail_out WHERE provider_id = '${sid}'`), 'delivered');
  r = await callback('/sms/status', { MessageSid: sid, MessageStatus: 'exploded' });
  assert.equal(r.status, 400);
});

test('STOP by reply: consent withdrawn, waiting texts dropped, no more texts; a refused number is given up', async () => {
  const v = new Visitor(srv.url);
  await v.signInByLink(srv.outbox, 'sam@example.org', 'Sam Sender');
  // a text waiting (the provider failing) when the STOP comes in
  answer = { status: 503, body: { code: 20500, message: 'Internal error' } };
  const id = await session('Leaflets on Uttoxeter Road', 70);
  const before = texts.length;
  const signup = await goTo(v, id);
  assert.ok(await until(() => texts.length > before));
  // the failed try is recorded just after the provider answers
  const row = () => sql(`SELECT tries > 0, sent_at IS NULL, failed_at IS NULL FROM mail_out WHERE mkey = 'reminder-${signup}-2h-sms'`);
  await until(() => row().startsWith('1|'));
  assert.equal(row(), '1|1|1');
  const stop = await callback('/sms/inbound', { From: '+447700900123', To: '+447700900000', Body: ' stop ', MessageSid: 'SMreply1' });
  assert.equal(stop.status, 200);
  assert.match(await stop.text(), /<Response><\/Response>/);
  assert.equal(sql("SELECT sms_to IS NULL FROM people WHERE email = 'sam@example.org'"), '1');
  assert.equal(sql(`SELECT failed_at IS NOT NULL, recipient FROM mail_out WHERE mkey = 'reminder-${signup}-2h-sms'`), '1|');
  assert.match(sql("SELECT group_concat(action) FROM audit_log WHERE action LIKE 'sms.%'"), /sms\.stop$/);
  assert.doesNotMatch(sql('SELECT group_concat(coalesce(detail, \'\')) FROM audit_log'), /stop/i, 'the reply itself is not kept');
  await sleep(2500);
  assert.equal(texts.length, before + 1, 'not tried again after STOP');
  // the account page shows the box unticked
  assert.doesNotMatch((await v.get('/account')).body, /name="sms" value="1" checked/);
  // an unsigned STOP is refused
  const forged = await callback('/sms/inbound', { From: '+447700900123', Body: 'STOP' }, 'AAAA');
  assert.equal(forged.status, 403);

  // agreeing again; the provider refuses the number for good (400): given up, not retried
  const base = { name: 'Sam Sender', email: 'sam@example.org', postcode: '', member: '', phone: '07700 900123', sms: '1' };
  assert.equal((await v.post('/account', base)).status, 200);
  answer = { status: 400, body: { code: 21610, message: 'Attempt to send to unsubscribed recipient' } };
  const id2 = await session('Doors in Mickleover', 80);
  const n = texts.length;
  const s2 = await goTo(v, id2);
  assert.ok(await until(() => sql(`SELECT failed_at IS NOT NULL FROM mail_out WHERE mkey = 'reminder-${s2}-2h-sms'`) === '1'));
  assert.match(sql(`SELECT error FROM mail_out WHERE mkey = 'reminder-${s2}-2h-sms'`), /HTTP 400, provider code 21610/);
  await sleep(1500);
  assert.equal(texts.length, n + 1);
});
