// Issue 16, in headless Chromium on phones: at the demo's weekly collection a
// member pledges tins against what the food bank needs and sees the total move;
// a driver takes the run and, the day before, gives it up; the volunteer on the
// standby list is told by mail within seconds, follows the link and takes the
// run; the organisers' page no longer counts it uncovered.  axe finds nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, axe, contextFor } from './lib.mjs';
import { startServer, copyDb, FIXTURE_DB, groupMember, run, mailFor, sqlOn } from '../integration/lib.mjs';

let srv, browser, db, gid, coll, runId, ana, ben, cal;
const sql = (q) => sqlOn(db)(q);

before(async () => {
  db = copyDb(FIXTURE_DB);
  assert.equal(run(['demo', '--db', db]).status, 0);
  srv = await startServer({ db, env: { TURNOUT_FOODBANK_INTERVAL: '1', TURNOUT_RATE_SIGNUP_IP: '1000/1000', TURNOUT_RATE_SIGNIN_IP: '1000/1000' } });
  browser = await launch();
  gid = Number(sql('SELECT group_id FROM group_foodbanks LIMIT 1'));
  coll = Number(sql('SELECT min(event_id) FROM collections'));
  runId = Number(sql(`SELECT id FROM runs WHERE event_id = ${coll}`));
  ana = await groupMember(srv, gid, 'ana@example.org', 'Ana Able');
  ben = await groupMember(srv, gid, 'ben@example.org', 'Ben Best');
  cal = await groupMember(srv, gid, 'cal@example.org', 'Cal Cole');
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('a member pledges, a driver drops out late, the standby volunteer is told and takes the run', async () => {
  // Ana pledges six tins of tomatoes
  const a = await (await contextFor(browser, srv.url, ana)).newPage();
  await a.goto(`${srv.url}/collections/${coll}`);
  assert.match(await a.textContent('main'), /Tinned tomatoes\s*urgent\s*0 of 40/);
  await a.fill('#quantity', '6');
  await a.selectOption('#need', { label: 'Tinned tomatoes' });
  await a.click('button:has-text("Pledge")');
  await a.waitForSelector('text=You pledged:');
  assert.match(await a.textContent('main'), /6 × Tinned tomatoes/);
  assert.match(await a.textContent('main'), /Tinned tomatoes\s*urgent\s*6 of 40/);
  assert.deepEqual(await axe(a), []);

  // Cal can't promise, but could step in
  const c = await (await contextFor(browser, srv.url, cal)).newPage();
  await c.goto(`${srv.url}/collections/${coll}`);
  await c.click('button:has-text("Join the standby list")');
  await c.waitForSelector('text=You are on the standby list');

  // Ben takes the run
  const b = await (await contextFor(browser, srv.url, ben)).newPage();
  await b.goto(`${srv.url}/collections/${coll}`);
  await b.click('button:has-text("I\'ll drive it")');
  await b.waitForSelector('button:has-text("I can no longer drive it")');
  assert.equal(sql(`SELECT p.email FROM runs r JOIN people p ON p.id = r.driver_id WHERE r.id = ${runId}`), 'ben@example.org');

  // the collection comes round: it is now less than a day away (its times moved, not the clock)
  const now = Math.floor(Date.now() / 1000), start = Number(sql(`SELECT starts_at FROM events WHERE id = ${coll}`));
  const shift = start - (now + 6 * 3600);
  sql(`UPDATE events SET starts_at = starts_at - ${shift}, ends_at = ends_at - ${shift} WHERE id = ${coll};
       UPDATE slots SET starts_at = starts_at - ${shift}, ends_at = ends_at - ${shift} WHERE event_id = ${coll};
       UPDATE runs SET departs_at = departs_at - ${shift}, arrives_at = arrives_at - ${shift} WHERE id = ${runId};`);
  // Ben can't make it after all
  await b.reload();
  await b.click('button:has-text("I can no longer drive it")');
  await b.waitForSelector('text=Needs a driver');
  const dropped = Date.now();

  // Cal is told, within seconds, with a link to the collection
  let mail = null;
  for (let i = 0; i < 100 && !mail; i++) {
    mail = mailFor(srv.outbox, 'cal@example.org', /(http:\/\/[^\s"<>]+\/collections\/\d+)/);
    if (!mail) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(mail, 'the standby volunteer was told');
  assert.ok(Date.now() - dropped < 60000);
  assert.match(mail.text, /Someone has had to give up the run taking the food to the food bank/);
  await c.goto(mail.url.replace(/^http:\/\/[^/]+/, srv.url));
  assert.match(await c.textContent('main'), /Needs a driver/);
  await c.click('button:has-text("I\'ll drive it")');
  await c.waitForSelector('button:has-text("I can no longer drive it")');
  assert.match(await c.textContent('main'), /driven by Cal Cole/);
  assert.deepEqual(await axe(c), []);
  assert.equal(sql(`SELECT p.email FROM dropouts d JOIN people p ON p.id = d.covered_by WHERE d.run_id = ${runId}`), 'cal@example.org');
  // and Ben sees the run is no longer his, nor uncovered
  await b.reload();
  assert.doesNotMatch(await b.textContent('main'), /Needs a driver|I can no longer drive it/);
});
