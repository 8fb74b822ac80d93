// Real SMTP delivery through libcurl to a relay on loopback (Python's
// smtpd debugging server prints what it receives).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { startServer, Visitor, copyDb, FIXTURE_DB } from './lib.mjs';

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

test('sign-in links go out over SMTP when a relay is configured', async () => {
  const port = await freePort();
  const relay = spawn('python3', ['-W', 'ignore', '-u', '-m', 'smtpd', '-n', '-c', 'DebuggingServer', `127.0.0.1:${port}`]);
  let got = '';
  relay.stdout.on('data', (d) => { got += d; });
  await new Promise((r) => setTimeout(r, 800));
  const srv = await startServer({ db: copyDb(FIXTURE_DB), env: {
    TURNOUT_SMTP_URL: `smtp://127.0.0.1:${port}`, TURNOUT_MAIL_FROM: 'turnout <noreply@turnout.test>',
  } });
  try {
    const v = new Visitor(srv.url);
    await v.get('/signup');
    assert.equal((await v.post('/signup', { name: 'Sid Smtp', email: 'sid@example.org' })).status, 200);
    for (let i = 0; i < 50 && !/signin\/link\?token=/.test(got); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(got, /To: sid@example.org/);
    assert.match(got, /From: turnout <noreply@turnout.test>/);
    assert.match(got, /\/signin\/link\?token=[A-Za-z0-9_-]{43}/);
    assert.match(srv.stderr(), /listening/);
    assert.doesNotMatch(srv.stderr(), /sid@example.org/, 'no address in the server log');
  } finally {
    await srv.stop();
    relay.kill();
  }
});
