// Issue 14 (leaflets from templates): admins put a national template (a bad one is
// refused and nothing stored); a group's strong organiser fills it with one of the
// group's sessions and the group's imprint and gets a PDF whose text holds both; every
// leaflet made is recorded; only the group's members see it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, copyDb, strongAdmin, strongVisitor, groupMember, Visitor, FIXTURE_DB, sqlOn } from './lib.mjs';

const LEAFLET = readFileSync(fileURLToPath(new URL('../fixtures/materials/leaflet.svg', import.meta.url)), 'utf8');
const IMPRINT = 'Promoted by Ann Agent on behalf of Derby Doors, 1 High Street, Derby DE1 1AA';
let srv, db, admin, org, other, member, gid, gid2, tid, eid, lid;
const sql = (q) => sqlOn(db)(q);
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/\s+/g, ' ');

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: { TURNOUT_RATE_SIGNUP_IP: '1000/1000', TURNOUT_RATE_SIGNIN_IP: '1000/1000' } });
  admin = await strongAdmin(srv, db);
  await admin.get('/admin');
  await admin.post('/admin/groups', { name: 'Derby Doors', seats: 'E14001193' });
  await admin.post('/admin/groups', { name: 'Other Doors', seats: '' });
  const groups = (await admin.api('GET', '/api/v1/groups')).body.result;
  gid = groups.find((g) => g.name === 'Derby Doors').id;
  gid2 = groups.find((g) => g.name === 'Other Doors').id;
  org = await strongVisitor(srv, 'olu@example.org', 'Olu Organiser');
  other = await strongVisitor(srv, 'bo@example.org', 'Bo Organiser');
  sql(`INSERT INTO memberships (group_id, person_id, role, joined_at) SELECT ${gid}, id, 'organiser', 0 FROM people WHERE email = 'olu@example.org';
       INSERT INTO memberships (group_id, person_id, role, joined_at) SELECT ${gid2}, id, 'organiser', 0 FROM people WHERE email = 'bo@example.org';`);
  member = await groupMember(srv, gid, 'mo@example.org', 'Mo Member');
  await org.get('/events/new');
  const day = new Date(Date.now() + 4 * 86400000).toISOString().slice(0, 10);
  const made = await org.post('/events', { group: gid, type: 'canvass', title: 'Doors in Derby North', date: day, start: '10:00', end: '13:00',
    postcode: 'DE22 1AA', address: 'Church hall', capacity: '10' });
  eid = Number(/\/events\/(\d+)/.exec(made.headers.get('location'))[1]);
});
after(async () => { if (srv) await srv.stop(); });

test('admins put templates; a bad one is refused with its reason and nothing is stored', async () => {
  await admin.get('/leaflets');
  for (const [svg, why] of [[LEAFLET.replace('<g id="page2">', '<script>x()</script><g id="page2">'), /&lt;script&gt;|<script>/],
    [LEAFLET.replace(/<text data-imprint="true"[^>]*>imprint<\/text>/, ''), /needs its imprint/], ['not svg', /not an SVG/]]) {
    const r = await admin.post('/leaflets/templates', { title: 'Bad', svg });
    assert.equal(r.status, 400);
    assert.match(text(r.body), why);
  }
  assert.equal(sql('SELECT count(*) FROM leaflet_templates'), '0');
  await org.get('/leaflets');
  assert.equal((await org.post('/leaflets/templates', { title: 'Mine', svg: LEAFLET })).status, 403, 'organisers do not put national templates');
  const r = await admin.post('/leaflets/templates', { title: 'Come canvassing', description: 'A5, two pages', svg: LEAFLET });
  assert.equal(r.status, 303, text(r.body).slice(0, 300));
  tid = Number(/\/leaflets\/templates\/(\d+)/.exec(r.headers.get('location'))[1]);
});

test('an organiser fills the template with a session and the imprint; the PDF holds both', async () => {
  const form = text((await org.get(`/leaflets/templates/${tid}?group=${gid}`)).body);
  assert.match(form, /Doors in Derby North, \w+ \d+ \w+ \d{4}, 10:00–13:00/, 'the group\'s sessions to choose, with their times');
  assert.match(form, /2 pages\. Leave a field empty/);
  const make = (fields) => org.post(`/leaflets/templates/${tid}`, { group: gid, session: String(eid), slot_headline: 'Doors this Saturday',
    imprint: IMPRINT, keep_imprint: '1', ...fields });
  for (const [fields, status, why] of [[{ imprint: '' }, 400, /imprint .* is required/], [{ slot_headline: 'x'.repeat(26) }, 400, /25 characters/],
    [{ session: '999999' }, 400, /group's sessions/], [{ slot_signup: 'javascript:alert(1)' }, 400, /web link/], [{ group: gid2 }, 403, /group you organise/]]) {
    const r = await make(fields);
    assert.equal(r.status, status, JSON.stringify(fields));
    assert.match(text(r.body), why);
  }
  assert.equal(sql('SELECT count(*) FROM leaflets'), '0');
  const r = await make({});
  assert.equal(r.status, 303, text(r.body).slice(0, 300));
  lid = Number(/\/leaflets\/(\d+)/.exec(r.headers.get('location'))[1]);
  // the record: template version, group, who, when, the imprint
  assert.equal(sql(`SELECT l.version || '|' || g.name || '|' || p.email || '|' || l.imprint FROM leaflets l JOIN local_groups g ON g.id = l.group_id JOIN people p ON p.id = l.made_by WHERE l.id = ${lid}`),
    `1|Derby Doors|olu@example.org|${IMPRINT}`);
  assert.equal(JSON.parse(sql(`SELECT slots FROM leaflets WHERE id = ${lid}`)).signup, `${srv.url}/events/${eid}`);
  assert.equal(sql(`SELECT imprint FROM group_imprints WHERE group_id = ${gid}`), IMPRINT, 'kept for the next leaflet');
  const page = text((await org.get(`/leaflets/${lid}`)).body);
  assert.match(page, /From Come canvassing \(version 1\), for Derby Doors, made by Olu Organiser/);
  // the PDF, read back: the imprint, the session's time and place, the headline
  const res = await fetch(`${srv.url}/leaflets/${lid}/leaflet.pdf`, { headers: { Cookie: member.cookieHeader() } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  const dir = mkdtempSync(join(tmpdir(), 'turnout-leaflet-'));
  writeFileSync(join(dir, 'l.pdf'), Buffer.from(await res.arrayBuffer()));
  const words = execFileSync('pdftotext', [join(dir, 'l.pdf'), '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  assert.ok(words.includes(IMPRINT), words);
  assert.match(words, /Doors this Saturday/);
  assert.match(words, /10:00–13:00/);
  assert.match(words, /Church hall, DE22 1AA/);
  const png = await fetch(`${srv.url}/leaflets/${lid}/leaflet.png`, { headers: { Cookie: org.cookieHeader() } });
  assert.equal(png.headers.get('content-type'), 'image/png');
  // the next form offers the group's imprint
  assert.ok((await org.get(`/leaflets/templates/${tid}?group=${gid}`)).body.includes(IMPRINT));
});

test('only the group\'s members see its leaflets; only its strong organisers make them', async () => {
  const outsider = new Visitor(srv.url);
  await outsider.signInByLink(srv.outbox, 'out@example.org', 'Owen Out');
  assert.equal((await outsider.get(`/leaflets/${lid}`)).status, 404);
  assert.equal((await fetch(`${srv.url}/leaflets/${lid}/leaflet.pdf`, { headers: { Cookie: outsider.cookieHeader() } })).status, 404);
  assert.equal((await other.get(`/leaflets/${lid}`)).status, 404);
  assert.equal((await member.get(`/leaflets/${lid}`)).status, 200);
  await member.get(`/leaflets/templates/${tid}`);
  assert.equal((await member.post(`/leaflets/templates/${tid}`, { group: gid, imprint: IMPRINT })).status, 403);
  const anon = await fetch(`${srv.url}/leaflets/${lid}/leaflet.pdf`, { redirect: 'manual' });
  assert.equal(anon.status, 303);
});

test('a local photo from the library fills the image slot; a picture the organiser cannot see is refused', async () => {
  const photo = readFileSync(fileURLToPath(new URL('../fixtures/materials/gps.jpg', import.meta.url)));
  const share = async (v, group, title) => {
    await v.get('/materials');
    const form = new FormData();
    for (const [k, val] of Object.entries({ csrf: v.csrf, title, licence: 'CC BY 4.0', group, scope: 'group' })) form.append(k, String(val));
    form.append('file', new Blob([photo]), 'street.jpg');
    const r = await fetch(`${srv.url}/materials`, { method: 'POST', body: form, redirect: 'manual', headers: { Cookie: v.cookieHeader(), Origin: srv.url } });
    assert.equal(r.status, 303);
    return Number(/\/materials\/(\d+)/.exec(r.headers.get('location'))[1]);
  };
  const ours = await share(org, gid, 'Our high street');
  const theirs = await share(other, gid2, 'Their high street');
  const form = await org.get(`/leaflets/templates/${tid}?group=${gid}`);
  assert.match(form.body, new RegExp(`<option value="${ours}">Our high street</option>`));
  assert.doesNotMatch(form.body, /Their high street/);
  const make = (pick) => org.post(`/leaflets/templates/${tid}`, { group: gid, session: String(eid), slot_photo: String(pick), imprint: IMPRINT });
  const refused = await make(theirs);
  assert.equal(refused.status, 400);
  assert.match(text(refused.body), /Choose a picture from the library/);
  const r = await make(ours);
  assert.equal(r.status, 303, text(r.body).slice(300, 700));
  const id = Number(/\/leaflets\/(\d+)/.exec(r.headers.get('location'))[1]);
  assert.equal(JSON.parse(sql(`SELECT slots FROM leaflets WHERE id = ${id}`)).photo, `material ${ours}`);
  const res = await fetch(`${srv.url}/leaflets/${id}/leaflet.pdf`, { headers: { Cookie: member.cookieHeader() } });
  const dir = mkdtempSync(join(tmpdir(), 'turnout-leaflet-'));
  writeFileSync(join(dir, 'p.pdf'), Buffer.from(await res.arrayBuffer()));
  // the photo is in the PDF, on page 2, at its own size (the picture kept upright: 48 wide, 64 high)
  const images = execFileSync('pdfimages', ['-list', join(dir, 'p.pdf')], { encoding: 'utf8' }).trim().split('\n').slice(2);
  assert.equal(images.length, 1, images.join('\n'));
  const [page, , , width, height] = images[0].trim().split(/\s+/);
  assert.deepEqual([page, width, height], ['2', '48', '64']);
});
