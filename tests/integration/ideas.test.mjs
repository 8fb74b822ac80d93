// Issue 13, ideas that rise: a member puts an idea to the group; members support or
// oppose it; at the group's threshold (data, set by an admin) it goes to deliberation as
// a conversation on its claims, then to a meeting as a motion, then an outcome with an
// owner, the author and supporters told at each step.  Similar ideas are flagged on
// submission and merged by organisers without counting anyone twice; an idea that runs
// out of time is closed with that answer; one is promoted to the region.  Bad input
// stores nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Visitor, copyDb, strongAdmin, strongVisitor, mailFor, mailSh, FIXTURE_DB, groupMember, sqlOn } from './lib.mjs';

let srv, db, admin, org, gid, other, outsider, ideaA, ideaB;
const members = [];
const ENV = { TURNOUT_IDEAS_INTERVAL: '1', TURNOUT_RATE_SIGNUP_IP: '1000/1000',
  TURNOUT_RATE_SIGNIN_IP: '1000/1000', TURNOUT_RATE_TOKEN_IP: '1000/1000' };
const sql = (q) => sqlOn(db)(q);
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/\s+/g, ' ');
const ideaOf = (r) => Number(/\/ideas\/(\d+)$/.exec(r.headers.get('location') ?? '')?.[1] ?? 0);
const count = () => sql('SELECT (SELECT count(*) FROM ideas), (SELECT count(*) FROM idea_supports), (SELECT count(*) FROM idea_words)');
const IDEA = { title: 'Cap bus fares at £2 for everyone', body: 'Fares have doubled in five years.\nA cap would get people back on the buses.',
  claims: 'Bus fares are too high\nA fare cap brings passengers back', category: 'transport' };

async function put(v, fields) {
  await v.get('/ideas/new');
  return v.post('/ideas', { where: String(gid), ...IDEA, ...fields });
}

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: ENV });
  admin = await strongAdmin(srv, db, 'admin@example.org', 'Ada Admin');
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Derby Branch', seats: 'E14001193' });
  await admin.post('/admin/groups', { name: 'Leeds Branch', seats: 'E14001193' });
  const groups = (await admin.api('GET', '/api/v1/groups')).body.result;
  gid = groups.find((g) => g.name === 'Derby Branch').id;
  other = groups.find((g) => g.name === 'Leeds Branch').id;
  const o = await groupMember(srv, gid, 'org@example.org', 'Olu Organiser');
  assert.equal((await admin.post(`/admin/people/${o.id}/group`, { group: gid, role: 'organiser' })).status, 200);
  org = await strongVisitor(srv, 'org@example.org', 'Olu Organiser');
  for (const [i, name] of ['Bea', 'Cal', 'Dee', 'Eve', 'Fay'].entries()) {
    members.push(await groupMember(srv, gid, `m${i}@example.org`, `${name} Member`));
  }
  outsider = await groupMember(srv, other, 'out@example.org', 'Oscar Outsider');
  // the group's threshold, as data: 4 supports (or 10% of 6 members, if more) in 30 days
  await admin.get('/ideas');
  const t = await admin.post('/ideas/thresholds', { scope: 'group', absolute: '4', percent: '10', days: '30' });
  assert.equal(t.status, 303);
  assert.equal(sql("SELECT absolute, percent, days FROM idea_thresholds WHERE scope = 'group'"), '4|10.0|30');
});
after(async () => { if (srv) await srv.stop(); });

test('bad ideas store nothing: empty or over-long text, HTML, no category, a scope not one\'s own; a bad threshold is refused', async () => {
  const [bea] = members;
  const before_ = count();
  for (const [fields, why] of [
    [{ title: '' }, /The title is empty/],
    [{ title: '<b>Bold</b> idea' }, /The title looks like HTML/],
    [{ body: 'x'.repeat(2001) }, /The text is too long/],
    [{ body: 'Fine.\n<script>alert(1)</script>' }, /The text looks like HTML/],
    [{ claims: 'One\n<img src=x onerror=alert(1)>' }, /Claim 2 looks like HTML/],
    [{ category: 'nonsense' }, /Choose a category/],
    [{ where: String(other) }, /only to your own groups/],
    [{ where: 'region', region: 'London' }, /only to your own groups/],
  ]) {
    const r = await put(bea, fields);
    assert.equal(r.status, 400, `${JSON.stringify(fields).slice(0, 60)}: ${r.status}`);
    assert.match(text(r.body), why);
  }
  assert.equal(count(), before_);
  assert.equal((await bea.post('/ideas/thresholds', { scope: 'group', absolute: '1', percent: '0', days: '1' })).status, 403);
  assert.equal((await admin.post('/ideas/thresholds', { scope: 'group', absolute: '-1', percent: '0', days: '1' })).status, 400);
  assert.equal((await admin.post('/ideas/thresholds', { scope: 'group', absolute: '1', percent: '101', days: '1' })).status, 400);
  assert.equal(sql("SELECT absolute FROM idea_thresholds WHERE scope = 'group'"), '4');
});

test('an idea gathers support: once a member, changeable, counted as it comes; outsiders see nothing', async () => {
  const [bea, cal] = members;
  const r = await put(bea, {});
  assert.equal(r.status, 303, text(r.body).slice(0, 300));
  ideaA = ideaOf(r);
  assert.equal(sql(`SELECT supports || '/' || needed || '/' || stage FROM ideas WHERE id = ${ideaA}`), '1/4/open');
  let page = text((await cal.get(`/ideas/${ideaA}`)).body);
  assert.match(page, /1 of the 4 supports it needs/);
  assert.match(page, /put forward by Bea Member/);
  assert.equal((await cal.post(`/ideas/${ideaA}/support`, { value: 'support' })).status, 200);
  assert.equal((await cal.post(`/ideas/${ideaA}/support`, { value: 'support' })).status, 200);
  assert.equal(sql(`SELECT supports FROM ideas WHERE id = ${ideaA}`), '2', 'once a member');
  await cal.post(`/ideas/${ideaA}/support`, { value: 'oppose' });
  assert.equal(sql(`SELECT supports || '/' || opposes FROM ideas WHERE id = ${ideaA}`), '1/1');
  await cal.post(`/ideas/${ideaA}/support`, { value: 'withdraw' });
  assert.equal(sql(`SELECT supports || '/' || opposes FROM ideas WHERE id = ${ideaA}`), '1/0');
  assert.equal((await cal.post(`/ideas/${ideaA}/support`, { value: 'maybe' })).status, 400);
  // the list, most supported first; an outsider sees neither list nor idea
  assert.match(text((await cal.get(`/ideas?in=g:${gid}`)).body), /Cap bus fares at £2 for everyone/);
  assert.equal((await outsider.get(`/ideas/${ideaA}`)).status, 403);
  assert.equal((await outsider.get(`/ideas?in=g:${gid}`)).status, 403);
  assert.equal((await outsider.post(`/ideas/${ideaA}/support`, { value: 'support' })).status, 403);
  assert.equal(sql(`SELECT count(*) FROM idea_supports WHERE idea_id = ${ideaA}`), '1');
  assert.equal((await cal.get('/ideas?in=nonsense')).status, 400);
  // someone in no group is told how to take part, and sees no idea
  const loner = new Visitor(srv.url);
  await loner.signInByLink(srv.outbox, 'loner@example.org', 'Lee Loner');
  const none = await loner.get('/ideas');
  assert.equal(none.status, 200);
  assert.match(text(none.body), /join your local group/);
  assert.doesNotMatch(none.body, /Cap bus fares/);
  assert.equal((await loner.get('/ideas?in=m:')).status, 403);
});

test('a similar idea is shown first; put anyway, organisers merge it without counting anyone twice', async () => {
  const [bea, cal, dee] = members;
  const before_ = count();
  let r = await put(cal, { title: 'Bus fares capped at two pounds', body: 'Capping bus fares gets people back on buses.' });
  assert.equal(r.status, 200);
  assert.match(text(r.body), /These look like your idea.*Cap bus fares at £2 for everyone/);
  assert.equal(count(), before_, 'nothing stored until the member says so');
  r = await cal.post('/ideas', { where: String(gid), ...IDEA, title: 'Bus fares capped at two pounds', body: 'Capping bus fares gets people back on buses.', confirm: '1' });
  assert.equal(r.status, 303);
  ideaB = ideaOf(r);
  assert.equal(sql(`SELECT other_id FROM idea_similar WHERE idea_id = ${ideaB}`), String(ideaA));
  // Dee backs both; Bea (A's author) backs B too
  await dee.get(`/ideas/${ideaA}`);
  await dee.post(`/ideas/${ideaA}/support`, { value: 'support' });
  await dee.post(`/ideas/${ideaB}/support`, { value: 'support' });
  await bea.post(`/ideas/${ideaB}/support`, { value: 'support' });
  assert.equal(sql(`SELECT supports FROM ideas WHERE id = ${ideaA}`), '2');
  assert.equal(sql(`SELECT supports FROM ideas WHERE id = ${ideaB}`), '3');
  // a member cannot merge; nor can anyone merge an idea into itself
  assert.equal((await cal.post(`/ideas/${ideaB}/merge`, { into: String(ideaA) })).status, 403);
  const page = (await org.get(`/ideas/${ideaB}`)).body;
  assert.match(page, new RegExp(`name="into" value="${ideaA}"`), 'the flagged idea, with a merge button');
  assert.equal((await org.post(`/ideas/${ideaB}/merge`, { into: String(ideaB) })).status, 400);
  assert.equal((await org.post(`/ideas/${ideaB}/merge`, { into: '999999' })).status, 409);
  assert.equal(sql(`SELECT stage FROM ideas WHERE id = ${ideaB}`), 'open');
  r = await org.post(`/ideas/${ideaB}/merge`, { into: String(ideaA) });
  assert.equal(r.status, 303);
  // Bea, Cal (B's author) and Dee: three, each once
  assert.equal(sql(`SELECT supports FROM ideas WHERE id = ${ideaA}`), '3');
  assert.equal(sql(`SELECT count(*) FROM idea_supports WHERE idea_id = ${ideaA}`), '3');
  assert.equal(sql(`SELECT stage || '/' || merged_into FROM ideas WHERE id = ${ideaB}`), `merged/${ideaA}`);
  assert.match(text((await cal.get(`/ideas/${ideaA}`)).body), /put forward by Bea Member; Cal Member;/);
  assert.match(text((await cal.get(`/ideas/${ideaB}`)).body), /merged into another like it/);
  assert.equal((await org.post(`/ideas/${ideaB}/merge`, { into: String(ideaA) })).status, 409, 'merged once');
  assert.ok(mailFor(srv.outbox, 'm1@example.org', /(was merged into another idea like it)/), 'B\'s author is told');
  assert.doesNotMatch(text((await cal.get(`/ideas?in=g:${gid}`)).body), /Bus fares capped at two pounds/);
});

test('at its threshold it goes to deliberation, then to a meeting as a motion, then an outcome; everyone following is told', async () => {
  const [, , , eve, fay] = members;
  await eve.get(`/ideas/${ideaA}`);
  let r = await eve.post(`/ideas/${ideaA}/support`, { value: 'support' });
  assert.match(text(r.body), /goes to deliberation/);
  const conv = sql(`SELECT conversation_id FROM ideas WHERE id = ${ideaA}`);
  assert.ok(Number(conv) > 0);
  assert.equal(sql(`SELECT group_concat(body, '|') FROM (SELECT body FROM statements WHERE conversation_id = ${conv} ORDER BY id) o`),
    'Bus fares are too high|A fare cap brings passengers back');
  assert.equal(sql(`SELECT question || '/' || scope || '/' || group_id FROM conversations WHERE id = ${conv}`), `${IDEA.title}/group/${gid}`);
  for (const to of ['m0@example.org', 'm1@example.org', 'm2@example.org']) {
    assert.ok(mailFor(srv.outbox, to, /(its claims are now a conversation)/), `${to} is told`);
  }
  // support closes once it rises; the conversation is one members can swipe in
  assert.equal((await fay.post(`/ideas/${ideaA}/support`, { value: 'support' })).status, 409);
  assert.equal((await fay.get(`/conversations/${conv}`)).status, 200);
  // the organiser calls a meeting and puts the idea on its agenda
  await org.get(`/groups/${gid}/meetings/new`);
  const m = await org.post(`/groups/${gid}/meetings`, { name: 'Branch meeting', date: day(5), start: '19:00', end: '21:00',
    postcode: 'DE22 1AA', capacity: '40', quorum_pct: '0', quorum_min: '1', majority: 'simple' });
  const mid = Number(/\/meetings\/(\d+)/.exec(m.headers.get('location'))[1]);
  assert.equal((await members[0].post(`/ideas/${ideaA}/motion`, { meeting: String(mid) })).status, 403);
  assert.equal((await org.post(`/ideas/${ideaA}/motion`, { meeting: 'x' })).status, 400);
  r = await org.post(`/ideas/${ideaA}/motion`, { meeting: String(mid) });
  assert.equal(r.status, 200, text(r.body).slice(0, 200));
  const [motion, title, status, mover] = sql(`SELECT m.id, m.title, m.status, p.email FROM ideas i JOIN motions m ON m.id = i.motion_id
    JOIN people p ON p.id = m.mover_id WHERE i.id = ${ideaA}`).split('|');
  assert.deepEqual([title, status, mover], [IDEA.title, 'agenda', 'm0@example.org']);
  assert.match(text((await members[0].get(`/meetings/${mid}`)).body), /Cap bus fares at £2 for everyone/);
  assert.match(text((await members[0].get(`/ideas/${ideaA}`)).body), /A motion at Branch meeting/);
  assert.ok(mailFor(srv.outbox, 'm2@example.org', /(it is a motion at Branch meeting)/));
  assert.equal((await org.post(`/ideas/${ideaA}/motion`, { meeting: String(mid) })).status, 409, 'once');
  assert.equal(sql(`SELECT count(*) FROM motions WHERE id = ${motion}`), '1');
  // the outcome, with an owner
  assert.equal((await org.post(`/ideas/${ideaA}/outcome`, { outcome: 'won', owner: '' })).status, 400);
  assert.equal((await org.post(`/ideas/${ideaA}/outcome`, { outcome: 'adopted', owner: 'nobody@example.org' })).status, 400);
  r = await org.post(`/ideas/${ideaA}/outcome`, { outcome: 'adopted', owner: 'm4@example.org', note: 'Fay takes it to the council in March' });
  assert.equal(r.status, 200);
  assert.equal(sql(`SELECT i.stage || '/' || i.outcome || '/' || p.email FROM ideas i JOIN people p ON p.id = i.owner_id WHERE i.id = ${ideaA}`),
    'outcome/adopted/m4@example.org');
  const page = text((await members[1].get(`/ideas/${ideaA}`)).body);
  assert.match(page, /Outcome adopted · owner: Fay Member · Fay takes it to the council in March/);
  assert.match(page, /Put forward\..*Reached 4 supports.*Put as a motion to Branch meeting.*Outcome: adopted/);
  assert.ok(mailFor(srv.outbox, 'm3@example.org', /(adopted, owned by Fay Member)/));
});

test('a member\'s data export holds their ideas and their stands', async () => {
  const cal = members[1];
  const all = (await cal.api('GET', '/api/v1/me/export')).body.result;
  assert.deepEqual(all.ideas.map((i) => i.title).sort(), ['Bus fares capped at two pounds', IDEA.title].sort(), 'credited on the merged idea too');
  assert.ok(all.idea_supports.some((s) => s.title === IDEA.title && s.value === 1));
});

test('when the conversation on an idea closes, its organisers are asked for the next step and its followers told', async () => {
  const [bea, cal, dee, , fay] = members;
  const r = await put(fay, { title: 'Free swimming for under-16s', body: 'Every summer.', claims: 'Swimming saves lives', category: 'health' });
  const id = ideaOf(r);
  for (const m of [bea, cal, dee]) {
    await m.get(`/ideas/${id}`);
    await m.post(`/ideas/${id}/support`, { value: 'support' });
  }
  const conv = sql(`SELECT conversation_id FROM ideas WHERE id = ${id} AND stage = 'deliberation'`);
  assert.ok(Number(conv) > 0);
  sql(`UPDATE conversations SET opens_at = strftime('%s', 'now') - 10, closes_at = strftime('%s', 'now') - 1 WHERE id = ${conv}`);
  for (let i = 0; i < 100 && sql(`SELECT deliberated_told FROM ideas WHERE id = ${id}`) !== '1'; i++) await new Promise((res) => setTimeout(res, 100));
  assert.equal(sql(`SELECT deliberated_told FROM ideas WHERE id = ${id}`), '1');
  assert.ok(mailFor(srv.outbox, 'org@example.org', /(Put it to a meeting as a motion, or record its outcome)/), 'the organiser is asked');
  assert.ok(mailFor(srv.outbox, 'm4@example.org', /(the organisers now put it to a meeting)/), 'the author is told');
  assert.match(text((await fay.get(`/ideas/${id}`)).body), /The conversation on its claims has closed/);
  await new Promise((res) => setTimeout(res, 1500));
  assert.equal(sql(`SELECT count(*) FROM idea_events WHERE idea_id = ${id} AND text LIKE 'The conversation on its claims%'`), '1', 'once');
});

test('an idea whose time runs out is closed with that answer, and its followers are told', async () => {
  const [, , dee] = members;
  const r = await put(dee, { title: 'Plant a thousand street trees', body: 'Shade and clean air.', claims: '', category: 'environment' });
  const id = ideaOf(r);
  sql(`UPDATE ideas SET deadline = strftime('%s', 'now') - 1 WHERE id = ${id}`);
  for (let i = 0; i < 100 && sql(`SELECT stage FROM ideas WHERE id = ${id}`) !== 'closed'; i++) await new Promise((res) => setTimeout(res, 100));
  assert.equal(sql(`SELECT stage FROM ideas WHERE id = ${id}`), 'closed');
  assert.match(text((await dee.get(`/ideas/${id}`)).body), /Closed: it had 1 of the 4 supports it needed when its time ran out/);
  assert.ok(mailFor(srv.outbox, 'm2@example.org', /(had 1 of the 4 supports it needed)/));
  assert.equal((await dee.post(`/ideas/${id}/support`, { value: 'support' })).status, 409);
});

test('organisers promote an idea to the region: it keeps its history and supports, and the region\'s members see it', async () => {
  const [bea, cal] = members;
  const r = await put(cal, { title: 'Open the libraries on Sundays', body: 'Families need somewhere to go.', claims: '', category: 'education' });
  const id = ideaOf(r);
  await bea.get(`/ideas/${id}`);
  await bea.post(`/ideas/${id}/support`, { value: 'support' });
  assert.equal((await cal.post(`/ideas/${id}/promote`, { to: 'region' })).status, 403);
  assert.equal((await org.post(`/ideas/${id}/promote`, { to: 'movement' })).status, 403, 'the movement is for admins');
  const p = await org.post(`/ideas/${id}/promote`, { to: 'region' });
  assert.equal(p.status, 200, text(p.body).slice(0, 200));
  assert.equal(sql(`SELECT scope || '/' || region || '/' || supports || '/' || stage FROM ideas WHERE id = ${id}`), 'region/East Midlands/2/open');
  // the outsider's group covers a seat in the same region: now they see and back it
  assert.match(text((await outsider.get('/ideas?in=r:East Midlands')).body), /Open the libraries on Sundays/);
  await outsider.get(`/ideas/${id}`);
  assert.equal((await outsider.post(`/ideas/${id}/support`, { value: 'support' })).status, 200);
  assert.equal(sql(`SELECT supports FROM ideas WHERE id = ${id}`), '3');
  assert.match(text((await bea.get(`/ideas/${id}`)).body), /Put forward\..*Put to members in East Midlands to gather support there/);
  assert.equal((await org.post(`/ideas/${id}/promote`, { to: 'region' })).status, 403, 'a region\'s ideas are the admins\'');
  await admin.get(`/ideas/${id}`);
  assert.equal((await admin.post(`/ideas/${id}/promote`, { to: 'region' })).status, 409, 'not wider');
});
