// Carpool for a session: offers, requests, who sees what before and after a
// driver accepts, and a race of accepts for the last seats.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, Visitor, copyDb, strongAdmin, FIXTURE_DB } from './lib.mjs';

let srv, db, event;
const sql = (q) => execFileSync('sqlite3', [db], { input: q, encoding: 'utf8' }).trim();
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);

async function person(email, name) {
  const v = new Visitor(srv.url);
  await v.signInByLink(srv.outbox, email, name);
  await v.get(`/events/${event}/rides`);
  return v;
}

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: { TURNOUT_RATE_SIGNUP_IP: '1000/1000', TURNOUT_RATE_SIGNIN_IP: '1000/1000' } });
  const admin = await strongAdmin(srv, db);
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Derby Drivers', seats: 'E14001193' });
  const gid = (await admin.api('GET', '/api/v1/groups')).body.result[0].id;
  await admin.get('/events/new');
  const r = await admin.post('/events', { group: gid, type: 'canvass', title: 'Doors in Derby', date: day(3),
    start: '10:00', end: '13:00', postcode: 'DE22 1AA', capacity: '30' });
  event = Number(/\/events\/(\d+)/.exec(r.headers.get('location'))[1]);
});
after(async () => { if (srv) await srv.stop(); });

test('offer, request, ask, accept: details shared only once accepted', async () => {
  const driver = await person('dee.driver@example.org', 'Dee Driver');
  // from Burton-ish (DE13), towards the session in Derby
  assert.equal((await driver.post(`/events/${event}/rides/offer`, { postcode: 'DE13 0AA', seats: '9' })).status, 400);
  assert.equal((await driver.post(`/events/${event}/rides/offer`, { postcode: 'nowhere', seats: '2' })).status, 400);
  assert.equal((await driver.post(`/events/${event}/rides/offer`, { postcode: 'DE65 5PN', seats: '2', max_detour_min: '25', notes: 'Child seat' })).status, 303);
  assert.match((await driver.get(`/events/${event}`)).body, /Rides: 2 seats offered/);

  const rider = await person('rae.rider@example.org', 'Rae Rider');
  assert.equal((await rider.post(`/events/${event}/rides/request`, { postcode: 'DE65 5FE' })).status, 303);
  const page = (await rider.get(`/events/${event}/rides`)).body;
  assert.match(page, /Dee from DE65/);
  assert.doesNotMatch(page, /Dee Driver|dee\.driver@|DE65 5PN|Child seat/, "first name and district only");
  const rid = sql("SELECT id FROM ride_requests WHERE rider_id = (SELECT id FROM people WHERE email = 'rae.rider@example.org')");
  const oid = sql('SELECT id FROM ride_offers');
  assert.equal((await rider.post(`/rides/requests/${rid}/ask`, { offer: oid })).status, 303);

  const before = (await driver.get(`/events/${event}/rides`)).body;
  assert.match(before, /Rae from DE65/);
  assert.doesNotMatch(before, /rae\.rider@|DE65 5FE/, 'no exact pick-up before accepting');
  // only the driver answers, and the rider cannot accept for them
  assert.equal((await rider.post(`/rides/requests/${rid}/accept`)).status, 404);
  assert.equal((await driver.post(`/rides/requests/${rid}/accept`)).status, 303);
  const after = (await driver.get(`/events/${event}/rides`)).body;
  assert.match(after, /pick up at DE65 5FE, contact rae\.rider@example\.org/);
  const riderSees = (await rider.get(`/events/${event}/rides`)).body;
  assert.match(riderSees, /Dee is taking you\. Contact: dee\.driver@example\.org/);
  assert.match(riderSees, /Child seat/);
  assert.equal(sql(`SELECT taken FROM ride_offers WHERE id = ${oid}`), '1');
});

test('accepts racing for the last seats never overbook', async () => {
  const driver = await person('max.driver@example.org', 'Max Driver');
  await driver.post(`/events/${event}/rides/offer`, { postcode: 'DE65 5PP', seats: '2', max_detour_min: '30' });
  const oid = sql("SELECT id FROM ride_offers WHERE driver_id = (SELECT id FROM people WHERE email = 'max.driver@example.org')");
  const riders = [];
  for (let i = 0; i < 6; i++) {
    const r = await person(`racer${i}@example.org`, `Racer${i} Rider`);
    await r.post(`/events/${event}/rides/request`, { postcode: 'DE65 5FN' });
    const rid = sql(`SELECT id FROM ride_requests WHERE rider_id = (SELECT id FROM people WHERE email = 'racer${i}@example.org')`);
    assert.equal((await r.post(`/rides/requests/${rid}/ask`, { offer: oid })).status, 303);
    riders.push(rid);
  }
  await driver.get(`/events/${event}/rides`);
  const results = await Promise.all(riders.map((rid) => driver.post(`/rides/requests/${rid}/accept`)));
  assert.equal(results.filter((r) => r.status === 303).length, 2);
  assert.equal(results.filter((r) => r.status === 409).length, 4);
  assert.equal(sql(`SELECT taken FROM ride_offers WHERE id = ${oid}`), '2');
  assert.equal(sql(`SELECT count(*) FROM ride_requests WHERE offer_id = ${oid} AND state = 'accepted'`), '2');
  assert.throws(() => sql(`UPDATE ride_offers SET taken = 3 WHERE id = ${oid}`), /CHECK constraint/);
});

test('a rider cancelling frees the seat; a driver withdrawing frees the riders, and they are told', async () => {
  const driver = await person('wyn.driver@example.org', 'Wyn Driver');
  await driver.post(`/events/${event}/rides/offer`, { postcode: 'DE65 5PN', seats: '1', max_detour_min: '30' });
  const oid = sql("SELECT id FROM ride_offers WHERE driver_id = (SELECT id FROM people WHERE email = 'wyn.driver@example.org')");
  const rider = await person('ria@example.org', 'Ria');
  await rider.post(`/events/${event}/rides/request`, { postcode: 'DE65 5FE' });
  const rid = sql("SELECT id FROM ride_requests WHERE rider_id = (SELECT id FROM people WHERE email = 'ria@example.org')");
  await rider.post(`/rides/requests/${rid}/ask`, { offer: oid });
  await driver.get(`/events/${event}/rides`);
  await driver.post(`/rides/requests/${rid}/accept`);
  assert.equal(sql(`SELECT taken FROM ride_offers WHERE id = ${oid}`), '1');
  await rider.get(`/events/${event}/rides`);
  assert.equal((await rider.post(`/rides/requests/${rid}/cancel`)).status, 303);
  assert.equal(sql(`SELECT taken FROM ride_offers WHERE id = ${oid}`), '0');
  // asked again, accepted again, then the driver withdraws
  await rider.post(`/events/${event}/rides/request`, { postcode: 'DE65 5FE' });
  await rider.get(`/events/${event}/rides`);
  await rider.post(`/rides/requests/${rid}/ask`, { offer: oid });
  await driver.get(`/events/${event}/rides`);
  assert.equal((await driver.post(`/rides/requests/${rid}/accept`)).status, 303);
  assert.equal((await rider.post(`/rides/offers/${oid}/cancel`)).status, 404, 'only the driver withdraws');
  assert.equal((await driver.post(`/rides/offers/${oid}/cancel`)).status, 303);
  assert.equal(sql(`SELECT state || ',' || coalesce(offer_id, 'none') FROM ride_requests WHERE id = ${rid}`), 'open,none');
  await new Promise((r) => setTimeout(r, 300));
  const subjects = execFileSync('sh', ['-c', `grep -l "^To: ria@example.org" ${srv.outbox}/*.eml | xargs grep -h "^Subject:"`], { encoding: 'utf8' });
  assert.match(subjects, /Your ride is confirmed/);
  assert.match(subjects, /Your driver cancelled/);
  const toDriver = execFileSync('sh', ['-c', `grep -l "^To: wyn.driver@example.org" ${srv.outbox}/*.eml | xargs grep -h "^Subject:"`], { encoding: 'utf8' });
  assert.match(toDriver, /A rider asks for a seat/);
  assert.match(toDriver, /A rider cancelled/);
});

test('signed out: sent to sign in; an unknown session is 404', async () => {
  const anon = new Visitor(srv.url);
  assert.equal((await anon.get(`/events/${event}/rides`)).status, 303);
  const v = await person('nosy@example.org', 'Nosy');
  assert.equal((await v.get('/events/99999/rides')).status, 404);
});
