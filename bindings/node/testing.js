'use strict';
/**
 * ooauthcc/testing: the bundled loopback OAuth 2.0 authorization server, FOR
 * TESTS of programs that use ooauthcc. It loads libooauthcc_testing (the
 * production entry point, `ooauthcc`, never does).
 *
 * ```js
 * const { TestServer } = require('ooauthcc/testing');
 * const server = TestServer.start();
 * server.registerClient('svc', 'secret');
 * const client = new Client({ token_url: server.tokenUrl, client_id: 'svc', client_secret: 'secret' });
 * ```
 */

const { koffi, c, load } = require('./lib/native');
const { check, UsageError } = require('./lib/errors');

const lib = load('ooauthcc_testing');
koffi.opaque('ooauthcc_test_server');

const f = (proto) => lib.func(proto);
const t = {
  start: f('uint32_t ooauthcc_test_server_start(_Out_ ooauthcc_test_server **out, _Out_ ooauthcc_error **err)'),
  token_url: f('const char *ooauthcc_test_server_token_url(const ooauthcc_test_server *server)'),
  register_client: f('uint32_t ooauthcc_test_server_register_client(const ooauthcc_test_server *server, const char *client_id, const char *client_secret, _Out_ ooauthcc_error **err)'),
  register_client_with: f('uint32_t ooauthcc_test_server_register_client_with(const ooauthcc_test_server *server, const char *client_id, const char *client_secret, const char *auth_methods, const char *basic_decoding, const char *grant_type, const char *allowed_scopes, _Out_ ooauthcc_error **err)'),
  set_token_lifetime_ms: f('uint32_t ooauthcc_test_server_set_token_lifetime_ms(const ooauthcc_test_server *server, uint64_t ms, _Out_ ooauthcc_error **err)'),
  set_latency_ms: f('uint32_t ooauthcc_test_server_set_latency_ms(const ooauthcc_test_server *server, uint64_t ms, _Out_ ooauthcc_error **err)'),
  request_count: f('uint32_t ooauthcc_test_server_request_count(const ooauthcc_test_server *server, const char *client_id, _Out_ uint64_t *out, _Out_ ooauthcc_error **err)'),
  total_requests: f('uint32_t ooauthcc_test_server_total_requests(const ooauthcc_test_server *server, _Out_ uint64_t *out, _Out_ ooauthcc_error **err)'),
  reset_counts: f('uint32_t ooauthcc_test_server_reset_counts(const ooauthcc_test_server *server, _Out_ ooauthcc_error **err)'),
  is_valid_token: f('uint32_t ooauthcc_test_server_is_valid_token(const ooauthcc_test_server *server, const char *access_token, _Out_ bool *valid, _Out_ ooauthcc_error **err)'),
  set_fault: f('uint32_t ooauthcc_test_server_set_fault(const ooauthcc_test_server *server, uint32_t fault, uint32_t times, _Out_ ooauthcc_error **err)'),
  set_fault_status: f('uint32_t ooauthcc_test_server_set_fault_status(const ooauthcc_test_server *server, uint32_t status, const char *retry_after, uint32_t times, _Out_ ooauthcc_error **err)'),
  set_fault_slow_ms: f('uint32_t ooauthcc_test_server_set_fault_slow_ms(const ooauthcc_test_server *server, uint64_t delay_ms, uint32_t times, _Out_ ooauthcc_error **err)'),
  set_fault_oauth_error: f('uint32_t ooauthcc_test_server_set_fault_oauth_error(const ooauthcc_test_server *server, uint32_t status, const char *error, const char *description, const char *uri, uint32_t times, _Out_ ooauthcc_error **err)'),
  set_quirk: f('uint32_t ooauthcc_test_server_set_quirk(const ooauthcc_test_server *server, const char *quirk, _Out_ ooauthcc_error **err)'),
  free: f('void ooauthcc_test_server_free(ooauthcc_test_server *server)'),
};

/** The faults of `TestServer.setFault` (`ooauthcc_test_fault` in ooauthcc_testing.h). */
const Fault = Object.freeze({
  NONE: 0,
  SERVER_ERROR: 1,
  TOO_MANY_REQUESTS: 2,
  NON_JSON: 3,
  EMPTY_BODY: 4,
  ERROR_IN_200: 5,
  CLOSE_MID_BODY: 6,
  OVERSIZED: 7,
  INVALID_UTF8: 8,
  DEEPLY_NESTED: 9,
});

/** Stops servers that were garbage-collected without `close()`. */
const finalizer = new FinalizationRegistry((ptr) => t.free(ptr));

/**
 * A real OAuth 2.0 token endpoint on 127.0.0.1 (HTTP, its own thread), which
 * counts every token request per client id and can be made slow, short-lived
 * or faulty. Every method may be called at any time until `close()`.
 */
class TestServer {
  #ptr;

  /** @private use `TestServer.start()`. */
  constructor(ptr) {
    this.#ptr = ptr;
    finalizer.register(this, ptr, this);
  }

  /** Starts a server on a free port of 127.0.0.1. */
  static start() {
    const out = [null];
    const err = [null];
    check(t.start(out, err), err);
    return new TestServer(out[0]);
  }

  #handle() {
    if (this.#ptr === null) throw new UsageError('ooauthcc: the test server is closed');
    return this.#ptr;
  }

  /** Runs a `uint32_t f(server, ...args, ooauthcc_error **err)` call, throwing its error. */
  #call(fn, ...args) {
    const err = [null];
    check(fn(this.#handle(), ...args, err), err);
  }

  /** The token endpoint, `http://127.0.0.1:PORT/token`. */
  get tokenUrl() {
    return t.token_url(this.#handle());
  }

  /** Registers a client that may use `client_secret_basic` or `_post`, any scope. */
  registerClient(clientId, clientSecret) {
    this.#call(t.register_client, clientId, clientSecret);
  }

  /**
   * Registers a client with a choice of authentication methods (`"any"`,
   * `"basic"`, `"post"`, `"none"`, `"client_secret_jwt"`), Basic decoding
   * (`"form_urlencoded"`, `"raw"`), grant type and allowed scopes (space
   * separated); omitted ones take the server's defaults.
   */
  registerClientWith(clientId, clientSecret, { authMethods = '', basicDecoding = '', grantType = '', allowedScopes = '' } = {}) {
    this.#call(t.register_client_with, clientId, clientSecret, authMethods, basicDecoding, grantType, allowedScopes);
  }

  /** Sets the lifetime of tokens issued from now on (default one hour). */
  setTokenLifetimeMs(ms) {
    this.#call(t.set_token_lifetime_ms, ms);
  }

  /** Delays every token response by `ms` (default 0), so concurrent callers pile up. */
  setLatencyMs(ms) {
    this.#call(t.set_latency_ms, ms);
  }

  /** How many token requests named `clientId` (whatever their outcome) since the start. */
  requestCount(clientId) {
    const out = [0];
    this.#call(t.request_count, clientId, out);
    return Number(out[0]);
  }

  /** How many requests reached the token endpoint in all. */
  totalRequests() {
    const out = [0];
    this.#call(t.total_requests, out);
    return Number(out[0]);
  }

  /** Zeroes the request counters. */
  resetCounts() {
    this.#call(t.reset_counts);
  }

  /** Whether this server issued `accessToken` (a string or a Token) and it has not expired. */
  isValidToken(accessToken) {
    const out = [false];
    this.#call(t.is_valid_token, typeof accessToken === 'string' ? accessToken : accessToken.accessToken, out);
    return out[0];
  }

  /** Makes the next `times` token requests (every one when 0) fail with a `Fault`. */
  setFault(fault, times = 0) {
    this.#call(t.set_fault, fault, times);
  }

  /** Answers token requests with HTTP `status` (and `Retry-After` for 429 and 503). */
  setFaultStatus(status, { retryAfter = '', times = 0 } = {}) {
    this.#call(t.set_fault_status, status, retryAfter, times);
  }

  /** Waits `delayMs` before answering token requests (for timeouts). */
  setFaultSlowMs(delayMs, times = 0) {
    this.#call(t.set_fault_slow_ms, delayMs, times);
  }

  /** Answers token requests with an RFC 6749 §5.2 error body. */
  setFaultOAuthError(status, error, { description = '', uri = '', times = 0 } = {}) {
    this.#call(t.set_fault_oauth_error, status, error, description, uri, times);
  }

  /** Shapes successful responses like a real provider's (`"string_expires_in"`, `"nested_token"`, …). */
  setQuirk(quirk) {
    this.#call(t.set_quirk, quirk);
  }

  /** Stops the server (requests in flight are cut off). A second call does nothing. */
  close() {
    if (this.#ptr === null) return;
    finalizer.unregister(this);
    const ptr = this.#ptr;
    this.#ptr = null;
    t.free(ptr);
  }
}

if (typeof Symbol.dispose === 'symbol') {
  TestServer.prototype[Symbol.dispose] = TestServer.prototype.close;
}

module.exports = { TestServer, Fault };
