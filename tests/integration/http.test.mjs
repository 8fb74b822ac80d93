// The HTTP core: caps, methods, static files, headers, the page's form, and
// an access log with no personal data in it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, getJson } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

// A raw request, for what fetch() refuses to send.
function raw(base, text) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), hostname, () => s.end(text));
    let out = '';
    s.on('data', (d) => { out += d; });
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

test('URL, header and body caps answer 414, 431, 413 in JSON', async () => {
  const longUrl = await getJson(srv.url, `/postcodes/${'A'.repeat(3000)}`);
  assert.equal(longUrl.status, 414);
  assert.equal(longUrl.body.status, 414);
  const bigHeader = await getJson(srv.url, '/postcodes/DE221AA', { headers: { 'X-Big': 'x'.repeat(9000) } });
  assert.equal(bigHeader.status, 431);
  const bigBody = await getJson(srv.url, '/postcodes', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: 'x'.repeat(70000),
  });
  assert.equal(bigBody.status, 413);
  assert.deepEqual(bigBody.body, { status: 413, error: 'Payload too large' });
  // a chunked body with no Content-Length is capped as it arrives
  const chunk = 'x'.repeat(10000);
  const chunks = Array(8).fill(`${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
  const res = await raw(srv.url, `POST /postcodes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunks}0\r\n\r\n`);
  assert.match(res, /^HTTP\/1\.1 413/);
  // Content-Length is a plain decimal within range, or the request is refused
  for (const [cl, status] of [['-1', 400], ['12abc', 400], ['0x10', 400], ['99999999999999999999', 413]]) {
    const r = await raw(srv.url, `POST /postcodes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${cl}\r\nConnection: close\r\n\r\n{}`);
    assert.match(r, new RegExp(`^HTTP/1\\.1 ${status}`), `Content-Length: ${cl}`);
  }
});

// Issue 18: a request that could be smuggled, or one with no Host, is refused.
test('Content-Length with Transfer-Encoding, and HTTP/1.1 without Host, are 400', async () => {
  const both = await raw(srv.url, 'POST /postcodes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'
    + 'Content-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n');
  assert.match(both, /^HTTP\/1\.1 400/);
  const noHost = await raw(srv.url, 'GET /postcodes/DE221AA HTTP/1.1\r\nConnection: close\r\n\r\n');
  assert.match(noHost, /^HTTP\/1\.1 400/);
  const old = await raw(srv.url, 'GET /postcodes/DE221AA HTTP/1.0\r\n\r\n');
  assert.match(old, /^HTTP\/1\.[01] 200/, 'HTTP/1.0 needs no Host');
});

test('405 with Allow, 404 for unknown routes, HEAD and OPTIONS', async () => {
  const r = await getJson(srv.url, '/postcodes/DE221AA', { method: 'DELETE' });
  assert.equal(r.status, 405);
  assert.equal(r.headers.get('allow'), 'GET');
  assert.deepEqual(r.body, { status: 405, error: 'Method not allowed' });
  assert.equal((await getJson(srv.url, '/postcodes', { method: 'PUT' })).headers.get('allow'), 'POST, GET');
  assert.deepEqual((await getJson(srv.url, '/nothing/here')).body, { status: 404, error: 'Resource not found' });
  const head = await fetch(`${srv.url}/postcodes/DE221AA`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal((await head.text()).length, 0);
  const opt = await fetch(`${srv.url}/postcodes`, { method: 'OPTIONS' });
  assert.equal(opt.status, 204);
  assert.match(opt.headers.get('access-control-allow-methods'), /POST/);
  // issue 18: a cross-site preflight only for public data, never for private routes
  const priv = await fetch(`${srv.url}/account`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } });
  assert.equal(priv.status, 204);
  assert.equal(priv.headers.get('access-control-allow-origin'), null);
  assert.equal(priv.headers.get('access-control-allow-methods'), null);
  const api = await fetch(`${srv.url}/api/v1/groups/1/join`, { method: 'OPTIONS' });
  assert.equal(api.headers.get('access-control-allow-methods'), null);
  const badEscape = await getJson(srv.url, '/api/v1/marginals?postcode=%zz');
  assert.equal(badEscape.status, 400);
});

test('security headers on every answer', async () => {
  for (const path of ['/', '/postcodes/DE221AA', '/static/style.css', '/nope']) {
    const r = await fetch(srv.url + path);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', path);
    assert.equal(r.headers.get('referrer-policy'), 'no-referrer', path);
    assert.match(r.headers.get('content-security-policy'), /frame-ancestors 'none'/, path);
  }
  const page = await fetch(`${srv.url}/`);
  assert.doesNotMatch(page.headers.get('content-security-policy'), /unsafe-inline/);
  assert.equal(page.headers.get('cache-control'), 'no-store');
});

test('static files: right types, validators, no traversal', async () => {
  const css = await fetch(`${srv.url}/static/style.css`);
  assert.equal(css.status, 200);
  assert.match(css.headers.get('content-type'), /^text\/css/);
  const etag = css.headers.get('etag');
  assert.ok(etag);
  assert.equal((await fetch(`${srv.url}/static/style.css`, { headers: { 'If-None-Match': etag } })).status, 304);
  assert.match((await fetch(`${srv.url}/static/icon.svg`)).headers.get('content-type'), /^image\/svg\+xml/);
  for (const p of ['/static/..%2fMakefile', '/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd', '/static/.hidden',
    '/static/../Makefile', '/static/nope.css']) {
    const r = await fetch(srv.url + p);
    assert.ok(r.status === 404 || r.status === 400, `${p} -> ${r.status}`);
    assert.doesNotMatch(await r.text(), /CFLAGS|root:/);
  }
});

test('the page: form, answer, and a clear error for a bad postcode', async () => {
  const home = await fetch(`${srv.url}/`);
  const html = await home.text();
  assert.match(html, /<form method="post" action="\/"/);
  assert.match(html, /<label for="postcode">/);
  const post = (body) => fetch(`${srv.url}/`, {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body,
  });
  const ok = await post('postcode=DE22+1AA&election=2019&max_majority_pct=8');
  assert.equal(ok.status, 200);
  const page = await ok.text();
  assert.match(page, /Marginals nearest DE22 1AA/);
  assert.match(page, /<svg[^>]+class="map"/);
  assert.match(page, /<option value="2019" selected>/);
  const bad = await post('postcode=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
  assert.equal(bad.status, 400);
  const badHtml = await bad.text();
  assert.match(badHtml, /does not look like a UK postcode/);
  assert.doesNotMatch(badHtml, /<script>alert/);
  assert.match(badHtml, /&lt;script&gt;/); // echoed back, escaped
  assert.equal((await post('postcode=GIR+0AA')).status, 404);
  assert.equal((await post('postcode=DE221AA&max_majority_pct=-3')).status, 400);
  assert.equal((await post('')).status, 400);
});

test('the access log names routes, never postcodes', async () => {
  await fetch(`${srv.url}/postcodes/DE22%201AA`);
  await fetch(`${srv.url}/api/v1/marginals?postcode=DE221AA`);
  await fetch(`${srv.url}/`, { method: 'POST', body: 'postcode=DE22+1AA' });
  await new Promise((r) => setTimeout(r, 100));
  const log = srv.accessLog();
  assert.match(log, /GET \/postcodes\/\{pc\} 200/);
  assert.match(log, /GET \/api\/v1\/marginals 200/);
  assert.doesNotMatch(log, /DE22|de22|1AA/i);
});

// Slowloris: thousands of connections from one address, each sending its
// request head a header at a time, held everyone else out (issue 18 #8).
test('slow request heads from one address: the rest are served, and the slow ones are cut at the deadline', async () => {
  const slow = await startServer({ env: { TURNOUT_HEAD_TIMEOUT_S: '5' } });
  const { port } = new URL(slow.url);
  const sockets = [];
  let opened = 0, closedByServer = 0;
  const trickle = setInterval(() => {
    for (const s of sockets) if (!s.destroyed && s.writable) s.write(`X-Slow-${Date.now()}: 1\r\n`);
  }, 400);
  try {
    await Promise.all(Array.from({ length: 4100 }, () => new Promise((resolve) => {
      const s = net.connect({ port: Number(port), host: '127.0.0.1', localAddress: '127.0.0.2' }, () => {
        opened++;
        s.write('GET /postcodes/DE221AA HTTP/1.1\r\nHost: x\r\n');
        resolve();
      });
      s.on('error', () => resolve());
      s.on('close', () => { closedByServer++; resolve(); });
      sockets.push(s);
    })));
    await new Promise((r) => setTimeout(r, 300));
    // someone else, from another address, is answered at once
    const t0 = performance.now();
    const r = await getJson(slow.url, '/postcodes/DE221AA');
    const took = performance.now() - t0;
    assert.equal(r.status, 200);
    assert.ok(took < 1000, `a lookup took ${took.toFixed(0)} ms while the slow heads were held`);
    // those past the cap are closed as they open (a slow, sanitized server may take a moment)
    const open = () => sockets.filter((s) => !s.destroyed).length;
    for (let i = 0; i < 40 && open() > 256; i++) await new Promise((r) => setTimeout(r, 50));
    const held = open();
    assert.ok(held <= 256, `${held} slow connections from one address were kept open`);
    // and the ones kept are cut once their head is 5 s late, bytes or not
    await new Promise((r) => setTimeout(r, 6000));
    const still = sockets.filter((s) => !s.destroyed).length;
    console.log(`# ${opened} slow connections opened, ${held} kept at first, ${still} left after the deadline`);
    assert.equal(still, 0, `${still} slow connections outlived the 5 s deadline`);
    // a keep-alive client that is merely idle between requests is not harmed
    assert.equal((await getJson(slow.url, '/postcodes/DE221AA')).status, 200);
  } finally {
    clearInterval(trickle);
    for (const s of sockets) s.destroy();
    await slow.stop();
  }
});
