// People, sessions and the security baseline, driven as a browser would:
// forms with CSRF tokens, cookies, emailed links read from the outbox.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { mailFor, startServer, Visitor, linkFor, copyDb, totp, run, FIXTURE_DB, mailSh, strongAdmin, sqlOn } from './lib.mjs';

let srv, db;
const sql = (q) => sqlOn(db)(q);

before(async () => {
  db = copyDb(FIXTURE_DB);
  srv = await startServer({ db, env: { TURNOUT_SESSION_IDLE: '600' } });
});
after(async () => { if (srv) await srv.stop(); });

test('sign up, get the link by email, sign in, sign out', async () => {
  const v = new Visitor(srv.url);
  const form = await v.get('/signup');
  assert.equal(form.status, 200);
  assert.match(form.body, /name="csrf"/);
  const anon = form.headers.get('set-cookie');
  assert.match(anon, /turnout_csrf=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);

  const r = await v.post('/signup', { name: 'Bea Volunteer', email: 'Bea@Example.org ', postcode: 'de22 1aa' });
  assert.equal(r.status, 200);
  assert.match(r.body, /Check your email/);
  const mail = linkFor(srv.outbox, 'bea@example.org');
  assert.ok(mail, 'a message in the outbox');
  assert.match(mail.text, /^From: .+\r\nTo: bea@example.org\r\nSubject: Your turnout sign-in link\r\n/);
  assert.match(mail.text, /Content-Type: multipart\/alternative/);
  assert.match(mail.text, /Content-Type: text\/plain; charset=utf-8/);
  assert.match(mail.text, /Content-Type: text\/html; charset=utf-8/);
  // the token is stored only as a hash
  const token = new URL(mail.url).searchParams.get('token');
  assert.equal(sql(`SELECT count(*) FROM login_links WHERE token_hash = '${token}'`), '0');

  // following the link twice does not use it up: only the button does
  const path = mail.url.replace(/^http:\/\/[^/]+/, '');
  assert.equal((await v.get(path)).status, 200);
  const page = await v.get(path);
  assert.match(page.body, /<form method="post" action="\/signin\/link"/);
  const before = v.jar.get('turnout_session');
  const signin = await v.post('/signin/link', { token });
  assert.equal(signin.status, 303);
  assert.equal(signin.headers.get('location'), '/account');
  const cookie = signin.headers.getSetCookie().find((c) => c.startsWith('turnout_session='));
  assert.match(cookie, /; HttpOnly; SameSite=Lax/);
  assert.notEqual(v.jar.get('turnout_session'), before);
  assert.equal(v.jar.get('turnout_session').length, 43);

  const acc = await v.get('/account');
  assert.equal(acc.status, 200);
  assert.match(acc.body, /value="Bea Volunteer"/);
  assert.equal(acc.headers.get('cache-control'), 'no-store');
  const me = await v.api('GET', '/api/v1/me');
  assert.equal(me.body.result.email, 'bea@example.org');
  assert.equal(me.body.result.postcode, 'DE22 1AA');

  // the link works once
  const again = new Visitor(srv.url);
  await again.get(path);
  assert.equal((await again.post('/signin/link', { token })).status, 400);

  const sessionToken = v.jar.get('turnout_session');
  const out = await v.post('/signout');
  assert.equal(out.status, 303);
  assert.equal((await v.get('/account')).status, 303);
  // replaying the old cookie after sign-out gets nowhere
  const replay = await fetch(`${srv.url}/api/v1/me`, { headers: { Cookie: `turnout_session=${sessionToken}` } });
  assert.equal(replay.status, 401);
});

test('the same answer whether or not an address has an account', async () => {
  const v = new Visitor(srv.url);
  await v.get('/signin');
  const known = await v.post('/signin', { email: 'bea@example.org' });
  const unknown = await v.post('/signin', { email: 'nobody@example.org' });
  assert.equal(known.status, 200);
  assert.equal(unknown.status, 200);
  assert.equal(known.body.replace(/value="[^"]+"/g, ''), unknown.body.replace(/value="[^"]+"/g, ''));
  assert.equal(linkFor(srv.outbox, 'nobody@example.org'), null);
  // the address with no account is told so, as the other gets its link: the same work either way
  assert.ok(mailFor(srv.outbox, 'nobody@example.org', /has no\s+account[^]*\/signup/), 'told it has no account');
  // signing up again with a known address sends a sign-in link, not a second account
  await v.post('/signup', { name: 'Bea Again', email: 'bea@example.org' });
  assert.equal(sql("SELECT count(*) FROM people WHERE email = 'bea@example.org'"), '1');
});

test('CSRF: forms without the token, or with another, change nothing', async () => {
  const v = new Visitor(srv.url);
  await v.signInByLink(srv.outbox, 'cat@example.org', 'Cat');
  const noToken = await v.post('/account', { name: 'Hacked', email: 'cat@example.org' }, { csrf: false });
  assert.equal(noToken.status, 403);
  const other = new Visitor(srv.url);
  await other.get('/signin');
  const wrong = await v.post('/account', { csrf: other.csrf, name: 'Hacked', email: 'cat@example.org' }, { csrf: false });
  assert.equal(wrong.status, 403);
  assert.equal(sql("SELECT name FROM people WHERE email = 'cat@example.org'"), 'Cat');
  // sign-up too: no account appears without a valid token
  const anon = new Visitor(srv.url);
  assert.equal((await anon.post('/signup', { name: 'X', email: 'x@example.org' }, { csrf: false })).status, 403);
  assert.equal(sql("SELECT count(*) FROM people WHERE email = 'x@example.org'"), '0');
  // the JSON API refuses cross-site writes
  assert.equal((await v.api('DELETE', '/api/v1/me', { origin: false })).status, 403);
  const evil = await fetch(`${srv.url}/api/v1/me`, { method: 'DELETE', headers: { Cookie: v.cookieHeader(), Origin: 'http://evil.example' } });
  assert.equal(evil.status, 403);
  // issue 18: the same host on another scheme is another origin
  const scheme = await fetch(`${srv.url}/api/v1/me`, { method: 'DELETE',
    headers: { Cookie: v.cookieHeader(), Origin: srv.url.replace(/^http:/, 'https:') } });
  assert.equal(scheme.status, 403);
  assert.equal(sql("SELECT count(*) FROM people WHERE email = 'cat@example.org'"), '1');
  // and a state change never happens on GET
  assert.equal((await v.get('/signout')).status, 405);
});

test('bad input on the forms is a readable error and stores nothing', async () => {
  const v = new Visitor(srv.url);
  await v.get('/signup');
  for (const [fields, msg] of [
    [{ name: '', email: 'a@example.org' }, /your name/],
    [{ name: 'A'.repeat(101), email: 'a@example.org' }, /up to 100/],
    [{ name: 'A', email: 'not-an-email' }, /valid email/],
    [{ name: 'A', email: 'a@b' }, /valid email/],
    [{ name: 'A', email: 'a@example.org', postcode: 'XYZ' }, /postcode/],
    [{ name: 'A', email: 'a@example.org', phone: 'call me' }, /phone/],
    [{ name: 'A\u0001', email: 'a@example.org' }, /your name/],
  ]) {
    const r = await v.post('/signup', fields);
    assert.equal(r.status, 400, JSON.stringify(fields));
    assert.match(r.body, msg);
    assert.match(r.body, /role="alert"/);
  }
  assert.equal(sql("SELECT count(*) FROM people WHERE email = 'a@example.org'"), '0');
});

test('expired links and idle sessions stop working', async () => {
  const v = new Visitor(srv.url);
  await v.get('/signin');
  await v.post('/signin', { email: 'bea@example.org' });
  const mail = linkFor(srv.outbox, 'bea@example.org');
  const token = new URL(mail.url).searchParams.get('token');
  sql('UPDATE login_links SET expires_at = expires_at - 901 WHERE used_at IS NULL');
  assert.equal((await v.post('/signin/link', { token })).status, 400);

  const w = new Visitor(srv.url);
  await w.signInByLink(srv.outbox, 'dan@example.org', 'Dan');
  assert.equal((await w.get('/account')).status, 200);
  // idle for longer than TURNOUT_SESSION_IDLE (600 s here)
  sql("UPDATE sessions SET last_seen_at = last_seen_at - 601 WHERE person_id = (SELECT id FROM people WHERE email = 'dan@example.org')");
  assert.equal((await w.get('/account')).status, 303);
  assert.equal(sql("SELECT count(*) FROM sessions WHERE person_id = (SELECT id FROM people WHERE email = 'dan@example.org')"), '0');
  // absolute limit: 12 h after sign-in even when active
  const x = new Visitor(srv.url);
  await x.signInByLink(srv.outbox, 'dan@example.org', 'Dan');
  sql("UPDATE sessions SET created_at = created_at - 43201 WHERE person_id = (SELECT id FROM people WHERE email = 'dan@example.org')");
  assert.equal((await x.get('/account')).status, 303);
});

test('using emailed secrets is rate-limited too', async () => {
  const limited = await startServer({ db, env: { TURNOUT_RATE_TOKEN_IP: '1/3' } });
  try {
    const v = new Visitor(limited.url);
    await v.get('/signin');
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await v.post('/signin/link', { token: 'n'.repeat(43) })).status);
    assert.deepEqual(statuses.slice(0, 3), [400, 400, 400]);
    assert.equal(statuses.at(-1), 429);
  } finally {
    await limited.stop();
  }
});

// Behind a load balancer every peer is the balancer: the client it names
// is counted, and only the balancer named in TURNOUT_TRUSTED_PROXY is believed.
test('per-address limits count the client a trusted proxy names, and ignore the header from anyone else', async () => {
  const tries = async (url, xff) => {
    const v = new Visitor(url);
    await v.get('/signin');
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await v.post('/signin/link', { token: 'n'.repeat(43) },
        { headers: { 'X-Forwarded-For': `${xff}` } })).status);
    }
    return statuses;
  };
  const env = { TURNOUT_RATE_TOKEN_IP: '1/2' };
  const behind = await startServer({ db, env: { ...env, TURNOUT_TRUSTED_PROXY: '127.0.0.1' } });
  const open = await startServer({ db, env });
  try {
    assert.deepEqual(await tries(behind.url, '203.0.113.1'), [400, 400, 429]);
    // another client through the same balancer has its own allowance; a forged
    // first entry is the client's word, not the balancer's
    assert.deepEqual(await tries(behind.url, '203.0.113.1, 203.0.113.2'), [400, 400, 429]);
    assert.deepEqual(await tries(behind.url, 'not an address'), [400, 400, 429]);
    // with no trusted proxy the header changes nothing: one address, one allowance
    assert.deepEqual(await tries(open.url, '203.0.113.3'), [400, 400, 429]);
    assert.deepEqual(await tries(open.url, '203.0.113.4'), [429, 429, 429]);
  } finally {
    await behind.stop();
    await open.stop();
  }
  assert.equal(run(['serve', '--port', '0', '--db', db], { env: { ...process.env, TURNOUT_TRUSTED_PROXY: 'balancer' }, timeout: 10000 }).status, 2);
});

test('rate limits on link sending answer 429 with Retry-After', async () => {
  const v = new Visitor(srv.url);
  await v.get('/signin');
  const statuses = [];
  let retry = null;
  for (let i = 0; i < 8; i++) {
    const r = await v.post('/signin', { email: 'ratelimited@example.org' });
    statuses.push(r.status);
    if (r.status === 429) retry = r.headers.get('retry-after');
  }
  assert.ok(statuses.includes(200));
  assert.equal(statuses.at(-1), 429);
  assert.ok(Number(retry) >= 1);
});

test('password and TOTP make a strong session; codes work once, in their window', async () => {
  const v = new Visitor(srv.url);
  await v.signInByLink(srv.outbox, 'eve@example.org', 'Eve');
  assert.equal((await v.post('/account/password', { password: 'short', again: 'short' })).status, 400);
  assert.equal((await v.post('/account/password', { password: 'correct horse battery', again: 'correct horse battery' })).status, 200);
  assert.match(sql("SELECT password_hash FROM people WHERE email = 'eve@example.org'"), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  await v.post('/account/totp/start');
  const sec = await v.get('/account/security');
  const secret = /<code class="secret">([A-Z2-7]+)<\/code>/.exec(sec.body)[1];
  assert.equal((await v.post('/account/totp/confirm', { code: '000000' })).status, 400);
  const confirmed = await v.post('/account/totp/confirm', { code: totp(secret) });
  assert.equal(confirmed.status, 200);
  const codes = [...confirmed.body.matchAll(/<li><code>([a-z0-9-]{9})<\/code><\/li>/g)].map((m) => m[1]);
  assert.equal(codes.length, 10);
  await v.post('/signout');

  const p = new Visitor(srv.url);
  await p.get('/signin');
  assert.equal((await p.post('/signin/password', { email: 'eve@example.org', password: 'wrong password!!' })).status, 401);
  const ok = await p.post('/signin/password', { email: 'eve@example.org', password: 'correct horse battery' });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get('location'), '/signin/totp');
  // half-way: not signed in yet
  assert.equal((await p.api('GET', '/api/v1/me')).status, 401);
  await p.get('/signin/totp');
  assert.equal((await p.post('/signin/totp', { code: totp(secret, Date.now() - 90000) })).status, 401);
  // the enrolment used this step; the next one is accepted, once
  const code = totp(secret, Date.now() + 30000);
  const strong = await p.post('/signin/totp', { code });
  assert.equal(strong.status, 303);
  assert.equal((await p.api('GET', '/api/v1/me')).body.result.strong_session, true);
  await p.post('/signout');
  const q = new Visitor(srv.url);
  await q.get('/signin');
  await q.post('/signin/password', { email: 'eve@example.org', password: 'correct horse battery' });
  await q.get('/signin/totp');
  assert.equal((await q.post('/signin/totp', { code })).status, 401, 'a code never works twice');
  assert.equal((await q.post('/signin/totp', { code: codes[0] })).status, 303, 'a recovery code works');
  await q.post('/signout');
  const r = new Visitor(srv.url);
  await r.get('/signin');
  await r.post('/signin/password', { email: 'eve@example.org', password: 'correct horse battery' });
  await r.get('/signin/totp');
  assert.equal((await r.post('/signin/totp', { code: codes[0] })).status, 401, 'but only once');
});

test('export, then erase: the person is gone from the database file', async () => {
  const v = new Visitor(srv.url);
  await v.signInByLink(srv.outbox, 'fay.unique.marker@example.org', 'Fay Marker', { phone: '07700 900123' });
  const exp = await v.get('/account/export');
  assert.equal(exp.status, 200);
  assert.match(exp.headers.get('content-disposition'), /attachment/);
  const data = JSON.parse(exp.body);
  assert.equal(data.person.email, 'fay.unique.marker@example.org');
  assert.equal(data.person.phone, '07700 900123');
  assert.ok(data.sessions.length >= 1);
  assert.equal(typeof data.sessions[0].strong, 'boolean');
  assert.ok(data.audit.some((a) => a.action === 'signin.link'));
  const id = data.person.id;

  assert.equal((await v.post('/account/delete', { confirm: 'no' })).status, 400);
  const del = await v.post('/account/delete', { confirm: 'delete' });
  assert.equal(del.status, 200);
  assert.match(del.body, /erased/);
  assert.equal((await v.get('/account')).status, 303);
  assert.equal(sql(`SELECT count(*) FROM people WHERE id = ${id}`), '0');
  assert.equal(sql(`SELECT count(*) FROM sessions WHERE person_id = ${id}`), '0');
  assert.equal(sql(`SELECT count(*) FROM login_links WHERE person_id = ${id}`), '0');
  // the audit trail stays, by id only
  assert.equal(sql(`SELECT count(*) FROM audit_log WHERE subject_id = ${id} AND action = 'person.erase'`), '1');
  assert.throws(() => sql('DELETE FROM audit_log'), /append-only/);
  assert.throws(() => sql("UPDATE audit_log SET action = 'x'"), /append-only/);
  // and not a byte of it is left in the file once the log is checkpointed
  const { code } = await srv.stop();
  assert.equal(code, 0);
  for (const f of [db, `${db}-wal`]) {
    if (!existsSync(f)) continue;
    const bytes = readFileSync(f);
    assert.equal(bytes.indexOf('fay.unique.marker'), -1, `${f} still holds the address`);
    assert.equal(bytes.indexOf('07700 900123'), -1, `${f} still holds the phone number`);
  }
  srv = await startServer({ db });
});

test('retention erases volunteers inactive past the period', async () => {
  const v = new Visitor(srv.url);
  await v.signInByLink(srv.outbox, 'gus@example.org', 'Gus');
  sql("UPDATE people SET last_active_at = last_active_at - 400 * 86400 WHERE email = 'gus@example.org'");
  await srv.stop();
  srv = await startServer({ db, env: { TURNOUT_RETENTION_DAYS: '365' } });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(sql("SELECT count(*) FROM people WHERE email = 'gus@example.org'"), '0');
  assert.equal(sql("SELECT count(*) FROM audit_log WHERE action = 'retention.erase'"), '1');
  assert.equal(sql("SELECT count(*) FROM people WHERE email = 'bea@example.org'"), '1');
});

test('turnout admin makes the first admin', () => {
  const r = run(['admin', '--email', 'Root@Example.org', '--name', 'Root', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(sql("SELECT is_admin FROM people WHERE email = 'root@example.org'"), '1');
  assert.equal(run(['admin', '--email', 'nope', '--name', 'X', '--db', db]).status, 2);
  assert.equal(run(['admin', '--name', 'X', '--db', db]).status, 2);
});

test('behind TLS: __Host- cookies with Secure, and HSTS', async () => {
  const tls = await startServer({ db, env: { TURNOUT_SECURE_COOKIES: '1' } });
  try {
    const r = await fetch(`${tls.url}/signin`);
    assert.match(r.headers.get('set-cookie'), /^__Host-turnout_csrf=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure/);
    assert.match(r.headers.get('strict-transport-security'), /max-age=31536000/);
    const plain = await fetch(`${srv.url}/signin`);
    assert.equal(plain.headers.get('strict-transport-security'), null);
  } finally {
    await tls.stop();
  }
});

// Issue 10: a view or export of personal data that cannot be audited is not shown.
test('an export whose audit row cannot be written shows nothing', async () => {
  const v = new Visitor(srv.url);
  await v.signInByLink(srv.outbox, 'ada.audit@example.org', 'Ada Audit');
  const ok = await v.get('/account/export');
  assert.equal(ok.status, 200);
  assert.match(ok.body, /ada\.audit@example\.org/);
  sql("CREATE TRIGGER no_export BEFORE INSERT ON audit_log WHEN NEW.action = 'person.export'"
    + " BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END;");
  try {
    const page = await v.get('/account/export');
    assert.equal(page.status, 500);
    assert.doesNotMatch(page.body, /ada\.audit@example\.org/, 'no personal data without its audit row');
    const api = await v.api('GET', '/api/v1/me/export');
    assert.equal(api.status, 500);
    assert.doesNotMatch(JSON.stringify(api.body), /ada\.audit@example\.org/);
    // other actions still work, and their failed audit is logged, not fatal
    assert.equal((await v.get('/account')).status, 200);
  } finally {
    sql('DROP TRIGGER no_export');
  }
  assert.equal((await v.get('/account/export')).status, 200);
});

// Issue 18: a name with invalid UTF-8 was stored, then hid its person from lists.
test('a form with text that is not UTF-8 is refused and changes nothing', async () => {
  const v = new Visitor(srv.url);
  await v.signInByLink(srv.outbox, 'una.utf@example.org', 'Una Utf');
  await v.get('/account');
  const res = await fetch(`${srv.url}/account`, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: v.cookieHeader(), Origin: srv.url },
    body: `csrf=${encodeURIComponent(v.csrf)}&name=Una%FF%FEBroken&email=una.utf%40example.org`,
  });
  assert.equal(res.status, 400);
  assert.equal(sql("SELECT name FROM people WHERE email = 'una.utf@example.org'"), 'Una Utf');
  // the same form in good UTF-8 is taken
  const ok = await v.post('/account', { name: 'Úna Útf', email: 'una.utf@example.org' });
  assert.ok(ok.status === 303 || ok.status === 200, `saved: ${ok.status}`);
  assert.equal(sql("SELECT name FROM people WHERE email = 'una.utf@example.org'"), 'Úna Útf');
});

// Issue 18: a password, codes or address change left every other session signed in.
test('changing the password signs out other devices; "sign out everywhere" signs out all', async () => {
  const here = new Visitor(srv.url);
  await here.signInByLink(srv.outbox, 'two.devices@example.org', 'Tess Twodevices');
  const there = new Visitor(srv.url);
  await there.signInByLink(srv.outbox, 'two.devices@example.org');
  assert.equal((await there.get('/account')).status, 200);
  await here.get('/account/security');
  const set = await here.post('/account/password', { password: 'a long new passphrase here', again: 'a long new passphrase here' });
  assert.equal(set.status, 200);
  assert.equal((await here.get('/account')).status, 200, 'this device stays signed in');
  assert.equal((await there.get('/account')).status, 303, 'the other is signed out');
  // signed in again elsewhere, then out everywhere
  const third = new Visitor(srv.url);
  await third.signInByLink(srv.outbox, 'two.devices@example.org');
  await here.get('/account/security');
  assert.equal((await here.post('/account/signout-everywhere')).status, 303);
  assert.equal((await here.get('/account')).status, 303);
  assert.equal((await third.get('/account')).status, 303);
  assert.equal(sql("SELECT count(*) FROM sessions WHERE person_id = (SELECT id FROM people WHERE email = 'two.devices@example.org')"), '0');
  const anon = await new Visitor(srv.url).post('/account/signout-everywhere');
  assert.equal(anon.status, 303);
  assert.equal(anon.headers.get('location'), '/signin');
});

// Issue 19: 200 password sign-ins at once held a postcode lookup for 5.4–7.9 s, because
// argon2id ran on the threads that answer everyone. It runs on threads of its own now.
test('a burst of password sign-ins does not hold up other requests', async () => {
  const busy = await startServer({ db, env: { TURNOUT_RATE_PASSWORD_IP: '100000/100000',
    TURNOUT_RATE_PASSWORD_ACCOUNT: '100000/100000' } });
  try {
    const v = new Visitor(busy.url);
    await v.get('/signin');
    const form = new URLSearchParams({ csrf: v.csrf, email: 'nobody.here@example.org', password: 'not the right one at all' }).toString();
    const signins = Array.from({ length: 60 }, () => fetch(`${busy.url}/signin/password`, {
      method: 'POST', redirect: 'manual', body: form,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: v.cookieHeader(), Origin: busy.url },
    }).then((r) => r.status));
    await new Promise((r) => setTimeout(r, 50));
    let worst = 0;
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const r = await fetch(`${busy.url}/postcodes/DE221AA`);
      assert.equal(r.status, 200);
      await r.text();
      worst = Math.max(worst, performance.now() - t0);
    }
    const codes = await Promise.all(signins);
    assert.ok(codes.every((c) => c === 401 || c === 503), `sign-ins answered: ${[...new Set(codes)]}`);
    console.log(`worst postcode lookup during the burst: ${worst.toFixed(0)} ms`);
    assert.ok(worst < 1000, `a postcode lookup took ${worst.toFixed(0)} ms during the burst`);
  } finally {
    await busy.stop();
  }
});

// Issue 18: /signup with an existing address mailed a sign-in link every time,
// past the per-account limit that /signin keeps; guest confirmations had none.
test('links mailed to one address share one limit, whichever form asks', async () => {
  const v = new Visitor(srv.url);
  await v.signInByLink(srv.outbox, 'limit.me@example.org', 'Lim Itme');
  const before = mailSh(`grep -l "^To: limit.me@example.org" ${srv.outbox}/*.eml | wc -l`).trim();
  const codes = [];
  for (let i = 0; i < 8; i++) {
    const a = new Visitor(srv.url);
    await a.get('/signup');
    codes.push((await a.post('/signup', { name: 'Lim Itme', email: 'limit.me@example.org' })).status);
  }
  assert.ok(codes.includes(429), `signups answered ${codes}`);
  const after = mailSh(`grep -l "^To: limit.me@example.org" ${srv.outbox}/*.eml | wc -l`).trim();
  assert.ok(Number(after) - Number(before) <= 5, `${Number(after) - Number(before)} links mailed`);
  // an address with no account meets the same limit: it tells nothing
  const fresh = [];
  for (let i = 0; i < 8; i++) {
    const a = new Visitor(srv.url);
    await a.get('/signup');
    fresh.push((await a.post('/signup', { name: 'New Person', email: 'never.seen@example.org' })).status);
  }
  assert.deepEqual([...new Set(fresh)].sort(), [200, 429]);
  assert.equal(fresh.filter((c) => c === 200).length, 5, 'the burst, then the limit');
});

test('a new address changes only from its own mailbox, and the answer is the same whether it is taken', async () => {
  // a server of its own: the tests before have spent this address's sign-up allowance
  const fresh = await startServer({ db });
  const v = new Visitor(fresh.url);
  await v.signInByLink(fresh.outbox, 'mover@example.org', 'Mo Ver');
  const other = new Visitor(fresh.url);
  await other.get('/signin');
  await other.post('/signin', { email: 'mover@example.org' });
  const page0 = await other.get(linkFor(fresh.outbox, 'mover@example.org').url.replace(/^http:\/\/[^/]+/, ''));
  await other.post('/signin/link', { token: /name="token" value="([^"]+)"/.exec(page0.body)[1] });
  const email = () => sql("SELECT email FROM people WHERE name = 'Mo Ver'");
  await v.get('/account');
  const free = await v.post('/account', { name: 'Mo Ver', email: 'moved@example.org' });
  await v.get('/account');
  const taken = await v.post('/account', { name: 'Mo Ver', email: 'bea@example.org' });
  assert.equal(free.status, 200);
  assert.equal(taken.status, 200);
  const strip = (b) => b.replace(/value="[^"]+"/g, '').replace(/moved@example\.org|bea@example\.org/g, 'X');
  assert.equal(strip(free.body), strip(taken.body), 'the answers differ between a free and a taken address');
  assert.match(free.body, /sent a link to moved@example.org/);
  assert.equal(email(), 'mover@example.org', 'nothing moves before the link is opened');
  // the taken address is told nothing changed, and gets no link
  const note = mailFor(fresh.outbox, 'bea@example.org', /has its own account/);
  assert.ok(note);
  assert.doesNotMatch(note.text, /account\/email\?token=/);
  assert.ok(mailFor(fresh.outbox, 'mover@example.org', /asked to change its address/), 'the old address is warned');
  // the new address's own link makes the change
  const link = mailFor(fresh.outbox, 'moved@example.org', /(http:\/\/[^\s"<>]+\/account\/email\?token=[A-Za-z0-9_-]+)/);
  assert.ok(link, 'a link went to the new address');
  const page = await v.get(link.url.replace(/^http:\/\/[^/]+/, ''));
  assert.equal(page.status, 200);
  assert.equal(email(), 'mover@example.org', 'opening the page (a GET) changes nothing');
  const token = /name="token" value="([^"]+)"/.exec(page.body)[1];
  const done = await v.post('/account/email', { token });
  assert.equal(done.status, 200);
  assert.match(done.body, /You now sign in with moved@example.org/);
  assert.equal(email(), 'moved@example.org');
  assert.equal((await other.api('GET', '/api/v1/me')).status, 401, 'the other sign-in has ended');
  assert.equal((await v.api('GET', '/api/v1/me')).status, 200, 'this one goes on');
  assert.equal((await v.post('/account/email', { token })).status, 400, 'a link works once');
  await fresh.stop();
});

// Issue 18 #9: the per-account limit on wrong passwords lived in memory only, so a
// restart (or an evicted bucket) gave a guesser a fresh allowance.
test('wrong passwords are counted in the database: ten lock the account for 15 minutes, across a restart', async () => {
  const LIFT = '100000/100000';
  const env = { TURNOUT_RATE_PASSWORD_IP: LIFT, TURNOUT_RATE_PASSWORD_ACCOUNT: LIFT };
  let s = await startServer({ db, env });
  try {
    const EMAIL = 'guessed.at@example.org', PW = 'the right long password';
    const me = new Visitor(s.url);
    await me.signInByLink(s.outbox, EMAIL, 'Gus Guessed');
    await me.get('/account/security');
    assert.equal((await me.post('/account/password', { password: PW, again: PW })).status, 200);
    const attempt = async (password) => {
      const v = new Visitor(s.url);
      await v.get('/signin');
      return (await v.post('/signin/password', { email: EMAIL, password })).status;
    };
    const wrong = [];
    for (let i = 0; i < 10; i++) wrong.push(await attempt(`guess number ${i}`));
    assert.deepEqual([...new Set(wrong)], [401]);
    assert.equal(await attempt(PW), 429, 'locked, even for the right password');
    await s.stop();
    s = await startServer({ db, env });
    assert.equal(await attempt(PW), 429, 'still locked after a restart');
    // fifteen minutes later
    sql(`UPDATE secret_failures SET at = at - 901 WHERE person_id = (SELECT id FROM people WHERE email = '${EMAIL}')`);
    assert.equal(await attempt(PW), 303);
    assert.equal(sql(`SELECT count(*) FROM secret_failures WHERE person_id = (SELECT id FROM people WHERE email = '${EMAIL}')`), '0', 'a right one clears them');
  } finally {
    await s.stop();
  }
});

// Issue 17: signing in returned everyone to their account page, not to where they were going.
test('signing in returns to where the visitor was going; a path not of this site is ignored', async () => {
  const LIFT = '100000/100000';
  const s = await startServer({ db, env: { TURNOUT_RATE_SIGNIN_IP: LIFT, TURNOUT_RATE_SIGNIN_ACCOUNT: LIFT, TURNOUT_RATE_SIGNUP_IP: LIFT } });
  try {
    const EMAIL = 'nina.next@example.org';
    const first = new Visitor(s.url);
    await first.signInByLink(s.outbox, EMAIL, 'Nina Next');
    const admin = await strongAdmin(s, db, 'next.admin@example.org', 'Ned Admin');
    await admin.get('/admin');
    await admin.post('/admin/groups', { name: 'Next Steps', seats: 'E14001193' });
    const gid = (await admin.api('GET', '/api/v1/groups')).body.result.find((g) => g.name === 'Next Steps').id;
    // the group page's sign-in link, and a page that needs a sign-in, both say where to come back to
    const v = new Visitor(s.url);
    assert.match((await v.get(`/groups/${gid}`)).body, new RegExp(`href="/signin\\?next=/groups/${gid}"`));
    const acct = await v.get('/account');
    assert.equal(acct.headers.get('location'), '/signin?next=/account');
    const byLink = async (next) => {
      const u = new Visitor(s.url);
      const form = await u.get(`/signin?next=${encodeURIComponent(next)}`);
      const carried = /name="next" value="([^"]*)"/.exec(form.body)?.[1] ?? null;
      await u.post('/signin', carried ? { email: EMAIL, next: carried } : { email: EMAIL });
      const page = await u.get(linkFor(s.outbox, EMAIL).url.replace(/^http:\/\/[^/]+/, ''));
      const done = await u.post('/signin/link', { token: /name="token" value="([^"]+)"/.exec(page.body)[1] });
      return { carried, to: done.headers.get('location') };
    };
    assert.deepEqual(await byLink(`/groups/${gid}`), { carried: `/groups/${gid}`, to: `/groups/${gid}` });
    for (const bad of ['//evil.example/x', 'https://evil.example/', '/groups/1?x=y', '/a b']) {
      assert.deepEqual(await byLink(bad), { carried: null, to: '/account' }, bad);
    }
    // a forged next posted with the form is refused too
    const u = new Visitor(s.url);
    await u.get('/signin');
    await u.post('/signin', { email: EMAIL, next: '//evil.example/' });
    const page = await u.get(linkFor(s.outbox, EMAIL).url.replace(/^http:\/\/[^/]+/, ''));
    const done = await u.post('/signin/link', { token: /name="token" value="([^"]+)"/.exec(page.body)[1] });
    assert.equal(done.headers.get('location'), '/account');
  } finally {
    await s.stop();
  }
});
