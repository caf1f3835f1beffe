'use strict';
// The rest of the API: every error kind from a real failure, settings,
// renewal ahead of expiry through the non-blocking hot path, invalidation.

const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const ooauthcc = require('..');
const { Client, Fault } = { ...ooauthcc, ...require('../testing') };
const E = ooauthcc;
const { testServer, freshSettings, freshClient, closeServer, sleep, settledNow } = require('./helpers');

test.after(closeServer);

/** Asserts the common fields of an error of class `cls`. */
function isKind(cls, status, kind, extra = {}) {
  return (e) => {
    assert.ok(e instanceof cls, `${e?.name}: ${e?.message}`);
    assert.ok(e instanceof E.OoauthccError && e instanceof Error);
    assert.equal(e.name, cls.name);
    assert.equal(e.status, status);
    assert.equal(cls.STATUS, status);
    assert.equal(e.kind, kind);
    assert.equal(ooauthcc.statusName(status), kind);
    assert.equal(e.code, `ERR_OOAUTHCC_${kind.toUpperCase()}`);
    for (const [k, v] of Object.entries(extra)) assert.equal(e[k], v, k);
    return true;
  };
}

test('HttpStatusError: a 500 answer, with its HTTP status, retryable', async () => {
  const server = testServer();
  const { client } = freshClient({ max_retries: 0 });
  server.setFaultStatus(500, { times: 1 });
  try {
    await assert.rejects(client.getToken(), isKind(E.HttpStatusError, 12, 'http_status', { httpStatus: 500, retryable: true, oauthError: null }));
  } finally {
    server.setFault(Fault.NONE);
    client.close();
  }
});

test('HttpStatusError: 429 with Retry-After gives retryAfterMs', async () => {
  const server = testServer();
  const { client } = freshClient({ max_retries: 0 });
  server.setFaultStatus(429, { retryAfter: '7', times: 1 });
  try {
    assert.throws(() => client.getTokenSync(), isKind(E.HttpStatusError, 12, 'http_status', { httpStatus: 429, retryAfterMs: 7000 }));
  } finally {
    server.setFault(Fault.NONE);
    client.close();
  }
});

test('OAuthError: error, error_description and error_uri as the server sent them', async () => {
  const server = testServer();
  const { client } = freshClient();
  server.setFaultOAuthError(400, 'invalid_scope', { description: 'no such scope', uri: 'https://errors.example/scope', times: 1 });
  try {
    await assert.rejects(
      client.getToken(),
      isKind(E.OAuthError, 13, 'oauth', {
        httpStatus: 400,
        oauthError: 'invalid_scope',
        oauthErrorDescription: 'no such scope',
        oauthErrorUri: 'https://errors.example/scope',
      }),
    );
  } finally {
    server.setFault(Fault.NONE);
    client.close();
  }
});

test('MalformedResponseError: a 200 whose body is not JSON', async () => {
  const server = testServer();
  const { client } = freshClient();
  server.setFault(Fault.NON_JSON, 1);
  try {
    await assert.rejects(client.getToken(), isKind(E.MalformedResponseError, 14, 'malformed_response'));
  } finally {
    server.setFault(Fault.NONE);
    client.close();
  }
});

test('TimeoutError: get_timeout passes; the request goes on and serves the next call', async () => {
  const server = testServer();
  const { client, id } = freshClient({ get_timeout: 0.2 });
  server.setLatencyMs(600);
  try {
    await assert.rejects(client.getToken(), isKind(E.TimeoutError, 11, 'timeout', { retryable: true }));
    // A per-call timeout too (this one does not join the shared wait).
    await assert.rejects(client.getToken({ timeoutMs: 50 }), E.TimeoutError);
    const token = await client.getToken({ timeoutMs: Infinity });
    assert.ok(server.isValidToken(token));
    assert.equal(server.requestCount(id), 1, 'giving up cancelled nothing');
  } finally {
    server.setLatencyMs(0);
    client.close();
  }
});

test('TransportError: nothing listens at the token endpoint', async () => {
  const client = new Client({ token_url: 'http://127.0.0.1:9/token', client_id: 'x', client_secret: 'y', max_retries: 0, connect_timeout: 2 });
  try {
    await assert.rejects(client.getToken(), isKind(E.TransportError, 10, 'transport', { retryable: true, httpStatus: null }));
  } finally {
    client.close();
  }
});

test('ConfigError: unknown, invalid and duplicate settings are refused by name', () => {
  const base = freshSettings();
  assert.throws(() => new Client({ ...base, client_idd: 'x' }), (e) => isKind(E.ConfigError, 3, 'config')(e) && /client_idd/.test(e.message));
  assert.throws(() => new Client({ ...base, refresh_ahead: 2 }), (e) => E.ConfigError && e instanceof E.ConfigError && /refresh_ahead/.test(e.message));
  assert.throws(() => new Client({ ...base, tokenUrl: base.token_url }), (e) => e instanceof E.ConfigError && /token_url/.test(e.message));
  assert.throws(() => Client.fromJSON('{not json'), E.ConfigError);
  assert.throws(() => new Client(null), TypeError);
  assert.throws(() => new Client(['token_url']), TypeError);
  // The secret is never in a message.
  try {
    new Client({ ...base, client_secret: 'hunter2-secret-value', refresh_ahead: 7 });
    assert.fail('accepted');
  } catch (e) {
    assert.ok(!String(e.message).includes('hunter2'));
  }
});

test('settings: an object (snake_case or camelCase, Maps for maps) or a JSON document', async () => {
  const server = testServer();
  const s = freshSettings();
  const a = new Client({ ...s, extra_params: new Map([['k', 'v']]) });
  const b = new Client({ tokenUrl: s.token_url, clientId: s.client_id, clientSecret: s.client_secret, getTimeout: 10, extraParams: { k: 'v' } });
  const c = Client.fromJSON(JSON.stringify({ ...s, extra_params: { k: 'v' } }));
  try {
    a.getTokenSync();
    await b.getToken();
    c.getTokenSync();
    assert.equal(server.requestCount(s.client_id), 1, 'one cache entry for the three');
    assert.equal(c.stats().cacheHits, 2);
  } finally {
    [a, b, c].forEach((x) => x.close());
  }
});

test('InvalidArgumentError: a timeout that is not a positive number', async () => {
  const { client } = freshClient();
  try {
    for (const timeoutMs of [0, -1, NaN, '5']) {
      assert.throws(() => client.getTokenSync({ timeoutMs }), E.InvalidArgumentError);
      await assert.rejects(client.getToken({ timeoutMs }), E.InvalidArgumentError);
    }
  } finally {
    client.close();
  }
});

test('renewal ahead of expiry through the non-blocking getToken(): served at once, renewed in the background', async () => {
  const server = testServer();
  // Usable 2 s (no skew), due for renewal at half of it, no jitter.
  const { client, id } = freshClient({ refresh_skew: 0, refresh_ahead: 0.5, refresh_jitter: 0 });
  server.setTokenLifetimeMs(2000);
  try {
    const first = await client.getToken();
    const waited = client.stats().waits; // 1, or 0 when the fetch ended before a pool thread took up the wait
    await sleep(1300); // due for renewal, not expired
    server.setLatencyMs(300);
    const started = Date.now();
    const pending = client.getToken();
    assert.ok(settledNow(pending), 'answered synchronously, without a pool thread');
    const stale = await pending;
    assert.ok(Date.now() - started < 150, 'served without waiting for the renewal');
    assert.equal(stale, first);
    await sleep(600); // the renewal ends
    const renewed = await client.getToken();
    assert.notEqual(renewed.accessToken, first.accessToken);
    assert.equal(server.requestCount(id), 2);
    const stats = client.stats();
    assert.equal(stats.backgroundRefreshes, 1);
    assert.equal(stats.waits, waited, 'no later call waited');
  } finally {
    server.setLatencyMs(0);
    server.setTokenLifetimeMs(3_600_000);
    client.close();
  }
});

test('a fetch that just failed: getToken() rejects at once with its typed error, sending nothing', async () => {
  const server = testServer();
  const settings = freshSettings();
  const client = new Client({ ...settings, client_secret: 'not-the-secret-0123456789' });
  try {
    const first = client.getToken(); // empty cache: starts the fetch and waits on a pool thread
    assert.ok(!settledNow(first));
    await assert.rejects(first, E.OAuthError);
    const sent = server.requestCount(settings.client_id);
    assert.ok(sent >= 1);
    // The library holds the failure for a while: the cache answers with it.
    const again = client.getToken();
    assert.ok(settledNow(again), 'rejected synchronously, without a pool thread');
    await assert.rejects(again, isKind(E.OAuthError, 13, 'oauth', { oauthError: 'invalid_client', httpStatus: 401, retryable: false }));
    assert.equal(server.requestCount(settings.client_id), sent, 'the second call sent nothing');
    assert.equal(client.stats().failures, 1);
  } finally {
    client.close();
  }
});

test('getToken() on an empty cache starts the fetch at once, even while every libuv pool thread is busy', async (t) => {
  if (process.platform !== 'linux') return t.skip('needs libc.so.6 for usleep()');
  const koffi = require('koffi');
  const usleep = koffi.load('libc.so.6').func('int usleep(uint32_t usec)');
  const poolSize = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const server = testServer();
  const { client, id } = freshClient();
  // Every pool thread sleeps for 700 ms.
  const busy = Array.from({ length: poolSize }, () => new Promise((resolve, reject) => usleep.async(700_000, (e) => (e ? reject(e) : resolve()))));
  try {
    await sleep(50);
    const started = Date.now();
    const pending = client.getToken();
    await sleep(200);
    assert.equal(server.requestCount(id), 1, 'the token request went out without a pool thread');
    assert.ok(!settledNow(pending), 'the wait is still queued behind the busy pool');
    const token = await pending;
    assert.ok(Date.now() - started >= 500, 'answered once a pool thread was free');
    assert.ok(server.isValidToken(token));
    assert.equal(server.requestCount(id), 1);
    assert.equal(client.stats().waits, 0, 'by then the token was cached: the pool call did not wait');
  } finally {
    await Promise.all(busy);
    client.close();
  }
});

test('invalidate(): compare-and-invalidate, then one new request', async () => {
  const server = testServer();
  const { client, id } = freshClient();
  try {
    const first = await client.getToken();
    assert.equal(client.invalidate(first), true);
    assert.equal(client.invalidate(first.accessToken), false, 'already dropped');
    assert.equal(client.cachedToken(), null);
    const second = await client.getToken();
    assert.notEqual(second.accessToken, first.accessToken);
    assert.equal(client.invalidate(first), false, 'a late report does not drop the newer token');
    assert.equal(client.getTokenSync(), second);
    assert.equal(server.requestCount(id), 2);
    assert.throws(() => client.invalidate(42), TypeError);
  } finally {
    client.close();
  }
});

test('invalidated through another Client: getToken() notices and waits for the new token', async () => {
  const server = testServer();
  const s = freshSettings();
  const a = new Client(s);
  const b = new Client(s);
  try {
    const first = await a.getToken();
    assert.equal(b.invalidate(first), true);
    const second = await a.getToken(); // a still holds `first`: the cache has none to serve, so it waits
    assert.notEqual(second.accessToken, first.accessToken);
    assert.equal(server.requestCount(s.client_id), 2);
  } finally {
    a.close();
    b.close();
  }
});

test('cachedToken(): null before the first fetch, then the cached Token; never a request', async () => {
  const server = testServer();
  const { client, id } = freshClient();
  try {
    assert.equal(client.cachedToken(), null);
    assert.equal(server.requestCount(id), 0);
    const token = client.getTokenSync();
    assert.equal(client.cachedToken(), token);
  } finally {
    client.close();
  }
});

test('Token fields: scope, lifetime, expiry, extra response fields', async () => {
  const server = testServer();
  const { client } = freshClient({ scopes: ['a', 'b'] });
  server.setQuirk('extra_fields');
  try {
    const before = Date.now();
    const token = await client.getToken();
    assert.equal(token.lifetimeMs, 3_600_000);
    assert.ok(Math.abs(token.expiresAt.getTime() - (before + 3_600_000)) < 5000);
    assert.equal(token.expiresAt.getTime(), token.expiresAtMs);
    assert.deepEqual(token.scope.split(' ').sort(), ['a', 'b']);
    assert.equal(typeof token.extra, 'object');
    assert.ok(Object.keys(token.extra).length > 0, JSON.stringify(Object.keys(token.extra)));
    assert.ok(Object.isFrozen(token));
  } finally {
    server.setQuirk('none');
    client.close();
  }
});

test('version() and the status table', () => {
  assert.match(ooauthcc.version(), /^\d+\.\d+\.\d+/);
  for (const [name, status] of Object.entries(ooauthcc.Status)) {
    assert.equal(ooauthcc.statusName(status), name.toLowerCase());
  }
});

test('the main module loads libooauthcc only; ooauthcc/testing adds libooauthcc_testing', () => {
  const root = path.join(__dirname, '..');
  const maps = (code) =>
    execFileSync(process.execPath, ['-e', `${code}; process.stdout.write(require('fs').readFileSync('/proc/self/maps', 'utf8'))`], { cwd: root, encoding: 'utf8' });
  const main = maps("require('./index.js')");
  assert.match(main, /libooauthcc\.(so|dylib)/);
  assert.doesNotMatch(main, /libooauthcc_testing/);
  assert.match(maps("require('./testing.js')"), /libooauthcc_testing/);
});

test('clients and tokens never closed are freed by the garbage collector, without a crash', () => {
  const root = path.join(__dirname, '..');
  const s = freshSettings();
  const script = `
    const { Client } = require('./index.js');
    const settings = ${JSON.stringify(s)};
    let collected = 0;
    const seen = new FinalizationRegistry(() => collected++); // collected, so ours ran for them too
    (async () => {
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 50; i++) {
          const client = new Client(settings);
          seen.register(client, null);
          client.getTokenSync();
          await client.getToken();
        }
        global.gc();
        await new Promise((r) => setImmediate(r)); // finalizers run between turns
      }
      console.log('ok', collected);
    })();`;
  const out = execFileSync(process.execPath, ['--expose-gc', '-e', script], { cwd: root, encoding: 'utf8' });
  const collected = Number(/^ok (\d+)/.exec(out)?.[1]);
  assert.ok(collected > 0, `no client was collected: ${out}`);
  assert.equal(testServer().requestCount(s.client_id), 1, '1000 clients, one cache entry, one request');
});
