// Recurring collections: `turnout rrule` expands series as the server
// does, checked rule by rule against python-dateutil (an independent
// expander), clock changes included; and the rules a series may not have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BIN, run } from './lib.mjs';

const expand = (lines) => run(['rrule'], { input: lines.join('\n') + '\n' }).stdout.split('\n\n');

test('2,000 random rules expand as python-dateutil expands them', () => {
  const script = fileURLToPath(new URL('./rrule_dateutil.py', import.meta.url));
  const r = spawnSync('python3', [script, BIN, '2000'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /2000 rules: \d+ expanded alike \(\d+ dates\), \d+ refused, 0 differ/);
});

test('a weekly 10:00 stays at 10:00 London time across the clock change', () => {
  const [a] = expand(['2027-03-20T10:00 FREQ=WEEKLY;COUNT=3']);
  assert.deepEqual(a.trim().split('\n'), ['2027-03-20T10:00Z', '2027-03-27T10:00Z', '2027-04-03T09:00Z']);
});

test('every other Saturday and the first Sunday of the month', () => {
  const [fortnight, first] = expand([
    '2026-12-05T10:00 FREQ=WEEKLY;INTERVAL=2;BYDAY=SA;UNTIL=20270116T235900',
    '2026-12-01T11:00 FREQ=MONTHLY;BYDAY=1SU;COUNT=3',
  ]);
  assert.deepEqual(fortnight.trim().split('\n'), ['2026-12-05T10:00Z', '2026-12-19T10:00Z', '2027-01-02T10:00Z', '2027-01-16T10:00Z']);
  assert.deepEqual(first.trim().split('\n'), ['2026-12-06T11:00Z', '2027-01-03T11:00Z', '2027-02-07T11:00Z']);
});

test('rules a series may not have are refused with a reason', () => {
  const cases = [
    ['FREQ=WEEKLY;BYDAY=SA', /never ends/],
    ['FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30;COUNT=2', /no dates/],
    ['FREQ=WEEKLY;COUNT=400', /more than 5 years/],
    ['FREQ=WEEKLY;UNTIL=20400101', /at most 5 years/],
    ['FREQ=HOURLY;COUNT=3', /FREQ must be/],
    ['FREQ=MONTHLY;BYSETPOS=-1;BYDAY=FR;COUNT=3', /BYSETPOS is not supported/],
    ['FREQ=WEEKLY;BYDAY=9XX;COUNT=3', /BYDAY takes/],
    ['FREQ=WEEKLY;COUNT=2;UNTIL=20270101', /not both/],
    ['FREQ=DAILY;BYDAY=1MO;COUNT=2', /week of the month/],
    ['COUNT=2', /needs a FREQ/],
    ['FREQ=WEEKLY;COUNT=0', /COUNT must be/],
    ['FREQ=WEEKLY;;COUNT=2', /NAME=VALUE/],
  ];
  const answers = expand(cases.map(([rule]) => `2026-12-05T10:00 ${rule}`));
  cases.forEach(([rule, why], i) => assert.match(answers[i], new RegExp('^error: .*' + why.source), rule));
  assert.match(expand(['tomorrow FREQ=DAILY;COUNT=1'])[0], /^error: a line is/);
});
