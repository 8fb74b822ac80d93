// An existing postcodes.io client (npm postcodesio-client), pointed at
// turnout instead of api.postcodes.io, works unchanged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import PostcodesIO from 'postcodesio-client';
import { startServer } from './lib.mjs';

let srv, client;
before(async () => {
  srv = await startServer();
  client = new PostcodesIO(`${srv.url}/`);
});
after(async () => { await srv.stop(); });

test('lookup, outcode, validate, nearest, reverse geocode, random', async () => {
  const p = await client.lookup('DE22 1AA');
  assert.equal(p.postcode, 'DE22 1AA');
  assert.equal(p.parliamentary_constituency_2024, 'Derby North');
  const o = await client.lookup('DE22');
  assert.equal(o.outcode, 'DE22');
  assert.equal(await client.validate('DE22 1AA'), true);
  assert.equal(await client.validate('DE22 9ZZ'), false);
  const near = await client.near('DE22 1AA');
  assert.equal(near[0].postcode, 'DE22 1AA');
  const rev = await client.reverseGeocode(51.501009, -0.141588);
  assert.equal(rev.postcode, 'SW1A 1AA');
  const around = await client.near(52.9308, -1.48408);
  assert.ok(around.length > 0);
  assert.ok((await client.random()).postcode);
  // postcodes.io's 404 becomes null in this client
  assert.equal(await client.lookup('XX1 1XX'), null);
});
