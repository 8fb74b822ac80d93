// A group's home in headless Chromium (issue 17: after joining, the page
// offered only "Leave"): its sessions, its phone banks with asking to call,
// its organisers and a way to write to them, and announcements that
// organisers post and may mail to every member.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, axe, signUpInPage } from './lib.mjs';
import { startServer, copyDb, mailFor, strongAdmin, Visitor, FIXTURE_DB, sqlOn } from '../integration/lib.mjs';

let srv, browser, db, admin, gid, bank, event;
const sql = (q) => sqlOn(db)(q);
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db });
  browser = await launch();
  admin = await strongAdmin(srv, db);
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Derby Doers', seats: 'E14001193' });
  gid = (await admin.api('GET', '/api/v1/groups')).body.result[0].id;
  const me = (await admin.api('GET', '/api/v1/me')).body.result.id;
  assert.equal((await admin.post(`/admin/people/${me}/group`, { group: gid, role: 'organiser' })).status, 200);
  await admin.get('/events/new');
  const made = await admin.post('/events', { group: gid, type: 'canvass', title: 'Saturday doors in Derby North',
    date: day(3), start: '10:00', end: '12:00', postcode: 'DE22 1AA', capacity: '12' });
  event = Number(/\/events\/(\d+)/.exec(made.headers.get('location'))[1]);
  await admin.get('/phonebanks/new');
  const b = await admin.post('/phonebanks', { group: gid, name: 'Derby evening calls', script: 'Hi {name}', survey: '',
    start: '00:00', end: '24:00' });
  bank = Number(/\/phonebanks\/(\d+)/.exec(b.headers.get('location'))[1]);
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('a member finds the group home: sessions, phone banks to ask for, organisers, announcements', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  await signUpInPage(page, srv, 'Vee Volunteer', 'vee@example.org');

  await page.goto(`${srv.url}/groups/${gid}`);
  // before joining: the sessions are public, the rest is for members
  assert.match(await page.textContent('main'), /Coming up\s*Saturday doors in Derby North/);
  assert.equal(await page.locator('#posts').count(), 0);
  await page.click('button:has-text("Join Derby Doers")');
  await page.waitForSelector('#posts');
  const main = await page.textContent('main');
  assert.match(main, /No announcements yet/);
  assert.match(main, /Organisers\s*Orla/);
  assert.equal(await page.getAttribute('a:has-text("Saturday doors in Derby North")', 'href'), `/events/${event}`);
  assert.deepEqual(await axe(page), [], 'axe finds nothing on the group home (phone)');

  await page.click('button:has-text("Ask to call for Derby evening calls")');
  await page.waitForSelector('text=An organiser will approve you');
  await page.goto(`${srv.url}/groups/${gid}`);
  assert.match(await page.textContent('#phonebanks + ul'), /Derby evening calls\s*asked/);

  // an organiser posts, and mails every member; the author is not mailed their own post
  await admin.get(`/groups/${gid}`);
  const posted = await admin.post(`/groups/${gid}/posts`, { title: 'Leaflets are in',
    body: 'Collect them from the office.\nAsk for Sam.', email: '1' });
  assert.equal(posted.status, 303);
  await page.reload();
  assert.equal(await page.textContent('article.post h3'), 'Leaflets are in');
  assert.match(await page.textContent('article.post'), /emailed to 1/);
  const box = await page.locator('.post-body').boundingBox();
  assert.ok(box.height > 40, 'the line break in the text is kept');
  const mail = mailFor(srv.outbox, 'vee@example.org', /Subject: Derby Doers: Leaflets are in/);
  assert.ok(mail, 'the member was mailed the announcement');
  assert.match(mail.text, /Ask for Sam/);
  assert.equal(mailFor(srv.outbox, 'org@example.org', /Leaflets are in/), null);
  // what an organiser posted is in their data export
  const exp = (await admin.api('GET', '/api/v1/me/export')).body.result;
  assert.deepEqual(exp.announcements.map((a) => [a.group_id, a.title]), [[gid, 'Leaflets are in']]);

  // and the member writes to the organisers
  await page.click('summary:has-text("Write to the organisers")');
  await page.fill('#write-message', 'I can drive on Saturday.');
  await page.click('form[action$="/write"] button');
  await page.waitForSelector('text=on its way to the 1 organiser');
  await page.click('a:has-text("Back to Derby Doers")');
  await page.waitForSelector('#posts');
  await page.screenshot({ path: 'build/test/screens/group-home.png', fullPage: true });
  const note = mailFor(srv.outbox, 'org@example.org', /I can drive on Saturday/);
  assert.ok(note, 'the organiser was mailed');
  assert.match(note.text, /Vee Volunteer \(vee@example\.org\), a member of Derby Doers/);

  const wide = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  await wide.addCookies((await ctx.cookies()));
  const wp = await wide.newPage();
  await wp.goto(`${srv.url}/groups/${gid}`);
  assert.deepEqual(await axe(wp), [], 'axe finds nothing on the group home (desktop)');
  await wide.close();
  await ctx.close();
});

test('only strong organisers post or remove announcements; only members write to organisers', async () => {
  const before = sql(`SELECT count(*) FROM group_posts WHERE group_id = ${gid}`);
  const member = new Visitor(srv.url);
  await member.signInByLink(srv.outbox, 'mo@example.org', 'Mo Member');
  await member.get(`/groups/${gid}`);
  await member.post(`/groups/${gid}/join`);
  assert.equal((await member.post(`/groups/${gid}/posts`, { title: 'Mine', body: 'x', email: '1' })).status, 403);
  const post = sql(`SELECT id FROM group_posts WHERE group_id = ${gid} LIMIT 1`);
  assert.equal((await member.post(`/groups/${gid}/posts/${post}/delete`)).status, 403);
  const outsider = new Visitor(srv.url);
  await outsider.signInByLink(srv.outbox, 'out@example.org', 'Oz Outsider');
  await outsider.get(`/groups/${gid}`);
  assert.equal((await outsider.post(`/groups/${gid}/write`, { message: 'hello' })).status, 403);
  assert.doesNotMatch((await outsider.get(`/groups/${gid}`)).body, /Leaflets are in/);
  // bad input: nothing stored
  await admin.get(`/groups/${gid}`);
  assert.equal((await admin.post(`/groups/${gid}/posts`, { title: 'x'.repeat(121), body: 'y' })).status, 400);
  assert.equal((await admin.post(`/groups/${gid}/posts`, { title: 'No text', body: '' })).status, 400);
  assert.equal((await member.post(`/groups/${gid}/write`, { message: '' })).status, 400);
  assert.equal(sql(`SELECT count(*) FROM group_posts WHERE group_id = ${gid}`), before);
  // another group's post id is not this group's
  assert.equal((await admin.post(`/groups/${gid}/posts/999999/delete`)).status, 404);
  assert.equal((await admin.post(`/groups/${gid}/posts/${post}/delete`)).status, 303);
  assert.equal(sql(`SELECT count(*) FROM group_posts WHERE id = ${post}`), '0');
  assert.match(sql("SELECT group_concat(action) FROM audit_log WHERE action LIKE 'group.%'"),
    /group\.announce.*group\.write_organisers.*group\.announce_delete/);
});
