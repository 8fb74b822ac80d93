// A person's path through My Nearest Marginal in headless Chromium (Debian's
// /usr/bin/chromium, driven by playwright-core; no browser is downloaded).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startServer } from '../integration/lib.mjs';

let srv, browser;
before(async () => {
  srv = await startServer();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync('build/test/screens', { recursive: true });
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

// Issue 17: the straight line sent Cardiff across the Severn to North Somerset
test('Cardiff is told Monmouthshire before North Somerset, in km by road', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${srv.url}/`);
  await page.fill('#postcode', 'CF10 1EP');
  await page.click('details.options summary');
  await page.fill('#max_majority_pct', '10');
  await page.press('#postcode', 'Enter');
  await page.waitForSelector('ol.seats li');
  const items = await page.locator('ol.seats li h3').allTextContents();
  const mon = items.findIndex((t) => /Monmouthshire/.test(t));
  const ns = items.findIndex((t) => /North Somerset/.test(t));
  assert.ok(mon >= 0 && ns > mon, `Monmouthshire ${mon}, North Somerset ${ns} in ${items.join(' | ')}`);
  const nsText = await page.locator('ol.seats li').nth(ns).textContent();
  const km = Number(/About (\d+) km by road/.exec(nsText)?.[1]);
  assert.ok(km > 60 && km < 85, `North Somerset: ${nsText}`);
  await page.screenshot({ path: 'build/test/screens/cardiff-by-road.png' });
  await page.close();
});

test('enter a postcode, see the list and the map', async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.goto(`${srv.url}/`);
  // keyboard only: the skip link first; following it, the next Tab is the postcode field
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'postcode');
  await page.keyboard.type('de22 1aa');
  await page.keyboard.press('Enter');
  await page.waitForSelector('ol.seats li');
  const items = await page.locator('ol.seats li').allTextContents();
  assert.equal(items.length, 10);
  assert.match(items[0], /Mid Derbyshire/);
  assert.match(items[0], /About \d+ km by road/);
  assert.match(await page.textContent('.answer'), /Your seat is Derby North/);
  const map = page.locator('svg.map');
  assert.equal(await map.getAttribute('role'), 'group');
  assert.ok(await page.locator('svg.map path.marginal').count() >= 10);
  assert.equal(await page.locator('svg.map path.own').count(), 1);
  assert.equal(await page.locator('svg.map circle.you').count(), 1);
  const box = await map.boundingBox();
  assert.ok(box.width > 300 && box.height > 200, 'map is drawn at a usable size');
  // issue 17, the map: numbers legible on a phone (they were 6-7 px), the key beside the
  // map rather than over its seats, seats as links, names to find one's way, and the map
  // right under the first three results
  const scale = box.width / Number((await map.getAttribute('viewBox')).split(' ')[2]);
  const label = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('svg.map .label text')).fontSize));
  assert.ok(label * scale >= 12, `numbers drawn at ${(label * scale).toFixed(1)} px`);
  const place = await page.evaluate(() => parseFloat(getComputedStyle(document.querySelector('svg.map text.place')).fontSize));
  assert.ok(place * scale >= 11, `place names drawn at ${(place * scale).toFixed(1)} px`);
  assert.equal(await page.locator('svg.map .legend').count(), 0);
  assert.match(await page.textContent('figure.mapbox figcaption'), /marginal.*your postcode.*your seat/);
  assert.equal(await page.locator('svg.map a[href^="/seats/"]').count(), 10);
  assert.ok(await page.locator('svg.map text.place').count() >= 3, 'neighbouring seats named');
  const third = await page.locator('ol.seats li').nth(2).boundingBox();
  const fourth = await page.locator('ol.seats li').nth(3).boundingBox();
  assert.ok(box.y > third.y + third.height - 1 && box.y + box.height < fourth.y + 1, 'the map comes after the first three');
  await page.screenshot({ path: 'build/test/screens/answer.png', fullPage: true });
  assert.deepEqual(problems, []);
  // on a desktop the map sits beside the list
  await page.setViewportSize({ width: 1280, height: 900 });
  const list = await page.locator('ol.seats').first().boundingBox();
  const wide = await map.boundingBox();
  assert.ok(wide.x >= list.x + list.width - 1 && Math.abs(wide.y - list.y) < 120, 'map beside the list');
  // a seat on the map opens its page, by keyboard too
  const seatLink = page.locator('svg.map a[href^="/seats/"]').first();
  const href = await seatLink.getAttribute('href');
  await seatLink.focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`${href}$`));
  await page.close();
});

test('a bad postcode brings the form back with a message', async () => {
  const page = await browser.newPage();
  await page.goto(`${srv.url}/`);
  await page.fill('#postcode', 'NOT A CODE');
  await page.click('button[type=submit]');
  await page.waitForSelector('[role=alert]');
  assert.match(await page.textContent('[role=alert]'), /does not look like a UK postcode/);
  assert.equal(await page.inputValue('#postcode'), 'NOT A CODE');
  assert.equal(await page.locator('ol.seats').count(), 0);
  await page.close();
});

test('options: another election and a party', async () => {
  const page = await browser.newPage();
  await page.goto(`${srv.url}/`);
  await page.fill('#postcode', 'DE22 1AA');
  await page.click('summary');
  await page.selectOption('#election', '2017');
  await page.fill('#max_majority_pct', '10');
  await page.selectOption('#party', 'lab');
  await page.click('button[type=submit]');
  await page.waitForSelector('ol.seats li');
  assert.match(await page.textContent('h2'), /2017 results/);
  const tags = await page.locator('ol.seats .tag.defend, ol.seats .tag.attack').count();
  assert.equal(tags, await page.locator('ol.seats li').count());
  await page.close();
});
