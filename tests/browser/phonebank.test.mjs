// Phone banking in headless Chromium: a volunteer asks to call, is approved,
// takes a voter, answers the survey (the branching hides what it skips),
// saves an outcome and is given the next voter; the organiser sees the call
// in the totals and the export.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launch, axe, signUpInPage } from './lib.mjs';
import { startServer, copyDb, strongAdmin, FIXTURE_DB, sqlOn } from '../integration/lib.mjs';

let srv, browser, db, admin, bank, gid;
const sql = (q) => sqlOn(db)(q);

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db });
  browser = await launch();
  admin = await strongAdmin(srv, db);
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Derby Phones', seats: 'E14001193' });
  gid = (await admin.api('GET', '/api/v1/groups')).body.result[0].id;
  await admin.get('/phonebanks/new');
  const r = await admin.post('/phonebanks', { group: gid, name: 'Derby North calls', seats: 'E14001193',
    script: '## Hello\nHi {name}, this is {caller} from the local campaign.',
    survey: 'single: Will you vote? | Yes | No -> 3 | Not sure\nmulti: What matters? | Housing | NHS\ntext: Anything else?',
    start: '00:00', end: '24:00' });
  bank = Number(/\/phonebanks\/(\d+)/.exec(r.headers.get('location'))[1]);
  await admin.get(`/phonebanks/${bank}`);
  const up = await admin.upload(`/phonebanks/${bank}/contacts`,
    'first_name,last_name,phone,postcode\nAnn,Archer,07700 100001,DE22 1AA\nBob,Baker,07700 100002,DE22 1AA\nCat,Cole,07700 100003,DE22 1AA\n');
  assert.equal(up.body.result.added, 3);
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

test('a caller takes a voter, answers, saves, gets the next; the organiser sees it', async () => {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await signUpInPage(page, srv, 'Cal Caller', 'cal@example.org');
  await page.goto(`${srv.url}/groups/${gid}`);
  await page.click('button:has-text("Join")');
  await page.click('a:has-text("Phone banks")');
  await page.click('a:has-text("Derby North calls")');
  await page.click('button:has-text("I would like to call")');
  await page.waitForSelector('text=An organiser will approve you');

  const pid = sql("SELECT id FROM people WHERE email = 'cal@example.org'");
  await admin.get(`/phonebanks/${bank}`);
  assert.equal((await admin.post(`/phonebanks/${bank}/callers/${pid}/approve`)).status, 303);

  await page.reload();
  await page.click('button:has-text("Start calling")');
  await page.waitForSelector('a[href^="tel:+44"]');
  const first = await page.textContent('section.call h2');
  assert.match(await page.textContent('.script'), new RegExp(`Hi ${first}, this is Cal`));
  // "No" skips question 2: the page hides it
  await page.check('input[name=q0][value="1"]');
  assert.equal(await page.isVisible('fieldset[data-q="2"]'), false);
  assert.equal(await page.isVisible('fieldset[data-q="3"]'), true);
  await page.check('input[name=q0][value="0"]');
  assert.equal(await page.isVisible('fieldset[data-q="2"]'), true);
  await page.check('input[name=q1_1]');
  await page.fill('textarea[name=q2]', 'Wants a bus to the hospital');
  // issue 17: the free-text answer had no label (axe: critical)
  assert.deepEqual(await axe(page), [], 'axe finds nothing on the caller page');
  await page.screenshot({ path: 'build/test/screens/call.png', fullPage: true });
  await page.click('button[value=answered]');
  await page.waitForSelector('a[href^="tel:+44"]');
  const second = await page.textContent('section.call h2');
  assert.notEqual(second, first, 'saving brings the next voter');
  assert.deepEqual(errors, []);

  // the organiser, in their own browser, sees the call in the totals and the export
  const org = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  await org.addCookies([...admin.jar].map(([name, value]) => ({ name, value, url: srv.url, httpOnly: true, sameSite: 'Lax' })));
  const op = await org.newPage();
  await op.goto(`${srv.url}/phonebanks/${bank}`);
  assert.equal(await op.textContent('#calls'), '1');
  const main = await op.textContent('main');
  assert.match(main, /Yes: 1/);
  assert.match(main, /NHS: 1/);
  assert.match(main, /Cal: 1 calls/);
  assert.equal(await op.locator('svg.chart rect').count(), 12);
  await op.screenshot({ path: 'build/test/screens/phonebank-totals.png', fullPage: true });
  const csv = await op.evaluate(async (u) => (await fetch(u)).text(), `${srv.url}/phonebanks/${bank}/export.csv`);
  assert.match(csv, /"Cal Caller",".+","E14001193","answered","","Yes","NHS","Wants a bus to the hospital"/);
  assert.doesNotMatch(csv, /\+44/);
  // and loads another list from the page, with a progress bar and a report by line
  await op.setInputFiles('#file', { name: 'more.csv', mimeType: 'text/csv',
    buffer: Buffer.from('name,phone\nDee Dale,07700 100004\nBad Row,12345\n') });
  await op.click('#upload button[type=submit]');
  await op.waitForSelector('#upload-result:has-text("rows")');
  assert.match(await op.textContent('#upload-result'), /2 rows: 1 added, 0 merged by phone, 0 on the do-not-call ledger, 1 refused\.\s*1 × .+\s*Line 3: /);
  assert.equal(await op.getAttribute('#progress', 'value'), '100');
  // issue 17: refusals grouped by reason, every refused line in a CSV, and a history of lists
  const errorsCsv = await op.getAttribute('#upload-result a', 'href');
  assert.match(errorsCsv, new RegExp(`^/phonebanks/${bank}/imports/\\d+/errors\\.csv$`));
  const refused = await op.evaluate(async (u) => (await fetch(u)).text(), srv.url + errorsCsv);
  assert.match(refused, /^line,reason\r\n3,"?[^\r\n]+"?\r\n$/);
  assert.doesNotMatch(refused, /12345|Bad Row/, 'line numbers and reasons only, no voter details');
  await op.reload();
  const history = await op.locator('#imports + table tbody tr').allTextContents();
  assert.equal(history.length, 2, 'both lists loaded are listed');
  assert.match(history[0], /more\.csv\s*2\s*1\s*0\s*0\s*1 · lines and reasons \(CSV\)\s*loaded whole/);
  assert.equal(sql(`SELECT count(*) FROM contacts WHERE phonebank_id = ${bank} AND practice = 0`), '4');

  // issue 17: the organiser's totals keep up without a reload
  await op.clock.install();
  await op.goto(`${srv.url}/phonebanks/${bank}`);
  assert.equal(await op.textContent('#calls'), '1');
  await page.click('button[value=busy]');
  await page.waitForSelector('text=Saved');
  await op.clock.runFor(16000);
  await op.waitForFunction(() => document.getElementById('calls').textContent === '2', null, { timeout: 5000 });
  assert.match(await op.textContent('#live-stamp'), /^Updated \d\d:\d\d:\d\d$/);
  assert.match(await op.textContent('main'), /Cal: 2 calls/);
});
