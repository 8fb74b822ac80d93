// Issue 12: a meeting is a session.  Calling a meeting posts (or picks) a session of
// type meeting: its time, place and online link, its sign-ups, mails and reminders are
// the session's, and moving the session moves the meeting.  Members send apologies,
// which the minutes list apart from those simply absent; the closure's majority is
// the meeting's own rule.  Bad details call nothing and post nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { startServer, Visitor, copyDb, strongAdmin, mailFor, FIXTURE_DB, groupMember, sqlOn } from './lib.mjs';

let srv, db, chair, gid, other;
const people = [];
const ENV = { TURNOUT_REMINDER_INTERVAL: '1', TURNOUT_RATE_SIGNUP_IP: '1000/1000',
  TURNOUT_RATE_SIGNIN_IP: '1000/1000', TURNOUT_RATE_TOKEN_IP: '1000/1000' };
const sql = (q) => sqlOn(db)(q);
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
const URL_ = 'https://meet.example.org/leeds-branch?pwd=abc123';
const place = { end: '21:00', postcode: 'DE22 1AA', address: 'Friends Meeting House, 1 Station Road', capacity: '40' };
const rules = { quorum_pct: '0', quorum_min: '1', majority: 'simple' };
const meetingOf = (r) => Number(/\/meetings\/(\d+)/.exec(r.headers.get('location') ?? '')?.[1] ?? 0);
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const counts = () => sql('SELECT (SELECT count(*) FROM meetings), (SELECT count(*) FROM events)');

async function call(fields) {
  await chair.get(`/groups/${gid}/meetings/new`);
  return chair.post(`/groups/${gid}/meetings`, { name: 'Branch meeting', date: day(3), start: '19:00', ...place, ...rules, ...fields });
}

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: ENV });
  chair = await strongAdmin(srv, db, 'chair@example.org', 'Chris Chair');
  await chair.get('/admin');
  await chair.post('/admin/groups', { name: 'Leeds Branch', seats: 'E14001193' });
  await chair.post('/admin/groups', { name: 'Derby Branch', seats: 'E14001193' });
  const groups = (await chair.api('GET', '/api/v1/groups')).body.result;
  gid = groups.find((g) => g.name === 'Leeds Branch').id;
  other = groups.find((g) => g.name === 'Derby Branch').id;
  for (const [i, name] of ['Ada', 'Ben'].entries()) {
    people.push(await groupMember(srv, gid, `m${i}@example.org`, `${name} Member`));
  }
});
after(async () => { if (srv) await srv.stop(); });

test('calling a meeting posts its session: members sign up from the meeting, get the online link, and the session leads back', async () => {
  const [ada] = people;
  const r = await call({ online_url: URL_ });
  assert.equal(r.status, 303, text(r.body).slice(0, 300));
  const mid = meetingOf(r);
  const [eid, type, group, url, title] = sql(`SELECT e.id, e.type, e.group_id, e.online_url, e.title FROM meetings m
    JOIN events e ON e.id = m.event_id WHERE m.id = ${mid}`).split('|');
  assert.deepEqual([type, Number(group), url, title], ['meeting', gid, URL_, 'Branch meeting']);
  assert.equal(sql(`SELECT capacity FROM slots WHERE event_id = ${eid}`), '40');

  // the meeting page says when and where, with the link for members
  let page = (await ada.get(`/meetings/${mid}`)).body;
  assert.match(text(page), /When and where/);
  assert.match(text(page), /19:00–21:00 · Friends Meeting House, 1 Station Road, DE22 1AA/);
  assert.ok(page.includes(`href="${URL_.replace(/&/g, '&amp;')}"`), 'members get the link');
  assert.match(text(page), /0 signed up to come/);

  // a visitor to the public session page sees there is a link, not the link
  const anon = new Visitor(srv.url);
  const pub = (await anon.get(`/events/${eid}`)).body;
  assert.equal(pub.includes(URL_), false);
  assert.match(text(pub), /the link is shown to those with a place/);
  assert.equal(pub.includes(`/meetings/${mid}`), false, 'only members are led to the meeting');

  // "I'm coming" is the session's own sign-up; its mail carries the link
  assert.match(page, /I'm coming/);
  const slot = sql(`SELECT id FROM slots WHERE event_id = ${eid}`);
  const signed = await ada.post(`/events/${eid}/signup`, { slot });
  assert.match(text(signed.body), /You are going/);
  const mail = mailFor(srv.outbox, 'm0@example.org', /Join online: (\S+)/);
  assert.ok(mail, 'the sign-up mail gives the online link');
  assert.equal(mail.url, URL_);
  page = (await ada.get(`/meetings/${mid}`)).body;
  assert.match(text(page), /1 signed up to come\. You are going\./);
  assert.doesNotMatch(page, /I'm coming/);
  const ev = (await ada.get(`/events/${eid}`)).body;
  assert.ok(ev.includes(`href="/meetings/${mid}"`), 'the session leads its members to the meeting');
  assert.ok(ev.includes(URL_.replace(/&/g, '&amp;')), 'and gives those going the link');

  // moving the session moves the meeting
  const version = sql(`SELECT version FROM events WHERE id = ${eid}`);
  await chair.get(`/events/${eid}`);
  const moved = await chair.post(`/events/${eid}/edit`, { version, date: day(4), start: '18:30',
    postcode: 'DE22 1AA', address: 'Friends Meeting House, 1 Station Road' });
  assert.equal(moved.status, 303, text(moved.body).slice(0, 300));
  page = (await ada.get(`/meetings/${mid}`)).body;
  const d = new Date(`${day(4)}T12:00:00Z`); // the date typed, whatever the hour now
  const dayName = d.toLocaleDateString('en-GB', { timeZone: 'Europe/London', weekday: 'long', day: 'numeric', month: 'long' });
  assert.ok(text(page).includes(`${dayName.replace(',', '')}`), `the meeting shows the new day (${dayName})`);
  assert.match(text(page), /18:30–20:30/);
  const minutes = (await chair.get(`/meetings/${mid}/minutes`)).body;
  assert.match(minutes, /at 18:30\./);

  // a new link: checked, then given on the pages, and those signed up are told it changed
  const edit = async (online_url) => {
    await chair.get(`/events/${eid}`);
    return chair.post(`/events/${eid}/edit`, { version: sql(`SELECT version FROM events WHERE id = ${eid}`),
      date: day(4), start: '18:30', postcode: 'DE22 1AA', address: 'Friends Meeting House, 1 Station Road', online_url });
  };
  assert.equal((await edit('javascript:alert(1)')).status, 400);
  assert.equal(sql(`SELECT online_url FROM events WHERE id = ${eid}`), URL_);
  const NEW = 'https://meet.example.org/leeds-branch-2';
  assert.equal((await edit(NEW)).status, 303);
  assert.ok((await ada.get(`/meetings/${mid}`)).body.includes(`href="${NEW}"`));
  const told = mailFor(srv.outbox, 'm0@example.org', /(The link to join online has changed)/);
  assert.ok(told, 'those signed up are told the link changed');
  assert.equal(told.text.includes(NEW), false, 'the mail, which the waiting list gets too, does not carry it');
});

test('a meeting at a session already posted: only the group\'s own meeting sessions, one meeting each', async () => {
  const post = async (group, type, title) => {
    await chair.get('/events/new');
    const r = await chair.post('/events', { group, type, title, date: day(5), start: '19:00', ...place });
    assert.equal(r.status, 303, text(r.body).slice(0, 300));
    return Number(/\/events\/(\d+)/.exec(r.headers.get('location'))[1]);
  };
  const agm = await post(gid, 'meeting', 'Annual general meeting');
  const canvass = await post(gid, 'canvass', 'Saturday canvass');
  const elsewhere = await post(other, 'meeting', 'Derby AGM');

  const form = (await chair.get(`/groups/${gid}/meetings/new`)).body;
  assert.ok(form.includes(`<option value="${agm}"`), 'the group\'s meeting session is offered');
  assert.equal(form.includes(`<option value="${canvass}"`), false);
  assert.equal(form.includes(`<option value="${elsewhere}"`), false);

  for (const bad of [canvass, elsewhere, 999999, 'x']) {
    const before = counts();
    const r = await call({ name: 'AGM', session: String(bad) });
    assert.equal(r.status, 400, `session ${bad}`);
    assert.match(text(r.body), /Choose one of the group(&#39;|')s meeting sessions still to come/);
    assert.equal(counts(), before);
  }
  const r = await call({ name: 'AGM', session: String(agm), date: '', start: '', end: '', postcode: '' });
  assert.equal(r.status, 303, text(r.body).slice(0, 300));
  const mid = meetingOf(r);
  assert.equal(sql(`SELECT event_id FROM meetings WHERE id = ${mid}`), String(agm));
  assert.equal(sql(`SELECT starts_at FROM meetings WHERE id = ${mid}`), sql(`SELECT starts_at FROM events WHERE id = ${agm}`));
  assert.equal((await chair.get(`/groups/${gid}/meetings/new`)).body.includes(`<option value="${agm}"`), false,
    'a session holding a meeting is not offered again');
  const before = counts();
  const again = await call({ name: 'AGM twice', session: String(agm) });
  assert.equal(again.status, 409);
  assert.match(text(again.body), /That session has a meeting already/);
  assert.equal(counts(), before);
});

test('bad details call no meeting and post no session', async () => {
  const cases = [
    [{ online_url: 'javascript:alert(1)' }, /online link is a web address/],
    [{ online_url: 'https://' }, /online link is a web address/],
    [{ online_url: `https://example.org/${'a'.repeat(300)}` }, /online link is 300 characters at most/],
    [{ online_url: 'https://example.org/"onmouseover="x' }, /online link is a web address/],
    [{ end: '' }, /Give the end/],
    [{ end: '18:00' }, /must end after it starts/],
    [{ postcode: 'ZZ99 9ZZ' }, /postcode/],
    [{ capacity: '0' }, /number of places/],
    [{ date: day(-2) }, /must start in the future/],
    [{ procedural_majority: 'most' }, /majority the closure/],
    [{ name: 'x'.repeat(121) }, /name of up to 120/],
  ];
  for (const [fields, why] of cases) {
    const before = counts();
    const r = await call(fields);
    assert.equal(r.status, 400, JSON.stringify(fields));
    assert.match(text(r.body), why, JSON.stringify(fields));
    assert.match(r.body, /aria-invalid="true"/, `the field at fault is marked: ${JSON.stringify(fields)}`);
    assert.equal(counts(), before, JSON.stringify(fields));
  }
});

test('the reminder two hours before gives the online link', async () => {
  // a meeting starting within two hours, on one London date
  const at = (min) => {
    const f = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit',
      day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(Date.now() + min * 60000));
    const p = Object.fromEntries(f.map((x) => [x.type, x.value]));
    return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
  };
  let slot;
  for (let m = 30; m <= 100 && !slot; m += 10) {
    const s = at(m), e = at(m + 30);
    if (s.date === e.date && e.time > s.time) slot = { date: s.date, start: s.time, end: e.time };
  }
  assert.ok(slot, 'a half hour fits today');
  const r = await call({ name: 'Emergency meeting', online_url: URL_, ...slot });
  assert.equal(r.status, 303, text(r.body).slice(0, 300));
  const eid = sql(`SELECT event_id FROM meetings WHERE id = ${meetingOf(r)}`);
  const ben = people[1];
  await ben.get(`/meetings/${meetingOf(r)}`);
  assert.match(text((await ben.post(`/events/${eid}/signup`, { slot: sql(`SELECT id FROM slots WHERE event_id = ${eid}`) })).body), /You are going/);
  const signup = sql(`SELECT id FROM signups WHERE slot_id IN (SELECT id FROM slots WHERE event_id = ${eid})`);
  const file = () => (existsSync(srv.outbox) ? readdirSync(srv.outbox) : []).find((f) => f === `reminder-${signup}-2h.eml`);
  for (let i = 0; i < 50 && !file(); i++) await new Promise((res) => setTimeout(res, 100));
  assert.ok(file(), 'the reminder was sent');
  const mail = readFileSync(`${srv.outbox}/${file()}`, 'utf8');
  assert.match(mail, /Emergency meeting/);
  assert.ok(mail.includes(`Join online: ${URL_}`));
});

test('apologies: sent and taken back by the member, listed apart in the minutes; the closure takes the meeting\'s majority', async () => {
  const [ada, ben] = people;
  const r = await call({ name: 'Committee night', procedural_majority: 'simple' });
  assert.equal(r.status, 303, text(r.body).slice(0, 300));
  const mid = meetingOf(r);
  let page = (await ada.get(`/meetings/${mid}`)).body;
  assert.match(page, /send my apologies/);
  assert.equal((await ada.post(`/meetings/${mid}/apologies`, { sent: 'perhaps' })).status, 400);
  assert.equal(sql(`SELECT count(*) FROM meeting_apologies WHERE meeting_id = ${mid}`), '0');
  assert.equal((await ada.post(`/meetings/${mid}/apologies`, { sent: '1' })).status, 303);
  page = (await ada.get(`/meetings/${mid}`)).body;
  assert.match(text(page), /Your apologies are sent\./);
  await ben.get(`/meetings/${mid}`);
  assert.equal((await ben.post(`/meetings/${mid}/apologies`, { sent: '1' })).status, 303);
  assert.equal((await ben.post(`/meetings/${mid}/apologies`, { sent: '0' })).status, 303);
  let minutes = text((await chair.get(`/meetings/${mid}/minutes`)).body);
  assert.match(minutes, /Apologies: Ada Member\./);
  assert.match(minutes, /Absent: Ben Member\./);
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = 'meeting.apologies'`), '2');
  // what a member did at meetings is in their data export
  const mine = (await ada.api('GET', '/api/v1/me/export')).body.result;
  assert.deepEqual(mine.meeting_apologies.map((a) => a.meeting), ['Committee night']);

  // checked in, there is nothing to apologise for
  await chair.get(`/meetings/${mid}`);
  assert.equal((await chair.post(`/meetings/${mid}/present`, { person: String(ben.id), present: '1' })).status, 303);
  await ben.get(`/meetings/${mid}`);
  assert.equal((await ben.post(`/meetings/${mid}/apologies`, { sent: '1' })).status, 409);
  minutes = text((await chair.get(`/meetings/${mid}/minutes`)).body);
  assert.match(minutes, /Present \(1 of 2 members\): Ben Member\./);

  // the closure here needs a simple majority, as this meeting's standing orders say
  await chair.get(`/meetings/${mid}`);
  await chair.post(`/meetings/${mid}/motions`, { title: 'Buses', body: 'That we run a bus.', mover: String(ben.id) });
  const motion = sql(`SELECT id FROM motions WHERE meeting_id = ${mid} AND title = 'Buses'`);
  await ben.get(`/meetings/${mid}`);
  assert.equal((await ben.post(`/meetings/${mid}/procedural`, { kind: 'closure', on: motion })).status, 303);
  assert.equal(sql(`SELECT majority FROM motions WHERE target = ${motion} AND procedure = 'closure'`), 'simple');
  const his = (await ben.api('GET', '/api/v1/me/export')).body.result;
  assert.deepEqual(his.meeting_presence.map((p) => [p.meeting, p.present]), [['Committee night', true]]);
  assert.deepEqual(his.motions.map((m) => [m.title, m.as]).sort(), [['Buses', 'mover'], ['Closure', 'mover']]);
  assert.deepEqual(his.meeting_apologies, [], 'apologies taken back are gone');
});
