// Issue 16: food banks and what they need (by hand and from the public needs
// feed), collections with pledges, repeating series materialised ahead and
// checked daily, runs within opening hours, the late drop-out rule (standby
// list at once, organisers an hour later), no-shows and deliveries.  Bad input
// gets a clear error and stores nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startServer, copyDb, strongAdmin, strongVisitor, groupMember, run, mailFor, BIN, FIXTURE_DB, sqlOn } from './lib.mjs';

const LOOSE = { TURNOUT_FOODBANK_INTERVAL: '1', TURNOUT_RATE_DROP_MEMBER: '1/3', TURNOUT_RATE_SIGNUP_IP: '1000/1000', TURNOUT_RATE_SIGNIN_IP: '1000/1000',
  TURNOUT_RATE_TOKEN_IP: '1000000/1000000' };
const fixture = (f) => fileURLToPath(new URL(`../fixtures/foodbank/${f}`, import.meta.url));
let srv, db, admin, org, gid, ana, ben, cal, fb;
const sql = (q) => sqlOn(db)(q);
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/\s+/g, ' ');
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);
const idOf = (r, re) => Number(re.exec(r.headers.get('location'))[1]);
const waitFor = async (f, what) => {
  for (let i = 0; i < 100; i++) { const v = f(); if (v) return v; await new Promise((r) => setTimeout(r, 100)); }
  assert.fail(`waited in vain for ${what}`);
};

async function collection(fields = {}) {
  await org.get(`/groups/${gid}/collections`);
  return org.post(`/groups/${gid}/collections`, { foodbank: fb, title: 'Saturday collection', description: 'Tins please',
    postcode: 'DE22 1AE', address: 'Church hall', date: day(3), start: '10:00', minutes: '120', capacity: '3',
    repeat: 'none', ...fields });
}

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: LOOSE });
  admin = await strongAdmin(srv, db);
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Derby Pantry Volunteers', seats: 'E14001193' });
  gid = (await admin.api('GET', '/api/v1/groups')).body.result[0].id;
  org = await strongVisitor(srv, 'olu@example.org', 'Olu Organiser');
  sql(`INSERT INTO memberships (group_id, person_id, role, joined_at) SELECT ${gid}, id, 'organiser', 0 FROM people WHERE email = 'olu@example.org'`);
  ana = await groupMember(srv, gid, 'ana@example.org', 'Ana Able');
  ben = await groupMember(srv, gid, 'ben@example.org', 'Ben Best');
  cal = await groupMember(srv, gid, 'cal@example.org', 'Cal Cole');
});
after(async () => { if (srv) await srv.stop(); });

test('an organiser adds a food bank; bad input, and those who may not, store nothing', async () => {
  const good = { group: gid, name: 'Derby West Food Bank', kind: 'foodbank', postcode: 'DE22 1AA', address: '1 Mill Lane',
    hours: 'Mon-Sun 08:00-18:00', contact: 'Pat, 01332 000000', accepts: 'Tins, packets, toiletries', chilled: '1', slug: 'derby-west' };
  const count = () => sql('SELECT count(*) FROM foodbanks');
  for (const [fields, why] of [
    [{ name: '' }, /Give the food bank's name/], [{ name: '<b>Bank</b>' }, /plain text/], [{ kind: 'shop' }, /food bank or a collection point/],
    [{ postcode: 'ZZ1' }, /postcode/], [{ hours: 'whenever' }, /starts with days/], [{ hours: 'Mon 09:00-12:00, 11:00-13:00' }, /overlap/],
    [{ hours: 'Mon 12:00-09:00' }, /close after it opens/], [{ contact: 'x'.repeat(501) }, /500 characters/],
    [{ accepts: 'x'.repeat(501) }, /500 characters/],
  ]) {
    await org.get('/foodbanks/new');
    const r = await org.post('/foodbanks', { ...good, ...fields });
    assert.equal(r.status, 400, JSON.stringify(fields));
    assert.match(text(r.body), why);
  }
  // a member is not an organiser; an organiser must name a group of theirs
  assert.equal((await ana.get('/foodbanks/new')).status, 403);
  assert.equal((await ana.post('/foodbanks', good)).status, 403);
  assert.equal((await org.post('/foodbanks', { ...good, group: 999 })).status, 403);
  assert.equal(count(), '0');
  const r = await org.post('/foodbanks', good);
  assert.equal(r.status, 303, text(r.body).slice(0, 300));
  fb = idOf(r, /\/foodbanks\/(\d+)/);
  assert.equal(sql(`SELECT hours FROM foodbanks WHERE id = ${fb}`), 'Mon-Sun 08:00-18:00');
  // the same feed name twice is refused
  assert.equal((await org.post('/foodbanks', { ...good, name: 'Another' })).status, 409);
  assert.equal(count(), '1');
  // the contact is for the organisers of the groups that support it
  assert.match((await org.get(`/foodbanks/${fb}`)).body, /Pat, 01332 000000/);
  assert.doesNotMatch((await ana.get(`/foodbanks/${fb}`)).body, /01332/);
  assert.doesNotMatch((await fetch(`${srv.url}/foodbanks/${fb}`).then((x) => x.text())), /01332/);
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE action = 'foodbank.contact.view'") > 0, true);
});

test('needs: organisers keep the list, the public finds it by postcode and on the home page', async () => {
  const add = (fields) => org.post(`/foodbanks/${fb}/needs`, { urgency: 'needed', ...fields });
  await org.get(`/foodbanks/${fb}`);
  for (const fields of [{ item: 'Tinned tomatoes', urgency: 'urgent', wanted: '30' }, { item: 'Nappies (size 5)' },
    { item: 'Pasta', urgency: 'plenty' }, { item: 'Milk', chilled: '1' }]) {
    const r = await add(fields);
    assert.equal(r.status, 303, text(r.body).slice(0, 600));
  }
  const n = () => sql(`SELECT count(*) FROM foodbank_needs WHERE foodbank_id = ${fb}`);
  for (const [fields, why] of [[{ item: '' }, /Say what/], [{ item: '<img src=x>' }, /plain text/], [{ item: 'Tea', urgency: 'lots' }, /urgent, needed/],
    [{ item: 'Tea', wanted: '-1' }, /whole number/], [{ item: 'x'.repeat(81) }, /80 characters/]]) {
    const r = await add(fields);
    assert.equal(r.status, 400, JSON.stringify(fields));
    assert.match(text(r.body), why);
  }
  await ana.get(`/foodbanks/${fb}`);
  assert.equal((await ana.post(`/foodbanks/${fb}/needs`, { item: 'Tea', urgency: 'needed' })).status, 403);
  assert.equal(n(), '4');
  // anyone, by postcode, without it going into the address
  const pub = new (await import('./lib.mjs')).Visitor(srv.url);
  const r = await pub.post('/foodbanks/near', { postcode: 'DE22 1AH' }, { csrf: false });
  assert.equal(r.status, 303);
  assert.doesNotMatch(r.headers.get('location'), /DE22/);
  const found = text((await pub.get(r.headers.get('location'))).body);
  assert.match(found, /Derby West Food Bank · 0\.\d km/);
  assert.match(found, /Needs: Tinned tomatoes \(urgent\) Milk Nappies \(size 5\)/);
  assert.match(found, /Has plenty of: Pasta/);
  const far = await pub.post('/foodbanks/near', { postcode: 'SW1A 1AA' }, { csrf: false });
  assert.match(text((await pub.get(far.headers.get('location'))).body), /no food bank within 20 km/);
  const bad = await pub.post('/foodbanks/near', { postcode: 'nonsense' }, { csrf: false });
  assert.equal((await pub.get(bad.headers.get('location'))).status, 400);
  // and as JSON, for a movement's own site or app: never the contact
  const api = await fetch(`${srv.url}/api/v1/foodbanks?postcode=DE221AH&km=5`).then((x) => x.json());
  assert.equal(api.status, 200);
  assert.equal(api.result[0].name, 'Derby West Food Bank');
  assert.deepEqual(api.result[0].needs.map((x) => `${x.item}:${x.urgency}:${x.wanted}`), ['Tinned tomatoes:urgent:30', 'Milk:needed:0', 'Nappies (size 5):needed:0']);
  assert.deepEqual(api.result[0].plenty.map((x) => x.item), ['Pasta']);
  assert.doesNotMatch(JSON.stringify(api), /01332|Pat/);
  for (const q of ['', '?postcode=nowhere', '?postcode=DE221AH&km=0', '?postcode=DE221AH&km=500', '?postcode=DE221AH&km=x']) {
    const bad = await fetch(`${srv.url}/api/v1/foodbanks${q}`);
    assert.equal(bad.status, 400, q);
    assert.equal((await bad.json()).status, 400);
  }
  // the home page's answer says what the nearest one needs
  const home = await pub.post('/', { postcode: 'DE22 1AH' }, { csrf: false });
  const answer = text((await pub.get(home.headers.get('location'))).body);
  assert.match(answer, /Your nearest food bank, Derby West Food Bank \(0\.\d km\), needs: Tinned tomatoes \(urgent\), Milk, Nappies \(size 5\)/);
});

test('the needs feed: good rows applied, bad ones reported by line, organisers\' own items kept', () => {
  const before_ = sql(`SELECT urgency FROM foodbank_needs WHERE foodbank_id = ${fb} AND item = 'Tinned tomatoes'`);
  const r = run(['needs-import', '--db', db, fixture('needs.csv')]);
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stdout, /4 rows: 1 food banks updated, 1 not known here, 2 refused/);
  assert.match(r.stderr, /line 9: the food bank's slug is refused: empty/);
  assert.match(r.stderr, /line 10: the item "<script>alert\(1\)<\/script>" is refused/);
  const items = sql(`SELECT item || ':' || urgency || ':' || source FROM foodbank_needs WHERE foodbank_id = ${fb} ORDER BY item`);
  assert.equal(items, ['Baked beans:plenty:feed', 'Milk:needed:organiser', 'Nappies (size 5):needed:organiser', 'Pasta:plenty:organiser',
    'Tinned fish, meat:needed:feed', 'Tinned tomatoes:urgent:organiser', 'Toilet rolls:needed:feed', 'UHT milk:needed:feed'].join('\n'));
  assert.equal(before_, 'urgent');
  // the next feed drops what it no longer lists, its own rows only
  sql(`UPDATE foodbank_needs SET updated_at = updated_at - 10 WHERE source = 'feed'`);
  const j = run(['needs-import', '--db', db, fixture('needs.json')]);
  assert.match(j.stdout, /2 rows: 1 food banks updated, 0 not known here, 1 refused/);
  assert.match(j.stderr, /line 2: an entry needs a slug/);
  assert.equal(sql(`SELECT group_concat(item, '|') FROM (SELECT item FROM foodbank_needs WHERE foodbank_id = ${fb} AND source = 'feed' ORDER BY item) o`), 'Sanitary towels');
  assert.equal(sql(`SELECT count(*) FROM foodbank_needs WHERE foodbank_id = ${fb}`), '5');
  // a feed that is not one: nothing changes
  const none = run(['needs-import', '--db', db, fixture('README.md')]);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /must name the columns foodbank_slug and needs/);
  assert.equal(run(['needs-import', '--db', db, '/nonexistent/feed.csv']).status, 1);
});

test('the needs feed read over HTTP, by hand and by the server on its schedule', async () => {
  const http = await import('node:http');
  const { readFileSync } = await import('node:fs');
  const body = readFileSync(fixture('needs.json'));
  const feed = http.createServer((req, res) => {
    if (req.url === '/needs.json') res.end(body);
    else { res.statusCode = 404; res.end('no'); }
  });
  await new Promise((r) => feed.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${feed.address().port}`;
  // the feed is served by this process: the command runs beside it, not blocking it
  const { spawn } = await import('node:child_process');
  const runBeside = (args) => new Promise((resolve) => {
    const p = spawn(BIN, args);
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  try {
    sql(`UPDATE foodbank_needs SET updated_at = updated_at - 10 WHERE source = 'feed'`);
    const r = await runBeside(['needs-import', '--db', db, `${base}/needs.json`]);
    assert.match(r.stdout, /2 rows: 1 food banks updated/);
    const missing = await runBeside(['needs-import', '--db', db, `${base}/gone.json`]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /not 200 OK/);
    assert.equal((await runBeside(['needs-import', '--db', db, 'ftp://127.0.0.1/needs.json'])).status, 1);
    // a second server reading the feed itself, at start and then daily
    sql(`DELETE FROM foodbank_needs WHERE source = 'feed'`);
    const other = await startServer({ db, env: { TURNOUT_NEEDS_FEED: `${base}/needs.json`, TURNOUT_FOODBANK_INTERVAL: '1' } });
    try {
      await waitFor(() => sql(`SELECT count(*) FROM foodbank_needs WHERE foodbank_id = ${fb} AND source = 'feed'`) === '1', 'the feed read');
      assert.match(other.stderr(), /needs feed: 2 rows, 1 food banks updated, 0 not ours, 1 refused: line 2/);
    } finally {
      await other.stop();
    }
  } finally {
    feed.close();
  }
});

let coll;
test('a collection: members pledge against the needs; the organiser sees totals; bad pledges store nothing', async () => {
  const r = await collection();
  assert.equal(r.status, 303, text(r.body).slice(0, 300));
  coll = idOf(r, /\/collections\/(\d+)/);
  assert.equal(sql(`SELECT type || '/' || group_id FROM events WHERE id = ${coll}`), `dropoff/${gid}`);
  // its session (sign-ups, reminders, calendar) leads to it
  assert.match((await ana.get(`/events/${coll}`)).body, new RegExp(`href="/collections/${coll}"`));
  const need = (item) => sql(`SELECT id FROM foodbank_needs WHERE foodbank_id = ${fb} AND item = '${item}'`);
  await ana.get(`/collections/${coll}`);
  assert.equal((await ana.post(`/collections/${coll}/pledges`, { need: need('Tinned tomatoes'), quantity: '6' })).status, 303);
  await ben.get(`/collections/${coll}`);
  assert.equal((await ben.post(`/collections/${coll}/pledges`, { need: need('Tinned tomatoes'), quantity: '4' })).status, 303);
  const pledges = () => sql('SELECT count(*) FROM pledges');
  for (const [fields, status, why] of [
    [{ need: need('Pasta'), quantity: '2' }, 400, /not something this food bank needs/],
    [{ need: need('Tinned tomatoes'), quantity: '0' }, 400, /how many/], [{ need: 'x', quantity: '1' }, 400, /Choose an item/],
    [{ need: need('Milk'), quantity: '2' }, 400, /chilled/],
  ]) {
    const b = await ana.post(`/collections/${coll}/pledges`, fields);
    assert.equal(b.status, status, JSON.stringify(fields));
    assert.match(text(b.body), why);
  }
  assert.equal(pledges(), '2');
  const page = text((await org.get(`/collections/${coll}`)).body);
  assert.match(page, /Tinned tomatoes urgent 10 of 30/);
  // the pledge form is not for the signed out
  assert.equal((await fetch(`${srv.url}/collections/${coll}/pledges`, { method: 'POST', redirect: 'manual' })).status, 303);
  // one's own pledge can be withdrawn, not another's
  const mine = sql("SELECT p.id FROM pledges p JOIN people x ON x.id = p.person_id WHERE x.email = 'ben@example.org'");
  assert.equal((await ana.post(`/collections/${coll}/pledges/${mine}/remove`)).status, 404);
  assert.equal((await ben.post(`/collections/${coll}/pledges/${mine}/remove`)).status, 303);
  assert.equal(pledges(), '1');
});

test('collections refused: not a food bank of the group, the past, a bad rule', async () => {
  const events = () => sql('SELECT count(*) FROM events');
  const before_ = events();
  for (const [fields, why] of [
    [{ foodbank: 999 }, /food banks the group supports/], [{ date: day(-2) }, /future/], [{ minutes: '5' }, /15 minutes/],
    [{ title: '' }, /title/], [{ postcode: 'nowhere' }, /postcode/], [{ late_hours: '0' }, /late drop-out/],
    [{ repeat: 'custom', rrule: 'FREQ=WEEKLY;BYDAY=SA' }, /never ends/],
    [{ repeat: 'custom', rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=3' }, /no dates/],
    [{ repeat: 'custom', rrule: 'FREQ=MINUTELY;COUNT=3' }, /FREQ must be/],
    [{ repeat: 'weekly', until: 'soon' }, /last date/], [{ repeat: 'weekly', count: '5000' }, /from 1 to 1,000/],
    [{ repeat: 'weekly' }, /never ends/], [{ repeat: 'custom', rrule: 'FREQ=DAILY;' + 'x'.repeat(200) }, /200 characters/],
  ]) {
    const r = await collection(fields);
    assert.equal(r.status, 400, JSON.stringify(fields));
    assert.match(text(r.body), why);
  }
  assert.equal(events(), before_);
  assert.equal(sql('SELECT count(*) FROM series'), '0');
  // a member plans nothing
  await ana.get(`/groups/${gid}/collections`);
  assert.equal((await ana.post(`/groups/${gid}/collections`, { foodbank: fb, title: 'x', postcode: 'DE22 1AE', date: day(3), start: '10:00', repeat: 'none' })).status, 403);
});

test('a weekly series is made 8 weeks ahead, once, and its organisers are told before it ends', async () => {
  const r = await collection({ title: 'Weekly collection', repeat: 'weekly', count: '10' });
  assert.equal(r.status, 303, text(r.body).slice(0, 300));
  const sid = sql('SELECT id FROM series');
  const made = () => sql(`SELECT count(*) FROM collections WHERE series_id = ${sid}`);
  assert.equal(made(), '8');
  // a week apart, each a session of the group with its one slot
  assert.equal(sql(`SELECT count(DISTINCT e.starts_at) || '/' || CAST(round((max(e.starts_at) - min(e.starts_at)) / 86400.0) AS INT) || '/' || sum(e.group_id = ${gid} AND e.type = 'dropoff')
    FROM collections c JOIN events e ON e.id = c.event_id WHERE series_id = ${sid}`), '8/49/8');
  // the daily check makes nothing twice, even after a cancellation
  const first = sql(`SELECT min(event_id) FROM collections WHERE series_id = ${sid}`);
  sql(`UPDATE events SET status = 'cancelled' WHERE id = ${first}`);
  // pledges at a cancelled collection are refused, and nothing is stored
  await ana.get(`/collections/${first}`);
  const closed = await ana.post(`/collections/${first}/pledges`, { need: sql(`SELECT id FROM foodbank_needs WHERE foodbank_id = ${fb} AND item = 'Tinned tomatoes'`), quantity: '1' });
  assert.equal(closed.status, 409);
  assert.match(text(closed.body), /Pledges are closed/);
  assert.equal(sql(`SELECT count(*) FROM pledges WHERE event_id = ${first}`), '0');
  sql(`UPDATE series SET checked_at = 0 WHERE id = ${sid}`);
  await waitFor(() => sql(`SELECT checked_at > 0 FROM series WHERE id = ${sid}`) === '1', 'the daily check');
  assert.equal(made(), '8');
  // two weeks on (the clock moved by moving the series back: its dates are the same
  // instants, two of them now past), its last date falls inside the weeks kept ahead:
  // nothing is made twice, and the organisers are told, once, that it is ending
  const back = new Date(`${sql(`SELECT first_at FROM series WHERE id = ${sid}`)}Z`);
  back.setUTCDate(back.getUTCDate() - 14); // a wall-clock date: the days move, not the hours
  sql(`UPDATE series SET first_at = '${back.toISOString().slice(0, 16)}', checked_at = 0 WHERE id = ${sid}`);
  await waitFor(() => sql(`SELECT warned FROM series WHERE id = ${sid}`) === 'ends', 'the warning');
  assert.equal(made(), '8');
  assert.ok(mailFor(srv.outbox, 'olu@example.org', /has its last date on/), 'the organiser is told');
  sql(`UPDATE series SET checked_at = 0 WHERE id = ${sid}`);
  await waitFor(() => sql(`SELECT checked_at > 0 FROM series WHERE id = ${sid}`) === '1', 'another check');
  assert.equal(sql("SELECT count(*) FROM mail_out WHERE subject = 'A repeating collection is ending'"), '1');
  // dates that cannot be made (here a rule the server cannot read any more): told, once
  sql(`UPDATE series SET rrule = 'FREQ=FORTNIGHTLY', checked_at = 0 WHERE id = ${sid}`);
  await waitFor(() => sql(`SELECT warned FROM series WHERE id = ${sid}`) === 'missing', 'the missing warning');
  assert.ok(mailFor(srv.outbox, 'olu@example.org', /coming dates of the repeating collection "Weekly collection" could not be made/));
  assert.equal(made(), '8');
  sql(`UPDATE series SET rrule = 'FREQ=WEEKLY;BYDAY=SA;COUNT=10' WHERE id = ${sid}`);
  // the organisers end a series; a member may not
  assert.equal((await ana.post(`/series/${sid}/stop`)).status, 403);
  await org.get(`/groups/${gid}/collections`);
  assert.equal((await org.post(`/series/${sid}/stop`)).status, 303);
  assert.match(text((await org.get(`/groups/${gid}/collections`)).body), /FREQ=WEEKLY;BYDAY=\w\w;COUNT=10 · ended/);
});

let runId;
test('runs: within opening hours, pick-ups in order, one driver, chilled food only where it keeps', async () => {
  await org.get(`/collections/${coll}`);
  const add = (fields) => org.post(`/collections/${coll}/runs`, { vehicle: 'car', date: day(3), depart: '12:10', stops: '', ...fields });
  const runs = () => sql('SELECT count(*) FROM runs');
  for (const [fields, why] of [
    [{ depart: '18:30' }, /reach the food bank at 18:3\d, when it is open \w+ 08:00-18:00/],
    [{ vehicle: 'lorry' }, /a car, an estate or a van/], [{ depart: '09:00' }, /after the collection starts/],
    [{ stops: 'somewhere' }, /a name and a postcode/], [{ stops: 'A, ZZ9 9ZZ' }, /a name and a postcode/],
    [{ stops: Array.from({ length: 9 }, (_, i) => `Stop ${i}, DE22 1AF`).join('\n') }, /at most eight/],
  ]) {
    const r = await add(fields);
    assert.equal(r.status, 400, JSON.stringify(fields));
    assert.match(text(r.body), why);
  }
  assert.equal(runs(), '0');
  await ana.get(`/collections/${coll}`);
  assert.equal((await ana.post(`/collections/${coll}/runs`, { vehicle: 'car', date: day(3), depart: '12:10' })).status, 403);
  // three pick-ups given out of order come back in the order that drives shortest
  const r = await add({ stops: 'Far end, DE22 1AH\nNear hall, DE22 1AE\nMiddle, DE22 1AG' });
  assert.equal(r.status, 303, text(r.body).slice(0, 300));
  runId = Number(sql('SELECT max(id) FROM runs'));
  assert.equal(sql(`SELECT group_concat(label, '|') FROM (SELECT label FROM run_stops WHERE run_id = ${runId} ORDER BY pos) o`), 'Near hall|Middle|Far end');
  // pick-ups and the driver are for organisers and the driver; the public sees a run needing one
  assert.doesNotMatch((await ana.get(`/collections/${coll}`)).body, /Near hall/);
  assert.match(text((await ana.get(`/collections/${coll}`)).body), /Needs a driver/);
  // a chilled run makes chilled pledges possible; the food bank takes chilled food
  assert.equal((await add({ chilled: '1', depart: '12:20' })).status, 303);
  const milk = sql(`SELECT id FROM foodbank_needs WHERE foodbank_id = ${fb} AND item = 'Milk'`);
  assert.equal((await ana.post(`/collections/${coll}/pledges`, { need: milk, quantity: '2' })).status, 303);
  assert.equal((await add({ chilled: '1', depart: '15:00' })).status, 400, 'too long after the collection for chilled food');
  // one driver: the first to take it
  await ben.get(`/collections/${coll}`);
  assert.equal((await ben.post(`/runs/${runId}/take`)).status, 303);
  await cal.get(`/collections/${coll}`);
  const second = await cal.post(`/runs/${runId}/take`);
  assert.equal(second.status, 409);
  assert.match(text(second.body), /already taken/);
  assert.equal(sql(`SELECT p.email FROM runs r JOIN people p ON p.id = r.driver_id WHERE r.id = ${runId}`), 'ben@example.org');
  assert.equal((await cal.post(`/runs/${runId}/drop`)).status, 409, 'not their run');
});

test('a late drop-out goes to the standby list at once, and to the organisers an hour later', async () => {
  await ana.get(`/collections/${coll}`);
  assert.equal((await ana.post(`/collections/${coll}/standby`)).status, 303);
  await cal.get(`/collections/${coll}`);
  assert.equal((await cal.post(`/collections/${coll}/standby`)).status, 303);
  assert.equal(sql(`SELECT count(*) FROM standbys WHERE event_id = ${coll}`), '2');
  // the collection starts in three hours: inside the 24-hour window, whatever the time of day
  const shift = Number(sql(`SELECT starts_at - strftime('%s', 'now') - 3 * 3600 FROM events WHERE id = ${coll}`));
  sql(`UPDATE events SET starts_at = starts_at - ${shift}, ends_at = ends_at - ${shift} WHERE id = ${coll};
       UPDATE slots SET starts_at = starts_at - ${shift}, ends_at = ends_at - ${shift} WHERE event_id = ${coll};
       UPDATE runs SET departs_at = departs_at - ${shift}, arrives_at = arrives_at - ${shift} WHERE event_id = ${coll};`);
  await ben.get(`/collections/${coll}`);
  const drop = await ben.post(`/runs/${runId}/drop`);
  assert.equal(drop.status, 303);
  assert.equal(sql(`SELECT count(*) FROM dropouts WHERE run_id = ${runId} AND covered_at IS NULL`), '1');
  // the keeper runs every second here: the standby list hears well within a minute
  const told = await waitFor(() => mailFor(srv.outbox, 'ana@example.org', /Someone has had to give up the run taking the food/), 'the standby mail');
  assert.match(told.text, /\/collections\/\d+/);
  assert.ok(mailFor(srv.outbox, 'cal@example.org', /Someone has had to give up the run/));
  assert.equal(mailFor(srv.outbox, 'ben@example.org', /Someone has had to give up the run/), null, 'not the one who dropped out');
  assert.equal(sql(`SELECT told_at - at <= 60 FROM dropouts WHERE run_id = ${runId}`), '1');
  // the organisers see it uncovered, first
  assert.match(text((await org.get(`/groups/${gid}/collections`)).body), /Saturday collection · Derby West Food Bank · [^·]+· 2 uncovered/);
  // the first standby volunteer to take it has it
  assert.equal((await ana.post(`/runs/${runId}/take`)).status, 303);
  assert.equal(sql(`SELECT count(*) FROM dropouts WHERE run_id = ${runId} AND covered_at IS NULL`), '0');
  // a place given up late in the session's own page counts too (the schema's rule)
  const slot = sql(`SELECT id FROM slots WHERE event_id = ${coll}`);
  await cal.get(`/events/${coll}`);
  const f = new URLSearchParams({ csrf: cal.csrf, slot });
  await fetch(`${srv.url}/events/${coll}/signup`, { method: 'POST', body: f.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cal.cookieHeader(), Origin: srv.url } });
  assert.match((await cal.post(`/events/${coll}/cancel-mine`, { slot })).body, /cancelled/i);
  assert.equal(sql(`SELECT count(*) FROM dropouts WHERE slot_id = ${slot} AND covered_at IS NULL`), '1');
  await waitFor(() => sql(`SELECT told_at IS NOT NULL FROM dropouts WHERE slot_id = ${slot}`) === '1', 'the standby list told');
  // a place is taken by signing up on the session's page: the mail leads there
  const place = mailFor(srv.outbox, 'ana@example.org', /sign up on the session's page[^]*?(http:\/\/\S+\/events\/\d+)/);
  assert.ok(place, 'the standby volunteer is sent to the session');
  assert.match(place.url, new RegExp(`/events/${coll}$`));
  // no one takes it: an hour on (the clock moved by moving the record back), the organisers hear
  sql(`UPDATE dropouts SET told_at = told_at - 3601 WHERE slot_id = ${slot}`);
  await waitFor(() => mailFor(srv.outbox, 'olu@example.org', /no one on the standby list has taken it in the hour/), 'the organisers told');
  assert.equal(sql(`SELECT escalated_at IS NOT NULL FROM dropouts WHERE slot_id = ${slot}`), '1');
  // a sign-up to that slot covers it
  await ben.get(`/events/${coll}`);
  const g = new URLSearchParams({ csrf: ben.csrf, slot });
  await fetch(`${srv.url}/events/${coll}/signup`, { method: 'POST', body: g.toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: ben.cookieHeader(), Origin: srv.url } });
  assert.equal(sql(`SELECT p.email FROM dropouts d JOIN people p ON p.id = d.covered_by WHERE d.slot_id = ${slot}`), 'ben@example.org');
});

test('taking a run and giving it up again tells the standby list once, and is rate-limited', async () => {
  const other = Number(sql(`SELECT max(id) FROM runs WHERE event_id = ${coll}`));
  assert.notEqual(other, runId);
  const dee = await groupMember(srv, gid, 'dee@example.org', 'Dee Driver');
  await dee.get(`/collections/${coll}`);
  for (let i = 0; i < 3; i++) {
    assert.equal((await dee.post(`/runs/${other}/take`)).status, 303);
    assert.equal((await dee.post(`/runs/${other}/drop`)).status, 303);
  }
  assert.equal(sql(`SELECT count(*) FROM dropouts WHERE run_id = ${other} AND person_id = ${dee.id}`), '1');
  // a fourth within the minute (TURNOUT_RATE_DROP_MEMBER 1/3 here) is refused, and the run stays theirs
  assert.equal((await dee.post(`/runs/${other}/take`)).status, 303);
  assert.equal((await dee.post(`/runs/${other}/drop`)).status, 429);
  assert.equal(sql(`SELECT driver_id FROM runs WHERE id = ${other}`), String(dee.id));
});

test('deliveries are recorded by the driver and add up by month; no-shows are for organisers only', async () => {
  sql(`UPDATE runs SET departs_at = strftime('%s', 'now') - 600, arrives_at = strftime('%s', 'now') - 60 WHERE id = ${runId}`);
  await ana.get(`/collections/${coll}`);
  for (const [fields, why] of [[{ kg: 'lots' }, /kilograms/], [{ kg: '9999' }, /kilograms/], [{ kg: '3', items: '-2' }, /number of items/],
    [{ kg: '3', receipt: '<a>' }, /plain text/]]) {
    const b = await ana.post(`/runs/${runId}/delivered`, fields);
    assert.equal(b.status, 400, JSON.stringify(fields));
    assert.match(text(b.body), why);
  }
  await cal.get(`/collections/${coll}`);
  assert.equal((await cal.post(`/runs/${runId}/delivered`, { kg: '3' })).status, 403);
  assert.equal((await ana.post(`/runs/${runId}/delivered`, { kg: '12.5', items: '40', receipt: 'R-1001' })).status, 303);
  assert.equal((await ana.post(`/runs/${runId}/delivered`, { kg: '1' })).status, 409, 'recorded once');
  const month = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit' }).format(new Date());
  assert.match(text((await org.get(`/groups/${gid}/collections`)).body), new RegExp(`${month} 1 40 12\\.5`));
  // a no-show: only someone who signed up; seen by organisers only
  await org.get(`/collections/${coll}`);
  const benId = sql("SELECT id FROM people WHERE email = 'ben@example.org'");
  const adaId = sql("SELECT id FROM people WHERE email = 'org@example.org'");
  assert.equal((await org.post(`/collections/${coll}/noshows`, { person: adaId })).status, 400);
  assert.equal((await org.post(`/collections/${coll}/noshows`, { person: 'x' })).status, 400);
  assert.equal((await ana.post(`/collections/${coll}/noshows`, { person: benId })).status, 403);
  assert.equal((await org.post(`/collections/${coll}/noshows`, { person: benId })).status, 303);
  assert.match(text((await org.get(`/collections/${coll}`)).body), /No-shows .* Ben Best/);
  assert.doesNotMatch((await ben.get(`/collections/${coll}`)).body, /No-shows/);
  assert.ok(Number(sql("SELECT count(*) FROM audit_log WHERE action = 'collection.noshow'")) === 1);
});

test('a volunteer\'s pledges and standby places are in their export and go with their erasure', async () => {
  const exp = await ana.get('/account/export');
  assert.equal(exp.status, 200);
  assert.match(exp.body, /"foodbank_pledges"/);
  assert.match(exp.body, /Tinned tomatoes/);
  const anaId = sql("SELECT id FROM people WHERE email = 'ana@example.org'");
  sql(`INSERT INTO no_shows (event_id, person_id, recorded_at) VALUES (${coll}, ${anaId}, 0)`);
  // a no-show is shown to organisers only, but the person's own export holds it
  const mine = JSON.parse((await ana.get('/account/export')).body);
  assert.deepEqual(mine.no_shows.map((n) => n.collection), ['Saturday collection']);
  await ana.get('/account');
  const del = await ana.post('/account/delete', { confirm: 'delete' });
  assert.ok([200, 303].includes(del.status), String(del.status));
  assert.equal(sql(`SELECT (SELECT count(*) FROM pledges WHERE person_id = ${anaId}) + (SELECT count(*) FROM standbys WHERE person_id = ${anaId}) + (SELECT count(*) FROM no_shows WHERE person_id = ${anaId})`), '0');
  // the run she drove keeps its delivery, without her
  assert.equal(sql(`SELECT coalesce(driver_id, 0) || '/' || delivered_kg FROM runs WHERE id = ${runId}`), '0/12.5');
});
