// Target campaigns set by a group's organisers (issue 17: only national
// admins could), with seats picked by name, code or postcode, and the
// coverage view linked from Targets: a key beside the map, the seats still
// short of the most hours first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, axe, contextFor } from './lib.mjs';
import { startServer, copyDb, strongAdmin, strongVisitor, FIXTURE_DB, sqlOn } from '../integration/lib.mjs';

let srv, browser, db, admin, org, gid;
const sql = (q) => sqlOn(db)(q);
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);

function contextAs(visitor, width = 390) {
  return contextFor(browser, srv.url, visitor, { width, height: 900 });
}

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db });
  browser = await launch();
  admin = await strongAdmin(srv, db);
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Derby Targets', seats: 'E14001193 E14001195' });
  gid = (await admin.api('GET', '/api/v1/groups')).body.result[0].id;
  org = await strongVisitor(srv, 'olu@example.org', 'Olu Organiser');
  const olu = sql("SELECT id FROM people WHERE email = 'olu@example.org'");
  assert.equal((await admin.post(`/admin/people/${olu}/group`, { group: gid, role: 'organiser' })).status, 200);
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test("an organiser sets a campaign for their group's seats, picked by name and postcode", async () => {
  const ctx = await contextAs(org);
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/campaigns`);
  await page.click('a:has-text("New target campaign")');
  await page.waitForSelector('#cseats');
  // their group only: no national option for an organiser
  assert.deepEqual(await page.locator('#cgroup option').allTextContents(), ['Derby Targets']);
  assert.match(await page.textContent('#cseats-hint'), /Derby Targets covers Derby North; Derbyshire Dales;/);
  assert.deepEqual(await axe(page), [], 'axe finds nothing on the new-campaign form');

  // a seat the group does not cover: refused beside the field, nothing lost or saved
  await page.fill('#cname', 'Hold Derby North');
  await page.fill('#cseats', 'Derby North\nE14001172');
  await page.fill('#cgoal', '80');
  await page.fill('#cdead', day(40));
  await page.click('button:has-text("Create campaign")');
  await page.waitForSelector('#cseats-error');
  assert.match(await page.textContent('#cseats-error'), /Cities of London and Westminster is not one of the group's seats/);
  assert.equal(await page.inputValue('#cseats'), 'Derby North\nE14001172');
  assert.equal(await page.inputValue('#cname'), 'Hold Derby North');
  assert.equal(sql('SELECT count(*) FROM campaigns'), '0');
  await page.fill('#cseats', 'Atlantis');
  await page.click('button:has-text("Create campaign")');
  await page.waitForSelector('#cseats-error');
  assert.match(await page.textContent('#cseats-error'), /“Atlantis” is not a 2024 constituency/);

  // by name (any case) and by a postcode in the seat
  await page.fill('#cseats', 'derby north\nDE4 3NN');
  await page.click('button:has-text("Create campaign")');
  await page.waitForURL(/\/campaigns\/\d+$/);
  const text = await page.textContent('main');
  assert.match(text, /Derby North Derbyshire Dales/);
  assert.match(text, /set by Derby Targets/);
  assert.equal(sql('SELECT group_id FROM campaigns'), String(gid));
  assert.equal(sql('SELECT group_concat(seat) FROM (SELECT seat FROM campaign_seats ORDER BY seat) o'), 'E14001193,E14001195');
  await ctx.close();
});

test('an organiser cannot set a national campaign or one for another group', async () => {
  await org.get('/campaigns/new');
  const national = await org.post('/campaigns', { group: '', name: 'National', seats: 'Derby North', goal_hours: '5',
    priority: '3', deadline: day(10) });
  assert.equal(national.status, 403);
  await admin.post('/admin/groups', { name: 'Elsewhere', seats: 'E14001172' });
  const other = (await admin.api('GET', '/api/v1/groups')).body.result.find((g) => g.name === 'Elsewhere').id;
  const theirs = await org.post('/campaigns', { group: String(other), name: 'Not mine', seats: 'E14001172',
    goal_hours: '5', priority: '3', deadline: day(10) });
  assert.equal(theirs.status, 403);
  assert.equal(sql('SELECT count(*) FROM campaigns'), '1');
  // an admin may set a national one naming any seat
  await admin.get('/campaigns/new');
  const made = await admin.post('/campaigns', { group: '', name: 'Unseat Westminster', seats: 'E14001172',
    goal_hours: '500', priority: '5', deadline: day(60) });
  assert.equal(made.status, 303, made.body.slice(0, 300));
});

test('coverage is linked from Targets, keyed beside the map, and sorted by the hours still needed', async () => {
  const ctx = await contextAs(org, 1200);
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/campaigns`);
  await page.click('a:has-text("Coverage")');
  await page.waitForSelector('table.list tbody tr');
  assert.equal(await page.locator('ul.legend li').count(), 3);
  assert.equal(await page.locator('ul.legend svg rect').first().getAttribute('fill'), '#d7301f');
  const gaps = (await page.locator('table.list tbody tr td:nth-child(3)').allTextContents()).map((t) => parseInt(t, 10));
  assert.ok(gaps.length > 10, 'many seats listed');
  for (let i = 1; i < gaps.length; i++) assert.ok(gaps[i - 1] >= gaps[i], `sorted by the gap: ${gaps[i - 1]} before ${gaps[i]}`);
  assert.equal(gaps[0], 500, 'the national target with 500 hours to find comes first');
  assert.deepEqual(await axe(page), [], 'axe finds nothing on the coverage page');
  await ctx.close();
});
