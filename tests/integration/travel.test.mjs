// Issue 17 "Nearest by travel, not across the sea": marginals ranked by an
// estimated road distance over land (geo/travel.h), with the bridges, tunnels
// and ferries of data/travel/crossings.csv.  The fixture has every postcode
// district, so these places are answered at district precision.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, getJson } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

async function marginals(pc, pct = 10, limit = 20) {
  const r = await getJson(srv.url, `/api/v1/marginals?postcode=${encodeURIComponent(pc)}&max_majority_pct=${pct}&limit=${limit}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const a = r.body.result;
  for (const m of a.marginals) {
    assert.equal(typeof m.road_km, 'number', `${m.name} has a road estimate`);
    assert.ok(m.road_km >= m.distance_km - 0.05, `${m.name}: never shorter than the straight line`);
  }
  const road = a.marginals.map((m) => m.road_km);
  assert.deepEqual([...road].sort((x, y) => x - y), road, 'nearest by road first');
  return a.marginals;
}
const find = (ms, name) => {
  const i = ms.findIndex((m) => m.name === name);
  assert.ok(i >= 0, `${name} is listed`);
  return { i, m: ms[i] };
};

test('Cardiff: Monmouthshire comes before North Somerset, which is across the Severn', async () => {
  const ms = await marginals('CF10 1EP');
  const mon = find(ms, 'Monmouthshire'), ns = find(ms, 'North Somerset');
  // the straight line puts North Somerset nearer ...
  assert.ok(ns.m.distance_km < mon.m.distance_km);
  // ... but the road goes round by the Prince of Wales Bridge (about 70 km)
  assert.ok(mon.i < ns.i, `Monmouthshire ${mon.i} before North Somerset ${ns.i}`);
  assert.ok(ns.m.road_km > 60 && ns.m.road_km < 85, `North Somerset ${ns.m.road_km} km by road`);
});

test('Belfast: every seat in Northern Ireland before any across the Irish Sea, and that one by the ferry', async () => {
  const ms = await marginals('BT7 1NN', 25);
  const firstGb = ms.findIndex((m) => !m.code.startsWith('N'));
  assert.ok(firstGb > 0, 'seats in Great Britain are listed too');
  assert.ok(ms.slice(firstGb).every((m) => !m.code.startsWith('N')), 'no NI seat after a GB one');
  const dg = find(ms, 'Dumfries and Galloway').m;
  // Belfast to Cairnryan is 78 km of sea, and a ferry counts its wait
  assert.ok(dg.road_km > dg.distance_km + 40, `Dumfries and Galloway ${dg.road_km} km`);
});

test('the Humber Bridge and the Forth crossings are used, the Solent is crossed by ferry', async () => {
  // Hull to Brigg: 20 km straight, about 35 by the bridge (90 round by Goole)
  const brigg = find(await marginals('HU1 2AA'), 'Brigg and Immingham').m;
  assert.ok(brigg.road_km < 45, `Brigg ${brigg.road_km} km by road`);
  // Dunfermline to Edinburgh over the Queensferry Crossing, not round by Kincardine
  const edin = find(await marginals('KY11 3AA'), 'Edinburgh East and Musselburgh').m;
  assert.ok(edin.road_km < 55, `Edinburgh East ${edin.road_km} km by road`);
  // Newport, Isle of Wight: the island first, then the mainland over the water
  const iow = await marginals('PO30 1UD');
  assert.deepEqual(iow.slice(0, 2).map((m) => m.name).sort(), ['Isle of Wight East', 'Isle of Wight West']);
  assert.ok(iow.slice(2).every((m) => m.road_km > m.distance_km + 30), 'a ferry between');
});

test('a seat\'s own volunteers and the islands: Portree, Lerwick and Stornoway get road estimates', async () => {
  for (const pc of ['IV51 9AA', 'ZE1 0AA', 'HS1 2AA']) {
    const ms = await marginals(pc, 100, 5);
    assert.ok(ms.length > 0, pc);
  }
});
