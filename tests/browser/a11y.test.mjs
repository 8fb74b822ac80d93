// Every page, as a person with a phone and one with a desktop would meet it
// (issue 17, accessibility): axe finds nothing, nothing scrolls sideways at
// 320 px, text grows with the browser's font size, and a search's results
// take the focus so a screen reader announces them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, axe, contextFor } from './lib.mjs';
import { startServer, copyDb, strongAdmin, Visitor, FIXTURE_DB, sqlOn } from '../integration/lib.mjs';

let srv, browser, db, admin, volunteer, ids = {};
const sql = (q) => sqlOn(db)(q);
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db });
  browser = await launch();
  admin = await strongAdmin(srv, db);
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Derby Access', seats: 'E14001193' });
  ids.group = (await admin.api('GET', '/api/v1/groups')).body.result[0].id;
  const me = (await admin.api('GET', '/api/v1/me')).body.result.id;
  await admin.post(`/admin/people/${me}/group`, { group: ids.group, role: 'organiser' });
  await admin.get('/events/new');
  const e = await admin.post('/events', { group: ids.group, type: 'canvass', title: 'Access doors', date: day(3),
    start: '10:00', end: '12:00', postcode: 'DE22 1AA', capacity: '10' });
  ids.event = Number(/\/events\/(\d+)/.exec(e.headers.get('location'))[1]);
  await admin.get('/phonebanks/new');
  const b = await admin.post('/phonebanks', { group: ids.group, name: 'Access calls', script: 'Hi {name}',
    survey: 'single: Will you vote? | Yes | No\ntext: Anything else?', start: '00:00', end: '24:00' });
  ids.bank = Number(/\/phonebanks\/(\d+)/.exec(b.headers.get('location'))[1]);
  await admin.get('/campaigns/new');
  const c = await admin.post('/campaigns', { group: String(ids.group), name: 'Hold Derby North', seats: 'Derby North',
    goal_hours: '50', priority: '3', deadline: day(30) });
  ids.campaign = Number(/\/campaigns\/(\d+)/.exec(c.headers.get('location'))[1]);
  volunteer = new Visitor(srv.url);
  await volunteer.signInByLink(srv.outbox, 'ava@example.org', 'Ava Access');
  await volunteer.get(`/groups/${ids.group}`);
  await volunteer.post(`/groups/${ids.group}/join`);
  await volunteer.get(`/events/${ids.event}`);
  await volunteer.post(`/events/${ids.event}/signup`, { slot: sql(`SELECT id FROM slots WHERE event_id = ${ids.event}`) });
  await volunteer.get(`/phonebanks/${ids.bank}`);
  await volunteer.post(`/phonebanks/${ids.bank}/join`);
  await admin.get(`/phonebanks/${ids.bank}`);
  await admin.post(`/phonebanks/${ids.bank}/callers/${sql("SELECT id FROM people WHERE email = 'ava@example.org'")}/approve`);
  // a meeting with the volunteer present, a motion open to the vote and an election
  await admin.get(`/groups/${ids.group}/meetings/new`);
  const m = await admin.post(`/groups/${ids.group}/meetings`, { name: 'Access AGM', date: day(2), start: '19:00', end: '21:00', postcode: 'DE22 1AA', capacity: '40',
    quorum_pct: '0', quorum_min: '1', majority: 'simple' });
  ids.meeting = Number(/\/meetings\/(\d+)/.exec(m.headers.get('location'))[1]);
  const ava = sql("SELECT id FROM people WHERE email = 'ava@example.org'");
  await admin.get(`/meetings/${ids.meeting}`);
  await admin.post(`/meetings/${ids.meeting}/present`, { person: ava, present: '1' });
  await admin.post(`/meetings/${ids.meeting}/motions`, { title: 'Step-free venues', body: 'Every meeting is step-free.', mover: ava });
  await admin.post(`/motions/${sql('SELECT id FROM motions')}/vote`);
  await admin.post(`/meetings/${ids.meeting}/elections`, { post: 'Access officer', seats: '1', method: 'irv', candidates: 'Ava Access\nBo Other' });
  await admin.post(`/elections/${sql('SELECT id FROM elections')}/vote`);
  // a policy conversation the volunteer has voted in
  await admin.get('/conversations/new');
  const q = await admin.post('/conversations', { group: ids.group, question: 'Which streets first?', statements: 'Ours\nTheirs',
    closes_date: day(5), closes_time: '18:00' });
  ids.conv = Number(/\/conversations\/(\d+)/.exec(q.headers.get('location'))[1]);
  await volunteer.get(`/conversations/${ids.conv}`);
  await volunteer.post(`/conversations/${ids.conv}/votes`, { statement: sql(`SELECT min(id) FROM statements WHERE conversation_id = ${ids.conv}`), vote: 'agree' });
  await volunteer.get('/ideas/new');
  const idea = await volunteer.post('/ideas', { where: String(ids.group), title: 'Step-free polling stations', body: 'Every one.',
    claims: 'Steps keep voters out', category: 'democracy' });
  ids.idea = Number(/\/ideas\/(\d+)/.exec(idea.headers.get('location'))[1]);
  // a food bank the group supports, with needs; a collection with a run, a pledge and a standby
  await admin.get('/foodbanks/new');
  const fb = await admin.post('/foodbanks', { group: ids.group, name: 'Access Food Bank', kind: 'foodbank', postcode: 'DE22 1AA',
    hours: 'Mon-Sun 08:00-20:00', contact: 'Pat', accepts: 'Tins' });
  ids.fb = Number(/\/foodbanks\/(\d+)/.exec(fb.headers.get('location'))[1]);
  await admin.get(`/foodbanks/${ids.fb}`);
  await admin.post(`/foodbanks/${ids.fb}/needs`, { item: 'Tinned tomatoes', urgency: 'urgent', wanted: '20' });
  await admin.post(`/foodbanks/${ids.fb}/needs`, { item: 'Pasta', urgency: 'plenty' });
  await admin.get(`/groups/${ids.group}/collections`);
  const coll = await admin.post(`/groups/${ids.group}/collections`, { foodbank: ids.fb, title: 'Access collection', postcode: 'DE22 1AE',
    date: day(3), start: '10:00', repeat: 'weekly', count: '3' });
  ids.coll = Number(sql('SELECT min(event_id) FROM collections'));
  await admin.get(`/collections/${ids.coll}`);
  await admin.post(`/collections/${ids.coll}/runs`, { vehicle: 'van', date: day(3), depart: '12:00', stops: 'Church hall, DE22 1AF' });
  await volunteer.get(`/collections/${ids.coll}`);
  await volunteer.post(`/collections/${ids.coll}/pledges`, { need: sql("SELECT id FROM foodbank_needs WHERE item = 'Tinned tomatoes'"), quantity: '4' });
  await volunteer.post(`/collections/${ids.coll}/standby`);
  assert.equal(coll.status, 303);
  // a volunteer who speaks Polish and lets organisers ask; a request for one
  await volunteer.get('/account/skills');
  await volunteer.post('/account/skills', { langs: 'Polish', skill_driving: '1', findable: '1' });
  await admin.get(`/groups/${ids.group}/skills`);
  const ask = await admin.post(`/groups/${ids.group}/skills/requests`, { kind: 'language', name: 'Polish', what: 'Leaflets in Polish' });
  ids.ask = Number(/\/skills\/requests\/(\d+)/.exec(ask.headers.get('location'))[1]);
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

function pages() {
  return {
    anon: ['/', '/signup', '/signin', '/events', `/events/${ids.event}`, '/groups', `/groups/${ids.group}`,
      '/campaigns', `/campaigns/${ids.campaign}`, '/seats/E14001193', '/no-such-page', '/foodbanks',
      `/foodbanks/${ids.fb}`, `/collections/${ids.coll}`],
    volunteer: ['/account', '/account/security', `/groups/${ids.group}`, `/events/${ids.event}`,
      `/events/${ids.event}/rides`, '/phonebanks', `/phonebanks/${ids.bank}`, `/phonebanks/${ids.bank}/call?practice=1`,
      `/meetings/${ids.meeting}`, '/conversations', `/conversations/${ids.conv}`, `/conversations/${ids.conv}/votes`,
      `/conversations/${ids.conv}/map`, '/ideas', `/ideas?in=g:${ids.group}`, '/ideas/new', `/ideas/${ids.idea}`, '/training',
      `/groups/${ids.group}/collections`, `/collections/${ids.coll}`, '/account/skills', '/skills/asked', '/materials'],
    admin: ['/admin', '/admin/audit', '/events/new', `/events/${ids.event}/attendees`, `/groups/${ids.group}`,
      '/phonebanks/new', `/phonebanks/${ids.bank}`, '/campaigns/new', '/coverage',
      `/groups/${ids.group}/meetings/new`, `/meetings/${ids.meeting}`, `/meetings/${ids.meeting}/minutes`,
      '/conversations/new', `/conversations/${ids.conv}`, `/ideas/${ids.idea}`, '/ideas', '/training', '/training/new',
      '/foodbanks/new', `/foodbanks/${ids.fb}`, `/groups/${ids.group}/collections`, `/collections/${ids.coll}`,
      `/groups/${ids.group}/skills`, `/skills/requests/${ids.ask}`, '/materials', '/leaflets'],
  };
}

function contextAs(who, width) {
  const v = who === 'admin' ? admin : who === 'volunteer' ? volunteer : null;
  return contextFor(browser, srv.url, v, { width, height: 800 });
}

test('axe finds nothing on any page, on a phone and on a desktop', async () => {
  const found = [];
  for (const width of [390, 1280]) {
    for (const [who, paths] of Object.entries(pages())) {
      const ctx = await contextAs(who, width);
      const page = await ctx.newPage();
      for (const path of paths) {
        await page.goto(srv.url + path);
        for (const v of await axe(page)) found.push(`${width}px ${who} ${path}: ${v}`);
      }
      await ctx.close();
    }
  }
  assert.deepEqual(found, []);
});

test('nothing scrolls sideways at 320 px: tables reflow into labelled rows', async () => {
  const wide = [];
  for (const [who, paths] of Object.entries(pages())) {
    const ctx = await contextAs(who, 320);
    const page = await ctx.newPage();
    for (const path of paths) {
      await page.goto(srv.url + path);
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      if (w > 320) wide.push(`${who} ${path}: ${w}px wide`);
    }
    await ctx.close();
  }
  assert.deepEqual(wide, []);
  // a reflowed table still says what each value is
  const ctx = await contextAs('admin', 320);
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/events/${ids.event}/attendees`);
  const before = await page.evaluate(() => getComputedStyle(document.querySelector('table.list td:nth-child(3)'), '::before').content);
  assert.equal(before, '"Name"');
  await ctx.close();
});

test('text grows with the browser font size', async () => {
  const ctx = await contextAs('anon', 390);
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/`);
  const size = () => page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('.lede')).fontSize));
  const normal = await size();
  await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
  assert.ok(await size() >= normal * 1.9, `text at 200%: ${normal}px became ${await size()}px`);
  await ctx.close();
});

test('after a search the results take the focus, so they are announced', async () => {
  const ctx = await contextAs('anon', 390);
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/`);
  await page.fill('#postcode', 'DE22 1AA');
  await page.press('#postcode', 'Enter');
  await page.waitForSelector('ol.seats li');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'answer-title');
  await page.goto(`${srv.url}/events`);
  await page.fill('#postcode', 'DE22 1AA');
  await page.press('#postcode', 'Enter');
  await page.waitForSelector('#results');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'results');
  assert.deepEqual(await axe(page), [], 'axe finds nothing on the session results and their map');
  await ctx.close();
});
