// A volunteer's first visit in headless Chromium: sign up, take the link
// from the outbox, sign in, join the local group suggested for their seat,
// sign out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { startServer, copyDb, linkFor, FIXTURE_DB, sqlOn } from '../integration/lib.mjs';

let srv, browser;
before(async () => {
  const db = copyDb(FIXTURE_DB);
  // a local group covering Derby North (2024), as an admin would set up
  sqlOn(db)("INSERT INTO local_groups (name, created_at) VALUES ('Derby for Change', 0);"
    + "INSERT INTO group_seats SELECT id, 'E14001193' FROM local_groups WHERE name = 'Derby for Change'");
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

test('sign up, sign in from the email, join the suggested group, sign out', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${srv.url}/`);
  await page.click('text=Sign up');
  await page.fill('#name', 'Hana Walker');
  await page.fill('#email', 'hana@example.org');
  await page.fill('#postcode', 'DE22 1AA');
  await page.click('button[type=submit]');
  await page.waitForSelector('h1:has-text("Check your email")');

  const mail = linkFor(srv.outbox, 'hana@example.org');
  assert.ok(mail);
  await page.goto(mail.url);
  await page.click('button:has-text("Sign in")');
  await page.waitForSelector('h1:has-text("Your account")');
  const cookies = await ctx.cookies();
  const session = cookies.find((c) => c.name === 'turnout_session');
  assert.ok(session.httpOnly);
  assert.equal(session.sameSite, 'Lax');
  assert.equal(await page.evaluate(() => document.cookie.includes('turnout_session')), false);

  await page.click('button:has-text("Join Derby for Change")');
  await page.waitForSelector('h1:has-text("Derby for Change")');
  assert.equal(await page.locator('button:has-text("Leave Derby for Change")').count(), 1);
  await page.goto(`${srv.url}/account`);
  assert.match(await page.textContent('main'), /Your groups\s*Derby for Change/);
  await page.screenshot({ path: 'build/test/screens/account.png', fullPage: true });

  await page.click('button:has-text("Sign out")');
  await page.waitForURL(`${srv.url}/`);
  assert.equal(await page.locator('a:has-text("Sign in")').count(), 1);
  await page.goto(`${srv.url}/account`);
  await page.waitForSelector('h1:has-text("Sign in")');
  assert.deepEqual(errors, []);
  await ctx.close();
});
