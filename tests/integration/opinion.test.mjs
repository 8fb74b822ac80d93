// Issue 13: policy conversations.  An organiser puts a question to the group with its
// first statements; members swipe on them one at a time (once each, changeable under
// "Your votes"), add statements of their own for the organisers to approve or reject
// with a reason, and see the opinion map once enough have voted; the organisers export
// it in Polis's open-data layout.  Bad input changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Visitor, copyDb, strongAdmin, strongVisitor, mailFor, FIXTURE_DB, groupMember, run, sqlOn } from './lib.mjs';

let srv, db, admin, org, gid, other, conv;
const members = [];
const ENV = { TURNOUT_MAP_INTERVAL: '1', TURNOUT_RATE_SIGNUP_IP: '1000/1000',
  TURNOUT_RATE_SIGNIN_IP: '1000/1000', TURNOUT_RATE_TOKEN_IP: '1000/1000' };
const sql = (q) => sqlOn(db)(q);
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const SEEDS = ['Bus fares should be capped at £2', 'Libraries should open on Sundays', 'The council should build more cycle lanes',
  'Parks need more public toilets', 'Rents should be controlled', 'Schools should serve free breakfasts',
  'Council meetings should be filmed', 'The high street needs more bins'];
const card = (html) => Number(/name="statement" value="(\d+)"/.exec(html)?.[1] ?? 0);
const counts = () => sql('SELECT (SELECT count(*) FROM conversations), (SELECT count(*) FROM statements), (SELECT count(*) FROM opinion_votes)');

async function put(fields) {
  await org.get('/conversations/new');
  return org.post('/conversations', { group: gid, question: 'What should our council do first?', statements: SEEDS.join('\n'),
    closes_date: day(7), closes_time: '18:00', ...fields });
}

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: ENV });
  admin = await strongAdmin(srv, db, 'admin@example.org', 'Ada Admin');
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Leeds Branch', seats: 'E14001193' });
  await admin.post('/admin/groups', { name: 'Derby Branch', seats: 'E14001193' });
  const groups = (await admin.api('GET', '/api/v1/groups')).body.result;
  gid = groups.find((g) => g.name === 'Leeds Branch').id;
  other = groups.find((g) => g.name === 'Derby Branch').id;
  const o = await groupMember(srv, gid, 'org@example.org', 'Olu Organiser');
  assert.equal((await admin.post(`/admin/people/${o.id}/group`, { group: gid, role: 'organiser' })).status, 200);
  org = await strongVisitor(srv, 'org@example.org', 'Olu Organiser');
  for (const [i, name] of ['Bea', 'Cal', 'Dee', 'Eve', 'Fay', 'Gus'].entries()) {
    members.push(await groupMember(srv, gid, `m${i}@example.org`, `${name} Member`));
  }
});
after(async () => { if (srv) await srv.stop(); });

test('bad questions put nothing: an empty question, HTML, an over-long statement, a past close, someone else\'s group', async () => {
  const before_ = counts();
  for (const [fields, why] of [
    [{ question: '' }, /The question is empty/],
    [{ statements: 'Fine\n<script>alert(1)</script>' }, /Statement 2 looks like HTML/],
    [{ statements: 'x'.repeat(281) }, /Statement 1 is too long/],
    [{ closes_date: day(-1) }, /closing date and time in the future/],
    [{ closes_date: day(400) }, /a year at most/],
    [{ group: 'movement' }, /Only admins/],
    [{ group: String(other) }, /Only the group.{1,6}s organisers/],
  ]) {
    const r = await put(fields);
    assert.ok(r.status === 400 || r.status === 403, `${JSON.stringify(fields)}: ${r.status}`);
    assert.match(text(r.body), why);
  }
  assert.equal(counts(), before_);
  // a member, not an organiser, cannot put one
  const [bea] = members;
  await bea.get('/conversations/new');
  assert.equal((await bea.post('/conversations', { group: gid, question: 'Mine?', closes_date: day(2), closes_time: '10:00' })).status, 403);
  assert.equal(counts(), before_);
});

test('an organiser puts a question; members swipe once on each statement, least-seen first, and change a vote', async () => {
  const r = await put({});
  assert.equal(r.status, 303, text(r.body).slice(0, 300));
  conv = Number(/\/conversations\/(\d+)$/.exec(r.headers.get('location'))[1]);
  assert.equal(sql(`SELECT count(*) FROM statements WHERE conversation_id = ${conv} AND status = 'approved'`), '8');
  const [bea, cal] = members;
  // the list shows it to members
  assert.match(text((await bea.get('/conversations')).body), /What should our council do first\?/);
  let page = (await bea.get(`/conversations/${conv}`)).body;
  const first = card(page);
  assert.ok(first > 0, 'a statement to swipe');
  assert.match(text(page), /Statement 1 of 8/);
  let v = await bea.post(`/conversations/${conv}/votes`, { statement: String(first), vote: 'agree' });
  assert.equal(v.status, 303);
  assert.equal(v.headers.get('location'), `/conversations/${conv}`);
  assert.equal(sql(`SELECT vote FROM opinion_votes WHERE statement_id = ${first}`), '1');
  page = (await bea.get(`/conversations/${conv}`)).body;
  assert.notEqual(card(page), first, 'never a statement already voted on');
  assert.match(text(page), /Statement 2 of 8/);
  // Cal's first card is one nobody has seen, not the one Bea voted on
  const calFirst = card((await cal.get(`/conversations/${conv}`)).body);
  assert.notEqual(calFirst, first);
  // voting twice on one statement: refused, nothing changes
  v = await bea.post(`/conversations/${conv}/votes`, { statement: String(first), vote: 'disagree' });
  assert.equal(v.status, 409);
  assert.match(text(v.body), /voted on that statement already/);
  assert.equal(sql(`SELECT vote || ',' || (SELECT agrees || '/' || disagrees FROM statements WHERE id = ${first}) FROM opinion_votes WHERE statement_id = ${first}`), '1,1/0');
  // bad votes: no such statement, another conversation's, a made-up word
  for (const fields of [{ statement: '999999', vote: 'agree' }, { statement: 'abc', vote: 'agree' }, { statement: String(first), vote: 'love' }]) {
    assert.equal((await bea.post(`/conversations/${conv}/votes`, fields)).status, 400);
  }
  assert.equal(sql(`SELECT count(*) FROM opinion_votes WHERE person_id = ${bea.id}`), '1');
  // Your votes: change agree to disagree, and the counts follow
  const mine = await bea.get(`/conversations/${conv}/votes`);
  assert.match(text(mine.body), /You said: agree/);
  v = await bea.post(`/conversations/${conv}/votes`, { statement: String(first), vote: 'disagree', change: '1' });
  assert.equal(v.status, 303);
  assert.equal(sql(`SELECT agrees || '/' || disagrees FROM statements WHERE id = ${first}`), '0/1');
  assert.match(text((await bea.get(`/conversations/${conv}/votes`)).body), /You said: disagree/);
  // the CSRF token is required
  assert.equal((await bea.post(`/conversations/${conv}/votes`, { statement: String(first), vote: 'pass', change: '1' }, { csrf: false })).status, 403);
  assert.equal(sql(`SELECT vote FROM opinion_votes WHERE statement_id = ${first} AND person_id = ${bea.id}`), '-1');
});

test('outside the scope: no page, no vote, no statement', async () => {
  const outsider = await groupMember(srv, other, 'out@example.org', 'Oscar Outsider');
  const s = sql(`SELECT min(id) FROM statements WHERE conversation_id = ${conv}`);
  const before_ = counts();
  assert.equal((await outsider.get(`/conversations/${conv}`)).status, 403);
  assert.equal((await outsider.get(`/conversations/${conv}/map`)).status, 403);
  assert.equal((await outsider.post(`/conversations/${conv}/votes`, { statement: s, vote: 'agree' })).status, 403);
  assert.equal((await outsider.post(`/conversations/${conv}/statements`, { body: 'Let me in' })).status, 403);
  assert.doesNotMatch(text((await outsider.get('/conversations')).body), /What should our council do first/);
  assert.equal(counts(), before_);
  const anon = new Visitor(srv.url);
  const r = await anon.get(`/conversations/${conv}`);
  assert.equal(r.status, 303, 'sent to sign in');
});

test('members add statements: queued for the organisers, rejected with a reason (the author is told), approved ones come first', async () => {
  const [, cal, dee] = members;
  await cal.get(`/conversations/${conv}`);
  const before_ = counts();
  for (const [body, why] of [['', /is empty/], ['<img src=x onerror=alert(1)>', /looks like HTML/], ['y'.repeat(281), /too long/],
    [SEEDS[0], /has that statement already/]]) {
    const r = await cal.post(`/conversations/${conv}/statements`, { body });
    assert.ok(r.status === 400 || r.status === 409, `${body.slice(0, 20)}: ${r.status}`);
    assert.match(text(r.body), why);
  }
  assert.equal(counts(), before_);
  let r = await cal.post(`/conversations/${conv}/statements`, { body: 'Buses should run all night at weekends' });
  assert.equal(r.status, 200);
  assert.match(text(r.body), /with the organisers/);
  r = await cal.post(`/conversations/${conv}/statements`, { body: 'The mayor is an idiot' });
  const [good, rude] = sql(`SELECT id FROM statements WHERE conversation_id = ${conv} AND status = 'queued' ORDER BY id`).split('\n').map(Number);
  assert.ok(good && rude);
  // not swiped on while queued
  for (let i = 0; i < 3; i++) assert.notEqual(card((await dee.get(`/conversations/${conv}`)).body), good);
  assert.match(text((await cal.get(`/conversations/${conv}`)).body), /Buses should run all night at weekends queued/);
  // the organiser's queue; a member cannot moderate
  const queue = (await org.get(`/conversations/${conv}`)).body;
  assert.match(queue, new RegExp(`action="/statements/${good}/moderate"`));
  assert.equal((await cal.post(`/statements/${good}/moderate`, { decision: 'approve' })).status, 403);
  assert.equal((await org.post(`/statements/${rude}/moderate`, { decision: 'reject', reason: '' })).status, 400);
  assert.equal(sql(`SELECT status FROM statements WHERE id = ${rude}`), 'queued');
  r = await org.post(`/statements/${rude}/moderate`, { decision: 'reject', reason: 'Personal attacks are not statements of policy' });
  assert.equal(r.status, 200);
  assert.equal(sql(`SELECT status || ': ' || reason FROM statements WHERE id = ${rude}`), 'rejected: Personal attacks are not statements of policy');
  const told = mailFor(srv.outbox, 'm1@example.org', /organisers said: ([^\n]+)/);
  assert.ok(told, 'the author hears why');
  assert.match(text((await cal.get(`/conversations/${conv}`)).body), /The mayor is an idiot rejected · Personal attacks/);
  assert.equal((await org.post(`/statements/${rude}/moderate`, { decision: 'approve' })).status, 409, 'moderated once');
  // Eve and Fay have seen every statement; once approved, the new one (no votes yet) is
  // Bea's next card, before those others have voted on
  const [bea, , , eve, fay] = members;
  const seeds = sql(`SELECT id FROM statements WHERE conversation_id = ${conv} AND status = 'approved' ORDER BY id`).split('\n');
  for (const m of [eve, fay]) {
    await m.get(`/conversations/${conv}`);
    for (const [j, s] of seeds.entries()) assert.equal((await m.post(`/conversations/${conv}/votes`, { statement: s, vote: j % 2 ? 'agree' : 'disagree' })).status, 303);
  }
  assert.equal((await org.post(`/statements/${good}/moderate`, { decision: 'approve' })).status, 200);
  assert.equal(card((await bea.get(`/conversations/${conv}`)).body), good);
  assert.ok(sql('SELECT count(*) FROM audit_log WHERE action = \'statement.reject\'') === '1');
});

test('a member putting statements in a flood is slowed down (429), and nothing more is stored', async () => {
  const dee = members[2];
  await dee.get(`/conversations/${conv}`);
  const before_ = counts();
  const codes = [];
  for (let i = 0; i < 22; i++) codes.push((await dee.post(`/conversations/${conv}/statements`, { body: '' })).status);
  assert.deepEqual([...new Set(codes.slice(0, 20))], [400]);
  const last = await dee.post(`/conversations/${conv}/statements`, { body: 'A real one, too late' });
  assert.equal(last.status, 429);
  assert.ok(Number(last.headers.get('retry-after')) > 0);
  assert.equal(counts(), before_);
});

test('the opinion map: two blocs of members, each dot placed, your own marked, groups with what they stand for', async () => {
  const ids = sql(`SELECT id FROM statements WHERE conversation_id = ${conv} AND status = 'approved' ORDER BY id`).split('\n').map(Number);
  // everyone votes on every statement (Bea changes hers): odd members one way, even the other;
  // all agree on the first
  for (const [i, m] of members.entries()) {
    for (const [j, s] of ids.entries()) {
      const vote = j === 0 ? 'agree' : ((i + j) % 2 ? 'agree' : 'disagree');
      const had = sql(`SELECT count(*) FROM opinion_votes WHERE statement_id = ${s} AND person_id = ${m.id}`) === '1';
      const r = await m.post(`/conversations/${conv}/votes`, { statement: String(s), vote, ...(had ? { change: '1' } : {}) });
      assert.equal(r.status, 303, `${i}/${j}: ${text(r.body).slice(0, 200)}`);
    }
  }
  assert.equal(sql(`SELECT count(*) FROM opinion_votes WHERE conversation_id = ${conv}`), String(members.length * ids.length));
  // the map is kept current off the request path
  const votes = sql(`SELECT votes FROM conversations WHERE id = ${conv}`);
  for (let i = 0; i < 100 && sql(`SELECT mapped FROM conversations WHERE id = ${conv}`) !== votes; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(sql(`SELECT mapped FROM conversations WHERE id = ${conv}`), votes);
  assert.equal(sql(`SELECT groups || '/' || placed FROM opinion_maps WHERE conversation_id = ${conv}`), '2/6');
  const [bea] = members;
  const page = (await bea.get(`/conversations/${conv}/map`)).body;
  assert.equal((page.match(/<circle [^>]*class="g[01]"/g) ?? []).length, 6);
  assert.match(page, /<circle [^>]*class="you"/);
  assert.match(text(page), /Group A/);
  assert.match(text(page), /Group B/);
  assert.match(text(page), /\(yours\)/);
  assert.match(text(page), /Where the groups agree.*Agree \(at least \d+% in every group\): Bus fares should be capped at £2/);
  // person ids never reach the page
  for (const m of members) assert.doesNotMatch(page, new RegExp(`data-[a-z]+="${m.id}"`));
  // the organiser, who did not vote, sees the map without a dot of their own
  const orgPage = (await org.get(`/conversations/${conv}/map`)).body;
  assert.doesNotMatch(orgPage, /class="you"/);
  assert.match(text(orgPage), /You are not on the map yet/);
});

test('the export in Polis\'s layout: members numbered, never named; the command line maps it to the same groups', async () => {
  const [bea] = members;
  assert.equal((await bea.get(`/conversations/${conv}/votes.csv`)).status, 403);
  const get = async (f) => { const r = await fetch(`${srv.url}/conversations/${conv}/${f}`, { headers: { Cookie: org.cookieHeader() } }); return { status: r.status, body: await r.text(), type: r.headers.get('content-type') }; };
  const votes = await get('votes.csv');
  assert.equal(votes.status, 200);
  assert.match(votes.type, /text\/csv/);
  const lines = votes.body.trim().split('\r\n');
  assert.equal(lines[0], 'timestamp,datetime,comment-id,voter-id,vote');
  assert.equal(lines.length - 1, Number(sql(`SELECT count(*) FROM opinion_votes WHERE conversation_id = ${conv}`)));
  assert.doesNotMatch(votes.body, /example\.org|Member/);
  const comments = await get('comments.csv');
  assert.match(comments.body.split('\r\n')[0], /^timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body$/);
  assert.match(comments.body, /,-1,"The mayor is an idiot"/);
  const pv = await get('participants-votes.csv');
  const rows = pv.body.trim().split('\r\n');
  assert.match(rows[0], /^participant,group-id,n-comments,n-votes,n-agree,n-disagree,\d+/);
  assert.equal(rows.length - 1, members.length);
  const groups = new Set(rows.slice(1).map((r) => r.split(',')[1]));
  assert.deepEqual([...groups].sort(), ['0', '1']);
  assert.ok(Number(sql("SELECT count(*) FROM audit_log WHERE action = 'conversation.export'")) >= 3);
  // turnout opinion-map on the exported votes finds the same two groups, the same members together
  const dir = mkdtempSync(join(tmpdir(), 'turnout-polis-'));
  writeFileSync(join(dir, 'votes.csv'), votes.body);
  const out = run(['opinion-map', '--json', join(dir, 'votes.csv')]);
  assert.equal(out.status, 0, out.stderr);
  const map = JSON.parse(out.stdout);
  assert.equal(map.groups, 2);
  const served = Object.fromEntries(rows.slice(1).map((r) => r.split(',').slice(0, 2)));
  const same = (a, b) => (map.members[a] === map.members[b]) === (served[a] === served[b]);
  for (const a of Object.keys(served)) for (const b of Object.keys(served)) assert.ok(same(a, b), `${a} ${b}`);
  // bad files: a clear error, nothing printed on stdout
  writeFileSync(join(dir, 'bad.csv'), 'timestamp,datetime,comment-id,voter-id,vote\n1,x,1,2,7\n');
  const bad = run(['opinion-map', join(dir, 'bad.csv')]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /line 2/);
  assert.equal(bad.stdout, '');
  assert.equal(run(['opinion-map']).status, 2);
});

test('a member\'s data export holds their votes and their statements with the decisions', async () => {
  const cal = members[1];
  const all = (await cal.api('GET', '/api/v1/me/export')).body.result;
  const votes = all.opinion_votes;
  assert.equal(votes.length, Number(sql(`SELECT count(*) FROM opinion_votes WHERE person_id = ${cal.id}`)));
  assert.ok(votes.every((v) => v.question === 'What should our council do first?' && [1, -1, 0].includes(v.vote)));
  const rejected = all.statements.find((s) => s.body === 'The mayor is an idiot');
  assert.deepEqual([rejected.status, rejected.reason], ['rejected', 'Personal attacks are not statements of policy']);
});

test('an erased member\'s votes leave the counts and the map', async () => {
  const gus = members[5];
  const before_ = Number(sql(`SELECT sum(agrees + disagrees + passes) FROM statements WHERE conversation_id = ${conv}`));
  const mine = Number(sql(`SELECT count(*) FROM opinion_votes WHERE person_id = ${gus.id}`));
  assert.ok(mine > 0);
  await gus.get('/account');
  const r = await gus.post('/account/delete', { confirm: 'delete' });
  assert.equal(r.status, 200, text(r.body).slice(0, 200));
  assert.equal(sql(`SELECT count(*) FROM opinion_votes WHERE person_id = ${gus.id}`), '0');
  assert.equal(Number(sql(`SELECT sum(agrees + disagrees + passes) FROM statements WHERE conversation_id = ${conv}`)), before_ - mine);
  const votes = sql(`SELECT votes FROM conversations WHERE id = ${conv}`);
  for (let i = 0; i < 100 && sql(`SELECT mapped FROM conversations WHERE id = ${conv}`) !== votes; i++) await new Promise((res) => setTimeout(res, 100));
  assert.equal(sql(`SELECT placed FROM opinion_maps WHERE conversation_id = ${conv}`), '5');
  assert.equal(sql(`SELECT count(*) FROM opinion_maps WHERE conversation_id = ${conv} AND body LIKE '%"${gus.id}":%'`), '0');
});

test('a region\'s conversation reaches the members of every group covering its seats, and no one else; one may open later', async () => {
  const outsider = new Visitor(srv.url);
  await outsider.signInByLink(srv.outbox, 'out@example.org', 'Oscar Outsider');
  await admin.get('/conversations/new');
  const before_ = counts();
  // only admins put questions to a region, and to a region that exists
  await org.get('/conversations/new');
  assert.equal((await org.post('/conversations', { group: 'region', region: 'East Midlands', question: 'Q?', closes_date: day(3), closes_time: '10:00' })).status, 403);
  assert.equal((await admin.post('/conversations', { group: 'region', region: 'Atlantis', question: 'Q?', closes_date: day(3), closes_time: '10:00' })).status, 400);
  assert.equal(counts(), before_);
  let r = await admin.post('/conversations', { group: 'region', region: 'East Midlands', question: 'Trams for the East Midlands?',
    statements: 'Yes, everywhere\nOnly in cities', closes_date: day(3), closes_time: '10:00' });
  assert.equal(r.status, 303, text(r.body).slice(0, 200));
  const em = Number(/\/conversations\/(\d+)$/.exec(r.headers.get('location'))[1]);
  r = await admin.post('/conversations', { group: 'region', region: 'London', question: 'Night buses in London?',
    statements: 'Yes', closes_date: day(3), closes_time: '10:00' });
  const ldn = Number(/\/conversations\/(\d+)$/.exec(r.headers.get('location'))[1]);
  // the outsider's group (Derby Branch) covers a seat in the East Midlands, not in London
  assert.match(text((await outsider.get('/conversations')).body), /Trams for the East Midlands\?/);
  assert.doesNotMatch(text((await outsider.get('/conversations')).body), /Night buses/);
  const page = await outsider.get(`/conversations/${em}`);
  assert.equal(page.status, 200);
  assert.equal((await outsider.post(`/conversations/${em}/votes`, { statement: String(card(page.body)), vote: 'agree' })).status, 303);
  assert.equal((await outsider.get(`/conversations/${ldn}`)).status, 403);
  // opening later: no votes until then
  r = await admin.post('/conversations', { group: 'region', region: 'East Midlands', question: 'Later?', statements: 'Soon',
    opens_date: day(2), opens_time: '09:00', closes_date: day(1), closes_time: '10:00' });
  assert.equal(r.status, 400);
  assert.match(text(r.body), /close after it opens/);
  r = await admin.post('/conversations', { group: 'region', region: 'East Midlands', question: 'Later?', statements: 'Soon',
    opens_date: day(2), opens_time: '09:00', closes_date: day(4), closes_time: '10:00' });
  const later = Number(/\/conversations\/(\d+)$/.exec(r.headers.get('location'))[1]);
  const s = sql(`SELECT id FROM statements WHERE conversation_id = ${later}`);
  const v = await outsider.post(`/conversations/${later}/votes`, { statement: s, vote: 'agree' });
  assert.equal(v.status, 409);
  assert.match(text(v.body), /has not opened yet/);
  assert.equal(sql(`SELECT count(*) FROM opinion_votes WHERE conversation_id = ${later}`), '0');
});

test('a closed conversation takes no votes and no statements', async () => {
  const [bea] = members;
  await org.get(`/conversations/${conv}`);
  const closed = await org.post(`/conversations/${conv}/close`);
  assert.equal(closed.status, 303);
  const before_ = counts();
  const s = sql(`SELECT min(id) FROM statements WHERE conversation_id = ${conv}`);
  await bea.get(`/conversations/${conv}`);
  assert.equal((await bea.post(`/conversations/${conv}/votes`, { statement: s, vote: 'pass', change: '1' })).status, 409);
  assert.equal((await bea.post(`/conversations/${conv}/statements`, { body: 'Too late' })).status, 409);
  assert.equal(counts(), before_);
  assert.match(text((await bea.get(`/conversations/${conv}`)).body), /This conversation is closed/);
});
