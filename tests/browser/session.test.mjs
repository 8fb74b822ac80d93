// From a postcode to a place at a session, as a guest, in headless Chromium:
// the marginal answer lists the session, the guest signs up, confirms from
// the outbox, and cancels from the email.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, copyDb, run, settleMail, strongAdmin, FIXTURE_DB } from '../integration/lib.mjs';
import { signUpInPage } from './lib.mjs';

let srv, browser, db;
before(async () => {
  db = copyDb(FIXTURE_DB);
  assert.equal(run(['demo', '--db', db]).status, 0);
  srv = await startServer({ db });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

function mailLink(to, re) {
  settleMail(srv.outbox);
  for (const f of readdirSync(srv.outbox).sort().reverse()) {
    const text = readFileSync(join(srv.outbox, f), 'utf8');
    const m = text.includes(`To: ${to}`) && re.exec(text);
    if (m) return m[0];
  }
  return null;
}

test('find a session from a postcode, sign up as a guest, confirm, cancel', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${srv.url}/`);
  await page.fill('#postcode', 'DE22 1AA');
  await page.click('button[type=submit]');
  await page.waitForSelector('ol.seats li');
  const join = page.locator('ol.seats a.join').first();
  assert.ok(await join.count() > 0, 'a marginal lists a session to join');
  await join.click();
  await page.waitForSelector('form[action$="/signup"]');
  // issue 10: a slot's label once lost its first two characters (":00–13:00")
  const label = (await page.locator('label.slot-card strong').first().innerText()).trim();
  assert.match(label, /^\d\d:\d\d–\d\d:\d\d$/, `the slot shows its whole time: ${label}`);
  await page.locator('input[name=slot]').first().check();
  await page.fill('#name', 'Gus Guest');
  await page.fill('#email', 'gus@example.org');
  await page.click('button:has-text("Sign up")');
  await page.waitForSelector('h1:has-text("Check your email")');

  const confirm = mailLink('gus@example.org', /http:\/\/[^\s"]+\/signups\/confirm\?token=[A-Za-z0-9_-]{43}/);
  assert.ok(confirm);
  await page.goto(confirm);
  await page.click('button:has-text("Confirm my place")');
  await page.waitForSelector('h1:has-text("You are going")');

  const cancel = mailLink('gus@example.org', /http:\/\/[^\s"]+\/signups\/cancel\?token=[A-Za-z0-9_-]{43}/);
  assert.ok(cancel, 'the confirmation email carries a cancel link');
  await page.goto(cancel);
  await page.click('button:has-text("Cancel my place")');
  await page.waitForSelector('h1:has-text("Cancelled")');
  await page.screenshot({ path: 'build/test/screens/cancelled.png' });
  await page.close();
});

// Issue 17: Back after a search showed "Confirm Form Resubmission"; results could not be
// bookmarked. A search is answered by a GET of a kept, unguessable search (no postcode in it).
test('Back after a postcode search returns to the results, which have an address of their own', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${srv.url}/`);
  await page.fill('#postcode', 'DE22 1AA');
  await page.click('button[type=submit]');
  await page.waitForSelector('ol.seats li');
  const results = page.url();
  assert.match(results, /\/\?r=[A-Za-z0-9_-]{60,1400}$/);
  assert.doesNotMatch(results, /DE22|de22/i, 'no postcode in the address');
  await page.locator('ol.seats a').first().click();
  await page.waitForLoadState();
  await page.goBack();
  await page.waitForSelector('ol.seats li');
  assert.match(await page.textContent('main'), /DE22 1AA/);
  // the address works on its own, as a bookmark would
  const again = await browser.newPage();
  await again.goto(results);
  await again.waitForSelector('ol.seats li');
  await again.close();
  // and sessions found by postcode the same way
  await page.goto(`${srv.url}/events`);
  await page.fill('#postcode', 'DE22 1AA');
  await page.click('form[action="/events/search"] button[type=submit]');
  await page.waitForURL(/\/events\?r=/);
  assert.equal(await page.locator('text=Confirm Form Resubmission').count(), 0);
  await page.close();
});

// Issue 17: sessions found by date as well as place, a list a day, and the
// signed-in volunteer's own postcode to start from.
test('sessions by date and place, grouped by day, from the volunteer\'s own postcode', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(`${srv.url}/events`);
  const days = await page.locator('h3.day').allTextContents();
  assert.ok(days.length >= 2, `sessions on several days: ${days}`);
  assert.equal(new Set(days).size, days.length, 'one heading a day');
  for (const d of days) assert.match(d, /^[A-Z][a-z]+day \d{1,2} [A-Z][a-z]+$/);
  // pick the second day listed, by its date
  const first = page.locator('h3.day').nth(1);
  const href = await first.locator('xpath=following-sibling::ul[1]//a').first().getAttribute('href');
  const id = /\/events\/(\d+)/.exec(href)[1];
  const ics = await (await fetch(`${srv.url}/events/${id}/calendar.ics`)).text();
  const [, y, m, d] = /DTSTART;TZID=Europe\/London:(\d{4})(\d{2})(\d{2})/.exec(ics);
  await page.fill('#date', `${y}-${m}-${d}`);
  await page.fill('#postcode', 'DE22 1AA');
  await page.fill('#km', '1000');
  await page.click('form[action="/events/search"] button[type=submit]');
  await page.waitForSelector('#results');
  const only = await page.locator('h3.day').allTextContents();
  assert.deepEqual(only, [days[1]], 'only that day');
  assert.equal(await page.inputValue('#date'), `${y}-${m}-${d}`, 'the form keeps what was asked');
  assert.equal(await page.inputValue('#postcode'), 'DE22 1AA');
  assert.match(await page.textContent('ul.events'), /\d+(\.\d)? km/);
  // and a map of what was found, its numbers matching the list and opening each session
  const items = await page.locator('ul.events li').count();
  const dots = page.locator('figure.mapbox svg.map a[href^="/events/"]');
  assert.equal(await dots.count(), Math.min(items, 30));
  assert.equal(await page.locator('ul.events li span.num').first().textContent(), '1');
  const firstHref = await page.locator('ul.events li a').first().getAttribute('href');
  const dot = page.locator(`figure.mapbox svg.map a[aria-label^="1: "]`);
  assert.equal(await dot.getAttribute('href'), firstHref);
  await dot.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`${firstHref}$`));
  await page.close();

  // signed in with a postcode on the account: the search starts from it
  const { Visitor } = await import('../integration/lib.mjs');
  const v = new Visitor(srv.url);
  await v.signInByLink(srv.outbox, 'pat@example.org', 'Pat Postcode');
  const saved = await v.post('/account', { name: 'Pat Postcode', email: 'pat@example.org', postcode: 'de22 1aa' });
  assert.ok(saved.status < 400, `account saved: ${saved.status}`);
  const ctx = await browser.newContext();
  await ctx.addCookies([...v.jar].map(([name, value]) => ({ name, value, url: srv.url, httpOnly: true, sameSite: 'Lax' })));
  const mine = await ctx.newPage();
  await mine.goto(`${srv.url}/events`);
  assert.equal(await mine.inputValue('#postcode'), 'DE22 1AA');
  await ctx.close();
});

// Issue 17: several slots at once, and each place one's own to give back: the page once
// said only "your slot is …, and you have 2 more" with one "Cancel my place" for all.
test('a volunteer takes two slots, sees both, gives one back and adds another', async () => {
  const admin = await strongAdmin(srv, db, 'slots-admin@example.org', 'Sol Admin');
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Slot Testers', seats: 'E14001193' });
  const gid = (await admin.api('GET', '/api/v1/groups')).body.result.find((g) => g.name === 'Slot Testers').id;
  await admin.get('/events/new');
  const day = new Date(Date.now() + 5 * 86400000).toISOString().slice(0, 10);
  const made = await admin.post('/events', { group: gid, type: 'canvass', title: 'Three shifts', date: day,
    start: '10:00', end: '13:00', postcode: 'DE22 1AA', capacity: '3', slots: '10:00-11:00 3\n11:00-12:00 3\n12:00-13:00 3' });
  assert.equal(made.status, 303, made.body.slice(0, 200));
  const id = Number(/\/events\/(\d+)/.exec(made.headers.get('location'))[1]);

  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await signUpInPage(page, srv, 'Sasha Shifts', 'sasha@example.org');
  await page.goto(`${srv.url}/events/${id}`);
  await page.check('label.slot-card:has-text("10:00–11:00") input');
  await page.check('label.slot-card:has-text("12:00–13:00") input');
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Sign up")')]);
  await page.goto(`${srv.url}/events/${id}`);
  const places = page.locator('ul.places li');
  assert.equal(await places.count(), 2);
  assert.match(await places.nth(0).innerText(), /10:00–11:00: going/);
  assert.match(await places.nth(1).innerText(), /12:00–13:00: going/);
  // the one slot not taken is offered to add
  assert.deepEqual(await page.locator('fieldset:has(legend:has-text("Add another slot")) label.slot-card strong').allInnerTexts(), ['11:00–12:00']);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Cancel the 10:00–11:00 place")')]);
  await page.goto(`${srv.url}/events/${id}`);
  // one place left: the plain status and button again, the 12:00 place kept
  assert.match(await page.textContent('main'), /You are going: your slot is 12:00–13:00/);
  assert.equal(await page.locator('ul.places').count(), 0);
  await page.check('label.slot-card:has-text("11:00–12:00") input');
  await Promise.all([page.waitForNavigation(), page.click('form:has(legend:has-text("Add another slot")) button[type=submit]')]);
  assert.match(await page.textContent("main"), /You are going/);
  await page.goto(`${srv.url}/events/${id}`);
  assert.deepEqual((await page.locator('ul.places li strong').allInnerTexts()), ['11:00–12:00', '12:00–13:00']);
  await page.screenshot({ path: 'build/test/screens/two-places.png' });
  await page.close();
});
