/**
 * ooauthcc/testing: the bundled loopback OAuth 2.0 authorization server
 * (libooauthcc_testing), FOR TESTS of programs that use ooauthcc.
 */

import type { Token } from './index';

/** The faults of `TestServer.setFault` (`ooauthcc_test_fault`). */
export const Fault: {
  readonly NONE: 0;
  readonly SERVER_ERROR: 1;
  readonly TOO_MANY_REQUESTS: 2;
  readonly NON_JSON: 3;
  readonly EMPTY_BODY: 4;
  readonly ERROR_IN_200: 5;
  readonly CLOSE_MID_BODY: 6;
  readonly OVERSIZED: 7;
  readonly INVALID_UTF8: 8;
  readonly DEEPLY_NESTED: 9;
};

/**
 * A real OAuth 2.0 token endpoint on 127.0.0.1 (HTTP, its own thread) that
 * counts token requests per client id and can be made slow, short-lived or
 * faulty. Methods throw OoauthccError subclasses.
 */
export class TestServer {
  private constructor();
  /** Starts a server on a free port of 127.0.0.1. */
  static start(): TestServer;
  /** The token endpoint, `http://127.0.0.1:PORT/token`. */
  readonly tokenUrl: string;
  /** Registers a client that may use client_secret_basic or client_secret_post, any scope. */
  registerClient(clientId: string, clientSecret: string): void;
  /** Registers a client with a choice of methods, Basic decoding, grant type and scopes. */
  registerClientWith(
    clientId: string,
    clientSecret: string,
    options?: { authMethods?: string; basicDecoding?: string; grantType?: string; allowedScopes?: string },
  ): void;
  /** Sets the lifetime of tokens issued from now on (default one hour). */
  setTokenLifetimeMs(ms: number): void;
  /** Delays every token response by `ms`. */
  setLatencyMs(ms: number): void;
  /** Token requests that named `clientId`, whatever their outcome. */
  requestCount(clientId: string): number;
  /** Requests that reached the token endpoint in all. */
  totalRequests(): number;
  /** Zeroes the request counters. */
  resetCounts(): void;
  /** Whether this server issued the token and it has not expired. */
  isValidToken(token: Token | string): boolean;
  /** The next `times` token requests (every one when 0) fail with `fault`. */
  setFault(fault: number, times?: number): void;
  /** Answers with HTTP `status` (and `Retry-After` for 429 and 503). */
  setFaultStatus(status: number, options?: { retryAfter?: string; times?: number }): void;
  /** Waits `delayMs` before answering. */
  setFaultSlowMs(delayMs: number, times?: number): void;
  /** Answers with an RFC 6749 §5.2 error body. */
  setFaultOAuthError(status: number, error: string, options?: { description?: string; uri?: string; times?: number }): void;
  /** Shapes successful responses like a real provider's (`"string_expires_in"`, …; `"none"` restores). */
  setQuirk(quirk: string): void;
  /** Stops the server. Idempotent. */
  close(): void;
}
