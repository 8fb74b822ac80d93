// Issue 12: meetings that decide.  The chair calls a meeting with its standing orders,
// members check in, no vote without a quorum, amendments before their motion, secret
// ballots (one each, members present only, results after close, receipts), an officer
// elected by IRV from ranked secret ballots, and a database in which no ballot can be
// joined to its voter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Visitor, copyDb, strongAdmin, FIXTURE_DB, groupMember, sqlOn, PG } from './lib.mjs';

let srv, db, chair, gid, mid;
const people = [];
const ENV = { TURNOUT_RATE_SIGNUP_IP: '1000/1000', TURNOUT_RATE_SIGNIN_IP: '1000/1000', TURNOUT_RATE_TOKEN_IP: '1000/1000' };
const sql = (q) => sqlOn(db)(q);
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
const code = () => sql(`SELECT checkin_code FROM meetings WHERE id = ${mid}`);
const page = (v) => v.get(`/meetings/${mid}`);

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: ENV });
  chair = await strongAdmin(srv, db, 'chair@example.org', 'Chris Chair');
  await chair.get('/admin');
  await chair.post('/admin/groups', { name: 'Derby Branch', seats: 'E14001193' });
  gid = (await chair.api('GET', '/api/v1/groups')).body.result.find((g) => g.name === 'Derby Branch').id;
  for (const [i, name] of ['Ada', 'Ben', 'Cat', 'Dev', 'Eve'].entries()) {
    people.push(await groupMember(srv, gid, `m${i}@example.org`, `${name} Member`));
  }
});
after(async () => { if (srv) await srv.stop(); });

test('calling a meeting: the chair only, with standing orders checked', async () => {
  const member = people[0];
  assert.equal((await member.get(`/groups/${gid}/meetings/new`)).status, 403);
  await chair.get(`/groups/${gid}/meetings/new`);
  const bad = await chair.post(`/groups/${gid}/meetings`, { name: 'AGM', date: day(1), start: '19:00', end: '21:00', postcode: 'DE22 1AA', capacity: '40',
    quorum_pct: '150', quorum_min: '3', majority: 'simple' });
  assert.equal(bad.status, 400);
  assert.match(bad.body, /quorum is a percentage/);
  assert.match(bad.body, /value="AGM"/, 'what was typed is kept');
  const r = await chair.post(`/groups/${gid}/meetings`, { name: 'AGM', date: day(1), start: '19:00', end: '21:00', postcode: 'DE22 1AA', capacity: '40',
    quorum_pct: '50', quorum_min: '2', majority: 'simple' });
  assert.equal(r.status, 303, r.body.slice(0, 300));
  mid = Number(/\/meetings\/(\d+)/.exec(r.headers.get('location'))[1]);
  const p = await page(chair);
  assert.match(p.body, /0 of 5 members present\.<\/strong> Quorum: 3/);
  assert.match(p.body, /Not quorate/);
  assert.match((await member.get(`/groups/${gid}`)).body, new RegExp(`href="/meetings/${mid}"`));
  // outsiders see nothing
  const outsider = new Visitor(srv.url);
  await outsider.signInByLink(srv.outbox, 'out@example.org', 'Olly Outsider');
  assert.equal((await outsider.get(`/meetings/${mid}`)).status, 403);
  assert.equal((await new Visitor(srv.url).get(`/meetings/${mid}`)).status, 303);
});

let motion, amendment;
test('check in, quorum, and amendments before their motion', async () => {
  const [ada, ben] = people;
  // a wrong code is refused
  await page(ada);
  assert.equal((await ada.post(`/meetings/${mid}/checkin`, { code: 'WRONG1' })).status, 400);
  assert.equal((await ada.post(`/meetings/${mid}/checkin`, { code: code().toLowerCase() })).status, 303);
  await page(chair);
  const r = await chair.post(`/meetings/${mid}/motions`, { title: 'Canvass Derby North weekly', body: 'This branch canvasses every Saturday.',
    mover: String(ada.id), seconder: String(ben.id), majority: 'simple' });
  assert.equal(r.status, 303, r.body.slice(0, 300));
  motion = Number(sql("SELECT id FROM motions WHERE title = 'Canvass Derby North weekly'"));
  assert.equal((await chair.post(`/meetings/${mid}/motions`, { title: 'Amend', body: 'x', mover: String(ada.id), seconder: String(ada.id) })).status, 400);
  await chair.post(`/meetings/${mid}/motions`, { amends: String(motion), title: 'Saturdays and Sundays',
    body: 'This branch canvasses every Saturday and Sunday.', mover: String(ben.id), seconder: String(ada.id) });
  amendment = Number(sql(`SELECT id FROM motions WHERE amends = ${motion}`));
  // the motion waits for its amendment
  assert.equal((await chair.post(`/motions/${motion}/vote`)).status, 409);
  // one present of five: not quorate (3 needed)
  const nq = await chair.post(`/motions/${amendment}/vote`);
  assert.equal(nq.status, 409);
  assert.match(nq.body, /not quorate \(1 present, 3 needed\)/);
  // the chair marks two more present: quorate
  for (const v of [ben, people[2]]) assert.equal((await chair.post(`/meetings/${mid}/present`, { person: String(v.id), present: '1' })).status, 303);
  assert.match((await page(chair)).body, /3 of 5 members present\.<\/strong> Quorum: 3.*The meeting is quorate\./s);
  assert.equal(sql(`SELECT count(*) FROM meeting_presence_log WHERE meeting_id = ${mid}`), '3');
  assert.equal((await chair.post(`/motions/${amendment}/vote`)).status, 303);
  assert.equal(sql(`SELECT present || '/' || members || '/' || quorum FROM votes WHERE motion_id = ${amendment}`), '3/5/3', 'the quorum is snapshotted');
});

test('secret ballots: present members once each, results only after close, receipts', async () => {
  const [ada, ben, cat, dev] = people;
  const vote = Number(sql(`SELECT id FROM votes WHERE motion_id = ${amendment}`));
  await page(dev);
  const absent = await dev.post(`/votes/${vote}/ballot`, { choice: 'for' });
  assert.equal(absent.status, 403);
  assert.match(absent.body, /Check in to the meeting to vote/);
  assert.equal((await chair.post(`/votes/${vote}/ballot`, { choice: 'for' })).status, 403, 'the chair is not a member');
  const receipts = [];
  for (const [v, choice] of [[ada, 'for'], [ben, 'for'], [cat, 'against']]) {
    await page(v);
    const r = await v.post(`/votes/${vote}/ballot`, { choice });
    assert.equal(r.status, 200, r.body.slice(0, 300));
    receipts.push(/Your receipt is ([A-Z2-9]{10})/.exec(r.body)[1]);
  }
  const twice = await ada.post(`/votes/${vote}/ballot`, { choice: 'against' });
  assert.equal(twice.status, 409);
  assert.equal((await ada.post(`/votes/${vote}/ballot`, { choice: 'maybe' })).status, 400);
  // no result while open, for anyone
  assert.doesNotMatch((await page(ada)).body, /Carried|Fell/);
  assert.equal((await ada.get(`/votes/${vote}/receipts`)).status, 409);
  assert.equal((await ada.post(`/votes/${vote}/close`)).status, 403, 'only the chair closes');
  assert.equal((await chair.post(`/votes/${vote}/close`)).status, 303);
  const after = await page(ada);
  assert.match(after.body, /Carried: 2 for, 1 against, 0 abstentions \(a simple majority of the votes cast was needed; 3 of 5 members present, quorum 3\)\./);
  // the amended wording is now the motion's; the old one is kept
  assert.equal(sql(`SELECT body FROM motions WHERE id = ${motion}`), 'This branch canvasses every Saturday and Sunday.');
  assert.equal(sql(`SELECT body FROM motion_texts WHERE motion_id = ${motion}`), 'This branch canvasses every Saturday.');
  const list = (await ada.get(`/votes/${vote}/receipts`)).body;
  for (const r of receipts) assert.match(list, new RegExp(`<code>${r}</code>`));
  assert.equal((await ada.post(`/votes/${vote}/ballot`, { choice: 'for' })).status, 409, 'closed');
  // then the motion as amended
  assert.equal((await chair.post(`/motions/${motion}/vote`)).status, 303);
  const mv = Number(sql(`SELECT id FROM votes WHERE motion_id = ${motion}`));
  for (const [v, choice] of [[ada, 'for'], [ben, 'against'], [cat, 'abstain']]) {
    await page(v);
    assert.equal((await v.post(`/votes/${mv}/ballot`, { choice })).status, 200);
  }
  await chair.post(`/votes/${mv}/close`);
  assert.match((await page(ben)).body, /Fell: 1 for, 1 against, 1 abstention/);
  assert.equal(sql(`SELECT status FROM motions WHERE id = ${motion}`), 'fell');
});

test('an officer elected by IRV from ranked secret ballots; the ballots export as BLT', async () => {
  const [ada, ben, cat, dev] = people;
  await page(chair);
  assert.equal((await chair.post(`/meetings/${mid}/present`, { person: String(dev.id), present: '1' })).status, 303);
  const bad = await chair.post(`/meetings/${mid}/elections`, { post: 'Secretary', seats: '2', method: 'irv', candidates: 'A\nB\nC' });
  assert.equal(bad.status, 400);
  assert.match(bad.body, /IRV fills one place/);
  assert.equal((await chair.post(`/meetings/${mid}/elections`, { post: 'Secretary', seats: '1', method: 'irv',
    candidates: 'Ada Member\nBen Member\nAda Member' })).status, 400);
  assert.equal((await chair.post(`/meetings/${mid}/elections`, { post: 'Secretary', seats: '1', method: 'irv',
    candidates: 'Ada Member\nBen Member\nCat Member' })).status, 303);
  // "re-open nominations" stands as a candidate when the chair asks for it
  assert.equal((await chair.post(`/meetings/${mid}/elections`, { post: 'Treasurer', seats: '1', method: 'irv',
    candidates: 'Ben Member', ron: '1' })).status, 303);
  assert.equal(sql("SELECT candidates FROM elections WHERE post = 'Treasurer'"), '["Ben Member","Re-open nominations (RON)"]');
  assert.equal((await chair.post(`/meetings/${mid}/elections`, { post: 'Delegates', seats: '2', method: 'block',
    candidates: 'Ada Member\nBen Member\nCat Member' })).status, 303);
  assert.equal((await chair.post(`/meetings/${mid}/elections`, { post: 'X', seats: '1', method: 'borda', candidates: 'A\nB' })).status, 400);
  const eid = Number(sql("SELECT id FROM elections WHERE post = 'Secretary'"));
  assert.equal((await chair.post(`/elections/${eid}/vote`)).status, 303);
  const vote = Number(sql(`SELECT id FROM votes WHERE election_id = ${eid}`));
  // a preference given twice, or a gap, is refused and nothing is stored
  await page(ada);
  assert.equal((await ada.post(`/votes/${vote}/ballot`, { rank_1: '1', rank_2: '1' })).status, 400);
  assert.equal((await ada.post(`/votes/${vote}/ballot`, { rank_1: '2' })).status, 400);
  assert.equal(sql(`SELECT count(*) FROM vote_ballots WHERE vote_id = ${vote}`), '0');
  // stage 1: Ada 2, Ben 1, Cat 1 of 4 (half is not a majority); Ben and Cat tie for last
  // with no earlier stage to tell them apart: by lot, the first listed (Ben) goes, and his
  // ballot's next preference makes Ada's 3 of 4
  const ballots = [[ada, { rank_1: '1', rank_2: '2' }], [ben, { rank_2: '1', rank_1: '2' }],
    [cat, { rank_3: '1', rank_1: '2' }], [dev, { rank_1: '1', rank_3: '2' }]];
  for (const [v, fields] of ballots) {
    await page(v);
    assert.equal((await v.post(`/votes/${vote}/ballot`, fields)).status, 200);
  }
  assert.equal((await chair.post(`/votes/${vote}/close`)).status, 303);
  const p = (await page(ada)).body;
  assert.match(p, /Elected: Ada Member \(IRV, 4 ballots, 2 stages; 4 of 5 members present, quorum 3\)\./);
  assert.match(p, /The count, stage by stage/);
  const blt = await ada.get(`/elections/${eid}/ballots.blt`);
  assert.equal(blt.status, 200);
  assert.match(blt.body, /^3 1\n(1 [\d ]+ 0\n){4}0\n"Ada Member"\n"Ben Member"\n"Cat Member"\n"Secretary"\n$/);
  // the same file counted by the command line gives the same winner
  const { run } = await import('./lib.mjs');
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const f = join(mkdtempSync(join(tmpdir(), 'blt-')), 'sec.blt');
  writeFileSync(f, blt.body);
  assert.deepEqual(JSON.parse(run(['count', '--rule', 'irv', '--json', f]).stdout).elected, ['Ada Member']);
});

test('the database holds no link between a ballot and its voter', () => {
  // the ballot table has no voter, no time, and rows kept in receipt order (not cast order)
  const columns = (t) => sql(PG
    ? `SELECT group_concat(column_name) FROM (SELECT column_name FROM information_schema.columns WHERE table_name = '${t}' ORDER BY ordinal_position) c`
    : `SELECT group_concat(name) FROM pragma_table_info('${t}')`);
  const cols = columns('vote_ballots');
  // (weight is a card vote's; in a meeting of members every ballot's is 1)
  assert.equal(cols, 'vote_id,receipt,choice,weight');
  // SQLite keeps the rows in receipt order; PostgreSQL's heap cannot (docs/operations.md)
  if (!PG) assert.equal(sql("SELECT count(*) FROM sqlite_master WHERE name = 'vote_ballots' AND sql LIKE '%WITHOUT ROWID%'"), '1');
  const voters = columns('vote_voters');
  assert.equal(voters, 'vote_id,person_id,by_proxy');
  for (const v of PG ? [] : sql('SELECT DISTINCT vote_id FROM vote_ballots').split('\n')) {
    const stored = sql(`SELECT group_concat(receipt, ' ') FROM vote_ballots WHERE vote_id = ${v}`).split(' ');
    assert.deepEqual(stored, [...stored].sort(), 'stored by receipt');
  }
  // nothing in the audit log or the log of presence names a ballot
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE action LIKE 'ballot%'"), '0');
});

test('a show of hands, a withdrawn motion, and the minutes drafted, edited and published', async () => {
  const [ada, ben] = people;
  await page(chair);
  await chair.post(`/meetings/${mid}/motions`, { title: 'Buy a banner', body: 'The branch buys a banner.', mover: String(ada.id) });
  await chair.post(`/meetings/${mid}/motions`, { title: 'Rename the branch', body: 'The branch is renamed.', mover: String(ben.id) });
  const banner = Number(sql("SELECT id FROM motions WHERE title = 'Buy a banner'"));
  const rename = Number(sql("SELECT id FROM motions WHERE title = 'Rename the branch'"));
  assert.equal((await ada.post(`/motions/${rename}/withdraw`)).status, 403, 'the chair withdraws, for the mover');
  assert.equal((await chair.post(`/motions/${rename}/withdraw`)).status, 303);
  assert.equal(sql(`SELECT status FROM motions WHERE id = ${rename}`), 'withdrawn');
  assert.equal((await chair.post(`/motions/${rename}/vote`)).status, 409);
  assert.equal((await chair.post(`/motions/${banner}/vote`)).status, 303);
  const vote = Number(sql(`SELECT id FROM votes WHERE motion_id = ${banner}`));
  // more hands than members present is refused; then the chair's count decides
  assert.equal((await chair.post(`/votes/${vote}/close`, { hands: '1', yes: '3', no: '2', abstain: '0' })).status, 400);
  assert.equal((await chair.post(`/votes/${vote}/close`, { hands: '1', yes: '3', no: '1', abstain: '0' })).status, 303);
  assert.match((await page(ada)).body, /Carried: 3 for, 1 against, 0 abstentions/);
  assert.equal(sql(`SELECT count(*) FROM vote_ballots WHERE vote_id = ${vote}`), '0');
  // a named vote: each member's vote recorded with their name, shown after close
  await chair.post(`/meetings/${mid}/motions`, { title: 'Affiliate', body: 'The branch affiliates.', mover: String(ada.id) });
  const aff = Number(sql("SELECT id FROM motions WHERE title = 'Affiliate'"));
  assert.equal((await chair.post(`/motions/${aff}/vote`, { named: '1' })).status, 303);
  const nv = Number(sql(`SELECT id FROM votes WHERE motion_id = ${aff}`));
  assert.equal(sql(`SELECT named FROM votes WHERE id = ${nv}`), '1');
  for (const [v, choice] of [[ada, 'for'], [ben, 'against']]) {
    await page(v);
    const r = await v.post(`/votes/${nv}/ballot`, { choice });
    assert.equal(r.status, 200);
    assert.match(r.body, /This is a named vote/);
  }
  assert.equal((await ada.post(`/votes/${nv}/ballot`, { choice: 'for' })).status, 409);
  await chair.post(`/votes/${nv}/close`);
  const closed = (await page(ada)).body;
  assert.match(closed, /Fell: 1 for, 1 against, 0 abstentions/);
  assert.match(closed, /<li>Ada Member: For<\/li><li>Ben Member: Against<\/li>/);
  assert.equal(sql(`SELECT count(*) FROM vote_ballots WHERE vote_id = ${nv}`), '0');
  assert.equal(sql(`SELECT count(*) FROM vote_named WHERE vote_id = ${nv}`), '2');
  // minutes: drafted from the record for the chair; members see nothing until published
  assert.equal((await ada.get(`/meetings/${mid}/minutes`)).status, 404);
  const draft = (await chair.get(`/meetings/${mid}/minutes`)).body;
  assert.match(draft, /Minutes of AGM, a meeting of Derby Branch/);
  assert.match(draft, /Present \(4 of 5 members\): Ada Member, Ben Member, Cat Member, Dev Member\./);
  assert.match(draft, /Absent: Eve Member\./);
  assert.match(draft, /1\. Motion: Canvass Derby North weekly \(moved by Ada Member, seconded by Ben Member\)/);
  assert.match(draft, /Amendment &quot;Saturdays and Sundays&quot;/);
  assert.match(draft, /Buy a banner[^]*Carried: 3 for, 1 against/);
  assert.match(draft, /Rename the branch[^]*Withdrawn\./);
  assert.match(draft, /Election: Secretary[^]*Elected: Ada Member/);
  const text = 'Minutes of the AGM, as approved by the secretary.';
  assert.equal((await chair.post(`/meetings/${mid}/minutes`, { text })).status, 303);
  assert.equal((await ada.get(`/meetings/${mid}/minutes`)).status, 404, 'saved, not yet published');
  assert.equal((await ada.post(`/meetings/${mid}/minutes`, { text: 'forged', publish: '1' })).status, 403);
  assert.equal((await chair.post(`/meetings/${mid}/minutes`, { text, publish: '1' })).status, 303);
  const shown = await ada.get(`/meetings/${mid}/minutes`);
  assert.equal(shown.status, 200);
  assert.match(shown.body, /as approved by the secretary/);
  assert.doesNotMatch(shown.body, /<textarea/);
  assert.match(sql("SELECT group_concat(action) FROM audit_log WHERE action LIKE 'minutes.%' OR action LIKE 'motion.withdraw'"), /motion\.withdraw.*minutes\.save.*minutes\.publish/);
});

// Issue 12: gender balance, across a set of officer posts and inside an STV count
test('balance: a minimum across posts excludes the preferred candidate once the last post must go to the group; an ERS97 count keeps a minimum', async () => {
  const [ada, ben, cat, dev] = people;
  await page(chair);
  // only the chair sets the rules; a name that is too long is refused
  assert.equal((await ada.post(`/meetings/${mid}/balance`, { group: 'Women', posts_min: '1' })).status, 403);
  assert.equal((await chair.post(`/meetings/${mid}/balance`, { group: 'x'.repeat(40), posts_min: '1' })).status, 400);
  assert.equal((await chair.post(`/meetings/${mid}/balance`, { group: 'Women', posts_min: '1' })).status, 303);
  for (const [post, cands] of [['Chair', 'Ada Member\nBen Member'], ['Vice-chair', 'Cat Member\nDev Member']]) {
    assert.equal((await chair.post(`/meetings/${mid}/elections`, { post, seats: '1', method: 'irv', candidates: cands })).status, 303);
  }
  assert.equal((await chair.post(`/meetings/${mid}/elections`, { post: 'Delegates to conference', seats: '2', method: 'ers97',
    candidates: 'Ada Member\nBen Member\nDev Member' })).status, 303);
  const id = (post) => Number(sql(`SELECT id FROM elections WHERE post = '${post}'`));
  const [chairPost, vice, delegates] = [id('Chair'), id('Vice-chair'), id('Delegates to conference')];
  assert.equal(sql(`SELECT method || ' ' || rule FROM elections WHERE id = ${delegates}`), 'scottish ers97');
  assert.equal((await ada.post(`/elections/${chairPost}/balance`, { member_1: '1', across: '1' })).status, 403);
  const tooFew = await chair.post(`/elections/${delegates}/balance`, { member_1: '1', min: '2' });
  assert.equal(tooFew.status, 400);
  assert.match(tooFew.body, /Tick at least as many candidates as the minimum/);
  assert.equal((await chair.post(`/elections/${delegates}/balance`, { min: '3' })).status, 400);
  assert.equal(sql(`SELECT balance IS NULL FROM elections WHERE id = ${delegates}`), '1', 'nothing stored');
  assert.equal((await chair.post(`/elections/${chairPost}/balance`, { member_1: '1', across: '1' })).status, 303);
  assert.equal((await chair.post(`/elections/${vice}/balance`, { member_1: '1', across: '1' })).status, 303);
  assert.equal((await chair.post(`/elections/${delegates}/balance`, { member_1: '1', min: '1' })).status, 303);
  assert.match((await page(ada)).body, /Balance\. Women: Ada Member\. At least 1 of the 2 places\./);
  const vote = async (eid, fields) => {
    assert.equal((await chair.post(`/elections/${eid}/vote`)).status, 303);
    const v = Number(sql(`SELECT id FROM votes WHERE election_id = ${eid}`));
    for (const m of [ada, ben, cat, dev]) {
      await page(m);
      assert.equal((await m.post(`/votes/${v}/ballot`, fields)).status, 200);
    }
    assert.equal((await chair.post(`/votes/${v}/close`)).status, 303);
    return v;
  };
  // once opened, the rule is fixed
  await vote(chairPost, { rank_2: '1', rank_1: '2' });
  assert.equal((await chair.post(`/elections/${chairPost}/balance`, { member_1: '0' })).status, 409);
  // the Chair: everyone prefers Ben, and the Vice-chair can still go to a woman: Ben
  let p = (await page(ada)).body;
  assert.match(p, /Elected: Ben Member \(IRV/);
  // the Vice-chair: everyone prefers Dev, but it is the last place that can meet "at least
  // one of the posts": Dev is excluded for the rule and Cat elected
  await vote(vice, { rank_2: '1', rank_1: '2' });
  p = (await page(ada)).body;
  assert.match(p, /Elected: Cat Member \(IRV/);
  assert.match(p, /Dev Member excluded \(electing them would break the rule for Women\)/);
  // two delegates by ERS97: Ben and Dev are everyone's first two, but one place is Ada's
  const v = await vote(delegates, { rank_2: '1', rank_3: '2', rank_1: '3' });
  p = (await page(ada)).body;
  assert.match(p, /Elected: Ben Member, Ada Member \(STV, ERS97 rules/);
  assert.match(p, /<code>turnout count --rule ers97 --group &#39;Women:1=1&#39; ballots\.blt<\/code>/);
  const report = JSON.parse(sql(`SELECT report FROM elections WHERE id = ${delegates}`));
  assert.equal(report.rule, 'ers97');
  assert.equal(report.quota, '1.34'); // 4 / 3 to two places, rounded up
  assert.deepEqual(report.groups[0], { name: 'Women', min: 1, max: null, candidates: ['Ada Member'], elected: 1 });
  // the downloaded ballots, recounted from the command line the page gives, agree
  const { run } = await import('./lib.mjs');
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const f = join(mkdtempSync(join(tmpdir(), 'blt-')), 'ballots.blt');
  writeFileSync(f, (await ada.get(`/elections/${delegates}/ballots.blt`)).body);
  assert.deepEqual(JSON.parse(run(['count', '--rule', 'ers97', '--group', 'Women:1=1', '--json', f]).stdout).elected,
    ['Ben Member', 'Ada Member']);
  assert.deepEqual(JSON.parse(run(['count', '--rule', 'ers97', '--json', f]).stdout).elected, ['Ben Member', 'Dev Member']);
  assert.equal(v > 0, true);
  assert.match(sql("SELECT group_concat(action) FROM audit_log WHERE action LIKE '%.balance'"), /meeting\.balance.*election\.balance/);
});

// Issue 12: a speakers list per agenda item, alternating, with a time limit
test('the speakers list: alternating with the group first, first-time speakers first, a time limit, seen by everyone present', async () => {
  const [ada, ben, cat, dev, eve] = people;
  await page(chair);
  assert.equal((await ada.post(`/meetings/${mid}/items`, { title: 'Reports' })).status, 403);
  for (const bad of [{ title: '' }, { title: 'Reports', minutes: '61' }, { title: 'Reports', alternation: 'loudest' }]) {
    assert.equal((await chair.post(`/meetings/${mid}/items`, bad)).status, 400);
  }
  assert.equal((await chair.post(`/meetings/${mid}/items`, { title: 'Reports from the wards', minutes: '2',
    alternation: 'alternate', first_time: '1' })).status, 303);
  const item = Number(sql(`SELECT id FROM agenda_items WHERE meeting_id = ${mid}`));
  // asking in turn: Ada, Ben (outside the group), Cat, Dev (who say they count for it)
  for (const [v, g] of [[ada, '0'], [ben, '0'], [cat, '1'], [dev, '1']]) {
    await page(v);
    assert.equal((await v.post(`/items/${item}/speak`, { in_group: g })).status, 303);
  }
  await page(ada);
  assert.equal((await ada.post(`/items/${item}/speak`, {})).status, 409, 'once on the list');
  await page(eve);
  assert.equal((await eve.post(`/items/${item}/speak`, {})).status, 403, 'Eve is not checked in');
  const order = (body) => [...body.matchAll(/<ol class="speakers"[^>]*>(.*?)<\/ol>/gs)][0][1]
    .split('</li>').filter((x) => x.includes('<li>')).map((x) => x.replace(/<[^>]+>/g, '').trim());
  // alternating, the group first: Cat, Ada, Dev, Ben; members see no one's group
  const seen = (await page(ben)).body;
  assert.deepEqual(order(seen), ['Cat Member', 'Ada Member', 'Dev Member', 'Ben Member (you)']);
  assert.doesNotMatch(seen.slice(seen.indexOf('class="speakers"'), seen.indexOf('</ol>')), /tag/);
  assert.match((await page(chair)).body, /<li>Cat Member <span class="tag">Women<\/span><\/li>/);
  assert.equal((await ada.post(`/items/${item}/next`)).status, 403);
  assert.equal((await chair.post(`/items/${item}/next`)).status, 303);
  assert.match((await page(ada)).body, /<strong>Speaking: Cat Member<\/strong> · [12]:\d\d left/);
  assert.equal((await chair.post(`/items/${item}/next`)).status, 303);
  // Cat asks again: having spoken, she waits behind those who have not
  await page(cat);
  assert.equal((await cat.post(`/items/${item}/speak`, { in_group: '1' })).status, 303);
  assert.deepEqual(order((await page(chair)).body).map((s) => s.replace(/Women$/, '').trim()), ['Dev Member', 'Ben Member', 'Cat Member']);
  // Ben takes his name off; Ada has gone over her two minutes
  await page(ben);
  assert.equal((await ben.post(`/items/${item}/speak`, { withdraw: '1' })).status, 303);
  assert.equal((await ben.post(`/items/${item}/speak`, { withdraw: '1' })).status, 409);
  sql(`UPDATE speakers SET started_at = started_at - 150 WHERE item_id = ${item} AND ended_at IS NULL AND started_at IS NOT NULL`);
  const over = (await page(dev)).body;
  assert.match(over, /<p class="error"><strong>Speaking: Ada Member<\/strong> · over time by 0:[23]\d<\/p>/);
  assert.deepEqual(order(over), ['Dev Member (you)', 'Cat Member']);
  assert.match(sql("SELECT group_concat(action) FROM audit_log WHERE action LIKE 'agenda.%'"), /agenda\.item,agenda\.next_speaker,agenda\.next_speaker/);
});
