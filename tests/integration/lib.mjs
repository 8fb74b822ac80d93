// Shared by the black-box tests: start the real binary on a free loopback
// port against a real database (a SQLite file, or with TURNOUT_TEST_BACKEND=pg
// a PostgreSQL database: tests/integration/pg.mjs), and stop it the way an
// operator would.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createHmac, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = process.env.TURNOUT_BIN ?? 'build/turnout';
export const PG = process.env.TURNOUT_TEST_BACKEND === 'pg';
const SQL_BIN = join(process.env.TURNOUT_UNIT_DIR ?? 'build/tests', 'sql');

// SQL in the schema's dialect against either backend (tests/tools/sql.c):
// rows as lines, columns joined by '|'.
export const sqlOn = (db) => (q) => execFileSync(SQL_BIN, [db], { input: q, encoding: 'utf8' }).trim();

// A database of its own, so a test may write without touching others: a
// copy of the file, or on PostgreSQL a new database made from the template.
export function copyDb(src) {
  if (PG) return pgCopy(src);
  const dir = mkdtempSync(join(tmpdir(), 'turnout-db-'));
  const dst = join(dir, 'copy.db');
  copyFileSync(src, dst);
  return dst;
}

function pgCopy(src) {
  // the fixture's copy may have a server on it: the template it came from has none
  if (src === fixtureCopy) src = process.env.TURNOUT_TEST_PG_FIXTURE;
  const [, db, query] = /^postgresql:\/\/\/(\w+)\?(.*)$/.exec(src);
  const host = new URLSearchParams(query).get('host');
  const name = `t_${randomBytes(6).toString('hex')}`;
  execFileSync('psql', ['-h', host, '-U', 'turnout', '-d', 'postgres', '-qc',
    `CREATE DATABASE ${name} TEMPLATE ${db}`]);
  return `postgresql:///${name}?host=${encodeURIComponent(host)}&user=turnout`;
}

// On PostgreSQL the fixture is a template no server may hold open: each
// test file works on a copy of it.
let fixtureCopy = null;
export const FIXTURE_DB = PG ? (fixtureCopy = pgCopy(process.env.TURNOUT_TEST_PG_FIXTURE))
  : process.env.TURNOUT_FIXTURE_DB ?? 'build/test/fixture.db';
export const FULL_DB = process.env.TURNOUT_FULL_DB ?? 'build/test/full.db';

// Where a server on db keeps uploaded files: beside a SQLite file; for a
// PostgreSQL database, a folder of its own (TURNOUT_FILES, set by startServer).
export const filesOf = (db) => (PG ? join(tmpdir(), `turnout-files-${/^postgresql:\/\/\/(\w+)/.exec(db)[1]}`) : `${db}.files`);

// Mail is queued in the database and delivered by the server's own sender,
// a moment after the answer: before reading an outbox, wait until every
// running server has delivered what is due.
const running = new Map(); // outbox folder -> database file
const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

// Servers started elsewhere (a cluster's nodes) delivering into outbox from db.
export const expectMail = (outbox, db) => running.set(outbox, db);

export function settleMail(only) {
  for (const [outbox, db] of running) {
    if (only && outbox !== only) continue;
    for (let i = 0; i < 500; i++) {
      const due = sqlOn(db)("SELECT count(*) FROM mail_out WHERE sent_at IS NULL AND failed_at IS NULL AND next_try <= strftime('%s', 'now')");
      if (due === '0') break;
      pause(20);
    }
  }
}

// A shell command over outbox files, once the mail is settled.
export function mailSh(cmd) {
  settleMail();
  return execFileSync('sh', ['-c', cmd], { encoding: 'utf8' });
}

export async function startServer({ db = FIXTURE_DB, args = [], env = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'turnout-'));
  const accessLog = join(dir, 'access.log');
  const outbox = env.TURNOUT_OUTBOX ?? join(dir, 'outbox');
  const proc = spawn(BIN, ['serve', '--port', '0', '--db', db, '--access-log', accessLog, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TURNOUT_OUTBOX: outbox, ...(PG ? { TURNOUT_FILES: filesOf(db) } : {}), ...env },
  });
  let stderr = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 30000);
    proc.stderr.on('data', (d) => {
      stderr += d;
      if (process.env.TURNOUT_TEST_ECHO) process.stderr.write(d); // the server's log, to debug a test
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(stderr);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${stderr}`)); });
  });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => { running.delete(outbox); resolve({ code, signal }); }));
  running.set(outbox, db);
  return {
    url,
    proc,
    outbox,
    accessLog: () => readFileSync(accessLog, 'utf8'),
    stderr: () => stderr,
    async stop() {
      proc.kill('SIGTERM');
      return exited;
    },
  };
}

export async function getJson(base, path, init) {
  const res = await fetch(base + path, init);
  const text = await res.text();
  let body;
  try { body = JSON.parse(text); } catch { body = text; }
  return { status: res.status, headers: res.headers, body };
}

export function run(args, opts = {}) {
  return spawnSync(BIN, args, { encoding: 'utf8', ...opts });
}


// The newest email to `to` in an outbox folder holding a match of re:
// { url: the first match, text, file }, or null.
export function mailFor(outbox, to, re) {
  settleMail(outbox);
  const files = existsSync(outbox) ? readdirSync(outbox).filter((f) => f.endsWith('.eml')).sort() : [];
  for (const f of files.reverse()) {
    const text = readFileSync(join(outbox, f), 'utf8');
    if (!text.includes(`To: ${to}\r\n`)) continue;
    const m = re.exec(text);
    if (m) return { url: m[1] ?? m[0], text, file: f };
  }
  return null;
}

// The sign-in link in the newest email to `to` that has one.
export function linkFor(outbox, to) {
  return mailFor(outbox, to, /(http:\/\/[^\s"<>]+\/signin\/link\?token=[A-Za-z0-9_-]+)/);
}

// A person with a browser-like cookie jar: pages fetched, forms posted with
// the CSRF token the page carried, redirects not followed.
export class Visitor {
  constructor(base) { this.base = base; this.jar = new Map(); this.csrf = null; }
  cookieHeader() { return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '); }
  keep(res) {
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const [k, v] = pair.split('=');
      if (attrs.some((a) => /max-age=0/i.test(a.trim())) || v === '') this.jar.delete(k);
      else this.jar.set(k, v);
    }
  }
  async get(path, headers = {}) {
    const res = await fetch(this.base + path, { redirect: 'manual', headers: { Cookie: this.cookieHeader(), ...headers } });
    this.keep(res);
    const body = await res.text();
    const m = /name="csrf" value="([^"]+)"/.exec(body);
    if (m) this.csrf = m[1];
    return { status: res.status, headers: res.headers, body };
  }
  async post(path, fields = {}, { csrf = true, headers = {} } = {}) {
    if (csrf && !this.csrf) await this.get('/signin');
    const form = new URLSearchParams(csrf ? { csrf: this.csrf, ...fields } : fields);
    const res = await fetch(this.base + path, {
      method: 'POST', redirect: 'manual', body: form.toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: this.cookieHeader(),
        Origin: this.base, ...headers },
    });
    this.keep(res);
    const body = await res.text();
    const m = /name="csrf" value="([^"]+)"/.exec(body);
    if (m) this.csrf = m[1];
    return { status: res.status, headers: res.headers, body };
  }
  // A file as the request body, the form token in a header (as static/upload.js sends it).
  async upload(path, body, { csrf = this.csrf, type = 'text/csv' } = {}) {
    const res = await fetch(this.base + path, {
      method: 'POST', body, headers: { 'Content-Type': type, Cookie: this.cookieHeader(), Origin: this.base,
        ...(csrf ? { 'X-CSRF-Token': csrf } : {}) },
    });
    const text = await res.text();
    let json; try { json = JSON.parse(text); } catch { json = text; }
    return { status: res.status, body: json };
  }
  async api(method, path, { origin = true, body } = {}) {
    const res = await fetch(this.base + path, {
      method, headers: { Cookie: this.cookieHeader(), ...(origin ? { Origin: this.base } : {}),
        ...(body ? { 'Content-Type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    this.keep(res);
    const text = await res.text();
    let json; try { json = JSON.parse(text); } catch { json = text; }
    return { status: res.status, headers: res.headers, body: json };
  }
  // Signs up (or in) by emailed link; returns the person's page.
  async signInByLink(outbox, email, name = 'Test Person', extra = {}) {
    await this.get('/signup');
    const r = await this.post('/signup', { name, email, ...extra });
    if (r.status !== 200) throw new Error(`signup ${r.status}: ${r.body.slice(0, 200)}`);
    const link = linkFor(outbox, email);
    if (!link) throw new Error(`no email for ${email}`);
    const page = await this.get(link.url.replace(/^http:\/\/[^/]+/, ''));
    const token = /name="token" value="([^"]+)"/.exec(page.body)[1];
    const done = await this.post('/signin/link', { token });
    if (done.status !== 303) throw new Error(`link sign-in ${done.status}`);
    // a new session carries a new CSRF token: pick it up as a browser would
    await this.get('/account');
    return done;
  }
}

// RFC 6238 TOTP, SHA-1, 6 digits, for the secret in base32.
export function totp(secretB32, when = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secretB32.replace(/=+$/, '')) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(when / 1000 / 30)));
  const h = createHmac('sha1', key).update(counter).digest();
  const o = h[h.length - 1] & 15;
  return String(((h.readUInt32BE(o) & 0x7fffffff) % 1000000)).padStart(6, '0');
}

// Someone signed in with password and TOTP (a strong session): sets both up
// through the pages, signs out, and signs in again with them.
export async function strongVisitor(srv, email, name) {
  const v = new Visitor(srv.url);
  await v.signInByLink(srv.outbox, email, name);
  await v.post('/account/password', { password: 'a long enough password', again: 'a long enough password' });
  await v.post('/account/totp/start');
  const secret = /<code class="secret">([A-Z2-7]+)<\/code>/.exec((await v.get('/account/security')).body)[1];
  if ((await v.post('/account/totp/confirm', { code: totp(secret) })).status !== 200) throw new Error('TOTP enrolment failed');
  await v.post('/signout');
  const s = new Visitor(srv.url);
  await s.get('/signin');
  await s.post('/signin/password', { email, password: 'a long enough password' });
  await s.get('/signin/totp');
  // the enrolment used this step's code; the next step's is accepted
  await s.post('/signin/totp', { code: totp(secret, Date.now() + 30000) });
  await s.get('/account');
  return s;
}

// A volunteer signed in by an emailed link who has joined the group; v.id is
// their person id.
export async function groupMember(srv, gid, email, name) {
  const v = new Visitor(srv.url);
  await v.signInByLink(srv.outbox, email, name);
  await v.get(`/groups/${gid}`);
  const joined = await v.post(`/groups/${gid}/join`);
  if (joined.status !== 303) throw new Error(`${email} could not join group ${gid}: ${joined.status}`);
  v.id = (await v.api('GET', '/api/v1/me')).body.result.id;
  return v;
}

// A national admin (made with `turnout admin`) on a strong session.
export async function strongAdmin(srv, db, email = 'org@example.org', name = 'Orla Organiser') {
  const made = run(['admin', '--email', email, '--name', name, '--db', db]);
  if (made.status !== 0) throw new Error(made.stderr);
  return strongVisitor(srv, email, name);
}
