// What the browser tests share: Debian's Chromium (never a downloaded
// browser), axe-core run through the DevTools protocol (so the page's
// Content-Security-Policy does not block it), and a browser context that
// carries a Visitor's cookies.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { linkFor } from '../integration/lib.mjs';

export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// axe-core's findings on the page as it stands ("impact rule: where").
export async function axe(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => (await window.axe.run(document)).violations.map(
    (v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
}

// A context signed in as visitor (a Visitor from ../integration/lib.mjs), or anonymous.
export async function contextFor(browser, url, visitor, viewport = { width: 390, height: 844 }) {
  const ctx = await browser.newContext({ viewport });
  if (visitor) {
    await ctx.addCookies([...visitor.jar].map(([name, value]) => ({ name, value, url, httpOnly: true, sameSite: 'Lax' })));
  }
  return ctx;
}

// Signs a new volunteer up through the pages, as a person would: the form,
// the emailed link, its button; the page ends on their account.
export async function signUpInPage(page, srv, name, email) {
  await page.goto(`${srv.url}/signup`);
  await page.fill('#name', name);
  await page.fill('#email', email);
  await page.click('button[type=submit]');
  await page.waitForSelector('h1:has-text("Check your email")');
  await page.goto(linkFor(srv.outbox, email).url);
  await page.click('button:has-text("Sign in")');
  await page.waitForSelector('h1:has-text("Your account")');
}
