// Issue 14, in headless Chromium: an organiser shares a phone photo (GPS-tagged) with
// their group from the library page's form; the page shows its thumbnail; a member of
// the group finds it by its tag and downloads it, and the file they get has no GPS,
// camera or author left in it. A member of another group never sees it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launch, axe, contextFor } from './lib.mjs';
import { startServer, copyDb, FIXTURE_DB, strongAdmin, strongVisitor, groupMember, sqlOn } from '../integration/lib.mjs';
import { execFileSync } from 'node:child_process';

const PHOTO = fileURLToPath(new URL('../fixtures/materials/gps.jpg', import.meta.url));
let srv, browser, db, org, member, outsider, gid;
const sql = (q) => sqlOn(db)(q);

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: { TURNOUT_RATE_SIGNUP_IP: '1000/1000', TURNOUT_RATE_SIGNIN_IP: '1000/1000' } });
  browser = await launch();
  const admin = await strongAdmin(srv, db);
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Derby Doors', seats: 'E14001193' });
  await admin.post('/admin/groups', { name: 'Far Doors', seats: '' });
  const groups = (await admin.api('GET', '/api/v1/groups')).body.result;
  gid = groups.find((g) => g.name === 'Derby Doors').id;
  org = await strongVisitor(srv, 'pia@example.org', 'Pia Photo');
  sql(`INSERT INTO memberships (group_id, person_id, role, joined_at) SELECT ${gid}, id, 'organiser', 0 FROM people WHERE email = 'pia@example.org'`);
  member = await groupMember(srv, gid, 'mel@example.org', 'Mel Member');
  outsider = await groupMember(srv, groups.find((g) => g.name === 'Far Doors').id, 'far@example.org', 'Fay Far');
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('an organiser shares a photo from the page; a member finds it by tag and downloads it without its GPS', async () => {
  const ctx = await contextFor(browser, srv.url, org, { width: 1280, height: 900 });
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/materials`);
  await page.click('summary:has-text("Share a file")');
  assert.deepEqual(await axe(page), []);
  await page.setInputFiles('#u-file', PHOTO);
  await page.fill('#u-title', 'The 42 bus stop');
  await page.fill('#u-tags', 'buses, photo');
  await page.selectOption('#u-group', String(gid));
  await page.click('button:has-text("Share it")');
  await page.waitForSelector('h1:has-text("The 42 bus stop")');
  assert.deepEqual(await axe(page), []);
  // the thumbnail is drawn: an image the browser decoded, 240 wide
  const thumb = await page.waitForSelector('img.material-thumb');
  assert.equal(await thumb.evaluate((i) => i.complete && i.naturalWidth), 240);
  await ctx.close();

  const mctx = await contextFor(browser, srv.url, member, { width: 390, height: 844 });
  const mp = await mctx.newPage();
  await mp.goto(`${srv.url}/materials`);
  await mp.click('a:has-text("photo")');
  await mp.click('a:has-text("The 42 bus stop")');
  const [download] = await Promise.all([mp.waitForEvent('download'), mp.click('text=Download gps.jpg')]);
  const got = readFileSync(await download.path());
  assert.equal(got[0], 0xff);
  for (const tag of ['Exif', 'TestCam', 'Ann Ley']) assert.ok(!got.includes(tag), `${tag} left in the download`);
  assert.ok(readFileSync(PHOTO).includes('TestCam'), 'the photo sent had them');
  await mp.reload();
  assert.match(await mp.textContent('main'), /For the members of Derby Doors · CC BY 4\.0/);
  assert.match(await mp.textContent('main'), /Downloaded 1 time ·/);
  await mctx.close();

  const octx = await contextFor(browser, srv.url, outsider, { width: 1280, height: 900 });
  const op = await octx.newPage();
  await op.goto(`${srv.url}/materials?tag=photo`);
  assert.match(await op.textContent('main'), /Nothing found/);
  await octx.close();
});
