// Issue 12, a meeting as the people in it would run it, in headless Chromium: the chair
// calls it, members check in with the code on the screen until it is quorate, an
// amendment is carried, the motion (as amended) is carried, and a secretary is elected
// by IRV from ranked secret ballots, then two delegates by Meek STV with at least one
// place for a woman, a speakers list the members' pages follow live, and a motion a
// member submits, put on the agenda and debated; axe finds
// nothing on the meeting page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, axe, contextFor } from './lib.mjs';
import { startServer, copyDb, strongAdmin, Visitor, FIXTURE_DB } from '../integration/lib.mjs';

let srv, browser, chairV, gid;
const members = [];
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);

before(async () => {
  const db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: { TURNOUT_RATE_SIGNUP_IP: '1000/1000', TURNOUT_RATE_SIGNIN_IP: '1000/1000' } });
  browser = await launch();
  chairV = await strongAdmin(srv, db, 'chair@example.org', 'Charlie Chair');
  await chairV.get('/admin');
  await chairV.post('/admin/groups', { name: 'Derby Branch', seats: 'E14001193' });
  gid = (await chairV.api('GET', '/api/v1/groups')).body.result[0].id;
  for (const name of ['Asha', 'Bilal', 'Ceri']) {
    const v = new Visitor(srv.url);
    await v.signInByLink(srv.outbox, `${name.toLowerCase()}@example.org`, `${name} Member`);
    await v.get(`/groups/${gid}`);
    await v.post(`/groups/${gid}/join`);
    members.push(v);
  }
});
after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function vote(ctx, url, label) {
  const page = await ctx.newPage();
  await page.goto(url);
  await page.check(`label:has-text("${label}") input`);
  await Promise.all([page.waitForNavigation(), page.click('button:has-text("Cast my vote")')]);
  const note = await page.textContent('p.note[role=status]', { timeout: 3000 }).catch(async () => { throw new Error((await page.textContent('main')).slice(0, 2000)); });
  assert.match(note, /Your vote is recorded: .+\. Your receipt is [A-Z2-9]{10}/);
  await page.close();
}

test('check in, quorum, an amendment carried, the motion carried, a secretary elected by IRV', async () => {
  const chairCtx = await contextFor(browser, srv.url, chairV, { width: 1280, height: 900 });
  const chair = await chairCtx.newPage();
  await chair.goto(`${srv.url}/groups/${gid}`);
  await Promise.all([chair.waitForNavigation(), chair.click('a:has-text("Call a meeting")')]);
  await chair.fill('#mname', 'Branch general meeting');
  await chair.fill('#mdate', day(1));
  await chair.fill('#mstart', '19:00');
  await chair.fill('#mend', '21:00');
  await chair.fill('#mpc', 'DE22 1AA');
  await chair.fill('#maddr', 'Community Hall, 3 Kedleston Road');
  await chair.fill('#murl', 'https://meet.example.org/derby-branch');
  await chair.fill('#mqpct', '50');
  await chair.fill('#mqmin', '2');
  await Promise.all([chair.waitForNavigation(), chair.click('button:has-text("Call the meeting")')]);
  const url = chair.url();
  assert.match(url, /\/meetings\/\d+$/);
  assert.match(await chair.textContent('#quorum'), /0 of 3 members present\. Quorum: 2/);
  const code = (await chair.textContent('strong.code')).trim();

  // two members check in from their phones: quorate
  const ctxs = [];
  for (const m of members) ctxs.push(await contextFor(browser, srv.url, m));
  // the meeting is a session: a member says they are coming from the meeting's page,
  // lands on the session, and is led back
  {
    const p = await ctxs[2].newPage();
    await p.goto(url);
    const where = await p.textContent('#session');
    assert.match(where, /19:00–21:00 · Community Hall, 3 Kedleston Road, DE22 1AA · join online: https:\/\/meet\.example\.org\/derby-branch/);
    assert.match(where, /0 signed up to come/);
    await Promise.all([p.waitForNavigation(), p.click('button:has-text("I\'m coming")')]);
    assert.match(await p.textContent('main'), /You are going/);
    await p.goto(url);
    await Promise.all([p.waitForNavigation(), p.click('#session a:has-text("The session")')]);
    await Promise.all([p.waitForNavigation(), p.click('a:has-text("its agenda, motions and votes")')]);
    assert.equal(p.url(), url);
    assert.match(await p.textContent('#session'), /1 signed up to come\. You are going\./);
    await p.close();
  }
  for (const ctx of ctxs.slice(0, 2)) {
    const p = await ctx.newPage();
    await p.goto(url);
    await p.fill('#code', code);
    await Promise.all([p.waitForNavigation(), p.click('button:has-text("Check in")')]);
    assert.match(await p.textContent('main'), /You are checked in/);
    await p.close();
  }
  // the third is marked present by the chair
  await chair.reload();
  await Promise.all([chair.waitForNavigation(), chair.click('button:has-text("Mark Ceri Member present")')]);
  assert.match(await chair.textContent('#quorum'), /3 of 3 members present\. Quorum: 2 .*The meeting is quorate/);

  // a motion and an amendment, through the chair's forms
  await chair.click('summary:has-text("Table a motion or an amendment")');
  await chair.fill('#mtitle', 'Weekly canvassing');
  await chair.fill('#mbody', 'The branch canvasses Derby North every Saturday.');
  await chair.selectOption('#mover', { label: 'Asha Member' });
  await chair.selectOption('#seconder', { label: 'Bilal Member' });
  await Promise.all([chair.waitForNavigation(), chair.click('button:has-text("Table it")')]);
  await chair.click('summary:has-text("Table a motion or an amendment")');
  await chair.selectOption('#amends', { label: 'an amendment to “Weekly canvassing”' });
  await chair.fill('#mtitle', 'And Sundays');
  await chair.fill('#mbody', 'The branch canvasses Derby North every Saturday and Sunday.');
  await chair.selectOption('#mover', { label: 'Ceri Member' });
  await Promise.all([chair.waitForNavigation(), chair.click('button:has-text("Table it")')]);
  // the amendment shows its change to the motion, line by line
  assert.match(await chair.textContent('ol.diff li.removed'), /1 − The branch canvasses Derby North every Saturday\./);
  assert.match(await chair.textContent('ol.diff li.added'), /\+ The branch canvasses Derby North every Saturday and Sunday\./);
  // the motion cannot be put before its amendment
  assert.equal(await chair.locator('button:has-text("Put “Weekly canvassing” to the vote")').count(), 0);
  await Promise.all([chair.waitForNavigation(), chair.click('button:has-text("Put “And Sundays” to the vote")')]);
  await vote(ctxs[0], url, 'For');
  await vote(ctxs[1], url, 'For');
  await vote(ctxs[2], url, 'Against');
  await chair.reload();
  await Promise.all([chair.waitForNavigation(), chair.click('button:has-text("Close the vote on “And Sundays”")')]);
  assert.match(await chair.textContent('.amendment'), /Carried: 2 for, 1 against, 0 abstentions/);
  assert.match(await chair.textContent('article.motion'), /every Saturday and Sunday\./);

  await Promise.all([chair.waitForNavigation(), chair.click('button:has-text("Put “Weekly canvassing” to the vote")')]);
  for (const ctx of ctxs) await vote(ctx, url, 'For');
  await chair.reload();
  await Promise.all([chair.waitForNavigation(), chair.click('button:has-text("Close the vote on “Weekly canvassing”")')]);
  assert.match(await chair.textContent('article.motion > p.result'), /Carried: 3 for, 0 against, 0 abstentions \(a simple majority of the votes cast was needed; 3 of 3 members present, quorum 2\)\./);

  // an election by IRV
  await chair.click('summary:has-text("Hold an election")');
  await chair.fill('#epost', 'Secretary');
  await chair.fill('#ecands', 'Asha Member\nBilal Member\nCeri Member');
  await Promise.all([chair.waitForNavigation(), chair.click('button:has-text("Add the election")')]);
  await Promise.all([chair.waitForNavigation(), chair.click('button:has-text("Open the ballot for Secretary")')]);
  // Asha: Bilal 1; Bilal: Bilal 1; Ceri: Ceri 1, Asha 2 → Bilal has 2 of 3 at once
  const prefs = [{ 'Bilal Member': '1', 'Asha Member': '2' }, { 'Bilal Member': '1' }, { 'Ceri Member': '1', 'Asha Member': '2' }];
  for (const [i, ctx] of ctxs.entries()) {
    const p = await ctx.newPage();
    await p.goto(url);
    for (const [name, rank] of Object.entries(prefs[i])) await p.getByLabel(name, { exact: true }).selectOption(rank);
    await Promise.all([p.waitForNavigation(), p.click('button:has-text("Cast my secret ballot")')]);
    const note = await p.textContent('p.note[role=status]', { timeout: 3000 }).catch(async () => { throw new Error((await p.textContent('main')).slice(0, 2000)); });
    assert.match(note, /Your vote is recorded\. Your receipt is/);
    await p.close();
  }
  await chair.reload();
  await Promise.all([chair.waitForNavigation(), chair.click('button:has-text("Close the ballot and count")')]);
  assert.match(await chair.textContent('article.election'), /Elected: Bilal Member \(IRV, 3 ballots, 1 stage; 3 of 3 members present, quorum 2\)\./);
  // two delegates by Meek STV, at least one of them a woman: the chair ticks Ceri in the
  // election's balance rule; Asha and Bilal are everyone's first two, Ceri gets a place
  await chair.click('summary:has-text("Hold an election")');
  await chair.fill('#epost', 'Delegates');
  await chair.fill('#eseats', '2');
  await chair.selectOption('#emethod', 'meek');
  await chair.fill('#ecands', 'Asha Member\nBilal Member\nCeri Member');
  await Promise.all([chair.waitForNavigation(), chair.click('button:has-text("Add the election")')]);
  const delegates = chair.locator('article.election', { hasText: 'Delegates' });
  await delegates.locator('summary:has-text("Balance for Women")').click();
  await delegates.locator('label:has-text("Ceri Member") input').check();
  await delegates.getByLabel('At least this many of the places').fill('1');
  await Promise.all([chair.waitForNavigation(), delegates.locator('button:has-text("Save the balance rule")').click()]);
  assert.match(await delegates.textContent('p.note'), /Balance\. Women: Ceri Member\. At least 1 of the 2 places\./);
  await Promise.all([chair.waitForNavigation(), chair.click('button:has-text("Open the ballot for Delegates")')]);
  for (const ctx of ctxs) {
    const p = await ctx.newPage();
    await p.goto(url);
    const form = p.locator('article.election', { hasText: 'Delegates' });
    for (const [name, rank] of [['Asha Member', '1'], ['Bilal Member', '2'], ['Ceri Member', '3']]) await form.getByLabel(name, { exact: true }).selectOption(rank);
    await Promise.all([p.waitForNavigation(), form.locator('button:has-text("Cast my secret ballot")').click()]);
    await p.close();
  }
  await chair.reload();
  await Promise.all([chair.waitForNavigation(), delegates.locator('button:has-text("Close the ballot and count")').click()]);
  assert.match(await delegates.textContent('p.result'), /Elected: Asha Member, Ceri Member \(STV, Meek, 3 ballots/);
  assert.match(await delegates.textContent('table.count'), /Bilal Member excluded \(electing them would break the rule for Women\)/);
  // an agenda item with a speakers list: Asha asks to speak, the chair calls her, and
  // Bilal's open page shows it without a reload
  await chair.click('summary:has-text("Add an agenda item")');
  await chair.fill('#ititle', 'Any other business');
  await chair.fill('#imins', '2');
  await chair.selectOption('#ialt', 'alternate');
  await Promise.all([chair.waitForNavigation(), chair.click('button:has-text("Add the item")')]);
  const asha = await ctxs[0].newPage();
  await asha.goto(url);
  await Promise.all([asha.waitForNavigation(), asha.click('button:has-text("Ask to speak on Any other business")')]);
  assert.match(await asha.textContent('ol.speakers'), /Asha Member \(you\)/);
  const bilal = await ctxs[1].newPage();
  await bilal.goto(url);
  assert.match(await bilal.textContent('ol.speakers'), /Asha Member/);
  await chair.reload();
  await Promise.all([chair.waitForNavigation(), chair.click('button:has-text("Call the next speaker on Any other business")')]);
  await bilal.waitForFunction(() => /Speaking: Asha Member/.test(document.querySelector('[id^="speakers-"]').textContent), null, { timeout: 8000 });
  assert.match(await bilal.textContent('[id^="speakers-"]'), /Speaking: Asha Member · [12]:\d\d left/);
  assert.deepEqual(await axe(bilal), []);
  // a member submits a motion from her phone; the chair puts it on the agenda with its
  // seconder and opens the debate; Bilal's page shows who moved and seconded it
  await asha.goto(url);
  await asha.click('summary:has-text("Submit a motion or an amendment")');
  await asha.fill('#mtitle', 'Buses to Derby North');
  await asha.fill('#mbody', 'The branch hires a minibus for Saturday canvassing.');
  await Promise.all([asha.waitForNavigation(), asha.click('button:has-text("Submit it")')]);
  const submitted = asha.locator('article.motion', { hasText: 'Buses to Derby North' });
  assert.match(await submitted.textContent(), /submitted/);
  await chair.reload();
  const bus = chair.locator('article.motion', { hasText: 'Buses to Derby North' });
  await bus.locator('select[name=seconder]').selectOption({ label: 'Bilal Member' });
  await Promise.all([chair.waitForNavigation(), bus.locator('button:has-text("Put “Buses to Derby North” on the agenda")').click()]);
  await Promise.all([chair.waitForNavigation(), bus.locator('button:has-text("Open the debate on “Buses to Derby North”")').click()]);
  await bilal.reload();
  assert.match(await bilal.locator('article.motion', { hasText: 'Buses to Derby North' }).textContent(),
    /in debate[\s\S]*Moved by Asha Member, seconded by Bilal Member\./);
  await asha.close();
  await bilal.close();
  await chair.screenshot({ path: 'build/test/screens/meeting.png', fullPage: true });
  assert.deepEqual(await axe(chair), []);
  const member = await ctxs[0].newPage();
  await member.goto(url);
  assert.deepEqual(await axe(member), []);
  await chairCtx.close();
  for (const c of ctxs) await c.close();
});
