'use strict';
/**
 * ooauthcc for Node.js: OAuth 2.0 client-credentials tokens, cached, renewed
 * ahead of expiry, and fetched ONCE for all concurrent callers — a thin
 * wrapper (koffi) over the C ABI of libooauthcc.
 *
 * ```js
 * const { Client } = require('ooauthcc');
 * const client = new Client({ token_url: 'https://idp.example.com/oauth2/token',
 *                             client_id: 'svc', client_secret: process.env.SECRET });
 * const token = await client.getToken();   // never blocks the event loop
 * fetch(url, { headers: { Authorization: `Bearer ${token.accessToken}` } });
 * ```
 *
 * This module loads libooauthcc only; the bundled test server is in
 * `ooauthcc/testing` (libooauthcc_testing).
 */

const util = require('node:util');
const { koffi, c, isNull } = require('./lib/native');
const errors = require('./lib/errors');

const {
  Status,
  OoauthccError,
  NullArgumentError,
  InvalidArgumentError,
  ConfigError,
  TransportError,
  TimeoutError,
  HttpStatusError,
  OAuthError,
  MalformedResponseError,
  StoreError,
  UsageError,
  InternalError,
  takeError,
  check,
} = errors;

/** `OOAUTHCC_TIMEOUT_CONFIGURED`: wait at most the `get_timeout` setting. */
const TIMEOUT_CONFIGURED = 0;
/** `OOAUTHCC_TIMEOUT_FOREVER` (`UINT64_MAX`): wait as long as the shared fetch takes. */
const TIMEOUT_FOREVER = 0xffff_ffff_ffff_ffffn;

// The two output slots of the synchronous calls (`ooauthcc_token **out`,
// `ooauthcc_error **err`): 16 bytes of native memory that never move, passed
// by address and read through a view — the cheapest way koffi offers (about
// 20 % less per call than typed arrays, which it must pin and convert). One
// pair serves every client: JavaScript makes one synchronous call at a time.
// Where external buffers are forbidden (Electron), plain typed arrays.
const [SLOTS, OUT, ERR] = (() => {
  try {
    const mem = koffi.alloc('uint64_t', 2);
    const base = koffi.address(mem);
    return [new BigUint64Array(koffi.view(mem, 16)), base, base + 8n];
  } catch {
    const slots = new BigUint64Array(2);
    return [slots, slots.subarray(0, 1), slots.subarray(1, 2)];
  }
})();

/** The counter names of the loaded library, in `ooauthcc_stat` order ("token_requests", …). */
const STAT_NAMES = (() => {
  const names = [];
  for (let i = 0; ; i++) {
    const name = c.stat_name(i);
    if (name === null) return Object.freeze(names);
    names.push(name);
  }
})();

const camel = (name) => name.replace(/_([a-z0-9])/g, (_, ch) => ch.toUpperCase());
const snake = (name) => name.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
const STAT_KEYS = STAT_NAMES.map(camel);

/** The version of the loaded libooauthcc, e.g. `"0.2.0"`. */
function version() {
  return c.version();
}

/** The short name of a status code, e.g. `"oauth"` for 13. */
function statusName(status) {
  return c.status_name(status);
}

const REDACTED = '[redacted]';

/**
 * An access token and what the server said about it. Immutable. Its printed
 * forms (`String(token)`, `console.log(token)`, `JSON.stringify(token)`) never
 * show the access token: read `token.accessToken` to send it.
 */
class Token {
  #accessToken;
  #tokenType;
  #expiresAtMs;
  #lifetimeMs;
  #scope;
  #extraJson;

  /** @private Tokens come from a Client. */
  constructor(accessToken, tokenType, expiresAtMs, lifetimeMs, scope, extraJson) {
    this.#accessToken = accessToken;
    this.#tokenType = tokenType;
    this.#expiresAtMs = expiresAtMs;
    this.#lifetimeMs = lifetimeMs;
    this.#scope = scope;
    this.#extraJson = extraJson;
    Object.freeze(this);
  }

  /** The access token: send it, never log it. */
  get accessToken() {
    return this.#accessToken;
  }

  /** `"Bearer"` (whatever case the server used), or another type as sent. */
  get tokenType() {
    return this.#tokenType;
  }

  /** When the token expires (wall clock). A new Date at each read. */
  get expiresAt() {
    return new Date(this.#expiresAtMs);
  }

  /** When the token expires, in milliseconds since the Unix epoch. */
  get expiresAtMs() {
    return this.#expiresAtMs;
  }

  /** The lifetime the server granted (or the one assumed), in milliseconds. */
  get lifetimeMs() {
    return this.#lifetimeMs;
  }

  /** The scope the server granted, or `null` when it sent none. */
  get scope() {
    return this.#scope;
  }

  /** The other fields of the token response (`id_token`, vendor fields, …), parsed anew at each read. */
  get extra() {
    return JSON.parse(this.#extraJson ?? '{}');
  }

  /** `Token(Bearer, expires 2030-01-01T00:00:00.000Z, access token [redacted])`. */
  toString() {
    return `Token(${this.#tokenType}, expires ${new Date(this.#expiresAtMs).toISOString()}, access token ${REDACTED})`;
  }

  /** What `JSON.stringify` writes: every field but the access token, which is `"[redacted]"`. */
  toJSON() {
    return {
      tokenType: this.#tokenType,
      expiresAt: new Date(this.#expiresAtMs).toISOString(),
      lifetimeMs: this.#lifetimeMs,
      scope: this.#scope,
      accessToken: REDACTED,
    };
  }

  /** What `console.log` and `util.inspect` show: as `toJSON()`. */
  [util.inspect.custom](depth, options, inspect) {
    const shown = { ...this.toJSON(), expiresAt: new Date(this.#expiresAtMs) };
    return `Token ${inspect(shown, { ...options, depth: options.depth === null ? null : options.depth - 1 })}`;
  }
}

/** A Token with copies of what a native `ooauthcc_token *` holds (which the caller still owns). */
function tokenFromNative(ptr) {
  return new Token(
    c.token_access_token(ptr),
    c.token_token_type(ptr),
    Number(c.token_expires_at_unix_ms(ptr)),
    Number(c.token_lifetime_ms(ptr)),
    c.token_scope(ptr),
    c.token_extra_json(ptr),
  );
}

/**
 * The native state of a Client, kept apart from it so that the finalizer of a
 * Client that was never closed can free it.
 * @typedef {{ ptr: bigint | null, lastPtr: bigint | null, last: Token | null, pending: Promise<Token> | null }} State
 */

/** Frees what a client holds: its reference to the last token, then the client. */
function release(st) {
  dropLast(st);
  if (st.ptr !== null) {
    const ptr = st.ptr;
    st.ptr = null;
    c.client_free(ptr);
  }
}

/** Forgets the last token (and frees the reference held for it). */
function dropLast(st) {
  if (st.lastPtr !== null) {
    const ptr = st.lastPtr;
    st.lastPtr = null;
    st.last = null;
    c.token_free(ptr);
  }
}

/**
 * The Token for a native token reference the caller got (and hands over).
 * The library hands out the same `ooauthcc_token *` for as long as it serves
 * the same token, and the client keeps one reference to the last one (so its
 * address cannot be reused): an equal pointer means the same token, and its
 * Token is reused without copying any string.
 */
function adopt(st, ptr) {
  if (ptr === st.lastPtr) {
    c.token_free(ptr);
    return st.last;
  }
  const token = tokenFromNative(ptr);
  if (st.ptr === null) {
    // Closed while the call ran (an asynchronous one): keep nothing.
    c.token_free(ptr);
    return token;
  }
  dropLast(st);
  st.lastPtr = ptr;
  st.last = token;
  return token;
}

/**
 * The waits of `getToken()` run as koffi `.async` calls of
 * `ooauthcc_client_get_token` on the libuv pool. koffi refuses more than
 * `max_async_calls` (256 by default) running and queued at once, for every
 * user of koffi in this thread together: this module starts at most half of
 * them and queues the other waits here, in order. Only UV_THREADPOOL_SIZE
 * (default 4) calls run at once anyway; the rest wait in libuv's queue.
 */
const MAX_POOL_WAITS = Math.max(1, Math.floor(koffi.config().max_async_calls / 2));
let poolWaits = 0; // koffi calls started and not yet completed
const queuedWaits = []; // [client reference, timeout, done] not started yet, from queuedHead on
let queuedHead = 0;

/**
 * Waits on a pool thread for a token of `ref` (a client reference this wait
 * owns and frees), then calls `done(callError, status, token, error)` with
 * the native token or error it hands over. Queued when MAX_POOL_WAITS calls
 * are under way.
 */
function poolWait(ref, timeout, done) {
  if (poolWaits >= MAX_POOL_WAITS) {
    queuedWaits.push([ref, timeout, done]);
    return;
  }
  const out = [null];
  const err = [null];
  try {
    c.client_get_token_out.async(ref, timeout, out, err, (callError, status) => {
      poolWaits--;
      c.client_free(ref);
      done(callError, status, out[0], err[0]);
      startQueuedWaits();
    });
  } catch (e) {
    c.client_free(ref);
    done(e);
    return;
  }
  poolWaits++;
}

/**
 * Starts queued waits while calls are free. Each first asks the cache again
 * (`ooauthcc_client_try_get_token`): once the fetch it waited for has ended,
 * it is answered at once, token or error, without a pool thread.
 */
function startQueuedWaits() {
  while (poolWaits < MAX_POOL_WAITS && queuedHead < queuedWaits.length) {
    const [ref, timeout, done] = queuedWaits[queuedHead];
    queuedWaits[queuedHead++] = undefined;
    const status = c.client_try_get_token(ref, OUT, ERR);
    const token = SLOTS[0];
    const error = SLOTS[1];
    if (status === Status.OK && isNull(token)) {
      poolWait(ref, timeout, done);
    } else {
      c.client_free(ref);
      done(null, status, token, error);
    }
  }
  if (queuedHead === queuedWaits.length) {
    queuedWaits.length = 0;
    queuedHead = 0;
  }
}

/** The native timeout for `options.timeoutMs`: configured when absent, FOREVER for Infinity. */
function timeoutArg(options) {
  const ms = options?.timeoutMs;
  if (ms === undefined || ms === null) return TIMEOUT_CONFIGURED;
  if (ms === Infinity) return TIMEOUT_FOREVER;
  if (typeof ms !== 'number' || !(ms > 0) || !Number.isFinite(ms)) {
    throw new InvalidArgumentError(`ooauthcc: timeoutMs must be a positive number of milliseconds or Infinity, not ${String(ms)}`);
  }
  return Math.ceil(ms);
}

/**
 * The JSON document for `settings`: top-level camelCase names become the
 * library's snake_case names (`tokenUrl` → `token_url`); values are kept as
 * they are (a Map becomes an object). No setting is known here: the library
 * checks them all, and rejects unknown ones by name.
 */
function settingsDocument(settings) {
  const doc = {};
  for (const [key, value] of Object.entries(settings)) {
    const name = snake(key);
    if (Object.prototype.hasOwnProperty.call(doc, name)) {
      throw new ConfigError(`ooauthcc: the setting ${name} is given twice (as ${key} too)`);
    }
    doc[name] = value instanceof Map ? Object.fromEntries(value) : value;
  }
  return JSON.stringify(doc);
}

const finalizer = new FinalizationRegistry(release);

function closedError() {
  return new UsageError('ooauthcc: the client is closed');
}

/**
 * Gets OAuth 2.0 client-credentials tokens for one configuration: from the
 * cache when it holds a fresh one, otherwise from ONE request to the token
 * endpoint shared by every caller waiting at that moment — in this process,
 * every Client built from the same settings (in any language over
 * libooauthcc) shares one cache entry. Tokens are renewed in the background
 * before they expire.
 *
 * Close it with `close()` (or `using`); one that is garbage-collected is
 * freed then.
 */
class Client {
  /** @type {State} */
  #st;

  /**
   * Builds a client, checking every setting (a ConfigError names the bad one).
   * Sends nothing.
   *
   * @param {object | string} settings the settings of README.md's table, by
   *   their names (`token_url`, `client_id`, `client_secret`, `scopes`,
   *   `get_timeout`, …) or in camelCase (`tokenUrl`, …); durations in seconds
   *   as in every ooauthcc document. A string is taken as the JSON document itself.
   */
  constructor(settings) {
    let json;
    if (typeof settings === 'string') json = settings;
    else if (settings !== null && typeof settings === 'object' && !Array.isArray(settings)) json = settingsDocument(settings);
    else throw new TypeError('ooauthcc: new Client(settings) takes an object of settings or a JSON document');

    const cfg = [null];
    const err = [null];
    check(c.config_from_json(json, cfg, err), err);
    const out = [null];
    try {
      check(c.client_new(cfg[0], out, err), err);
    } finally {
      c.config_free(cfg[0]);
    }
    this.#st = { ptr: out[0], lastPtr: null, last: null, pending: null };
    finalizer.register(this, this.#st, this);
  }

  /** A client from a JSON document of settings (as `ooauthcc_config_from_json` reads it). */
  static fromJSON(json) {
    return new Client(String(json));
  }

  #live() {
    const st = this.#st;
    if (st.ptr === null) throw closedError();
    return st;
  }

  /** Whether `close()` was called. */
  get closed() {
    return this.#st.ptr === null;
  }

  /**
   * Gets a valid token without blocking the event loop.
   *
   * A token the cache may serve is returned at once (a resolved promise; if
   * it is due for renewal, the renewal starts in the background), and so is
   * the error of a fetch that just failed (a rejected promise, for as long as
   * the library holds off after it). Otherwise the one shared fetch starts at
   * once, and the wait for it runs on a worker thread of the libuv pool;
   * concurrent calls of this client that use the configured timeout share that
   * one wait (one pool thread, not one per caller), and every Client with the
   * same settings shares the library's single token request.
   *
   * @param {{ timeoutMs?: number }} [options] how long to wait for a fetch:
   *   absent, the `get_timeout` setting (default 30 s); `Infinity`, as long as
   *   the fetch takes. A call with its own timeout does not join the shared wait.
   * @returns {Promise<Token>} rejects with an OoauthccError subclass:
   *   TimeoutError, TransportError, HttpStatusError, OAuthError,
   *   MalformedResponseError, ConfigError, UsageError (closed client).
   */
  getToken(options) {
    try {
      const st = this.#live();
      const timeout = timeoutArg(options);
      // Never blocks: a token the cache may serve (fresh, or stale: its renewal
      // starts; a cache hit), the error of a fetch that just failed, or NULL
      // while the shared fetch runs (started by this call when none was).
      const status = c.client_try_get_token(st.ptr, OUT, ERR);
      if (status !== Status.OK) return Promise.reject(takeError(status, SLOTS[1]));
      if (!isNull(SLOTS[0])) return Promise.resolve(adopt(st, SLOTS[0]));
      return this.#wait(st, timeout);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Waits for a token on a worker thread, with a client reference of its own (close() may come first). */
  #wait(st, timeout) {
    const shared = timeout === TIMEOUT_CONFIGURED;
    if (shared && st.pending !== null) return st.pending;
    const ref = c.client_clone(st.ptr);
    let settled = false;
    let promise; // not `const`: `done` may run before the constructor returns
    promise = new Promise((resolve, reject) => {
      poolWait(ref, timeout, (callError, status, token, error) => {
        settled = true;
        if (st.pending === promise) st.pending = null;
        try {
          if (callError) reject(callError);
          else if (status !== Status.OK) reject(takeError(status, error));
          else resolve(adopt(st, token));
        } catch (e) {
          reject(e);
        }
      });
    });
    if (shared && !settled) st.pending = promise;
    return promise;
  }

  /**
   * Gets a valid token, BLOCKING the calling thread (and so the event loop)
   * when it has to wait for a fetch. A cached token costs one native call.
   * For scripts, CLIs and worker threads; in a server, prefer `getToken()`.
   *
   * @param {{ timeoutMs?: number }} [options] as for `getToken()`.
   * @returns {Token}
   * @throws {OoauthccError} as `getToken()` rejects.
   */
  getTokenSync(options) {
    const st = this.#live();
    const status = c.client_get_token(st.ptr, options === undefined ? TIMEOUT_CONFIGURED : timeoutArg(options), OUT, ERR);
    if (status !== Status.OK) throw takeError(status, SLOTS[1]);
    return adopt(st, SLOTS[0]);
  }

  /**
   * The token the cache holds if it may still be served, else `null` — never
   * waits, sends nothing, starts no renewal, counts nothing (use `getToken()`
   * for all of that).
   * @returns {Token | null}
   */
  cachedToken() {
    const st = this.#live();
    const status = c.client_cached_token(st.ptr, OUT, ERR);
    if (status !== Status.OK) throw takeError(status, SLOTS[1]);
    return isNull(SLOTS[0]) ? null : adopt(st, SLOTS[0]);
  }

  /**
   * Compare-and-invalidate: drops the cached token only if it is `token` —
   * the one a resource server just rejected with 401 — so that many callers
   * reporting the same token cause one new request.
   *
   * @param {Token | string} token the Token, or its access token.
   * @returns {boolean} whether this call dropped it.
   */
  invalidate(token) {
    const st = this.#live();
    const access = typeof token === 'string' ? token : token instanceof Token ? token.accessToken : undefined;
    if (access === undefined) throw new TypeError('ooauthcc: invalidate() takes a Token or an access token string');
    const dropped = [false];
    const err = [null];
    check(c.client_invalidate(st.ptr, access, dropped, err), err);
    if (st.last !== null && st.last.accessToken === access) dropLast(st);
    return dropped[0];
  }

  /**
   * The counters of the cache entry this client shares (every client with the
   * same settings sees the same numbers), by the library's names in camelCase:
   * `tokenRequests`, `cacheHits`, `waits`, `backgroundRefreshes`, `failures`,
   * `fetches`, `storeHits`, … (every counter the loaded library has).
   * Callers of `getToken()` that shared one wait count as one call.
   * @returns {Record<string, number>}
   */
  stats() {
    const st = this.#live();
    const stats = {};
    const value = [0];
    const err = [null];
    for (let i = 0; i < STAT_KEYS.length; i++) {
      check(c.client_stat(st.ptr, i, value, err), err);
      stats[STAT_KEYS[i]] = Number(value[0]);
    }
    return stats;
  }

  /**
   * Frees the client. Calls in flight end normally; any later call fails
   * with a UsageError. A second close() does nothing. Tokens already
   * obtained stay valid, and the shared cache keeps its token for other clients.
   */
  close() {
    const st = this.#st;
    if (st.ptr === null) return;
    finalizer.unregister(this);
    release(st);
  }

  /** `Client(closed)` or `Client(open)`: no setting is shown (they may hold secrets). */
  toString() {
    return `Client(${this.closed ? 'closed' : 'open'})`;
  }

  [util.inspect.custom]() {
    return this.toString();
  }
}

if (typeof Symbol.dispose === 'symbol') {
  Client.prototype[Symbol.dispose] = Client.prototype.close;
}

// Shorthand properties only, so that ESM `import { Client } from 'ooauthcc'` sees every name.
module.exports = {
  Client,
  Token,
  version,
  statusName,
  STAT_NAMES,
  Status,
  OoauthccError,
  NullArgumentError,
  InvalidArgumentError,
  ConfigError,
  TransportError,
  TimeoutError,
  HttpStatusError,
  OAuthError,
  MalformedResponseError,
  StoreError,
  UsageError,
  InternalError,
};
