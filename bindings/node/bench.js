'use strict';
// The cached-token hot path through the Node binding, beside the floor of
// the same FFI mechanism: a koffi call of `const char *ooauthcc_version(void)`
// returning a JS string. Rounds are interleaved and the median round is kept,
// so that the ratios are measured under the same machine load.
//
// Usage: node bench.js [iterations per round] [rounds]

const { Client, version } = require('ooauthcc');
const { TestServer } = require('ooauthcc/testing');
const { c } = require('./lib/native');

const N = Number(process.argv[2] ?? 200_000);
const ROUNDS = Number(process.argv[3] ?? 11);

function timeSync(fn) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn();
  return Number(process.hrtime.bigint() - start) / N;
}

let sink = 0;

/** `fn` returns a promise of a Token; one await per call. */
async function timeAsync(fn) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) sink += (await fn()).lifetimeMs;
  return Number(process.hrtime.bigint() - start) / N;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main() {
  const server = TestServer.start();
  server.registerClient('bench', 'bench-secret');
  const client = new Client({ token_url: server.tokenUrl, client_id: 'bench', client_secret: 'bench-secret' });
  const first = await client.getToken(); // the one token request; every call below is a cache hit

  const resolved = Promise.resolve(first);
  const cases = {
    'floor: koffi ooauthcc_version() -> JS string': () => timeSync(() => { sink += c.version().length; }),
    'client.getTokenSync() (cached)': () => timeSync(() => { sink += client.getTokenSync().lifetimeMs; }),
    'await client.getToken() (cached)': () => timeAsync(() => client.getToken()),
    'client.cachedToken()': () => timeSync(() => { sink += client.cachedToken().lifetimeMs; }),
    'JS alone: await of a resolved promise': () => timeAsync(() => resolved),
  };
  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (const run of Object.values(cases)) await run(); // warm-up (JIT)
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, run] of Object.entries(cases)) samples[name].push(await run());
  }

  const floor = median(samples['floor: koffi ooauthcc_version() -> JS string']);
  const sync = median(samples['client.getTokenSync() (cached)']);
  console.log(`ooauthcc ${version()}, node ${process.version}, koffi ${require('koffi').version}; ${N} calls x ${ROUNDS} rounds, median round`);
  for (const [name, xs] of Object.entries(samples)) {
    const ns = median(xs);
    console.log(`${name.padEnd(48)} ${ns.toFixed(1).padStart(8)} ns/call  ${(ns / floor).toFixed(2).padStart(5)}x floor`);
  }
  console.log(`await getToken() / getTokenSync(): ${(median(samples['await client.getToken() (cached)']) / sync).toFixed(2)}x`);
  const stats = client.stats();
  console.log(`token requests: ${stats.tokenRequests} (server saw ${server.requestCount('bench')}), cache hits: ${stats.cacheHits}`);
  if (stats.tokenRequests !== 1 || sink === 0) process.exitCode = 1;
  client.close();
  server.close();
}

main();
