// The postcodes.io-compatible API and the marginals API over the fixture
// database: every endpoint, every error path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, getJson } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => {
  const { code } = await srv.stop();
  assert.equal(code, 0, 'clean exit on SIGTERM');
});

const POSTCODE_KEYS = ['postcode', 'quality', 'eastings', 'northings', 'country', 'nhs_ha',
  'longitude', 'latitude', 'european_electoral_region', 'primary_care_trust', 'region', 'lsoa',
  'msoa', 'incode', 'outcode', 'parliamentary_constituency', 'parliamentary_constituency_2024',
  'admin_district', 'parish', 'admin_county', 'date_of_introduction', 'admin_ward', 'ced',
  'ccg', 'nuts', 'pfa', 'codes'];

test('GET /postcodes/{pc} speaks the postcodes.io shape', async () => {
  const r = await getJson(srv.url, '/postcodes/sw1a%201aa');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 200);
  const p = r.body.result;
  for (const k of POSTCODE_KEYS) assert.ok(k in p, `missing ${k}`);
  assert.equal(p.postcode, 'SW1A 1AA');
  assert.equal(p.outcode, 'SW1A');
  assert.equal(p.incode, '1AA');
  assert.equal(p.country, 'England');
  assert.equal(p.eastings, 529090);
  assert.ok(Math.abs(p.latitude - 51.501009) < 2e-5);
  assert.ok(Math.abs(p.longitude - -0.141588) < 2e-5);
  assert.equal(p.parliamentary_constituency, 'Cities of London and Westminster');
  assert.equal(p.parliamentary_constituency_2024, 'Cities of London and Westminster');
  assert.equal(p.codes.parliamentary_constituency, 'E14000639');
  assert.equal(p.codes.parliamentary_constituency_2024, 'E14001172');
  assert.equal(p.codes.admin_district, 'E09000033');
  assert.equal(p.precision, 'postcode');
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
});

test('postcode errors match postcodes.io', async () => {
  assert.deepEqual((await getJson(srv.url, '/postcodes/NOTAPOSTCODE')).body,
    { status: 404, error: 'Invalid postcode' });
  // well-formed but unknown, in a district that has no position either
  assert.deepEqual((await getJson(srv.url, '/postcodes/GIR0AA')).body,
    { status: 404, error: 'Postcode not found' });
});

test('an unknown postcode falls back to its district, and says so', async () => {
  const r = await getJson(srv.url, '/postcodes/DE22%209ZZ');
  assert.equal(r.status, 200);
  assert.equal(r.body.result.precision, 'district');
  assert.equal(r.body.result.outcode, 'DE22');
  assert.equal(r.body.result.quality, null);
  assert.ok(r.body.result.latitude > 52.8 && r.body.result.latitude < 53.1);
});

test('Northern Ireland postcodes resolve at district level', async () => {
  const r = await getJson(srv.url, '/postcodes/BT7%201NN');
  assert.equal(r.status, 200);
  assert.equal(r.body.result.precision, 'district');
  assert.equal(r.body.result.country, 'Northern Ireland');
  assert.match(r.body.result.codes.parliamentary_constituency_2024, /^N05/);
});

test('a postcode published without a position has null coordinates', async () => {
  const r = await getJson(srv.url, '/postcodes/AB43%201AG');
  assert.equal(r.status, 200);
  assert.equal(r.body.result.latitude, null);
  assert.equal(r.body.result.eastings, null);
});

test('validate', async () => {
  assert.deepEqual((await getJson(srv.url, '/postcodes/DE221AA/validate')).body, { status: 200, result: true });
  assert.deepEqual((await getJson(srv.url, '/postcodes/DE229ZZ/validate')).body, { status: 200, result: false });
  assert.deepEqual((await getJson(srv.url, '/postcodes/rubbish/validate')).body, { status: 200, result: false });
});

test('autocomplete', async () => {
  const r = await getJson(srv.url, '/postcodes/de22%201/autocomplete?limit=3');
  assert.equal(r.status, 200);
  assert.equal(r.body.result.length, 3);
  for (const pc of r.body.result) assert.match(pc, /^DE22 1/);
  assert.deepEqual([...r.body.result].sort(), r.body.result);
  assert.equal((await getJson(srv.url, '/postcodes/DE22/autocomplete')).body.result.length, 10);
  assert.deepEqual((await getJson(srv.url, '/postcodes/QQ9/autocomplete')).body, { status: 200, result: null });
  assert.equal((await getJson(srv.url, '/postcodes/DE22/autocomplete?limit=0')).status, 400);
  assert.equal((await getJson(srv.url, '/postcodes/DE22/autocomplete?limit=101')).status, 400);
});

test('bulk lookup', async () => {
  const post = (body, type = 'application/json') => getJson(srv.url, '/postcodes', {
    method: 'POST', headers: { 'Content-Type': type }, body,
  });
  const r = await post(JSON.stringify({ postcodes: ['DE22 1AA', 'nonsense', 7, 'sw1a1aa'] }));
  assert.equal(r.status, 200);
  assert.equal(r.body.result.length, 4);
  assert.equal(r.body.result[0].query, 'DE22 1AA');
  assert.equal(r.body.result[0].result.postcode, 'DE22 1AA');
  assert.equal(r.body.result[1].result, null);
  assert.equal(r.body.result[2].query, null);
  assert.equal(r.body.result[3].result.postcode, 'SW1A 1AA');

  const many = JSON.stringify({ postcodes: Array(101).fill('DE22 1AA') });
  const tooMany = await post(many);
  assert.equal(tooMany.status, 400);
  assert.match(tooMany.body.error, /Up to 100 postcodes/);
  assert.equal((await post(JSON.stringify({ postcodes: Array(100).fill('DE22 1AA') }))).status, 200);
  assert.match((await post('{not json')).body.error, /^Invalid JSON submitted/);
  assert.match((await post('{"postcodes": "DE22 1AA"}')).body.error, /^Invalid data submitted/);
  assert.match((await post('[]')).body.error, /^Invalid JSON submitted/);
  assert.equal((await post('{"postcodes":[]}', 'text/plain')).status, 415);
});

test('reverse geocoding', async () => {
  const r = await getJson(srv.url, '/postcodes?lon=-0.141588&lat=51.501009&limit=3');
  assert.equal(r.status, 200);
  assert.equal(r.body.result[0].postcode, 'SW1A 1AA');
  assert.ok(r.body.result[0].distance < 1);
  const d = r.body.result.map((p) => p.distance);
  assert.deepEqual([...d].sort((a, b) => a - b), d);
  for (const p of r.body.result) assert.ok(p.distance <= 100);
  const wide = await getJson(srv.url, '/postcodes?longitude=-1.48408&latitude=52.9308&radius=2000&limit=100');
  assert.equal(wide.body.result.length, 100);
  assert.ok(wide.body.result.every((p) => p.distance <= 2000));
  assert.deepEqual((await getJson(srv.url, '/postcodes?lon=0&lat=0')).body, { status: 200, result: null });
  assert.deepEqual((await getJson(srv.url, '/postcodes?lon=abc&lat=52')).body,
    { status: 400, error: 'Invalid longitude/latitude submitted' });
  assert.equal((await getJson(srv.url, '/postcodes?lon=-1&lat=91')).status, 400);
  // like postcodes.io: a radius over 2 km is capped, a nonsense one refused
  const capped = await getJson(srv.url, '/postcodes?lon=-1.48408&lat=52.9308&radius=50000&limit=100');
  assert.equal(capped.status, 200);
  assert.ok(capped.body.result.every((p) => p.distance <= 2000));
  assert.equal((await getJson(srv.url, '/postcodes?lon=-1&lat=52&radius=-1')).status, 400);
  assert.equal((await getJson(srv.url, '/postcodes?lon=-1&lat=52&radius=x')).status, 400);
  // widesearch looks up to 20 km for at most 10: Derby from a field outside it
  const far = await getJson(srv.url, '/postcodes?lon=-1.62&lat=52.93&widesearch=true&limit=50');
  assert.equal(far.status, 200);
  assert.equal(far.body.result.length, 10);
  assert.ok(far.body.result.every((p) => p.distance <= 20000));
  assert.equal((await getJson(srv.url, '/postcodes?lon=-1&lat=52&limit=101')).status, 400);
  assert.match((await getJson(srv.url, '/postcodes')).body.error, /^No postcode query submitted/);
  const q = await getJson(srv.url, '/postcodes?q=SW1A1&limit=2');
  assert.equal(q.body.result.length, 2);
  assert.match(q.body.result[0].postcode, /^SW1A 1/);
});

test('postcodes near a postcode, and a random one', async () => {
  const r = await getJson(srv.url, '/postcodes/DE22%201AA/nearest?limit=5&radius=500');
  assert.equal(r.status, 200);
  assert.equal(r.body.result[0].postcode, 'DE22 1AA');
  assert.equal(r.body.result[0].distance, 0);
  assert.ok(r.body.result.length <= 5 && r.body.result.every((p) => p.distance <= 500));
  assert.equal((await getJson(srv.url, '/postcodes/DE229ZZ/nearest')).status, 404);
  assert.equal((await getJson(srv.url, '/postcodes/XYZ/nearest')).status, 404);
  const seen = new Set();
  for (let i = 0; i < 10; i++) {
    const x = await getJson(srv.url, '/random/postcodes');
    assert.equal(x.status, 200);
    assert.ok(x.body.result.latitude !== null);
    seen.add(x.body.result.postcode);
  }
  assert.ok(seen.size > 1, 'random is not constant');
  const ze = await getJson(srv.url, '/random/postcodes?outcode=ze2');
  assert.match(ze.body.result.postcode, /^ZE2 /);
  assert.deepEqual((await getJson(srv.url, '/random/postcodes?outcode=M1')).body, { status: 200, result: null });
  assert.equal((await getJson(srv.url, '/random/postcodes?outcode=QQQ')).status, 404);
});

test('outcodes', async () => {
  const r = await getJson(srv.url, '/outcodes/de22');
  assert.equal(r.status, 200);
  assert.equal(r.body.result.outcode, 'DE22');
  assert.ok(r.body.result.parliamentary_constituency_2024.includes('Derby North'));
  assert.ok(r.body.result.codes.parliamentary_constituency_2024.includes('E14001193'));
  assert.deepEqual(r.body.result.country, ['England']);
  const bt = await getJson(srv.url, '/outcodes/BT7');
  assert.equal(bt.status, 200);
  assert.deepEqual(bt.body.result.country, ['Northern Ireland']);
  assert.equal(bt.body.result.parliamentary_constituency_2024.length, 1);
  assert.deepEqual((await getJson(srv.url, '/outcodes/ZZZZ9')).body, { status: 404, error: 'Outcode not found' });
  assert.deepEqual((await getJson(srv.url, '/outcodes/QA1')).body, { status: 404, error: 'Outcode not found' });
});

test('nearest marginals', async () => {
  const r = await getJson(srv.url, '/api/v1/marginals?postcode=DE22%201AA');
  assert.equal(r.status, 200);
  const a = r.body.result;
  assert.equal(a.postcode, 'DE22 1AA');
  assert.equal(a.election, 2024);
  assert.equal(a.max_majority_pct, 5);
  assert.equal(a.own_seat.name, 'Derby North');
  assert.equal(a.marginals.length, 10);
  const km = a.marginals.map((m) => m.road_km);
  assert.deepEqual([...km].sort((x, y) => x - y), km);
  for (const m of a.marginals) {
    assert.ok(m.majority_pct < 5);
    assert.ok(m.road_km >= m.distance_km - 0.05);
    assert.ok(['code', 'name', 'distance_km', 'road_km', 'winner', 'runner_up', 'majority', 'majority_pct',
      'electorate', 'turnout_pct', 'own_seat'].every((k) => k in m));
    assert.ok(Math.abs(m.majority_pct - (100 * m.majority) / m.valid_votes) < 0.01);
    assert.notEqual(m.winner.party, 'spk');
  }
  assert.equal(a.marginals[0].name, 'Mid Derbyshire');

  const lab = (await getJson(srv.url, '/api/v1/marginals?postcode=DE221AA&party=lab&limit=20&max_majority_pct=10')).body.result;
  assert.equal(lab.marginals.length, 20);
  for (const m of lab.marginals) {
    assert.ok(m.stance === 'defend' ? m.winner.party === 'lab' : m.runner_up.party === 'lab' && m.stance === 'attack');
  }
  const e17 = (await getJson(srv.url, '/api/v1/marginals?postcode=DE221AA&election=2017&limit=1')).body.result;
  assert.equal(e17.election, 2017);
  assert.equal(e17.own_seat.code, 'E14000662');
  // own seat is flagged when it is itself marginal: Derby North 2017 was
  const own = (await getJson(srv.url, '/api/v1/marginals?postcode=DE221AA&election=2017&limit=100')).body.result;
  assert.ok(own.marginals.some((m) => m.own_seat && m.code === 'E14000662'));
});

test('nearest marginals: bad input is a 400 with a reason', async () => {
  const bad = {
    '': 'Postcode required',
    'postcode=XYZ': 'Invalid postcode',
    'postcode=DE221AA&election=2015': 'Invalid election',
    'postcode=DE221AA&max_majority_pct=0': 'Invalid max_majority_pct',
    'postcode=DE221AA&max_majority_pct=abc': 'Invalid max_majority_pct',
    'postcode=DE221AA&max_majority_pct=101': 'Invalid max_majority_pct',
    'postcode=DE221AA&party=xyz': 'Unknown party',
    'postcode=DE221AA&limit=0': 'Invalid limit',
    'postcode=DE221AA&limit=1000': 'Invalid limit',
  };
  for (const [q, msg] of Object.entries(bad)) {
    const r = await getJson(srv.url, `/api/v1/marginals?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.body.status, 400);
    assert.ok(r.body.error.startsWith(msg), `${q}: ${r.body.error}`);
  }
  const nf = await getJson(srv.url, '/api/v1/marginals?postcode=GIR0AA');
  assert.equal(nf.status, 404);
});

test('constituencies', async () => {
  const list = await getJson(srv.url, '/api/v1/constituencies?election=2019');
  assert.equal(list.body.result.length, 650);
  const c = await getJson(srv.url, '/api/v1/constituencies/E14001193');
  assert.equal(c.body.result.name, 'Derby North');
  assert.equal(c.body.result.election, 2024);
  const total = c.body.result.votes.reduce((s, v) => s + v.votes, 0);
  assert.equal(total, c.body.result.valid_votes);
  assert.equal(c.body.result.votes[0].party, c.body.result.winner.party);
  // the same code is on both boundary sets: the election picks which
  assert.equal((await getJson(srv.url, '/api/v1/constituencies/S14000021?election=2019')).body.result.boundary_set, 2010);
  assert.equal((await getJson(srv.url, '/api/v1/constituencies/S14000021')).body.result.boundary_set, 2024);
  assert.equal((await getJson(srv.url, '/api/v1/constituencies/E14001193?election=2017')).status, 404);
  assert.equal((await getJson(srv.url, '/api/v1/constituencies/NOPE')).status, 404);
  assert.equal((await getJson(srv.url, '/api/v1/constituencies?election=1997')).status, 400);
  const b = await getJson(srv.url, '/api/v1/constituencies/E14001193/boundary');
  assert.equal(b.status, 200);
  assert.match(b.headers.get('content-type'), /geo\+json/);
  assert.equal(b.body.type, 'Feature');
  assert.equal(b.body.properties.name, 'Derby North');
  assert.ok(['Polygon', 'MultiPolygon'].includes(b.body.geometry.type));
});
