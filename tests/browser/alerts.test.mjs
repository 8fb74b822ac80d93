// A postcode answer with no session near (issue 17: a dead end) offers
// calling from home, the local group, and an alert by email for when a
// session is posted near: confirmed by a mailed link, sent when a session
// within its distance goes live, and stopped from any of its emails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, axe } from './lib.mjs';
import { startServer, copyDb, mailFor, strongAdmin, settleMail, Visitor, FIXTURE_DB, sqlOn } from '../integration/lib.mjs';

let srv, browser, db, admin, gid;
const sql = (q) => sqlOn(db)(q);
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
const alertMails = () => { settleMail(); return Number(sql(`SELECT count(*) FROM mail_out WHERE mkey LIKE 'alert-%'`)); };

async function post(title, postcode, extra = {}) {
  await admin.get('/events/new');
  const r = await admin.post('/events', { group: gid, type: 'canvass', title, date: day(5), start: '10:00',
    end: '12:00', postcode, capacity: '10', ...extra });
  assert.equal(r.status, 303, r.body.slice(0, 200));
  return Number(/\/events\/(\d+)/.exec(r.headers.get('location'))[1]);
}

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db });
  browser = await launch();
  admin = await strongAdmin(srv, db);
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Derby North Volunteers', seats: 'E14001193' });
  gid = (await admin.api('GET', '/api/v1/groups')).body.result[0].id;
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('nothing near: call from home, the local group, and an alert that is confirmed, sent and stopped', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${srv.url}/`);
  await page.fill('#postcode', 'DE22 1AA');
  await page.click('button[type=submit]');
  await page.waitForSelector('ol.seats li');
  const next = page.locator('section.next');
  assert.match(await next.textContent(), /No sessions posted near you yet/);
  assert.equal(await next.locator('a[href="/phonebanks"]').count(), 1);
  assert.equal(await next.locator(`a[href="/groups/${gid}"]`).textContent(), 'Derby North Volunteers');
  assert.deepEqual(await axe(page), [], 'axe finds nothing on the answer with next steps');
  await next.screenshot({ path: 'build/test/screens/nothing-near.png' });

  await page.selectOption('#alert-km', '10');
  await page.fill('#alert-email', 'al@example.org');
  await page.click('section.next button[type=submit]');
  await page.waitForSelector('h1:has-text("Check your email")');
  assert.equal(sql('SELECT confirmed FROM session_alerts'), '0');
  // not confirmed yet: a session near mails no one
  await post('Before confirming', 'DE22 1AE');
  assert.equal(alertMails(), 0);

  const confirm = mailFor(srv.outbox, 'al@example.org', /(http:\/\/\S+\/alerts\/confirm\?token=[\w-]+)/);
  assert.ok(confirm, 'a confirmation link was mailed');
  await page.goto(confirm.url);
  await page.click('button:has-text("Confirm")');
  await page.waitForSelector('h1:has-text("Alert set")');
  // used once
  await page.goto(confirm.url);
  await page.click('button:has-text("Confirm")');
  await page.waitForSelector('h1:has-text("That link has expired")');

  // a session 2 km away goes live: one mail, naming it; one in London: none
  const near = await post('Saturday doors in Allestree', 'DE3 0AA');
  await post('Westminster doors', 'SW1A 1YT');
  assert.equal(alertMails(), 1);
  const mail = mailFor(srv.outbox, 'al@example.org', /Subject: New near DE22 1AA: Saturday doors in Allestree/);
  assert.ok(mail, 'the alert mail names the session');
  assert.match(mail.text, new RegExp(`/events/${near}`));
  // a draft tells no one until it is published
  const draft = await post('Draft doors', 'DE22 1AE', { draft: '1' });
  assert.equal(sql(`SELECT draft FROM events WHERE id = ${draft}`), '1');
  assert.equal(alertMails(), 1);
  await admin.get(`/events/${draft}`);
  assert.equal((await admin.post(`/events/${draft}/publish`)).status, 303);
  assert.equal(alertMails(), 2);

  const stop = /(http:\/\/\S+\/alerts\/stop\?token=[\w-]+)/.exec(mail.text)[1];
  await page.goto(stop);
  await page.click('button:has-text("Stop them")');
  await page.waitForSelector('h1:has-text("Stopped")');
  assert.equal(sql('SELECT count(*) FROM session_alerts'), '0');
  const after = alertMails();
  await post('After stopping', 'DE22 1AE');
  assert.equal(alertMails(), after);
  await page.close();
});

test('a signed-in volunteer sets an alert without a link, sees it on their account, and erasure takes it', async () => {
  const v = new Visitor(srv.url);
  await v.signInByLink(srv.outbox, 'sal@example.org', 'Sal Signedin');
  await v.get('/');
  const set = await v.post('/alerts', { postcode: 'DE22 1AA', km: '25' });
  assert.equal(set.status, 200);
  assert.match(set.body, /within 25 km of DE22 1AA/);
  assert.match((await v.get('/account')).body, /Sessions within 25 km of DE22 1AA/);
  // bad input changes nothing
  for (const fields of [{ postcode: 'NOPE', km: '25' }, { postcode: 'DE22 1AA', km: '0' },
    { postcode: 'DE22 1AA', km: '500' }]) {
    assert.equal((await v.post('/alerts', fields)).status, 400);
  }
  const anon = new Visitor(srv.url);
  await anon.get('/');
  assert.equal((await anon.post('/alerts', { postcode: 'DE22 1AA', km: '25', email: 'not an address' })).status, 400);
  // the same address typed by a stranger never replaces what the owner set
  await anon.post('/alerts', { postcode: 'DE22 1AA', km: '5', email: 'sal@example.org' });
  assert.equal(sql("SELECT count(*) FROM session_alerts WHERE person_id IS NOT NULL AND km = 25"), '1');
  const exp = (await v.api('GET', '/api/v1/me/export')).body.result;
  assert.deepEqual(exp.session_alerts.map((a) => [a.postcode, a.km, a.confirmed]).sort(),
    [['DE22 1AA', 25, true], ['DE22 1AA', 5, false]]);
  const del = await v.post('/account/delete', { confirm: 'delete' });
  assert.ok(del.status === 303 || del.status === 200, `delete: ${del.status}`);
  assert.equal(sql('SELECT count(*) FROM session_alerts'), '0', 'the person and the address alerts went with them');
});
