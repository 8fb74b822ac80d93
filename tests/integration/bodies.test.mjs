// Issue 12: bodies other than the whole group.  A delegate conference whose delegates hold
// card votes, with proxies for those who cannot come; a committee listed from the group's
// members.  Quorum counts the voters present, votes count their weights, a proxy is one
// more ballot for its holder while its giver is away, and a member who is not a voter
// may attend but not vote.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, copyDb, strongAdmin, FIXTURE_DB, groupMember, sqlOn } from './lib.mjs';

let srv, db, chair, gid, conf;
const m = {};
const ENV = { TURNOUT_RATE_SIGNUP_IP: '1000/1000', TURNOUT_RATE_SIGNIN_IP: '1000/1000', TURNOUT_RATE_TOKEN_IP: '1000/1000' };
const sql = (q) => sqlOn(db)(q);
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
const call = (fields) => chair.post(`/groups/${gid}/meetings`, { date: day(1), start: '10:00', end: '12:00', postcode: 'DE22 1AA', capacity: '40', quorum_pct: '50',
  quorum_min: '2', majority: 'simple', ...fields });
const idOf = (r) => Number(/\/meetings\/(\d+)/.exec(r.headers.get('location'))[1]);

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: ENV });
  chair = await strongAdmin(srv, db, 'chair@example.org', 'Chris Chair');
  await chair.get('/admin');
  await chair.post('/admin/groups', { name: 'East Midlands Region', seats: 'E14001193' });
  gid = (await chair.api('GET', '/api/v1/groups')).body.result.find((g) => g.name === 'East Midlands Region').id;
  for (const name of ['Ada', 'Ben', 'Cat', 'Dev']) {
    m[name] = await groupMember(srv, gid, `${name.toLowerCase()}@example.org`, `${name} Delegate`);
  }
});
after(async () => { if (srv) await srv.stop(); });

test('a conference: card votes, a proxy, quorum by delegates present, and a member who may only attend', async () => {
  const { Ada, Ben, Cat, Dev } = m;
  await chair.get(`/groups/${gid}/meetings/new`);
  const bad = await call({ name: 'Conference', body: 'parliament' });
  assert.equal(bad.status, 400);
  assert.match(bad.body, /Choose who votes/);
  assert.equal((await call({ name: 'Conference', body: 'conference', proxies: '101' })).status, 400);
  const r = await call({ name: 'Regional conference', body: 'conference', proxies: '1' });
  assert.equal(r.status, 303);
  conf = idOf(r);
  const url = `/meetings/${conf}`;
  // the chair lists the delegates and their card votes on the register
  await chair.get(url);
  for (const [who, w] of [[Ada, '300'], [Ben, '100'], [Cat, '50']]) {
    assert.equal((await chair.post(`${url}/voters`, { person: String(who.id), weight: w })).status, 303);
  }
  assert.equal((await chair.post(`${url}/voters`, { person: String(Dev.id), weight: '2000000' })).status, 400);
  assert.equal((await Ada.post(`${url}/voters`, { person: String(Ada.id), weight: '999' })).status, 403);
  assert.equal(sql(`SELECT group_concat(weight, ',') FROM (SELECT weight FROM meeting_voters WHERE meeting_id = ${conf} ORDER BY weight) o`), '50,100,300');
  let page = (await chair.get(url)).body;
  assert.match(page, /0 of 3 members present\.<\/strong> Quorum: 2/);
  assert.match(page, /Ada Delegate: absent, votes \(300\)/);
  assert.match(page, /Dev Delegate: absent, does not vote/);
  assert.match((await Dev.get(url)).body, /You may attend; you do not vote at this meeting\./);
  assert.match((await Ada.get(url)).body, /Your card vote: 300\./);

  // Cat cannot come: her proxy goes to Ben, named by his address; a second for Ben is refused
  await Cat.get(url);
  assert.equal((await Cat.post(`${url}/proxy`, { email: 'nobody@example.org' })).status, 400);
  assert.equal((await Cat.post(`${url}/proxy`, { email: 'dev@example.org' })).status, 400, 'Dev is no delegate');
  assert.equal((await Cat.post(`${url}/proxy`, { email: 'BEN@example.org' })).status, 303);
  assert.match((await Cat.get(url)).body, /Your proxy is held by Ben Delegate/);
  await Ada.get(url);
  assert.equal((await Ada.post(`${url}/proxy`, { email: 'ben@example.org' })).status, 400, 'Ben holds his one');
  await Dev.get(url);
  assert.equal((await Dev.post(`${url}/proxy`, { email: 'ben@example.org' })).status, 403);

  // Ada and Ben check in: 2 of 3 delegates, quorate; Dev checks in but has no vote
  const code = sql(`SELECT checkin_code FROM meetings WHERE id = ${conf}`);
  for (const v of [Ada, Ben, Dev]) {
    await v.get(url);
    assert.equal((await v.post(`${url}/checkin`, { code })).status, 303);
  }
  page = (await chair.get(url)).body;
  assert.match(page, /2 of 3 members present/);
  await chair.post(`${url}/motions`, { title: 'Fund the bus', body: 'The region funds a battle bus.', mover: String(Ben.id) });
  const motion = Number(sql(`SELECT id FROM motions WHERE meeting_id = ${conf}`));
  assert.equal((await chair.post(`/motions/${motion}/vote`)).status, 303);
  const vote = Number(sql(`SELECT id FROM votes WHERE motion_id = ${motion}`));
  assert.equal(sql(`SELECT members || ' ' || present || ' ' || weight_members || ' ' || weight_present FROM votes WHERE id = ${vote}`), '3 2 450 400');
  // Dev may not vote; Ben has his own ballot and one for Cat
  await Dev.get(url);
  const devVote = await Dev.post(`/votes/${vote}/ballot`, { choice: 'for' });
  assert.equal(devVote.status, 403);
  assert.match(devVote.body, /Only the meeting&#39;s voting members vote/);
  const benPage = (await Ben.get(url)).body;
  assert.match(benPage, /For Cat Delegate, by proxy, on “Fund the bus”/);
  assert.equal((await Ben.post(`/votes/${vote}/ballot`, { choice: 'for', for: String(Ada.id) })).status, 403, 'no proxy from Ada');
  assert.equal((await Ben.post(`/votes/${vote}/ballot`, { choice: 'for' })).status, 200);
  const byProxy = await Ben.post(`/votes/${vote}/ballot`, { choice: 'for', for: String(Cat.id) });
  assert.equal(byProxy.status, 200);
  assert.match(byProxy.body, /Your vote for Cat Delegate \(by proxy\) is recorded: For\./);
  await Ben.get(url);
  assert.equal((await Ben.post(`/votes/${vote}/ballot`, { choice: 'against', for: String(Cat.id) })).status, 409);
  await Ada.get(url);
  assert.equal((await Ada.post(`/votes/${vote}/ballot`, { choice: 'against' })).status, 200);
  assert.equal((await chair.post(`/votes/${vote}/close`)).status, 303);
  page = (await Ada.get(url)).body;
  assert.match(page, /Fell on a card vote: 150 for, 300 against, 0 abstaining \(a simple majority of the votes cast was needed; delegates holding 400 of 450 votes present, quorum 2 delegates\)\./);
  // the "has voted" record names who cast Cat's; the ballots carry weights, no voter
  assert.equal(sql(`SELECT by_proxy FROM vote_voters WHERE vote_id = ${vote} AND person_id = ${Cat.id}`), String(Ben.id));
  assert.equal(sql(`SELECT group_concat(weight, ',') FROM (SELECT weight FROM vote_ballots WHERE vote_id = ${vote} ORDER BY weight) o`), '50,100,300');

  // a card-vote election: the BLT file has each ballot as its weight in papers
  await chair.post(`${url}/elections`, { post: 'Regional secretary', seats: '1', method: 'irv', candidates: 'Ada Delegate\nBen Delegate' });
  const eid = Number(sql(`SELECT id FROM elections WHERE meeting_id = ${conf}`));
  await chair.post(`/elections/${eid}/vote`);
  const ev = Number(sql(`SELECT id FROM votes WHERE election_id = ${eid}`));
  // Cat arrives: her proxy lapses and she votes herself
  await Cat.get(url);
  assert.equal((await Cat.post(`${url}/checkin`, { code })).status, 303);
  assert.doesNotMatch((await Ben.get(url)).body, /by proxy/);
  assert.equal((await Ben.post(`/votes/${ev}/ballot`, { rank_2: '1', for: String(Cat.id) })).status, 403);
  for (const [v, f] of [[Ada, { rank_1: '1' }], [Ben, { rank_2: '1' }], [Cat, { rank_2: '1' }]]) {
    await v.get(url);
    assert.equal((await v.post(`/votes/${ev}/ballot`, f)).status, 200);
  }
  assert.equal((await chair.post(`/votes/${ev}/close`)).status, 303);
  assert.match((await Ada.get(url)).body, /Elected: Ada Delegate \(IRV, 450 ballots/);
  const blt = (await Ada.get(`/elections/${eid}/ballots.blt`)).body;
  assert.deepEqual(blt.split('\n').slice(1, 4).sort(), ['100 2 0', '300 1 0', '50 2 0']);
  assert.match(sql("SELECT group_concat(action) FROM audit_log WHERE action LIKE 'proxy.%' OR action = 'meeting.voter'"), /meeting\.voter.*proxy\.give/);
  // the minutes count the delegates, and list the member who came without a vote apart
  const minutes = (await chair.get(`${url}/minutes`)).body;
  assert.match(minutes, /Present \(3 of 3 members\): Ada Delegate, Ben Delegate, Cat Delegate\./);
  assert.match(minutes, /Also present \(not voting\): Dev Delegate\./);
});

test('a committee: only those the chair lists vote, one vote each', async () => {
  const { Ada, Ben, Cat } = m;
  const r = await call({ name: 'Executive committee', body: 'committee', quorum_min: '1' });
  assert.equal(r.status, 303);
  const url = `/meetings/${idOf(r)}`;
  await chair.get(url);
  assert.equal((await chair.post(`${url}/voters`, { person: String(Ada.id), weight: '1' })).status, 303);
  assert.equal((await chair.post(`${url}/voters`, { person: String(Ben.id), weight: '1' })).status, 303);
  assert.equal((await chair.post(`${url}/voters`, { person: String(Cat.id), weight: '5' })).status, 400, 'no card votes in a committee');
  let page = (await chair.get(url)).body;
  assert.match(page, /0 of 2 members present/);
  assert.match(page, /Take Ada Delegate off the committee/);
  assert.match(page, /Put Cat Delegate on the committee/);
  assert.equal((await chair.post(`${url}/voters`, { person: String(Ben.id), weight: '0' })).status, 303);
  assert.match((await chair.get(url)).body, /0 of 1 members present/);
  // proxies are off unless the meeting allows them
  await Ada.get(url);
  assert.equal((await Ada.post(`${url}/proxy`, { email: 'ben@example.org' })).status, 403);
  const code = sql(`SELECT checkin_code FROM meetings WHERE id = ${idOf(r)}`);
  for (const v of [Ada, Cat]) {
    await v.get(url);
    await v.post(`${url}/checkin`, { code });
  }
  await chair.post(`${url}/motions`, { title: 'Adopt the plan', body: 'The plan is adopted.', mover: String(Ada.id) });
  const motion = Number(sql(`SELECT id FROM motions WHERE title = 'Adopt the plan'`));
  await chair.post(`/motions/${motion}/vote`);
  const vote = Number(sql(`SELECT id FROM votes WHERE motion_id = ${motion}`));
  await Cat.get(url);
  assert.equal((await Cat.post(`/votes/${vote}/ballot`, { choice: 'against' })).status, 403);
  await Ada.get(url);
  assert.equal((await Ada.post(`/votes/${vote}/ballot`, { choice: 'for' })).status, 200);
  await chair.post(`/votes/${vote}/close`);
  page = (await Ada.get(url)).body;
  assert.match(page, /Carried: 1 for, 0 against, 0 abstentions \(a simple majority of the votes cast was needed; 1 of 1 members present, quorum 1\)\./);
});
