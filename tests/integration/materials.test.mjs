// Issue 14 (the materials library): a group's strong organisers share files with the
// group, a region of its seats or the whole movement (which waits for an admin's
// approval); files are told by their content, capped, and photos are encoded again
// without their metadata (a GPS-tagged photo is uploaded over HTTP and the stored file
// read back, from the server and from the blob store on disk); thumbnails, versions,
// search by text, tag and scope, download counts, "used by N groups"; a material of one
// group is not seen by another unless it is shared up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, existsSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer, copyDb, strongAdmin, strongVisitor, groupMember, mailFor, FIXTURE_DB, sqlOn, filesOf } from './lib.mjs';

const fixture = (f) => readFileSync(fileURLToPath(new URL(`../fixtures/materials/${f}`, import.meta.url)));
const PHOTO = fixture('gps.jpg');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="#c00"/></svg>');
let srv, db, admin, org, orgB, orgC, member, memberB, memberC, gid, gidB, gidC;
const sql = (q) => sqlOn(db)(q);
const text = (html) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, ' ');
const count = () => sql('SELECT count(*) FROM materials') + '/' + sql('SELECT count(*) FROM material_versions');
const blobs = () => {
  const dir = filesOf(db);
  return existsSync(dir) ? readdirSync(dir).flatMap((d) => readdirSync(join(dir, d))).length : 0;
};

// A browser's multipart form: the fields, the csrf token and a file.
async function share(v, path, fields, file, { name = 'file.bin', csrf = true } = {}) {
  if (!v.csrf) await v.get('/materials');
  const form = new FormData();
  if (csrf) form.append('csrf', v.csrf);
  for (const [k, val] of Object.entries(fields)) form.append(k, String(val));
  if (file) form.append('file', new Blob([file]), name);
  const res = await fetch(srv.url + path, { method: 'POST', body: form, redirect: 'manual',
    headers: { Cookie: v.cookieHeader(), Origin: srv.url } });
  return { status: res.status, headers: res.headers, body: await res.text() };
}
const waitFor = async (f, what) => {
  for (let i = 0; i < 100; i++) { const v = f(); if (v) return v; await new Promise((r) => setTimeout(r, 50)); }
  assert.fail(`waited in vain for ${what}`);
};
const idOf = (r) => Number(/\/materials\/(\d+)/.exec(r.headers.get('location'))[1]);
const good = (extra = {}) => ({ title: 'Save our bus', description: 'A photo of\nthe 42', tags: 'Buses, photo', licence: 'CC BY 4.0',
  group: gid, scope: 'group', ...extra });
async function bytes(v, path) {
  const r = await fetch(srv.url + path, { headers: { Cookie: v.cookieHeader() } });
  return { status: r.status, headers: r.headers, body: Buffer.from(await r.arrayBuffer()) };
}
// The status line the server answers a form's headers with, before any body is sent.
function headOnly(path, headers) {
  const { hostname, port } = new URL(srv.url);
  return new Promise((resolve) => {
    const s = net.connect(Number(port), hostname, () => s.write(`POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n`
      + `Content-Type: multipart/form-data; boundary=x\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`));
    let out = '';
    const done = (v) => { clearTimeout(t); s.destroy(); resolve(v); };
    const t = setTimeout(() => done(null), 3000);
    s.on('data', (d) => { out += d; if (out.includes('\r\n')) done(out.split('\r\n')[0]); });
    s.on('error', () => done('closed'));
  });
}
// width and height from a JPEG's frame header
function jpegSize(b) {
  for (let i = 2; i < b.length;) {
    const m = b[i + 1];
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return [b.readUInt16BE(i + 7), b.readUInt16BE(i + 5)];
    i += 2 + b.readUInt16BE(i + 2);
  }
  return null;
}

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: { TURNOUT_RATE_SIGNUP_IP: '1000/1000', TURNOUT_RATE_SIGNIN_IP: '1000/1000',
    TURNOUT_FILES_SWEEP_INTERVAL: '1', TURNOUT_RATE_UPLOAD_MEMBER: '0.001/40' } });
  admin = await strongAdmin(srv, db);
  await admin.get('/admin');
  // Derby (East Midlands), a second East Midlands group, and one with no seats
  await admin.post('/admin/groups', { name: 'Derby Doors', seats: 'E14001193' });
  await admin.post('/admin/groups', { name: 'Other Doors', seats: '' });
  await admin.post('/admin/groups', { name: 'Midlands Doors', seats: 'E14001066' });
  const groups = (await admin.api('GET', '/api/v1/groups')).body.result;
  [gid, gidB, gidC] = ['Derby Doors', 'Other Doors', 'Midlands Doors'].map((n) => groups.find((g) => g.name === n).id);
  org = await strongVisitor(srv, 'olu@example.org', 'Olu Organiser');
  orgB = await strongVisitor(srv, 'bo@example.org', 'Bo Organiser');
  orgC = await strongVisitor(srv, 'cy@example.org', 'Cy Organiser');
  for (const [g, e] of [[gid, 'olu'], [gidB, 'bo'], [gidC, 'cy']])
    sql(`INSERT INTO memberships (group_id, person_id, role, joined_at) SELECT ${g}, id, 'organiser', 0 FROM people WHERE email = '${e}@example.org'`);
  member = await groupMember(srv, gid, 'mo@example.org', 'Mo Member');
  memberB = await groupMember(srv, gidB, 'mb@example.org', 'Mb Member');
  memberC = await groupMember(srv, gidC, 'mc@example.org', 'Mc Member');
});
after(async () => { if (srv) await srv.stop(); });

test('bad files and bad forms are refused with a reason, and nothing is stored', async () => {
  await org.get('/materials');
  for (const [fields, file, name, status, why] of [
    [good(), PHOTO, 'photo.png', 400, /is a JPEG, not what its name says/],
    [good(), Buffer.from('MZ\x90\x00 not a document'), 'leaflet.pdf', 400, /not a PDF, PNG, JPEG or SVG/],
    [good(), Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'a.svg', 400, /script/],
    [good(), Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><image href="https://x.example/a.png"/></svg>'), 'a.svg', 400, /external/],
    [good(), Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 << 20, 0x20)]), 'big.pdf', 400, /A file is 10 MiB at most/],
    [good(), null, '', 400, /Choose the file/],
    [good({ title: '' }), PHOTO, 'p.jpg', 400, /title/],
    [good({ title: '<b>Bold</b>' }), PHOTO, 'p.jpg', 400, /title/],
    [good({ tags: 'a, b, c, d, e, f, g, h, i' }), PHOTO, 'p.jpg', 400, /At most 8 tags/],
    [good({ tags: 'fish&chips' }), PHOTO, 'p.jpg', 400, /letters, digits and hyphens/],
    [good({ licence: 'Mine' }), PHOTO, 'p.jpg', 400, /licence/],
    [good({ scope: 'planet' }), PHOTO, 'p.jpg', 400, /who may see it/],
    [good({ scope: 'region', region: 'South East' }), PHOTO, 'p.jpg', 400, /region the group's seats lie in/],
    [good({ group: gidB }), PHOTO, 'p.jpg', 403, /group you organise/],
  ]) {
    const r = await share(org, '/materials', fields, file, { name });
    assert.equal(r.status, status, `${name} ${JSON.stringify(fields).slice(0, 80)}: ${text(r.body).slice(0, 200)}`);
    assert.match(text(r.body), why);
  }
  // a form over the cap is refused from its headers, before its body is taken
  assert.match(await headOnly('/materials', { Cookie: org.cookieHeader(), Origin: srv.url, 'Content-Length': String(11 << 20) }),
    /^HTTP\/1\.1 413 /);
  assert.equal(await headOnly('/materials', { Origin: srv.url, 'Content-Length': '1000' }), 'HTTP/1.1 303 See Other', 'signed out: to sign in');
  // a member is no organiser; no form token, or another site's form, is refused
  assert.equal((await share(member, '/materials', good(), PHOTO, { name: 'p.jpg' })).status, 403);
  assert.equal((await share(org, '/materials', good(), PHOTO, { name: 'p.jpg', csrf: false })).status, 403);
  assert.equal(await headOnly('/materials', { Cookie: org.cookieHeader(), Origin: 'http://evil.example', 'Content-Length': '1000' }),
    'HTTP/1.1 403 Forbidden', 'another site');
  assert.equal(count(), '0/0');
  assert.equal(blobs(), 0, 'no file kept for a refused form');
});

let photoId;
test('a photo with GPS tags is stored without them, upright, under its hash; its thumbnail is 240 wide', async () => {
  assert.ok(PHOTO.includes('Exif') && PHOTO.includes('TestCam') && PHOTO.includes('Ann Ley'));
  const r = await share(org, '/materials', good(), PHOTO, { name: 'C:\\fakepath/bus stop.JPG' });
  assert.equal(r.status, 303, text(r.body).slice(0, 300));
  photoId = idOf(r);
  // what the server gives back, and what is on disk under the hash it recorded
  const got = await bytes(member, `/materials/${photoId}/file`);
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-type'), 'image/jpeg');
  assert.match(got.headers.get('content-disposition'), /^attachment; filename="bus_stop\.JPG"$/);
  const hash = sql(`SELECT hash FROM material_versions WHERE material_id = ${photoId}`);
  const onDisk = readFileSync(join(filesOf(db), hash.slice(0, 2), hash));
  assert.deepEqual(onDisk, got.body);
  assert.equal(createHash('sha256').update(onDisk).digest('hex'), hash);
  for (const tag of ['Exif', 'TestCam', 'Ann Ley', 'GPS']) assert.ok(!onDisk.includes(tag), `${tag} is gone`);
  assert.equal(onDisk[0], 0xff);
  assert.equal(onDisk[1], 0xd8);
  assert.deepEqual(jpegSize(onDisk), [48, 64], 'turned upright before the orientation tag went');
  assert.equal(sql(`SELECT bytes = ${onDisk.length} FROM material_versions WHERE material_id = ${photoId}`), '1');
  const thumb = await bytes(member, `/materials/${photoId}/thumb`);
  assert.equal(thumb.status, 200);
  assert.equal(thumb.headers.get('content-type'), 'image/png');
  assert.equal(thumb.body.readUInt32BE(16), 240);
  assert.equal(thumb.body.readUInt32BE(20), 320);
  // the page
  const page = text((await member.get(`/materials/${photoId}`)).body);
  assert.match(page, /Save our bus/);
  assert.match(page, /A photo of the 42/);
  assert.match(page, /For the members of Derby Doors ·/);
  assert.match(page, /Tags: buses photo/);
  assert.match(page, /Downloaded 1 time ·/);
  assert.equal(sql(`SELECT audit_log.action FROM audit_log WHERE action = 'material.put'`), 'material.put');
});

test('a group\'s material is its members\' alone; a region\'s reaches every group with a seat in it', async () => {
  for (const v of [orgB, memberB, memberC, orgC]) {
    assert.equal((await v.get(`/materials/${photoId}`)).status, 404);
    assert.equal((await bytes(v, `/materials/${photoId}/file`)).status, 404);
    assert.equal((await bytes(v, `/materials/${photoId}/thumb`)).status, 404);
    assert.doesNotMatch((await v.get('/materials')).body, /Save our bus/);
  }
  assert.match((await member.get('/materials')).body, /Save our bus/);
  const r = await share(org, '/materials', good({ title: 'East Midlands poster', tags: 'poster', scope: 'region', region: 'East Midlands' }), SVG, { name: 'poster.svg' });
  assert.equal(r.status, 303, text(r.body).slice(0, 300));
  const rid = idOf(r);
  assert.equal((await memberC.get(`/materials/${rid}`)).status, 200, 'a member of another group in the region');
  const svg = await bytes(memberC, `/materials/${rid}/file`);
  assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
  assert.match(svg.headers.get('content-security-policy'), /sandbox/);
  assert.deepEqual(svg.body, SVG);
  assert.equal((await memberB.get(`/materials/${rid}`)).status, 404, 'a group with no seat in the region');
  // search: by words, by tag, by scope
  const found = async (v, q) => [...(await v.get(`/materials?${q}`)).body.matchAll(/<a href="\/materials\/(\d+)">/g)].map((m) => Number(m[1]));
  assert.deepEqual(await found(member, 'q=POSTER'), [rid]);
  assert.deepEqual(await found(member, 'q=bus'), [photoId]);
  assert.deepEqual(await found(member, 'tag=photo'), [photoId]);
  assert.deepEqual(await found(member, 'scope=region'), [rid]);
  assert.deepEqual(await found(member, 'q=100%25'), []);
  assert.deepEqual(await found(memberC, 'q=bus'), []);
  // the same list as JSON, for an integration with the member's session
  const api = await memberC.api('GET', '/api/v1/materials');
  assert.equal(api.status, 200);
  assert.deepEqual(api.body.result.map((m) => [m.id, m.scope, m.region, m.type, m.file]),
    [[rid, 'region', 'East Midlands', 'svg', `/materials/${rid}/file?v=1`]]);
  assert.deepEqual((await member.api('GET', '/api/v1/materials?tag=photo')).body.result.map((m) => m.tags), [['buses', 'photo']]);
  const badApi = await member.api('GET', '/api/v1/materials?scope=planet');
  assert.deepEqual([badApi.status, badApi.body.status, typeof badApi.body.error], [400, 400, 'string']);
  assert.equal((await fetch(`${srv.url}/api/v1/materials`)).status, 401);
  const bad = await member.get('/materials?tag=no%20such%20tag!');
  assert.equal(bad.status, 400);
  assert.match(text(bad.body), /not a tag/);
});

let natId;
test('the movement\'s materials wait for an admin, who publishes or refuses with a reason; the uploader is told', async () => {
  const r = await share(org, '/materials', good({ title: 'National flyer', tags: 'flyer', scope: 'movement' }), SVG, { name: 'flyer.svg' });
  assert.equal(r.status, 303);
  natId = idOf(r);
  assert.match(text((await org.get(`/materials/${natId}`)).body), /waits for an admin's approval/);
  // the admins are told
  const asked = await waitFor(() => mailFor(srv.outbox, 'org@example.org', /"National flyer" was shared with the whole movement and waits/), 'the admins told');
  assert.match(asked.text, new RegExp(`/materials/${natId}`));
  assert.equal((await memberB.get(`/materials/${natId}`)).status, 404, 'not yet for the movement');
  assert.match(text((await admin.get('/materials')).body), /1 waiting for approval/);
  assert.match((await admin.get('/materials?waiting=1')).body, new RegExp(`/materials/${natId}"`));
  await org.get(`/materials/${natId}`);
  assert.equal((await org.post(`/materials/${natId}/decide`, { decision: 'publish' })).status, 403, 'organisers do not approve');
  await admin.get(`/materials/${natId}`);
  assert.equal((await admin.post(`/materials/${natId}/decide`, { decision: 'refuse', reason: '' })).status, 400);
  assert.equal((await admin.post(`/materials/${natId}/decide`, { decision: 'publish' })).status, 303);
  await waitFor(() => mailFor(srv.outbox, 'olu@example.org', /National flyer" is now in the library for the whole movement/), 'the mail');
  assert.equal((await memberB.get(`/materials/${natId}`)).status, 200);
  assert.match(text((await admin.get('/materials')).body), /Nothing waits for approval/);
  assert.equal((await admin.post(`/materials/${natId}/decide`, { decision: 'publish' })).status, 409, 'decided once');
  // a new version waits again; members go on seeing the published one
  await org.get(`/materials/${natId}`);
  const v2 = Buffer.from(SVG.toString().replace('#c00', '#00c'));
  assert.equal((await share(org, `/materials/${natId}/versions`, { note: 'Blue now' }, v2, { name: 'flyer.svg' })).status, 303);
  assert.deepEqual((await bytes(memberB, `/materials/${natId}/file`)).body, SVG);
  assert.equal((await bytes(memberB, `/materials/${natId}/file?v=2`)).status, 404);
  assert.deepEqual((await bytes(org, `/materials/${natId}/file?v=2`)).body, v2);
  await admin.get(`/materials/${natId}`);
  assert.equal((await admin.post(`/materials/${natId}/decide`, { decision: 'refuse', reason: 'Blue is the other lot' })).status, 303);
  await waitFor(() => mailFor(srv.outbox, 'olu@example.org', /was not published for the whole movement: Blue is the other lot/), 'the mail');
  assert.match(text((await org.get(`/materials/${natId}`)).body), /not published: Blue is the other lot/);
  assert.deepEqual((await bytes(memberB, `/materials/${natId}/file`)).body, SVG);
  // admins may publish at once instead
  await admin.get('/materials');
  assert.equal((await admin.post('/materials/settings', { approval: '0' })).status, 303);
  await orgB.get('/materials');
  assert.equal((await orgB.post('/materials/settings', { approval: '1' })).status, 403);
  const now = await share(org, '/materials', good({ title: 'Straight out', scope: 'movement' }), SVG, { name: 'now.svg' });
  assert.equal((await memberB.get(`/materials/${idOf(now)}`)).status, 200);
  assert.equal(blobs(), 6, 'one file and one thumbnail for each distinct file: the photo, the red SVG (three times), the blue');
});

test('versions, downloads, "used by N groups", and removal: by the group\'s organisers only', async () => {
  await org.get(`/materials/${photoId}`);
  const pdf = execFileSync('sh', ['-c', `printf '%s' "$0"`, '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/MediaBox[0 0 420 595]/Parent 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n']);
  const v2 = await share(org, `/materials/${photoId}/versions`, { note: 'As a PDF' }, pdf, { name: 'bus.pdf' });
  assert.equal(v2.status, 303, text(v2.body).slice(0, 300));
  const page = text((await member.get(`/materials/${photoId}`)).body);
  assert.match(page, /Version 2 · bus\.pdf · pdf/);
  assert.match(page, /Version 1 · bus stop\.JPG · jpeg/);
  assert.equal((await bytes(member, `/materials/${photoId}/file`)).headers.get('content-type'), 'application/pdf');
  assert.equal((await bytes(member, `/materials/${photoId}/file?v=1`)).headers.get('content-type'), 'image/jpeg');
  assert.equal((await bytes(member, `/materials/${photoId}/file?v=3`)).status, 404);
  assert.equal((await bytes(member, `/materials/${photoId}/thumb`)).body.readUInt32BE(16), 240, 'the PDF\'s first page');
  assert.equal(sql(`SELECT downloads FROM materials WHERE id = ${photoId}`), '3');
  await member.get(`/materials/${photoId}`);
  assert.equal((await share(member, `/materials/${photoId}/versions`, {}, pdf, { name: 'x.pdf' })).status, 403);
  // groups that use it: a group that can see it, by its organiser
  await orgC.get(`/materials/${natId}`);
  assert.equal((await orgC.post(`/materials/${natId}/adopt`, { group: gidC, uses: '1' })).status, 303);
  assert.equal((await orgC.post(`/materials/${natId}/adopt`, { group: gidC, uses: '1' })).status, 303, 'saying it twice counts once');
  await orgB.get(`/materials/${natId}`);
  assert.equal((await orgB.post(`/materials/${natId}/adopt`, { group: gidB, uses: '1' })).status, 303);
  assert.match(text((await memberB.get(`/materials/${natId}`)).body), /used by 2 groups/);
  assert.equal((await orgB.post(`/materials/${natId}/adopt`, { group: gidC, uses: '1' })).status, 403, 'not their group');
  assert.equal((await orgB.post(`/materials/${natId}/adopt`, { group: gidB, uses: '0' })).status, 303);
  assert.equal(sql(`SELECT count(*) FROM material_adoptions WHERE material_id = ${natId}`), '1');
  // removal: the row at once, its files from the disk once an hour has passed (aged here)
  const hashes = sql(`SELECT hash || ' ' || thumb FROM material_versions WHERE material_id = ${photoId}`).split(/\s+/);
  assert.equal(hashes.length, 4);
  await orgB.get(`/materials/${natId}`);
  assert.equal((await orgB.post(`/materials/${natId}/delete`, { confirm: 'yes' })).status, 403);
  await org.get(`/materials/${photoId}`);
  assert.equal((await org.post(`/materials/${photoId}/delete`)).status, 400, 'not without saying so');
  assert.equal((await member.get(`/materials/${photoId}`)).status, 200);
  assert.equal((await org.post(`/materials/${photoId}/delete`, { confirm: 'yes' })).status, 303);
  assert.equal((await member.get(`/materials/${photoId}`)).status, 404);
  assert.equal(sql(`SELECT count(*) FROM material_versions WHERE material_id = ${photoId}`), '0');
  const file = (h) => join(filesOf(db), h.slice(0, 2), h);
  const kept = sql('SELECT hash FROM material_versions LIMIT 1');
  const hours = Date.now() / 1000 - 3 * 3600;
  for (const h of [...hashes, kept]) utimesSync(file(h), hours, hours);
  for (let i = 0; i < 50 && hashes.some((h) => existsSync(file(h))); i++) await new Promise((r) => setTimeout(r, 100));
  for (const h of hashes) assert.ok(!existsSync(file(h)), `${h} removed from the disk`);
  assert.ok(existsSync(file(kept)), 'a file still in use stays');
});

test('an uploader who is erased leaves their group\'s materials, without their name', async () => {
  const before = sql(`SELECT count(*) FROM materials WHERE created_by = (SELECT id FROM people WHERE email = 'olu@example.org')`);
  assert.ok(Number(before) >= 2);
  // the files they put are in their own data export
  const exp = JSON.parse((await org.get('/account/export')).body);
  assert.ok(exp.materials_shared.some((m) => m.title === 'National flyer' && m.version === 2 && m.filename === 'flyer.svg'),
    JSON.stringify(exp.materials_shared));
  await org.get('/account');
  const del = await org.post('/account/delete', { confirm: 'delete' });
  assert.ok([200, 303].includes(del.status), String(del.status));
  assert.equal(sql("SELECT count(*) FROM people WHERE email = 'olu@example.org'"), '0');
  assert.equal(sql('SELECT count(*) FROM materials WHERE created_by IS NULL'), before);
  assert.equal(sql('SELECT count(*) FROM material_versions WHERE uploaded_by IS NOT NULL AND uploaded_by NOT IN (SELECT id FROM people)'), '0');
});

test('files sent to the library are limited per member (TURNOUT_RATE_UPLOAD_MEMBER, 40 at once here)', async () => {
  await orgC.get('/materials');
  let status = 0, n = 0;
  for (; n < 45 && status !== 429; n++)
    status = (await share(orgC, '/materials', { ...good({ group: gidC }), title: `Poster ${n}` }, SVG, { name: 'p.svg' })).status;
  assert.equal(status, 429);
  assert.equal(n, 41, 'the 41st is refused');
  assert.equal(sql(`SELECT count(*) FROM materials WHERE group_id = ${gidC}`), '40');
});
