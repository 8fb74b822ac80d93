// Issue 12: a motion's life and the meeting's procedure.  A member submits a motion and
// the chair puts it on the agenda (or rules another out of order, which the meeting may
// overturn); incompatible amendments are grouped and fall when one is carried; procedural
// motions: the closure puts the question at once, next business drops it, a referral sends
// it elsewhere; each decided first, each in the minutes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, copyDb, strongAdmin, FIXTURE_DB, groupMember, sqlOn } from './lib.mjs';

let srv, db, chair, gid, mid;
const people = [];
const ENV = { TURNOUT_RATE_SIGNUP_IP: '1000/1000', TURNOUT_RATE_SIGNIN_IP: '1000/1000', TURNOUT_RATE_TOKEN_IP: '1000/1000' };
const sql = (q) => sqlOn(db)(q);
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
const page = (v) => v.get(`/meetings/${mid}`);
const idOf = (title) => Number(sql(`SELECT id FROM motions WHERE title = '${title}'`));
const status = (id) => sql(`SELECT status FROM motions WHERE id = ${id}`);

// Every member present votes by secret ballot, then the chair closes.
async function decide(motion, choices) {
  const vote = Number(sql(`SELECT id FROM votes WHERE motion_id = ${motion} AND status = 'open'`));
  assert.ok(vote > 0, `a vote is open on ${motion}`);
  for (const [i, c] of choices.entries()) {
    await page(people[i]);
    const r = await people[i].post(`/votes/${vote}/ballot`, { choice: c });
    assert.equal(r.status, 200, r.body.slice(0, 200));
  }
  await page(chair);
  assert.equal((await chair.post(`/votes/${vote}/close`)).status, 303);
}

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: ENV });
  chair = await strongAdmin(srv, db, 'chair@example.org', 'Chris Chair');
  await chair.get('/admin');
  await chair.post('/admin/groups', { name: 'Leeds Branch', seats: 'E14001193' });
  gid = (await chair.api('GET', '/api/v1/groups')).body.result.find((g) => g.name === 'Leeds Branch').id;
  for (const [i, name] of ['Ada', 'Ben', 'Cat'].entries()) {
    people.push(await groupMember(srv, gid, `p${i}@example.org`, `${name} Member`));
  }
  await chair.get(`/groups/${gid}/meetings/new`);
  const r = await chair.post(`/groups/${gid}/meetings`, { name: 'Branch meeting', date: day(1), start: '19:00', end: '21:00', postcode: 'DE22 1AA', capacity: '40',
    quorum_pct: '50', quorum_min: '2', majority: 'simple' });
  mid = Number(/\/meetings\/(\d+)/.exec(r.headers.get('location'))[1]);
  await page(chair);
  for (const v of people) assert.equal((await chair.post(`/meetings/${mid}/present`, { person: String(v.id), present: '1' })).status, 303);
});
after(async () => { if (srv) await srv.stop(); });

test('a member submits; the chair puts it on the agenda or rules it out of order; a challenge overturns the ruling', async () => {
  const [ada, ben] = people;
  let p = await page(ada);
  assert.match(p.body, /Submit a motion or an amendment/);
  assert.doesNotMatch(p.body, /Put “/, 'no chair buttons for a member');
  assert.equal((await ada.post(`/meetings/${mid}/motions`, { title: 'Food bank collections', body: 'That we collect at every session.' })).status, 303);
  const food = idOf('Food bank collections');
  assert.equal(status(food), 'submitted');
  assert.equal(sql(`SELECT mover_id FROM motions WHERE id = ${food}`), String(ada.id), 'the member is its mover');
  // a submitted motion cannot be put, amended or debated
  await page(chair);
  assert.equal((await chair.post(`/motions/${food}/vote`)).status, 409);
  assert.equal((await chair.post(`/motions/${food}/state`, { to: 'debate' })).status, 409);
  assert.equal((await ben.post(`/meetings/${mid}/motions`, { amends: String(food), title: 'x', body: 'y' })).status, 400);
  // only the chair takes it on; bad input changes nothing
  assert.equal((await ben.post(`/motions/${food}/state`, { to: 'agenda' })).status, 403);
  assert.equal((await chair.post(`/motions/${food}/state`, { to: 'carried' })).status, 400);
  assert.equal((await chair.post(`/motions/${food}/state`, { to: 'agenda', seconder: String(ada.id) })).status, 400, 'not seconded by its mover');
  assert.equal(status(food), 'submitted');
  p = await page(chair);
  assert.match(p.body, /Put “Food bank collections” on the agenda/);
  assert.equal((await chair.post(`/motions/${food}/state`, { to: 'agenda', seconder: String(ben.id) })).status, 303);
  assert.equal(status(food), 'agenda');
  assert.equal(sql(`SELECT seconder_id FROM motions WHERE id = ${food}`), String(ben.id));
  assert.equal((await chair.post(`/motions/${food}/state`, { to: 'debate' })).status, 303);
  assert.match((await page(ada)).body, /Food bank collections <span class="tag">in debate<\/span>/);

  // a member withdraws their own submitted motion, not someone else's
  await ben.post(`/meetings/${mid}/motions`, { title: 'Second thoughts', body: 'That we think again.' });
  const second = idOf('Second thoughts');
  await page(ada);
  assert.equal((await ada.post(`/motions/${second}/withdraw`)).status, 403);
  await page(ben);
  assert.equal((await ben.post(`/motions/${second}/withdraw`)).status, 303);
  assert.equal(status(second), 'withdrawn');

  // ruled out of order, with the ruling in words; the meeting overturns it by two thirds
  await ben.post(`/meetings/${mid}/motions`, { title: 'Disaffiliate', body: 'That we leave the movement.' });
  const dis = idOf('Disaffiliate');
  await page(chair);
  assert.equal((await chair.post(`/motions/${dis}/state`, { to: 'fell' })).status, 400, 'a ruling needs its words');
  assert.equal((await chair.post(`/motions/${dis}/state`, { to: 'fell', ruling: 'Outside the branch’s powers' })).status, 303);
  assert.equal(status(dis), 'fell');
  assert.match((await page(ben)).body, /Ruled out of order by the chair: Outside the branch’s powers/);
  assert.equal((await ben.post(`/meetings/${mid}/procedural`, { kind: 'challenge', on: String(dis) })).status, 303);
  const ch = Number(sql(`SELECT id FROM motions WHERE procedure = 'challenge'`));
  assert.equal(sql(`SELECT majority || '|' || body FROM motions WHERE id = ${ch}`), 'two_thirds|That the chair\'s ruling “Outside the branch’s powers” be overturned.');
  await page(chair);
  assert.equal((await chair.post(`/motions/${ch}/vote`)).status, 303);
  await decide(ch, ['for', 'for', 'against']);
  assert.equal(status(ch), 'carried', '2 of 3 is two thirds');
  assert.equal(status(dis), 'agenda', 'the motion is back on the agenda');
  assert.equal(sql(`SELECT coalesce(ruling, 'none') FROM motions WHERE id = ${dis}`), 'none');
});

test('incompatible amendments: grouped by the chair, taken in order, the rest fall when one is carried', async () => {
  const [ada, ben] = people;
  await page(chair);
  await chair.post(`/meetings/${mid}/motions`, { title: 'Canvass weekly', body: 'We canvass every Saturday.', mover: String(ada.id) });
  const m = idOf('Canvass weekly');
  for (const [t, b] of [['Sundays', 'We canvass every Sunday.'], ['Fridays', 'We canvass every Friday.'], ['Also leaflet', 'We canvass every Saturday.\nWe leaflet on Sundays.']])
    assert.equal((await chair.post(`/meetings/${mid}/motions`, { amends: String(m), title: t, body: b, mover: String(ben.id) })).status, 303);
  const [sun, fri, leaf] = ['Sundays', 'Fridays', 'Also leaflet'].map(idOf);
  // grouping: amendments of the same motion only, both undecided
  assert.equal((await chair.post(`/motions/${sun}/group`, { with: String(m) })).status, 409);
  assert.equal((await ada.post(`/motions/${sun}/group`, { with: String(fri) })).status, 403);
  assert.equal((await chair.post(`/motions/${fri}/group`, { with: String(sun) })).status, 303);
  assert.equal(sql(`SELECT group_concat(coalesce(alt_group, 0)) FROM (SELECT alt_group FROM motions WHERE amends = ${m} ORDER BY id) o`), `${sun},${sun},0`);
  const p = await page(chair);
  assert.match(p.body, /One of a group of incompatible amendments/);
  // taken in order: not the second before the first, nor the motion before its amendments
  assert.equal((await chair.post(`/motions/${fri}/vote`)).status, 409);
  assert.match((await chair.post(`/motions/${m}/vote`)).body, /Its amendments are taken first/);
  assert.equal((await chair.post(`/motions/${sun}/vote`)).status, 303);
  await decide(sun, ['for', 'for', 'against']);
  assert.equal(status(sun), 'carried');
  assert.equal(status(fri), 'fell', 'its incompatible alternative falls');
  assert.equal(sql(`SELECT outcome FROM motions WHERE id = ${fri}`), 'Fell without a vote: incompatible with the amendment “Sundays”, carried.');
  assert.equal(status(leaf), 'agenda', 'an amendment not in the group stays');
  assert.equal(sql(`SELECT body FROM motions WHERE id = ${m}`), 'We canvass every Sunday.');
  await chair.post(`/motions/${leaf}/withdraw`);
});

test('amendments to different lines are both made; one whose lines a carried amendment changed is not put', async () => {
  const [ada, ben] = people;
  await page(chair);
  await chair.post(`/meetings/${mid}/motions`, { title: 'Summer plan', mover: String(ada.id),
    body: 'That the branch\ncanvasses on Saturdays\nin Derby North\nfrom May.' });
  const m = idOf('Summer plan');
  for (const [t, b] of [['Weekends', 'That the branch\ncanvasses on Saturdays and Sundays\nin Derby North\nfrom May.'],
    ['April', 'That the branch\ncanvasses on Saturdays\nin Derby North\nfrom April.'],
    ['On Fridays', 'That the branch\ncanvasses on Fridays\nin Derby North\nfrom May.']])
    assert.equal((await chair.post(`/meetings/${mid}/motions`, { amends: String(m), title: t, body: b, mover: String(ben.id) })).status, 303);
  const [weekends, april, fridays] = ['Weekends', 'April', 'On Fridays'].map(idOf);
  assert.equal((await chair.post(`/motions/${weekends}/vote`)).status, 303);
  await decide(weekends, ['for', 'for', 'against']);
  assert.equal(sql(`SELECT body FROM motions WHERE id = ${m}`), 'That the branch\ncanvasses on Saturdays and Sundays\nin Derby North\nfrom May.');
  // the next amendment shows only its own change, against the motion as it now reads
  const p = (await page(chair)).body;
  const from = p.indexOf(`id="motion-${april}"`);
  const art = p.slice(from, p.indexOf('<div class="amendment"', from));
  assert.match(art, /<del>− from May\.<\/del>/);
  assert.match(art, /<ins>\+ from April\.<\/ins>/);
  assert.doesNotMatch(art, /<del>− canvasses/, 'the carried change is not undone');
  assert.equal((await chair.post(`/motions/${april}/vote`)).status, 303);
  await decide(april, ['for', 'for', 'for']);
  assert.equal(sql(`SELECT body FROM motions WHERE id = ${m}`), 'That the branch\ncanvasses on Saturdays and Sundays\nin Derby North\nfrom April.',
    'both carried amendments are in the motion');
  assert.equal(sql(`SELECT count(*) FROM motion_texts WHERE motion_id = ${m}`), '2', 'each earlier wording is kept');
  // "On Fridays" rewrote the line "Weekends" changed: it cannot be put, and says why
  const clash = (await page(chair)).body;
  assert.match(clash.slice(clash.indexOf(`id="motion-${fridays}"`)), /changes lines that an amendment carried since has changed/);
  const refused = await chair.post(`/motions/${fridays}/vote`);
  assert.equal(refused.status, 409);
  assert.match(refused.body, /it may be withdrawn and submitted anew/);
  assert.equal(sql(`SELECT count(*) FROM votes WHERE motion_id = ${fridays}`), '0');
  assert.equal((await chair.post(`/motions/${fridays}/withdraw`)).status, 303);
  await chair.post(`/motions/${m}/withdraw`);
});

test('procedural motions: closure puts the question at once; next business and referral take it off the floor', async () => {
  const [ada, ben, cat] = people;
  const food = idOf('Food bank collections');
  // a member not checked in cannot move one; a bad kind or target changes nothing
  await chair.post(`/meetings/${mid}/present`, { person: String(cat.id), present: '0' });
  await page(cat);
  assert.equal((await cat.post(`/meetings/${mid}/procedural`, { kind: 'closure', on: String(food) })).status, 403);
  await chair.post(`/meetings/${mid}/present`, { person: String(cat.id), present: '1' });
  await page(ada);
  const before = sql('SELECT count(*) FROM motions');
  assert.equal((await ada.post(`/meetings/${mid}/procedural`, { kind: 'adjourn', on: String(food) })).status, 400);
  assert.equal((await ada.post(`/meetings/${mid}/procedural`, { kind: 'closure' })).status, 400);
  assert.equal((await ada.post(`/meetings/${mid}/procedural`, { kind: 'refer', on: String(food) })).status, 400, 'a referral names the body');
  assert.equal((await ada.post(`/meetings/${mid}/procedural`, { kind: 'closure', on: String(idOf('Second thoughts')) })).status, 400, 'not on a withdrawn motion');
  assert.equal(sql('SELECT count(*) FROM motions'), before);

  // the closure: decided first, by two thirds; carried, the question is put at once
  assert.equal((await ada.post(`/meetings/${mid}/procedural`, { kind: 'closure', on: String(food) })).status, 303);
  const clo = Number(sql(`SELECT id FROM motions WHERE procedure = 'closure'`));
  await page(chair);
  assert.match((await chair.post(`/motions/${food}/vote`)).body, /The procedural motion moved on it is decided first/);
  assert.equal((await chair.post(`/motions/${clo}/vote`)).status, 303);
  await decide(clo, ['for', 'for', 'for']);
  assert.equal(status(clo), 'carried');
  assert.equal(status(food), 'voting', 'the question is put at once');
  await decide(food, ['for', 'against', 'for']);
  assert.equal(status(food), 'carried');

  // a closure that falls leaves the debate going
  await chair.post(`/meetings/${mid}/motions`, { title: 'New office', body: 'That we rent an office.', mover: String(ben.id) });
  const office = idOf('New office');
  await chair.post(`/motions/${office}/state`, { to: 'debate' });
  await page(ben);
  await ben.post(`/meetings/${mid}/procedural`, { kind: 'closure', on: String(office) });
  const clo2 = Number(sql(`SELECT max(id) FROM motions WHERE procedure = 'closure'`));
  await page(chair);
  await chair.post(`/motions/${clo2}/vote`);
  await decide(clo2, ['for', 'against', 'against']);
  assert.equal(status(clo2), 'fell');
  assert.equal(status(office), 'debate');

  // referral, by the chair for a mover, carried by a simple majority: the motion and its amendment go
  await chair.post(`/meetings/${mid}/motions`, { amends: String(office), title: 'A bigger office', body: 'That we rent a big office.', mover: String(cat.id) });
  const bigger = idOf('A bigger office');
  assert.equal((await chair.post(`/meetings/${mid}/procedural`, { kind: 'refer', on: String(office), to: 'the executive committee', mover: String(cat.id) })).status, 303);
  const ref = Number(sql(`SELECT id FROM motions WHERE procedure = 'refer'`));
  assert.equal(sql(`SELECT majority FROM motions WHERE id = ${ref}`), 'simple');
  await chair.post(`/motions/${ref}/vote`);
  await decide(ref, ['for', 'for', 'against']);
  assert.equal(status(office), 'referred');
  assert.equal(status(bigger), 'referred');
  assert.match(sql(`SELECT outcome FROM motions WHERE id = ${office}`), /^Referred without a vote: the meeting carried “That “New office” be referred to the executive committee\.”/);

  // next business: the question is not put
  await chair.post(`/meetings/${mid}/motions`, { title: 'Rename the branch', body: 'That we are Leeds Central.', mover: String(ada.id) });
  const rename = idOf('Rename the branch');
  await page(cat);
  await cat.post(`/meetings/${mid}/procedural`, { kind: 'next_business', on: String(rename) });
  const nb = Number(sql(`SELECT id FROM motions WHERE procedure = 'next_business'`));
  await page(chair);
  await chair.post(`/motions/${nb}/vote`);
  await decide(nb, ['for', 'for', 'abstain']);
  assert.equal(status(rename), 'fell');
  assert.equal(sql(`SELECT count(*) FROM votes WHERE motion_id = ${rename}`), '0', 'never put');

  // all of it in the draft minutes, and in the audit log
  const minutes = (await chair.get(`/meetings/${mid}/minutes`)).body;
  for (const re of [/Procedural motion \(Closure\) \(moved by Ada Member\): &quot;That the question on “Food bank collections” be now put\.&quot;/,
    /Referred without a vote/, /Not put to the vote: the meeting carried/, /Fell without a vote: incompatible/, /Withdrawn\./])
    assert.match(minutes, re);
  for (const a of ['motion.submit', 'motion.accept', 'motion.debate'])
    assert.equal(sql(`SELECT count(*) FROM audit_log WHERE action = '${a}'`) !== '0', true, a);
});
