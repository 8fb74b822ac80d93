// Issue 14 (the skills part): what members can do, off until they let organisers
// find them; an organiser learns how many of the group's members who allowed it have a
// skill within reach, asks them, and sees who said yes — never a list of everyone with
// the skill.  Bad input stores nothing; skills are in the export and go with erasure.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, copyDb, strongAdmin, strongVisitor, groupMember, mailFor, FIXTURE_DB, sqlOn } from './lib.mjs';

let srv, db, admin, org, other, gid, gid2, wyn, gwen, dai, out;
const sql = (q) => sqlOn(db)(q);
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/\s+/g, ' ');

async function offers(v, email, name, postcode, fields) {
  await v.get('/account');
  assert.equal((await v.post('/account', { name, email, postcode })).status, 200);
  await v.get('/account/skills');
  const r = await v.post('/account/skills', fields);
  assert.equal(r.status, 200, text(r.body).slice(0, 300));
  return r;
}

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: { TURNOUT_RATE_SIGNUP_IP: '1000/1000', TURNOUT_RATE_SIGNIN_IP: '1000/1000' } });
  admin = await strongAdmin(srv, db);
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Derby Helpers', seats: 'E14001193' });
  await admin.post('/admin/groups', { name: 'Elsewhere', seats: '' });
  const groups = (await admin.api('GET', '/api/v1/groups')).body.result;
  gid = groups.find((g) => g.name === 'Derby Helpers').id;
  gid2 = groups.find((g) => g.name === 'Elsewhere').id;
  org = await strongVisitor(srv, 'olu@example.org', 'Olu Organiser');
  other = await strongVisitor(srv, 'bo@example.org', 'Bo Organiser');
  sql(`INSERT INTO memberships (group_id, person_id, role, joined_at) SELECT ${gid}, id, 'organiser', 0 FROM people WHERE email = 'olu@example.org';
       INSERT INTO memberships (group_id, person_id, role, joined_at) SELECT ${gid2}, id, 'organiser', 0 FROM people WHERE email = 'bo@example.org';`);
  wyn = await groupMember(srv, gid, 'wyn@example.org', 'Wyn Welsh');
  gwen = await groupMember(srv, gid, 'gwen@example.org', 'Gwen Hidden');
  dai = await groupMember(srv, gid, 'dai@example.org', 'Dai Faraway');
  out = await groupMember(srv, gid2, 'out@example.org', 'Owain Outside');
});
after(async () => { if (srv) await srv.stop(); });

test('a member says what they can do; bad input stores nothing; no one may find them until they say so', async () => {
  await wyn.get('/account/skills');
  for (const [fields, why] of [
    [{ langs: '<b>Welsh</b>' }, /plain text|HTML/], [{ tags: 'x'.repeat(41) }, /too long/],
    [{ tags: Array.from({ length: 11 }, (_, i) => `skill ${i}`).join(', ') }, /at most 10/],
  ]) {
    const r = await wyn.post('/account/skills', fields);
    assert.equal(r.status, 400, JSON.stringify(fields));
    assert.match(text(r.body), why);
  }
  assert.equal(sql('SELECT count(*) FROM person_skills'), '0');
  const r = await offers(gwen, 'gwen@example.org', 'Gwen Hidden', 'DE22 1AE', { langs: 'Welsh', skill_design: '1', weekends: '1' });
  assert.match(text(r.body), /No one can find you by them until you tick the box/);
  assert.equal(sql(`SELECT findable FROM skill_profiles p JOIN people x ON x.id = p.person_id WHERE x.email = 'gwen@example.org'`), '0');
  await offers(wyn, 'wyn@example.org', 'Wyn Welsh', 'DE22 1AA', { langs: '  welsh ,Polish, Welsh', skill_driving: '1', tags: 'Print layout', trains: '1', evenings: '1', findable: '1' });
  assert.equal(sql(`SELECT group_concat(kind || ':' || name, ',') FROM (SELECT s.kind, s.name FROM person_skills s JOIN people x ON x.id = s.person_id WHERE x.email = 'wyn@example.org' ORDER BY s.kind, s.name) o`),
    'language:polish,language:welsh,skill:driving,tag:print layout');
  const page = (await wyn.get('/account/skills')).body;
  assert.match(page, /value="polish, welsh"/);
  assert.match(page, /name="findable" value="1" checked/);
  await offers(dai, 'dai@example.org', 'Dai Faraway', 'SW1A 1AA', { langs: 'Welsh', findable: '1' });
  await offers(out, 'out@example.org', 'Owain Outside', 'DE22 1AF', { langs: 'Welsh', findable: '1' });
});

test('an organiser learns how many, never who; only their own group, only those who allowed it, only within reach', async () => {
  await org.get(`/groups/${gid}/skills`);
  const count = async (fields) => text((await org.post(`/groups/${gid}/skills/count`, { kind: 'language', name: 'Welsh', ...fields })).body);
  assert.match(await count({ postcode: 'DE22 1AH', km: '20' }), /1 member of the group with Welsh within reach of DE22 1AH/);
  const anywhere = await count({});
  assert.match(anywhere, /2 members of the group with Welsh said/);
  for (const name of ['Wyn', 'Dai', 'Gwen', 'Owain', 'wyn@example.org']) assert.doesNotMatch(anywhere, new RegExp(name));
  assert.match(text((await org.post(`/groups/${gid}/skills/count`, { kind: 'skill', skill: 'driving' })).body), /1 member of the group with Driving/);
  assert.match(text((await org.post(`/groups/${gid}/skills/count`, { kind: 'skill', skill: 'design' })).body), /0 members/, 'Gwen did not allow it');
  for (const [fields, why] of [[{ kind: 'skill', skill: 'juggling' }, /from the list/], [{ kind: 'any' }, /what kind of help/],
    [{ name: '' }, /Name the language/], [{ postcode: 'nowhere' }, /postcode/], [{ postcode: 'DE22 1AA', km: '900' }, /1 to 200 km/]]) {
    const r = await org.post(`/groups/${gid}/skills/count`, { kind: 'language', name: 'Welsh', ...fields });
    assert.equal(r.status, 400, JSON.stringify(fields));
    assert.match(text(r.body), why);
  }
  // members, another group's organisers, a mailbox alone: no
  assert.equal((await wyn.get(`/groups/${gid}/skills`)).status, 403);
  assert.equal((await wyn.post(`/groups/${gid}/skills/count`, { kind: 'language', name: 'Welsh' })).status, 403);
  await other.get(`/groups/${gid2}/skills`);
  assert.equal((await other.post(`/groups/${gid}/skills/count`, { kind: 'language', name: 'Welsh' })).status, 403);
  // in Bo's own group, Owain (who allowed it) counts
  assert.match(text((await other.post(`/groups/${gid2}/skills/count`, { kind: 'language', name: 'welsh' })).body), /1 member/);
});

let rid;
test('a request reaches those matched, who answer; the organiser sees who said yes', async () => {
  await org.get(`/groups/${gid}/skills`);
  const bad = await org.post(`/groups/${gid}/skills/requests`, { kind: 'language', name: 'Welsh', what: '' });
  assert.equal(bad.status, 400);
  assert.equal((await org.post(`/groups/${gid}/skills/requests`, { kind: 'language', name: 'Welsh', what: 'x', by: 'soon' })).status, 400);
  assert.equal(sql('SELECT count(*) FROM skill_requests'), '0');
  const r = await org.post(`/groups/${gid}/skills/requests`, { kind: 'language', name: 'Welsh', postcode: 'DE22 1AH', km: '20',
    what: "A Welsh speaker for Saturday's canvass", by: new Date(Date.now() + 5 * 86400000).toISOString().slice(0, 10) });
  assert.equal(r.status, 303, text(r.body).slice(0, 300));
  rid = Number(/\/skills\/requests\/(\d+)/.exec(r.headers.get('location'))[1]);
  assert.equal(sql(`SELECT count(*) FROM skill_asks WHERE request_id = ${rid}`), '1');
  const mail = mailFor(srv.outbox, 'wyn@example.org', /Welsh speaker for Saturday's canvass[^]*?(http:\/\/\S+\/skills\/asked)/);
  assert.ok(mail, 'Wyn is asked');
  for (const e of ['gwen@example.org', 'dai@example.org', 'out@example.org']) assert.equal(mailFor(srv.outbox, e, /Saturday's canvass/), null, e);
  // Wyn sees it among the requests put to them, and answers
  assert.match(text((await wyn.get('/skills/asked')).body), /Derby Helpers: Welsh — A Welsh speaker/);
  assert.match(text((await wyn.get(`/skills/requests/${rid}`)).body), /Yes, I can help/);
  assert.equal((await wyn.post(`/skills/requests/${rid}/answer`, { answer: 'maybe' })).status, 400);
  assert.equal((await wyn.post(`/skills/requests/${rid}/answer`, { answer: 'yes' })).status, 303);
  // those not asked may not even see it
  assert.equal((await dai.get(`/skills/requests/${rid}`)).status, 404);
  assert.equal((await dai.post(`/skills/requests/${rid}/answer`, { answer: 'yes' })).status, 404);
  assert.equal((await other.get(`/skills/requests/${rid}`)).status, 404);
  const seen = text((await org.get(`/skills/requests/${rid}`)).body);
  assert.match(seen, /1 asked · 0 said not this time/);
  assert.match(seen, /Wyn Welsh · wyn@example.org/);
  assert.match(text((await org.get(`/groups/${gid}/skills`)).body), /Welsh: A Welsh speaker for Saturday's canvass · [^·]+ · 1 said yes/);
  // closed: no more answers
  assert.equal((await wyn.post(`/skills/requests/${rid}/close`)).status, 403);
  assert.equal((await org.post(`/skills/requests/${rid}/close`)).status, 303);
  assert.equal((await wyn.post(`/skills/requests/${rid}/answer`, { answer: 'no' })).status, 409);
  assert.equal(sql(`SELECT answer FROM skill_asks WHERE request_id = ${rid}`), 'yes');
});

test('a session names the roles it needs; a volunteer takes one; the page shows what is still missing', async () => {
  await org.get('/events/new');
  const day = new Date(Date.now() + 4 * 86400000).toISOString().slice(0, 10);
  const made = await org.post('/events', { group: gid, type: 'canvass', title: 'Doors in Ynys Mon', date: day, start: '10:00', end: '13:00',
    postcode: 'DE22 1AA', capacity: '10' });
  assert.equal(made.status, 303, text(made.body).slice(0, 300));
  const id = Number(/\/events\/(\d+)/.exec(made.headers.get('location'))[1]);
  await org.get(`/events/${id}/attendees`);
  for (const [roles, why] of [['0 drivers', /1 to 100/], ['2 <b>drivers</b>', /plain text/], ['1 driver\n2 Driver', /named once/],
    [Array.from({ length: 9 }, (_, i) => `1 role ${i}`).join('\n'), /at most eight/], ['101 stewards', /1 to 100/]]) {
    const r = await org.post(`/events/${id}/roles`, { roles });
    assert.equal(r.status, 400, roles);
    assert.match(text(r.body), why);
  }
  assert.equal(sql(`SELECT count(*) FROM event_roles WHERE event_id = ${id}`), '0');
  assert.equal((await dai.post(`/events/${id}/roles`, { roles: '1 driver' })).status, 403);
  assert.equal((await org.post(`/events/${id}/roles`, { roles: '2 drivers\n  Welsh speaker  \n1 first-aider' })).status, 303);
  assert.equal(sql(`SELECT group_concat(role || ':' || needed, ',') FROM (SELECT role, needed FROM event_roles WHERE event_id = ${id} ORDER BY pos) o`),
    'drivers:2,Welsh speaker:1,first-aider:1');
  // sign-up asks which role; one the session does not name is refused, nothing stored
  const slot = sql(`SELECT id FROM slots WHERE event_id = ${id}`);
  const page = text((await dai.get(`/events/${id}`)).body);
  assert.match(page, /drivers: 0 of 2 · 2 still needed/);
  assert.match(page, /Which role will you take\? No particular role drivers \(2 still needed\)/);
  const send = (v, role) => fetch(`${srv.url}/events/${id}/signup`, { method: 'POST', redirect: 'manual',
    body: new URLSearchParams({ csrf: v.csrf, slot, role }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: v.cookieHeader(), Origin: srv.url } });
  assert.equal((await send(dai, 'pilots')).status, 400);
  assert.equal(sql(`SELECT count(*) FROM signups g JOIN slots s ON s.id = g.slot_id WHERE s.event_id = ${id}`), '0');
  assert.equal((await send(dai, 'drivers')).status, 200);
  await gwen.get(`/events/${id}`);
  assert.equal((await send(gwen, 'Welsh speaker')).status, 200);
  const after = text((await org.get(`/events/${id}`)).body);
  assert.match(after, /drivers: 1 of 2 · 1 still needed/);
  assert.match(after, /Welsh speaker: 1 of 1 first-aider: 0 of 1 · 1 still needed/);
  assert.match(text((await org.get(`/events/${id}/attendees`)).body), /Dai Faraway dai@example.org\s+drivers going/);
  // a place given back frees its role
  await gwen.get(`/events/${id}`);
  await gwen.post(`/events/${id}/cancel-mine`, { slot });
  assert.match(text((await org.get(`/events/${id}`)).body), /Welsh speaker: 0 of 1 · 1 still needed/);
});

test('skills and the requests put to a member are in their export and go with their erasure', async () => {
  const mine = JSON.parse((await wyn.get('/account/export')).body);
  assert.deepEqual(mine.skills.map((s) => `${s.kind}:${s.name}`), ['language:polish', 'language:welsh', 'skill:driving', 'tag:print layout']);
  assert.equal(mine.skill_profile[0].findable, true);
  assert.equal(mine.skill_requests[0].answer, 'yes');
  const id = sql("SELECT id FROM people WHERE email = 'wyn@example.org'");
  await wyn.get('/account');
  assert.ok([200, 303].includes((await wyn.post('/account/delete', { confirm: 'delete' })).status));
  assert.equal(sql(`SELECT (SELECT count(*) FROM person_skills WHERE person_id = ${id}) + (SELECT count(*) FROM skill_profiles WHERE person_id = ${id}) + (SELECT count(*) FROM skill_asks WHERE person_id = ${id})`), '0');
});
