// A host's tools in headless Chromium: the attendee list marks who came on
// this session (issue 17: the form once posted to the session numbered like
// the first sign-up), and a volunteer on the waiting list is told so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { startServer, copyDb, strongAdmin, Visitor, FIXTURE_DB, sqlOn } from '../integration/lib.mjs';

let srv, browser, db, admin, gid;
const sql = (q) => sqlOn(db)(q);
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);

async function session(title, capacity) {
  await admin.get('/events/new');
  const r = await admin.post('/events', { group: gid, type: 'canvass', title, date: day(4),
    start: '10:00', end: '12:00', postcode: 'DE22 1AA', capacity: String(capacity) });
  return Number(/\/events\/(\d+)/.exec(r.headers.get('location'))[1]);
}

async function volunteer(email, name, id) {
  const v = new Visitor(srv.url);
  await v.signInByLink(srv.outbox, email, name);
  await v.get(`/events/${id}`);
  await v.post(`/events/${id}/signup`, { slot: sql(`SELECT id FROM slots WHERE event_id = ${id}`) });
  return v;
}

function contextFor(visitor) {
  return browser.newContext({ viewport: { width: 390, height: 844 } }).then(async (ctx) => {
    await ctx.addCookies([...visitor.jar].map(([name, value]) => ({ name, value, url: srv.url, httpOnly: true, sameSite: 'Lax' })));
    return ctx;
  });
}

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: { TURNOUT_RATE_SIGNUP_IP: '1000/1000', TURNOUT_RATE_SIGNIN_IP: '1000/1000' } });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  admin = await strongAdmin(srv, db);
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Derby Hosts', seats: 'E14001193' });
  gid = (await admin.api('GET', '/api/v1/groups')).body.result[0].id;
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('the host ticks who came and it is saved on this session', async () => {
  // other sessions first, with sign-ups, so sign-up and session numbers differ
  const other = await session('Poole doors', 5);
  await volunteer('olly@example.org', 'Olly Other', other);
  await volunteer('opal@example.org', 'Opal Other', other);
  const id = await session('Hendon doors', 5);
  await volunteer('ada@example.org', 'Ada Attender', id);
  await volunteer('ben@example.org', 'Ben Absent', id);
  assert.notEqual(sql(`SELECT min(g.id) FROM signups g JOIN slots s ON s.id = g.slot_id WHERE s.event_id = ${id}`), String(id));

  const ctx = await contextFor(admin);
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/events/${id}/attendees`);
  await page.check('input[aria-label="Ada Attender came"]');
  await page.click('button:has-text("Save attendance")');
  await page.waitForURL(`${srv.url}/events/${id}/attendees`);
  assert.ok(await page.isChecked('input[aria-label="Ada Attender came"]'), 'the tick is still there');
  assert.ok(!(await page.isChecked('input[aria-label="Ben Absent came"]')));
  assert.equal(sql(`SELECT group_concat(g.email) FROM signups g JOIN slots s ON s.id = g.slot_id
    WHERE s.event_id = ${id} AND g.attended = 1`), 'ada@example.org');
  assert.equal(sql(`SELECT count(*) FROM signups g JOIN slots s ON s.id = g.slot_id
    WHERE s.event_id = ${other} AND g.attended = 1`), '0', 'nothing written to another session');
  await page.screenshot({ path: 'build/test/screens/attendees.png', fullPage: true });
  await ctx.close();
});

test('a volunteer on the waiting list is told so, and which slot', async () => {
  const id = await session('One place only', 1);
  await volunteer('first@example.org', 'First In', id);
  const late = await volunteer('late@example.org', 'Lou Late', id);
  const ctx = await contextFor(late);
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/events/${id}`);
  const note = await page.textContent('p.note[role=status]');
  assert.match(note, /waiting list for the 10:00–12:00 slot \(number 1 in line\)/);
  assert.equal(await page.locator('text=You are going').count(), 0);
  assert.equal(await page.locator('form[action$="/signup"]').count(), 0, 'no second sign-up form');
  assert.equal(await page.locator('button:has-text("Leave the waiting list")').count(), 1);
  await page.screenshot({ path: 'build/test/screens/waiting.png', fullPage: true });
  await ctx.close();
});

// Issue 17: "Cancel this session and tell everyone" was one tap.
test('cancelling a session asks first, naming how many will be emailed', async () => {
  const id = await session('Maybe rained off', 5);
  await volunteer('rain.a@example.org', 'Rhian Rain', id);
  await volunteer('rain.b@example.org', 'Rory Rain', id);
  const ctx = await contextFor(admin);
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/events/${id}`);
  await page.click('button:has-text("Cancel this session")');
  await page.waitForSelector('h1:has-text("Cancel this session?")');
  assert.equal(await page.locator('button:has-text("Cancel and email 2 people")').count(), 1);
  await page.screenshot({ path: 'build/test/screens/cancel-confirm.png', fullPage: true });
  await page.click('a:has-text("No, go back")');
  await page.waitForURL(`${srv.url}/events/${id}`);
  assert.equal(sql(`SELECT status FROM events WHERE id = ${id}`), 'published', 'going back changes nothing');
  await page.click('button:has-text("Cancel this session")');
  await page.click('button:has-text("Cancel and email 2 people")');
  await page.waitForSelector('p.error:has-text("This session is cancelled")');
  assert.equal(sql(`SELECT status FROM events WHERE id = ${id}`), 'cancelled');
  await ctx.close();
});

// Issue 17: the new-session form threw away everything typed on an error.
test('a mistake on the new-session form is shown beside its field, and nothing typed is lost', async () => {
  const ctx = await contextFor(admin);
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/events/new`);
  await page.selectOption('#type', 'leafleting');
  await page.fill('#title', 'Leaflets on Friar Gate');
  await page.fill('#description', 'Bring a bag.');
  await page.fill('#date', day(5));
  await page.fill('#start', '10:00');
  await page.fill('#end', '12:00');
  await page.fill('#postcode', 'ZZ9 9ZZ');
  await page.fill('#capacity', '12');
  await page.click('button:has-text("Publish")');
  await page.waitForSelector('#postcode-error');
  assert.match(await page.textContent('#postcode-error'), /postcode/);
  assert.equal(await page.getAttribute('#postcode', 'aria-invalid'), 'true');
  assert.equal(await page.getAttribute('#postcode', 'aria-describedby'), 'postcode-error');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'postcode', 'focus on the field to fix');
  assert.equal(await page.inputValue('#title'), 'Leaflets on Friar Gate');
  assert.equal(await page.inputValue('#description'), 'Bring a bag.');
  assert.equal(await page.inputValue('#capacity'), '12');
  assert.equal(await page.inputValue('#type'), 'leafleting');
  assert.equal(await page.locator('[aria-invalid]').count(), 1, 'only the field at fault');
  await page.screenshot({ path: 'build/test/screens/new-session-error.png', fullPage: true });
  await page.fill('#postcode', 'DE22 1AA');
  await page.click('button:has-text("Publish")');
  await page.waitForURL(/\/events\/\d+$/);
  assert.match(await page.textContent('h1'), /Leaflets on Friar Gate/);
  await ctx.close();
});

// Issue 17 #6: the new-campaign form threw away everything typed on a mistake.
test('a mistake on the new-campaign form is shown beside its field, and nothing typed is lost', async () => {
  const ctx = await contextFor(admin);
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/campaigns/new`);
  await page.fill('#cname', 'Unseat the Dales');
  await page.fill('#copp', 'A. Tory');
  await page.fill('#cseats', 'E14001193, NOTASEAT');
  await page.fill('#cgoal', '250');
  await page.fill('#cprio', '4');
  await page.fill('#cdead', day(60));
  await page.click('button:has-text("Create campaign")');
  await page.waitForSelector('#cseats-error');
  assert.match(await page.textContent('#cseats-error'), /2024 constituency codes/);
  assert.equal(await page.getAttribute('#cseats', 'aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'cseats', 'focus on the field to fix');
  assert.equal(await page.inputValue('#cname'), 'Unseat the Dales');
  assert.equal(await page.inputValue('#copp'), 'A. Tory');
  assert.equal(await page.inputValue('#cseats'), 'E14001193, NOTASEAT');
  assert.equal(await page.inputValue('#cgoal'), '250');
  assert.equal(await page.inputValue('#cprio'), '4');
  assert.equal(await page.inputValue('#cdead'), day(60));
  assert.equal(await page.locator('[aria-invalid]').count(), 1, 'only the field at fault');
  assert.equal(sql('SELECT count(*) FROM campaigns'), '0', 'nothing saved');
  await page.fill('#cseats', 'E14001193');
  await page.click('button:has-text("Create campaign")');
  await page.waitForURL(/\/campaigns\/\d+$/);
  assert.match(await page.textContent('h1'), /Unseat the Dales/);
  await ctx.close();
});
