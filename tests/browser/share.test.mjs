// Sharing (issue 17, what Mobilize users expect): link previews (Open Graph)
// on sessions, seats and campaigns; after signing up, a "bring a friend"
// step with the volunteer's own link; and the host sees who brought whom.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch } from './lib.mjs';
import { startServer, copyDb, mailFor, strongAdmin, Visitor, FIXTURE_DB, sqlOn } from '../integration/lib.mjs';

let srv, browser, db, admin, gid, event, home;
const sql = (q) => sqlOn(db)(q);
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
const meta = (html, prop) => (new RegExp(`<meta (?:property|name)="${prop}" content="([^"]*)"`).exec(html) ?? [])[1];

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: { TURNOUT_RATE_SIGNUP_IP: '1000/1000', TURNOUT_RATE_SIGNIN_IP: '1000/1000' } });
  browser = await launch();
  admin = await strongAdmin(srv, db);
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Derby Sharers', seats: 'E14001193' });
  gid = (await admin.api('GET', '/api/v1/groups')).body.result[0].id;
  await admin.get('/events/new');
  const made = await admin.post('/events', { group: gid, type: 'canvass', title: 'Share the doors', date: day(4),
    start: '10:00', end: '12:00', postcode: 'DE22 1AA', address: '1 Station Road', capacity: '20' });
  event = Number(/\/events\/(\d+)/.exec(made.headers.get('location'))[1]);
  const h = await admin.post('/events', { group: gid, type: 'phonebank', title: 'Calls at my place', date: day(5),
    start: '18:00', end: '20:00', postcode: 'DE22 1AE', address: '7 Secret Lane', address_private: '1', capacity: '5' });
  home = Number(/\/events\/(\d+)/.exec(h.headers.get('location'))[1]);
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('link previews: a session, a seat and a campaign say what they are, and nothing private', async () => {
  const s = (await (await fetch(`${srv.url}/events/${event}`)).text());
  assert.equal(meta(s, 'og:title'), 'Share the doors');
  assert.match(meta(s, 'og:description'), /^Canvassing in Derby North · \w+ \d{1,2} \w+ \d{4}, 10:00–12:00$/);
  assert.match(meta(s, 'og:url'), new RegExp(`/events/${event}$`));
  const priv = await (await fetch(`${srv.url}/events/${home}`)).text();
  assert.ok(meta(priv, 'og:description'), 'a private home session has a preview too');
  assert.doesNotMatch(priv.slice(0, priv.indexOf('</head>')), /Secret Lane/, 'but never its address');
  const seat = await (await fetch(`${srv.url}/seats/E14001193`)).text();
  assert.equal(meta(seat, 'og:title'), 'Derby North');
  assert.match(meta(seat, 'og:description'), /^Held by .+ by \d+ votes \(\d+\.\d%\) over .+ in 2024/);
  await admin.get('/campaigns/new');
  const c = await admin.post('/campaigns', { group: String(gid), name: 'Hold Derby North', seats: 'Derby North',
    goal_hours: '40', priority: '3', deadline: day(30) });
  const camp = await (await fetch(`${srv.url}${c.headers.get('location')}`)).text();
  assert.equal(meta(camp, 'og:title'), 'Hold Derby North');
  assert.match(meta(camp, 'og:description'), /goal of 40 volunteer-hours/);
});

test('after signing up, a friend link; places taken through it are counted for its sharer', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  const ada = new Visitor(srv.url);
  await ada.signInByLink(srv.outbox, 'ada@example.org', 'Ada Sharer');
  await ctx.addCookies([...ada.jar].map(([name, value]) => ({ name, value, url: srv.url, httpOnly: true, sameSite: 'Lax' })));
  await page.goto(`${srv.url}/events/${event}`);
  // the slots are cards: the whole card takes the tap
  await page.click('label.slot-card');
  assert.equal(await page.isChecked('input[name=slot]'), true);
  await page.click('form[action$="/signup"] button[type=submit]');
  await page.waitForSelector('#share-title');
  const link = await page.inputValue('#share-url');
  assert.match(link, new RegExp(`/events/${event}\\?ref=[A-Za-z0-9_-]{10}$`));
  assert.match(await page.getAttribute('a:has-text("Send on WhatsApp")', 'href'), /^https:\/\/wa\.me\/\?text=Come%20with%20me/);
  assert.match(await page.getAttribute('a:has-text("Send by email")', 'href'), /^mailto:\?subject=Share%20the%20doors&body=Come%20with%20me/);
  const code = new URL(link).searchParams.get('ref');
  assert.equal(sql("SELECT ref_code FROM people WHERE email = 'ada@example.org'"), code, 'the same code each time');

  // a friend signed in, and a guest who confirms by email, both through Ada's link
  const ben = new Visitor(srv.url);
  await ben.signInByLink(srv.outbox, 'ben@example.org', 'Ben Friend');
  const seen = await ben.get(`/events/${event}?ref=${code}`);
  assert.match(seen.body, new RegExp(`name="ref" value="${code}"`));
  const slot = sql(`SELECT id FROM slots WHERE event_id = ${event}`);
  assert.match((await ben.post(`/events/${event}/signup`, { slot, ref: code })).body, /You are going/);
  const guest = new Visitor(srv.url);
  await guest.get(`/events/${event}?ref=${code}`);
  await guest.post(`/events/${event}/signup`, { slot, ref: code, name: 'Cy Guest', email: 'cy@example.org' });
  const token = mailFor(srv.outbox, 'cy@example.org', /signups\/confirm\?token=([\w-]{43})/).url;
  await guest.get(`/signups/confirm?token=${token}`);
  assert.match((await guest.post('/signups/confirm', { token })).body, /You are going/);
  // Ada's own link does not count for Ada, and a made-up code is ignored
  assert.equal((await ada.get(`/events/${event}?ref=NOT-A-CODE`)).body.includes('name="ref"'), false);
  assert.equal(sql(`SELECT count(*) FROM signups WHERE referred_by = (SELECT id FROM people WHERE email = 'ada@example.org')`), '2');
  assert.equal(sql("SELECT count(*) FROM signups WHERE referred_by IS NOT NULL AND email = 'ada@example.org'"), '0');

  // the host sees who brought people
  const att = await admin.get(`/events/${event}/attendees`);
  assert.match(att.body, /Brought by a friend's link<\/h2><ul><li>Ada: 2<\/li>/);
  await ctx.close();
});
