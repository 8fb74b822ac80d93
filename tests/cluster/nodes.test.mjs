// Several nodes as one service (issue 11): three turnout nodes behind
// HAProxy on a PostgreSQL primary with a synchronous standby, a cluster of
// its own for each test (scripts/cluster.sh).  Under concurrent sign-ups,
// ride accepts and phone-bank claims a node is killed, then the primary is
// killed and the standby promoted, then the standby is stopped: what was
// acknowledged is there once, nothing goes over capacity, no voter goes to
// two callers, reminders go once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Visitor, run } from '../integration/lib.mjs';
import { startCluster } from './cluster.mjs';

const LIFT = '1000000/1000000';
const ENV = { TURNOUT_RATE_TOKEN_IP: LIFT, TURNOUT_RATE_SIGNIN_IP: LIFT, TURNOUT_RATE_SIGNUP_IP: LIFT,
  TURNOUT_RATE_CLAIM_CALLER: LIFT, TURNOUT_RATE_SHIFT_CALLER: LIFT, TURNOUT_REMINDER_INTERVAL: '1',
  TURNOUT_MAIL_CLAIM_S: '5' };
const CSRF = 'B'.repeat(43);
const sha = (t) => createHash('sha256').update(t).digest('hex');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => Math.floor(Date.now() / 1000);
const post = (url, path, init) => fetch(url + path, { method: 'POST', redirect: 'manual',
  signal: AbortSignal.timeout(init.timeout ?? 15000), ...init });

// A session starting in `minutes`, one slot of `capacity`, and guests held
// as their emailed links would bring them.
function session(c, { capacity, guests, minutes = 90 }) {
  const start = now() + minutes * 60;
  const ev = c.sql(`INSERT INTO events (type, title, description, seat, postcode, lat, lon, address,
    address_private, access_notes, starts_at, ends_at, status, created_at) VALUES ('canvass', 'Deadline night',
    '', 'E14001193', 'DE22 1AA', 52.93, -1.48, 'The hall', 0, '', ${start}, ${start + 7200}, 'published', 0)
    RETURNING id`);
  const slot = c.sql(`INSERT INTO slots (event_id, starts_at, ends_at, capacity)
    VALUES (${ev}, ${start}, ${start + 7200}, ${capacity}) RETURNING id`);
  const held = [];
  for (let i = 0; i < guests; i++) held.push({ token: randomBytes(32).toString('base64url'), email: `g${ev}.${i}@example.org` });
  for (let i = 0; i < guests; i += 2000) {
    c.sql(`INSERT INTO pending_signups (token_hash, slot_id, name, email, expires_at) VALUES
      ${held.slice(i, i + 2000).map((g, k) => `('${sha(g.token)}', ${slot}, 'Guest ${i + k}', '${g.email}', ${start})`).join(',')}`);
  }
  return { ev, slot, held };
}

// Guests confirming, `workers` at a time, until they run out or `until`:
// the acknowledged ones (200, with the place named) and when each was.
async function confirmAll(url, held, { workers = 16, until = Infinity } = {}) {
  const acked = [];
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < held.length && Date.now() < until) {
      const g = held[next++];
      try {
        const r = await post(url, '/signups/confirm', { headers: { 'Content-Type': 'application/x-www-form-urlencoded',
          Cookie: `turnout_csrf=${CSRF}` }, body: `csrf=${CSRF}&token=${g.token}` });
        const body = await r.text();
        if (r.status === 200 && /You are (going|on the waiting list)/.test(body)) acked.push({ ...g, at: Date.now() });
      } catch { /* not acknowledged */ }
    }
  }));
  return acked;
}

function checkSignups(c, s, acked) {
  const rows = c.sql(`SELECT email, status FROM signups WHERE slot_id = ${s.slot}`).split('\n').filter(Boolean);
  const count = new Map();
  for (const r of rows) count.set(r.split('|')[0], (count.get(r.split('|')[0]) ?? 0) + 1);
  const wrong = acked.filter((g) => count.get(g.email) !== 1);
  assert.equal(wrong.length, 0, `${wrong.length} of ${acked.length} acknowledged sign-ups not there exactly once`);
  const going = rows.filter((r) => r.endsWith('|going')).length;
  const [capacity, counted] = c.sql(`SELECT capacity, going FROM slots WHERE id = ${s.slot}`).split('|').map(Number);
  assert.ok(going <= capacity, `${going} going in a slot of ${capacity}`);
  assert.equal(counted, going, 'the slot counts who is going');
  return going;
}

// A phone bank of `contacts` voters and `callers` approved callers, each
// with a live session.
function bank(c, { contacts, callers }) {
  const g = c.sql("INSERT INTO local_groups (name, created_at) VALUES ('Cluster callers', 0) RETURNING id");
  const b = c.sql(`INSERT INTO phonebanks (group_id, name, script, survey, hours_start, hours_end, days, max_attempts,
    retry_wait_min, created_at) VALUES (${g}, 'Cluster calls', 'Hello {name}', 'single: Vote? | Yes | No', 0, 1440,
    127, 3, 240, 0) RETURNING id`);
  c.sql(`INSERT INTO phonebank_seats VALUES (${b}, 'E14001193')`);
  const pcs = c.sql('SELECT pc FROM postcodes ORDER BY pc LIMIT 400').split('\n');
  const csv = join(mkdtempSync(join(tmpdir(), 'turnout-list-')), 'list.csv');
  writeFileSync(csv, `first_name,last_name,phone,postcode\n${Array.from({ length: contacts },
    (_, i) => `Voter,Number${i},07${String(700000000 + i).padStart(9, '0')},${pcs[i % pcs.length]}`).join('\n')}\n`);
  const loaded = run(['contacts', '--phonebank', b, csv, '--db', c.db]);
  assert.equal(loaded.status, 0, loaded.stderr);
  const tokens = [];
  const rows = [];
  for (let i = 0; i < callers; i++) {
    const id = 900000 + Number(b) * 1000 + i;
    const t = randomBytes(32).toString('base64url');
    tokens.push(t);
    rows.push(`INSERT INTO people (id, name, email, created_at, last_active_at) VALUES (${id}, 'Caller ${i}', 'c${id}@example.org', ${now()}, ${now()});
      INSERT INTO phonebank_callers VALUES (${b}, ${id}, 1, ${now()});
      INSERT INTO sessions (token_hash, person_id, csrf, created_at, last_seen_at) VALUES ('${sha(t)}', ${id}, '${'c'.repeat(43)}', ${now()}, ${now()});`);
  }
  c.sql(rows.join('\n'));
  return { id: b, tokens };
}

// Each caller takes a voter, saves "no answer" and is handed the next in
// the same answer, until `until`.  Every voter handed out, to whom, and
// every save acknowledged.
async function callAll(url, b, until) {
  const handed = [];
  const saved = [];
  await Promise.all(b.tokens.map(async (t) => {
    let contact = 0;
    while (Date.now() < until) {
      const path = contact ? `/api/v1/phonebanks/${b.id}/contacts/${contact}/outcome` : `/api/v1/phonebanks/${b.id}/next`;
      let r, j;
      try {
        r = await post(url, path, { headers: { 'Content-Type': 'application/json', Cookie: `turnout_session=${t}`,
          Origin: url }, body: contact ? '{"outcome":"no_answer"}' : '{}' });
        j = await r.json();
      } catch { r = null; }
      if (!r || r.status !== 200) {
        contact = 0; // that one stays leased to this caller until its lease lapses
        await sleep(50);
        continue;
      }
      if (contact) saved.push({ contact, at: Date.now() });
      contact = j.result?.id ?? 0;
      if (contact) handed.push({ contact, caller: t });
      else await sleep(50);
    }
  }));
  return { handed, saved };
}

function checkCalls(c, b, { handed, saved }) {
  const to = new Map();
  for (const h of handed) (to.get(h.contact) ?? to.set(h.contact, new Set()).get(h.contact)).add(h.caller);
  const twice = [...to.values()].filter((s) => s.size > 1).length;
  assert.equal(twice, 0, `${twice} voters handed to two callers`);
  assert.ok(saved.length > 0, 'some calls were saved');
  const calls = new Map(c.sql(`SELECT contact_id, count(*) FROM calls WHERE contact_id IN
    (SELECT id FROM contacts WHERE phonebank_id = ${b.id}) GROUP BY contact_id`).split('\n').filter(Boolean)
    .map((l) => l.split('|').map(Number)));
  const wrong = saved.filter((s) => calls.get(s.contact) !== 1);
  assert.equal(wrong.length, 0, `${wrong.length} of ${saved.length} acknowledged outcomes not stored exactly once`);
  assert.equal([...calls.values()].filter((n) => n > 1).length, 0, 'no voter has two calls');
}

async function person(c, email, name) {
  const v = new Visitor(c.url);
  await v.signInByLink(c.outbox, email, name);
  return v;
}

test('three nodes: one killed mid-load; every acknowledged write once, nothing over capacity, no voter to two callers, reminders once', async () => {
  const c = startCluster(ENV);
  try {
    const s = session(c, { capacity: 60, guests: 4000 });
    const b = bank(c, { contacts: 8000, callers: 40 });
    // a car with 3 seats and 10 riders asking for one, the driver answering all at once
    const later = session(c, { capacity: 100, guests: 0, minutes: 3 * 1440 });
    const driver = await person(c, 'dee.driver@example.org', 'Dee Driver');
    await driver.get(`/events/${later.ev}/rides`);
    assert.equal((await driver.post(`/events/${later.ev}/rides/offer`, { postcode: 'DE65 5PN', seats: '3',
      max_detour_min: '30' })).status, 303);
    const offer = c.sql("SELECT id FROM ride_offers WHERE driver_id = (SELECT id FROM people WHERE email = 'dee.driver@example.org')");
    const asks = [];
    for (let i = 0; i < 10; i++) {
      const r = await person(c, `rider${i}@example.org`, `Rider${i} Rider`);
      await r.get(`/events/${later.ev}/rides`);
      assert.equal((await r.post(`/events/${later.ev}/rides/request`, { postcode: 'DE65 5FN' })).status, 303);
      const rid = c.sql(`SELECT id FROM ride_requests WHERE rider_id = (SELECT id FROM people WHERE email = 'rider${i}@example.org')`);
      assert.equal((await r.post(`/rides/requests/${rid}/ask`, { offer })).status, 303);
      asks.push(rid);
    }
    await driver.get(`/events/${later.ev}/rides`);

    const t0 = Date.now();
    const until = t0 + 7000;
    const signing = confirmAll(c.url, s.held, { until });
    const calling = callAll(c.url, b, until);
    await sleep(2000);
    const accepting = Promise.all(asks.map((rid) => driver.post(`/rides/requests/${rid}/accept`).catch(() => ({ status: 0 }))));
    c.killNode(2);
    const killedAt = Date.now();
    const [acked, calls, accepts] = await Promise.all([signing, calling, accepting]);

    // the service went on through the other two
    assert.ok(acked.some((g) => g.at > killedAt + 1000), 'sign-ups were acknowledged after the kill');
    assert.ok(calls.saved.some((x) => x.at > killedAt + 1000), 'calls were saved after the kill');
    const going = checkSignups(c, s, acked);
    assert.equal(going, 60, 'the slot filled');
    checkCalls(c, b, calls);
    const yes = accepts.filter((r) => r.status === 303).length;
    const [taken, accepted] = c.sql(`SELECT taken, (SELECT count(*) FROM ride_requests WHERE offer_id = ${offer}
      AND state = 'accepted') FROM ride_offers WHERE id = ${offer}`).split('|').map(Number);
    assert.ok(taken <= 3 && accepted === taken, `${taken} seats taken, ${accepted} riders accepted`);
    assert.ok(yes <= taken, `${yes} accepts answered yes, ${taken} seats taken`);
    console.log(`# ${acked.length} sign-ups, ${calls.saved.length} calls saved, ${yes} of 10 accepts (${taken} seats) acknowledged; node 2 killed at ${killedAt - t0} ms`);

    // reminders: one each, whichever node was reminding when node 2 died
    const want = Number(c.sql(`SELECT count(*) FROM signups WHERE slot_id = ${s.slot} AND status = 'going'`));
    let sent = 0;
    for (let i = 0; i < 300 && sent < want; i++) {
      await sleep(100);
      sent = Number(c.sql(`SELECT count(*) FROM mail_out WHERE mkey LIKE 'reminder-%-2h' AND sent_at IS NOT NULL
        AND mkey IN (SELECT 'reminder-' || id || '-2h' FROM signups WHERE slot_id = ${s.slot})`));
    }
    assert.equal(sent, want, 'every one going is reminded');
    assert.equal(c.sql(`SELECT count(*) FROM mail_out WHERE mkey LIKE 'reminder-%-2h'`), String(want), 'and reminded once');
    assert.equal(c.sql(`SELECT count(*) FROM (SELECT signup_id FROM reminders_sent GROUP BY signup_id, kind
      HAVING count(*) > 1) x`), '0');
  } finally {
    c.stop();
  }
});

test('one service: a search posted to one node is answered by another, a form from one posts to another, a phone bank edited on one is read so on the rest', async () => {
  const c = startCluster(ENV);
  try {
    // the search travels sealed in its link: any node opens it, none can be fooled
    const posted = await fetch(`${c.nodeUrl(1)}/`, { method: 'POST', redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'postcode=DE22+3HJ' });
    assert.equal(posted.status, 303);
    const link = posted.headers.get('location');
    assert.doesNotMatch(link, /DE22/i);
    for (const i of [2, 3]) {
      const page = await (await fetch(c.nodeUrl(i) + link)).text();
      assert.match(page, /<ol class="seats"/, `node ${i} answers the search`);
    }
    const forged = link.slice(0, -4) + (link.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    assert.match(await (await fetch(c.nodeUrl(2) + forged)).text(), /That search has expired/);
    // a signed-in organiser's form from node 1, posted to node 3
    const v = new Visitor(c.nodeUrl(1));
    await v.signInByLink(c.outbox, 'nell.node@example.org', 'Nell Node');
    await v.get('/account');
    v.base = c.nodeUrl(3);
    assert.equal((await v.post('/account', { name: 'Nell Nodes', email: 'nell.node@example.org' })).status, 200);
    assert.equal(c.sql("SELECT name FROM people WHERE email = 'nell.node@example.org'"), 'Nell Nodes');
    // a phone bank's settings, cached by each node, edited on one: every node reads the edit
    const b = bank(c, { contacts: 10, callers: 1 });
    const caller = (i) => fetch(`${c.nodeUrl(i)}/api/v1/phonebanks/${b.id}/next`, { method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: `turnout_session=${b.tokens[0]}`, Origin: c.nodeUrl(i) }, body: '{}' });
    for (const i of [1, 2, 3]) assert.equal((await caller(i)).status, 200, `node ${i} hands out voters`);
    c.sql(`UPDATE phonebanks SET hours_start = 0, hours_end = 1, days = 0 WHERE id = ${b.id}`);
    // a change made outside the store is read at once only because the version says so
    c.sql(`UPDATE phonebanks SET version = version + 1 WHERE id = ${b.id}`);
    for (const i of [1, 2, 3]) assert.notEqual((await caller(i)).status, 200, `node ${i} read the new calling hours`);
  } finally {
    c.stop();
  }
});

test('failover: the primary killed under load and the standby promoted; the nodes carry on by themselves and nothing acknowledged is lost', async () => {
  const c = startCluster(ENV);
  try {
    const s = session(c, { capacity: 100000, guests: 20000 });
    const b = bank(c, { contacts: 3000, callers: 20 });
    const t0 = Date.now();
    const until = t0 + 12000;
    const signing = confirmAll(c.url, s.held, { until, workers: 8 });
    const calling = callAll(c.url, b, until);
    // and someone looking up their nearest marginals meanwhile, page and API
    const seen = [];
    const looking = (async () => {
      while (Date.now() < until) {
        for (const path of ['/api/v1/marginals?postcode=DE221AA', '/postcodes/DE221AA/validate', '/account']) {
          const r = await fetch(c.url + path, { redirect: 'manual', headers: { Cookie: `turnout_session=${b.tokens[0]}` } })
            .catch(() => null);
          if (r) seen.push({ path, status: r.status, retry: r.headers.get('retry-after'), body: await r.text() });
        }
        await sleep(20);
      }
    })();
    await sleep(2000);
    c.killPrimary();
    const killedAt = Date.now();
    // a failover manager's decision, a second later
    await sleep(1000);
    c.promote();
    const [acked, calls] = await Promise.all([signing, calling, looking]);
    // while there was no primary: "try again shortly", never a fault
    const faults = seen.filter((x) => x.status >= 500 && x.status !== 503);
    assert.equal(faults.length, 0, `answers while failing over: ${faults.map((x) => `${x.path} ${x.status}`).slice(0, 5)}`);
    const busy = seen.filter((x) => x.status === 503);
    assert.ok(busy.every((x) => x.retry === '5'), 'a 503 says when to try again');
    assert.ok(busy.filter((x) => x.path.startsWith('/api/')).every((x) => JSON.parse(x.body).status === 503));
    console.log(`# ${seen.length} reads meanwhile: ${seen.filter((x) => x.status === 200).length} answered, ${busy.length} told to try again`);
    const before = acked.filter((g) => g.at <= killedAt);
    const after = acked.filter((g) => g.at > killedAt);
    assert.ok(before.length > 0 && after.length > 0, `${before.length} sign-ups acknowledged before the kill, ${after.length} after`);
    // the longest wait between two acknowledgements, from the kill on
    const times = acked.map((g) => g.at).sort((x, y) => x - y);
    let gap = 0;
    for (let i = 1; i < times.length; i++) if (times[i] > killedAt) gap = Math.max(gap, (times[i] - Math.max(times[i - 1], killedAt)) / 1000);
    assert.ok(gap <= 30, `unavailable for ${gap} s`);
    console.log(`# failover: no sign-up acknowledged for ${gap.toFixed(2)} s (primary killed, standby promoted 1 s later); ${acked.length} acknowledged`);
    // everything acknowledged is on the new primary
    assert.equal(c.sql("SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END"), 'primary');
    checkSignups(c, s, acked);
    checkCalls(c, b, calls);
    assert.equal((await fetch(`${c.url}/readyz`)).status, 200);
  } finally {
    c.stop();
  }
});

test('a stopped standby: a write waits for it rather than being answered, reads go on, and it lands when the standby is back', async () => {
  const c = startCluster(ENV);
  try {
    const s = session(c, { capacity: 10, guests: 3 });
    const [first, second, third] = s.held;
    assert.equal((await confirmAll(c.url, [first])).length, 1);
    c.standby('stop');
    const waiting = confirmAll(c.url, [second]);
    await sleep(3000);
    assert.equal(c.sql(`SELECT count(*) FROM signups WHERE email = '${second.email}'`), '0',
      'not committed without the standby');
    assert.equal((await fetch(`${c.url}/postcodes/DE221AA`)).status, 200, 'reads are served');
    c.standby('start');
    const acked = await waiting;
    assert.equal(acked.length, 1, 'answered once the standby has it');
    // whichever node answers next sees it
    for (let i = 1; i <= 3; i++) {
      const page = await (await fetch(`${c.nodeUrl(i)}/events/${s.ev}`)).text();
      assert.match(page, /8 of 10 places free/, `node ${i}'s page counts both`);
    }
    assert.equal((await confirmAll(c.url, [third])).length, 1);
    checkSignups(c, s, [first, second, third]);
  } finally {
    c.stop();
  }
});
