// From a postcode to a place at a session, as a guest, in headless Chromium:
// the marginal answer lists the session, the guest signs up, confirms from
// the outbox, and cancels from the email.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, copyDb, run, settleMail, FIXTURE_DB } from '../integration/lib.mjs';

let srv, browser;
before(async () => {
  const db = copyDb(FIXTURE_DB);
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
  assert.match(results, /\/\?r=[A-Za-z0-9_-]{43}$/);
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
