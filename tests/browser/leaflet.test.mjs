// Issue 14, in headless Chromium: a group's organiser opens the demo's leaflet
// template, chooses one of the group's sessions (its sign-up page becomes the QR code),
// types a headline and the imprint, makes the leaflet and downloads the PDF; its text,
// read back with poppler's pdftotext, holds the imprint and the session's time and place.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, axe, contextFor } from './lib.mjs';
import { startServer, copyDb, FIXTURE_DB, strongVisitor, run, sqlOn } from '../integration/lib.mjs';

let srv, browser, db, org, gid, eid, tid;
const sql = (q) => sqlOn(db)(q);
const IMPRINT = 'Promoted by Ann Agent on behalf of the Demo Campaign, 1 High Street, Derby DE1 1AA';

before(async () => {
  db = copyDb(FIXTURE_DB);
  assert.equal(run(['demo', '--db', db]).status, 0);
  srv = await startServer({ db, env: { TURNOUT_RATE_SIGNUP_IP: '1000/1000', TURNOUT_RATE_SIGNIN_IP: '1000/1000' } });
  browser = await launch();
  tid = Number(sql('SELECT min(id) FROM leaflet_templates'));
  gid = Number(sql('SELECT min(id) FROM local_groups'));
  eid = Number(sql(`SELECT min(id) FROM events WHERE group_id = ${gid} AND type = 'canvass'`));
  org = await strongVisitor(srv, 'lea@example.org', 'Lea Leaflet');
  sql(`INSERT INTO memberships (group_id, person_id, role, joined_at) SELECT ${gid}, id, 'organiser', 0 FROM people WHERE email = 'lea@example.org'`);
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('an organiser fills a template with a session\'s QR code and downloads the PDF', async () => {
  const ctx = await contextFor(browser, srv.url, org, { width: 1280, height: 900 });
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/leaflets`);
  await page.click(`a[href="/leaflets/templates/${tid}"]`);
  await page.waitForSelector('#session');
  assert.deepEqual(await axe(page), []);
  await page.selectOption('#session', String(eid));
  await page.fill('#slot_headline', 'Knock doors with us');
  await page.fill('#imprint', IMPRINT);
  await page.click('button:has-text("Make the leaflet")');
  await page.waitForSelector('text=Download the PDF for print');
  assert.match(await page.textContent('main'), /made by Lea Leaflet/);
  assert.deepEqual(await axe(page), []);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download the PDF for print')]);
  const file = await download.path();
  const words = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  assert.ok(words.includes(IMPRINT), words);
  assert.match(words, /Knock doors with us/);
  const [title, starts] = sql(`SELECT title || '\t' || starts_at FROM events WHERE id = ${eid}`).split('\t');
  assert.ok(title);
  const day = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long' })
    .format(new Date(Number(starts) * 1000)).replace(',', '');
  assert.ok(words.includes(day), `${day} in ${words}`);
  // the QR code is the session's sign-up page
  const slots = JSON.parse(sql('SELECT slots FROM leaflets ORDER BY id DESC LIMIT 1'));
  assert.equal(slots.signup, `${srv.url}/events/${eid}`);
});
