// The command line: every subcommand, --help, and bad arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, FIXTURE_DB } from './lib.mjs';

test('--help for the binary and each command', () => {
  const top = run(['--help']);
  assert.equal(top.status, 0);
  for (const c of ['serve', 'import', 'postcode', 'nearest']) {
    assert.match(top.stdout, new RegExp(`\\b${c}\\b`));
    const r = run([c, '--help']);
    assert.equal(r.status, 0, c);
    assert.match(r.stdout, new RegExp(`usage: turnout ${c}`));
  }
  assert.equal(run([]).status, 2);
  assert.equal(run(['frobnicate']).status, 2);
});

test('turnout postcode', () => {
  const r = run(['postcode', 'de22', '1aa', '--db', FIXTURE_DB]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^DE22 1AA/);
  assert.match(r.stdout, /Derby North E14001193/);
  const j = JSON.parse(run(['postcode', 'SW1A1AA', '--json', '--db', FIXTURE_DB]).stdout);
  assert.equal(j.codes.parliamentary_constituency_2024, 'E14001172');
  const bad = run(['postcode', 'XYZ', '--db', FIXTURE_DB]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /invalid postcode/);
  assert.equal(run(['postcode', '--db', FIXTURE_DB]).status, 2);
  const nodb = run(['postcode', 'DE221AA', '--db', '/nonexistent/x.db']);
  assert.equal(nodb.status, 1);
  assert.match(nodb.stderr, /does not exist/);
});

test('turnout nearest', () => {
  const r = run(['nearest', 'DE22 1AA', '--election', '2019', '--limit', '3', '--db', FIXTURE_DB]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').filter((l) => /^\s*\d+\..+ km by road /.test(l)).length, 3);
  const j = JSON.parse(run(['nearest', 'DE221AA', '--json', '--party', 'con', '--max-majority-pct', '10',
    '--db', FIXTURE_DB]).stdout);
  assert.equal(j.party, 'con');
  assert.ok(j.marginals.length > 0);
  assert.ok(j.marginals.every((m) => m.stance === 'defend' || m.stance === 'attack'));
  for (const args of [['--election', '2010'], ['--limit', 'x'], ['--max-majority-pct', '0'], ['--party', '!!']]) {
    const b = run(['nearest', 'DE221AA', ...args, '--db', FIXTURE_DB]);
    assert.equal(b.status, 2, args.join(' '));
    assert.ok(b.stderr.length > 0);
  }
  assert.equal(run(['nearest', 'DE221AA', '--bogus']).status, 2);
});

test('turnout serve refuses bad options', () => {
  assert.equal(run(['serve', '--port', '70000', '--db', FIXTURE_DB]).status, 2);
  assert.equal(run(['serve', '--threads', '0', '--db', FIXTURE_DB]).status, 2);
  const nodb = run(['serve', '--port', '0', '--db', '/nonexistent/x.db']);
  assert.equal(nodb.status, 1);
  assert.match(nodb.stderr, /turnout import/);
  const badBind = run(['serve', '--port', '0', '--bind', 'nope', '--db', FIXTURE_DB]);
  assert.equal(badBind.status, 1);
});

test('turnout import: a bad data folder is a clear error and exit 1', () => {
  // a database of its own: one left by another run (an older schema) would fail first
  const r = run(['import', '--data', '/nonexistent', '--db', join(mkdtempSync(join(tmpdir(), 'cli-')), 'import.db')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^turnout import: \/nonexistent\/boundaries\/pcon2024-centroids\.csv: cannot open/);
  assert.equal(run(['import', 'extra-arg']).status, 2);
});

test('turnout demo seeds groups, an organiser, sessions, a phone bank and a real conversation, once', async () => {
  const { copyDb, FIXTURE_DB: fx } = await import('./lib.mjs');
  const { execFileSync } = await import('node:child_process');
  const db = copyDb(fx);
  const r = run(['demo', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /password\s+[a-z2-9]{16}/);
  assert.match(r.stdout, /TOTP key\s+[A-Z2-7]{32}/);
  const q = (s) => execFileSync('sqlite3', [db, s], { encoding: 'utf8' }).trim();
  assert.equal(q('SELECT count(*) FROM local_groups'), '4');
  assert.equal(q("SELECT count(*) FROM events WHERE status = 'published' AND starts_at > strftime('%s','now') AND type <> 'dropoff'"), '8');
  assert.equal(q("SELECT count(*) FROM memberships WHERE role = 'organiser'"), '4');
  // and a phone bank with its practice queue, in the first group
  assert.match(r.stdout, /phone\s+bank \(\/phonebanks\/1\)/);
  assert.equal(q('SELECT count(*) FROM contacts WHERE phonebank_id = 1 AND practice = 1'), '25');
  // and a real Polis conversation (data/opinions) in the first group, its map drawn
  assert.match(r.stdout, /\/conversations\/1\/map/);
  assert.equal(q('SELECT count(*) FROM opinion_votes WHERE conversation_id = 1'), '5303');
  assert.equal(q("SELECT count(*) FROM memberships WHERE group_id = (SELECT group_id FROM conversations WHERE id = 1) AND role = 'member'"), '204');
  assert.equal(q('SELECT groups || \'/\' || placed FROM opinion_maps WHERE conversation_id = 1'), '2/189');
  assert.equal(q("SELECT count(*) FROM people WHERE email LIKE 'polis-%@demo.invalid'"), '204');
  // and a food bank the first group supports, with weekly collections made 8 weeks ahead
  assert.match(r.stdout, /collections \(\/foodbanks\/1\) whose first run needs a driver/);
  // every Saturday inside the 8-week horizon: 7 or 8 of them, as the day falls
  const [n, first, last, now] = q("SELECT count(*), min(e.starts_at), max(e.starts_at), strftime('%s','now') FROM collections c JOIN events e ON e.id = c.event_id WHERE e.type = 'dropoff' AND c.series_id IS NOT NULL").split('|').map(Number);
  const week = 7 * 86400, horizon = now + 8 * week;
  assert.ok(first > now && first <= now + week + 86400, 'the first is the Saturday a day or more ahead');
  assert.ok(last <= horizon && last + week > horizon - 3600, 'the last is the last one inside the horizon');
  assert.equal(n, Math.round((last - first) / week) + 1, 'one a week, none missing');
  assert.ok(n >= 7);
  assert.equal(q("SELECT count(*) FROM foodbank_needs WHERE foodbank_id = 1 AND urgency = 'urgent'"), '2');
  // and a national leaflet template to fill
  assert.match(r.stdout, /template to fill \(\/leaflets\/templates\/1\)/);
  assert.equal(q('SELECT count(*) FROM leaflet_templates'), '1');
  // and a poster in the library for the whole movement, its file and thumbnail stored
  assert.match(r.stdout, /a poster in the library\s+\(\/materials\/1\)/);
  const [hash, thumb] = q("SELECT hash || ' ' || thumb FROM material_versions WHERE material_id = 1").split(' ');
  const { existsSync } = await import('node:fs');
  assert.ok(existsSync(`${db}.files/${hash.slice(0, 2)}/${hash}`) && existsSync(`${db}.files/${thumb.slice(0, 2)}/${thumb}`));
  assert.equal(q("SELECT scope || '/' || state FROM materials WHERE id = 1"), 'movement/published');
  const events = q('SELECT count(*) FROM events');
  assert.equal(Number(events), 8 + n);
  const again = run(['demo', '--db', db]);
  assert.equal(again.status, 0);
  assert.match(again.stdout, /nothing added/);
  assert.equal(q('SELECT count(*) FROM events'), events);
});

// Issue 12: `turnout count` reproduces a real ward election's reference count
test('turnout count: a real Scottish ward counted exactly, as JSON and as a result sheet; bad input is exit 1 or 2', async () => {
  const { readFileSync, writeFileSync, mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const dir = 'tests/fixtures/elections/glasgow2007';
  const want = JSON.parse(readFileSync(`${dir}/expected.json`, 'utf8')).elections['Govan-2007.blt'];
  const r = run(['count', '--json', `${dir}/Govan-2007.blt`]);
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout);
  assert.equal(got.rule, 'scottish');
  assert.equal(got.quota, '1913.00000');
  assert.deepEqual(got.elected, want.elected);
  assert.deepEqual(got.stages.map((s) => s.totals), want.stages.map((s) => s.totals));
  assert.equal(got.final_loss_fractions, want.final_loss_fractions);
  const sheet = run(['count', `${dir}/Govan-2007.blt`]);
  assert.equal(sheet.status, 0);
  assert.match(sheet.stdout, /Quota: 1913\.00000\./);
  assert.match(sheet.stdout, /Allison Hunter +2694\.00000 +1913\.00000/);
  assert.match(sheet.stdout, /Stage 2: surplus of Allison Hunter \(781\.00000\) transferred\./);
  assert.match(sheet.stdout, /Elected, in order: Allison Hunter, John Flanagan, Stephen Dornan, Shaukat Butt\./);
  // IRV on the sample's four one-seat by-elections: the reference count's winner, with
  // whole votes and no quota (a majority of the votes still in the count)
  const sample = 'tests/fixtures/elections/scotland-sample';
  const ref = JSON.parse(readFileSync(`${sample}/expected.json`, 'utf8')).elections;
  const byes = Object.keys(ref).filter((f) => f.includes('by_election'));
  assert.equal(byes.length, 4);
  for (const f of byes) {
    const out = JSON.parse(run(['count', '--rule', 'irv', '--json', `${sample}/${f}`]).stdout);
    assert.deepEqual(out.elected, ref[f].elected, f);
    assert.equal(out.quota, null);
    assert.match(out.final_totals[out.elected[0]], /^\d+$/);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'blt-'));
  writeFileSync(join(tmp, 'bad.blt'), '2 1\n1 1 1 0\n0\n"A"\n"B"\n"T"\n');
  const bad = run(['count', join(tmp, 'bad.blt')]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /line 2: candidate 1 is ranked twice/);
  assert.equal(run(['count', '--rule', 'borda', `${dir}/Govan-2007.blt`]).status, 2);
  // the block vote over the same ward: the four with the most first-to-fourth preferences
  const blk = JSON.parse(run(['count', '--rule', 'block', '--json', `${dir}/Govan-2007.blt`]).stdout);
  assert.equal(blk.rule, 'block');
  assert.equal(blk.elected.length, 4);
  assert.equal(blk.n_stages, 1);
  assert.equal(run(['count']).status, 2);
  const irv = run(['count', '--rule', 'irv', `${dir}/Govan-2007.blt`]);
  assert.equal(irv.status, 1);
  assert.match(irv.stderr, /IRV fills one seat/);
});

// Issue 12: the ERS97 and Meek rules, and a balance rule inside the count
test('turnout count: ERS97 in hundredths, Meek in 10^-9, and a group minimum that changes who is elected', () => {
  const govan = 'tests/fixtures/elections/glasgow2007/Govan-2007.blt';
  const ers = JSON.parse(run(['count', '--rule', 'ers97', '--json', govan]).stdout);
  assert.equal(ers.rule, 'ers97');
  assert.equal(ers.quota, '1912.00'); // 9560 / 5 exactly
  assert.equal(ers.elected.length, 4);
  for (const s of ers.stages) for (const v of Object.values(s.totals)) assert.match(v, /^\d+\.\d\d$/);
  // an exclusion moves its papers a batch of one value at a time, highest first
  const batches = ers.stages.filter((s) => s.substages > 1);
  assert.ok(batches.length >= 2);
  assert.equal(batches[0].papers_at, '1.00');
  const meek = JSON.parse(run(['count', '--rule', 'meek', '--json', govan]).stdout);
  assert.equal(meek.rule, 'meek');
  assert.match(meek.quota, /^\d+\.\d{9}$/);
  assert.ok(meek.stages.some((s) => s.iterations > 1));
  const sheet = run(['count', '--rule', 'meek', govan]).stdout;
  assert.match(sheet, /Meek \(PR Foundation reference rule\)/);
  assert.match(sheet, /passed on by lowering keep values \(\d+ iterations\)/);
  // without a rule one of candidates 6, 8, 9, 11 is elected; with "at least two" two are
  const names = ers.candidates;
  const group = [6, 8, 9, 11].map((i) => names[i - 1]);
  assert.equal(ers.elected.filter((n) => group.includes(n)).length, 1);
  for (const rule of ['scottish', 'ers97', 'meek']) {
    const r = run(['count', '--rule', rule, '--group', 'Women:2=6,8,9,11', '--json', govan]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.elected.filter((n) => group.includes(n)).length, 2, rule);
    assert.equal(out.groups[0].elected, 2);
    // the rule shows where it acted: a candidate excluded for it, or one kept
    assert.ok(out.stages.some((s) => s.because === 'Women' || s.kept_because === 'Women'), rule);
  }
  const text = run(['count', '--group', 'Women:2=6,8,9,11', govan]).stdout;
  assert.match(text, /Group rule: Women, at least 2 of the seats\./);
  assert.match(text, /excluded \(.+, with fewer votes, is kept for the rule for Women\)/);
  const bad = run(['count', '--group', 'Women:2=6,99', govan]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /candidates are numbers 1 to 11/);
  const impossible = run(['count', '--group', 'Women:5=6,8,9,11', govan]);
  assert.equal(impossible.status, 1);
  assert.match(impossible.stderr, /fewer candidates than its minimum/);
});
