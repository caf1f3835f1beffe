'use strict';
// The scenarios every ooauthcc binding proves, over real HTTP against the
// bundled authorization server (libooauthcc_testing) on 127.0.0.1.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const util = require('node:util');

const ooauthcc = require('..');
const { Client, Token, OAuthError, OoauthccError, UsageError } = ooauthcc;
const { testServer, freshSettings, freshClient, closeServer, sleep } = require('./helpers');

test.after(closeServer);

const HERD = 32;

test('herd: 32 concurrent getToken() promises on an empty cache make ONE token request', async () => {
  const server = testServer();
  const { client, id } = freshClient();
  server.setLatencyMs(300); // so that every caller arrives while the request is in flight
  try {
    const tokens = await Promise.all(Array.from({ length: HERD }, () => client.getToken()));
    assert.equal(server.requestCount(id), 1);
    assert.equal(new Set(tokens.map((t) => t.accessToken)).size, 1, 'every caller got the same token');
    assert.ok(tokens.every((t) => t === tokens[0]), 'one Token object for one token');
    assert.ok(server.isValidToken(tokens[0]));
    // The 32 promises shared one wait on one libuv worker thread.
    const stats = client.stats();
    assert.equal(stats.tokenRequests, 1);
    assert.equal(stats.waits, 1);
  } finally {
    server.setLatencyMs(0);
    client.close();
  }
});

test('herd across 32 Clients (32 worker-thread calls on a libuv pool of 4) is still ONE token request', async (t) => {
  const poolSize = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  if (poolSize >= HERD) return t.skip(`UV_THREADPOOL_SIZE=${poolSize} is not smaller than the herd`);
  const server = testServer();
  const settings = freshSettings();
  // Same settings, so one cache entry in the library; each Client makes its own native call.
  const clients = Array.from({ length: HERD }, () => new Client(settings));
  server.setLatencyMs(300);
  try {
    const tokens = await Promise.all(clients.map((c) => c.getToken()));
    assert.equal(server.requestCount(settings.client_id), 1);
    assert.equal(new Set(tokens.map((t) => t.accessToken)).size, 1);
    // At most `poolSize` calls ran (and waited for the request) at once; the
    // others ran after it and were answered from the cache.
    const stats = clients[0].stats();
    assert.equal(stats.tokenRequests, 1);
    assert.equal(stats.waits + stats.cacheHits, HERD, JSON.stringify(stats));
    assert.ok(stats.waits <= poolSize, `waits ${stats.waits} > pool ${poolSize}`);
    t.diagnostic(`pool ${poolSize}: ${stats.waits} calls waited for the one request, ${stats.cacheHits} were cache hits`);
  } finally {
    server.setLatencyMs(0);
    clients.forEach((c) => c.close());
  }
});

test("herd across 300 Clients (more than koffi's 256 async calls) is ONE token request, and every caller gets its token", async (t) => {
  const N = 300;
  const poolSize = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const server = testServer();
  const settings = freshSettings();
  const clients = Array.from({ length: N }, () => new Client(settings));
  server.setLatencyMs(300);
  try {
    const results = await Promise.allSettled(clients.map((c) => c.getToken()));
    const failed = results.filter((r) => r.status === 'rejected');
    assert.equal(failed.length, 0, `${failed.length} rejected: ${failed[0]?.reason?.stack}`);
    const tokens = results.map((r) => r.value);
    assert.equal(server.requestCount(settings.client_id), 1);
    assert.equal(new Set(tokens.map((tok) => tok.accessToken)).size, 1);
    assert.ok(server.isValidToken(tokens[0]));
    const stats = clients[0].stats();
    assert.equal(stats.tokenRequests, 1);
    assert.equal(stats.waits + stats.cacheHits, N, JSON.stringify(stats));
    assert.ok(stats.waits <= poolSize, `waits ${stats.waits} > pool ${poolSize}`);
    t.diagnostic(`${stats.waits} calls waited for the one request, ${stats.cacheHits} were cache hits`);
  } finally {
    server.setLatencyMs(0);
    clients.forEach((c) => c.close());
  }
});

test('wrong secret across 300 Clients: ONE request, and an OAuthError for every caller', async () => {
  const N = 300;
  const server = testServer();
  // Basic only: the default, auto, would ask a refused client a second time with the secret in the body.
  const settings = { ...freshSettings(), client_secret: 'not-the-secret-0123456789', auth_method: 'client_secret_basic' };
  const clients = Array.from({ length: N }, () => new Client(settings));
  server.setLatencyMs(200);
  try {
    const results = await Promise.allSettled(clients.map((c) => c.getToken()));
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      assert.ok(r.reason instanceof OAuthError, r.reason?.stack);
      assert.equal(r.reason.oauthError, 'invalid_client');
      assert.equal(r.reason.httpStatus, 401);
    }
    assert.equal(server.requestCount(settings.client_id), 1);
    assert.equal(clients[0].stats().failures, 1);
  } finally {
    server.setLatencyMs(0);
    clients.forEach((c) => c.close());
  }
});

test('expired token: a new herd makes exactly ONE more request', async () => {
  const server = testServer();
  const { client, id } = freshClient();
  server.setTokenLifetimeMs(1000); // expires_in 1: served for 0.5 s (skew capped at half the lifetime)
  try {
    const first = await client.getToken();
    assert.equal(server.requestCount(id), 1);
    await sleep(1300); // past the real expiry, with no call in between (so no renewal ahead)
    server.setLatencyMs(200);
    const tokens = await Promise.all(Array.from({ length: HERD }, () => client.getToken()));
    assert.equal(server.requestCount(id), 2);
    assert.equal(new Set(tokens.map((t) => t.accessToken)).size, 1);
    assert.notEqual(tokens[0].accessToken, first.accessToken, 'a new token');
    assert.ok(tokens[0].expiresAtMs > first.expiresAtMs);
    // The synchronous path agrees and sends nothing more.
    assert.equal(client.getTokenSync().accessToken, tokens[0].accessToken);
    assert.equal(server.requestCount(id), 2);
  } finally {
    server.setLatencyMs(0);
    server.setTokenLifetimeMs(3_600_000);
    client.close();
  }
});

test('wrong secret: ONE request and an OAuthError invalid_client, HTTP 401', async () => {
  const server = testServer();
  const settings = freshSettings();
  const wrong = 'not-the-secret-0123456789';
  // Basic only: the default, auto, would ask a refused client a second time with the secret in the body.
  const client = new Client({ ...settings, client_secret: wrong, auth_method: 'client_secret_basic' });
  server.setLatencyMs(200);
  try {
    const results = await Promise.allSettled(Array.from({ length: HERD }, () => client.getToken()));
    assert.equal(server.requestCount(settings.client_id), 1);
    for (const r of results) {
      assert.equal(r.status, 'rejected');
      const e = r.reason;
      assert.ok(e instanceof OAuthError && e instanceof OoauthccError && e instanceof Error);
      assert.equal(e.name, 'OAuthError');
      assert.equal(e.status, 13);
      assert.equal(e.kind, 'oauth');
      assert.equal(e.code, 'ERR_OOAUTHCC_OAUTH');
      assert.equal(e.oauthError, 'invalid_client');
      assert.equal(e.httpStatus, 401);
      assert.equal(e.retryable, false);
      assert.ok(!util.inspect(e).includes(wrong), 'the secret is not in the error');
    }
    // The failure is remembered briefly: a synchronous retry sends nothing either.
    assert.throws(() => client.getTokenSync(), (e) => e instanceof OAuthError && e.httpStatus === 401);
    assert.equal(server.requestCount(settings.client_id), 1);
    assert.equal(client.stats().failures, 1);
  } finally {
    server.setLatencyMs(0);
    client.close();
  }
});

test('stats: the library counters read through the wrapper', async () => {
  const server = testServer();
  const { client, settings, id } = freshClient();
  try {
    const zero = client.stats();
    assert.deepEqual(Object.keys(zero), ooauthcc.STAT_NAMES.map((n) => n.replace(/_(.)/g, (_, ch) => ch.toUpperCase())));
    assert.ok(Object.values(zero).every((v) => v === 0), JSON.stringify(zero));

    // One request. The call counts once: as a wait, or as a cache hit when the
    // fetch it started had ended before a pool thread took up its wait.
    await client.getToken();
    const first = client.stats();
    assert.equal(first.waits + first.cacheHits, 1, JSON.stringify(first));
    for (let i = 0; i < 5; i++) client.getTokenSync(); // five hits
    for (let i = 0; i < 5; i++) await client.getToken(); // five hits, answered without a worker thread
    const stats = client.stats();
    assert.equal(stats.tokenRequests, 1);
    assert.equal(stats.fetches, 1);
    assert.equal(stats.waits, first.waits);
    assert.equal(stats.cacheHits, first.cacheHits + 10);
    assert.equal(stats.failures, 0);
    assert.equal(server.requestCount(id), 1);

    // Another Client built from the same settings (camelCase this time) shares the entry.
    const camel = Object.fromEntries(Object.entries(settings).map(([k, v]) => [k.replace(/_(.)/g, (_, ch) => ch.toUpperCase()), v]));
    const twin = new Client(camel);
    twin.getTokenSync();
    assert.equal(twin.stats().cacheHits, first.cacheHits + 11);
    assert.equal(client.stats().cacheHits, first.cacheHits + 11);
    assert.equal(server.requestCount(id), 1);
    twin.close();
  } finally {
    client.close();
  }
});

test('redaction: no printable form of a Token shows the access token', async () => {
  const { client, secret } = freshClient({ scopes: ['orders.read'] });
  try {
    const token = await client.getToken();
    const at = token.accessToken;
    assert.ok(at.length > 10 && testServer().isValidToken(at));
    const forms = {
      String: String(token),
      template: `${token}`,
      toString: token.toString(),
      'JSON.stringify': JSON.stringify(token),
      'JSON.stringify nested': JSON.stringify({ auth: { token } }),
      'util.inspect': util.inspect(token),
      'util.inspect deep': util.inspect({ a: { b: { token } } }, { depth: 10, showHidden: true }),
      'util.format %s %o %O %j': util.format('%s %o %O %j', token, token, token, token),
      'Object.keys': JSON.stringify(Object.keys(token)),
      'Object.entries': JSON.stringify(Object.entries(token)),
      'spread inspect': util.inspect({ ...token }),
      'structuredClone': util.inspect(structuredClone(token)),
      'client inspect': util.inspect(client),
    };
    for (const [how, text] of Object.entries(forms)) {
      assert.ok(!text.includes(at), `${how} shows the token: ${text}`);
      assert.ok(!text.includes(secret), `${how} shows the secret`);
    }
    assert.match(String(token), /^Token\(Bearer, expires \d{4}-\d\d-\d\dT.*Z, access token \[redacted\]\)$/);
    assert.match(util.inspect(token), /\[redacted\]/);
    assert.equal(JSON.parse(JSON.stringify(token)).accessToken, '[redacted]');
    assert.equal(JSON.parse(JSON.stringify(token)).scope, 'orders.read');
    // The token itself is still there for who asks for it by name.
    assert.ok(token instanceof Token && token.expiresAt instanceof Date);
    assert.ok(token.expiresAt.getTime() > Date.now());
    assert.equal(token.tokenType, 'Bearer');
  } finally {
    client.close();
  }
});

test('use after close: a UsageError, not a crash; a double close is harmless', async () => {
  const { client } = freshClient();
  const token = await client.getToken();
  client.close();
  client.close();
  assert.equal(client.closed, true);
  const isClosedError = (e) => e instanceof UsageError && e.status === 21 && e.kind === 'usage' && /closed/.test(e.message);
  assert.throws(() => client.getTokenSync(), isClosedError);
  await assert.rejects(client.getToken(), isClosedError);
  assert.throws(() => client.stats(), isClosedError);
  assert.throws(() => client.invalidate(token), isClosedError);
  assert.throws(() => client.cachedToken(), isClosedError);
  // Tokens already obtained stay usable.
  assert.ok(testServer().isValidToken(token.accessToken));
});

test('close() while getToken() waits on a worker thread: the call ends normally', async () => {
  const server = testServer();
  const { client, id } = freshClient();
  server.setLatencyMs(300);
  try {
    const pending = client.getToken();
    await sleep(50);
    client.close(); // the native call holds its own client reference
    const token = await pending;
    assert.ok(server.isValidToken(token));
    assert.equal(server.requestCount(id), 1);
    await assert.rejects(client.getToken(), UsageError);
  } finally {
    server.setLatencyMs(0);
  }
});

test('the event loop keeps running while getToken() waits for a slow token request', async (t) => {
  const server = testServer();
  const { client, id } = freshClient();
  const latency = 1500;
  server.setLatencyMs(latency);
  let ticks = 0;
  let last = Date.now();
  let maxGap = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 20);
  try {
    const started = Date.now();
    const pending = client.getToken();
    // A file read needs the libuv pool too: the herd's one wait leaves it free.
    const herd = Array.from({ length: HERD }, () => client.getToken());
    const readStarted = Date.now();
    await fs.promises.readFile(__filename);
    const readMs = Date.now() - readStarted;
    const [token] = await Promise.all([pending, ...herd]);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= latency - 50, `the request was slow (${elapsed} ms)`);
    assert.ok(server.isValidToken(token));
    assert.equal(server.requestCount(id), 1);
    // ~75 ticks of 20 ms fit in 1.5 s; a blocked loop would give 0 and one gap of 1.5 s.
    assert.ok(ticks >= 10, `only ${ticks} timer ticks during ${elapsed} ms`);
    assert.ok(maxGap < latency * 0.66, `the loop stalled for ${maxGap} ms`);
    assert.ok(readMs < latency / 2, `a file read waited ${readMs} ms for the pool`);
    t.diagnostic(`${elapsed} ms request: ${ticks} timer ticks (20 ms interval), longest gap ${maxGap} ms, file read ${readMs} ms`);
  } finally {
    clearInterval(timer);
    server.setLatencyMs(0);
    client.close();
  }
});

test('contrast: getTokenSync() blocks the loop for the whole slow request', async () => {
  const server = testServer();
  const { client } = freshClient();
  server.setLatencyMs(400);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  try {
    await sleep(30);
    const before = ticks;
    const started = Date.now();
    client.getTokenSync();
    assert.ok(Date.now() - started >= 350);
    assert.equal(ticks, before, 'no timer fired during the synchronous call');
  } finally {
    clearInterval(timer);
    server.setLatencyMs(0);
    client.close();
  }
});
