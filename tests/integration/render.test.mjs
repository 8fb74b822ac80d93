// Issue 14 (the template renderer, first part): a leaflet template filled and drawn by
// librsvg and cairo (`turnout render`) into a print-ready two-page A5 PDF whose text,
// read back with poppler's pdftotext, carries the imprint and the session; bad
// templates (scripts, external references, no imprint…) and bad values (text that
// would overflow, an empty imprint…) are refused with a reason and nothing is written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from './lib.mjs';

const LEAFLET = fileURLToPath(new URL('../fixtures/materials/leaflet.svg', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'turnout-render-'));
const IMPRINT = 'Promoted by Ann Agent on behalf of the Derby Campaign, 1 High Street, Derby DE1 1AA';
const fill = (extra = [], svg = LEAFLET, out = join(dir, 'out.pdf')) => run(['render', svg, '--imprint', IMPRINT,
  '--slot', 'headline=Doors in Derby North', '--slot', 'when=Saturday 5 December, 10:00',
  '--slot', 'where=Church hall, DE22 1AE', '--slot', 'signup=https://turnout.example/events/7',
  '--pdf', out, '--png', out.replace(/\.pdf$/, '.png'), ...extra]);

test('a two-page A5 leaflet as a PDF whose text holds the imprint and the session, and a web PNG', () => {
  const r = fill();
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /2 pages, 6 slots, PDF written, PNG written/);
  const pdf = join(dir, 'out.pdf');
  const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
  assert.match(info, /Pages:\s+2/);
  assert.match(info, /Page size:\s+419\.5\d* x 595\.2\d* pts/, 'A5: 148 × 210 mm');
  const words = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  assert.match(words, /Doors in Derby North/);
  assert.match(words, /Saturday 5 December, 10:00/);
  assert.match(words, /Church hall, DE22 1AE/);
  assert.ok(words.includes(IMPRINT), words);
  assert.doesNotMatch(words, /imprint|Your street/, 'the template\'s own words were replaced');
  // the PNG is the first page at 150 dpi
  const png = readFileSync(join(dir, 'out.png'));
  assert.equal(png.readUInt32BE(16), 874);
  assert.equal(png.readUInt32BE(20), 1240);
  // with bleed: 3 mm more on every side
  const b = fill(['--bleed'], LEAFLET, join(dir, 'bleed.pdf'));
  assert.equal(b.status, 0, b.stderr);
  assert.match(execFileSync('pdfinfo', [join(dir, 'bleed.pdf')], { encoding: 'utf8' }), /Page size:\s+436\.5\d* x 612\.2\d* pts/);
});

test('values that do not fit, an empty imprint, a bad link: refused, nothing written', () => {
  for (const [args, why, imprint] of [
    [['--slot', 'headline=Knock doors in Derby North this Saturday morning'], /fits 25 characters at most/],
    [['--slot', 'nosuch=x'], /no slot "nosuch"/],
    [['--slot', 'signup=javascript:alert(1)'], /web link/],
    [['--slot', 'when=<b>bold</b>'], /HTML|plain text/],
    [[], /imprint .* is required/, ''],
    [[], /"the imprint" fits 88 characters at most/, 'Promoted by '.repeat(9)],
  ]) {
    const out = join(dir, `bad-${Math.random()}.pdf`);
    const link = args.some((a) => a.startsWith('signup=')) ? [] : ['--slot', 'signup=https://turnout.example/events/7'];
    const base = ['render', LEAFLET, '--imprint', imprint ?? IMPRINT, ...link];
    const r = run([...base, ...args, '--pdf', out]);
    assert.equal(r.status, 1, JSON.stringify(args));
    assert.match(r.stderr, why);
    assert.equal(existsSync(out), false);
  }
  const noqr = run(['render', LEAFLET, '--imprint', IMPRINT, '--pdf', join(dir, 'noqr.pdf')]);
  assert.match(noqr.stderr, /QR code "signup" needs its link/);
});

test('templates that are not safe or not whole are refused', () => {
  const good = readFileSync(LEAFLET, 'utf8');
  const cases = [
    [good.replace('<g id="page2">', '<script>alert(1)</script><g id="page2">'), /<script>/],
    [good.replace('<rect x="0" y="0" width="148" height="210" fill="#fff"/>', '<rect onclick="x()" width="1" height="1"/>'), /event attributes/],
    [good.replace('<g data-locked="logo">', '<image href="https://evil.example/x.png" width="1" height="1"/><g data-locked="logo">'), /no external references/],
    [good.replace('<g data-locked="logo">', '<image href="file:///etc/passwd" width="1" height="1"/><g data-locked="logo">'), /no external references/],
    [good.replace('<g data-locked="logo">', '<foreignObject width="1" height="1"></foreignObject><g data-locked="logo">'), /foreignObject/],
    [good.replace(/<text data-imprint="true"[^>]*>imprint<\/text>/, ''), /needs its imprint/],
    [good.replace('<text data-imprint="true"', '<text data-imprint="true" x="1" y="1">a</text><text data-imprint="true"'), /one imprint/],
    [good.replace('<svg ', '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg '), /entities/],
    [good.replace('width="148mm" height="210mm"', 'width="148" height="210"'), /millimetres/],
    [good.replace('fill="#b00040"', 'fill="url(https://evil.example/p)"'), /url\(\)/],
    ['<html><body>not a template</body></html>', /not an SVG/],
    [good.replace('data-slot="when"', 'data-slot="headline"'), /named once/],
  ];
  for (const [svg, why] of cases) {
    const file = join(dir, 'bad.svg');
    writeFileSync(file, svg);
    const out = join(dir, 'never.pdf');
    const r = run(['render', file, '--imprint', IMPRINT, '--slot', 'signup=https://turnout.example/e', '--pdf', out]);
    assert.equal(r.status, 1, String(why));
    assert.match(r.stderr, why);
    assert.equal(existsSync(out), false);
  }
});
