// Issue 19 #11-#12: a node that cannot write, or whose file is damaged, says
// so on /healthz (a load balancer takes it out), and `turnout doctor` shows
// an operator the queue, its failures, the disk and the file's state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { openSync, writeSync, closeSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Visitor, copyDb, run, FIXTURE_DB } from './lib.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const health = async (srv) => {
  const r = await fetch(`${srv.url}/healthz`);
  return { status: r.status, body: await r.json() };
};
async function checked(srv) {
  for (let i = 0; i < 100; i++) {
    const h = await health(srv);
    if (h.body.result.integrity !== 'unchecked') return h;
    await sleep(100);
  }
  throw new Error('the integrity check never ran');
}

test('a sound, writable database is healthy, with its figures', async () => {
  const srv = await startServer({ db: copyDb(FIXTURE_DB) });
  try {
    const h = await checked(srv);
    assert.equal(h.status, 200);
    assert.equal(h.body.result.integrity, 'ok');
    assert.equal(h.body.result.writable, true);
    assert.equal(h.body.result.mail_unsent, 0);
    assert.ok(h.body.result.checkpoint_at > 0);
  } finally { await srv.stop(); }
});

test('a damaged file is reported unhealthy, and the doctor says where', async () => {
  const db = copyDb(FIXTURE_DB);
  const page = Number(execFileSync('sqlite3', [db, "SELECT pageno FROM dbstat WHERE name = 'postcodes' AND pagetype = 'internal' LIMIT 1"], { encoding: 'utf8' }).trim());
  const size = Number(execFileSync('sqlite3', [db, 'PRAGMA page_size'], { encoding: 'utf8' }).trim());
  const fd = openSync(db, 'r+');
  writeSync(fd, Buffer.from('0dffffff'.repeat(16), 'hex'), 0, 64, (page - 1) * size);
  closeSync(fd);
  const srv = await startServer({ db });
  try {
    const h = await checked(srv);
    assert.equal(h.status, 503);
    assert.equal(h.body.status, 503);
    assert.match(h.body.error, /damaged/);
    assert.equal(h.body.result.integrity, 'damaged');
    const doc = run(['doctor', '--db', db]);
    assert.equal(doc.status, 1);
    assert.match(doc.stdout, /integrity  DAMAGED: .*[Pp]age \d+/);
    assert.match(doc.stdout, /needs attention/);
  } finally { await srv.stop(); }
});

test('a read-only database is reported unhealthy', async (t) => {
  const db = copyDb(FIXTURE_DB);
  // the tests run as root, for whom permissions are no bar: make the file immutable
  if (spawnSync('chattr', ['+i', db]).status !== 0) return t.skip('chattr +i is not available here');
  try {
    const srv = await startServer({ db });
    try {
      const h = await health(srv);
      assert.equal(h.status, 503);
      assert.match(h.body.error, /read-only/);
      assert.equal(h.body.result.writable, false);
    } finally { await srv.stop(); }
  } finally { spawnSync('chattr', ['-i', db]); }
});

test('turnout doctor: the mail queue, its last failure, the disk and a running server', async () => {
  const db = copyDb(FIXTURE_DB);
  const box = join(mkdtempSync(join(tmpdir(), 'turnout-doc-')), 'outbox');
  writeFileSync(box, 'not a folder');
  const srv = await startServer({ db, env: { TURNOUT_OUTBOX: box, TURNOUT_MAIL_RETRY_S: '60' } });
  try {
    await checked(srv);
    const well = run(['doctor', '--db', db, '--quick', '--url', srv.url]);
    assert.equal(well.status, 0, well.stdout);
    assert.match(well.stdout, /mail       0 queued, 0 retrying, 0 given up/);
    assert.match(well.stdout, /disk       \d+ MB free beside the database \(\d+%\)/);
    assert.match(well.stdout, /server     200 ok; last checkpoint \d+ s ago/);
    assert.match(well.stdout, /all well/);
    const v = new Visitor(srv.url);
    await v.get('/signup');
    assert.equal((await v.post('/signup', { name: 'Dora Doctor', email: 'dora@example.org' })).status, 200);
    let doc;
    for (let i = 0; i < 50; i++) {
      doc = run(['doctor', '--db', db, '--quick']);
      if (/1 retrying/.test(doc.stdout)) break;
      await sleep(100);
    }
    assert.equal(doc.status, 1, doc.stdout);
    assert.match(doc.stdout, /0 queued, 1 retrying, 0 given up; oldest unsent queued \d+ s ago/);
    assert.match(doc.stdout, /last failure: outbox: /);
    assert.doesNotMatch(doc.stdout, /dora@example.org/, 'no address in the report');
    const h = await health(srv);
    assert.equal(h.body.result.mail_unsent, 1);
    assert.equal(run(['doctor', '--url', 'ftp://x', '--db', db]).status, 2);
    assert.equal(run(['doctor', '--db', '/nonexistent/turnout.db']).status, 1);
  } finally { await srv.stop(); }
});
