// Against the full bundled import: the answers are checked against an
// independent computation straight from the data files (a separate
// implementation of the grid conversion, the lookups and the ranking).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { startServer, getJson, FULL_DB } from './lib.mjs';

const DATA = 'data';
const skip = !existsSync(FULL_DB) && `no full import at ${FULL_DB}`;

function csvRows(text) {
  // enough CSV for these files: quoted fields with commas, no embedded newlines
  const rows = [];
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (!line) continue;
    const out = []; let cur = ''; let q = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (q) { if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') q = false; else cur += c; }
      else if (c === '"') q = true; else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
    }
    out.push(cur); rows.push(out);
  }
  return rows;
}

// OS guide annex C and the Helmert transform, written again in JS.
function gridToWgs84(E, N) {
  const a = 6377563.396, b = 6356256.909, F0 = 0.9996012717, lat0 = 49 * Math.PI / 180, lon0 = -2 * Math.PI / 180;
  const N0 = -100000, E0 = 400000, e2 = 1 - (b * b) / (a * a), n = (a - b) / (a + b);
  let lat = lat0, M = 0;
  do {
    lat = (N - N0 - M) / (a * F0) + lat;
    const d = lat - lat0, s = lat + lat0;
    M = b * F0 * ((1 + n + 1.25 * n ** 2 + 1.25 * n ** 3) * d - (3 * n + 3 * n ** 2 + 21 / 8 * n ** 3) * Math.sin(d) * Math.cos(s)
      + (15 / 8) * (n ** 2 + n ** 3) * Math.sin(2 * d) * Math.cos(2 * s) - (35 / 24) * n ** 3 * Math.sin(3 * d) * Math.cos(3 * s));
  } while (Math.abs(N - N0 - M) >= 0.00001);
  const sl = Math.sin(lat), t = Math.tan(lat), sec = 1 / Math.cos(lat);
  const nu = a * F0 / Math.sqrt(1 - e2 * sl * sl), rho = a * F0 * (1 - e2) / (1 - e2 * sl * sl) ** 1.5, eta2 = nu / rho - 1;
  const dE = E - E0;
  const phi = lat - t / (2 * rho * nu) * dE ** 2 + t / (24 * rho * nu ** 3) * (5 + 3 * t * t + eta2 - 9 * t * t * eta2) * dE ** 4
    - t / (720 * rho * nu ** 5) * (61 + 90 * t * t + 45 * t ** 4) * dE ** 6;
  const lam = lon0 + sec / nu * dE - sec / (6 * nu ** 3) * (nu / rho + 2 * t * t) * dE ** 3
    + sec / (120 * nu ** 5) * (5 + 28 * t * t + 24 * t ** 4) * dE ** 5
    - sec / (5040 * nu ** 7) * (61 + 662 * t * t + 1320 * t ** 4 + 720 * t ** 6) * dE ** 7;
  // to cartesian on Airy, Helmert to WGS84, back to geodetic on GRS80
  const nuA = a / Math.sqrt(1 - e2 * Math.sin(phi) ** 2);
  const x = nuA * Math.cos(phi) * Math.cos(lam), y = nuA * Math.cos(phi) * Math.sin(lam), z = (1 - e2) * nuA * Math.sin(phi);
  const sc = -20.4894e-6, rx = 0.1502 / 3600 * Math.PI / 180, ry = 0.2470 / 3600 * Math.PI / 180, rz = 0.8421 / 3600 * Math.PI / 180;
  const X = 446.448 + (1 + sc) * x - rz * y + ry * z, Y = -125.157 + rz * x + (1 + sc) * y - rx * z, Z = 542.060 - ry * x + rx * y + (1 + sc) * z;
  const aW = 6378137, bW = 6356752.3141, eW = 1 - (bW * bW) / (aW * aW), p = Math.hypot(X, Y);
  let f = Math.atan2(Z, p * (1 - eW));
  for (let i = 0; i < 10; i++) f = Math.atan2(Z + eW * (aW / Math.sqrt(1 - eW * Math.sin(f) ** 2)) * Math.sin(f), p);
  return [f * 180 / Math.PI, Math.atan2(Y, X) * 180 / Math.PI];
}

function km(lat1, lon1, lat2, lon2) {
  const r = Math.PI / 180, R = 6371.0088;
  const h = Math.sin((lat2 - lat1) * r / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin((lon2 - lon1) * r / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(h));
}

let srv, sample, pcon24, results, centres;
before(async () => {
  if (skip) return;
  srv = await startServer({ db: FULL_DB });
  // every 997th postcode of every 7th area file: spread over all of GB
  const dir = `${DATA}/postcodes/codepo_gb/Data/CSV`;
  sample = [];
  readdirSync(dir).sort().forEach((f, i) => {
    if (i % 7) return;
    csvRows(gunzipSync(readFileSync(`${dir}/${f}`)).toString()).forEach((r, k) => { if (k % 997 === 0) sample.push(r); });
  });
  const want = new Set(sample.map((r) => r[0]));
  pcon24 = new Map();
  for (const [pc, code] of csvRows(gunzipSync(readFileSync(`${DATA}/postcodes/postcode-pcon2024.csv.gz`)).toString())) {
    if (want.has(pc)) pcon24.set(pc, code);
  }
  const rows = csvRows(readFileSync(`${DATA}/results/HoC-GE2024-results-by-constituency.csv`, 'utf8'));
  const h = rows[0];
  const col = (name) => h.indexOf(name);
  results = rows.slice(1).map((r) => ({
    code: r[col('ONS ID')], first: r[col('First party')],
    majority: Number(r[col('Majority')].replace(/,/g, '')), valid: Number(r[col('Valid votes')].replace(/,/g, '')),
  }));
  centres = new Map(csvRows(readFileSync(`${DATA}/boundaries/pcon2024-centroids.csv`, 'utf8')).slice(1)
    .map((r) => [r[0], [Number(r[2]), Number(r[3])]]));
});
after(async () => { if (srv) await srv.stop(); });

test('sampled postcodes: position and 2024 seat agree with the files', { skip }, async () => {
  assert.ok(sample.length > 150, `sample of ${sample.length}`);
  let checked = 0;
  for (let i = 0; i < sample.length; i += 100) {
    const chunk = sample.slice(i, i + 100);
    const r = await getJson(srv.url, '/postcodes', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ postcodes: chunk.map((c) => c[0]) }),
    });
    assert.equal(r.status, 200);
    r.body.result.forEach(({ query, result }, k) => {
      const [pc, , e, n] = chunk[k];
      assert.equal(query, pc);
      assert.equal(result.postcode, pc.replace(/\s+/, ' '));
      assert.equal(result.precision, 'postcode');
      if (Number(e) === 0 && Number(n) === 0) { assert.equal(result.latitude, null); return; }
      assert.equal(result.eastings, Number(e));
      const [lat, lon] = gridToWgs84(Number(e), Number(n));
      assert.ok(Math.abs(result.latitude - lat) < 2e-6 && Math.abs(result.longitude - lon) < 2e-6, pc);
      assert.equal(result.codes.parliamentary_constituency_2024, pcon24.get(pc) ?? null, pc);
      assert.ok(result.codes.parliamentary_constituency, `${pc} has a 2010 seat`);
      checked++;
    });
  }
  assert.ok(checked > 150);
});

// The set and order come from the travel fields; what can be checked
// independently is every straight line, that the road is never shorter,
// the order by road, and that a shorter list is the head of a longer one.
test('nearest marginals agree with an independent check', { skip }, async () => {
  for (const [pc] of sample.filter((_, i) => i % 40 === 0)) {
    const ask = (limit) => getJson(srv.url, `/api/v1/marginals?postcode=${encodeURIComponent(pc)}&limit=${limit}&max_majority_pct=7.5`);
    const r = await ask(15);
    if (r.status !== 200) { assert.equal(r.status, 404); continue; }
    const a = r.body.result;
    const qualifying = new Set(results
      .filter((s) => s.first !== 'Spk' && (100 * s.majority) / s.valid < 7.5).map((s) => s.code));
    assert.equal(a.marginals.length, 15);
    for (const m of a.marginals) {
      assert.ok(qualifying.has(m.code), `${pc}: ${m.code} is a marginal`);
      const d = km(a.latitude, a.longitude, ...centres.get(m.code));
      assert.ok(Math.abs(m.distance_km - d) < 0.01, `${pc} ${m.code}`);
      assert.ok(m.road_km >= m.distance_km - 0.05, `${pc} ${m.code}: ${m.road_km} by road`);
    }
    const road = a.marginals.map((m) => m.road_km);
    assert.deepEqual([...road].sort((x, y) => x - y), road, pc);
    const longer = (await ask(40)).body.result.marginals.map((m) => m.code);
    assert.deepEqual(longer.slice(0, 15), a.marginals.map((m) => m.code), pc);
  }
});

test('seat totals and the Speaker', { skip }, async () => {
  const tally = async (y) => {
    const t = {};
    for (const s of (await getJson(srv.url, `/api/v1/constituencies?election=${y}`)).body.result) t[s.winner] = (t[s.winner] ?? 0) + 1;
    return t;
  };
  const t24 = await tally(2024);
  assert.equal(t24.lab, 411); assert.equal(t24.con, 121); assert.equal(t24.ld, 72);
  const t17 = await tally(2017);
  assert.equal(t17.con, 317); assert.equal(t17.lab, 262); assert.equal(t17.snp, 35);
  // Chorley (the Speaker's seat) is never a marginal, however wide the margin
  const pr = await getJson(srv.url, '/api/v1/marginals?postcode=PR7%201DP&max_majority_pct=100&limit=5');
  assert.equal(pr.status, 200);
  assert.ok(pr.body.result.marginals.every((m) => m.name !== 'Chorley'));
  // North East Fife, 2017: the smallest majority of all, 2 votes
  const fife = await getJson(srv.url, '/api/v1/marginals?postcode=KY16%209AJ&election=2017&max_majority_pct=0.01&limit=1');
  assert.equal(fife.body.result.marginals[0].name, 'North East Fife');
  assert.equal(fife.body.result.marginals[0].majority, 2);
});
