// The authorisation matrix: every route × every role, owner and not.  A new
// route fails this test until it is given a row here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Visitor, copyDb, strongVisitor, run, FIXTURE_DB } from './lib.mjs';

let srv, db;
const who = {};       // role -> { v: Visitor, email }
const ids = {};       // group and person ids

async function strong(email, name) {
  const s = await strongVisitor(srv, email, name);
  assert.equal((await s.api('GET', '/api/v1/me')).body.result.strong_session, true);
  return s;
}

async function weak(email, name) {
  const v = new Visitor(srv.url);
  await v.signInByLink(srv.outbox, email, name);
  return v;
}

before(async () => {
  db = copyDb(FIXTURE_DB);
  // texts set up (to a provider no test reaches), so the callbacks check signatures
  srv = await startServer({ db, env: { TURNOUT_SMS_URL: 'http://127.0.0.1:9', TURNOUT_SMS_ACCOUNT: 'AC1',
    TURNOUT_SMS_TOKEN: 'matrix', TURNOUT_SMS_FROM: '+447700900000' } });
  assert.equal(run(['admin', '--email', 'admin@example.org', '--name', 'Ada Admin', '--db', db]).status, 0);
  who.admin = { v: await strong('admin@example.org', 'Ada Admin'), email: 'admin@example.org' };
  who.adminWeak = { v: await weak('admin@example.org', 'Ada Admin'), email: 'admin@example.org' };
  const a = who.admin.v;
  for (const [key, name] of [['A', 'Derby Group'], ['B', 'Shetland Group'], ['C', 'Open Group']]) {
    const r = await a.post('/admin/groups', { name, seats: key === 'A' ? 'E14001193' : '' });
    assert.equal(r.status, 200, r.body.slice(0, 300));
  }
  for (const g of (await a.api('GET', '/api/v1/groups')).body.result) ids[g.name[0]] = g.id;
  who.volunteer = { v: await weak('vol@example.org', 'Val Volunteer'), email: 'vol@example.org' };
  await who.volunteer.v.post(`/groups/${ids.D}/join`);
  for (const [email, name] of [['orga@example.org', 'Olu Organiser'], ['orgb@example.org', 'Bo Organiser'],
    ['target@example.org', 'Tom Target']]) {
    await weak(email, name);
  }
  const people = (await a.api('GET', '/api/v1/admin/people')).body.result;
  const pid = (email) => people.find((p) => p.email === email).id;
  ids.orga = pid('orga@example.org');
  ids.target = pid('target@example.org');
  assert.equal((await a.post(`/admin/people/${ids.orga}/group`, { group: ids.D, role: 'organiser' })).status, 200);
  assert.equal((await a.post(`/admin/people/${pid('orgb@example.org')}/group`, { group: ids.S, role: 'organiser' })).status, 200);
  who.orgA = { v: await strong('orga@example.org', 'Olu Organiser'), email: 'orga@example.org' };
  who.orgWeak = { v: await weak('orga@example.org', 'Olu Organiser'), email: 'orga@example.org' };
  who.orgB = { v: await strong('orgb@example.org', 'Bo Organiser'), email: 'orgb@example.org' };
  // a session of group D's, posted by its admin-host
  await a.get('/events/new');
  const day = new Date(Date.now() + 4 * 86400000).toISOString().slice(0, 10);
  const made = await a.post('/events', { group: ids.D, type: 'canvass', title: 'Matrix session', date: day,
    start: '10:00', end: '12:00', postcode: 'DE22 1AA', capacity: '50' });
  assert.equal(made.status, 303, made.body.slice(0, 200));
  ids.event = Number(/\/events\/(\d+)/.exec(made.headers.get('location'))[1]);
  ids.slot = /name="slot" value="(\d+)"/.exec((await a.get(`/events/${ids.event}`)).body)[1];
  const spare = await a.post('/events', { group: ids.D, type: 'meeting', title: 'Spare session', date: day,
    start: '18:00', end: '19:00', postcode: 'DE22 1AA', capacity: '10' });
  ids.spare = Number(/\/events\/(\d+)/.exec(spare.headers.get('location'))[1]);
  // a phone bank of group D's, the volunteer its approved caller
  await who.orgA.v.get('/phonebanks/new');
  const bank = await who.orgA.v.post('/phonebanks', { group: ids.D, name: 'Matrix calls', script: 'Hi', survey: '',
    start: '00:00', end: '24:00' });
  assert.equal(bank.status, 303, bank.body.slice(0, 300));
  ids.bank = Number(/\/phonebanks\/(\d+)/.exec(bank.headers.get('location'))[1]);
  await who.volunteer.v.get(`/phonebanks/${ids.bank}`);
  assert.equal((await who.volunteer.v.post(`/phonebanks/${ids.bank}/join`)).status, 303);
  ids.vol = (await who.volunteer.v.api('GET', '/api/v1/me')).body.result.id;
  await who.orgA.v.get(`/phonebanks/${ids.bank}`);
  assert.equal((await who.orgA.v.post(`/phonebanks/${ids.bank}/callers/${ids.vol}/approve`)).status, 303);
  // a meeting of group D, quorate with the volunteer present, a motion put to the vote
  await a.get(`/groups/${ids.D}/meetings/new`);
  const called = await a.post(`/groups/${ids.D}/meetings`, { name: 'Matrix meeting', date: day, start: '19:00', end: '21:00', postcode: 'DE22 1AA', capacity: '40',
    quorum_pct: '0', quorum_min: '1', majority: 'simple' });
  assert.equal(called.status, 303, called.body.slice(0, 200));
  ids.meeting = Number(/\/meetings\/(\d+)/.exec(called.headers.get('location'))[1]);
  await a.get(`/meetings/${ids.meeting}`);
  assert.equal((await a.post(`/meetings/${ids.meeting}/present`, { person: String(ids.vol), present: '1' })).status, 303);
  await a.post(`/meetings/${ids.meeting}/motions`, { title: 'Matrix motion', body: 'That we test.', mover: String(ids.vol) });
  await a.post(`/meetings/${ids.meeting}/motions`, { title: 'Second motion', body: 'That we test again.', mover: String(ids.vol) });
  await a.post(`/meetings/${ids.meeting}/elections`, { post: 'Chair', seats: '1', method: 'irv', candidates: 'A\nB' });
  await a.post(`/meetings/${ids.meeting}/items`, { title: 'Matrix item', minutes: '3' });
  const motions = (await a.get(`/meetings/${ids.meeting}`)).body;
  [ids.motion, ids.motion2] = [...motions.matchAll(/action="\/motions\/(\d+)\/vote"/g)].map((m) => Number(m[1]));
  ids.election = Number(/action="\/elections\/(\d+)\/vote"/.exec(motions)[1]);
  ids.item = Number(/id="item-(\d+)"/.exec(motions)[1]);
  assert.equal((await a.post(`/motions/${ids.motion}/vote`)).status, 303);
  ids.vote = Number(/action="\/votes\/(\d+)\/close"/.exec((await a.get(`/meetings/${ids.meeting}`)).body)[1]);
  // a conversation put to group D, a member's statement waiting in its queue
  await a.get('/conversations/new');
  const conv = await a.post('/conversations', { group: ids.D, question: 'Matrix question?', statements: 'One\nTwo',
    closes_date: day, closes_time: '12:00' });
  assert.equal(conv.status, 303, conv.body.slice(0, 300));
  ids.conv = Number(/\/conversations\/(\d+)/.exec(conv.headers.get('location'))[1]);
  await who.volunteer.v.get(`/conversations/${ids.conv}`);
  assert.equal((await who.volunteer.v.post(`/conversations/${ids.conv}/statements`, { body: 'Three' })).status, 200);
  ids.statement = Number(/action="\/statements\/(\d+)\/moderate"/.exec((await a.get(`/conversations/${ids.conv}`)).body)[1]);
  // an idea put to group D by the volunteer
  await who.volunteer.v.get('/ideas/new');
  const idea = await who.volunteer.v.post('/ideas', { where: String(ids.D), title: 'Matrix idea', body: 'That we test.',
    claims: '', category: 'other' });
  assert.equal(idea.status, 303, idea.body.slice(0, 300));
  ids.idea = Number(/\/ideas\/(\d+)/.exec(idea.headers.get('location'))[1]);
  // a food bank group D supports, a collection for it with a run, a weekly series
  const o = who.orgA.v;
  await o.get('/foodbanks/new');
  const bank2 = await o.post('/foodbanks', { group: ids.D, name: 'Matrix Food Bank', kind: 'foodbank', postcode: 'DE22 1AA',
    hours: 'Mon-Sun 08:00-20:00' });
  assert.equal(bank2.status, 303, bank2.body.slice(0, 300));
  ids.foodbank = Number(/\/foodbanks\/(\d+)/.exec(bank2.headers.get('location'))[1]);
  await o.get(`/groups/${ids.D}/collections`);
  const coll = { foodbank: ids.foodbank, title: 'Matrix collection', postcode: 'DE22 1AA', date: day, start: '10:00', repeat: 'none' };
  const c = await o.post(`/groups/${ids.D}/collections`, coll);
  assert.equal(c.status, 303, c.body.slice(0, 300));
  ids.collection = Number(/\/collections\/(\d+)/.exec(c.headers.get('location'))[1]);
  await o.get(`/collections/${ids.collection}`);
  assert.equal((await o.post(`/collections/${ids.collection}/runs`, { vehicle: 'car', date: day, depart: '12:00' })).status, 303);
  ids.run = Number(/action="\/runs\/(\d+)\/take"/.exec((await o.get(`/collections/${ids.collection}`)).body)[1]);
  assert.equal((await o.post(`/groups/${ids.D}/collections`, { ...coll, start: '14:00', repeat: 'weekly', count: '2' })).status, 303);
  ids.series = Number(/action="\/series\/(\d+)\/stop"/.exec((await o.get(`/groups/${ids.D}/collections`)).body)[1]);
  // a national leaflet template
  const { readFileSync } = await import('node:fs');
  await a.get('/leaflets');
  const tpl = await a.post('/leaflets/templates', { title: 'Matrix leaflet',
    svg: readFileSync(new URL('../fixtures/materials/leaflet.svg', import.meta.url), 'utf8') });
  assert.equal(tpl.status, 303, tpl.body.slice(0, 300));
  ids.template = Number(/\/leaflets\/templates\/(\d+)/.exec(tpl.headers.get('location'))[1]);
  who.anon = { v: new Visitor(srv.url), email: null };
  await who.anon.v.get('/');
  who.anon.v.jar.delete('turnout_session');
});
after(async () => { if (srv) await srv.stop(); });

const ROLES = ['anon', 'volunteer', 'orgWeak', 'orgA', 'orgB', 'adminWeak', 'admin'];
const ALL = ROLES;
const SIGNED_IN = ROLES.filter((r) => r !== 'anon');
const MEMBERS_OF_A = ['orgA', 'admin'];   // strong organiser of the group, strong admin
const ADMIN = ['admin'];
// the matrix session was posted by the admin, so it is the group's: managed through a
// role signed in strongly, never by a mailbox alone (issue 18 #4: adminWeak was let in)
const HOSTS = ['orgA', 'admin'];

// [method, pattern, allowed roles, request(role) -> {path, fields} ]
const MATRIX = [
  ['GET', '/', ALL], ['POST', '/', ALL, () => ({ fields: { postcode: 'DE22 1AA' } })],
  ['GET', '/static/{name}', ALL, () => ({ path: '/static/style.css' })],
  ['GET', '/healthz', ALL],
  ['GET', '/livez', ALL],
  ['GET', '/readyz', ALL],
  ['GET', '/postcodes/{pc}', ALL, () => ({ path: '/postcodes/DE221AA' })],
  ['GET', '/postcodes/{pc}/validate', ALL, () => ({ path: '/postcodes/DE221AA/validate' })],
  ['GET', '/postcodes/{pc}/autocomplete', ALL, () => ({ path: '/postcodes/DE22/autocomplete' })],
  ['GET', '/postcodes/{pc}/nearest', ALL, () => ({ path: '/postcodes/DE221AA/nearest' })],
  ['POST', '/postcodes', ALL], ['GET', '/postcodes', ALL, () => ({ path: '/postcodes?lon=-1.48&lat=52.93' })],
  ['GET', '/random/postcodes', ALL],
  ['GET', '/outcodes/{outcode}', ALL, () => ({ path: '/outcodes/DE22' })],
  ['GET', '/api/v1/marginals', ALL, () => ({ path: '/api/v1/marginals?postcode=DE221AA' })],
  ['GET', '/api/v1/constituencies', ALL],
  ['GET', '/api/v1/constituencies/{code}', ALL, () => ({ path: '/api/v1/constituencies/E14001193' })],
  ['GET', '/api/v1/constituencies/{code}/boundary', ALL, () => ({ path: '/api/v1/constituencies/E14001193/boundary' })],
  ['GET', '/signup', ALL], ['POST', '/signup', ALL, (r) => ({ fields: { name: 'M', email: `m-${r}@example.org` } })],
  ['GET', '/signin', ALL], ['POST', '/signin', ALL, () => ({ fields: { email: 'matrix-nobody@example.org' } })],
  ['GET', '/signin/link', ALL, () => ({ path: `/signin/link?token=${'x'.repeat(43)}` })],
  ['POST', '/signin/link', ALL, () => ({ fields: { token: 'y'.repeat(43) } })],
  ['GET', '/account/email', ALL, () => ({ path: `/account/email?token=${'x'.repeat(43)}` })],
  ['POST', '/account/email', ALL, () => ({ fields: { token: 'y'.repeat(43) } })],
  // the sign-in steps answer anyone; a wrong password or no pending step is their answer
  ['POST', '/signin/password', ALL, () => ({ fields: { email: 'nobody@example.org', password: 'wrong wrong wrong' }, any: true })],
  ['GET', '/signin/totp', ALL, () => ({ any: true })],
  ['POST', '/signin/totp', ALL, () => ({ fields: { code: '123456' }, any: true })],
  ['GET', '/account', SIGNED_IN],
  ['POST', '/account', SIGNED_IN, (r) => ({ fields: { name: `Renamed ${r}`, email: who[r].email ?? 'anon@example.org' } })],
  ['GET', '/account/export', SIGNED_IN],
  ['POST', '/account/delete', SIGNED_IN, () => ({ fields: { confirm: 'not yet' } })],
  ['GET', '/account/security', SIGNED_IN],
  ['POST', '/account/password', SIGNED_IN, () => ({ fields: { password: 'mismatch one here', again: 'mismatch two here' } })],
  ['POST', '/account/totp/start', SIGNED_IN],
  ['POST', '/account/totp/confirm', SIGNED_IN, () => ({ fields: { code: '000000' } })],
  ['GET', '/api/v1/me', SIGNED_IN], ['GET', '/api/v1/me/export', SIGNED_IN],
  ['GET', '/groups', ALL],
  ['GET', '/groups/{id}', ALL, () => ({ path: `/groups/${ids.D}` })],
  ['POST', '/groups/{id}/join', SIGNED_IN, () => ({ path: `/groups/${ids.O}/join` })],
  ['POST', '/groups/{id}/leave', SIGNED_IN, () => ({ path: `/groups/${ids.O}/leave` })],
  // announcements: strong organisers of the group and admins; writing to its organisers: its members
  ['POST', '/groups/{id}/posts', MEMBERS_OF_A, () => ({ path: `/groups/${ids.D}/posts`, fields: { title: '' } })],
  ['POST', '/groups/{id}/posts/{post}/delete', MEMBERS_OF_A, () => ({ path: `/groups/${ids.D}/posts/999999/delete` })],
  ['POST', '/groups/{id}/write', ['volunteer', 'orgWeak', 'orgA'], () => ({ path: `/groups/${ids.D}/write`, fields: { message: '' } })],
  ['GET', '/api/v1/groups', ALL],
  ['GET', '/api/v1/groups/{id}/members', MEMBERS_OF_A, () => ({ path: `/api/v1/groups/${ids.D}/members` })],
  ['POST', '/api/v1/groups/{id}/join', SIGNED_IN, () => ({ path: `/api/v1/groups/${ids.O}/join`, api: true })],
  ['POST', '/api/v1/groups/{id}/leave', SIGNED_IN, () => ({ path: `/api/v1/groups/${ids.O}/leave`, api: true })],
  ['GET', '/admin', ADMIN], ['GET', '/admin/audit', ADMIN],
  ['POST', '/admin/people/{id}/admin', ADMIN, () => ({ path: `/admin/people/${ids.target}/admin`, fields: { admin: '0' } })],
  ['POST', '/admin/people/{id}/group', ADMIN, () => ({ path: `/admin/people/${ids.target}/group`, fields: { group: ids.O, role: 'member' } })],
  ['POST', '/admin/groups', ADMIN, (r) => ({ fields: { name: `Matrix ${r} ${Math.random()}` } })],
  ['POST', '/admin/retention', ADMIN, () => ({ fields: { days: '0' } })],
  ['POST', '/admin/tokens', ADMIN, (r) => ({ fields: { name: `matrix ${r}`, scope: 'audit:read' } })],
  ['POST', '/admin/tokens/{id}/revoke', ADMIN, () => ({ path: '/admin/tokens/999999/revoke' })],
  ['GET', '/api/v1/admin/people', ADMIN], ['GET', '/api/v1/admin/audit', ADMIN],
  ['GET', '/events', ALL], ['POST', '/events/search', ALL, () => ({ fields: { postcode: 'DE22 1AA' } })],
  ['GET', '/api/v1/events', ALL],
  // members propose sessions for their groups (organisers approve); strong admins for any
  ['GET', '/events/new', ['volunteer', 'orgWeak', 'orgA', 'orgB', 'admin']],
  ['POST', '/events', ['volunteer', 'orgWeak', 'orgA', 'admin'], () => ({ fields: { group: ids.D, title: '' } })],
  ['POST', '/events/{id}/approve', MEMBERS_OF_A, () => ({ path: `/events/${ids.event}/approve` })],
  ['POST', '/events/{id}/publish', HOSTS, () => ({ path: `/events/${ids.event}/publish` })],
  ['POST', '/events/{id}/cancel-mine', SIGNED_IN, () => ({ path: `/events/${ids.spare}/cancel-mine` })],
  ['POST', '/events/{id}/message', HOSTS, () => ({ path: `/events/${ids.event}/message`, fields: { message: '' } })],
  ['GET', '/events/{id}', ALL, () => ({ path: `/events/${ids.event}` })],
  ['GET', '/events/{id}/calendar.ics', ALL, () => ({ path: `/events/${ids.event}/calendar.ics` })],
  ['GET', '/events/{id}/attendees', HOSTS, () => ({ path: `/events/${ids.event}/attendees` })],
  ['POST', '/events/{id}/signup', ALL, () => ({ path: `/events/${ids.event}/signup`, fields: { slot: ids.slot } })],
  ['GET', '/signups/confirm', ALL, () => ({ path: `/signups/confirm?token=${'q'.repeat(43)}` })],
  ['POST', '/signups/confirm', ALL, () => ({ fields: { token: 'q'.repeat(43) } })],
  ['GET', '/signups/cancel', ALL, () => ({ path: `/signups/cancel?token=${'q'.repeat(43)}` })],
  ['POST', '/signups/cancel', ALL, () => ({ fields: { token: 'q'.repeat(43) } })],
  ['POST', '/events/{id}/attendance', HOSTS, () => ({ path: `/events/${ids.event}/attendance` })],
  // the module a training session teaches: the matrix session is a canvass, so a 400 for hosts
  ['POST', '/events/{id}/requires', HOSTS, () => ({ path: `/events/${ids.event}/requires`, fields: { module: 'no-such-module' } })],
  ['POST', '/events/{id}/nudge', HOSTS, () => ({ path: `/events/${ids.event}/nudge` })],
  ['POST', '/events/{id}/roles', HOSTS, () => ({ path: `/events/${ids.event}/roles`, fields: { roles: '0 nobody' } })],
  ['POST', '/events/{id}/training', HOSTS, () => ({ path: `/events/${ids.event}/training`, fields: { module: '' } })],
  ['POST', '/events/{id}/cancel', HOSTS, () => ({ path: `/events/${ids.spare}/cancel` })],
  ['POST', '/events/{id}/edit', HOSTS, () => ({ path: `/events/${ids.event}/edit`, fields: { date: 'never' } })],
  ['GET', '/campaigns', ALL], ['GET', '/api/v1/campaigns', ALL],
  ['GET', '/coverage', ['orgA', 'orgB', 'admin']],
  ['GET', '/seats/{code}', ALL, () => ({ path: '/seats/E14001193' })],
  ['GET', '/events/{id}/rides', SIGNED_IN, () => ({ path: `/events/${ids.event}/rides` })],
  ['GET', '/events/{id}/rides.ics', SIGNED_IN, () => ({ path: `/events/${ids.event}/rides.ics` })],
  ['POST', '/events/{id}/rides/offer', SIGNED_IN, () => ({ path: `/events/${ids.event}/rides/offer`, fields: { postcode: 'x' } })],
  ['POST', '/events/{id}/rides/request', SIGNED_IN, () => ({ path: `/events/${ids.event}/rides/request`, fields: { postcode: 'x' } })],
  ['POST', '/rides/requests/{id}/ask', SIGNED_IN, () => ({ path: '/rides/requests/999/ask', fields: { offer: '1' } })],
  ['POST', '/rides/requests/{id}/accept', SIGNED_IN, () => ({ path: '/rides/requests/999/accept' })],
  ['POST', '/rides/requests/{id}/decline', SIGNED_IN, () => ({ path: '/rides/requests/999/decline' })],
  ['POST', '/rides/requests/{id}/cancel', SIGNED_IN, () => ({ path: '/rides/requests/999/cancel' })],
  ['POST', '/rides/offers/{id}/cancel', SIGNED_IN, () => ({ path: '/rides/offers/999/cancel' })],
  ['POST', '/rides/offers/{id}/invite', SIGNED_IN, () => ({ path: '/rides/offers/999/invite', fields: { request: '1' } })],
  ['POST', '/account/calendar', SIGNED_IN],
  ['GET', '/phonebanks', SIGNED_IN],
  ['GET', '/phonebanks/new', ['orgA', 'orgB', 'admin']],
  ['POST', '/phonebanks', MEMBERS_OF_A, () => ({ fields: { group: ids.D, name: '' } })],
  ['GET', '/phonebanks/{id}', ['volunteer', 'orgWeak', 'orgA', 'adminWeak', 'admin'], () => ({ path: `/phonebanks/${ids.bank}` })],
  ['POST', '/phonebanks/{id}/join', ['volunteer', 'orgWeak', 'orgA'], () => ({ path: `/phonebanks/${ids.bank}/join` })],
  // the matrix phone bank asks no training: a 409 for its organisers
  ['POST', '/phonebanks/{id}/nudge', MEMBERS_OF_A, () => ({ path: `/phonebanks/${ids.bank}/nudge` })],
  ['POST', '/phonebanks/{id}/training', MEMBERS_OF_A, () => ({ path: `/phonebanks/${ids.bank}/training`, fields: { module: 'no-such-module' } })],
  ['POST', '/phonebanks/{id}/edit', MEMBERS_OF_A, () => ({ path: `/phonebanks/${ids.bank}/edit`, fields: { name: '' } })],
  ['POST', '/phonebanks/{id}/delete', MEMBERS_OF_A, () => ({ path: `/phonebanks/${ids.bank}/delete`, fields: { confirm: 'not yet' } })],
  ['POST', '/phonebanks/{id}/callers/{person}/approve', MEMBERS_OF_A, () => ({ path: `/phonebanks/${ids.bank}/callers/${ids.target}/approve` })],
  ['POST', '/phonebanks/{id}/callers/{person}/revoke', MEMBERS_OF_A, () => ({ path: `/phonebanks/${ids.bank}/callers/${ids.target}/revoke` })],
  ['POST', '/phonebanks/{id}/contacts', MEMBERS_OF_A, (r) => ({ path: `/phonebanks/${ids.bank}/contacts`, headers: { 'X-CSRF-Token': who[r].v.csrf ?? '' } })],
  ['POST', '/phonebanks/{id}/contacts/stop', MEMBERS_OF_A, () => ({ path: `/phonebanks/${ids.bank}/contacts/stop` })],
  ['GET', '/phonebanks/{id}/call', ['volunteer'], () => ({ path: `/phonebanks/${ids.bank}/call` })],
  ['POST', '/phonebanks/{id}/next', ['volunteer'], () => ({ path: `/phonebanks/${ids.bank}/next` })],
  // a caller reaches only the contact leased to them: any other id is 404, and not a denial
  ['POST', '/phonebanks/{id}/contacts/{cid}/outcome', ['volunteer'], () => ({ path: `/phonebanks/${ids.bank}/contacts/1/outcome`, fields: { outcome: 'busy' } })],
  ['POST', '/phonebanks/{id}/contacts/{cid}/skip', ['volunteer'], () => ({ path: `/phonebanks/${ids.bank}/contacts/1/skip` })],
  ['GET', '/phonebanks/{id}/imports/{import}/errors.csv', MEMBERS_OF_A, () => ({ path: `/phonebanks/${ids.bank}/imports/999999/errors.csv` })],
  ['GET', '/phonebanks/{id}/export.csv', MEMBERS_OF_A, () => ({ path: `/phonebanks/${ids.bank}/export.csv` })],
  ['GET', '/api/v1/phonebanks/{id}/totals', MEMBERS_OF_A, () => ({ path: `/api/v1/phonebanks/${ids.bank}/totals` })],
  ['POST', '/api/v1/phonebanks/{id}/next', ['volunteer'], () => ({ path: `/api/v1/phonebanks/${ids.bank}/next`, api: true })],
  ['POST', '/api/v1/phonebanks/{id}/contacts/{cid}/outcome', ['volunteer'], () => ({ path: `/api/v1/phonebanks/${ids.bank}/contacts/1/outcome`, api: true })],
  ['POST', '/admin/voters/erase', ADMIN, () => ({ fields: { phone: '07700 900999' } })],
  // session alerts: anyone sets one (signed out, by a mailed link); the links answer anyone
  ['POST', '/alerts', ALL, () => ({ fields: { postcode: 'DE22 1AA', km: '0' } })],
  ['GET', '/alerts/confirm', ALL, () => ({ path: `/alerts/confirm?token=${'x'.repeat(43)}` })],
  ['POST', '/alerts/confirm', ALL, () => ({ fields: { token: 'y'.repeat(43) } })],
  ['GET', '/alerts/stop', ALL, () => ({ path: `/alerts/stop?token=${'x'.repeat(43)}` })],
  ['POST', '/alerts/stop', ALL, () => ({ fields: { token: 'y'.repeat(43) } })],
  // meetings: a group's strong organisers and admins chair; its members attend and vote
  ['GET', '/groups/{id}/meetings/new', MEMBERS_OF_A, () => ({ path: `/groups/${ids.D}/meetings/new` })],
  ['POST', '/groups/{id}/meetings', MEMBERS_OF_A, () => ({ path: `/groups/${ids.D}/meetings`, fields: { name: '' } })],
  ['GET', '/meetings/{id}', ['volunteer', 'orgWeak', 'orgA', 'admin'], () => ({ path: `/meetings/${ids.meeting}` })],
  ['POST', '/meetings/{id}/checkin', ['volunteer', 'orgWeak', 'orgA'], () => ({ path: `/meetings/${ids.meeting}/checkin`, fields: { code: 'WRONG0' } })],
  // a member sends apologies; a bad answer is a 400 for members, a 403 for the rest
  ['POST', '/meetings/{id}/apologies', ['volunteer', 'orgWeak', 'orgA'], () => ({ path: `/meetings/${ids.meeting}/apologies`, fields: { sent: 'maybe' } })],
  ['POST', '/meetings/{id}/present', MEMBERS_OF_A, () => ({ path: `/meetings/${ids.meeting}/present`, fields: { person: '0' } })],
  // members entitled to vote submit motions (for the chair to put on the agenda); the chair tables them
  ['POST', '/meetings/{id}/motions', ['volunteer', 'orgWeak', ...MEMBERS_OF_A], () => ({ path: `/meetings/${ids.meeting}/motions`, fields: { title: '' } })],
  ['POST', '/meetings/{id}/elections', MEMBERS_OF_A, () => ({ path: `/meetings/${ids.meeting}/elections`, fields: { post: '' } })],
  ['POST', '/elections/{id}/balance', MEMBERS_OF_A, () => ({ path: `/elections/${ids.election}/balance`, fields: { min: '99' } })],
  ['POST', '/meetings/{id}/balance', MEMBERS_OF_A, () => ({ path: `/meetings/${ids.meeting}/balance`, fields: { group: '' } })],
  // a meeting of the whole group lists no voters (400 for the chair); proxies are not allowed there (403 for all)
  ['POST', '/meetings/{id}/items', MEMBERS_OF_A, () => ({ path: `/meetings/${ids.meeting}/items`, fields: { title: '' } })],
  // asking to speak needs a member checked in (the volunteer is); calling the next, the chair
  ['POST', '/items/{id}/speak', ['volunteer'], () => ({ path: `/items/${ids.item}/speak`, fields: { withdraw: '1' } })],
  ['POST', '/items/{id}/next', MEMBERS_OF_A, () => ({ path: `/items/${ids.item}/next` })],
  ['POST', '/meetings/{id}/voters', MEMBERS_OF_A, () => ({ path: `/meetings/${ids.meeting}/voters`, fields: { person: '0' } })],
  ['POST', '/meetings/{id}/proxy', [], () => ({ path: `/meetings/${ids.meeting}/proxy`, fields: { email: 'x@example.org' } })],
  ['POST', '/elections/{id}/vote', MEMBERS_OF_A, () => ({ path: `/elections/${ids.election}/vote` })],
  ['GET', '/elections/{id}/ballots.blt', ['volunteer', 'orgWeak', 'orgA', 'admin'], () => ({ path: `/elections/${ids.election}/ballots.blt` })],
  // only a member who is present votes (the volunteer was marked present)
  ['POST', '/votes/{id}/ballot', ['volunteer'], () => ({ path: `/votes/${ids.vote}/ballot`, fields: { choice: 'for' } })],
  ['POST', '/votes/{id}/close', MEMBERS_OF_A, () => ({ path: `/votes/${ids.vote}/close` })],
  ['GET', '/votes/{id}/receipts', ['volunteer', 'orgWeak', 'orgA', 'admin'], () => ({ path: `/votes/${ids.vote}/receipts` })],
  ['POST', '/motions/{id}/vote', MEMBERS_OF_A, () => ({ path: `/motions/${ids.motion2}/vote` })],
  ['POST', '/motions/{id}/withdraw', MEMBERS_OF_A, () => ({ path: `/motions/${ids.motion2}/withdraw` })],
  // the chair takes motions on and groups amendments; a member checked in moves a procedural motion
  ['POST', '/motions/{id}/state', MEMBERS_OF_A, () => ({ path: `/motions/${ids.motion2}/state`, fields: { to: 'nowhere' } })],
  ['POST', '/motions/{id}/group', MEMBERS_OF_A, () => ({ path: `/motions/${ids.motion2}/group`, fields: { with: 'x' } })],
  ['POST', '/meetings/{id}/procedural', ['volunteer', ...MEMBERS_OF_A], () => ({ path: `/meetings/${ids.meeting}/procedural`, fields: { kind: 'nonsense' } })],
  // draft minutes are the chair's; members see them once published (not yet: 404)
  ['GET', '/meetings/{id}/minutes', ['volunteer', 'orgWeak', 'orgA', 'admin'], () => ({ path: `/meetings/${ids.meeting}/minutes` })],
  ['POST', '/meetings/{id}/minutes', MEMBERS_OF_A, () => ({ path: `/meetings/${ids.meeting}/minutes`, fields: { text: '' } })],
  // the SMS provider's callbacks: a session is no key, only the provider's signature is
  ['POST', '/sms/status', [], () => ({ fields: { MessageSid: 'SM1', MessageStatus: 'delivered' } })],
  ['POST', '/sms/inbound', [], () => ({ fields: { From: '+447700900123', Body: 'STOP' } })],
  ['GET', '/calendar/{token}', ALL, () => ({ path: `/calendar/${'z'.repeat(43)}.ics`, any: true })],
  ['GET', '/campaigns/{id}', ALL, () => ({ path: '/campaigns/999' })],
  // target campaigns: a group's strong organisers for its seats, admins for any (or national)
  ['GET', '/campaigns/new', ['orgA', 'orgB', 'admin']],
  ['POST', '/campaigns', MEMBERS_OF_A, () => ({ fields: { group: ids.D, name: '' } })],
  // policy conversations: put by a group's strong organisers (admins anywhere), taken part
  // in by the members in scope, moderated and exported by those who put them
  ['GET', '/conversations', SIGNED_IN],
  ['GET', '/conversations/new', ['orgA', 'orgB', 'admin']],
  ['POST', '/conversations', MEMBERS_OF_A, () => ({ fields: { group: ids.D, question: '' } })],
  ['GET', '/conversations/{id}', ['volunteer', 'orgWeak', ...MEMBERS_OF_A], () => ({ path: `/conversations/${ids.conv}` })],
  ['POST', '/conversations/{id}/votes', ['volunteer', 'orgWeak', 'orgA'], () => ({ path: `/conversations/${ids.conv}/votes`, fields: { statement: '0', vote: 'agree' } })],
  ['GET', '/conversations/{id}/votes', ['volunteer', 'orgWeak', ...MEMBERS_OF_A], () => ({ path: `/conversations/${ids.conv}/votes` })],
  ['POST', '/conversations/{id}/statements', ['volunteer', 'orgWeak', ...MEMBERS_OF_A], () => ({ path: `/conversations/${ids.conv}/statements`, fields: { body: '' } })],
  ['GET', '/conversations/{id}/map', ['volunteer', 'orgWeak', ...MEMBERS_OF_A], () => ({ path: `/conversations/${ids.conv}/map` })],
  ['GET', '/conversations/{id}/comments.csv', MEMBERS_OF_A, () => ({ path: `/conversations/${ids.conv}/comments.csv` })],
  ['GET', '/conversations/{id}/votes.csv', MEMBERS_OF_A, () => ({ path: `/conversations/${ids.conv}/votes.csv` })],
  ['GET', '/conversations/{id}/participants-votes.csv', MEMBERS_OF_A, () => ({ path: `/conversations/${ids.conv}/participants-votes.csv` })],
  ['POST', '/statements/{id}/moderate', MEMBERS_OF_A, () => ({ path: `/statements/${ids.statement}/moderate`, fields: { decision: 'maybe' } })],
  // closes it for good when allowed: after every other conversation row
  ['POST', '/conversations/{id}/close', MEMBERS_OF_A, () => ({ path: `/conversations/${ids.conv}/close` })],
  // ideas: put forward and backed by members in scope; taken on by the scope's strong
  // organisers (admins for a region or the movement); thresholds are the admins'
  // the movement's list: anyone in a group; someone in none is told to join one
  ['GET', '/ideas', SIGNED_IN],
  ['GET', '/ideas/new', SIGNED_IN],
  ['POST', '/ideas', SIGNED_IN, () => ({ fields: { where: '', title: '' } })],
  ['POST', '/ideas/thresholds', ADMIN, () => ({ fields: { scope: 'nowhere' } })],
  ['GET', '/ideas/{id}', ['volunteer', 'orgWeak', ...MEMBERS_OF_A], () => ({ path: `/ideas/${ids.idea}` })],
  ['POST', '/ideas/{id}/support', ['volunteer', 'orgWeak', 'orgA'], () => ({ path: `/ideas/${ids.idea}/support`, fields: { value: 'maybe' } })],
  ['POST', '/ideas/{id}/motion', MEMBERS_OF_A, () => ({ path: `/ideas/${ids.idea}/motion`, fields: { meeting: 'x' } })],
  ['POST', '/ideas/{id}/outcome', MEMBERS_OF_A, () => ({ path: `/ideas/${ids.idea}/outcome`, fields: { outcome: 'x' } })],
  ['POST', '/ideas/{id}/promote', MEMBERS_OF_A, () => ({ path: `/ideas/${ids.idea}/promote`, fields: { to: 'group' } })],
  ['POST', '/ideas/{id}/merge', MEMBERS_OF_A, () => ({ path: `/ideas/${ids.idea}/merge`, fields: { into: 'x' } })],
  // training: anyone signed in takes the modules; an attempt is its taker's alone
  ['GET', '/training', SIGNED_IN],
  ['GET', '/training/new', ['orgA', 'orgB', 'admin']],
  ['POST', '/training/drivers', ADMIN, () => ({ fields: { module: 'no-such-module' } })],
  ['POST', '/training', MEMBERS_OF_A, () => ({ fields: { group: String(ids.D), title: '' } })],
  ['GET', '/training/{slug}/edit', SIGNED_IN, () => ({ path: '/training/no-such-module/edit' })],
  ['POST', '/training/{slug}/edit', SIGNED_IN, () => ({ path: '/training/no-such-module/edit', fields: { title: '' } })],
  ['GET', '/training/{slug}', SIGNED_IN, () => ({ path: '/training/no-such-module' })],
  ['POST', '/training/{slug}/progress', SIGNED_IN, () => ({ path: '/training/no-such-module/progress', fields: { step: '1' } })],
  ['POST', '/training/{slug}/attempts', SIGNED_IN, () => ({ path: '/training/no-such-module/attempts' })],
  ['GET', '/training/attempts/{id}', SIGNED_IN, () => ({ path: '/training/attempts/999999' })],
  ['POST', '/training/attempts/{id}', SIGNED_IN, () => ({ path: '/training/attempts/999999' })],
  // food banks: anyone finds them and sees what they need; the strong organisers of a group
  // that supports one (admins) keep it; a group's members see its collections, its strong
  // organisers plan them, add runs and record no-shows; anyone signed in pledges, stands by,
  // and drives a run (the first to take it has it: 409 for the rest)
  ['GET', '/foodbanks', ALL], ['POST', '/foodbanks/near', ALL, () => ({ fields: { postcode: 'DE22 1AA' } })],
  ['GET', '/api/v1/foodbanks', ALL, () => ({ path: '/api/v1/foodbanks?postcode=DE221AA' })],
  ['GET', '/foodbanks/new', ['orgA', 'orgB', 'admin']],
  ['POST', '/foodbanks', MEMBERS_OF_A, () => ({ fields: { group: ids.D, name: '' } })],
  ['GET', '/foodbanks/{id}', ALL, () => ({ path: `/foodbanks/${ids.foodbank}` })],
  ['POST', '/foodbanks/{id}', MEMBERS_OF_A, () => ({ path: `/foodbanks/${ids.foodbank}`, fields: { name: '' } })],
  ['POST', '/foodbanks/{id}/needs', MEMBERS_OF_A, () => ({ path: `/foodbanks/${ids.foodbank}/needs`, fields: { item: '' } })],
  ['POST', '/foodbanks/{id}/needs/{need}/remove', MEMBERS_OF_A, () => ({ path: `/foodbanks/${ids.foodbank}/needs/999999/remove` })],
  ['POST', '/foodbanks/{id}/groups', MEMBERS_OF_A, () => ({ path: `/foodbanks/${ids.foodbank}/groups`, fields: { group: ids.D } })],
  ['GET', '/groups/{id}/collections', ['volunteer', 'orgWeak', ...MEMBERS_OF_A], () => ({ path: `/groups/${ids.D}/collections` })],
  ['POST', '/groups/{id}/collections', MEMBERS_OF_A, () => ({ path: `/groups/${ids.D}/collections`, fields: { foodbank: '' } })],
  ['GET', '/collections/{id}', ALL, () => ({ path: `/collections/${ids.collection}` })],
  ['POST', '/collections/{id}/pledges', SIGNED_IN, () => ({ path: `/collections/${ids.collection}/pledges`, fields: { need: '' } })],
  ['POST', '/collections/{id}/pledges/{pledge}/remove', SIGNED_IN, () => ({ path: `/collections/${ids.collection}/pledges/999999/remove` })],
  ['POST', '/collections/{id}/standby', SIGNED_IN, () => ({ path: `/collections/${ids.collection}/standby`, fields: { leave: '1' } })],
  ['POST', '/collections/{id}/runs', MEMBERS_OF_A, () => ({ path: `/collections/${ids.collection}/runs`, fields: { vehicle: 'lorry' } })],
  ['POST', '/collections/{id}/noshows', MEMBERS_OF_A, () => ({ path: `/collections/${ids.collection}/noshows`, fields: { person: 'x' } })],
  ['POST', '/runs/{id}/take', SIGNED_IN, () => ({ path: `/runs/${ids.run}/take` })],
  ['POST', '/runs/{id}/drop', SIGNED_IN, () => ({ path: `/runs/${ids.run}/drop` })],
  // the run has not left yet: a 400 for those who may record it
  ['POST', '/runs/{id}/delivered', MEMBERS_OF_A, () => ({ path: `/runs/${ids.run}/delivered`, fields: { kg: '1' } })],
  ['POST', '/series/{id}/stop', MEMBERS_OF_A, () => ({ path: `/series/${ids.series}/stop` })],
  // skills: one's own for anyone signed in; counting and asking a group's members, its strong
  // organisers and admins; a request is seen only by its organisers and those it asked
  // (404 for anyone else, as for one that does not exist)
  ['GET', '/account/skills', SIGNED_IN],
  ['POST', '/account/skills', SIGNED_IN, () => ({ fields: { tags: '<b>bold</b>' } })],
  ['GET', '/groups/{id}/skills', MEMBERS_OF_A, () => ({ path: `/groups/${ids.D}/skills` })],
  ['POST', '/groups/{id}/skills/count', MEMBERS_OF_A, () => ({ path: `/groups/${ids.D}/skills/count`, fields: { kind: 'x' } })],
  ['POST', '/groups/{id}/skills/requests', MEMBERS_OF_A, () => ({ path: `/groups/${ids.D}/skills/requests`, fields: { kind: 'x' } })],
  ['GET', '/skills/asked', SIGNED_IN],
  ['GET', '/skills/requests/{id}', SIGNED_IN, () => ({ path: '/skills/requests/999999' })],
  ['POST', '/skills/requests/{id}/answer', SIGNED_IN, () => ({ path: '/skills/requests/999999/answer', fields: { answer: 'yes' } })],
  ['POST', '/skills/requests/{id}/close', SIGNED_IN, () => ({ path: '/skills/requests/999999/close' })],
  // leaflets: national templates put by admins; filled by a group's strong organisers;
  // a leaflet seen by its group's members (404 for anyone else, as for none)
  ['GET', '/leaflets', SIGNED_IN],
  ['POST', '/leaflets/templates', ADMIN, () => ({ fields: { title: '' } })],
  ['GET', '/leaflets/templates/{id}', SIGNED_IN, () => ({ path: `/leaflets/templates/${ids.template}` })],
  ['POST', '/leaflets/templates/{id}', MEMBERS_OF_A, () => ({ path: `/leaflets/templates/${ids.template}`, fields: { group: ids.D, imprint: '' } })],
  ['GET', '/leaflets/{id}', SIGNED_IN, () => ({ path: '/leaflets/999999' })],
  ['GET', '/leaflets/{id}/leaflet.pdf', SIGNED_IN, () => ({ path: '/leaflets/999999/leaflet.pdf' })],
  ['GET', '/leaflets/{id}/leaflet.png', SIGNED_IN, () => ({ path: '/leaflets/999999/leaflet.png' })],
  // the materials library: who may see or change one is tested in materials.test.mjs
  // (a form without its file is a 400 for anyone signed in)
  ['GET', '/materials', SIGNED_IN],
  ['GET', '/api/v1/materials', SIGNED_IN],
  ['POST', '/materials', SIGNED_IN],
  ['POST', '/materials/settings', ADMIN, () => ({ fields: { approval: '1' } })],
  ['GET', '/materials/{id}', SIGNED_IN, () => ({ path: '/materials/999999' })],
  ['GET', '/materials/{id}/file', SIGNED_IN, () => ({ path: '/materials/999999/file' })],
  ['GET', '/materials/{id}/thumb', SIGNED_IN, () => ({ path: '/materials/999999/thumb' })],
  ['POST', '/materials/{id}/versions', SIGNED_IN, () => ({ path: '/materials/999999/versions' })],
  ['POST', '/materials/{id}/adopt', SIGNED_IN, () => ({ path: '/materials/999999/adopt' })],
  ['POST', '/materials/{id}/decide', SIGNED_IN, () => ({ path: '/materials/999999/decide' })],
  ['POST', '/materials/{id}/delete', SIGNED_IN, () => ({ path: '/materials/999999/delete' })],
  // last: these end the visitor's session when allowed
  ['DELETE', '/api/v1/me', SIGNED_IN, () => ({ api: true, noOrigin: true })],
  ['POST', '/signout', ALL],
  // after every sign-out, so any answer will do here; auth.test.mjs tests who may
  ['POST', '/account/signout-everywhere', SIGNED_IN, () => ({ any: true })],
];

function denied(r) {
  // a GET that needs a sign-in sends the visitor there, to come back afterwards
  return r.status === 401 || r.status === 403 || (r.status === 303 && /^\/signin(\?next=\/[\w/-]*)?$/.test(r.headers.get('location')));
}

test('every route is in the matrix', () => {
  const routes = run(['routes']).stdout.trim().split('\n');
  const rows = new Set(MATRIX.map(([m, p]) => `${m} ${p}`));
  for (const r of routes) assert.ok(rows.has(r), `route ${r} has no row in the authorisation matrix`);
  assert.equal(rows.size, routes.length, 'the matrix names routes that do not exist');
});

test('a group page shows its members only to its strong organisers and admins', async () => {
  for (const role of ['anon', 'volunteer', 'orgWeak', 'orgB', 'adminWeak', 'orgA', 'admin']) {
    const v = new Visitor(srv.url);
    v.jar = new Map(who[role].v.jar);
    const page = await v.get(`/groups/${ids.D}`);
    const shows = /<h2>Members<\/h2>/.test(page.body);
    assert.equal(shows, MEMBERS_OF_A.includes(role), role);
    if (shows) assert.match(page.body, /vol@example.org/);
    else assert.doesNotMatch(page.body, /vol@example.org/);
  }
});

test('API tokens: scoped, read-only, revocable', async () => {
  const admin = who.admin.v, a = admin;
  await a.get('/admin');
  const made = await a.post('/admin/tokens', { name: 'CRM sync', scope: 'people:read' });
  const token = /not shown again\): ([A-Za-z0-9_-]{43})/.exec(made.body)[1];
  const bearer = (path, t = token, method = 'GET') => fetch(srv.url + path, { method, headers: { Authorization: `Bearer ${t}` } });
  const people = await bearer('/api/v1/admin/people');
  assert.equal(people.status, 200);
  assert.ok((await people.json()).result.some((p) => p.email === 'vol@example.org'));
  assert.equal((await bearer('/api/v1/admin/audit')).status, 403, 'no audit:read scope');
  assert.equal((await bearer(`/api/v1/groups/${ids.D}/members`)).status, 403, 'no members:read scope');
  assert.equal((await bearer('/api/v1/me')).status, 401, 'a token is not a person');
  assert.equal((await bearer('/api/v1/me', token, 'DELETE')).status, 401);
  assert.equal((await bearer('/api/v1/admin/people', 'z'.repeat(43))).status, 401);
  assert.equal((await bearer('/api/v1/admin/people', 'short')).status, 401);
  // used by a token, seen in the audit log
  const audit = (await admin.api('GET', '/api/v1/admin/audit')).body.result;
  assert.ok(audit.some((e) => e.action === 'admin.people_view' && /api token/.test(e.detail ?? '')));
  const list = await a.get('/admin');
  const id = /action="\/admin\/tokens\/(\d+)\/revoke"[^]*?CRM sync|CRM sync[^]*?action="\/admin\/tokens\/(\d+)\/revoke"/.exec(list.body);
  const tid = id[1] ?? id[2];
  assert.equal((await a.post(`/admin/tokens/${tid}/revoke`)).status, 200);
  assert.equal((await bearer('/api/v1/admin/people')).status, 401, 'revoked');
});

test('a members:read token: each read is audited with the token, and it opens no page', async () => {
  const a = who.admin.v;
  await a.get('/admin');
  const made = await a.post('/admin/tokens', { name: 'Members sync', scope: 'members:read' });
  const token = /not shown again\): ([A-Za-z0-9_-]{43})/.exec(made.body)[1];
  const headers = { Authorization: `Bearer ${token}` };
  const r = await fetch(`${srv.url}/api/v1/groups/${ids.D}/members`, { headers });
  assert.equal(r.status, 200);
  assert.ok((await r.json()).result.some((m) => m.email === 'vol@example.org'));
  const tid = /action="\/admin\/tokens\/(\d+)\/revoke"[^]*?Members sync|Members sync[^]*?action="\/admin\/tokens\/(\d+)\/revoke"/.exec((await a.get('/admin')).body);
  const audit = (await a.api('GET', '/api/v1/admin/audit')).body.result;
  assert.ok(audit.some((e) => e.action === 'group.members_view' && e.detail === `group ${ids.D}, api token ${tid[1] ?? tid[2]}`),
    JSON.stringify(audit.filter((e) => e.action === 'group.members_view')));
  // the same token on the group's page: a visitor's page, no member in it
  const page = await fetch(`${srv.url}/groups/${ids.D}`, { headers });
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.doesNotMatch(html, /vol@example.org/);
  assert.doesNotMatch(html, /<h2>Members<\/h2>/);
});

test('taking a role away ends that person\'s sessions at once', async () => {
  const t = await weak('target@example.org', 'Tom Target');
  const a = who.admin.v;
  await a.get('/admin');
  assert.equal((await a.post(`/admin/people/${ids.target}/group`, { group: ids.S, role: 'organiser' })).status, 200);
  assert.equal((await t.api('GET', '/api/v1/me')).status, 200);
  assert.equal((await a.post(`/admin/people/${ids.target}/group`, { group: ids.S, role: 'member' })).status, 200);
  assert.equal((await t.api('GET', '/api/v1/me')).status, 401, 'demoted organiser signed out');
  // granting is immediate too: the next request sees the admin flag
  const t2 = await weak('target@example.org', 'Tom Target');
  assert.equal((await t2.api('GET', '/api/v1/me')).body.result.admin, false);
  assert.equal((await a.post(`/admin/people/${ids.target}/admin`, { admin: '1' })).status, 200);
  assert.equal((await t2.api('GET', '/api/v1/me')).body.result.admin, true);
  assert.equal((await t2.api('GET', '/api/v1/admin/people')).status, 403, 'but not strong: no admin powers');
  assert.equal((await a.post(`/admin/people/${ids.target}/admin`, { admin: '0' })).status, 200);
  assert.equal((await t2.api('GET', '/api/v1/me')).status, 401);
});

test('each role reaches exactly what it may', async () => {
  const failures = [];
  for (const [method, pattern, allowed, make] of MATRIX) {
    for (const role of ROLES) {
      const { path = pattern, fields = {}, api = false, noOrigin = false, any = false, headers = {} } = make ? make(role) : {};
      const v = who[role].v;
      let r;
      if (method === 'GET') r = await v.get(path);
      else if (api || method === 'DELETE') r = await v.api(method, path, { origin: !noOrigin });
      else r = await v.post(path, fields, { headers });
      const may = allowed.includes(role);
      if (r.status >= 500) failures.push(`${role} ${method} ${path}: ${r.status}`);
      else if (any) continue;
      else if (noOrigin) {
        // without an Origin the write is refused for all; anonymous is told to sign in first
        const want = role === 'anon' ? 401 : 403;
        if (r.status !== want) failures.push(`${role} ${method} ${path}: ${r.status}, wanted ${want}`);
      } else if (may && denied(r)) failures.push(`${role} ${method} ${path}: denied (${r.status})`);
      else if (!may && !denied(r)) failures.push(`${role} ${method} ${path}: allowed (${r.status})`);
    }
  }
  assert.deepEqual(failures, []);
});


