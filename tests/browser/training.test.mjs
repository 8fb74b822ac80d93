// Issue 15, on a phone in headless Chromium: a new volunteer asks to call for the demo
// phone bank, which asks its callers for the phone-banking module; they are sent to it,
// read it step by step (stopping half way and carried on where they were), pass its
// quiz, and are taken back to ask again, this time asking to call. axe finds nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, axe, contextFor } from './lib.mjs';
import { startServer, copyDb, FIXTURE_DB, groupMember, run, sqlOn } from '../integration/lib.mjs';

let srv, browser, db, vol, bank;
const sql = (q) => sqlOn(db)(q);

before(async () => {
  db = copyDb(FIXTURE_DB);
  assert.equal(run(['demo', '--db', db]).status, 0);
  srv = await startServer({ db, env: { TURNOUT_RATE_SIGNUP_IP: '1000/1000', TURNOUT_RATE_SIGNIN_IP: '1000/1000' } });
  browser = await launch();
  bank = Number(sql("SELECT target_id FROM gates WHERE action = 'phonebank_call'"));
  const gid = Number(sql(`SELECT group_id FROM phonebanks WHERE id = ${bank}`));
  vol = await groupMember(srv, gid, 'new@example.org', 'Nia New');
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

// The right answer to each question on the page, as the form takes it.
async function answerAll(page, right) {
  for (const fs of await page.locator('fieldset.question').all()) {
    const field = await fs.locator('input').first().getAttribute('name');
    const qid = Number(/^q(\d+)/.exec(field)[1]);
    const row = sql(`SELECT kind || '\t' || options || '\t' || answer FROM quiz_questions WHERE id = ${qid}`).split('\t');
    const [k, opts, ans] = [row[0], row[1].split('\n'), row[2] ?? ''];
    const idx = ans.split(',').filter((x) => x !== '').map(Number);
    if (k === 'single') await fs.locator(`input[value="${right ? idx[0] : (idx[0] + 1) % opts.length}"]`).check();
    if (k === 'multiple') for (const i of (right ? idx : [idx[0] === 0 ? 1 : 0])) await fs.locator(`input[name="q${qid}_${i}"]`).check();
    if (k === 'order') for (const [rank, o] of idx.entries()) await fs.locator(`input[name="q${qid}_${o}"]`).fill(String(right ? rank + 1 : opts.length - rank));
    if (k === 'short') await fs.locator(`input[name="q${qid}"]`).fill(right ? opts[0] : 'no idea');
  }
}

test('asked to train before calling, a volunteer passes the module on a phone and is taken back to ask again', async () => {
  const ctx = await contextFor(browser, srv.url, vol, { width: 390, height: 844 });
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/phonebanks/${bank}`);
  assert.match(await page.textContent('main'), /Callers first complete Phone banking/);
  await page.click('button:has-text("I would like to call")');
  await page.waitForURL(/\/training\/phone-banking\?why=gate&next=/);
  assert.match(await page.textContent('main'), /Finish this module first/);
  assert.equal(sql(`SELECT count(*) FROM phonebank_callers WHERE phonebank_id = ${bank}`), '0', 'not asked yet');
  assert.deepEqual(await axe(page), []);
  // two steps, then away
  await page.click('button:has-text("Next step")');
  await page.click('button:has-text("Next step")');
  assert.equal(sql('SELECT step FROM training_progress'), '2');
  await page.goto(`${srv.url}/training`);
  assert.match(await page.textContent('main'), /Phone banking to do/);
  // back later: it carries on at step 3
  await page.goto(`${srv.url}/training/phone-banking?next=/phonebanks/${bank}`);
  assert.match(await page.textContent('#step-h'), /^3\. /);
  await page.click('button:has-text("Next step")');
  await page.click('button:has-text("Done: on to the quiz")');
  await page.click('button:has-text("Take the quiz")');
  await page.waitForURL(/\/training\/attempts\/\d+/);
  assert.equal(await page.locator('fieldset.question').count(), 5, 'five drawn from the bank of eight');
  assert.deepEqual(await axe(page), []);
  await answerAll(page, true);
  await page.click('button:has-text("Send my answers")');
  assert.match(await page.textContent('main'), /You passed: 5 of 5/);
  assert.equal(sql("SELECT version || '/' || via FROM completions"), '1/quiz');
  assert.ok(Number(sql('SELECT expires_at - completed_at FROM completions')) === 365 * 86400, 'a year');
  await page.click('a:has-text("Go back to where you were")');
  await page.waitForURL(`**/phonebanks/${bank}`);
  await page.click('button:has-text("I would like to call")');
  await page.waitForURL(`**/phonebanks/${bank}`);
  assert.match(await page.textContent('main'), /An organiser will approve you as a caller/);
  assert.equal(sql(`SELECT count(*) FROM phonebank_callers WHERE phonebank_id = ${bank}`), '1');
  await ctx.close();
});

test('wrong answers fail; after the last attempt the gate stays shut and says so', async () => {
  const gid = Number(sql(`SELECT group_id FROM phonebanks WHERE id = ${bank}`));
  const v = await groupMember(srv, gid, 'wrong@example.org', 'Will Wrong');
  const ctx = await contextFor(browser, srv.url, v, { width: 390, height: 844 });
  const page = await ctx.newPage();
  await page.goto(`${srv.url}/training/phone-banking`);
  for (let i = 0; i < 4; i++) await page.click('button[type=submit]:not(.link)');
  for (let attempt = 1; attempt <= 3; attempt++) {
    await page.goto(`${srv.url}/training/phone-banking?step=4`);
    await page.click('button:has-text("Take the quiz")');
    await page.waitForURL(/\/training\/attempts\/\d+/);
    await answerAll(page, false);
    await page.click('button:has-text("Send my answers")');
    assert.match(await page.textContent('main'), new RegExp(`Not this time.*Attempts left: ${3 - attempt}`));
  }
  await page.goto(`${srv.url}/training/phone-banking?step=4`);
  assert.match(await page.textContent('main'), /You have used every attempt/);
  assert.equal(await page.locator('button:has-text("Take the quiz")').count(), 0);
  await page.goto(`${srv.url}/phonebanks/${bank}`);
  await page.click('button:has-text("I would like to call")');
  await page.waitForURL(/\/training\/phone-banking/);
  assert.equal(sql(`SELECT count(*) FROM phonebank_callers WHERE person_id = (SELECT id FROM people WHERE email = 'wrong@example.org')`), '0');
  await ctx.close();
});
