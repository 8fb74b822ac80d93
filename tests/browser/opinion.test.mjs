// Issue 13, a policy conversation on a phone in headless Chromium: a member swipes on
// three statements by gesture (a finger right, a mouse drag left, a finger up to pass),
// one by the arrow keys, the rest by the buttons, and then finds their own dot on the
// opinion map among the other members'; axe finds nothing on either page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, axe, contextFor } from './lib.mjs';
import { startServer, copyDb, strongAdmin, FIXTURE_DB, groupMember, sqlOn } from '../integration/lib.mjs';

let srv, browser, db, admin, gid, conv, ava;
const others = [];
const sql = (q) => sqlOn(db)(q);
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
const SEEDS = ['Bus fares should be capped', 'Libraries should open on Sundays', 'More cycle lanes',
  'More public toilets in parks', 'Rents should be controlled', 'Free school breakfasts',
  'Council meetings should be filmed', 'More bins on the high street'];

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: { TURNOUT_MAP_INTERVAL: '1', TURNOUT_RATE_SIGNUP_IP: '1000/1000', TURNOUT_RATE_SIGNIN_IP: '1000/1000' } });
  browser = await launch();
  admin = await strongAdmin(srv, db, 'admin@example.org', 'Ada Admin');
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Derby Branch', seats: 'E14001193' });
  gid = (await admin.api('GET', '/api/v1/groups')).body.result[0].id;
  await admin.get('/conversations/new');
  const r = await admin.post('/conversations', { group: gid, question: 'What should Derby council do first?',
    statements: SEEDS.join('\n'), closes_date: day(7), closes_time: '18:00' });
  conv = Number(/\/conversations\/(\d+)/.exec(r.headers.get('location'))[1]);
  const ids = sql(`SELECT id FROM statements WHERE conversation_id = ${conv} ORDER BY id`).split('\n');
  for (const [i, name] of ['Bo', 'Cy', 'Di', 'Ed'].entries()) {
    const v = await groupMember(srv, gid, `${name.toLowerCase()}@example.org`, `${name} Member`);
    await v.get(`/conversations/${conv}`);
    for (const [j, s] of ids.entries()) await v.post(`/conversations/${conv}/votes`, { statement: s, vote: j === 0 || (i + j) % 2 ? 'agree' : 'disagree' });
    others.push(v);
  }
  ava = await groupMember(srv, gid, 'ava@example.org', 'Ava Member');
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

const voteOn = (s) => sql(`SELECT vote FROM opinion_votes WHERE person_id = ${ava.id} AND statement_id = ${s}`);
const count = () => Number(sql(`SELECT count(*) FROM opinion_votes WHERE person_id = ${ava.id}`));

// A finger drag across the card by the DevTools protocol (real touch events,
// which the page sees as pointer events of type touch).
async function fingerSwipe(page, cdp, dx, dy) {
  const box = await page.locator('#statement').boundingBox();
  const x = box.x + box.width / 2, y = box.y + box.height / 2;
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x, y }] });
  for (let i = 1; i <= 8; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: x + (dx * i) / 8, y: y + (dy * i) / 8 }] });
  }
  const moving = await page.evaluate(() => document.getElementById('statement').style.transform);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  return moving;
}

test('a member swipes by finger, mouse and keys, then sees their dot on the map', async () => {
  const ctx = await contextFor(browser, srv.url, ava, { width: 390, height: 844 });
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await page.goto(`${srv.url}/conversations/${conv}`);
  assert.deepEqual(await axe(page), []);
  // the card fills most of a phone's screen
  const box = await page.locator('#statement').boundingBox();
  assert.ok(box.width > 300 && box.height > 300, `card ${box.width}×${box.height}`);

  // 1: a finger to the right agrees; the card follows the finger as it goes
  let first = await page.inputValue('input[name=statement]');
  const moving = await fingerSwipe(page, cdp, 160, 0);
  assert.match(moving, /translate\(\d+/, 'the card moves with the finger');
  await page.waitForURL(`**/conversations/${conv}`);
  await page.waitForFunction((s) => document.querySelector('input[name=statement]')?.value !== s, first);
  assert.equal(voteOn(first), '1');

  // 2: a mouse drag to the left disagrees
  first = await page.inputValue('input[name=statement]');
  const b = await page.locator('#statement').boundingBox();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(b.x + b.width / 2 - 20 * i, b.y + b.height / 2);
  await page.mouse.up();
  await page.waitForFunction((s) => document.querySelector('input[name=statement]')?.value !== s, first);
  assert.equal(voteOn(first), '-1');

  // a short drag is no vote: the card springs back
  first = await page.inputValue('input[name=statement]');
  await fingerSwipe(page, cdp, 30, 0);
  await page.waitForTimeout(400);
  assert.equal(await page.inputValue('input[name=statement]'), first);
  assert.equal(count(), 2);

  // 3: a finger up passes
  await fingerSwipe(page, cdp, 0, -160);
  await page.waitForFunction((s) => document.querySelector('input[name=statement]')?.value !== s, first);
  assert.equal(voteOn(first), '0');

  // 4: the right arrow key agrees, for keyboard and screen-reader users
  first = await page.inputValue('input[name=statement]');
  await page.focus('#statement');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((s) => document.querySelector('input[name=statement]')?.value !== s, first);
  assert.equal(voteOn(first), '1');
  assert.equal(count(), 4);

  // the rest by the buttons, until none is left
  for (let i = 0; i < 10 && (await page.locator('#card').count()); i++) {
    first = await page.inputValue('input[name=statement]');
    await page.click('button.disagree');
    await page.waitForFunction((s) => document.querySelector('input[name=statement]')?.value !== s, first).catch(() => {});
  }
  assert.equal(count(), SEEDS.length);
  assert.match(await page.textContent('main'), /You have voted on every statement so far/);

  // the map, once recomputed, rings Ava's dot among the five
  const version = sql(`SELECT votes FROM conversations WHERE id = ${conv}`);
  for (let i = 0; i < 100 && sql(`SELECT mapped FROM conversations WHERE id = ${conv}`) !== version; i++) await page.waitForTimeout(100);
  await page.goto(`${srv.url}/conversations/${conv}/map`);
  assert.equal(await page.locator('svg.map circle.you').count(), 1);
  assert.equal(await page.locator('svg.map circle:not(.you)').count(), 5);
  assert.match(await page.textContent('main'), /The ringed dot is you/);
  assert.deepEqual(await axe(page), []);
  // the ring sits on one of the dots
  const [ring, dots] = await page.evaluate(() => [
    [...document.querySelectorAll('circle.you')].map((c) => `${c.getAttribute('cx')},${c.getAttribute('cy')}`)[0],
    [...document.querySelectorAll('circle:not(.you)')].map((c) => `${c.getAttribute('cx')},${c.getAttribute('cy')}`)]);
  assert.ok(dots.includes(ring));
  if (process.env.TURNOUT_SHOT) await page.screenshot({ path: process.env.TURNOUT_SHOT, fullPage: true });
  await ctx.close();
});
