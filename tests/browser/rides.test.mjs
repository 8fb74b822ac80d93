// A carpool in headless Chromium: a driver offers seats, a rider asks for a
// ride, the driver accepts, and both see the pick-up plan.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { signUpInPage } from './lib.mjs';
import { startServer, copyDb, run, FIXTURE_DB, sqlOn } from '../integration/lib.mjs';

let srv, browser, db;
const sql = (q) => sqlOn(db)(q);

before(async () => {
  db = copyDb(FIXTURE_DB);
  assert.equal(run(['demo', '--db', db]).status, 0);
  srv = await startServer({ db });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function signedIn(name, email) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  await signUpInPage(page, srv, name, email);
  return page;
}

// the postcode nearest a point north of the session, so the route runs through it
function postcodeNorth(lat, lon, dlat) {
  const pc = sql(`SELECT pc FROM postcodes WHERE lat IS NOT NULL ORDER BY
    (lat - ${lat + dlat}) * (lat - ${lat + dlat}) + (lon - ${lon}) * (lon - ${lon}) LIMIT 1`);
  return `${pc.slice(0, -3)} ${pc.slice(-3)}`; // as shown: outward, space, inward
}

test('offer a ride, ask for one, accept, and both see the plan', async () => {
  const [id, lat, lon] = sql("SELECT id, lat, lon FROM events WHERE postcode LIKE 'DE21%' ORDER BY starts_at LIMIT 1")
    .split('|').map(Number);
  const start = postcodeNorth(lat, lon, 0.12), pickup = postcodeNorth(lat, lon, 0.06);

  const driver = await signedIn('Dana Driver', 'dana@example.org');
  await driver.goto(`${srv.url}/events/${id}`);
  await driver.click('a:has-text("Rides:")');
  await driver.fill('#opc', start);
  await driver.fill('#oseats', '2');
  await driver.fill('#odep', '09:30');
  await driver.fill('#onotes', 'Room for a folding wheelchair');
  await driver.click('button:has-text("Offer seats")');
  await driver.waitForSelector('h2:has-text("Your offer: 0 of 2 seats taken")');

  const rider = await signedIn('Rui Rider', 'rui@example.org');
  await rider.goto(`${srv.url}/events/${id}/rides`);
  await rider.fill('#rpc', pickup);
  await rider.click('button:has-text("Find a driver")');
  const ask = rider.locator('button:has-text("Ask Dana")');
  await ask.waitFor();
  assert.doesNotMatch(await rider.textContent('main'), new RegExp(start.replace(' ', '\\s?')), 'no exact start before accepting');
  await ask.click();
  await rider.waitForSelector('text=waiting for Dana to answer');

  await driver.reload();
  await driver.click('button:has-text("Accept")');
  await driver.waitForSelector('ol.plan');
  const plan = await driver.textContent('ol.plan');
  assert.match(plan, new RegExp(`09:30 leave ${start}`));
  assert.match(plan, new RegExp(`09:\\d\\d pick up Rui at ${pickup}`));
  assert.match(await driver.textContent('main'), /contact rui@example\.org/);
  await driver.screenshot({ path: 'build/test/screens/rides-driver.png', fullPage: true });

  await rider.reload();
  const main = await rider.textContent('main');
  assert.match(main, /Dana is taking you\. Contact: dana@example\.org/);
  assert.match(main, /Room for a folding wheelchair/);
  assert.match(main, /Pick-up at about 09:\d\d/);
  assert.equal(await rider.locator('a:has-text("Add my ride to my calendar")').count(), 1);
  await rider.screenshot({ path: 'build/test/screens/rides-rider.png', fullPage: true });
});
